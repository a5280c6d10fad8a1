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
from skrnn._forecast.window_fit import member_count
from skrnn._time.index import MIN_TESTED_SEASONS, is_seasonal
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


# the longest window "auto" gives to a cycle (a recurrent network reads a
# window step by step: its time grows with the window's length)
MAX_CYCLE_LOOK_BACK = 400


def default_look_back(y, season: int, horizon: int, seasonal=None, cycles=()) -> int:
    """The look-back that ``look_back="auto"`` resolves to.

    Two seasons when the series passes the M4 seasonality test at its
    season: the window then shows one whole seasonal difference (how this
    cycle differs from the last), which the forecast relative to the
    seasonal naive one needs to follow a drift; one season when two would
    pass ``MAX_CYCLE_LOOK_BACK`` steps (a window of whole cycles: on the
    half-hourly demand of ``benchmarks/suite.py``, season 336, Ridge scored
    MASE 0.178 on one week against 0.224 on 400 steps, and one network
    0.185 against 0.225). Else the horizon
    (at least 8 steps), or, among ``cycles``, the longest of at most
    ``MAX_CYCLE_LOOK_BACK`` steps that fits: a network that is not handed
    the cycle by its representation must see it in the window. A cycle
    at which most series fail the seasonality test, the median series
    holding the three cycles it needs, is left out when it is a multiple
    of a shorter one at which they pass: the data then does not tell it
    from whole repeats of that one. Hourly ETTh1 passes at 24 and
    not at 168, and one network scored MASE 0.791 and 0.733 at two seeds
    reading 24 steps against 0.798 and 0.804 reading 168
    (``benchmarks/results/network_window.md``). Other cycles stay: the
    test rarely passes at a long lag of a persistent series (a daily
    series with a yearly cycle and three years of history fails it at 365
    and passes at 7), and blood glucose every 5 minutes, which fails it at
    its only cycle (288 steps), scored 0.380 reading them against 0.525
    reading 12.
    At most half of what the history leaves once the horizon is set aside,
    so that training keeps windows. For a panel (``y`` a list of series),
    four horizons when longer (one network learns from many more windows),
    and at most half of what the median series leaves.
    ``seasonal``, when known, is that verdict (the test is not run again).

    Parameters
    ----------
    y : ndarray of shape (n_steps,), or list of them
        One series, or the series of a panel.
    season : int
        The cycle forecasts are made relative to (1: none).
    horizon : int
        Steps forecast.
    seasonal : bool, default=None
        Whether most series pass the seasonality test at ``season`` (None:
        run it).
    cycles : tuple of int, default=()
        The series' seasonal cycles (``seasons_``), which the window covers
        (but for those the data does not tell from a shorter one, above)
        when the series is not seasonal at ``season``. ``RNNForecaster``
        passes them; ``WindowForecaster`` does not, since the coefficients
        of a linear model on the flattened window grow with its length (Ridge
        on 365 daily lags scored MASE 0.936 against 0.776 on 14, in
        ``benchmarks/results/suite.md``).

    Returns
    -------
    look_back : int
    """
    series = y if isinstance(y, list) else [y]
    if seasonal is None:
        seasonal = most_are_seasonal(series, season)
    length = int(np.median([len(values) for values in series]))
    cap = max(1, (length - horizon) // 2)
    if seasonal:
        # whole seasons: two where they fit in the budget, else one
        whole = max(1, min(2, MAX_CYCLE_LOOK_BACK // season))
        look_back = max(season * whole, horizon)
    else:
        fits = [c for c in cycles if c <= min(cap, MAX_CYCLE_LOOK_BACK)]
        # the data does not tell a cycle it fails, and is long enough to
        # judge, from whole repeats of a shorter one it shows (a week of
        # hourly data from seven days)
        shown = [c for c in fits if most_are_seasonal(series, c)]
        judged = [c for c in fits if length >= MIN_TESTED_SEASONS * c]
        kept = [
            c
            for c in fits
            if c in shown or c not in judged or all(c % s for s in shown)
        ]
        look_back = max(horizon, 8, *kept)
    if len(series) > 1:
        look_back = max(look_back, 4 * horizon)
    return int(max(1, min(look_back, cap)))


def default_recurrent_steps(
    y, seasons: tuple, season: int, seasonal: bool, horizon: int, look_back: int
) -> int:
    """The window's last steps that ``RNNForecaster``'s network reads with
    ``recurrent_steps="auto"`` and ``look_back="auto"``.

    Every one of the ``look_back`` steps, except where the forecasts are
    made relative to a longer cycle than the first of ``seasons`` (the
    weekly cycle of half-hourly or hourly data, ``season``, at which the
    series are ``seasonal``): the seasonal representation and the linear
    skip read that cycle in the whole window, and the network reads the
    look-back the first cycle would have (:func:`default_look_back` at
    ``seasons[0]``: two days of half-hours, four horizons for a panel). A
    recurrent layer reads a window step by step: on the half-hourly demand
    of ``benchmarks/suite.py`` (season 336, the network reading 96 steps of
    the 336) MASE 0.174 and 0.171 at seeds 0 and 1, against 0.181 and 0.170
    reading them all, in 28% and 41% of the fit time.

    Parameters
    ----------
    y : ndarray of shape (n_steps,), or list of them
        One series, or the series of a panel.
    seasons : tuple of int
        The series' seasonal cycles (``seasons_``), shortest first.
    season : int
        The cycle forecasts are made relative to (``season_``).
    seasonal : bool
        Whether the forecasts are relative to the seasonal naive forecast at
        ``season`` (``seasonal_``).
    horizon : int
        Steps forecast.
    look_back : int
        The window's length (``look_back_``).

    Returns
    -------
    steps : int
        At most ``look_back``.
    """
    if not seasonal or not seasons or season <= seasons[0]:
        return look_back
    first = default_look_back(y, seasons[0], horizon, seasonal=True)
    return int(min(look_back, first))


def resolve_look_back(
    look_back,
    panel: Panel,
    *,
    season: int,
    seasonal: bool,
    horizon: int,
    future,
    cycles=(),
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
    cycles : tuple of int, default=()
        See :func:`default_look_back`.

    Returns
    -------
    look_back : int
    """
    lengths = np.array([len(history) for history in panel.histories])
    auto = look_back == "auto"
    if auto:
        series = [history.y for history in panel.histories]
        look_back = default_look_back(series, season, horizon, seasonal, cycles)
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


def network_look_back(probe) -> int:
    """The look-back ``RNNForecaster`` resolves on the data ``probe`` was fitted on.

    ``probe`` is a fitted :class:`~skrnn.WindowForecaster`; with
    ``look_back="auto"`` the network's window also covers the longest cycle
    of ``seasons_`` when the series are not seasonal at ``season_`` (see
    :func:`default_look_back`), so the two may differ.
    """
    if probe.look_back != "auto" or probe._window_covers_cycles:
        return probe.look_back_
    panel = probe._panel
    with warnings.catch_warnings():
        # the network warns of short series itself when it is fitted
        warnings.simplefilter("ignore")
        return resolve_look_back(
            "auto",
            panel,
            season=probe.season_,
            seasonal=most_are_seasonal([h.y for h in panel.histories], probe.season_),
            horizon=probe.horizon,
            future=probe.future_covariates_,
            cycles=probe.seasons_,
        )


def look_back_words(probe) -> str:
    """``"look-back 24"``, ``"look-back 24 (the network's 168)"`` if they
    differ, or ``"look-back 336 (the network reads the last 96)"`` where
    ``RNNForecaster``'s ``recurrent_steps="auto"`` reads fewer."""
    network, words = network_look_back(probe), f"look-back {probe.look_back_}"
    if network != probe.look_back_:
        return f"{words} (the network's {network})"
    steps = network
    if probe.look_back == "auto":
        series = [history.y for history in probe._panel.histories]
        steps = default_recurrent_steps(
            series,
            probe.seasons_,
            probe.season_,
            probe.seasonal_,
            probe.horizon,
            network,
        )
    if steps < network:
        return f"{words} (the network reads the last {steps})"
    return words


def network_members(probe, n_models, max_windows) -> int:
    """The networks ``RNNForecaster(n_models=..., max_windows=...)`` averages
    on the data ``probe`` (a fitted :class:`~skrnn.WindowForecaster`) was
    fitted on: ``n_models`` resolved as its ``n_models_`` would be."""
    return member_count(
        n_models,
        probe._panel.histories,
        look_back=network_look_back(probe),
        horizon=probe.horizon,
        limit=max_windows,
    )
