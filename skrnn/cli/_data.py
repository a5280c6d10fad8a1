"""Reading a command's data: the CSV file, its columns, the time index, a panel."""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from skrnn.cli._args import CommandError

if TYPE_CHECKING:
    import pandas as pd


def _line(position: int) -> int:
    """Line of the CSV file holding data row ``position`` (the header is line 1)."""
    return int(position) + 2


_SEPARATORS = ",;\t|"
# a number written with a decimal comma, e.g. "12,5" or "-0,25"
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def _sniff_separator(file: Path) -> str:
    """The field separator of a CSV file, from its first lines; "," if unclear."""
    try:
        with open(file, newline="", errors="replace") as handle:
            sample = handle.read(64 * 1024)
    except OSError:
        return ","
    lines = sample.splitlines()
    sample = "\n".join(lines[:50] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        return ","


def _has_decimal_commas(frame: pd.DataFrame) -> bool:
    """Whether some text column holds only numbers written with a decimal comma."""
    import pandas as pd

    for name in frame.columns:
        column = frame[name]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
            continue
        values = column.dropna().astype(str)
        if len(values) and values.map(lambda v: bool(_DECIMAL_COMMA.match(v))).all():
            return True
    return False


def _read_csv(path: str, sep: str | None = None, decimal: str | None = None):
    """The CSV file as a DataFrame, or a CommandError saying why it cannot be read.

    A separator or decimal mark left as None is detected; what was detected,
    when it is not the default, is in ``frame.attrs["skrnn_read_as"]``.
    """
    file = Path(path)
    if not file.exists():
        raise CommandError(f"data file {path!r} not found")
    if not file.is_file():
        raise CommandError(f"data file {path!r} is not a file")
    import pandas as pd

    detected = []
    if sep is None:
        sep = _sniff_separator(file)
        if sep != ",":
            detected.append(f"--sep {sep!r}")
    try:
        frame = pd.read_csv(file, sep=sep, decimal=decimal or ".")
        if decimal is None and sep != "," and _has_decimal_commas(frame):
            frame = pd.read_csv(file, sep=sep, decimal=",")
            detected.append("--decimal ','")
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path} is empty") from None
    except (ValueError, OSError) as error:  # ParserError, UnicodeDecodeError
        reason = " ".join(str(error).split())
        raise CommandError(f"cannot read {path} as CSV: {reason}") from None
    if frame.empty:
        raise CommandError(f"{path} has a header but no data rows")
    frame.attrs["skrnn_read_as"] = " ".join(detected)
    return frame


def _column(frame: pd.DataFrame, name: str, flag: str, path: str) -> pd.Series:
    import pandas as pd

    if name not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        hint = ""
        if len(frame.columns) == 1 and any(c in str(frame.columns[0]) for c in ";\t|"):
            hint = " (is the separator right? see --sep)"
        raise CommandError(
            f"column {name!r} ({flag}) not found in {path}; its columns are: "
            f"{columns}{hint}"
        )
    column = frame[name]
    if isinstance(column, pd.DataFrame):
        raise CommandError(f"{path} has more than one column named {name!r}")
    return column


def _parse_times(
    column: pd.Series, path: str, series: pd.Series | None = None
) -> pd.Series:
    """Dates of ``column``, or a CommandError naming the first bad one.

    Whole numbers (``1749`` or ``1749.0``, as a year column often is) are
    read as years. With the ``series`` id of each row (a panel), a date may
    repeat across series but not within one, and whole numbers below 1000
    are integer steps (0, 1, 2 ... in each series, as in M4's files).
    """
    import pandas as pd

    if column.isna().any():
        position = int(np.flatnonzero(column.isna().to_numpy())[0])
        raise CommandError(
            f"missing date in column {column.name!r} (--time-col) at line "
            f"{_line(position)} of {path}"
        )
    if pd.api.types.is_numeric_dtype(column) and np.all(
        np.mod(column.to_numpy(dtype=float), 1) == 0
    ):
        column = column.astype(np.int64)
        if series is not None and column.min() < 1000:
            return _check_unique_times(column, column.astype(str), path, series)
    # as text: to_datetime reads bare numbers (years) as nanoseconds since 1970
    from skrnn._time.index import parse_dates

    text = column.astype(str)
    times = pd.Series(parse_dates(text), index=column.index, name=column.name)
    if times.isna().any():
        position = int(np.flatnonzero(times.isna().to_numpy())[0])
        raise CommandError(
            f"unparseable date {text.iloc[position]!r} in column {column.name!r} "
            f"(--time-col) at line {_line(position)} of {path}"
        )
    return _check_unique_times(times, text, path, series)


def _check_unique_times(
    times: pd.Series, text: pd.Series, path: str, series: pd.Series | None
) -> pd.Series:
    """``times``, or a CommandError naming the first date seen twice (in a series)."""
    import pandas as pd

    keys = times if series is None else pd.DataFrame({"id": series, "t": times})
    duplicated = keys.duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated.to_numpy())[0])
        where = (
            " (many series in one file? --id-col names their column)"
            if series is None
            else f" for series {series.iloc[position]!r}"
        )
        raise CommandError(
            f"duplicate date {text.iloc[position]!r} in column {times.name!r} "
            f"(--time-col) at line {_line(position)} of {path}{where}"
        )
    return times


def _parse_values(
    column: pd.Series, path: str, flag: str = "--target", allow_missing: bool = False
) -> pd.Series:
    """Float values of ``column``, or a CommandError naming the first bad one.

    With ``allow_missing``, empty cells stay NaN (for ``--fill``); anything
    else that is not a finite number is still refused.
    """
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy())
    if allow_missing:
        bad &= ~column.isna().to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raw = column.iloc[position]
        what = "missing value" if pd.isna(raw) else f"non-numeric value {raw!r}"
        if not pd.isna(raw) and np.isinf(values.iloc[position]):
            what = f"infinite value {raw!r}"
        advice = " (--fill interpolate or ffill fills gaps)" if pd.isna(raw) else ""
        raise CommandError(
            f"{what} in column {column.name!r} ({flag}) at line "
            f"{_line(position)} of {path}{advice}"
        )
    return values


@dataclass
class _Data:
    """What a subcommand reads: the target, its inputs, and notes for the user."""

    target: pd.Series
    source: str
    features: pd.DataFrame | None = None
    notes: list = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        """The target and the features, target first, on the time index."""
        frame = self.target.to_frame()
        if self.features is not None:
            frame = frame.join(self.features)
        return frame


def _numeric_columns(frame: pd.DataFrame) -> list:
    """Columns of which most cells read as numbers."""
    import pandas as pd

    names = []
    for name in frame.columns:
        values = pd.to_numeric(frame[name], errors="coerce")
        if values.notna().mean() > 0.5:
            names.append(name)
    return names


def _read_notes(frame: pd.DataFrame, path: str) -> list:
    """The notes to print about how a file was read."""
    if frame.attrs.get("skrnn_read_as"):
        return [f"Read {path} with {frame.attrs['skrnn_read_as']} (detected)"]
    return []


def _value_columns(
    frame: pd.DataFrame,
    args: argparse.Namespace,
    path: str,
    keys: dict,
    notes: list,
) -> dict:
    """The target (first) and ``--features`` columns of ``frame``, as floats.

    ``keys`` names the columns that hold no values (``{"time": ..., "id":
    ...}``, None for one not given): the target may be left out when one
    column remains besides them. Numeric columns left unused are noted.
    """
    keys = {role: name for role, name in keys.items() if name is not None}
    target = args.target
    if target is None:
        others = [name for name in frame.columns if name not in keys.values()]
        if len(others) != 1:
            raise CommandError(
                f"--target is needed: {path} has {len(others)} columns to choose "
                f"from ({', '.join(map(str, others))})"
            )
        target = others[0]
    target_column = _column(frame, target, "--target", path)
    features = list(dict.fromkeys(args.features))
    for name in features:
        roles = {**keys, "target": target}
        role = next((r for r, column in roles.items() if column == name), None)
        if role is not None:
            raise CommandError(
                f"--features {name!r} is the {role} column; give other columns"
            )
    fill = args.fill != "none"
    columns = {target: _parse_values(target_column, path, "--target", fill)}
    for name in features:
        column = _column(frame, name, "--features", path)
        columns[name] = _parse_values(column, path, "--features", fill)
    used = {target, *keys.values(), *features}
    ignored = [name for name in _numeric_columns(frame) if name not in used]
    if ignored:
        notes.append(
            f"Ignored columns: {', '.join(map(str, ignored))} (--features "
            "uses them as inputs)"
        )
    return columns


def _refuse_without_file(args: argparse.Namespace, *flags: str) -> None:
    """Refuse the options (``flags`` and those of any file) that need a CSV file."""
    for flag in (*flags, "--features", "--sep", "--decimal"):
        if getattr(args, flag[2:].replace("-", "_")):
            raise CommandError(f"{flag} needs a CSV file")


def _load_data(args: argparse.Namespace) -> _Data:
    """The target (and ``--features``) on their time index, filled if asked."""
    if args.data is None:
        from skrnn.datasets import load_airline

        if args.target not in (None, "passengers"):
            raise CommandError(
                f"--target {args.target!r}: the shipped airline series has one "
                "column, 'passengers'; pass a CSV file to forecast another"
            )
        _refuse_without_file(args, "--time-col")
        series = load_airline().astype(float)
        return _Data(series, "airline passengers, monthly (shipped with skrnn)")

    path = args.data
    frame = _read_csv(path, args.sep, args.decimal)
    import pandas as pd

    from skrnn._time.index import fill_gaps, index_step

    notes = _read_notes(frame, path)
    if args.time_col is None:
        args.time_col = _guess_time_column(frame, args, notes)
    if args.time_col is not None:
        time_column = _column(frame, args.time_col, "--time-col", path)
    columns = _value_columns(frame, args, path, {"time": args.time_col}, notes)
    target, *features = columns
    fill = args.fill != "none"
    data = pd.DataFrame({name: values.to_numpy() for name, values in columns.items()})
    if args.time_col is not None:
        data.index = pd.DatetimeIndex(
            _parse_times(time_column, path), name=args.time_col
        )
        data = data.sort_index(kind="stable")
    if fill:
        data, n_filled = fill_gaps(data, args.fill, return_count=True)
        notes.append(
            f"Filled {n_filled} missing value{'s' if n_filled != 1 else ''} "
            f"(--fill {args.fill})"
        )
    elif isinstance(data.index, pd.DatetimeIndex) and index_step(data.index) is None:
        notes.append(
            f"Note: the times in {args.time_col!r} have no regular step (missing "
            "rows?), so the season is unknown: --fill puts the series on a "
            "regular step, --season gives the season"
        )
    series = data[target].rename(target)
    return _Data(series, path, data[features] if features else None, notes)


# names that say a column holds the times of a series
TIME_NAMES = ("date", "ds", "time", "timestamp", "datetime", "period", "month")
TIME_NAMES += ("week", "day", "year", "quarter")


def _guess_time_column(frame: pd.DataFrame, args: argparse.Namespace, notes: list):
    """The one column that looks like dates, without --time-col; None if unclear.

    A text column whose values all read as dates, else a column named like
    one ('year', 'date', 'ds' ...) of whole numbers from 1000 to 2999, read
    as years. The choice is noted.
    """
    from skrnn._time.index import parse_dates

    used = {args.target, *args.features}
    numeric = set(_numeric_columns(frame))
    candidates = [
        name
        for name in frame.columns
        if name not in used
        and name not in numeric
        and frame[name].notna().all()
        and not parse_dates(frame[name]).isna().any()
    ]
    if not candidates:
        candidates = [
            name
            for name in frame.columns
            if name not in used
            and str(name).strip().lower() in TIME_NAMES
            and _are_years(frame[name])
        ]
    if len(candidates) != 1:
        return None
    notes.append(f"Time column: {candidates[0]!r} (detected; --time-col sets it)")
    return candidates[0]


def _are_years(column: pd.Series) -> bool:
    """Whether every value of ``column`` is a whole number from 1000 to 2999."""
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    whole = np.isfinite(values).all() and np.all(np.mod(values, 1) == 0)
    return bool(whole and values.min() >= 1000 and values.max() < 3000)


def _load_series(args: argparse.Namespace) -> tuple[pd.Series, str]:
    """The target series, indexed by its times (or row numbers), and its source."""
    data = _load_data(args)
    return data.target, data.source


@dataclass
class _PanelData:
    """A long panel as the forecasters take it, and notes for the user."""

    frame: pd.DataFrame  # id, time, target, then --features; by series, in time
    source: str
    columns: tuple  # the id, time and target column names
    notes: list = field(default_factory=list)

    @property
    def features(self) -> list:
        return [name for name in self.frame.columns if name not in self.columns]

    def series(self) -> dict:
        """The target of each series on its time index, in the file's order."""
        id_col, time_col, target = self.columns
        return {
            key: rows.set_index(time_col)[target]
            for key, rows in self.frame.groupby(id_col, sort=False)
        }


SHIPPED_PANEL = ("unique_id", "ds", "y")


def _detect_time_column(frame: pd.DataFrame, id_col: str, path: str, notes: list):
    """The one text column besides ``id_col`` (a panel's dates), or a CommandError."""
    numeric = set(_numeric_columns(frame))
    texts = [name for name in frame.columns if name != id_col and name not in numeric]
    if len(texts) != 1:  # a numeric column of steps or years, named as times
        texts = [
            name
            for name in frame.columns
            if name != id_col and str(name).strip().lower() in TIME_NAMES
        ]
    if len(texts) != 1:
        raise CommandError(
            f"--id-col needs --time-col, the column of dates (or steps) that "
            f"orders each series; the columns of {path} are: "
            f"{', '.join(map(str, frame.columns))}"
        )
    notes.append(f"Time column: {texts[0]!r} (detected; --time-col sets it)")
    return texts[0]


def _load_panel(args: argparse.Namespace) -> _PanelData:
    """The long panel of ``--id-col``: every series sorted in time, filled if asked."""
    import pandas as pd

    if args.data is None:
        from skrnn.datasets import load_us_employment

        for flag, value, shipped in zip(
            ("--id-col", "--time-col", "--target"),
            (args.id_col, args.time_col, args.target),
            SHIPPED_PANEL,
            strict=True,
        ):
            if value not in (None, shipped):
                raise CommandError(
                    f"{flag} {value!r}: the shipped US employment panel has the "
                    f"columns {', '.join(SHIPPED_PANEL)}; pass a CSV file to "
                    "forecast another"
                )
        _refuse_without_file(args)
        return _PanelData(
            load_us_employment(),
            "US employment, 15 industries, monthly (shipped with skrnn)",
            SHIPPED_PANEL,
        )

    path = args.data
    frame = _read_csv(path, args.sep, args.decimal)
    from skrnn._time.index import fill_gaps

    notes = _read_notes(frame, path)
    ids = _column(frame, args.id_col, "--id-col", path)
    time_col = args.time_col or _detect_time_column(frame, args.id_col, path, notes)
    time_column = _column(frame, time_col, "--time-col", path)
    if ids.isna().any():
        position = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise CommandError(
            f"missing series id in column {args.id_col!r} (--id-col) at line "
            f"{_line(position)} of {path}"
        )
    keys = {"id": args.id_col, "time": time_col}
    columns = _value_columns(frame, args, path, keys, notes)
    target = next(iter(columns))
    times = _parse_times(time_column, path, series=ids)
    data = pd.DataFrame(
        {
            args.id_col: ids.to_numpy(),
            time_col: times.to_numpy(),
            **{name: values.to_numpy() for name, values in columns.items()},
        }
    )
    # series in the order the file names them, each in time
    order = pd.Series(range(ids.nunique()), index=pd.unique(ids))
    data = data.iloc[
        np.lexsort((data[time_col].to_numpy(), ids.map(order).to_numpy()))
    ].reset_index(drop=True)
    if args.fill != "none":
        parts, n_filled = [], 0
        for key, rows in data.groupby(args.id_col, sort=False):
            values = rows.drop(columns=args.id_col).set_index(time_col)
            try:
                filled, n = fill_gaps(values, args.fill, return_count=True)
            except (TypeError, ValueError) as error:
                raise CommandError(f"series {key!r} of {path}: {error}") from None
            parts.append(filled.rename_axis(time_col).reset_index())
            parts[-1].insert(0, args.id_col, key)
            n_filled += n
        data = pd.concat(parts, ignore_index=True)
        notes.append(
            f"Filled {n_filled} missing value{'s' if n_filled != 1 else ''} "
            f"(--fill {args.fill})"
        )
    return _PanelData(data, path, (args.id_col, time_col, target), notes)


def _out_folder(path: str) -> Path:
    """The ``--out`` folder, created if need be."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create --out folder {path!r}: {error}") from None
    return out
