"""Argument types and the input arguments every ``skrnn`` command shares."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

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
