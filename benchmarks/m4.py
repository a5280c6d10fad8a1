"""The M4 Weekly panel: skrnn's forecasters, statsforecast and the published figures.

Protocol of the M4 competition (Makridakis et al., 2020) on its 359 weekly
series: each method is fitted on the training part of every series and
forecasts the next 13 weeks, which the test file holds. sMAPE and MASE are
computed per series (MASE scaled by the in-sample error of the naive forecast
over the whole training series: M4's frequency for Weekly is 1), then
averaged over the series; OWA relates the two means to those of Naive2; MSIS
and coverage judge the 95% intervals. The script first reproduces the
published Naive2 figures (sMAPE 9.161, MASE 2.777) and stops if it cannot:
no other number is worth reading then.

Usage::

    python benchmarks/m4.py --data ../shared/data/m4_weekly
    python benchmarks/m4.py --data DIR --quick              # 40 series: a smoke run
    python benchmarks/m4.py --data DIR --only autoets,theta --markdown m4.md
    python benchmarks/m4.py --data DIR --only rnn --seeds 3 # ensemble of 3 seeds

The data stays outside the package (``DIR`` holds ``Weekly-train.csv.gz`` and
``Weekly-test.csv.gz`` as the competition published them). statsforecast is a
benchmark-only peer: ``make bench-m4`` runs this script in ``.venv-bench``.
A peer that is not installed is reported and skipped, and so are skrnn's
forecasters while they take one series only.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skrnn.metrics import coverage, mase, msis, naive2_forecast, owa, smape  # noqa: E402

HORIZON = 13
SEASON = 1  # M4's frequency for Weekly: Naive2's season and the scale of MASE, MSIS
LEVEL = 95
NAIVE2_PUBLISHED = {"smape": 9.161, "mase": 2.777}
QUICK_STRIDE = 9  # --quick keeps every 9th series: 40 of 359

# Makridakis et al. (2020) and the competition's result tables, Weekly subset
PUBLISHED = [
    ("Naive2", 9.161, 2.777, 1.000, None),
    ("Theta", 9.093, 2.637, 0.971, None),
    ("RNN, the organisers' benchmark", 15.220, 5.132, 1.755, None),
    ("MLP, the organisers' benchmark", 21.349, 13.568, 3.608, None),
    ("ES-RNN (Smyl), the overall winner", 7.817, 2.356, 0.851, 22.03),
    ("best Weekly entry", 6.582, 2.107, 0.739, None),
    ("ETS", None, None, None, 20.39),
    ("ARIMA", None, None, None, 19.58),
    ("best interval entry", None, None, None, 16.20),
]

COLUMNS = ("smape", "mase", "owa", "msis", "coverage", "seconds", "peak_rss")
HEADERS = (
    "sMAPE",
    "MASE",
    "OWA",
    "MSIS",
    "95% coverage",
    "fit+predict (s)",
    "peak RSS so far (MB)",
)


# -- data ---------------------------------------------------------------------


def load_m4(folder: Path, subset: str = "Weekly"):
    """``{id: training values}`` and ``{id: the test values}``, in the files' order."""
    train = pd.read_csv(folder / f"{subset}-train.csv.gz", index_col=0)
    test = pd.read_csv(folder / f"{subset}-test.csv.gz", index_col=0)
    series, targets = {}, {}
    for uid, row in train.iterrows():
        values = row.to_numpy(dtype=np.float64)
        length = int(np.isfinite(values).sum())
        # rows are padded at the end to the longest series, nowhere else
        if not np.isfinite(values[:length]).all():
            raise ValueError(f"{uid} has missing values inside the series.")
        series[uid] = values[:length]
        targets[uid] = test.loc[uid].to_numpy(dtype=np.float64)
    return series, targets


def long_frame(series: dict) -> pd.DataFrame:
    """The panel in the long format: unique_id, ds (integer steps per series), y."""
    return pd.DataFrame(
        {
            "unique_id": np.repeat(list(series), [len(v) for v in series.values()]),
            "ds": np.concatenate([np.arange(len(v)) for v in series.values()]),
            "y": np.concatenate(list(series.values())),
        }
    )


# -- methods: each takes the long training frame, returns the long forecasts --
# (unique_id, ds, y_pred, and y_lower, y_upper when it gives intervals)


def naive2(train: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for uid, group in train.groupby("unique_id", sort=False):
        y = group["y"].to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": uid,
                    "ds": np.arange(len(y), len(y) + HORIZON),
                    "y_pred": naive2_forecast(y, HORIZON, season=SEASON),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def statsforecast_method(name: str):
    """A statsforecast model fitted per series, with its 95% intervals."""

    def make():
        from statsforecast import models

        return getattr(models, name)(season_length=SEASON)

    def run(train: pd.DataFrame) -> pd.DataFrame:
        from statsforecast import StatsForecast

        model = make()
        out = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(
            df=train, h=HORIZON, level=[LEVEL]
        )
        alias = str(model)
        if "unique_id" not in out.columns:  # the index, in older statsforecast
            out = out.reset_index()
        return out.rename(
            columns={
                alias: "y_pred",
                f"{alias}-lo-{LEVEL}": "y_lower",
                f"{alias}-hi-{LEVEL}": "y_upper",
            }
        )

    def warm_up():
        # numba compiles each model on its first call: once per process, not
        # per series, so it is kept out of the timing
        run(long_frame({"a": np.arange(40.0) % 7 + 10, "b": np.arange(40.0) + 5}))

    run.warm_up = warm_up
    return run


# what moved the RNN: each variant changes one default (``--variants``)
RNN_VARIANTS = {
    "rnn-mae": ("RNNForecaster(loss='mae')", {"loss": "mae"}),
    "rnn-h": ("RNNForecaster(look_back=13): one horizon", {"look_back": HORIZON}),
    "rnn-w20k": ("RNNForecaster(max_windows=20_000)", {"max_windows": 20_000}),
    "rnn-decoder": ("RNNForecaster(decoder='rnn')", {"decoder": "rnn"}),
    "rnn-epoch": (
        "RNNForecaster(window_sampling='epoch')",
        {"window_sampling": "epoch"},
    ),
    "rnn-noskip": (
        "RNNForecaster(linear_skip=False): the network alone",
        {"linear_skip": False},
    ),
}


def skrnn_method(kind: str, seeds: int, params: dict | None = None):
    """skrnn's forecaster on the whole panel; the RNN averaged over ``seeds``."""

    def run(train: pd.DataFrame) -> pd.DataFrame:
        from skrnn import RNNForecaster
        from skrnn.forecasting import WindowForecaster

        if kind == "window":
            makers = [lambda: WindowForecaster(horizon=HORIZON)]
        else:
            makers = [
                lambda s=s: RNNForecaster(
                    horizon=HORIZON, random_state=s, **(params or {})
                )
                for s in range(seeds)
            ]
        columns = ["unique_id", "ds", "y_pred", "y_lower", "y_upper"]
        runs = [
            make().fit(train).predict(coverage=LEVEL / 100)[columns] for make in makers
        ]
        # an ensemble: point forecasts and bounds averaged over the seeds
        return pd.concat(runs).groupby(["unique_id", "ds"], as_index=False).mean()

    return run


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def skrnn_takes_panels() -> str | None:
    """None if skrnn's forecasters take a long panel, else why not (a tiny probe)."""
    from skrnn.forecasting import WindowForecaster

    probe = long_frame({"a": np.arange(30.0), "b": np.arange(30.0) + 5})
    try:
        WindowForecaster(horizon=2).fit(probe)
    except (TypeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def methods(seeds: int) -> dict:
    """``{key: (label, run)}``, in the order of the table."""
    rnn_label = "RNNForecaster()"
    if seeds > 1:
        rnn_label += f", mean forecast of {seeds} seeds"
    return {
        "naive2": ("Naive2", naive2),
        "snaive": (
            "seasonal naive (statsforecast SeasonalNaive)",
            statsforecast_method("SeasonalNaive"),
        ),
        "autoets": ("AutoETS (statsforecast)", statsforecast_method("AutoETS")),
        "theta": ("Theta (statsforecast)", statsforecast_method("Theta")),
        "rnn": (rnn_label, skrnn_method("rnn", seeds)),
        "window": ("Ridge (WindowForecaster)", skrnn_method("window", seeds)),
        **{
            key: (label, skrnn_method("rnn", seeds, params))
            for key, (label, params) in RNN_VARIANTS.items()
        },
    }


# -- scores -------------------------------------------------------------------


def per_series_scores(forecasts: pd.DataFrame, series: dict, targets: dict):
    """One row per series: sMAPE, MASE, and MSIS and coverage when there are bounds."""
    rows = []
    grouped = dict(tuple(forecasts.sort_values("ds").groupby("unique_id")))
    intervals = {"y_lower", "y_upper"} <= set(forecasts.columns)
    for uid, y_train in series.items():
        frame = grouped.get(uid)
        if frame is None or len(frame) != HORIZON:
            got = 0 if frame is None else len(frame)
            raise ValueError(f"{uid}: {got} forecasts, not {HORIZON}.")
        y_true, y_pred = targets[uid], frame["y_pred"].to_numpy()
        row = {
            "unique_id": uid,
            "n_train": len(y_train),
            "smape": smape(y_true, y_pred),
            "mase": mase(y_true, y_pred, y_train, season=SEASON),
        }
        if intervals:
            lower, upper = frame["y_lower"].to_numpy(), frame["y_upper"].to_numpy()
            row["msis"] = msis(y_true, lower, upper, y_train, season=SEASON)
            row["coverage"] = coverage(y_true, lower, upper)
        rows.append(row)
    return pd.DataFrame(rows)


def check_naive2(series: dict, targets: dict) -> dict:
    """Naive2 on every series must give the published figures to 3 decimals."""
    scores = per_series_scores(naive2(long_frame(series)), series, targets)
    means = {key: float(scores[key].mean()) for key in NAIVE2_PUBLISHED}
    print(
        f"Naive2 on the {len(series)} series: sMAPE {means['smape']:.3f}, "
        f"MASE {means['mase']:.3f} (published: {NAIVE2_PUBLISHED['smape']:.3f}, "
        f"{NAIVE2_PUBLISHED['mase']:.3f})",
        flush=True,
    )
    wrong = {
        key: round(value, 3)
        for key, value in means.items()
        if round(value, 3) != NAIVE2_PUBLISHED[key]
    }
    if wrong:
        sys.exit(
            f"Naive2 does not reproduce the published figures: {wrong} against "
            f"{NAIVE2_PUBLISHED}. The data or the metrics are wrong: stopping."
        )
    return means


# -- report -------------------------------------------------------------------


def machine_line(seeds: int) -> str:
    import keras
    import sklearn

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        backend += f" on {jax.devices()[0].platform}"
    try:
        import statsforecast

        peers = f", statsforecast {statsforecast.__version__}"
    except ImportError:
        peers = ""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return (
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} "
        f"CPUs ({usable} used); Python {platform.python_version()}, keras "
        f"{keras.__version__} ({backend}), scikit-learn {sklearn.__version__}"
        f"{peers}. RNN: {seeds} seed(s)."
    )


def cell(key: str, value) -> str:
    if value is None or pd.isna(value):
        return "—"
    if key == "coverage":
        return f"{100 * value:.1f}%"
    if key == "seconds":
        return f"{value:.1f}"
    if key == "peak_rss":
        return f"{value:.0f}"
    if key == "msis":
        return f"{value:.2f}"
    return f"{value:.3f}"


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| method | " + " | ".join(HEADERS) + " |",
        "|---|" + "---:|" * len(HEADERS),
    ]
    for row in rows:
        if "skipped" in row:
            cells = [row["skipped"]] + ["—"] * (len(HEADERS) - 1)
        else:
            cells = [cell(key, row.get(key)) for key in COLUMNS]
        lines.append(f"| {row['method']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def published_rows() -> list[dict]:
    return [
        {
            "method": f"{name} (published)",
            "smape": s,
            "mase": m,
            "owa": o,
            "msis": i,
        }
        for name, s, m, o, i in PUBLISHED
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="the M4 folder")
    parser.add_argument("--out", type=Path, default=None, help="folder for the CSVs")
    parser.add_argument("--markdown", type=Path, default=None, help="write the table")
    parser.add_argument("--seeds", type=int, default=1, help="RNN seeds, averaged")
    parser.add_argument("--quick", action="store_true", help="40 series only")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also the RNN with one default changed at a time (what moved it)",
    )
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated: naive2, snaive, autoets, theta, rnn, window, "
        + ", ".join(RNN_VARIANTS)
        + " "
        "(Naive2 is always computed: it is the reference of the OWA)",
    )
    args = parser.parse_args(argv)
    available = methods(args.seeds)
    main_methods = [key for key in available if key not in RNN_VARIANTS]
    if args.variants:
        main_methods += list(RNN_VARIANTS)
    chosen = main_methods if args.only is None else args.only.split(",")
    unknown = set(chosen) - set(available)
    if unknown:
        parser.error(f"unknown method(s) {sorted(unknown)}; from {list(available)}")
    chosen = ["naive2"] + [key for key in chosen if key != "naive2"]
    out = args.out or Path(tempfile.mkdtemp(prefix="skrnn-m4-"))
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    series, targets = load_m4(args.data)
    check_naive2(series, targets)
    if args.quick:
        series = dict(list(series.items())[::QUICK_STRIDE])
    train = long_frame(series)
    machine = machine_line(args.seeds)
    print(machine, flush=True)
    print(f"{len(series)} series, {len(train)} training values", flush=True)

    panel_refusal = None
    if {"rnn", "window", *RNN_VARIANTS} & set(chosen):
        panel_refusal = skrnn_takes_panels()
    rows, per_series, forecasts = [], [], []
    for key in chosen:
        label, run = available[key]
        if (key in ("rnn", "window") or key in RNN_VARIANTS) and panel_refusal:
            reason = "skipped: panel input not supported by this skrnn"
            print(f"  {label:46s} {reason} ({panel_refusal})", flush=True)
            rows.append({"method": label, "skipped": reason})
            continue
        try:
            getattr(run, "warm_up", lambda: None)()
        except ImportError as error:
            print(f"  {label:46s} skipped: {error}", flush=True)
            rows.append({"method": label, "skipped": f"skipped: {error}"})
            continue
        start = time.perf_counter()
        frame = run(train)
        seconds = time.perf_counter() - start
        scores = per_series_scores(frame, series, targets)
        forecasts.append(frame.assign(method=label))
        per_series.append(scores.assign(method=label))
        row = {"method": label, **scores.mean(numeric_only=True), "seconds": seconds}
        row["peak_rss"] = peak_rss_mb()
        naive2_row = rows[0] if rows else row  # Naive2 comes first
        row["owa"] = owa(
            row["smape"], row["mase"], naive2_row["smape"], naive2_row["mase"]
        )
        rows.append(row)
        print(
            f"  {label:46s} sMAPE {row['smape']:.3f}  MASE {row['mase']:.3f}  "
            f"OWA {row['owa']:.3f}  ({seconds:.1f} s, peak RSS so far "
            f"{row['peak_rss']:.0f} MB)",
            flush=True,
        )
    wall = time.perf_counter() - started

    pd.concat(per_series, ignore_index=True).to_csv(
        out / "m4_weekly_per_series.csv", index=False
    )
    pd.concat(forecasts, ignore_index=True).to_csv(
        out / "m4_weekly_forecasts.csv", index=False
    )
    subset = (
        f"{len(series)} of the 359 series (--quick)" if args.quick else "all 359 series"
    )
    text = "\n".join(
        [
            "# M4 Weekly: skrnn, statsforecast and the published figures",
            "",
            machine,
            "",
            f"The M4 protocol on {subset}: fitted on each training series, "
            f"forecasting the {HORIZON} test weeks. sMAPE and MASE per series "
            "(MASE scaled by the naive forecast's in-sample error over the whole "
            "training series, seasonality 1), averaged over the series; OWA "
            "against this run's Naive2; MSIS and observed coverage of the 95% "
            "intervals. Time: fit and predict over the panel, statsforecast's "
            "one-time numba compilation excluded. Rows marked (published) are "
            "the competition's own figures on all 359 series.",
            "",
            markdown_table(rows + published_rows()),
            "",
            f"One run: {wall:.0f} s in all.",
        ]
    )
    print()
    print(text)
    print(f"\nper-series scores and forecasts in {out}")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n")
        print(f"table written to {args.markdown}")


if __name__ == "__main__":
    main()
