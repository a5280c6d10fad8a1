"""Seasonal cycles found in the values of series, when the index says nothing.

The candidate periods that fit in the series are tested by the M4
competition's seasonality test on the series detrended by a centred moving
average over the period, pooled over the series of a panel; see
:func:`detect_seasons`. :mod:`skrnn._time.seasons` reads cycles from a time
index and resolves the forecasters' ``season`` parameter.
"""

from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CANDIDATE_PERIODS", "detect_seasons"]


CANDIDATE_PERIODS = (
    4, 5, 7, 12, 24, 48, 52, 96, 144, 168, 288, 336, 365, 672, 1008, 1440, 2016,
)  # fmt: skip


def _clean(values: Any) -> np.ndarray:
    """A 1-D float array without leading/trailing NaN, inner NaN interpolated."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        if values.ndim == 2 and 1 in values.shape:
            values = values.ravel()
        else:
            raise ValueError(
                "detect_seasons takes 1-D series; got an array of shape "
                f"{values.shape}."
            )
    finite = np.isfinite(values)
    if not finite.any():
        return values[:0]
    first, last = np.flatnonzero(finite)[[0, -1]]
    values = values[first : last + 1]
    finite = finite[first : last + 1]
    if not finite.all():
        positions = np.arange(len(values))
        values = np.interp(positions, positions[finite], values[finite])
    return values


def _moving_average_residual(block: np.ndarray, period: int) -> np.ndarray:
    """Rows minus their centred moving average over one period (2 x p if even).

    The average of ``decompose``: it removes any trend and keeps a cycle of
    ``period`` whole. The result is ``2 * (period // 2)`` steps shorter.
    """
    if period % 2:
        weights = np.full(period, 1.0 / period)
    else:
        weights = np.r_[0.5, np.ones(period - 1), 0.5] / period
    width = len(weights)
    cumulative = np.cumsum(block, axis=1)
    cumulative = np.concatenate([np.zeros((len(block), 1)), cumulative], axis=1)
    # sum over a window of width w, then correct the two half-weighted ends
    sums = cumulative[:, width:] - cumulative[:, :-width]
    if period % 2:
        trend = sums / period
    else:
        trend = sums - 0.5 * block[:, : sums.shape[1]] - 0.5 * block[:, width - 1 :]
        trend = trend / period
    half = period // 2
    return block[:, half : half + trend.shape[1]] - trend


def _acf(block: np.ndarray, max_lag: int) -> np.ndarray:
    """Autocorrelations at lags 0 .. max_lag of each row, by FFT (biased, as R's)."""
    n = block.shape[1]
    centred = block - block.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * n - 1)))
    spectrum = np.fft.rfft(centred, size, axis=1)
    covariance = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)
    covariance = covariance[:, : max_lag + 1]
    variance = covariance[:, :1]
    # a constant row (up to rounding) has no autocorrelation
    scale = np.sum(block**2, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        acf = np.where(variance > 1e-24 * scale, covariance / variance, 0.0)
    return acf


def _limit(acf: np.ndarray, lag: int, n: int, z: float) -> np.ndarray:
    """The M4 test's limit on the ACF at ``lag`` (Bartlett: lag 1 squared too)."""
    s = np.sum(acf[:, 1:lag] ** 2, axis=1)
    return z * np.sqrt((1 + 2 * s) / n)


def _test_period(
    block: np.ndarray,
    period: int,
    z: float,
    min_acf: float,
    shorter: Sequence[int] = (),
) -> dict[str, Any]:
    """Test one period on rows of the same length: per-row results.

    The rows less their moving average over the period pass when the ACF
    at the period exceeds the test's limit and ``min_acf``, no lag within a
    tenth of the period is higher by more than one standard error (the peak
    is there, not next to it), and the ACF at twice the period passes too.
    """
    residual = _moving_average_residual(block, period)
    n = residual.shape[1]
    acf = _acf(residual, min(2 * period + max(1, period // 10), n - 1))
    # Bartlett's variance of the ACF at the period and at twice it, times n
    variance = 1 + 2 * np.cumsum(acf[:, 1:] ** 2, axis=1)
    passed = _passes(
        acf,
        variance[:, period - 2] / n,
        variance[:, 2 * period - 2] / n,
        period,
        z,
        min_acf,
        shorter,
    )
    return {"passed": passed, "acf": acf, "variance": variance, "n": n}


def _passes(
    acf: np.ndarray,
    variance: np.ndarray,
    variance_twice: np.ndarray,
    period: int,
    z: float,
    min_acf: float,
    shorter: Sequence[int] = (),
) -> np.ndarray:
    """The test on rows of ACF, given the variances at the period and twice it.

    With ``shorter`` cycles, the ACF at the period must also exceed by
    ``min_acf`` the ACF one shorter cycle before it, where a shorter cycle
    alone (or one that drifts, which its removal leaves behind) is as high.
    """
    width = max(1, period // 10)
    at = acf[:, period]
    error = np.sqrt(variance)
    near = acf[:, max(1, period - width) : period + width + 1]
    peak = at >= near.max(axis=1) - error
    again = acf[:, 2 * period]
    twice = (again > z * np.sqrt(variance_twice)) & (again >= min_acf)
    passed = (at > z * error) & (at >= min_acf) & peak & twice
    for cycle in shorter:
        passed &= at - acf[:, period - cycle] >= min_acf
    return passed


def _accepts(
    blocks: dict[int, np.ndarray],
    period: int,
    z: float,
    min_acf: float,
    min_share: float,
    shorter: Sequence[int] = (),
) -> tuple[bool, float, float]:
    """Whether the series have a cycle of ``period``, the share passing, the mean ACF.

    A cycle is accepted when more than ``min_share`` of the series long
    enough pass the test, or when their mean ACF passes it, with the
    variance of a mean of independent estimates (a panel of short series).
    """
    tested = [
        _test_period(block, period, z, min_acf, shorter)
        for n, block in blocks.items()
        if _fits(n, period)
    ]
    if not tested:
        return False, 0.0, -np.inf
    passed = np.concatenate([result["passed"] for result in tested])
    acf = np.concatenate([result["acf"] for result in tested])
    mean = acf.mean(axis=0, keepdims=True)
    # the variance of the mean of m estimates: sum of their variances / m ** 2
    m = len(acf)
    pooled = [
        sum(float(r["variance"][:, lag - 2].sum() / r["n"]) for r in tested) / m**2
        for lag in (period, 2 * period)
    ]
    pooled_pass = _passes(
        mean, np.array(pooled[0]), np.array(pooled[1]), period, z, min_acf, shorter
    )[0]
    accepted = bool(passed.mean() > min_share or pooled_pass)
    return accepted, float(passed.mean()), float(mean[0, period])


def _deseason(block: np.ndarray, period: int) -> np.ndarray:
    """Rows less their seasonal indices of ``period`` (additive ``decompose``)."""
    residual = _moving_average_residual(block, period)
    half = period // 2
    indices = np.stack(
        [
            residual[:, (position - half) % period :: period].mean(axis=1)
            for position in range(period)
        ],
        axis=1,
    )
    indices -= indices.mean(axis=1, keepdims=True)
    positions = np.arange(block.shape[1]) % period
    return block - indices[:, positions]


def _acf_peaks(
    series: list[np.ndarray], max_lag: int, count: int, min_acf: float
) -> list[int]:
    """The first local peaks (lags >= 2) of the mean ACF of the detrended series.

    The series less their straight-line trend; a peak is the highest lag
    within a tenth of it, and at least ``min_acf``. The first peaks, not the
    highest: a cycle peaks again at its multiples, as high.
    """
    if max_lag < 4:
        return []
    acfs = []
    for values in series:
        if len(values) > 2 * max_lag:
            t = np.arange(len(values))
            slope, intercept = np.polyfit(t, values, 1)
            residual = (values - slope * t - intercept)[None, :]
            acfs.append(_acf(residual, max_lag)[0])
    if not acfs:
        return []
    mean = np.mean(acfs, axis=0)
    peaks = []
    for lag in range(2, max_lag):
        width = max(1, lag // 10)
        window = mean[max(1, lag - width) : min(max_lag, lag + width) + 1]
        if mean[lag] >= min_acf and mean[lag] >= window.max():
            peaks.append(lag)
            if len(peaks) == count:
                break
    return peaks


def detect_seasons(
    series_list: Any,
    candidates: Sequence[int] | None = None,
    max_cycles: int = 2,
    *,
    z: float = 1.645,
    min_acf: float = 0.1,
    min_share: float = 0.5,
    peaks: int = 3,
) -> tuple[int, ...]:
    """The seasonal cycles found in the values of a series or a panel.

    Each candidate period is tested on each series long enough for it: the
    series less its centred moving average over the period (which removes a
    trend and keeps a cycle of that period whole) must pass the M4
    competition's seasonality test at the period, the autocorrelation
    exceeding ``z * sqrt((1 + 2 * sum(r_k ** 2, k < period)) / n)`` (the
    limit of its R benchmarks) and ``min_acf``; no lag within a tenth of the
    period may be higher by more than one standard error (the peak is at
    the period, not beside it); and the test must pass again at twice the
    period (a cycle repeats). A period is accepted when more than
    ``min_share`` of the series tested pass, or when their mean
    autocorrelation passes, its variance that of a mean of independent
    estimates (a panel of short, noisy series). Of two periods within a
    tenth of each other, only the one that more series pass (or as many,
    with a higher mean autocorrelation) may stay. A period within a tenth of
    a multiple of a shorter accepted cycle (168 and 24) is kept only when
    the series less
    the shorter cycle's seasonal indices (additive ``decompose``) still pass,
    with an autocorrelation at the period higher by ``min_acf`` than one
    shorter cycle before it: a daily cycle alone, or one that drifts over
    the months, repeats every 168 hours too, and no higher there than at 144.

    Parameters
    ----------
    series_list : array-like or list of array-like
        One series (1-D) or a panel: a list of 1-D series, of any lengths,
        oldest first. Leading and trailing missing values are dropped, inner
        ones interpolated.
    candidates : sequence of int, default=None
        The periods to test; None: :data:`CANDIDATE_PERIODS` plus the
        first ``peaks`` local peaks of the mean ACF of the series less their
        straight-line trend (up to a quarter of the longest series, at least
        ``min_acf``), those not within a tenth of a candidate.
    max_cycles : int, default=2
        The most cycles returned: those with the highest mean ACF.
    z : float, default=1.645
        The normal quantile of the test (M4's 90%, two-sided). A period that
        is a peak of the ACF, not a candidate, needs 3.5: it was chosen as
        the highest of many lags.
    min_acf : float, default=0.1
        The least autocorrelation at the period that counts as a season,
        however long the series (a long series makes the test's limit
        small).
    min_share : float, default=0.5
        A period is accepted when more than this share of the series tested
        pass the test.
    peaks : int, default=3
        How many ACF peaks join the default candidates.

    Returns
    -------
    seasons : tuple of int
        The cycles found, shortest first; empty for none.

    See Also
    --------
    seasons_from_index : The cycles that the time index implies.
    resolve_seasons : The index first, the values when the index says nothing.

    Notes
    -----
    A period is tested on a series whose detrended length (``2 * (period //
    2)`` steps shorter) holds three periods, so a series needs about four
    periods. White noise and random walks pass rarely: the peak, the
    repetition at twice the period and ``min_acf`` each cut the test's false
    positives (on 40 seeds each of 100 to 3,000 steps, a cycle was found on
    at most 1 white noise and 1 random walk per length; on none of 10 panels
    of 5 to 400 series). A panel of 400 series of 1,000 steps takes about
    0.3 s.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._time.seasons import detect_seasons
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(500)
    >>> detect_seasons(np.sin(2 * np.pi * t / 7) + 0.5 * rng.normal(size=500))
    (7,)
    >>> detect_seasons(rng.normal(size=500))
    ()
    """
    if isinstance(max_cycles, bool) or not isinstance(max_cycles, Integral):
        raise TypeError(f"max_cycles must be an int; got {type(max_cycles).__name__}.")
    if max_cycles < 1:
        raise ValueError(f"max_cycles must be at least 1; got {max_cycles}.")
    if not 0 <= min_share < 1:
        raise ValueError(f"min_share must be in [0, 1); got {min_share}.")
    if not z > 0:
        raise ValueError(f"z must be positive; got {z}.")
    if isinstance(peaks, bool) or not isinstance(peaks, Integral) or peaks < 0:
        raise ValueError(f"peaks must be an int of at least 0; got {peaks!r}.")
    series = _as_series_list(series_list)
    series = [values for values in series if len(values)]
    if not series:
        return ()
    longest = max(len(values) for values in series)
    if candidates is None:
        periods = set(CANDIDATE_PERIODS)
        found = {
            lag
            for lag in _acf_peaks(series, min(longest // 4, 2016), peaks, min_acf)
            if not any(abs(lag - p) <= max(lag, p) // 10 for p in periods)
        }
    else:
        periods = set(_check_periods(candidates, "candidates"))
        found = set()
    periods = sorted(p for p in periods | found if p >= 2 and _fits(longest, p))
    if not periods:
        return ()

    z_of = {p: max(z, Z_PEAK) if p in found else z for p in periods}
    groups: dict[int, list[np.ndarray]] = {}
    for values in series:
        groups.setdefault(len(values), []).append(values)
    blocks = {n: np.vstack(rows) for n, rows in groups.items()}

    strength = {}
    passing = []
    for period in periods:
        accepted, *strength[period] = _accepts(
            blocks, period, z_of[period], min_acf, min_share
        )
        if accepted:
            passing.append(period)
    # a period with a neighbour (within a tenth), accepted or not, that more
    # series pass, or as many with a higher mean ACF, is not where the cycle is
    kept = [
        p
        for p in passing
        if not any(
            q != p and abs(p - q) <= max(p, q) // 10 and strength[q] > strength[p]
            for q in strength
        )
    ]
    # a multiple of a shorter cycle stays when the series without the shorter
    # cycle still has it
    accepted: list[int] = []
    for period in sorted(kept):
        shorter = [p for p in accepted if _near_multiple(period, p)]
        if shorter:
            remainder = {}
            for n, block in blocks.items():
                if not _fits(n, period):
                    continue
                for p in shorter:
                    block = _deseason(block, p)
                remainder[n] = block
            still, _, _ = _accepts(
                remainder, period, z_of[period], min_acf, min_share, shorter
            )
            if not still:
                continue
        accepted.append(period)
    strongest = sorted(accepted, key=lambda p: -strength[p][1])[:max_cycles]
    return tuple(sorted(strongest))


def _near_multiple(period: int, shorter: int) -> bool:
    """Whether ``period`` is within a tenth of a multiple of ``shorter``."""
    multiple = round(period / shorter)
    return multiple >= 2 and abs(period - multiple * shorter) <= period // 10


# the quantile for a period found as a peak of the ACF: chosen as the highest
# of hundreds of lags, it needs a limit that holds for all of them at once
Z_PEAK = 3.5


def _fits(n: int, period: int) -> bool:
    """Whether the detrended series holds three periods."""
    return n - 2 * (period // 2) >= 3 * period + 1


def _as_series_list(series_list: Any) -> list[np.ndarray]:
    if isinstance(series_list, pd.DataFrame):
        return [_clean(series_list[column]) for column in series_list.columns]
    if isinstance(series_list, np.ndarray | pd.Series):
        array = np.asarray(series_list, dtype=np.float64)
        if array.ndim == 1:
            return [_clean(array)]
        if array.ndim == 2 and array.shape[1] == 1:
            return [_clean(array.ravel())]
        raise ValueError(
            "series_list must be a 1-D series or a list of 1-D series; got an "
            f"array of shape {array.shape}."
        )
    if isinstance(series_list, Sequence) and not isinstance(series_list, str):
        if series_list and all(np.ndim(value) == 0 for value in series_list):
            return [_clean(series_list)]
        return [_clean(values) for values in series_list]
    raise TypeError(
        "series_list must be a 1-D series or a list of 1-D series; got "
        f"{type(series_list).__name__}."
    )


def _check_periods(values: Any, name: str) -> tuple[int, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(
            f"{name} must be a sequence of ints; got {type(values).__name__}."
        )
    periods = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(
                f"{name} must hold ints; got {value!r} ({type(value).__name__})."
            )
        if value < 2:
            raise ValueError(
                f"{name} must hold cycles of at least 2 steps; got {value}."
            )
        periods.append(int(value))
    return tuple(sorted(set(periods)))


# -- the entry point -------------------------------------------------------
