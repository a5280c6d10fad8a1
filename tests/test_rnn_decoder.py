"""The recurrent decoder head: its layers, what it reads, errors, saving."""

import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_allclose, assert_array_equal

from skrnn import RNNForecaster, RNNRegressor

# windows of random features, not a target's history
TINY = {**FAST, "target_representation": "level"}
ONE_NET = {**FAST, "n_models": 1}  # forecasters: one network, not three


def _windows(n=80, steps=8, horizon=4, seed=0):
    """Windows whose feature 2 holds, in its last rows, the target's future."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps, 3))
    return X, 2.0 * X[:, -horizon:, 2] + X[:, -1:, 0]


def _recurrent(model):
    return [la for la in model.layers if type(la).__name__ in ("LSTM", "GRU")]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_decoder_unrolls_over_the_outputs_from_the_encoder(cell):
    X, y = _windows()
    reg = RNNRegressor(
        **TINY, cell=cell, decoder="rnn", decoder_features=[2], dense_units=(3,)
    )
    reg.fit(X, y)
    encoder, decoder = _recurrent(reg.model_)
    assert encoder.units == decoder.units == FAST["units"]
    assert encoder.return_state and not encoder.return_sequences
    assert decoder.return_sequences
    # the decoder's steps are the outputs; each reads its position and feature 2
    assert decoder.input[0].shape[1:] == (4, 2)
    assert reg.model_.output.shape[1:] == (4,)
    assert reg.predict(X[:5]).shape == (5, 4)


def test_stacked_and_bidirectional_encoders_hand_every_layer_its_state():
    X, y = _windows()
    reg = RNNRegressor(
        **{**TINY, "units": (6, 4)}, bidirectional=True, decoder="rnn"
    ).fit(X, y)
    decoders = [la for la in _recurrent(reg.model_) if la.return_sequences][-2:]
    # each decoder layer is as wide as both directions of its encoder layer
    assert [la.units for la in decoders] == [12, 8]
    assert reg.predict(X[:3]).shape == (3, 4)


def test_without_decoder_features_the_decoder_reads_positions_only():
    X, y = _windows()
    reg = RNNRegressor(**TINY, decoder="rnn").fit(X, y)
    (decoder,) = [la for la in _recurrent(reg.model_) if la.return_sequences]
    assert decoder.input[0].shape[1:] == (4, 1)
    # one output: one decoder step
    one = RNNRegressor(**TINY, decoder="rnn").fit(X, y[:, 0])
    assert one.predict(X[:3]).shape == (3,)


def test_sequences_of_different_lengths_are_fine_without_decoder_features():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(k), 1)) for k in rng.integers(3, 9, size=40)]
    y = np.array([[x[-1, 0], x.sum()] for x in X])
    reg = RNNRegressor(**TINY, decoder="rnn").fit(X, y)
    short, long = X[0], rng.normal(size=(12, 1))
    alone = reg.predict([short, short[:2]])[0]
    assert_allclose(reg.predict([short, long])[0], alone, rtol=1e-5, atol=1e-6)


# -- it reads each step's known-future covariates ----------------------------


def _follows_the_covariate(seed=0):
    """A series that is exactly a known-future covariate, and that covariate."""
    n, horizon = 240, 4
    rng = np.random.default_rng(seed)
    index = pd.date_range("2000-01-03", periods=n + horizon, freq="D")
    plan = pd.DataFrame({"plan": rng.normal(10.0, 2.0, n + horizon)}, index=index)
    y = plan["plan"].iloc[:n].rename("sales")
    return y, plan.iloc[:n], plan.iloc[n:], horizon


def test_rnn_decoder_forecasts_a_series_that_is_its_known_future_covariate():
    y, X, X_future, horizon = _follows_the_covariate()
    fc = RNNForecaster(
        horizon,
        look_back=8,
        future_covariates=["plan"],
        calibration=None,
        units=16,
        epochs=40,
        batch_size=32,
        learning_rate=0.01,
        target_representation="level",
        decoder="rnn",
        n_models=1,
        random_state=0,
    ).fit(y, X)
    assert fc.estimator_.decoder_features == [1]
    forecast = fc.predict(X_future)
    truth = X_future["plan"].to_numpy()
    # the series is white noise of std 2: only the covariate can forecast it
    # (the Dense head, 30 epochs alike, missed by 0.55 and a shift by up to 2.1)
    assert np.abs(forecast.to_numpy() - truth).max() < 0.5
    # each step follows its own step's planned value
    shift = np.array([3.0, -3.0, 0.0, 2.0])
    moved = fc.predict(X_future.assign(plan=truth + shift))
    assert_allclose((moved - forecast).to_numpy(), shift, atol=0.8)


def test_forecaster_without_known_future_covariates_leaves_decoder_features_open():
    y, X, _, horizon = _follows_the_covariate()
    fc = RNNForecaster(horizon, decoder="rnn", calibration=None, **ONE_NET).fit(y, X)
    assert fc.estimator_.decoder_features is None
    dense = RNNForecaster(horizon, future_covariates="all", calibration=None, **ONE_NET)
    assert dense.fit(y, X).estimator_.decoder_features is None


# -- refused where it makes no sense -----------------------------------------


def _body(input_shape, n_outputs):
    from skrnn._keras.backend import get_keras

    keras = get_keras()
    inputs = keras.Input(shape=input_shape)
    return keras.Model(inputs, keras.layers.Dense(n_outputs)(inputs[:, -1]))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"return_sequences": True}, "decoder='rnn' cannot be combined with return_"),
        ({"model_fn": _body}, "decoder='rnn' cannot be combined with model_fn="),
        (
            {"decoder": "dense", "decoder_features": [2]},
            r"decoder_features=\[2\] cannot be combined with decoder='dense'",
        ),
        ({"decoder_features": [5]}, "decoder_features=5 is out of range"),
        ({"decoder_features": ["plan"]}, "decoder_features='plan' is a column name"),
        ({"decoder": "attention"}, "'decoder' parameter of RNNRegressor must be"),
    ],
)
def test_senseless_settings_are_refused(params, message):
    X, y = _windows()
    with pytest.raises(ValueError, match=message):
        RNNRegressor(**TINY, **{"decoder": "rnn", **params}).fit(X, y)


def test_windows_shorter_than_the_outputs_cannot_hold_their_covariates():
    X, y = _windows(steps=3, horizon=3)
    y = np.column_stack([y, y[:, :1]])
    with pytest.raises(ValueError, match="last 4 steps of each sequence.*of 3 steps"):
        RNNRegressor(**TINY, decoder="rnn", decoder_features=[2]).fit(X, y)


def test_a_feature_that_is_not_an_index_or_a_name_is_a_type_error():
    X, y = _windows()
    with pytest.raises(TypeError, match=r"decoder_features=\.\.\.\) must be"):
        RNNRegressor(**TINY, decoder="rnn", decoder_features=[1.5]).fit(X, y)


# -- saving --------------------------------------------------------------------


@pytest.mark.slow
def test_pickle_and_save_round_trips_predict_the_same(tmp_path):
    X, y = _windows()
    reg = RNNRegressor(**TINY, decoder="rnn", decoder_features=[2]).fit(X, y)
    expected = reg.predict(X)
    assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), expected)
    reg.save(tmp_path / "reg.skrnn")
    assert_array_equal(RNNRegressor.load(tmp_path / "reg.skrnn").predict(X), expected)

    y_series, X_cov, X_future, horizon = _follows_the_covariate()
    fc = RNNForecaster(
        horizon, decoder="rnn", future_covariates=["plan"], look_back=6, **ONE_NET
    ).fit(y_series, X_cov)
    forecast = fc.predict(X_future, coverage=0.9)
    pd.testing.assert_frame_equal(
        pickle.loads(pickle.dumps(fc)).predict(X_future, coverage=0.9), forecast
    )
    fc.save(tmp_path / "fc.skrnn")
    loaded = RNNForecaster.load(tmp_path / "fc.skrnn")
    pd.testing.assert_frame_equal(loaded.predict(X_future, coverage=0.9), forecast)
