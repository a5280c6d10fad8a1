"""
Inside a SimpleRNN: its predictions recomputed with numpy
==========================================================

A recurrent network is a short loop. This example fits a
:class:`~skrnn.RNNRegressor` with a SimpleRNN of three units on the yearly
sunspot numbers, takes its weights out of the fitted Keras model
(``model_``), and recomputes every prediction by hand with numpy: input
scaling, the recurrence ``h = tanh(x W + h U + b)``, the Dense head and the
target's inverse scaling. The hand-made predictions match ``predict`` to
float32 rounding.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings.
"""

# %%
# Fit a small SimpleRNN
# ---------------------
# Each sample is a window of the last 11 years of sunspot numbers (about one
# solar cycle), and the target is the next year's number.
#
# By default :class:`~skrnn.RNNRegressor` does not predict the target of such
# univariate windows itself: it predicts the *change* from the window's last
# value, in logarithms when the series is positive
# (``target_representation="auto"``, ``log_target="auto"``; see the user
# guide). That is the better forecaster,
# but it adds two steps to the arithmetic. Here we ask for the plain
# representation, ``target_representation="level"`` and ``log_target=False``
# (the sunspot numbers have zeros, so no logarithms would be taken anyway),
# so that the network's output is the target, up to its standardisation.
import os

import matplotlib.pyplot as plt
import numpy as np

from skrnn import RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn.datasets import load_sunspots

QUICK = bool(os.environ.get("SKRNN_QUICK"))

series = load_sunspots()
X, y = make_supervised(series)  # X[t] = sunspots in year t, y[t] = in year t + 1
windows = SlidingWindowTransformer(look_back=11).fit_transform(X)
print("windows:", windows.shape)  # (n_samples, n_timesteps, n_features)

rnn = RNNRegressor(
    cell="simple_rnn",
    units=3,
    epochs=5 if QUICK else 200,
    target_representation="level",
    log_target=False,
    random_state=0,
).fit(windows, y)
rnn.model_.summary()

# %%
# The weights
# -----------
# The Keras model is ``Input -> Normalization -> SimpleRNN -> Dense``. The
# Normalization layer holds the per-feature mean and variance of the training
# inputs, also kept on the estimator as ``input_mean_`` and
# ``input_variance_``. The SimpleRNN has an input kernel ``W`` (one row per
# input feature, one column per unit), a recurrent kernel ``U`` (units x
# units) and a bias ``b``. The Dense head maps the 3 numbers of the final
# state to one output.
rnn_layer = next(layer for layer in rnn.model_.layers if "simple_rnn" in layer.name)
dense_layer = rnn.model_.layers[-1]
W, U, b = rnn_layer.get_weights()
w_out, b_out = dense_layer.get_weights()
print("W", W.shape, "U", U.shape, "b", b.shape, "Dense", w_out.shape, b_out.shape)

# %%
# The forward pass by hand
# ------------------------
# 1. Scale the inputs as the Normalization layer does:
#    ``(x - mean) / max(sqrt(variance), 1e-7)``.
# 2. Run the recurrence over the 11 steps of each window, oldest first, from
#    a state of zeros: ``h_t = tanh(x_t W + h_{t-1} U + b)``.
# 3. Apply the Dense head to the last state: ``z = h_T w + c``.
# 4. Undo the target's standardisation: ``y = z * target_scale_ +
#    target_mean_``.
x = (windows - rnn.input_mean_) / np.maximum(np.sqrt(rnn.input_variance_), 1e-7)
n_samples, n_steps, _ = x.shape
h = np.zeros((n_samples, U.shape[0]))
states = np.empty((n_samples, n_steps, U.shape[0]))
for t in range(n_steps):
    h = np.tanh(x[:, t, :] @ W + h @ U + b)
    states[:, t, :] = h
z = h @ w_out + b_out
by_hand = z[:, 0] * rnn.target_scale_[0] + rnn.target_mean_[0]

predicted = rnn.predict(windows)
gap = np.max(np.abs(by_hand - predicted))
print(f"largest difference from predict: {gap:.2e} sunspots")
assert np.allclose(by_hand, predicted, rtol=1e-5, atol=1e-5 * np.abs(predicted).max())

# %%
# The difference is float32 rounding: Keras computes in float32, numpy here in
# float64.
#
# What the state holds
# --------------------
# The whole memory of the network is the three numbers of ``h``. Below, the
# state is drawn step by step through the windows that end in the years of
# one solar cycle: each curve is one unit, each panel one window.
years = series.index.year[: len(windows)]
last_cycle = np.flatnonzero((years >= 1947) & (years <= 1957))[::2]
fig, axes = plt.subplots(
    1, len(last_cycle), figsize=(10, 2.8), sharey=True, layout="constrained"
)
for ax, row in zip(axes, last_cycle, strict=True):
    ax.plot(np.arange(-n_steps + 1, 1), states[row], marker=".")
    ax.set_title(f"window ending {years[row]}", fontsize=9)
    ax.set_xlabel("step")
axes[0].set_ylabel("state h (3 units)")
fig.suptitle("SimpleRNN(3): the state through each 11-year window")
plt.show()

# %%
# With the default representation
# -------------------------------
# With the ``"change"`` representation the same arithmetic runs on the
# window minus its last value, and the network's output, once unscaled, is
# added back to that last value (in logarithms when ``log_target_`` is True,
# followed by ``exp``). Only the bookkeeping around the network changes; the
# recurrence is the one above.
