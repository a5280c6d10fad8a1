"""Input modes and parameters: the pairs that combine work, the others are refused."""

import itertools

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose

from skrnn import RNNClassifier, RNNRegressor
from skrnn._keras.backend import get_keras
from skrnn._keras.modes import CONFLICTS


def gru_body(input_shape, n_outputs):
    """A user's model: GRU then Dense, reading what the input layers give."""
    keras = get_keras()
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.GRU(4)(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_outputs)(x))


def _ragged(rng, n=40, low=3, high=12):
    return [rng.normal(size=(int(k), 1)) for k in rng.integers(low, high, size=n)]


def _padding_changes_nothing(est):
    """A short sequence predicts the same alone and next to a long one."""
    rng = np.random.default_rng(5)
    short, long = rng.normal(size=(3, 1)), rng.normal(size=(12, 1))
    if est.embedding_dim is not None:
        short, long = rng.integers(1, 6, size=3), rng.integers(1, 6, size=12)
    alone = est.predict([short, short[:2]])[0]
    padded = est.predict([short, long])[0]
    assert_allclose(padded, alone, rtol=1e-5, atol=1e-6)


# -- the four combinations that were wrong --------------------------------------


def test_model_fn_with_variable_length_and_no_scaling_is_masked():
    rng = np.random.default_rng(0)
    X = _ragged(rng)
    y = np.array([x.sum() for x in X])
    est = RNNRegressor(**FAST, model_fn=gru_body, scale_inputs=False).fit(X, y)
    assert "Masking" in [type(layer).__name__ for layer in est.model_.layers]
    _padding_changes_nothing(est)


def test_model_fn_with_embedding_keeps_the_embedding():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 8, size=(40, 6))
    y = (X == 3).sum(axis=1).astype(float)
    est = RNNRegressor(**FAST, model_fn=gru_body, embedding_dim=3).fit(X, y)
    names = [type(layer).__name__ for layer in est.model_.layers]
    assert "Embedding" in names
    # the ids reach the Embedding unchanged (shifted past padding and unknown)
    embedding = next(la for la in est.model_.layers if type(la).__name__ == "Embedding")
    assert embedding.input_dim == est.vocabulary_size_ + 2 == 10


def test_normalize_sequences_with_token_ids_is_refused():
    X = np.array([[17, 12, 10, 5, 6, 0]] * 10)
    y = np.arange(10) % 2
    clf = RNNClassifier(**FAST, normalize_sequences=True, embedding_dim=3)
    with pytest.raises(ValueError, match="normalize_sequences.*embedding_dim"):
        clf.fit(X, y)


def test_vocabulary_size_without_embedding_dim_is_refused(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match="vocabulary_size=10.*embedding_dim=None"):
        RNNRegressor(**FAST, vocabulary_size=10).fit(X, y)


# -- every conflict of the table is refused, naming both parameters ------------


def _softmax_body(input_shape, n_outputs):
    keras = get_keras()
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.GRU(4)(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_outputs, activation="softmax")(x))


_VALUES = {
    "vocabulary_size": 10,
    "normalize_sequences": True,
    "embedding_dim": 3,
    "target_representation": "change",
    "log_target": True,
    "target_feature": 0,
    "return_sequences": True,
    "decoder": "rnn",
    "decoder_features": [0],
    "pooling": "mean",
    "fcn_filters": (4,),
    "dimension_shuffle": True,
    "model_fn": gru_body,
    "linear_skip": True,
    "recurrent_steps": 2,
}

# The parameters only RNNClassifier has.
_CLASSIFIER_ONLY = {
    "normalize_sequences",
    "pooling",
    "fcn_filters",
    "dimension_shuffle",
}


@pytest.mark.parametrize("first, second, how, reason", CONFLICTS)
def test_every_conflict_is_refused(first, second, how, reason):
    params = {first: _VALUES[first]}
    if how == "with":
        params[second] = _VALUES[second]
    cls = RNNClassifier if first in _CLASSIFIER_ONLY else RNNRegressor
    X = np.ones((10, 4), dtype=int)
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match=rf"{first}=.*{second}="):
        cls(**FAST, **params).fit(X, y)


# -- the pairs that are allowed work -------------------------------------------


def _softmax_steps_body(input_shape, n_outputs):
    keras = get_keras()
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.GRU(4, return_sequences=True)(inputs)
    out = keras.layers.Dense(n_outputs, activation="softmax")(x)
    return keras.Model(inputs, out)


OPTIONS = {
    "model_fn": {"model_fn": _softmax_body},
    "no_scaling": {"scale_inputs": False},
    "normalize_sequences": {"normalize_sequences": True},
    "return_sequences": {"return_sequences": True},
}
MODES = ["fixed", "variable", "tokens", "variable_tokens"]


def _data(mode, return_sequences):
    rng = np.random.default_rng(1)
    if mode == "fixed":
        X = list(rng.normal(size=(40, 6, 1)))
    elif mode == "variable":
        X = _ragged(rng)
    elif mode == "tokens":
        X = list(rng.integers(0, 6, size=(40, 6)))
    else:
        X = [rng.integers(0, 6, size=int(k)) for k in rng.integers(3, 12, size=40)]
    if return_sequences:
        y = [np.asarray(x, dtype=float).reshape(len(x), -1)[:, 0] > 0.5 for x in X]
    else:
        sums = np.array([np.asarray(x, dtype=float).sum() for x in X])
        y = sums > np.median(sums)
    if mode == "fixed" or mode == "tokens":
        X = np.stack(X)
        y = np.stack(y) if return_sequences else y
    return X, y


PAIRS = [
    (mode, option)
    for mode, option in itertools.product(MODES, OPTIONS)
    if not ("tokens" in mode and option == "normalize_sequences")
] + [("any", "model_fn+return_sequences"), ("any", "model_fn+normalize_sequences")]


@pytest.mark.parametrize("mode, option", PAIRS)
def test_allowed_pairs_fit_and_keep_padding_invariance(mode, option):
    params = {}
    for part in option.split("+"):
        params.update(OPTIONS[part])
    if option == "model_fn+return_sequences":
        params["model_fn"] = _softmax_steps_body
    mode = "variable" if mode == "any" else mode
    steps = params.get("return_sequences", False)
    X, y = _data(mode, steps)
    embedding = {"embedding_dim": 3} if "tokens" in mode else {}
    clf = RNNClassifier(**FAST, **params, **embedding).fit(X, y)
    proba = clf.predict_proba(X)
    assert len(proba) == len(X)
    if "variable" in mode and not steps:
        _padding_changes_nothing(clf)
