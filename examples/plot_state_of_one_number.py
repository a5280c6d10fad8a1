"""
A state of one number is not enough: SimpleRNN(1) against SimpleRNN(5)
======================================================================

A recurrent network remembers the past only through its state, a vector of
``units`` numbers updated at every step. Tutorials often end a network with
``SimpleRNN(1)``, one unit whose state is also the prediction. This example
shows on a plain sine wave why that cannot work: to say where a wave goes
next you need to know where it is *and* which way it is moving, two numbers.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings.
"""

# %%
# A noisy sine wave
# -----------------
# A period of 19.3 steps (not a whole number, so that the wave is sampled at
# every phase), a little noise, and windows of the last 10 steps.
# The networks here predict the next value itself
# (``target_representation="level"``), so that the only thing that differs
# between them is the size of their state.
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import root_mean_squared_error

from skrnn import RNNRegressor, SlidingWindowTransformer, make_supervised

QUICK = bool(os.environ.get("SKRNN_QUICK"))
EPOCHS = 3 if QUICK else 100

rng = np.random.default_rng(0)
steps = np.arange(800)
series = np.sin(2 * np.pi * steps / 19.3) + 0.05 * rng.normal(size=steps.size)
X, y = make_supervised(series)
windows = SlidingWindowTransformer(look_back=10).fit_transform(X)
n_train = 600
W_train, W_test = windows[:n_train], windows[n_train:]
y_train, y_test = y[:n_train], y[n_train:]

# %%
# Three networks
# --------------
# * The tutorial pattern: ``SimpleRNN(1)`` *is* the model. Its state, a
#   single number squashed by ``tanh`` into ``(-1, 1)``, is the prediction.
#   ``model_fn`` builds it; skrnn still scales the inputs and the target.
# * ``RNNRegressor("simple_rnn", units=1)``: still one number of state, but a
#   Dense layer reads the prediction from it (any scale, any offset).
# * ``RNNRegressor("simple_rnn", units=5)``: five numbers of state, and the
#   Dense layer reads the prediction from all five.


def simple_rnn_only(input_shape, n_outputs):
    """The network of many tutorials: one SimpleRNN layer and nothing else."""
    return keras.Sequential(
        [keras.Input(input_shape), keras.layers.SimpleRNN(n_outputs)]
    )


models = {
    "SimpleRNN(1) alone": RNNRegressor("simple_rnn", units=1, model_fn=simple_rnn_only),
    "SimpleRNN(1) + Dense": RNNRegressor("simple_rnn", units=1),
    "SimpleRNN(5) + Dense": RNNRegressor("simple_rnn", units=5),
}
predictions = {}
for name, model in models.items():
    model.set_params(
        epochs=EPOCHS, target_representation="level", log_target=False, random_state=0
    )
    predictions[name] = model.fit(W_train, y_train).predict(W_test)
    rmse = root_mean_squared_error(y_test, predictions[name])
    print(f"{name:22s} test RMSE {rmse:.3f}")

persistence = root_mean_squared_error(y_test, W_test[:, -1, 0])
print(f"{'last value':22s} test RMSE {persistence:.3f}   (noise: 0.05)")

# %%
# With the tutorial network, one ``tanh`` number that is also the prediction,
# the forecast is worse than repeating the last value. A Dense layer reading
# that one number helps, but the error stays several times the noise (0.05);
# five numbers of state bring it close to the noise.
#
# Why: the same value, two futures
# --------------------------------
# Plot the next value against the current one. A sine wave passes each level
# twice per period, once rising and once falling, so the truth draws a loop:
# the same current value has two different next values. A state of one number
# mostly follows the current value, so its forecasts for "rising" and
# "falling" crowd towards the middle of the loop; alone, it is also cut off
# at the ``tanh`` bound. Five units keep both the level and the direction,
# and trace the loop.
current = W_test[:, -1, 0]
rising = W_test[:, -1, 0] > W_test[:, -2, 0]
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), sharey=True, layout="constrained")
for ax, (name, y_pred) in zip(axes, predictions.items(), strict=True):
    ax.scatter(current, y_test, s=8, color="lightgrey", label="truth")
    ax.scatter(current[rising], y_pred[rising], s=8, label="forecast, rising")
    ax.scatter(current[~rising], y_pred[~rising], s=8, label="forecast, falling")
    ax.set_title(name)
    ax.set_xlabel("current value")
axes[0].set_ylabel("next value")
axes[0].legend(loc="upper left", fontsize=8)
plt.show()

# %%
# The forecasts in time
# ---------------------
fig, ax = plt.subplots(figsize=(9, 3.5), layout="constrained")
shown = slice(0, 60)
ax.plot(y_test[shown], color="black", label="truth")
for name, y_pred in predictions.items():
    ax.plot(y_pred[shown], label=name)
ax.set_xlabel("test step")
ax.legend(fontsize=8, ncols=2)
plt.show()

# %%
# Take-aways
# ----------
# * The state is the network's only memory of the window: ``units`` is its
#   size, and it must hold everything the forecast needs.
# * Keep a Dense layer after the recurrent layer (skrnn always adds one): a
#   ``tanh`` state bounded in ``(-1, 1)`` makes a poor prediction, all the
#   more on a series that leaves the range it was trained on.
# * A few units are cheap; on real series tune ``units`` with cross-validation
#   (see the airline and sunspots examples).
