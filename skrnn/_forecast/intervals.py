"""Prediction intervals from a forecaster's own out-of-sample errors (conformal).

The errors come from forecasts that the model could not have seen: copies
of the model fitted on the history up to staggered cutoffs forecast
``horizon`` steps from the later origins whose future is known
(:mod:`skrnn._forecast.calibration`). Each error is divided by the local
scale of its window (the mean absolute step-to-step change), so errors made
when the series was small or large compare, and one set of errors serves
any level.

Pooling and per-series scales. Series of a panel are not forecast equally
well: a global model fits some series' dynamics and misses others', so
errors relative to the local scale differ by series, and one pooled
quantile over-covers the first and under-covers the second (measured at a
nominal 90%: 31% to 62% on four series, 98% to 100% on four others, about
85% pooled). A quantile per series would adapt, but a 90% quantile from the
few dozen correlated errors a series gives is too noisy (and undefined
below ten). So the tail is pooled and the level is not: each series gets an
error scale ``r_i``, the mean of its own scaled errors, each divided by the
mean error of all series at that horizon step (one number per series, from
all of its errors at every step, far steadier than a tail quantile), pulled
towards 1 by ``PRIOR_ORIGINS`` pseudo-origins so that a series with one or
two origins cannot claim a tiny interval. The interval of step ``h`` of
series ``i`` is the point forecast plus or minus ``r_i`` times the conformal
quantile of the pooled errors normalised by their series' ``r`` at step
``h``, times the scale of the last window. One series: ``r = 1``, plain
split conformal.

Bounds respect the series: one modelled in logs is calibrated in logs and
its bounds are ``exp`` of the log-space bounds (positive, wider above); a
series that was never negative gets its lower bound clipped at 0; both
unless the forecaster is asked for symmetric intervals.
"""

import warnings
from collections.abc import Sequence
from numbers import Real

import numpy as np

from skrnn._forecast.data import error_scales


def check_coverage(coverage) -> tuple[float, ...]:
    """Coverage levels as a tuple of floats in (0, 1)."""
    levels = (coverage,) if isinstance(coverage, Real) else tuple(coverage)
    if not levels:
        raise ValueError("coverage is empty; pass a level such as 0.9.")
    for level in levels:
        if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
            raise ValueError(
                f"coverage must be a number strictly between 0 and 1 (0.9 for a "
                f"90% interval), or a list of them; got {level!r}."
            )
    return tuple(float(level) for level in levels)


def checked_levels(coverage, calibrated: bool) -> tuple[float, ...] | None:
    """``coverage`` checked (None: no interval), refused without calibration."""
    if coverage is None:
        return None
    if not calibrated:
        raise ValueError(
            "This forecaster has no calibration errors to build intervals "
            "from: fit it with calibration='auto' (the default) or an int, on "
            "a history long enough to hold a calibration forecast (fit warns "
            "when it is not)."
        )
    return check_coverage(coverage)


def conformal_quantiles(scaled_errors: np.ndarray, level: float) -> np.ndarray:
    """Half-widths, per horizon step, of intervals of coverage ``level``.

    Parameters
    ----------
    scaled_errors : ndarray of shape (n_origins, horizon)
        Absolute out-of-sample errors divided by their window's scale.
    level : float
        Nominal coverage.

    Returns
    -------
    quantiles : ndarray of shape (horizon,)
        The ``ceil((n + 1) * level)``-th smallest error of each step (the
        split-conformal quantile), made non-decreasing along the horizon: a
        forecast further ahead is never given a narrower interval.
    """
    n = len(scaled_errors)
    rank = int(np.ceil((n + 1) * level))
    if rank > n:
        warnings.warn(
            f"A {level:.0%} interval needs at least {int(np.ceil(level / (1 - level)))}"
            f" calibration forecasts to be guaranteed; this forecaster has {n}. "
            "The largest error is used, which may cover less than asked: fit on "
            "a longer history or set a larger calibration.",
            UserWarning,
            stacklevel=4,
        )
        rank = n
    ordered = np.sort(scaled_errors, axis=0)
    return np.maximum.accumulate(ordered[rank - 1])


def interval_columns(levels: Sequence[float]) -> list[tuple[str, str]]:
    """Names of the lower and upper columns for each level.

    One level gives ``y_lower`` and ``y_upper``; several give
    ``y_lower_80``, ``y_upper_80`` and so on, percent rounded.
    """
    if len(levels) == 1:
        return [("y_lower", "y_upper")]
    names = [f"{100 * level:g}" for level in levels]
    if len(set(names)) != len(names):
        raise ValueError(f"coverage has repeated levels: {list(levels)}.")
    return [(f"y_lower_{name}", f"y_upper_{name}") for name in names]


# pseudo-origins of pooled behaviour (r = 1) added to each series' own
PRIOR_ORIGINS = 3


def series_error_scales(
    errors: np.ndarray,
    series: np.ndarray,
    n_series: int,
    prior: float = PRIOR_ORIGINS,
) -> np.ndarray:
    """Each series' scaled errors relative to all series', step by step.

    Parameters
    ----------
    errors : ndarray of shape (n_origins, horizon)
        Scaled absolute calibration errors of every series.
    series : ndarray of int of shape (n_origins,)
        The series of each row, in ``0 .. n_series - 1``.
    n_series : int
        Number of series.
    prior : float, default=PRIOR_ORIGINS
        Weight, in origins, of the pooled value 1.

    Returns
    -------
    scales : ndarray of shape (n_series,)
        ``(n_i * mean_i + prior) / (n_i + prior)``, where ``mean_i`` is the
        mean over the ``n_i`` origins of series ``i`` and the horizon steps
        of ``errors / errors.mean(axis=0)``; 1 for a series without errors.
    """
    step_means = errors.mean(axis=0)
    relative = errors / np.where(step_means > 0, step_means, 1.0)
    counts = np.bincount(series, minlength=n_series).astype(float)
    totals = np.bincount(series, relative.mean(axis=1), minlength=n_series)
    weights = counts + prior
    scales = np.divide(
        totals + prior, weights, out=np.ones(n_series), where=weights > 0
    )
    return np.where(scales > 0, scales, 1.0)


def series_quantiles(
    errors: np.ndarray, series: np.ndarray, scales: np.ndarray, level: float
) -> np.ndarray:
    """Half-widths in local scales per series and step: ``r_i`` times the pooled one.

    Returns
    -------
    quantiles : ndarray of shape (n_series, horizon)
    """
    pooled = conformal_quantiles(errors / scales[series, None], level)
    return scales[:, None] * pooled


def bounds(
    point: np.ndarray, half: np.ndarray, *, log: bool, floor: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds around ``point`` of half-width ``half``.

    ``log``: ``half`` is in logarithms and the bounds are
    ``point * exp(-half)``, ``point * exp(half)``. ``floor``: lower bounds
    below it are raised to it (0 for a series that is never negative).
    """
    if log:
        lower, upper = point * np.exp(-half), point * np.exp(half)
    else:
        lower, upper = point - half, point + half
    if floor is not None:
        lower = np.maximum(lower, floor)
    return lower, upper


def add_bounds(frames, histories, levels, *, errors, scales, space, span, symmetric):
    """Each series' forecast frame with its bounds at every level.

    Parameters
    ----------
    frames : list of pandas.DataFrame
        Per series, its point forecast in column ``y_pred``.
    histories : sequence of History
        The series: their last values give the local scale.
    levels : sequence of float
        Coverage levels.
    errors : tuple of ndarray
        The calibration errors and the series of each (None: all pooled).
    scales : ndarray of shape (n_series,)
        The series' error scales (:func:`series_error_scales`).
    space : {"level", "log"}
        Where the calibration errors are.
    span : int
        Steps that the local scale reads.
    symmetric : bool
        Neither logarithms nor a floor at 0.

    Returns
    -------
    frames : list of pandas.DataFrame
        With ``y_lower``, ``y_upper`` (suffixed by level with several).
    """
    errors, series = errors
    if series is None:  # calibrated before per-series scales: one pool
        series, scales = np.zeros(len(errors), int), np.ones(len(histories))
    halves = [series_quantiles(errors, series, scales, level) for level in levels]
    out = []
    for k, (frame, history) in enumerate(zip(frames, histories, strict=True)):
        point, y = frame["y_pred"].to_numpy(), history.y
        log = space == "log" and not symmetric and bool(np.all(point > 0))
        values = np.log(y) if log else y
        scale = error_scales(values, np.array([len(values) - 1]), span)[0]
        floor = None if symmetric or y.min() < 0 else 0.0
        columns = {}
        for (lower, upper), half in zip(interval_columns(levels), halves, strict=True):
            lo, hi = bounds(point, scale * half[k], log=log, floor=floor)
            columns[lower], columns[upper] = lo, hi
        out.append(frame.assign(**columns))
    return out
