"""Target representations: a forecast target seen relative to its own input window."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from ._feed import row_blocks
from ._sequences import PAD, validate_sequences
from ._sklearn import HasMethods, StrOptions, _fit_context

REPRESENTATIONS = ("auto", "level", "change", "window_norm")


def target_index(n_features: int, target_feature) -> int:
    """Position of the target's history among the window's features."""
    if target_feature is None:
        if n_features != 1:
            raise ValueError(
                f"The windows have {n_features} features: set target_feature to "
                "the index of the one that holds the target's history."
            )
        return 0
    if not -n_features <= target_feature < n_features:
        raise ValueError(
            f"target_feature={target_feature} is out of range for windows with "
            f"{n_features} features."
        )
    return target_feature % n_features


def _check_positive(values, what: str):
    if np.any(values <= 0):
        raise ValueError(f"log_target=True needs positive values, but {what} has some.")


def encode_windows(X, j: int, representation: str, log: bool, min_scale: float = 0.0):
    """Re-express feature ``j`` of each window relative to the window itself.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Windows, oldest step first.
    j : int
        Feature holding the target's history.
    representation : {"level", "change", "window_norm"}
        ``"level"`` leaves values as they are; ``"change"`` subtracts the
        window's last value; ``"window_norm"`` subtracts the window's mean and
        divides by its standard deviation (reversible instance normalisation).
    log : bool
        Take the logarithm of feature ``j`` first.
    min_scale : float, default=0.0
        Floor of the ``"window_norm"`` scale: a nearly constant window must
        not blow its target up.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Encoded windows (``X`` itself, uncopied, when nothing changes).
    center, scale : ndarray of shape (n_samples, 1)
        Per-window statistics that :func:`encode_target` and
        :func:`decode_target` use.
    """
    center, scale = window_statistics(X, j, representation, log, min_scale)
    if representation == "level" and not log:
        return X, center, scale
    return apply_window_encoding(X, j, log, center, scale), center, scale


def window_statistics(X, j: int, representation: str, log: bool, min_scale=0.0):
    """Per-window ``center`` and ``scale`` of :func:`encode_windows`, block by block.

    Returns
    -------
    center, scale : ndarray of shape (n_samples, 1)
    """
    n = X.shape[0]
    # read-only zero-stride arrays until a representation needs real ones
    center, scale = np.broadcast_to(0.0, (n, 1)), np.broadcast_to(1.0, (n, 1))
    if representation == "level" and not log:
        return center, scale
    if representation != "level":
        center = np.zeros((n, 1))
    if representation == "window_norm":
        scale = np.ones((n, 1))
    for rows in row_blocks(X):
        history, _ = _history(X[rows], j, log)  # checks that logs can be taken
        if representation == "change":
            center[rows] = history[:, -1:]  # padding is at the start: the end is real
        elif representation == "window_norm":
            center[rows] = np.nanmean(history, axis=1, keepdims=True)
            std = np.maximum(np.nanstd(history, axis=1, keepdims=True), min_scale)
            scale[rows] = np.where(std > 0, std, 1.0)
    return center, scale


def apply_window_encoding(X, j: int, log: bool, center, scale):
    """Feature ``j`` of windows ``X`` as ``(history - center) / scale`` (a copy)."""
    history, valid = _history(X, j, log)
    X = np.array(X, dtype=np.float64)
    X[:, :, j] = np.where(valid, (history - center) / scale, PAD)
    return X


def _history(X, j: int, log: bool):
    """Feature ``j`` as float64 with padding as NaN (logged if asked), and the mask."""
    history = X[:, :, j].astype(np.float64)
    valid = history != PAD
    history[~valid] = np.nan
    if log:
        _check_positive(history, "the target's history in X")
        history = np.log(history)
    return history, valid


def scale_floor(X, j: int, log: bool) -> float:
    """A tenth of the median window standard deviation of feature ``j``."""
    stds = [np.nanstd(_history(X[rows], j, log)[0], axis=1) for rows in row_blocks(X)]
    return 0.1 * float(np.median(np.concatenate(stds)))


def encode_target(y, center, scale, log: bool):
    """``y`` of shape (n_samples, n_outputs) relative to its windows (a new array)."""
    if log:
        _check_positive(y, "y")
        y = np.log(y, dtype=np.float64)
    encoded = np.subtract(y, center, dtype=np.float64)
    encoded /= scale
    return encoded


def decode_target(y, center, scale, log: bool):
    """Inverse of :func:`encode_target`."""
    y = y * scale + center
    return np.exp(y) if log else y


def znormalize(X):
    """Each sequence's features to zero mean and unit variance over time.

    The usual normalisation in time-series classification: it keeps shapes
    and drops each sequence's offset and amplitude.
    """
    valid = X != PAD
    values = np.where(valid, X, np.nan)
    mean = np.nanmean(values, axis=1, keepdims=True)
    std = np.nanstd(values, axis=1, keepdims=True)
    return np.where(valid, (values - mean) / np.where(std > 0, std, 1.0), PAD)


class WindowEncoding:
    """A representation fitted on training windows: log decision and scale floor.

    Shared by :class:`RNNRegressor` and :class:`WindowTargetRegressor`.
    """

    def __init__(self, representation: str, log_target, target_feature):
        self.representation = representation
        self.log_target = log_target
        self.target_feature = target_feature

    def fit(self, X, y):
        """Resolve the "auto" settings and the window-scale floor on training data."""
        self.log = self.log_target
        self.min_scale = 0.0
        if self.representation == "auto":
            # relative to the target's history only when it is known which it is
            inferable = X.shape[2] == 1 or self.target_feature is not None
            self.representation = "change" if inferable else "level"
        if self.representation == "level" and self.log_target is not True:
            self.log = False
            return self
        self.j = target_index(X.shape[2], self.target_feature)
        if self.log_target == "auto":
            positive = all(
                np.all(h[h != PAD] > 0)
                for h in (X[rows, :, self.j] for rows in row_blocks(X))
            )
            self.log = bool(positive and np.all(y > 0))
        if self.representation == "window_norm":
            self.min_scale = scale_floor(X, self.j, self.log)
        return self

    def encode(self, X):
        """Encoded windows and their per-window ``center`` and ``scale``."""
        center, scale = self.statistics(X)
        return self.apply(X, center, scale), center, scale

    def statistics(self, X):
        """Per-window ``center`` and ``scale``, shape (n_samples, 1) each."""
        if self.is_identity():
            return window_statistics(X, 0, "level", False)
        return window_statistics(
            X, self.j, self.representation, self.log, self.min_scale
        )

    def apply(self, X, center, scale):
        """Windows ``X`` encoded with their ``center`` and ``scale`` rows."""
        if self.is_identity():
            return X
        return apply_window_encoding(X, self.j, self.log, center, scale)

    def is_identity(self) -> bool:
        return self.representation == "level" and not self.log

    def encode_target(self, y, center, scale):
        return y if self.is_identity() else encode_target(y, center, scale, self.log)

    def decode_target(self, y, center, scale):
        return y if self.is_identity() else decode_target(y, center, scale, self.log)


def as_2d_target(y):
    return y.reshape(-1, 1) if y.ndim == 1 else y


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

    target_representation : {"auto", "change", "level", "window_norm"}, \
            default="auto"
        See :class:`RNNRegressor`.

    log_target : bool or "auto", default="auto"
        See :class:`RNNRegressor`.

    target_feature : int, default=None
        Window feature holding the target's history; None for univariate
        windows.

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
        "target_feature": [Integral, None],
    }

    def __init__(
        self,
        regressor=None,
        *,
        target_representation="auto",
        log_target="auto",
        target_feature=None,
    ):
        self.regressor = regressor
        self.target_representation = target_representation
        self.log_target = log_target
        self.target_feature = target_feature

    @_fit_context(prefer_skip_nested_validation=False)
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
        self._encoding = WindowEncoding(
            self.target_representation, self.log_target, self.target_feature
        ).fit(X, y2)
        self.log_target_ = self._encoding.log
        X, center, scale = self._encoding.encode(X)
        y2 = self._encoding.encode_target(y2, center, scale)
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
        X, center, scale = self._encoding.encode(X)
        y_pred = as_2d_target(self.regressor_.predict(X.reshape(len(X), -1)))
        y_pred = self._encoding.decode_target(y_pred, center, scale)
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags
