"""The ``skrnn forecast`` command: the next values of a series, with an interval."""

import argparse
import math
import time
from typing import Any

# pandas, scikit-learn and Keras are imported in run_forecast: `skrnn
# --version` and a usage error must answer at once
from skrnn.cli._args import CommandError, _add_input_arguments, _coverage, _positive_int
from skrnn.cli._data import _load_data, _out_folder
from skrnn.cli._keras_start import _start_keras


def add_forecast_command(commands: Any) -> None:
    """Register ``skrnn forecast`` on the ``skrnn`` parser's subcommands."""
    forecast = commands.add_parser(
        "forecast",
        help="forecast the next values of a series with a prediction interval",
        description=(
            "Backtest the default RNNForecaster, Ridge, the naive and seasonal naive "
            "forecast on the same windows of a column of a CSV file (or, with "
            "no file, the airline passengers shipped with skrnn) from the last "
            "--origins origins, refit the one with the lowest MASE (or the one "
            "--model names) on all the data and forecast the --horizon steps "
            "after its last row with a --coverage interval. Writes forecast.csv "
            "(ds, y_pred, y_lower, y_upper) and forecast.png to --out. With "
            "--id-col the file is a panel of many series (one row per series "
            "and time): each model is fitted on all of them, the backtest "
            "adds M4's Naive2 and OWA, forecast.csv starts with the series id "
            "(unique_id) and forecast.png shows a few series."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    forecast.add_argument(
        "data",
        nargs="?",
        help="CSV file with a header row; default: the shipped airline series",
    )
    _add_input_arguments(forecast)
    forecast.add_argument(
        "--horizon",
        metavar="H",
        type=_positive_int,
        default=12,
        help="steps to forecast after the last row",
    )
    forecast.add_argument(
        "--coverage",
        metavar="C",
        type=_coverage,
        default=0.9,
        help="nominal coverage of the prediction interval",
    )
    forecast.add_argument(
        "--origins",
        metavar="K",
        type=_positive_int,
        default=3,
        help="backtest origins, one horizon apart, ending at the last row",
    )
    forecast.add_argument(
        "--model",
        choices=MODELS,
        default="auto",
        help=(
            "the model that forecasts: auto, the one with the lowest backtest "
            "MASE (of each series, with --id-col); weighted, all of them "
            "weighted by the inverse square of their backtest MASE; rnn, "
            "ridge, naive or snaive forces the network, Ridge, the last value "
            "or the seasonal naive forecast (all are backtested either way)"
        ),
    )
    forecast.add_argument(
        "--epochs",
        metavar="N",
        type=_positive_int,
        default=None,
        help="training epochs (default: RNNForecaster's)",
    )
    forecast.add_argument(
        "--units",
        metavar="U",
        type=_positive_int,
        default=None,
        help="recurrent units (default: RNNForecaster's)",
    )
    forecast.add_argument(
        "--n-models",
        metavar="N",
        type=_positive_int,
        default=None,
        help="networks trained from different seeds and averaged "
        "(default: RNNForecaster's)",
    )
    forecast.add_argument(
        "--linear-skip",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="add to the network a linear map of the window's last steps, "
        "started at their ridge regression (default: RNNForecaster's)",
    )
    forecast.add_argument(
        "--linear-fallback",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="forecast with that ridge regression alone when the calibration "
        "forecasts favour it over the trained network (default: RNNForecaster's)",
    )
    forecast.add_argument(
        "--naive-fallback",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="where the series are not seasonal, forecast the last value, or the "
        "last value plus its drift, when the calibration forecasts favour it "
        "over the network (default: RNNForecaster's)",
    )
    forecast.add_argument(
        "--seed", metavar="S", type=int, default=0, help="random seed of the network"
    )
    forecast.add_argument(
        "--out",
        metavar="DIR",
        default="skrnn-output",
        help="folder for forecast.csv and forecast.png",
    )
    forecast.set_defaults(run=run_forecast)


def network(args: argparse.Namespace, **columns: str) -> Any:
    """The RNNForecaster that --horizon, --season, --epochs, --units, --n-models,
    --linear-skip, --linear-fallback, --naive-fallback and --seed describe."""
    from skrnn.forecasting import RNNForecaster

    season = "auto" if args.season is None else args.season
    params = {"random_state": args.seed, "season": season, **columns}
    names = ("epochs", "units", "n_models", "linear_skip", "linear_fallback")
    for name in (*names, "naive_fallback"):
        if getattr(args, name) is not None:
            params[name] = getattr(args, name)
    return RNNForecaster(horizon=args.horizon, **params)


def first_season(probe: Any) -> int:
    """The shortest cycle (1: none): MASE's and Naive2's, as in M4."""
    return probe.seasons_[0] if probe.seasons_ else 1


def season_line(probe: Any) -> str:
    """Which seasons a fitted forecaster uses and where they come from."""
    origin = {
        "season": "--season",
        "index": "from the index",
        "data": "found in the data: the time column has no calendar step",
    }[probe.season_source_]
    if not probe.seasons_:
        return f"Season none ({origin})"
    cycles = ", ".join(map(str, probe.seasons_))
    if probe.season_ == 1:
        return (
            f"Season {cycles} ({origin}); forecasts anchored on the last value, "
            "whose naive forecast is the best in sample"
        )
    if len(probe.seasons_) == 1:
        return f"Season {probe.season_} ({origin})"
    return (
        f"Season {probe.season_} of the cycles {cycles} ({origin}; its seasonal "
        "naive forecast is the best in sample)"
    )


# the --model choices: the backtest's winner (per series on a panel), a
# combination weighted by the backtest, or one model forced
MODELS = ("auto", "weighted", "rnn", "ridge", "naive", "snaive")


def model_names(rivals: Any) -> dict:
    """--model's values to the names of the backtest's contenders."""
    from skrnn._selection.auto import NAIVE, RIDGE, RNN

    names = {"rnn": RNN, "ridge": RIDGE, "naive": NAIVE}
    seasonal = [name for name in rivals if name.startswith("seasonal naive")]
    return names | ({"snaive": seasonal[0]} if seasonal else {})


def selection_of(model: str, rivals: dict) -> str:
    """AutoForecaster's ``selection`` for --model."""
    if model in ("auto", "weighted"):
        return {"auto": "best", "weighted": "weighted"}[model]
    names = model_names(rivals)
    if model not in names:
        raise CommandError(
            "--model snaive: the data have no season, so there is no seasonal "
            "naive forecast (--season sets one)"
        )
    return names[model]


def _listed(parts: list) -> str:
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]


def fallback_line(auto: Any) -> str:
    """What the network forecasts with, when calibration chose something simpler."""
    from skrnn.forecasting import RNNForecaster

    naive = "--no-naive-fallback"
    said = {
        "linear start": (
            "the ridge regression its linear skip started from",
            "--no-linear-fallback",
        ),
        "last value": ("repeating the last value", naive),
        "drift": ("the last value plus its drift in the last {} steps", naive),
    }
    for name, fitted in auto.forecasters_.items():
        if isinstance(fitted, RNNForecaster) and fitted.forecast_method_ in said:
            what, flag = said[fitted.forecast_method_]
            return (
                f"{name}: its calibration forecasts favoured "
                f"{what.format(fitted.horizon)} over the "
                f"trained network; it forecasts with that ({flag} keeps the "
                "network)"
            )
    return ""


def said_choice(auto: Any, model: str) -> str:
    """:func:`choice_line`, and :func:`fallback_line` under it when there is one."""
    fallback = fallback_line(auto)
    return choice_line(auto, model) + (f"\n{fallback}" if fallback else "")


def choice_line(auto: Any, model: str) -> str:
    """Which model forecasts, and its backtest MASE against the others'.

    ``auto`` is the fitted AutoForecaster, ``model`` the --model given.
    """
    board, selected = auto.scores_, auto.selected_
    mase = dict(zip(board["model"], board["mase"], strict=True))
    flags = {name: flag for flag, name in model_names(mase).items()}
    best = auto.best_
    if selected == "weighted":
        shares = auto.weights_.mean(axis=0)
        parts = [f"{name} {shares[name]:.0%} (MASE {mase[name]:.3f})" for name in mase]
        return (
            f"Forecast: a combination weighted by backtest accuracy, "
            f"{_listed(parts)} (--model weighted; --model auto uses the best "
            "alone)"
        )
    if selected == "per series":
        winners = auto.weights_.idxmax(axis=1).value_counts()
        parts = [f"{name} on {count}" for name, count in winners.items()]
        chosen = auto.series_scores_.min(axis=1).mean()
        alone = auto.series_scores_[best].mean()
        return (
            f"Forecast: each series by its own backtest winner, {_listed(parts)} "
            f"of {len(auto.weights_)} series: backtest MASE {chosen:.3f} against "
            f"{alone:.3f} for {best} on every series (--model {flags[best]} "
            "forces it)"
        )
    others = [f"{name} {value:.3f}" for name, value in mase.items() if name != selected]
    if model == "auto":
        note = (
            "--model ridge or naive forces another"
            if selected == model_names(mase)["rnn"]
            else "--model rnn forces the network"
        )
    elif selected == best:
        note = f"--model {model}, also the best"
    else:
        note = f"--model {model}; --model auto picks {best}"
    return (
        f"Forecast: {selected}, backtest MASE {mase[selected]:.3f} against "
        f"{_listed(others)} ({note})"
    )


def backtest_line(board: Any, origins: int, horizon: int, panel: bool = False) -> str:
    """The backtest's leaderboard in one line: MASE (and OWA on a panel), best first."""
    cells = ", ".join(
        f"{row.model} {row.mase:.3f}" + (f" (OWA {row.owa:.3f})" if panel else "")
        for row in board.itertuples(index=False)
    )
    where = " of every series" if panel else ""
    return (
        f"Backtest ({origins} origin{'s' if origins > 1 else ''} x {horizon} "
        f"step{'s' if horizon > 1 else ''}{where}), MASE, best "
        f"first: {cells}"
    )


def steps_per_fit(rnn: Any, n_windows: int) -> int:
    """Training steps of one fit of ``rnn`` on ``n_windows`` windows."""
    from skrnn._keras.training import auto_batch_size

    n_windows = min(n_windows, rnn.max_windows or n_windows)
    batch_size = rnn.batch_size
    if batch_size == "auto":
        batch_size = auto_batch_size(n_windows)
    return rnn.epochs * -(-n_windows // batch_size)


def networks_per_fit(rnn: Any, probe: Any, members: int) -> int:
    """Networks of one architecture and shapes that one fit of ``rnn`` trains.

    Its ``members``, for the final model and for each calibration copy (as
    many as ``rnn.calibration_folds`` resolves to on the median series'
    windows, read from ``probe``, a fitted :class:`WindowForecaster`).
    """
    import numpy as np

    from skrnn._forecast.calibration import calibration_folds

    per_series = np.array([probe.n_windows_ // max(probe.n_series_, 1)])
    folds = calibration_folds(per_series, rnn.calibration, rnn.calibration_folds)
    return members * (1 + folds)


def plain_number(value: float) -> str:
    """A number of a printed table: about 4 significant digits, never 1.3e+04."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}"


def _figure(series: Any, forecast: Any, title: str, label: str) -> Any:
    from matplotlib.figure import Figure

    from skrnn.plotting import plot_forecast

    figure = Figure(figsize=(9, 4.5), layout="constrained")
    ax = figure.add_subplot()
    # four horizons of history: enough to see the season and the trend
    shown = series.iloc[-4 * len(forecast) :]
    plot_forecast(shown, {label: forecast}, ax=ax, title=title)
    ax.axvline(ax.lines[0].get_xdata()[-1], color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(series.index.name or "time step")
    return figure


def run_forecast(args: argparse.Namespace) -> int:
    """Run ``skrnn forecast``; see its ``--help``."""
    started = time.perf_counter()
    import pandas as pd

    from skrnn._time.index import format_time

    data = _load_data(args)
    series, source, covariates = data.target, data.source, data.features
    out = _out_folder(args.out)

    from skrnn._forecast.look_back import look_back_words, network_members
    from skrnn.forecasting import WindowForecaster

    season = "auto" if args.season is None else args.season
    rnn = network(args)
    try:
        # validates the series and resolves the defaults before Keras starts
        probe = WindowForecaster(
            horizon=args.horizon, season=season, calibration=None
        ).fit(series, covariates)
    except (ValueError, TypeError) as error:
        hint = (
            " Here --fill interpolate or ffill fills them."
            if "gaps" in str(error)
            else ""
        )
        raise CommandError(f"{source}: {error}{hint}") from None
    first = len(series) - args.horizon * args.origins
    try:
        # the first backtest origin must leave a history to fit on
        head = None if covariates is None else covariates.iloc[: max(first, 0)]
        probe.fit(series.iloc[: max(first, 0)], head)
    except (ValueError, TypeError) as error:
        raise CommandError(
            f"{source}: {len(series)} rows are too few to backtest {args.origins} "
            f"origins of {args.horizon} steps ({error}); use fewer --origins or a "
            "shorter --horizon"
        ) from None
    probe.fit(series, covariates)
    for note in data.notes:
        print(note)
    members = network_members(probe, rnn.n_models, rnn.max_windows)
    # the network's training steps: short fits stay on TensorFlow
    steps = steps_per_fit(rnn, probe.n_windows_)
    print(_start_keras(steps, networks_per_fit(rnn, probe, members)))
    print(
        f"Data: {source}: {len(series)} rows of {series.name!r}, "
        f"{format_time(series.index[0])} to {format_time(series.index[-1])}"
    )
    print(
        f"{season_line(probe)}, {look_back_words(probe)}, "
        + (f"{members} networks averaged, " if members > 1 else "")
        + f"horizon {args.horizon}, {args.coverage:.0%} interval"
        + (f"; past covariates {args.features}" if args.features else "")
    )

    from skrnn._selection.auto import AutoForecaster, default_forecasters

    rivals = default_forecasters(rnn, args.horizon, probe, {}, intervals=True)
    selection = selection_of(args.model, rivals)
    # one backtest ranks the three, then the one used is refitted on all the data
    auto = AutoForecaster(
        rivals, horizon=args.horizon, n_origins=args.origins, selection=selection
    )
    try:
        auto.fit(series, covariates)
    except ValueError as error:
        raise CommandError(f"backtest: {error}") from None
    board, used = auto.scores_, auto.selected_
    print(backtest_line(board, args.origins, args.horizon))
    print(said_choice(auto, args.model))

    forecast = auto.predict(coverage=args.coverage)
    table = pd.DataFrame(
        {
            # the names of the Python API's forecasts (a panel's defaults)
            "ds": forecast.index,
            "y_pred": forecast["y_pred"].to_numpy(),
            "y_lower": forecast["y_lower"].to_numpy(),
            "y_upper": forecast["y_upper"].to_numpy(),
        }
    )
    title = (
        f"{series.name}: the next {args.horizon} steps, {args.coverage:.0%} "
        f"interval ({used})"
    )
    level = f"{100 * args.coverage:g}"
    figure = _figure(
        series,
        forecast.rename(
            columns={"y_lower": f"y_lower_{level}", "y_upper": f"y_upper_{level}"}
        ),
        title,
        used,
    )
    csv_path, png_path = out / "forecast.csv", out / "forecast.png"
    try:
        table.to_csv(csv_path, index=False)
        figure.savefig(png_path, dpi=100)
    except OSError as error:
        raise CommandError(f"cannot write to {args.out!r}: {error}") from None
    print()
    print(table.to_string(index=False, float_format=plain_number))
    print()
    print(f"Wrote {csv_path} and {png_path} in {time.perf_counter() - started:.0f} s")
    return 0
