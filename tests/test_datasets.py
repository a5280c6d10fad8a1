"""Tests for the shipped datasets, against published facts about each series."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn.datasets import load_airline, load_nile, load_sunspots


def test_airline_matches_box_and_jenkins_series_g():
    y = load_airline()
    assert isinstance(y, pd.Series)
    assert y.name == "passengers"
    assert y.shape == (144,)
    first_year = [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]
    assert_array_equal(y.iloc[:12], first_year)
    assert y.iloc[-1] == 432
    assert y.sum() == 40363
    assert y.max() == 622 and y.idxmax() == pd.Timestamp("1960-07-01")


def test_airline_has_a_monthly_index():
    y = load_airline()
    assert isinstance(y.index, pd.DatetimeIndex)
    assert y.index.freq == pd.offsets.MonthBegin()
    assert y.index[0] == pd.Timestamp("1949-01-01")
    assert y.index[-1] == pd.Timestamp("1960-12-01")


def test_sunspots_matches_the_yearly_version_1_series():
    y = load_sunspots()
    assert y.name == "sunspots"
    assert y.shape == (309,)
    assert y.dtype == np.float64
    assert y.iloc[0] == 5.0  # 1700
    # the highest yearly mean of version 1 is that of 1957
    assert y.max() == 190.2 and y.idxmax() == pd.Timestamp("1957-01-01")
    assert (y >= 0).all()


def test_sunspots_has_a_yearly_index():
    y = load_sunspots()
    assert isinstance(y.index, pd.DatetimeIndex)
    assert y.index.freq == pd.offsets.YearBegin()
    assert_array_equal(y.index.year, np.arange(1700, 2009))


def test_nile_matches_published_summary():
    y = load_nile()
    assert y.name == "volume"
    assert y.shape == (100,)
    assert y.iloc[0] == 1120 and y.iloc[-1] == 740
    assert y.min() == 456 and y.max() == 1370
    assert y.mean() == pytest.approx(919.35)
    assert_array_equal(y.index.year, np.arange(1871, 1971))
    assert y.index.freq == pd.offsets.YearBegin()


@pytest.mark.parametrize("load", [load_airline, load_sunspots, load_nile])
def test_each_call_returns_a_fresh_series(load):
    first = load()
    first.iloc[:] = 0
    assert (load() != 0).any()


@pytest.mark.parametrize("load", [load_airline, load_sunspots, load_nile])
def test_no_missing_values(load):
    assert not load().isna().any()


def test_japanese_vowels_are_variable_length_sequences():
    from skrnn.datasets import load_japanese_vowels

    X, y = load_japanese_vowels()
    X_test, y_test = load_japanese_vowels(split="test")
    assert (len(X), len(X_test)) == (270, 370)
    assert {x.shape[1] for x in X + X_test} == {12}
    lengths = [len(x) for x in X + X_test]
    assert (min(lengths), max(lengths)) == (7, 29)
    # the documented design: 30 training utterances for each of 9 speakers
    speakers, counts = np.unique(y, return_counts=True)
    assert list(speakers) == [str(i) for i in range(1, 10)] and set(counts) == {30}
    assert set(y_test) == set(y)
    with pytest.raises(ValueError, match="split"):
        load_japanese_vowels(split="validation")


def test_number_names_are_the_english_and_french_names_of_0_to_999():
    from skrnn.datasets import load_number_names

    frame = load_number_names()
    assert frame.shape == (1000, 3)
    assert list(frame.columns) == ["number", "english", "french"]
    assert_array_equal(frame["number"], np.arange(1000))
    assert frame.loc[0, "english"] == "zero" and frame.loc[0, "french"] == "zéro"
    assert frame.loc[80, "french"] == "quatre-vingts"
    assert frame.loc[999, "english"] == "nine hundred and ninety-nine"
    assert frame.loc[999, "french"] == "neuf cent quatre-vingt-dix-neuf"
    assert not frame.isna().any().any() and (frame["english"].str.len() > 0).all()


# -- a panel: many related series ---------------------------------------------

US_EMPLOYMENT_IDS = [
    "construction",
    "durable_goods",
    "education_and_health_services",
    "financial_activities",
    "government",
    "information",
    "leisure_and_hospitality",
    "mining_and_logging",
    "nondurable_goods",
    "other_services",
    "professional_and_business_services",
    "retail_trade",
    "transportation_and_warehousing",
    "utilities",
    "wholesale_trade",
]


def test_us_employment_long_layout_is_a_sorted_panel():
    from skrnn.datasets import load_us_employment

    panel = load_us_employment()
    assert list(panel.columns) == ["unique_id", "ds", "y"]
    assert panel.shape == (15 * 120, 3)
    assert panel.index.equals(pd.RangeIndex(15 * 120))
    assert sorted(panel["unique_id"].unique()) == US_EMPLOYMENT_IDS
    assert all(isinstance(i, str) for i in panel["unique_id"])
    assert panel["y"].dtype == np.float64
    assert pd.api.types.is_datetime64_any_dtype(panel["ds"])
    # sorted by id, then time; every series on the same 120 month starts
    assert panel.equals(panel.sort_values(["unique_id", "ds"], ignore_index=True))
    months = pd.date_range("2006-01-01", "2015-12-01", freq="MS")
    for _, series in panel.groupby("unique_id"):
        assert_array_equal(series["ds"], months)
    assert not panel.isna().any().any()


def test_us_employment_wide_layout_has_a_monthly_frequency():
    from skrnn.datasets import load_us_employment

    wide = load_us_employment(layout="wide")
    assert wide.shape == (120, 15)
    assert list(wide.columns) == US_EMPLOYMENT_IDS
    assert isinstance(wide.index, pd.DatetimeIndex)
    assert wide.index.freq == pd.offsets.MonthBegin()
    assert wide.index[0] == pd.Timestamp("2006-01-01")
    assert wide.index[-1] == pd.Timestamp("2015-12-01")
    assert (wide.dtypes == np.float64).all()
    assert not wide.isna().any().any()


def test_us_employment_long_and_wide_agree():
    from skrnn.datasets import load_us_employment

    long = load_us_employment(layout="long")
    wide = load_us_employment(layout="wide")
    pivoted = long.pivot(index="ds", columns="unique_id", values="y")
    assert_array_equal(pivoted.index, wide.index)
    assert list(pivoted.columns) == list(wide.columns)
    assert_array_equal(pivoted.to_numpy(), wide.to_numpy())


def test_us_employment_matches_the_bls_figures():
    """Published CES values, and the industries add up to total nonfarm jobs."""
    from skrnn.datasets import load_us_employment

    wide = load_us_employment(layout="wide")
    assert wide.loc["2006-01-01", "construction"] == 7601
    assert wide.loc["2006-01-01", "wholesale_trade"] == 5840.4
    assert wide.loc["2006-01-01", "government"] == 21847
    # total nonfarm employment, January 2006 and December 2015 (thousands)
    assert wide.iloc[0].sum() == pytest.approx(135450, abs=1)
    assert wide.iloc[-1].sum() == pytest.approx(143093, abs=1)
    # the recession: construction lost about a third of its jobs
    assert wide["construction"].min() / wide["construction"].max() < 0.71
    assert (wide > 0).all().all()


def test_us_employment_refuses_an_unknown_layout():
    from skrnn.datasets import load_us_employment

    with pytest.raises(ValueError, match="layout must be 'long' or 'wide'"):
        load_us_employment(layout="tidy")
