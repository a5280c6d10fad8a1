"""Native save and load of the recurrent estimators: one zip file per estimator.

The file (``.skrnn`` by convention) is a zip archive holding

- ``skrnn.json``: what the file is (format, version, estimator class) and the
  versions and Keras backend it was written with, readable without loading
  anything;
- ``model.keras``: the fitted ``model_`` in Keras's native format (weights,
  architecture and optimizer state), absent for an unfitted estimator;
- ``estimator.pkl``: everything else, pickled: the hyperparameters and the
  fitted attributes (``classes_``, scaling statistics, ``history_``...).

Keeping the network in Keras's own format, rather than in the pickle, means
the weights are written by Keras's supported serialiser and can be read by
Keras alone (``keras.saving.load_model`` on the extracted ``model.keras``),
under any backend.
"""

import contextlib
import importlib
import io
import json
import os
import pickle
import secrets
import tempfile
import zipfile

from skrnn._keras.backend import get_keras

FORMAT = "skrnn"
# Bump when the layout changes; load refuses files from a newer layout.
FORMAT_VERSION = 1
_META, _MODEL, _STATE = "skrnn.json", "model.keras", "estimator.pkl"


def _metadata(estimator) -> dict:
    import sklearn

    from skrnn import __version__

    module, name = _public_location(type(estimator))
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "module": module,
        "class": name,
        "fitted": hasattr(estimator, "model_"),
        "skrnn_version": __version__,
        "sklearn_version": sklearn.__version__,
    }
    if meta["fitted"]:
        keras = get_keras()
        meta["keras_version"] = keras.__version__
        meta["backend"] = keras.backend.backend()
    return meta


def _public_location(cls) -> tuple:
    """``(module, name)`` of ``cls``, preferring the public ``skrnn`` namespace."""
    import skrnn

    if getattr(skrnn, cls.__qualname__, None) is cls:
        return "skrnn", cls.__qualname__
    return cls.__module__, cls.__qualname__


def _pickled_state(estimator) -> bytes:
    # BaseEstimator.__getstate__ may hand back __dict__ itself: copy before
    # dropping the model, which is stored by Keras instead.
    state = dict(estimator.__getstate__())
    state.pop("model_", None)
    try:
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise TypeError(
            f"Cannot save {type(estimator).__name__}: part of its state cannot "
            f"be pickled ({exc}). Parameters such as model_fn and callbacks "
            "must be importable objects (module-level functions or classes), "
            "not lambdas or functions defined inside another function."
        ) from exc


def save_estimator(estimator, path) -> None:
    """Write a fitted (or unfitted) estimator to one zip file at ``path``.

    Parameters
    ----------
    estimator : BaseRNN
        The estimator to save; it is not modified.
    path : str, os.PathLike or binary file object
        Where to write. A path is written atomically: the file appears
        complete or not at all, and an existing file is replaced only once
        the new one is fully written.
    """
    meta = _metadata(estimator)
    state = _pickled_state(estimator)
    with tempfile.TemporaryDirectory(prefix="skrnn-save-") as tmp:
        model_file = os.path.join(tmp, _MODEL)
        if meta["fitted"]:
            estimator.model_.save(model_file)
        if isinstance(path, io.IOBase):
            _write_zip(path, meta, state, model_file)
            return
        path = os.fspath(path)
        # next to the target, so that os.replace is an atomic rename; open()
        # rather than mkstemp so that the file gets the user's umask, not 0600
        head, tail = os.path.split(os.path.abspath(path))
        partial = os.path.join(head, f".{tail}.{secrets.token_hex(4)}.partial")
        try:
            with open(partial, "xb") as out:
                _write_zip(out, meta, state, model_file)
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise


def _write_zip(out, meta, state, model_file) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_META, json.dumps(meta, indent=2, sort_keys=True))
        archive.writestr(_STATE, state)
        if meta["fitted"]:
            # already a zip: deflating it again gains nothing
            archive.write(model_file, _MODEL, compress_type=zipfile.ZIP_STORED)


def _read_metadata(archive, path) -> dict:
    try:
        meta = json.loads(archive.read(_META))
    except (KeyError, ValueError) as exc:
        raise ValueError(
            f"{path!r} is not a file written by skrnn's save (no valid {_META})."
        ) from exc
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not a file written by skrnn's save.")
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written by a newer skrnn "
            f"({meta.get('skrnn_version')}, format "
            f"{meta['format_version']}); this skrnn reads format "
            f"{FORMAT_VERSION} at most. Upgrade skrnn to load it."
        )
    return meta


def _saved_class(meta, cls, path):
    try:
        saved = getattr(importlib.import_module(meta["module"]), meta["class"])
    except (ImportError, AttributeError) as exc:
        raise ValueError(
            f"{path!r} holds an estimator of class {meta['module']}."
            f"{meta['class']}, which cannot be imported here: {exc}"
        ) from exc
    if not (isinstance(saved, type) and issubclass(saved, cls)):
        raise ValueError(
            f"{path!r} holds an estimator of class {meta['class']}, not "
            f"{cls.__name__}; load it with {meta['class']}.load."
        )
    return saved


def load_estimator(estimator_class, path, *, custom_objects=None):
    """Read an estimator written by :func:`save_estimator`.

    Parameters
    ----------
    estimator_class : type
        The class ``load`` was called on; the file must hold an instance of
        it or of a subclass.
    path : str, os.PathLike or binary file object
        The file to read.
    custom_objects : dict, default=None
        Passed to ``keras.saving.load_model``, for models built by a
        ``model_fn`` with custom layers that are not registered with
        ``keras.saving.register_keras_serializable``.

    Returns
    -------
    BaseRNN
        An instance of the saved class, with the same parameters and fitted
        attributes.
    """
    with contextlib.ExitStack() as stack:
        if isinstance(path, io.IOBase):
            source = path
        else:
            # opened here so that a missing file is a FileNotFoundError, as usual
            source = stack.enter_context(open(os.fspath(path), "rb"))
        if not zipfile.is_zipfile(source):
            raise ValueError(f"{path!r} is not a file written by skrnn's save.")
        archive = stack.enter_context(zipfile.ZipFile(source))
        meta = _read_metadata(archive, path)
        saved = _saved_class(meta, estimator_class, path)
        # the pickle is trusted as much as the file itself (see Notes of load)
        state = pickle.loads(archive.read(_STATE))
        model = None
        if meta["fitted"]:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="skrnn-"))
            model = get_keras().saving.load_model(
                archive.extract(_MODEL, tmp), custom_objects=custom_objects
            )
    estimator = saved.__new__(saved)
    estimator.__setstate__(state)
    if model is not None:
        estimator.model_ = model
    return estimator
