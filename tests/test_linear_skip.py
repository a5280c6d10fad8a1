"""RNNRegressor(linear_skip=True): a linear map of the window added to the head."""

import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, RNNRegressor, WindowForecaster
from skrnn._keras.backend import get_keras
from skrnn._keras.linear_skip import ALPHAS, WINDOW, least_squares_start

TINY = {**FAST, "target_representation": "level"}


def _linear_windows(n=200, look_back=6, seed=0):
    """Windows whose target is a fixed linear map of their steps, no noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, look_back, 2))
    y = 3.0 * X[:, -1, 0] - 2.0 * X[:, -3, 1] + 1.5 * X[:, 0, 0]
    return X, y


def _skip_layer(model):
    return next(layer for layer in model.layers if layer.name == "linear_skip")


def test_the_skip_reads_every_step_and_feature_of_the_window():
    X, y = _linear_windows()
    reg = RNNRegressor(**TINY, linear_skip=True).fit(X, np.c_[y, -y])
    kernel, bias = _skip_layer(reg.model_).get_weights()
    assert kernel.shape == (6 * 2, 2)
    assert bias.shape == (2,)
    assert np.abs(kernel).max() > 0
    names = [layer.name for layer in RNNRegressor(**TINY).fit(X, y).model_.layers]
    assert "linear_skip" not in names


def test_the_output_is_the_head_plus_the_linear_map():
    X, y = _linear_windows()
    reg = RNNRegressor(**TINY, linear_skip=True).fit(X, y)
    with_skip = reg.predict(X[:20])
    kernel, bias = _skip_layer(reg.model_).get_weights()
    _skip_layer(reg.model_).set_weights([np.zeros_like(kernel), np.zeros_like(bias)])
    head_only = reg.predict(X[:20])
    # what the skip added: the scaled window through the kernel, in target units
    scaled = reg.model_.layers[1](X[:20].astype("float32"))
    linear = np.asarray(scaled).reshape(20, -1) @ kernel + bias
    assert_allclose(
        with_skip - head_only, linear[:, 0] * reg.target_scale_[0], rtol=1e-3, atol=1e-4
    )


def _read_windows(model, X):
    """The flattened windows the skip reads, scaled as the network scales them."""
    windows = get_keras().Model(model.inputs, model.get_layer(WINDOW).output)
    return np.asarray(windows.predict_on_batch(X.astype("float32")), dtype=float)


def test_the_penalty_is_the_one_generalised_cross_validation_prefers():
    rng = np.random.default_rng(4)
    # 40 rows of 30 values: least squares would interpolate the noise
    X = rng.normal(size=(40, 15, 2))
    target = X[:, -1, 0] + rng.normal(size=40)
    reg = RNNRegressor(**TINY, linear_skip=True).fit(X, target)
    F = _read_windows(reg.model_, X)
    alpha = least_squares_start(reg.model_, X, target, None, None)
    scale = np.trace(np.cov(F.T, bias=True)) / F.shape[1] * len(F)

    def gcv(a):  # straight from the definition, one Ridge fit per penalty
        ridge = Ridge(alpha=a).fit(F, target)
        Fc = F - F.mean(axis=0)
        hat = Fc @ np.linalg.solve(Fc.T @ Fc + a * np.eye(F.shape[1]), Fc.T)
        dof = 1 + np.trace(hat)
        rss = np.sum((target - ridge.predict(F)) ** 2)
        return rss / (len(F) * (1 - dof / len(F)) ** 2)

    grid = ALPHAS * scale
    assert alpha == pytest.approx(grid[np.argmin([gcv(a) for a in grid])], rel=1e-9)
    assert alpha > grid[0]  # the noise is shrunk, not interpolated


def test_the_start_is_the_weighted_ridge_fit_on_the_windows_the_network_reads():
    X, y = _linear_windows(n=120)
    rng = np.random.default_rng(2)
    target = np.c_[y + rng.normal(size=120), rng.normal(size=120)]
    weights = rng.uniform(0.5, 2.0, size=120)
    reg = RNNRegressor(**TINY, linear_skip=True).fit(X, target)
    model = reg.model_
    alpha = least_squares_start(model, X, target, weights, None)
    kernel, bias = _skip_layer(model).get_weights()
    ridge = Ridge(alpha=alpha).fit(_read_windows(model, X), target, weights)
    assert_allclose(kernel, ridge.coef_.T, rtol=1e-4, atol=1e-5)
    assert_allclose(bias, ridge.intercept_, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_linear_target_is_learned_far_better_with_the_skip(seed):
    X, y = _linear_windows(seed=seed)
    settings = {**TINY, "units": 2, "epochs": 30, "learning_rate": 0.02}
    settings["random_state"] = seed
    errors = {}
    for skip in (False, True):
        reg = RNNRegressor(**settings, linear_skip=skip).fit(X[:150], y[:150])
        errors[skip] = np.mean((reg.predict(X[150:]) - y[150:]) ** 2)
    # seen: about 1000 times smaller; two units of LSTM cannot hold the map
    assert errors[True] < errors[False] / 20


def test_an_int_reads_the_last_steps_only():
    X, y = _linear_windows()
    reg = RNNRegressor(**TINY, linear_skip=2).fit(X, y)
    kernel, _ = _skip_layer(reg.model_).get_weights()
    assert kernel.shape == (2 * 2, 1)
    # the first steps do not reach the skip: changing them moves the head only
    changed = X.copy()
    changed[:, :4] += 5.0
    window = reg.model_.get_layer(WINDOW)
    reader = get_keras().Model(reg.model_.inputs, window.output)
    assert_allclose(
        reader.predict_on_batch(changed[:10].astype("float32")),
        reader.predict_on_batch(X[:10].astype("float32")),
    )
    with pytest.raises(ValueError, match=r"linear_skip=7 .* windows hold \(6\)"):
        RNNRegressor(**TINY, linear_skip=7).fit(X, y)


def test_the_forecaster_skips_over_the_steps_a_linear_model_reads():
    # daily steps, a yearly cycle and no weekly one: the network's window
    # covers the year (365 steps), a linear model reads the horizon's 8
    t = np.arange(1100)
    rng = np.random.default_rng(0)
    level = 10 + 5 * np.sin(2 * np.pi * t / 365.25)
    walk = 0.1 * np.cumsum(rng.normal(size=1100))
    y = pd.Series(
        level + walk + rng.normal(size=1100),
        index=pd.date_range("2020-01-01", periods=1100, freq="D"),
    )
    fc = RNNForecaster(horizon=7, n_models=1, **FAST).fit(y)  # the default
    linear = WindowForecaster(horizon=7).fit(y)
    assert fc.estimator_.linear_skip == linear.look_back_ < fc.look_back_
    off = RNNForecaster(horizon=7, n_models=1, linear_skip=False, **FAST).fit(y)
    assert off.estimator_.linear_skip is False


def test_numpy_bools_mean_on_and_off_not_one_step():
    X, y = _linear_windows(n=40)
    on = RNNRegressor(**TINY, linear_skip=np.True_).fit(X, y)
    assert _skip_layer(on.model_).get_weights()[0].shape == (6 * 2, 1)
    off = RNNRegressor(**TINY, linear_skip=np.False_).fit(X, y)
    assert "linear_skip" not in [layer.name for layer in off.model_.layers]


def test_sequences_of_different_lengths_are_refused():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(k), 1)) for k in rng.integers(3, 9, size=20)]
    y = rng.normal(size=20)
    with pytest.raises(ValueError, match="linear_skip.*one length"):
        RNNRegressor(**TINY, linear_skip=True).fit(X, y)


def test_a_file_written_before_the_skip_loads_without_one():
    X, y = _linear_windows(n=40)
    reg = RNNRegressor(**TINY).fit(X, y)
    state = reg.__getstate__()
    del state["linear_skip"]
    old = RNNRegressor.__new__(RNNRegressor)
    old.__setstate__(state)
    assert old.get_params()["linear_skip"] is False
    assert_allclose(old.predict(X[:5]), reg.predict(X[:5]))


def test_the_forecaster_hands_the_skip_to_every_network(tmp_path):
    t = np.arange(80)
    y = 10 + np.sin(2 * np.pi * t / 12) + 0.05 * t
    fc = RNNForecaster(
        horizon=3, look_back=12, linear_skip=True, n_models=2, **FAST
    ).fit(y)
    assert all(est.linear_skip for est in fc.estimators_)
    assert all(_skip_layer(est.model_) is not None for est in fc.estimators_)
    fc.save(tmp_path / "skip.skrnn")
    loaded = RNNForecaster.load(tmp_path / "skip.skrnn")
    assert loaded.linear_skip is True
    assert_allclose(loaded.predict(), fc.predict())
    assert_allclose(pickle.loads(pickle.dumps(fc)).predict(), fc.predict())
