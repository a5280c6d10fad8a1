"""Many series in, one history per series; their forecasts out in the same layout.

A forecaster takes one series, or a panel of series in one of two layouts:

- **long**: a DataFrame with an id column, a time column and the target
  (``unique_id``, ``ds``, ``y`` by default, the convention of statsforecast
  and neuralforecast), any other column being a covariate;
- **wide**: a DataFrame on a time index with one column per series (leading
  missing values are a series that starts later).

:func:`check_panel` turns either into a :class:`Panel`, one checked
:class:`~skrnn._forecast_data.History` per series, all on one time step;
:func:`forecast_frame` lays the forecasts of every series out in the layout
that came in. Nothing else in the forecasters knows about layouts.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._forecast_data import (
    History,
    check_future_covariates,
    check_history,
    n_windows,
    training_windows,
)
from ._time_index import (
    check_regular_index,
    dates_of_text,
    format_time,
    future_index,
)

SERIES, LONG, WIDE = "series", "long", "wide"


@dataclass(frozen=True)
class Panel:
    """The checked series of a forecaster, oldest first within each.

    Attributes
    ----------
    histories : tuple of History
        One per series, in the order of ``ids``.
    ids : tuple
        The series' ids (long layout), column names (wide), or ``(None,)``
        for a single series.
    layout : {"series", "long", "wide"}
        How the data came in, and how forecasts go out.
    columns : tuple of str
        The id, time and target column names (long layout).
    """

    histories: tuple
    ids: tuple
    layout: str
    columns: tuple = ("unique_id", "ds", "y")

    def __len__(self) -> int:
        return len(self.histories)

    @property
    def step(self) -> Any:
        return self.histories[0].step

    def replace(self, histories) -> "Panel":
        """The same series with other histories (cut, or extended)."""
        return Panel(tuple(histories), self.ids, self.layout, self.columns)


def is_long(y: Any, id_col: str) -> bool:
    return isinstance(y, pd.DataFrame) and id_col in y.columns


def is_wide(y: Any) -> bool:
    return isinstance(y, pd.DataFrame) and y.shape[1] > 1


def _check_step(index: pd.Index, step: Any, name: str) -> None:
    """That ``index`` steps regularly by the panel's ``step``."""
    if len(index) < 2:
        return
    expected = future_index(index[:1], step, len(index) - 1)
    if not index[1:].equals(expected):
        bad = np.flatnonzero(index[1:] != expected)[0] + 1
        raise ValueError(
            f"{name} does not step regularly by the panel's step {step!r}: "
            f"{format_time(index[bad - 1])} is followed by "
            f"{format_time(index[bad])}. Every series of a panel needs the same "
            "regular step, without gaps: fill them (skrnn.forecasting.fill_gaps "
            "on each series) or drop the series."
        )


def _long_series(y: pd.DataFrame, columns: tuple) -> tuple[list, list]:
    """``(ids, frames)``: the rows of each series, in time order."""
    id_col, time_col, target_col = columns
    missing = [c for c in (time_col, target_col) if c not in y.columns]
    if missing:
        raise ValueError(
            f"The long DataFrame lacks the column(s) {missing} (time_col="
            f"{time_col!r}, target_col={target_col!r}); its columns are "
            f"{list(y.columns)}."
        )
    if y[id_col].isna().any():
        raise ValueError(f"The id column {id_col!r} has missing values.")
    if y.duplicated([id_col, time_col]).any():
        rows = y.loc[y.duplicated([id_col, time_col]), [id_col, time_col]]
        first = rows.iloc[0]
        raise ValueError(
            f"{len(rows)} row(s) repeat a ({id_col}, {time_col}) pair, e.g. "
            f"({first[id_col]!r}, {format_time(first[time_col])}): one row per "
            "series and timestamp."
        )
    times = dates_of_text(y[time_col], f"the time column {time_col!r}")
    if times is not y[time_col]:
        y = y.assign(**{time_col: times})
    groups = y.groupby(id_col, sort=False)
    ids = list(groups.groups)
    frames = [groups.get_group(key).sort_values(time_col, kind="stable") for key in ids]
    return ids, frames


def _as_time_index(values: Any) -> pd.Index:
    index = pd.Index(values)
    if pd.api.types.is_datetime64_any_dtype(index.dtype):
        return pd.DatetimeIndex(index)
    return index


def check_panel(
    y: Any,
    X: Any,
    future_covariates: Any,
    columns: tuple,
) -> tuple[Panel, list, list]:
    """Validate one series or a panel for ``fit``.

    Parameters
    ----------
    y : pandas.Series, array-like or pandas.DataFrame
        One series, a long DataFrame (it has the id column) or a wide one
        (several columns).
    X : pandas.DataFrame or None
        Covariates of a single series; a panel carries its own (the long
        layout's other columns).
    future_covariates : list of str, "all" or None
        As the forecasters take it.
    columns : tuple of str
        The id, time and target column names of the long layout.

    Returns
    -------
    panel : Panel
    past_names, future_names : list of str
    """
    id_col, time_col, target_col = columns
    if is_long(y, id_col):
        if X is not None:
            raise ValueError(
                f"With a long DataFrame (it has the id column {id_col!r}), the "
                "covariates are its other columns: pass X=None."
            )
        ids, frames = _long_series(y, columns)
        covariates = [c for c in y.columns if c not in columns]
        named = []
        for key, frame in zip(ids, frames, strict=True):
            index = _as_time_index(frame[time_col])
            series = pd.Series(frame[target_col].to_numpy(), index=index, name=key)
            covariate = None
            if covariates:
                covariate = frame[covariates].set_axis(index, axis=0)
            named.append((f"series {key!r}", series, covariate))
        layout = LONG
    elif is_wide(y):
        if X is not None:
            raise ValueError(
                "A wide DataFrame (one column per series) takes no covariates: "
                f"pass the panel in the long layout ({id_col}, {time_col}, "
                f"{target_col} and covariate columns) to use them."
            )
        ids = list(y.columns)
        y = y.set_axis(dates_of_text(y.index, "the index of y"), axis=0)
        named = []
        for key in ids:
            column = y[key]
            if not pd.api.types.is_numeric_dtype(column.dtype):
                raise ValueError(
                    f"Column {key!r} of y holds {column.dtype} values: a "
                    "DataFrame without the id column is read as a wide panel, "
                    "one numeric column per series. For a long panel, name its "
                    f"columns with id_col (now {id_col!r}), time_col and "
                    "target_col."
                )
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            first = np.flatnonzero(~np.isnan(values))
            if len(first) == 0:
                raise ValueError(f"Column {key!r} of the wide DataFrame is empty.")
            named.append((f"column {key!r}", column.iloc[first[0] :], None))
        layout = WIDE
    else:
        history, past, future = check_history(y, X, future_covariates)
        return Panel((history,), (None,), SERIES, columns), past, future

    step = None
    histories, past, future = [], [], []
    for name, series, covariate in named:
        if step is None:
            # the longest series says the step; every other one must keep it
            longest = max(named, key=lambda item: len(item[1]))
            step = check_regular_index(longest[1].index, longest[0])
        index = series.index
        if not index.is_monotonic_increasing or not index.is_unique:
            check_regular_index(index, name)
        _check_step(index, step, name)
        try:
            history, past, future = check_history(
                series, covariate, future_covariates, step
            )
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: {exc}") from None
        histories.append(history)
    return Panel(tuple(histories), tuple(ids), layout, columns), past, future


def panel_future_covariates(panel: Panel, X: Any, names: list, horizon: int) -> list:
    """Each series' known-future covariates at its forecast timestamps, (H, n) each."""
    if panel.layout != LONG or not names:
        return [
            check_future_covariates(X, names, history.future_index(horizon))
            for history in panel.histories
        ]
    id_col, time_col, _ = panel.columns
    if not isinstance(X, pd.DataFrame) or id_col not in X.columns:
        raise ValueError(
            f"This forecaster reads the known-future covariates {names}: pass X=, "
            f"a long DataFrame with {id_col!r}, {time_col!r} and their values at "
            f"the {horizon} forecast timestamps of every series."
        )
    groups = X.groupby(id_col, sort=False)
    out = []
    for key, history in zip(panel.ids, panel.histories, strict=True):
        index = history.future_index(horizon)
        if key not in groups.groups:
            raise ValueError(
                f"X has no rows for series {key!r}: the known-future covariates "
                f"{names} are needed at its {horizon} forecast timestamps."
            )
        rows = groups.get_group(key)
        frame = rows.set_axis(_as_time_index(rows[time_col]), axis=0)
        try:
            out.append(check_future_covariates(frame, names, index))
        except ValueError as exc:
            raise ValueError(f"series {key!r}: {exc}") from None
    return out


def forecast_frame(panel: Panel, frames: list, horizon: int) -> Any:
    """The forecasts of every series, in the panel's layout.

    Parameters
    ----------
    panel : Panel
    frames : list of pandas.DataFrame
        One per series, indexed by its forecast timestamps, columns
        ``y_pred`` and the interval bounds.
    horizon : int

    Returns
    -------
    forecast : pandas.Series or pandas.DataFrame
        A single series: a Series (point forecasts only) or the frame.
        Long: a DataFrame with the id and time columns, then ``y_pred`` and
        the bounds, ``horizon`` rows per series. Wide: indexed by the
        forecast timestamps, one column per series (point forecasts), or
        columns ``(series, y_pred | bound)`` with intervals.
    """
    points_only = list(frames[0].columns) == ["y_pred"]
    if panel.layout == SERIES:
        frame = frames[0]
        if points_only:
            return frame["y_pred"].rename(panel.histories[0].name)
        return frame
    if panel.layout == LONG:
        id_col, time_col, _ = panel.columns
        parts = []
        for key, frame in zip(panel.ids, frames, strict=True):
            part = frame.reset_index(drop=True)
            part.insert(0, time_col, frame.index)
            part.insert(0, id_col, key)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)
    index = frames[0].index
    if points_only:
        return pd.DataFrame(
            {
                key: frame["y_pred"].to_numpy()
                for key, frame in zip(panel.ids, frames, strict=True)
            },
            index=index,
        )
    return pd.concat(
        {key: frame for key, frame in zip(panel.ids, frames, strict=True)}, axis=1
    )


def following_values(panel: Panel, y: Any, X: Any) -> list:
    """New observations of each series, ``[(position, y, X)]``, not yet checked.

    For ``update`` and ``score``, which check that they follow each
    history. Series absent from a long ``y`` are left out.

    Returns
    -------
    parts : list of (int, pandas.Series, pandas.DataFrame or None)
        The series' position in the panel, its new values on their
        timestamps, and the covariates of those rows.
    """
    id_col, time_col, target_col = panel.columns
    if panel.layout == SERIES:
        pairs = [(0, y, X)]
    elif panel.layout == LONG:
        if not is_long(y, id_col):
            raise ValueError(
                f"This forecaster was fitted on a long DataFrame: pass the new "
                f"values in the same layout ({id_col}, {time_col}, {target_col})."
            )
        if X is not None:
            raise ValueError(
                "With a long DataFrame, pass the covariates in it: X=None."
            )
        position = {key: k for k, key in enumerate(panel.ids)}
        unknown = [key for key in y[id_col].unique() if key not in position]
        if unknown:
            raise ValueError(
                f"y holds series the forecaster was not fitted on: {unknown[:5]}."
            )
        ids, frames = _long_series(y, panel.columns)
        covariates = [c for c in y.columns if c not in panel.columns]
        pairs = []
        for key, frame in zip(ids, frames, strict=True):
            index = _as_time_index(frame[time_col])
            series = pd.Series(frame[target_col].to_numpy(), index=index)
            cov = frame[covariates].set_axis(index, axis=0) if covariates else None
            pairs.append((position[key], series, cov))
    else:
        if not isinstance(y, pd.DataFrame) or list(y.columns) != list(panel.ids):
            raise ValueError(
                "This forecaster was fitted on a wide DataFrame: pass the new "
                f"values with the same columns {list(panel.ids)[:5]}..."
            )
        pairs = [(k, y[key], None) for k, key in enumerate(panel.ids)]
    return pairs


def concatenate(old: History, new: History) -> History:
    """``old`` followed by ``new``."""
    return History(
        old.index.append(new.index),
        old.step,
        np.concatenate([old.y, new.y]),
        np.concatenate([old.past, new.past]),
        np.concatenate([old.future, new.future]),
        old.name,
    )


def window_quota(counts: np.ndarray, total: int | None) -> np.ndarray:
    """Windows kept per series: all, or the same number from each within ``total``.

    Series with fewer windows than the share keep all of theirs and leave
    the rest to the others, so the quota is the largest ``k`` with
    ``sum(min(counts, k)) <= total``.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if total is None or counts.sum() <= total:
        return counts
    low, high = 0, int(counts.max())
    while low < high:
        middle = (low + high + 1) // 2
        if np.minimum(counts, middle).sum() <= total:
            low = middle
        else:
            high = middle - 1
    return np.minimum(counts, max(low, 1))


def panel_windows(
    panel: Panel,
    look_back: int,
    horizon: int,
    max_windows: int | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Training windows of every series, stacked; none crosses two series.

    Within ``max_windows`` in all, each series gives the same number of
    windows (see :func:`window_quota`): its most recent ones, or, with
    ``rng``, a random draw among all of its windows (a new sample each
    epoch). They are copied once, into one array.

    Returns
    -------
    windows : ndarray of shape (n_windows, look_back, n_features)
    targets : ndarray of shape (n_windows, horizon)
    """
    counts = [n_windows(len(h), look_back, horizon) for h in panel.histories]
    quota = window_quota(counts, max_windows)
    first = panel.histories[0]
    n_features = 1 + first.past.shape[1] + first.future.shape[1]
    windows = np.empty((int(quota.sum()), look_back, n_features))
    targets = np.empty((int(quota.sum()), horizon))
    start = 0
    for history, count, size in zip(panel.histories, counts, quota, strict=True):
        if size:
            picks = None
            if rng is not None:
                picks = np.sort(rng.choice(count, size=int(size), replace=False))
            rows = slice(start, start + size)
            windows[rows], targets[rows] = training_windows(
                history, look_back, horizon, int(size), picks
            )
            start += size
    return windows, targets


def as_long(y: Any, columns: tuple) -> pd.DataFrame:
    """A long or wide panel as a long DataFrame (the id, time and target columns)."""
    id_col, time_col, target_col = columns
    if is_long(y, id_col):
        return y
    frame = y.rename_axis(index=time_col, columns=id_col).stack(future_stack=True)
    frame = frame.rename(target_col).reset_index()
    frame = frame.dropna(subset=[target_col])
    frame = frame[[id_col, time_col, target_col]]
    return frame.sort_values([id_col, time_col], kind="stable", ignore_index=True)
