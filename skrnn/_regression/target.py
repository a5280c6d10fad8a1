"""How RNNRegressor's network sees the target: one encoder, fit / encode / decode.

A forecast target is seen relative to its own input window (the change
from the window's last value, or the window's own standardisation), in
logarithms for a positive multiplicative series, and then standardised
over the training set. :class:`TargetEncoder` resolves the ``"auto"``
settings on the training data, and then encodes ``y`` for training, the
windows' target feature the same way (block by block, through the feed),
and decodes the network's outputs back to the units of ``y``.
"""

import warnings
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from skrnn._core.inputs import PAD
from skrnn._keras.feed import row_blocks
from skrnn._representations import (
    Level,
    Representation,
    Seasonal,
    representation,
)


def seasonal_positions(season: int, n_outputs: int) -> np.ndarray:
    """Window position (negative) of the seasonal naive forecast of each output."""
    return Seasonal().reference_positions(season, n_outputs)


def _as_representation(value) -> Representation:
    return value if isinstance(value, Representation) else representation(value)


def check_target_feature(
    target_feature, owner: str, name: str = "target_feature"
) -> None:
    """Refuse a ``target_feature`` that is neither an int, a str nor None.

    Checked here rather than by the parameter constraints: scikit-learn's
    ``cross_val_score`` renames their error as its own parameter's.
    """
    if target_feature is None or isinstance(target_feature, str):
        return
    if isinstance(target_feature, bool) or not isinstance(target_feature, Integral):
        raise TypeError(
            f"{owner}({name}=...) must be a feature index (int), a column "
            f"name (str) or None; got {target_feature!r} of type "
            f"{type(target_feature).__name__}."
        )


def target_index(
    n_features: int, target_feature, feature_names=None, name: str = "target_feature"
) -> int:
    """Position of the target's history among the window's features.

    ``target_feature`` may name a column of the DataFrame the windows were
    made from (``feature_names``, carried by SlidingWindowTransformer's
    windows). ``name`` is the parameter's name, for the messages.
    """
    if isinstance(target_feature, str):
        if feature_names is None:
            raise ValueError(
                f"{name}={target_feature!r} is a column name, but the "
                "windows carry no column names: make them with "
                "SlidingWindowTransformer from a DataFrame (in the same "
                "Pipeline, or once on the whole series), or give the column's "
                "index."
            )
        names = [str(column) for column in feature_names]
        if target_feature not in names:
            raise ValueError(
                f"{name}={target_feature!r} is not a column of the "
                f"windows; their columns are: {', '.join(names)}."
            )
        return names.index(target_feature)
    if target_feature is None:
        if n_features != 1:
            raise ValueError(
                f"The windows have {n_features} features: set target_feature to "
                "the index of the one that holds the target's history."
            )
        return 0
    if not -n_features <= target_feature < n_features:
        raise ValueError(
            f"{name}={target_feature} is out of range for windows with "
            f"{n_features} features."
        )
    return target_feature % n_features


def _check_positive(values, what: str):
    if np.any(values <= 0):
        raise ValueError(f"log_target=True needs positive values, but {what} has some.")


def encode_windows(X, j: int, representation, log: bool, min_scale: float = 0.0):
    """Re-express feature ``j`` of each window relative to the window itself.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Windows, oldest step first.
    j : int
        Feature holding the target's history.
    representation : {"level", "change", "window_norm"} or Representation
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
    representation = _as_representation(representation)
    center, scale = window_statistics(X, j, representation, log, min_scale)
    if not representation.relative and not log:
        return X, center, scale
    return apply_window_encoding(X, j, log, center, scale), center, scale


def window_statistics(X, j: int, representation, log: bool, min_scale=0.0):
    """Per-window ``center`` and ``scale`` of :func:`encode_windows`, block by block.

    Returns
    -------
    center, scale : ndarray of shape (n_samples, 1)
    """
    representation = _as_representation(representation)
    n = X.shape[0]
    # read-only zero-stride arrays until a representation needs real ones
    center, scale = np.broadcast_to(0.0, (n, 1)), np.broadcast_to(1.0, (n, 1))
    if not representation.relative and not log:
        return center, scale
    for rows in row_blocks(X):
        history, _ = _history(X[rows], j, log)  # checks that logs can be taken
        block_center, block_scale = representation.window_statistics(history, min_scale)
        if block_center is not None:
            if not center.flags.writeable:
                center = np.zeros((n, 1))
            center[rows] = block_center
        if block_scale is not None:
            if not scale.flags.writeable:
                scale = np.ones((n, 1))
            scale[rows] = block_scale
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


@dataclass(frozen=True)
class WindowStatistics:
    """Per-window ``center`` and ``scale``, shape (n_samples, 1) each.

    ``target_center``, shape (n_samples, n_outputs), is what each output is
    forecast relative to when it differs from ``center`` (the seasonal
    representation: the value one season before); None otherwise.
    """

    center: np.ndarray
    scale: np.ndarray
    target_center: np.ndarray | None = None

    @property
    def reference(self) -> np.ndarray:
        """What the target is relative to: ``target_center`` or ``center``."""
        return self.center if self.target_center is None else self.target_center


class TargetEncoder:
    """The target as the network learns it: representation, logarithms, scaling.

    Shared by :class:`~skrnn.RNNRegressor` (with ``standardise=True``) and
    :class:`~skrnn.WindowTargetRegressor`.

    Parameters
    ----------
    representation : {"auto", "level", "change", "window_norm", "seasonal"}
        See ``RNNRegressor(target_representation=...)``.
    log_target : bool or "auto"
        See ``RNNRegressor(log_target=...)``.
    target_feature : int or None
        Window feature holding the target's history.
    standardise : bool
        Centre and scale the encoded target with its training mean and
        standard deviation (per output).
    season : int or None, default=None
        Season of the ``"seasonal"`` representation: output ``h`` is
        forecast relative to the window's value one season before it.

    Attributes
    ----------
    representation_ : str
        The representation used (``"auto"`` resolved).
    rep_ : Representation
        The object of that name, which the encoding asks what to do (a
        property: files keep the name only).
    log_ : bool
        Whether logarithms are taken.
    mean_, scale_ : ndarray of shape (n_outputs,)
        The standardisation (0 and 1 without ``standardise``).
    """

    def __init__(
        self,
        representation,
        log_target,
        target_feature,
        *,
        standardise,
        season=None,
        feature_names=None,
        owner="RNNRegressor",
    ):
        self.representation = representation
        self.log_target = log_target
        self.target_feature = target_feature
        self.standardise = standardise
        self.season = season
        self.feature_names = feature_names
        self.owner = owner

    def fit(self, X, y, steps=slice(None)):
        """Resolve the settings on training windows and fit the standardisation.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_timesteps, n_features)
            Training windows as validated.
        y : ndarray of shape (n_samples, n_outputs) or \
                (n_samples, n_timesteps, n_outputs)
            Targets, 2-D (or 3-D per step).
        steps : slice or ndarray of bool, default=slice(None)
            Which entries of ``y`` are real (the mask of per-step targets).
        """
        self.fit_encode(X, y, steps)
        return self

    def fit_encode(self, X, y, steps=slice(None)):
        """:meth:`fit`, then ``y`` encoded and the windows' statistics, in one pass.

        Returns
        -------
        encoded : ndarray of float32
            As :meth:`encode` returns it.
        stats : WindowStatistics
            As :meth:`statistics` returns it.
        """
        self._resolve(X, y)
        stats = self.statistics(X)
        represented = self._represent(y, stats)
        self.mean_ = np.zeros(represented.shape[-1])
        self.scale_ = np.ones(represented.shape[-1])
        if self.standardise:
            self.mean_ = represented[steps].mean(axis=0)
            std = represented[steps].std(axis=0)
            self.scale_ = np.where(std > 0, std, 1.0)
        return self._standardised(represented), stats

    def _resolve(self, X, y):
        self.n_outputs_ = y.shape[-1]
        self.representation_ = self.representation
        if self.representation_ != "auto":
            representation(self.representation_).check(X.shape[1], self.season)
        self.log_, self.min_scale_ = self.log_target, 0.0
        if self.representation_ == "auto":
            # relative to the target's history only when it is known which it is
            inferable = X.shape[2] == 1 or self.target_feature is not None
            self.representation_ = "change" if inferable else "level"
            if not inferable:
                warnings.warn(
                    f"{self.owner}: the windows have {X.shape[2]} features and "
                    "target_feature is not set, so target_representation='auto' "
                    "predicts the levels of y, which cannot follow a target that "
                    "trends out of its training range. When y is the future of "
                    "one of the features (a forecast), set target_feature to "
                    "that feature's index or column name; when it is not, set "
                    "target_representation='level' to keep levels without this "
                    "warning.",
                    UserWarning,
                    stacklevel=2,
                )
        if not self.rep_.relative and self.log_target is not True:
            self.log_ = False
            return
        self.j_ = target_index(X.shape[2], self.target_feature, self.feature_names)
        if self.log_target == "auto":
            positive = all(
                np.all(h[h != PAD] > 0)
                for h in (X[rows, :, self.j_] for rows in row_blocks(X))
            )
            self.log_ = bool(positive and np.all(y > 0))
        self.min_scale_ = self.rep_.min_scale(
            lambda: scale_floor(X, self.j_, self.log_)
        )

    @property
    def rep_(self) -> Representation:
        """The representation object of ``representation_``."""
        return representation(self.representation_)

    def is_identity(self) -> bool:
        """Whether the windows reach the network as they are."""
        return not self.rep_.relative and not self.log_

    def statistics(self, X) -> WindowStatistics:
        """Per-window statistics of windows ``X``, block by block."""
        if self.is_identity():
            return WindowStatistics(*window_statistics(X, 0, Level(), False))
        center, scale = window_statistics(
            X, self.j_, self.rep_, self.log_, self.min_scale_
        )
        positions = self.rep_.reference_positions(self.season, self.n_outputs_)
        if positions is None:
            return WindowStatistics(center, scale)
        reference = X[:, positions, self.j_].astype(np.float64)
        if np.any(reference == PAD):
            raise ValueError(
                f"Some sequences are shorter than season={self.season} steps: the "
                "'seasonal' representation needs a value one season back."
            )
        if self.log_:
            _check_positive(reference, "the target's history in X")
            reference = np.log(reference)
        return WindowStatistics(center, scale, reference)

    def input_encoder(self, stats: WindowStatistics):
        """Block encoder ``(X_rows, rows) -> encoded rows`` of windows (None: as is)."""
        if self.is_identity():
            return None
        j, log, center, scale = self.j_, self.log_, stats.center, stats.scale
        return lambda X_rows, rows: apply_window_encoding(
            X_rows, j, log, center[rows], scale[rows]
        )

    def _represent(self, y, stats):
        if self.is_identity():
            return np.asarray(y, dtype=np.float64)
        return encode_target(y, stats.reference, stats.scale, self.log_)

    def encode(self, y, stats: WindowStatistics):
        """``y`` as the network trains on it (float32, a new array)."""
        return self._standardised(self._represent(y, stats))

    def _standardised(self, represented):
        encoded = represented - self.mean_
        encoded /= self.scale_
        return encoded.astype(np.float32)

    def decode(self, outputs, stats: WindowStatistics):
        """Network outputs back in the units of ``y`` (inverse of :meth:`encode`)."""
        y = outputs * self.scale_ + self.mean_
        if self.is_identity():
            return y
        return decode_target(y, stats.reference, stats.scale, self.log_)


def as_2d_target(y):
    return y.reshape(-1, 1) if y.ndim == 1 else y


def target_settings(estimator, settings) -> dict:
    """Target parameters of ``estimator`` that follow from a forecaster's windows.

    Only those left open: ``target_feature=None`` on windows of several
    features becomes the target's feature; ``target_representation="auto"``
    on seasonal series becomes ``"seasonal"``; a representation that needs a
    season gets the forecaster's when ``season`` is None; ``log_target="auto"``
    becomes False when some value of the series is not positive.

    Parameters
    ----------
    estimator : RNNRegressor or WindowTargetRegressor
        The unfitted regressor.
    settings : skrnn._forecast.window_fit.WindowSettings
        What the windows are.

    Returns
    -------
    params : dict
        Parameter names and values to set.
    """
    updates = {}
    if estimator.target_feature is None and settings.n_features > 1:
        updates["target_feature"] = settings.target_feature
    name = estimator.target_representation
    if name == "auto" and settings.seasonal:
        name = updates["target_representation"] = Seasonal.name
    needs_season = name != "auto" and representation(name).needs_season
    if needs_season and estimator.season is None:
        updates["season"] = settings.season
    if estimator.log_target == "auto" and not settings.positive:
        updates["log_target"] = False
    return updates
