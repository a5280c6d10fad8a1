"""
Sequence to sequence: number names from English to French
=========================================================

"three hundred and twelve" in, "trois cent douze" out, one character at a
time. :class:`~skrnn.RNNSeq2Seq` is an encoder-decoder:

* the **encoder**, a recurrent network, reads the English characters and
  ends in a **state**, a vector that has to hold what the number is;
* the **decoder**, a second recurrent network, starts from that state and
  writes the French name one character at a time, each step reading the
  character written before it, until it writes an end token.

Training uses **teacher forcing**: the decoder reads the *true* French name
shifted by one step behind a start token, and learns to predict the next
character. At prediction there is no truth to read, so the decoder reads
its own previous output (**greedy decoding**: the most probable character
each time). With attention, each decoder step also looks back at the
encoder's outputs for every English character, not only at the final state.

The numbers held out here are never seen in training: a lookup cannot know
them, a model that learned how numbers are named can.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not an accuracy worth reading).
"""

# %%
# The data: 1,000 number names
# ----------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from skrnn import RNNSeq2Seq
from skrnn.datasets import load_number_names

QUICK = bool(os.environ.get("SKRNN_QUICK"))
EPOCHS = 2 if QUICK else "auto"  # "auto": early stopping decides

frame = load_number_names()
rng = np.random.default_rng(0)
held_out = np.zeros(len(frame), dtype=bool)
held_out[rng.choice(len(frame), size=200, replace=False)] = True
train, test = frame[~held_out], frame[held_out]
if QUICK:
    train = train.iloc[:200]
X_train, y_train = train["english"].tolist(), train["french"].tolist()
X_test, y_test = test["english"].tolist(), test["french"].tolist()
print(f"{len(X_train)} training pairs, {len(X_test)} held-out numbers")
print(frame.loc[[1, 21, 71, 80, 312]])

# %%
# Teacher forcing: what the decoder reads and writes in training
# --------------------------------------------------------------
# At step *t* the decoder reads character *t - 1* of the truth (``<s>``, the
# start token, at the first step) and is trained to write character *t*
# (``</s>``, the end token, after the last one). Input and output lengths
# differ, and vary independently.
english, french = X_train[2], y_train[2]
reads = ["<s>", *french]
writes = [*french, "</s>"]
print(f"encoder reads: {list(english)}")
for t, (r, w) in enumerate(zip(reads, writes, strict=True)):
    print(f"decoder step {t:2d}: reads {r!r:6} -> learns to write {w!r}")

# %%
# Fitting the encoder-decoder
# ---------------------------
# The defaults: one LSTM layer of 128 units in the encoder and one in the
# decoder, character embeddings of 32, Luong attention, greedy decoding.
model = RNNSeq2Seq(epochs=EPOCHS, random_state=0).fit(X_train, y_train)
print(
    f"{model.n_iter_} epochs, {len(model.input_tokens_)} English characters, "
    f"{len(model.output_tokens_)} French characters"
)

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(model.loss_curve_)
ax.set(
    xlabel="epoch",
    ylabel="cross-entropy per character",
    title="Training loss (teacher-forced)",
)
fig.tight_layout()

# %%
# Greedy decoding on numbers never seen
# -------------------------------------
# ``predict`` runs the encoder once, then the decoder one compiled step at a
# time for the whole batch, each step fed the characters it wrote at the
# step before, until every name has ended.
y_pred = model.predict(X_test)
for english, truth, guess in list(zip(X_test, y_test, y_pred, strict=True))[:8]:
    mark = "ok" if guess == truth else "  "
    print(f"{mark} {english:32} -> {guess:34} (truth: {truth})")
print(f"exact match on held-out numbers: {model.score(X_test, y_test):.3f}")

# %%
# What a lookup does instead
# --------------------------
# The nearest English name seen in training (by character 1- to 3-grams)
# gives its French name: close in spelling, but the name of another number.
vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
neighbours = NearestNeighbors(n_neighbors=1, metric="cosine")
neighbours.fit(vectorizer.fit_transform(X_train))
nearest = neighbours.kneighbors(vectorizer.transform(X_test), return_distance=False)
y_lookup = [y_train[i] for i in nearest[:, 0]]


def char_accuracy(guesses, truths):
    """Share of positions right (a crude measure; the benchmark uses edits)."""
    return np.mean(
        [
            np.mean([a == b for a, b in zip(g.ljust(len(t)), t, strict=False)])
            for g, t in zip(guesses, truths, strict=True)
        ]
    )


results = {
    "nearest neighbour": y_lookup,
    "RNNSeq2Seq": y_pred,
}
exact = [
    np.mean([g == t for g, t in zip(p, y_test, strict=True)]) for p in results.values()
]
chars = [char_accuracy(p, y_test) for p in results.values()]
fig, ax = plt.subplots(figsize=(6, 3))
x = np.arange(len(results))
ax.bar(x - 0.2, exact, width=0.4, label="exact match")
ax.bar(x + 0.2, chars, width=0.4, label="characters in place")
ax.set_xticks(x, list(results))
ax.set(ylim=(0, 1), title="Held-out numbers")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# Beam search
# -----------
# Greedy decoding commits to one character at a time. Beam search keeps the
# ``beam_width`` most probable beginnings at each step and returns the most
# probable whole name among them; ``beam_width=1`` is greedy decoding.
beam = model.set_params(beam_width=4)
print(f"exact match with beam_width=4: {beam.score(X_test, y_test):.3f}")
model.set_params(beam_width=1)
plt.show()
