"""What a newcomer meets: the advice of an error works when followed literally."""

import re

import numpy as np
import pandas as pd
import pytest

import skrnn
import skrnn.forecasting
from skrnn import RNNForecaster, WindowForecaster
from skrnn.datasets import load_airline, load_us_employment
from skrnn.forecasting import fill_gaps

# one network, not the default ensemble of three: these tests are not about it
TINY_RNN = {"units": 4, "epochs": 2, "batch_size": 32, "n_models": 1, "random_state": 0}


def airline():
    return load_airline().astype(float)


def follow(message):
    """Run the ``y = ...`` statements an error message advises, on ``y``."""
    return re.findall(r"(y(?:\.index)? = [^;]+?\))(?=[;.]?\s|[;.]?$| \(|$)", message)


def apply_advice(message, y):
    statements = follow(message)
    assert statements, f"no statement to run in: {message}"
    scope = {"y": y, "pd": pd, "np": np, "skrnn": skrnn}
    for statement in statements:
        exec(statement, scope)
    return scope["y"]


# -- 1. fill_gaps returns what the messages promise ------------------------------


def test_fill_gaps_returns_the_filled_series():
    y = airline()
    gappy = y.drop(y.index[[5, 9]])
    filled = fill_gaps(gappy)
    assert isinstance(filled, pd.Series)
    pd.testing.assert_series_equal(filled.asfreq("MS"), filled)
    assert filled.index.equals(y.index)
    filled, n_filled = fill_gaps(gappy, return_count=True)
    assert n_filled == 2
    frame = fill_gaps(gappy.to_frame())
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(y)


def test_missing_value_advice_works_literally():
    y = airline()
    y.iloc[7] = np.nan
    with pytest.raises(ValueError, match="fill_gaps") as error:
        WindowForecaster(horizon=2, look_back=12).fit(y)
    y = apply_advice(str(error.value), y)
    WindowForecaster(horizon=2, look_back=12).fit(y)


def test_irregular_index_advice_works_literally():
    y = airline().drop(airline().index[[5, 9]])
    with pytest.raises(ValueError) as error:
        WindowForecaster(horizon=2, look_back=12).fit(y)
    y = apply_advice(str(error.value), y)
    WindowForecaster(horizon=2, look_back=12).fit(y)


def test_panel_gap_advice_works_literally():
    panel = load_us_employment()
    panel = panel.drop(index=[5, 300])
    with pytest.raises(ValueError, match="fill_gaps on each series") as error:
        WindowForecaster(horizon=2, look_back=12).fit(panel)
    assert "fill_gaps" in str(error.value)
    # fill_gaps on each series
    panel = (
        panel.set_index("ds")
        .groupby("unique_id", sort=False)["y"]
        .apply(fill_gaps)
        .reset_index()
    )
    WindowForecaster(horizon=2, look_back=12).fit(panel)


# -- 2. dates written as text -----------------------------------------------------


@pytest.mark.parametrize(
    "fmt, freq", [("%b %Y", "MS"), ("%Y-%m", "MS"), ("%b %d %Y", "D")]
)
@pytest.mark.parametrize("forecaster", ["window", "rnn"])
def test_dates_as_text_in_the_index_are_parsed(fmt, freq, forecaster):
    y = airline()
    if freq == "D":
        y.index = pd.date_range("2000-04-01", periods=len(y), freq="D")
    text = y.set_axis(y.index.strftime(fmt))  # 'Jan 1949', '1949-01', 'Apr 01 2000'
    if forecaster == "window":
        model = WindowForecaster(horizon=3, look_back=12)
    else:
        model = RNNForecaster(horizon=3, look_back=12, **TINY_RNN)
    forecast = model.fit(text).predict()
    expected = pd.date_range(y.index[-1], periods=4, freq=freq)[1:]
    assert forecast.index.equals(expected)


def test_dates_as_text_out_of_order_get_advice_that_works():
    y = airline()
    text = y.set_axis(y.index.strftime("%b %Y"))
    y = text.sort_index()  # alphabetical: 'Apr 1949', 'Apr 1950' ...
    with pytest.raises(ValueError, match="written as text") as error:
        WindowForecaster(horizon=3, look_back=12).fit(y)
    y = apply_advice(str(error.value), y)
    forecast = WindowForecaster(horizon=3, look_back=12).fit(y).predict()
    assert forecast.index[0] == pd.Timestamp("1961-01-01")


def test_dates_as_text_in_a_long_panel_time_column():
    panel = load_us_employment()
    panel = panel.assign(ds=panel["ds"].dt.strftime("%b %Y"))
    panel = panel.sample(frac=1.0, random_state=0)  # rows in no order
    forecast = WindowForecaster(horizon=2, look_back=12).fit(panel).predict()
    last = load_us_employment()["ds"].max()
    assert forecast["ds"].max() == last + pd.offsets.MonthBegin(2)


def test_a_text_date_that_does_not_parse_is_named():
    y = airline()
    labels = list(y.index.strftime("%b %Y"))
    labels[30] = "Jul 195O"  # a letter O for a zero
    with pytest.raises(ValueError, match=r"'Jul 195O' is not a date.*pd.to_datetime"):
        WindowForecaster(horizon=3, look_back=12).fit(y.set_axis(labels))


def test_dates_as_text_in_the_index_of_a_wide_panel():
    wide = load_us_employment(layout="wide")
    text = wide.set_axis(wide.index.strftime("%b %Y"), axis=0)
    forecast = WindowForecaster(horizon=2, look_back=12).fit(text).predict()
    assert forecast.index[0] == wide.index[-1] + pd.offsets.MonthBegin(1)


# -- 3. a missing hour ------------------------------------------------------------


def hourly(n=24 * 20):
    t = np.arange(n)
    values = 10 + np.sin(2 * np.pi * t / 24) + 0.01 * t
    index = pd.date_range("2021-03-20", periods=n, freq="h")
    return pd.Series(values, index=index, name="temperature")


def test_a_missing_hour_is_named_and_the_advice_works():
    y = hourly().drop(pd.Timestamp("2021-03-28 02:00"))  # a daylight-saving gap
    with pytest.raises(ValueError) as error:
        WindowForecaster(horizon=3, look_back=24).fit(y)
    message = str(error.value)
    assert "misses 1 timestamp" in message
    assert "2021-03-28 02:00:00" in message
    assert "to_period" not in message
    y = apply_advice(message, y)
    assert len(y) == len(hourly())
    WindowForecaster(horizon=3, look_back=24).fit(y)


def test_many_missing_hours_name_the_first_and_count():
    y = hourly()
    y = y.drop(y.index[[30, 31, 100, 200, 300]])
    with pytest.raises(ValueError, match=r"misses 5 timestamp.*2021-03-21 06:00:00"):
        WindowForecaster(horizon=3, look_back=24).fit(y)


@pytest.mark.parametrize(
    "index, fix",
    [
        (pd.Index(np.arange(1700.0, 1748.0), name="year"), "y.index = y.index.astype"),
        (
            pd.date_range("2000-01-01", periods=48, freq="D").delete([5, 17]),
            "fill_gaps",
        ),
    ],
    ids=["float years", "dates after dropna"],
)
def test_the_irregular_index_advice_works_literally(index, fix):
    y = pd.Series(np.sin(np.arange(len(index)) / 3) + 5, index=index)
    with pytest.raises(ValueError) as error:
        WindowForecaster(horizon=2, look_back=6).fit(y)
    message = str(error.value)
    statement = next(
        s for s in re.findall(r"\(?(y(?:\.index)? = [^;)]+\))", message) if fix in s
    )
    scope = {"y": y, "pd": pd, "skrnn": skrnn}
    exec(statement, scope)
    WindowForecaster(horizon=2, look_back=6).fit(scope["y"])
