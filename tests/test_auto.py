"""Tests for AutoForecaster: the backtest's winner forecasts."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils import get_tags

from skrnn import AutoForecaster, WindowForecaster
from skrnn.baselines import SeasonalNaiveRegressor

HORIZON = 4
NAIVE = "seasonal naive"


def _monthly(values):
    index = pd.date_range("2015-01-01", periods=len(values), freq="MS")
    return pd.Series(values, index=index, name="y")


def _trend(n=72, seed=0):
    """A straight line with a little noise: Ridge forecasts it, a season does not."""
    noise = np.random.default_rng(seed).normal(0, 0.1, n)
    return _monthly(50.0 + 2.0 * np.arange(n) + noise)


def _seasonal(n=72, seed=0):
    """A yearly pattern repeated exactly: the seasonal naive forecast is perfect."""
    pattern = np.random.default_rng(seed).uniform(10, 20, 12)
    return _monthly(np.tile(pattern, n // 12))


def _naive():
    return WindowForecaster(
        SeasonalNaiveRegressor(12), horizon=HORIZON, look_back=12, season=12
    )


def _ridge(look_back="auto"):
    return WindowForecaster(horizon=HORIZON, look_back=look_back, season=12)


def test_a_trend_is_forecast_by_ridge_not_by_the_seasonal_naive_forecast():
    y = _trend()
    # the naive forecast first: taking the first candidate would pick it
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2).fit(y)
    assert fc.best_ == fc.selected_ == "Ridge"
    scores = fc.scores_.set_index("model")["mase"]
    assert scores["Ridge"] < 0.5 * scores[NAIVE]
    assert fc.scores_["model"].tolist() == ["Ridge", NAIVE]
    assert {"mase", "smape", "fit_time"} <= set(fc.scores_.columns)


def test_a_pure_season_is_forecast_by_the_seasonal_naive_forecast():
    y = _seasonal()
    # Ridge first, on too short a window to see the yearly pattern
    candidates = {"Ridge": _ridge(look_back=3), NAIVE: _naive()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2).fit(y)
    assert fc.best_ == fc.selected_ == NAIVE
    # its in-sample errors are zero: MASE is undefined, MAE ranks
    scores = fc.scores_.set_index("model")
    assert scores["mase"].isna().all()
    assert scores.loc[NAIVE, "mae"] < 1e-9 < scores.loc["Ridge", "mae"]


def test_a_noisy_season_is_forecast_by_the_seasonal_naive_forecast():
    noise = np.random.default_rng(1).normal(0, 0.2, 72)
    y = _seasonal() + noise
    candidates = {"Ridge": _ridge(look_back=3), NAIVE: _naive()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2).fit(y)
    assert fc.selected_ == NAIVE
    scores = fc.scores_.set_index("model")["mase"]
    assert scores[NAIVE] < 0.5 * scores["Ridge"]


def test_the_winner_is_refitted_on_the_whole_history_and_forecasts():
    y = _trend()
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2).fit(y)
    assert fc.forecaster_.cutoff_ == y.index[-1]
    assert fc.cutoff_ == y.index[-1]
    assert fc.season_ == fc.forecaster_.season_
    expected = clone(candidates["Ridge"]).fit(y)
    pd.testing.assert_series_equal(fc.predict(), expected.predict())
    pd.testing.assert_frame_equal(
        fc.predict(coverage=0.8), expected.predict(coverage=0.8)
    )
    # the candidates given are left unfitted
    assert not hasattr(candidates["Ridge"], "estimator_")


def test_update_and_score_are_the_winners():
    y = _trend(n=80)
    history, new, future = y.iloc[:72], y.iloc[72:76], y.iloc[76:]
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2).fit(history)
    fc.update(new)
    assert fc.cutoff_ == new.index[-1]
    assert fc.predict().index[0] == future.index[0]
    assert fc.score(future) == fc.forecaster_.score(future)
    assert fc.score(future) > -0.5


def test_selection_names_the_candidate_used_whatever_its_backtest():
    y = _trend()
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2, selection=NAIVE)
    fc.fit(y)
    assert fc.best_ == "Ridge"
    assert fc.selected_ == NAIVE
    # the seasonal naive forecast repeats the last year
    np.testing.assert_allclose(fc.predict().to_numpy(), y.to_numpy()[-12:-8])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"selection": "Lasso"}, "neither 'best', 'weighted' nor a candidate"),
        ({"horizon": 2}, "Every forecaster must have horizon=2"),
    ],
)
def test_bad_settings_are_named(params, message):
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    settings = {"horizon": HORIZON, "n_origins": 2, **params}
    with pytest.raises(ValueError, match=message):
        AutoForecaster(candidates, **settings).fit(_trend())


def test_default_candidates_are_the_network_ridge_and_the_seasonal_naive_forecast():
    y = _trend(n=60)
    fc = AutoForecaster(horizon=HORIZON, n_origins=1, random_state=0).fit(y)
    assert set(fc.scores_["model"]) == {
        "RNNForecaster",
        "Ridge",
        "naive",
        "seasonal naive (12)",
    }
    assert fc.best_ == fc.scores_["model"].iloc[0]
    scores = fc.scores_.set_index("model")["mase"]
    assert scores["Ridge"] < scores["seasonal naive (12)"]
    assert fc.forecaster_.cutoff_ == y.index[-1]


def test_a_panel_is_selected_on_the_mean_mase_of_its_series_unless_per_series():
    frames = [
        pd.DataFrame({"unique_id": key, "ds": y.index, "y": y.to_numpy() * scale})
        for key, y, scale in (("a", _trend(seed=1), 1.0), ("b", _trend(seed=2), 3.0))
    ]
    panel = pd.concat(frames, ignore_index=True)
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2, per_series=False).fit(
        panel
    )
    assert fc.selected_ == "Ridge"
    forecast = fc.predict()
    assert forecast.groupby("unique_id").size().to_dict() == {"a": HORIZON, "b": 4}
    assert fc.cutoff_.to_dict() == {"a": panel["ds"].max(), "b": panel["ds"].max()}


def test_clone_and_get_params_round_trip():
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(
        candidates, horizon=HORIZON, n_origins=2, selection="Ridge", random_state=3
    )
    copy = clone(fc)
    shallow = fc.get_params(deep=False)
    for name, value in copy.get_params(deep=False).items():
        if name != "forecasters":
            assert value == shallow[name]
    assert list(copy.forecasters) == [NAIVE, "Ridge"]
    assert copy.forecasters["Ridge"].get_params() == _ridge().get_params()
    copy.set_params(n_origins=3, selection="best")
    assert (copy.n_origins, fc.n_origins) == (3, 2)
    assert not get_tags(fc).non_deterministic
    assert get_tags(AutoForecaster()).non_deterministic


def test_predict_before_fit_is_refused():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        AutoForecaster().predict()


def _mixed_panel():
    """Series "trend" that Ridge forecasts, series "season" that repeats exactly."""
    trend, season = _trend(), _seasonal()
    return pd.concat(
        [
            pd.DataFrame({"unique_id": key, "ds": y.index, "y": y.to_numpy()})
            for key, y in (("trend", trend), ("season", season))
        ],
        ignore_index=True,
    )


def test_each_series_of_a_panel_is_forecast_by_its_own_winner():
    panel = _mixed_panel()
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(candidates, horizon=HORIZON, n_origins=2).fit(panel)
    assert fc.selected_ == "per series"
    assert fc.forecaster_ is None
    assert fc.weights_.loc["trend"].to_dict() == {NAIVE: 0.0, "Ridge": 1.0}
    assert fc.weights_.loc["season"].to_dict() == {NAIVE: 1.0, "Ridge": 0.0}
    forecast = fc.predict(coverage=0.8).set_index(["unique_id", "ds"])
    for name, key in (("Ridge", "trend"), (NAIVE, "season")):
        alone = clone(candidates[name]).fit(panel).predict(coverage=0.8)
        alone = alone.set_index(["unique_id", "ds"]).loc[key]
        pd.testing.assert_frame_equal(forecast.loc[key], alone)


def test_a_weighted_combination_sums_the_candidates_by_inverse_squared_mase():
    y = _trend()
    candidates = {NAIVE: _naive(), "Ridge": _ridge()}
    fc = AutoForecaster(
        candidates, horizon=HORIZON, n_origins=2, selection="weighted"
    ).fit(y[:-HORIZON])
    assert fc.selected_ == "weighted"
    inverse = fc.series_scores_.iloc[0] ** -2.0
    expected = inverse / inverse.sum()
    np.testing.assert_allclose(fc.weights_.iloc[0], expected[fc.weights_.columns])
    assert 0 < fc.weights_.iloc[0][NAIVE] < fc.weights_.iloc[0]["Ridge"] < 1
    alone = {
        name: clone(model).fit(y[:-HORIZON]).predict()
        for name, model in candidates.items()
    }
    blend = sum(fc.weights_.iloc[0][name] * alone[name] for name in alone)
    np.testing.assert_allclose(fc.predict().to_numpy(), blend.to_numpy())
    # its score is the MASE of the blend, not of one candidate
    from skrnn.metrics import mase

    truth = y[-HORIZON:].to_numpy()
    expected_score = -mase(truth, blend.to_numpy(), y[:-HORIZON].to_numpy(), 12)
    assert fc.score(y[-HORIZON:]) == pytest.approx(expected_score)


def test_selection_weights_arithmetic():
    from skrnn._selection.weights import selection_weights

    errors = pd.DataFrame(
        {"a": [1.0, 0.0, np.nan], "b": [2.0, 1.0, 1.0]}, index=["x", "y", "z"]
    )
    overall = pd.Series({"a": 1.0, "b": 3.0})
    best = selection_weights(errors, overall, "best", per_series=True)
    assert best.to_numpy().tolist() == [[1, 0], [1, 0], [0, 1]]
    weighted = selection_weights(errors, overall, "weighted", per_series=True)
    np.testing.assert_allclose(weighted.to_numpy(), [[0.8, 0.2], [1, 0], [0, 1]])
    pooled = selection_weights(errors, overall, "weighted", per_series=False)
    np.testing.assert_allclose(pooled.to_numpy(), [[0.9, 0.1]] * 3)
    named = selection_weights(errors, overall, "b", per_series=True)
    assert named["b"].tolist() == [1, 1, 1]
