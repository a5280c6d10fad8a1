"""How much of each series calibrates the intervals, and the errors it gives.

A copy of the regressor is fitted on every series up to its first
calibration origin; it forecasts from that origin and every later one whose
``horizon`` next values are known. Each error is divided by the local scale
of its series at its origin, so that one set of errors serves series of any
scale (:mod:`skrnn._forecast.intervals` turns them into bounds).
"""

import numpy as np

from skrnn._forecast.data import History, local_scales, origin_windows
from skrnn.metrics import seasonal_naive_scale

# at least this many calibration forecasts when the history allows: fewer
# cannot give a finite split-conformal 95% interval
MIN_CALIBRATION = 20


def calibration_sizes(counts: np.ndarray, calibration) -> np.ndarray:
    """How many calibration forecasts from the end of each series.

    About a quarter of the windows (``counts``, per series), at least
    ``MIN_CALIBRATION`` in all, shared equally among the series; each keeps
    at least half of its windows for the calibration copy. ``calibration``
    is the forecaster's parameter: "auto", an int, or None (none).
    """
    if calibration is None:
        return np.zeros_like(counts)
    n = len(counts)
    if calibration == "auto":
        wanted = np.maximum(-(-MIN_CALIBRATION // n), counts // (4 * n))
    else:
        wanted = np.full(n, -(-int(calibration) // n))
    return np.minimum(wanted, counts // 2)


def error_scales(history: History, origins: np.ndarray, span: int) -> np.ndarray:
    """Local scales of the errors at ``origins`` (rows of ``history``)."""
    fallback = seasonal_naive_scale(history.y, 1)
    return local_scales(history.y, origins, span, fallback if fallback > 0 else 1.0)


def calibration_windows(histories, sizes, *, look_back: int, horizon: int, span: int):
    """The windows, truths and scales of every calibration origin, stacked.

    Returns
    -------
    heads : list of History
        Each history up to its first calibration origin (what the calibration
        copy is fitted on).
    windows : ndarray of shape (n_origins, look_back, n_features)
    truth : ndarray of shape (n_origins, horizon)
    scales : ndarray of shape (n_origins,)
    """
    firsts = [len(h) - horizon - n for h, n in zip(histories, sizes, strict=True)]
    heads = [h.head(max(o + 1, 0)) for h, o in zip(histories, firsts, strict=True)]
    windows, truth, scales = [], [], []
    for history, first, size in zip(histories, firsts, sizes, strict=True):
        if not size:
            continue
        origins = np.arange(first, first + size)
        windows.append(origin_windows(history, look_back, horizon, origins))
        truth.append(history.y[origins[:, None] + np.arange(1, horizon + 1)])
        scales.append(error_scales(history, origins, span))
    return heads, np.concatenate(windows), np.concatenate(truth), np.concatenate(scales)
