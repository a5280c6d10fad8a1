"""How much each candidate forecaster counts, per series, from its backtest errors.

:class:`~skrnn.AutoForecaster` turns every selection rule into one table of
weights (a row per series, a column per candidate, each row summing to
one) and forecasts with the weighted sum of the candidates' forecasts:

- ``"best"``: all the weight on the candidate with the lowest backtest error
  (of each series, or over the panel);
- a candidate's name: all the weight on it;
- ``"weighted"``: weights proportional to the inverse squared backtest error,
  the inverse-error weighting of Bates and Granger (1969) with MASE in place
  of the root mean squared error. A candidate with twice the error of
  another counts a quarter as much, so a poor seasonal naive forecast adds
  little, and two close candidates share the weight.

A candidate with no error at all takes every weight (shared with any other
without error).
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd


def series_errors(results: Mapping, id_col: str) -> pd.DataFrame:
    """The backtest error of every candidate on every series.

    Parameters
    ----------
    results : dict of str to BacktestResult
        Each candidate's backtest, on the same origins.
    id_col : str
        The column of a panel's forecasts that names the series (absent for
        one series, whose errors are a single row labelled 0).

    Returns
    -------
    errors : pandas.DataFrame
        A row per series, a column per candidate: the mean absolute error
        divided by the in-sample seasonal naive error (MASE), or the mean
        absolute error on a series where some candidate's MASE is undefined
        (a history the seasonal naive forecast fits exactly), so that a row
        always compares like with like.
    """
    mase, mae = {}, {}
    for name, result in results.items():
        forecasts = result.forecasts
        keys = (
            forecasts[id_col].to_numpy()
            if id_col in forecasts.columns
            else np.zeros(len(forecasts), dtype=int)
        )
        absolute = (forecasts["y_true"] - forecasts["y_pred"]).abs()
        mase[name] = (absolute / forecasts["scale"]).groupby(keys, sort=False).mean()
        mae[name] = absolute.groupby(keys, sort=False).mean()
    mase, mae = pd.DataFrame(mase), pd.DataFrame(mae)
    undefined = mase.isna().any(axis=1)
    mase.loc[undefined] = mae.loc[undefined]
    return mase


def selection_weights(
    errors: pd.DataFrame, overall: pd.Series, selection: str, per_series: bool
) -> pd.DataFrame:
    """The weight of every candidate on every series, each row summing to one.

    Parameters
    ----------
    errors : pandas.DataFrame
        From :func:`series_errors`.
    overall : pandas.Series
        Each candidate's error over the whole backtest, from best to worst
        (the leaderboard): the order breaks ties.
    selection : str
        ``"best"``, ``"weighted"`` or the name of a candidate.
    per_series : bool
        Whether each series is weighted by its own errors; otherwise every
        series gets the weights of the ``overall`` errors.

    Returns
    -------
    weights : pandas.DataFrame
        Like ``errors``, its columns in the order of ``overall``.
    """
    errors = errors[list(overall.index)]
    if selection in errors.columns:
        weights = pd.DataFrame(0.0, index=errors.index, columns=errors.columns)
        weights[selection] = 1.0
        return weights
    if per_series:
        values = _weights(errors.to_numpy(dtype=float), selection)
    else:
        pooled = _weights(overall.to_numpy(dtype=float)[None, :], selection)
        values = np.repeat(pooled, len(errors), axis=0)
    return pd.DataFrame(values, index=errors.index, columns=errors.columns)


def _weights(errors: np.ndarray, selection: str) -> np.ndarray:
    """Rows of weights from rows of errors (NaN: a candidate that cannot count)."""
    errors = np.where(np.isfinite(errors), errors, np.inf)
    weights = np.zeros_like(errors, dtype=float)
    for row, values in enumerate(errors):
        if np.isinf(values).all():
            weights[row, 0] = 1.0  # no error measured: the best overall
        elif selection == "best" or (values == 0).any():
            # the first of the lowest: the leaderboard's order breaks ties
            lowest = np.flatnonzero(values == values.min())
            weights[row, lowest[:1] if selection == "best" else lowest] = 1.0
        else:
            weights[row] = values**-2.0
        weights[row] /= weights[row].sum()
    return weights


def combine_frames(forecasts: Mapping[str, list], weights: pd.DataFrame) -> list:
    """The weighted sum of the candidates' forecasts, series by series.

    Parameters
    ----------
    forecasts : dict of str to list of pandas.DataFrame
        Per candidate, one frame per series (the point forecasts and any
        bounds on the forecast timestamps), in the order of ``weights``'
        rows.
    weights : pandas.DataFrame
        From :func:`selection_weights`.

    Returns
    -------
    frames : list of pandas.DataFrame
        Per series, the weighted sum of every column: the bounds of a
        combination are the weighted averages of the candidates' bounds.
    """
    combined = []
    for row, (_, shares) in enumerate(weights.iterrows()):
        parts = [
            forecasts[name][row] * share for name, share in shares.items() if share > 0
        ]
        combined.append(sum(parts[1:], parts[0]))
    return combined
