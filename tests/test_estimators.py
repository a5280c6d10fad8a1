"""Behaviour of RNNRegressor and RNNClassifier beyond scikit-learn's common checks."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import cloudpickle
import joblib
import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline

from skrnn import RNNClassifier, RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn.datasets import load_airline


def test_import_clone_and_params_do_not_import_keras():
    code = (
        "import sys, skrnn\n"
        "from sklearn.base import clone\n"
        "for est in (skrnn.RNNRegressor(), skrnn.RNNClassifier()):\n"
        "    est = clone(est).set_params(units=(8, 4), cell='gru')\n"
        "    est.get_params()\n"
        "heavy = [m for m in ('keras', 'tensorflow', 'jax', 'torch')\n"
        "         if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_grid_search_over_look_back_and_units_on_airline():
    X, y = make_supervised(load_airline())
    cv = TimeSeriesSplit(n_splits=3, test_size=12)
    grid = {
        "slidingwindowtransformer__look_back": [3, 6],
        "rnnregressor__units": [4, 8],
    }
    search = GridSearchCV(
        make_pipeline(
            SlidingWindowTransformer(), RNNRegressor(epochs=2, random_state=0)
        ),
        grid,
        cv=cv,
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    assert search.best_params_["slidingwindowtransformer__look_back"] in (3, 6)
    assert search.best_params_["rnnregressor__units"] in (4, 8)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.predict(X).shape == (len(X),)
    # the same harness scores a linear baseline on flattened windows
    ridge = make_pipeline(SlidingWindowTransformer(look_back=6, flatten=True), Ridge())
    scores = cross_validate(ridge, X, y, cv=cv, scoring="neg_root_mean_squared_error")
    assert np.all(np.isfinite(scores["test_score"]))
    assert scores["test_score"].shape == (3,)


@pytest.mark.parametrize(
    "dumps, loads",
    [
        (pickle.dumps, pickle.loads),
        (cloudpickle.dumps, pickle.loads),
    ],
)
def test_pickle_round_trip_gives_identical_predictions(sequences, dumps, loads):
    X, y = sequences
    reg = RNNRegressor(**FAST).fit(X, y)
    restored = loads(dumps(reg))
    assert_array_equal(restored.predict(X), reg.predict(X))


def test_joblib_round_trip(sequences, tmp_path):
    X, y = sequences
    clf = RNNClassifier(**FAST).fit(X, np.where(y > 0, "pos", "neg"))
    joblib.dump(clf, tmp_path / "clf.joblib")
    restored = joblib.load(tmp_path / "clf.joblib")
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert_array_equal(restored.classes_, ["neg", "pos"])


def test_same_random_state_gives_identical_predictions(sequences):
    X, y = sequences
    first = RNNRegressor(**FAST).fit(X, y).predict(X)
    second = RNNRegressor(**FAST).fit(X, y).predict(X)
    assert_array_equal(first, second)
    other = RNNRegressor(**{**FAST, "random_state": 1}).fit(X, y).predict(X)
    assert not np.array_equal(first, other)


def test_random_state_none_gives_different_initial_weights(sequences):
    X, y = sequences
    weights = [
        RNNRegressor(units=4, epochs=1, random_state=None)
        .fit(X, y)
        .model_.get_weights()
        for _ in range(2)
    ]
    assert not np.array_equal(weights[0][0], weights[1][0])


def test_fit_leaves_global_random_state_alone(sequences):
    import random

    X, y = sequences
    np.random.seed(123)
    random.seed(123)
    expected = (np.random.random(), random.random())
    np.random.seed(123)
    random.seed(123)
    RNNRegressor(**FAST).fit(X, y)
    assert (np.random.random(), random.random()) == expected


def _layers(model, kind):
    return [layer for layer in model.layers if type(layer).__name__ == kind]


class StepCounter:
    """A Keras callback recording the number of batches per epoch."""

    def __new__(cls):
        import keras

        class _Counter(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.steps = self.params["steps"]

        return _Counter()


# Each hyperparameter, a value, and how that value shows in the fitted model.
SET_PARAMS_CASES = {
    "cell": ("gru", lambda m: len(_layers(m.model_, "GRU")) == 1),
    "units": (7, lambda m: _layers(m.model_, "LSTM")[0].units == 7),
    "units_tuple": (
        (6, 3),
        lambda m: (
            [layer.units for layer in _layers(m.model_, "LSTM")] == [6, 3]
            and _layers(m.model_, "LSTM")[0].return_sequences
        ),
    ),
    "bidirectional": (True, lambda m: len(_layers(m.model_, "Bidirectional")) == 1),
    "dropout": (0.25, lambda m: _layers(m.model_, "LSTM")[0].dropout == 0.25),
    "recurrent_dropout": (
        0.2,
        lambda m: _layers(m.model_, "LSTM")[0].recurrent_dropout == 0.2,
    ),
    "dense_units": (
        (5, 3),
        lambda m: [d.units for d in _layers(m.model_, "Dense")] == [5, 3, 1],
    ),
    # only meaningful with a hidden Dense layer, which the case adds
    "dense_activation": (
        "tanh",
        lambda m: _layers(m.model_, "Dense")[0].activation.__name__ == "tanh",
    ),
    "optimizer": ("rmsprop", lambda m: type(m.model_.optimizer).__name__ == "RMSprop"),
    "learning_rate": (
        0.05,
        lambda m: np.isclose(float(m.model_.optimizer.learning_rate), 0.05),
    ),
    "clipnorm": (0.5, lambda m: m.model_.optimizer.clipnorm == 0.5),
    "clipvalue": (0.3, lambda m: m.model_.optimizer.clipvalue == 0.3),
    "epochs": (3, lambda m: m.n_iter_ == 3 and len(m.history_["loss"]) == 3),
    "batch_size": (30, lambda m: m.callbacks[0].steps == 2),
    "early_stopping": (
        True,
        lambda m: "val_loss" in m.history_ and hasattr(m, "best_validation_loss_"),
    ),
    "scale_inputs": (False, lambda m: not _layers(m.model_, "Normalization")),
    "loss": ("mae", lambda m: m.model_.loss == "mae"),
    "scale_target": (False, lambda m: np.all(m.target_scale_ == 1.0)),
}


@pytest.mark.parametrize("case", SET_PARAMS_CASES)
def test_set_params_changes_the_built_model(sequences, case):
    X, y = sequences
    value, shows = SET_PARAMS_CASES[case]
    param = case.removesuffix("_tuple")
    extra = {"dense_units": (3,)} if param == "dense_activation" else {}
    base = RNNRegressor(**FAST, **extra, callbacks=[StepCounter()])
    reference = clone(base).fit(X, y)
    assert not shows(reference), f"{case}: the default already looks changed"
    changed = clone(base).set_params(**{param: value}).fit(X, y)
    assert shows(changed), case


def test_model_fn_escape_hatch_keeps_scaling(sequences):
    import keras

    calls = []

    def conv_model(input_shape, n_outputs):
        calls.append((input_shape, n_outputs))
        inputs = keras.Input(input_shape)
        x = keras.layers.Conv1D(4, 2)(inputs)
        x = keras.layers.GlobalAveragePooling1D()(x)
        return keras.Model(inputs, keras.layers.Dense(n_outputs)(x))

    X, y = sequences
    reg = RNNRegressor(**FAST, model_fn=conv_model).fit(X, np.c_[y, -y])
    assert calls == [((5, 2), 2)]
    assert _layers(reg.model_, "Normalization")
    assert reg.predict(X).shape == (60, 2)


def test_multi_output_regression(sequences):
    X, y = sequences
    Y = np.c_[y, 2 * y, y + 10]
    reg = RNNRegressor(**FAST).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == (60, 3)
    # target scaling puts each output back in its own units
    assert abs(pred[:, 2].mean() - 10) < 2


@pytest.mark.slow
def test_warm_start_and_partial_fit_continue_training(sequences):
    X, y = sequences
    reg = RNNRegressor(**FAST, warm_start=True).fit(X, y)
    model = reg.model_
    reg.fit(X, y)
    assert reg.model_ is model and reg.n_iter_ == 4 and len(reg.loss_curve_) == 4
    cold = RNNRegressor(**FAST).fit(X, y)
    first_model = cold.model_
    cold.fit(X, y)
    assert cold.model_ is not first_model and cold.n_iter_ == 2

    inc = RNNRegressor(**FAST)
    for expected in (1, 2, 3):
        inc.partial_fit(X, y)
        assert inc.n_iter_ == expected


def test_partial_fit_classifier_needs_classes_once(sequences):
    X, y = sequences
    labels = np.where(y > 0, 1, 0)
    clf = RNNClassifier(**FAST).partial_fit(X[:10], labels[:10], classes=[0, 1, 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (60, 3)
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, labels + 5)


@pytest.mark.parametrize("batched", [False, True], ids=["one-array", "batched"])
def test_early_stopping_holds_out_the_most_recent_rows(sequences, monkeypatch, batched):
    import keras

    import skrnn._keras.feed

    if batched:  # every input takes the batch-by-batch path
        monkeypatch.setattr(skrnn._keras.feed, "IN_MEMORY_BYTES", 0)
    seen = {}
    fit = keras.Model.fit

    def spy(model, x=None, y=None, **kwargs):
        seen["x"], seen["validation"] = x, kwargs["validation_data"]
        return fit(model, x, y, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy)
    X, y = sequences
    reg = RNNRegressor(
        **FAST, early_stopping=True, validation_fraction=0.25, shuffle=False
    ).fit(X, y)

    def inputs(data):  # arrays, or a PyDataset's batches (one epoch)
        if isinstance(data, keras.utils.PyDataset):
            return np.concatenate([data[i][0] for i in range(len(data))])
        return data[0] if isinstance(data, tuple) else data

    x_train, x_val = inputs(seen["x"]), inputs(seen["validation"])
    assert_allclose(x_val, X[-15:], rtol=1e-6)
    assert_allclose(x_train, X[:45], rtol=1e-6)
    assert reg.best_validation_loss_ >= 0


def test_classifier_string_labels_proba_and_class_weight(sequences):
    X, y = sequences
    labels = np.where(y > 0.8, "high", "low")
    # the recurrent network alone: five epochs are too few for the batch
    # statistics of the convolutional branch to settle
    params = {**FAST, "epochs": 5, "fcn_filters": None}
    clf = RNNClassifier(**params).fit(X, labels)
    proba = clf.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= {"high", "low"}
    weighted = RNNClassifier(**params, class_weight={"high": 20.0, "low": 1.0}).fit(
        X, labels
    )
    high = list(clf.classes_).index("high")
    # up-weighting a class raises its predicted probability
    assert weighted.predict_proba(X)[:, high].mean() > proba[:, high].mean()


def test_pandas_2d_input_is_univariate_sequences(sequences):
    X, y = sequences
    frame = pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(5)])
    reg = RNNRegressor(**FAST).fit(frame, y)
    assert reg.input_shape_ == (5, 1)
    assert list(reg.feature_names_in_) == list(frame.columns)
    assert_array_equal(reg.predict(frame), reg.predict(X[:, :, :1]))


def test_diverging_training_raises_and_leaves_estimator_unfitted(sequences):
    X, y = sequences
    reg = RNNRegressor(
        units=4,
        epochs=3,
        optimizer="sgd",
        learning_rate=1e30,
        random_state=0,
        scale_target=False,
    )
    with pytest.raises(ValueError, match="Training diverged"):
        reg.fit(X, y * 1e20)
    with pytest.raises(NotFittedError):
        reg.predict(X)


def test_predict_before_fit_raises_not_fitted(sequences):
    X, _ = sequences
    for est in (RNNRegressor(), RNNClassifier()):
        with pytest.raises(NotFittedError):
            est.predict(X)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5, 2))
    y = X[:, -1, 0]
    return (
        RNNRegressor(**FAST).fit(X, y),
        RNNRegressor(**FAST).fit(X[:, :, 0], y),
        RNNClassifier(**FAST).fit(X, y > 0),
    )


BAD_FIT = [
    ("nan", lambda X, y: (np.where(X > 2, np.nan, X), y), "NaN"),
    ("inf", lambda X, y: (np.where(X > 2, np.inf, X), y), "infinity"),
    ("y nan", lambda X, y: (X, np.where(y > 1, np.nan, y)), "NaN"),
    ("1-D X", lambda X, y: (X[:, 0, 0], y), "Expected 2D array"),
    ("4-D X", lambda X, y: (X[..., None], y), "got a 4-D array"),
    ("empty X", lambda X, y: (X[:0], y[:0]), "0 sample"),
    ("zero steps", lambda X, y: (X[:, :0, :], y), "at least one time step"),
    ("strings", lambda X, y: (np.full(X.shape, "a", dtype=object), y), "string"),
    ("y too short", lambda X, y: (X, y[:-1]), "inconsistent numbers of samples"),
]


@pytest.mark.parametrize("name, make, match", BAD_FIT, ids=[c[0] for c in BAD_FIT])
def test_bad_training_data_raises_clear_error(sequences, name, make, match):
    X, y = sequences
    X_bad, y_bad = make(X, y)
    X_before = np.array(X_bad, copy=True)
    with pytest.raises(ValueError, match=match):
        RNNRegressor(**FAST).fit(X_bad, y_bad)
    # nothing the user passed in is modified
    np.testing.assert_array_equal(np.asarray(X_bad), X_before)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"units": 0}, "units"),
        ({"units": ()}, "units must be a positive int or a non-empty tuple"),
        ({"units": (4, 0)}, "units must contain positive ints"),
        ({"cell": "transformer"}, "cell"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": -0.1}, "dropout"),
        ({"optimizer": "adamx"}, "optimizer"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"epochs": 0}, "epochs"),
        ({"dense_units": (3, -1)}, "dense_units"),
    ],
)
def test_bad_hyperparameters_name_the_parameter(sequences, params, match):
    X, y = sequences
    with pytest.raises(ValueError, match=match):
        RNNRegressor(**{**FAST, **params}).fit(X, y)


def test_predict_checks_shapes(fitted):
    reg3d, reg2d, clf = fitted
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="X has 3 features per time step"):
        reg3d.predict(rng.normal(size=(4, 5, 3)))
    with pytest.raises(ValueError, match="X has 6 time steps"):
        reg3d.predict(rng.normal(size=(4, 6, 2)))
    with pytest.raises(ValueError, match="X has 4 features, but RNNRegressor"):
        reg2d.predict(rng.normal(size=(4, 4)))
    with pytest.raises(ValueError, match="X has 3 features per time step"):
        clf.predict_proba(rng.normal(size=(4, 5, 3)))


def test_single_class_is_refused(sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="at least 2 classes"):
        RNNClassifier(**FAST).fit(X, np.full(len(X), "only"))
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier(**FAST).fit(X, np.linspace(0, 1, len(X)))


# -- the compiled forward pass of predict ----------------------------------------


def _backend():
    from skrnn._keras.backend import get_keras

    return get_keras().backend.backend()


def _keras_path(reg, X):
    """``reg.predict(X)`` through Keras's own ``predict_on_batch``."""
    object.__setattr__(reg.model_, "_skrnn_forward", False)
    try:
        return reg.predict(X)
    finally:
        del reg.model_.__dict__["_skrnn_forward"]


def test_the_tests_keep_what_jax_compiles_and_nothing_else_does(tmp_path):
    # conftest.py asks for JAX's persistent compilation cache: on JAX the
    # run's models compile into it, and on any other backend nothing is set
    from skrnn._keras.backend import use_jax_compilation_cache

    if _backend() != "jax":
        assert not use_jax_compilation_cache(tmp_path)
        assert not any(tmp_path.iterdir())
        return
    import jax

    directory = jax.config.jax_compilation_cache_dir
    assert not use_jax_compilation_cache(tmp_path)  # the cache chosen stays
    assert jax.config.jax_compilation_cache_dir == directory
    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        # the caller's cache, at JAX's own threshold: a tiny fit may write nothing
        assert directory == os.environ["JAX_COMPILATION_CACHE_DIR"]
        return
    assert Path(directory).name == ".jax_cache"
    if not jax.config.jax_enable_compilation_cache:
        pytest.skip("JAX's compilation cache is switched off in this environment")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 7, 3))
    RNNRegressor(**{**FAST, "units": 5}).fit(X, X[:, -1, 0])
    assert any(Path(directory).iterdir())


def test_predict_reads_the_model_as_it_is_now():
    # on JAX predict calls its own compiled function, given the current
    # weights on every call; elsewhere Keras's predict_on_batch: either way,
    # the outputs of the model as it is now
    from skrnn._keras.forward import compiled_forward

    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 6, 2))
    y = X[:, -1, 0] + X[:, 0, 1]
    reg = RNNRegressor(**FAST).fit(X, y)
    first = reg.predict(X[:3])
    assert (compiled_forward(reg.model_) is not None) == (_backend() == "jax")
    assert_allclose(first, _keras_path(reg, X[:3]), rtol=1e-5, atol=1e-6)
    reg.partial_fit(X, y)  # new weights, the same compiled function
    after = reg.predict(X[:3])
    assert not np.allclose(after, first)
    assert_allclose(after, _keras_path(reg, X[:3]), rtol=1e-5, atol=1e-6)
    # a copy is a model of its own, with its own compiled function
    copy = pickle.loads(pickle.dumps(reg))
    assert_allclose(copy.predict(X[:3]), after, rtol=1e-5, atol=1e-6)
