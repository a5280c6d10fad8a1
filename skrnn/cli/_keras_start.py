"""Starting Keras for a command: which backend, its devices, its noise."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


def _configured_backend() -> str | None:
    """The backend in Keras's config file, when there is one."""
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    try:
        with open(os.path.join(home, "keras.json")) as file:
            backend = json.load(file).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return backend if isinstance(backend, str) else None


# Training steps per fit from which JAX's cheaper steps repay its costlier
# compile. Measured on 2 cores by benchmarks/backend_steps.py (RNNForecaster's
# network, 120 airline-sized windows, batch 16): a JAX fit costs about 4.0 s
# more CPU to build and compile than a TensorFlow one, each step about 13 ms
# less; the lines cross at 297 steps (202 in wall time).
JAX_MIN_STEPS = 300


def _backend_choice(
    environ: dict,
    *,
    keras_imported: bool,
    jax_installed: bool,
    configured: Any,
    steps_per_fit: float | None = None,
    networks: int = 1,
) -> tuple[str | None, str]:
    """Decide the Keras backend of this process: ``(backend to set, why)``.

    The user's choice wins: ``KERAS_BACKEND``, or a backend other than the
    default written in ``keras.json`` (Keras writes ``"tensorflow"`` there on
    first import, so that value says nothing about the user). Otherwise jax,
    when installed, is chosen when the fits are long enough: its training
    steps cost the least on CPU, but each new model pays a longer compile,
    so for fits of fewer than ``JAX_MIN_STEPS`` training steps
    (``steps_per_fit``, None: unknown, taken as long) TensorFlow is as fast
    and costs less CPU. ``networks`` of one architecture and shapes compile
    once between them (the command caches what JAX compiles,
    :func:`_private_compilation_cache`): their steps count together. Nothing
    can change once Keras is imported.
    """
    if environ.get("KERAS_BACKEND"):
        return None, "set by KERAS_BACKEND"
    if keras_imported:
        return None, "Keras was already imported"
    if configured and configured != "tensorflow":
        return None, "set in keras.json"
    if not jax_installed:
        return None, "Keras's default; with jax installed skrnn would choose jax"
    if steps_per_fit is not None and steps_per_fit * networks < JAX_MIN_STEPS:
        shared = f", {networks} networks alike" if networks > 1 else ""
        return None, (
            f"Keras's default: these fits are short (about {steps_per_fit:.0f} "
            f"training steps each{shared}), where compiling on jax costs "
            "more than its faster steps save. Set KERAS_BACKEND to choose"
        )
    long = (
        "the fits are long"
        if networks == 1
        else f"{networks} networks alike share one compile"
    )
    return "jax", (
        f"chosen by skrnn: KERAS_BACKEND is not set, jax is installed and {long}, "
        "where jax's training steps are the fastest on CPU. Set KERAS_BACKEND "
        "to choose another"
    )


@contextmanager
def _quiet_native_stderr():
    """Send what C++ code writes to file descriptor 2 to /dev/null for a block.

    TensorFlow 2.21 writes "Could not find cuda drivers" and "failed call to
    cuInit" before its logging is initialised, so ``TF_CPP_MIN_LOG_LEVEL``
    does not hide them. A user who sets ``TF_CPP_MIN_LOG_LEVEL`` to 0 or 1
    asked for them and sees them. Python errors are raised after the block
    and printed as usual.
    """
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") in ("0", "1"):
        yield
        return
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2: nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _initialise_devices(backend: str) -> None:
    """Let the backend look for its devices now (inside the quiet block)."""
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.list_physical_devices()
    elif backend == "jax":
        import jax

        jax.devices()


def _private_compilation_cache() -> bool:
    """On JAX, keep what this process compiles in a folder of its own.

    A command fits many networks of one architecture and shapes (the
    ensemble's members, the calibration copies, the folds of a comparison):
    with JAX's compilation cache each compiles once and the next loads it.
    The folder is new and is removed when the process exits, so nothing
    compiled by another process is ever loaded and nothing is left behind.
    A cache the user chose (``JAX_COMPILATION_CACHE_DIR``) is kept.

    Returns
    -------
    used : bool
        Whether this process now caches in a folder of its own.
    """
    import atexit
    import shutil
    import tempfile

    from skrnn._keras.backend import use_jax_compilation_cache

    folder = tempfile.mkdtemp(prefix="skrnn-jax-cache-")
    if not use_jax_compilation_cache(folder):
        os.rmdir(folder)
        return False
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return True


def _start_keras(steps_per_fit: float | None = None, networks: int = 1) -> str:
    """Choose the backend, import Keras, and return a line saying which it is.

    ``steps_per_fit`` (training steps of a typical fit) lets short fits stay
    on TensorFlow, unless ``networks`` alike share their compile; see
    :func:`_backend_choice`.
    """
    new, why = _backend_choice(
        os.environ,
        keras_imported="keras" in sys.modules,
        jax_installed=all(
            importlib.util.find_spec(name) is not None for name in ("jax", "jaxlib")
        ),
        configured=_configured_backend(),
        steps_per_fit=steps_per_fit,
        networks=networks,
    )
    if new is not None:
        os.environ["KERAS_BACKEND"] = new
    from skrnn._keras.backend import get_keras

    # the command owns its process: TensorFlow's and XLA's start-up messages
    # (CUDA probing on a machine without a GPU) say nothing to its user
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _quiet_native_stderr():
        keras = get_keras()
        backend = keras.backend.backend()
        _initialise_devices(backend)
    if backend == "jax":
        _private_compilation_cache()
    # every fit builds a new model, and so new tf.functions: TensorFlow's
    # "excessive retracing" warnings are expected here and say nothing useful
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return f"Keras backend: {backend} ({why})"


# -- data -----------------------------------------------------------------------
