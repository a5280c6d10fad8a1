"""The fixed and per-step cost of a fit on TensorFlow and on JAX (CPU).

The command line chooses JAX only for fits of at least ``JAX_MIN_STEPS``
training steps (``skrnn/cli/_keras_start.py``): JAX's steps are cheaper on
a CPU, but each new model pays a longer compile. This script measures both
costs the way the command line's fits run: an :class:`~skrnn.RNNRegressor`
with :class:`~skrnn.RNNForecaster`'s network (LSTM(32), linear skip,
batch 16, 12 outputs) on windows of the shipped airline series' length,
fitted for a range of epochs. Each backend runs in its own process (Keras
fixes its backend at import); each fit is a new model, as every fit of a
forecaster is. A least-squares line through (steps, seconds) gives the cost
per fit and per step; where the lines cross is the break-even number of
steps.

    python benchmarks/backend_steps.py --markdown benchmarks/results/backend_steps.md
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

EPOCHS = (1, 4, 16, 32)
WINDOWS, LOOK_BACK, HORIZON, BATCH = 120, 24, 12, 16


def measure(repeats: int) -> dict:
    """Fit times in this process's backend: ``{"steps": [...], "wall": [...], ...}``."""
    from skrnn import RNNRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(WINDOWS, LOOK_BACK, 1)).astype("float32")
    y = rng.normal(size=(WINDOWS, HORIZON))
    RNNRegressor(epochs=1, random_state=0).fit(X, y)  # imports, first-use set-up
    rows = {"steps": [], "wall": [], "cpu": []}
    per_epoch = -(-WINDOWS // BATCH)
    for _ in range(repeats):
        for epochs in EPOCHS:
            reg = RNNRegressor(
                units=32,
                epochs=epochs,
                batch_size=BATCH,
                linear_skip=True,
                random_state=0,
            )
            wall, cpu = time.perf_counter(), time.process_time()
            reg.fit(X, y)
            rows["wall"].append(time.perf_counter() - wall)
            rows["cpu"].append(time.process_time() - cpu)
            rows["steps"].append(epochs * per_epoch)
    return rows


def line(steps, seconds) -> tuple[float, float]:
    """``(per fit, per step)``: the least-squares line of seconds on steps."""
    slope, intercept = np.polyfit(np.asarray(steps, float), np.asarray(seconds), 1)
    return float(intercept), float(slope)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--markdown", help="write the table to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.repeats)))
        return
    results = {}
    for backend in ("tensorflow", "jax"):
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        out = subprocess.run(
            [sys.executable, __file__, "--child", backend]
            + ["--repeats", str(args.repeats)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[backend] = json.loads(out.strip().splitlines()[-1])
    lines = [
        "| backend | clock | per fit (s) | per step (ms) | fit of 100 steps (s) "
        "| fit of 1000 steps (s) |",
        "|---|---|---|---|---|---|",
    ]
    fitted = {}
    for backend, rows in results.items():
        for clock in ("wall", "cpu"):
            a, b = line(rows["steps"], rows[clock])
            fitted[backend, clock] = a, b
            lines.append(
                f"| {backend} | {clock} | {a:.2f} | {1000 * b:.2f} "
                f"| {a + 100 * b:.2f} | {a + 1000 * b:.2f} |"
            )
    notes = []
    for clock in ("wall", "cpu"):
        (a_tf, b_tf), (a_jax, b_jax) = fitted["tensorflow", clock], fitted["jax", clock]
        if b_tf > b_jax:
            cross = (a_jax - a_tf) / (b_tf - b_jax)
            note = f"JAX is cheaper from {cross:.0f} steps a fit."
        else:
            note = "JAX's steps are no cheaper: TensorFlow always."
        notes.append(f"- {clock} time: {note}")
    import keras
    import sklearn

    text = "\n".join(
        [
            "# The cost of a fit on TensorFlow and JAX (CPU)",
            "",
            f"`python benchmarks/backend_steps.py --repeats {args.repeats}`: "
            f"RNNRegressor(units=32, linear_skip=True, batch_size={BATCH}) on "
            f"{WINDOWS} windows of {LOOK_BACK} steps, {HORIZON} outputs, at "
            f"{', '.join(map(str, EPOCHS))} epochs ({-(-WINDOWS // BATCH)} steps "
            f"an epoch), {args.repeats} times each, a new model every fit; "
            "least-squares lines of seconds on steps.",
            f"Keras {keras.__version__}, scikit-learn {sklearn.__version__}, "
            f"Python {platform.python_version()}, {os.cpu_count()} cores "
            f"({platform.machine()}).",
            "",
            *lines,
            "",
            *notes,
            "",
        ]
    )
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
