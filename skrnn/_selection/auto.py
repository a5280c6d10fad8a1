"""AutoForecaster: backtest candidate forecasters, forecast with the winner or a blend.

The backtest's errors become weights, per series or for the whole panel
(:mod:`skrnn._selection.weights`); a single winner is refitted and used as
it is, several are refitted and their forecasts summed with those weights.
"""

from collections.abc import Mapping
from numbers import Integral
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from skrnn._core.sklearn_compat import Interval, StrOptions, _fit_context
from skrnn._forecast.intervals import checked_levels
from skrnn._selection.backtest import backtest_each, leaderboard
from skrnn._selection.weights import combine_frames, selection_weights, series_errors

RNN = "RNNForecaster"
RIDGE = "Ridge"


def season_spec(probe: Any) -> Any:
    """The seasons a fitted forecaster found, as its rivals' ``season``."""
    return probe.seasons_ or 1


NAIVE = "naive"


def naive_name(cycle: int) -> str:
    """The name of the naive candidate repeating the value ``cycle`` steps back."""
    return NAIVE if cycle == 1 else f"seasonal naive ({cycle})"


def default_forecasters(
    rnn: Any, horizon: int, probe: Any, columns: dict, intervals: bool = False
) -> dict:
    """The network, Ridge and the naive forecasts, by name, as rivals.

    The network ``rnn`` (left out when None), Ridge, the naive forecast (the
    last value repeated) and, on seasonal data, the seasonal naive forecast,
    on the same windows and seasons; ``columns`` names a long panel's
    columns. The seasonal naive forecast repeats the fitted forecaster
    ``probe``'s cycle, or its first season when it anchors its forecasts on
    the last value. Without ``intervals``, one fit per origin: none is
    calibrated.
    """
    from skrnn.baselines import SeasonalNaiveRegressor
    from skrnn.forecasting import WindowForecaster

    season = season_spec(probe)
    cycle = probe.season_ if probe.season_ > 1 else (probe.seasons_ or (1,))[0]
    calibration = "auto" if intervals else None
    models = {}
    if rnn is not None:
        models[RNN] = clone(rnn).set_params(calibration=calibration)
    models[RIDGE] = WindowForecaster(
        horizon=horizon, season=season, calibration=calibration, **columns
    )
    # a random walk's best forecast is its last value, a season's the value one
    # cycle back: both are yardsticks, and either may win
    for lag in dict.fromkeys((1, cycle)):
        models[naive_name(lag)] = WindowForecaster(
            SeasonalNaiveRegressor(lag),
            horizon=horizon,
            look_back=lag,
            season=season,
            calibration=calibration,
            **columns,
        )
    return models


def _points_only(forecaster: Any) -> Any:
    """An unfitted copy that skips calibration: the backtest scores points only."""
    model = clone(forecaster)
    if "calibration" in model.get_params(deep=False):
        model.set_params(calibration=None)
    return model


class AutoForecaster(BaseEstimator):
    """Forecast with whichever candidate forecaster won a backtest on the data.

    ``fit`` backtests every candidate from the last ``n_origins`` origins of
    the history (:func:`~skrnn.model_selection.compare_forecasters`: the
    same periods forecast from the same history), keeps the one with the
    lowest MASE (on a panel, each series' own winner), and refits it on the
    whole history; ``predict``, ``update`` and ``score`` are its own. With
    ``selection="weighted"`` every candidate is refitted and the forecast is
    their sum weighted by backtest accuracy. By default the candidates are
    an :class:`~skrnn.RNNForecaster`, Ridge regression on the same windows,
    the naive forecast and the seasonal naive forecast: the network is used
    only where it beat the others.

    Parameters
    ----------
    forecasters : dict of str to forecaster, default=None
        The candidates by name, unfitted, all with ``horizon`` steps (clones
        are fitted; the dict is not modified). None: ``"RNNForecaster"``
        (an :class:`~skrnn.RNNForecaster` with its defaults and
        ``random_state``), ``"Ridge"`` (a :class:`~skrnn.WindowForecaster`
        with its default Ridge regression), ``"naive"`` (the last value
        repeated) and, where the data have a season, ``"seasonal naive
        (m)"`` (both :class:`~skrnn.WindowForecaster` around
        :class:`~skrnn.baselines.SeasonalNaiveRegressor`, at the cycle ``m``
        that a Ridge forecaster resolves on the data), all with the seasons
        the data resolve ``season`` to.

    horizon : int, default=1
        Number of steps to forecast, as the candidates' ``horizon``.

    n_origins : int, default=3
        Backtest origins, ``horizon`` steps apart, the last one ``horizon``
        steps before the end of the history.

    selection : str, default="best"
        ``"best"``: the candidate with the lowest backtest MASE (the lowest
        MAE among equal or undefined MASEs, as on a series whose seasonal
        naive forecast is exact in sample). ``"weighted"``: every candidate,
        its forecast weighted by the inverse square of its backtest MASE
        (a candidate with twice the error counts a quarter as much). Or the
        name of a candidate: that one is used whatever its backtest (which
        still runs, for ``scores_``).

    per_series : bool, default=True
        On a panel, whether ``selection`` reads each series' own backtest
        (each series forecast by its own winner, or with its own weights)
        rather than the mean over the panel. Unused for one series.

    season : int, list of int or "auto", default="auto"
        The default candidates' ``season`` (see
        :class:`~skrnn.WindowForecaster`); unused with ``forecasters``.

    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        The columns of a long panel, for the default candidates; see
        :class:`~skrnn.WindowForecaster`.

    random_state : int, RandomState instance or None, default=None
        The default network's ``random_state``.

    Attributes
    ----------
    scores_ : pandas.DataFrame
        The backtest's leaderboard, best first (by MASE, then MAE), indexed
        by rank from 1: ``model`` (the candidate's
        name), ``mae``, ``rmse``, ``smape``, ``mase`` (for a panel, over
        every series: the mean of the series' MASE) and ``fit_time``
        (seconds per origin).

    series_scores_ : pandas.DataFrame
        The backtest MASE of every candidate (columns) on every series
        (rows, by id; one row labelled 0 for one series), or its MAE on a
        series where some MASE is undefined.

    weights_ : pandas.DataFrame
        Like ``series_scores_``: the weight of each candidate's forecast in
        each series' forecast, each row summing to one (a single 1 when one
        candidate forecasts the series).

    best_ : str
        The name of the candidate with the lowest backtest MASE: the first
        of ``scores_``.

    selected_ : str
        The name of the candidate used when one forecasts every series
        (``best_``, or the one ``selection`` names); ``"weighted"`` for a
        weighted combination; ``"per series"`` when series have different
        winners.

    forecasters_ : dict of str to forecaster
        The candidates with some weight, fitted on the whole history.

    forecaster_ : forecaster or None
        The candidate used when ``selected_`` names one (the only entry of
        ``forecasters_``), else None.

    season_ : int
        The ``season_`` of the best candidate used.

    cutoff_ : object or pandas.Series
        The last timestamp of the history (per series for a panel), as the
        candidates' ``cutoff_``.

    See Also
    --------
    skrnn.model_selection.compare_forecasters : The backtest ``fit`` runs.
    RNNForecaster : The recurrent candidate.
    WindowForecaster : Ridge and the seasonal naive candidates.

    Notes
    -----
    The backtest scores point forecasts, so the candidates are backtested
    without calibration (``calibration=None``, one fit per origin); the
    ones used are refitted as given, and their intervals are calibrated as
    their ``calibration`` says. The bounds of a combination are the
    weighted averages of the candidates' bounds: at least as wide as the
    narrowest, and not calibrated as a whole.

    A combination or a per-series choice needs candidates that forecast
    the same series on the same timestamps: :class:`~skrnn.RNNForecaster`
    and :class:`~skrnn.WindowForecaster`, fitted on the same data.

    Examples
    --------
    >>> from skrnn import AutoForecaster, RNNForecaster, WindowForecaster
    >>> from skrnn.baselines import SeasonalNaiveRegressor
    >>> from skrnn.datasets import load_airline
    >>> y = load_airline()
    >>> candidates = {
    ...     "RNNForecaster": RNNForecaster(12, epochs=2, units=4, random_state=0),
    ...     "Ridge": WindowForecaster(horizon=12),
    ...     "seasonal naive": WindowForecaster(
    ...         SeasonalNaiveRegressor(12), horizon=12, look_back=12
    ...     ),
    ... }
    >>> fc = AutoForecaster(candidates, horizon=12, n_origins=2).fit(y)
    >>> fc.scores_.columns.tolist()
    ['model', 'mae', 'rmse', 'smape', 'mase', 'fit_time']
    >>> fc.selected_
    'Ridge'
    >>> fc.predict(coverage=0.9).columns.tolist()
    ['y_pred', 'y_lower', 'y_upper']
    """

    _parameter_constraints: dict = {
        "forecasters": [dict, None],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "n_origins": [Interval(Integral, 1, None, closed="left")],
        "selection": [str],
        "per_series": ["boolean"],
        "season": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            "array-like",
        ],
        "id_col": [str],
        "time_col": [str],
        "target_col": [str],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        forecasters=None,
        *,
        horizon=1,
        n_origins=3,
        selection="best",
        per_series=True,
        season="auto",
        id_col="unique_id",
        time_col="ds",
        target_col="y",
        random_state=None,
    ):
        self.forecasters = forecasters
        self.horizon = horizon
        self.n_origins = n_origins
        self.selection = selection
        self.per_series = per_series
        self.season = season
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col
        self.random_state = random_state

    @property
    def _columns(self) -> dict:
        return {
            "id_col": self.id_col,
            "time_col": self.time_col,
            "target_col": self.target_col,
        }

    def _candidates(self, y, X) -> dict:
        """The candidates by name, unfitted: given, or the default three."""
        if self.forecasters is not None:
            if not isinstance(self.forecasters, Mapping) or not self.forecasters:
                raise ValueError("forecasters must be a non-empty dict or None.")
            horizons = {name: f.horizon for name, f in self.forecasters.items()}
            if set(horizons.values()) != {self.horizon}:
                raise ValueError(
                    f"Every forecaster must have horizon={self.horizon}; got "
                    f"{horizons}."
                )
            return dict(self.forecasters)
        from skrnn.forecasting import RNNForecaster, WindowForecaster

        # a quick Ridge forecaster resolves the seasons the candidates share
        probe = WindowForecaster(
            horizon=self.horizon, season=self.season, calibration=None, **self._columns
        ).fit(y, X)
        rnn = RNNForecaster(
            self.horizon,
            season=season_spec(probe),
            random_state=self.random_state,
            **self._columns,
        )
        return default_forecasters(
            rnn, self.horizon, probe, self._columns, intervals=True
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, y, X=None):
        """Backtest every candidate, then refit the ones used on the whole history.

        Parameters
        ----------
        y : pandas.Series, array-like of shape (n_steps,) or pandas.DataFrame
            One series or a panel, as :meth:`WindowForecaster.fit
            <skrnn.WindowForecaster.fit>` takes it. It is not modified.
        X : pandas.DataFrame of shape (n_steps, n_covariates), default=None
            Covariates of a single series, on the index of ``y``.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        candidates = self._candidates(y, X)
        if self.selection not in ("best", "weighted", *candidates):
            raise ValueError(
                f"selection={self.selection!r} is neither 'best', 'weighted' nor a "
                f"candidate: {sorted(candidates)}."
            )
        results = backtest_each(
            {name: _points_only(f) for name, f in candidates.items()},
            y,
            X,
            n_origins=self.n_origins,
        )
        board = leaderboard(results, self.n_origins)
        # MASE is undefined where the seasonal naive forecast fits the history
        # exactly (a zero scale): MAE then ranks, as it breaks ties
        board = board.sort_values(["mase", "mae"], kind="stable")
        board.index = pd.RangeIndex(1, len(board) + 1, name="rank")
        self.scores_ = board
        self.best_ = str(board["model"].iloc[0])
        overall = board.set_index("model")["mase"]
        if overall.isna().any():
            overall = board.set_index("model")["mae"]
        first = next(iter(candidates.values()))
        self.series_scores_ = series_errors(
            results, getattr(first, "id_col", "unique_id")
        )
        self.weights_ = selection_weights(
            self.series_scores_, overall, self.selection, self.per_series
        )
        used = [name for name in self.weights_ if self.weights_[name].gt(0).any()]
        self.forecasters_ = {name: clone(candidates[name]).fit(y, X) for name in used}
        lead = self.forecasters_[used[0]]
        if len(used) == 1:
            self.selected_, self.forecaster_ = used[0], lead
        else:
            self._check_combinable()
            self.selected_ = (
                "weighted" if self.selection == "weighted" else "per series"
            )
            self.forecaster_ = None
        self.season_ = getattr(lead, "season_", 1)
        self.cutoff_ = getattr(lead, "cutoff_", None)
        return self

    def _check_combinable(self) -> None:
        for name, forecaster in self.forecasters_.items():
            if not hasattr(forecaster, "_forecast_frames"):
                raise TypeError(
                    f"Candidate {name!r} ({type(forecaster).__name__}) cannot be "
                    "combined with others: a weighted or per-series selection "
                    "needs RNNForecaster or WindowForecaster candidates. Pass "
                    "selection='best' with per_series=False."
                )

    def _frames(self, X, levels) -> list:
        """Per series, the weighted sum of the candidates' forecast frames."""
        panel = next(iter(self.forecasters_.values()))._panel
        weights = self.weights_
        if not panel.layout.single:
            weights = weights.reindex(list(panel.ids)).fillna(0.0)
            # a series the backtest could not score: the best candidate overall
            weights.loc[weights.sum(axis=1) == 0, next(iter(self.forecasters_))] = 1.0
        weights = weights[list(self.forecasters_)]
        forecasts = {
            name: forecaster._forecast_frames(X, levels)
            for name, forecaster in self.forecasters_.items()
        }
        return combine_frames(forecasts, weights)

    def predict(self, X=None, *, coverage=None):
        """Forecast the ``horizon`` values after the history with the candidates used.

        Parameters
        ----------
        X : pandas.DataFrame, default=None
            The known-future covariates at the forecast timestamps, when the
            selected candidate reads some.
        coverage : float or list of float, default=None
            Nominal coverage of prediction intervals, in (0, 1). None: point
            forecasts only.

        Returns
        -------
        y_pred : pandas.Series or pandas.DataFrame
            ``forecaster_.predict(X, coverage=coverage)``, or the weighted
            sum of the candidates' forecasts in the same layout: see
            :meth:`WindowForecaster.predict <skrnn.WindowForecaster.predict>`.
        """
        check_is_fitted(self, "forecasters_")
        if self.forecaster_ is not None:
            return self.forecaster_.predict(X, coverage=coverage)
        levels = checked_levels(
            coverage,
            all(f.calibration_errors_ is not None for f in self.forecasters_.values()),
        )
        lead = next(iter(self.forecasters_.values()))
        return lead._panel.layout.write(lead._panel, self._frames(X, levels))

    def update(self, y, X=None):
        """Append new observations to the candidates' histories, without refitting.

        Parameters
        ----------
        y : pandas.Series, array-like of shape (n_new,) or pandas.DataFrame
            The observations right after the history, in the layout of
            ``fit``.
        X : pandas.DataFrame, default=None
            The covariates of those rows.

        Returns
        -------
        self : object
            The forecaster, its history extended.
        """
        check_is_fitted(self, "forecasters_")
        for forecaster in self.forecasters_.values():
            forecaster.update(y, X)
        lead = next(iter(self.forecasters_.values()))
        self.cutoff_ = getattr(lead, "cutoff_", None)
        return self

    def score(self, y, X=None):
        """Negative MASE of the forecast on the values that followed the history.

        Parameters
        ----------
        y : pandas.Series, array-like of shape (n_steps,) or pandas.DataFrame
            Observations within the ``horizon`` steps after the history.
        X : pandas.DataFrame, default=None
            The known-future covariates at the forecast timestamps, when the
            selected candidate reads some.

        Returns
        -------
        score : float
            Minus the MASE of the forecast (of the combination, when several
            candidates are used), as ``forecaster_.score(y, X)``: higher is
            better.
        """
        check_is_fitted(self, "forecasters_")
        if self.forecaster_ is not None:
            return self.forecaster_.score(y, X)
        lead = next(iter(self.forecasters_.values()))
        return lead._score(y, X, self._frames(X, None))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = False
        tags.non_deterministic = self.forecasters is None or any(
            get_tags(f).non_deterministic for f in self.forecasters.values()
        )
        return tags
