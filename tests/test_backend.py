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
