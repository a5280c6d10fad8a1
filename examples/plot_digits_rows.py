"""
Handwritten digits read row by row: LSTM and GRU classifiers
============================================================

An 8x8 image of a digit is a sequence of 8 rows of 8 pixels: a recurrent
network can read it top to bottom, one row per time step, and say which
digit it saw. This example trains :class:`~skrnn.RNNClassifier` on
scikit-learn's digits: its default network (LSTM-FCN: a small LSTM beside a
convolutional branch), and a plain LSTM and GRU that summarise the image in
their last state. It compares them with a logistic regression and a
1-nearest-neighbour classifier on the flattened pixels.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not an accuracy worth reading).
"""

# %%
# Images as sequences
# -------------------
# ``load_digits().images`` has shape ``(n_images, 8, 8)``; read as
# ``(n_samples, n_timesteps, n_features)`` it is 8 time steps (the rows) of 8
# features (the pixels of a row), exactly what the recurrent estimators take.
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNClassifier

QUICK = bool(os.environ.get("SKRNN_QUICK"))
EPOCHS = 2 if QUICK else 60

digits = load_digits()
X, y = digits.images, digits.target
print("sequences:", X.shape, "labels:", np.unique(y))
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

fig, axes = plt.subplots(1, 9, figsize=(9, 1.8), layout="constrained")
axes[0].imshow(X[0], cmap="gray_r")
axes[0].set_title("digit 0")
for step, ax in enumerate(axes[1:]):
    ax.imshow(X[0][step : step + 1], cmap="gray_r", vmin=0, vmax=16)
    ax.set_title(f"step {step + 1}", fontsize=9)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("The network sees one row of 8 pixels per time step")
plt.show()

# %%
# Five classifiers
# ----------------
# The recurrent networks get the 3-D images; :class:`~skrnn.RNNClassifier`
# scales the pixels itself. The two classic models get the 64 pixels as one
# flat row. The plain LSTM and GRU switch the convolutional branch off
# (``fcn_filters=None``) and read the rows in order.
flat_train = X_train.reshape(len(X_train), -1)
flat_test = X_test.reshape(len(X_test), -1)
rnn_params = {"units": 64, "epochs": EPOCHS, "batch_size": 32, "random_state": 0}
plain = {"fcn_filters": None, "dimension_shuffle": False, **rnn_params}
models = {
    "RNNClassifier()": (
        RNNClassifier(epochs=EPOCHS, random_state=0),
        X_train,
        X_test,
    ),
    "LSTM(64)": (RNNClassifier("lstm", **plain), X_train, X_test),
    "GRU(64)": (RNNClassifier("gru", **plain), X_train, X_test),
    "logistic regression": (
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        flat_train,
        flat_test,
    ),
    "1-nearest neighbour": (KNeighborsClassifier(n_neighbors=1), flat_train, flat_test),
}
accuracy = {}
for name, (model, train, test) in models.items():
    model.fit(train, y_train)
    accuracy[name] = accuracy_score(y_test, model.predict(test))
    print(f"{name:20s} test accuracy {accuracy[name]:.3f}")

ranked = sorted(accuracy, key=accuracy.get, reverse=True)
gap = round((accuracy[ranked[0]] - accuracy[ranked[1]]) * len(y_test))
print(
    f"Most accurate: {ranked[0]}, {gap} more of the {len(y_test)} test images "
    f"right than {ranked[1]}."
)

# %%
# Reading eight rows of eight pixels is enough for the recurrent networks to
# recognise most digits. On images this small the classic models are close
# (a few images of the test set separate the best models, so read the ranking
# of one run with care), and they train in a blink. The plain LSTM and GRU
# keep only their last state; the default network adds a convolutional
# branch that reads the whole image.
#
# Where the default network errs
# -------------------------------
lstm = models["RNNClassifier()"][0]
ConfusionMatrixDisplay.from_predictions(y_test, lstm.predict(X_test), colorbar=False)
plt.title(f"RNNClassifier(), test accuracy {accuracy['RNNClassifier()']:.3f}")
plt.show()

# %%
# Probabilities
# -------------
# ``predict_proba`` gives one column per class, in the order of
# ``classes_``. The digits below are the test images the network was least
# sure about.
proba = lstm.predict_proba(X_test)
unsure = np.argsort(proba.max(axis=1))[:6]
fig, axes = plt.subplots(1, 6, figsize=(9, 2), layout="constrained")
for ax, i in zip(axes, unsure, strict=True):
    ax.imshow(X_test[i], cmap="gray_r")
    best = np.argsort(proba[i])[::-1][:2]
    ax.set_title(
        f"true {y_test[i]}\n{lstm.classes_[best[0]]}: {proba[i, best[0]]:.2f}, "
        f"{lstm.classes_[best[1]]}: {proba[i, best[1]]:.2f}",
        fontsize=8,
    )
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()
