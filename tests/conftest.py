"""Shared fixtures: tiny data, and settings that keep networks small and fast."""

import os
from pathlib import Path

import numpy as np
import pytest

from skrnn._keras.backend import use_jax_compilation_cache

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# on JAX, the many small models of the same shapes compile once for the run
use_jax_compilation_cache(Path(__file__).resolve().parent.parent / ".jax_cache")

# Small networks and few epochs: unit tests check behaviour, not accuracy.
FAST = {"units": 4, "epochs": 2, "batch_size": 16, "random_state": 0}


def pytest_xdist_auto_num_workers(config):
    """Workers for ``-n auto``: one per core this process may use, at most four.

    Each worker imports Keras and its backend (several hundred MB), so a
    machine with many cores would otherwise spend its memory on idle imports.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


@pytest.fixture
def sequences():
    """60 multivariate sequences of 5 steps and 2 features, and a target."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5, 2))
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


@pytest.fixture
def series():
    """A noisy seasonal series of 80 steps, shape (80, 1)."""
    rng = np.random.default_rng(1)
    t = np.arange(80)
    return (np.sin(2 * np.pi * t / 12) + 0.1 * rng.normal(size=80)).reshape(-1, 1)
