"""Forecast accuracy on the shipped series: RNNRegressor against simpler models.

Protocol: one-step-ahead forecasts over a held-out tail; every model is fitted
once on the head. RNN rows are the mean and standard deviation over 3 seeds.
Results go to ``benchmarks/results/accuracy.md``.

Usage: ``python benchmarks/accuracy.py [--quick]`` (``--quick``: 1 seed, 20 epochs).
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.pipeline import make_pipeline

from skrnn import (
    RNNRegressor,
    SlidingWindowTransformer,
    WindowTargetRegressor,
    make_supervised,
)
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
from skrnn.datasets import load_airline, load_nile, load_sunspots

# name: (loader, test tail length, look_back, season length or None)
SERIES = {
    "airline": (load_airline, 24, 12, 12),
    "sunspots": (load_sunspots, 30, 11, 11),
    "nile": (load_nile, 20, 10, None),
}


def rnn(look_back, seed, epochs, **params):
    return make_pipeline(
        SlidingWindowTransformer(look_back),
        RNNRegressor(
            random_state=seed, **({"epochs": epochs} if epochs else {}), **params
        ),
    )


def models(look_back, season, seeds, epochs):
    out = {
        f"RNNRegressor() {rep}": [
            rnn(
                look_back,
                s,
                epochs,
                **({} if rep == "(defaults)" else {"target_representation": rep}),
            )
            for s in seeds
        ]
        for rep in ("(defaults)", "level", "window_norm")
    }
    windows = SlidingWindowTransformer(look_back)
    out["Ridge on lags (levels)"] = [
        make_pipeline(
            SlidingWindowTransformer(look_back, flatten=True), Ridge(alpha=0.01)
        )
    ]
    out["Ridge, change + log auto"] = [make_pipeline(windows, WindowTargetRegressor())]
    out["persistence"] = [make_pipeline(windows, PersistenceRegressor())]
    if season:
        out[f"seasonal naive ({season})"] = [
            make_pipeline(
                SlidingWindowTransformer(max(look_back, season)),
                SeasonalNaiveRegressor(season),
            )
        ]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seeds = [0] if args.quick else [0, 1, 2]
    epochs = 20 if args.quick else None
    import keras

    lines = [
        "# Forecast accuracy (test RMSE, one step ahead)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs; "
        f"Keras {keras.__version__}, backend {keras.backend.backend()}. "
        "Produced by `python benchmarks/accuracy.py`"
        + (" --quick" if args.quick else "")
        + ".",
        "RNN rows: mean ± std over seeds " + ", ".join(map(str, seeds)) + "; default"
        " RNNRegressor settings unless the row says otherwise.",
        "",
    ]
    for name, (load, n_test, look_back, season) in SERIES.items():
        X, y = make_supervised(load())
        X_train, X_test = X.iloc[:-n_test], X.iloc[-n_test:]
        y_train, y_test = y.iloc[:-n_test], y.iloc[-n_test:]
        lines += [
            f"## {name} ({len(X) + 1} points, last {n_test} held out, "
            f"look_back={look_back})",
            "",
            "| model | test RMSE | fit seconds |",
            "|---|---|---|",
        ]
        for label, fitted in models(look_back, season, seeds, epochs).items():
            scores, start = [], time.perf_counter()
            for model in fitted:
                model.fit(X_train, y_train)
                scores.append(root_mean_squared_error(y_test, model.predict(X_test)))
            seconds = (time.perf_counter() - start) / len(fitted)
            spread = f" ± {np.std(scores):.2f}" if len(scores) > 1 else ""
            row = f"| {label} | {np.mean(scores):.2f}{spread} | {seconds:.1f} |"
            print(name, row, flush=True)
            lines.append(row)
        lines.append("")
    out = Path(__file__).parent / "results" / "accuracy.md"
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
