"""Backend workarounds that must keep working when a backend is upgraded."""

import numpy as np
import pytest
from conftest import FAST

import skrnn._backend
from skrnn import RNNRegressor
from skrnn._backend import get_keras


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
    size, released = len(registry), skrnn._backend.released_gradients
    RNNRegressor(**FAST).fit(X, y)
    assert skrnn._backend.released_gradients > released
    assert len(registry) == size  # nothing left behind by the second fit
    assert np.isfinite(RNNRegressor(**FAST).fit(X, y).predict(X[:2])).all()


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

    with skrnn._backend.own_layer_seeds(3):
        first = seed_generator.make_default_seed()
    with skrnn._backend.own_layer_seeds(3):
        assert seed_generator.make_default_seed() == first
    assert getattr(skrnn._backend._LAYER_SEEDS.local, "rng", None) is None
