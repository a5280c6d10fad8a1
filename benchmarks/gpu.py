"""Fit throughput on a GPU against a 2-core CPU: forecaster, classifier, seq2seq.

Three fits, each on real data, at a fixed number of epochs so that every
machine does the same work:

- **panel**: ``RNNForecaster(horizon=48, n_models=1, calibration=None)`` on
  the hourly panel of ``benchmarks/hourly_panel.py`` (400 stretches of 700
  hours of ETTh1/ETTh2, ``--data``/ett; 50,000 training windows of 168
  steps, ``max_windows``'s default);
- **classifier**: ``RNNClassifier()`` (LSTM + the 128/256/128 FCN branch) on
  the OSULeaf training set (200 leaf outlines of 427 steps, UCR archive),
  read from ``--data``/osuleaf.npz (written by ``--export-osuleaf`` from
  the archive's file, which the aeon wheel ships);
- **seq2seq**: ``RNNSeq2Seq(batch_size=64)`` on 8,000 human-written dates
  to ISO dates (``benchmarks/seq2seq.py``'s task).

Each is fitted once from seed 0 for ``1 + epochs`` epochs, every epoch
timed (a callback added to each Keras ``fit``): the first epoch's seconds
include compiling the network; the median of the others is one epoch at
steady state, from which the throughput (training rows per second) is
read. Every run writes one JSON file; ``--merge`` puts several side by side
in markdown, with each row's ratio to the first file's.

Usage::

    # on the GPU machine (JAX)
    KERAS_BACKEND=jax python benchmarks/gpu.py --data DATA --json gpu.json
    # on the 2-core CPU, each installed backend
    KERAS_BACKEND=tensorflow python benchmarks/gpu.py --data DATA --json tf.json
    python benchmarks/gpu.py --merge tf.json jax.json gpu.json \\
        --markdown benchmarks/results/gpu.md
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def training_panel(data: Path, quick: bool):
    """The hourly panel without each series' last ``HORIZON`` hours."""
    from hourly_panel import HORIZON, load_panel

    panel = load_panel(str(data))
    if quick:
        panel = panel[panel["unique_id"].isin(panel["unique_id"].unique()[:20])]
    return panel.groupby("unique_id").head(-HORIZON)


def panel_fit(data: Path, epochs: int, quick: bool):
    """``(fit, rows)``: the panel forecaster's fit, and its training windows."""
    from hourly_panel import HORIZON

    from skrnn import RNNForecaster

    train = training_panel(data, quick)

    def fit(n_epochs):
        return RNNForecaster(
            horizon=HORIZON,
            n_models=1,
            calibration=None,
            epochs=n_epochs,
            random_state=0,
        ).fit(train)

    return fit, lambda fc: fc.n_windows_


def panel_defaults_fit(data: Path, epochs: int, quick: bool):
    """``(fit, rows)``: ``RNNForecaster(horizon=48)`` as it comes, on the panel.

    Its own epochs (20, for the calibration copy and the final network):
    ``epochs`` is not read.
    """
    from hourly_panel import HORIZON

    from skrnn import RNNForecaster

    train = training_panel(data, quick)

    def fit(n_epochs):
        return RNNForecaster(horizon=HORIZON, random_state=0).fit(train)

    return fit, lambda fc: fc.n_windows_


def classifier_fit(data: Path, epochs: int, quick: bool):
    """``(fit, rows)``: RNNClassifier's defaults on OSULeaf's training set."""
    from skrnn import RNNClassifier

    arrays = np.load(data / "osuleaf.npz")
    X, y = arrays["X_train"], arrays["y_train"]
    if quick:
        X, y = X[:40, :100], y[:40]

    def fit(n_epochs):
        return RNNClassifier(epochs=n_epochs, random_state=0).fit(X, y)

    return fit, lambda _: len(X)


def seq2seq_fit(data: Path, epochs: int, quick: bool):
    """``(fit, rows)``: RNNSeq2Seq on the dates task at batch 64."""
    from seq2seq import dates

    from skrnn import RNNSeq2Seq

    X, y = dates(400 if quick else 8000, seed=0)

    def fit(n_epochs):
        return RNNSeq2Seq(epochs=n_epochs, batch_size=64, random_state=0).fit(X, y)

    return fit, lambda _: len(X)


WORKLOADS = {
    "panel": ("RNNForecaster, hourly panel (one network)", panel_fit),
    "panel-defaults": (
        "RNNForecaster(horizon=48), hourly panel (defaults, calibration included)",
        panel_defaults_fit,
    ),
    "classifier": ("RNNClassifier(), OSULeaf", classifier_fit),
    "seq2seq": ("RNNSeq2Seq(batch_size=64), dates", seq2seq_fit),
}


def device_name() -> str:
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return f"{device.platform}: {getattr(device, 'device_kind', device)}"
    if backend == "tensorflow":
        import tensorflow as tf

        return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"
    return backend


@contextmanager
def epoch_seconds():
    """Every Keras fit inside records each epoch's wall-clock seconds in the list."""
    import keras
    from seq2seq import epoch_timer

    times, fit = [], keras.Model.fit

    def timed_fit(self, *args, callbacks=None, **kwargs):
        callbacks = [*(callbacks or []), epoch_timer(times)]
        return fit(self, *args, callbacks=callbacks, **kwargs)

    keras.Model.fit = timed_fit
    try:
        yield times
    finally:
        keras.Model.fit = fit


def run(data: Path, names, epochs: int, quick: bool, out=None) -> dict:
    """Time each workload of ``names``; the figures so far are written to
    ``out`` (if given) after each, so that an interrupted run keeps them."""
    import keras

    result = {
        "backend": keras.backend.backend(),
        "device": device_name(),
        "cpus": len(os.sched_getaffinity(0)),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "keras": keras.__version__,
        "date": datetime.date.today().isoformat(),
        "quick": quick,
        "rows": [],
    }
    rows = result["rows"]
    for name in names:
        label, make = WORKLOADS[name]
        fit, count = make(data, epochs, quick)
        started = time.perf_counter()
        with epoch_seconds() as times:
            n_rows = count(fit(1 + epochs))
        wall = time.perf_counter() - started
        steady = float(np.median(times[1:]))
        rows.append(
            {
                "workload": name,
                "label": label,
                "rows": int(n_rows),
                "epochs": len(times),
                "fit_s": wall,
                "first_epoch_s": times[0],
                "epoch_s": steady,
                "rows_per_s": n_rows / steady,
            }
        )
        print(json.dumps(rows[-1]), flush=True)
        if out:
            Path(out).write_text(json.dumps(result, indent=1))
    return result


def merge(paths, titles) -> str:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    titles = titles or [
        f"{r['backend']}, {r['device']}, {r['cpus']} CPUs" for r in runs
    ]
    lines = [
        "# Fit throughput: GPU against a 2-core CPU",
        "",
        "`benchmarks/gpu.py`, one run per column. Each fit from seed 0 for",
        "1 + E epochs, every epoch timed: the first includes compiling the",
        "network; the median of the others is an epoch at steady state.",
        "",
    ]
    workloads = [row["workload"] for row in runs[0]["rows"]]
    for key, what in (
        ("epoch_s", "Seconds per epoch at steady state"),
        ("first_epoch_s", "Seconds of the first epoch (compiling included)"),
        ("fit_s", "Seconds of the whole fit of 1 + E epochs"),
        ("rows_per_s", "Training rows per second at steady state"),
    ):
        lines += [
            f"**{what}** (in brackets: the first column's figure over this one's"
            + (", a speed-up" if key != "rows_per_s" else ", inverted")
            + ")",
            "",
        ]
        lines.append("| workload | rows | epochs | " + " | ".join(titles) + " |")
        lines.append("|---|---:|---:|" + "---:|" * len(runs))
        for name in workloads:
            cells = []
            base = None
            for r in runs:
                row = next((x for x in r["rows"] if x["workload"] == name), None)
                if row is None:
                    cells.append("—")
                    continue
                value = row[key]
                if base is None:
                    base = value
                    cells.append(
                        f"{value:,.1f}" if key == "rows_per_s" else f"{value:.2f}"
                    )
                    continue
                ratio = value / base if key == "rows_per_s" else base / value
                text = f"{value:,.1f}" if key == "rows_per_s" else f"{value:.2f}"
                cells.append(f"{text} ({ratio:.1f}x)")
            first = next(x for x in runs[0]["rows"] if x["workload"] == name)
            lines.append(
                f"| {first['label']} | {first['rows']:,} | {first['epochs']} | "
                + " | ".join(cells)
                + " |"
            )
        lines.append("")
    lines.append("Runs:")
    lines.append("")
    for title, r in zip(titles, runs, strict=True):
        lines.append(
            f"- {title}: Keras {r['keras']} ({r['backend']}), {r['device']}, "
            f"{r['cpus']} CPUs ({r['machine']}), Python {r['python']}, {r['date']}"
            + (" (--quick)" if r["quick"] else "")
        )
    return "\n".join(lines) + "\n"


def export_osuleaf(ts_file: Path, data: Path) -> None:
    """Write ``data``/osuleaf.npz from the archive's OSULeaf_TRAIN.ts.

    The file is inside the aeon wheel (``aeon/datasets/data/OSULeaf/``):
    one series per line, its values then ``:label``.
    """
    X, y = [], []
    for line in Path(ts_file).read_text().splitlines():
        if not line.strip() or line.startswith(("@", "#")):
            continue
        values, label = line.rsplit(":", 1)
        X.append(np.array(values.split(","), dtype=float))
        y.append(label)
    np.savez_compressed(
        data / "osuleaf.npz", X_train=np.stack(X)[:, :, None], y_train=np.array(y)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--json", help="write this run's figures here")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=list(WORKLOADS), default=None)
    parser.add_argument("--quick", action="store_true", help="tiny data, to try it")
    parser.add_argument("--merge", nargs="*", help="JSON files to put side by side")
    parser.add_argument("--titles", nargs="*", help="a column title per --merge file")
    parser.add_argument("--markdown", help="with --merge: write the table here")
    parser.add_argument(
        "--export-osuleaf", metavar="TS_FILE", help="OSULeaf_TRAIN.ts to --data"
    )
    args = parser.parse_args()
    data = Path(args.data)
    if args.export_osuleaf:
        export_osuleaf(Path(args.export_osuleaf), data)
        return
    if args.merge:
        text = merge(args.merge, args.titles)
        print(text)
        if args.markdown:
            Path(args.markdown).write_text(text)
        return
    run(data, args.only or list(WORKLOADS), args.epochs, args.quick, args.json)


if __name__ == "__main__":
    main()
