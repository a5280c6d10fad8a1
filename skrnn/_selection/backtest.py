"""Rolling-origin backtests of forecasters: one series, or every series of a panel."""

import time
from collections.abc import Mapping
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from skrnn._forecast.panel_split import PanelSplit
from skrnn.metrics import seasonal_naive_scale


def mase_season(model: Any) -> int:
    """The cycle that scales MASE: the first of the fitted ``seasons_`` (as M4).

    Not ``season_``, the cycle the forecasts are anchored on, which may be 1
    (the last value) on seasonal data: one scale for every model of a series,
    and the one :meth:`~skrnn.WindowForecaster.score` uses.
    """
    seasons = getattr(model, "seasons_", None)
    return int(seasons[0]) if seasons else int(getattr(model, "season_", 1))


class BacktestResult:
    """What :func:`backtest` returns: every forecast, and their errors by horizon step.

    Built by :func:`backtest` from the forecasts of every origin; ``errors``
    and ``summary`` are computed once, from ``forecasts``.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        Every forecast value, as the attribute below.
    levels : tuple of float
        The coverage levels whose bounds ``forecasts`` holds (may be empty).
    fit_time : float
        Seconds spent fitting.
    id_col : str, default=None
        The column of ``forecasts`` naming the series, for a panel.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        One row per forecast value: ``cutoff`` (the last timestamp the
        forecast was made from), ``ds`` (the timestamp forecast), ``horizon``
        (1 .. H), ``y_true``, ``y_pred``, and per coverage level the bounds
        (``y_lower``, ``y_upper``, or ``y_lower_80`` ... with several), and
        ``scale`` (the in-sample seasonal naive error of the history up to
        the cutoff, which scales MASE and MSIS).
    errors : pandas.DataFrame
        Indexed by horizon step, columns ``mae``, ``rmse``, ``smape``
        (percent), ``mase``, and per level ``coverage`` and ``msis``
        (suffixed by the level with several levels).
    summary : pandas.Series
        The same metrics over every forecast of every cutoff; for a panel,
        also the smallest, median and largest coverage of a series
        (``coverage_min``, ``coverage_median``, ``coverage_max``, suffixed
        by the level with several levels), which the pooled coverage hides.
    by_series : pandas.DataFrame or None
        For a panel, the metrics of each series over its cutoffs, indexed
        by series.
    fit_time : float
        Seconds spent fitting, in all.

    See Also
    --------
    backtest : Makes it.

    Examples
    --------
    >>> from skrnn import WindowForecaster
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.model_selection import backtest
    >>> result = backtest(WindowForecaster(horizon=3), load_airline(), n_origins=2)
    >>> result.forecasts.columns.tolist()
    ['cutoff', 'ds', 'horizon', 'y_true', 'y_pred', 'scale']
    """

    def __init__(self, forecasts, levels, fit_time, id_col=None):
        self.forecasts = forecasts
        self.fit_time = fit_time
        self.errors = _forecast_errors(forecasts, levels, by="horizon")
        self.summary = _forecast_errors(forecasts, levels, by=None)
        self.by_series = None
        if id_col is not None:
            self.by_series = _forecast_errors(forecasts, levels, by=id_col)
            coverages = [c for c in self.by_series if c.startswith("coverage")]
            for column in coverages:
                values = self.by_series[column]
                self.summary[f"{column}_min"] = values.min()
                self.summary[f"{column}_median"] = values.median()
                self.summary[f"{column}_max"] = values.max()

    def __repr__(self) -> str:
        cutoffs = self.forecasts["cutoff"].nunique()
        return (
            f"BacktestResult({cutoffs} cutoffs, horizon "
            f"{self.forecasts['horizon'].max()}):\n{self.errors.round(3)}"
        )


def _forecast_errors(forecasts, levels, by):
    """Forecast metrics over the rows of ``forecasts``, per group of ``by``."""
    from skrnn._forecast.intervals import interval_columns
    from skrnn.metrics import interval_scores, smape_terms

    def metrics(rows):
        y, error = rows["y_true"].to_numpy(), (rows["y_true"] - rows["y_pred"])
        out = {
            "mae": error.abs().mean(),
            "rmse": float(np.sqrt((error**2).mean())),
            "smape": float(np.mean(smape_terms(y, rows["y_pred"].to_numpy()))),
            "mase": (error.abs() / rows["scale"]).mean(),
        }
        for level, (lower, upper) in zip(levels, interval_columns(levels), strict=True):
            suffix = "" if len(levels) == 1 else f"_{100 * level:g}"
            lo, hi = rows[lower].to_numpy(), rows[upper].to_numpy()
            scores = interval_scores(y, lo, hi, 1.0 - level)
            out[f"coverage{suffix}"] = float(np.mean((lo <= y) & (y <= hi)))
            out[f"msis{suffix}"] = float(np.mean(scores / rows["scale"].to_numpy()))
        return pd.Series(out)

    if by is None:
        return metrics(forecasts)
    return forecasts.groupby(by).apply(metrics, include_groups=False)


def _cutoffs(n_steps: int, horizon: int, n_origins: int, step: int) -> list:
    """History lengths at each forecast origin, oldest first; the last leaves H."""
    for name, value in (("n_origins", n_origins), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be an integer of at least 1; got {value!r}.")
    lengths = [n_steps - horizon - step * k for k in range(n_origins - 1, -1, -1)]
    if lengths[0] < 2:
        raise ValueError(
            f"y has {n_steps} steps: too few for {n_origins} origins {step} steps "
            f"apart plus a horizon of {horizon}."
        )
    return lengths


def backtest(
    forecaster: Any,
    y: Any,
    X: Any = None,
    *,
    n_origins: int = 5,
    step: int | None = None,
    refit: bool = True,
    coverage: Any = None,
) -> BacktestResult:
    """Evaluate a forecaster from several origins in time (rolling origin).

    At each origin the forecaster knows the series up to that point only:
    it is fitted there (or, without ``refit``, fitted once at the first
    origin and given the new observations through ``update``) and forecasts
    the next ``horizon`` steps, which are compared with what happened.

    Parameters
    ----------
    forecaster : forecaster
        A :class:`~skrnn.WindowForecaster` or :class:`~skrnn.RNNForecaster`
        (anything with ``horizon``, ``fit(y, X)``, ``predict(X, coverage=)``
        and, without ``refit``, ``update``); clones are fitted, it is not
        modified.
    y : pandas.Series or array-like of shape (n_steps,)
        The whole series, oldest first.
    X : pandas.DataFrame, default=None
        Covariates on the index of ``y``.
    n_origins : int, default=5
        Number of forecast origins. The last one leaves exactly ``horizon``
        steps after it.
    step : int, default=None
        Steps between origins; None means ``horizon`` (the forecast periods
        follow each other without overlap).
    refit : bool, default=True
        Fit at every origin. False fits once, at the first origin, as a
        forecaster in production that is not retrained.
    coverage : float or list of float, default=None
        Also evaluate prediction intervals of this nominal coverage.

    Returns
    -------
    result : BacktestResult
        ``result.errors`` holds MAE, RMSE, sMAPE, MASE (against the seasonal
        naive forecast at the first cycle of ``seasons_``, as M4 scales it,
        in-sample up to each origin)
        and, with ``coverage``, the observed coverage and MSIS, per horizon
        step; ``result.summary`` over all; ``result.forecasts`` every value.

    See Also
    --------
    compare_forecasters : Rank several forecasters by backtest.

    Examples
    --------
    >>> from skrnn import WindowForecaster
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.model_selection import backtest
    >>> result = backtest(WindowForecaster(horizon=6), load_airline(), n_origins=3)
    >>> result.errors.index.tolist()
    [1, 2, 3, 4, 5, 6]
    >>> round(float(result.summary["mase"]), 2)
    0.4
    """
    from skrnn._forecast.data import check_series
    from skrnn._forecast.intervals import check_coverage, interval_columns

    horizon = forecaster.horizon
    if _is_panel(forecaster, y):
        return _backtest_panel(
            forecaster,
            y,
            n_origins=n_origins,
            step=step,
            refit=refit,
            coverage=coverage,
        )
    index, _, values, name = check_series(y)
    y = pd.Series(values, index=index, name=name)
    levels = () if coverage is None else check_coverage(coverage)
    lengths = _cutoffs(len(y), horizon, n_origins, horizon if step is None else step)

    rows, fit_time, model = [], 0.0, None
    for k, length in enumerate(lengths):
        history = y.iloc[:length]
        covariates = None if X is None else X.iloc[:length]
        start = time.perf_counter()
        if refit or model is None:
            model = clone(forecaster).fit(history, covariates)
        else:
            new = slice(lengths[k - 1], length)
            model.update(y.iloc[new], None if X is None else X.iloc[new])
        fit_time += time.perf_counter() - start
        future = None if X is None else X.iloc[length : length + horizon]
        forecast = model.predict(future, coverage=coverage)
        frame = forecast.to_frame("y_pred") if levels == () else forecast.copy()
        frame = frame.reset_index(drop=True)
        season = mase_season(model)
        frame.insert(0, "cutoff", index[length - 1])
        frame.insert(1, "ds", index[length : length + horizon])
        frame.insert(2, "horizon", np.arange(1, horizon + 1))
        frame.insert(3, "y_true", values[length : length + horizon])
        scale = seasonal_naive_scale(values[:length], season if length > season else 1)
        frame["scale"] = scale if scale > 0 else np.nan
        rows.append(frame)
    forecasts = pd.concat(rows, ignore_index=True)
    expected = ["cutoff", "ds", "horizon", "y_true", "y_pred"]
    expected += [c for pair in interval_columns(levels) for c in pair] if levels else []
    return BacktestResult(forecasts[expected + ["scale"]], levels, fit_time)


def _is_panel(forecaster: Any, y: Any) -> bool:
    from skrnn._forecast.layouts import layout_of

    id_col = getattr(forecaster, "id_col", "unique_id")
    return not layout_of(y, (id_col, None, None)).single


def _backtest_panel(forecaster, y, *, n_origins, step, refit, coverage):
    """:func:`backtest` on a long or wide panel: every series, every origin."""
    from skrnn._forecast.intervals import check_coverage, interval_columns
    from skrnn._forecast.layouts import as_long

    horizon = forecaster.horizon
    id_col = getattr(forecaster, "id_col", "unique_id")
    time_col = getattr(forecaster, "time_col", "ds")
    target_col = getattr(forecaster, "target_col", "y")
    long = as_long(y, (id_col, time_col, target_col))
    if step is not None and (
        isinstance(step, bool) or not isinstance(step, Integral) or step < 1
    ):
        raise ValueError(f"step must be an integer of at least 1; got {step!r}.")
    splitter = PanelSplit(
        n_origins, horizon=horizon, step=step, id_col=id_col, time_col=time_col
    )
    levels = () if coverage is None else check_coverage(coverage)
    rows, fit_time, model, seen = [], 0.0, None, None
    keys = [id_col, time_col]
    for train, test in splitter.split(long):
        history, future = long.iloc[train], long.iloc[test]
        start = time.perf_counter()
        if refit or model is None:
            model = clone(forecaster).fit(history)
        else:
            new = long.iloc[np.setdiff1d(train, seen)]
            model.update(new)
        seen = train
        fit_time += time.perf_counter() - start
        forecast = model.predict(coverage=coverage)
        cutoffs = history.groupby(id_col, sort=False)[time_col].max()
        season = mase_season(model)
        scales = {
            key: seasonal_naive_scale(
                values.to_numpy(float), season if len(values) > season else 1
            )
            for key, values in history.groupby(id_col, sort=False)[target_col]
        }
        frame = future[keys + [target_col]].rename(columns={target_col: "y_true"})
        frame = frame.merge(forecast, on=keys, how="left", validate="one_to_one")
        frame.insert(1, "cutoff", frame[id_col].map(cutoffs))
        position = frame.groupby(id_col, sort=False).cumcount() + 1
        frame.insert(3, "horizon", position.to_numpy())
        scale = frame[id_col].map(scales).to_numpy(dtype=float)
        frame["scale"] = np.where(scale > 0, scale, np.nan)
        rows.append(frame)
    forecasts = pd.concat(rows, ignore_index=True)
    expected = [id_col, "cutoff", time_col, "horizon", "y_true", "y_pred"]
    expected += [c for pair in interval_columns(levels) for c in pair] if levels else []
    return BacktestResult(forecasts[expected + ["scale"]], levels, fit_time, id_col)


def compare_forecasters(
    forecasters: Mapping[str, Any],
    y: Any,
    X: Any = None,
    *,
    n_origins: int = 5,
    step: int | None = None,
    refit: bool = True,
    coverage: Any = None,
    metric: str = "mase",
) -> pd.DataFrame:
    """Backtest several forecasters on the same origins and rank them.

    Each forecaster goes through :func:`backtest` with the same origins, so
    the table compares forecasts of the same periods made from the same
    history.

    Parameters
    ----------
    forecasters : dict of str to forecaster
        Forecasters by name, all with the same ``horizon``: an
        :class:`~skrnn.RNNForecaster`, and :class:`~skrnn.WindowForecaster`
        around Ridge or a naive baseline, so that each forecasts the same
        windows the same way.
    y : pandas.Series or array-like of shape (n_steps,)
        The whole series, as in :func:`backtest`.
    X : pandas.DataFrame, default=None
        Covariates, as in :func:`backtest`.
    n_origins : int, default=5
        Number of forecast origins, as in :func:`backtest`.
    step : int, default=None
        Steps between origins, as in :func:`backtest`.
    refit : bool, default=True
        Fit at every origin, as in :func:`backtest`.
    coverage : float or list of float, default=None
        Also evaluate intervals, as in :func:`backtest`.
    metric : str, default="mase"
        Column of :attr:`BacktestResult.summary` that ranks (lower is better).

    Returns
    -------
    leaderboard : pandas.DataFrame
        One row per forecaster, best first, indexed by rank from 1: ``model``,
        the summary metrics of :func:`backtest` (for a panel, with the
        smallest, median and largest coverage of a series), and
        ``fit_time`` (seconds per origin).

    See Also
    --------
    backtest : The evaluation of one forecaster.
    compare : Rank window regressors by cross-validation.

    Examples
    --------
    >>> from skrnn import WindowForecaster
    >>> from skrnn.baselines import SeasonalNaiveRegressor
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.model_selection import compare_forecasters
    >>> board = compare_forecasters(
    ...     {
    ...         "Ridge": WindowForecaster(horizon=12),
    ...         "seasonal naive": WindowForecaster(
    ...             SeasonalNaiveRegressor(12), horizon=12, look_back=12
    ...         ),
    ...     },
    ...     load_airline(),
    ...     n_origins=3,
    ... )
    >>> board["model"].tolist()
    ['Ridge', 'seasonal naive']
    """
    if not isinstance(forecasters, Mapping) or not forecasters:
        raise ValueError(
            "forecasters must be a non-empty dict of name to forecaster; got "
            f"{type(forecasters).__name__}."
        )
    horizons = {name: f.horizon for name, f in forecasters.items()}
    if len(set(horizons.values())) != 1:
        raise ValueError(f"The forecasters must share one horizon; got {horizons}.")
    results = backtest_each(
        forecasters,
        y,
        X,
        n_origins=n_origins,
        step=step,
        refit=refit,
        coverage=coverage,
    )
    return leaderboard(results, n_origins if refit else 1, metric)


def backtest_each(forecasters: Mapping[str, Any], y: Any, X: Any = None, **kwargs):
    """:func:`backtest` of every forecaster on the same origins, by name."""
    return {
        name: backtest(forecaster, y, X, **kwargs)
        for name, forecaster in forecasters.items()
    }


def leaderboard(results: Mapping, n_fits: int, metric: str = "mase") -> pd.DataFrame:
    """The ranking of :func:`compare_forecasters` from its backtests by name.

    ``n_fits`` divides each forecaster's fitting time (the fits per backtest);
    ``metric`` ranks, lower is better (higher for a coverage).
    """
    rows = []
    for name, result in results.items():
        row = {"model": name, **result.summary.to_dict()}
        row["fit_time"] = result.fit_time / n_fits
        rows.append(row)
    board = pd.DataFrame(rows)
    if metric not in board.columns:
        raise ValueError(
            f"metric={metric!r} is not one of {list(board.columns[1:-1])}."
        )
    ascending = not metric.startswith("coverage")
    board = board.sort_values(metric, ascending=ascending, kind="stable")
    board.index = pd.RangeIndex(1, len(board) + 1, name="rank")
    return board
