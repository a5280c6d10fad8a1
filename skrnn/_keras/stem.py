"""The input stem: from validated sequences to what the first recurrent layer reads.

One stem is chosen at ``fit`` from the estimator's parameters (see
:func:`make_stem`) and kept for prediction. It owns everything that
depends on the input mode, so that the rest of the estimator never asks
which mode it is in:

- the check that ``X`` fits the mode (:meth:`check`);
- what it learns from the training inputs (:meth:`fit`: the scaling
  statistics, or the vocabulary size);
- the per-block encoding of ``X`` into the model's input
  (:meth:`encoder`: per-sequence z-normalisation, token ids moved past
  padding and "unknown");
- the Keras input layers (:meth:`input_layers`: Masking, Normalization,
  Embedding), in front of either the built-in recurrent stack or the
  user's ``model_fn``.

The forecasting modes (covariates, many series) add stems here.
"""

import numpy as np

from skrnn._core.inputs import PAD, valid_steps
from skrnn._keras.feed import step_moments

# Model ids of padding and of ids unseen in training; real ids start at 2.
_PAD_ID, _UNKNOWN_ID, _FIRST_ID = 0, 1, 2


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


def _then(first, second):
    """Block encoder applying ``first`` (or nothing) and then ``second``."""
    if first is None:
        return lambda X_rows, rows: second(X_rows)
    return lambda X_rows, rows: second(first(X_rows, rows))


class NumericStem:
    """Numbers at each time step; padded sequences of different lengths are masked.

    Parameters
    ----------
    scale : bool
        Standardise each feature with the training statistics, inside the
        model (a ``Normalization`` layer, so that ``model_`` stands alone).
    normalize : bool
        Z-normalise each sequence over time before anything else.
    """

    def __init__(self, *, scale: bool, normalize: bool):
        self.scale = scale
        self.normalize = normalize

    def check(self, X) -> None:
        """Any real numbers will do (validation already checked that)."""

    def fit(self, X, input_shape: tuple, encode):
        """Learn the scaling statistics of the encoded training inputs.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_timesteps, n_features)
            Training sequences as validated.
        input_shape : tuple of (n_timesteps or None, n_features)
            Shape of one sample; None steps mean variable lengths.
        encode : callable or None
            The estimator's own block encoding of ``X`` (before the stem's).
        """
        self.input_shape = tuple(input_shape)
        self.mean, self.variance = None, None
        if self.scale:
            self.mean, self.variance = step_moments(X, self.encoder(encode))
            # a constant feature is centred, not blown up by a zero variance
            self.variance[~(self.variance > 0)] = 1.0
        return self

    def fitted_attributes(self) -> dict:
        """The estimator's public fitted attributes that come from the stem."""
        return {"input_mean_": self.mean, "input_variance_": self.variance}

    def encoder(self, encode):
        """``encode`` followed by the stem's own per-block encoding (or None)."""
        return _then(encode, znormalize) if self.normalize else encode

    def input_layers(self, keras):
        """``(inputs, outputs, output_shape)`` of the layers in front of the body."""
        layers = keras.layers
        inputs = keras.Input(shape=self.input_shape)
        x = inputs
        if self.input_shape[0] is None:
            x = layers.Masking(mask_value=PAD)(x)
        if self.mean is not None:
            x = layers.Normalization(axis=-1, mean=self.mean, variance=self.variance)(x)
        return inputs, x, self.input_shape


class TokenStem:
    """Integer token ids, one per step, read through an ``Embedding`` layer.

    Parameters
    ----------
    embedding_dim : int
        Size of each token's embedding.
    vocabulary_size : int or None
        Number of ids, ``0 .. vocabulary_size - 1``; None learns it.
    """

    def __init__(self, *, embedding_dim: int, vocabulary_size):
        self.embedding_dim = embedding_dim
        self.vocabulary_size = vocabulary_size

    def check(self, X) -> None:
        """Refuse anything but one non-negative integer id per step."""
        ids = X[valid_steps(X)]
        if X.shape[2] != 1 or np.any(ids < 0) or np.any(ids != np.round(ids)):
            raise ValueError(
                "With embedding_dim set, X must hold non-negative integer token "
                "ids: one id per time step, in 2-D (n_samples, n_timesteps) or "
                f"as a list of 1-D sequences; got {X.shape[2]} feature(s)."
            )

    def fit(self, X, input_shape: tuple, encode):
        """Learn the vocabulary size when it was not given."""
        self.input_shape = tuple(input_shape)
        if self.vocabulary_size is None:
            self.vocabulary_size = int(X[valid_steps(X)].max()) + 1
        return self

    def fitted_attributes(self) -> dict:
        """The estimator's public fitted attributes that come from the stem."""
        return {
            "input_mean_": None,
            "input_variance_": None,
            "vocabulary_size_": self.vocabulary_size,
        }

    def model_ids(self, X):
        """Token ids as the Embedding reads them: past padding (0) and unknown (1)."""
        ids = np.asarray(X)[:, :, 0]
        model_ids = np.where(ids >= self.vocabulary_size, _UNKNOWN_ID, ids + _FIRST_ID)
        return np.where(ids == PAD, _PAD_ID, model_ids).astype(np.int32)

    def encoder(self, encode):
        """``encode`` followed by the id mapping, per block."""
        return _then(encode, self.model_ids)

    def input_layers(self, keras):
        """``(inputs, outputs, output_shape)`` of the layers in front of the body."""
        n_steps = self.input_shape[0]
        inputs = keras.Input(shape=(n_steps,))
        x = keras.layers.Embedding(
            self.vocabulary_size + _FIRST_ID, self.embedding_dim, mask_zero=True
        )(inputs)
        return inputs, x, (n_steps, self.embedding_dim)


def make_stem(estimator):
    """The stem an estimator's parameters ask for."""
    if estimator.embedding_dim is not None:
        return TokenStem(
            embedding_dim=estimator.embedding_dim,
            vocabulary_size=estimator.vocabulary_size,
        )
    return NumericStem(
        scale=estimator.scale_inputs,
        normalize=bool(getattr(estimator, "normalize_sequences", False)),
    )
