"""The estimator's state as data: JSON, numpy arrays and Keras files, no pickle.

:func:`encode` walks an object (an estimator's ``__dict__``, and whatever it
holds) and turns it into a JSON document, a dict of numpy arrays (written to
an ``.npz`` without pickles) and a list of Keras models (written in Keras's
``.keras`` format). :func:`decode` turns them back. Every JSON object in the
document is a tagged value (``{"$": tag, ...}``); JSON strings, numbers,
booleans, null and arrays stand for themselves (arrays are Python lists).

Tags
----
``float``       a non-finite float: ``{"$": "float", "value": "nan"}``
``tuple``, ``set``, ``frozenset``  ``{"items": [...]}``
``dict``        ``{"items": [[key, value], ...]}`` (keys of any encodable type)
``array``       ``{"key": "a0"}``: an entry of the ``.npz``
``objects``     an object-dtype array: ``{"shape": [...], "items": [...]}``
``scalar``      a numpy scalar, as a 0-d array: ``{"key": "a1"}``
``dtype``       ``{"str": "<f8"}``
``index``       pandas Index: ``{"kind": "range"|"datetime"|"period"|
                "timedelta"|"plain", "name", ...}``
``series``      ``{"values": <index>, "index": <index>, "name"}``
``frame``       ``{"columns": <index>, "index": <index>, "data": [<index>...]}``
``timestamp``, ``period``, ``timedelta``  ``{"values": <index of one>}``
``offset``      a pandas date offset: ``{"freq": "MS"}``
``random_state``  a ``numpy.random.RandomState``: ``{"state": <its get_state()>}``
``keras``       a Keras model: ``{"member": "models/0.keras"}``
``ref``         a class or function by import path: ``{"path": "mod:qualname"}``
``object``      an instance: ``{"class": "mod:qualname", "state": {...}}``

Only ``ref`` and ``object`` name code. :func:`references` lists every import
path a document names, so that the loader can refuse the file before it
imports or builds anything.
"""

import dataclasses
import importlib
import math
import types

import numpy as np
import pandas as pd

TAG = "$"


class EncodeError(TypeError):
    """A value the file format cannot hold; ``where`` names the attribute."""

    def __init__(self, where, message):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


def import_path(obj) -> str | None:
    """``"module:qualname"`` under which ``obj`` can be imported, or None."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        return None
    try:
        found = resolve(f"{module}:{qualname}")
    except (ImportError, AttributeError, ValueError):
        return None
    return f"{module}:{qualname}" if found is obj else None


def public_path(cls) -> str:
    """The import path of ``cls``, in the ``skrnn`` namespace when it is public."""
    import skrnn

    if getattr(skrnn, cls.__qualname__, None) is cls:
        return f"skrnn:{cls.__qualname__}"
    return import_path(cls) or f"{cls.__module__}:{cls.__qualname__}"


# Import paths of skrnn's classes that moved since files were written with
# them, old -> new: an entry per move keeps those files loading.
MOVED = {}

# skrnn's modules before they moved into subpackages (files of format 1, and
# of format 2 written before the move, name them), old -> new
MOVED_MODULES = {
    "skrnn._backend": "skrnn._keras.backend",
    "skrnn._base": "skrnn._keras.base",
    "skrnn._classifier": "skrnn._sequences.classifier",
    "skrnn._cli_forecast": "skrnn.cli._forecast",
    "skrnn._cli_panel": "skrnn.cli._panel",
    "skrnn._decoding": "skrnn._sequences.decoding",
    "skrnn._feed": "skrnn._keras.feed",
    "skrnn._forecast_data": "skrnn._forecast.data",
    "skrnn._intervals": "skrnn._forecast.intervals",
    "skrnn._keras_estimator": "skrnn._keras.estimator",
    "skrnn._modes": "skrnn._keras.modes",
    "skrnn._naive2": "skrnn._time.naive2",
    "skrnn._network": "skrnn._keras.network",
    "skrnn._panel": "skrnn._forecast.panel",
    "skrnn._panel_split": "skrnn._forecast.panel_split",
    "skrnn._persistence": "skrnn._keras.persistence",
    "skrnn._persistence_codec": "skrnn._keras.persistence_codec",
    "skrnn._regressor": "skrnn._regression.regressor",
    "skrnn._rnn_decoder": "skrnn._keras.rnn_decoder",
    "skrnn._seq2seq": "skrnn._sequences.seq2seq",
    "skrnn._seq2seq_network": "skrnn._sequences.seq2seq_network",
    "skrnn._sequence_features": "skrnn._keras.sequence_features",
    "skrnn._sequences": "skrnn._core.inputs",
    "skrnn._sklearn": "skrnn._core.sklearn_compat",
    "skrnn._stem": "skrnn._keras.stem",
    "skrnn._supervised": "skrnn._windows.supervised",
    "skrnn._target": "skrnn._regression.target",
    "skrnn._time_index": "skrnn._time.index",
    "skrnn._training": "skrnn._keras.training",
    "skrnn._vocabulary": "skrnn._sequences.vocabulary",
    "skrnn._window": "skrnn._windows.window",
    "skrnn._window_target": "skrnn._regression.window_target",
    "skrnn.cli": "skrnn.cli._main",
}


def current_module(module: str) -> str:
    """Where skrnn's module ``module`` lives now."""
    return MOVED_MODULES.get(module, module)


def resolve(path: str):
    """Import the object at ``"module:qualname"``; the caller vouches for it."""
    path = MOVED.get(path, path)
    module, sep, qualname = path.partition(":")
    module = current_module(module)
    if not sep or not module or not qualname:
        raise ValueError(f"{path!r} is not an import path (module:qualname)")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _is_keras_model(value) -> bool:
    module = type(value).__module__
    if not module.startswith("keras"):
        return False
    from skrnn._keras.backend import get_keras

    return isinstance(value, get_keras().Model)


class Encoder:
    """Collects the arrays and Keras models of one document while encoding it."""

    def __init__(self):
        self.arrays = {}
        self.models = []
        self._seen_arrays = {}  # id -> tag, so that a shared array stays shared
        self._keep = []  # the encoded arrays stay alive: their ids stay unique

    def encode(self, value, where):
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int) and type(value) is int:
            return value
        if type(value) is float:
            if math.isfinite(value):
                return value
            return {TAG: "float", "value": repr(value)}
        if type(value) is list:
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if type(value) is tuple:
            items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
            return {TAG: "tuple", "items": items}
        if type(value) in (set, frozenset):
            items = [self.encode(v, f"{where} item") for v in value]
            return {TAG: type(value).__name__, "items": items}
        if type(value) is dict:
            items = [
                [self.encode(k, f"{where} key"), self.encode(v, f"{where}[{k!r}]")]
                for k, v in value.items()
            ]
            return {TAG: "dict", "items": items}
        if type(value) is np.ndarray:
            return self._array(value, where)
        if isinstance(value, np.generic):
            if value.dtype.hasobject:
                raise EncodeError(where, "a numpy object scalar cannot be saved")
            return {TAG: "scalar", "key": self._store(np.asarray(value))}
        if isinstance(value, np.dtype):
            if value.fields is not None:
                raise EncodeError(where, "a structured dtype cannot be saved")
            return {TAG: "dtype", "str": value.str}
        pandas = self._pandas(value, where)
        if pandas is not None:
            return pandas
        if type(value) is np.random.RandomState:
            state = value.get_state(legacy=True)
            return {TAG: "random_state", "state": self.encode(state, where)}
        if _is_keras_model(value):
            self.models.append(value)
            return {TAG: "keras", "member": f"models/{len(self.models) - 1}.keras"}
        if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
            path = import_path(value)
            if path is None:
                raise EncodeError(
                    where,
                    f"{value!r} cannot be imported by name, so it cannot be "
                    "saved: use a module-level function or class, not a "
                    "lambda or a function defined inside another function.",
                )
            return {TAG: "ref", "path": path}
        return self._object(value, where)

    def _store(self, array) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        return key

    def _array(self, array, where):
        if id(array) in self._seen_arrays:
            return self._seen_arrays[id(array)]
        if array.dtype.hasobject:
            if array.dtype != object:
                message = f"an array of dtype {array.dtype} cannot be saved"
                raise EncodeError(where, message)
            items = [
                self.encode(v, f"{where}[{i}]") for i, v in enumerate(array.ravel())
            ]
            tag = {TAG: "objects", "shape": list(array.shape), "items": items}
        else:
            tag = {TAG: "array", "key": self._store(array)}
        self._seen_arrays[id(array)] = tag
        self._keep.append(array)
        return tag

    def _index(self, index, where):
        name = self.encode(index.name, f"{where}.name")
        if isinstance(index, pd.MultiIndex):
            raise EncodeError(where, "a pandas MultiIndex cannot be saved")
        if isinstance(index, pd.RangeIndex):
            return {
                TAG: "index",
                "kind": "range",
                "start": index.start,
                "stop": index.stop,
                "step": index.step,
                "name": name,
            }
        freq = getattr(index, "freqstr", None)
        if isinstance(index, pd.DatetimeIndex):
            tz = None if index.tz is None else str(index.tz)
            values = index.tz_convert("UTC").tz_localize(None) if tz else index
            return {
                TAG: "index",
                "kind": "datetime",
                "values": self._array(values.to_numpy(), where),
                "tz": tz,
                "freq": freq,
                "name": name,
            }
        if isinstance(index, pd.PeriodIndex):
            return {
                TAG: "index",
                "kind": "period",
                "ordinals": self._array(np.asarray(index.asi8), where),
                "freq": freq,
                "name": name,
            }
        if isinstance(index, pd.TimedeltaIndex):
            return {
                TAG: "index",
                "kind": "timedelta",
                "values": self._array(index.to_numpy(), where),
                "freq": freq,
                "name": name,
            }
        dtype = str(index.dtype)
        if dtype not in _PLAIN_DTYPES:
            raise EncodeError(where, f"an index of dtype {dtype} cannot be saved")
        return {
            TAG: "index",
            "kind": "plain",
            "values": self._array(np.asarray(index, dtype=_numpy_dtype(index)), where),
            "dtype": dtype,
            "name": name,
        }

    def _pandas(self, value, where):
        if isinstance(value, pd.Index):
            return self._index(value, where)
        if isinstance(value, pd.Series):
            return {
                TAG: "series",
                "values": self._index(pd.Index(value.array), f"{where}.values"),
                "index": self._index(value.index, f"{where}.index"),
                "name": self.encode(value.name, f"{where}.name"),
            }
        if isinstance(value, pd.DataFrame):
            return {
                TAG: "frame",
                "columns": self._index(value.columns, f"{where}.columns"),
                "index": self._index(value.index, f"{where}.index"),
                "data": [
                    self._index(pd.Index(value.iloc[:, j].array), f"{where}[{j}]")
                    for j in range(value.shape[1])
                ],
            }
        for kind, cls in (
            ("timestamp", pd.Timestamp),
            ("period", pd.Period),
            ("timedelta", pd.Timedelta),
        ):
            if isinstance(value, cls):
                return {TAG: kind, "values": self._index(pd.Index([value]), where)}
        if isinstance(value, pd.offsets.BaseOffset):
            freq = value.freqstr
            if pd.tseries.frequencies.to_offset(freq) != value:
                raise EncodeError(where, f"the date offset {value!r} cannot be saved")
            return {TAG: "offset", "freq": freq}
        return None

    def _object(self, value, where):
        cls = type(value)
        path = import_path(cls)
        if path is not None and path.startswith("skrnn"):
            path = public_path(cls)  # the stable name, when there is one
        if path is None:
            raise EncodeError(
                where,
                f"an instance of {cls.__module__}.{cls.__qualname__}, a class "
                "that cannot be imported by name, cannot be saved.",
            )
        from sklearn.base import BaseEstimator

        if isinstance(value, BaseEstimator):
            state = dict(value.__getstate__())
        elif dataclasses.is_dataclass(value) or path.startswith("skrnn"):
            if not hasattr(value, "__dict__") or hasattr(cls, "__slots__"):
                raise EncodeError(where, f"{path} instances cannot be saved")
            state = dict(vars(value))
        else:
            raise EncodeError(
                where,
                f"an instance of {path} cannot be saved: only numbers, strings, "
                "containers, numpy and pandas data, Keras models, scikit-learn "
                "estimators, and module-level functions or classes can.",
            )
        return {
            TAG: "object",
            "class": path,
            "state": self.encode(state, where),
        }


_PLAIN_DTYPES = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "bool", "object", "str", "string",
}  # fmt: skip


def _numpy_dtype(index):
    return object if str(index.dtype) in {"object", "str", "string"} else index.dtype


def references(document) -> set:
    """Every import path a document names (classes of objects, refs)."""
    found = set()

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get(TAG) == "ref":
                found.add(node["path"])
            elif node.get(TAG) == "object":
                found.add(node["class"])
            for item in node.values():
                walk(item)

    walk(document)
    return found


class Decoder:
    """Rebuilds values from a document, its arrays and its models.

    Parameters
    ----------
    arrays : mapping
        Name to numpy array (the ``.npz``, read without pickles).
    load_model : callable
        Member name to Keras model.
    resolve : callable
        Import path to object; only called for paths the loader allowed.
    """

    def __init__(self, arrays, load_model, resolve):
        self.arrays = arrays
        self.load_model = load_model
        self.resolve = resolve
        self._arrays = {}

    def decode(self, node):
        if node is None or isinstance(node, bool | int | float | str):
            return node
        if isinstance(node, list):
            return [self.decode(item) for item in node]
        if not isinstance(node, dict):
            raise ValueError(f"unexpected value {node!r}")
        tag = node.get(TAG)
        method = getattr(self, f"_decode_{tag}", None) if isinstance(tag, str) else None
        if method is None:
            raise ValueError(f"unknown tag {tag!r}")
        return method(node)

    def _decode_float(self, node):
        return float(node["value"])

    def _decode_tuple(self, node):
        return tuple(self.decode(item) for item in node["items"])

    def _decode_set(self, node):
        return {self.decode(item) for item in node["items"]}

    def _decode_frozenset(self, node):
        return frozenset(self.decode(item) for item in node["items"])

    def _decode_dict(self, node):
        return {self.decode(k): self.decode(v) for k, v in node["items"]}

    def _array(self, key):
        if key not in self._arrays:
            self._arrays[key] = self.arrays[key]
        return self._arrays[key]

    def _decode_array(self, node):
        return self._array(node["key"])

    def _decode_objects(self, node):
        items = [self.decode(item) for item in node["items"]]
        array = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):  # item by item: tuples stay objects
            array[i] = item
        return array.reshape(node["shape"])

    def _decode_scalar(self, node):
        return self._array(node["key"])[()]

    def _decode_dtype(self, node):
        return np.dtype(node["str"])

    def _decode_index(self, node):
        name = self.decode(node["name"])
        kind = node["kind"]
        if kind == "range":
            return pd.RangeIndex(node["start"], node["stop"], node["step"], name=name)
        if kind == "datetime":
            index = pd.DatetimeIndex(self.decode(node["values"]), name=name)
            if node["tz"]:
                index = index.tz_localize("UTC").tz_convert(node["tz"])
            return _with_freq(index, node["freq"])
        if kind == "period":
            ordinals = self.decode(node["ordinals"])
            return pd.PeriodIndex.from_ordinals(ordinals, freq=node["freq"], name=name)
        if kind == "timedelta":
            index = pd.TimedeltaIndex(self.decode(node["values"]), name=name)
            return _with_freq(index, node["freq"])
        if kind == "plain":
            return pd.Index(self.decode(node["values"]), dtype=node["dtype"], name=name)
        raise ValueError(f"unknown index kind {kind!r}")

    def _decode_series(self, node):
        values = self.decode(node["values"])
        index = self.decode(node["index"])
        return pd.Series(values.array, index=index, name=self.decode(node["name"]))

    def _decode_frame(self, node):
        columns = self.decode(node["columns"])
        data = [self.decode(column).array for column in node["data"]]
        index = self.decode(node["index"])
        frame = pd.DataFrame(dict(enumerate(data)), index=index)
        frame.columns = columns
        return frame

    def _decode_timestamp(self, node):
        return self.decode(node["values"])[0]

    _decode_period = _decode_timedelta = _decode_timestamp

    def _decode_offset(self, node):
        return pd.tseries.frequencies.to_offset(node["freq"])

    def _decode_random_state(self, node):
        generator = np.random.RandomState()
        generator.set_state(self.decode(node["state"]))
        return generator

    def _decode_keras(self, node):
        return self.load_model(node["member"])

    def _decode_ref(self, node):
        return self.resolve(node["path"])

    def _decode_object(self, node):
        cls = self.resolve(node["class"])
        if not isinstance(cls, type):
            raise ValueError(f"{node['class']} is not a class")
        state = self.decode(node["state"])
        return build(cls, state)


def build(cls, state):
    """An instance of ``cls`` with ``state``, without calling its ``__init__``."""
    obj = cls.__new__(cls)
    from sklearn.base import BaseEstimator

    if isinstance(obj, BaseEstimator):
        obj.__setstate__(state)
    else:
        # frozen dataclasses included: the state goes in as it came out
        obj.__dict__.update(state)
    return obj


def _with_freq(index, freq):
    if freq is None:
        return index
    return index.__class__(index, freq=freq)
