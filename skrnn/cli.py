"""The ``skrnn`` command: rank recurrent networks and baselines on a series."""

# pandas, scikit-learn and Keras are imported where they are needed: `skrnn
# --version` and a usage error answer without them, and a bad file is refused
# before Keras starts.
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import logging
import os
import re
import sys
import time
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import __version__

if TYPE_CHECKING:
    import pandas as pd

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


def _coverage(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"{text} is not between 0 and 1 (0.9 for a 90% interval)"
        )
    return value


class _Given(argparse.Action):
    """Store an option's value and note that it was given, not left to its default.

    ``skrnn compare --id-col`` uses the forecaster's own defaults for the
    options left out, which are the single series' grid otherwise.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.given = {*getattr(namespace, "given", ()), self.dest}


def _given(args: argparse.Namespace, name: str) -> bool:
    """Whether option ``name`` (its dest) was on the command line."""
    return name in getattr(args, "given", ())


FILL_CHOICES = ("none", "interpolate", "ffill")


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options that say how to read a series from a CSV file.

    Shared by the subcommands that read data (``compare``, and any other
    that calls :func:`_load_series` or :func:`_load_data`).
    """
    parser.add_argument(
        "--target",
        metavar="COL",
        help="column to forecast; may be left out when the file has one column "
        "besides --time-col (and --id-col)",
    )
    parser.add_argument(
        "--time-col",
        metavar="COL",
        help="column of dates or times: rows are sorted by it, the season is "
        "read from its frequency, and the plot uses it; without it, a column "
        "of dates is looked for and named in the output",
    )
    parser.add_argument(
        "--id-col",
        metavar="COL",
        help="column naming the series of a panel: the file is read as a long "
        "table (one row per series and time; --time-col needed), and one "
        "network is fitted on every series",
    )
    parser.add_argument(
        "--features",
        metavar="COL",
        nargs="+",
        default=[],
        help="other columns to use as inputs (past covariates: only their "
        "values up to the forecast origin are seen)",
    )
    parser.add_argument(
        "--season",
        metavar="S",
        type=_positive_int,
        default=None,
        help="season length of the seasonal naive forecast and of the MASE "
        "scale; default: from the time index (hourly 24, daily 7, weekly 52, "
        "monthly 12, quarterly 4, yearly none)",
    )
    parser.add_argument(
        "--sep",
        metavar="CHAR",
        default=None,
        help="field separator of the CSV file; default: detected (, ; tab |)",
    )
    parser.add_argument(
        "--decimal",
        metavar="CHAR",
        default=None,
        help="decimal mark; default: '.', or ',' when the numbers are written so",
    )
    parser.add_argument(
        "--fill",
        choices=FILL_CHOICES,
        default="none",
        help="fill missing values and missing timestamps: linearly in time, or "
        "with the last value seen; 'none' refuses them",
    )


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
            "forecasts are the yardsticks. Errors: RMSE, MAE, sMAPE (percent), "
            "MASE (against the seasonal naive forecast, scaled on each training "
            "fold) and, when the target has no zero, MAPE (percent). Prints the "
            "leaderboard, writes leaderboard.csv (the same units) and "
            "forecast.png (the best model and the baselines on the last fold) "
            "to --out. With --id-col the file is a panel of many series (one "
            "row per series and time): an RNNForecaster per cell, Ridge, the "
            "seasonal naive forecast and M4's Naive2 are backtested from the "
            "last --splits origins of every series, ranked by OWA (sMAPE and "
            "MASE relative to Naive2's), and leaderboard.csv, per_series.csv "
            "and forecast.png (a few series) are written."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    compare.add_argument(
        "data",
        nargs="?",
        help="CSV file with a header row; default: the shipped airline series",
    )
    _add_input_arguments(compare)
    compare.add_argument(
        "--look-back",
        action=_Given,
        metavar="L",
        type=_positive_int,
        nargs="+",
        default=[6, 12],
        help="window lengths to try (with --id-col: each one, default the "
        "forecaster's)",
    )
    compare.add_argument(
        "--units",
        action=_Given,
        metavar="U",
        type=_positive_int,
        nargs="+",
        default=[8, 32],
        help="recurrent units to try (with --id-col: each one, default the "
        "forecaster's)",
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
        help="folds of TimeSeriesSplit; with --id-col, backtest origins, one "
        "horizon apart, at the end of every series",
    )
    compare.add_argument(
        "--epochs",
        action=_Given,
        metavar="N",
        type=_positive_int,
        default=20,
        help="training epochs (with --id-col, default the forecaster's)",
    )
    compare.add_argument(
        "--batch-size",
        action=_Given,
        metavar="B",
        type=_positive_int,
        default=16,
        help="batch size (with --id-col, default the forecaster's)",
    )
    compare.add_argument(
        "--learning-rate",
        action=_Given,
        metavar="LR",
        type=_positive_float,
        default=0.01,
        help="Adam learning rate (with --id-col, default the forecaster's)",
    )
    compare.add_argument(
        "--coverage",
        metavar="C",
        type=_coverage,
        default=0.9,
        help="with --id-col: nominal coverage of the backtest's prediction "
        "intervals, scored by coverage and MSIS",
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
    with warnings.catch_warnings():
        # restored on return: the caller's warnings stay as they were
        warnings.showwarning = _show_warning
        try:
            return args.run(args)
        except CommandError as error:
            print(f"skrnn: error: {error}", file=sys.stderr)
            return 2


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """A warning as the command shows it: one line, without the source path."""
    text = " ".join(str(message).split())
    print(f"skrnn: warning: {text}", file=sys.stderr if file is None else file)


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


# Training steps per fit from which JAX's cheaper steps repay its costlier
# compile. Measured on 2 cores (airline windows, batch 16, LSTM(8)): a JAX fit
# costs about 0.75 s more CPU to build and compile than a TensorFlow one, and
# each step about 2.4 ms less; the demo's fits (about 100 steps) ran in 20.3 s
# of CPU on JAX against 15.9 s on TensorFlow.
JAX_MIN_STEPS = 300


def _backend_choice(
    environ: dict,
    *,
    keras_imported: bool,
    jax_installed: bool,
    configured: Any,
    steps_per_fit: float | None = None,
) -> tuple[str | None, str]:
    """Decide the Keras backend of this process: ``(backend to set, why)``.

    The user's choice wins: ``KERAS_BACKEND``, or a backend other than the
    default written in ``keras.json`` (Keras writes ``"tensorflow"`` there on
    first import, so that value says nothing about the user). Otherwise jax,
    when installed, is chosen when the fits are long enough: its training
    steps cost the least on CPU, but each new model pays a longer compile,
    so for fits of fewer than ``JAX_MIN_STEPS`` training steps
    (``steps_per_fit``, None: unknown, taken as long) TensorFlow is as fast
    and costs less CPU. Nothing can change once Keras is imported.
    """
    if environ.get("KERAS_BACKEND"):
        return None, "set by KERAS_BACKEND"
    if keras_imported:
        return None, "Keras was already imported"
    if configured and configured != "tensorflow":
        return None, "set in keras.json"
    if not jax_installed:
        return None, "Keras's default; with jax installed skrnn would choose jax"
    if steps_per_fit is not None and steps_per_fit < JAX_MIN_STEPS:
        return None, (
            f"Keras's default: these fits are short (about {steps_per_fit:.0f} "
            "training steps each), where compiling each model on jax costs "
            "more than its faster steps save. Set KERAS_BACKEND to choose"
        )
    return "jax", (
        "chosen by skrnn: KERAS_BACKEND is not set, jax is installed and the "
        "fits are long, where jax's training steps are the fastest on CPU. Set "
        "KERAS_BACKEND to choose another"
    )


@contextmanager
def _quiet_native_stderr():
    """Send what C++ code writes to file descriptor 2 to /dev/null for a block.

    TensorFlow 2.21 writes "Could not find cuda drivers" and "failed call to
    cuInit" before its logging is initialised, so ``TF_CPP_MIN_LOG_LEVEL``
    does not hide them. A user who sets ``TF_CPP_MIN_LOG_LEVEL`` to 0 or 1
    asked for them and sees them. Python errors are raised after the block
    and printed as usual.
    """
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") in ("0", "1"):
        yield
        return
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2: nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _initialise_devices(backend: str) -> None:
    """Let the backend look for its devices now (inside the quiet block)."""
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.list_physical_devices()
    elif backend == "jax":
        import jax

        jax.devices()


def _start_keras(steps_per_fit: float | None = None) -> str:
    """Choose the backend, import Keras, and return a line saying which it is.

    ``steps_per_fit`` (training steps of a typical fit) lets short fits stay
    on TensorFlow; see :func:`_backend_choice`.
    """
    new, why = _backend_choice(
        os.environ,
        keras_imported="keras" in sys.modules,
        jax_installed=all(
            importlib.util.find_spec(name) is not None for name in ("jax", "jaxlib")
        ),
        configured=_configured_backend(),
        steps_per_fit=steps_per_fit,
    )
    if new is not None:
        os.environ["KERAS_BACKEND"] = new
    from ._backend import get_keras

    # the command owns its process: TensorFlow's and XLA's start-up messages
    # (CUDA probing on a machine without a GPU) say nothing to its user
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _quiet_native_stderr():
        keras = get_keras()
        backend = keras.backend.backend()
        _initialise_devices(backend)
    # every fit builds a new model, and so new tf.functions: TensorFlow's
    # "excessive retracing" warnings are expected here and say nothing useful
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return f"Keras backend: {backend} ({why})"


# -- data -----------------------------------------------------------------------


def _line(position: int) -> int:
    """Line of the CSV file holding data row ``position`` (the header is line 1)."""
    return int(position) + 2


_SEPARATORS = ",;\t|"
# a number written with a decimal comma, e.g. "12,5" or "-0,25"
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def _sniff_separator(file: Path) -> str:
    """The field separator of a CSV file, from its first lines; "," if unclear."""
    try:
        with open(file, newline="", errors="replace") as handle:
            sample = handle.read(64 * 1024)
    except OSError:
        return ","
    lines = sample.splitlines()
    sample = "\n".join(lines[:50] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        return ","


def _has_decimal_commas(frame: pd.DataFrame) -> bool:
    """Whether some text column holds only numbers written with a decimal comma."""
    import pandas as pd

    for name in frame.columns:
        column = frame[name]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
            continue
        values = column.dropna().astype(str)
        if len(values) and values.map(lambda v: bool(_DECIMAL_COMMA.match(v))).all():
            return True
    return False


def _read_csv(path: str, sep: str | None = None, decimal: str | None = None):
    """The CSV file as a DataFrame, or a CommandError saying why it cannot be read.

    A separator or decimal mark left as None is detected; what was detected,
    when it is not the default, is in ``frame.attrs["skrnn_read_as"]``.
    """
    file = Path(path)
    if not file.exists():
        raise CommandError(f"data file {path!r} not found")
    if not file.is_file():
        raise CommandError(f"data file {path!r} is not a file")
    import pandas as pd

    detected = []
    if sep is None:
        sep = _sniff_separator(file)
        if sep != ",":
            detected.append(f"--sep {sep!r}")
    try:
        frame = pd.read_csv(file, sep=sep, decimal=decimal or ".")
        if decimal is None and sep != "," and _has_decimal_commas(frame):
            frame = pd.read_csv(file, sep=sep, decimal=",")
            detected.append("--decimal ','")
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path} is empty") from None
    except (ValueError, OSError) as error:  # ParserError, UnicodeDecodeError
        reason = " ".join(str(error).split())
        raise CommandError(f"cannot read {path} as CSV: {reason}") from None
    if frame.empty:
        raise CommandError(f"{path} has a header but no data rows")
    frame.attrs["skrnn_read_as"] = " ".join(detected)
    return frame


def _column(frame: pd.DataFrame, name: str, flag: str, path: str) -> pd.Series:
    import pandas as pd

    if name not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        hint = ""
        if len(frame.columns) == 1 and any(c in str(frame.columns[0]) for c in ";\t|"):
            hint = " (is the separator right? see --sep)"
        raise CommandError(
            f"column {name!r} ({flag}) not found in {path}; its columns are: "
            f"{columns}{hint}"
        )
    column = frame[name]
    if isinstance(column, pd.DataFrame):
        raise CommandError(f"{path} has more than one column named {name!r}")
    return column


def _parse_times(
    column: pd.Series, path: str, series: pd.Series | None = None
) -> pd.Series:
    """Dates of ``column``, or a CommandError naming the first bad one.

    Whole numbers (``1749`` or ``1749.0``, as a year column often is) are
    read as years. With the ``series`` id of each row (a panel), a date may
    repeat across series but not within one, and whole numbers below 1000
    are integer steps (0, 1, 2 ... in each series, as in M4's files).
    """
    import pandas as pd

    if column.isna().any():
        position = int(np.flatnonzero(column.isna().to_numpy())[0])
        raise CommandError(
            f"missing date in column {column.name!r} (--time-col) at line "
            f"{_line(position)} of {path}"
        )
    if pd.api.types.is_numeric_dtype(column) and np.all(
        np.mod(column.to_numpy(dtype=float), 1) == 0
    ):
        column = column.astype(np.int64)
        if series is not None and column.min() < 1000:
            return _check_unique_times(column, column.astype(str), path, series)
    # as text: to_datetime reads bare numbers (years) as nanoseconds since 1970
    from ._time_index import parse_dates

    text = column.astype(str)
    times = pd.Series(parse_dates(text), index=column.index, name=column.name)
    if times.isna().any():
        position = int(np.flatnonzero(times.isna().to_numpy())[0])
        raise CommandError(
            f"unparseable date {text.iloc[position]!r} in column {column.name!r} "
            f"(--time-col) at line {_line(position)} of {path}"
        )
    return _check_unique_times(times, text, path, series)


def _check_unique_times(
    times: pd.Series, text: pd.Series, path: str, series: pd.Series | None
) -> pd.Series:
    """``times``, or a CommandError naming the first date seen twice (in a series)."""
    import pandas as pd

    keys = times if series is None else pd.DataFrame({"id": series, "t": times})
    duplicated = keys.duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated.to_numpy())[0])
        where = (
            " (many series in one file? --id-col names their column)"
            if series is None
            else f" for series {series.iloc[position]!r}"
        )
        raise CommandError(
            f"duplicate date {text.iloc[position]!r} in column {times.name!r} "
            f"(--time-col) at line {_line(position)} of {path}{where}"
        )
    return times


def _parse_values(
    column: pd.Series, path: str, flag: str = "--target", allow_missing: bool = False
) -> pd.Series:
    """Float values of ``column``, or a CommandError naming the first bad one.

    With ``allow_missing``, empty cells stay NaN (for ``--fill``); anything
    else that is not a finite number is still refused.
    """
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy())
    if allow_missing:
        bad &= ~column.isna().to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raw = column.iloc[position]
        what = "missing value" if pd.isna(raw) else f"non-numeric value {raw!r}"
        if not pd.isna(raw) and np.isinf(values.iloc[position]):
            what = f"infinite value {raw!r}"
        advice = " (--fill interpolate or ffill fills gaps)" if pd.isna(raw) else ""
        raise CommandError(
            f"{what} in column {column.name!r} ({flag}) at line "
            f"{_line(position)} of {path}{advice}"
        )
    return values


@dataclass
class _Data:
    """What a subcommand reads: the target, its inputs, and notes for the user."""

    target: pd.Series
    source: str
    features: pd.DataFrame | None = None
    notes: list = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The target and the features, target first, on the time index."""
        frame = self.target.to_frame()
        if self.features is not None:
            frame = frame.join(self.features)
        return frame


def _numeric_columns(frame: pd.DataFrame) -> list:
    """Columns of which most cells read as numbers."""
    import pandas as pd

    names = []
    for name in frame.columns:
        values = pd.to_numeric(frame[name], errors="coerce")
        if values.notna().mean() > 0.5:
            names.append(name)
    return names


def _read_notes(frame: pd.DataFrame, path: str) -> list:
    """The notes to print about how a file was read."""
    if frame.attrs.get("skrnn_read_as"):
        return [f"Read {path} with {frame.attrs['skrnn_read_as']} (detected)"]
    return []


def _value_columns(
    frame: pd.DataFrame,
    args: argparse.Namespace,
    path: str,
    keys: dict,
    notes: list,
) -> dict:
    """The target (first) and ``--features`` columns of ``frame``, as floats.

    ``keys`` names the columns that hold no values (``{"time": ..., "id":
    ...}``, None for one not given): the target may be left out when one
    column remains besides them. Numeric columns left unused are noted.
    """
    keys = {role: name for role, name in keys.items() if name is not None}
    target = args.target
    if target is None:
        others = [name for name in frame.columns if name not in keys.values()]
        if len(others) != 1:
            raise CommandError(
                f"--target is needed: {path} has {len(others)} columns to choose "
                f"from ({', '.join(map(str, others))})"
            )
        target = others[0]
    target_column = _column(frame, target, "--target", path)
    features = list(dict.fromkeys(args.features))
    for name in features:
        roles = {**keys, "target": target}
        role = next((r for r, column in roles.items() if column == name), None)
        if role is not None:
            raise CommandError(
                f"--features {name!r} is the {role} column; give other columns"
            )
    fill = args.fill != "none"
    columns = {target: _parse_values(target_column, path, "--target", fill)}
    for name in features:
        column = _column(frame, name, "--features", path)
        columns[name] = _parse_values(column, path, "--features", fill)
    used = {target, *keys.values(), *features}
    ignored = [name for name in _numeric_columns(frame) if name not in used]
    if ignored:
        notes.append(
            f"Ignored columns: {', '.join(map(str, ignored))} (--features "
            "uses them as inputs)"
        )
    return columns


def _refuse_without_file(args: argparse.Namespace, *flags: str) -> None:
    """Refuse the options (``flags`` and those of any file) that need a CSV file."""
    for flag in (*flags, "--features", "--sep", "--decimal"):
        if getattr(args, flag[2:].replace("-", "_")):
            raise CommandError(f"{flag} needs a CSV file")


def _load_data(args: argparse.Namespace) -> _Data:
    """The target (and ``--features``) on their time index, filled if asked."""
    if args.data is None:
        from .datasets import load_airline

        if args.target not in (None, "passengers"):
            raise CommandError(
                f"--target {args.target!r}: the shipped airline series has one "
                "column, 'passengers'; pass a CSV file to forecast another"
            )
        _refuse_without_file(args, "--time-col")
        series = load_airline().astype(float)
        return _Data(series, "airline passengers, monthly (shipped with skrnn)")

    path = args.data
    frame = _read_csv(path, args.sep, args.decimal)
    import pandas as pd

    from ._time_index import fill_gaps, index_step

    notes = _read_notes(frame, path)
    if args.time_col is None:
        args.time_col = _guess_time_column(frame, args, notes)
    if args.time_col is not None:
        time_column = _column(frame, args.time_col, "--time-col", path)
    columns = _value_columns(frame, args, path, {"time": args.time_col}, notes)
    target, *features = columns
    fill = args.fill != "none"
    data = pd.DataFrame({name: values.to_numpy() for name, values in columns.items()})
    if args.time_col is not None:
        data.index = pd.DatetimeIndex(
            _parse_times(time_column, path), name=args.time_col
        )
        data = data.sort_index(kind="stable")
    if fill:
        data, n_filled = fill_gaps(data, args.fill, return_count=True)
        notes.append(
            f"Filled {n_filled} missing value{'s' if n_filled != 1 else ''} "
            f"(--fill {args.fill})"
        )
    elif isinstance(data.index, pd.DatetimeIndex) and index_step(data.index) is None:
        notes.append(
            f"Note: the times in {args.time_col!r} have no regular step (missing "
            "rows?), so the season is unknown: --fill puts the series on a "
            "regular step, --season gives the season"
        )
    series = data[target].rename(target)
    return _Data(series, path, data[features] if features else None, notes)


# names that say a column holds the times of a series
TIME_NAMES = ("date", "ds", "time", "timestamp", "datetime", "period", "month")
TIME_NAMES += ("week", "day", "year", "quarter")


def _guess_time_column(frame: pd.DataFrame, args: argparse.Namespace, notes: list):
    """The one column that looks like dates, without --time-col; None if unclear.

    A text column whose values all read as dates, else a column named like
    one ('year', 'date', 'ds' ...) of whole numbers from 1000 to 2999, read
    as years. The choice is noted.
    """
    from ._time_index import parse_dates

    used = {args.target, *args.features}
    numeric = set(_numeric_columns(frame))
    candidates = [
        name
        for name in frame.columns
        if name not in used
        and name not in numeric
        and frame[name].notna().all()
        and not parse_dates(frame[name]).isna().any()
    ]
    if not candidates:
        candidates = [
            name
            for name in frame.columns
            if name not in used
            and str(name).strip().lower() in TIME_NAMES
            and _are_years(frame[name])
        ]
    if len(candidates) != 1:
        return None
    notes.append(f"Time column: {candidates[0]!r} (detected; --time-col sets it)")
    return candidates[0]


def _are_years(column: pd.Series) -> bool:
    """Whether every value of ``column`` is a whole number from 1000 to 2999."""
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    whole = np.isfinite(values).all() and np.all(np.mod(values, 1) == 0)
    return bool(whole and values.min() >= 1000 and values.max() < 3000)


def _load_series(args: argparse.Namespace) -> tuple[pd.Series, str]:
    """The target series, indexed by its times (or row numbers), and its source."""
    data = _load_data(args)
    return data.target, data.source


@dataclass
class _PanelData:
    """A long panel as the forecasters take it, and notes for the user."""

    frame: pd.DataFrame  # id, time, target, then --features; by series, in time
    source: str
    columns: tuple  # the id, time and target column names
    notes: list = field(default_factory=list)

    @property
    def features(self) -> list:
        return [name for name in self.frame.columns if name not in self.columns]

    def series(self) -> dict:
        """The target of each series on its time index, in the file's order."""
        id_col, time_col, target = self.columns
        return {
            key: rows.set_index(time_col)[target]
            for key, rows in self.frame.groupby(id_col, sort=False)
        }


SHIPPED_PANEL = ("unique_id", "ds", "y")


def _detect_time_column(frame: pd.DataFrame, id_col: str, path: str, notes: list):
    """The one text column besides ``id_col`` (a panel's dates), or a CommandError."""
    numeric = set(_numeric_columns(frame))
    texts = [name for name in frame.columns if name != id_col and name not in numeric]
    if len(texts) != 1:  # a numeric column of steps or years, named as times
        texts = [
            name
            for name in frame.columns
            if name != id_col and str(name).strip().lower() in TIME_NAMES
        ]
    if len(texts) != 1:
        raise CommandError(
            f"--id-col needs --time-col, the column of dates (or steps) that "
            f"orders each series; the columns of {path} are: "
            f"{', '.join(map(str, frame.columns))}"
        )
    notes.append(f"Time column: {texts[0]!r} (detected; --time-col sets it)")
    return texts[0]


def _load_panel(args: argparse.Namespace) -> _PanelData:
    """The long panel of ``--id-col``: every series sorted in time, filled if asked."""
    import pandas as pd

    if args.data is None:
        from .datasets import load_us_employment

        for flag, value, shipped in zip(
            ("--id-col", "--time-col", "--target"),
            (args.id_col, args.time_col, args.target),
            SHIPPED_PANEL,
            strict=True,
        ):
            if value not in (None, shipped):
                raise CommandError(
                    f"{flag} {value!r}: the shipped US employment panel has the "
                    f"columns {', '.join(SHIPPED_PANEL)}; pass a CSV file to "
                    "forecast another"
                )
        _refuse_without_file(args)
        return _PanelData(
            load_us_employment(),
            "US employment, 15 industries, monthly (shipped with skrnn)",
            SHIPPED_PANEL,
        )

    path = args.data
    frame = _read_csv(path, args.sep, args.decimal)
    from ._time_index import fill_gaps

    notes = _read_notes(frame, path)
    ids = _column(frame, args.id_col, "--id-col", path)
    time_col = args.time_col or _detect_time_column(frame, args.id_col, path, notes)
    time_column = _column(frame, time_col, "--time-col", path)
    if ids.isna().any():
        position = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise CommandError(
            f"missing series id in column {args.id_col!r} (--id-col) at line "
            f"{_line(position)} of {path}"
        )
    keys = {"id": args.id_col, "time": time_col}
    columns = _value_columns(frame, args, path, keys, notes)
    target = next(iter(columns))
    times = _parse_times(time_column, path, series=ids)
    data = pd.DataFrame(
        {
            args.id_col: ids.to_numpy(),
            time_col: times.to_numpy(),
            **{name: values.to_numpy() for name, values in columns.items()},
        }
    )
    # series in the order the file names them, each in time
    order = pd.Series(range(ids.nunique()), index=pd.unique(ids))
    data = data.iloc[
        np.lexsort((data[time_col].to_numpy(), ids.map(order).to_numpy()))
    ].reset_index(drop=True)
    if args.fill != "none":
        parts, n_filled = [], 0
        for key, rows in data.groupby(args.id_col, sort=False):
            values = rows.drop(columns=args.id_col).set_index(time_col)
            try:
                filled, n = fill_gaps(values, args.fill, return_count=True)
            except (TypeError, ValueError) as error:
                raise CommandError(f"series {key!r} of {path}: {error}") from None
            parts.append(filled.rename_axis(time_col).reset_index())
            parts[-1].insert(0, args.id_col, key)
            n_filled += n
        data = pd.concat(parts, ignore_index=True)
        notes.append(
            f"Filled {n_filled} missing value{'s' if n_filled != 1 else ''} "
            f"(--fill {args.fill})"
        )
    return _PanelData(data, path, (args.id_col, time_col, target), notes)


def _out_folder(path: str) -> Path:
    """The ``--out`` folder, created if need be."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create --out folder {path!r}: {error}") from None
    return out


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


def _models(
    args: argparse.Namespace,
    cv: Any,
    season: int | None,
    target_feature: int | None = None,
) -> dict:
    """The contenders, by leaderboard name, all taking the same windows.

    The seasonal naive forecast is left out when ``season`` is None.
    ``target_feature`` is the window feature holding the target's history,
    for windows of several features (the target and ``--features``).
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
            target_feature=target_feature,
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
        SlidingWindowTransformer(1), PersistenceRegressor(target_feature=target_feature)
    )
    if season is not None:
        models["seasonal naive"] = make_pipeline(
            SlidingWindowTransformer(season),
            SeasonalNaiveRegressor(season, target_feature=target_feature),
        )
    return models


def _short_params(params: dict) -> str:
    """``{"step__look_back": 12}`` as ``"look_back=12"``."""
    return ", ".join(
        f"{key.rsplit('__', 1)[-1]}={value}" for key, value in params.items()
    )


PERCENT = ("smape", "mape")


def _in_percent(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard with MAPE in percent, as sMAPE is (and as printed)."""
    scaled = {
        column: board[column] * 100.0
        for column in ("mape_mean", "mape_std")
        if column in board
    }
    return board.assign(**scaled)


def _decimals(values: pd.Series) -> int:
    """Decimals that show the smallest of ``values`` to 3 significant digits."""
    magnitudes = np.abs(values.to_numpy(dtype=float))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if not magnitudes.size:
        return 2
    return int(np.clip(2 - np.floor(np.log10(magnitudes.min())), 0, 6))


def _format_leaderboard(board: pd.DataFrame, metrics: Sequence[str]) -> str:
    """The leaderboard as an aligned text table, a column per metric.

    Numbers are printed as they are in ``board`` (and in the CSV file):
    sMAPE and MAPE in percent (see :func:`_in_percent`).
    """
    header = ["rank", "model"]
    header += [f"{m} %" if m in PERCENT else m for m in metrics]
    header += ["fit s", "best params"]
    rows = []
    for metric in metrics:
        means = board[f"{metric}_mean"]
        stds = board[f"{metric}_std"]
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
    baselines: dict | None = None,
    n_splits: int | None = None,
) -> Any:
    """Plot the last fold's forecasts at the times they forecast.

    ``baselines`` (name to predictions on the same fold) are drawn one step
    ahead next to the best model, as yardsticks.
    """
    import pandas as pd
    from matplotlib.figure import Figure
    from sklearn.metrics import root_mean_squared_error

    from .plotting import plot_forecast

    def at_step(predictions, step):
        return pd.Series(predictions[:, step - 1], index=series.index[test + step])

    predictions = np.asarray(y_pred).reshape(len(test), -1)
    truth = np.stack([series.to_numpy()[test + step] for step in range(1, horizon + 1)])
    rmse = root_mean_squared_error(truth.T, predictions)  # as in the leaderboard
    forecasts = {}
    for step in sorted({1, horizon}):
        label = f"{name}, {step} step{'s' if step > 1 else ''} ahead"
        forecasts[label] = at_step(predictions, step)
    for other, values in (baselines or {}).items():
        if other != name:
            values = np.asarray(values).reshape(len(test), -1)
            forecasts[f"{other}, 1 step ahead"] = at_step(values, 1)
    # the test period and as much history again, twice: the rest is old news
    start = max(0, test[0] - 2 * len(test))
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    ax = figure.add_subplot()
    fold = "the last fold" if n_splits is None else f"fold {n_splits} of {n_splits}"
    plot_forecast(
        series.iloc[start:],
        forecasts,
        # the last value seen in training: the target of the last training row
        train_end=series.index[test[0]],
        ax=ax,
        title=(
            f"{name}, the best model: RMSE {rmse:.4g} on {fold} (the last "
            "test fold of the cross-validation)"
        ),
    )
    ax.set_xlabel(series.index.name or "time step")
    return figure


def _season(series: pd.Series, args: argparse.Namespace) -> tuple[int | None, str]:
    """The season length (None: no season) and the line that says where it is from."""
    from ._time_index import is_seasonal, season_of_index

    if args.season is not None:
        season, shown, origin = args.season, str(args.season), "set by --season"
    else:
        season = season_of_index(series.index)
        if season is None:
            shown, origin = "unknown", "no regular time index; --season sets one"
        else:
            name = _frequency_name(series.index)
            shown = "none" if season == 1 else str(season)
            verb = "sets one" if season == 1 else "overrides"
            origin = f"{name} time index; --season {verb}"
    if season is None or season == 1:
        return None, (
            f"Season: {shown} ({origin}): no seasonal naive forecast; MASE is "
            "scaled by persistence"
        )
    seasonal = is_seasonal(series.to_numpy(), season)
    test = "seasonal" if seasonal else "not seasonal"
    return season, f"Season: {shown} ({origin}); the M4 test finds the series {test}"


def _frequency_name(index: Any) -> str:
    from ._time_index import index_step, season_of_index

    names = {24: "hourly", 7: "daily", 52: "weekly", 12: "monthly", 4: "quarterly"}
    season = season_of_index(index)
    if season == 1:
        return "yearly"
    if season in names:
        return names[season]
    step = index_step(index)
    return getattr(step, "freqstr", str(step))


def _steps_per_fit(n_rows: int, args: argparse.Namespace) -> float:
    """Training steps of a network's fit, on the mean TimeSeriesSplit fold."""
    n_samples = n_rows - args.horizon
    test_size = n_samples // (args.splits + 1)
    first = n_samples - (args.horizon - 1) - args.splits * test_size
    mean_train = first + test_size * (args.splits - 1) / 2
    return args.epochs * np.ceil(mean_train / args.batch_size)


def _run_compare(args: argparse.Namespace) -> int:
    if args.id_col is not None:
        from ._cli_panel import run_compare_panel

        return run_compare_panel(args)
    started = time.perf_counter()
    data = _load_data(args)
    series, source = data.target, data.source
    _check_length(series, args, source)
    out = _out_folder(args.out)

    if args.cells:
        print(_start_keras(_steps_per_fit(len(series), args)))
    else:
        print("Keras not started: no network to compare (--cells is empty)")

    import pandas as pd
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
    # The target is the windows' first feature, --features the others.
    frame = data.frame().reset_index(drop=True)
    X, y = make_supervised(frame, horizon=args.horizon, target=series.name)
    target_feature = 0 if data.features is not None else None

    span = ""
    if isinstance(series.index, pd.DatetimeIndex):
        span = f", {series.index[0].date()} to {series.index[-1].date()}"
    print(f"Data: {source}: {len(series)} rows of {series.name!r}{span}")
    if data.features is not None:
        print(f"Inputs: {series.name!r} and --features {', '.join(data.features)}")
    for note in data.notes:
        print(note)
    print(
        f"Forecast {args.horizon} step{'s' if args.horizon > 1 else ''} ahead; "
        f"TimeSeriesSplit(n_splits={args.splits}, gap={args.horizon - 1}); "
        f"grid look_back {args.look_back} x units {args.units}, "
        f"{args.epochs} epochs, batch {args.batch_size}"
    )
    season, season_line = _season(series, args)
    print(season_line)
    first_train = next(iter(cv.split(X)))[0]
    if season is not None and season >= len(first_train):
        # the first test fold's windows would reach back before the series
        print(
            f"Note: seasonal naive left out, MASE scaled by persistence: season "
            f"{season} is not shorter than the first training fold "
            f"({len(first_train)} rows)"
        )
        season = None
    longest = max(*args.look_back, season or 1)
    windows = SlidingWindowTransformer(longest).fit_transform(X)

    metrics = ["rmse", "mae", "smape", "mase"]
    if np.all(np.asarray(y) != 0):
        metrics.append("mape")
    else:
        print("Note: MAPE left out: the target has zeros, where it is undefined")
    models = _models(args, cv, season, target_feature)
    board = compare(models, windows, y, cv=cv, scoring=metrics, season=season or 1)
    board = _in_percent(board)
    print()
    print("Leaderboard (mean and std over folds; errors: lower is better)")
    print(_format_leaderboard(board, metrics))

    best = board.iloc[0]
    test = list(cv.split(windows))[-1][1]
    y_pred = predict_last_fold(
        models[best["model"]], windows, y, cv=cv, params=best["best_params"]
    )
    baselines = {
        name: predict_last_fold(models[name], windows, y, cv=cv)
        for name in ("persistence", "seasonal naive")
        if name in models
    }
    figure = _forecast_figure(
        series, y_pred, test, best["model"], args.horizon, baselines, args.splits
    )

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
