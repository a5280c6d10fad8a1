"""Pair each observation of a series with the values that follow it, for forecasting."""

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["make_supervised"]


def make_supervised(
    series: Any, horizon: int = 1, *, target: Any = None
) -> tuple[Any, Any]:
    """Split a series into inputs ``X`` and the next values to forecast ``y``.

    Row ``t`` of ``X`` is the observation at time ``t`` and ``y[t]`` holds the
    target at times ``t+1 .. t+horizon``. The last ``horizon`` observations have
    no complete future and are dropped from ``X``. Feed ``X`` to
    :class:`SlidingWindowTransformer` to give each row its past.

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, n_features)
        The series, oldest first: a pandas Series or DataFrame, a numpy array,
        or anything :func:`numpy.asarray` accepts. It is never modified.
    horizon : int, default=1
        Number of steps ahead to forecast, at least 1.
    target : column label or int, default=None
        The column to forecast: a DataFrame column label, or a column index for
        a 2-D array. Required when the series has more than one column; a
        1-D series needs none.

    Returns
    -------
    X : Series, DataFrame or ndarray of shape (n_steps - horizon, n_features)
        Every column of ``series`` without its last ``horizon`` rows; a copy.
        A Series stays a Series; a 1-D array becomes one column (2-D), as
        scikit-learn expects of ``X``.
    y : ndarray, Series or DataFrame of shape (n_steps - horizon[, horizon])
        1-D when ``horizon == 1``, else 2-D; ``y[t, k-1]`` is the target at
        time ``t + k``. For pandas input ``y`` is a Series named
        ``"{target}_step_1"`` when ``horizon == 1``, else a DataFrame with
        columns ``"{target}_step_{k}"``, and has the index of ``X`` (the
        forecast origin). A Series without a name is called ``"y"``.

    Raises
    ------
    ValueError
        If ``horizon`` is not an integer of at least 1, if ``target`` is
        missing or unknown, or if the series has ``horizon`` rows or fewer.

    See Also
    --------
    SlidingWindowTransformer : Give each row of ``X`` its last ``look_back`` steps.

    Notes
    -----
    ``y`` for a 1-D target is the series shifted by ``-1 .. -horizon``, as
    ``pandas.Series.shift`` would give, with the incomplete rows dropped
    instead of filled with NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_supervised
    >>> X, y = make_supervised(np.array([10, 20, 30, 40]))
    >>> X.ravel()
    array([10, 20, 30])
    >>> y
    array([20, 30, 40])
    >>> X, y = make_supervised(np.array([10, 20, 30, 40]), horizon=2)
    >>> X.shape
    (2, 1)
    >>> y
    array([[20, 30],
           [30, 40]])
    """
    if isinstance(horizon, bool) or not isinstance(horizon, Integral) or horizon < 1:
        raise ValueError(f"horizon must be an integer of at least 1; got {horizon!r}.")
    horizon = int(horizon)

    is_pandas = isinstance(series, (pd.Series, pd.DataFrame))
    values = series if is_pandas else np.asarray(series)
    if values.ndim not in (1, 2):
        raise ValueError(
            "series must be 1-D (n_steps,) or 2-D (n_steps, n_features); "
            f"got an input with {values.ndim} dimensions."
        )
    n_steps = values.shape[0]
    if n_steps <= horizon:
        raise ValueError(
            f"series has {n_steps} rows; forecasting horizon={horizon} steps ahead "
            f"needs at least {horizon + 1}."
        )

    target_values, target_name = _select_target(values, target)
    X = values.iloc[:-horizon] if is_pandas else values[:-horizon]
    # a 1-D array becomes one column: scikit-learn reads 1-D X as an error
    X = X.copy() if is_pandas or X.ndim == 2 else X.reshape(-1, 1).copy()
    future = target_values[1:]
    if horizon == 1:
        y = future.copy()
    else:
        y = sliding_window_view(future, horizon).copy()

    if not is_pandas:
        return X, y
    if horizon == 1:
        return X, pd.Series(y, index=X.index, name=f"{target_name}_step_1")
    columns = [f"{target_name}_step_{k}" for k in range(1, horizon + 1)]
    return X, pd.DataFrame(y, index=X.index, columns=columns)


def _select_target(values: Any, target: Any) -> tuple[np.ndarray, Any]:
    """Return the target column as a 1-D ndarray, and its name for pandas output."""
    if values.ndim == 1:
        name = getattr(values, "name", None)
        if target is not None and not (
            isinstance(values, pd.Series) and target == name
        ):
            raise ValueError(
                f"target={target!r} cannot select a column of a 1-D series; "
                "leave it as None."
            )
        return np.asarray(values), "y" if name is None else name

    n_columns = values.shape[1]
    if target is None:
        if n_columns != 1:
            raise ValueError(
                f"series has {n_columns} columns: pass target= to say which one "
                "to forecast."
            )
        target = values.columns[0] if isinstance(values, pd.DataFrame) else 0

    if isinstance(values, pd.DataFrame):
        if target not in values.columns:
            raise ValueError(
                f"target={target!r} is not a column of series; its columns are "
                f"{list(values.columns)}."
            )
        column = values[target]
        if isinstance(column, pd.DataFrame):
            raise ValueError(f"target={target!r} names more than one column of series.")
        return column.to_numpy(), target

    if (
        isinstance(target, bool)
        or not isinstance(target, Integral)
        or not (0 <= target < n_columns)
    ):
        raise ValueError(
            f"target={target!r} must be a column index of series, from 0 to "
            f"{n_columns - 1}."
        )
    return values[:, target], target
