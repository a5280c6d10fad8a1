"""Forecast accuracy as forecasting competitions measure it: sMAPE, MASE, MSIS.

The definitions are those of the M4 competition (Makridakis et al., 2020):
sMAPE in percent, MASE and MSIS scaled by the in-sample mean absolute error
of the seasonal naive forecast, so that series of any scale compare.
"""

from typing import Any

import numpy as np

__all__ = ["coverage", "mase", "msis", "naive_scale", "smape"]


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {y_true.shape} and "
            f"{y_pred.shape}."
        )
    return y_true, y_pred


def naive_scale(y_train: Any, season: int = 1) -> float:
    """In-sample mean absolute error of the seasonal naive forecast.

    The yardstick that makes MASE and MSIS scale-free: how far off the naive
    forecast (the value one season earlier) was, on average, over the history.

    Parameters
    ----------
    y_train : array-like of shape (n_steps,)
        The history the forecast was made from, oldest first.
    season : int, default=1
        Season of the naive forecast (1: the last value).

    Returns
    -------
    scale : float
        ``mean(|y[t] - y[t - season]|)``; NaN when the history is shorter
        than ``season + 1``.

    See Also
    --------
    mase : Errors divided by this scale.

    Examples
    --------
    >>> from skrnn.metrics import naive_scale
    >>> naive_scale([1.0, 2.0, 4.0, 7.0])
    2.0
    """
    y_train = np.asarray(y_train, dtype=np.float64).ravel()
    if len(y_train) <= season:
        return float("nan")
    return float(np.mean(np.abs(y_train[season:] - y_train[:-season])))


def smape(y_true: Any, y_pred: Any) -> float:
    """Symmetric mean absolute percentage error, in percent (0 to 200).

    ``mean(200 * |y - f| / (|y| + |f|))``, the M4 competition's definition;
    a point where both are zero counts as no error.

    Parameters
    ----------
    y_true, y_pred : array-like of the same shape
        Observed and forecast values.

    Returns
    -------
    smape : float
        In percent, from 0 (perfect) to 200.

    See Also
    --------
    mase : The scale-free error that does not blow up near zero.

    Examples
    --------
    >>> from skrnn.metrics import smape
    >>> round(smape([100.0, 200.0], [110.0, 200.0]), 3)
    4.762
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(smape_terms(y_true, y_pred)))


def mase(y_true: Any, y_pred: Any, y_train: Any, season: int = 1) -> float:
    """Mean absolute scaled error, against the seasonal naive forecast.

    The mean absolute error divided by the in-sample mean absolute error of
    the seasonal naive forecast (Hyndman and Koehler, 2006): scale-free, and
    defined when the series has zeros.

    Parameters
    ----------
    y_true, y_pred : array-like of the same shape
        Observed and forecast values.
    y_train : array-like of shape (n_steps,)
        The history the forecast was made from, for the scale.
    season : int, default=1
        Season of the naive forecast that scales the error.

    Returns
    -------
    mase : float
        Mean absolute error divided by :func:`naive_scale`. Below 1, the
        forecast beats the in-sample seasonal naive forecast.

    See Also
    --------
    naive_scale : The denominator.
    smape : The percentage error of the M4 competition.

    Examples
    --------
    >>> from skrnn.metrics import mase
    >>> mase([8.0, 9.0], [7.0, 9.0], y_train=[1.0, 3.0, 5.0, 7.0])
    0.25
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)) / naive_scale(y_train, season))


def coverage(y_true: Any, y_lower: Any, y_upper: Any) -> float:
    """Fraction of observations inside their prediction interval (bounds included).

    The first check of an interval: a 90% interval should hold about 90% of
    what happened. Too high, and the intervals are wider than they need be.

    Parameters
    ----------
    y_true : array-like
        Observed values.
    y_lower, y_upper : array-like of the shape of ``y_true``
        Bounds of each observation's interval.

    Returns
    -------
    coverage : float
        From 0 to 1; compare with the nominal coverage of the intervals.

    See Also
    --------
    msis : Coverage and width in one score.

    Examples
    --------
    >>> from skrnn.metrics import coverage
    >>> coverage([1.0, 5.0], [0.0, 0.0], [2.0, 4.0])
    0.5
    """
    y_true, y_lower = _pair(y_true, y_lower)
    y_true, y_upper = _pair(y_true, y_upper)
    return float(np.mean((y_lower <= y_true) & (y_true <= y_upper)))


def msis(
    y_true: Any,
    y_lower: Any,
    y_upper: Any,
    y_train: Any,
    season: int = 1,
    alpha: float = 0.05,
) -> float:
    """Mean scaled interval score of ``1 - alpha`` prediction intervals (M4).

    The width of the interval plus ``2 / alpha`` times how far each
    observation falls outside it, averaged and divided by
    :func:`naive_scale`. Lower is better: narrow intervals that cover.

    Parameters
    ----------
    y_true, y_lower, y_upper : array-like of the same shape
        Observations and the bounds of their intervals.
    y_train : array-like of shape (n_steps,)
        The history, for the scale.
    season : int, default=1
        Season of the naive forecast that scales the score.
    alpha : float, default=0.05
        One minus the nominal coverage (0.05 for 95% intervals).

    Returns
    -------
    msis : float
        The mean interval score over :func:`naive_scale`.

    See Also
    --------
    coverage : How often the intervals hold the observation.

    Examples
    --------
    >>> from skrnn.metrics import msis
    >>> msis([1.0, 5.0], [0.0, 0.0], [2.0, 4.0], y_train=[0.0, 1.0], alpha=0.5)
    5.0
    """
    y_true, y_lower = _pair(y_true, y_lower)
    y_true, y_upper = _pair(y_true, y_upper)
    score = interval_scores(y_true, y_lower, y_upper, alpha)
    return float(np.mean(score) / naive_scale(y_train, season))


def smape_terms(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """``200 * |y - f| / (|y| + |f|)`` per point, 0 where both are 0."""
    denominator = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(
        np.abs(y_true - y_pred),
        denominator,
        out=np.zeros_like(denominator, dtype=np.float64),
        where=denominator > 0,
    )
    return 200.0 * ratio


def interval_scores(y_true, y_lower, y_upper, alpha: float) -> np.ndarray:
    """Winkler's interval score per point: width plus ``2 / alpha`` times the miss."""
    miss = np.maximum(y_lower - y_true, 0.0) + np.maximum(y_true - y_upper, 0.0)
    return (y_upper - y_lower) + (2.0 / alpha) * miss
