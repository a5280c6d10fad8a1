"""A forecaster's data: the checked history, its covariates, windows cut from it.

A history is the target series and its covariates as arrays on one regular
time index. The windows a forecaster trains on are cut from one design
matrix per history: column 0 is the target, then the past covariates (known
up to each row), then the known-future covariates *shifted back by the
horizon*, so that row ``t`` holds their values at ``t + horizon``. A window
ending at row ``t`` (the forecast origin) then holds the target and the past
covariates up to ``t``, never later, and the known-future covariates up to
``t + horizon``, which covers the whole forecast period when the window is
at least ``horizon`` steps long.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from skrnn._time.index import (
    check_regular_index,
    dates_of_text,
    format_time,
    future_index,
)
from skrnn._windows.window import sliding_windows
from skrnn.metrics import seasonal_naive_scale

NAN_ADVICE = (
    "Fill the gaps first: y = skrnn.forecasting.fill_gaps(y) interpolates in time "
    "(or method='ffill' repeats the last value), or drop the incomplete start "
    "of the series."
)


@dataclass(frozen=True)
class History:
    """A checked series and its covariates, oldest first.

    Attributes
    ----------
    index : pandas.Index
        Regular time index (a RangeIndex for arrays).
    step : pandas offset or int
        What one step adds to a timestamp.
    y : ndarray of shape (n_steps,)
        The target, float64.
    past : ndarray of shape (n_steps, n_past)
        Covariates known only up to each row.
    future : ndarray of shape (n_steps, n_future)
        Covariates known ahead of time.
    name : object
        The target's name (a Series' name, or "y").
    """

    index: pd.Index
    step: Any
    y: np.ndarray
    past: np.ndarray
    future: np.ndarray
    name: Any

    def __len__(self) -> int:
        return len(self.y)

    def head(self, n: int) -> "History":
        """The first ``n`` steps, as a history of their own."""
        return History(
            self.index[:n],
            self.step,
            self.y[:n],
            self.past[:n],
            self.future[:n],
            self.name,
        )

    def future_index(self, horizon: int, start: int = 1) -> pd.Index:
        """The ``horizon`` timestamps after the last one (from step ``start``)."""
        return future_index(self.index, self.step, horizon, start)


def _first_missing(values: np.ndarray, index: pd.Index, what: str) -> None:
    missing = ~np.isfinite(values)
    if missing.any():
        rows = np.flatnonzero(missing.reshape(len(values), -1).any(axis=1))
        shown = format_time(index[rows[0]])
        if len(rows) > 1:
            later = ", ".join(format_time(index[r]) for r in rows[1:3])
            shown += f" (then {later}{', ...' if len(rows) > 3 else ''})"
        raise ValueError(
            f"{what} has {len(rows)} missing or infinite value(s), first at "
            f"{shown}. {NAN_ADVICE}"
        )


def _numeric(values: Any, what: str) -> np.ndarray:
    if getattr(getattr(values, "dtype", None), "kind", "") == "O":
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind in ("string", "mixed", "mixed-integer", "bytes"):
            raise TypeError(
                f"{what} must hold numbers; it holds text (inferred type "
                f"{kind!r}): convert it first, e.g. {what} = pd.to_numeric({what}), "
                "which says which values are not numbers."
            )
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must hold numbers: {exc}.") from exc


def _dates_of_text_index(index: pd.Index) -> pd.Index:
    """A text index of dates ('Jan 1980') as a DatetimeIndex, in time order."""
    parsed = dates_of_text(index, "the index of y")
    if parsed is not index and parsed.is_unique and not parsed.is_monotonic_increasing:
        raise ValueError(
            "y has dates written as text in its index, not in time order: parse "
            "them, then sort: y.index = pd.to_datetime(y.index, format='mixed'); "
            "y = y.sort_index()"
        )
    return parsed


def check_series(y: Any, step: Any = None) -> tuple[pd.Index, Any, np.ndarray, Any]:
    """Validate the target series: ``(index, step, values, name)``.

    ``step`` given: the caller has checked the index (new rows that continue
    a history, which may be a single one).
    """
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"y must be one series; got a DataFrame with {y.shape[1]} columns "
                f"{list(y.columns)}: pass the target column as y and the others "
                "as X (covariates)."
            )
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        index, name, values = y.index, y.name, y.to_numpy()
    else:
        values = np.asarray(y)
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        if values.ndim != 1:
            raise ValueError(
                f"y must be a 1-D series; got an array of shape {values.shape}."
            )
        index, name = pd.RangeIndex(len(values)), None
    if values.dtype.kind in "OSUb" and values.dtype != object:
        raise TypeError(f"y must hold numbers; got dtype {values.dtype}.")
    values = _numeric(values, "y")
    if len(values) == 0:
        raise ValueError("y is empty.")
    index = _dates_of_text_index(index)
    if step is None:
        step = check_regular_index(index, "y")
    _first_missing(values, index, "y")
    return index, step, values, "y" if name is None else name


def check_covariate_names(X: pd.DataFrame, future_covariates: Any) -> tuple[list, list]:
    """Split the columns of ``X`` into ``(past, future)`` names."""
    columns = list(X.columns)
    if future_covariates is None:
        future = []
    elif isinstance(future_covariates, str) and future_covariates == "all":
        future = columns
    else:
        future = list(future_covariates)
        unknown = [name for name in future if name not in columns]
        if unknown:
            raise ValueError(
                f"future_covariates names {unknown}, which X lacks; its columns "
                f"are {columns}."
            )
    past = [name for name in columns if name not in future]
    return past, future


def check_history(
    y: Any,
    X: Any = None,
    future_covariates: Sequence | str | None = None,
    step: Any = None,
) -> tuple[History, list, list]:
    """Validate a series and its covariates for ``fit`` (``step``: as check_series).

    Returns
    -------
    history : History
    past_names, future_names : list
        The covariates' column names, past-only and known-future.
    """
    index, step, values, name = check_series(y, step)
    n = len(values)
    if X is None:
        if future_covariates not in (None, [], ()):
            raise ValueError(
                f"future_covariates={future_covariates!r} names covariates, but "
                "no X was passed to fit."
            )
        empty = np.empty((n, 0))
        return History(index, step, values, empty, empty, name), [], []
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            "X must be a pandas DataFrame of covariates with named columns, on "
            f"the index of y; got {type(X).__name__}."
        )
    X = X.set_axis(dates_of_text(X.index, "the index of X"), axis=0)
    if len(X) != n or not X.index.equals(index):
        missing = index.difference(X.index)[:3].tolist()
        raise ValueError(
            f"X must have the same index as y ({n} rows from "
            f"{format_time(index[0])} to {format_time(index[-1])}); X has "
            f"{len(X)} rows"
            + (f" and lacks {missing}" if missing else "")
            + ". Align it with X.reindex(y.index)."
        )
    past_names, future_names = check_covariate_names(X, future_covariates)
    past = _numeric(X[past_names], f"X columns {past_names}").reshape(n, -1)
    future = _numeric(X[future_names], f"X columns {future_names}").reshape(n, -1)
    for names, columns in ((past_names, past), (future_names, future)):
        for j, column in enumerate(names):
            _first_missing(columns[:, j], index, f"X[{column!r}]")
    return History(index, step, values, past, future, name), past_names, future_names


def check_future_covariates(X: Any, future_names: list, index: pd.Index) -> np.ndarray:
    """The known-future covariates at the forecast timestamps ``index``, (H, n)."""
    if not future_names:
        return np.empty((len(index), 0))
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"This forecaster reads the known-future covariates {future_names}: "
            f"pass X=, a DataFrame with their values at the {len(index)} "
            f"forecast timestamps {format_time(index[0])} .. "
            f"{format_time(index[-1])}."
        )
    missing_columns = [name for name in future_names if name not in X.columns]
    if missing_columns:
        raise ValueError(
            f"X lacks the known-future covariate column(s) {missing_columns}; its "
            f"columns are {list(X.columns)}."
        )
    absent = index.difference(X.index)
    if len(absent):
        raise ValueError(
            f"X has no row for {len(absent)} forecast timestamp(s): "
            f"{', '.join(format_time(t) for t in absent[:5])}. The known-future "
            "covariates "
            f"{future_names} are needed at {format_time(index[0])} .. "
            f"{format_time(index[-1])}."
        )
    values = _numeric(X.loc[index, future_names], f"X columns {future_names}")
    for j, column in enumerate(future_names):
        _first_missing(values[:, j], index, f"X[{column!r}] at the forecast dates")
    return values.reshape(len(index), -1)


def design_matrix(history: History, horizon: int) -> np.ndarray:
    """Target, past covariates and future covariates shifted back by ``horizon``.

    Returns
    -------
    design : ndarray of shape (n_steps, n_features)
        Row ``t``: ``y[t]``, ``past[t]``, ``future[t + horizon]`` (NaN for the
        last ``horizon`` rows, which no training window reads).
    """
    n = len(history)
    shifted = np.full_like(history.future, np.nan)
    shifted[: n - horizon] = history.future[horizon:]
    return np.column_stack([history.y, history.past, shifted])


def n_windows(n_steps: int, look_back: int, horizon: int) -> int:
    """How many complete training windows a series of ``n_steps`` gives."""
    return max(0, n_steps - look_back - horizon + 1)


def training_windows(
    history: History,
    look_back: int,
    horizon: int,
    limit: int | None = None,
    picks: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Complete windows and the ``horizon`` values after each.

    Every window; the ``limit`` most recent; or the windows numbered
    ``picks`` (0 is the oldest complete window).

    Returns
    -------
    windows : ndarray of shape (n_windows, look_back, n_features)
    targets : ndarray of shape (n_windows, horizon)
        ``targets[i, k - 1]`` is the target ``k`` steps after window ``i``.
    """
    n = len(history)
    count = n_windows(n, look_back, horizon)
    design = design_matrix(history, horizon)
    if picks is None:
        skipped = count - min(count, limit) if limit is not None else 0
        picks = np.arange(skipped, count)
    origins = look_back - 1 + np.asarray(picks)
    windows = sliding_windows(design, look_back)[origins]
    targets = sliding_window_view(history.y[1:], horizon)[origins]
    return windows, np.array(targets)


def origin_windows(
    history: History, look_back: int, horizon: int, origins: np.ndarray
) -> np.ndarray:
    """The windows ending at rows ``origins``, whose future covariates are known."""
    design = design_matrix(history, horizon)
    return sliding_windows(design, look_back)[origins]


def last_window(
    history: History, look_back: int, horizon: int, future: np.ndarray
) -> np.ndarray:
    """The window at the end of ``history``, its future covariates from ``future``.

    A history shorter than ``look_back`` (a young series of a panel) is
    filled at the start by repeating its first row.

    Parameters
    ----------
    future : ndarray of shape (horizon, n_future)
        Known-future covariates at the forecast timestamps.

    Returns
    -------
    window : ndarray of shape (1, look_back, n_features)
    """
    # row t of the window holds the future covariates at t + horizon
    ahead = np.concatenate([history.future, future])[horizon:]
    tail = np.column_stack([history.y, history.past, ahead])[-look_back:]
    if len(tail) < look_back:
        tail = np.pad(tail, ((look_back - len(tail), 0), (0, 0)), mode="edge")
    return tail[np.newaxis]


def local_scales(
    y: np.ndarray, origins: np.ndarray, span: int, fallback: float
) -> np.ndarray:
    """Mean absolute step-to-step change of ``y`` in the ``span`` steps to each origin.

    The local scale that makes errors made at different levels of a series
    comparable; ``fallback`` replaces a zero (a flat stretch). It reads a
    span of its own rather than the model's window, so that a short
    look-back does not make it noisy.
    """
    steps = np.abs(np.diff(y, prepend=y[0]))
    steps[0] = np.nan  # no change before the first value
    cumulative = np.concatenate([[0.0], np.nancumsum(steps)])
    counts = np.concatenate([[0], np.cumsum(~np.isnan(steps))])
    end = origins + 1
    start = np.maximum(end - span + 1, 1)  # diffs from the second value on
    total = cumulative[end] - cumulative[start]
    count = counts[end] - counts[start]
    scales = np.divide(total, count, out=np.zeros(len(origins)), where=count > 0)
    return np.where(scales > 0, scales, fallback)


def error_scales(y: np.ndarray, origins: np.ndarray, span: int) -> np.ndarray:
    """Local scales of forecast errors at ``origins`` (rows of the series ``y``).

    :func:`local_scales`, with the mean absolute change of the whole series
    (or 1) where a stretch is flat.
    """
    fallback = seasonal_naive_scale(y, 1)
    return local_scales(y, origins, span, fallback if fallback > 0 else 1.0)


def following(history: History, y, horizon: int, *, start=None) -> pd.Series:
    """``y`` as a Series on timestamps after ``history``; checked.

    ``start=1``: they must start right after the history. None: anywhere
    within the next ``horizon`` steps (a test fold after a gap).
    """
    n_new = len(y)
    index, _, values, _ = check_series(y, history.step)
    if not isinstance(y, pd.Series | pd.DataFrame):
        return pd.Series(values, index=history.future_index(n_new))
    ahead = history.future_index(max(horizon, n_new))
    position = ahead.get_indexer(index[:1])[0] if start is None else start - 1
    expected = history.future_index(n_new, start=max(position, 0) + 1)
    if not index.equals(expected):
        if start is None:
            expected = history.future_index(n_new)
        raise ValueError(
            f"y must continue the history, which ends at "
            f"{format_time(history.index[-1])}: its timestamps should be "
            f"{format_time(expected[0])} .. {format_time(expected[-1])}, "
            f"not {format_time(index[0])} .. {format_time(index[-1])}."
        )
    return pd.Series(values, index=index)


def continuation(history: History, y, X, past: list, future: list, horizon: int):
    """Observations that start one step after ``history``, with covariates.

    ``past`` and ``future`` name the covariates the forecaster reads; ``X``
    must hold them when there are any.
    """
    names = past + future
    if names and X is None:
        raise ValueError(
            f"This forecaster reads the covariates {names}: pass X with "
            "their values for the rows of y."
        )
    y = following(history, y, horizon, start=1)
    if X is not None:
        X = X.loc[:, names] if isinstance(X, pd.DataFrame) else X
    new, _, _ = check_history(y, X, future or None, history.step)
    return new
