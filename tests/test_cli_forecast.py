"""Tests for ``skrnn forecast``."""

import os
import re

import numpy as np
import pandas as pd
import pytest

from skrnn.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# one small network (not the default ensemble of three): these tests are not about it
TINY = ["--epochs", "2", "--units", "4", "--n-models", "1", "--origins", "2"]
ONE_EPOCH = ["--epochs", "1", "--units", "4", "--n-models", "1"]


@pytest.fixture(autouse=True)
def _keras_backend(monkeypatch):
    # main() may choose jax when KERAS_BACKEND is unset; a test process keeps
    # whatever backend it has
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "tensorflow"))


def _weekly_csv(path, n_rows=90, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_rows)
    frame = pd.DataFrame(
        {
            "week": pd.date_range("2021-01-04", periods=n_rows, freq="W-MON").strftime(
                "%Y-%m-%d"
            ),
            "sales": (50 + 0.2 * t + rng.normal(0, 2, n_rows)).round(2),
            "price": rng.normal(10, 1, n_rows).round(2),
        }
    )
    # rows out of order: the command sorts them by --time-col
    frame.iloc[::-1].to_csv(path, index=False)
    return frame


def test_forecast_writes_the_next_values_and_a_plot(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["forecast", "--horizon", "6", "--out", str(out), *TINY]) == 0
    table = pd.read_csv(out / "forecast.csv")
    assert table.columns.tolist() == ["ds", "y_pred", "y_lower", "y_upper"]
    assert table["ds"].tolist()[:2] == ["1961-01-01", "1961-02-01"]
    assert len(table) == 6
    assert np.all(table["y_lower"] < table["y_pred"])
    assert np.all(table["y_pred"] < table["y_upper"])
    assert (out / "forecast.png").read_bytes()[:8] == PNG_MAGIC
    printed = capsys.readouterr().out
    assert "Season 12 (from the index)" in printed
    backtest = next(line for line in printed.splitlines() if "Backtest" in line)
    for name in ("RNNForecaster", "Ridge", "naive", "seasonal naive (12)"):
        assert name in backtest


def test_forecast_reads_a_csv_with_past_covariates(tmp_path, capsys):
    frame = _weekly_csv(tmp_path / "sales.csv")
    argv = [
        "forecast",
        str(tmp_path / "sales.csv"),
        "--target",
        "sales",
        "--time-col",
        "week",
        "--features",
        "price",
        "--horizon",
        "4",
        "--coverage",
        "0.8",
        "--out",
        str(tmp_path / "out"),
        *TINY,
    ]
    assert main(argv) == 0
    table = pd.read_csv(tmp_path / "out" / "forecast.csv")
    last = pd.Timestamp(frame["week"].iloc[-1])
    assert pd.Timestamp(table["ds"].iloc[0]) == last + pd.Timedelta(weeks=1)
    printed = capsys.readouterr().out
    assert "past covariates ['price']" in printed
    assert "80% interval" in printed


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--coverage", "1.5"], "not between 0 and 1"),
        (["--features", "nope"], "column 'nope' (--features) not found"),
        (["--horizon", "80"], "too few to backtest 3 origins of 80 steps"),
        (["--horizon", "95", "--origins", "1"], "too short a history"),
    ],
)
def test_bad_input_ends_with_one_line_and_status_2(tmp_path, capsys, extra, message):
    _weekly_csv(tmp_path / "sales.csv")
    argv = [
        "forecast",
        str(tmp_path / "sales.csv"),
        "--target",
        "sales",
        "--time-col",
        "week",
        "--out",
        str(tmp_path / "out"),
        *extra,
    ]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_irregular_dates_are_refused_with_advice(tmp_path, capsys):
    frame = _weekly_csv(tmp_path / "sales.csv")
    frame.drop(index=[10, 11]).to_csv(tmp_path / "gaps.csv", index=False)
    argv = ["forecast", str(tmp_path / "gaps.csv"), "--target", "sales"]
    argv += ["--time-col", "week", "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "misses 2 timestamp(s)" in err
    assert "--fill interpolate" in err


# -- --model: the backtest's winner, or one forced ----------------------------------


def _trend_csv(path, n_rows=72, seed=0):
    """A monthly straight line with a little noise: Ridge's, not the season's."""
    noise = np.random.default_rng(seed).normal(0, 0.1, n_rows)
    months = pd.date_range("2015-01-01", periods=n_rows, freq="MS")
    values = (50 + 2.0 * np.arange(n_rows) + noise).round(3)
    pd.DataFrame({"month": months.strftime("%Y-%m-%d"), "sales": values}).to_csv(
        path, index=False
    )
    return pd.Series(values, index=months, name="sales")


def _run_model(tmp_path, capsys, model, *extra):
    y = _trend_csv(tmp_path / "trend.csv")
    argv = ["forecast", str(tmp_path / "trend.csv"), "--target", "sales"]
    # the network alone: started at Ridge's fit, the linear skip would tie
    # Ridge on a straight line, and these tests need a clear winner
    argv += ["--time-col", "month", "--horizon", "4", *TINY, "--no-linear-skip"]
    argv += extra
    argv += ["--out", str(tmp_path / "out"), *(["--model", model] if model else [])]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    line = next(line for line in printed.splitlines() if line.startswith("Forecast:"))
    return y, line, pd.read_csv(tmp_path / "out" / "forecast.csv")


def _seasons(y):
    from skrnn.forecasting import WindowForecaster

    probe = WindowForecaster(horizon=4, calibration=None).fit(y)
    return probe.seasons_ or 1


def _assert_writes(table, forecast):
    for column in ("y_pred", "y_lower", "y_upper"):
        np.testing.assert_allclose(table[column], forecast[column], rtol=1e-6)


def test_model_auto_forecasts_with_the_backtests_winner(tmp_path, capsys):
    from skrnn.forecasting import WindowForecaster

    y, line, table = _run_model(tmp_path, capsys, None)
    assert line.startswith("Forecast: Ridge, backtest MASE ")
    assert "against RNNForecaster " in line and ", naive " in line
    assert " and seasonal naive (12) " in line
    assert line.endswith("(--model rnn forces the network)")
    ridge = WindowForecaster(horizon=4, season=_seasons(y)).fit(y)
    _assert_writes(table, ridge.predict(coverage=0.9))


def test_model_rnn_forces_the_network(tmp_path, capsys):
    from skrnn.forecasting import RNNForecaster

    y, line, table = _run_model(tmp_path, capsys, "rnn")
    assert line.startswith("Forecast: RNNForecaster, backtest MASE ")
    assert line.endswith("(--model rnn; --model auto picks Ridge)")
    rnn = RNNForecaster(
        4, season=_seasons(y), epochs=2, units=4, n_models=1, random_state=0
    ).set_params(linear_skip=False)
    _assert_writes(table, rnn.fit(y).predict(coverage=0.9))


def test_n_models_averages_that_many_networks(tmp_path, capsys):
    from skrnn.forecasting import RNNForecaster

    y, line, table = _run_model(tmp_path, capsys, "rnn", "--n-models", "2")
    assert line.startswith("Forecast: RNNForecaster, backtest MASE ")
    rnn = RNNForecaster(
        4, season=_seasons(y), epochs=2, units=4, n_models=2, random_state=0
    ).set_params(linear_skip=False)
    _assert_writes(table, rnn.fit(y).predict(coverage=0.9))


def test_the_command_line_says_how_many_networks_are_averaged(tmp_path, capsys):
    from skrnn._forecast.look_back import network_members
    from skrnn.datasets import load_airline
    from skrnn.forecasting import WindowForecaster

    probe = WindowForecaster(horizon=12, calibration=None).fit(load_airline())
    assert network_members(probe, "auto", 50_000) == 3  # 109 windows
    assert network_members(probe, "auto", 200) == 1
    assert network_members(probe, 2, 200) == 2
    argv = ["forecast", "--horizon", "4", "--origins", "1", "--model", "naive"]
    argv += ["--epochs", "1", "--units", "4"]
    main([*argv, "--n-models", "2", "--out", str(tmp_path / "out")])
    assert ", look-back 24, 2 networks averaged, horizon 4," in capsys.readouterr().out


def test_model_snaive_repeats_the_last_season(tmp_path, capsys):
    y, line, table = _run_model(tmp_path, capsys, "snaive")
    assert line.startswith("Forecast: seasonal naive (12), backtest MASE ")
    np.testing.assert_allclose(table["y_pred"], y.to_numpy()[-12:-8])


def test_model_naive_repeats_the_last_value(tmp_path, capsys):
    y, line, table = _run_model(tmp_path, capsys, "naive")
    assert line.startswith("Forecast: naive, backtest MASE ")
    np.testing.assert_allclose(table["y_pred"], np.full(4, y.to_numpy()[-1]))


def test_a_random_walk_is_forecast_by_its_last_value(tmp_path, capsys):
    # a monthly random walk: the seasonal naive forecast is no yardstick, the
    # last value is, and it wins the backtest
    steps = np.random.default_rng(3).normal(0, 1, 96)
    months = pd.date_range("2010-01-01", periods=96, freq="MS")
    pd.DataFrame({"month": months, "price": 100 + steps.cumsum()}).to_csv(
        tmp_path / "walk.csv", index=False
    )
    argv = ["forecast", str(tmp_path / "walk.csv"), "--target", "price"]
    argv += ["--horizon", "6", *TINY, "--out", str(tmp_path / "out")]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    backtest = next(line for line in printed.splitlines() if "Backtest" in line)
    scores = dict(re.findall(r"(naive|seasonal naive \(\d+\)) (\d+\.\d+)", backtest))
    assert float(scores["naive"]) < float(scores["seasonal naive (12)"])
    # not seasonal at 12: the network's window covers the cycle, Ridge's does not
    assert "look-back 8 (the network's 12), horizon 6" in printed


def test_model_snaive_without_a_season_is_refused(tmp_path, capsys):
    pd.DataFrame({"value": np.arange(40.0) % 7}).to_csv(tmp_path / "s.csv", index=False)
    argv = ["forecast", str(tmp_path / "s.csv"), "--target", "value", "--season", "1"]
    argv += ["--horizon", "2", *TINY, "--model", "snaive", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "the data have no season" in capsys.readouterr().err


def test_model_weighted_blends_the_three_by_their_backtest(tmp_path, capsys):
    from skrnn.forecasting import WindowForecaster

    y, line, table = _run_model(tmp_path, capsys, "weighted")
    assert line.startswith("Forecast: a combination weighted by backtest accuracy, ")
    shares = [int(x) for x in re.findall(r" (\d+)% \(MASE", line)]
    assert len(shares) == 4 and abs(sum(shares) - 100) <= 2
    # Ridge, the best on a straight line, weighs the most
    assert re.search(r"^Forecast: [^,]+, Ridge \d+%", line)
    ridge = WindowForecaster(horizon=4, season=_seasons(y)).fit(y).predict()
    assert not np.allclose(table["y_pred"], ridge.to_numpy())


# -- panels: --id-col -----------------------------------------------------------


def _panel_csv(path, lengths=(48, 40, 44), seed=0):
    """A long monthly panel, series of different lengths and ends, rows shuffled."""
    rng = np.random.default_rng(seed)
    frames = []
    for k, n_rows in enumerate(lengths):
        t = np.arange(n_rows)
        frames.append(
            pd.DataFrame(
                {
                    "store": f"s{k}",
                    "month": pd.date_range(
                        f"201{k}-01-01", periods=n_rows, freq="MS"
                    ).strftime("%Y-%m-%d"),
                    "sales": (
                        100 * (k + 1)
                        + t
                        + 10 * np.sin(2 * np.pi * t / 12)
                        + rng.normal(0, 1, n_rows)
                    ).round(2),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame.sample(frac=1, random_state=seed).to_csv(path, index=False)
    return frame


PANEL = ["--id-col", "store", "--time-col", "month", "--target", "sales"]


def test_forecast_id_col_continues_every_series(tmp_path, capsys):
    frame = _panel_csv(tmp_path / "panel.csv")
    out = tmp_path / "out"
    argv = ["forecast", str(tmp_path / "panel.csv"), *PANEL, "--horizon", "3"]
    argv += [*ONE_EPOCH, "--origins", "1", "--out", str(out)]
    assert main(argv) == 0
    table = pd.read_csv(out / "forecast.csv", parse_dates=["ds"])
    columns = ["unique_id", "ds", "y_pred", "y_lower", "y_upper"]
    assert table.columns.tolist() == columns
    assert table.groupby("unique_id").size().to_dict() == {"s0": 3, "s1": 3, "s2": 3}
    for store, rows in table.groupby("unique_id"):
        last = pd.Timestamp(frame.loc[frame["store"] == store, "month"].max())
        expected = pd.date_range(last, periods=4, freq="MS")[1:]
        assert rows["ds"].tolist() == expected.tolist()
    assert np.all(table["y_lower"] <= table["y_pred"])
    assert np.all(table["y_pred"] <= table["y_upper"])
    assert (out / "forecast.png").read_bytes()[:8] == PNG_MAGIC
    printed = capsys.readouterr().out
    assert "3 series of 'sales'" in printed and "40 to 48 rows" in printed
    backtest = next(line for line in printed.splitlines() if "Backtest" in line)
    for name in ("RNNForecaster", "Ridge", "seasonal naive (12)", "Naive2 "):
        assert name in backtest


def test_forecast_id_col_says_when_the_network_falls_back(
    tmp_path, capsys, monkeypatch
):
    from skrnn._forecast import calibration

    _panel_csv(tmp_path / "panel.csv")
    argv = ["forecast", str(tmp_path / "panel.csv"), *PANEL, "--horizon", "3"]
    argv += [*ONE_EPOCH, "--origins", "1", "--model", "rnn", "--season", "1"]
    # the last candidate chosen whatever the errors: the drift, at season 1
    monkeypatch.setattr(calibration, "best_candidate", lambda errors: len(errors) - 1)
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "RNNForecaster: its calibration forecasts favoured the last value" in printed
    assert main([*argv, "--no-naive-fallback", "--out", str(tmp_path / "o2")]) == 0
    assert "favoured the ridge regression" in capsys.readouterr().out


def test_forecast_id_col_uses_the_model_chosen(tmp_path, capsys):
    frame = _panel_csv(tmp_path / "panel.csv")
    out = tmp_path / "out"
    argv = ["forecast", str(tmp_path / "panel.csv"), *PANEL, "--horizon", "3"]
    # the network alone: with the linear skip it ties Ridge on some series,
    # and the line below is that of one winner for the whole panel
    argv += [*ONE_EPOCH, "--no-linear-skip", "--origins", "1", "--out", str(out)]
    assert main([*argv, "--model", "snaive"]) == 0
    line = next(
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Forecast:")
    )
    assert line.startswith("Forecast: seasonal naive (12), backtest MASE ")
    table = pd.read_csv(out / "forecast.csv")
    for store, rows in table.groupby("unique_id"):
        sales = frame[frame["store"] == store].sort_values("month")["sales"]
        np.testing.assert_allclose(rows["y_pred"], sales.to_numpy()[-12:-9])
    assert main(argv) == 0  # --model auto: the lowest MASE of the three
    line = next(
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Forecast:")
    )
    scores = [float(x) for x in re.findall(r" (\d+\.\d{3})\b", line)]
    assert len(scores) == 4 and scores[0] == min(scores)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--id-col", "shop"], "column 'shop' (--id-col) not found"),
        (
            [*PANEL, "--horizon", "12", "--origins", "4"],
            "series 's1' has 40 rows (and 2 more series), too few to backtest 4 "
            "origins of 12 steps",
        ),
        ([*PANEL, "--features", "store"], "--features 'store' is the id column"),
    ],
)
def test_panel_input_errors_name_the_column_or_series(tmp_path, capsys, extra, message):
    _panel_csv(tmp_path / "panel.csv")
    argv = ["forecast", str(tmp_path / "panel.csv"), "--out", str(tmp_path / "out")]
    assert main([*argv, *extra]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


# -- what a newcomer meets ----------------------------------------------------------


def test_panel_tables_print_plain_numbers(tmp_path, capsys):
    from skrnn.datasets import load_us_employment

    # US employment, the series of five digits (thousands of jobs) first
    panel = load_us_employment()
    big = panel["unique_id"].isin(["government", "education_and_health_services"])
    pd.concat([panel[big], panel[~big]]).to_csv(tmp_path / "jobs.csv", index=False)
    argv = ["forecast", str(tmp_path / "jobs.csv"), "--id-col", "unique_id"]
    argv += ["--horizon", "2", *ONE_EPOCH, "--origins", "1"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "e+0" not in printed
    table = pd.read_csv(tmp_path / "out" / "forecast.csv")
    assert table.columns.tolist() == ["unique_id", "ds", "y_pred", "y_lower", "y_upper"]
    assert f"{table['y_pred'].iloc[0]:.0f}" in printed


def test_the_short_series_note_names_the_look_back_used(tmp_path, capsys):
    # the first backtest origin's history resolves a shorter look-back (16)
    # than the whole panel's (22): the note is about the one used
    _panel_csv(tmp_path / "panel.csv", lengths=(50, 50, 50, 26))
    argv = ["forecast", str(tmp_path / "panel.csv"), *PANEL, "--horizon", "6"]
    argv += [*ONE_EPOCH, "--origins", "2"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    # the network's look-back, where it differs from the linear models'
    found = re.search(r"look-back (\d+)(?: \(the network's (\d+)\))?,", printed)
    look_back = int(found.group(2) or found.group(1))
    for line in printed.splitlines():
        if "fewer steps than look_back" in line:
            assert f"look_back={look_back}:" in line


def test_cli_warnings_are_one_line_without_a_source_path(tmp_path, capsys, monkeypatch):
    import warnings

    import skrnn.cli._forecast

    load = skrnn.cli._forecast._load_data

    def load_and_warn(args):
        warnings.warn("something to know\nabout the data", UserWarning, stacklevel=1)
        return load(args)

    monkeypatch.setattr(skrnn.cli._forecast, "_load_data", load_and_warn)
    shown = warnings.showwarning
    argv = ["forecast", "--horizon", "2", "--out", str(tmp_path / "out"), *TINY]
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(argv) == 0
    err = capsys.readouterr().err
    assert "skrnn: warning: something to know about the data\n" in err
    assert ".py:" not in err
    assert warnings.showwarning is shown


@pytest.mark.parametrize(
    "name, times",
    [
        ("month", pd.date_range("1949-01", periods=144, freq="MS").strftime("%b %Y")),
        ("when", pd.date_range("1949-01", periods=144, freq="MS").strftime("%Y-%m")),
        ("year", np.arange(1800, 1944)),
    ],
)
def test_a_time_column_is_found_without_time_col(tmp_path, capsys, name, times):
    from skrnn.datasets import load_airline

    values = load_airline().to_numpy()
    frame = pd.DataFrame({name: times, "passengers": values})
    frame.to_csv(tmp_path / "air.csv", index=False)
    argv = ["forecast", str(tmp_path / "air.csv"), "--horizon", "2"]
    assert main([*argv, "--out", str(tmp_path / "out"), *TINY]) == 0
    printed = capsys.readouterr().out
    assert f"Time column: {name!r} (detected; --time-col sets it)" in printed
    table = pd.read_csv(tmp_path / "out" / "forecast.csv")
    first = "1961-01-01" if name != "year" else "1944-01-01"
    assert table["ds"].iloc[0] == first


def test_a_column_of_small_numbers_named_like_times_is_not_taken_for_years(
    tmp_path, capsys
):
    frame = pd.DataFrame({"day": np.arange(1, 61), "sales": np.arange(60.0) % 7})
    frame.to_csv(tmp_path / "days.csv", index=False)
    argv = ["forecast", str(tmp_path / "days.csv"), "--target", "sales"]
    assert main([*argv, "--horizon", "2", "--out", str(tmp_path / "out"), *TINY]) == 0
    assert "Time column" not in capsys.readouterr().out


def test_forecast_id_col_picks_each_series_winner(tmp_path):
    # series "line" is a straight line (Ridge's), "loop" repeats a year
    # exactly (the seasonal naive forecast's)
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    pattern = np.random.default_rng(0).uniform(10, 20, 12)
    frame = pd.concat(
        [
            pd.DataFrame(
                {"store": "line", "month": months, "sales": 50 + 2.0 * np.arange(60)}
            ),
            pd.DataFrame(
                {"store": "loop", "month": months, "sales": np.tile(pattern, 5)}
            ),
        ]
    )
    frame.to_csv(tmp_path / "mixed.csv", index=False)
    out = tmp_path / "out"
    argv = ["forecast", str(tmp_path / "mixed.csv"), *PANEL, "--horizon", "3"]
    argv += [*ONE_EPOCH, "--origins", "2", "--out", str(out)]
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(argv) == 0
    line = next(
        line for line in printed.getvalue().splitlines() if line.startswith("Forecast:")
    )
    assert line.startswith("Forecast: each series by its own backtest winner, ")
    assert "seasonal naive (12) on 1" in line and "of 2 series" in line
    table = pd.read_csv(out / "forecast.csv")
    loop = table[table["unique_id"] == "loop"]
    np.testing.assert_allclose(loop["y_pred"], pattern[:3])


@pytest.mark.parametrize("name", ["linear_skip", "linear_fallback", "naive_fallback"])
@pytest.mark.parametrize("given, expected", [(None, True), ("", True), ("no-", False)])
def test_the_linear_flags_set_the_network(name, given, expected):
    from skrnn.cli._forecast import network
    from skrnn.cli._main import _build_parser

    flag = [] if given is None else [f"--{given}{name.replace('_', '-')}"]
    args = _build_parser().parse_args(["forecast", "data.csv", *flag])
    assert getattr(network(args), name) is expected


def test_the_fallback_is_said_when_the_network_uses_it(monkeypatch):
    from types import SimpleNamespace

    from skrnn._forecast import calibration
    from skrnn.cli._forecast import fallback_line
    from skrnn.forecasting import RNNForecaster

    y = np.sin(np.arange(120) / 3.0) + 5.0
    settings = {"horizon": 2, "look_back": 6, "n_models": 1, "epochs": 1}
    network = RNNForecaster(
        **settings, units=2, linear_fallback=False, naive_fallback=False
    ).fit(y)
    auto = SimpleNamespace(forecasters_={"RNN": network})
    assert network.forecast_method_ == "network" and fallback_line(auto) == ""
    # the last candidate chosen whatever the errors: the start, then the drift
    monkeypatch.setattr(calibration, "best_candidate", lambda errors: len(errors) - 1)
    network.set_params(linear_fallback=True).fit(y)
    assert "RNN: its calibration forecasts favoured the ridge" in fallback_line(auto)
    assert "(--no-linear-fallback keeps the network)" in fallback_line(auto)
    network.set_params(season=1, naive_fallback=True).fit(y)
    assert network.forecast_method_ == "drift"
    assert "favoured the last value plus its drift in the last 2 steps over the" in (
        fallback_line(auto)
    )
    assert "(--no-naive-fallback keeps the network)" in fallback_line(auto)
