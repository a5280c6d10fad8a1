"""The forecasters' defaults on panels and with past covariates, beside the peers.

``suite.py`` backtests single series without covariates. This script runs
the same protocol (5 rolling origins one horizon apart, refitted at each,
90% intervals, MASE and MSIS scaled by the in-sample seasonal naive error at
the first cycle of ``seasons_``) on the datasets the suite leaves out:

- **ETTh1 and ETTh2, oil temperature with the six loads as past
  covariates** (``--data``/ett; the last 3000 hours, the rows of
  ``suite.md``): ``fit(y, X)``, the loads read up to each origin only;
- **the ETT panel**: all 14 columns of ETTh1 and ETTh2 (six loads and the
  oil temperature of each transformer), the last 1500 hours, as one long
  panel (``unique_id``, ``ds``, ``y``), horizon 24;
- **the shipped panel**, ``skrnn.datasets.load_us_employment`` (15 monthly
  series, 120 months), horizon 12.

Models: ``RNNForecaster(horizon=h, random_state=0)`` and Ridge through
``WindowForecaster(horizon=h)`` (both given the covariates where there are
some; Ridge also without them), the seasonal naive forecast at each cycle,
statsforecast's ``AutoETS`` and ``MSTL`` (univariate, series by series) and
skforecast's ``ForecasterRnn`` (one network over all the dataset's series:
the covariates as input series, the targets as ``levels``). Per dataset:
mean MASE over the series, pooled and per-series coverage of the 90%
intervals (smallest, median, largest), MSIS, fit seconds, the process's
peak resident memory.

Usage (``make bench-suite-panels``)::

    KERAS_BACKEND=jax python benchmarks/suite_panels.py --data ../shared/data \\
        --markdown benchmarks/results/suite_panels.md --jobs 2
"""

import argparse
import datetime
import os
import platform
import resource
import shlex
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

from skrnn import RNNForecaster, WindowForecaster  # noqa: E402
from skrnn.baselines import SeasonalNaiveRegressor  # noqa: E402
from skrnn.datasets import load_us_employment  # noqa: E402
from skrnn.metrics import seasonal_naive_scale  # noqa: E402
from skrnn.model_selection import backtest  # noqa: E402

LEVEL = suite.LEVEL
ALPHA = 1 - LEVEL
RNN, RIDGE = "RNNForecaster()", "Ridge (WindowForecaster)"
RIDGE_ALONE = "Ridge, target alone"
BEST_OF = (RIDGE, "AutoETS (statsforecast)", "MSTL (statsforecast)")
FORECASTER_RNN = tuple(suite.SKFORECAST_FIT)


def ett_frame(data, name, hours):
    frame = pd.read_csv(Path(data) / "ett" / f"{name}.csv", parse_dates=["date"])
    return frame.set_index("date").asfreq("h").iloc[-hours:]


def ett_with_loads(data, name):
    """The oil temperature (as ``suite.py`` loads it) and the six loads."""
    frame = ett_frame(data, name, 3000)
    return frame["OT"].rename(f"{name} OT"), frame.drop(columns="OT")


def ett_panel(data, hours=1500):
    """All 14 columns of ETTh1 and ETTh2 as a long panel."""
    parts = []
    for name in ("ETTh1", "ETTh2"):
        frame = ett_frame(data, name, hours)
        for column in frame.columns:
            parts.append(
                pd.DataFrame(
                    {
                        "unique_id": f"{name} {column}",
                        "ds": frame.index,
                        "y": frame[column],
                    }
                )
            )
    return pd.concat(parts, ignore_index=True), None


# name: (loader(data) -> (y, X), horizon, source)
DATASETS = {
    "ETTh1 + loads": (
        lambda data: ett_with_loads(data, "ETTh1"),
        24,
        "ETDataset ETTh1.csv (shared data), last 3000 hours: OT, the six loads "
        "as past covariates",
    ),
    "ETTh2 + loads": (
        lambda data: ett_with_loads(data, "ETTh2"),
        24,
        "ETDataset ETTh2.csv (shared data), last 3000 hours: OT, the six loads "
        "as past covariates",
    ),
    "ETT panel": (
        ett_panel,
        24,
        "ETDataset ETTh1.csv and ETTh2.csv (shared data), all 14 columns, last "
        "1500 hours, a long panel of 14 series",
    ),
    "US employment": (
        lambda data: (load_us_employment(), None),
        12,
        "skrnn.datasets.load_us_employment: 15 monthly series, 120 months "
        "(BLS, seasonally adjusted)",
    ),
}
# RNNForecaster()'s fit seconds in a first run: the longest go first
FIT_SECONDS = {"ETT panel": 600, "ETTh1 + loads": 450, "ETTh2 + loads": 300}


def wide_targets(y):
    """The targets as one column per series (a single series: one column)."""
    if isinstance(y, pd.Series):
        return y.to_frame()
    wide = y.pivot(index="ds", columns="unique_id", values="y")
    wide = wide.asfreq(pd.infer_freq(wide.index))  # as skforecast requires
    return wide[list(dict.fromkeys(y["unique_id"]))]


def head_of(y, X, length):
    """``y`` and ``X`` up to their first ``length`` steps (every series)."""
    if isinstance(y, pd.Series):
        return y.iloc[:length], None if X is None else X.iloc[:length]
    keep = y.groupby("unique_id", sort=False).cumcount() < length
    return y[keep], None


def skrnn_run(forecaster, y, X, horizon, n_origins):
    result = backtest(forecaster, y, X, n_origins=n_origins, coverage=LEVEL)
    forecasts = result.forecasts
    if "unique_id" not in forecasts:
        forecasts = forecasts.assign(unique_id=y.name)
    return forecasts, result.fit_time


def peer_run(fit_predict, y, X, horizon, n_origins):
    """A peer through the origins of ``backtest``, refitted at each.

    ``fit_predict(targets, covariates)`` gets the history up to the cutoff
    (one column per series, and the covariates or None) and returns, per
    series, the mean forecast and the bounds of its 90% interval.
    """
    wide = wide_targets(y)
    rows, fit_time = [], 0.0
    for k in range(n_origins - 1, -1, -1):
        length = len(wide) - horizon - k * horizon
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fit_predict(
                wide.iloc[:length], None if X is None else X.iloc[:length]
            )
        fit_time += time.perf_counter() - start
        for series, (mean, lower, upper) in out.items():
            rows.append(
                pd.DataFrame(
                    {
                        "unique_id": series,
                        "cutoff": wide.index[length - 1],
                        "ds": wide.index[length : length + horizon],
                        "horizon": np.arange(1, horizon + 1),
                        "y_true": wide[series].to_numpy(float)[
                            length : length + horizon
                        ],
                        "y_pred": np.asarray(mean, dtype=float),
                        "y_lower": np.asarray(lower, dtype=float),
                        "y_upper": np.asarray(upper, dtype=float),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True), fit_time


def statsforecast_each(model, horizon):
    """statsforecast's model fitted series by series (covariates unused)."""
    one = suite.statsforecast_peer(model, horizon)

    def fit_predict(targets, covariates):
        return {series: one(targets[series]) for series in targets.columns}

    return fit_predict


def forecaster_rnn(horizon, lags, fit_kwargs):
    """skforecast's ForecasterRnn at its documented defaults, one network
    over the dataset: the covariates as input series, the targets as levels."""
    from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

    def fit_predict(targets, covariates):
        import keras

        keras.utils.set_random_seed(0)
        series = targets if covariates is None else targets.join(covariates)
        series = series.rename(columns=str)
        levels = [str(c) for c in targets.columns]
        model = create_and_compile_model(
            series=series, lags=lags, steps=horizon, levels=levels
        )
        forecaster = ForecasterRnn(
            model, levels=levels, lags=lags, fit_kwargs=fit_kwargs
        )
        forecaster.fit(series=series, store_in_sample_residuals=True)
        out = forecaster.predict_interval(
            method="conformal", interval=[0.05, 0.95], suppress_warnings=True
        )
        return {
            series_id: (part["pred"], part["lower_bound"], part["upper_bound"])
            for series_id, part in out.groupby("level", sort=False)
        }

    return fit_predict


def models_for(horizon, seasons, lags, covariates, peers):
    """``label: run(y, X, n_origins)`` of one dataset."""

    def skrnn_model(forecaster, use_x=True):
        return lambda y, X, n: skrnn_run(
            forecaster, y, X if use_x else None, horizon, n
        )

    def peer(make):
        return lambda y, X, n: peer_run(make(), y, X, horizon, n)

    models = {
        RNN: skrnn_model(RNNForecaster(horizon=horizon, random_state=0)),
        RIDGE: skrnn_model(WindowForecaster(horizon=horizon)),
    }
    if covariates:
        models[RIDGE_ALONE] = skrnn_model(WindowForecaster(horizon=horizon), False)
    for k, s in enumerate(seasons or (1,)):
        label = "seasonal naive, " + ("1st cycle" if k == 0 else f"cycle {k + 1}")
        naive = WindowForecaster(
            SeasonalNaiveRegressor(s), horizon=horizon, look_back=s, season=s
        )
        models[label] = skrnn_model(naive, False)
    if "statsforecast" in peers:
        from statsforecast.models import MSTL, AutoETS

        m = seasons[0] if seasons else 1
        models["AutoETS (statsforecast)"] = peer(
            lambda: statsforecast_each(AutoETS(season_length=m), horizon)
        )
        if seasons:
            models["MSTL (statsforecast)"] = peer(
                lambda: statsforecast_each(MSTL(season_length=list(seasons)), horizon)
            )
    if "skforecast" in peers:
        for label, fit_kwargs in suite.SKFORECAST_FIT.items():
            models[label] = peer(
                lambda fit_kwargs=fit_kwargs: forecaster_rnn(horizon, lags, fit_kwargs)
            )
    return models


def scaled(forecasts, y, m):
    """Each row's scale: the seasonal naive error at ``m`` of its series up
    to its cutoff (the same for every model)."""
    wide = wide_targets(y)
    scales = {}
    for series, cutoff in forecasts[["unique_id", "cutoff"]].drop_duplicates().values:
        values = wide[series].loc[:cutoff].to_numpy(float)
        scale = seasonal_naive_scale(values, m if len(values) > m else 1)
        scales[(series, cutoff)] = scale if scale > 0 else np.nan
    keys = zip(forecasts["unique_id"], forecasts["cutoff"], strict=True)
    return forecasts.assign(scale=[scales[key] for key in keys])


def per_series(forecasts):
    """MASE, coverage and MSIS of each series over its origins and steps."""
    f = forecasts
    error = (f["y_true"] - f["y_pred"]).abs() / f["scale"]
    inside = (f["y_true"] >= f["y_lower"]) & (f["y_true"] <= f["y_upper"])
    below = (f["y_lower"] - f["y_true"]).clip(lower=0)
    above = (f["y_true"] - f["y_upper"]).clip(lower=0)
    msis = (f["y_upper"] - f["y_lower"] + 2 / ALPHA * (below + above)) / f["scale"]
    frame = pd.DataFrame(
        {"unique_id": f["unique_id"], "mase": error, "inside": inside, "msis": msis}
    )
    return frame.groupby("unique_id", sort=False).mean()


def run_dataset(name, args, peers):
    """Every model's row on one dataset, and what the probe resolved."""
    loader, horizon, source = DATASETS[name]
    y, X = loader(args.data)
    n = args.origins
    length = len(wide_targets(y)) - horizon * n
    head_y, head_x = head_of(y, X, length)
    probe = WindowForecaster(horizon=horizon, calibration=None).fit(head_y, head_x)
    seasons = tuple(int(s) for s in probe.seasons_)
    m = seasons[0] if seasons else 1
    info = {
        "dataset": name,
        "source": source,
        "series": wide_targets(y).shape[1],
        "steps": len(wide_targets(y)),
        "covariates": 0 if X is None else X.shape[1],
        "horizon": horizon,
        "seasons_": seasons,
        "season_": int(probe.season_),
        "look_back_": int(probe.look_back_),
    }
    rows = []
    models = models_for(horizon, seasons, int(probe.look_back_), X is not None, peers)
    for label, run in models.items():
        if suite.skipped(label, name, args.skip):
            continue
        print(f"{name}: {label} ...", flush=True)
        forecasts, fit_time = run(y, X, n)
        if label == RNN:
            fitted = RNNForecaster(horizon=horizon, epochs=1, calibration=None)
            info["RNN look_back_"] = int(fitted.fit(head_y, head_x).look_back_)
        series = per_series(scaled(forecasts, y, m))
        rows.append(
            {
                "series": name,
                "model": label,
                "mase": series["mase"].mean(),
                "coverage": series["inside"].mean(),
                "coverage_min": series["inside"].min(),
                "coverage_median": series["inside"].median(),
                "coverage_max": series["inside"].max(),
                "msis": series["msis"].mean(),
                "fit_time": fit_time,
                "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
        print(f"{name}: {label}: MASE {rows[-1]['mase']:.3f}", flush=True)
    return rows, info


def run_all(names, args, peers):
    """Each dataset in a fresh process (its own peak memory), one core each,
    ``--jobs`` at once, the longest first."""
    order = sorted(names, key=lambda name: -FIT_SECONDS.get(name, 0))
    with suite.core_pool(args.jobs, fresh=True) as pool:
        futures = {
            name: pool.submit(suite.on_free_core, run_dataset, name, args, peers)
            for name in order
        }
        return [futures[name].result() for name in names]


def criteria(table):
    """The issue's three comparisons, as ratios of mean MASE."""
    wide = suite.pivot(table, "mase")
    rows = []
    for name, row in wide.iterrows():
        best = row[[c for c in BEST_OF if c in row.index]].min()
        naive = row["seasonal naive, 1st cycle"]
        peers = row[[c for c in FORECASTER_RNN if c in row.index]].min()
        rows.append(
            {
                "series": name,
                "RNN / seasonal naive, 1st cycle": f"{row[RNN] / naive:.2f}",
                "RNN / best of Ridge, AutoETS, MSTL": f"{row[RNN] / best:.3f}",
                "RNN / best ForecasterRnn": f"{row[RNN] / peers:.2f}",
            }
        )
    return pd.DataFrame(rows)


def coverage_cells(table):
    """Per-series coverage: pooled, then smallest / median / largest."""
    text = table.assign(
        cell=[
            f"{r.coverage:.0%} ({r.coverage_min:.0%} / {r.coverage_median:.0%} / "
            f"{r.coverage_max:.0%})"
            for r in table.itertuples()
        ]
    )
    wide = text.pivot(index="series", columns="model", values="cell").fillna("—")
    rows, columns = dict.fromkeys(table["series"]), dict.fromkeys(table["model"])
    return wide.loc[list(rows), list(columns)]


def markdown(args, table, infos, peers, elapsed):
    import keras

    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    data = pd.DataFrame(infos)
    data["seasons_"] = data["seasons_"].astype(str)
    coverage = coverage_cells(table)
    text = [
        "# The forecasters' defaults on panels and with past covariates",
        "",
        f"Run on {today}: `KERAS_BACKEND={keras.backend.backend()} python "
        f"benchmarks/suite_panels.py {shlex.join(sys.argv[1:])}`. Machine: "
        f"{platform.platform()}, {os.cpu_count()} cores, {args.jobs} datasets at "
        f"a time, one core each, {args.cache} (fit seconds are indicative). "
        "Python "
        f"{platform.python_version()}, {suite.keras_stack()}, "
        f"{suite.versions(peers)}.",
        "",
        f"The protocol of `suite.md` ({args.origins} rolling origins one "
        "horizon apart, "
        "refitted at each; 90% intervals; MASE and MSIS scaled per series by "
        "the in-sample seasonal naive error at the first cycle of `seasons_`) "
        "on what the suite leaves out: past covariates, a panel of related "
        "series, and the shipped panel. MASE is averaged over the steps and "
        "origins of each series, then over the series. Covariates: "
        "`RNNForecaster` and `WindowForecaster` get `fit(y, X)` (past "
        "covariates: the loads read up to each origin only); AutoETS and MSTL "
        "are univariate; ForecasterRnn reads the loads as input series and "
        "forecasts OT only (`levels=['OT']`). On the panels every model but "
        "AutoETS and MSTL (fitted series by series) is one model over all "
        "the series.",
        "",
        "## Datasets",
        "",
        suite.markdown_table(data, list(data.columns)),
        "",
        "`seasons_`, `season_` and `look_back_` are those of "
        "`WindowForecaster(horizon=h)` fitted on the history up to the first "
        "origin; `RNN look_back_` is `RNNForecaster`'s. ForecasterRnn's `lags` "
        "is that `look_back_`.",
        "",
        "Peers: statsforecast's `AutoETS(season_length=seasons_[0])` and "
        "`MSTL(season_length=list(seasons_))` as in `suite.md`; skforecast's "
        "ForecasterRnn as in `suite.md` (`create_and_compile_model(series, "
        "lags, steps=h, levels)`, its MinMaxScaler, conformal 90% interval from "
        "the in-sample residuals; 1 epoch at its defaults, and 20). "
        "neuralforecast's LSTM is not run here (a quarter of an hour per "
        "hourly series per run in `suite_peers.md`).",
        "",
        "## Against the issue's comparisons (ratios of mean MASE; below 1: "
        "the network is better)",
        "",
        suite.markdown_table(criteria(table), list(criteria(table).columns)),
        "",
        "## Mean MASE over the series (best of each dataset in bold)",
        "",
        suite.markdown_pivot(suite.pivot(table, "mase"), "mase"),
        "",
        "## Coverage of the 90% intervals: pooled (smallest / median / "
        "largest of a series)",
        "",
        "| series | " + " | ".join(coverage.columns) + " |",
        "|---|" + "---|" * len(coverage.columns),
        *(
            f"| {name} | " + " | ".join(str(c) for c in row) + " |"
            for name, row in coverage.iterrows()
        ),
        "",
        "## MSIS of the 90% intervals (mean over the series)",
        "",
        suite.markdown_pivot(suite.pivot(table, "msis"), "msis"),
        "",
        "## Fit seconds, all origins",
        "",
        suite.markdown_pivot(suite.pivot(table, "fit_time"), "fit_time"),
        "",
        "## Peak resident memory (MiB) of the dataset's process after each model",
        "",
        "Cumulative within a dataset (each runs in a fresh process, "
        "`RNNForecaster()` first): the first column is the network's peak.",
        "",
        suite.markdown_pivot(suite.pivot(table, "rss"), "fit_time"),
        "",
        f"One run: {elapsed / 60:.1f} minutes in all.",
    ]
    return "\n".join(text) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--markdown", default=None, help="write the results here")
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument(
        "--datasets", action="append", default=None, help="only names with this"
    )
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--skip", action="append", default=[], help="MODEL@DATASET substrings"
    )
    parser.add_argument("--no-peers", action="store_true")
    suite.add_cache_argument(parser)
    args = parser.parse_args()
    args.cache = suite.compilation_cache(args.compilation_cache)
    peers = set()
    if not args.no_peers:
        for library in ("statsforecast", "skforecast"):
            try:
                __import__(library)
            except ImportError:
                print(f"{library} is not installed: its columns are left out")
            else:
                peers.add(library)
    wanted = args.datasets or [""]
    names = [n for n in DATASETS if any(d in n for d in wanted)]
    start = time.perf_counter()
    if args.jobs > 1:
        results = run_all(names, args, peers)
    else:
        results = [run_dataset(name, args, peers) for name in names]
    elapsed = time.perf_counter() - start
    table = pd.DataFrame([row for rows, _ in results for row in rows])
    infos = [info for _, info in results]
    text = markdown(args, table, infos, peers, elapsed)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
        print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
