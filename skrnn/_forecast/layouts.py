"""The layouts a forecaster reads and writes: one series, a long panel, a wide panel.

Each layout is one object that knows how its data looks (``detects``), how
to read it into named series (``read``), how the known-future covariates
and new observations come in (``future_covariates``, ``following``) and
how forecasts go out (``write``). :func:`layout_of` picks one; nothing else
in the forecasters branches on a layout. A new layout is one class here,
added to ``LAYOUTS``, plus its tests.

- **series**: a Series or an array, covariates in ``X``;
- **long**: a DataFrame with an id column, a time column and the target
  (``unique_id``, ``ds``, ``y`` by default, the convention of statsforecast
  and neuralforecast), any other column being a covariate;
- **wide**: a DataFrame on a time index with one column per series (leading
  missing values are a series that starts later).
"""

from typing import Any

import numpy as np
import pandas as pd

from skrnn._core.long_panel import series_rows
from skrnn._forecast.data import check_future_covariates
from skrnn._time.index import dates_of_text, format_time


def _as_time_index(values: Any) -> pd.Index:
    index = pd.Index(values)
    if pd.api.types.is_datetime64_any_dtype(index.dtype):
        return pd.DatetimeIndex(index)
    return index


class Layout:
    """One way of laying series out in a table (the base: one series).

    Attributes
    ----------
    name : str
        The layout's name.
    single : bool
        Whether it holds one series (its forecast is a Series or a frame on
        the forecast timestamps, and its cutoff a single timestamp).
    covariates_inside : bool
        Whether the covariates come inside ``y`` (then ``X`` must be None).
    """

    name = "series"
    single = True
    covariates_inside = False

    def detects(self, y: Any, columns: tuple) -> bool:
        """Whether ``y`` is laid out this way."""
        return True

    def read(self, y: Any, X: Any, columns: tuple) -> tuple[list, list]:
        """``(ids, named)``: the series of ``y``, each ``(name, series, covariates)``.

        Not for one series, which :func:`~skrnn._forecast.data.check_history`
        reads directly.
        """
        raise NotImplementedError

    def future_covariates(self, panel, X: Any, names: list, horizon: int) -> list:
        """Each series' known-future covariates at its forecast timestamps."""
        return [
            check_future_covariates(X, names, history.future_index(horizon))
            for history in panel.histories
        ]

    def write(self, panel, frames: list) -> Any:
        """The forecasts (one frame per series: ``y_pred`` and bounds) laid out."""
        frame = frames[0]
        if list(frame.columns) == ["y_pred"]:
            return frame["y_pred"].rename(panel.histories[0].name)
        return frame

    def following(self, panel, y: Any, X: Any) -> list:
        """New observations of each series, ``[(position, y, X)]``, not yet checked."""
        return [(0, y, X)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class LongLayout(Layout):
    """Rows of (id, time, target, covariates...), many series stacked."""

    name = "long"
    single = False
    covariates_inside = True

    def detects(self, y, columns):
        return isinstance(y, pd.DataFrame) and columns[0] in y.columns

    def _series(self, y: pd.DataFrame, columns: tuple) -> list:
        """``[(id, series, covariates)]`` of the rows of each series, in time order."""
        id_col, time_col, target_col = columns
        missing = [c for c in (time_col, target_col) if c not in y.columns]
        if missing:
            raise ValueError(
                f"The long DataFrame lacks the column(s) {missing} (time_col="
                f"{time_col!r}, target_col={target_col!r}); its columns are "
                f"{list(y.columns)}."
            )
        repeated = y[id_col].notna() & y.duplicated([id_col, time_col])
        if repeated.any():
            rows = y.loc[repeated, [id_col, time_col]]
            first = rows.iloc[0]
            raise ValueError(
                f"{len(rows)} row(s) repeat a ({id_col}, {time_col}) pair, e.g. "
                f"({first[id_col]!r}, {format_time(first[time_col])}): one row per "
                "series and timestamp."
            )
        times = dates_of_text(y[time_col], f"the time column {time_col!r}")
        if times is not y[time_col]:
            y = y.assign(**{time_col: times})
        covariates = [c for c in y.columns if c not in columns]
        out = []
        ids, times = f"id column {id_col!r}", f"time column {time_col!r}"
        for key, rows in series_rows(y[id_col], y[time_col], ids, times):
            frame = y.iloc[rows]
            index = _as_time_index(frame[time_col])
            series = pd.Series(frame[target_col].to_numpy(), index=index, name=key)
            covariate = None
            if covariates:
                covariate = frame[covariates].set_axis(index, axis=0)
            out.append((key, series, covariate))
        return out

    def read(self, y, X, columns):
        if X is not None:
            raise ValueError(
                f"With a long DataFrame (it has the id column {columns[0]!r}), the "
                "covariates are its other columns: pass X=None."
            )
        parts = self._series(y, columns)
        named = [(f"series {key!r}", series, cov) for key, series, cov in parts]
        return [key for key, _, _ in parts], named

    def future_covariates(self, panel, X, names, horizon):
        if not names:
            return super().future_covariates(panel, X, names, horizon)
        id_col, time_col, _ = panel.columns
        if not isinstance(X, pd.DataFrame) or id_col not in X.columns:
            raise ValueError(
                f"This forecaster reads the known-future covariates {names}: pass "
                f"X=, a long DataFrame with {id_col!r}, {time_col!r} and their "
                f"values at the {horizon} forecast timestamps of every series."
            )
        groups = X.groupby(id_col, sort=False)
        out = []
        for key, history in zip(panel.ids, panel.histories, strict=True):
            index = history.future_index(horizon)
            if key not in groups.groups:
                raise ValueError(
                    f"X has no rows for series {key!r}: the known-future "
                    f"covariates {names} are needed at its {horizon} forecast "
                    "timestamps."
                )
            rows = groups.get_group(key)
            frame = rows.set_axis(_as_time_index(rows[time_col]), axis=0)
            try:
                out.append(check_future_covariates(frame, names, index))
            except ValueError as exc:
                raise ValueError(f"series {key!r}: {exc}") from None
        return out

    def write(self, panel, frames):
        id_col, time_col, _ = panel.columns
        parts = []
        for key, frame in zip(panel.ids, frames, strict=True):
            part = frame.reset_index(drop=True)
            part.insert(0, time_col, frame.index)
            part.insert(0, id_col, key)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    def following(self, panel, y, X):
        id_col, time_col, target_col = panel.columns
        if not self.detects(y, panel.columns):
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
        return [
            (position[key], series.rename(None), cov)
            for key, series, cov in self._series(y, panel.columns)
        ]


class WideLayout(Layout):
    """One column per series on a shared time index."""

    name = "wide"
    single = False

    def detects(self, y, columns):
        return isinstance(y, pd.DataFrame) and y.shape[1] > 1

    def read(self, y, X, columns):
        id_col, time_col, target_col = columns
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
        return ids, named

    def write(self, panel, frames):
        if list(frames[0].columns) == ["y_pred"]:
            return pd.DataFrame(
                {
                    key: frame["y_pred"].to_numpy()
                    for key, frame in zip(panel.ids, frames, strict=True)
                },
                index=frames[0].index,
            )
        return pd.concat(dict(zip(panel.ids, frames, strict=True)), axis=1)

    def following(self, panel, y, X):
        if not isinstance(y, pd.DataFrame) or list(y.columns) != list(panel.ids):
            raise ValueError(
                "This forecaster was fitted on a wide DataFrame: pass the new "
                f"values with the same columns {list(panel.ids)[:5]}..."
            )
        return [(k, y[key], None) for k, key in enumerate(panel.ids)]


# tried in this order: the first that detects the data reads it
LAYOUTS = (LongLayout(), WideLayout(), Layout())


def layout_of(y: Any, columns: tuple) -> Layout:
    """The layout of ``y``: long (it has the id column), wide, or one series."""
    return next(layout for layout in LAYOUTS if layout.detects(y, columns))


def as_long(y: Any, columns: tuple) -> pd.DataFrame:
    """A long or wide panel as a long DataFrame (the id, time and target columns)."""
    id_col, time_col, target_col = columns
    if LongLayout().detects(y, columns):
        return y
    frame = y.rename_axis(index=time_col, columns=id_col).stack(future_stack=True)
    frame = frame.rename(target_col).reset_index()
    frame = frame.dropna(subset=[target_col])
    frame = frame[[id_col, time_col, target_col]]
    return frame.sort_values([id_col, time_col], kind="stable", ignore_index=True)
