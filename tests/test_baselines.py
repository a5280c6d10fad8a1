"""Tests for the naive forecasters in skrnn.baselines."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_regressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, cross_val_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor


def _expected_failed_checks(estimator):
    if getattr(estimator, "season_length", 1) > 1:
        return {
            "check_fit2d_1feature": (
                "one column is read as a window of one time step, shorter than "
                "the season; the ValueError says so, in words the check does not "
                "look for"
            )
        }
    return {}


@parametrize_with_checks(
    # season_length=2 reads inside the window, not only its end; the checks'
    # data have too few columns for the default of 12
    [
        PersistenceRegressor(),
        SeasonalNaiveRegressor(season_length=1),
        SeasonalNaiveRegressor(season_length=2),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _windows(n_samples=5, look_back=14, n_features=2):
    """Windows whose every value says where it comes from: 100*sample + 10*step + f."""
    sample = np.arange(n_samples)[:, None, None]
    step = np.arange(look_back)[None, :, None]
    feature = np.arange(n_features)[None, None, :]
    return (100.0 * sample + 10.0 * step + feature).astype(float)


@pytest.mark.parametrize("cls", [PersistenceRegressor, SeasonalNaiveRegressor])
def test_is_regressor(cls):
    assert is_regressor(cls())


def test_persistence_predicts_last_value_of_target_feature():
    X = _windows(look_back=4, n_features=3)
    y = np.zeros(len(X))
    model = PersistenceRegressor(target_feature=2).fit(X, y)
    assert_array_equal(model.predict(X), X[:, -1, 2])
    assert model.n_outputs_ == 1
    assert model.n_features_in_ == 4


def test_persistence_on_2d_windows_reads_one_feature():
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_array_equal(PersistenceRegressor().fit(X, [0, 0]).predict(X), [3.0, 6.0])


def test_persistence_repeats_last_value_for_each_step_ahead():
    X = _windows(look_back=4, n_features=1)
    y = np.zeros((len(X), 3))
    y_pred = PersistenceRegressor().fit(X, y).predict(X)
    assert y_pred.shape == (len(X), 3)
    for h in range(3):
        assert_array_equal(y_pred[:, h], X[:, -1, 0])


def test_persistence_keeps_a_single_column_target_1d():
    X = _windows(look_back=4, n_features=1)
    y_pred = PersistenceRegressor().fit(X, np.zeros((len(X), 1))).predict(X)
    assert y_pred.shape == (len(X),)


def test_seasonal_naive_one_step_is_one_season_back():
    X = _windows(look_back=14, n_features=2)
    model = SeasonalNaiveRegressor(season_length=12, target_feature=1)
    y_pred = model.fit(X, np.zeros(len(X))).predict(X)
    # window positions 0..13: one season before step 14 is position 2
    assert_array_equal(y_pred, X[:, 2, 1])


def test_seasonal_naive_steps_within_a_season():
    season = 4
    X = _windows(look_back=6, n_features=1)
    y = np.zeros((len(X), season))
    y_pred = SeasonalNaiveRegressor(season_length=season).fit(X, y).predict(X)
    # step h is forecast by position look_back - season + h - 1 = 1 + h
    for h in range(1, season + 1):
        assert_array_equal(y_pred[:, h - 1], X[:, 1 + h, 0])


def test_seasonal_naive_beyond_one_season_wraps_by_whole_seasons():
    season = 3
    X = _windows(look_back=season, n_features=1)
    y = np.zeros((len(X), 2 * season + 1))
    y_pred = SeasonalNaiveRegressor(season_length=season).fit(X, y).predict(X)
    for h in range(1, 2 * season + 2):
        assert_array_equal(y_pred[:, h - 1], X[:, (h - 1) % season, 0])


def test_seasonal_naive_with_season_one_is_persistence():
    X = _windows(look_back=5, n_features=1)
    y = np.zeros((len(X), 3))
    assert_array_equal(
        SeasonalNaiveRegressor(season_length=1).fit(X, y).predict(X),
        PersistenceRegressor().fit(X, y).predict(X),
    )


def test_seasonal_naive_forecasts_a_pure_seasonal_series_exactly():
    season = 12
    series = np.tile(np.arange(season, dtype=float), 5)
    look_back = 12
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], look_back)
    y = series[look_back:]
    model = SeasonalNaiveRegressor(season_length=season).fit(X, y)
    assert_array_equal(model.predict(X), y)
    assert model.score(X, y) == 1.0


def test_seasonal_naive_refuses_windows_shorter_than_the_season():
    X = _windows(look_back=11, n_features=1)
    with pytest.raises(ValueError, match="season_length=12"):
        SeasonalNaiveRegressor().fit(X, np.zeros(len(X)))


@pytest.mark.parametrize("cls", [PersistenceRegressor, SeasonalNaiveRegressor])
def test_several_features_need_target_feature(cls):
    X = _windows(look_back=12, n_features=2)
    with pytest.raises(ValueError, match="target_feature"):
        cls().fit(X, np.zeros(len(X)))


@pytest.mark.parametrize("cls", [PersistenceRegressor, SeasonalNaiveRegressor])
def test_target_feature_out_of_range(cls):
    X = _windows(look_back=12, n_features=2)
    with pytest.raises(ValueError, match="target_feature=2"):
        cls(target_feature=2).fit(X, np.zeros(len(X)))


@pytest.mark.parametrize(
    "params", [{"target_feature": -1}, {"target_feature": 0.5}, {"season_length": 0}]
)
def test_invalid_parameters_are_rejected_at_fit(params):
    X = _windows(look_back=12, n_features=1)
    name = next(iter(params))
    with pytest.raises(ValueError, match=name):
        SeasonalNaiveRegressor(**params).fit(X, np.zeros(len(X)))


def test_predict_refuses_a_different_number_of_features_per_step():
    X = _windows(look_back=4, n_features=2)
    model = PersistenceRegressor(target_feature=0).fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="features per time step"):
        model.predict(_windows(look_back=4, n_features=3))


def test_refuses_4d_input():
    X = np.zeros((3, 4, 2, 1))
    with pytest.raises(ValueError, match="dimensions"):
        PersistenceRegressor(target_feature=0).fit(X, np.zeros(3))


def test_accepts_pandas_2d_windows():
    X = pd.DataFrame([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], columns=["lag_1", "lag_0"])
    model = PersistenceRegressor().fit(X, pd.Series([3.0, 5.0, 7.0]))
    assert_array_equal(model.feature_names_in_, ["lag_1", "lag_0"])
    assert_array_equal(model.predict(X), [2.0, 4.0, 6.0])


def test_inputs_are_not_modified():
    X = _windows(look_back=12, n_features=1)
    y = np.arange(2.0 * len(X)).reshape(len(X), 2)
    X_before, y_before = X.copy(), y.copy()
    model = SeasonalNaiveRegressor().fit(X, y)
    y_pred = model.predict(X)
    y_pred += 1000.0  # the forecast must not be a view into X
    assert_array_equal(X, X_before)
    assert_array_equal(y, y_before)


def test_cross_validates_next_to_a_linear_model_on_the_same_windows():
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=120))
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], 12)
    y = series[12:]
    cv = TimeSeriesSplit(n_splits=3)
    naive = cross_val_score(PersistenceRegressor(), X, y, cv=cv)
    ridge = cross_val_score(Ridge(), X, y, cv=cv)
    assert naive.shape == ridge.shape == (3,)
    # on a random walk, persistence is the best forecast there is
    assert naive.mean() > 0.0


def test_clone_keeps_parameters():
    model = SeasonalNaiveRegressor(7, target_feature=1)
    assert clone(model).get_params() == {"season_length": 7, "target_feature": 1}
