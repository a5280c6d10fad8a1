"""Many series in, one history per series; their forecasts out in the same layout.

A forecaster takes one series, or a panel of series in a long or a wide
layout (:mod:`skrnn._forecast.layouts` reads and writes each).
:func:`check_panel` turns any of them into a :class:`Panel`, one checked
:class:`~skrnn._forecast.data.History` per series, all on one time step,
which keeps its layout to write the forecasts out as they came in. The
training windows of a panel are cut here too (:func:`panel_windows`).
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from skrnn._forecast.data import (
    History,
    check_history,
    continuation,
    n_windows,
    training_windows,
)
from skrnn._forecast.layouts import Layout, layout_of
from skrnn._time.index import check_regular_index, format_time, future_index


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
    layout : Layout
        How the data came in, and how forecasts go out
        (:mod:`skrnn._forecast.layouts`).
    columns : tuple of str
        The id, time and target column names (long layout).
    """

    histories: tuple
    ids: tuple
    layout: Layout
    columns: tuple = ("unique_id", "ds", "y")

    def __len__(self) -> int:
        return len(self.histories)

    @property
    def step(self) -> Any:
        return self.histories[0].step

    @property
    def cutoff(self):
        """The last timestamp of a single series; a Series of each one's for a panel."""
        ends = [history.index[-1] for history in self.histories]
        return ends[0] if self.layout.single else pd.Series(ends, self.ids)

    def replace(self, histories) -> "Panel":
        """The same series with other histories (cut, or extended)."""
        return Panel(tuple(histories), self.ids, self.layout, self.columns)

    def extended(self, y, X, reads: tuple) -> "Panel":
        """The panel with the observations ``y`` (and covariates ``X``) after it.

        ``y`` and ``X`` are in the panel's layout (for a long panel, rows of
        any of its series, each continuing its series); ``reads`` are the
        past and future covariates read and the horizon, as
        :func:`~skrnn._forecast.data.continuation` takes them.
        """
        histories = list(self.histories)
        for k, new_y, new_X in self.layout.following(self, y, X):
            new = continuation(histories[k], new_y, new_X, *reads)
            histories[k] = concatenate(histories[k], new)
        return self.replace(histories)


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
    layout = layout_of(y, columns)
    if layout.single:
        history, past, future = check_history(y, X, future_covariates)
        return Panel((history,), (None,), layout, columns), past, future
    ids, named = layout.read(y, X, columns)

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
    ``sum(min(counts, k)) <= total``. ``total`` is a true bound: fewer
    windows than series (each needs one) is an error.
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
    if low == 0:
        raise ValueError(
            f"max_windows={total} is fewer than the {int((counts > 0).sum())} "
            "series that have a training window: every series needs at least "
            "one. Raise max_windows, or leave it None."
        )
    return np.minimum(counts, low)


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
