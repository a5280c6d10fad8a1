"""Time indexes: their regular step, the timestamps after them, their season."""

import warnings
from typing import Any

import numpy as np
import pandas as pd

# pandas offset class -> observations per seasonal cycle, for one unit of the
# offset (the conventions of statsforecast, the M4 competition and fpp3)
_SEASON_OF_OFFSET = {
    "Second": 60,
    "Minute": 60,
    "Hour": 24,
    "Day": 7,
    "BusinessDay": 5,
    "Week": 52,
    "MonthBegin": 12,
    "MonthEnd": 12,
    "BusinessMonthBegin": 12,
    "BusinessMonthEnd": 12,
    "SemiMonthBegin": 24,
    "SemiMonthEnd": 24,
    "QuarterBegin": 4,
    "QuarterEnd": 4,
    "BusinessQuarterBegin": 4,
    "BusinessQuarterEnd": 4,
    "YearBegin": 1,
    "YearEnd": 1,
    "BusinessYearBegin": 1,
    "BusinessYearEnd": 1,
}

FIX_INDEX = (
    "Give the series a regular time index: fill the gaps (y = "
    "skrnn.forecasting.fill_gaps(y) adds the missing timestamps and "
    "interpolates in time; method='ffill' repeats the last value), make "
    "float years whole (y.index = y.index.astype(int)), or number the steps "
    "(y = y.reset_index(drop=True)) when the timestamps do not matter."
)


def parse_dates(text: Any) -> pd.DatetimeIndex:
    """Dates written as text ('Jan 1980', 'Apr 1 2000', '1949-01'), NaT where not.

    pandas' own inference first, then ``format="mixed"`` (each value on its
    own); the command line reads its time column this way too.
    """
    text = pd.Index(text).astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
        times = pd.to_datetime(text, errors="coerce")
        if times.isna().any():
            times = pd.to_datetime(text, errors="coerce", format="mixed")
    return pd.DatetimeIndex(times)


def _is_text(values: Any) -> bool:
    values = pd.Index(values)
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return False
    return len(values) > 0 and all(isinstance(value, str) for value in values)


def dates_of_text(values: Any, name: str = "y") -> Any:
    """``values`` (an index or a time column) as dates when they are dates as text.

    Text that is not dates at all comes back as it was; text of which most
    values are dates but some are not is a ValueError naming the first one.
    """
    if not _is_text(values):
        return values
    times = parse_dates(values)
    bad = np.flatnonzero(times.isna())
    if len(bad) == len(times) or len(bad) > len(times) / 2:
        return values
    if len(bad):
        raise ValueError(
            f"{name} has dates written as text, but {values[bad[0]]!r} is not a "
            f"date: correct it, then parse them with pd.to_datetime(..., "
            "format='mixed')."
        )
    if isinstance(values, pd.Series):
        return pd.Series(times, index=values.index, name=values.name)
    return pd.DatetimeIndex(times, name=getattr(values, "name", None))


def infer_freq(index: pd.DatetimeIndex) -> Any:
    """pandas' inferred frequency of ``index`` as an offset, or None."""
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        # pandas 3 warns that infer_freq will return an offset: so it does here
        warnings.filterwarnings("ignore", message=".*infer_freq", category=Warning)
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def format_time(value: Any) -> str:
    """A timestamp as people write it: a date alone when it is midnight."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


def index_step(index: pd.Index) -> Any:
    """The constant step of a time index, or None when it has none.

    A PeriodIndex steps by one period; a DatetimeIndex by its ``freq``, or the
    frequency pandas infers from at least three timestamps; an integer index
    by its constant positive difference.
    """
    if isinstance(index, pd.PeriodIndex):
        if len(index) >= 2 and not (np.diff(index.asi8) == index.freq.n).all():
            return None
        return index.freq
    if isinstance(index, pd.DatetimeIndex):
        return index.freq or infer_freq(index)
    if len(index) >= 2 and pd.api.types.is_integer_dtype(index.dtype):
        steps = np.diff(index.to_numpy())
        if np.all(steps == steps[0]) and steps[0] > 0:
            return int(steps[0])
    return None


def check_regular_index(index: pd.Index, name: str = "y") -> Any:
    """The step of ``index``; a ValueError that says how to fix it when it has none.

    Parameters
    ----------
    index : pandas.Index
        The time index of a series, oldest first.
    name : str, default="y"
        What the index belongs to, for the message.

    Returns
    -------
    step : pandas offset or int
        What one step adds to a timestamp.
    """
    if len(index) < 2:
        raise ValueError(f"{name} needs at least 2 time steps; got {len(index)}.")
    if not index.is_unique:
        duplicated = index[index.duplicated()][:3].tolist()
        raise ValueError(f"{name} has duplicated timestamps, e.g. {duplicated}.")
    if not index.is_monotonic_increasing:
        raise ValueError(
            f"{name} is not in time order: sort it first (series.sort_index())."
        )
    step = index_step(index)
    if step is None:
        _refuse_missing_steps(index, name)
        kind = type(index).__name__
        raise ValueError(
            f"{name} has a {kind} without a regular step (from {index[0]!r} to "
            f"{index[-1]!r}, {len(index)} values), so the timestamps after it "
            f"are unknown. {FIX_INDEX}"
        )
    return step


def _refuse_missing_steps(index: pd.Index, name: str) -> None:
    """A ValueError naming the missing timestamps, when only some are missing."""
    if isinstance(index, pd.DatetimeIndex):
        full = pd.date_range(index[0], index[-1], freq=_most_common_step(index))
    elif isinstance(index, pd.PeriodIndex):
        full = pd.period_range(index[0], index[-1], freq=index.freq)
    elif pd.api.types.is_integer_dtype(index.dtype):
        step = int(np.min(np.diff(index.to_numpy())))
        full = pd.RangeIndex(index[0], index[-1] + 1, step)
    else:
        return
    if len(full) > 10 * len(index) or not index.isin(full).all():
        return
    missing = full.difference(index)
    if len(missing) == 0:
        return
    shown = ", ".join(format_time(value) for value in missing[:3])
    more = ", ..." if len(missing) > 3 else ""
    step = getattr(full, "freqstr", None) or full.step
    raise ValueError(
        f"{name} misses {len(missing)} timestamp(s) of its regular step "
        f"({step!r}), first {shown}{more}. Fill them: y = "
        "skrnn.forecasting.fill_gaps(y) adds them and interpolates in time "
        "(method='ffill' repeats the last value)."
    )


def future_index(index: pd.Index, step: Any, horizon: int, start: int = 1) -> pd.Index:
    """The ``horizon`` timestamps after the last of ``index``, the same kind of index.

    ``start`` skips the first ``start - 1`` steps (a gap before the forecast).
    """
    last = index[-1]
    steps = np.arange(start, start + horizon)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(last + start * step.n, periods=horizon, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        return pd.date_range(
            last + start * step, periods=horizon, freq=step, name=index.name
        )
    return pd.Index(last + step * steps, name=index.name)


def season_of_index(index: pd.Index) -> int | None:
    """Observations per seasonal cycle implied by a time index, or None.

    Hourly data has a season of 24, daily 7, business-daily 5, weekly 52,
    monthly 12, quarterly 4, yearly 1 (none). A multiple of a unit divides
    the season when it can (every 2 hours: 12). An integer index says
    nothing about the season.
    """
    if isinstance(index, pd.PeriodIndex):
        offset = index.freq
    elif isinstance(index, pd.DatetimeIndex):
        offset = index_step(index)
    else:
        return None
    if offset is None:
        return None
    season = _SEASON_OF_OFFSET.get(type(offset).__name__)
    if season is None or season % offset.n:
        return None
    return season // offset.n


def _acf(values: np.ndarray, lag: int) -> float:
    centred = values - values.mean()
    denominator = float(centred @ centred)
    if denominator == 0:
        return 0.0
    return float(centred[lag:] @ centred[:-lag]) / denominator


# the fewest whole seasons a series needs for the seasonality test to judge it
MIN_TESTED_SEASONS = 3


def is_seasonal(values: np.ndarray, season: int, *, squared_lag1: bool = False) -> bool:
    """The M4 competition's seasonality test at 90% confidence.

    The autocorrelation at lag ``season`` must exceed
    ``1.645 * sqrt((1 + 2 * s) / n)``, where ``s`` is, as in the competition's
    Python code, the lag-1 autocorrelation plus the squared autocorrelations
    at lags 2 .. season - 1. Its R benchmarks (Naive2, Theta ...) square the
    lag-1 autocorrelation too (Bartlett's variance): ``squared_lag1=True``.
    The organisers noted the difference after the competition and kept both.
    Series shorter than three seasons are not seasonal.
    """
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    if season <= 1 or n < MIN_TESTED_SEASONS * season:
        return False
    lag1 = _acf(values, 1)
    s = (lag1**2 if squared_lag1 else lag1) + sum(
        _acf(values, lag) ** 2 for lag in range(2, season)
    )
    limit = 1.645 * np.sqrt((1 + 2 * s) / n)
    return abs(_acf(values, season)) > limit


FILL_METHODS = ("interpolate", "ffill")


def fill_gaps(
    series: Any,
    method: str = "interpolate",
    *,
    freq: Any = None,
    return_count: bool = False,
) -> Any:
    """Put a series on a regular time index and fill its missing values.

    Missing timestamps of a DatetimeIndex (rows dropped by ``dropna()``, say)
    become rows, then every missing value is filled: linearly in time
    (``"interpolate"``; the ends take the nearest value) or by the last value
    seen (``"ffill"``; leading gaps take the first value). The input is not
    modified.

    Parameters
    ----------
    series : pandas.Series or pandas.DataFrame
        Time-ordered values on a DatetimeIndex, PeriodIndex or integer index.
    method : {"interpolate", "ffill"}, default="interpolate"
        How to fill.
    freq : str or pandas offset, default=None
        Frequency of a DatetimeIndex with gaps, which pandas cannot infer;
        None uses the index's ``freq`` or the most common step.
    return_count : bool, default=False
        Also return how many values were filled, as ``(filled, n_filled)``.

    Returns
    -------
    filled : pandas.Series or pandas.DataFrame
        A new object on a regular index, without missing values.
    n_filled : int
        How many values were filled (rows added or NaN replaced); only with
        ``return_count=True``.

    See Also
    --------
    skrnn.WindowForecaster : Needs a series without gaps.

    Notes
    -----
    ``fill_gaps`` used to return ``(filled, n_filled)`` always; code that
    unpacks the pair passes ``return_count=True``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skrnn.forecasting import fill_gaps
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05"])
    >>> y = pd.Series([1.0, np.nan, 3.0, 5.0], index=days)
    >>> fill_gaps(y).tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0]
    >>> filled, n_filled = fill_gaps(y, return_count=True)
    >>> n_filled
    2
    """
    if method not in FILL_METHODS:
        raise ValueError(f"method must be one of {FILL_METHODS}; got {method!r}.")
    if not isinstance(series, pd.Series | pd.DataFrame):
        raise TypeError(
            "fill_gaps takes a pandas Series or DataFrame; got "
            f"{type(series).__name__}."
        )
    series = series.sort_index()
    index = series.index
    if isinstance(index, pd.DatetimeIndex):
        if freq is None:
            freq = index.freq or infer_freq(index)
        if freq is None:
            freq = _most_common_step(index)
        series = series.asfreq(freq)
    elif isinstance(index, pd.PeriodIndex):
        full = pd.period_range(index[0], index[-1], freq=index.freq, name=index.name)
        series = series.reindex(full)
    elif pd.api.types.is_integer_dtype(index.dtype) and len(index) >= 2:
        step = int(np.min(np.diff(index.to_numpy())))
        full = pd.RangeIndex(index[0], index[-1] + 1, step, name=index.name)
        series = series.reindex(full)
    n_filled = int(series.isna().to_numpy().sum())
    if method == "interpolate":
        how = "time" if isinstance(series.index, pd.DatetimeIndex) else "linear"
        filled = series.interpolate(method=how, limit_direction="both")
    else:
        filled = series.ffill().bfill()
    return (filled, n_filled) if return_count else filled


def _most_common_step(index: pd.DatetimeIndex) -> Any:
    """The most common step of a DatetimeIndex with gaps, as a pandas offset.

    The frequency pandas infers on short gap-free stretches wins (a monthly
    index with a missing month is still month starts, which no fixed number
    of days is); without one, the most common difference.
    """
    stretches = range(0, max(len(index) - 4, 1), max(len(index) // 50, 1))
    inferred = pd.Series([infer_freq(index[i : i + 5]) for i in stretches]).dropna()
    if len(inferred):
        return inferred.mode().iloc[0]
    step = pd.Series(index[1:] - index[:-1]).mode().iloc[0]
    if step % pd.Timedelta(days=1) == pd.Timedelta(0):
        return pd.offsets.Day(step.days)
    return pd.tseries.frequencies.to_offset(step)
