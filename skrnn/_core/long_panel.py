"""The one reader of long panels: which rows belong to which series, in time order.

A long panel stacks many series in one table, a row per series and time.
Every part of skrnn that reads one (the forecasters, ``SlidingWindowTransformer``
with ``id_col``, ``PanelSplit``) reads it here, with one convention:

- every row names its series: a missing id is an error;
- within a series, rows are put in time order; two rows at one time, or
  times that cannot be ordered (mixed types), are errors;
- series come in order of first appearance.
"""

import numpy as np
import pandas as pd


def series_rows(ids, times=None, id_name="id", time_name="time") -> list:
    """The rows of each series of a long panel, each series oldest row first.

    Parameters
    ----------
    ids : array-like of shape (n_rows,)
        The series of each row.
    times : array-like of shape (n_rows,), default=None
        The time of each row; None: the row order is the time order.
    id_name, time_name : str
        What to call the ids and the times in error messages (the column or
        parameter they come from).

    Returns
    -------
    series : list of (id, ndarray of int)
        One pair per series, in order of first appearance: its id and the
        positions of its rows in time order.

    Raises
    ------
    ValueError
        A missing id, two rows of a series at one time, or times that
        cannot be ordered.
    """
    codes, uniques = pd.factorize(np.asarray(ids, dtype=object))
    if (codes < 0).any():
        raise ValueError(
            f"The {id_name} of row {int(np.argmax(codes < 0))} is missing: every "
            "row of a long panel must say which series it belongs to."
        )
    if times is None:
        ranks = np.arange(len(codes))
    else:
        times = pd.Index(times)
        if len(times) != len(codes):
            raise ValueError(
                f"{len(times)} {time_name} values for {len(codes)} rows: one per row."
            )
        if times.hasnans:
            raise ValueError(
                f"The {time_name} of row {int(np.argmax(times.isna()))} is missing: "
                "every row of a long panel needs its time."
            )
        try:
            # pandas orders mixed types by type first: no time order
            if times.inferred_type in ("mixed", "mixed-integer"):
                raise TypeError
            ranks = pd.factorize(times, sort=True)[0]
        except TypeError:
            kinds = sorted({type(value).__name__ for value in times})
            raise ValueError(
                f"The {time_name} values cannot be put in order: they mix "
                f"{', '.join(kinds)}. Give them one type (for dates, "
                "pd.to_datetime(...); for steps, integers)."
            ) from None
    order = np.lexsort((ranks, codes))
    groups = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
    series = []
    for rows in groups:
        series_id = uniques[codes[rows[0]]]
        repeated = np.flatnonzero(np.diff(ranks[rows]) == 0)
        if len(repeated) and times is not None:
            raise ValueError(
                f"Series {series_id!r} has two rows at the same {time_name} "
                f"{times[rows[repeated[0]]]!r}: the rows of one series must have "
                "distinct times."
            )
        series.append((series_id, rows))
    return series
