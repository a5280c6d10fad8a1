"""Seed spread of RNNForecaster, one network against averages of several.

For each series, the network alone (``n_models=1``) is backtested at
``--seeds`` seeds, refitted at every origin (``calibration=None``: point
forecasts only). An ensemble of ``k`` networks forecasts the mean of ``k``
members' forecasts (what ``n_models=k`` does: the members differ by their
seed only), so the ensembles are formed from those runs: every ``k``-subset
of the seeds, and the disjoint groups ``0..k-1``, ``k..2k-1``, ... The table
gives the MASE of single networks and of ensembles, their standard
deviation across seeds (or subsets) and the expected spread (max - min) of
three runs, 1.69 standard deviations, over the mean.

    python benchmarks/ensemble.py --seeds 9 --markdown benchmarks/results/ensemble.md

``--cache DIR`` keeps each run's forecasts as CSV and reuses them.
"""

import argparse
import datetime
import itertools
import os
import platform
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import suite  # noqa: E402

from skrnn import RNNForecaster  # noqa: E402
from skrnn.model_selection import backtest  # noqa: E402

# the expected range of three draws of a normal variable, in standard deviations
RANGE_OF_THREE = 1.69
SERIES = ("ETTh1", "ETTh2", "seattle-temps", "seattle-weather")


def forecasts(name, seed, args):
    """The backtest forecasts of one network at ``seed`` (from the cache if there)."""

    def make(horizon):
        return RNNForecaster(
            horizon=horizon, n_models=1, calibration=None, random_state=seed
        )

    return cached_backtest(name, str(seed), make, args)


def cached_backtest(name, label, make, args):
    """Backtest forecasts of ``make(horizon)`` on series ``name`` of ``suite.py``.

    Kept as ``{name}_{label}.csv`` under ``args.cache`` when set, and read
    from there when present; each frame carries the seconds its run took.
    """
    cached = Path(args.cache) / f"{name}_{label}.csv" if args.cache else None
    if cached is not None and cached.exists():
        return pd.read_csv(cached)
    loader, horizon, _ = suite.SERIES[name]
    y = loader(args)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = backtest(make(horizon), y, n_origins=args.origins).forecasts
    seconds = time.perf_counter() - start
    print(f"{name} {label}: {seconds:.0f} s", flush=True)
    frame = frame[["cutoff", "horizon", "y_true", "y_pred", "scale"]].assign(
        seconds=seconds
    )
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(cached, index=False)
    return frame


def run_line(script):
    """``Run on <date>: `python benchmarks/<script> <args>`. <machine>; <versions>.``"""
    import keras

    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    return (
        f"Run on {today}: `python benchmarks/{script} "
        + " ".join(sys.argv[1:])
        + f"`. {platform.platform()}, {os.cpu_count()} cores; keras "
        f"{keras.__version__} ({keras.backend.backend()}), pandas {pd.__version__}."
    )


def bold_lowest(row, columns) -> str:
    """Markdown cells of ``row[c]`` for each of ``columns``, the lowest in bold."""
    best = min(row[c] for c in columns)
    return " | ".join(
        f"**{row[c]:.3f}**" if row[c] == best else f"{row[c]:.3f}" for c in columns
    )


def per_origin_parser(description, series) -> argparse.ArgumentParser:
    """The options of a script that fits a forecaster at each origin of the
    suite's series: the data, the origins, the epochs, the series, the output."""
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", default=str(here.parent.parent / "shared" / "data"))
    parser.add_argument("--hours", type=int, default=3000, help="hourly series kept")
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument("--spread", action="store_true")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--series", nargs="+", default=series)
    parser.add_argument("--markdown", default=None)
    return parser


def origins_phrase(args) -> str:
    """Where a per-origin script fitted: ``--origins``, last or ``--spread``."""
    if args.spread:
        return f"{args.origins} origins spread over the last third"
    return f"the {args.origins} last origins, one horizon apart"


def rule_table(rows) -> list:
    """Markdown lines of a table of rules: a ``series`` column, then the rules'
    MASE, the lowest of each row in bold."""
    columns = [c for c in rows[0] if c != "series"]
    lines = [
        "| series | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for row in rows:
        lines.append(f"| {row['series']} | " + bold_lowest(row, columns) + " |")
    return lines


def mase(frame, predicted):
    """Mean absolute error over the backtest's own scale, every origin and step."""
    return float(np.mean(np.abs(frame["y_true"] - predicted) / frame["scale"]))


def rows_for(name, runs, sizes):
    """One row per ensemble size: MASE mean, deviation, expected spread of three."""
    rows = []  # seconds: k networks' backtest (the cost of n_models=k)
    for k in sizes:
        subsets = list(itertools.combinations(range(len(runs)), k))
        scores = np.array(
            [
                mase(runs[0], np.mean([runs[j]["y_pred"] for j in group], axis=0))
                for group in subsets
            ]
        )
        disjoint = [
            mase(runs[0], np.mean([runs[j]["y_pred"] for j in range(i, i + k)], axis=0))
            for i in range(0, len(runs) - k + 1, k)
        ]
        # the subsets share members, drawn from a pool of len(runs): the
        # finite-population correction gives the deviation of k independent draws
        pool = len(runs)
        correction = np.sqrt((pool - 1) / (pool - k)) if k < pool else np.nan
        rows.append(
            {
                "series": name,
                "seconds": k * np.mean([run["seconds"].iloc[0] for run in runs]),
                "n_models": k,
                "ensembles": len(subsets),
                "mean MASE": scores.mean(),
                "std": scores.std() * correction,
                "expected spread of 3": RANGE_OF_THREE
                * scores.std()
                * correction
                / scores.mean(),
                "disjoint groups": ", ".join(f"{v:.3f}" for v in disjoint),
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--hours", type=int, default=3000, help="hourly series kept")
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=9)
    parser.add_argument("--series", nargs="+", default=list(SERIES))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3, 5])
    parser.add_argument("--cache", default=None, help="folder of cached forecasts")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = []
    for name in args.series:
        runs = [forecasts(name, seed, args) for seed in range(args.seeds)]
        rows += rows_for(name, runs, [k for k in args.sizes if k <= args.seeds])
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    if args.markdown is None:
        return
    lines = [
        "# One network against ensembles of networks from different seeds",
        "",
        run_line("ensemble.py"),
        "",
        f"`RNNForecaster(horizon=h, n_models=1, calibration=None, random_state=s)` "
        f"for s = 0 .. {args.seeds - 1}, backtested at {args.origins} origins one "
        "horizon apart (refitted at each), on the series of `suite.md`. An "
        "ensemble of k networks averages k of these runs' forecasts, as "
        "`n_models=k` does: every k-subset of the seeds is scored; `std` is "
        "their standard deviation times sqrt((N - 1) / (N - k)), N the seeds run "
        "(the subsets share members: this is the deviation of ensembles of k "
        "independent networks), `expected spread of 3` is 1.69 `std` over "
        "the mean (the expected max - min of three runs, what `suite.md`'s "
        "seed criterion measures), and the disjoint groups are seeds 0..k-1, "
        "k..2k-1 and so on.",
        "",
        "| series | n_models | ensembles | mean MASE | std | expected spread of 3 | "
        "disjoint groups | backtest seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['series']} | {row['n_models']} | {row['ensembles']} | "
            f"{row['mean MASE']:.3f} | {row['std']:.3f} | "
            f"{row['expected spread of 3']:.0%} | {row['disjoint groups']} | "
            f"{row['seconds']:.0f} |"
        )
    lines += [
        "",
        "Backtest seconds: k times the mean time of one network's backtest "
        f"({args.origins} fits, one core, each run timed when it ran). This run: "
        f"{(time.perf_counter() - started) / 60:.1f} minutes (cached runs are "
        "read, not refitted).",
    ]
    Path(args.markdown).write_text("\n".join(lines) + "\n")
    print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
