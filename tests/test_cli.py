"""Tests for the ``skrnn`` command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skrnn.cli import main
from skrnn.cli._compare import _min_rows, _steps_per_fit
from skrnn.cli._keras_start import JAX_MIN_STEPS, _backend_choice
from skrnn.cli._main import _build_parser

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


def test_short_fits_stay_on_tensorflow():
    # the demo's fits (about 100 steps) cost more CPU on jax: compiling
    choice = dict(keras_imported=False, jax_installed=True, configured=None)
    backend, why = _backend_choice({}, steps_per_fit=100, **choice)
    assert backend is None and "short" in why
    assert _backend_choice({}, steps_per_fit=5000, **choice)[0] == "jax"
    args = _build_parser().parse_args(["compare"])  # the demo's settings
    assert _steps_per_fit(144, args) < JAX_MIN_STEPS


def test_networks_alike_count_their_steps_together():
    # with the command's compilation cache, networks of one shape compile once
    choice = dict(keras_imported=False, jax_installed=True, configured=None)
    backend, why = _backend_choice({}, steps_per_fit=100, networks=2, **choice)
    assert backend is None and "2 networks alike" in why
    backend, why = _backend_choice({}, steps_per_fit=100, networks=3, **choice)
    assert backend == "jax" and "3 networks alike share one compile" in why


def test_forecast_counts_members_and_calibration_copies():
    # the demo's forecast: 3 members, each fitted 3 times for the calibration
    # and once at the end, 140 steps each: jax (with its cache) over tensorflow
    from skrnn._forecast.look_back import network_members
    from skrnn.cli._forecast import network, networks_per_fit, steps_per_fit
    from skrnn.datasets import load_airline
    from skrnn.forecasting import WindowForecaster

    args = _build_parser().parse_args(["forecast"])
    rnn = network(args)
    probe = WindowForecaster(horizon=args.horizon, calibration=None)
    probe.fit(load_airline())
    members = network_members(probe, rnn.n_models, rnn.max_windows)
    assert members == 3
    assert networks_per_fit(rnn, probe, members) == 12
    assert networks_per_fit(rnn.set_params(calibration=None), probe, 1) == 1
    assert steps_per_fit(rnn, probe.n_windows_) < JAX_MIN_STEPS
    assert steps_per_fit(rnn, probe.n_windows_) * 12 >= JAX_MIN_STEPS


def test_private_compilation_cache_is_removed_at_exit(tmp_path, monkeypatch):
    # the command's JAX cache is a new folder of its own, removed at exit;
    # where a cache was chosen already, the new folder is not left behind
    import atexit

    import skrnn._keras.backend as backend
    from skrnn.cli._keras_start import _private_compilation_cache

    exits, chosen = [], []
    monkeypatch.setattr(atexit, "register", lambda f, *a, **k: exits.append((f, a, k)))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr(
        backend, "use_jax_compilation_cache", lambda d: chosen.append(d) or True
    )
    assert _private_compilation_cache()
    folder = Path(chosen[0])
    assert folder.parent == tmp_path and folder.is_dir()
    (folder / "program").write_bytes(b"compiled")
    function, args, kwargs = exits[0]
    function(*args, **kwargs)
    assert not folder.exists()

    monkeypatch.setattr(backend, "use_jax_compilation_cache", lambda d: False)
    assert not _private_compilation_cache()
    assert list(tmp_path.iterdir()) == [] and len(exits) == 1


def test_command_on_jax_caches_its_programs_in_a_private_folder(tmp_path):
    # a real process: the cache is set to a new folder that exists while the
    # command runs and is gone once it exits
    pytest.importorskip("jax")
    code = (
        "import jax, os\n"
        "from skrnn.cli._keras_start import _start_keras\n"
        "_start_keras()\n"
        "print(jax.config.jax_compilation_cache_dir)\n"
        "print(os.path.isdir(jax.config.jax_compilation_cache_dir))\n"
    )
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith("JAX_COMPILATION")
    }
    environ.update(KERAS_BACKEND="jax", TMPDIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    folder, existed = result.stdout.split()[-2:]
    assert Path(folder).parent == tmp_path and existed == "True"
    assert not Path(folder).exists()


def test_python_dash_m_skrnn():
    result = subprocess.run(
        [sys.executable, "-m", "skrnn", "compare", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--look-back" in result.stdout and "--time-col" in result.stdout


# -- real files: season, columns, separators, gaps, metrics, plot ---------------


def _frame(n_rows, freq, season, seed=0, **extra):
    rng = np.random.default_rng(seed)
    t = np.arange(n_rows)
    value = (
        10 + 0.05 * t + 3 * np.sin(2 * np.pi * t / season) + rng.normal(0, 0.3, n_rows)
    )
    dates = pd.date_range("2000-01-01", periods=n_rows, freq=freq)
    return pd.DataFrame(
        {"date": dates.strftime("%Y-%m-%d"), "value": value.round(3), **extra}
    )


def _baselines_only(path, *extra):
    """Arguments of a run without networks (fast): Ridge and the naive forecasts."""
    return [
        "compare",
        str(path),
        "--target",
        "value",
        "--time-col",
        "date",
        "--cells",
        "--look-back",
        "4",
        "--splits",
        "2",
        *extra,
    ]


@pytest.mark.parametrize(
    "freq, n_rows, expected",
    [
        ("W-SUN", 200, "Season: 52 (weekly time index"),
        ("QS", 40, "Season: 4 (quarterly time index"),
        ("YS", 40, "Season: none (yearly time index"),
        ("D", 60, "Season: 7 (daily time index"),
    ],
)
def test_season_comes_from_the_time_index(freq, n_rows, expected, tmp_path, capsys):
    path = tmp_path / "data.csv"
    _frame(n_rows, freq, season=4).to_csv(path, index=False)
    status = main([*_baselines_only(path), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert expected in captured.out
    models = set(pd.read_csv(tmp_path / "out" / "leaderboard.csv")["model"])
    assert ("seasonal naive" in models) == (freq != "YS")
    # --season overrides
    assert (
        main([*_baselines_only(path), "--season", "3", "--out", str(tmp_path / "o")])
        == 0
    )
    assert "Season: 3 (set by --season)" in capsys.readouterr().out


def test_other_numeric_columns_are_named_and_features_use_them(tmp_path, capsys):
    rng = np.random.default_rng(0)
    frame = _frame(
        60, "MS", season=12, cons=rng.normal(size=60), inv=rng.normal(size=60)
    )
    path = tmp_path / "macro.csv"
    frame.to_csv(path, index=False)
    assert main([*_baselines_only(path), "--out", str(tmp_path / "a")]) == 0
    assert "Ignored columns: cons, inv (--features uses them" in capsys.readouterr().out
    status = main(
        [
            *_baselines_only(path, "--features", "cons", "inv"),
            "--out",
            str(tmp_path / "b"),
        ]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Inputs: 'value' and --features cons, inv" in captured.out
    assert "Ignored" not in captured.out
    # the baselines forecast the target, not the first feature
    board = pd.read_csv(tmp_path / "b" / "leaderboard.csv").set_index("model")
    single = pd.read_csv(tmp_path / "a" / "leaderboard.csv").set_index("model")
    assert board.loc["persistence", "rmse_mean"] == pytest.approx(
        single.loc["persistence", "rmse_mean"]
    )


def test_semicolons_and_decimal_commas_are_detected(tmp_path, capsys):
    frame = _frame(60, "MS", season=12)
    path = tmp_path / "semicolon.csv"
    frame.to_csv(path, index=False, sep=";", decimal=",")
    assert main([*_baselines_only(path), "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "with --sep ';' --decimal ',' (detected)" in out
    expected = pd.read_csv(tmp_path / "a" / "leaderboard.csv")
    path.write_text(frame.to_csv(index=False, sep="|"))
    assert (
        main([*_baselines_only(path, "--sep", "|"), "--out", str(tmp_path / "b")]) == 0
    )
    again = pd.read_csv(tmp_path / "b" / "leaderboard.csv")
    assert_rmse = expected.set_index("model")["rmse_mean"]
    assert again.set_index("model")["rmse_mean"].to_dict() == pytest.approx(
        assert_rmse.to_dict()
    )


def test_fill_fills_gaps_and_says_how_many(tmp_path, capsys):
    frame = _frame(60, "MS", season=12).astype(object)
    frame.loc[[5, 6], "value"] = ""
    frame = frame.drop(index=[20])  # a missing month
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    assert main([*_baselines_only(path), "--out", str(tmp_path / "a")]) == 2
    error = capsys.readouterr().err
    assert "missing value" in error and "line 7" in error and "--fill" in error
    status = main(
        [*_baselines_only(path, "--fill", "interpolate"), "--out", str(tmp_path / "b")]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "Filled 3 missing values (--fill interpolate)" in captured.out
    assert "Data: " in captured.out and "60 rows" in captured.out


def test_zeros_leave_mape_out_and_the_csv_holds_what_is_printed(tmp_path, capsys):
    frame = _frame(60, "MS", season=12)
    frame.loc[::7, "value"] = 0.0
    path = tmp_path / "zeros.csv"
    frame.to_csv(path, index=False)
    assert main([*_baselines_only(path), "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "MAPE left out" in out
    board = pd.read_csv(tmp_path / "a" / "leaderboard.csv")
    assert "mape_mean" not in board and {"smape_mean", "mase_mean"} <= set(board)
    assert np.isfinite(board[["smape_mean", "mase_mean"]]).all().all()
    # without zeros, MAPE is shown, in percent in the table and in the file
    _frame(60, "MS", season=12).to_csv(path, index=False)
    assert main([*_baselines_only(path), "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    board = pd.read_csv(tmp_path / "b" / "leaderboard.csv").set_index("model")
    row = next(line for line in out.splitlines() if " persistence " in line)
    printed = [float(cell) for cell in row.split() if cell.replace(".", "").isdigit()]
    assert any(
        v == pytest.approx(board.loc["persistence", "mape_mean"], abs=0.01)
        for v in printed
    )
    assert board.loc["persistence", "mape_mean"] > 1  # percent, not a fraction


def test_forecast_figure_shows_the_baselines_fold_and_axis():
    from skrnn.cli._compare import _forecast_figure

    index = pd.date_range("2000-01-01", periods=40, freq="MS", name="month")
    series = pd.Series(np.arange(40.0), index=index, name="value")
    test = np.arange(30, 39)
    baselines = {
        "persistence": series.to_numpy()[test],
        "seasonal naive": series.to_numpy()[test] - 1,
    }
    figure = _forecast_figure(
        series, series.to_numpy()[test + 1], test, "LSTM", 1, baselines, 5
    )
    ax = figure.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("persistence" in label for label in labels)
    assert any("seasonal naive" in label for label in labels)
    assert "fold 5 of 5" in ax.get_title()
    assert ax.get_xlabel() == "month"


def test_forecast_figure_of_a_long_fold_zooms_and_draws_the_truth_on_top():
    from skrnn.cli._compare import ZOOM_STEPS, _forecast_figure

    n = 400
    series = pd.Series(np.sin(np.arange(n) / 5.0), name="load")
    test = np.arange(n - 3 * ZOOM_STEPS - 1, n - 1)
    baselines = {"persistence": series.to_numpy()[test]}
    figure = _forecast_figure(
        series, series.to_numpy()[test + 1] + 0.1, test, "LSTM", 1, baselines
    )
    overview, closer = figure.axes
    assert "last 60 steps" in closer.get_title().replace(str(ZOOM_STEPS), "60")
    for ax in (overview, closer):
        truth, *forecasts = ax.get_lines()[: 1 + len(baselines) + 1]
        assert truth.get_label() == "truth"
        assert all(truth.get_zorder() > line.get_zorder() for line in forecasts)
    # the close-up shows the last steps only
    assert len(closer.get_lines()[0].get_xdata()) == ZOOM_STEPS
    short = _forecast_figure(
        series, series.to_numpy()[test[:20] + 1], test[:20], "LSTM", 1
    )
    assert len(short.axes) == 1


def test_version_and_input_errors_do_not_import_the_heavy_modules(tmp_path):
    code = (
        "import sys; from skrnn.cli import main; status = main(sys.argv[1:]); "
        "heavy = [m for m in ('keras', 'sklearn', 'tensorflow', 'jax', 'pandas') "
        "if m in sys.modules]; "
        "print('heavy:', heavy); sys.exit(status)"
    )
    for argv, status in [
        (["--version"], 0),
        (["compare", str(tmp_path / "no.csv")], 2),
    ]:
        result = subprocess.run(
            [sys.executable, "-c", code, *argv],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == status, result.stderr
        assert "heavy: []" in result.stdout


def test_native_stderr_is_quiet_in_the_block(capfd, monkeypatch):
    from skrnn.cli._keras_start import _quiet_native_stderr

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    with _quiet_native_stderr():
        os.write(2, b"Could not find cuda drivers\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


# -- panels: --id-col -----------------------------------------------------------


def _panel(lengths=(40, 36, 44), steps=False, seed=0):
    rng = np.random.default_rng(seed)
    frames = []
    for k, n_rows in enumerate(lengths):
        t = np.arange(n_rows)
        times = (
            t
            if steps
            else pd.date_range("2015-01-01", periods=n_rows, freq="QS").strftime(
                "%Y-%m-%d"
            )
        )
        value = 50 * (k + 1) + 0.5 * t + 5 * np.sin(np.pi * t / 2)
        frames.append(
            pd.DataFrame(
                {
                    "id": f"series {k}",
                    "when": times,
                    "value": (value + rng.normal(0, 0.5, n_rows)).round(2),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_compare_id_col_writes_the_m4_leaderboard_per_series_and_plot(tmp_path, capsys):
    path = tmp_path / "panel.csv"
    _panel().to_csv(path, index=False)
    out = tmp_path / "out"
    argv = ["compare", str(path), "--id-col", "id", "--time-col", "when"]
    status = main(
        [*argv, "--cells", "--horizon", "4", "--splits", "2", "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "3 series of 'value'" in captured.out and "Season 4" in captured.out
    board = pd.read_csv(out / "leaderboard.csv", index_col="rank")
    models = ["Ridge", "naive", "seasonal naive (4)", "Naive2"]
    assert sorted(board["model"]) == sorted(models)
    assert {"smape", "mase", "owa", "coverage", "msis"} <= set(board.columns)
    assert board["owa"].is_monotonic_increasing
    naive2 = board.set_index("model").loc["Naive2"]
    assert naive2["owa"] == pytest.approx(1.0) and np.isnan(naive2["coverage"])
    per_series = pd.read_csv(out / "per_series.csv")
    # the pooled coverage lies between the worst and best covered series'
    ridge = board.set_index("model").loc["Ridge"]
    assert ridge["coverage_min"] <= ridge["coverage"] <= ridge["coverage_max"]
    covered = per_series[per_series["model"] == "Ridge"]["coverage"]
    assert ridge["coverage_median"] == pytest.approx(covered.median())
    assert per_series.columns.tolist()[:4] == ["id", "model", "smape", "mase"]
    assert len(per_series) == 3 * len(models)
    assert set(per_series["id"]) == {"series 0", "series 1", "series 2"}
    # the panel's sMAPE is the mean over every series' forecasts (same count each)
    ridge = per_series[per_series["model"] == "Ridge"]
    assert ridge["smape"].mean() == pytest.approx(
        board.set_index("model").loc["Ridge", "smape"]
    )
    assert (out / "forecast.png").read_bytes().startswith(PNG_MAGIC)
    for header in ("sMAPE %", "MASE", "OWA", "coverage", "cov min", "MSIS"):
        assert header in captured.out


def test_compare_id_col_on_the_shipped_panel_with_integer_steps(tmp_path, capsys):
    # no file: the shipped US employment panel
    out = tmp_path / "a"
    argv = ["compare", "--id-col", "unique_id", "--cells", "--horizon", "6"]
    assert main([*argv, "--splits", "2", "--out", str(out)]) == 0
    assert "15 series of 'y'" in capsys.readouterr().out
    # Ridge, the naive and seasonal naive forecasts and Naive2, on every series
    assert len(pd.read_csv(out / "per_series.csv")) == 15 * 4
    # whole numbers below 1000 are steps, not years: the index says nothing of
    # the season, the data does (a cycle of 4 steps)
    path = tmp_path / "steps.csv"
    _panel(steps=True).to_csv(path, index=False)
    argv = ["compare", str(path), "--id-col", "id", "--time-col", "when", "--cells"]
    assert main([*argv, "--splits", "2", "--out", str(tmp_path / "b")]) == 0
    assert "Season 4 (found in the data" in capsys.readouterr().out
    board = pd.read_csv(tmp_path / "b" / "leaderboard.csv")
    assert "seasonal naive (4)" in set(board["model"])


def test_compare_id_col_finds_the_time_column_or_asks_for_it(tmp_path, capsys):
    path = tmp_path / "panel.csv"
    _panel().to_csv(path, index=False)
    argv = ["compare", str(path), "--id-col", "id", "--cells", "--splits", "2"]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    assert "Time column: 'when' (detected" in capsys.readouterr().out
    _panel().assign(note="x").to_csv(path, index=False)
    assert main([*argv, "--out", str(tmp_path / "b")]) == 2
    assert "--id-col needs --time-col" in capsys.readouterr().err
    # without --id-col, a panel's repeated dates point to it
    argv = ["compare", str(path), "--time-col", "when", "--target", "value"]
    assert main([*argv, "--out", str(tmp_path / "c")]) == 2
    assert "--id-col names their column" in capsys.readouterr().err


def test_compare_id_col_refuses_a_date_repeated_in_a_series(tmp_path, capsys):
    frame = _panel()
    frame.loc[3, "when"] = frame.loc[2, "when"]
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    argv = ["compare", str(path), "--id-col", "id", "--time-col", "when"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "duplicate date" in err and "for series 'series 0'" in err
    assert "line 5" in err


def test_compare_id_col_backtests_each_combination_given():
    from skrnn.cli._panel import _networks

    parser = _build_parser()
    args = parser.parse_args(["compare", "--cells", "gru", "--units", "4", "8"])
    models = _networks(args, 12, {"id_col": "id"})
    assert list(models) == ["GRU units=4", "GRU units=8"]
    assert models["GRU units=8"].get_params()["look_back"] == "auto"
    # left out, the options are the forecaster's defaults, not the grid's
    args = parser.parse_args(["compare", "--cells", "lstm"])
    (network,) = _networks(args, 12, {}).values()
    assert network.units == 32 and network.learning_rate == 0.001
