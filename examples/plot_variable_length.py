"""
Sequences of different lengths: classifying shapes
==================================================

Recordings rarely have one length. :class:`~skrnn.RNNClassifier` takes a
list of 2-D arrays ``(n_timesteps_i, n_features)`` whose lengths differ: it
pads them to the longest at the start and masks the padding, so the
recurrent layer reads every sequence exactly as it is, then predicts from
its last real step. No resampling, no cropping.

The sequences here are synthetic, so that the example needs no download:
noisy curves of 20 to 80 steps whose class is their shape (one bump, two
bumps, or a step up), wherever it happens and however long the recording.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not an accuracy worth reading).
"""

# %%
# Curves of different lengths
# ---------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from skrnn import RNNClassifier

QUICK = bool(os.environ.get("SKRNN_QUICK"))
N_SEQUENCES = 150 if QUICK else 900
EPOCHS = 2 if QUICK else 60

CLASSES = ("one bump", "two bumps", "step up")


def make_curve(label, rng):
    """One noisy curve of a random length whose shape is ``label``."""
    length = int(rng.integers(20, 81))
    t = np.linspace(0, 1, length)
    centers = rng.uniform(0.2, 0.8, size=2)

    def bump(center):
        return np.exp(-(((t - center) / 0.07) ** 2))

    if label == "one bump":
        shape = bump(centers[0])
    elif label == "two bumps":
        first = rng.uniform(0.15, 0.45)
        shape = bump(first) + bump(first + rng.uniform(0.25, 0.4))
    else:
        shape = 1 / (1 + np.exp(-(t - centers[0]) / 0.03))
    values = shape + rng.normal(scale=0.15, size=length) + rng.normal(scale=0.2)
    return values.reshape(-1, 1)  # (n_timesteps, n_features): one feature


rng = np.random.default_rng(0)
y = rng.choice(CLASSES, size=N_SEQUENCES)
X = [make_curve(label, rng) for label in y]
print("lengths from", min(map(len, X)), "to", max(map(len, X)))

fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharey=True, layout="constrained")
for ax, label in zip(axes, CLASSES, strict=True):
    for i in np.flatnonzero(y == label)[:3]:
        ax.plot(X[i][:, 0], linewidth=1)
    ax.set_title(label)
    ax.set_xlabel("time step")
plt.show()

# %%
# A list of arrays in, labels out
# -------------------------------
# ``X`` is a plain Python list of arrays; :func:`~sklearn.model_selection.
# train_test_split` splits lists too. ``fit`` and ``predict`` both take such
# lists, and the lengths at ``predict`` need not match those seen in ``fit``.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
rnn = RNNClassifier("gru", units=32, epochs=EPOCHS, batch_size=32, random_state=0)
rnn.fit(X_train, y_train)
rnn_accuracy = accuracy_score(y_test, rnn.predict(X_test))
print(f"GRU on the raw sequences: test accuracy {rnn_accuracy:.3f}")

# %%
# The classic alternative: stretch every sequence to one length
# -------------------------------------------------------------
# Without a recurrent network, the usual trick is to resample each sequence
# to a fixed number of points, then use any classifier. It works when the
# shape scales with the length, as it does here; it blurs short events in
# long recordings.


def resample(sequences, n_points=32):
    """Each sequence linearly interpolated onto ``n_points`` evenly spaced steps."""
    grid = np.linspace(0, 1, n_points)
    return np.array(
        [np.interp(grid, np.linspace(0, 1, len(s)), s[:, 0]) for s in sequences]
    )


for name, model in {
    "logistic regression": LogisticRegression(max_iter=1000),
    "1-nearest neighbour": KNeighborsClassifier(n_neighbors=1),
}.items():
    model.fit(resample(X_train), y_train)
    accuracy = accuracy_score(y_test, model.predict(resample(X_test)))
    print(f"{name} on resampled sequences: test accuracy {accuracy:.3f}")

# %%
# Here every shape stretches with its recording, the case where resampling
# works best, and the classic models on resampled curves do as well as the
# network or better. The network needed no common length; resampling would
# blur events much shorter than their recording, which the network reads
# step by step.
#
# What the network was unsure about
# ---------------------------------
proba = rnn.predict_proba(X_test)
unsure = np.argsort(proba.max(axis=1))[:4]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6), sharey=True, layout="constrained")
for ax, i in zip(axes, unsure, strict=True):
    ax.plot(X_test[i][:, 0])
    guess = rnn.classes_[np.argmax(proba[i])]
    ax.set_title(f"{y_test[i]}\n(predicted {guess}, p={proba[i].max():.2f})", size=9)
plt.show()

# %%
# How it works
# ------------
# The sequences are stacked into one array of the longest length, with the
# missing steps at the *start* of the shorter ones filled by a padding
# value, and a Keras ``Masking`` layer tells the recurrent layer to skip
# those steps: the state is carried unchanged over them. Padding at the start
# keeps every sequence's last real step at the end, where the prediction is
# read. The input scaling learns its statistics from the real steps only.
