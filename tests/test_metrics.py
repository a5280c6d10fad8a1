"""Tests for skrnn.metrics (sMAPE, MASE, OWA, MSIS, Naive2) and their use by compare."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skrnn import SlidingWindowTransformer, make_supervised
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
from skrnn.datasets import load_airline
from skrnn.metrics import (
    mase,
    msis,
    naive2_forecast,
    owa,
    seasonal_naive_scale,
    smape,
    smape_scorer,
)
from skrnn.model_selection import compare


def test_smape_is_the_m4_definition_in_percent():
    y, f = np.array([100.0, 50.0, 10.0]), np.array([110.0, 40.0, 10.0])
    expected = np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f)))
    assert smape(y, f) == pytest.approx(expected)
    assert smape([1.0, -1.0], [-1.0, 1.0]) == pytest.approx(200.0)  # the maximum
    # zeros in the truth keep it finite; 0 against 0 is no error
    assert smape([0.0, 0.0], [0.0, 1.0]) == pytest.approx(100.0)


def test_mase_scales_by_the_seasonal_naive_error_on_the_training_series():
    y_train = np.array([1.0, 3.0, 2.0, 4.0, 3.0, 5.0])
    # in-sample seasonal naive error, season 2: |2-1|, |4-3|, |3-2|, |5-4| -> 1
    assert seasonal_naive_scale(y_train, season=2) == pytest.approx(1.0)
    assert mase([4.0, 6.0], [5.0, 6.5], y_train, season=2) == pytest.approx(0.75)
    # season 1: persistence, |2|, |1|, |2|, |1|, |2| -> 1.6
    assert mase([4.0], [5.6], y_train) == pytest.approx(1.0)


def test_mase_refuses_a_training_series_too_short_for_the_season():
    with pytest.raises(ValueError, match="season=4 needs more than 4"):
        mase([1.0], [1.0], [1.0, 2.0, 3.0, 4.0], season=4)
    with pytest.raises(ValueError, match="same, non-zero number"):
        smape([1.0, 2.0], [1.0])


def test_compare_scores_smape_and_mase_with_the_training_part_of_each_fold():
    X, y = make_supervised(load_airline())
    cv = TimeSeriesSplit(n_splits=3)
    models = {
        "persistence": make_pipeline(
            SlidingWindowTransformer(1), PersistenceRegressor()
        ),
        "seasonal naive": make_pipeline(
            SlidingWindowTransformer(12), SeasonalNaiveRegressor(12)
        ),
    }
    board = compare(
        models, X, y, cv=cv, scoring=("smape", "mase"), season=12, progress=False
    ).set_index("model")
    values, windows = y.to_numpy(), np.asarray(X).reshape(-1)
    expected_mase, expected_smape = [], []
    for train, test in cv.split(X):
        forecast = windows[test]  # persistence: the value at the forecast origin
        expected_mase.append(mase(values[test], forecast, values[train], season=12))
        expected_smape.append(smape(values[test], forecast))
    assert_allclose(board.loc["persistence", "mase_mean"], np.mean(expected_mase))
    assert_allclose(board.loc["persistence", "smape_mean"], np.mean(expected_smape))
    assert smape_scorer._sign == -1  # a loss, negated as scikit-learn's scorers


def test_compare_refuses_a_season_longer_than_a_training_fold():
    X, y = make_supervised(load_airline())
    models = {
        "persistence": make_pipeline(
            SlidingWindowTransformer(1), PersistenceRegressor()
        )
    }
    with pytest.raises(ValueError, match="season=100 is too long"):
        compare(models, X, y, cv=5, scoring="mase", season=100, progress=False)


# four years of a quarterly series: a trend times the pattern 0.5, 1.5, 1.25, 0.75
SEASONAL = np.array(
    [5, 15, 12.5, 7.5, 6, 18, 15, 9, 7, 21, 17.5, 10.5, 8, 24, 20, 12], dtype=float
)


def test_naive2_reseasonalises_the_naive_forecast_of_a_seasonal_series():
    y = SEASONAL
    # R's decompose(type="multiplicative"), by hand: the 2x4 centred moving
    # average exists at t = 2 .. 13, three ratios to it per quarter
    trend = {
        t: (y[t - 2] / 2 + y[t - 1] + y[t] + y[t + 1] + y[t + 2] / 2) / 4
        for t in range(2, 14)
    }
    figure = np.array(
        [np.mean([y[t] / trend[t] for t in trend if t % 4 == q]) for q in range(4)]
    )
    index = figure / figure.mean()
    # the last value, 12 in quarter 3, deseasonalised and carried forward
    level = 12 / index[3]
    expected = [level * index[q] for q in (0, 1, 2, 3, 0, 1)]
    assert_allclose(naive2_forecast(y, 6, season=4), expected)
    # the last value, 12, over its quarter's index, 0.713: a level of 16.83,
    # neither the naive (12s) nor the seasonal naive forecast (8, 24, 20, 12)
    assert level == pytest.approx(16.831, abs=1e-3)
    assert_allclose(expected[:4], [8.86594603, 25.62055342, 20.83932379, 12.0])


def test_naive2_is_the_naive_forecast_when_the_series_is_not_seasonal():
    y = SEASONAL
    assert_allclose(naive2_forecast(y, 3), [12.0, 12.0, 12.0])  # season 1
    assert_allclose(naive2_forecast(y[:11], 3, season=4), [17.5] * 3)  # < 3 years
    walk = np.cumsum(np.random.default_rng(0).normal(size=40)) + 100
    assert_allclose(naive2_forecast(walk, 2, season=4), [walk[-1]] * 2)
    # R's acf() stops at lag 10 log10(n) = 22 here: a season of 52 is never tested
    weekly = np.tile(np.r_[np.ones(51), 5.0], 4)[:160]
    assert_allclose(naive2_forecast(weekly, 2, season=52), [weekly[-1]] * 2)


def test_naive2_squares_the_lag_1_autocorrelation_as_the_r_benchmarks_do():
    # seasonal by Bartlett's limit (R), not by the competition's Python test
    y = np.array(
        [48.9, 50.3, 49.9, 51.4, 50.3, 52.6, 51.5, 53.9, 52.1, 53.9, 52.4, 54.9]
        + [52.6, 53.4, 52.8, 54.4, 52.6, 53.9, 52.0, 54.6, 52.2, 53.4, 52.2, 53.8]
    )
    forecast = naive2_forecast(y, 4, season=4)
    assert forecast[3] == pytest.approx(53.8)  # the last quarter again
    assert forecast[0] < 52.5 < forecast[1]  # but reseasonalised


def test_naive2_refuses_what_it_cannot_forecast():
    with pytest.raises(ValueError, match="no missing values"):
        naive2_forecast([1.0, np.nan], 2)
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        naive2_forecast([1.0, 2.0], 0)
    with pytest.raises(TypeError, match="season must be an int"):
        naive2_forecast([1.0, 2.0], 2, season=1.5)


def test_owa_of_naive2_is_one_and_lower_for_a_better_forecast():
    rng = np.random.default_rng(0)
    panel = [np.abs(rng.normal(size=30).cumsum()) + 50 + 5 * k for k in range(4)]
    scores = {"naive2": [], "oracle-ish": []}
    for series in panel:
        train, test = series[:-6], series[-6:]
        naive2 = naive2_forecast(train, 6)
        better = (naive2 + test) / 2
        for name, forecast in (("naive2", naive2), ("oracle-ish", better)):
            scores[name].append((smape(test, forecast), mase(test, forecast, train)))
    reference = np.mean(scores["naive2"], axis=0)
    assert owa(*reference, *reference) == pytest.approx(1.0)
    # halfway to the truth: both errors halve, and so does the OWA
    assert owa(*np.mean(scores["oracle-ish"], axis=0), *reference) < 0.6
    assert owa(10.0, 1.0, smape_naive2=10.0, mase_naive2=2.0) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="must be positive"):
        owa(1.0, 1.0, 0.0, 1.0)


def test_msis_is_the_m4_definition_for_95_percent_intervals():
    y_train = np.array([10.0, 12.0, 11.0, 15.0])  # naive scale (2 + 1 + 4) / 3
    y_true = np.array([14.0, 20.0, 9.0])
    lower, upper = np.array([12.0, 13.0, 10.0]), np.array([16.0, 17.0, 14.0])
    # widths 4, 4, 4; misses 0, 3 above, 1 below, each weighed 2 / 0.05 = 40
    expected = (12 + 40 * (3 + 1)) / 3 / (7 / 3)
    assert msis(y_true, lower, upper, y_train) == pytest.approx(expected)
