"""Lazy access to Keras, so that ``import skrnn`` stays cheap."""

import os
import random
from contextlib import contextmanager

import numpy as np


def get_keras():
    """Import Keras on first use and return the module.

    TensorFlow's C++ start-up chatter is silenced unless the user has set
    ``TF_CPP_MIN_LOG_LEVEL`` themselves.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


def draw_seed(random_state) -> int:
    """Turn a scikit-learn ``random_state`` into an integer seed for Keras.

    ``None`` draws fresh entropy from the operating system rather than from
    numpy's global generator, so fitting never consumes the caller's stream.
    """
    if random_state is None:
        return int.from_bytes(os.urandom(4), "little") % (2**31 - 1)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1))
    return int(random_state)


@contextmanager
def seeded(seed: int):
    """Seed Keras, Python and numpy for a block, then restore the caller's state.

    ``keras.utils.set_random_seed`` is the only seeding that makes fits
    bitwise reproducible on every backend (it also fixes shuffling), but it
    reseeds the global ``random`` and ``numpy.random`` generators too.
    """
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 (the caller's global state)
    get_keras().utils.set_random_seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002
