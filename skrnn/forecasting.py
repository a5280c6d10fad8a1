"""Forecasting past the end of the data: the next values, intervals, covariates.

:class:`WindowForecaster` turns any window regressor (an
:class:`~skrnn.RNNRegressor`, a Ridge regression, a naive baseline) into a
forecaster with the same windows, the same direct multi-step strategy and the
same intervals, so that every comparison forecasts alike.
:class:`~skrnn.RNNForecaster` is its recurrent specialisation.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from ._forecast_data import (
    History,
    check_future_covariates,
    check_history,
    check_series,
    last_window,
    local_scales,
    n_windows,
    origin_windows,
    training_windows,
)
from ._intervals import check_coverage, conformal_quantiles, interval_columns
from ._persistence import load_estimator, save_estimator
from ._regressor import RNNRegressor
from ._sklearn import HasMethods, Interval, StrOptions, _fit_context
from ._time_index import fill_gaps, format_time, is_seasonal, season_of_index
from .metrics import mase, seasonal_naive_scale

# the forecasters are documented as skrnn.RNNForecaster and skrnn.WindowForecaster
__all__ = ["fill_gaps"]

# at least this many calibration forecasts when the history allows: fewer
# cannot give a finite split-conformal 95% interval
MIN_CALIBRATION = 20


def default_look_back(y: np.ndarray, season: int, horizon: int) -> int:
    """The look-back that ``look_back="auto"`` resolves to.

    One season when the series passes the M4 seasonality test at its
    season, else the horizon (at least 8 steps); at most half of what the
    history leaves once the horizon is set aside, so that training keeps
    windows. Known-future covariates need at least the horizon: so it is.
    """
    seasonal = season > 1 and is_seasonal(y, season)
    look_back = max(season, horizon) if seasonal else max(horizon, 8)
    cap = max(1, (len(y) - horizon) // 2)
    return int(max(1, min(look_back, cap)))


class WindowForecaster(BaseEstimator):
    """Forecast the next ``horizon`` values of a series with any window regressor.

    ``fit`` cuts the series (and its covariates) into look-back windows, each
    paired with the ``horizon`` values that follow it, and fits the regressor
    on them: one model with ``horizon`` outputs (the direct strategy).
    ``predict`` forecasts from the last window of the data seen in ``fit``,
    for the timestamps after it; no history is needed from the caller.
    Prediction intervals come from the model's own out-of-sample errors
    (split conformal, one quantile per horizon step).

    Parameters
    ----------
    estimator : regressor, default=None
        Fitted on windows ``(n_windows, look_back, n_features)`` and targets
        ``(n_windows, horizon)``; an estimator that does not take 3-D input
        (its ``three_d_array`` tag) gets the windows flattened, oldest step
        first. Feature 0 is the target's own history; when the estimator has
        a ``target_feature`` parameter left to None, it is set to 0. None
        means ``WindowTargetRegressor(Ridge(alpha=0.01))``: a linear model on
        the change from the window's last value, in logs for positive series.

    horizon : int, default=1
        Number of steps to forecast.

    look_back : int or "auto", default="auto"
        Steps in each window. ``"auto"``: one season (or the horizon, if
        longer) when the series passes the M4 competition's seasonality test
        at ``season``, else the horizon (at least 8); at most half the steps
        left once ``horizon`` is set aside. On the shipped series this beat
        two seasons or twice the horizon by 1% (RNN) and 7% (Ridge) in mean
        MASE; ``benchmarks/forecast.py`` holds the evidence.

    season : int or "auto", default="auto"
        Steps per seasonal cycle, for the look-back default and for the
        seasonal naive forecast that scales MASE (:meth:`score`). ``"auto"``
        reads it from the time index: hourly 24, daily 7, business-daily 5,
        weekly 52, monthly 12, quarterly 4; 1 for yearly or integer indexes.

    future_covariates : list of str, "all" or None, default=None
        Columns of ``X`` known ahead of time (calendar, holidays, planned
        prices, weather forecasts): windows read them up to ``horizon``
        steps past their end, and :meth:`predict` needs their values at the
        forecast timestamps. The other columns of ``X`` are past covariates,
        read up to the window's end only. None: every column is past-only,
        the safe choice, since a value read from the future that is not
        really known then makes a forecast look better than it can be.

    calibration : int, "auto" or None, default="auto"
        Number of out-of-sample forecasts whose errors calibrate the
        intervals (made by a copy of the model fitted on the history before
        them, so one more fit). ``"auto"``: a quarter of the training
        windows, at least 20 and at most half of them. None: no intervals,
        one fit.

    Attributes
    ----------
    estimator_ : regressor
        The fitted clone of ``estimator``, on every window.

    look_back_ : int
        The look-back used (``"auto"`` resolved).

    season_ : int
        The season used (``"auto"`` resolved).

    n_windows_ : int
        Number of training windows.

    seasonal_ : bool
        Whether the series passed the M4 competition's seasonality test at
        ``season_`` (and the windows hold a season). Then a regressor whose
        ``target_representation`` is ``"auto"`` forecasts each step relative
        to the seasonal naive forecast (``"seasonal"``): it learns a
        correction to the naive forecast rather than the season itself.

    calibration_errors_ : ndarray of shape (n_calibration, horizon) or None
        Absolute out-of-sample errors of the calibration forecasts, each
        divided by the mean absolute change within its window.

    past_covariates_, future_covariates_ : list of str
        The columns of ``X`` read as past-only and as known-future.

    cutoff_ : object
        The last timestamp of the history; forecasts start one step after it.

    See Also
    --------
    RNNForecaster : The recurrent forecaster, with evidence-based defaults.
    skrnn.model_selection.backtest : Rolling-origin evaluation of a forecaster.

    Notes
    -----
    ``fit(y, X)`` takes the series first, as forecasters do, so that a
    scikit-learn search or cross-validation called as ``search.fit(y, X)``
    hands each fold's series and covariates to it; use
    :class:`~sklearn.model_selection.TimeSeriesSplit` with ``test_size``
    equal to the horizon, whose test folds are the ``horizon`` steps after
    each training fold (:meth:`score` checks it).

    Examples
    --------
    >>> from skrnn.baselines import SeasonalNaiveRegressor
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.forecasting import WindowForecaster
    >>> y = load_airline()
    >>> fc = WindowForecaster(SeasonalNaiveRegressor(12), horizon=3).fit(y)
    >>> fc.predict()
    month
    1961-01-01    417.0
    1961-02-01    391.0
    1961-03-01    419.0
    Freq: MS, Name: passengers, dtype: float64
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "look_back": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "season": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "future_covariates": ["array-like", StrOptions({"all"}), None],
        "calibration": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
    }

    def __init__(
        self,
        estimator=None,
        *,
        horizon=1,
        look_back="auto",
        season="auto",
        future_covariates=None,
        calibration="auto",
    ):
        self.estimator = estimator
        self.horizon = horizon
        self.look_back = look_back
        self.season = season
        self.future_covariates = future_covariates
        self.calibration = calibration

    # -- what a subclass changes --------------------------------------------

    def _make_estimator(self):
        """An unfitted regressor for the windows."""
        if self.estimator is None:
            from sklearn.linear_model import Ridge

            from ._window_target import WindowTargetRegressor

            return WindowTargetRegressor(Ridge(alpha=0.01))
        return clone(self.estimator)

    # -- fit ----------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, y, X=None):
        """Fit the regressor on every window of the series, and calibrate intervals.

        Parameters
        ----------
        y : pandas.Series or array-like of shape (n_steps,)
            The series, oldest first, on a regular time index (DatetimeIndex
            or PeriodIndex with a frequency, or integer steps; an array is
            indexed 0 .. n_steps - 1). No missing values: see
            :func:`fill_gaps`. It is not modified.
        X : pandas.DataFrame of shape (n_steps, n_covariates), default=None
            Covariates on the index of ``y``; ``future_covariates`` says which
            are known ahead of time.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        history, past, future = check_history(y, X, self.future_covariates)
        self.past_covariates_, self.future_covariates_ = past, future
        self.season_ = self._resolve_season(history)
        self.look_back_ = self._resolve_look_back(history)
        self.seasonal_ = bool(
            1 < self.season_ <= self.look_back_
            and is_seasonal(history.y, self.season_)
        )
        self._history = history
        self.cutoff_ = history.index[-1]

        self.calibration_errors_ = None
        n_calibration = self._calibration_size(len(history))
        if n_calibration:
            self.calibration_errors_ = self._calibration_errors(history, n_calibration)
        self.estimator_, self.n_windows_ = self._fit_windows(history)
        return self

    def _resolve_season(self, history: History) -> int:
        if self.season != "auto":
            return int(self.season)
        return season_of_index(history.index) or 1

    def _resolve_look_back(self, history: History) -> int:
        horizon, n = self.horizon, len(history)
        if self.look_back == "auto":
            look_back = default_look_back(history.y, self.season_, horizon)
        else:
            look_back = int(self.look_back)
        if self.future_covariates_ and look_back < horizon:
            raise ValueError(
                f"look_back={look_back} is shorter than horizon={horizon}: "
                "windows with known-future covariates must be at least "
                "horizon steps long to hold their values over the whole "
                "forecast. Raise look_back"
                + (
                    f" (with 'auto', y's {n} steps allow {look_back})."
                    if self.look_back == "auto"
                    else " or leave it 'auto'."
                )
            )
        if n_windows(n, look_back, horizon) < 1:
            raise ValueError(
                f"y has {n} steps: too short a history for look_back={look_back} "
                f"plus horizon={horizon}; it needs at least {look_back + horizon}."
            )
        return look_back

    def _calibration_size(self, n_steps: int) -> int:
        """How many calibration forecasts, within what the history allows."""
        if self.calibration is None:
            return 0
        count = n_windows(n_steps, self.look_back_, self.horizon)
        # the calibration copy keeps at least half of the training windows
        most = count // 2
        if self.calibration == "auto":
            return min(max(MIN_CALIBRATION, count // 4), most)
        return min(int(self.calibration), most)

    def _fit_windows(self, history: History):
        """A fitted clone of the regressor on every window of ``history``."""
        windows, targets = training_windows(history, self.look_back_, self.horizon)
        estimator = self._make_estimator()
        estimator.set_params(**self._window_params(estimator, windows.shape[2]))
        estimator.fit(self._as_input(estimator, windows), targets)
        return estimator, len(windows)

    def _window_params(self, estimator, n_features: int) -> dict:
        """What the regressor must know of the windows, where it left it open.

        The target's history is feature 0; a seasonal series is forecast
        relative to its seasonal naive forecast (the ``"seasonal"`` target
        representation) by regressors whose representation is ``"auto"``. A
        recurrent decoder (``decoder="rnn"``) reads the known-future
        covariates, the last features, at each forecast step.
        """
        params = estimator.get_params(deep=False)
        updates = {}
        if params.get("target_feature", 0) is None and n_features > 1:
            updates["target_feature"] = 0
        if params.get("target_representation") == "auto" and self.seasonal_:
            updates["target_representation"] = "seasonal"
        representation = updates.get(
            "target_representation", params.get("target_representation")
        )
        if representation == "seasonal" and params.get("season", 0) is None:
            updates["season"] = self.season_
        reads_steps = params.get("decoder") == "rnn" and self.future_covariates_
        if reads_steps and params.get("decoder_features") is None:
            # the recurrent decoder reads each forecast step's known-future
            # covariates: the last features, in their last horizon rows
            n_future = len(self.future_covariates_)
            updates["decoder_features"] = list(range(n_features - n_future, n_features))
        return updates

    @staticmethod
    def _as_input(estimator, windows: np.ndarray) -> np.ndarray:
        if get_tags(estimator).input_tags.three_d_array:
            return windows
        return windows.reshape(len(windows), -1)

    def _predict_windows(self, estimator, windows: np.ndarray) -> np.ndarray:
        forecasts = np.asarray(estimator.predict(self._as_input(estimator, windows)))
        return forecasts.reshape(len(windows), self.horizon)

    def _calibration_errors(self, history: History, n_calibration: int) -> np.ndarray:
        """Scaled absolute errors of forecasts from the last origins, out of sample.

        A copy of the regressor is fitted on the history up to the first
        calibration origin; it forecasts from that origin and every later one
        whose ``horizon`` next values are known.
        """
        n, horizon = len(history), self.horizon
        origins = np.arange(n - horizon - n_calibration, n - horizon)
        estimator, _ = self._fit_windows(history.head(origins[0] + 1))
        windows = origin_windows(history, self.look_back_, horizon, origins)
        forecasts = self._predict_windows(estimator, windows)
        truth = history.y[origins[:, None] + np.arange(1, horizon + 1)]
        scales = self._scales(history, origins)
        return np.abs(truth - forecasts) / scales[:, None]

    def _scales(self, history: History, origins: np.ndarray) -> np.ndarray:
        """Local scales of the errors at ``origins`` (rows of ``history``)."""
        span = max(self.look_back_, 2 * self.horizon, 2 * self.season_)
        return local_scales(history.y, origins, span, self._fallback_scale(history))

    def _fallback_scale(self, history: History) -> float:
        scale = seasonal_naive_scale(history.y, 1)
        return scale if scale > 0 else 1.0

    # -- predict ------------------------------------------------------------

    def predict(self, X=None, *, coverage=None):
        """Forecast the ``horizon`` values after the data seen in ``fit``.

        Parameters
        ----------
        X : pandas.DataFrame, default=None
            The known-future covariates at the forecast timestamps (rows
            indexed by them; other rows and columns are ignored). Needed only
            when the forecaster reads known-future covariates.
        coverage : float or list of float, default=None
            Nominal coverage of prediction intervals, in (0, 1): 0.9 for a
            90% interval. None: point forecasts only.

        Returns
        -------
        y_pred : pandas.Series or pandas.DataFrame
            Indexed by the ``horizon`` timestamps after the history. Without
            ``coverage``, a Series named like ``y``. With it, a DataFrame with
            columns ``y_pred``, ``y_lower`` and ``y_upper``; with several
            levels, ``y_lower_80``, ``y_upper_80`` and so on, per level.
        """
        check_is_fitted(self, "estimator_")
        levels = None if coverage is None else check_coverage(coverage)
        if levels is not None and self.calibration_errors_ is None:
            raise ValueError(
                "This forecaster has no calibration errors to build intervals "
                "from: fit it with calibration='auto' (the default) or an int."
            )
        history = self._history
        index = history.future_index(self.horizon)
        future = check_future_covariates(X, self.future_covariates_, index)
        window = last_window(history, self.look_back_, self.horizon, future)
        point = self._predict_windows(self.estimator_, window)[0]
        if levels is None:
            return pd.Series(point, index=index, name=history.name)

        scale = self._scales(history, np.array([len(history) - 1]))[0]
        frame = pd.DataFrame({"y_pred": point}, index=index)
        for level, (lower, upper) in zip(levels, interval_columns(levels), strict=True):
            half_width = scale * conformal_quantiles(self.calibration_errors_, level)
            frame[lower] = point - half_width
            frame[upper] = point + half_width
        return frame

    def update(self, y, X=None):
        """Append new observations to the history, without refitting.

        The next :meth:`predict` forecasts from the end of the new data with
        the model fitted before: what a forecaster in production does
        between refits.

        Parameters
        ----------
        y : pandas.Series or array-like of shape (n_new,)
            The observations right after the history (for pandas, its index
            continues the fitted index).
        X : pandas.DataFrame, default=None
            The covariates of those rows, with the columns seen in ``fit``.

        Returns
        -------
        self : object
            The forecaster, its history extended.
        """
        check_is_fitted(self, "estimator_")
        new = self._continuation(y, X)
        old = self._history
        self._history = History(
            old.index.append(new.index),
            old.step,
            np.concatenate([old.y, new.y]),
            np.concatenate([old.past, new.past]),
            np.concatenate([old.future, new.future]),
            old.name,
        )
        self.cutoff_ = self._history.index[-1]
        return self

    def _continuation(self, y, X) -> History:
        """Observations that start one step after the history, with covariates."""
        names = self.past_covariates_ + self.future_covariates_
        if names and X is None:
            raise ValueError(
                f"This forecaster reads the covariates {names}: pass X with "
                "their values for the rows of y."
            )
        y = self._following(y)
        if X is not None:
            X = X.loc[:, names] if isinstance(X, pd.DataFrame) else X
        new, _, _ = check_history(
            y, X, self.future_covariates_ or None, self._history.step
        )
        return new

    def _following(self, y) -> pd.Series:
        """``y`` as a Series whose index continues the history's; checked."""
        step = self._history.step
        n_new = len(y)
        expected = self._history.future_index(n_new) if n_new else None
        index, _, values, _ = check_series(y, step)
        if not isinstance(y, pd.Series | pd.DataFrame):
            return pd.Series(values, index=expected)
        if not index.equals(expected):
            raise ValueError(
                f"y must continue the history, which ends at "
                f"{format_time(self.cutoff_)}: its timestamps should be "
                f"{format_time(expected[0])} .. {format_time(expected[-1])}, "
                f"not {format_time(index[0])} .. {format_time(index[-1])}."
            )
        return pd.Series(values, index=index)

    def score(self, y, X=None):
        """Negative MASE of the forecast against the values that followed the history.

        Higher is better, as scikit-learn's searches expect; the error is
        scaled by the in-sample mean absolute error of the seasonal naive
        forecast (season ``season_``) on the history.

        Parameters
        ----------
        y : pandas.Series or array-like of shape (n_steps,)
            The ``n_steps <= horizon`` observations right after the history
            (for pandas, their index continues the fitted index).
        X : pandas.DataFrame, default=None
            The known-future covariates at those timestamps, when the
            forecaster reads some.

        Returns
        -------
        score : float
            ``-mase(y, forecast, history, season_)``.
        """
        check_is_fitted(self, "estimator_")
        truth = self._following(y).to_numpy()
        if len(truth) > self.horizon:
            raise ValueError(
                f"y has {len(truth)} steps, more than horizon={self.horizon}: "
                "score the first horizon steps, or fit a longer horizon."
            )
        forecast = self.predict(X).to_numpy()[: len(truth)]
        season = self.season_ if len(self._history) > self.season_ else 1
        return -mase(truth, forecast, self._history.y, season)

    def save(self, path):
        """Save the forecaster, fitted or not, to one file (see ``RNNRegressor.save``).

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write; an existing file is replaced once the new one is
            complete.
        """
        save_estimator(self, path)

    @classmethod
    def load(cls, path):
        """Load a forecaster written by :meth:`save`.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            A file written by :meth:`save`.

        Returns
        -------
        forecaster : object
            A forecaster of the saved class that forecasts as the saved one.
        """
        return load_estimator(cls, path)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = False
        tags.non_deterministic = get_tags(self._make_estimator()).non_deterministic
        return tags


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
    "random_state",
    "verbose",
)


class RNNForecaster(WindowForecaster):
    """Forecast the next ``horizon`` values of a series with a recurrent network.

    A :class:`WindowForecaster` whose regressor is an
    :class:`~skrnn.RNNRegressor` with ``horizon`` outputs, built from the
    parameters below, so that ``look_back`` and ``units`` can be tuned
    together by a scikit-learn search. Every parameter has a default chosen
    by ``benchmarks/forecast.py`` on the shipped series.

    Parameters
    ----------
    horizon : int, default=1
        Number of steps to forecast.

    look_back : int or "auto", default="auto"
        See :class:`WindowForecaster`.

    season : int or "auto", default="auto"
        See :class:`WindowForecaster`.

    future_covariates : list of str, "all" or None, default=None
        See :class:`WindowForecaster`.

    calibration : int, "auto" or None, default="auto"
        See :class:`WindowForecaster`.

    cell : {"lstm", "gru", "simple_rnn"}, default="lstm"
        Recurrent cell, as in :class:`~skrnn.RNNRegressor`.

    units : int or tuple of int, default=32
        Units of the recurrent layer; a tuple stacks layers.

    dropout : float, default=0.0
        Fraction of the inputs dropped in each recurrent layer while training.

    learning_rate : float, default=0.001
        Learning rate of Adam.

    epochs : int, default=20
        Passes over the training windows. Few, on purpose: on the short
        series of ``benchmarks/forecast.py`` a network trained longer fits
        the noise of its few windows (at 50 epochs the mean MASE rose by 17%,
        at 200 with early stopping by 5%); raise it, or set
        ``early_stopping``, for long series or panels.

    batch_size : int, default=16
        Windows per gradient update.

    early_stopping : bool, default=False
        Hold out the most recent tenth of the training windows and stop when
        their loss has not improved for 10 epochs, restoring the best weights.

    loss : {"mse", "mae", "huber", "log_cosh"}, default="mse"
        Training loss, on the standardised target.

    target_representation : {"auto", "change", "level", "window_norm"}, \
            default="auto"
        How the network sees the target (see :class:`~skrnn.RNNRegressor`);
        ``"auto"`` predicts the change from the window's last value, in logs
        for a positive series.

    decoder : {"dense", "rnn"}, default="dense"
        The network's head (see :class:`~skrnn.RNNRegressor`): one ``Dense``
        layer writes the ``horizon`` values at once, or a recurrent decoder,
        started from the encoder's final state, unrolls over the ``horizon``
        steps and reads the known-future covariates of each step (without
        any, the step's position only). ``"dense"`` is the default because
        the decoder did not win on the shipped series: mean MASE 1.051
        against 1.050 (airline 0.685 against 0.707, sunspots 1.669 against
        1.627, Nile 0.801 against 0.815; 3 seeds), for about 1.5 times the
        fit time; ``benchmarks/forecast.py`` holds the evidence.

    random_state : int, RandomState instance or None, default=None
        Seed of the network's initialisation and shuffling: an int makes
        fits reproducible.

    verbose : int, default=0
        Keras's training verbosity.

    Attributes
    ----------
    estimator_ : RNNRegressor
        The fitted network, on every window.

    look_back_, season_, n_windows_, calibration_errors_, \
past_covariates_, future_covariates_, cutoff_
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

    _parameter_constraints: dict = {
        **{
            name: rule
            for name, rule in WindowForecaster._parameter_constraints.items()
            if name != "estimator"
        },
        **{name: RNNRegressor._parameter_constraints[name] for name in _RNN_PARAMS},
    }

    def __init__(
        self,
        horizon=1,
        *,
        look_back="auto",
        season="auto",
        future_covariates=None,
        calibration="auto",
        cell="lstm",
        units=32,
        dropout=0.0,
        learning_rate=0.001,
        epochs=20,
        batch_size=16,
        early_stopping=False,
        loss="mse",
        target_representation="auto",
        decoder="dense",
        random_state=None,
        verbose=0,
    ):
        self.horizon = horizon
        self.look_back = look_back
        self.season = season
        self.future_covariates = future_covariates
        self.calibration = calibration
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
        self.random_state = random_state
        self.verbose = verbose

    def _make_estimator(self):
        return RNNRegressor(**{name: getattr(self, name) for name in _RNN_PARAMS})
