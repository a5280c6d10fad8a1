"""M4's Naive2: the naive forecast of the seasonally adjusted series, reseasonalised.

The procedure of the competition's R benchmarks (``Benchmarks and
Evaluation.R`` in Mcompetitions/M4-methods), which set the reference of the
OWA: a series that passes the seasonality test for its frequency is divided by
the seasonal indices of R's ``decompose(type="multiplicative")``, its last
adjusted value is carried forward and multiplied by the indices of the
forecast steps. Any other series gets the plain naive forecast.
"""

from typing import Any

import numpy as np

from skrnn._time.index import is_seasonal


def m4_benchmark_is_seasonal(y: np.ndarray, season: int) -> bool:
    """The seasonality test of the M4 R benchmarks: Bartlett's limit, R's lags.

    R's ``acf()`` stops at lag ``floor(10 * log10(n))``: a longer season
    reads NA there, which the benchmark code counts as not seasonal.
    """
    if season <= 1 or season > np.floor(10 * np.log10(len(y))):
        return False
    return is_seasonal(y, season, squared_lag1=True)


def multiplicative_indices(y: np.ndarray, season: int) -> np.ndarray:
    """Seasonal index of each position 0 .. season - 1, as R's ``decompose`` finds it.

    The trend is the centred moving average over one season (a 2 x season
    average for an even season); the index of a position is the mean ratio of
    the series to its trend there, the indices rescaled to average 1.
    Positions count from the first value, as in ``decompose``.
    """
    half = season // 2
    if season % 2:
        weights = np.full(season, 1.0 / season)
    else:
        weights = np.r_[0.5, np.ones(season - 1), 0.5] / season
    trend = np.full(len(y), np.nan)
    trend[half : len(y) - half] = np.convolve(y, weights, mode="valid")
    ratios = y / trend
    figure = np.array(
        [np.nanmean(ratios[position::season]) for position in range(season)]
    )
    return figure / figure.mean()


def naive2_forecast(y: Any, horizon: int, season: int = 1) -> np.ndarray:
    """Forecast as the M4 Naive2 does: naive on the seasonally adjusted series.

    The reference forecast of the M4 competition's OWA. When the series
    passes the competition's seasonality test at 90% for ``season`` (the
    autocorrelation at that lag, with at least three seasons of data), it is
    divided by the indices of a classical multiplicative decomposition; the
    last adjusted value, times the index of each forecast step, is the
    forecast. Otherwise, and always for ``season=1``, it is the naive
    forecast: the last value repeated.

    Parameters
    ----------
    y : array-like of shape (n_steps,)
        The training series, oldest first, without missing values (positive,
        for the multiplicative decomposition to mean anything).
    horizon : int
        Number of steps to forecast.
    season : int, default=1
        The series' frequency as M4 gives it: 1 yearly and weekly, 4
        quarterly, 12 monthly, 1 daily, 24 hourly.

    Returns
    -------
    forecast : ndarray of shape (horizon,)
        The next ``horizon`` values.

    Raises
    ------
    ValueError
        If ``y`` is empty or holds missing values, or ``horizon`` or
        ``season`` is not a positive integer.

    See Also
    --------
    owa : The M4 score relative to this forecast.

    Notes
    -----
    The seasonality test is the one of the competition's R benchmarks, which
    produced the published Naive2 figures: the limit ``1.645 * sqrt((1 + 2 *
    sum(r_k ** 2, k < season)) / n)`` on the autocorrelation ``r_season``, and
    no test past lag ``10 * log10(n)``, where R's ``acf`` stops. The
    decomposition is R's ``decompose(type="multiplicative")``.

    Examples
    --------
    >>> from skrnn.metrics import naive2_forecast
    >>> naive2_forecast([1.0, 2.0, 3.0], horizon=2)
    array([3., 3.])
    """
    for name, value in (("horizon", horizon), ("season", season)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an int; got {type(value).__name__}.")
        if value < 1:
            raise ValueError(f"{name} must be at least 1; got {value}.")
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.size == 0 or not np.isfinite(y).all():
        raise ValueError("y must hold at least one value and no missing values.")
    if not m4_benchmark_is_seasonal(y, season):
        return np.full(horizon, y[-1])
    indices = multiplicative_indices(y, season)
    steps = np.arange(len(y), len(y) + horizon)
    return y[-1] / indices[(len(y) - 1) % season] * indices[steps % season]
