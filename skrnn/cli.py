"""The ``skrnn`` command: rank recurrent networks and baselines on a series."""

import argparse
import importlib.util
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


class CommandError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


# -- command line ---------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _at_least_two(text: str) -> int:
    value = _positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 2")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skrnn",
        description="Keras recurrent networks as scikit-learn estimators.",
    )
    parser.add_argument("--version", action="version", version=f"skrnn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    compare = commands.add_parser(
        "compare",
        help="rank LSTM, GRU, SimpleRNN, Ridge and naive forecasts on a series",
        description=(
            "Forecast a column of a CSV file (or, with no file, the airline "
            "passengers shipped with skrnn). Each recurrent cell is grid-searched "
            "over --look-back x --units, and Ridge on lagged values over "
            "--look-back, with time-series cross-validation "
            "(TimeSeriesSplit); persistence (last value) and seasonal naive "
            "forecasts are the yardsticks. Prints the leaderboard, writes "
            "leaderboard.csv and forecast.png (the best model on the last fold) "
            "to --out."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    compare.add_argument(
        "data",
        nargs="?",
        help="CSV file with a header row; default: the shipped airline series",
    )
    compare.add_argument(
        "--target",
        metavar="COL",
        help="column to forecast; may be left out when the file has one column "
        "besides --time-col",
    )
    compare.add_argument(
        "--time-col",
        metavar="COL",
        help="column of dates or times: rows are sorted by it and the plot uses it",
    )
    compare.add_argument(
        "--look-back",
        metavar="L",
        type=_positive_int,
        nargs="+",
        default=[6, 12],
        help="window lengths to try",
    )
    compare.add_argument(
        "--units",
        metavar="U",
        type=_positive_int,
        nargs="+",
        default=[8, 32],
        help="recurrent units to try",
    )
    compare.add_argument(
        "--cells",
        nargs="*",
        choices=list(CELL_NAMES),
        default=list(CELL_NAMES),
        help="recurrent cells to compare; none at all: baselines only",
    )
    compare.add_argument(
        "--horizon",
        metavar="H",
        type=_positive_int,
        default=1,
        help="steps ahead to forecast; H > 1 trains one output per step",
    )
    compare.add_argument(
        "--splits",
        metavar="K",
        type=_at_least_two,
        default=5,
        help="folds of TimeSeriesSplit",
    )
    compare.add_argument(
        "--season",
        metavar="S",
        type=_positive_int,
        default=12,
        help="season length of the seasonal naive forecast (12: monthly data)",
    )
    compare.add_argument(
        "--epochs", metavar="N", type=_positive_int, default=20, help="training epochs"
    )
    compare.add_argument(
        "--batch-size", metavar="B", type=_positive_int, default=16, help="batch size"
    )
    compare.add_argument(
        "--learning-rate",
        metavar="LR",
        type=_positive_float,
        default=0.01,
        help="Adam learning rate",
    )
    compare.add_argument(
        "--out",
        metavar="DIR",
        default="skrnn-output",
        help="folder for leaderboard.csv and forecast.png",
    )
    compare.add_argument(
        "--seed", metavar="S", type=int, default=0, help="random seed of the networks"
    )
    compare.set_defaults(run=_run_compare)

    from ._cli_forecast import add_forecast_command

    add_forecast_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``skrnn`` command line.

    ``skrnn compare`` ranks recurrent networks, Ridge and naive forecasts on a
    series with time-series cross-validation; see ``skrnn compare --help``.

    Parameters
    ----------
    argv : sequence of str, default=None
        Arguments without the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 for a usage error or data that cannot be used (one
        line on stderr says why).

    See Also
    --------
    skrnn.model_selection.compare : The same comparison in Python.

    Examples
    --------
    From a shell::

        skrnn compare                        # the shipped airline series
        skrnn compare sales.csv --target units --time-col date --horizon 3
        python -m skrnn compare --help
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("skrnn: error: choose a command, e.g. 'skrnn compare'", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except CommandError as error:
        print(f"skrnn: error: {error}", file=sys.stderr)
        return 2


# -- Keras backend --------------------------------------------------------------


def _configured_backend() -> str | None:
    """The backend in Keras's config file, when there is one."""
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    try:
        with open(os.path.join(home, "keras.json")) as file:
            backend = json.load(file).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return backend if isinstance(backend, str) else None


def _backend_choice(
    environ: dict, *, keras_imported: bool, jax_installed: bool, configured: Any
) -> tuple[str | None, str]:
    """Decide the Keras backend of this process: ``(backend to set, why)``.

    The user's choice wins: ``KERAS_BACKEND``, or a backend other than the
    default written in ``keras.json`` (Keras writes ``"tensorflow"`` there on
    first import, so that value says nothing about the user). Otherwise jax,
    when installed, is chosen: its training steps cost the least on CPU, which
    pays off more the longer a network trains. Nothing can change once Keras
    is imported.
    """
    if environ.get("KERAS_BACKEND"):
        return None, "set by KERAS_BACKEND"
    if keras_imported:
        return None, "Keras was already imported"
    if configured and configured != "tensorflow":
        return None, "set in keras.json"
    if jax_installed:
        return "jax", (
            "chosen by skrnn: KERAS_BACKEND is not set and jax is installed; "
            "jax is usually the fastest backend on CPU. Set KERAS_BACKEND to "
            "choose another"
        )
    return None, "Keras's default; with jax installed skrnn would choose jax"


def _start_keras() -> str:
    """Choose the backend, import Keras, and return a line saying which it is."""
    new, why = _backend_choice(
        os.environ,
        keras_imported="keras" in sys.modules,
        jax_installed=all(
            importlib.util.find_spec(name) is not None for name in ("jax", "jaxlib")
        ),
        configured=_configured_backend(),
    )
    if new is not None:
        os.environ["KERAS_BACKEND"] = new
    from ._backend import get_keras

    backend = get_keras().backend.backend()
    # every fit builds a new model, and so new tf.functions: TensorFlow's
    # "excessive retracing" warnings are expected here and say nothing useful
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return f"Keras backend: {backend} ({why})"


# -- data -----------------------------------------------------------------------


def _line(position: int) -> int:
    """Line of the CSV file holding data row ``position`` (the header is line 1)."""
    return int(position) + 2


def _read_csv(path: str) -> pd.DataFrame:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"data file {path!r} not found")
    if not file.is_file():
        raise CommandError(f"data file {path!r} is not a file")
    try:
        frame = pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path} is empty") from None
    except (ValueError, OSError) as error:  # ParserError, UnicodeDecodeError
        reason = " ".join(str(error).split())
        raise CommandError(f"cannot read {path} as CSV: {reason}") from None
    if frame.empty:
        raise CommandError(f"{path} has a header but no data rows")
    return frame


def _column(frame: pd.DataFrame, name: str, flag: str, path: str) -> pd.Series:
    if name not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise CommandError(
            f"column {name!r} ({flag}) not found in {path}; its columns are: {columns}"
        )
    column = frame[name]
    if isinstance(column, pd.DataFrame):
        raise CommandError(f"{path} has more than one column named {name!r}")
    return column


def _parse_times(column: pd.Series, path: str) -> pd.Series:
    """Dates of ``column``, or a CommandError naming the first bad one."""
    if column.isna().any():
        position = int(np.flatnonzero(column.isna().to_numpy())[0])
        raise CommandError(
            f"missing date in column {column.name!r} (--time-col) at line "
            f"{_line(position)} of {path}"
        )
    # as text: to_datetime reads bare numbers (years) as nanoseconds since 1970
    text = column.astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
        times = pd.to_datetime(text, errors="coerce")
        if times.isna().any():
            times = pd.to_datetime(text, errors="coerce", format="mixed")
    if times.isna().any():
        position = int(np.flatnonzero(times.isna().to_numpy())[0])
        raise CommandError(
            f"unparseable date {text.iloc[position]!r} in column {column.name!r} "
            f"(--time-col) at line {_line(position)} of {path}"
        )
    duplicated = times.duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise CommandError(
            f"duplicate date {text.iloc[position]!r} in column {column.name!r} "
            f"(--time-col) at line {_line(position)} of {path}"
        )
    return times


def _parse_values(column: pd.Series, path: str) -> pd.Series:
    """Float values of ``column``, or a CommandError naming the first bad one."""
    values = pd.to_numeric(column, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raw = column.iloc[position]
        what = "missing value" if pd.isna(raw) else f"non-numeric value {raw!r}"
        if not pd.isna(raw) and np.isinf(values.iloc[position]):
            what = f"infinite value {raw!r}"
        raise CommandError(
            f"{what} in column {column.name!r} (--target) at line "
            f"{_line(position)} of {path}"
        )
    return values


def _load_series(args: argparse.Namespace) -> tuple[pd.Series, str]:
    """The target series, indexed by its times (or row numbers), and its source."""
    if args.data is None:
        from .datasets import load_airline

        if args.target not in (None, "passengers"):
            raise CommandError(
                f"--target {args.target!r}: the shipped airline series has one "
                "column, 'passengers'; pass a CSV file to forecast another"
            )
        if args.time_col is not None:
            raise CommandError("--time-col needs a CSV file")
        series = load_airline().astype(float)
        return series, "airline passengers, monthly (shipped with skrnn)"

    path = args.data
    frame = _read_csv(path)
    if args.time_col is not None:
        time_column = _column(frame, args.time_col, "--time-col", path)
    target = args.target
    if target is None:
        others = [name for name in frame.columns if name != args.time_col]
        if len(others) != 1:
            raise CommandError(
                f"--target is needed: {path} has {len(others)} columns to choose "
                f"from ({', '.join(map(str, others))})"
            )
        target = others[0]
    values = _parse_values(_column(frame, target, "--target", path), path)
    if args.time_col is None:
        return values, path
    times = _parse_times(time_column, path)
    series = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(times), name=target)
    series.index.name = args.time_col
    return series.sort_index(kind="stable"), path


def _min_rows(look_back: int, splits: int, horizon: int) -> int:
    """Fewest rows whose first TimeSeriesSplit training fold holds ``look_back``."""
    n_samples = splits + horizon
    while True:
        test_size = n_samples // (splits + 1)
        first_train = n_samples - (horizon - 1) - splits * test_size
        if test_size >= 1 and first_train >= look_back:
            return n_samples + horizon
        n_samples += 1


def _check_length(series: pd.Series, args: argparse.Namespace, source: str) -> None:
    needed = _min_rows(max(args.look_back), args.splits, args.horizon)
    if len(series) < needed:
        raise CommandError(
            f"{source} has {len(series)} rows, too few for --look-back "
            f"{max(args.look_back)} with --splits {args.splits} and --horizon "
            f"{args.horizon}: at least {needed} are needed, so that the first "
            "training fold holds one full window (use fewer splits or shorter "
            "windows)"
        )


# -- the comparison -------------------------------------------------------------


def _models(args: argparse.Namespace, cv: Any, season: int | None) -> dict:
    """The contenders, by leaderboard name, all taking the same windows.

    The seasonal naive forecast is left out when ``season`` is None.
    """
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ._regressor import RNNRegressor
    from ._window import SlidingWindowTransformer
    from .baselines import PersistenceRegressor, SeasonalNaiveRegressor

    look_back = {"slidingwindowtransformer__look_back": args.look_back}
    models = {}
    for cell in args.cells:
        network = RNNRegressor(
            cell,
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            random_state=args.seed,
        )
        models[CELL_NAMES[cell]] = GridSearchCV(
            make_pipeline(SlidingWindowTransformer(), network),
            {**look_back, "rnnregressor__units": args.units},
            cv=cv,
        )
    models["Ridge"] = GridSearchCV(
        make_pipeline(
            SlidingWindowTransformer(flatten=True), StandardScaler(), Ridge()
        ),
        look_back,
        cv=cv,
    )
    models["persistence"] = make_pipeline(
        SlidingWindowTransformer(1), PersistenceRegressor()
    )
    if season is not None:
        models["seasonal naive"] = make_pipeline(
            SlidingWindowTransformer(season), SeasonalNaiveRegressor(season)
        )
    return models


def _short_params(params: dict) -> str:
    """``{"step__look_back": 12}`` as ``"look_back=12"``."""
    return ", ".join(
        f"{key.rsplit('__', 1)[-1]}={value}" for key, value in params.items()
    )


def _decimals(values: pd.Series) -> int:
    """Decimals that show the smallest of ``values`` to 3 significant digits."""
    magnitudes = np.abs(values.to_numpy(dtype=float))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if not magnitudes.size:
        return 2
    return int(np.clip(2 - np.floor(np.log10(magnitudes.min())), 0, 6))


def _format_leaderboard(board: pd.DataFrame, metrics: Sequence[str]) -> str:
    """The leaderboard as an aligned text table, a column per metric."""
    # a percentage reads better than a fraction; the CSV keeps scikit-learn's
    percent = {"mape"}
    header = ["rank", "model"]
    header += [f"{m} %" if m in percent else m for m in metrics]
    header += ["fit s", "best params"]
    rows = []
    for metric in metrics:
        scale = 100.0 if metric in percent else 1.0
        means = board[f"{metric}_mean"] * scale
        stds = board[f"{metric}_std"] * scale
        digits = _decimals(means)
        means = [f"{value:.{digits}f}" for value in means]
        stds = [f"{value:.{digits}f}" for value in stds]
        width_mean, width_std = max(map(len, means)), max(map(len, stds))
        board = board.assign(
            **{
                metric: [
                    f"{mean:>{width_mean}} ± {std:>{width_std}}"
                    for mean, std in zip(means, stds, strict=True)
                ]
            }
        )
    for rank, row in board.iterrows():
        rows.append(
            [
                str(rank),
                str(row["model"]),
                *(row[metric] for metric in metrics),
                f"{row['fit_time']:.2f}",
                _short_params(row["best_params"]),
            ]
        )
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]
    # text columns left-aligned, numbers right-aligned
    left = {1, len(header) - 1}

    def line(cells):
        return "  ".join(
            cell.ljust(width) if k in left else cell.rjust(width)
            for k, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), *map(line, rows)])


def _forecast_figure(
    series: pd.Series,
    y_pred: Any,
    test: np.ndarray,
    name: str,
    horizon: int,
) -> Any:
    """Plot the last fold's forecasts at the times they forecast."""
    from matplotlib.figure import Figure
    from sklearn.metrics import root_mean_squared_error

    from .plotting import plot_forecast

    predictions = np.asarray(y_pred).reshape(len(test), -1)
    truth = np.stack([series.to_numpy()[test + step] for step in range(1, horizon + 1)])
    rmse = root_mean_squared_error(truth.T, predictions)  # as in the leaderboard
    steps = sorted({1, horizon})
    forecasts = {}
    for step in steps:
        label = f"{name}, {step} step{'s' if step > 1 else ''} ahead"
        forecasts[label] = pd.Series(
            predictions[:, step - 1], index=series.index[test + step]
        )
    # the test period and as much history again, twice: the rest is old news
    start = max(0, test[0] - 2 * len(test))
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    ax = figure.add_subplot()
    plot_forecast(
        series.iloc[start:],
        forecasts,
        # the last value seen in training: the target of the last training row
        train_end=series.index[test[0]],
        ax=ax,
        title=f"{name} on the last cross-validation fold (RMSE {rmse:.4g})",
    )
    return figure


def _run_compare(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    series, source = _load_series(args)
    _check_length(series, args, source)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(
            f"cannot create --out folder {args.out!r}: {error}"
        ) from None

    print(_start_keras())

    from sklearn.model_selection import TimeSeriesSplit

    from ._supervised import make_supervised
    from ._window import SlidingWindowTransformer
    from .model_selection import compare, predict_last_fold

    # with H > 1 the last H - 1 training targets would overlap the test fold
    cv = TimeSeriesSplit(n_splits=args.splits, gap=args.horizon - 1)
    # Windows are built once, on the whole series, with the longest look-back
    # any model needs: a window only looks back, so this leaks nothing, and
    # every test fold gets its real history even when `gap` separates it from
    # its training fold. Each pipeline's transformer keeps the last steps.
    X, y = make_supervised(series.reset_index(drop=True), horizon=args.horizon)

    span = ""
    if isinstance(series.index, pd.DatetimeIndex):
        span = f", {series.index[0].date()} to {series.index[-1].date()}"
    print(f"Data: {source}: {len(series)} rows of {series.name!r}{span}")
    print(
        f"Forecast {args.horizon} step{'s' if args.horizon > 1 else ''} ahead; "
        f"TimeSeriesSplit(n_splits={args.splits}, gap={args.horizon - 1}); "
        f"grid look_back {args.look_back} x units {args.units}, "
        f"{args.epochs} epochs, batch {args.batch_size}"
    )
    season = args.season
    first_train = next(iter(cv.split(X)))[0]
    if season > len(first_train):
        # the first test fold's windows would reach back before the series
        print(
            f"Note: seasonal naive left out: --season {season} is longer than "
            f"the first training fold ({len(first_train)} rows)"
        )
        season = None
    longest = max(*args.look_back, season or 1)
    windows = SlidingWindowTransformer(longest).fit_transform(X)

    models = _models(args, cv, season)
    board = compare(models, windows, y, cv=cv)
    print()
    print("Leaderboard (mean and std over folds; errors: lower is better)")
    print(_format_leaderboard(board, ("rmse", "mae", "mape")))

    best = board.iloc[0]
    test = list(cv.split(windows))[-1][1]
    y_pred = predict_last_fold(
        models[best["model"]], windows, y, cv=cv, params=best["best_params"]
    )
    figure = _forecast_figure(series, y_pred, test, best["model"], args.horizon)

    csv_path, png_path = out / "leaderboard.csv", out / "forecast.png"
    try:
        board.assign(
            best_params=board["best_params"].map(lambda p: json.dumps(p, default=str))
        ).to_csv(csv_path)
        figure.savefig(png_path, dpi=100)
    except OSError as error:
        raise CommandError(f"cannot write to {args.out!r}: {error}") from None
    print()
    print(f"Best: {best['model']} {_short_params(best['best_params'])}".rstrip())
    print(f"Wrote {csv_path} and {png_path} in {time.perf_counter() - started:.0f} s")
    return 0
