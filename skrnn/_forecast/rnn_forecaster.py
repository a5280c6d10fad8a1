"""RNNForecaster: WindowForecaster over an RNNRegressor, with its own defaults."""

from numbers import Integral

from sklearn.utils.validation import check_is_fitted

from skrnn._core.sklearn_compat import Interval, StrOptions
from skrnn._forecast.look_back import default_look_back, default_recurrent_steps
from skrnn._forecast.naive_candidates import NAIVE_CANDIDATES, naive_forecasts
from skrnn._forecast.window_fit import member_count, member_seeds
from skrnn._forecast.window_forecaster import WindowForecaster
from skrnn._keras.training import auto_batch_size
from skrnn._regression.regressor import RNNRegressor

# the variants calibration chooses between (see linear_fallback and
# naive_fallback; the naive ones are named in naive_candidates)
NETWORK, LINEAR_START = "network", "linear start"

# RNNRegressor's parameters that RNNForecaster passes on, with its defaults
_RNN_PARAMS = (
    "cell",
    "units",
    "dropout",
    "learning_rate",
    "epochs",
    "batch_size",
    "early_stopping",
    "loss",
    "target_representation",
    "decoder",
    "linear_skip",
    "random_state",
    "verbose",
)


class RNNForecaster(WindowForecaster):
    """Forecast the next ``horizon`` values of a series with a recurrent network.

    A :class:`WindowForecaster` whose regressor is an
    :class:`~skrnn.RNNRegressor` with ``horizon`` outputs, built from the
    parameters below, so that ``look_back`` and ``units`` can be tuned
    together by a scikit-learn search. The defaults were chosen by the
    benchmarks whose results are in ``benchmarks/results/`` (``forecast.md``,
    ``m4.md``, ``suite.md`` and ``ensemble.md``).

    Parameters
    ----------
    horizon : int, default=1
        Number of steps to forecast.

    look_back : int or "auto", default="auto"
        See :class:`WindowForecaster`; ``"auto"`` here also covers the
        longest cycle of ``seasons_`` (at most 400 steps) when the series is
        not seasonal at ``season_``: the network then has to see the cycle
        in its window, and its weights do not grow with the window's length.
        On the suite's daily Seattle temperatures (yearly cycle), mean MASE
        over three seeds 0.655 against 0.760 with the horizon
        (``benchmarks/results/suite_seeds.md``). A cycle at which the
        series fail the seasonality test is left out where it is a multiple
        of a shorter one at which they pass: hourly ETTh1 passes at 24 and
        not at 168, and reads 24 steps
        (``benchmarks/results/network_window.md``).

    season : int or "auto", default="auto"
        See :class:`WindowForecaster`.

    future_covariates : list of str, "all" or None, default=None
        See :class:`WindowForecaster`.

    calibration : int, "auto" or None, default="auto"
        See :class:`WindowForecaster`.

    calibration_folds : int or "auto", default="auto"
        Calibration copies, each one more fit of the network; see
        :class:`WindowForecaster`. Where ``"auto"`` takes 3 (short series),
        1 saves two fits of the network.

    symmetric_intervals : bool, default=False
        See :class:`WindowForecaster`.

    max_windows : int or None, default=50_000
        The most training windows per fit, the most recent of each series
        (see :class:`WindowForecaster`). It bounds a fit's time and memory
        on large panels and changes nothing on a single series of fewer
        steps (``benchmarks/results/m4.md`` measures it on M4 Weekly).

    window_sampling : {"recent", "epoch"}, default="recent"
        See :class:`WindowForecaster`.

    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        The columns of a long panel; see :class:`WindowForecaster`.

    cell : {"lstm", "gru", "simple_rnn"}, default="lstm"
        Recurrent cell, as in :class:`~skrnn.RNNRegressor`.

    units : int or tuple of int, default=32
        Units of the recurrent layer; a tuple stacks layers.

    dropout : float, default=0.0
        Fraction of the inputs dropped in each recurrent layer while training.

    learning_rate : float, default=0.001
        Learning rate of Adam.

    epochs : int, default=20
        Passes over the training windows. Few, on purpose: on short series
        a network trained longer fits the noise of its few windows
        (``benchmarks/results/forecast.md``); raise it, or set
        ``early_stopping``, for long series or panels.

    batch_size : int or "auto", default="auto"
        Windows per gradient update. ``"auto"``: 16, or one three-hundredth
        of the training windows when that is more (at most 256, a power of
        two), so that an epoch over a large panel takes about 300 updates.

    early_stopping : bool, default=False
        Hold out the most recent tenth of the training windows and stop when
        their loss has not improved for 10 epochs, restoring the best weights.

    loss : {"mse", "mae", "huber", "log_cosh"} or callable, default="mse"
        Training loss, on the standardised target; a Keras loss object is
        passed to the network as it is.

    target_representation : {"auto", "change", "level", "window_norm", \
            "seasonal"}, default="auto"
        How the network sees the target (see :class:`~skrnn.RNNRegressor`);
        ``"auto"`` predicts the change from the window's last value, in logs
        for a positive series, or, for a seasonal series, the correction to
        its seasonal naive forecast (``"seasonal"``).

    decoder : {"dense", "rnn"}, default="dense"
        The network's head (see :class:`~skrnn.RNNRegressor`): one ``Dense``
        layer writes the ``horizon`` values at once, or a recurrent decoder,
        started from the encoder's final state, unrolls over the ``horizon``
        steps and reads the known-future covariates of each step (without
        any, the step's position only). ``"dense"`` is the default because
        the decoder did not win on the shipped series nor on the M4 Weekly
        panel, for more fit time (``benchmarks/results/forecast.md``,
        ``benchmarks/results/m4.md``).

    linear_skip : bool, default=True
        Add to the network's forecast a linear map of the window's last
        steps (in the target's representation), started at their ridge
        regression on the training windows and trained with the network (see
        :class:`~skrnn.RNNRegressor`): the network then learns what a linear
        autoregression misses, as LSTNet's "highway". It reads the steps
        ``WindowForecaster`` would read (two seasons, one where two pass 400
        steps, or the horizon), not
        the longer cycles the network's window may cover. The default since
        it lowered M4 Weekly's OWA from 0.775 to 0.727 (0.894 to 0.754 in
        the rebuilt benchmark environment of 2026-12-07, the same code:
        ``benchmarks/results/m4.md``) and, for one network at two seeds,
        MASE by 31% on hourly temperature, 18% on weekly CO2, 11% on daily
        temperature and 6% on ETTh2, against 15% higher on ETTh1 and 9% on
        the airline series (``benchmarks/results/linear_skip.md``). False
        trains the network alone.

    linear_fallback : bool, default=True
        With ``linear_skip``, let the calibration forecasts choose between
        the trained networks and the ridge regression their skip started
        from: each calibration copy forecasts its windows both ways (the
        second with the network's head set to zero and the skip back at its
        start), and when the start's scaled errors have a mean lower than
        the network's by more than 3% of it (a margin: the copies trained
        without the last quarter of each series, from which the final
        networks learn, and the network is kept in a near tie; ETTh1 0.791
        -> 0.680 and no suite series worse, but two ETT panels measured
        after 3.0% and 1.0% worse,
        ``benchmarks/results/fallback_margin.md``), the
        forecaster forecasts with it (``linear_fallback_``), its intervals
        from those errors, and its final networks train one epoch only,
        their training being set aside. Out of sample, then, the defaults
        do not end worse than the autoregression the network started from.
        At 15 origins spread over the last third of each suite series
        (``benchmarks/results/suite_coverage.md``) it moved MASE on ETTh2
        from 0.971 to 0.748 (Ridge 0.752) and on ETTh1 from 0.749 to 0.712,
        against 0.297 to 0.301 on Seattle's hourly temperatures and at most
        0.7% elsewhere; M4 Weekly's OWA stayed 0.727 (the trained network
        chosen at five seeds out of five in the rebuilt environment, mean
        0.741). Without calibration
        (``calibration=None``) there is nothing to choose on: the trained
        networks forecast.

    naive_fallback : bool, default=True
        Where the series are not seasonal at ``season_`` (the forecasts are
        anchored on the last value), also offer the calibration two naive
        forecasts, read from the windows: the last value repeated, and the
        last value plus its drift over the last ``horizon`` steps (at a
        constant rate where the values are positive); when one of them has
        the lowest mean scaled error, below the network's by more than the
        same 3%, the forecaster forecasts with it
        (``forecast_method_``), its intervals from its errors, and its
        final networks train one epoch only. These are the forecasts the
        network learns to correct: a network trained on a history whose
        trends turned (a recession in the middle of the monthly US
        employment panel) can end behind both. There, MASE 0.517 -> 0.269
        over the suite's 5 origins (AutoETS 0.256, Ridge 0.552; the drift
        chosen at four, the last value at one). On the suite's other series
        that are not seasonal (ETTh1 with or without its loads, Seattle's
        daily maxima, the held-out glucose and sea temperature, M4 Weekly)
        the naive forecasts erred more on the calibration windows at every
        origin, and nothing moved; on statsmodels' quarterly ``macrodata`` (held
        out) the drift was chosen at every origin and cost 4% (1.125 ->
        1.170; AutoETS 1.003) (``benchmarks/results/naive_fallback.md``).
        Seasonal series are not offered them: their forecasts are already
        relative to a cycle.

    recurrent_steps : int, "auto" or None, default="auto"
        The last steps of each window that the recurrent layers read (see
        :class:`~skrnn.RNNRegressor`); the target's representation and the
        linear skip read the whole window. ``"auto"``: with ``look_back="auto"``
        and the ``"seasonal"`` representation at a longer cycle than the
        first of ``seasons_`` (the weekly cycle of half-hourly data, a week
        of 336 steps), the look-back the first cycle would have (two days,
        96 steps), else the whole window: the weekly reference comes from
        the representation, and a recurrent layer's time grows with the
        steps it reads. On the suite's half-hourly demand MASE 0.174 and
        0.171 at seeds 0 and 1, against 0.181 and 0.170 reading the whole
        week: the same accuracy in 28% and 41% of the fit time
        (``benchmarks/results/suite.md``). None: the whole window; an int:
        that many steps (the whole window if it is shorter).

    n_models : int or "auto", default="auto"
        Networks trained alike from different seeds, whose forecasts are
        averaged (an ensemble, as the M4 winner's). Each is one more fit of
        the network, for the calibration copies too: three take three times
        as long as one. One network's MASE moves with its seed; the average
        of three moves about half as much and is a little better. Over nine
        seeds on four hourly and daily series of the suite, the standard
        deviation of MASE went from 0.049-0.096 with one network to
        0.027-0.051 with three, and the mean MASE down by 1.6% to 4.3%
        (``benchmarks/results/ensemble.md``); with the linear skip, the
        defaults' MASE moved over three seeds by a standard deviation of at
        most 6% of its mean on the seven series of the suite
        (``benchmarks/results/suite_seeds_defaults.md``). ``"auto"``: three
        while three times the training windows (of all series) fit in
        ``max_windows``,
        fewer beyond, one network once the windows reach it: a large panel
        keeps the time of one fit, and one network there already learns from
        many series (M4 Weekly, without the linear skip: OWA 0.775 for one
        network, 0.762 for three in three times the time,
        ``benchmarks/results/m4.md``). Set 1 for the
        fastest fit.

    random_state : int, RandomState instance or None, default=None
        Seed of the network's initialisation and shuffling: an int makes
        fits reproducible. The first network uses it as it is; the others
        draw their seeds from it.

    verbose : int, default=0
        Keras's training verbosity.

    Attributes
    ----------
    estimators_ : list of RNNRegressor
        The ``n_models_`` fitted networks, on every window.

    estimator_ : RNNRegressor
        The first of them (the only one with ``n_models=1``).

    n_models_ : int
        The networks averaged (``n_models`` resolved).

    recurrent_steps_ : int
        The last steps of each window the networks read (``recurrent_steps``
        resolved; ``look_back_`` when they read it all).

    forecast_method_ : str
        What the forecaster forecasts with, as its calibration chose:
        ``"network"`` (the trained networks), ``"linear start"`` (see
        ``linear_fallback``), ``"last value"`` or ``"drift"`` (see
        ``naive_fallback``).

    linear_fallback_ : bool
        Whether the forecaster forecasts with the linear skip alone, at its
        ridge start, rather than with the trained networks (see
        ``linear_fallback``): ``forecast_method_ == "linear start"``.

    look_back_, season_, n_windows_, calibration_errors_, calibration_series_, \
interval_scales_, interval_space_, calibration_folds_, past_covariates_, \
future_covariates_, cutoff_, n_series_
        As in :class:`WindowForecaster`.

    See Also
    --------
    WindowForecaster : The same forecasting with any window regressor.
    skrnn.model_selection.backtest : Rolling-origin evaluation of a forecaster.

    Examples
    --------
    >>> from skrnn import RNNForecaster
    >>> from skrnn.datasets import load_airline
    >>> y = load_airline()
    >>> fc = RNNForecaster(horizon=12, epochs=5, random_state=0).fit(y)
    >>> fc.predict(coverage=0.9).columns.tolist()
    ['y_pred', 'y_lower', 'y_upper']
    """

    _window_covers_cycles = True

    _parameter_constraints: dict = {
        **{
            name: rule
            for name, rule in WindowForecaster._parameter_constraints.items()
            if name != "estimator"
        },
        **{name: RNNRegressor._parameter_constraints[name] for name in _RNN_PARAMS},
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "n_models": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "recurrent_steps": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "linear_fallback": ["boolean"],
        "naive_fallback": ["boolean"],
    }

    def __init__(
        self,
        horizon=1,
        *,
        look_back="auto",
        season="auto",
        future_covariates=None,
        calibration="auto",
        calibration_folds="auto",
        symmetric_intervals=False,
        max_windows=50_000,
        window_sampling="recent",
        id_col="unique_id",
        time_col="ds",
        target_col="y",
        cell="lstm",
        units=32,
        dropout=0.0,
        learning_rate=0.001,
        epochs=20,
        batch_size="auto",
        early_stopping=False,
        loss="mse",
        target_representation="auto",
        decoder="dense",
        linear_skip=True,
        linear_fallback=True,
        naive_fallback=True,
        recurrent_steps="auto",
        n_models="auto",
        random_state=None,
        verbose=0,
    ):
        self.horizon = horizon
        self.look_back = look_back
        self.season = season
        self.future_covariates = future_covariates
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.symmetric_intervals = symmetric_intervals
        self.max_windows = max_windows
        self.window_sampling = window_sampling
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col
        self.cell = cell
        self.units = units
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.loss = loss
        self.target_representation = target_representation
        self.decoder = decoder
        self.linear_skip = linear_skip
        self.linear_fallback = linear_fallback
        self.naive_fallback = naive_fallback
        self.recurrent_steps = recurrent_steps
        self.n_models = n_models
        self.random_state = random_state
        self.verbose = verbose

    def _resolve_n_models(self, panel) -> int:
        return member_count(
            self.n_models,
            panel.histories,
            look_back=self.look_back_,
            horizon=self.horizon,
            limit=self.max_windows,
        )

    def _make_estimators(self, variant=None) -> list:
        seeds = member_seeds(self.random_state, self.n_models_)
        members = [self._make_estimator().set_params(random_state=s) for s in seeds]
        if variant not in (None, NETWORK):
            # the linear start and the naive forecasts do not depend on
            # training: spare the fit
            for member in members:
                member.set_params(epochs=1)
        return members

    def _variants(self) -> tuple:
        variants = (NETWORK,)
        if self.linear_skip and self.linear_fallback:
            variants += (LINEAR_START,)
        if self.naive_fallback and not self.seasonal_:
            variants += NAIVE_CANDIDATES
        return variants

    def _use_variant(self, estimators, variant) -> None:
        if variant == LINEAR_START:
            for estimator in estimators:
                estimator._use_linear_start()

    def _predict_windows(self, estimators, windows, variant):
        if variant in NAIVE_CANDIDATES:
            return naive_forecasts(windows, self.horizon, variant)
        return super()._predict_windows(estimators, windows, variant)

    @property
    def linear_fallback_(self) -> bool:
        """Whether the forecaster forecasts with the linear start (see above)."""
        return self.forecast_method_ == LINEAR_START

    @property
    def forecast_method_(self) -> str:
        """What the forecaster forecasts with, as calibration chose (see above)."""
        check_is_fitted(self, "estimators_")
        return self._variant or NETWORK  # None: a file from before the choice

    @property
    def recurrent_steps_(self) -> int:
        """The last steps of each window the networks read (see above)."""
        check_is_fitted(self, "estimators_")
        return self._recurrent_steps()

    def _recurrent_steps(self) -> int:
        if self.recurrent_steps is None:
            return self.look_back_
        if self.recurrent_steps != "auto":
            return min(self.recurrent_steps, self.look_back_)
        seasonal_target = self.target_representation in ("auto", "seasonal")
        if self.look_back != "auto" or not seasonal_target:
            return self.look_back_
        series = [history.y for history in self._panel.histories]
        return default_recurrent_steps(
            series,
            self.seasons_,
            self.season_,
            self.seasonal_,
            self.horizon,
            self.look_back_,
        )

    def _linear_skip_steps(self) -> int:
        """The window's last steps the linear skip reads.

        Those ``WindowForecaster`` reads with ``look_back="auto"``: two
        seasons (one where two pass 400 steps) or the horizon, not the
        longer cycles the network's window may cover, on which a linear map
        overfits.
        """
        series = [history.y for history in self._panel.histories]
        linear = default_look_back(series, self.season_, self.horizon, self.seasonal_)
        return min(linear, self.look_back_)

    def __setstate__(self, state):
        # a file written before ensembles (one network), the linear skip, the
        # fallbacks to its start or to the naive forecasts, or recurrent_steps
        # (the whole window)
        old = {
            "n_models": 1,
            "linear_skip": False,
            "linear_fallback": False,
            "naive_fallback": False,
            "recurrent_steps": None,
        }
        super().__setstate__({**old, **state})

    def _make_estimator(self):
        params = {name: getattr(self, name) for name in _RNN_PARAMS}
        if params["batch_size"] == "auto":
            params["batch_size"] = 16  # until the windows are counted
        return RNNRegressor(**params)

    def _configure(self, estimator, windows):
        params = super()._configure(estimator, windows)
        if self.linear_skip:
            params["linear_skip"] = self._linear_skip_steps()
        steps = self._recurrent_steps()
        params["recurrent_steps"] = steps if steps < self.look_back_ else None
        if self.batch_size == "auto":  # this forecaster's own parameter
            params["batch_size"] = auto_batch_size(len(windows))
        return params
