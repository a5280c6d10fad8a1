"""Prediction intervals from a forecaster's own out-of-sample errors (split conformal).

The errors come from forecasts that the model could not have seen: a copy
of the model is fitted on the history up to the first calibration origin and
forecasts ``horizon`` steps from every later origin whose future is known.
Each error is divided by the local scale of its window (the mean absolute
step-to-step change), so errors made when the series was small or large
compare, and one set of errors serves any level. The interval of step ``h``
is the point forecast plus or minus the conformal quantile of the scaled
absolute errors at step ``h``, times the scale of the last window.
"""

import warnings
from collections.abc import Sequence
from numbers import Real

import numpy as np


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
