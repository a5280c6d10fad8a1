"""Seasonal cycles of a series: from its time index, or from its values.

A season (a seasonal cycle) is counted in steps of the series: hourly data
repeats every 24 steps (a day) and every 168 steps (a week). A series can
have several cycles; they are given shortest first, as a tuple of ints, and
an empty tuple means no season.

From the index (:func:`seasons_from_index`), by the step of the index:

================================  ================  =====================
step                              cycles            yearly cycle, only
                                                    with 2 years of data
================================  ================  =====================
1 minute                          (1440, 10080)     525960
5 minutes                         (288, 2016)       105192
10 minutes                        (144, 1008)       52596
15 minutes                        (96, 672)         35064
30 minutes                        (48, 336)         17532
1 hour                            (24, 168)         8766
2 hours                           (12, 84)          4383
3 hours                           (8, 56)           2922
6 hours                           (4, 28)           1461
12 hours                          (2, 14)           731
1 day                             (7,)              365
2 days                            ()                183
1 business day                    (5,)              261
1 week (any weekday)              (52,)             --
2 weeks                           (26,)             --
semi-month                        (24,)             --
1 month (start, end, business)    (12,)             --
2, 3, 4 or 6 months               (6,), (4,) ...    --
1 quarter                         (4,)              --
2 quarters                        (2,)              --
1 year or more                    ()                --
================================  ================  =====================

The rule behind the table: a step that divides a day gives the daily and
the weekly cycle (any fixed step, seconds included: 1 second gives (86400,
604800)); a step of whole days gives the weekly cycle when it divides a
week; the yearly cycle is 365.25 days in steps, rounded to the nearest step.
For a step of a week or more the yearly cycle *is* the season; for a shorter
step it is a third, long cycle, given only when ``n_steps`` says the history
holds two years. Calendar steps count the cycle in their own unit: 12 months,
4 quarters, 24 half-months and 5 business days a week (261 a year, 365.25 *
5 / 7 rounded). A multiple of a unit divides the cycle when it can, else that
cycle is dropped. With ``n_steps``, a cycle must also fit ``min_cycles``
(2) times in the history.

The conventions are those of fpp3 (Hyndman and Athanasopoulos, "Forecasting:
principles and practice", 3rd ed., section 2.1, and forecast's ``msts``) and
GluonTS' ``get_seasonality``, with these differences, each for a reason:

- weekly data has a season of 52 (fpp3, R's ``ts``; 365.25 / 7 = 52.18
  rounded), not 1 (GluonTS, the M4 competition's data): the yearly cycle is
  what repeats in weekly data.
- daily data has a season of 7 (fpp3, R's forecast), not 1 (GluonTS, the
  M4 competition): the week is what repeats in daily data.
- sub-hourly data has the daily and weekly cycle, not the hourly one of
  fpp3's table (60 for minutes): few series repeat every hour, and GluonTS
  also uses the day (1440 for minutes). Seconds get the day (86400), where
  GluonTS uses the hour (3600).
- statsforecast takes ``season_length`` from its user and has no table
  (its docstring's example: 24 for hourly data, as here).
- the yearly cycle of daily and shorter steps comes only with two years of
  history: fpp3 lists it always (365.25, 8766), but it cannot be estimated
  from less, and it is rounded to whole steps.

From the values (:func:`detect_seasons`), when the index says nothing (an
integer index): the candidate periods that fit in the series are tested by
the M4 competition's seasonality test on the series detrended by a centred
moving average over the period, pooled over the series of a panel.
"""

import warnings
from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from skrnn._time.season_detection import (
    CANDIDATE_PERIODS,
    _as_series_list,
    _check_periods,
    detect_seasons,
)

__all__ = [
    "CANDIDATE_PERIODS",
    "detect_seasons",
    "resolve_seasons",
    "seasons_from_index",
]

_DAY = pd.Timedelta(days=1)
_WEEK = pd.Timedelta(days=7)
_YEAR = pd.Timedelta(days=365.25)

# calendar offset -> (cycles always given, cycles given only with enough
# history: the yearly cycle of business days), for one unit of the offset
_CALENDAR_CYCLES = {
    "BusinessDay": ((5,), (261,)),
    "CustomBusinessDay": ((5,), (261,)),
    "SemiMonthBegin": ((24,), ()),
    "SemiMonthEnd": ((24,), ()),
    "MonthBegin": ((12,), ()),
    "MonthEnd": ((12,), ()),
    "BusinessMonthBegin": ((12,), ()),
    "BusinessMonthEnd": ((12,), ()),
    "QuarterBegin": ((4,), ()),
    "QuarterEnd": ((4,), ()),
    "BusinessQuarterBegin": ((4,), ()),
    "BusinessQuarterEnd": ((4,), ()),
    "YearBegin": ((), ()),
    "YearEnd": ((), ()),
    "BusinessYearBegin": ((), ()),
    "BusinessYearEnd": ((), ()),
}


#: Periods :func:`detect_seasons` tests by default: the cycles of the index
#: table at the usual steps (quarterly, business-daily, daily, monthly, hourly,
#: half-hourly, weekly, 15-, 10- and 5-minute, yearly of daily).
def _whole(cycle: pd.Timedelta, step: pd.Timedelta) -> int | None:
    """``cycle / step`` when the step divides the cycle exactly, else None."""
    if step.value <= 0 or cycle.value % step.value:
        return None
    return cycle.value // step.value


def _cycles_of_duration(step: pd.Timedelta) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The cycles of a fixed step: (always given, given with enough history)."""
    if step <= pd.Timedelta(0):
        return (), ()
    year = int(np.floor(_YEAR / step + 0.5))
    if step >= _WEEK:
        return ((year,) if year >= 2 else ()), ()
    cycles = tuple(
        n for n in (_whole(_DAY, step), _whole(_WEEK, step)) if n is not None and n >= 2
    )
    return cycles, (year,)


def _cycles_of_offset(offset: Any) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The cycles of a pandas offset, or None for an offset the table lacks."""
    name = type(offset).__name__
    n = int(getattr(offset, "n", 1))
    if n < 1:
        return None
    if name == "Day":
        return _cycles_of_duration(pd.Timedelta(days=n))
    if name == "Week":
        return _cycles_of_duration(pd.Timedelta(days=7 * n))
    if isinstance(offset, pd.offsets.Tick):
        return _cycles_of_duration(pd.Timedelta(offset))
    if name not in _CALENDAR_CYCLES:
        return None
    always, long = _CALENDAR_CYCLES[name]
    always = tuple(c // n for c in always if c % n == 0 and c // n >= 2)
    long = tuple(int(np.floor(c / n + 0.5)) for c in long)
    return always, long


def _offset_of_durations(index: pd.DatetimeIndex) -> Any:
    """The step of a DatetimeIndex pandas cannot infer: short runs, else the mode.

    Gaps (a dropped row) defeat ``pandas.infer_freq`` on the whole index; the
    frequency it infers most often on runs of five timestamps wins (months and
    quarters have no fixed length); else, for steps of varying length, the
    calendar unit of their median (half-months, which pandas does not infer),
    else the most common difference.
    """
    stretches = range(0, max(len(index) - 4, 1), max(len(index) // 50, 1))
    inferred = []
    for start in stretches:
        freq = _infer_freq(index[start : start + 5])
        if freq is not None:
            inferred.append(freq)
    if inferred:
        return pd.Series(inferred).mode().iloc[0]
    differences = pd.Series(index[1:] - index[:-1])
    differences = differences[differences > pd.Timedelta(0)]
    if differences.empty:
        return None
    if differences.nunique() > 1:
        # steps of varying length: calendar units pandas does not infer
        days = differences.median() / _DAY
        for low, high, offset in _CALENDAR_DAYS:
            if low <= days <= high:
                return offset
    return pd.tseries.frequencies.to_offset(differences.mode().iloc[0])


# typical days between timestamps of calendar steps of varying length
_CALENDAR_DAYS = (
    (13, 16, pd.offsets.SemiMonthBegin()),
    (28, 31, pd.offsets.MonthBegin()),
    (89, 92, pd.offsets.QuarterBegin()),
    (365, 366, pd.offsets.YearBegin()),
)


def _infer_freq(index: pd.DatetimeIndex) -> Any:
    if len(index) < 3:
        return None
    try:
        with warnings.catch_warnings():
            # pandas 3 warns that infer_freq will return an offset: so it does here
            warnings.filterwarnings("ignore", message=".*infer_freq", category=Warning)
            freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def _index_offset(index: Any) -> Any:
    """The step of a time index as a pandas offset, or None for no time step."""
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if isinstance(index, pd.DatetimeIndex):
        if index.freq is not None:
            return index.freq
        index = index.dropna().sort_values().unique()
        if len(index) < 2:
            return None
        return _infer_freq(index) or _offset_of_durations(index)
    return None


def _index_cycles(
    index: Any, n_steps: int | None, min_cycles: float
) -> tuple[int, ...] | None:
    """The cycles of an index; None when the index says nothing about them."""
    offset = _index_offset(index)
    if offset is None:
        return None
    cycles = _cycles_of_offset(offset)
    if cycles is None:
        return None
    always, long = cycles
    if n_steps is None:
        return tuple(sorted(set(always)))
    kept = {c for c in always + long if c >= 2 and min_cycles * c <= n_steps}
    return tuple(sorted(kept))


def _check_n_steps(n_steps: Any) -> int | None:
    if n_steps is None:
        return None
    if isinstance(n_steps, bool) or not isinstance(n_steps, Integral):
        raise TypeError(
            f"n_steps must be an int or None; got {type(n_steps).__name__}."
        )
    if n_steps < 0:
        raise ValueError(f"n_steps must be at least 0; got {n_steps}.")
    return int(n_steps)


def seasons_from_index(
    index: Any, n_steps: int | None = None, *, min_cycles: float = 2
) -> tuple[int, ...]:
    """The seasonal cycles, in steps, that the step of a time index implies.

    The table of the module docstring: the daily and weekly cycle of a step
    that divides a day, the weekly cycle of daily steps, the yearly cycle of
    weekly, monthly and quarterly steps, and the yearly cycle of shorter
    steps when ``n_steps`` says the history holds two years.

    Parameters
    ----------
    index : pandas.Index
        A DatetimeIndex (with a ``freq``, or one pandas infers, or the most
        common step of an index with gaps), a PeriodIndex, or any other
        index, which says nothing of the season.
    n_steps : int, default=None
        Length of the history. None: the cycles of the table without the
        yearly cycle of steps shorter than a week. An int: the cycles that
        fit ``min_cycles`` times in ``n_steps``, the yearly cycle included.
        The index itself may be shorter (the last few timestamps).
    min_cycles : float, default=2
        How many times a cycle must fit in ``n_steps``.

    Returns
    -------
    seasons : tuple of int
        The cycles, shortest first; empty for no season (yearly data, an
        integer index, an unknown step).

    See Also
    --------
    detect_seasons : The cycles found in the values.
    resolve_seasons : The index first, the values when the index says nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn._time.seasons import seasons_from_index
    >>> seasons_from_index(pd.date_range("2024-01-01", periods=10, freq="h"))
    (24, 168)
    >>> days = pd.date_range("2022-01-01", periods=800, freq="D")
    >>> seasons_from_index(days, n_steps=len(days))
    (7, 365)
    >>> seasons_from_index(pd.RangeIndex(100))
    ()
    """
    n_steps = _check_n_steps(n_steps)
    if not min_cycles > 0:
        raise ValueError(f"min_cycles must be positive; got {min_cycles}.")
    return _index_cycles(index, n_steps, min_cycles) or ()


# -- detection from the values ----------------------------------------------


def resolve_seasons(
    season: Any, index: Any = None, series: Any = None
) -> tuple[int, ...]:
    """The seasonal cycles a forecaster uses, from its ``season`` parameter.

    The one place where ``season`` is read: ``"auto"`` trusts the time
    index when it has a known step (yearly data has no season, whatever its
    values) and looks at the values only when it has none; an int or a
    sequence of ints is taken as given, once checked.

    Parameters
    ----------
    season : "auto", int or sequence of int
        ``"auto"``: the cycles of the time index (:func:`seasons_from_index`,
        with the length of the longest series as the history), or, when the
        index says nothing of the season (an integer index, no index, an
        unknown step), the cycles found in ``series``
        (:func:`detect_seasons`). An int: that cycle, 0 or 1 for none. A
        sequence of ints of at least 2: those cycles.
    index : pandas.Index, default=None
        The time index of the (first) series.
    series : array-like or list of array-like, default=None
        The values: one series or the series of a panel.

    Returns
    -------
    seasons : tuple of int
        The cycles, shortest first, without repeats; empty for none.

    Raises
    ------
    TypeError
        If ``season`` is neither ``"auto"``, an int nor a sequence of ints.
    ValueError
        If ``season`` is another string, a negative int, or a sequence
        holding a cycle under 2 steps.

    See Also
    --------
    seasons_from_index : The cycles that the time index implies.
    detect_seasons : The cycles found in the values.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn._time.seasons import resolve_seasons
    >>> resolve_seasons("auto", pd.period_range("2020-01", periods=36, freq="M"))
    (12,)
    >>> resolve_seasons(1), resolve_seasons(24), resolve_seasons([168, 24])
    ((), (24,), (24, 168))
    """
    if isinstance(season, str):
        if season != "auto":
            raise ValueError(
                f"season must be 'auto', an int or a sequence of ints; got {season!r}."
            )
        return _auto_seasons(index, series)[0]
    if isinstance(season, bool):
        raise TypeError(
            "season must be 'auto', an int or a sequence of ints; got bool."
        )
    if isinstance(season, Integral):
        if season < 0:
            raise ValueError(
                f"season must be at least 0 (0 or 1: no season); got {season}."
            )
        return () if season <= 1 else (int(season),)
    if isinstance(season, Sequence | np.ndarray):
        return _check_periods(season, "season")
    raise TypeError(
        "season must be 'auto', an int or a sequence of ints; got "
        f"{type(season).__name__}."
    )


def _auto_seasons(index: Any, series: Any) -> tuple[tuple[int, ...], str]:
    if index is not None and not isinstance(index, pd.Index):
        raise TypeError(f"index must be a pandas Index; got {type(index).__name__}.")
    values = None if series is None else _as_series_list(series)
    if index is not None:
        n_steps = len(index)
        if values:
            n_steps = max(n_steps, *(len(v) for v in values))
        cycles = _index_cycles(index, n_steps, 2)
        if cycles is not None:
            return cycles, "index"
    if values:
        return detect_seasons(values), "data"
    return (), "data"


def season_source(season: Any, index: Any = None, series: Any = None) -> str:
    """Where :func:`resolve_seasons` takes the cycles from, in the same call.

    ``"season"`` (given), ``"index"`` (the time index has a known step) or
    ``"data"`` (found in the values).
    """
    if not isinstance(season, str):
        return "season"
    return _auto_seasons(index, None if series is None else [])[1]
