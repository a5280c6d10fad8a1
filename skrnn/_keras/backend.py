"""Lazy access to Keras, seeding, and the backend workarounds training needs."""

import json
import logging
import os
import random
import sys
import threading
from contextlib import contextmanager

import numpy as np


def get_keras():
    """Import Keras on first use and return the module.

    The backend's thread pools are sized to ``OMP_NUM_THREADS`` when it is
    set (see :func:`limit_threads`). On TensorFlow, its C++ log is kept to
    errors unless the caller set ``TF_CPP_MIN_LOG_LEVEL`` (see
    :func:`quiet_tensorflow`), and the retracing warnings that every new
    model's compiled functions raise are filtered out.
    """
    if "keras" not in sys.modules:
        limit_threads(os.environ)
        quiet_tensorflow(os.environ)
    import keras

    if keras.backend.backend() == "tensorflow":
        _filter_retracing_warnings()
    return keras


def _backend_to_import(environ) -> str:
    """The backend Keras will import: KERAS_BACKEND, its config file, tensorflow."""
    if environ.get("KERAS_BACKEND"):
        return environ["KERAS_BACKEND"]
    home = environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as file:
            backend = json.load(file).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    return backend if isinstance(backend, str) else "tensorflow"


def quiet_tensorflow(environ) -> None:
    """Keep TensorFlow's C++ log to errors, unless the user set its level.

    Before TensorFlow is imported as the Keras backend, ``TF_CPP_MIN_LOG_LEVEL``
    is set to ``"2"`` (errors only) when unset: the start-up lines about CPU
    instructions and oneDNN's round-off say nothing to a user of skrnn. The
    lines TensorFlow writes before its logging starts ("Could not find cuda
    drivers") are not affected. Other backends are left alone.

    Parameters
    ----------
    environ : mutable mapping
        The process environment (``os.environ``).
    """
    if "tensorflow" in sys.modules or _backend_to_import(environ) != "tensorflow":
        return
    environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class _NoRetracingWarnings(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warnings.

    Each fit builds a new Keras model, whose predict and train functions are
    traced once for it (twice when batch sizes differ); TensorFlow counts the
    traces of the same code across models and warns of excessive retracing,
    which is expected here and says nothing useful.
    """

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


def _filter_retracing_warnings() -> None:
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _NoRetracingWarnings) for f in logger.filters):
        logger.addFilter(_NoRetracingWarnings())


def limit_threads(environ) -> None:
    """Size the Keras backend's thread pools to ``OMP_NUM_THREADS``, if set.

    joblib's process workers (``n_jobs`` in scikit-learn) and Dask's worker
    processes set ``OMP_NUM_THREADS`` to their share of the cores, which
    numpy's BLAS and PyTorch obey, but TensorFlow and XLA (JAX) size their
    own pools to every core of the machine: two workers on two cores would
    each run on both, and slow each other down. Before the backend is
    imported, its own variables are set to the same share, unless the user
    has set them. Nothing changes when ``OMP_NUM_THREADS`` is unset, as in
    an ordinary session.

    Parameters
    ----------
    environ : mutable mapping
        The process environment (``os.environ``).
    """
    threads = environ.get("OMP_NUM_THREADS", "")
    if not threads.isdigit() or int(threads) < 1:
        return
    environ.setdefault("TF_NUM_INTRAOP_THREADS", threads)
    environ.setdefault("TF_NUM_INTEROP_THREADS", threads)
    flags = environ.get("XLA_FLAGS", "")
    if int(threads) == 1 and "multi_thread_eigen" not in flags:
        # XLA's CPU client has no pool-size flag; one thread is its off switch
        environ["XLA_FLAGS"] = (
            f"{flags} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        ).strip()


def use_jax_compilation_cache(directory) -> bool:
    """Keep what JAX compiles in ``directory``, for every later model alike.

    On JAX each new Keras model compiles its training and prediction steps
    again, about 3 s of a small fit on a CPU; with JAX's persistent
    compilation cache a model of the same architecture and shapes (another
    calibration copy, another test, another fold of a search) loads them
    instead: a fit of RNNForecaster's network on airline-sized windows took
    0.6-1.1 s rather than 3.7-4.1 s. The compiled programs are the same,
    so are the results (two fits' predictions were equal to the bit
    without the cache, with it empty and with it filled). Nothing is set
    when the process's backend is not JAX or the caller chose a cache
    already (``JAX_COMPILATION_CACHE_DIR`` or ``jax.config``). The
    estimators never call this (a process-wide setting is the user's); the
    test suite, the documentation build and the ``skrnn`` command (in a
    folder of its own, removed at exit) do.

    Returns
    -------
    used : bool
        Whether the cache was set to ``directory``.
    """
    if _backend_to_import(os.environ) != "jax":
        return False
    import jax

    if jax.config.jax_compilation_cache_dir:
        return False
    jax.config.update("jax_compilation_cache_dir", str(directory))
    # a small model's programs compile in well under JAX's 1 s threshold
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    return True


def keras_slices_arrays() -> bool:
    """Whether small in-memory arrays go to Keras's ``fit`` as they are.

    True on JAX and PyTorch, whose array adapters slice numpy arrays with
    no per-epoch set-up. False on TensorFlow, which builds a ``tf.data``
    iterator every epoch (about 10 ms): there one endless stream of batches
    serves the whole fit (see :func:`~skrnn._keras.feed.window_batches`).
    """
    return get_keras().backend.backend() != "tensorflow"


def predict_writes_state() -> bool:
    """Whether every ``predict_on_batch`` writes the model's state back (JAX)."""
    return get_keras().backend.backend() == "jax"


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


_STOP_ON_NON_FINITE_LOSS = None


def stop_on_non_finite_loss():
    """A Keras callback that stops training after an epoch with a non-finite loss.

    Keras's own ``TerminateOnNaN`` prints to stdout even with ``verbose=0``;
    this one stays silent and lets the estimator say what happened. It looks
    at the epoch's loss, not at every batch's: a NaN batch makes the epoch's
    mean NaN too, and a per-batch hook would make Keras wait for every step
    before dispatching the next (it turns off asynchronous dispatch, 5% of a
    JAX epoch).
    """
    global _STOP_ON_NON_FINITE_LOSS
    if _STOP_ON_NON_FINITE_LOSS is None:
        keras = get_keras()

        class StopOnNonFiniteLoss(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                loss = (logs or {}).get("loss")
                if loss is not None and not np.isfinite(float(loss)):
                    self.model.stop_training = True

        _STOP_ON_NON_FINITE_LOSS = StopOnNonFiniteLoss
    return _STOP_ON_NON_FINITE_LOSS()


def set_random_seed(keras, seed: int) -> None:
    """``keras.utils.set_random_seed``, without importing TensorFlow to do it.

    Keras's function also seeds ``tf.random`` whenever TensorFlow is
    installed, importing it on the JAX and PyTorch backends too: seconds of
    start-up and TensorFlow's CUDA-probing messages, for a seed that no skrnn
    fit on those backends uses (skrnn feeds no ``tf.data`` pipeline). Unless
    TensorFlow is the backend or already imported, the import is refused for
    the duration of the call; Keras's lazy handle on TensorFlow is then reset,
    so that a later import by the user still works.
    """
    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    sys.modules["tensorflow"] = None  # importing it raises ImportError
    try:
        keras.utils.set_random_seed(seed)
    finally:
        if sys.modules.get("tensorflow", 0) is None:
            del sys.modules["tensorflow"]
        lazy = getattr(
            sys.modules.get("keras.src.utils.module_utils"), "tensorflow", None
        )
        if getattr(lazy, "module", 1) is None:
            lazy._available = None  # "not looked for yet", as before the call


@contextmanager
def seeded(seed: int):
    """Seed Keras, Python and numpy for a block, then restore the caller's state.

    ``keras.utils.set_random_seed`` is the only seeding that makes fits
    bitwise reproducible on every backend (it also fixes shuffling), but it
    reseeds the global ``random`` and ``numpy.random`` generators too.

    The block is where a model is built and trained, so it also releases what
    TensorFlow would otherwise keep of the traced training step for the life
    of the process (see :func:`releasing_traced_gradients`).

    Parameters
    ----------
    seed : int
        Seed for Keras, and for Python's and numpy's generators in the block.

    Yields
    ------
    None
    """
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 (the caller's global state)
    set_random_seed(get_keras(), seed)
    try:
        with own_layer_seeds(seed), releasing_traced_gradients():
            yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


class _ThreadLayerSeeds:
    """Stands in for the ``random`` module where Keras draws layers' seeds.

    Keras gives each layer built without a seed (initializers, dropout) one
    drawn from Python's global ``random`` generator, which every thread of
    the process shares. Any other thread that draws from it between
    ``set_random_seed`` and the model's build changes the weights: a Dask
    worker's event loop does (its timers draw jitter), which made fits run
    as Dask tasks differ from the same fits run serially. Inside
    :func:`own_layer_seeds`, the seeds come from a generator of the
    fitting thread's own; elsewhere, from the ``random`` module as before.
    """

    def __init__(self):
        self.local = threading.local()

    def randint(self, a, b):
        return (getattr(self.local, "rng", None) or random).randint(a, b)


_LAYER_SEEDS = _ThreadLayerSeeds()


@contextmanager
def own_layer_seeds(seed: int):
    """Draw Keras's default layer seeds from this thread's generator, seeded.

    A no-op on a Keras whose seed generator no longer reads
    ``python_random`` (the name is checked, not assumed).
    """
    from keras.src.random import seed_generator

    if getattr(seed_generator, "python_random", None) not in (random, _LAYER_SEEDS):
        yield
        return
    seed_generator.python_random = _LAYER_SEEDS
    previous = getattr(_LAYER_SEEDS.local, "rng", None)
    _LAYER_SEEDS.local.rng = random.Random(seed)
    try:
        yield
    finally:
        _LAYER_SEEDS.local.rng = previous


def _is_all_reduce_gradient(entry) -> bool:
    """Whether a gradient-registry entry is the one ``all_reduce`` registers.

    The entry's function closes over ``tape_grad_fn``, which closes over the
    user-level ``grad_fn``; for ``ReplicaContext.all_reduce`` that is a lambda
    defined in ``all_reduce``. Anything unexpected reads as "no", so that a
    change in TensorFlow's internals can only stop the clean-up, never remove
    someone else's gradient.
    """
    try:
        fn = entry["type"]
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__, strict=True))
        tape_fn = cells["tape_grad_fn"].cell_contents
        tape_cells = dict(
            zip(tape_fn.__code__.co_freevars, tape_fn.__closure__, strict=True)
        )
        return ".all_reduce." in tape_cells["grad_fn"].cell_contents.__qualname__
    except (AttributeError, KeyError, TypeError, ValueError):
        return False


# How many gradient-registry entries have been released in this process: a
# test checks that a TensorFlow fit releases some, so that a TensorFlow
# release that changes the registry cannot turn the clean-up off unnoticed.
released_gradients = 0


@contextmanager
def releasing_traced_gradients():
    """Forget the gradient functions TensorFlow registers while tracing training.

    Keras's TensorFlow optimizer sums gradients across replicas with
    ``ReplicaContext.all_reduce``, a ``tf.custom_gradient``; traced into a
    graph, that registers a gradient function under a fresh name in
    TensorFlow's process-wide gradient registry, and never removes it. The
    function holds tensors of the traced training step, so every trace (one
    or two per ``fit``) kept its whole graph alive: 11 to 14 MB per fit of a
    tiny LSTM, without bound, in a grid search's loop of fits.

    Those gradient functions are only consulted while differentiating
    *through* the optimizer's update, which training never does, so the ones
    added during the block are dropped when it ends. The registry is read
    and edited only by name, and only for ``all_reduce`` entries added in the
    block, so gradients other code registered (its own
    ``tf.custom_gradient``) are left alone, even from other threads.
    Backends other than TensorFlow need nothing.

    Yields
    ------
    None
    """
    if get_keras().backend.backend() != "tensorflow":
        yield
        return
    from tensorflow.python.framework import ops

    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    if not isinstance(registry, dict):  # TensorFlow changed: nothing to release
        yield
        return
    global released_gradients
    before = set(registry)
    try:
        yield
    finally:
        for name in set(registry) - before:
            entry = registry.get(name)
            if name.startswith("CustomGradient-") and _is_all_reduce_gradient(entry):
                if registry.pop(name, None) is not None:
                    released_gradients += 1
