"""Loading a saved file runs nothing from it unless the caller trusts it."""

import copy
import io
import json
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_array_equal
from sklearn.linear_model import Lasso

from skrnn import RNNForecaster, RNNRegressor, WindowForecaster
from skrnn._keras.persistence_codec import Decoder, Encoder, references

ONE = {**FAST, "epochs": 1}


class Payload:
    """Unpickling this creates ``path``: what a hostile pickle would do."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(scope="module")
def regressor():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 1))
    return RNNRegressor(**ONE).fit(X, X[:, -1, 0]), X


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path, content):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data)


def legacy_file(est, path, state=None):
    """A file in format 1, as skrnn wrote it before: a pickle and the network."""
    meta = {
        "format": "skrnn",
        "format_version": 1,
        "module": "skrnn",
        "class": type(est).__name__,
        "fitted": hasattr(est, "model_"),
    }
    if state is None:
        state = {k: v for k, v in est.__getstate__().items() if k != "model_"}
    content = {"skrnn.json": json.dumps(meta), "estimator.pkl": pickle.dumps(state)}
    if hasattr(est, "model_"):
        est.model_.save(path.parent / "legacy-model.keras")
        content["model.keras"] = (path.parent / "legacy-model.keras").read_bytes()
        os.unlink(path.parent / "legacy-model.keras")
    write_members(path, content)


# -- files that carry code ------------------------------------------------------


def test_a_pickle_file_is_refused_and_its_payload_never_runs(regressor, tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "old.skrnn"
    legacy_file(regressor[0], path, state=Payload(marker))
    with pytest.raises(ValueError, match=r"pickle.*trusted=True"):
        RNNRegressor.load(path)
    with pytest.raises(ValueError, match=r"trusted=True"):
        RNNRegressor.load(path, trusted=["builtins:open"])  # a list is not enough
    assert not marker.exists()


def test_a_pickle_member_in_a_current_file_is_never_read(regressor, tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "model.skrnn"
    regressor[0].save(path)
    content = members(path)
    del content["state.json"]
    content["estimator.pkl"] = pickle.dumps(Payload(marker))
    write_members(path, content)
    with pytest.raises(ValueError, match="members"):
        RNNRegressor.load(path)
    assert not marker.exists()


def test_a_trusted_pickle_file_of_the_old_format_loads(regressor, tmp_path):
    est, X = regressor
    path = tmp_path / "old.skrnn"
    legacy_file(est, path)
    loaded = RNNRegressor.load(path, trusted=True)
    assert_array_equal(loaded.predict(X), est.predict(X))
    # saving it again converts it: the new file loads without trust
    loaded.save(path)
    assert "estimator.pkl" not in members(path)
    assert_array_equal(RNNRegressor.load(path).predict(X), est.predict(X))


@pytest.fixture
def marker_module(tmp_path, monkeypatch):
    """An importable module that creates a marker file when it is imported."""
    marker = tmp_path / "imported"
    (tmp_path / "skrnn_test_marker.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef build(*args):\n    return None\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "skrnn_test_marker", raising=False)
    return marker


@pytest.mark.parametrize(
    "module, name", [("os", "system"), ("skrnn_test_marker", "build")]
)
def test_a_header_naming_another_class_is_refused_before_importing_it(
    regressor, tmp_path, marker_module, module, name
):
    path = tmp_path / "model.skrnn"
    regressor[0].save(path)
    content = members(path)
    meta = json.loads(content["skrnn.json"])
    content["skrnn.json"] = json.dumps({**meta, "module": module, "class": name})
    write_members(path, content)
    with pytest.raises(ValueError, match="not an skrnn estimator"):
        RNNRegressor.load(path)
    assert not marker_module.exists()
    assert "skrnn_test_marker" not in sys.modules


def _with_model_fn(regressor, tmp_path, reference):
    """A saved regressor whose state names ``reference`` as its model_fn."""
    path = tmp_path / "model.skrnn"
    regressor[0].save(path)
    content = members(path)
    state = json.loads(content["state.json"])
    for item in state["items"]:
        if item[0] == "model_fn":
            item[1] = {"$": "ref", "path": reference}
    content["state.json"] = json.dumps(state)
    write_members(path, content)
    return path


def test_code_named_in_the_state_is_imported_only_when_trusted(
    regressor, tmp_path, marker_module
):
    path = _with_model_fn(regressor, tmp_path, "skrnn_test_marker:build")
    with pytest.raises(ValueError, match=r"skrnn_test_marker:build.*trusted="):
        RNNRegressor.load(path)
    assert not marker_module.exists()
    # the caller can hand the object over instead of importing it
    given = RNNRegressor.load(path, custom_objects={"skrnn_test_marker:build": len})
    assert given.model_fn is len
    assert not marker_module.exists()
    # or allow the import path, on purpose
    loaded = RNNRegressor.load(path, trusted=["skrnn_test_marker:build"])
    assert marker_module.exists()
    assert loaded.model_fn.__module__ == "skrnn_test_marker"


@pytest.mark.parametrize(
    "reference",
    ["skrnn:importlib.import_module", "skrnn._keras.persistence:pickle.loads"],
)
def test_only_what_skrnn_defines_is_trusted_under_its_name(
    regressor, tmp_path, reference
):
    path = _with_model_fn(regressor, tmp_path, reference)
    with pytest.raises(ValueError, match="not defined by skrnn"):
        RNNRegressor.load(path)


def test_a_lambda_layer_is_refused_by_keras_safe_mode(regressor, tmp_path):
    import keras

    marker = tmp_path / "lambda-ran"
    code = eval(f"lambda x: (open({str(marker)!r}, 'w').close(), x)[1]")  # noqa: S307
    inputs = keras.Input(shape=(5, 1))
    outputs = keras.layers.Dense(1)(
        keras.layers.Flatten()(keras.layers.Lambda(code)(inputs))
    )
    est = copy.copy(regressor[0])
    est.model_ = keras.Model(inputs, outputs)
    marker.unlink()  # building the model ran the lambda once
    path = tmp_path / "model.skrnn"
    est.save(path)
    assert not marker.exists()
    with pytest.raises(ValueError, match="safe mode"):
        RNNRegressor.load(path)
    assert not marker.exists()
    # the same file, trusted: Keras runs the stored code
    RNNRegressor.load(path, trusted=True)
    assert marker.exists()


def test_a_member_outside_the_format_is_refused(regressor, tmp_path):
    marker = tmp_path / "marker"
    folder = tmp_path / "inner"
    folder.mkdir()
    path = folder / "model.skrnn"
    regressor[0].save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../x", pickle.dumps(Payload(marker)))
    with pytest.raises(ValueError, match=r"members.*\.\./x"):
        RNNRegressor.load(path)
    assert not (tmp_path / "x").exists()
    assert os.listdir(folder) == ["model.skrnn"]
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["half", "last byte", "flipped byte"])
def test_a_damaged_file_is_a_clear_error(regressor, tmp_path, damage):
    path = tmp_path / "model.skrnn"
    regressor[0].save(path)
    data = bytearray(path.read_bytes())
    if damage == "half":
        data = data[: len(data) // 2]
    elif damage == "last byte":
        data = data[:-1]
    else:
        # inside the deflated state.json: its checksum no longer matches
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("state.json")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="skrnn's save"):
        RNNRegressor.load(path)


@pytest.mark.parametrize(
    "state, message",
    [
        ("{not json", "no valid state.json"),
        ('{"$": "dict", "items": [["x", {"$": "exec"}]]}', "unknown tag"),
        ('{"$": "dict", "items": [["x", {"$": "array", "key": "z"}]]}', "invalid"),
        ("[" * 100_000 + "]" * 100_000, "state.json"),
    ],
)
def test_an_invalid_state_is_a_clear_error(regressor, tmp_path, state, message):
    path = tmp_path / "model.skrnn"
    regressor[0].save(path)
    content = members(path)
    content["state.json"] = state
    write_members(path, content)
    with pytest.raises(ValueError, match=message):
        RNNRegressor.load(path)


def test_a_damaged_pickle_file_runs_nothing(regressor, tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "old.skrnn"
    legacy_file(regressor[0], path, state=Payload(marker))
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError):
        RNNRegressor.load(path)
    assert not marker.exists()


# -- what cannot be saved -------------------------------------------------------


def test_callback_instances_are_refused_at_save_naming_the_attribute(
    regressor, tmp_path
):
    import keras

    est = RNNRegressor(callbacks=[keras.callbacks.TerminateOnNaN()])
    with pytest.raises(TypeError, match=r"callbacks\[0\].*TerminateOnNaN"):
        est.save(tmp_path / "model.skrnn")
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(
    regressor, tmp_path, monkeypatch
):
    path = tmp_path / "model.skrnn"
    regressor[0].save(path)
    good = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", disk_full)
    with pytest.raises(OSError, match="No space"):
        regressor[0].save(path)
    assert os.listdir(tmp_path) == ["model.skrnn"]
    assert path.read_bytes() == good


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere"
)
def test_saving_to_a_read_only_folder_leaves_nothing(regressor, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            regressor[0].save(folder / "model.skrnn")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


# -- the encoding ---------------------------------------------------------------


def test_the_encoding_round_trips_plain_numpy_and_pandas_values():
    when = pd.date_range("2020-01-01", periods=4, freq="D", tz="Europe/Paris")
    value = {
        "ints": [1, 2, np.int64(3)],
        "tuple": (1.5, float("nan"), float("inf"), None, True, "s"),
        (1, "key"): {3: "int key"},
        "sets": [{1, "a"}, frozenset({2.5})],
        "float32": np.float32(0.25),
        "dtype": np.dtype("float32"),
        "array": np.arange(6, dtype=np.int16).reshape(2, 3),
        "strings": np.array(["a", "bc"]),
        "objects": np.array(["a", 1, None], dtype=object),
        "tuples": np.array([(1, 2), (3, 4), None], dtype=object)[:2],
        "range": pd.RangeIndex(2, 10, 2, name="r"),
        "dates": when,
        "periods": pd.period_range("2000Q1", periods=3, freq="Q"),
        "labels": pd.Index(["x", "y"], name="id"),
        "stamp": pd.Timestamp("2021-03-04 05:06", tz="UTC"),
        "offset": pd.offsets.MonthBegin(2),
        "generator": np.random.RandomState(7),
        "series": pd.Series(when, index=pd.Index(["a", "b", "c", "d"]), name="end"),
        "frame": pd.DataFrame({"v": [1.0, 2.0], 3: ["p", "q"]}, index=[10, 20]),
    }
    encoder = Encoder()
    document = encoder.encode(value, "value")
    buffer = io.BytesIO()
    np.savez(buffer, **encoder.arrays)
    buffer.seek(0)
    document = json.loads(json.dumps(document, allow_nan=False))
    assert references(document) == set()
    with np.load(buffer, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    got = Decoder(arrays, None, None).decode(document)
    assert got.keys() == value.keys()
    assert got["ints"] == [1, 2, 3] and type(got["ints"][2]) is np.int64
    assert got["tuple"][0] == 1.5 and np.isnan(got["tuple"][1])
    assert got["tuple"][2:] == (float("inf"), None, True, "s")
    assert got[(1, "key")] == {3: "int key"}
    assert got["sets"] == value["sets"] and type(got["sets"][1]) is frozenset
    assert type(got["float32"]) is np.float32 and got["dtype"] == np.float32
    assert got["tuples"].tolist() == [(1, 2), (3, 4)]
    for key in ("array", "strings", "objects"):
        assert got[key].dtype == value[key].dtype
        assert_array_equal(got[key], value[key])
    for key in ("range", "dates", "periods", "labels"):
        pd.testing.assert_index_equal(got[key], value[key], exact=True)
    assert got["dates"].freq == value["dates"].freq
    assert got["periods"].freq == value["periods"].freq
    assert got["generator"].randint(1000) == value["generator"].randint(1000)
    assert got["stamp"] == value["stamp"] and got["offset"] == value["offset"]
    pd.testing.assert_series_equal(got["series"], value["series"])
    pd.testing.assert_frame_equal(got["frame"], value["frame"])


# -- forecasters ----------------------------------------------------------------


def _panel(n=40):
    rng = np.random.default_rng(3)
    t = np.arange(n)
    frames = [
        pd.DataFrame(
            {
                "unique_id": uid,
                "ds": pd.date_range("2010-01-01", periods=n, freq="MS"),
                "y": level + np.sin(2 * np.pi * t / 12) + 0.1 * rng.normal(size=n),
            }
        )
        for uid, level in (("a", 5.0), ("b", 9.0))
    ]
    return pd.concat(frames, ignore_index=True)


def _series(n=50):
    index = pd.period_range("2000-01", periods=n, freq="M")
    t = np.arange(n)
    return pd.Series(3 + np.sin(2 * np.pi * t / 12) + 0.01 * t, index=index)


@pytest.mark.slow
def test_forecasters_forecast_the_same_in_a_fresh_process(tmp_path):
    forecasters = {
        "rnn_panel": (
            RNNForecaster(horizon=3, look_back=6, **ONE).fit(_panel()),
            RNNForecaster,
        ),
        "window_series": (
            WindowForecaster(horizon=4, look_back=12).fit(_series()),
            WindowForecaster,
        ),
        "lasso_series": (
            WindowForecaster(Lasso(alpha=0.01), horizon=2, look_back=6).fit(_series()),
            WindowForecaster,
        ),
    }
    for name, (fc, _) in forecasters.items():
        assert fc.calibration_errors_ is not None
        fc.save(tmp_path / f"{name}.skrnn")
        meta = json.loads(members(tmp_path / f"{name}.skrnn")["skrnn.json"])
        assert meta["fitted"] is True
        fc.predict(coverage=0.9).to_pickle(tmp_path / f"{name}.expected.pkl")
    saved = members(tmp_path / "rnn_panel.skrnn")
    networks = [name for name in saved if name.endswith(".keras")]
    rnn = forecasters["rnn_panel"][0]
    assert rnn.n_models_ == 3  # "auto" on a short panel: an ensemble, one file each
    assert networks == [f"models/{i}.keras" for i in range(rnn.n_models_)]
    lasso = "sklearn.linear_model._coordinate_descent:Lasso"
    with pytest.raises(ValueError, match=lasso):
        WindowForecaster.load(tmp_path / "lasso_series.skrnn")
    script = textwrap.dedent(
        f"""
        import sys, pandas as pd
        from skrnn import RNNForecaster, WindowForecaster
        folder = sys.argv[1]
        for name, cls in [("rnn_panel", RNNForecaster),
                          ("window_series", WindowForecaster),
                          ("lasso_series", WindowForecaster)]:
            trusted = [{lasso!r}] if name == "lasso_series" else False
            fc = cls.load(f"{{folder}}/{{name}}.skrnn", trusted=trusted)
            fc.predict(coverage=0.9).to_pickle(f"{{folder}}/{{name}}.got.pkl")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    for name in forecasters:
        got = pd.read_pickle(tmp_path / f"{name}.got.pkl")
        expected = pd.read_pickle(tmp_path / f"{name}.expected.pkl")
        pd.testing.assert_frame_equal(got, expected)
        assert {"y_pred", "y_lower", "y_upper"} <= set(got.columns)


def test_an_unfitted_forecaster_reads_as_unfitted(tmp_path):
    fc = RNNForecaster(horizon=2, units=4)
    fc.save(tmp_path / "fc.skrnn")
    assert json.loads(members(tmp_path / "fc.skrnn")["skrnn.json"])["fitted"] is False
    assert RNNForecaster.load(tmp_path / "fc.skrnn").get_params() == fc.get_params()


def conv_model(input_shape, n_outputs):
    """A module-level model_fn: saved by its import path."""
    import keras

    inputs = keras.Input(input_shape)
    x = keras.layers.Conv1D(4, 2)(inputs)
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, keras.layers.Dense(n_outputs)(x))


def test_a_model_fn_is_saved_by_path_and_loaded_on_trust(regressor, tmp_path):
    _, X = regressor
    est = RNNRegressor(**ONE, model_fn=conv_model).fit(X, X[:, -1, 0])
    path = tmp_path / "model.skrnn"
    est.save(path)
    where = f"{__name__}:conv_model"
    with pytest.raises(ValueError, match=where):
        RNNRegressor.load(path)
    for loaded in (
        RNNRegressor.load(path, trusted=[where]),
        RNNRegressor.load(path, custom_objects={"conv_model": conv_model}),
    ):
        assert loaded.model_fn is conv_model
        assert_array_equal(loaded.predict(X), est.predict(X))


LEGACY = Path(__file__).parent / "data" / "format1_rnn_regressor.skrnn"


def test_a_file_of_the_previous_release_is_refused_then_loads_when_trusted():
    """Written by the release before the subpackages (its classes at old paths)."""
    with pytest.raises(ValueError, match="trusted=True"):
        RNNRegressor.load(LEGACY)
    model = RNNRegressor.load(LEGACY, trusted=True)
    expected = np.load(LEGACY.with_suffix(".npz"))
    np.testing.assert_allclose(
        model.predict(expected["X"]), expected["y_pred"], rtol=1e-6
    )
