"""``skrnn forecast`` and ``skrnn compare`` on a panel (``--id-col``): many series."""

import argparse
import itertools
import time
import warnings
from contextlib import contextmanager
from math import ceil
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator

from skrnn._forecast.look_back import look_back_words, network_members
from skrnn._selection.auto import AutoForecaster, default_forecasters, season_spec
from skrnn.cli._args import CELL_NAMES, CommandError, _given
from skrnn.cli._data import _load_panel, _out_folder, _PanelData
from skrnn.cli._forecast import (
    backtest_line,
    first_season,
    network,
    networks_per_fit,
    plain_number,
    said_choice,
    season_line,
    selection_of,
    steps_per_fit,
)
from skrnn.cli._keras_start import _start_keras
from skrnn.cli._report import _decimals

NAIVE2 = "Naive2"
# small multiples: a few series are enough to see what the forecasts do
MAX_SHOWN = 6


class Naive2Forecaster(BaseEstimator):
    """M4's Naive2 on every series of a long panel, as a forecaster to backtest.

    :func:`skrnn.metrics.naive2_forecast` deseasonalises a whole history,
    which no window regressor can: this fits each series' history as it is
    at the origin and forecasts from it, so that :func:`~skrnn.model_selection.
    backtest` gives it the same origins as the other forecasters.
    """

    def __init__(
        self, horizon=1, *, season=1, id_col="unique_id", time_col="ds", target_col="y"
    ):
        self.horizon = horizon
        self.season = season
        self.id_col = id_col
        self.time_col = time_col
        self.target_col = target_col

    def fit(self, y, X=None):
        from skrnn._forecast.panel import check_panel

        columns = (self.id_col, self.time_col, self.target_col)
        self._panel = check_panel(y, X, None, columns)[0]
        self.season_ = self.season
        return self

    def predict(self, X=None, *, coverage=None):
        from skrnn.metrics import naive2_forecast

        if coverage is not None:
            raise ValueError("Naive2 gives point forecasts only.")
        frames = [
            pd.DataFrame(
                {"y_pred": naive2_forecast(history.y, self.horizon, self.season_)},
                index=history.future_index(self.horizon),
            )
            for history in self._panel.histories
        ]
        return self._panel.layout.write(self._panel, frames)


def _column_params(data: _PanelData) -> dict:
    return dict(zip(("id_col", "time_col", "target_col"), data.columns, strict=True))


def _probe(data: _PanelData, args: argparse.Namespace, origins: int, flag: str):
    """A quick forecaster fitted on the panel, or a CommandError saying what is wrong.

    Checks the series (a regular step, no gaps, long enough for the
    look-back) before Keras starts, then that every series is long enough to
    be backtested from ``origins`` origins (``flag`` sets them).
    """
    from skrnn.forecasting import WindowForecaster

    season = "auto" if args.season is None else args.season
    probe = WindowForecaster(
        horizon=args.horizon, season=season, calibration=None, **_column_params(data)
    )
    try:
        probe.fit(data.frame)
    except (ValueError, TypeError) as error:
        hint = (
            " Here --fill interpolate or ffill fills them."
            if "gaps" in str(error)
            else ""
        )
        raise CommandError(f"{data.source}: {error}{hint}") from None
    id_col = data.columns[0]
    cut = args.horizon * origins
    lengths = data.frame.groupby(id_col, sort=False).size()
    advice = f"use fewer {flag} or a shorter --horizon, or leave the series out"
    short = lengths[lengths <= cut]
    if len(short):
        key, length = short.idxmin(), short.min()
        others = f" (and {len(short) - 1} more series)" if len(short) > 1 else ""
        raise CommandError(
            f"{data.source}: series {key!r} has {length} rows{others}, too few to "
            f"backtest {origins} origins of {args.horizon} steps: {advice}"
        )
    from_end = data.frame.groupby(id_col, sort=False).cumcount(ascending=False)
    try:
        probe.fit(data.frame[from_end.to_numpy() >= cut])
    except (ValueError, TypeError) as error:
        raise CommandError(
            f"{data.source}: too short a history at the first of {origins} backtest "
            f"origins of {args.horizon} steps ({error}); {advice}"
        ) from None
    return probe  # fitted on the first origin's history: the caller fits it all


# the forecasters' warning about series shorter than the look-back: said once,
# as a note, rather than at every fit of the backtest
SHORT_SERIES = r".* series have fewer steps than look_back"


@contextmanager
def _short_series_said_once():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=SHORT_SERIES, category=UserWarning)
        yield


def _prepare(args: argparse.Namespace, origins: int, flag: str) -> tuple:
    """The panel, a probe fitted on it, and the --out folder: all checked."""
    data = _load_panel(args)
    with warnings.catch_warnings():
        # the first origin's shorter history has a look-back of its own
        warnings.filterwarnings("ignore", message=SHORT_SERIES, category=UserWarning)
        probe = _probe(data, args, origins, flag)
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("always", message=SHORT_SERIES, category=UserWarning)
        probe.fit(data.frame)  # the whole panel: the look-back printed and used
    said = [
        str(w.message) for w in caught if "fewer steps than look_back" in str(w.message)
    ]
    if said:
        data.notes.append(f"Note: {said[-1]}")
    return data, probe, _out_folder(args.out)


def _describe(
    data: _PanelData, args: argparse.Namespace, probe: Any, extra: str = ""
) -> None:
    from skrnn._time.index import format_time

    id_col, time_col, target = data.columns
    for note in data.notes:
        print(note)
    lengths = data.frame.groupby(id_col, sort=False).size()
    rows = (
        f"{lengths.iloc[0]} rows each"
        if lengths.nunique() == 1
        else f"{lengths.min()} to {lengths.max()} rows"
    )
    times = data.frame[time_col]
    print(
        f"Data: {data.source}: {len(lengths)} series of {target!r} (--id-col "
        f"{id_col!r}), {rows}, {format_time(times.min())} to "
        f"{format_time(times.max())}"
    )
    features = f"; past covariates {data.features}" if data.features else ""
    print(
        f"{season_line(probe)}, "
        f"{look_back_words(probe)}, horizon {args.horizon}{extra}{features}"
    )


HEADERS = {
    "smape": "sMAPE %",
    "mase": "MASE",
    "owa": "OWA",
    "coverage": "coverage",
    # the coverage of the worst, median and best covered series
    "coverage_min": "cov min",
    "coverage_median": "cov med",
    "coverage_max": "cov max",
    "msis": "MSIS",
    "mae": "MAE",
    "rmse": "RMSE",
    "fit_time": "fit s",
}


def _board(
    results: dict, id_col: str, origins: int, coverage: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The leaderboard (OWA against Naive2, best first) and the errors per series.

    ``coverage`` is the level of the backtests' intervals, where they have
    some; ``fit_time`` is per origin.
    """
    from skrnn._selection.backtest import _forecast_errors
    from skrnn.metrics import owa

    reference = results[NAIVE2].summary
    rows, per_series = [], []
    for name, result in results.items():
        summary = result.summary
        row = {"model": name, "smape": summary["smape"], "mase": summary["mase"]}
        row["owa"] = owa(
            row["smape"], row["mase"], reference["smape"], reference["mase"]
        )
        row.update(summary.drop(["smape", "mase"]).to_dict())
        row["fit_time"] = result.fit_time / origins
        rows.append(row)
        levels = (coverage,) if "y_lower" in result.forecasts else ()
        errors = _forecast_errors(result.forecasts, levels, by=id_col)
        per_series.append(errors.reset_index().assign(model=name))
    board = pd.DataFrame(rows)
    board = board[["model", *(name for name in HEADERS if name in board)]]
    board = board.sort_values("owa", kind="stable")
    board.index = pd.RangeIndex(1, len(board) + 1, name="rank")
    per_series = pd.concat(per_series, ignore_index=True)
    first = [id_col, "model", "smape", "mase"]
    per_series = per_series[first + [c for c in per_series if c not in first]]
    return board, per_series


def _owa_board(scores: pd.DataFrame, reference: pd.Series) -> pd.DataFrame:
    """A backtest's leaderboard with Naive2 added and OWA against it, best first."""
    from skrnn.metrics import owa

    naive2 = {"model": NAIVE2, **reference[["smape", "mase"]].to_dict()}
    board = pd.concat([scores, pd.DataFrame([naive2])], ignore_index=True)
    board["owa"] = [
        owa(row.smape, row.mase, reference["smape"], reference["mase"])
        for row in board.itertuples(index=False)
    ]
    board = board.sort_values("owa", kind="stable")
    board.index = pd.RangeIndex(1, len(board) + 1, name="rank")
    return board


def _format_board(board: pd.DataFrame) -> str:
    """The leaderboard as an aligned text table, Naive2's blanks left empty."""
    cells = {"rank": [str(rank) for rank in board.index], "model": list(board["model"])}
    for column, header in HEADERS.items():
        if column in board:
            values = board[column]
            digits = 2 if column == "fit_time" else _decimals(values.dropna())
            cells[header] = [
                "" if pd.isna(v) else f"{v:.{digits}f}" for v in values.to_numpy()
            ]
    cells = {"rank": cells.pop("rank"), "model": cells.pop("model"), **cells}
    widths = {name: max(len(name), *map(len, column)) for name, column in cells.items()}

    def line(values):
        return "  ".join(
            value.ljust(widths[name]) if name == "model" else value.rjust(widths[name])
            for name, value in values.items()
        ).rstrip()

    rows = [
        line(dict(zip(cells, values, strict=True)))
        for values in zip(*cells.values(), strict=True)
    ]
    return "\n".join([line({name: name for name in cells}), *rows])


def panel_figure(
    series: dict, forecasts: dict, *, tail: int, title: str, train_end: Any = None
) -> Any:
    """Small multiples: a few series, their recent values and forecasts with bands.

    ``series`` maps each id to its values on their time index, ``forecasts``
    a label to a DataFrame by id and time (``y_pred`` and bounds);
    ``train_end`` is a function of the id giving where the forecasts start
    (the backtest's first origin), or None for forecasts of the future.
    """
    from matplotlib.figure import Figure

    from skrnn.plotting import plot_forecast

    keys = list(series)[:MAX_SHOWN]
    n_columns = min(3, len(keys))
    n_rows = ceil(len(keys) / n_columns)
    figure = Figure(figsize=(4.5 * n_columns, 3.2 * n_rows + 0.6), layout="constrained")
    axes = figure.subplots(n_rows, n_columns, squeeze=False).ravel()
    for k, (ax, key) in enumerate(zip(axes, keys, strict=False)):
        shown = series[key].iloc[-tail:].rename(None)
        predictions = {label: frame.loc[key] for label, frame in forecasts.items()}
        end = None if train_end is None else train_end(key)
        plot_forecast(shown, predictions, train_end=end, ax=ax, title=str(key))
        if train_end is None:
            ax.axvline(shown.index[-1], color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("")
        if k:
            ax.get_legend().remove()
        else:
            ax.legend(fontsize="small")
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    shown = "" if len(series) <= len(keys) else f" ({len(keys)} of {len(series)})"
    figure.suptitle(f"{title}{shown}")
    return figure


def _by_series(frame: pd.DataFrame, data: _PanelData, level: str) -> pd.DataFrame:
    """Forecasts indexed by id and time, their bounds named by ``level``."""
    id_col, time_col, _ = data.columns
    frame = frame.set_index([id_col, time_col])
    kept = [name for name in ("y_pred", "y_lower", "y_upper") if name in frame]
    return frame[kept].rename(
        columns={"y_lower": f"y_lower_{level}", "y_upper": f"y_upper_{level}"}
    )


def _write(out: Any, args: argparse.Namespace, tables: dict, figure: Any) -> list:
    """Write the CSV ``tables`` (file name to DataFrame) and forecast.png."""
    paths = []
    try:
        for name, (table, index) in tables.items():
            table.to_csv(out / name, index=index)
            paths.append(out / name)
        figure.savefig(out / "forecast.png", dpi=100)
    except OSError as error:
        raise CommandError(f"cannot write to {args.out!r}: {error}") from None
    return [*paths, out / "forecast.png"]


def _wrote(paths: list, started: float) -> None:
    names = ", ".join(map(str, paths[:-1])) + f" and {paths[-1]}"
    print(f"Wrote {names} in {time.perf_counter() - started:.0f} s")


# -- skrnn forecast --id-col ----------------------------------------------------


def run_forecast_panel(args: argparse.Namespace) -> int:
    """``skrnn forecast --id-col``: one network for every series of a long file."""
    with _short_series_said_once():
        return _forecast_panel(args)


def _forecast_panel(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from skrnn.model_selection import backtest

    data, probe, out = _prepare(args, args.origins, "--origins")
    id_col, time_col, target = data.columns
    rnn = network(args, **_column_params(data))
    members = network_members(probe, rnn.n_models, rnn.max_windows)
    steps = steps_per_fit(rnn, probe.n_windows_)
    print(_start_keras(steps, networks_per_fit(rnn, probe, members)))
    _describe(data, args, probe, f", {args.coverage:.0%} interval")

    rivals = default_forecasters(
        rnn, args.horizon, probe, _column_params(data), intervals=True
    )
    selection = selection_of(args.model, rivals)
    # one backtest ranks the three by MASE over every series, then the one used
    # is refitted on the whole panel; Naive2 (no interval) is only a yardstick
    auto = AutoForecaster(
        rivals, horizon=args.horizon, n_origins=args.origins, selection=selection
    )
    naive2 = Naive2Forecaster(
        args.horizon, season=first_season(probe), **_column_params(data)
    )
    try:
        auto.fit(data.frame)
        reference = backtest(naive2, data.frame, n_origins=args.origins).summary
    except ValueError as error:
        raise CommandError(f"backtest: {error}") from None
    board = _owa_board(auto.scores_, reference)
    used = auto.selected_
    print(backtest_line(board, args.origins, args.horizon, panel=True))
    print(said_choice(auto, args.model))

    forecast = auto.predict(coverage=args.coverage)
    table = pd.DataFrame(
        {
            # the names of the Python API's forecasts (its default columns)
            "unique_id": forecast[id_col],
            "ds": forecast[time_col],
            "y_pred": forecast["y_pred"],
            "y_lower": forecast["y_lower"],
            "y_upper": forecast["y_upper"],
        }
    )
    level = f"{100 * args.coverage:g}"
    figure = panel_figure(
        data.series(),
        {used: _by_series(forecast, data, level)},
        tail=4 * args.horizon,
        title=(
            f"{target}: the next {args.horizon} steps of each series, "
            f"{args.coverage:.0%} interval ({used})"
        ),
    )
    paths = _write(out, args, {"forecast.csv": (table, False)}, figure)
    first = table[table["unique_id"] == table["unique_id"].iloc[0]]
    print()
    print(
        f"forecast.csv: {len(table)} rows, {args.horizon} per series; the first series:"
    )
    print(first.to_string(index=False, float_format=plain_number))
    print()
    _wrote(paths, started)
    return 0


# -- skrnn compare --id-col -----------------------------------------------------


def _networks(args: argparse.Namespace, season: Any, columns: dict) -> dict:
    """An RNNForecaster per cell, and per combination of the values given."""
    from skrnn.forecasting import RNNForecaster

    grid = {
        name: getattr(args, name)
        for name in ("look_back", "units")
        if _given(args, name)
    }
    fixed = {
        name: getattr(args, name)
        for name in ("epochs", "batch_size", "learning_rate")
        if _given(args, name)
    }
    several = any(len(values) > 1 for values in grid.values())
    models = {}
    for cell in args.cells:
        for values in itertools.product(*grid.values()):
            params = dict(zip(grid, values, strict=True))
            name = CELL_NAMES[cell]
            if several:
                name += " " + ", ".join(f"{k}={v}" for k, v in params.items())
            models[name] = RNNForecaster(
                args.horizon,
                cell=cell,
                season=season,
                random_state=args.seed,
                **columns,
                **fixed,
                **params,
            )
    return models


def _backtest_figure(
    data: _PanelData, args: argparse.Namespace, results: dict, best: str
) -> Any:
    """The best model's and Naive2's forecasts from the last origin, with bands.

    One-step forecasts (``--horizon 1``) are shown from every origin.
    """
    id_col = data.columns[0]
    level = f"{100 * args.coverage:g}"
    names = [best] if best == NAIVE2 else [best, NAIVE2]
    shown = {}
    for name in names:
        forecasts = results[name].forecasts
        if args.horizon > 1:
            last = forecasts.groupby(id_col)["cutoff"].transform("max")
            forecasts = forecasts[forecasts["cutoff"] == last]
        shown[name] = _by_series(forecasts, data, level)
    starts = results[best].forecasts.groupby(id_col)["cutoff"].max()
    if args.horizon > 1:
        when = f"the last origin, {args.horizon} steps ahead"
    else:
        starts = results[best].forecasts.groupby(id_col)["cutoff"].min()
        when = f"{args.splits} origins, 1 step ahead"
    span = args.horizon if args.horizon > 1 else args.splits
    return panel_figure(
        data.series(),
        shown,
        tail=5 * span,
        title=f"{best}, the best by OWA, and Naive2: backtest forecasts from {when}",
        train_end=starts.get,
    )


def run_compare_panel(args: argparse.Namespace) -> int:
    """``skrnn compare --id-col``: backtest every model on every series."""
    with _short_series_said_once():
        return _compare_panel(args)


def _compare_panel(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from skrnn.model_selection import backtest

    data, probe, out = _prepare(args, args.splits, "--splits")
    id_col = data.columns[0]
    columns = _column_params(data)
    season = first_season(probe)
    models = _networks(args, season_spec(probe), columns)
    if models:
        first = next(iter(models.values()))
        print(_start_keras(steps_per_fit(first, probe.n_windows_)))
    else:
        print("Keras not started: no network to compare (--cells is empty)")
    _describe(data, args, probe)
    print(
        f"Backtest: {args.splits} origins x {args.horizon} step"
        f"{'s' if args.horizon > 1 else ''} at the end of every series, "
        f"{args.coverage:.0%} intervals; OWA against Naive2 (season {season})"
    )

    models.update(
        default_forecasters(None, args.horizon, probe, columns, intervals=True)
    )
    models[NAIVE2] = Naive2Forecaster(args.horizon, season=season, **columns)
    results = {}
    for name, model in models.items():
        coverage = None if name == NAIVE2 else args.coverage
        try:
            results[name] = backtest(
                model, data.frame, n_origins=args.splits, coverage=coverage
            )
        except ValueError as error:
            raise CommandError(f"backtest of {name}: {error}") from None
        # a network's backtest takes minutes: say what is done
        print(f"  {name}: {results[name].fit_time:.0f} s of fitting", flush=True)
    board, per_series = _board(results, id_col, args.splits, args.coverage)
    print()
    print(
        "Leaderboard (every series and origin; OWA: sMAPE and MASE relative to "
        "Naive2's, lower is better)"
    )
    print(_format_board(board))

    best = board["model"].iloc[0]
    figure = _backtest_figure(data, args, results, best)
    tables = {"leaderboard.csv": (board, True), "per_series.csv": (per_series, False)}
    paths = _write(out, args, tables, figure)
    print()
    print(f"Best: {best}")
    _wrote(paths, started)
    return 0
