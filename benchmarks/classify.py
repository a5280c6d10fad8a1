"""Sequence classification on public UCR/UEA sets: RNNClassifier against the baselines.

Protocol: each set's official train/test split, as the archive ships it
inside the aeon and tslearn wheels; accuracy on the test split. skrnn rows
and MiniRocket are the mean over ``--seeds`` seeds (3 by default); the
1-NN and logistic-regression baselines are deterministic. Sets of
sequences of different lengths (JapaneseVowels, PickupGestureWiimoteZ)
go to skrnn as they are (padded and masked) and to the baselines, which
need one length, in the archive's equal-length version (``*_eq``). The
published anchors are copied from the authors' own result files:
LSTM-FCN (Karim et al., 2018; ``Results/train_loss_old_datasets.csv`` of
their repository, model chosen on the training loss) and InceptionTime
(Ismail Fawaz et al., 2020; ``results-InceptionTime-128.csv`` and
``results-mts.csv`` of theirs). Results go to
``benchmarks/results/classify.md``.

Usage: ``python benchmarks/classify.py [--seeds 0 1 2] [--sets ArrowHead
GunPoint] [--only skrnn] [--configs defaults]``. ``make bench-classify``
runs it in its own environment (``.venv-classify``), because aeon and
tslearn are benchmark-only. A long run can be split over processes (one
core each): each writes its raw accuracies with ``--raw part.json``, and
``--merge part1.json part2.json --out ...`` makes the one table from them.
"""

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from skrnn._keras.training import auto_epochs

SETS = [
    "ArrowHead",
    "BasicMotions",
    "GunPoint",
    "ItalyPowerDemand",
    "JapaneseVowels",
    "OSULeaf",
    "PickupGestureWiimoteZ",
    "Trace",
]

# Test accuracy published by the authors; None where they report none.
# LSTM-FCN's result file lists Trace at 0.25 (a failed run under its
# training-loss model selection); its paper's table gives 1.000.
PUBLISHED = {
    "LSTM-FCN (published)": {
        "ArrowHead": 0.897,
        "GunPoint": 1.000,
        "ItalyPowerDemand": 0.962,
        "OSULeaf": 0.983,
        "Trace": 1.000,
    },
    "InceptionTime (published)": {
        "ArrowHead": 0.846,
        "BasicMotions": 1.000,
        "GunPoint": 1.000,
        "ItalyPowerDemand": 0.965,
        "JapaneseVowels": 0.992,
        "OSULeaf": 0.942,
        "PickupGestureWiimoteZ": 0.760,
        "Trace": 1.000,
    },
}


def load(name, equal_length=False):
    """``(X_train, y_train, X_test, y_test)``: arrays (n, steps, features) or lists."""
    if name == "Trace":  # tslearn's wheel ships it (its loader goes online first)
        import tslearn

        data = np.load(Path(tslearn.__file__).parent / ".cached_datasets/Trace.npz")
        return data["X_train"], data["y_train"], data["X_test"], data["y_test"]
    from aeon.datasets import load_classification

    def split(s):
        X, y = load_classification(name + ("_eq" if equal_length else ""), split=s)
        if isinstance(X, list):
            X = [np.asarray(x, dtype=float).T for x in X]
        else:
            X = np.transpose(X, (0, 2, 1)).astype(float)
        return X, y

    return (*split("train"), *split("test"))


# skrnn's rows: (name, parameters, needs one length). The defaults are
# LSTM-FCN's network with "auto" training length, and read sequences of
# different lengths as they are. The LSTM-FCN row is the paper's network
# and training (LSTM(8) over the shuffled dimension, the 128/256/128 FCN
# branch, batch 16, reduce on plateau) at a fixed 100 epochs; as in the
# paper it reads the equal-length version of the sets of different lengths.
# "last-state" is the defaults before the FCN branch: LSTM(32), last state.
SKRNN = {
    "defaults": ("RNNClassifier() (defaults)", {}, False),
    # The paper's filters, with the defaults' training (stop at the floor).
    "full-width": (
        "RNNClassifier(fcn_filters=(128, 256, 128))",
        {"fcn_filters": (128, 256, 128)},
        False,
    ),
    # The defaults before this budget: the paper's filters and
    # epochs="auto"'s count, every one trained (an integer epochs never
    # stops at the floor).
    "earlier-budget": (
        "RNNClassifier, 128/256/128, every epoch of the auto count (earlier defaults)",
        {
            "fcn_filters": (128, 256, 128),
            "epochs": lambda n_train: auto_epochs(n_train, 16),
        },
        False,
    ),
    "last-state": (
        "RNNClassifier, last state of LSTM(32) (earlier defaults)",
        {
            "units": 32,
            "fcn_filters": None,
            "dimension_shuffle": False,
            "epochs": 100,
            "batch_size": 32,
            "lr_schedule": "constant",
        },
        False,
    ),
    "lstm-fcn": (
        "RNNClassifier, LSTM-FCN configuration",
        {
            "units": 8,
            "fcn_filters": (128, 256, 128),
            "dimension_shuffle": True,
            "batch_size": 16,
            "epochs": 100,
            "lr_schedule": "plateau",
        },
        True,
    ),
}


def skrnn_models(seed, epochs, configs, n_train):
    from skrnn import RNNClassifier

    fit = {"epochs": epochs} if epochs else {}

    def params(config):
        given = {**SKRNN[config][1], **fit}
        return {k: v(n_train) if callable(v) else v for k, v in given.items()}

    return {
        SKRNN[c][0]: (RNNClassifier(random_state=seed, **params(c)), SKRNN[c][2])
        for c in configs
    }


def baseline_models(seed):
    from aeon.classification.convolution_based import MiniRocketClassifier
    from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    flat = FunctionTransformer(lambda X: np.asarray(X).reshape(len(X), -1))
    return {
        "1-NN Euclidean": KNeighborsTimeSeriesClassifier(distance="euclidean"),
        "1-NN DTW": KNeighborsTimeSeriesClassifier(distance="dtw"),
        "logistic regression (flattened)": make_pipeline(
            flat, StandardScaler(), LogisticRegression(max_iter=2000)
        ),
        "MiniRocket": MiniRocketClassifier(random_state=seed),
    }


def to_aeon(X):
    """aeon reads (n, channels, steps)."""
    return np.transpose(np.asarray(X), (0, 2, 1))


def run(names, seeds, epochs, only, configs):
    """Accuracies, fit seconds per model, and (skrnn) seconds and epochs per set."""
    scores, times, per_set = {}, {}, {}

    def record(model_name, name, acc, seconds, epochs_run=None):
        scores.setdefault(model_name, {}).setdefault(name, []).append(acc)
        times.setdefault(model_name, 0.0)
        times[model_name] += seconds
        if epochs_run is not None:
            cell = per_set.setdefault(model_name, {}).setdefault(name, [])
            cell.append([seconds, epochs_run])
        print(f"{name:24s} {model_name:48s} {acc:.3f} {seconds:7.1f}s", flush=True)

    for name in names:
        Xtr, ytr, Xte, yte = load(name)
        ragged = isinstance(Xtr, list)
        Etr, ytr_eq, Ete, yte_eq = load(name, equal_length=ragged)
        if only in (None, "skrnn"):
            for seed in seeds:
                models = skrnn_models(seed, epochs, configs, len(ytr))
                for model_name, (model, one_length) in models.items():
                    data = (
                        (Etr, ytr_eq, Ete, yte_eq)
                        if one_length
                        else (Xtr, ytr, Xte, yte)
                    )
                    start = time.perf_counter()
                    model.fit(data[0], data[1])
                    acc = float(np.mean(model.predict(data[2]) == data[3]))
                    seconds = time.perf_counter() - start
                    record(model_name, name, acc, seconds, model.n_iter_)
        if only in (None, "baselines"):
            for seed in seeds:
                for model_name, model in baseline_models(seed).items():
                    if seed != seeds[0] and model_name != "MiniRocket":
                        continue  # deterministic
                    aeon_input = model_name != "logistic regression (flattened)"
                    fit_X = to_aeon(Etr) if aeon_input else Etr
                    test_X = to_aeon(Ete) if aeon_input else Ete
                    start = time.perf_counter()
                    model.fit(fit_X, ytr_eq)
                    acc = float(np.mean(model.predict(test_X) == yte_eq))
                    record(model_name, name, acc, time.perf_counter() - start)
    return scores, times, per_set


def merge(paths):
    """Scores and fit times of several ``--raw`` files; the longest wall time."""
    scores, times, per_set, wall = {}, {}, {}, 0.0
    for path in paths:
        raw = json.loads(Path(path).read_text())
        for model, sets in raw["scores"].items():
            for name, accs in sets.items():
                scores.setdefault(model, {}).setdefault(name, []).extend(accs)
        for model, sets in raw.get("per_set", {}).items():
            for name, cells in sets.items():
                per_set.setdefault(model, {}).setdefault(name, []).extend(cells)
        for model, seconds in raw["times"].items():
            times[model] = times.get(model, 0.0) + seconds
        wall = max(wall, raw["wall"])
    return scores, times, per_set, wall


def mean_ranks(table, names):
    """Mean rank of each row over the sets where every row has a number."""
    rows = list(table)
    complete = [n for n in names if all(n in table[r] for r in rows)]
    ranks = {r: [] for r in rows}
    for n in complete:
        values = np.array([table[r][n] for r in rows])
        # rank 1 is best; ties share the mean rank
        order = (-values).argsort().argsort().astype(float) + 1
        for v in np.unique(values):
            tie = values == v
            order[tie] = order[tie].mean()
        for r, rank in zip(rows, order, strict=True):
            ranks[r].append(rank)
    return {r: float(np.mean(v)) for r, v in ranks.items()}, complete


def cost_table(per_set, names) -> str:
    """Seconds and epochs run per set (mean over seeds) of each skrnn row."""
    lines = [
        "| model | " + " | ".join(names) + " | total |",
        "|---|" + "---:|" * (len(names) + 1),
    ]
    for model, sets in per_set.items():
        cells, total = [], 0.0
        for n in names:
            if n not in sets:
                cells.append("—")
                continue
            seconds, epochs = np.mean(np.asarray(sets[n], dtype=float), axis=0)
            total += seconds
            cells.append(f"{seconds:.0f} s, {epochs:.0f} ep")
        lines.append(f"| {model} | {' | '.join(cells)} | {total:.0f} s |")
    return "\n".join(lines)


def report(scores, times, names, seeds, wall):
    table = {m: {n: float(np.mean(v)) for n, v in s.items()} for m, s in scores.items()}
    spread = {m: {n: float(np.std(v)) for n, v in s.items()} for m, s in scores.items()}
    ranks, complete = mean_ranks(table, names)
    published = {
        m: {n: a for n, a in v.items() if n in names} for m, v in PUBLISHED.items()
    }
    rows = sorted(table, key=lambda m: ranks[m])
    short = {
        "ArrowHead": "Arrow",
        "BasicMotions": "Basic",
        "GunPoint": "Gun",
        "ItalyPowerDemand": "Italy",
        "JapaneseVowels": "JapV",
        "OSULeaf": "OSU",
        "PickupGestureWiimoteZ": "Pickup",
        "Trace": "Trace",
    }
    head = " | ".join(short.get(n, n) for n in names)
    lines = [
        f"| model | {head} | mean | mean rank | fit time (s) |",
        "|---|" + "---:|" * (len(names) + 3),
    ]
    for m in rows:
        cells = []
        for n in names:
            if n not in table[m]:
                cells.append("—")
            elif len(scores[m][n]) > 1:
                cells.append(f"{table[m][n]:.3f} ±{spread[m][n]:.3f}")
            else:
                cells.append(f"{table[m][n]:.3f}")
        mean = np.mean([table[m][n] for n in names if n in table[m]])
        lines.append(
            f"| {m} | {' | '.join(cells)} | {mean:.3f} | {ranks[m]:.2f} | "
            f"{times[m] / max(1, len(scores[m][names[0]])):.0f} |"
        )
    for m, accs in published.items():
        cells = [f"{accs[n]:.3f}" if n in accs else "—" for n in names]
        lines.append(f"| {m} | {' | '.join(cells)} | | | |")
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPU cores (pinned to one), "
        f"Python {platform.python_version()}, Keras backend "
        f"{os.environ.get('KERAS_BACKEND', 'tensorflow')}"
    )
    notes = [
        f"Machine: {machine}. Wall time of the run: {wall / 60:.1f} min. "
        f"Seeds: {list(seeds)} (skrnn and MiniRocket: mean ± std over them).",
        f"Mean rank over the {len(complete)} sets every measured row has "
        "(rank 1 best, ties shared); fit time: seconds per seed, summed over "
        "the sets, fit and predict together.",
    ]
    return "\n".join(lines), "\n".join(notes), table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--sets", nargs="*", default=SETS)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--only", choices=["skrnn", "baselines"], default=None)
    parser.add_argument(
        "--configs", nargs="*", choices=list(SKRNN), default=list(SKRNN)
    )
    parser.add_argument("--out", default=None)
    parser.add_argument("--raw", default=None, help="write raw accuracies (JSON)")
    parser.add_argument("--merge", nargs="+", default=None, help="raw files")
    args = parser.parse_args()
    seeds = args.seeds
    start = time.perf_counter()
    if args.merge:
        scores, times, per_set, wall = merge(args.merge)
    else:
        scores, times, per_set = run(
            args.sets, seeds, args.epochs, args.only, args.configs
        )
        wall = time.perf_counter() - start
    if args.raw:
        raw = {
            "scores": scores,
            "times": times,
            "per_set": per_set,
            "wall": wall,
            "seeds": seeds,
        }
        Path(args.raw).write_text(json.dumps(raw))
    table, notes, _ = report(scores, times, args.sets, seeds, wall)
    costs = (
        "Seconds per fit and epochs run, per set (mean over the seeds):\n\n"
        + cost_table(per_set, args.sets)
        if per_set
        else ""
    )
    print(table)
    print(notes)
    print(costs)
    if args.out:
        Path(args.out).write_text(table + "\n\n" + notes + "\n\n" + costs + "\n")


if __name__ == "__main__":
    main()
