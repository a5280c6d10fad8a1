"""An hourly panel of 400 series x 700 steps: fit time, memory and accuracy.

The panel: every column of ETTh1 and ETTh2 (six loads and the oil
temperature of two transformers, ETDataset, Zhou et al., AAAI 2021, from
``--data``/ett) cut into stretches of 700 hours, starting every 595 hours:
14 columns x 29 stretches, the first 400 kept. Each stretch is a series with
its own timestamps (hourly, so ``season="auto"`` reads the cycles 24 and
168 from the index).

Protocol: the last 48 hours of every series are held out; each forecaster
is fitted once on the rest and forecasts 48 hours with a 90% interval.
Reported: fit seconds (the calibration fit included), the process's peak
resident memory after each fit, mean MASE over the series (scaled by the
in-sample seasonal naive error at 24 hours, as M4 scales hourly series),
and the per-series coverage of the 90% intervals (min, median, max).

Usage::

    KERAS_BACKEND=jax python benchmarks/hourly_panel.py --data ../shared/data \\
        --markdown benchmarks/results/hourly_panel.md
"""

import argparse
import datetime
import os
import platform
import resource
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skrnn import RNNForecaster, WindowForecaster  # noqa: E402
from skrnn.baselines import SeasonalNaiveRegressor  # noqa: E402
from skrnn.metrics import mase  # noqa: E402

HORIZON = 48
LENGTH = 700
STRIDE = 595
N_SERIES = 400
LEVEL = 0.9


def load_panel(data: str) -> pd.DataFrame:
    """The long panel (``unique_id``, ``ds``, ``y``) of 400 stretches of ETT."""
    parts = []
    for name in ("ETTh1", "ETTh2"):
        frame = pd.read_csv(Path(data) / "ett" / f"{name}.csv", parse_dates=["date"])
        for column in frame.columns.drop("date"):
            for start in range(0, len(frame) - LENGTH + 1, STRIDE):
                stretch = frame.iloc[start : start + LENGTH]
                parts.append(
                    pd.DataFrame(
                        {
                            "unique_id": f"{name}_{column}_{start}",
                            "ds": stretch["date"].to_numpy(),
                            "y": stretch[column].to_numpy(dtype=float),
                        }
                    )
                )
    ids = [part["unique_id"].iloc[0] for part in parts][:N_SERIES]
    panel = pd.concat(parts[:N_SERIES], ignore_index=True)
    assert panel["unique_id"].nunique() == len(ids) == N_SERIES
    return panel


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluate(label, forecaster, train, test):
    start = time.perf_counter()
    forecaster.fit(train)
    fit_seconds = time.perf_counter() - start
    rss = peak_rss_mib()
    # what the calibration chose (RNNForecaster: network, linear start, ...)
    method = getattr(forecaster, "forecast_method_", "fitted")
    print(f"{label}: forecasts with {method}", flush=True)
    forecast = forecaster.predict(coverage=LEVEL)
    merged = test.merge(forecast, on=["unique_id", "ds"], validate="one_to_one")
    history = dict(tuple(train.groupby("unique_id")["y"]))
    scores, covered = [], []
    for key, rows in merged.groupby("unique_id"):
        truth = rows["y"].to_numpy()
        scores.append(
            mase(truth, rows["y_pred"].to_numpy(), history[key].to_numpy(), 24)
        )
        inside = (truth >= rows["y_lower"].to_numpy()) & (
            truth <= rows["y_upper"].to_numpy()
        )
        covered.append(inside.mean())
    covered = np.array(covered)
    row = {
        "model": label,
        "forecasts with": method,
        "fit s": round(fit_seconds, 1),
        "peak RSS MiB": round(rss),
        # a stretch with a flat day (a load switched off) has no in-sample
        # seasonal naive error: its MASE is undefined and left out
        "mean MASE": round(float(np.mean(np.array(scores)[np.isfinite(scores)])), 3),
        "series without MASE": int(np.sum(~np.isfinite(scores))),
        "coverage min": f"{covered.min():.0%}",
        "coverage median": f"{np.median(covered):.0%}",
        "coverage max": f"{covered.max():.0%}",
        "series covered 80-97%": f"{np.mean((covered >= 0.8) & (covered <= 0.97)):.0%}",
    }
    print(row, flush=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    panel = load_panel(args.data)
    last = panel.groupby("unique_id").cumcount(ascending=False) < HORIZON
    train, test = panel[~last], panel[last]
    print(f"{panel['unique_id'].nunique()} series x {LENGTH} steps", flush=True)
    import keras

    models = {
        "RNNForecaster(horizon=48, random_state=0)": RNNForecaster(
            HORIZON, random_state=0
        ),
        "Ridge (WindowForecaster)": WindowForecaster(horizon=HORIZON),
        "seasonal naive (24)": WindowForecaster(
            SeasonalNaiveRegressor(24), horizon=HORIZON, look_back=24, season=24
        ),
        "seasonal naive (168)": WindowForecaster(
            SeasonalNaiveRegressor(168),
            horizon=HORIZON,
            look_back=168,
            season=(24, 168),
        ),
    }
    rows = [evaluate(label, model, train, test) for label, model in models.items()]
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    probe = WindowForecaster(horizon=HORIZON, calibration=None).fit(train)
    if args.markdown is None:
        return
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns)
    body = "\n".join(
        "| " + " | ".join(str(v) for v in row) + " |" for row in table.to_numpy()
    )
    seasons = tuple(int(s) for s in probe.seasons_)
    text = "\n".join(
        [
            "# An hourly panel: 400 series x 700 steps, horizon 48",
            "",
            f"Run on {today}: `python benchmarks/hourly_panel.py`. Machine: "
            f"{platform.platform()}, {os.cpu_count()} cores (shared with other "
            "work during this run: the times are upper bounds); keras "
            f"{keras.__version__} ({keras.backend.backend()}).",
            "",
            "Data: every column of ETTh1 and ETTh2 (ETDataset, Zhou et al., AAAI "
            f"2021) cut into stretches of {LENGTH} hours starting every {STRIDE} "
            f"hours, the first {N_SERIES}: a long panel with real timestamps. The "
            f"defaults resolve `seasons_` = {seasons} from the index, `season_` = "
            f"{probe.season_}, `look_back_` = {probe.look_back_}.",
            "",
            f"Protocol: the last {HORIZON} hours of every series held out; one fit "
            "on the rest (the calibration fit included in the seconds), then a "
            f"{HORIZON}-hour forecast with a 90% interval. MASE scaled by the "
            "in-sample seasonal naive error at 24 hours, averaged over the series; "
            "coverage per series of the 90% intervals. Peak RSS is the process's "
            "high-water mark after each fit (cumulative: each row includes the "
            "rows above it).",
            "",
            header,
            body,
            "",
            f"One run: {(time.perf_counter() - started) / 60:.1f} minutes in all.",
            "",
        ]
    )
    Path(args.markdown).write_text(text)
    print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
