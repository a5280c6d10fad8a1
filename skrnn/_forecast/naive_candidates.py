"""The naive forecasts a forecaster's calibration may choose over its model.

Read from the windows themselves (the target's history is their first
feature), they need no fit:

- ``"last value"``: the window's last value, repeated (persistence);
- ``"drift"``: the last value plus the window's mean change over its last
  ``horizon`` steps, once per step ahead (the random walk with drift,
  estimated on as many recent steps as it extrapolates). A window whose
  values are all positive drifts in logarithms (a constant growth rate), so
  that a positive series keeps positive forecasts.

:class:`~skrnn.RNNForecaster` offers them where its forecasts are anchored
on the last value (the series are not seasonal at ``season_``): there,
these are the forecasts its network is trained to improve on, and the
calibration forecasts, out of sample and the most recent of every series,
say whether it did.
"""

import numpy as np

LAST_VALUE, DRIFT = "last value", "drift"
NAIVE_CANDIDATES = (LAST_VALUE, DRIFT)

# the windows' feature that holds the target's history
_TARGET = 0


def naive_forecasts(windows: np.ndarray, horizon: int, candidate: str) -> np.ndarray:
    """Forecasts of shape (n_windows, horizon) of ``candidate`` from ``windows``.

    Parameters
    ----------
    windows : ndarray of shape (n_windows, look_back, n_features)
        The target's history first among the features, oldest step first.
    horizon : int
        Steps ahead.
    candidate : {"last value", "drift"}
    """
    history = np.asarray(windows[:, :, _TARGET], dtype=float)
    last = history[:, -1:]
    steps = np.arange(1, horizon + 1)
    if candidate == LAST_VALUE:
        return np.repeat(last, horizon, axis=1)
    if candidate != DRIFT:
        raise ValueError(f"Unknown naive forecast {candidate!r}.")
    span = min(horizon, history.shape[1] - 1)
    if span < 1:  # a window of one step shows no change
        return np.repeat(last, horizon, axis=1)
    first = history[:, -1 - span : -span]
    positive = np.all(history[:, -1 - span :] > 0, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log(last / first) / span
        geometric = last * np.exp(rate * steps)
    linear = last + (last - first) / span * steps
    return np.where(positive, geometric, linear)
