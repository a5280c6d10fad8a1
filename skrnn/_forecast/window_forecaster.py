"""WindowForecaster: any window regressor as a forecaster of the next values.

Fitting checks the history once (:mod:`skrnn._forecast.panel` reads every
layout), resolves the season and the look-back
(:mod:`skrnn._forecast.look_back`), calibrates the intervals on a copy
fitted on the older data (:mod:`skrnn._forecast.calibration`) and trains the
regressor on every window (:mod:`skrnn._forecast.window_fit`).
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from skrnn._core.sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from skrnn._forecast.calibration import calibrate
from skrnn._forecast.data import last_window
from skrnn._forecast.intervals import add_bounds, checked_levels
from skrnn._forecast.look_back import (
    best_cycle,
    most_are_seasonal,
    panel_seasons,
    resolve_look_back,
)
from skrnn._forecast.panel import Panel, check_panel
from skrnn._forecast.saving import ForecasterFileMixin
from skrnn._forecast.scoring import mean_mase
from skrnn._forecast.window_fit import (
    WindowSettings,
    fit_windows,
    predict_windows,
    settings_for,
)


class WindowForecaster(ForecasterFileMixin, BaseEstimator):
    """Forecast the next ``horizon`` values of a series with any window regressor.

    ``fit`` cuts the series (and its covariates) into look-back windows, each
    paired with the ``horizon`` values that follow it, and fits the regressor
    on them: one model with ``horizon`` outputs (the direct strategy).
    ``predict`` forecasts from the last window of the data seen in ``fit``,
    for the timestamps after it; no history is needed from the caller.
    Prediction intervals come from the model's own out-of-sample errors
    (conformal, one quantile per horizon step, scaled per series).

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
        Steps in each window. ``"auto"``: two seasons of ``season_`` (one
        when two pass 400 steps; the horizon, if longer) when the
        series passes the M4 competition's seasonality test at it, so that
        the window shows how the last cycle differs from the one before;
        else the horizon (at least 8); at most half the steps left once
        ``horizon`` is set aside. For a panel (one network for many series,
        so many more windows), four horizons when longer, capped by the
        median series. The evidence: ``benchmarks/results/suite.md``.

    season : int, sequence of int or "auto", default="auto"
        Steps per seasonal cycle, or several cycles (``(24, 168)`` for hourly
        data with a daily and a weekly cycle); 1 for none. ``"auto"`` reads
        them from the time index at every frequency: 30 minutes (48, 336),
        15 minutes (96, 672), hourly (24, 168), daily 7, business-daily 5,
        weekly 52, monthly 12, quarterly 4, yearly none, with the yearly
        cycle of daily and shorter steps when the history holds two years.
        When the index says nothing of the season (integer steps, a
        ``RangeIndex``, M4-style panels), the cycles are found in the data by
        the M4 seasonality test on the autocorrelation of the detrended
        series, pooled over a panel (none on white noise). The forecasts are
        anchored on the cycle whose naive forecast of the next ``horizon``
        steps is the most accurate in sample, the last value included
        (``season_``); the first cycle scales MASE (:meth:`score`), as in
        the M4 competition.

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
        intervals, from the last origins of each series (made by copies of
        the model fitted on the history before them, see
        ``calibration_folds``). ``"auto"``: a quarter of each series'
        training windows, at least 20 in all; an int: that many in all,
        shared equally by the series; at most half of each series' windows,
        fewer where the first copy would have no window to fit on (a
        history too short for one gets no intervals, and fit warns). None:
        no intervals, one fit.

    calibration_folds : int or "auto", default="auto"
        Number of calibration copies: the calibration origins are cut into
        this many blocks in time, and each block is forecast by a copy
        fitted up to its start (one more fit each). ``"auto"``: 1 when a
        quarter of the median series' windows holds 50 origins, else 3 (a
        short history, where a copy that misses a quarter of it is a worse
        model than the final one).

    symmetric_intervals : bool, default=False
        Bounds at the point forecast plus and minus one half-width, whatever
        the series. False: a series the regressor models in logs is
        calibrated in logs and its bounds are positive (wider above than
        below), and a series that was never negative never gets a negative
        lower bound.

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
        ``max_windows`` windows per epoch. ``"recent"`` measured better on
        the M4 Weekly panel (``benchmarks/results/m4.md``).

    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        The columns of a long panel passed to :meth:`fit`: the series' id,
        its timestamps (datetimes with a regular frequency, or integer
        steps) and the target; any other column is a covariate (constant
        within a series: a static feature).

    Attributes
    ----------
    estimator_ : regressor
        The fitted clone of ``estimator``, on every window.

    estimators_ : list of regressors
        The fitted regressors whose forecasts are averaged: ``[estimator_]``
        here; :class:`RNNForecaster` trains ``n_models_`` networks.

    n_models_ : int
        How many: 1 here.

    look_back_ : int
        The look-back used (``"auto"`` resolved).

    seasons_ : tuple of int
        The seasonal cycles (``"auto"`` resolved), shortest first; empty for
        none.

    season_source_ : {"season", "index", "data"}
        Where ``seasons_`` come from: the ``season`` parameter, the time
        index, or the values of the series.

    season_ : int
        The cycle the forecasts are anchored on (1: the last value): of
        ``seasons_`` that the look-back can cover and the last value, the
        one whose naive forecast of the next ``horizon`` steps is the most
        accurate in sample.

    n_windows_ : int
        Number of training windows.

    seasonal_ : bool
        Whether the series passed the M4 competition's seasonality test at
        ``season_`` (and the windows hold a season). Then a regressor whose
        ``target_representation`` is ``"auto"`` forecasts each step relative
        to the seasonal naive forecast (``"seasonal"``): it learns a
        correction to the naive forecast rather than the season itself.

    calibration_errors_ : ndarray of shape (n_calibration, horizon) or None
        Absolute out-of-sample errors of the calibration forecasts (of their
        logarithms when ``interval_space_`` is ``"log"``), each divided by
        the mean absolute change of the series before its origin.

    calibration_series_, interval_scales_ : ndarray or None
        The series (0 .. ``n_series_ - 1``) of each calibration error; each
        series' errors relative to all series' (1 for a single series): its
        intervals are this much wider than the pooled quantile.

    interval_space_, calibration_folds_ : {"level", "log"}, int
        Where the intervals are calibrated; the calibration copies fitted.

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

    _window_covers_cycles = False  # see default_look_back(cycles=...)

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "look_back": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "season": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            "array-like",
        ],
        "future_covariates": ["array-like", StrOptions({"all"}), None],
        "calibration": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "calibration_folds": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "symmetric_intervals": ["boolean"],
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
        calibration_folds="auto",
        symmetric_intervals=False,
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
        self.calibration_folds = calibration_folds
        self.symmetric_intervals = symmetric_intervals
        self.max_windows = max_windows
        self.window_sampling = window_sampling
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col

    # -- what a subclass changes --------------------------------------------

    def _resolve_n_models(self, panel: Panel) -> int:
        """How many regressors to average (here one)."""
        return 1

    def _make_estimators(self, variant=None) -> list:
        """The ``n_models_`` unfitted regressors, to forecast as ``variant``."""
        return [self._make_estimator()]

    def _variants(self) -> tuple:
        """Ways to forecast that calibration chooses among (here: as fitted)."""
        return ("fitted",)

    def _use_variant(self, estimators, variant) -> None:
        """Make fitted ``estimators`` forecast as ``variant`` (here: no change)."""

    def _predict_windows(self, estimators, windows, variant) -> np.ndarray:
        """Forecasts of ``windows`` as ``variant``: here, the regressors' mean."""
        return predict_windows(estimators, windows, self.horizon)

    def _make_estimator(self):
        """An unfitted regressor for the windows."""
        if self.estimator is None:
            from sklearn.linear_model import Ridge

            from skrnn._regression.window_target import WindowTargetRegressor

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
        self.seasons_, self.season_source_ = panel_seasons(self.season, panel)
        self.season_ = best_cycle(self.seasons_, panel, self.horizon)
        seasonal = most_are_seasonal([h.y for h in panel.histories], self.season_)
        self.look_back_ = resolve_look_back(
            self.look_back,
            panel,
            season=self.season_,
            seasonal=seasonal,
            horizon=self.horizon,
            future=self.future_covariates_,
            cycles=self.seasons_ if self._window_covers_cycles else (),
        )
        self.seasonal_ = seasonal and self.season_ <= self.look_back_
        self._panel, self.cutoff_ = panel, panel.cutoff
        self.n_models_ = self._resolve_n_models(panel)
        self._variant = self._calibrate(panel)
        estimators, self.n_windows_ = self._fit_windows(panel, self._variant)
        self._use_variant(estimators, self._variant)
        self.estimators_ = estimators
        return self

    @property
    def estimator_(self):
        """The first of ``estimators_`` (the only one of a single model)."""
        if "estimators_" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__} is not fitted.")
        return self.estimators_[0]

    @property
    def _columns(self) -> tuple:
        return (self.id_col, self.time_col, self.target_col)

    def _configure(self, estimator, windows: np.ndarray) -> dict:
        """The regressor's parameters that follow from ``windows``."""
        n_features, n_future = windows.shape[2], len(self.future_covariates_)
        settings = WindowSettings(
            target_feature=0,
            n_features=n_features,
            n_windows=len(windows),
            season=self.season_,
            seasonal=self.seasonal_,
            future_features=tuple(range(n_features - n_future, n_features)),
            positive=all(np.all(h.y > 0) for h in self._panel.histories),
        )
        return settings_for(estimator, settings)

    def _fit_windows(self, panel: Panel, variant=None):
        """The regressors fitted on the windows of every series, and their count."""
        return fit_windows(
            self._make_estimators(variant),
            panel,
            look_back=self.look_back_,
            horizon=self.horizon,
            limit=self.max_windows,
            sampling=self.window_sampling,
            configure=self._configure,
        )

    def _calibrate(self, panel: Panel):
        """Fit the calibration copies; keep their errors and the series' scales.

        Returns the variant (:meth:`_variants`) that
        :func:`~skrnn._forecast.calibration.best_candidate` keeps from their
        calibration errors, the first without calibration.
        """
        variants = self._variants()

        def forecasts(fitted, windows):
            for variant in variants:
                self._use_variant(fitted, variant)
                yield self._predict_windows(fitted, windows, variant)

        result = calibrate(
            panel.histories,
            self.calibration,
            self.calibration_folds,
            fit=lambda heads: self._fit_windows(panel.replace(heads))[0],
            predict=lambda fitted, w: list(forecasts(fitted, w)),
            log=not self.symmetric_intervals,
            look_back=self.look_back_,
            horizon=self.horizon,
            span=self._scale_span,
        )
        self.calibration_folds_, self.interval_space_ = result.folds, result.space
        self.calibration_errors_ = result.errors
        self.calibration_series_, self.interval_scales_ = result.series, result.scales
        return variants[result.choice]

    @property
    def _scale_span(self) -> int:
        return max(self.look_back_, 2 * self.horizon, 2 * self.season_)

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
        check_is_fitted(self, "estimators_")
        levels = checked_levels(coverage, self.calibration_errors_ is not None)
        frames = self._forecast_frames(X, levels)
        return self._panel.layout.write(self._panel, frames)

    def _forecast_frames(self, X, levels) -> list:
        """Per series, a DataFrame of ``y_pred`` and bounds on its forecast dates."""
        panel, horizon = self._panel, self.horizon
        futures = panel.layout.future_covariates(
            panel, X, self.future_covariates_, horizon
        )
        windows = np.concatenate(
            [
                last_window(history, self.look_back_, horizon, future)
                for history, future in zip(panel.histories, futures, strict=True)
            ]
        )
        points = self._predict_windows(self.estimators_, windows, self._variant)
        frames = [
            pd.DataFrame({"y_pred": point}, index=history.future_index(horizon))
            for history, point in zip(panel.histories, points, strict=True)
        ]
        if levels is None:
            return frames
        return add_bounds(
            frames,
            panel.histories,
            levels,
            errors=(self.calibration_errors_, self.calibration_series_),
            scales=self.interval_scales_,
            space=self.interval_space_,
            span=self._scale_span,
            symmetric=self.symmetric_intervals,
        )

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
        check_is_fitted(self, "estimators_")
        reads = (self.past_covariates_, self.future_covariates_, self.horizon)
        self._panel = self._panel.extended(y, X, reads)
        self.cutoff_ = self._panel.cutoff
        return self

    def score(self, y, X=None):
        """Negative MASE of the forecast against the values that followed the history.

        Higher is better, as scikit-learn's searches expect; the error is
        scaled by the in-sample mean absolute error of the seasonal naive
        forecast (the first of ``seasons_``) on the history. For a panel,
        the mean of the series' MASE (the M4 competition's average).

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
            ``-mase(y, forecast, history, seasons_[0])``, averaged over series.
        """
        check_is_fitted(self, "estimators_")
        return self._score(y, X, self._forecast_frames(X, None))

    def _score(self, y, X, frames) -> float:
        """:meth:`score` of the forecasts ``frames`` (one per series, as made here)."""
        inside = self._panel.layout.covariates_inside
        return -mean_mase(
            self._panel,
            y,
            None if inside else X,
            frames,
            horizon=self.horizon,
            seasons=self.seasons_,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = False
        tags.non_deterministic = get_tags(self._make_estimator()).non_deterministic
        return tags
