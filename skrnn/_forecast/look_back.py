"""What a forecaster's ``season="auto"`` and ``look_back="auto"`` resolve to.

The seasonal cycles come from the time index at every frequency, or from
the values when the index says nothing; the forecasts are anchored on the
cycle, or the last value, whose naive forecast is the most accurate. Whether the
series are seasonal at that cycle is decided once per fit by the M4
seasonality test (a majority of the series must pass), and the look-back
follows from both.
"""

import warnings

import numpy as np

from skrnn._forecast.data import n_windows
from skrnn._forecast.panel import Panel
from skrnn._time.index import is_seasonal
from skrnn._time.seasons import resolve_seasons, season_source


def panel_seasons(season, panel: Panel) -> tuple[tuple, str]:
    """``(seasons, source)``: the cycles of ``season`` and where they come from.

    ``"auto"``: the cycles of the time index at every frequency, or, when
    the index says nothing (integer steps), those found in the values of the
    series (:mod:`skrnn._time.seasons`); ``source`` is ``"season"``,
    ``"index"`` or ``"data"``.
    """
    longest = max(panel.histories, key=len)
    series = [history.y for history in panel.histories]
    seasons = resolve_seasons(season, longest.index, series)
    return seasons, season_source(season, longest.index, series)


def best_cycle(seasons: tuple, panel: Panel, horizon: int) -> int:
    """The cycle the forecasts are made relative to (1: none, the last value).

    Of the cycles that the look-back can cover (at most half of what the
    median series leaves once the horizon is set aside), and the last value
    itself, the one whose naive forecast of the next ``horizon`` steps is
    the most accurate in sample, pooled over the series (each error scaled
    by the series' mean absolute change). The weekly cycle of half-hourly
    demand wins when weekends differ, the daily one when they do not, and
    the last value wins on series that wander more than they repeat (the
    yearly cycle of most weekly M4 series): a cycle found in the data is
    then used for scaling and the look-back, not as the forecast's anchor.
    """
    lengths = [len(history) for history in panel.histories]
    cap = max(1, (int(np.median(lengths)) - horizon) // 2)
    usable = [cycle for cycle in seasons if cycle <= cap]
    if not usable:
        return 1
    errors = [_naive_error(panel, cycle, horizon) for cycle in (1, *usable)]
    return (1, *usable)[int(np.argmin(errors))]


def _naive_error(panel: Panel, cycle: int, horizon: int) -> float:
    """In-sample error of the naive forecast at ``cycle`` over ``horizon`` steps.

    Step ``k`` ahead reads the value ``cycle * ceil(k / cycle)`` steps back
    (the last value when ``cycle`` is 1), as the seasonal naive forecast
    does; the mean absolute error over every origin and step, divided by the
    series' mean absolute change, averaged over the series.
    """
    lags = cycle * np.ceil(np.arange(1, horizon + 1) / cycle).astype(int)
    scaled = []
    for history in panel.histories:
        y = history.y
        usable = lags[lags < len(y)]
        if len(usable) == 0:
            continue
        scale = np.mean(np.abs(np.diff(y))) if len(y) > 1 else 0.0
        error = np.mean([np.mean(np.abs(y[lag:] - y[:-lag])) for lag in usable])
        scaled.append(error / scale if scale > 0 else error)
    return float(np.mean(scaled)) if scaled else np.inf


def most_are_seasonal(series: list, season: int) -> bool:
    """Whether most ``series`` (1-D arrays) pass the M4 seasonality test."""
    votes = [season > 1 and is_seasonal(values, season) for values in series]
    return 2 * sum(votes) > len(votes)


def default_look_back(y, season: int, horizon: int, seasonal=None) -> int:
    """The look-back that ``look_back="auto"`` resolves to.

    One season when the series passes the M4 seasonality test at its
    season, else the horizon (at least 8 steps); at most half of what the
    history leaves once the horizon is set aside, so that training keeps
    windows. Known-future covariates need at least the horizon: so it is.
    For a panel (``y`` a list of series), the season when most series pass
    the test, four horizons when longer (one network learns from many
    more windows), and at most half of what the median series leaves.
    ``seasonal``, when known, is that verdict (the test is not run again).
    """
    series = y if isinstance(y, list) else [y]
    if seasonal is None:
        seasonal = most_are_seasonal(series, season)
    look_back = max(season, horizon) if seasonal else max(horizon, 8)
    if len(series) > 1:
        look_back = max(look_back, 4 * horizon)
    length = int(np.median([len(values) for values in series]))
    cap = max(1, (length - horizon) // 2)
    return int(max(1, min(look_back, cap)))


def resolve_look_back(
    look_back, panel: Panel, *, season: int, seasonal: bool, horizon: int, future
) -> int:
    """``look_back`` resolved and checked against the histories of ``panel``.

    Parameters
    ----------
    look_back : int or "auto"
        The forecaster's parameter.
    panel : Panel
        The checked histories.
    season : int
        The resolved season.
    seasonal : bool
        Whether most series pass the seasonality test at ``season``.
    horizon : int
        Steps forecast.
    future : list
        Names of the known-future covariates (windows must then hold at
        least ``horizon`` steps).

    Returns
    -------
    look_back : int
    """
    lengths = np.array([len(history) for history in panel.histories])
    auto = look_back == "auto"
    if auto:
        series = [history.y for history in panel.histories]
        look_back = default_look_back(series, season, horizon, seasonal)
    look_back = int(look_back)
    if future and look_back < horizon:
        raise ValueError(
            f"look_back={look_back} is shorter than horizon={horizon}: "
            "windows with known-future covariates must be at least "
            "horizon steps long to hold their values over the whole "
            "forecast. Raise look_back"
            + (
                f" (with 'auto', y's {lengths.max()} steps allow {look_back})."
                if auto
                else " or leave it 'auto'."
            )
        )
    if panel.layout.single:
        if n_windows(lengths[0], look_back, horizon) < 1:
            raise ValueError(
                f"y has {lengths[0]} steps: too short a history for "
                f"look_back={look_back} plus horizon={horizon}; it needs at "
                f"least {look_back + horizon}."
            )
        return look_back
    short = [key for key, n in zip(panel.ids, lengths, strict=True) if n < look_back]
    if short:
        warnings.warn(
            f"{len(short)} series have fewer steps than look_back={look_back}: "
            f"{short[:5]} (the shortest has {lengths.min()}). Their forecast "
            "windows are filled at the start by repeating their first value; "
            "lower look_back to avoid it.",
            UserWarning,
            stacklevel=4,
        )
    if sum(n_windows(n, look_back, horizon) for n in lengths) < 1:
        raise ValueError(
            f"No series is long enough for look_back={look_back} plus "
            f"horizon={horizon} (the longest has {lengths.max()} steps)."
        )
    return look_back
