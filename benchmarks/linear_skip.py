"""RNNForecaster with and without the linear skip, at several seeds, beside Ridge.

``linear_skip=True`` adds to the network a linear map of the whole window,
started at the ridge regression of the training windows (penalty by
generalised cross-validation) and trained with the network. This script
backtests one network (``n_models=1``, ``calibration=None``: point
forecasts) with the skip off and on, at ``--seeds`` seeds each, on the
series of ``suite.py`` (same loaders, horizons and origins), and Ridge
through ``WindowForecaster`` at the same origins. It prints and writes the
mean MASE of each, its range over the seeds, and the ratio skip / no skip.

    python benchmarks/linear_skip.py --seeds 2 --cache /tmp/skip \\
        --markdown benchmarks/results/linear_skip.md

``--cache DIR`` keeps each run's forecasts as CSV and reuses them, so that
two processes can share the series (``--series``) and a last call with
every series writes the table from the cache.
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import suite  # noqa: E402
from ensemble import cached_backtest, run_line  # noqa: E402

from skrnn import RNNForecaster, WindowForecaster  # noqa: E402

SERIES = [name for name in suite.SERIES if name != "taylor"]


def mase(frame):
    """Mean absolute error over the backtest's own scale, every origin and step."""
    return float(np.mean(np.abs(frame["y_true"] - frame["y_pred"]) / frame["scale"]))


def network(skip, seed):
    def make(horizon):
        return RNNForecaster(
            horizon=horizon,
            n_models=1,
            calibration=None,
            linear_skip=skip,
            random_state=seed,
        )

    return make


def row_for(name, args):
    ridge = cached_backtest(
        name,
        "ridge",
        lambda h: WindowForecaster(horizon=h, calibration=None),
        args,
    )
    row = {"series": name, "Ridge": mase(ridge)}
    for skip in (False, True):
        runs = [
            cached_backtest(
                name, f"skip{int(skip)}_seed{seed}", network(skip, seed), args
            )
            for seed in range(args.seeds)
        ]
        scores = [mase(run) for run in runs]
        key = "with skip" if skip else "without"
        row[key] = float(np.mean(scores))
        row[f"{key}, seeds"] = ", ".join(f"{s:.3f}" for s in scores)
        row[f"{key}, s"] = float(np.mean([run["seconds"].iloc[0] for run in runs]))
    row["ratio"] = row["with skip"] / row["without"]
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--hours", type=int, default=3000, help="hourly series kept")
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--series", nargs="+", default=SERIES)
    parser.add_argument("--cache", default=None, help="folder of cached forecasts")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [row_for(name, args) for name in args.series]
    spent = sum(args.seeds * (row["without, s"] + row["with skip, s"]) for row in rows)
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    if args.markdown is None:
        return
    lines = [
        "# The network with and without the linear skip, beside Ridge",
        "",
        run_line("linear_skip.py"),
        "",
        "`RNNForecaster(horizon=h, n_models=1, calibration=None, linear_skip=..., "
        f"random_state=s)` for s = 0 .. {args.seeds - 1}, and Ridge "
        "(`WindowForecaster(horizon=h, calibration=None)`), backtested at "
        f"{args.origins} origins one horizon apart (refitted at each) on the "
        "series of `suite.md` (the half-hourly demand left out: a quarter of an "
        "hour per network). MASE over every origin and step, scaled by the "
        "in-sample seasonal naive error at the first cycle; `ratio` is the "
        "mean with the skip over the mean without.",
        "",
        "| series | Ridge | without skip | seeds | with skip | seeds | ratio | "
        "backtest s without / with |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['series']} | {row['Ridge']:.3f} | {row['without']:.3f} | "
            f"{row['without, seeds']} | {row['with skip']:.3f} | "
            f"{row['with skip, seeds']} | {row['ratio']:.2f} | "
            f"{row['without, s']:.0f} / {row['with skip, s']:.0f} |"
        )
    lines += [
        "",
        "Backtest seconds: one network's five fits, one core, each run timed when "
        f"it ran; {spent / 60:.0f} minutes of backtests in all. This call: "
        f"{(time.perf_counter() - started) / 60:.1f} minutes (cached runs are "
        "read, not refitted: `--series` splits the series between processes "
        "that share `--cache`).",
    ]
    Path(args.markdown).write_text("\n".join(lines) + "\n")
    print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
