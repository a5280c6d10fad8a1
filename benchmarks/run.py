"""Speed and memory of skrnn, measured side by side against what users would write.

Every figure is a ratio or a median of repeats measured in one run, the
competitors interleaved repeat by repeat so that a noisy machine slows them
alike. Each Keras backend runs in its own process (the backend is fixed at
import). Results are printed and written to ``benchmarks/results/speed.md``.

Usage::

    python benchmarks/run.py            # full run (about 25 minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller data, 3 repeats (a few minutes)
    python benchmarks/run.py --only fit,predict --backends jax

scikeras and the extra backends are optional: ``pip install scikeras==0.13.0
--no-deps`` (its requirements are skrnn's already), ``pip install jax`` and
``pip install torch``; what is missing is reported and skipped.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ALL_BACKENDS = ("tensorflow", "jax", "torch")
SECTIONS = ("fit", "predict", "import", "memory", "parallel", "epoch")
QUICK = False


# -- helpers ----------------------------------------------------------------


def interleaved(fns: dict, repeats: int) -> dict:
    """Median time of each function, the functions taking turns each repeat."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def synthetic_windows(n_windows, n_steps, seed=0):
    """Windows of a noisy seasonal series and their next values (float32)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_windows + n_steps, dtype=np.float64)
    series = 10 + np.sin(2 * np.pi * t / 24) + 0.002 * t + 0.1 * rng.normal(size=t.size)
    series = series.astype(np.float32)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], n_steps)[..., None]
    return np.ascontiguousarray(X), series[n_steps:]


def plain_keras_model(n_steps, n_features, units=32, cell="LSTM"):
    """The network skrnn builds, written by hand (without the scaling layer)."""
    import keras

    inputs = keras.Input((n_steps, n_features))
    hidden = getattr(keras.layers, cell)(units)(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


def standardise(X, y):
    """The scaling a hand-written script does: per feature for X, and y."""
    mean, std = X.mean(axis=(0, 1)), X.std(axis=(0, 1))
    return (X - mean) / std, (y - y.mean()) / y.std()


# -- what each child process measures ------------------------------------------


def competitors(X, y, batch, epochs, KerasRegressor):
    """The three ways to fit the same network on windows ``X``: name -> function."""
    import keras

    from skrnn import RNNRegressor

    steps = X.shape[1]

    def skrnn_fit():
        RNNRegressor(
            units=32,
            epochs=epochs,
            batch_size=batch,
            target_representation="level",
            log_target=False,
            random_state=0,
        ).fit(X, y)

    def keras_fit():
        keras.utils.set_random_seed(0)
        Xs, ys = standardise(X, y)
        model = plain_keras_model(steps, 1)
        model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mse")
        model.fit(Xs, ys, epochs=epochs, batch_size=batch, verbose=0)

    def scikeras_fit():
        Xs, ys = standardise(X, y)
        KerasRegressor(
            model=plain_keras_model,
            model__n_steps=steps,
            model__n_features=1,
            loss="mse",
            optimizer="adam",
            optimizer__learning_rate=0.001,
            epochs=epochs,
            batch_size=batch,
            verbose=0,
            random_state=0,
        ).fit(Xs, ys)

    fns = {"skrnn": skrnn_fit, "keras": keras_fit}
    if KerasRegressor is not None:
        fns["scikeras"] = scikeras_fit
    return fns


def task_fit(backend):
    """``RNNRegressor.fit`` vs plain Keras vs scikeras, same data and network."""
    configs = {
        # the tutorials' setting: a short series, small batches, many epochs
        "tutorial (108 windows x 12, batch 16, 30 epochs)": (108, 12, 16, 30),
        # a larger data set in big batches
        "large (20,000 windows x 24, batch 256, 2 epochs)": (20_000, 24, 256, 2),
    }
    if QUICK:
        configs = {
            "tutorial (108 windows x 12, batch 16, 10 epochs)": (108, 12, 16, 10),
            "large (5,000 windows x 24, batch 256, 2 epochs)": (5_000, 24, 256, 2),
        }
    try:
        from scikeras.wrappers import KerasRegressor
    except ImportError:
        KerasRegressor = None
    out = {}
    for label, (n, steps, batch, epochs) in configs.items():
        X, y = synthetic_windows(n, steps)
        fns = competitors(X, y, batch, epochs, KerasRegressor)
        for fn in fns.values():  # first call of each: tracing, caches
            fn()
        out[label] = interleaved(fns, 3 if QUICK else 5)
    return {"fit": out, "scikeras": KerasRegressor is not None}


def task_predict(backend):
    """``predict`` latency: skrnn vs ``model_.predict`` on the same fitted model."""
    from skrnn import RNNRegressor

    X, y = synthetic_windows(10_000, 24)
    reg = RNNRegressor(units=32, epochs=1, batch_size=256, random_state=0).fit(X, y)
    target = reg._target
    out = {}
    for rows in (1, 32, 10_000):
        Xr = X[:rows]
        X_model = target.input_encoder(target.statistics(Xr))(Xr, slice(None))
        X_model = np.asarray(X_model, dtype=np.float32)
        repeats = 5 if rows == 10_000 else (10 if QUICK else 200)
        reg.predict(Xr)
        reg.model_.predict(X_model, verbose=0)
        out[rows] = interleaved(
            {
                "skrnn": lambda Xr=Xr, reg=reg: reg.predict(Xr),
                "model_.predict": lambda Xm=X_model, m=reg.model_: m.predict(
                    Xm, verbose=0
                ),
                # Keras's floor: the compiled step without predict's set-up
                "predict_on_batch": lambda Xm=X_model, m=reg.model_: m.predict_on_batch(
                    Xm
                ),
            },
            repeats,
        )
    return {"predict": out}


def _rss_mib(field="VmRSS:"):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


class PeakRSS:
    """Peak resident memory over a block, above the resident memory at its start.

    Linux's own high-water mark is reset first (``/proc/self/clear_refs``);
    where that is not allowed, a thread samples the resident size every 5 ms.
    """

    def __enter__(self):
        self.start = _rss_mib()
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            self.kernel = True
        except OSError:
            self.kernel = False
        self.samples, self.running = [self.start], True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.samples.append(_rss_mib())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        peak = max(self.samples)
        if self.kernel:
            peak = max(peak, _rss_mib("VmHWM:"))
        self.increase = peak - self.start


def task_memory(backend):
    """Peak RSS increase of one epoch on a long series' windows (a strided view)."""
    from skrnn import RNNRegressor, SlidingWindowTransformer

    n_steps, look_back, batch = (600_000 if QUICK else 2_000_000), 64, 1024
    rng = np.random.default_rng(0)
    t = np.arange(n_steps + 1)
    series = 10 + np.sin(2 * np.pi * t / 24) + 0.1 * rng.normal(size=t.size)
    series = series.astype(np.float32)[:, None]
    windows = SlidingWindowTransformer(look_back=look_back).fit_transform(series[:-1])
    y = series[1:, 0]
    materialised = windows.size * 4 / 2**20
    reg = RNNRegressor(cell="gru", units=8, epochs=1, batch_size=batch, random_state=0)
    # the backend's runtime and the compiled step exist before the measure
    reg.fit(windows[:5000], y[:5000])
    with PeakRSS() as peak:
        start = time.perf_counter()
        reg.fit(windows, y)
        seconds = time.perf_counter() - start
    return {
        "memory": {
            "n_steps": n_steps,
            "look_back": look_back,
            "batch_size": batch,
            "materialised_mib": materialised,
            "increase_mib": peak.increase,
            "seconds": seconds,
        }
    }


def task_epoch(backend):
    """Seconds per epoch of the same estimator (after the first, compiling, one)."""
    import keras

    from skrnn import RNNRegressor

    class EpochTimes(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    out = {}
    configs = {
        "LSTM(32), 20,000 windows x 24, batch 256": (20_000, 24, 256),
        "LSTM(32), 108 windows x 12, batch 16": (108, 12, 16),
    }
    if QUICK:
        configs = {
            "LSTM(32), 5,000 windows x 24, batch 256": (5_000, 24, 256),
            "LSTM(32), 108 windows x 12, batch 16": (108, 12, 16),
        }
    for label, (n, steps, batch) in configs.items():
        X, y = synthetic_windows(n, steps)
        timer = EpochTimes()
        epochs = 4 if QUICK else 6
        RNNRegressor(
            units=32, batch_size=batch, epochs=epochs, callbacks=[timer], random_state=0
        ).fit(X, y)
        out[label] = {
            "first": timer.times[0],
            "epoch": statistics.median(timer.times[1:]),
        }
    return {"epoch": out}


def task_parallel(backend):
    """GridSearchCV with n_jobs=2 against n_jobs=1, the same grid."""
    from joblib import Parallel, delayed
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    from sklearn.pipeline import make_pipeline

    from skrnn import RNNRegressor, SlidingWindowTransformer
    from skrnn.datasets import load_airline

    y = load_airline().to_numpy(dtype=float)
    X = y[:-1, None]
    epochs = 10 if QUICK else 30
    search = GridSearchCV(
        make_pipeline(
            SlidingWindowTransformer(look_back=12),
            RNNRegressor(epochs=epochs, batch_size=16, random_state=0),
        ),
        {"rnnregressor__units": [8, 16], "rnnregressor__cell": ["lstm", "gru"]},
        cv=TimeSeriesSplit(3),
        scoring="neg_root_mean_squared_error",
    )
    # start the worker processes (and their Keras) before timing
    Parallel(n_jobs=2)(delayed(_warm_worker)() for _ in range(4))
    searches = {}

    def run(n_jobs):
        searches[n_jobs] = search.set_params(n_jobs=n_jobs).fit(X, y[1:])

    times = interleaved({1: lambda: run(1), 2: lambda: run(2)}, 3 if QUICK else 5)
    same = np.allclose(
        searches[1].cv_results_["mean_test_score"],
        searches[2].cv_results_["mean_test_score"],
        rtol=1e-5,
    )
    return {"parallel": {"serial": times[1], "n_jobs=2": times[2], "same": bool(same)}}


def _warm_worker():
    from skrnn._keras.backend import get_keras

    get_keras()
    return os.getpid()


TASKS = {
    "fit": task_fit,
    "predict": task_predict,
    "memory": task_memory,
    "epoch": task_epoch,
    "parallel": task_parallel,
}


# -- the parent: processes, table, file ------------------------------------------


def run_child(task, backend):
    """Run ``task`` in a fresh process on ``backend``; its result, or an error."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    cmd = [sys.executable, __file__, "--child", task, "--backend", backend]
    if QUICK:
        cmd.append("--quick")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": " / ".join(tail) or f"exit code {proc.returncode}"}


def import_times(repeats):
    """Median seconds of ``import skrnn`` and ``import sklearn.base``, fresh each."""
    code = (
        "import time; t = time.perf_counter(); import {}; "
        "print(time.perf_counter() - t)"
    )
    times = {"skrnn": [], "sklearn.base": []}
    for _ in range(repeats):
        for module in times:
            out = subprocess.run(
                [sys.executable, "-c", code.format(module)],
                capture_output=True,
                text=True,
                check=True,
            )
            times[module].append(float(out.stdout.strip().splitlines()[-1]))
    return {module: statistics.median(t) for module, t in times.items()}


def backend_available(backend):
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    probe = (
        "import importlib.util, sys; "
        f"sys.exit(importlib.util.find_spec('{module}') is None)"
    )
    return subprocess.run([sys.executable, "-c", probe]).returncode == 0


def machine():
    import keras
    import sklearn

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(ln.split(":", 1)[1].strip() for ln in info if "model name" in ln)
    except (OSError, StopIteration):
        pass
    versions = [f"Python {platform.python_version()}", f"keras {keras.__version__}"]
    versions.append(f"scikit-learn {sklearn.__version__}")
    for name in ("tensorflow", "jax", "torch", "scikeras"):
        try:
            module = __import__(name)
            versions.append(f"{name} {module.__version__}")
        except ImportError:
            pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()}; " + ", ".join(versions)


def verdict(ok):
    return "met" if ok else "MISSED"


def report(results, backends):
    """Markdown lines: one table per section, the targets beside the ratios."""
    lines = []
    fit = {b: results.get(("fit", b), {}) for b in backends}
    if any(fit.values()):
        lines += [
            "## Fit time: skrnn vs plain Keras vs scikeras",
            "",
            "Same network (LSTM(32) + Dense(1)), data, epochs and batch size; the",
            "plain-Keras and scikeras versions scale X and y by hand. Median seconds",
            "per fit (model built, compiled and trained), ratios of the medians.",
            "Targets: skrnn/Keras <= 1.05, skrnn/scikeras <= 0.9.",
            "",
            "| backend | data | skrnn s | Keras s | scikeras s | skrnn / Keras "
            "| skrnn / scikeras |",
            "|---|---|---|---|---|---|---|",
        ]
        for backend, res in fit.items():
            if "error" in res:
                lines.append(f"| {backend} | error: {res['error']} | | | | | |")
                continue
            for label, t in res.get("fit", {}).items():
                k = t["skrnn"] / t["keras"]
                sk = t.get("scikeras")
                sk_s, sk_ratio = "n/a", "n/a"
                if sk:
                    r = t["skrnn"] / sk
                    sk_s, sk_ratio = f"{sk:.2f}", f"{r:.2f} ({verdict(r <= 0.9)})"
                lines.append(
                    f"| {backend} | {label} | {t['skrnn']:.2f} | {t['keras']:.2f} | "
                    f"{sk_s} | {k:.2f} ({verdict(k <= 1.05)}) | {sk_ratio} |"
                )
        lines.append("")
    pred = {b: results.get(("predict", b), {}) for b in backends}
    if any(pred.values()):
        lines += [
            "## Predict latency: skrnn vs `model_.predict` and `predict_on_batch`",
            "",
            "The same fitted model; skrnn's time includes input validation and the",
            "window encoding, Keras's calls get the encoded array. Median",
            "milliseconds, the three taking turns. Targets: 1 row at least 20x",
            "faster than `model_.predict` on TensorFlow; within 1.5x",
            "`predict_on_batch` (the floor of Keras's own path) on every backend.",
            "",
            "| backend | rows | skrnn ms | model_.predict ms | predict_on_batch ms "
            "| speed-up over predict | skrnn / predict_on_batch |",
            "|---|---|---|---|---|---|---|",
        ]
        for backend, res in pred.items():
            if "error" in res:
                lines.append(f"| {backend} | error: {res['error']} | | | | | |")
                continue
            for rows, t in res.get("predict", {}).items():
                speedup = t["model_.predict"] / t["skrnn"]
                floor = t["skrnn"] / t["predict_on_batch"]
                one = rows == "1"
                mark = (
                    f" ({verdict(speedup >= 20)})"
                    if one and backend == "tensorflow"
                    else ""
                )
                floor_mark = f" ({verdict(floor <= 1.5)})" if one else ""
                lines.append(
                    f"| {backend} | {int(rows):,} | {1e3 * t['skrnn']:.2f} | "
                    f"{1e3 * t['model_.predict']:.2f} | "
                    f"{1e3 * t['predict_on_batch']:.2f} | {speedup:.1f}x{mark} | "
                    f"{floor:.2f}{floor_mark} |"
                )
        lines.append("")
    if "import" in results:
        t = results["import"]
        ratio = t["skrnn"] / t["sklearn.base"]
        lines += [
            "## Import time",
            "",
            "Fresh interpreter each time, median seconds. Target: <= 1.2x.",
            "",
            "| import skrnn | import sklearn.base | ratio |",
            "|---|---|---|",
            f"| {t['skrnn']:.2f} | {t['sklearn.base']:.2f} | {ratio:.2f} "
            f"({verdict(ratio <= 1.2)}) |",
            "",
        ]
    mem = {b: results.get(("memory", b), {}) for b in backends}
    if any(mem.values()):
        lines += [
            "## Memory: one epoch on a long series",
            "",
            "`SlidingWindowTransformer(look_back=64)` on a float32 series (a view),",
            "`RNNRegressor(cell='gru', units=8, epochs=1, batch_size=1024)`. Peak",
            "resident memory during `fit`, above the resident memory before it, after",
            "a warm-up fit on 5,000 windows (so the backend's runtime and compiled",
            "step are not counted). Target: <= 25% of the materialised windows.",
            "",
            "| backend | series steps | materialised windows MiB "
            "| peak increase MiB | share | fit s |",
            "|---|---|---|---|---|---|",
        ]
        for backend, res in mem.items():
            if "error" in res:
                lines.append(f"| {backend} | error: {res['error']} | | | | |")
                continue
            m = res.get("memory")
            if m:
                share = m["increase_mib"] / m["materialised_mib"]
                lines.append(
                    f"| {backend} | {m['n_steps']:,} | {m['materialised_mib']:.0f} | "
                    f"{m['increase_mib']:.0f} | {100 * share:.0f}% "
                    f"({verdict(share <= 0.25)}) | "
                    f"{m['seconds']:.1f} |"
                )
        lines.append("")
    par = results.get(("parallel", backends[0]))
    if par:
        lines += [
            "## Parallel grid search",
            "",
            "`GridSearchCV` over a window + RNN pipeline on the airline series",
            "(4 candidates x 3 TimeSeriesSplit folds), worker processes started",
            "before timing. Median seconds. Target: speed-up >= 1.6x on 2 cores.",
            "",
            "| backend | n_jobs=1 s | n_jobs=2 s | speed-up | same scores |",
            "|---|---|---|---|---|",
        ]
        if "error" in par:
            lines.append(f"| {backends[0]} | error: {par['error']} | | | |")
        else:
            p = par["parallel"]
            speedup = p["serial"] / p["n_jobs=2"]
            lines.append(
                f"| {backends[0]} | {p['serial']:.1f} | {p['n_jobs=2']:.1f} | "
                f"{speedup:.2f}x ({verdict(speedup >= 1.6)}) | {p['same']} |"
            )
        lines.append("")
    epoch = {
        b: results.get(("epoch", b), {})
        for b in ALL_BACKENDS
        if ("epoch", b) in results
    }
    if epoch:
        lines += [
            "## Epoch time per backend",
            "",
            "The same `RNNRegressor`, each backend in its own process: median seconds",
            "per epoch after the first, timed by a Keras callback inside one `fit`,",
            "and the first epoch (which compiles) in brackets.",
            "",
            "| data | " + " | ".join(epoch) + " |",
            "|---|" + "---|" * len(epoch),
        ]
        labels = next((list(r["epoch"]) for r in epoch.values() if "epoch" in r), [])
        for label in labels:
            cells = []
            for res in epoch.values():
                e = res.get("epoch", {}).get(label)
                cells.append(
                    f"{e['epoch']:.3f} (first {e['first']:.1f})" if e else "n/a"
                )
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def main():
    global QUICK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, 3 repeats")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help="comma-separated sections"
    )
    parser.add_argument("--backends", default=",".join(ALL_BACKENDS))
    parser.add_argument("--out", default=str(HERE / "results" / "speed.md"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args()
    QUICK = args.quick
    if args.child:
        print("RESULT " + json.dumps(TASKS[args.child](args.backend)), flush=True)
        return
    sections = [s for s in args.only.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    missing = [b for b in backends if not backend_available(b)]
    backends = [b for b in backends if b not in missing]
    # the targets name TensorFlow and JAX; torch only for epoch times
    per_backend = {
        "fit": [b for b in backends if b != "torch"],
        "predict": [b for b in backends if b != "torch"],
        "memory": backends,
        "epoch": backends,
        "parallel": backends[:1],
    }
    results = {}
    started = time.perf_counter()
    for section in sections:
        if section == "import":
            print("import ...", flush=True)
            results["import"] = import_times(3 if QUICK else 7)
            continue
        for backend in per_backend[section]:
            print(f"{section} on {backend} ...", flush=True)
            results[(section, backend)] = run_child(section, backend)
    lines = [
        "# skrnn speed and memory benchmark",
        "",
        f"Machine: {machine()}.",
        f"Command: `python benchmarks/run.py{' --quick' if QUICK else ''}`; "
        f"{time.perf_counter() - started:.0f} s in all.",
    ]
    if missing:
        lines.append(f"Not installed, skipped: {', '.join(missing)}.")
    lines.append("")
    lines += report(results, backends)
    text = "\n".join(lines)
    print("\n" + text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
