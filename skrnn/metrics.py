"""Forecast accuracy as the M4 competition scores it: sMAPE, MASE, OWA, coverage, MSIS.

The definitions are those of the M4 competition (Makridakis et al., 2020):
sMAPE in percent, MASE and MSIS scaled by the in-sample mean absolute error
of the seasonal naive forecast, so that series of any scale compare, and the
OWA relative to the competition's Naive2 forecast, which is here too.
"""

from typing import Any

import numpy as np
from sklearn.metrics import make_scorer

from skrnn._time.naive2 import naive2_forecast

# smape_scorer is also importable from here; compare() uses it by name
__all__ = [
    "coverage",
    "mase",
    "msis",
    "naive2_forecast",
    "owa",
    "seasonal_naive_scale",
    "smape",
]


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.size != y_pred.size or y_true.size == 0:
        raise ValueError(
            "y_true and y_pred must hold the same, non-zero number of values; got "
            f"shapes {y_true.shape} and {y_pred.shape}."
        )
    return y_true.reshape(y_pred.shape), y_pred


def smape(y_true: Any, y_pred: Any) -> float:
    """Symmetric mean absolute percentage error, in percent (the M4 definition).

    The mean of ``200 * |y - f| / (|y| + |f|)``: 0 for a perfect forecast,
    at most 200. Unlike the MAPE it stays finite when ``y`` holds zeros; a
    step where both the truth and the forecast are 0 counts as no error.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Observed values.
    y_pred : array-like of the same shape
        Forecasts.

    Returns
    -------
    smape : float
        In percent, between 0 and 200.

    See Also
    --------
    mase : The scale-free error against the seasonal naive forecast.

    Examples
    --------
    >>> from skrnn.metrics import smape
    >>> round(smape([100, 0], [110, 0]), 3)
    4.762
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(smape_terms(y_true, y_pred)))


def seasonal_naive_scale(y_train: Any, season: int = 1) -> float:
    """In-sample mean absolute error of the seasonal naive forecast on ``y_train``.

    The denominator of the MASE: ``mean(|y[t] - y[t - season]|)`` over the
    training series.

    Parameters
    ----------
    y_train : array-like of shape (n_steps,)
        The training series, oldest first.
    season : int, default=1
        Season length; 1 is the naive (persistence) forecast.

    Returns
    -------
    scale : float
        Positive, or 0 for a series that repeats itself exactly.

    Raises
    ------
    ValueError
        If ``y_train`` has ``season`` values or fewer, or ``season`` is not a
        positive integer.

    See Also
    --------
    mase : Errors divided by this scale.

    Examples
    --------
    >>> from skrnn.metrics import seasonal_naive_scale
    >>> seasonal_naive_scale([1.0, 2.0, 4.0, 7.0])
    2.0
    """
    if isinstance(season, bool) or not isinstance(season, int | np.integer):
        raise TypeError(f"season must be an int; got {type(season).__name__}.")
    if season < 1:
        raise ValueError(f"season must be at least 1; got {season}.")
    y_train = np.asarray(y_train, dtype=np.float64).ravel()
    if len(y_train) <= season:
        raise ValueError(
            f"y_train has {len(y_train)} values: the seasonal naive scale with "
            f"season={season} needs more than {season}."
        )
    return float(np.mean(np.abs(y_train[season:] - y_train[:-season])))


def mase(y_true: Any, y_pred: Any, y_train: Any, season: int = 1) -> float:
    """Mean absolute scaled error (the M4 definition).

    The mean absolute error of the forecast divided by the in-sample mean
    absolute error of the seasonal naive forecast on the training series.
    Below 1: better than the seasonal naive forecast was in sample.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Observed values.
    y_pred : array-like of the same shape
        Forecasts.
    y_train : array-like of shape (n_steps,)
        The series the forecasts were trained on, oldest first: only it sets
        the scale.
    season : int, default=1
        Season length of the naive forecast in the scale (1: persistence).

    Returns
    -------
    mase : float
        Scale-free and non-negative; ``inf`` when ``y_train`` repeats itself
        exactly with period ``season`` (the scale is 0) and the forecast
        errs.

    Raises
    ------
    ValueError
        If ``y_train`` is too short for ``season`` (see
        :func:`seasonal_naive_scale`).

    See Also
    --------
    smape : The M4 competition's percentage error.

    Examples
    --------
    >>> from skrnn.metrics import mase
    >>> mase([5.0, 6.0], [5.5, 6.5], y_train=[1.0, 2.0, 3.0, 4.0])
    0.5
    """
    y_true, y_pred = _pair(y_true, y_pred)
    scale = seasonal_naive_scale(y_train, season)
    error = float(np.mean(np.abs(y_true - y_pred)))
    if scale == 0:
        return 0.0 if error == 0 else float("inf")
    return error / scale


def owa(smape: float, mase: float, smape_naive2: float, mase_naive2: float) -> float:
    """Overall weighted average of the M4 competition: sMAPE and MASE against Naive2.

    ``(smape / smape_naive2 + mase / mase_naive2) / 2``: 1 for a method as
    accurate as Naive2, below 1 for a better one. As in the competition, the
    four figures are means over the whole set of series (and horizons), not
    one series: the OWA of a panel is not the mean of per-series OWAs.

    Parameters
    ----------
    smape, mase : float
        The method's sMAPE (in percent) and MASE, averaged over the series.
    smape_naive2, mase_naive2 : float
        The same means for :func:`naive2_forecast` on the same series.

    Returns
    -------
    owa : float
        Non-negative; 1 is Naive2's accuracy.

    Raises
    ------
    ValueError
        If a Naive2 figure is not positive, or a figure is not finite.

    See Also
    --------
    naive2_forecast : The reference forecast.
    smape : The first of the two errors.
    mase : The second.

    Examples
    --------
    The published M4 Weekly figures of the Theta method (sMAPE 9.093, MASE
    2.637) against those of Naive2 (9.161, 2.777):

    >>> from skrnn.metrics import owa
    >>> round(owa(9.093, 2.637, smape_naive2=9.161, mase_naive2=2.777), 3)
    0.971
    """
    figures = np.array([smape, mase, smape_naive2, mase_naive2], dtype=np.float64)
    if not np.isfinite(figures).all():
        raise ValueError(f"The four figures must be finite; got {figures.tolist()}.")
    if smape_naive2 <= 0 or mase_naive2 <= 0:
        raise ValueError(
            "smape_naive2 and mase_naive2 must be positive; got "
            f"{smape_naive2} and {mase_naive2}."
        )
    return float((smape / smape_naive2 + mase / mase_naive2) / 2)


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
    :func:`seasonal_naive_scale`. Lower is better: narrow intervals that cover.
    The M4 competition scored 95% intervals (``alpha=0.05``) with the scale of
    its MASE, so with ``season`` the series' frequency (1 for Weekly).

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
        The mean interval score over :func:`seasonal_naive_scale`.

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
    return float(np.mean(score) / seasonal_naive_scale(y_train, season))


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


smape_scorer = make_scorer(smape, greater_is_better=False)
"""Scorer of :func:`smape` for scikit-learn searches (negated: higher is better)."""
