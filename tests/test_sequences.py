"""Variable-length sequences, token ids, and one output per time step."""

import pickle

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skrnn import RNNClassifier, RNNRegressor


@pytest.fixture
def ragged():
    """40 sequences of 1 to 9 steps and 2 features; label: sign of the sum."""
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(rng.integers(1, 10), 2)) for _ in range(40)]
    y = np.array([x.sum() for x in X])
    return X, y


def test_mixed_lengths_regression_and_classification(ragged):
    X, y = ragged
    reg = RNNRegressor(**FAST).fit(X, y)
    assert reg.input_shape_ == (None, 2)
    assert reg.predict(X).shape == (40,)
    labels = np.where(y > 0, "pos", "neg")
    clf = RNNClassifier(**FAST).fit(X, labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (40, 2)
    # the score is the accuracy of predict, which is the most probable class
    predicted = clf.predict(X)
    assert set(predicted) <= {"neg", "pos"}
    assert_array_equal(predicted, clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, labels) == np.mean(predicted == labels)


def test_padding_never_changes_a_prediction(ragged):
    X, y = ragged
    reg = RNNRegressor(**FAST).fit(X, y)
    short = min(range(len(X)), key=lambda i: len(X[i]))
    batched = reg.predict(X)[short]
    alone = reg.predict(X[short][np.newaxis])[0]
    with_longest = reg.predict([X[short], max(X, key=len)])[0]
    assert_allclose(alone, batched, rtol=1e-5)
    assert_allclose(with_longest, batched, rtol=1e-5)


def test_all_equal_lengths_and_length_one(ragged):
    rng = np.random.default_rng(1)
    same = [rng.normal(size=(4, 2)) for _ in range(20)]
    reg = RNNRegressor(**FAST).fit(same, rng.normal(size=20))
    assert reg.input_shape_ == (4, 2)
    ones = [rng.normal(size=1) for _ in range(20)]
    reg1 = RNNRegressor(**FAST).fit(ones, rng.normal(size=20))
    assert reg1.predict(ones).shape == (20,)
    univariate = [rng.normal(size=n) for n in (1, 3, 5, 2)] * 5
    clf = RNNClassifier(**FAST).fit(univariate, [0, 1] * 10)
    assert clf.predict(univariate).shape == (20,)


def test_empty_sequence_and_bad_shapes_are_refused(ragged):
    X, y = ragged
    with pytest.raises(ValueError, match=r"X\[1\] is an empty sequence"):
        RNNRegressor(**FAST).fit([X[0], np.empty((0, 2)), X[2]], y[:3])
    with pytest.raises(ValueError, match="different numbers of features"):
        RNNRegressor(**FAST).fit([np.ones((3, 2)), np.ones((2, 3))], [1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        RNNRegressor(**FAST).fit([np.ones((3, 2)), np.full((2, 2), np.nan)], [1, 2])
    reg = RNNRegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="3 features per time step"):
        reg.predict([np.ones((3, 3)), np.ones((1, 3))])


def test_ragged_model_pickles_with_identical_predictions(ragged):
    X, y = ragged
    reg = RNNRegressor(**FAST).fit(X, y)
    assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))


@pytest.mark.slow
def test_lists_work_in_pipelines_and_searches(ragged):
    X, y = ragged
    labels = np.where(y > 0, 1, 0)
    pipe = make_pipeline(FunctionTransformer(), RNNClassifier(**FAST))
    scores = cross_val_score(pipe, X, labels, cv=KFold(3))
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    search = GridSearchCV(RNNRegressor(**FAST), {"units": [2, 4]}, cv=KFold(2))
    search.fit(X, y)
    assert search.best_params_["units"] in (2, 4)


def test_token_sequences_classification_and_regression():
    rng = np.random.default_rng(2)
    tokens = [rng.integers(0, 20, size=rng.integers(2, 12)) for _ in range(60)]
    label = np.array(["has7" if 7 in t else "no7" for t in tokens])
    clf = RNNClassifier(**{**FAST, "epochs": 3}, embedding_dim=4).fit(tokens, label)
    assert clf.vocabulary_size_ == max(t.max() for t in tokens) + 1
    layers = [type(layer).__name__ for layer in clf.model_.layers]
    assert "Embedding" in layers and "Normalization" not in layers
    # unseen ids share the "unknown" embedding instead of failing
    assert clf.predict([np.array([500, 3, 2])]).shape == (1,)
    # padding invariance holds for ids too
    assert_allclose(
        clf.predict_proba([tokens[0]])[0], clf.predict_proba(tokens)[0], rtol=1e-5
    )
    counts = np.array([float(len(t)) for t in tokens])
    reg = RNNRegressor(**FAST, embedding_dim=3, vocabulary_size=30).fit(tokens, counts)
    assert reg.vocabulary_size_ == 30 and not reg.log_target_
    assert reg.predict(tokens).shape == (60,)
    with pytest.raises(ValueError, match="integer token ids"):
        RNNClassifier(**FAST, embedding_dim=4).fit(
            [np.array([0.5, 1.0])] * 4, [0, 1] * 2
        )


def test_one_output_per_step_fixed_length():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 6, 1))
    y_next = np.roll(X[:, :, 0], -1, axis=1)  # many-to-many: the input shifted
    reg = RNNRegressor(**FAST, return_sequences=True).fit(X, y_next)
    assert reg.predict(X).shape == (30, 6)
    assert np.isfinite(reg.score(X, y_next))
    Y3 = np.stack([y_next, -y_next], axis=-1)
    reg3 = RNNRegressor(**{**FAST, "units": (4, 3)}, return_sequences=True).fit(X, Y3)
    assert reg3.predict(X).shape == (30, 6, 2)
    labels = np.where(X[:, :, 0] > 0, "up", "down")
    clf = RNNClassifier(**FAST, return_sequences=True, bidirectional=True)
    clf.fit(X, labels)
    assert clf.predict(X).shape == (30, 6)
    assert clf.predict_proba(X).shape == (30, 6, 2)
    assert 0 <= clf.score(X, labels) <= 1


def test_one_output_per_step_ragged(ragged):
    X, _ = ragged
    y_steps = [x[:, 0] * 2 for x in X]
    reg = RNNRegressor(**FAST, return_sequences=True).fit(X, y_steps)
    pred = reg.predict(X)
    assert isinstance(pred, list)
    assert [len(p) for p in pred] == [len(x) for x in X]
    alone = reg.predict([X[5]])[0]
    assert_allclose(alone, pred[5], rtol=1e-5)
    with pytest.raises(ValueError, match=r"y\[0\] has"):
        reg.fit(X, [np.ones(len(x) + 1) for x in X])
    labels = [np.where(x[:, 1] > 0, 1, 0) for x in X]
    clf = RNNClassifier(**FAST, return_sequences=True).fit(X, labels)
    assert [len(p) for p in clf.predict(X)] == [len(x) for x in X]
    assert 0 <= clf.score(X, labels) <= 1


@pytest.mark.slow
@pytest.mark.parametrize("layers", [{"units": (4, 3)}, {"bidirectional": True}])
def test_stacked_and_bidirectional_keep_padding_invariance(ragged, layers):
    X, y = ragged
    params = {**FAST, **layers}
    reg = RNNRegressor(**params).fit(X, y)
    assert_allclose(reg.predict([X[3]])[0], reg.predict(X)[3], rtol=1e-5)
    tokens = [np.abs(np.round(x[:, 0] * 5)).astype(int) for x in X]
    clf = RNNClassifier(**params, embedding_dim=3).fit(tokens, y > 0)
    assert_allclose(
        clf.predict_proba([tokens[3]])[0], clf.predict_proba(tokens)[3], rtol=1e-5
    )
    steps = RNNRegressor(**params, return_sequences=True).fit(X, [x[:, 1] for x in X])
    assert_allclose(steps.predict([X[3]])[0], steps.predict(X)[3], rtol=1e-5)
