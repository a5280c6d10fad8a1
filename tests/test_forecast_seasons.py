"""The forecasters' seasons: from the index, from the data, several at once."""

import numpy as np
import pandas as pd
import pytest

from skrnn import WindowForecaster
from skrnn.metrics import mase


def _daily_and_weekly(n, seed=0, freq="h"):
    """Hourly values with a daily cycle, and weekends unlike weekdays."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    day = np.sin(2 * np.pi * t / 24)
    weekend = ((t // 24) % 7 >= 5) * (2.0 + 1.5 * np.cos(2 * np.pi * t / 24))
    y = 10 + day + weekend + 0.1 * rng.standard_normal(n)
    index = pd.date_range("2024-01-01", periods=n, freq=freq)
    return pd.Series(y, index=index, name="load")


@pytest.mark.parametrize(
    "freq, n, seasons",
    [
        ("30min", 1200, (48, 336)),
        ("h", 1200, (24, 168)),
        ("D", 500, (7,)),
        ("D", 1200, (7, 365)),  # two years of days: the yearly cycle too
    ],
)
def test_seasons_come_from_the_index_at_every_frequency(freq, n, seasons):
    y = _daily_and_weekly(n, freq=freq)
    forecaster = WindowForecaster(horizon=4, calibration=None).fit(y)
    assert forecaster.seasons_ == seasons
    assert forecaster.season_source_ == "index"
    assert forecaster.season_ in (1, *seasons)


def test_seasons_are_found_in_the_data_of_integer_steps():
    y = _daily_and_weekly(24 * 7 * 6).reset_index(drop=True)
    forecaster = WindowForecaster(horizon=4, calibration=None).fit(y)
    assert forecaster.season_source_ == "data"
    assert 24 in forecaster.seasons_


def test_white_noise_of_integer_steps_has_no_season():
    y = pd.Series(np.random.default_rng(3).standard_normal(600))
    forecaster = WindowForecaster(horizon=4, calibration=None).fit(y)
    assert forecaster.seasons_ == () and forecaster.season_ == 1


def test_season_given_as_a_sequence_and_as_one():
    y = _daily_and_weekly(1200)
    both = WindowForecaster(horizon=4, season=[168, 24], calibration=None).fit(y)
    assert both.seasons_ == (24, 168) and both.season_source_ == "season"
    one = WindowForecaster(horizon=24, season=24, calibration=None).fit(y)
    assert one.seasons_ == (24,) and one.season_ == 24
    with pytest.raises(ValueError, match="season"):
        WindowForecaster(horizon=4, season=[24, 1]).fit(y)


def test_daily_and_weekly_cycles_forecast_better_than_the_daily_one_alone():
    y = _daily_and_weekly(24 * 7 * 12, seed=1)
    train, test = y.iloc[:-48], y.iloc[-48:]
    scores = {}
    for season in (24, (24, 168)):
        forecaster = WindowForecaster(horizon=48, season=season, calibration=None)
        forecast = forecaster.fit(train).predict()
        scores[season] = mase(test.to_numpy(), forecast.to_numpy(), train, 24)
    assert WindowForecaster(horizon=48, season=(24, 168)).fit(train).season_ == 168
    assert scores[(24, 168)] < 0.8 * scores[24]


def test_a_series_that_wanders_more_than_it_repeats_is_anchored_on_its_last_value():
    """A weekly random walk: the index says 52, the last value forecasts better."""
    rng = np.random.default_rng(5)
    y = pd.Series(
        100 + np.cumsum(rng.normal(size=400)),
        index=pd.date_range("2000-01-02", periods=400, freq="W-SUN"),
    )
    forecaster = WindowForecaster(horizon=13, calibration=None).fit(y)
    assert forecaster.seasons_ == (52,)
    assert forecaster.season_ == 1 and not forecaster.seasonal_
    # a strong yearly pattern on the same index anchors on the cycle
    t = np.arange(400)
    seasonal = y.copy()
    seasonal[:] = 100 + 10 * np.sin(2 * np.pi * t / 52) + rng.normal(size=400)
    assert WindowForecaster(horizon=13, calibration=None).fit(seasonal).season_ == 52
