"""Plots of forecasts against the truth, and of training curves, with matplotlib."""

from collections.abc import Mapping
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_forecast", "plot_history"]


def _subplots_if_none(ax: Any) -> Any:
    # imported here so that importing skrnn never pays for matplotlib
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _as_1d_series(values: Any, name: str) -> pd.Series:
    """Return ``values`` as a 1-D Series, keeping a pandas index when there is one."""
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(
                f"{name} must be 1-D; got a DataFrame with {values.shape[1]} "
                "columns; select one (for a multi-step forecast, one step)."
            )
        return values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D; got shape {array.shape}. Select one column "
            "(for a multi-step forecast, one step)."
        )
    return pd.Series(array)


def _on_time_axis(values: Any) -> Any:
    """matplotlib cannot draw Periods: a PeriodIndex becomes its start times."""
    if isinstance(values, pd.Series | pd.DataFrame) and isinstance(
        values.index, pd.PeriodIndex
    ):
        values = values.copy(deep=False)
        values.index = values.index.to_timestamp()
    return values


def _bands(frame: pd.DataFrame) -> list[tuple[str, pd.Series, pd.Series]]:
    """The ``(label, lower, upper)`` intervals of a forecaster's frame, widest first."""
    pairs = []
    for column in frame.columns:
        if str(column).startswith("y_lower"):
            suffix = str(column)[len("y_lower") :]
            upper = f"y_upper{suffix}"
            if upper in frame.columns:
                label = f"{suffix.lstrip('_')}% interval" if suffix else "interval"
                pairs.append((label, frame[column], frame[upper]))
    width = [float((upper - lower).mean()) for _, lower, upper in pairs]
    return [pairs[i] for i in np.argsort(width)[::-1]]


def _prediction_on_axis(y_pred: Any, y_true: pd.Series, label: Any) -> pd.Series:
    """Return a prediction as a Series indexed by its x values.

    A pandas prediction keeps its index; one without an index ends where
    ``y_true`` ends, like predictions on a test set that closes the series.
    """
    has_index = isinstance(y_pred, (pd.Series, pd.DataFrame))
    if isinstance(y_pred, pd.DataFrame) and "y_pred" in y_pred.columns:
        y_pred = y_pred["y_pred"]
    y_pred = _as_1d_series(_on_time_axis(y_pred), "y_pred")
    if has_index:
        return y_pred
    if len(y_pred) > len(y_true):
        raise ValueError(
            f"y_pred ({label!r}) has {len(y_pred)} values, more than the "
            f"{len(y_true)} of y_true; pass a pandas Series to say where it goes."
        )
    x = y_true.index[len(y_true) - len(y_pred) :]
    return pd.Series(y_pred.to_numpy(), index=x, name=y_pred.name)


def _boundary_on_axis(train_end: Any, index: pd.Index) -> Any:
    """Translate ``train_end`` into a value on the x axis drawn from ``index``."""
    index_is_integer = pd.api.types.is_integer_dtype(index.dtype)
    if isinstance(train_end, Integral) and not index_is_integer:
        return index[train_end]
    if isinstance(index, pd.DatetimeIndex):
        return pd.Timestamp(train_end)
    return train_end


def plot_forecast(
    y_true: Any,
    y_pred: Any,
    *,
    train_end: Any = None,
    ax: Any = None,
    title: str | None = None,
    true_label: str = "truth",
    pred_label: str = "forecast",
) -> Any:
    """Plot a forecast against the true series, marking where training ended.

    The series is drawn in black on top of the forecasts (which stay visible
    beneath it, thinner), each forecast in its own colour, and the test
    period, if ``train_end`` is given, is shaded.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,)
        The observed series. A pandas index (e.g. dates) becomes the x axis;
        otherwise the x axis counts steps from 0. Its name, if any, labels
        the y axis.
    y_pred : array-like of shape (n_predictions,), or dict of str to array-like
        The forecast, or several forecasts by label (e.g. an RNN and a naive
        baseline). A pandas Series is drawn at its own index; so is the
        DataFrame of a forecaster's ``predict(coverage=...)``, whose
        ``y_pred`` is the line and whose intervals (``y_lower``/``y_upper``,
        or one pair per level) are shaded bands, the narrowest darkest. It
        may lie past the end of ``y_true``: a forecast of the future. An array with no
        index that is shorter than ``y_true`` is drawn against the last
        ``n_predictions`` steps of ``y_true``, as for the predictions on a test
        set that ends the series.
    train_end : x value, default=None
        Where training ended: a vertical line is drawn there and what follows
        is shaded as the test period (legend label ``"test"``). A value of the
        index of ``y_true`` (a string is read as a date on a DatetimeIndex),
        or, when that index is not made of integers, an int position.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.
    title : str, default=None
        Title of the Axes.
    true_label : str, default="truth"
        Legend label of ``y_true``.
    pred_label : str, default="forecast"
        Legend label of ``y_pred`` when it is not a dict.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    plot_history : Plot the training and validation loss per epoch.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.plotting import plot_forecast
    >>> y = load_airline()
    >>> same_month_last_year = y.shift(12).iloc[-24:]
    >>> ax = plot_forecast(
    ...     y, {"seasonal naive": same_month_last_year}, train_end="1959-01"
    ... )
    >>> ax.get_legend_handles_labels()[1]
    ['truth', 'seasonal naive', 'test']
    """
    y_true = _as_1d_series(_on_time_axis(y_true), "y_true")
    given = y_pred if isinstance(y_pred, Mapping) else {pred_label: y_pred}
    predictions = {
        label: _prediction_on_axis(values, y_true, label)
        for label, values in given.items()
    }

    ax = _subplots_if_none(ax)
    # the truth on top: several forecasts drawn over it would hide it
    ax.plot(
        y_true.index,
        y_true.to_numpy(),
        color="black",
        linewidth=1.6,
        zorder=3,
        label=true_label,
    )
    for label, prediction in predictions.items():
        (line,) = ax.plot(
            prediction.index, prediction.to_numpy(), linewidth=1.1, label=label
        )
        values = given[label]
        if isinstance(values, pd.DataFrame):
            bands = _bands(_on_time_axis(values))
            for k, (band, lower, upper) in enumerate(bands):
                ax.fill_between(
                    lower.index,
                    lower.to_numpy(),
                    upper.to_numpy(),
                    color=line.get_color(),
                    alpha=0.15 + 0.15 * k,
                    linewidth=0,
                    label=f"{label}, {band}" if len(given) > 1 else band,
                )
    if isinstance(y_true.index, pd.DatetimeIndex):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

    if train_end is not None:
        if isinstance(train_end, pd.Period):
            train_end = train_end.to_timestamp()
        boundary = _boundary_on_axis(train_end, y_true.index)
        ax.axvline(boundary, color="grey", linestyle="--", linewidth=1)
        ax.axvspan(boundary, y_true.index[-1], color="grey", alpha=0.1, label="test")
    if title is not None:
        ax.set_title(title)
    if y_true.name is not None:
        ax.set_ylabel(str(y_true.name))
    ax.legend()
    return ax


def plot_history(history: Any, *, ax: Any = None) -> Any:
    """Plot the training loss, and the validation loss if any, per epoch.

    A validation loss that rises while the training loss falls is the mark
    of overfitting: early stopping, dropout or fewer units may help.

    Parameters
    ----------
    history : dict of str to list of float, or fitted estimator, or History
        Per-epoch metrics keyed by name, as in Keras's ``History.history``; a
        fitted skrnn estimator is read for its ``history_``, a
        ``keras.callbacks.History`` for its ``history``.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on, with one line for ``"loss"`` and one for
        ``"val_loss"`` when it was recorded.

    Raises
    ------
    ValueError
        If ``history`` holds neither ``"loss"`` nor ``"val_loss"``.

    See Also
    --------
    plot_forecast : Plot a forecast against the truth.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skrnn.plotting import plot_history
    >>> ax = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.6]})
    >>> ax.get_legend_handles_labels()[1]
    ['loss', 'val_loss']
    """
    if not isinstance(history, Mapping):
        for attribute in ("history_", "history"):
            if isinstance(getattr(history, attribute, None), Mapping):
                history = getattr(history, attribute)
                break
        else:
            raise TypeError(
                "history must be a dict of per-epoch metrics, a fitted estimator "
                f"with history_, or a keras History; got {type(history).__name__}."
            )
    curves = [key for key in ("loss", "val_loss") if key in history]
    if not curves:
        raise ValueError(
            "history has no 'loss' or 'val_loss' to plot; its keys are "
            f"{sorted(history)}."
        )

    ax = _subplots_if_none(ax)
    for key in curves:
        values = np.asarray(history[key], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax
