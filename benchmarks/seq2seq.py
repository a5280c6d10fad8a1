"""English to French number names: RNNSeq2Seq against a nearest-neighbour lookup.

Protocol: the 1,000 pairs of :func:`skrnn.datasets.load_number_names`, 200
numbers held out at random (seed 0) and never seen in training. Every model
learns from the other 800. Reported on the held-out numbers: exact match
(the whole French name right) and character accuracy (1 - Levenshtein
distance / length of the true name, at least 0, averaged). RNN rows are the
mean and standard deviation over the seeds. Then the decoding speed of the
default model: ``predict`` on all 1,000 English names, warm, in seconds and
in seconds per step of output length.

The baseline is 1-nearest neighbour on character 1- to 3-grams (TF-IDF,
cosine): it returns the French name of the most similar English name seen
in training, which is what a lookup can do for a number it has never seen.

Usage: ``python benchmarks/seq2seq.py [--quick] [--seeds N]`` (``--quick``:
1 seed, 5 epochs, a smoke test). Results go to
``benchmarks/results/seq2seq.md``.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from skrnn import RNNSeq2Seq
from skrnn.datasets import load_number_names


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            )
        previous = current
    return previous[-1]


def metrics(y_pred, y_true) -> tuple:
    exact = np.mean([p == t for p, t in zip(y_pred, y_true, strict=True)])
    chars = np.mean(
        [
            max(0.0, 1 - levenshtein(p, t) / len(t))
            for p, t in zip(y_pred, y_true, strict=True)
        ]
    )
    return float(exact), float(chars)


def nearest_neighbour(X_train, y_train, X_test) -> list:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    knn = NearestNeighbors(n_neighbors=1, metric="cosine")
    knn.fit(vectorizer.fit_transform(X_train))
    nearest = knn.kneighbors(vectorizer.transform(X_test), return_distance=False)
    return [y_train[i] for i in nearest[:, 0]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    seeds = [0] if args.quick else list(range(args.seeds))
    quick = {"epochs": 5} if args.quick else {}

    frame = load_number_names()
    rng = np.random.default_rng(0)
    test = np.zeros(len(frame), dtype=bool)
    test[rng.choice(len(frame), size=200, replace=False)] = True
    X_train = frame["english"][~test].tolist()
    y_train = frame["french"][~test].tolist()
    X_test = frame["english"][test].tolist()
    y_test = frame["french"][test].tolist()

    variants = {
        "RNNSeq2Seq() (defaults: attention='luong')": {},
        "RNNSeq2Seq(attention='bahdanau')": {"attention": "bahdanau"},
        "RNNSeq2Seq(attention=None)": {"attention": None},
        "RNNSeq2Seq(attention=None, reverse_input=True)": {
            "attention": None,
            "reverse_input": True,
        },
    }
    rows = []
    start = time.perf_counter()
    exact, chars = metrics(nearest_neighbour(X_train, y_train, X_test), y_test)
    rows.append(("1-NN on character n-grams", exact, 0, chars, 0, 0.0))
    print(f"{rows[-1][0]}: exact {exact:.3f}, chars {chars:.3f}", flush=True)
    default_model = None
    for name, params in variants.items():
        scores, seconds = [], []
        for seed in seeds:
            t0 = time.perf_counter()
            model = RNNSeq2Seq(random_state=seed, **params, **quick)
            model.fit(X_train, y_train)
            seconds.append(time.perf_counter() - t0)
            scores.append(metrics(model.predict(X_test), y_test))
            if not params and seed == seeds[0]:
                default_model = model
            print(f"{name} seed {seed}: {scores[-1]} {seconds[-1]:.0f} s", flush=True)
        s = np.array(scores)
        rows.append(
            (
                name,
                s[:, 0].mean(),
                s[:, 0].std(),
                s[:, 1].mean(),
                s[:, 1].std(),
                float(np.mean(seconds)),
            )
        )
    beam = default_model.set_params(beam_width=4)
    exact, chars = metrics(beam.predict(X_test), y_test)
    rows.append((f"the same, beam_width=4 (seed {seeds[0]})", exact, 0, chars, 0, 0.0))
    beam.set_params(beam_width=1)

    # decoding speed: 1,000 strings, warm (the first call traces the step)
    names = frame["english"].tolist()
    default_model.predict(names)
    t0 = time.perf_counter()
    y_pred = default_model.predict(names)
    decode_seconds = time.perf_counter() - t0
    steps = max(len(p) for p in y_pred) + 1  # the loop stops when all have ended
    total = time.perf_counter() - start

    import keras

    lines = [
        "# Sequence to sequence: English to French number names",
        "",
        f"Held-out numbers: 200 of 1,000; training pairs: {len(X_train)}. "
        f"RNN rows: mean ± std over seeds {seeds}"
        + (" (quick mode: 5 epochs)" if args.quick else "")
        + ".",
        "",
        "| model | exact match | character accuracy | fit seconds |",
        "|---|---|---|---|",
    ]
    for name, e, e_sd, c, c_sd, sec in rows:
        spread = (
            (lambda m, sd: f"{m:.3f} ± {sd:.3f}")
            if len(seeds) > 1
            else (lambda m, sd: f"{m:.3f}")
        )
        if name.startswith(("1-NN", "the same")):
            spread = lambda m, sd: f"{m:.3f}"  # noqa: E731
        lines.append(
            f"| {name} | {spread(e, e_sd)} | {spread(c, c_sd)} | "
            + (f"{sec:.0f}" if sec else "-")
            + " |"
        )
    lines += [
        "",
        f"Decoding (default model, greedy): `predict` on 1,000 English names "
        f"took {decode_seconds:.2f} s warm for {steps} decoder steps, "
        f"{decode_seconds / steps * 1000:.1f} ms per step of output length.",
        "",
        f"Keras {keras.__version__}, backend {keras.backend.backend()}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
        f"whole run {total:.0f} s.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).resolve().parent / "results" / "seq2seq.md"
    out.write_text(text)


if __name__ == "__main__":
    main()
