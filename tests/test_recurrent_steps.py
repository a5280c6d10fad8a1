"""recurrent_steps: the recurrent layers read the window's last steps only."""

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_array_equal

from skrnn import RNNForecaster, RNNRegressor, WindowForecaster
from skrnn._forecast.look_back import (
    default_look_back,
    default_recurrent_steps,
    look_back_words,
)

LEVEL = {**FAST, "target_representation": "level"}


def _windows(n=60, steps=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps, 1))
    return X, X[:, -1, 0] + 0.5 * X[:, -2, 0]


def _early_steps_changed(X, n_early):
    """``X`` with its first ``n_early`` steps replaced by other values."""
    other, rng = X.copy(), np.random.default_rng(1)
    other[:, :n_early, :] = rng.normal(size=other[:, :n_early].shape)
    return other


def _recurrent_layer(model):
    return next(layer for layer in model.layers if layer.name.startswith("lstm"))


def test_the_recurrent_layer_reads_the_last_steps_only():
    X, y = _windows()
    reg = RNNRegressor(**LEVEL, recurrent_steps=3).fit(X, y)
    assert _recurrent_layer(reg.model_).input.shape[1] == 3
    # the five earlier steps cannot move the forecast; without the crop they do
    changed = _early_steps_changed(X, 5)
    assert_array_equal(reg.predict(changed), reg.predict(X))
    whole = RNNRegressor(**LEVEL).fit(X, y)
    assert _recurrent_layer(whole.model_).input.shape[1] == 8
    assert not np.allclose(whole.predict(changed), whole.predict(X))


def test_the_linear_skip_still_reads_the_whole_window():
    X, y = _windows()
    reg = RNNRegressor(**LEVEL, recurrent_steps=3, linear_skip=True).fit(X, y)
    kernel, _ = reg.model_.get_layer("linear_skip").get_weights()
    assert kernel.shape[0] == 8
    assert not np.allclose(reg.predict(_early_steps_changed(X, 5)), reg.predict(X))


def test_a_window_no_longer_than_recurrent_steps_is_read_whole():
    X, y = _windows(steps=4)
    reg = RNNRegressor(**LEVEL, recurrent_steps=10).fit(X, y)
    assert _recurrent_layer(reg.model_).input.shape[1] == 4
    assert "recent" not in [layer.name for layer in reg.model_.layers]


def test_sequences_of_several_lengths_are_refused():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(n, 1)) for n in (3, 5, 4, 6)] * 5
    y = rng.normal(size=len(X))
    with pytest.raises(ValueError, match="recurrent_steps"):
        RNNRegressor(**LEVEL, recurrent_steps=2).fit(X, y)


def test_a_saved_regressor_crops_as_it_did(tmp_path):
    X, y = _windows()
    reg = RNNRegressor(**FAST, recurrent_steps=3).fit(X, y)
    reg.save(tmp_path / "model.skrnn")
    loaded = RNNRegressor.load(tmp_path / "model.skrnn")
    assert loaded.recurrent_steps == 3
    assert_array_equal(loaded.predict(X), reg.predict(X))


# -- RNNForecaster's "auto" ----------------------------------------------------


def test_auto_reads_the_first_cycle_look_back_when_forecasts_follow_a_longer_one():
    y = np.sin(np.arange(2000) * 2 * np.pi / 48)
    # half-hourly, relative to the weekly cycle: two days of the week
    assert default_recurrent_steps(y, (48, 336), 336, True, 48, 336) == 96
    assert default_look_back(y, 48, 48, seasonal=True) == 96
    # a panel: what the first cycle's look-back is for a panel (4 horizons)
    panel = [y, y[:1900], y[:1800]]
    assert default_recurrent_steps(panel, (48, 336), 336, True, 48, 336) == 192


@pytest.mark.parametrize(
    "seasons, season, seasonal",
    [
        ((48, 336), 48, True),  # relative to the first cycle
        ((48, 336), 336, False),  # not seasonal: the network sees the cycle
        ((48, 336), 1, False),
        ((), 1, False),
        ((12,), 12, True),
    ],
)
def test_auto_reads_the_whole_window_otherwise(seasons, season, seasonal):
    y = np.sin(np.arange(2000) * 2 * np.pi / 48)
    assert default_recurrent_steps(y, seasons, season, seasonal, 48, 336) == 336


def _half_hourly_weeks(n_weeks=5, seed=0):
    """Half-hourly values with a daily shape and lower weekends: the weekly
    cycle's naive forecast beats the daily one's."""
    index = pd.date_range("2024-01-01", periods=n_weeks * 336, freq="30min")
    day = np.sin(2 * np.pi * np.arange(len(index)) / 48)
    weekend = np.where(index.dayofweek >= 5, -3.0, 0.0)
    noise = np.random.default_rng(seed).normal(scale=0.1, size=len(index))
    return pd.Series(10 + day + weekend + noise, index=index)


def test_the_forecaster_resolves_and_passes_recurrent_steps():
    y = _half_hourly_weeks()
    one = {"epochs": 1, "units": 4, "n_models": 1, "calibration": None}
    fc = RNNForecaster(horizon=48, random_state=0, **one).fit(y)
    assert (fc.seasons_, fc.season_, fc.seasonal_) == ((48, 336), 336, True)
    assert fc.look_back_ == 336
    assert fc.recurrent_steps_ == 96
    assert fc.estimator_.recurrent_steps == 96
    assert _recurrent_layer(fc.estimator_.model_).input.shape[1] == 96
    # a look-back set by hand is read whole, and so is recurrent_steps=None
    for params in ({"look_back": 336}, {"recurrent_steps": None}):
        other = RNNForecaster(horizon=48, random_state=0, **one, **params).fit(y)
        assert other.recurrent_steps_ == 336
        assert other.estimator_.recurrent_steps is None
    fixed = RNNForecaster(horizon=48, random_state=0, recurrent_steps=50, **one).fit(y)
    assert fixed.recurrent_steps_ == 50
    assert _recurrent_layer(fixed.estimator_.model_).input.shape[1] == 50


def test_the_cli_words_say_what_the_network_reads():
    y = _half_hourly_weeks()
    probe = WindowForecaster(horizon=48, calibration=None).fit(y)
    assert look_back_words(probe) == "look-back 336 (the network reads the last 96)"
    probe = WindowForecaster(horizon=48, look_back=336, calibration=None).fit(y)
    assert look_back_words(probe) == "look-back 336"
