"""Native save and load of the recurrent estimators (``save`` / ``load``)."""

import importlib.util
import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError

from skrnn import RNNClassifier, RNNRegressor
from skrnn._keras.base import BaseRNN

ONE = {**FAST, "epochs": 1}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 1))
    X2 = rng.normal(size=(30, 5, 2))
    frame = pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(5)])
    return {
        "X": X,
        "y": X[:, -1, 0] + 0.1,
        "X2": X2,
        "labels": np.where(X2[:, -1, 0] > 0, "up", "down"),
        "frame": frame,
    }


@pytest.fixture(scope="module")
def models(data):
    """Fitted estimators and the input each one predicts on."""
    return {
        "regressor": (RNNRegressor(**ONE).fit(data["X"], data["y"]), data["X"]),
        "classifier": (
            RNNClassifier(**ONE).fit(data["X2"], data["labels"]),
            data["X2"],
        ),
        "pandas": (
            RNNRegressor(**{**ONE, "cell": "gru"}).fit(data["frame"], data["y"]),
            data["frame"],
        ),
    }


def outputs(est, X):
    """Everything an estimator predicts for ``X``."""
    if isinstance(est, RNNClassifier):
        return est.predict_proba(X), est.predict(X)
    return (est.predict(X),)


def assert_same_value(got, expected, where):
    """Deep equality for fitted attributes: arrays, containers, plain objects."""
    assert type(got) is type(expected), where
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype, where
        assert_array_equal(got, expected, err_msg=where)
    elif isinstance(expected, dict):
        assert got.keys() == expected.keys(), where
        for key in expected:
            assert_same_value(got[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, list | tuple):
        assert len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_same_value(a, b, f"{where}[{i}]")
    elif hasattr(expected, "__dict__") and type(expected).__eq__ is object.__eq__:
        # helper objects without an __eq__ of their own: compare what they hold
        assert_same_value(vars(got), vars(expected), where)
    else:
        assert got == expected, where


def assert_same_state(loaded, est):
    """Same parameters and the same fitted attributes, model aside."""
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    state = {k: v for k, v in vars(est).items() if k != "model_"}
    loaded_state = {k: v for k, v in vars(loaded).items() if k != "model_"}
    assert_same_value(loaded_state, state, "estimator")


@pytest.mark.parametrize("kind", ["regressor", "classifier", "pandas"])
def test_round_trip_gives_identical_predictions(models, kind, tmp_path):
    est, X = models[kind]
    path = tmp_path / "model.skrnn"
    est.save(path)
    # one file, and nothing else left behind
    assert os.listdir(tmp_path) == ["model.skrnn"]
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {
            "skrnn.json",
            "state.json",
            "arrays.npz",
            "models/0.keras",
        }
    loaded = type(est).load(path)
    assert_same_state(loaded, est)
    for got, expected in zip(outputs(loaded, X), outputs(est, X), strict=True):
        assert got.dtype == expected.dtype
        assert_array_equal(got, expected)


def test_save_leaves_the_estimator_alone(models, data, tmp_path):
    est, X = models["regressor"]
    before = dict(vars(est))
    expected = est.predict(X)
    est.save(str(tmp_path / "model.skrnn"))
    assert vars(est).keys() == before.keys()
    assert all(vars(est)[k] is v for k, v in before.items())
    assert_array_equal(est.predict(X), expected)


def test_metadata_says_what_the_file_holds(models, tmp_path):
    import keras

    est, _ = models["classifier"]
    est.save(tmp_path / "clf.skrnn")
    with zipfile.ZipFile(tmp_path / "clf.skrnn") as archive:
        meta = json.loads(archive.read("skrnn.json"))
    assert meta["format"] == "skrnn" and meta["format_version"] == 2
    assert (meta["module"], meta["class"]) == ("skrnn", "RNNClassifier")
    assert meta["backend"] == keras.backend.backend()
    assert meta["keras_version"] == keras.__version__


def test_the_model_member_is_a_plain_keras_file(models, data, tmp_path):
    import keras

    est, X = models["regressor"]
    est.save(tmp_path / "model.skrnn")
    with zipfile.ZipFile(tmp_path / "model.skrnn") as archive:
        model_file = tmp_path / "model.keras"
        model_file.write_bytes(archive.read("models/0.keras"))
    model = keras.saving.load_model(model_file)
    assert_array_equal(
        model.predict_on_batch(X.astype(np.float32)),
        est.model_.predict_on_batch(X.astype(np.float32)),
    )


def test_fresh_process_predicts_bit_for_bit(models, tmp_path):
    expected = {}
    for kind, (est, X) in models.items():
        est.save(tmp_path / f"{kind}.skrnn")
        pd.to_pickle(X, tmp_path / f"{kind}.X.pkl")
        expected[kind] = outputs(est, X)
    code = (
        "import sys, numpy as np, pandas as pd\n"
        "from skrnn._keras.base import BaseRNN\n"
        "from skrnn import RNNClassifier\n"
        "folder = sys.argv[1]\n"
        "for kind in sys.argv[2:]:\n"
        "    est = BaseRNN.load(f'{folder}/{kind}.skrnn')\n"
        "    X = pd.read_pickle(f'{folder}/{kind}.X.pkl')\n"
        "    if isinstance(est, RNNClassifier):\n"
        "        np.save(f'{folder}/{kind}.0.npy', est.predict_proba(X))\n"
        "        np.save(f'{folder}/{kind}.1.npy', est.predict(X))\n"
        "    else:\n"
        "        np.save(f'{folder}/{kind}.0.npy', est.predict(X))\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), *models], check=True, timeout=300
    )
    for kind, arrays in expected.items():
        for i, array in enumerate(arrays):
            assert_array_equal(np.load(tmp_path / f"{kind}.{i}.npy"), array)


def test_other_class_is_refused(models, tmp_path):
    est, _ = models["regressor"]
    est.save(tmp_path / "reg.skrnn")
    with pytest.raises(ValueError, match="class RNNRegressor, not RNNClassifier"):
        RNNClassifier.load(tmp_path / "reg.skrnn")
    # the base class takes whichever estimator the file holds
    assert type(BaseRNN.load(tmp_path / "reg.skrnn")) is RNNRegressor


@pytest.mark.parametrize("content", ["text", "zip without metadata", "keras file"])
def test_a_file_not_written_by_save_is_refused(models, tmp_path, content):
    path = tmp_path / "model.skrnn"
    if content == "text":
        path.write_text("not a model")
    elif content == "zip without metadata":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("other.txt", "hello")
    else:
        models["regressor"][0].model_.save(tmp_path / "model.keras")
        os.replace(tmp_path / "model.keras", path)
    with pytest.raises(ValueError, match="not a file written by skrnn's save"):
        RNNRegressor.load(path)


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        RNNRegressor.load(tmp_path / "missing.skrnn")


def test_a_file_from_a_newer_format_is_refused(models, tmp_path):
    models["regressor"][0].save(tmp_path / "model.skrnn")
    with zipfile.ZipFile(tmp_path / "model.skrnn") as old:
        members = {name: old.read(name) for name in old.namelist()}
    meta = json.loads(members["skrnn.json"])
    members["skrnn.json"] = json.dumps({**meta, "format_version": 99})
    with zipfile.ZipFile(tmp_path / "newer.skrnn", "w") as new:
        for name, content in members.items():
            new.writestr(name, content)
    with pytest.raises(ValueError, match="newer skrnn"):
        RNNRegressor.load(tmp_path / "newer.skrnn")


def test_loaded_estimator_keeps_training(models, data, tmp_path):
    est, X = models["regressor"]
    est.save(tmp_path / "model.skrnn")
    loaded = RNNRegressor.load(tmp_path / "model.skrnn")
    steps = int(est.model_.optimizer.iterations.numpy())
    loaded.partial_fit(X, data["y"])
    # the optimizer's state was saved too: training picks up where it stopped
    assert loaded.n_iter_ == est.n_iter_ + 1
    assert int(loaded.model_.optimizer.iterations.numpy()) == 2 * steps
    assert len(loaded.history_["loss"]) == est.n_iter_ + 1


def test_unfitted_round_trip(tmp_path, data):
    est = RNNClassifier(units=(4, 2), cell="gru", class_weight="balanced")
    est.save(tmp_path / "unfitted.skrnn")
    loaded = RNNClassifier.load(tmp_path / "unfitted.skrnn")
    assert loaded.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        loaded.predict(data["X"])


def test_unpicklable_parameter_is_a_clear_error_and_keeps_the_old_file(
    models, tmp_path
):
    path = tmp_path / "model.skrnn"
    models["regressor"][0].save(path)
    good = path.read_bytes()
    est = RNNRegressor(model_fn=lambda input_shape, n_outputs: None)
    with pytest.raises(TypeError, match="model_fn"):
        est.save(path)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["model.skrnn"]


def test_save_replaces_an_existing_file(models, tmp_path):
    path = tmp_path / "model.skrnn"
    models["regressor"][0].save(path)
    models["classifier"][0].save(path)
    assert type(BaseRNN.load(path)) is RNNClassifier
    assert os.listdir(tmp_path) == ["model.skrnn"]


def test_file_object_round_trip(models):
    est, X = models["classifier"]
    buffer = io.BytesIO()
    est.save(buffer)
    buffer.seek(0)
    assert_array_equal(
        RNNClassifier.load(buffer).predict_proba(X), est.predict_proba(X)
    )


def _other_backend():
    import keras

    current = keras.backend.backend()
    for backend in ("jax", "torch", "tensorflow"):
        if backend != current and importlib.util.find_spec(backend) is not None:
            return current, backend
    return current, None


def test_load_under_another_keras_backend(models, tmp_path):
    """A file saved under one backend loads under another; predictions agree
    to float32 rounding (each backend has its own kernels), not bit for bit."""
    current, other = _other_backend()
    if other is None:
        pytest.skip(
            f"needs a second Keras backend installed (jax or torch); only "
            f"{current} is importable"
        )
    expected = {}
    for kind, (est, X) in models.items():
        est.save(tmp_path / f"{kind}.skrnn")
        pd.to_pickle(X, tmp_path / f"{kind}.X.pkl")
        expected[kind] = outputs(est, X)[0]
    code = (
        "import sys, numpy as np, pandas as pd, keras\n"
        f"assert keras.backend.backend() == {other!r}\n"
        "from skrnn._keras.base import BaseRNN\n"
        "folder = sys.argv[1]\n"
        "for kind in sys.argv[2:]:\n"
        "    est = BaseRNN.load(f'{folder}/{kind}.skrnn')\n"
        "    X = pd.read_pickle(f'{folder}/{kind}.X.pkl')\n"
        "    clf = hasattr(est, 'classes_')\n"
        "    out = est.predict_proba(X) if clf else est.predict(X)\n"
        "    np.save(f'{folder}/{kind}.npy', out)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), *models],
        check=True,
        timeout=300,
        env={**os.environ, "KERAS_BACKEND": other},
    )
    for kind, array in expected.items():
        assert_allclose(np.load(tmp_path / f"{kind}.npy"), array, rtol=1e-5, atol=1e-6)
