"""Naive forecasters, as scikit-learn regressors on the windows the RNN estimators take.

A forecast is only worth its comparison with a naive one: these regressors read
the same ``(n_samples, look_back, n_features)`` windows as :class:`RNNRegressor`,
so both fit in the same Pipeline and the same cross-validation. M4's Naive2,
which deseasonalises the whole series rather than read a window, is a
function next to the OWA it is the reference of:
:func:`skrnn.metrics.naive2_forecast`.
"""

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from skrnn._core.inputs import check_real
from skrnn._core.sklearn_compat import Interval, _fit_context
from skrnn._regression.target import target_index
from skrnn._windows.window import window_feature_names

__all__ = ["PersistenceRegressor", "SeasonalNaiveRegressor"]


class _NaiveForecaster(RegressorMixin, BaseEstimator):
    """Base of the naive forecasters: read values of the target feature in the window.

    A subclass only says which window positions forecast which step, in
    :meth:`_window_positions`, and may refuse windows too short for it in
    :meth:`_check_look_back`.
    """

    _parameter_constraints: dict = {
        # an index, a column name of named windows, or None (checked in fit)
        "target_feature": [Interval(Integral, 0, None, closed="left"), str, None],
    }

    def _settings_for_windows(self, settings) -> dict:
        """The target's feature, when a forecaster's windows hold several."""
        if self.target_feature is None and settings.n_features > 1:
            return {"target_feature": settings.target_feature}
        return {}

    def _check_look_back(self, look_back: int) -> None:
        """Raise a ValueError if windows of ``look_back`` steps are too short."""

    def _window_positions(self, n_outputs: int) -> np.ndarray:
        """Return the window position (negative, from the end) read for each step."""
        raise NotImplementedError

    def _as_windows(self, X: np.ndarray) -> np.ndarray:
        """View validated 2-D input as univariate windows; refuse other shapes."""
        if X.ndim == 2:
            return X[:, :, np.newaxis]
        if X.ndim != 3:
            raise ValueError(
                "X must hold windows of shape (n_samples, look_back, n_features), "
                f"or (n_samples, look_back) for one feature; got {X.ndim} dimensions."
            )
        return X

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> "_NaiveForecaster":
        """Check the windows and record the shape of the target; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, look_back, n_features) or \
(n_samples, look_back)
            Windows, oldest step first; 2-D input is read as windows of one
            feature.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; with ``n_outputs`` columns, column ``h - 1`` is the
            forecast ``h`` steps ahead (direct multi-step forecasting).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_real(X, "X", type(self).__name__)
        check_real(y, "y", type(self).__name__)
        names = window_feature_names(X)
        X, y = validate_data(
            self, X, y, allow_nd=True, multi_output=True, y_numeric=True
        )
        windows = self._as_windows(X)
        self._check_look_back(windows.shape[1])
        n_window_features = windows.shape[2]
        if self.target_feature is None and n_window_features != 1:
            raise ValueError(
                f"The windows have {n_window_features} features: set target_feature "
                "to the index (or column name) of the one to forecast."
            )
        self._feature = 0
        if self.target_feature is not None:
            self._feature = target_index(n_window_features, self.target_feature, names)
        self._n_window_features = n_window_features
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Forecast from the last values of each window.

        Parameters
        ----------
        X : array-like of shape (n_samples, look_back, n_features) or \
(n_samples, look_back)
            Windows of the same shape as those seen in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``y`` had one column in :meth:`fit`.
        """
        check_is_fitted(self)
        windows = self._as_windows(validate_data(self, X, reset=False, allow_nd=True))
        if windows.shape[2] != self._n_window_features:
            raise ValueError(
                f"X has {windows.shape[2]} features per time step, but "
                f"{type(self).__name__} was fitted with {self._n_window_features}."
            )
        feature = self._feature
        # integer-array indexing copies, so the forecast never aliases the input
        y_pred = windows[:, self._window_positions(self.n_outputs_), feature]
        return y_pred[:, 0] if self.n_outputs_ == 1 else y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        # a naive forecast is a yardstick, not a model of arbitrary data
        tags.regressor_tags.poor_score = True
        return tags


class PersistenceRegressor(_NaiveForecaster):
    """Forecast the last observed value: the naive (random walk) forecast.

    For every step ahead the forecast is the last value of the target feature
    in the window, ``X[:, -1, target_feature]``. Any model that does not beat
    it on a series has learned nothing useful about that series.

    Parameters
    ----------
    target_feature : int or str, default=None
        Index of the feature to forecast along the last axis of 3-D windows,
        or its column name for windows of a :class:`~skrnn.SlidingWindowTransformer`
        fitted on a DataFrame. None is allowed only for windows of one feature
        (and for 2-D input, read as such).

    Attributes
    ----------
    n_features_in_ : int
        ``X.shape[1]`` in :meth:`fit`: the window length ``look_back``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` in :meth:`fit`, when it was a DataFrame with
        string column names.
    n_outputs_ : int
        Number of columns of ``y`` in :meth:`fit`: the number of steps ahead
        forecast at once; the last value is repeated for each.

    See Also
    --------
    SeasonalNaiveRegressor : Forecast the value one season back.
    make_supervised : Build the targets ``y`` from a series.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.baselines import PersistenceRegressor
    >>> windows = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> PersistenceRegressor().fit(windows, [4.0, 5.0]).predict(windows)
    array([3., 4.])
    """

    def __init__(self, *, target_feature: int | None = None) -> None:
        self.target_feature = target_feature

    def _window_positions(self, n_outputs: int) -> np.ndarray:
        return np.full(n_outputs, -1)


class SeasonalNaiveRegressor(_NaiveForecaster):
    """Forecast the value observed one season earlier.

    The forecast ``h`` steps ahead is the value of the target feature at the
    same point of the last complete season, window position
    ``-season_length + (h - 1) % season_length``: with monthly data and
    ``season_length=12``, next January is forecast by last January. Steps
    beyond one season wrap around by whole seasons, so ``h`` and
    ``h + season_length`` get the same forecast.

    Parameters
    ----------
    season_length : int, default=12
        Number of time steps in a season, e.g. 12 for monthly data with a
        yearly season. The windows must be at least this long.
    target_feature : int or str, default=None
        Index of the feature to forecast along the last axis of 3-D windows,
        or its column name for windows of a :class:`~skrnn.SlidingWindowTransformer`
        fitted on a DataFrame. None is allowed only for windows of one feature
        (and for 2-D input, read as such).

    Attributes
    ----------
    n_features_in_ : int
        ``X.shape[1]`` in :meth:`fit`: the window length ``look_back``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` in :meth:`fit`, when it was a DataFrame with
        string column names.
    n_outputs_ : int
        Number of columns of ``y`` in :meth:`fit`: the number of steps ahead
        forecast at once.

    See Also
    --------
    PersistenceRegressor : Forecast the last value; the case ``season_length=1``.

    Notes
    -----
    This is the seasonal naive method of Hyndman and Athanasopoulos,
    *Forecasting: Principles and Practice*, section 5.2.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.baselines import SeasonalNaiveRegressor
    >>> windows = np.array([[10.0, 20.0, 30.0, 11.0, 21.0, 31.0]])
    >>> y = np.array([[12.0, 22.0]])
    >>> SeasonalNaiveRegressor(season_length=3).fit(windows, y).predict(windows)
    array([[11., 21.]])
    """

    _parameter_constraints: dict = {
        **_NaiveForecaster._parameter_constraints,
        "season_length": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self, season_length: int = 12, *, target_feature: int | None = None
    ) -> None:
        self.season_length = season_length
        self.target_feature = target_feature

    def _check_look_back(self, look_back: int) -> None:
        if look_back < self.season_length:
            raise ValueError(
                f"season_length={self.season_length} needs windows of at least "
                f"{self.season_length} time steps; got windows of {look_back}."
            )

    def _window_positions(self, n_outputs: int) -> np.ndarray:
        steps_back = np.arange(n_outputs) % self.season_length
        return -self.season_length + steps_back
