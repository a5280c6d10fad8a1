"""WindowTargetRegressor: any regressor on windows, its target encoded as for RNNs."""

from numbers import Integral

from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from skrnn._core.inputs import validate_sequences
from skrnn._core.sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from skrnn._regression.target import (
    TargetEncoder,
    as_2d_target,
    check_target_feature,
    target_settings,
)
from skrnn._representations import REPRESENTATIONS


class WindowTargetRegressor(RegressorMixin, BaseEstimator):
    """Fit any regressor on windows, with the target relative to its window.

    The representations of :class:`RNNRegressor` for any scikit-learn
    regressor, so that a leaderboard compares like with like: for instance
    ``WindowTargetRegressor(Ridge())`` is a Ridge regression on flattened
    windows that predicts the change from the last value, in logs for a
    positive series.

    Parameters
    ----------
    regressor : estimator, default=None
        Regressor fitted on the flattened encoded windows; None means
        ``Ridge(alpha=0.01)``.

    target_representation : {"auto", "change", "level", "window_norm", \
            "seasonal"}, default="auto"
        See :class:`RNNRegressor`.

    log_target : bool or "auto", default="auto"
        See :class:`RNNRegressor`.

    target_feature : int or str, default=None
        Window feature holding the target's history: its index, or its column
        name for windows of a :class:`SlidingWindowTransformer` fitted on a
        DataFrame; None for univariate windows.

    season : int, default=None
        See :class:`RNNRegressor`.

    Attributes
    ----------
    regressor_ : estimator
        The fitted clone of ``regressor``.

    log_target_ : bool
        Whether logarithms were taken.

    n_features_in_ : int
        As in :class:`RNNRegressor`.

    See Also
    --------
    RNNRegressor : The recurrent network with the same representations.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SlidingWindowTransformer, WindowTargetRegressor
    >>> series = np.arange(1.0, 41.0).reshape(-1, 1)
    >>> windows = SlidingWindowTransformer(look_back=4).fit_transform(series[:-1])
    >>> reg = WindowTargetRegressor().fit(windows, series[1:, 0])
    >>> round(float(reg.predict(windows[-1:])[0]), 2)
    40.0
    """

    _parameter_constraints: dict = {
        "regressor": [HasMethods(["fit", "predict"]), None],
        "target_representation": [StrOptions(set(REPRESENTATIONS))],
        "log_target": ["boolean", StrOptions({"auto"})],
        # checked in fit (check_target_feature): an int, a column name or None
        "target_feature": "no_validation",
        "season": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        regressor=None,
        *,
        target_representation="auto",
        log_target="auto",
        target_feature=None,
        season=None,
    ):
        self.regressor = regressor
        self.target_representation = target_representation
        self.log_target = log_target
        self.target_feature = target_feature
        self.season = season

    @_fit_context(prefer_skip_nested_validation=False)
    def _settings_for_windows(self, settings) -> dict:
        """Target parameters left open that follow from a forecaster's windows."""
        return target_settings(self, settings)

    def fit(self, X, y):
        """Fit the regressor on encoded windows and targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Windows; 2-D is read as univariate windows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        from sklearn.linear_model import Ridge

        X, y = validate_sequences(
            self, X, y, reset=True, multi_output=True, y_numeric=True
        )
        y2 = as_2d_target(y)
        check_target_feature(self.target_feature, type(self).__name__)
        self._target = TargetEncoder(
            self.target_representation,
            self.log_target,
            self.target_feature,
            standardise=False,
            season=self.season,
            feature_names=getattr(self, "_window_names", None),
            owner=type(self).__name__,
        ).fit(X, y2)
        self.log_target_ = self._target.log_
        X, stats = self._encoded_windows(X)
        y2 = self._target.encode(y2, stats)
        regressor = Ridge(alpha=0.01) if self.regressor is None else self.regressor
        self.regressor_ = clone(regressor).fit(
            X.reshape(len(X), -1), y2.ravel() if y.ndim == 1 else y2
        )
        self._y_ndim = y.ndim
        return self

    def predict(self, X):
        """Predict in the units of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Windows shaped like the training data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions.
        """
        check_is_fitted(self)
        X = validate_sequences(self, X, reset=False)
        X, stats = self._encoded_windows(X)
        y_pred = as_2d_target(self.regressor_.predict(X.reshape(len(X), -1)))
        y_pred = self._target.decode(y_pred, stats)
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

    def _encoded_windows(self, X):
        """All windows encoded as the regressor reads them, and their statistics."""
        stats = self._target.statistics(X)
        encode = self._target.input_encoder(stats)
        return (X if encode is None else encode(X, slice(None))), stats

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags
