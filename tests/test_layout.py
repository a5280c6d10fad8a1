"""One long-panel reader, one object per target representation, one settings value."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn import (
    RNNForecaster,
    RNNRegressor,
    SlidingWindowTransformer,
    WindowForecaster,
    WindowTargetRegressor,
)
from skrnn._core.long_panel import series_rows
from skrnn._forecast.window_fit import WindowSettings
from skrnn._keras.modes import check_combinations
from skrnn._representations import REGISTRY, REPRESENTATIONS, representation
from skrnn._representations.base import Representation
from skrnn.model_selection import PanelSplit


def _long(ids=("a", "b", "c"), n=12):
    rows = [(key, t, float(10 * k + t)) for k, key in enumerate(ids) for t in range(n)]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def test_series_rows_orders_by_time_in_order_of_first_appearance():
    ids = ["b", "a", "b", "a"]
    series = series_rows(ids, [3, 2, 1, 0])
    assert [key for key, _ in series] == ["b", "a"]
    assert_array_equal(series[0][1], [2, 0])
    assert_array_equal(series[1][1], [3, 1])


@pytest.mark.parametrize(
    "reader",
    [
        lambda frame: PanelSplit(n_splits=2).split(frame).__next__(),
        lambda frame: SlidingWindowTransformer(3, id_col="unique_id").fit(
            frame.set_index("ds")
        ),
        lambda frame: WindowForecaster(horizon=2).fit(frame),
    ],
    ids=["PanelSplit", "SlidingWindowTransformer", "WindowForecaster"],
)
def test_a_missing_id_is_an_error_for_every_reader(reader):
    frame = _long()
    frame.loc[5, "unique_id"] = None
    with pytest.raises(ValueError, match="row 5 is missing"):
        reader(frame)


@pytest.mark.parametrize(
    "reader",
    [
        lambda frame: PanelSplit(n_splits=2).split(frame).__next__(),
        lambda frame: SlidingWindowTransformer(3, id_col="unique_id").fit(
            frame.set_index("ds")
        ),
    ],
    ids=["PanelSplit", "SlidingWindowTransformer"],
)
def test_times_that_cannot_be_ordered_are_an_error(reader):
    frame = _long()
    frame["ds"] = frame["ds"].astype(object)
    frame.loc[3, "ds"] = "three"
    with pytest.raises(ValueError, match="cannot be put in order: they mix"):
        reader(frame)


def test_the_panel_split_follows_each_series_in_time_order():
    frame = _long(n=6).sample(frac=1.0, random_state=0)
    train, test = list(PanelSplit(n_splits=1, horizon=2).split(frame))[0]
    tested = frame.iloc[test]
    assert sorted(tested["ds"]) == [4, 4, 4, 5, 5, 5]
    assert set(frame.iloc[train]["ds"]) == {0, 1, 2, 3}


def test_every_representation_is_a_registered_object_with_its_needs():
    assert REPRESENTATIONS == ("auto", *REGISTRY)
    for name, cls in REGISTRY.items():
        assert issubclass(cls, Representation) and cls.name == name
    assert representation("seasonal").needs_season
    assert not representation("change").needs_season
    assert not representation("level").relative
    assert representation("window_norm").relative
    with pytest.raises(ValueError, match="needs season"):
        representation("seasonal").check(12, None)
    with pytest.raises(ValueError, match="raise look_back"):
        representation("seasonal").check(6, 12)


@pytest.mark.parametrize("name", [n for n in REGISTRY if REGISTRY[n].relative])
def test_relative_representations_refuse_token_ids(name):
    rnn = RNNRegressor(target_representation=name, embedding_dim=4)
    with pytest.raises(ValueError, match="target_representation"):
        check_combinations(rnn)


def test_a_level_representation_combines_with_token_ids():
    check_combinations(RNNRegressor(target_representation="level", embedding_dim=4))


def _settings(**changes):
    values = dict(
        target_feature=0,
        n_features=3,
        n_windows=100,
        season=12,
        seasonal=True,
        future_features=(2,),
    )
    return WindowSettings(**{**values, **changes})


def test_regressors_take_what_they_left_open_from_the_window_settings():
    rnn = RNNRegressor(decoder="rnn")
    assert rnn._settings_for_windows(_settings()) == {
        "target_feature": 0,
        "target_representation": "seasonal",
        "season": 12,
        "decoder_features": [2],
    }
    # what the user set stays set
    fixed = RNNRegressor(target_feature=1, target_representation="change")
    assert fixed._settings_for_windows(_settings()) == {}
    ridge = WindowTargetRegressor()
    assert ridge._settings_for_windows(_settings(seasonal=False, n_features=1)) == {}


def test_the_forecaster_passes_its_season_to_the_network():
    t = np.arange(120)
    y = pd.Series(
        10 + np.sin(2 * np.pi * t / 12) + 0.01 * t,
        index=pd.period_range("2000-01", periods=120, freq="M"),
    )
    forecaster = RNNForecaster(horizon=3, epochs=1, units=2, calibration=None)
    forecaster.fit(y)
    assert forecaster.season_ == 12 and forecaster.seasonal_
    assert forecaster.estimator_.target_representation == "seasonal"
    assert forecaster.estimator_.season == 12


def test_loss_takes_a_keras_loss_object(tiny_rnn_kwargs=None):
    import keras

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 5, 1)), rng.normal(size=32)
    loss = keras.losses.Huber(delta=0.5)
    rnn = RNNRegressor(units=2, epochs=1, loss=loss, random_state=0).fit(X, y)
    assert rnn.model_.loss is loss or isinstance(rnn.model_.loss, keras.losses.Huber)
    assert rnn.predict(X).shape == (32,)
    with pytest.raises(ValueError, match="loss"):
        RNNRegressor(loss="hinge_of_nothing").fit(X, y)


def test_each_layout_is_detected_and_writes_forecasts_as_they_came():
    from skrnn._forecast.layouts import Layout, LongLayout, WideLayout, layout_of

    columns = ("unique_id", "ds", "y")
    long = _long()
    wide = long.pivot(index="ds", columns="unique_id", values="y")
    assert type(layout_of(long, columns)) is LongLayout
    assert type(layout_of(wide, columns)) is WideLayout
    assert type(layout_of(wide["a"], columns)) is Layout
    assert type(layout_of(wide[["a"]], columns)) is Layout  # one column: a series
    for y, check in [
        (long, lambda out: list(out.columns[:2]) == ["unique_id", "ds"]),
        (wide, lambda out: list(out.columns) == ["a", "b", "c"]),
        (wide["a"], lambda out: isinstance(out, pd.Series)),
    ]:
        forecast = WindowForecaster(horizon=2, calibration=None).fit(y).predict()
        assert check(forecast)


def test_naive_baselines_learn_their_target_feature_from_the_settings():
    from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor

    assert PersistenceRegressor()._settings_for_windows(_settings()) == {
        "target_feature": 0
    }
    assert (
        SeasonalNaiveRegressor(4, target_feature=0)._settings_for_windows(_settings())
        == {}
    )
    t = np.arange(60)
    y = pd.Series(np.sin(t / 3.0) + t, name="y")
    X = pd.DataFrame({"x": np.cos(t / 5.0)})
    forecast = WindowForecaster(PersistenceRegressor(), horizon=2, calibration=None)
    assert np.allclose(forecast.fit(y, X).predict(), y.iloc[-1])
