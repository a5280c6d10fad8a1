"""Native save and load of the estimators: one zip file per estimator, data only.

The file (``.skrnn`` by convention) is a zip archive holding

- ``skrnn.json``: what the file is (format, version, estimator class, whether
  it is fitted) and the versions and Keras backend it was written with,
  readable without loading anything;
- ``state.json``: the estimator's parameters and fitted attributes as JSON,
  every value that is not a plain JSON value tagged with its type (see
  ``skrnn/_keras/persistence_codec.py``);
- ``arrays.npz``: the numpy arrays those attributes hold, read with
  ``allow_pickle=False``;
- ``models/0.keras``, ``models/1.keras``...: each Keras network (the
  estimator's ``model_``, a forecaster's ``estimator_.model_``) in Keras's
  native format, read with ``safe_mode=True``.

No member is a pickle, and loading a file imports nothing that the file
names unless the caller allows it: skrnn's own classes are rebuilt from
their data, and so is the Ridge regression that ``WindowForecaster`` uses by
default; any other class or function the file names (a ``model_fn``, a
user's scikit-learn estimator) is only imported when the caller passes it
(``custom_objects``) or trusts it (``trusted=[import path, ...]`` or
``trusted=True``).

Format 1 held the estimator as a pickle (``estimator.pkl``): such files load
only with ``trusted=True``, since unpickling runs whatever the file says.
"""

import contextlib
import io
import json
import os
import pickle
import re
import secrets
import tempfile
import zipfile
import zlib

import numpy as np

from skrnn._keras.backend import get_keras
from skrnn._keras.persistence_codec import (
    Decoder,
    EncodeError,
    Encoder,
    build,
    current_module,
    public_path,
    references,
    resolve,
)

FORMAT = "skrnn"
# Bump when the layout changes; load refuses files from a newer layout.
# 1: estimator.pkl + model.keras (a pickle: loads only with trusted=True).
# 2: state.json + arrays.npz + models/N.keras (data only).
FORMAT_VERSION = 2
_META, _STATE, _ARRAYS = "skrnn.json", "state.json", "arrays.npz"
_LEGACY_STATE, _LEGACY_MODEL = "estimator.pkl", "model.keras"
_MODEL_MEMBER = re.compile(r"models/(0|[1-9][0-9]{0,5})\.keras")

# Classes outside skrnn that a file may name and that load rebuilds without
# being trusted: the regression WindowForecaster fits by default. Rebuilding
# one sets its attributes from the file's data; nothing of the file runs.
DEFAULT_TRUSTED = frozenset({"sklearn.linear_model._ridge:Ridge"})


def _is_fitted(estimator) -> bool:
    if hasattr(estimator, "__sklearn_is_fitted__"):
        return bool(estimator.__sklearn_is_fitted__())
    return any(k.endswith("_") and not k.startswith("__") for k in vars(estimator))


def _metadata(estimator, models) -> dict:
    import sklearn

    from skrnn import __version__

    module, _, name = public_path(type(estimator)).partition(":")
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "module": module,
        "class": name,
        "fitted": _is_fitted(estimator),
        "skrnn_version": __version__,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
    }
    if models:
        keras = get_keras()
        meta["keras_version"] = keras.__version__
        meta["backend"] = keras.backend.backend()
    return meta


def _encoded_state(estimator):
    """The estimator as ``(document, arrays, models)``; refuses code it cannot name."""
    # BaseEstimator.__getstate__ may hand back __dict__ itself: copy it
    state = dict(estimator.__getstate__())
    encoder = Encoder()
    try:
        # the attributes by name, so that an error names the attribute plainly
        items = [[name, encoder.encode(value, name)] for name, value in state.items()]
    except EncodeError as exc:
        raise TypeError(
            f"Cannot save {type(estimator).__name__}: {exc.where}: {exc.message}"
        ) from exc
    document = {"$": "dict", "items": items}
    return document, encoder.arrays, encoder.models


def save_estimator(estimator, path) -> None:
    """Write a fitted (or unfitted) estimator to one zip file at ``path``.

    Parameters
    ----------
    estimator : BaseEstimator
        The estimator to save; it is not modified.
    path : str, os.PathLike or binary file object
        Where to write. A path is written atomically: the file appears
        complete or not at all, and an existing file is replaced only once
        the new one is fully written.

    Raises
    ------
    TypeError
        If an attribute holds something the format cannot store as data or
        name by import path (a lambda, an instance of an unknown class); the
        message names the attribute.
    """
    document, arrays, models = _encoded_state(estimator)
    meta = _metadata(estimator, models)
    with tempfile.TemporaryDirectory(prefix="skrnn-save-") as tmp:
        model_files = []
        for i, model in enumerate(models):
            model_files.append(os.path.join(tmp, f"{i}.keras"))
            model.save(model_files[-1])
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        members = {
            _META: json.dumps(meta, indent=2, sort_keys=True),
            _STATE: json.dumps(document, allow_nan=False),
            _ARRAYS: buffer.getvalue(),
        }
        if isinstance(path, io.IOBase):
            _write_zip(path, members, model_files)
            return
        path = os.fspath(path)
        # next to the target, so that os.replace is an atomic rename; open()
        # rather than mkstemp so that the file gets the user's umask, not 0600
        head, tail = os.path.split(os.path.abspath(path))
        partial = os.path.join(head, f".{tail}.{secrets.token_hex(4)}.partial")
        try:
            with open(partial, "xb") as out:
                _write_zip(out, members, model_files)
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise


def _write_zip(out, members, model_files) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for i, model_file in enumerate(model_files):
            # already a zip: deflating it again gains nothing
            archive.write(
                model_file, f"models/{i}.keras", compress_type=zipfile.ZIP_STORED
            )


# -- load ------------------------------------------------------------------------


class _FileError(ValueError):
    """A refusal already phrased for the user: passed on as it is."""


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def _damaged(path, exc=None) -> ValueError:
    detail = f" ({exc})" if exc else ""
    return _FileError(
        f"{path!r} is damaged or truncated: it cannot be read as a file "
        f"written by skrnn's save{detail}."
    )


def _read(archive, name, path) -> bytes:
    try:
        return archive.read(name)
    except KeyError as exc:
        raise _FileError(
            f"{path!r} is not a complete file written by skrnn's save: "
            f"{name} is missing."
        ) from exc
    except _READ_ERRORS as exc:
        raise _damaged(path, exc) from exc


def _read_metadata(archive, path) -> dict:
    try:
        meta = json.loads(archive.read(_META))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise _damaged(path, exc) from exc
    except (KeyError, ValueError) as exc:
        raise ValueError(
            f"{path!r} is not a file written by skrnn's save (no valid {_META})."
        ) from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not a file written by skrnn's save.")
    version = meta.get("format_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{path!r} has no valid format_version.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written by a newer skrnn "
            f"({meta.get('skrnn_version')}, format "
            f"{meta['format_version']}); this skrnn reads format "
            f"{FORMAT_VERSION} at most. Upgrade skrnn to load it."
        )
    if not (isinstance(meta.get("module"), str) and isinstance(meta.get("class"), str)):
        raise ValueError(f"{path!r} does not say which class it holds.")
    return meta


def _check_members(archive, meta, path) -> None:
    """Refuse any member the format does not have (``../x``, extra files)."""
    if meta["format_version"] == 1:
        expected = {_META, _LEGACY_STATE, _LEGACY_MODEL}
        unexpected = [n for n in archive.namelist() if n not in expected]
    else:
        expected = {_META, _STATE, _ARRAYS}
        unexpected = [
            n
            for n in archive.namelist()
            if n not in expected and not _MODEL_MEMBER.fullmatch(n)
        ]
    if unexpected:
        raise ValueError(
            f"{path!r} holds members that a file written by skrnn's save "
            f"does not have: {unexpected}; it was not written by skrnn."
        )


def _in_skrnn(module: str) -> bool:
    return module == "skrnn" or module.startswith("skrnn.")


class _Trust:
    """What a load may import: skrnn's own code, the defaults, what the caller said."""

    def __init__(self, trusted, custom_objects):
        if not (
            isinstance(trusted, bool)
            or (
                isinstance(trusted, list | tuple | set | frozenset)
                and all(isinstance(p, str) for p in trusted)
            )
        ):
            raise TypeError(
                "trusted must be True, False or a list of import paths "
                f"('module:qualname'); got {trusted!r}."
            )
        self.everything = trusted is True
        self.paths = set() if isinstance(trusted, bool) else set(trusted)
        self.custom_objects = dict(custom_objects or {})

    def given(self, path):
        """The object the caller passed for ``path``, if any (by path or name)."""
        for key in (path, path.partition(":")[2]):
            if key in self.custom_objects:
                return True, self.custom_objects[key]
        return False, None

    def allows(self, path) -> bool:
        if self.everything or path in self.paths or path in DEFAULT_TRUSTED:
            return True
        if self.given(path)[0]:
            return True
        return _in_skrnn(path.partition(":")[0])

    def resolve(self, path):
        given, obj = self.given(path)
        if given:
            return obj
        if not self.allows(path):  # checked before decoding: a bug if reached
            raise ValueError(f"{path} is not trusted")
        obj = resolve(path)
        if _in_skrnn(path.partition(":")[0]) and not (
            self.everything or path in self.paths
        ):
            # skrnn's own classes and functions only, not what its modules import
            defined_in = getattr(obj, "__module__", None) or ""
            if not _in_skrnn(defined_in):
                raise ValueError(f"{path} is not defined by skrnn")
        return obj


def _refuse_untrusted(paths, trust, path) -> None:
    untrusted = sorted(p for p in paths if not trust.allows(p))
    if untrusted:
        listed = ", ".join(untrusted)
        raise ValueError(
            f"{path!r} names code that loading it would import: {listed}. "
            "Nothing was imported. If you trust the file, allow these import "
            f"paths with load(path, trusted={untrusted!r}) (or trusted=True), "
            "or pass the objects themselves with "
            "custom_objects={'module:qualname': object}."
        )


def _saved_class(meta, cls, trust, path):
    where = f"{meta['module']}:{meta['class']}"
    named = f"{meta['module']}.{meta['class']}"
    if not trust.allows(where):
        raise ValueError(
            f"{path!r} says it holds an object of class {named}, which is not "
            "an skrnn estimator; nothing was imported. If the file holds your "
            "own subclass and you trust it, load it with "
            f"load(path, trusted=[{where!r}])."
        )
    try:
        saved = trust.resolve(where)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ValueError(
            f"{path!r} holds an estimator of class {named}, which cannot be "
            f"imported here: {exc}"
        ) from exc
    if not (isinstance(saved, type) and issubclass(saved, cls)):
        raise ValueError(
            f"{path!r} holds an estimator of class {meta['class']}, not "
            f"{cls.__name__}; load it with {meta['class']}.load."
        )
    return saved


def _legacy_refusal(path) -> ValueError:
    return ValueError(
        f"{path!r} was written by an older skrnn (file format 1), which stored "
        "the estimator as a pickle: loading it runs whatever code the file "
        "holds, so it is refused by default. If you trust the file, load it "
        "on purpose with load(path, trusted=True), then save it again to "
        "convert it to the current format, which holds data only."
    )


def load_estimator(estimator_class, path, *, custom_objects=None, trusted=False):
    """Read an estimator written by :func:`save_estimator`.

    Parameters
    ----------
    estimator_class : type
        The class ``load`` was called on; the file must hold an instance of
        it or of a subclass.
    path : str, os.PathLike or binary file object
        The file to read.
    custom_objects : dict, default=None
        Objects the file names by import path (a ``model_fn``, a user's
        estimator class), keyed by that path (``"module:qualname"``) or by
        their qualified name; also passed to ``keras.saving.load_model``,
        for custom layers that are not registered with
        ``keras.saving.register_keras_serializable``.
    trusted : bool or list of str, default=False
        False: import nothing the file names beyond skrnn's own classes and
        :data:`DEFAULT_TRUSTED`. A list of import paths: these too. True:
        the file is trusted entirely: anything it names is imported, Keras
        loads the networks with ``safe_mode=False`` and a file of format 1
        (a pickle) is unpickled.

    Returns
    -------
    BaseEstimator
        An instance of the saved class, with the same parameters and fitted
        attributes.
    """
    trust = _Trust(trusted, custom_objects)
    with contextlib.ExitStack() as stack:
        if isinstance(path, io.IOBase):
            source = path
        else:
            # opened here so that a missing file is a FileNotFoundError, as usual
            source = stack.enter_context(open(os.fspath(path), "rb"))
        if not zipfile.is_zipfile(source):
            raise ValueError(f"{path!r} is not a file written by skrnn's save.")
        try:
            archive = stack.enter_context(zipfile.ZipFile(source))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _damaged(path, exc) from exc
        meta = _read_metadata(archive, path)
        _check_members(archive, meta, path)
        saved = _saved_class(meta, estimator_class, trust, path)
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="skrnn-"))
        if meta["format_version"] == 1:
            if not trust.everything:
                raise _legacy_refusal(path)
            return _load_legacy(archive, meta, saved, custom_objects, tmp, path)
        return _load(archive, saved, trust, tmp, path)


def _load(archive, saved, trust, tmp, path):
    state_json = _read(archive, _STATE, path)
    try:
        document = json.loads(state_json)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{path!r} has no valid {_STATE}: {exc}") from exc
    _refuse_untrusted(references(document), trust, path)
    content = io.BytesIO(_read(archive, _ARRAYS, path))
    try:
        with np.load(content, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{path!r} has no valid {_ARRAYS}: {exc}") from exc

    def load_model(member):
        if not _MODEL_MEMBER.fullmatch(member):
            raise ValueError(f"{member!r} is not a network member")
        # a name of ours, not the member's, on disk
        target = os.path.join(tmp, f"network-{len(os.listdir(tmp))}.keras")
        with open(target, "wb") as out:
            out.write(_read(archive, member, path))
        try:
            return get_keras().saving.load_model(
                target,
                custom_objects=trust.custom_objects or None,
                safe_mode=not trust.everything,
            )
        except Exception as exc:
            raise _FileError(
                f"The network {member} in {path!r} could not be loaded safely: "
                f"{exc} Keras loads networks in safe mode, which refuses code "
                "stored in the file (Lambda layers); custom layers must be "
                "registered with keras.saving.register_keras_serializable or "
                "passed in custom_objects. If you trust the file, "
                "load(path, trusted=True) lifts the safe mode."
            ) from exc

    decoder = Decoder(arrays, load_model, trust.resolve)
    try:
        state = decoder.decode(document)
        if not isinstance(state, dict):
            raise ValueError("the state is not a dict")
        return build(saved, state)
    except _FileError:
        raise
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        ImportError,
        IndexError,
        RecursionError,
    ) as exc:
        raise ValueError(
            f"{path!r} holds an invalid {_STATE}: {type(exc).__name__}: {exc}"
        ) from exc


class _MovedModulesUnpickler(pickle.Unpickler):
    """Unpickles a trusted format-1 file, finding skrnn's classes where they moved."""

    def find_class(self, module, name):
        return super().find_class(current_module(module), name)


def _load_legacy(archive, meta, saved, custom_objects, tmp, path):
    """A format-1 file: the pickle, run because the caller trusts the file."""
    content = io.BytesIO(_read(archive, _LEGACY_STATE, path))
    state = _MovedModulesUnpickler(content).load()  # noqa: S301
    estimator = saved.__new__(saved)
    estimator.__setstate__(state)
    if meta.get("fitted") and _LEGACY_MODEL in archive.namelist():
        target = os.path.join(tmp, "network.keras")
        with open(target, "wb") as out:
            out.write(_read(archive, _LEGACY_MODEL, path))
        estimator.model_ = get_keras().saving.load_model(
            target, custom_objects=custom_objects, safe_mode=False
        )
    return estimator
