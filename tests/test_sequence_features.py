"""Pooling over steps and the FCN branch of RNNClassifier: layers, padding, training."""

import pickle

import numpy as np
import pytest
from conftest import FAST

from skrnn import RNNClassifier
from skrnn._keras.network import build_network
from skrnn._keras.sequence_features import FCN_FILTERS
from skrnn._keras.stem import NumericStem
from skrnn._keras.training import (
    PLATEAU_FLOOR,
    PLATEAU_PATIENCE,
    auto_batch_size,
    auto_epochs,
    stop_at_learning_rate_floor,
    stratified_holdout,
)

# The masked max; the masked attention beside the FCN branch, whose masked
# mean is also the mean pooling's.
ARCHITECTURES = {
    "max": {"pooling": "max"},
    "attention+fcn": {"pooling": "attention", "fcn_filters": (3, 5, 4)},
}


def _labelled(n=40, steps=12, features=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps, features))
    return X, np.where(X[:, steps // 2, 0] > 0, "up", "down")


def _layer(model, name):
    return next(layer for layer in model.layers if layer.name == name)


def _network(steps=12, features=2, **params):
    """The network for (steps, features) input, built without training."""
    X = np.zeros((1, steps, features))
    stem = NumericStem(scale=False, normalize=False).fit(X, (steps, features), None)
    return build_network(
        stem=stem, n_outputs=3, output_activation="softmax", units=(4,), **params
    )


def test_fcn_branch_builds_the_paper_blocks_beside_the_recurrent_stack():
    model = _network(fcn_filters=(3, 5, 4), pooling="mean")
    for i, (filters, size) in enumerate(zip((3, 5, 4), (8, 5, 3), strict=True), 1):
        conv = _layer(model, f"fcn_conv_{i}")
        assert conv.kernel_size == (size,)
        assert tuple(conv.output.shape) == (None, 12, filters)
        assert _layer(model, f"fcn_batch_norm_{i}").output.shape[-1] == filters
    assert tuple(_layer(model, "fcn_pooling").output.shape) == (None, 4)
    # 4 recurrent units pooled over the steps, then the 4 channels of the branch
    assert tuple(_layer(model, "pooling_mean").output.shape) == (None, 4)
    assert tuple(_layer(model, "features").output.shape) == (None, 8)
    assert tuple(model.output.shape) == (None, 3)


@pytest.mark.parametrize("pooling", ["mean", "max", "attention"])
def test_pooling_reads_every_step_of_the_last_recurrent_layer(pooling):
    model = _network(pooling=pooling)
    recurrent = next(la for la in model.layers if la.name.startswith("lstm"))
    assert tuple(recurrent.output.shape) == (None, 12, 4)
    name = {"attention": "attention_score"}.get(pooling, f"pooling_{pooling}")
    assert name in [layer.name for layer in model.layers]
    assert "features" not in [layer.name for layer in model.layers]
    assert tuple(model.output.shape) == (None, 3)


def test_the_last_state_is_the_summary_without_pooling():
    model = _network()
    recurrent = next(la for la in model.layers if la.name.startswith("lstm"))
    assert tuple(recurrent.output.shape) == (None, 4)


def test_dimension_shuffle_reads_the_time_steps_as_features():
    model = _network(dimension_shuffle=True, fcn_filters=(3, 3, 3))
    recurrent = next(la for la in model.layers if la.name.startswith("lstm"))
    # two steps (the features) of twelve inputs (the time steps)
    assert tuple(recurrent.input.shape) == (None, 2, 12)
    assert tuple(_layer(model, "fcn_conv_1").input.shape) == (None, 12, 2)


@pytest.mark.parametrize("params", ARCHITECTURES.values(), ids=ARCHITECTURES)
def test_padding_never_changes_a_prediction(params):
    rng = np.random.default_rng(1)
    X = [rng.normal(size=(rng.integers(4, 10), 2)) for _ in range(30)]
    y = np.array([x[:, 0].mean() > 0 for x in X])
    clf = RNNClassifier(**FAST, **params).fit(X, y)
    alone = clf.predict_proba([X[0]])
    # padded to the length of a much longer neighbour in the same batch
    beside_long = clf.predict_proba([X[0], rng.normal(size=(25, 2))])[:1]
    np.testing.assert_allclose(alone, beside_long, rtol=1e-5, atol=1e-6)


def test_class_weight_proba_and_pickle():
    X, y = _labelled()
    clf = RNNClassifier(
        **FAST,
        pooling="mean",
        fcn_filters=(3, 5, 4),
        class_weight={"up": 5.0, "down": 1.0},
    ).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (40, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), proba)


def test_pooling_finds_a_class_that_lives_in_the_middle_of_the_sequence():
    # the class is a bump in steps 8-15 of 60; 44 steps of noise follow it,
    # which a small network's last state forgets, and pooling does not
    rng = np.random.default_rng(0)

    def make(n):
        X = rng.normal(scale=0.5, size=(n, 60, 1))
        y = rng.integers(0, 2, n)
        X[y == 1, 8:16, 0] += 2.0
        return X, y

    (X, y), (X_test, y_test) = make(128), make(200)
    params = {
        **{"units": 4, "epochs": 12, "batch_size": 16, "random_state": 0},
        # the recurrent stack alone: no convolutional branch, time order
        **{"fcn_filters": None, "dimension_shuffle": False},
        "lr_schedule": "constant",
    }
    last = RNNClassifier(**params, pooling="last").fit(X, y).score(X_test, y_test)
    pooled = RNNClassifier(**params, pooling="max").fit(X, y).score(X_test, y_test)
    assert pooled >= 0.95
    assert last <= 0.8


def test_dimension_shuffle_refuses_sequences_of_different_lengths():
    X = [np.zeros((3, 1)), np.ones((5, 1))]
    with pytest.raises(ValueError, match="dimension_shuffle needs sequences of one"):
        RNNClassifier(**FAST, dimension_shuffle=True).fit(X, [0, 1])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"fcn_filters": (4, 4), "fcn_kernel_sizes": (3,)}, "one kernel size per"),
        ({"fcn_filters": (4, 0)}, "fcn_filters must contain positive ints"),
        ({"pooling": "mean", "return_sequences": True}, "pooling.*return_sequences"),
        ({"fcn_filters": (4,), "model_fn": len}, "fcn_filters.*model_fn"),
        ({"label_smoothing": 1.0}, "label_smoothing"),
        ({"lr_schedule": "cosine"}, "lr_schedule"),
    ],
)
def test_bad_architecture_parameters_are_refused(params, message):
    X, y = _labelled()
    with pytest.raises(ValueError, match=message):
        RNNClassifier(**FAST, **params).fit(X, y)


def test_stratified_holdout_takes_the_tail_of_every_class():
    labels = np.array([0] * 10 + [1] * 10)  # time-ordered tail: class 1 only
    order, cut = stratified_holdout(labels, 0.2)
    held = order[cut:]
    np.testing.assert_array_equal(held, [8, 9, 18, 19])
    np.testing.assert_array_equal(np.sort(order), np.arange(20))
    assert stratified_holdout(np.array([0, 1]), 0.5) is None


def test_stratified_early_stopping_label_smoothing_and_plateau_schedule():
    X, y = _labelled()
    order = np.argsort(y, kind="stable")  # one class, then the other
    clf = RNNClassifier(
        **{**FAST, "epochs": 6},
        early_stopping=True,
        validation_fraction=0.2,
        label_smoothing=0.2,
        lr_schedule="plateau",
        learning_rate=0.5,  # so high that the loss stalls and the rate is cut
    ).fit(X[order], y[order])
    # both classes validate: a held-out tail of one class only would not
    # tell the classes apart
    assert np.isfinite(clf.best_validation_loss_)
    assert clf.model_.loss.get_config()["label_smoothing"] == 0.2
    rates = clf.history_["learning_rate"]
    assert rates[-1] <= rates[0]
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=1e-6)


def _recurrent_input(clf):
    layer = next(la for la in clf.model_.layers if la.name.startswith("lstm"))
    inputs = layer.input  # a list with the mask, for padded sequences
    return tuple((inputs[0] if isinstance(inputs, list) else inputs).shape)


def test_default_network_is_lstm_fcn_on_sequences_of_one_length():
    X, y = _labelled(steps=12, features=2)
    clf = RNNClassifier(epochs=1, random_state=0).fit(X, y)
    assert clf.fcn_filters_ == FCN_FILTERS == (64, 128, 64)
    assert clf.dimension_shuffle_ is True
    assert [_layer(clf.model_, f"fcn_conv_{i}").filters for i in (1, 2, 3)] == [
        64,
        128,
        64,
    ]
    # LSTM(8) over the 2 features as steps; 8 + 64 features to the head
    assert _recurrent_input(clf) == (None, 2, 12)
    assert tuple(_layer(clf.model_, "features").output.shape) == (None, 72)
    # the fitted model takes sequences of the training length only
    with pytest.raises(ValueError, match="dimension_shuffle.*12 time steps"):
        clf.predict([X[0], X[1][:7]])


def test_default_network_reads_sequences_of_different_lengths_in_time_order():
    rng = np.random.default_rng(3)
    X = [rng.normal(size=(rng.integers(4, 9), 2)) for _ in range(20)]
    y = np.array([x[0, 0] > 0 for x in X])
    clf = RNNClassifier(epochs=1, random_state=0).fit(X, y)
    assert clf.dimension_shuffle_ is False
    assert clf.fcn_filters_ == FCN_FILTERS
    assert _recurrent_input(clf) == (None, None, 2)
    assert clf.predict([X[0][:2]]).shape == (1,)  # any length


@pytest.mark.parametrize(
    "params",
    [{"embedding_dim": 3}, {"return_sequences": True}, {"model_fn": "dense"}],
    ids=["token ids", "return_sequences", "model_fn"],
)
def test_auto_architecture_is_the_plain_recurrent_network_elsewhere(params):
    rng = np.random.default_rng(4)
    X = rng.integers(1, 5, size=(20, 6)).astype(float)
    y = (X[:, 0] > 2).astype(int)
    if "return_sequences" in params:
        y = np.repeat(y[:, None], 6, axis=1)
    if params.get("model_fn") == "dense":
        params = {"model_fn": _dense_model}
    clf = RNNClassifier(**FAST, **params).fit(X, y)
    assert clf.fcn_filters_ is None
    assert clf.dimension_shuffle_ is False
    names = [layer.name for layer in clf.model_.layers]
    assert not any(name.startswith("fcn_") for name in names)


def _dense_model(input_shape, n_outputs):
    import keras

    inputs = keras.Input(input_shape)
    flat = keras.layers.Flatten()(inputs)
    return keras.Model(inputs, keras.layers.Dense(n_outputs, "softmax")(flat))


def test_auto_training_length_is_at_most_a_thousand_updates_and_stops_at_the_floor():
    # ArrowHead's 36 training series in batches of 16: 3 updates an epoch
    assert auto_epochs(36, 16) == 334
    assert auto_epochs(160, 16) == 100  # 10 updates an epoch
    assert auto_epochs(5000, 16) == 100
    assert auto_epochs(4, 16) == 500  # capped
    assert auto_batch_size(200) == 16
    assert auto_batch_size(60000) == 256
    X, y = _labelled(n=40)
    clf = RNNClassifier(
        units=4, fcn_filters=(4,), fcn_kernel_sizes=(3,), random_state=0
    ).fit(X, y)
    assert (clf.epochs_, clf.batch_size_) == (auto_epochs(40, 16), 16)
    assert clf.n_iter_ <= clf.epochs_
    # at most 334 epochs: it stops once the plateau schedule is at its floor
    # and the loss has stalled there for one patience (a rate so high that
    # the loss stalls at once)
    stalled = RNNClassifier(
        units=4,
        fcn_filters=(4,),
        fcn_kernel_sizes=(3,),
        learning_rate=0.5,
        random_state=0,
    ).fit(X, y)
    assert stalled.epochs_ == 334
    patience = max(PLATEAU_PATIENCE, 334 // 20)  # 16 epochs
    # four halvings and one more patience at the floor, at the least
    assert 5 * patience <= stalled.n_iter_ < stalled.epochs_
    rates = np.asarray(stalled.history_["learning_rate"])
    floor = stalled.learning_rate * PLATEAU_FLOOR
    assert rates[-1] == pytest.approx(floor)
    losses = np.asarray(stalled.history_["loss"])
    assert losses[-patience:].min() >= losses[:-patience].min() - 1e-4
    # early stopping: counted on the rows left for training (36 of 40)
    held = RNNClassifier(
        units=4,
        fcn_filters=None,
        early_stopping=True,
        n_iter_no_change=1,
        random_state=0,
    ).fit(X, y)
    assert held.epochs_ == auto_epochs(36, 16)
    assert held.n_iter_ < held.epochs_
    fixed = RNNClassifier(**FAST).fit(X, y)
    assert (fixed.epochs_, fixed.n_iter_, fixed.batch_size_) == (2, 2, 16)


class _Optimizer:
    learning_rate = 0.2


class _Model:
    optimizer = _Optimizer()
    stop_training = False


def test_stop_at_learning_rate_floor_waits_one_patience_at_the_floor():
    callback = stop_at_learning_rate_floor("loss", floor=0.1, patience=2)
    model = _Model()
    callback.set_model(model)
    callback.on_train_begin()

    def epoch(loss, rate):
        model.optimizer.learning_rate = rate
        callback.on_epoch_end(0, {"loss": loss})
        return model.stop_training

    assert not epoch(1.0, 0.2)
    # stalled above the floor: the schedule still has a rate to try
    assert not any(epoch(1.0, 0.2) for _ in range(5))
    assert not epoch(1.0, 0.1)  # at the floor, stalled once
    assert not epoch(0.5, 0.1)  # an improvement at the floor starts again
    assert not epoch(0.49995, 0.1)  # less than 1e-4 better: a stall
    assert epoch(0.6, 0.1)  # the second stall in a row at the floor


def test_integer_epochs_and_early_stopping_do_not_stop_at_the_floor():
    X, y = _labelled(n=40)
    fixed = RNNClassifier(**{**FAST, "epochs": 12}, learning_rate=0.5).fit(X, y)
    assert fixed.n_iter_ == 12
    assert fixed._plan(40, y, reset=False, incremental=False)[0].stop_at_floor is False
    auto = RNNClassifier(**{**FAST, "epochs": "auto"})
    assert auto._plan(40, y, reset=True, incremental=False)[0].stop_at_floor is True
    auto.set_params(lr_schedule="constant")
    assert auto._plan(40, y, reset=True, incremental=False)[0].stop_at_floor is False


def test_a_warm_start_trains_the_epochs_set_since_the_first_fit():
    X, y = _labelled(n=40)
    clf = RNNClassifier(**FAST, warm_start=True).fit(X, y)
    assert clf.n_iter_ == 2
    clf.set_params(epochs=3).fit(X, y)
    assert (clf.n_iter_, clf.epochs_, clf.batch_size_) == (5, 3, 16)
