"""RNNForecaster(linear_fallback=True): the network, or the ridge start of its skip."""

import pickle

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose

from skrnn import RNNForecaster, RNNRegressor
from skrnn._forecast import calibration
from skrnn._forecast.calibration import (
    FIRST_MARGIN,
    best_candidate,
    chosen_candidate,
)
from skrnn._forecast.rnn_forecaster import LINEAR_START
from skrnn._keras.linear_skip import LINEAR

TINY = {**FAST, "target_representation": "level"}


def _ar_series(n=400, seed=0):
    """A noise-free autoregression of order 2: its ridge fit is nearly exact."""
    rng = np.random.default_rng(seed)
    y = np.empty(n)
    y[:2] = rng.normal(size=2)
    for t in range(2, n):
        y[t] = 1.6 * y[t - 1] - 0.8 * y[t - 2] + (1.0 if t % 50 == 0 else 0.0)
    return y + 5.0


def _windows(n=160, look_back=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, look_back, 1))
    y = 2.0 * X[:, -1, 0] - X[:, -2, 0] + 0.1 * rng.normal(size=n)
    return X, y


def test_the_linear_start_forecasts_the_same_whatever_the_training():
    X, y = _windows()
    short = RNNRegressor(**{**TINY, "epochs": 1}, linear_skip=True).fit(X, y)
    long = RNNRegressor(**{**TINY, "epochs": 6}, linear_skip=True).fit(X, y)
    # trained, the two differ; their starts are one ridge fit
    assert np.abs(short.predict(X) - long.predict(X)).max() > 1e-3
    short._use_linear_start()
    long._use_linear_start()
    assert_allclose(short.predict(X), long.predict(X), rtol=1e-5, atol=1e-5)
    starts = [reg.model_.get_layer(LINEAR).get_weights() for reg in (short, long)]
    for a, b in zip(*starts, strict=True):
        assert_allclose(a, b, rtol=1e-6)
    head = long.model_.get_layer("head").get_weights()
    assert all(np.all(w == 0) for w in head)


def test_a_regressor_without_the_skip_has_no_linear_start():
    X, y = _windows(n=40)
    reg = RNNRegressor(**TINY).fit(X, y)
    with pytest.raises(ValueError, match="no linear start.*linear_skip"):
        reg._use_linear_start()


def test_the_candidate_with_the_lowest_mean_error_is_chosen():
    low, high = np.full((5, 2), 0.5), np.full((5, 2), 0.6)
    assert best_candidate([high, low]) == 1
    assert best_candidate([low, high]) == 0
    assert best_candidate([low, low.copy()]) == 0  # a tie keeps the first
    assert best_candidate([np.full((5, 2), np.nan), high]) == 1
    assert best_candidate([np.full((5, 2), np.inf)] * 2) == 0


def test_the_fitted_model_is_kept_unless_another_is_clearly_better():
    # another candidate must beat the first by more than FIRST_MARGIN of its
    # mean; past that, the lowest of the others is chosen
    first = np.full((4, 3), 1.0)
    close = first * (1 - FIRST_MARGIN / 2)
    clear = first * (1 - 2 * FIRST_MARGIN)
    clearer = first * (1 - 3 * FIRST_MARGIN)
    assert best_candidate([first, close]) == 0
    assert best_candidate([first, clear]) == 1
    assert best_candidate([first, clear, close, clearer]) == 3
    assert chosen_candidate([1.0, np.nan, 1 - 2 * FIRST_MARGIN]) == 2
    assert chosen_candidate([np.nan, 2.0, 1.0]) == 2  # no finite first
    assert chosen_candidate([1.0, 1 - FIRST_MARGIN]) == 0  # exactly the margin


def test_a_network_far_worse_than_its_start_falls_back_to_it():
    # on an exact autoregression the ridge start is nearly perfect; a network
    # trained with a learning rate far too high ends well away from it
    y = _ar_series()
    fc = RNNForecaster(
        horizon=4, look_back=8, n_models=1, units=4, epochs=3, learning_rate=0.5
    ).set_params(random_state=0, target_representation="level")
    fc.fit(y)
    assert fc.linear_fallback_ is True
    assert all(member.n_iter_ == 1 for member in fc.estimators_)  # spared
    kept = fc.set_params(linear_fallback=False, naive_fallback=False).fit(y)
    assert kept.linear_fallback_ is False
    assert all(member.n_iter_ == 3 for member in kept.estimators_)


def test_without_the_skip_or_calibration_the_networks_forecast():
    y = _ar_series(n=200)
    for params in ({"linear_skip": False}, {"calibration": None}):
        fc = RNNForecaster(horizon=2, look_back=6, n_models=1, **FAST, **params)
        assert fc.fit(y).linear_fallback_ is False


@pytest.fixture
def chosen_start(monkeypatch):
    """The linear start chosen whatever the errors (the choice is tested above)."""
    monkeypatch.setattr(calibration, "best_candidate", lambda errors: len(errors) - 1)


def test_the_fallback_forecasts_with_the_start_and_its_errors(chosen_start, tmp_path):
    y = _ar_series(n=240) + np.random.default_rng(1).normal(size=240)
    # the naive forecasts left out: the start is then the last candidate
    params = {"horizon": 3, "look_back": 8, "n_models": 2, "naive_fallback": False}
    fc = RNNForecaster(**params, **FAST).fit(y)
    assert fc.linear_fallback_ is True
    # the same networks, untouched by calibration, switched by hand
    plain = RNNForecaster(**params, **FAST, calibration=None).fit(y)
    plain._use_variant(plain.estimators_, LINEAR_START)
    assert_allclose(fc.predict(), plain.predict(), rtol=1e-5)
    # its intervals read the start's calibration errors, not the network's
    network = RNNForecaster(**params, **FAST, linear_fallback=False).fit(y)
    assert not np.allclose(fc.calibration_errors_, network.calibration_errors_)
    fc.save(tmp_path / "fallback.skrnn")
    loaded = RNNForecaster.load(tmp_path / "fallback.skrnn")
    assert loaded.linear_fallback_ is True
    assert_allclose(loaded.predict(coverage=0.9), fc.predict(coverage=0.9))
    assert_allclose(pickle.loads(pickle.dumps(fc)).predict(), fc.predict())


def test_a_file_written_before_the_fallback_forecasts_with_its_networks():
    y = _ar_series(n=200)
    fc = RNNForecaster(horizon=2, look_back=6, n_models=1, **FAST).fit(y)
    state = fc.__getstate__()
    state.pop("_variant")
    del state["linear_fallback"]
    old = RNNForecaster.__new__(RNNForecaster)
    old.__setstate__(state)
    assert old.linear_fallback_ is False
    assert old.get_params()["linear_fallback"] is False
