"""The ``skrnn`` command: rank recurrent networks and baselines on a series."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from skrnn import __version__
from skrnn.cli._args import (
    CELL_NAMES,
    CommandError,
    _add_input_arguments,
    _at_least_two,
    _coverage,
    _Given,
    _positive_float,
    _positive_int,
)
from skrnn.cli._compare import run_compare

if TYPE_CHECKING:
    pass


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
    compare.set_defaults(run=run_compare)

    from skrnn.cli._forecast import add_forecast_command

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
            if args.id_col is not None:  # a panel: many series
                from skrnn.cli._panel import run_compare_panel, run_forecast_panel

                run = {"compare": run_compare_panel, "forecast": run_forecast_panel}
                return run[args.command](args)
            return args.run(args)
        except CommandError as error:
            print(f"skrnn: error: {error}", file=sys.stderr)
            return 2


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """A warning as the command shows it: one line, without the source path."""
    text = " ".join(str(message).split())
    print(f"skrnn: warning: {text}", file=sys.stderr if file is None else file)
