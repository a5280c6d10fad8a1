"""Seasonal cycles: from the time index, from the values, and the season parameter."""

import numpy as np
import pandas as pd
import pytest

from skrnn._time.seasons import detect_seasons, resolve_seasons, seasons_from_index

# step -> cycles without a history length (the yearly cycle of short steps
# left out), and the yearly cycle added with a history of many years
TABLE = [
    ("1min", (1440, 10080), 525960),
    ("5min", (288, 2016), 105192),
    ("10min", (144, 1008), 52596),
    ("15min", (96, 672), 35064),
    ("30min", (48, 336), 17532),
    ("h", (24, 168), 8766),
    ("2h", (12, 84), 4383),
    ("3h", (8, 56), 2922),
    ("6h", (4, 28), 1461),
    ("D", (7,), 365),
    ("B", (5,), 261),
    ("W", (52,), None),
    ("W-WED", (52,), None),
    ("2W", (26,), None),
    ("MS", (12,), None),
    ("ME", (12,), None),
    ("3MS", (4,), None),
    ("QS", (4,), None),
    ("QE-DEC", (4,), None),
    ("YS", (), None),
    ("YE", (), None),
]

# the same steps as period frequencies (pandas spells some differently)
PERIOD_TABLE = [
    ("1min", (1440, 10080)),
    ("15min", (96, 672)),
    ("30min", (48, 336)),
    ("h", (24, 168)),
    ("2h", (12, 84)),
    ("6h", (4, 28)),
    ("D", (7,)),
    ("W", (52,)),
    ("M", (12,)),
    ("Q", (4,)),
    ("Y", ()),
]


@pytest.mark.parametrize("freq, expected, yearly", TABLE)
def test_index_with_freq(freq, expected, yearly):
    index = pd.date_range("2021-01-04", periods=40, freq=freq)
    assert seasons_from_index(index) == expected
    many = 10**9
    long = expected + ((yearly,) if yearly is not None else ())
    assert seasons_from_index(index, n_steps=many) == tuple(sorted(long))


@pytest.mark.parametrize("freq, expected, yearly", TABLE)
def test_index_without_freq(freq, expected, yearly):
    index = pd.DatetimeIndex(pd.date_range("2021-01-04", periods=40, freq=freq).values)
    assert index.freq is None
    assert seasons_from_index(index) == expected


def test_semi_monthly_index_without_freq():
    """pandas infers no half-months; the median step of 15 days tells."""
    index = pd.date_range("2021-01-04", periods=40, freq="SMS")
    assert seasons_from_index(pd.DatetimeIndex(index.values)) == (24,)
    # a constant two-week step is two weeks
    weeks = pd.date_range("2021-01-04", periods=40, freq="14D")
    assert seasons_from_index(pd.DatetimeIndex(weeks.values)) == (26,)


def test_time_zone_and_duplicates():
    hours = pd.date_range("2021-03-20", periods=400, freq="h", tz="Europe/Paris")
    assert seasons_from_index(hours) == (24, 168)
    repeated = pd.DatetimeIndex(np.repeat(hours.tz_localize(None).values, 2))
    assert seasons_from_index(repeated) == (24, 168)


@pytest.mark.parametrize("freq", ["h", "D", "MS", "15min"])
def test_index_with_a_gap(freq):
    """A dropped row defeats pandas' inference; the common step still counts."""
    index = pd.date_range("2021-01-04", periods=60, freq=freq)
    expected = seasons_from_index(index)
    assert seasons_from_index(index.delete([7, 30])) == expected


@pytest.mark.parametrize("freq, expected", PERIOD_TABLE)
def test_period_index(freq, expected):
    index = pd.period_range("2021-01-04", periods=40, freq=freq)
    assert seasons_from_index(index) == expected


@pytest.mark.parametrize(
    "index",
    [
        pd.RangeIndex(500),
        pd.Index(np.arange(0, 1000, 2)),
        pd.Index(np.linspace(0.0, 1.0, 50)),
        pd.Index(list("abcdef")),
    ],
)
def test_index_without_a_time_step(index):
    assert seasons_from_index(index) == ()
    assert seasons_from_index(index, n_steps=10**6) == ()


def test_yearly_cycle_needs_two_years():
    days = pd.date_range("2020-01-01", periods=30, freq="D")
    assert seasons_from_index(days, n_steps=729) == (7,)
    assert seasons_from_index(days, n_steps=730) == (7, 365)
    hours = pd.date_range("2020-01-01", periods=30, freq="h")
    assert seasons_from_index(hours, n_steps=2 * 8766 - 1) == (24, 168)
    assert seasons_from_index(hours, n_steps=2 * 8766) == (24, 168, 8766)
    business = pd.bdate_range("2020-01-01", periods=30)
    assert seasons_from_index(business, n_steps=600) == (5, 261)


def test_cycles_longer_than_the_history_are_dropped():
    hours = pd.date_range("2020-01-01", periods=30, freq="h")
    assert seasons_from_index(hours, n_steps=100) == (24,)
    assert seasons_from_index(hours, n_steps=47) == ()
    assert seasons_from_index(hours, n_steps=100, min_cycles=5) == ()
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    assert seasons_from_index(months, n_steps=23) == ()
    assert seasons_from_index(months, n_steps=24) == (12,)
    # the length of the index itself is not the history
    assert seasons_from_index(months[:3]) == (12,)


@pytest.mark.parametrize("n_steps, error", [(-1, ValueError), (2.0, TypeError)])
def test_n_steps_is_checked(n_steps, error):
    with pytest.raises(error, match="n_steps"):
        seasons_from_index(pd.RangeIndex(5), n_steps=n_steps)


def test_min_cycles_is_checked():
    with pytest.raises(ValueError, match="min_cycles"):
        seasons_from_index(pd.RangeIndex(5), n_steps=5, min_cycles=0)


# -- detection --------------------------------------------------------------


def seasonal(rng, n, period, amplitude=1.0, noise=0.5):
    """A sine of ``period`` at a random phase, plus Gaussian noise."""
    t = np.arange(n)
    phase = rng.uniform(0, 2 * np.pi)
    return amplitude * np.sin(2 * np.pi * t / period + phase) + noise * rng.normal(
        size=n
    )


def daily_weekly(rng, n=24 * 7 * 8, weekend=1.0):
    """Hourly values: a daily sine, higher on the two weekend days, noise."""
    t = np.arange(n)
    day = np.sin(2 * np.pi * t / 24)
    return day + weekend * (((t // 24) % 7) >= 5) + 0.5 * rng.normal(size=n)


@pytest.mark.parametrize("period, n", [(7, 300), (24, 600), (48, 1200)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detects_one_period(period, n, seed):
    rng = np.random.default_rng(seed)
    assert detect_seasons(seasonal(rng, n, period)) == (period,)


@pytest.mark.parametrize("period", [7, 24, 48])
def test_detects_a_period_in_a_panel(period):
    """Series of different lengths, some with leading missing values."""
    rng = np.random.default_rng(period)
    panel = []
    for i, n in enumerate([10 * period, 12 * period, 15 * period, 20 * period]):
        values = seasonal(rng, n, period, noise=0.8)
        if i % 2:
            values[: period // 2] = np.nan
        panel.append(values)
    assert detect_seasons(panel) == (period,)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detects_a_period_on_a_random_walk(seed):
    """A trend does not hide the cycle: each period is tested detrended."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(size=500))
    assert detect_seasons(walk + 3 * seasonal(rng, 500, 12, noise=0.0)) == (12,)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detects_daily_and_weekly_cycles(seed):
    rng = np.random.default_rng(seed)
    assert detect_seasons(daily_weekly(rng)) == (24, 168)
    panel = [daily_weekly(rng, n) for n in (1344, 1500, 2000)]
    assert detect_seasons(panel) == (24, 168)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_daily_cycle_alone_is_not_weekly(seed):
    """Hourly data with a daily cycle repeats at 168 too: that is no week."""
    rng = np.random.default_rng(seed)
    assert detect_seasons(daily_weekly(rng, weekend=0.0)) == (24,)


def test_max_cycles_keeps_the_strongest():
    rng = np.random.default_rng(0)
    values = daily_weekly(rng)
    assert detect_seasons(values) == (24, 168)
    assert detect_seasons(values, max_cycles=1) == (24,)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n", [200, 1000])
def test_white_noise_has_no_season(seed, n):
    rng = np.random.default_rng(seed)
    assert detect_seasons(rng.normal(size=n)) == ()
    assert detect_seasons([rng.normal(size=n) for _ in range(20)]) == ()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n", [200, 1000])
def test_random_walk_has_no_season(seed, n):
    rng = np.random.default_rng(seed)
    assert detect_seasons(np.cumsum(rng.normal(size=n))) == ()
    assert detect_seasons([np.cumsum(rng.normal(size=n)) for _ in range(20)]) == ()


def test_candidates_limit_the_periods_tested():
    rng = np.random.default_rng(0)
    values = seasonal(rng, 600, 24)
    assert detect_seasons(values, candidates=[24]) == (24,)
    assert detect_seasons(values, candidates=[7, 52]) == ()
    # a period off the default list, found as a peak of the ACF
    assert detect_seasons(seasonal(rng, 600, 10)) == (10,)


def test_too_short_or_empty_series_have_no_season():
    rng = np.random.default_rng(0)
    assert detect_seasons(seasonal(rng, 12, 4)) == ()
    assert detect_seasons([]) == ()
    assert detect_seasons([np.full(50, np.nan)]) == ()
    assert detect_seasons(np.ones(500)) == ()
    assert detect_seasons(np.full(500, 1e6) + 1e-3 * rng.normal(size=500)) == ()


def test_scale_does_not_matter():
    rng = np.random.default_rng(3)
    values = seasonal(rng, 400, 12)
    for scale, offset in [(1e-6, 0.0), (1e6, 0.0), (1e-3, 1e6)]:
        assert detect_seasons(scale * values + offset) == (12,)


def test_a_panel_mixing_short_and_long_series():
    """A series too short for the weekly cycle is left out of its test."""
    rng = np.random.default_rng(4)
    panel = [daily_weekly(rng, 1344), daily_weekly(rng, 1500), daily_weekly(rng, 300)]
    assert detect_seasons(panel) == (24, 168)


def test_detection_takes_arrays_lists_and_pandas():
    rng = np.random.default_rng(0)
    values = seasonal(rng, 300, 7)
    assert detect_seasons(values.tolist()) == (7,)
    assert detect_seasons(values.reshape(-1, 1)) == (7,)
    assert detect_seasons(pd.Series(values)) == (7,)
    assert detect_seasons(pd.DataFrame({"a": values, "b": values[::-1]})) == (7,)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"max_cycles": 0}, ValueError, "max_cycles"),
        ({"max_cycles": 1.5}, TypeError, "max_cycles"),
        ({"min_share": 1.0}, ValueError, "min_share"),
        ({"candidates": [1]}, ValueError, "candidates"),
        ({"candidates": [7.0]}, TypeError, "candidates"),
        ({"candidates": 7}, TypeError, "candidates"),
        ({"z": 0.0}, ValueError, "z must"),
        ({"peaks": -1}, ValueError, "peaks"),
    ],
)
def test_detection_parameters_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        detect_seasons(np.zeros(100), **kwargs)


def test_detection_rejects_what_is_no_series():
    with pytest.raises(ValueError, match="1-D"):
        detect_seasons(np.zeros((10, 3)))
    with pytest.raises(TypeError, match="series_list"):
        detect_seasons(None)


# -- the season parameter ---------------------------------------------------


def test_auto_reads_the_index_first():
    rng = np.random.default_rng(0)
    hours = pd.date_range("2024-01-01", periods=1000, freq="h")
    assert resolve_seasons("auto", hours) == (24, 168)
    # the index wins over the values, even when it says there is no season
    years = pd.period_range("1900", periods=300, freq="Y")
    assert resolve_seasons("auto", years, seasonal(rng, 300, 7)) == ()
    # the history decides which cycles fit
    assert resolve_seasons("auto", hours[:200]) == (24,)
    assert resolve_seasons("auto", hours[:5], [np.zeros(400)]) == (24, 168)


def test_auto_detects_when_the_index_says_nothing():
    rng = np.random.default_rng(0)
    values = seasonal(rng, 300, 7)
    assert resolve_seasons("auto", pd.RangeIndex(300), values) == (7,)
    assert resolve_seasons("auto", None, [values, values[50:]]) == (7,)
    assert resolve_seasons("auto", pd.RangeIndex(300)) == ()
    assert resolve_seasons("auto") == ()
    assert resolve_seasons("auto", None, rng.normal(size=300)) == ()


@pytest.mark.parametrize(
    "season, expected",
    [
        (0, ()),
        (1, ()),
        (12, (12,)),
        (np.int64(24), (24,)),
        ([168, 24, 24], (24, 168)),
        ((7,), (7,)),
        ([], ()),
        (np.array([24, 168]), (24, 168)),
    ],
)
def test_season_given(season, expected):
    index = pd.date_range("2024-01-01", periods=10, freq="D")
    assert resolve_seasons(season, index, np.zeros(10)) == expected


@pytest.mark.parametrize(
    "season, error",
    [
        ("daily", ValueError),
        ("Auto", ValueError),
        (-1, ValueError),
        ([24, 1], ValueError),
        ([0], ValueError),
        (2.5, TypeError),
        (True, TypeError),
        ([24.0], TypeError),
        ([True], TypeError),
        (None, TypeError),
        ({"day": 24}, TypeError),
    ],
)
def test_season_is_checked(season, error):
    with pytest.raises(error, match="season"):
        resolve_seasons(season)


def test_index_is_checked():
    with pytest.raises(TypeError, match="index"):
        resolve_seasons("auto", np.arange(10))
