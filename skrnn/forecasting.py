"""Forecasting past the end of the data: the next values, intervals, covariates.

:class:`WindowForecaster` turns any window regressor (an
:class:`~skrnn.RNNRegressor`, a Ridge regression, a naive baseline) into a
forecaster with the same windows, the same direct multi-step strategy and the
same intervals, so that every comparison forecasts alike.
:class:`~skrnn.RNNForecaster` is its recurrent specialisation.
"""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import check_is_fitted

from ._forecast_data import (
    History,
    check_history,
    check_series,
    last_window,
    local_scales,
    n_windows,
    origin_windows,
)
from ._intervals import check_coverage, conformal_quantiles, interval_columns
from ._panel import (
    LONG,
    SERIES,
    Panel,
    check_panel,
    concatenate,
    following_values,
    forecast_frame,
    panel_future_covariates,
    panel_windows,
)
from ._persistence import load_estimator, save_estimator
from ._regressor import RNNRegressor
from ._sklearn import HasMethods, Interval, StrOptions, _fit_context
from ._time_index import fill_gaps, format_time, is_seasonal, season_of_index
from ._training import auto_batch_size
from .metrics import mase, seasonal_naive_scale

# the forecasters are documented as skrnn.RNNForecaster and skrnn.WindowForecaster
__all__ = ["fill_gaps"]

# at least this many calibration forecasts when the history allows: fewer
# cannot give a finite split-conformal 95% interval
MIN_CALIBRATION = 20


def default_look_back(y, season: int, horizon: int) -> int:
    """The look-back that ``look_back="auto"`` resolves to.

    One season when the series passes the M4 seasonality test at its
    season, else the horizon (at least 8 steps); at most half of what the
    history leaves once the horizon is set aside, so that training keeps
    windows. Known-future covariates need at least the horizon: so it is.
    For a panel (``y`` a list of series), the season when most series pass
    the test, four horizons when longer (one network learns from many
    more windows), and at most half of what the median series leaves.
    """
    series = y if isinstance(y, list) else [y]
    votes = [season > 1 and is_seasonal(values, season) for values in series]
    seasonal = 2 * sum(votes) > len(votes)
    look_back = max(season, horizon) if seasonal else max(horizon, 8)
    if len(series) > 1:
        look_back = max(look_back, 4 * horizon)
    length = int(np.median([len(values) for values in series]))
    cap = max(1, (length - horizon) // 2)
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
        MASE; ``benchmarks/forecast.py`` holds the evidence. For a panel
        (one network for many series, so many more windows), four horizons
        when longer, the season counting when most series pass the test,
        capped by the median series: on the M4 Weekly panel four horizons
        (52 weeks) beat one (13) by 15% in OWA with Ridge
        (``benchmarks/m4.py``).

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
        windows, at least 20 and at most half of them; for a panel, the
        same total shared equally by the series, each forecast from the last
        origins of its series, at least one per series. None: no
        intervals, one fit.

    max_windows : int or None, default=None
        The most training windows per fit. The most recent windows of each
        series are kept, the same number from each (a series with fewer
        keeps all of its own and leaves the rest to the others), so memory
        and time stay bounded however long and many the series. None: every
        window.

    window_sampling : {"recent", "epoch"}, default="recent"
        Which windows train when there are more than ``max_windows``:
        ``"recent"``, the most recent of each series, once; ``"epoch"``, a
        new random draw among all the windows of each series at every
        epoch (the same number from each), for an estimator that trains
        epoch by epoch (``partial_fit``, as :class:`~skrnn.RNNRegressor`),
        so that a long history is seen over the epochs at the cost of
        ``max_windows`` windows per epoch. On the M4 Weekly panel the recent
        windows did better: OWA 0.775 against 0.823 at 50,000 windows, 0.806
        against 0.800 at 20,000 (``benchmarks/results/m4.md``).

    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        The columns of a long panel passed to :meth:`fit`: the series' id,
        its timestamps (datetimes with a regular frequency, or integer
        steps) and the target; any other column is a covariate (constant
        within a series: a static feature).

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

    cutoff_ : object or pandas.Series
        The last timestamp of the history; forecasts start one step after it.
        For a panel, a Series of the last timestamp of each series.

    n_series_ : int
        Number of series fitted on (1 for a single series).

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
        "max_windows": [Interval(Integral, 1, None, closed="left"), None],
        "window_sampling": [StrOptions({"recent", "epoch"})],
        "id_col": [str],
        "time_col": [str],
        "target_col": [str],
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
        max_windows=None,
        window_sampling="recent",
        id_col="unique_id",
        time_col="ds",
        target_col="y",
    ):
        self.estimator = estimator
        self.horizon = horizon
        self.look_back = look_back
        self.season = season
        self.future_covariates = future_covariates
        self.calibration = calibration
        self.max_windows = max_windows
        self.window_sampling = window_sampling
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col

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
        y : pandas.Series, array-like of shape (n_steps,) or pandas.DataFrame
            One series, oldest first, on a regular time index (DatetimeIndex
            or PeriodIndex with a frequency, or integer steps; an array is
            indexed 0 .. n_steps - 1). Or a panel of series, one network for
            all: a **long** DataFrame with the columns ``id_col``,
            ``time_col`` and ``target_col`` (any other column is a
            covariate), or a **wide** DataFrame on a time index with one
            column per series (leading missing values: a series that starts
            later). Series may have different lengths and start dates but
            share one step. No missing values: see :func:`fill_gaps`. It is
            not modified.
        X : pandas.DataFrame of shape (n_steps, n_covariates), default=None
            Covariates of a single series, on the index of ``y``;
            ``future_covariates`` says which are known ahead of time.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        panel, past, future = check_panel(y, X, self.future_covariates, self._columns)
        self.past_covariates_, self.future_covariates_ = past, future
        self.n_series_ = len(panel)
        self.season_ = self._resolve_season(panel)
        self.look_back_ = self._resolve_look_back(panel)
        seasonal = [
            is_seasonal(history.y, self.season_)
            for history in panel.histories
            if 1 < self.season_ <= self.look_back_
        ]
        self.seasonal_ = bool(seasonal) and 2 * sum(seasonal) > len(seasonal)
        self._panel = panel
        ends = [history.index[-1] for history in panel.histories]
        self.cutoff_ = ends[0] if panel.layout == SERIES else pd.Series(ends, panel.ids)

        self.calibration_errors_ = None
        sizes = self._calibration_sizes(panel)
        if sizes.any():
            self.calibration_errors_ = self._calibration_errors(panel, sizes)
        self.estimator_, self.n_windows_ = self._fit_windows(panel)
        return self

    @property
    def _columns(self) -> tuple:
        return (self.id_col, self.time_col, self.target_col)

    def _resolve_season(self, panel: Panel) -> int:
        if self.season != "auto":
            return int(self.season)
        return season_of_index(panel.histories[0].index) or 1

    def _resolve_look_back(self, panel: Panel) -> int:
        horizon = self.horizon
        lengths = np.array([len(history) for history in panel.histories])
        if self.look_back == "auto":
            look_back = default_look_back(
                [history.y for history in panel.histories], self.season_, horizon
            )
        else:
            look_back = int(self.look_back)
        if self.future_covariates_ and look_back < horizon:
            raise ValueError(
                f"look_back={look_back} is shorter than horizon={horizon}: "
                "windows with known-future covariates must be at least "
                "horizon steps long to hold their values over the whole "
                "forecast. Raise look_back"
                + (
                    f" (with 'auto', y's {lengths.max()} steps allow {look_back})."
                    if self.look_back == "auto"
                    else " or leave it 'auto'."
                )
            )
        if panel.layout == SERIES:
            if n_windows(lengths[0], look_back, horizon) < 1:
                raise ValueError(
                    f"y has {lengths[0]} steps: too short a history for "
                    f"look_back={look_back} plus horizon={horizon}; it needs at "
                    f"least {look_back + horizon}."
                )
            return look_back
        short = [
            key for key, n in zip(panel.ids, lengths, strict=True) if n < look_back
        ]
        if short:
            warnings.warn(
                f"{len(short)} series have fewer steps than look_back={look_back}: "
                f"{short[:5]} (the shortest has {lengths.min()}). Their forecast "
                "windows are filled at the start by repeating their first value; "
                "lower look_back to avoid it.",
                UserWarning,
                stacklevel=3,
            )
        if sum(n_windows(n, look_back, horizon) for n in lengths) < 1:
            raise ValueError(
                f"No series is long enough for look_back={look_back} plus "
                f"horizon={horizon} (the longest has {lengths.max()} steps)."
            )
        return look_back

    def _window_counts(self, panel: Panel) -> np.ndarray:
        return np.array(
            [n_windows(len(h), self.look_back_, self.horizon) for h in panel.histories]
        )

    def _calibration_sizes(self, panel: Panel) -> np.ndarray:
        """How many calibration forecasts from the end of each series.

        About a quarter of the windows, at least ``MIN_CALIBRATION`` in all,
        shared equally among the series; each keeps at least half of its
        windows for the calibration copy.
        """
        counts = self._window_counts(panel)
        if self.calibration is None:
            return np.zeros_like(counts)
        n = len(counts)
        if self.calibration == "auto":
            wanted = np.maximum(-(-MIN_CALIBRATION // n), counts // (4 * n))
        else:
            wanted = np.full(n, -(-int(self.calibration) // n))
        return np.minimum(wanted, counts // 2)

    def _fit_windows(self, panel: Panel):
        """A fitted clone of the regressor on the windows of every series.

        Within ``max_windows``, on the most recent windows of each series;
        with ``window_sampling="epoch"`` and an estimator that trains by
        epochs (``partial_fit``), each epoch on a new draw among all of them.
        """
        look_back, horizon, limit = self.look_back_, self.horizon, self.max_windows
        estimator = self._make_estimator()
        total = self._window_counts(panel).sum()
        sampling = self.window_sampling == "epoch"
        if not (sampling and limit is not None and total > limit):
            windows, targets = panel_windows(panel, look_back, horizon, limit)
            estimator.set_params(**self._window_params(estimator, windows))
            estimator.fit(self._as_input(estimator, windows), targets)
            return estimator, len(windows)
        if not hasattr(estimator, "partial_fit"):
            raise ValueError(
                "window_sampling='epoch' needs an estimator that trains epoch by "
                f"epoch (partial_fit); {type(estimator).__name__} has none."
            )
        params = estimator.get_params()
        if params.get("early_stopping"):
            raise ValueError(
                "window_sampling='epoch' trains each epoch on a new sample, which "
                "leaves no fixed validation windows for early_stopping: set "
                "early_stopping=False, or window_sampling='recent'."
            )
        seed = check_random_state(params.get("random_state")).randint(2**31)
        rng = np.random.default_rng(seed)
        epochs = params["epochs"]
        for epoch in range(epochs):
            windows, targets = panel_windows(panel, look_back, horizon, limit, rng)
            if epoch == 0:
                params = self._window_params(estimator, windows)
                estimator.set_params(**params, epochs=1)
                estimator.fit(self._as_input(estimator, windows), targets)
            else:
                estimator.partial_fit(self._as_input(estimator, windows), targets)
        estimator.set_params(epochs=epochs)
        return estimator, len(windows)

    def _window_params(self, estimator, windows: np.ndarray) -> dict:
        """What the regressor must know of the windows, where it left it open.

        The target's history is feature 0; a seasonal series is forecast
        relative to its seasonal naive forecast (the ``"seasonal"`` target
        representation) by regressors whose representation is ``"auto"``. A
        recurrent decoder (``decoder="rnn"``) reads the known-future
        covariates, the last features, at each forecast step.
        """
        params = estimator.get_params(deep=False)
        updates = {}
        if params.get("target_feature", 0) is None and windows.shape[2] > 1:
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
            n_features, n_future = windows.shape[2], len(self.future_covariates_)
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

    def _calibration_errors(self, panel: Panel, sizes: np.ndarray) -> np.ndarray:
        """Scaled absolute errors of forecasts from the last origins, out of sample.

        A copy of the regressor is fitted on every series up to its first
        calibration origin; it forecasts from that origin and every later one
        whose ``horizon`` next values are known, series by series.
        """
        horizon = self.horizon
        histories = panel.histories
        first_origins = [
            len(h) - horizon - n for h, n in zip(histories, sizes, strict=True)
        ]
        heads = [
            h.head(max(o + 1, 0)) for h, o in zip(histories, first_origins, strict=True)
        ]
        estimator, _ = self._fit_windows(panel.replace(heads))
        windows, truth, scales = [], [], []
        for history, first, size in zip(histories, first_origins, sizes, strict=True):
            if not size:
                continue
            origins = np.arange(first, first + size)
            windows.append(origin_windows(history, self.look_back_, horizon, origins))
            truth.append(history.y[origins[:, None] + np.arange(1, horizon + 1)])
            scales.append(self._scales(history, origins))
        forecasts = self._predict_windows(estimator, np.concatenate(windows))
        scales = np.concatenate(scales)
        return np.abs(np.concatenate(truth) - forecasts) / scales[:, None]

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
            indexed by them; other rows and columns are ignored); for a long
            panel, a long DataFrame with the id and time columns. Needed only
            when the forecaster reads known-future covariates.
        coverage : float or list of float, default=None
            Nominal coverage of prediction intervals, in (0, 1): 0.9 for a
            90% interval. None: point forecasts only.

        Returns
        -------
        y_pred : pandas.Series or pandas.DataFrame
            In the layout of ``fit``. **One series**: indexed by the
            ``horizon`` timestamps after the history; without ``coverage`` a
            Series named like ``y``; with it, a DataFrame with columns
            ``y_pred``, ``y_lower`` and ``y_upper`` (with several levels,
            ``y_lower_80``, ``y_upper_80`` and so on). **Long panel**: a
            DataFrame with the id and time columns, ``y_pred`` and the
            bounds, ``horizon`` rows per series, each continuing its series.
            **Wide panel**: indexed by the forecast timestamps, one column
            per series, or columns ``(series, "y_pred" | bound)`` with
            ``coverage``.
        """
        check_is_fitted(self, "estimator_")
        levels = None if coverage is None else check_coverage(coverage)
        if levels is not None and self.calibration_errors_ is None:
            raise ValueError(
                "This forecaster has no calibration errors to build intervals "
                "from: fit it with calibration='auto' (the default) or an int."
            )
        frames = self._forecast_frames(X, levels)
        return forecast_frame(self._panel, frames, self.horizon)

    def _forecast_frames(self, X, levels) -> list:
        """Per series, a DataFrame of ``y_pred`` and bounds on its forecast dates."""
        panel, horizon = self._panel, self.horizon
        futures = panel_future_covariates(panel, X, self.future_covariates_, horizon)
        windows = np.concatenate(
            [
                last_window(history, self.look_back_, horizon, future)
                for history, future in zip(panel.histories, futures, strict=True)
            ]
        )
        points = self._predict_windows(self.estimator_, windows)
        frames = []
        for history, point in zip(panel.histories, points, strict=True):
            frame = pd.DataFrame({"y_pred": point}, index=history.future_index(horizon))
            if levels is not None:
                scale = self._scales(history, np.array([len(history) - 1]))[0]
                bounds = zip(levels, interval_columns(levels), strict=True)
                for level, (lower, upper) in bounds:
                    half = scale * conformal_quantiles(self.calibration_errors_, level)
                    frame[lower] = point - half
                    frame[upper] = point + half
            frames.append(frame)
        return frames

    def update(self, y, X=None):
        """Append new observations to the history, without refitting.

        The next :meth:`predict` forecasts from the end of the new data with
        the model fitted before: what a forecaster in production does
        between refits.

        Parameters
        ----------
        y : pandas.Series, array-like of shape (n_new,) or pandas.DataFrame
            The observations right after the history (for pandas, its index
            continues the fitted index), in the layout of ``fit``: for a long
            panel, rows of any of its series, each continuing its series.
        X : pandas.DataFrame, default=None
            The covariates of those rows, with the columns seen in ``fit``
            (a single series only).

        Returns
        -------
        self : object
            The forecaster, its history extended.
        """
        check_is_fitted(self, "estimator_")
        histories = list(self._panel.histories)
        for k, new_y, new_X in following_values(self._panel, y, X):
            new = self._continuation(histories[k], new_y, new_X)
            histories[k] = concatenate(histories[k], new)
        self._panel = self._panel.replace(histories)
        ends = [history.index[-1] for history in histories]
        layout_single = self._panel.layout == SERIES
        self.cutoff_ = ends[0] if layout_single else pd.Series(ends, self._panel.ids)
        return self

    def _continuation(self, history: History, y, X) -> History:
        """Observations that start one step after ``history``, with covariates."""
        names = self.past_covariates_ + self.future_covariates_
        if names and X is None:
            raise ValueError(
                f"This forecaster reads the covariates {names}: pass X with "
                "their values for the rows of y."
            )
        y = self._following(history, y, start=1)
        if X is not None:
            X = X.loc[:, names] if isinstance(X, pd.DataFrame) else X
        new, _, _ = check_history(y, X, self.future_covariates_ or None, history.step)
        return new

    def _following(self, history: History, y, *, start=None) -> pd.Series:
        """``y`` as a Series on timestamps after ``history``; checked.

        ``start=1``: they must start right after the history. None: anywhere
        within the next ``horizon`` steps (a test fold after a gap).
        """
        n_new = len(y)
        index, _, values, _ = check_series(y, history.step)
        if not isinstance(y, pd.Series | pd.DataFrame):
            return pd.Series(values, index=history.future_index(n_new))
        ahead = history.future_index(max(self.horizon, n_new))
        position = ahead.get_indexer(index[:1])[0] if start is None else start - 1
        expected = history.future_index(n_new, start=max(position, 0) + 1)
        if not index.equals(expected):
            if start is None:
                expected = history.future_index(n_new)
            raise ValueError(
                f"y must continue the history, which ends at "
                f"{format_time(history.index[-1])}: its timestamps should be "
                f"{format_time(expected[0])} .. {format_time(expected[-1])}, "
                f"not {format_time(index[0])} .. {format_time(index[-1])}."
            )
        return pd.Series(values, index=index)

    def score(self, y, X=None):
        """Negative MASE of the forecast against the values that followed the history.

        Higher is better, as scikit-learn's searches expect; the error is
        scaled by the in-sample mean absolute error of the seasonal naive
        forecast (season ``season_``) on the history. For a panel, the mean
        of the series' MASE (the M4 competition's average).

        Parameters
        ----------
        y : pandas.Series, array-like of shape (n_steps,) or pandas.DataFrame
            Observations within the ``horizon`` steps after the history (for
            pandas, timestamps that continue the fitted index, possibly after
            a gap; an array must start right after it), in the layout of
            ``fit``: for a long panel, rows of any of its series.
        X : pandas.DataFrame, default=None
            The known-future covariates at the forecast timestamps, when the
            forecaster reads some (as in :meth:`predict`).

        Returns
        -------
        score : float
            ``-mase(y, forecast, history, season_)``, averaged over series.
        """
        check_is_fitted(self, "estimator_")
        panel = self._panel
        parts = following_values(panel, y, None if panel.layout == LONG else X)
        forecast = [frame["y_pred"] for frame in self._forecast_frames(X, None)]
        errors = []
        for k, new_y, _ in parts:
            history = panel.histories[k]
            if len(new_y) > self.horizon:
                raise ValueError(
                    f"y has {len(new_y)} steps, more than horizon={self.horizon}: "
                    "score the first horizon steps, or fit a longer horizon."
                )
            truth = self._following(history, new_y)
            predicted = forecast[k].reindex(truth.index).to_numpy()
            season = self.season_ if len(history) > self.season_ else 1
            errors.append(mase(truth.to_numpy(), predicted, history.y, season))
        return -float(np.mean(errors))

    def save(self, path):
        """Save the forecaster, fitted or not, to one file (see ``RNNRegressor.save``).

        The file holds data only: parameters, fitted attributes and the
        history as JSON and numpy arrays, the window regressor rebuilt from
        its attributes, its network (if any) in Keras's format.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write; an existing file is replaced once the new one is
            complete.
        """
        save_estimator(self, path)

    @classmethod
    def load(cls, path, *, custom_objects=None, trusted=False):
        """Load a forecaster written by :meth:`save`, running nothing from the file.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            A file written by :meth:`save`.
        custom_objects : dict, default=None
            Classes or functions the file names, given rather than imported,
            keyed by import path (``"module:qualname"``); see
            ``RNNRegressor.load``.
        trusted : bool or list of str, default=False
            Import paths that loading may import beyond skrnn's own classes
            and scikit-learn's ``Ridge`` (a window regressor of another
            class, say ``["sklearn.linear_model._coordinate_descent:Lasso"]``),
            or True to trust the whole file (see ``RNNRegressor.load``).

        Returns
        -------
        forecaster : object
            A forecaster of the saved class that forecasts as the saved one.
        """
        return load_estimator(cls, path, custom_objects=custom_objects, trusted=trusted)

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

    max_windows : int or None, default=50_000
        The most training windows per fit, the most recent of each series
        (see :class:`WindowForecaster`). It bounds a fit's time and memory
        on large panels and changes nothing on a single series of fewer
        steps. On the M4 Weekly panel (344,000 windows of 52 weeks), one
        seed each: 20,000 gave OWA 0.819 and 50,000 gave 0.775
        (``benchmarks/m4.py``).

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
        Passes over the training windows. Few, on purpose: on the short
        series of ``benchmarks/forecast.py`` a network trained longer fits
        the noise of its few windows (at 50 epochs the mean MASE rose by 17%,
        at 200 with early stopping by 5%); raise it, or set
        ``early_stopping``, for long series or panels.

    batch_size : int or "auto", default="auto"
        Windows per gradient update. ``"auto"``: 16, or one three-hundredth
        of the training windows when that is more (at most 256, a power of
        two), so that an epoch over a large panel takes about 300 updates.

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
        fit time (``benchmarks/forecast.py``), nor on the M4 Weekly panel:
        OWA 0.810 against 0.775 (``benchmarks/m4.py``).

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
past_covariates_, future_covariates_, cutoff_, n_series_
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
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
    }

    def __init__(
        self,
        horizon=1,
        *,
        look_back="auto",
        season="auto",
        future_covariates=None,
        calibration="auto",
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
        random_state=None,
        verbose=0,
    ):
        self.horizon = horizon
        self.look_back = look_back
        self.season = season
        self.future_covariates = future_covariates
        self.calibration = calibration
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
        self.random_state = random_state
        self.verbose = verbose

    def _make_estimator(self):
        params = {name: getattr(self, name) for name in _RNN_PARAMS}
        if params["batch_size"] == "auto":
            params["batch_size"] = 16  # until the windows are counted
        return RNNRegressor(**params)

    def _window_params(self, estimator, windows):
        params = super()._window_params(estimator, windows)
        if self.batch_size == "auto":
            params["batch_size"] = auto_batch_size(len(windows))
        return params
