"""Target representations of RNNRegressor, sequence normalisation of RNNClassifier."""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose

from skrnn import RNNClassifier, RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn._keras.stem import znormalize
from skrnn._regression.target import (
    TargetEncoder,
    decode_target,
    encode_target,
    encode_windows,
)
from skrnn._representations import REGISTRY

CASES = [(rep, log) for rep in ("level", "change", "window_norm") for log in (0, 1)]


@pytest.mark.parametrize("representation, log", CASES)
@pytest.mark.parametrize("horizon", [1, 3])
def test_encode_then_decode_gives_y_back(representation, log, horizon):
    rng = np.random.default_rng(0)
    series = pd.Series(50 + np.cumsum(rng.uniform(0.5, 2.0, size=60)), name="v")
    X, y = make_supervised(series, horizon=horizon)
    windows = SlidingWindowTransformer(look_back=6).fit_transform(X)
    y2 = np.asarray(y, dtype=float).reshape(len(X), -1)
    _, center, scale = encode_windows(windows, 0, representation, bool(log))
    encoded = encode_target(y2, center, scale, bool(log))
    assert_allclose(decode_target(encoded, center, scale, bool(log)), y2, rtol=1e-12)
    if representation == "change" and not log:
        # each horizon is relative to the same last observed value
        assert_allclose(encoded, y2 - windows[:, -1, :1])


def test_change_inputs_are_relative_to_the_last_value():
    X = np.arange(24.0).reshape(4, 3, 2)
    encoded, center, _ = encode_windows(X, 1, "change", False)
    assert_allclose(encoded[:, -1, 1], 0.0)
    assert_allclose(encoded[:, :, 0], X[:, :, 0])  # other features untouched
    assert_allclose(center[:, 0], X[:, -1, 1])
    assert X[0, 0, 1] == 1.0  # the input is not modified


def test_window_norm_standardises_each_window():
    rng = np.random.default_rng(1)
    X = rng.normal(5.0, 3.0, size=(10, 8, 1))
    encoded, _, _ = encode_windows(X, 0, "window_norm", False)
    assert_allclose(encoded[:, :, 0].mean(axis=1), 0.0, atol=1e-12)
    assert_allclose(encoded[:, :, 0].std(axis=1), 1.0)


@pytest.mark.parametrize("representation", ["level", "change", "window_norm"])
def test_regressor_predicts_in_the_units_of_y_with_pandas_and_multi_step(
    representation,
):
    t = np.arange(120.0)
    series = pd.Series(
        100 + 2 * t + 10 * np.sin(2 * np.pi * t / 12),
        index=pd.date_range("2000-01", periods=120, freq="MS"),
        name="sales",
    )
    X, y = make_supervised(series, horizon=3)
    windows = SlidingWindowTransformer(look_back=12).fit_transform(X)
    reg = RNNRegressor(**FAST, target_representation=representation)
    pred = reg.fit(windows, y).predict(windows)
    assert pred.shape == (len(X), 3)
    # in the units of y: predictions sit near the series, not near 0
    assert abs(np.median(pred) - np.median(y.to_numpy())) < 0.5 * np.ptp(y.to_numpy())


def test_log_target_auto_follows_the_sign_of_the_data(sequences):
    X, y = sequences
    assert not RNNRegressor(**FAST).fit(X[:, :, :1], y).log_target_
    positive = np.exp(X[:, :, :1])
    reg = RNNRegressor(**FAST).fit(positive, np.exp(y))
    assert reg.log_target_
    assert np.all(reg.predict(positive) > 0)
    with pytest.raises(ValueError, match="log_target=True needs positive values"):
        RNNRegressor(**FAST, log_target=True).fit(X[:, :, :1], y)


def test_multivariate_windows_need_target_feature(sequences):
    X, y = sequences
    # "auto" cannot tell which feature is the target's history: levels
    assert RNNRegressor(**FAST).fit(X, y).target_representation_ == "level"
    assert RNNRegressor(**FAST).fit(X[:, :, :1], y).target_representation_ == "change"
    with pytest.raises(ValueError, match="set target_feature"):
        RNNRegressor(**FAST, target_representation="change").fit(X, y)
    with pytest.raises(ValueError, match="target_feature=5 is out of range"):
        RNNRegressor(**FAST, target_feature=5).fit(X, y)
    reg = RNNRegressor(**FAST, target_feature=1).fit(X, y)
    assert reg.predict(X).shape == (len(X),)
    level = RNNRegressor(**FAST, target_representation="level").fit(X, y)
    assert level.predict(X).shape == (len(X),)


def test_znormalize_and_classifier_option(sequences):
    X, y = sequences
    Z = znormalize(X)
    assert_allclose(Z.mean(axis=1), 0.0, atol=1e-12)
    # a class is a shape: offset and amplitude must not matter
    shifted = 100 + 7 * X
    clf = RNNClassifier(**FAST, normalize_sequences=True).fit(X, y > 0)
    assert_allclose(clf.predict_proba(shifted), clf.predict_proba(X), rtol=1e-5)


@pytest.mark.parametrize("log", ["auto", False])
def test_seasonal_representation_is_the_correction_to_the_seasonal_naive(log):
    from skrnn._regression.target import TargetEncoder

    t = np.arange(60.0)
    series = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    X, y = make_supervised(series, horizon=14)
    windows = SlidingWindowTransformer(look_back=12).fit_transform(X)[11:]
    y2 = np.asarray(y, dtype=float)[11:]
    encoder = TargetEncoder("seasonal", log, None, standardise=False, season=12)
    encoded, stats = encoder.fit_encode(windows, y2)
    # output h is relative to the value one season before it, wrapping past 12
    reference = windows[:, [*range(12), 0, 1], 0]
    expected = np.log(y2) - np.log(reference) if encoder.log_ else y2 - reference
    assert_allclose(encoded, expected, rtol=1e-6, atol=1e-6)
    assert_allclose(encoder.decode(encoded, stats), y2, rtol=1e-5)
    # the inputs are read as the "change" representation reads them
    last = np.log(windows[:, -1, 0]) if encoder.log_ else windows[:, -1, 0]
    assert_allclose(stats.center[:, 0], last)


def test_seasonal_representation_needs_a_season_that_fits_the_window():
    X = np.arange(40.0).reshape(4, 10, 1) + 1
    y = np.ones((4, 2))
    with pytest.raises(ValueError, match="needs season"):
        RNNRegressor(target_representation="seasonal", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="windows of at least 12 steps"):
        RNNRegressor(target_representation="seasonal", season=12, **FAST).fit(X, y)


# -- which feature is the target: warnings and column names -----------------


def _macro(n=80, seed=0):
    """Three trending columns; y is the future of "gdp", the second one."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.DataFrame(
        {
            "cons": 50 + 0.5 * t + rng.normal(0, 1, n),
            "gdp": 100 + 1.0 * t + rng.normal(0, 1, n),
            "inv": 20 + 0.2 * t + rng.normal(0, 1, n),
        }
    )


def test_multivariate_windows_without_target_feature_warn():
    from skrnn import WindowTargetRegressor

    X, y = make_supervised(_macro(), target="gdp")
    windows = SlidingWindowTransformer(4).fit_transform(X)
    with pytest.warns(UserWarning, match="target_feature is not set"):
        WindowTargetRegressor().fit(windows, y)
    with pytest.warns(UserWarning, match="WindowTargetRegressor"):
        WindowTargetRegressor().fit(np.asarray(windows), y)
    # a choice, made explicitly, is silent
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        WindowTargetRegressor(target_feature=1).fit(windows, y)
        WindowTargetRegressor(target_representation="level").fit(windows, y)


def test_rnn_regressor_warns_too():
    X, y = make_supervised(_macro(), target="gdp")
    windows = SlidingWindowTransformer(4).fit_transform(X)
    with pytest.warns(UserWarning, match="RNNRegressor: the windows have 3 features"):
        RNNRegressor(**{**FAST, "epochs": 1}).fit(windows, y)


def test_target_feature_takes_a_column_name_in_a_pipeline():
    from sklearn.model_selection import TimeSeriesSplit
    from sklearn.pipeline import make_pipeline

    from skrnn import WindowTargetRegressor
    from skrnn.baselines import PersistenceRegressor

    X, y = make_supervised(_macro(), target="gdp")
    cv = TimeSeriesSplit(3)
    by_name, by_index = [
        np.concatenate(
            [
                make_pipeline(
                    SlidingWindowTransformer(4), WindowTargetRegressor(target_feature=t)
                )
                .fit(X.iloc[train], y.iloc[train])
                .predict(X.iloc[test])
                for train, test in cv.split(X)
            ]
        )
        for t in ("gdp", 1)
    ]
    assert_allclose(by_name, by_index)
    persistence = make_pipeline(
        SlidingWindowTransformer(1), PersistenceRegressor(target_feature="gdp")
    ).fit(X, y)
    assert_allclose(persistence.predict(X), X["gdp"])


def test_rnn_regressor_takes_a_column_name():
    X, y = make_supervised(_macro(), target="gdp")
    windows = SlidingWindowTransformer(4).fit_transform(X)
    by_name = RNNRegressor(target_feature="gdp", **FAST).fit(windows, y)
    by_index = RNNRegressor(target_feature=1, **FAST).fit(windows, y)
    assert by_name.target_representation_ == "change"
    assert_allclose(by_name.predict(windows), by_index.predict(windows), rtol=1e-5)


def test_bad_target_feature_names_the_estimator_not_cross_val_score():
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    from skrnn import WindowTargetRegressor

    X, y = make_supervised(_macro(), target="gdp")
    windows = SlidingWindowTransformer(4).fit_transform(X)
    with pytest.raises(ValueError, match="'sales' is not a column.*cons, gdp, inv"):
        WindowTargetRegressor(target_feature="sales").fit(windows, y)
    with pytest.raises(ValueError, match="carry no column names"):
        WindowTargetRegressor(target_feature="gdp").fit(np.asarray(windows), y)
    pipe = make_pipeline(
        SlidingWindowTransformer(4), WindowTargetRegressor(target_feature=1.5)
    )
    with pytest.raises(TypeError, match=r"WindowTargetRegressor\(target_feature"):
        cross_val_score(pipe, X, y, cv=2, error_score="raise")


def test_nan_in_windows_or_y_gets_time_series_advice():
    from skrnn import WindowTargetRegressor

    X, y = make_supervised(_macro(), target="gdp")
    windows = np.array(SlidingWindowTransformer(4).fit_transform(X))
    y = y.to_numpy().copy()
    y[3] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN \(first at index \(3,\)\)"):
        WindowTargetRegressor(target_feature=1).fit(windows, y)
    windows[2, 1, 0] = np.nan
    with pytest.raises(ValueError, match="X contains NaN.*interpolate"):
        RNNRegressor(target_feature=1).fit(windows, np.ones(len(windows)))


@pytest.mark.parametrize("name", sorted(REGISTRY))
@pytest.mark.parametrize("log", [False, True])
def test_every_registered_representation_decodes_what_it_encodes(name, log):
    """A new representation in the registry is checked here without a new test."""
    rng = np.random.default_rng(2)
    t = np.arange(80.0)
    series = pd.Series(20 + 3 * np.sin(2 * np.pi * t / 4) + rng.uniform(0, 1, 80))
    X, y = make_supervised(series, horizon=3)
    windows = SlidingWindowTransformer(look_back=8).fit_transform(X)[8:]
    y2 = np.asarray(y, dtype=float)[8:]
    encoder = TargetEncoder(name, log, 0, standardise=True, season=4)
    encoded, stats = encoder.fit_encode(windows, y2)
    assert encoder.rep_.name == name and np.isfinite(encoded).all()
    assert_allclose(encoder.decode(encoded.astype(float), stats), y2, rtol=1e-5)
