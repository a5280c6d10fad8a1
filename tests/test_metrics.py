"""Tests for skrnn.metrics (sMAPE, MASE) and their use by compare."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skrnn import SlidingWindowTransformer, make_supervised
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
from skrnn.datasets import load_airline
from skrnn.metrics import mase, seasonal_naive_scale, smape, smape_scorer
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
