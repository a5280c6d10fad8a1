"""Forecasting past the end of the shipped series: skrnn against its peers.

Protocol, the same for every model: each series is cut into a head and a
held-out tail; every model is fitted once on the head, then forecasts the
next ``horizon`` steps from every origin of the tail (step 1), reading the
observed history up to that origin without refitting (skrnn's ``update``,
statsforecast's ``forward``, skforecast's ``last_window``). Accuracy is MASE
(against the seasonal naive, in-sample up to the origin) and sMAPE; intervals
are judged by their observed coverage at 80/90/95% and by MSIS at 95%.
Recurrent models are run with several seeds (mean, and std of the MASE).

Usage::

    python benchmarks/forecast.py                 # peers table (about 10 minutes)
    python benchmarks/forecast.py --defaults      # also the RNNForecaster settings
    python benchmarks/forecast.py --quick         # 1 seed, fewer epochs: a smoke run
    python benchmarks/forecast.py --models RNN    # only the rows whose label has "RNN"

statsforecast and skforecast are benchmark-only peers: ``make bench-forecast``
installs them in ``.venv-bench`` with skrnn (they pin pandas < 3). A peer
that is not installed is reported and skipped.
"""

import argparse
import os
import platform
import time
import warnings
from functools import partial
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skrnn import RNNForecaster, WindowForecaster  # noqa: E402
from skrnn._time.index import is_seasonal  # noqa: E402
from skrnn.baselines import SeasonalNaiveRegressor  # noqa: E402
from skrnn.datasets import load_airline, load_nile, load_sunspots  # noqa: E402
from skrnn.metrics import seasonal_naive_scale  # noqa: E402
from skrnn.model_selection import BacktestResult, backtest  # noqa: E402

HERE = Path(__file__).resolve().parent
LEVELS = (0.8, 0.9, 0.95)
# name: (loader, horizon, held-out tail)
SERIES = {
    "airline": (load_airline, 12, 36),
    "sunspots": (load_sunspots, 10, 60),
    "nile": (load_nile, 10, 30),
}


def tail_backtest(forecaster, y, horizon, tail):
    """Fit on the head, forecast from every origin of the tail without refitting."""
    return backtest(
        forecaster,
        y,
        n_origins=tail - horizon + 1,
        step=1,
        refit=False,
        coverage=LEVELS if forecaster.calibration is not None else None,
    )


def peer_result(y, horizon, tail, fit, forecast, season):
    """A BacktestResult for a peer: ``fit(head)``, then ``forecast(history)``."""
    values, index = y.to_numpy(dtype=float), y.index
    head = len(y) - tail
    start = time.perf_counter()
    model = fit(values[:head])
    fit_time = time.perf_counter() - start
    rows = []
    for length in range(head, len(y) - horizon + 1):
        point, bounds = forecast(model, values[:length])
        frame = pd.DataFrame(
            {
                "cutoff": index[length - 1],
                "ds": index[length : length + horizon],
                "horizon": np.arange(1, horizon + 1),
                "y_true": values[length : length + horizon],
                "y_pred": point,
            }
        )
        for level, (lower, upper) in zip(LEVELS, bounds or [], strict=False):
            frame[f"y_lower_{100 * level:g}"] = lower
            frame[f"y_upper_{100 * level:g}"] = upper
        s = season if length > season else 1
        frame["scale"] = seasonal_naive_scale(values[:length], s)
        rows.append(frame)
    levels = LEVELS if bounds else ()
    return BacktestResult(pd.concat(rows, ignore_index=True), levels, fit_time)


def statsforecast_peer(model_class, season, horizon):
    def fit(head):
        return model_class(season_length=season).fit(head)

    def forecast(model, history):
        out = model.forward(history, h=horizon, level=[80, 90, 95])
        bounds = [(out[f"lo-{p}"], out[f"hi-{p}"]) for p in (80, 90, 95)]
        return out["mean"], bounds

    return fit, forecast


def skforecast_peer(horizon, lags, epochs, seed):
    from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

    def fit(head):
        import keras

        keras.utils.set_random_seed(seed)
        frame = pd.DataFrame({"y": head})
        model = create_and_compile_model(series=frame, lags=lags, steps=horizon)
        forecaster = ForecasterRnn(
            model,
            levels="y",
            lags=lags,
            fit_kwargs={"epochs": epochs, "batch_size": 16, "verbose": 0},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecaster.fit(series=frame)
        return forecaster

    def forecast(model, history):
        window = pd.DataFrame(
            {"y": history[-lags:]},
            index=pd.RangeIndex(len(history) - lags, len(history)),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = model.predict(last_window=window, suppress_warnings=True)
        point = out["pred"] if "pred" in out else out.iloc[:, -1]
        return point.to_numpy(), None

    return fit, forecast


def skforecast_row(y, horizon, tail, season, lags, epochs, seeds):
    """skforecast's ForecasterRnn, one fit per seed, through the same protocol."""
    return summarise(
        [
            peer_result(
                y, horizon, tail, *skforecast_peer(horizon, lags, epochs, s), season
            )
            for s in range(seeds)
        ]
    )


def summarise(results):
    """Mean over seeds of the summary metrics, with the std of the MASE."""
    table = pd.DataFrame([r.summary for r in results])
    row = table.mean()
    row["mase_std"] = table["mase"].std(ddof=0) if len(table) > 1 else 0.0
    row["fit_time"] = float(np.mean([r.fit_time for r in results]))
    return row


def run_rnn(params, y, horizon, tail, seeds):
    return summarise(
        [
            tail_backtest(
                RNNForecaster(horizon=horizon, random_state=seed, **params),
                y,
                horizon,
                tail,
            )
            for seed in range(seeds)
        ]
    )


def defaults_table(seeds, quick):
    """RNNForecaster settings around the defaults, on every series."""
    epochs = {"epochs": 5} if quick else {}
    variants = {
        "defaults (epochs=20)": {},
        "epochs=50": {"epochs": 50},
        "epochs=200": {"epochs": 200},
        "epochs=200, early_stopping": {"epochs": 200, "early_stopping": True},
        "look_back = season or horizon": {"look_back": "short"},
        "look_back = 3 x (season or horizon)": {"look_back": "long"},
        "units=16": {"units": 16},
        "units=64": {"units": 64},
        "loss=mae": {"loss": "mae"},
        "cell=gru": {"cell": "gru"},
        "target_representation=change": {"target_representation": "change"},
    }
    rows = []
    for name, (loader, horizon, tail) in SERIES.items():
        y = loader()
        head = y.iloc[: len(y) - tail]
        season = WindowForecaster(horizon=horizon, calibration=None).fit(head).season_
        seasonal = is_seasonal(head.to_numpy(dtype=float), season)
        unit = season if seasonal else horizon
        for label, params in variants.items():
            params = {**epochs, **params}
            if params.get("look_back") == "short":
                params["look_back"] = unit
            elif params.get("look_back") == "long":
                params["look_back"] = 3 * unit
            start = time.perf_counter()
            row = run_rnn(params, y, horizon, tail, seeds)
            print(
                f"  {name:9s} {label:38s} MASE {row['mase']:.3f} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
            rows.append({"series": name, "variant": label, **row.to_dict()})
    return pd.DataFrame(rows)


def peers_table(seeds, quick, only=None):
    rows = []
    epochs = 5 if quick else 20
    for name, (loader, horizon, tail) in SERIES.items():
        y = loader()
        head = y.iloc[: len(y) - tail]
        fitted = WindowForecaster(horizon=horizon).fit(head)
        season, look_back = fitted.season_, fitted.look_back_
        models = {
            "RNNForecaster()": lambda h=horizon, y=y, t=tail: run_rnn(
                {"epochs": epochs} if quick else {}, y, h, t, seeds
            ),
            "RNNForecaster(decoder='rnn')": lambda h=horizon, y=y, t=tail: run_rnn(
                {"decoder": "rnn", **({"epochs": epochs} if quick else {})},
                y,
                h,
                t,
                seeds,
            ),
            "Ridge (WindowForecaster)": lambda h=horizon, y=y, t=tail: summarise(
                [tail_backtest(WindowForecaster(horizon=h), y, h, t)]
            ),
            "seasonal naive": lambda h=horizon, y=y, t=tail, m=season: summarise(
                [
                    tail_backtest(
                        WindowForecaster(
                            SeasonalNaiveRegressor(m), horizon=h, look_back=m
                        ),
                        y,
                        h,
                        t,
                    )
                ]
            ),
        }
        try:
            from statsforecast.models import AutoARIMA, AutoETS

            for label, cls in (("AutoETS", AutoETS), ("AutoARIMA", AutoARIMA)):
                models[f"{label} (statsforecast)"] = (
                    lambda cls=cls, h=horizon, y=y, t=tail, m=season: summarise(
                        [peer_result(y, h, t, *statsforecast_peer(cls, m, h), m)]
                    )
                )
        except ImportError:
            print("  statsforecast is not installed: skipped")
        try:
            import skforecast  # noqa: F401

            for peer_epochs in (epochs, 5 * epochs):
                models[f"ForecasterRnn (skforecast), {peer_epochs} epochs"] = partial(
                    skforecast_row,
                    y,
                    horizon,
                    tail,
                    season,
                    look_back,
                    peer_epochs,
                    seeds,
                )
        except ImportError:
            print("  skforecast is not installed: skipped")
        for label, run in models.items():
            if only is not None and only not in label:
                continue
            start = time.perf_counter()
            row = run()
            print(
                f"  {name:9s} {label:28s} MASE {row['mase']:.3f} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
            rows.append({"series": name, "model": label, **row.to_dict()})
    return pd.DataFrame(rows)


def with_mean(table, key):
    """The table, then one row per model: the mean over the series."""
    numeric = table.drop(columns=["series"]).groupby(key, sort=False).mean()
    numeric = numeric.reset_index().assign(series="mean")
    return pd.concat([table, numeric], ignore_index=True)


def markdown(frame, columns, key):
    head = "| series | " + key + " | " + " | ".join(columns) + " |"
    lines = [head, "|" + "---|" * (len(columns) + 2)]
    for _, row in frame.iterrows():
        cells = []
        for c in columns:
            value = row.get(c, np.nan)
            if pd.isna(value):
                cells.append("—")
            elif c.startswith("coverage"):
                cells.append(f"{100 * value:.1f}%")
            elif c == "mase":
                cells.append(f"{value:.3f} ± {row.get('mase_std', 0):.3f}")
            else:
                cells.append(f"{value:.3f}" if c != "fit_time" else f"{value:.1f}")
        lines.append(f"| {row['series']} | {row[key]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--defaults", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument(
        "--models", default=None, help="only the peers whose label contains this"
    )
    parser.add_argument("--out", default=str(HERE / "results" / "forecast.md"))
    args = parser.parse_args()
    seeds = args.seeds or (1 if args.quick else 3)
    import keras
    import sklearn

    started = time.perf_counter()
    sections = [
        "# Forecasting past the end: the shipped series",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} "
        f"CPUs; Python {platform.python_version()}, keras {keras.__version__} "
        f"({keras.backend.backend()}), scikit-learn {sklearn.__version__}. "
        f"Recurrent models: mean of {seeds} seed(s).",
        "",
        "Each model is fitted once on the head of the series and forecasts the "
        "horizon from every origin of the held-out tail (step 1) without refitting: "
        + ", ".join(f"{n} (horizon {h}, tail {t})" for n, (_, h, t) in SERIES.items())
        + ". MASE against the seasonal naive (season from the index: 12 for the "
        "monthly airline series, 1 for the yearly ones); coverage observed for "
        "nominal 80/90/95% intervals; MSIS of the 95% intervals; fit time in "
        "seconds (calibration fit included for skrnn).",
    ]
    columns = [
        "mase",
        "smape",
        "coverage_80",
        "coverage_90",
        "coverage_95",
        "msis_95",
        "fit_time",
    ]
    tables = {}
    if not args.no_peers:
        print("peers ...", flush=True)
        tables["peers"] = peers_table(seeds, args.quick, args.models)
        sections += [
            "",
            "## Side by side",
            "",
            markdown(with_mean(tables["peers"], "model"), columns, "model"),
        ]
    if args.defaults:
        print("defaults ...", flush=True)
        tables["defaults"] = defaults_table(seeds, args.quick)
        sections += [
            "",
            "## RNNForecaster settings",
            "",
            "Each row changes one setting from the defaults.",
            "",
            markdown(with_mean(tables["defaults"], "variant"), columns, "variant"),
        ]
    sections += ["", f"One run: {time.perf_counter() - started:.0f} s in all."]
    text = "\n".join(sections) + "\n"
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
