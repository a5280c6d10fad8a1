"""Forecast accuracy measures of the M4 competition (sMAPE, MASE) and their scorers."""

from typing import Any

import numpy as np
from sklearn.metrics import make_scorer

__all__ = ["mase", "seasonal_naive_scale", "smape", "smape_scorer"]


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
    denominator = np.abs(y_true) + np.abs(y_pred)
    errors = np.divide(
        200.0 * np.abs(y_true - y_pred),
        denominator,
        out=np.zeros_like(denominator),
        where=denominator > 0,
    )
    return float(errors.mean())


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


smape_scorer = make_scorer(smape, greater_is_better=False)
"""Scorer of :func:`smape` for scikit-learn searches (negated: higher is better)."""
