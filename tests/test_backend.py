"""Backend workarounds that must keep working when a backend is upgraded."""

import sys

import numpy as np
import pytest
from conftest import FAST

import skrnn._keras.backend
from skrnn import RNNRegressor
from skrnn._keras.backend import get_keras


@pytest.mark.slow
def test_tensorflow_registry_clean_up_releases_what_a_fit_registers(sequences):
    """Fails when the clean-up finds nothing: TensorFlow changed its registry.

    Then every fit keeps its traced training step alive again (about 12 MB a
    fit of a tiny LSTM, without bound); see ``releasing_traced_gradients``.
    """
    if get_keras().backend.backend() != "tensorflow":
        pytest.skip("only TensorFlow registers gradients process-wide")
    from tensorflow.python.framework import ops

    X, y = sequences
    RNNRegressor(**FAST).fit(X, y)  # the first trace of the process
    registry = ops._gradient_registry._registry
    size, released = len(registry), skrnn._keras.backend.released_gradients
    RNNRegressor(**FAST).fit(X, y)
    assert skrnn._keras.backend.released_gradients > released
    assert len(registry) == size  # nothing left behind by the second fit
    assert np.isfinite(RNNRegressor(**FAST).fit(X, y).predict(X[:2])).all()


def test_a_fit_traces_its_training_step_once_on_tensorflow(sequences, monkeypatch):
    """Fails when the optimizer's slots are created inside the first step again.

    TensorFlow then traces the step a second time once they exist
    (tensorflow/tensorflow#48851): on a short fit most of its time.
    """
    keras = get_keras()
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the other backends do not trace through tf.function")
    traces = []
    train_step = keras.Model.train_step

    def counting(self, data):
        traces.append(1)
        return train_step(self, data)

    monkeypatch.setattr(keras.Model, "train_step", counting)
    X, y = sequences
    reg = RNNRegressor(**{**FAST, "epochs": 3}).fit(X, y)
    assert len(traces) == 1
    assert reg.model_.optimizer.built


def test_other_threads_drawing_from_random_do_not_change_a_fit(sequences):
    """A Dask worker's event loop draws from ``random`` while a task fits.

    Keras seeds each layer from Python's global ``random``; before
    ``own_layer_seeds`` another thread's draws changed the initial weights.
    """
    import random
    import threading

    X, y = sequences
    params = {**FAST, "epochs": 1, "dropout": 0.2}
    expected = RNNRegressor(**params).fit(X, y).model_.get_weights()
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=draw)
    thread.start()
    try:
        got = RNNRegressor(**params).fit(X, y).model_.get_weights()
    finally:
        stop.set()
        thread.join()
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_layer_seeds_go_back_to_the_random_module_outside_a_fit():
    from keras.src.random import seed_generator

    with skrnn._keras.backend.own_layer_seeds(3):
        first = seed_generator.make_default_seed()
    with skrnn._keras.backend.own_layer_seeds(3):
        assert seed_generator.make_default_seed() == first
    assert getattr(skrnn._keras.backend._LAYER_SEEDS.local, "rng", None) is None


def _has_module(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _run(code, backend):
    import os
    import subprocess
    import sys

    environ = {**os.environ, "KERAS_BACKEND": backend}
    environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ
    )


@pytest.mark.skipif(not _has_module("jax"), reason="needs jax")
def test_the_library_leaves_logging_alone_on_jax():
    # as Keras itself leaves it (JAX sets TF_CPP_MIN_LOG_LEVEL=1 on import)
    show = "import os; print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))"
    plain = _run(f"import keras; {show}", "jax")
    start = "from skrnn._keras.backend import get_keras; get_keras()"
    ours = _run(f"{start}; {show}", "jax")
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == plain.stdout


def test_tensorflow_logs_errors_only_unless_the_user_set_the_level(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    environ = {"KERAS_BACKEND": "tensorflow"}
    skrnn._keras.backend.quiet_tensorflow(environ)
    assert environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
    environ = {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "0"}
    skrnn._keras.backend.quiet_tensorflow(environ)
    assert environ["TF_CPP_MIN_LOG_LEVEL"] == "0"
    environ = {"KERAS_BACKEND": "jax"}
    skrnn._keras.backend.quiet_tensorflow(environ)
    assert "TF_CPP_MIN_LOG_LEVEL" not in environ


@pytest.mark.slow  # a fresh process starting TensorFlow and fitting six times
@pytest.mark.skipif(not _has_module("tensorflow"), reason="needs tensorflow")
def test_six_fits_in_one_process_are_quiet_on_tensorflow():
    code = (
        "import numpy as np; from skrnn import RNNRegressor\n"
        "X = np.random.default_rng(0).normal(size=(40, 5, 1)); y = X.sum(axis=(1, 2))\n"
        "for seed in range(6):\n"
        "    model = RNNRegressor(units=4, epochs=2, random_state=seed).fit(X, y)\n"
        "    model.predict(X); model.predict(X[:7])\n"
        "import os; print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))\n"
    )
    result = _run(code, "tensorflow")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"
    assert "retracing" not in result.stderr
    assert "This TensorFlow binary is optimized" not in result.stderr


def _has(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


@pytest.mark.slow
@pytest.mark.skipif(not _has("jax"), reason="needs jax")
def test_a_jax_fit_does_not_import_tensorflow():
    """keras.utils.set_random_seed imports TensorFlow on every backend.

    Seconds of start-up and its CUDA-probing lines in a JAX process, for a
    seed nothing uses; skrnn's seeding skips it, and TensorFlow can still be
    imported afterwards.
    """
    code = (
        "import sys, numpy as np; from skrnn import RNNRegressor; "
        "X = np.random.default_rng(0).normal(size=(20, 4, 1)); "
        "p = [RNNRegressor(units=2, epochs=1, random_state=0).fit(X, X[:, -1, 0])"
        ".predict(X[:2]) for _ in range(2)]; "
        "print('tf imported:', 'tensorflow' in sys.modules); "
        "print('same:', bool((p[0] == p[1]).all())); "
        "from keras.src.utils.module_utils import tensorflow as tf; "
        "print('tf available after:', tf.available == _tf_installed)"
    ).replace("_tf_installed", str(_has("tensorflow")))
    result = _run(code, "jax")
    assert result.returncode == 0, result.stderr
    assert "tf imported: False" in result.stdout
    assert "same: True" in result.stdout
    assert "tf available after: True" in result.stdout
