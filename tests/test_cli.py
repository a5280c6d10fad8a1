"""Tests for the ``skrnn`` command line."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skrnn.cli import _backend_choice, _min_rows, main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _keras_backend(monkeypatch):
    # main() may choose jax when KERAS_BACKEND is unset; a test process keeps
    # whatever backend it has, whichever test happens to import Keras first
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "tensorflow"))


def _seasonal_frame(n_rows=48, season=4, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_rows)
    value = (
        10 + 0.1 * t + 3 * np.sin(2 * np.pi * t / season) + rng.normal(0, 0.3, n_rows)
    )
    dates = pd.date_range("2020-01-01", periods=n_rows, freq="D")
    return pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "value": value.round(3)})


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "series.csv"
    _seasonal_frame().to_csv(path, index=False)
    return path


def _tiny(*extra):
    """A grid small enough for a test: one window length, 4 units, 2 epochs."""
    return [
        "--look-back",
        "4",
        "--units",
        "4",
        "--season",
        "4",
        "--splits",
        "2",
        "--epochs",
        "2",
        *extra,
    ]


def test_compare_writes_leaderboard_and_forecast(csv_file, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["compare", str(csv_file), "--target", "value", "--time-col", "date"]
    status = main([*argv, *_tiny("--cells", "lstm", "gru", "--out", str(out))])

    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Keras backend: " in captured.out
    assert "Leaderboard" in captured.out and "seasonal naive" in captured.out

    board = pd.read_csv(out / "leaderboard.csv", index_col="rank")
    assert sorted(board["model"]) == sorted(
        ["LSTM", "GRU", "Ridge", "persistence", "seasonal naive"]
    )
    assert list(board.index) == [1, 2, 3, 4, 5]
    assert board["rmse_mean"].is_monotonic_increasing
    assert np.isfinite(board[["rmse_mean", "mae_mean", "mape_mean"]]).all().all()
    params = board.set_index("model")["best_params"].map(json.loads)
    assert params["LSTM"] == {
        "rnnregressor__units": 4,
        "slidingwindowtransformer__look_back": 4,
    }
    assert params["persistence"] == {}

    png = (out / "forecast.png").read_bytes()
    assert png.startswith(PNG_MAGIC)
    image = pytest.importorskip("matplotlib.image").imread(out / "forecast.png")
    height, width = image.shape[:2]
    assert 300 <= height <= 1000 and 600 <= width <= 2000


def test_multi_step_forecast_without_networks(csv_file, tmp_path, capsys):
    # --cells with no name leaves the networks out: the baselines run alone
    out = tmp_path / "out"
    argv = ["compare", str(csv_file), "--time-col", "date", "--horizon", "3"]
    status = main([*argv, *_tiny("--cells", "--out", str(out))])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "3 steps ahead" in captured.out and "gap=2" in captured.out
    board = pd.read_csv(out / "leaderboard.csv")
    assert sorted(board["model"]) == ["Ridge", "persistence", "seasonal naive"]
    assert (out / "forecast.png").read_bytes().startswith(PNG_MAGIC)


def test_season_longer_than_the_first_fold_is_left_out(csv_file, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["compare", str(csv_file), "--time-col", "date", "--cells"]
    status = main([*argv, "--season", "40", "--splits", "2", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "seasonal naive left out" in captured.out
    assert "seasonal naive" not in set(pd.read_csv(out / "leaderboard.csv")["model"])


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _short_csv(tmp_path):
    frame = _seasonal_frame(n_rows=12)
    return _write(tmp_path, frame.to_csv(index=False))


def _csv_with(tmp_path, row, column, value):
    frame = _seasonal_frame().astype(str)
    frame.loc[row, column] = value
    return _write(tmp_path, frame.to_csv(index=False))


BAD_INPUTS = {
    "missing file": (
        lambda tmp: [str(tmp / "nowhere.csv"), "--target", "value"],
        ["nowhere.csv", "not found"],
    ),
    "missing target column": (
        lambda tmp: [_csv_with(tmp, 0, "value", "1"), "--target", "sales"],
        ["'sales'", "--target", "not found", "date, value"],
    ),
    "non-numeric value": (
        lambda tmp: [_csv_with(tmp, 5, "value", "n/a?"), "--target", "value"],
        ["non-numeric value 'n/a?'", "'value'", "line 7"],
    ),
    "missing value": (
        lambda tmp: [_csv_with(tmp, 3, "value", ""), "--target", "value"],
        ["missing value", "line 5"],
    ),
    "too few rows": (
        lambda tmp: [_short_csv(tmp), "--target", "value", "--look-back", "12"],
        ["12 rows", "too few", "--look-back 12", "--splits 5"],
    ),
    "unparseable date": (
        lambda tmp: [
            _csv_with(tmp, 9, "date", "31st of Smarch"),
            "--target",
            "value",
            "--time-col",
            "date",
        ],
        ["unparseable date '31st of Smarch'", "'date'", "line 11"],
    ),
    "duplicate date": (
        lambda tmp: [
            _csv_with(tmp, 2, "date", "2020-01-01"),
            "--time-col",
            "date",
        ],
        ["duplicate date '2020-01-01'", "line 4"],
    ),
    "missing time column": (
        lambda tmp: [_csv_with(tmp, 0, "value", "1"), "--time-col", "when"],
        ["'when'", "--time-col", "not found"],
    ),
    "target needed": (
        lambda tmp: [_write(tmp, "a,b,c\n1,2,3\n")],
        ["--target is needed", "a, b, c"],
    ),
    "empty file": (lambda tmp: [_write(tmp, "")], ["is empty"]),
    "header only": (lambda tmp: [_write(tmp, "value\n")], ["no data rows"]),
    "a folder": (lambda tmp: [str(tmp)], ["is not a file"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_ends_with_one_line_and_status_2(case, tmp_path, capsys):
    make_argv, phrases = BAD_INPUTS[case]
    status = main(["compare", *make_argv(tmp_path), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.startswith("skrnn: error: ")
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n")
    assert "Traceback" not in captured.err
    for phrase in phrases:
        assert phrase in captured.err
    # refused before any work: nothing printed, no Keras started
    assert captured.out == ""
    assert not (tmp_path / "out").exists()


def test_min_rows_is_what_time_series_split_needs():
    from sklearn.model_selection import TimeSeriesSplit

    for look_back, splits, horizon in [(12, 5, 1), (6, 3, 1), (24, 5, 4), (1, 2, 1)]:
        rows = _min_rows(look_back, splits, horizon)
        for n_rows, fits in [(rows, True), (rows - 1, False)]:
            cv = TimeSeriesSplit(splits, gap=horizon - 1)
            n_samples = n_rows - horizon
            try:
                first_train = next(cv.split(np.zeros(n_samples)))[0]
            except ValueError:
                assert not fits
                continue
            assert (len(first_train) >= look_back) == fits


def test_shipped_series_refuses_another_target(capsys):
    assert main(["compare", "--target", "sales"]) == 2
    assert "'passengers'" in capsys.readouterr().err


def test_usage_errors(capsys):
    assert main([]) == 2
    assert "choose a command" in capsys.readouterr().err
    assert main(["compare", "--look-back", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err
    assert main(["compare", "--cells", "transformer"]) == 2
    assert main(["--version"]) == 0


@pytest.mark.parametrize(
    "environ, imported, jax, configured, expected",
    [
        ({"KERAS_BACKEND": "torch"}, False, True, None, (None, "KERAS_BACKEND")),
        ({}, True, True, None, (None, "already imported")),
        ({}, False, True, "torch", (None, "keras.json")),
        # Keras writes "tensorflow" to keras.json itself: not a choice
        ({}, False, True, "tensorflow", ("jax", "chosen by skrnn")),
        ({}, False, False, None, (None, "default")),
    ],
)
def test_backend_choice(environ, imported, jax, configured, expected):
    backend, why = _backend_choice(
        environ, keras_imported=imported, jax_installed=jax, configured=configured
    )
    assert backend == expected[0]
    assert expected[1] in why


def test_python_dash_m_skrnn():
    result = subprocess.run(
        [sys.executable, "-m", "skrnn", "compare", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--look-back" in result.stdout and "--time-col" in result.stdout
