"""RNNForecaster(naive_fallback=True): the network, or the last value (with drift)."""

import pickle

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose

from skrnn import RNNForecaster
from skrnn._forecast import calibration
from skrnn._forecast.naive_candidates import DRIFT, LAST_VALUE, naive_forecasts
from skrnn._forecast.rnn_forecaster import LINEAR_START, NETWORK


def _windows(values):
    """One window per row of ``values``, the target first, a covariate after."""
    values = np.asarray(values, dtype=float)
    return np.stack([values, np.full_like(values, 99.0)], axis=-1)


def test_the_last_value_repeats():
    windows = _windows([[1.0, 4.0, 2.0], [-3.0, 0.0, -5.0]])
    assert_allclose(naive_forecasts(windows, 2, LAST_VALUE), [[2.0, 2.0], [-5.0, -5.0]])


def test_the_drift_continues_the_change_over_the_last_horizon_steps():
    # not all positive: the change per step, in levels
    windows = _windows([[50.0, -7.0, -4.0, -1.0, 2.0]])
    # horizon 3 reads the last 3 changes: (2 - -7) / 3 = 3 per step
    assert_allclose(naive_forecasts(windows, 3, DRIFT), [[5.0, 8.0, 11.0]])
    # horizon 1 reads the last change only
    assert_allclose(naive_forecasts(windows, 1, DRIFT), [[5.0]])
    # a horizon past the window reads all of it: (2 - 50) / 4 = -12 per step
    assert_allclose(naive_forecasts(windows, 6, DRIFT)[0, :2], [-10.0, -22.0])


def test_a_positive_window_drifts_at_a_constant_rate():
    windows = _windows([[7.0, 1.0, 2.0, 4.0], [3.0, 3.0, 3.0, 3.0]])
    # doubling at every step over the last two: on doubling
    assert_allclose(
        naive_forecasts(windows, 2, DRIFT), [[8.0, 16.0], [3.0, 3.0]], rtol=1e-12
    )


def test_a_window_of_one_step_shows_no_drift():
    windows = _windows([[5.0], [-2.0]])
    assert_allclose(naive_forecasts(windows, 3, DRIFT), [[5.0] * 3, [-2.0] * 3])
    with pytest.raises(ValueError, match="Unknown naive forecast 'mean'"):
        naive_forecasts(windows, 3, "mean")


def _steps(n=400, seed=0):
    """A level that jumps every 40 steps and is flat in between, no noise.

    Repeating the last value is exact but where a jump falls in the next
    steps; the drift errs after each jump, a network everywhere a little.
    """
    rng = np.random.default_rng(seed)
    levels = np.cumsum(rng.choice([-3.0, 3.0], size=n // 40))
    return np.repeat(levels, 40)


def test_the_last_value_is_chosen_where_it_errs_least():
    y = _steps()
    fc = RNNForecaster(horizon=4, look_back=8, n_models=1, **FAST).fit(y)
    assert not fc.seasonal_
    assert fc.forecast_method_ == LAST_VALUE
    assert fc.linear_fallback_ is False
    assert all(member.n_iter_ == 1 for member in fc.estimators_)  # spared
    assert_allclose(fc.predict().to_numpy(), np.full(4, y[-1]))
    kept = fc.set_params(naive_fallback=False).fit(y)
    assert kept.forecast_method_ in (NETWORK, LINEAR_START)
    assert not np.allclose(kept.predict().to_numpy(), y[-1])


@pytest.fixture
def chosen_last(monkeypatch):
    """The last candidate offered chosen whatever the errors."""
    monkeypatch.setattr(calibration, "best_candidate", lambda errors: len(errors) - 1)


def test_the_drift_forecasts_with_its_own_errors(chosen_last, tmp_path):
    rng = np.random.default_rng(1)
    y = np.cumsum(rng.normal(0.5, 1.0, size=240))  # a random walk with drift
    params = {"horizon": 3, "look_back": 8, "n_models": 1, **FAST}
    fc = RNNForecaster(**params).fit(y)
    assert fc.forecast_method_ == DRIFT
    window = y[-8:][None, :, None]
    assert_allclose(fc.predict().to_numpy(), naive_forecasts(window, 3, DRIFT)[0])
    network = RNNForecaster(**params, naive_fallback=False).fit(y)
    assert network.forecast_method_ == LINEAR_START
    assert not np.allclose(fc.calibration_errors_, network.calibration_errors_)
    fc.save(tmp_path / "drift.skrnn")
    loaded = RNNForecaster.load(tmp_path / "drift.skrnn")
    assert loaded.forecast_method_ == DRIFT
    assert_allclose(loaded.predict(coverage=0.9), fc.predict(coverage=0.9))
    assert_allclose(pickle.loads(pickle.dumps(fc)).predict(), fc.predict())


def test_a_seasonal_series_is_not_offered_the_naive_forecasts(chosen_last):
    t = np.arange(360)
    y = 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(size=360)
    fc = RNNForecaster(horizon=3, season=12, n_models=1, **FAST).fit(y)
    assert fc.seasonal_
    assert fc.forecast_method_ == LINEAR_START


def test_a_file_written_before_the_naive_fallback_keeps_its_forecasts():
    fc = RNNForecaster(horizon=2, look_back=6, n_models=1, **FAST).fit(_steps(200))
    state = fc.__getstate__()
    del state["naive_fallback"]
    old = RNNForecaster.__new__(RNNForecaster)
    old.__setstate__(state)
    assert old.get_params()["naive_fallback"] is False
