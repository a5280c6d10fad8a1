"""The data path: one array when small, batches encoded on demand when large."""

import tracemalloc

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose

import skrnn._keras.feed
from skrnn import RNNClassifier, RNNRegressor, SlidingWindowTransformer
from skrnn._core.inputs import PAD
from skrnn._keras.feed import row_blocks, step_moments


@pytest.fixture
def batched(monkeypatch):
    """Send every input, however small, through the batch-by-batch path."""
    monkeypatch.setattr(skrnn._keras.feed, "IN_MEMORY_BYTES", 0)


def _fit_predict(est, X, y, **fit_params):
    return est.fit(X, y, **fit_params).predict(X)


@pytest.mark.parametrize(
    "make",
    [
        lambda: RNNRegressor(**FAST, shuffle=False),
        lambda: RNNRegressor(
            **FAST, shuffle=False, target_representation="window_norm"
        ),
        lambda: RNNClassifier(**FAST, shuffle=False, normalize_sequences=True),
    ],
    ids=["change", "window_norm", "classifier"],
)
def test_batches_train_like_one_array(series, monkeypatch, make):
    X = SlidingWindowTransformer(look_back=6).fit_transform(series[:-1])
    y = series[1:, 0]
    if isinstance(make(), RNNClassifier):
        y = y > np.median(y)
    weights = np.linspace(0.5, 2.0, len(y))
    expected = _fit_predict(make(), X, y, sample_weight=weights)
    monkeypatch.setattr(skrnn._keras.feed, "IN_MEMORY_BYTES", 0)
    got = _fit_predict(make(), X, y, sample_weight=weights)
    # same batches in the same order: the same training, up to float32 rounding
    if isinstance(make(), RNNClassifier):
        assert np.mean(got == expected) > 0.95
    else:
        assert_allclose(got, expected, rtol=1e-4)


def test_shuffled_batches_are_reproducible_and_change_each_epoch(series, batched):
    X = SlidingWindowTransformer(look_back=6).fit_transform(series[:-1])
    y = series[1:, 0]
    a = RNNRegressor(**{**FAST, "epochs": 3}).fit(X, y)
    b = RNNRegressor(**{**FAST, "epochs": 3}).fit(X, y)
    assert_allclose(a.predict(X), b.predict(X))
    dataset = skrnn._keras.feed.window_batches(
        X, y, None, None, np.arange(len(y)), batch_size=16, shuffle=True, seed=0
    )
    first = dataset[0][1].copy()
    dataset.epoch = 1
    second = [dataset[i][1] for i in range(len(dataset))]
    assert not np.array_equal(first, second[0])
    # every row once per epoch
    assert_allclose(np.sort(np.concatenate(second)), np.sort(y))
    # an endless stream serves the same epochs one after the other
    stream = skrnn._keras.feed.window_batches(
        X,
        y,
        None,
        None,
        np.arange(len(y)),
        batch_size=16,
        shuffle=True,
        seed=0,
        endless=True,
    )
    assert stream.num_batches is None
    assert_allclose(stream[0][1], first)
    assert_allclose(stream[len(dataset) + 1][1], second[1])


def test_early_stopping_and_partial_fit_in_batches(series, batched):
    X = SlidingWindowTransformer(look_back=6).fit_transform(series[:-1])
    y = series[1:, 0]
    reg = RNNRegressor(**{**FAST, "epochs": 4}, early_stopping=True).fit(X, y)
    assert np.isfinite(reg.best_validation_loss_)
    assert len(reg.history_["val_loss"]) == reg.n_iter_
    reg.partial_fit(X, y)
    assert reg.n_iter_ == len(reg.history_["loss"])


def test_token_ids_in_batches(batched):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 6, size=(64, 7))
    y = (X == 3).sum(axis=1) > 1
    clf = RNNClassifier(**FAST, embedding_dim=3).fit(X, y)
    assert clf.predict_proba(X).shape == (64, 2)


def test_step_moments_match_numpy_with_padding(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 9, 3))
    X[:40, :4, :] = PAD  # padded starts
    real = X[:, :, 0] != PAD
    mean, variance = step_moments(X, None)
    assert_allclose(mean, X[real].mean(axis=0))
    assert_allclose(variance, X[real].var(axis=0))
    # an encoder is applied block by block, with each block's rows
    seen = []

    def encode(X_rows, rows):
        seen.append(rows)
        return np.where(X_rows == PAD, PAD, 2.0 * X_rows)

    monkeypatch.setattr(skrnn._keras.feed, "BLOCK_ELEMENTS", 100)
    mean2, variance2 = step_moments(X, encode)
    assert_allclose(mean2, 2 * mean)
    assert_allclose(variance2, 4 * variance)
    assert len(seen) > 1


def test_row_blocks_cover_every_row_once():
    X = np.empty((1001, 7, 3))
    blocks = row_blocks(X, block_elements=200)
    rows = np.concatenate([np.arange(X.shape[0])[b] for b in blocks])
    np.testing.assert_array_equal(rows, np.arange(1001))
    assert all(b.stop - b.start <= 9 for b in blocks)  # 200 // 21 rows


@pytest.mark.slow
def test_long_series_windows_are_never_copied_whole(monkeypatch):
    """numpy's allocations while fitting stay far below the windows' size."""
    monkeypatch.setattr(skrnn._keras.feed, "IN_MEMORY_BYTES", 2**20)
    n, look_back = 400_000, 64
    rng = np.random.default_rng(0)
    series = 10 + np.sin(np.arange(n + 1) / 30) + 0.1 * rng.normal(size=n + 1)
    series = series.astype(np.float32)[:, None]
    X = SlidingWindowTransformer(look_back=look_back).fit_transform(series[:-1])
    y = series[1:, 0]
    materialised = X.size * 4  # float32 windows: 102 MB
    reg = RNNRegressor(cell="simple_rnn", units=2, epochs=1, batch_size=4096)
    reg.fit(X[:100], y[:100])  # Keras imported and its runtime started already
    tracemalloc.start()
    try:
        reg.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # per-row arrays (targets, window centres, the batch order: 50 to 70 bytes
    # a row, 20% on TensorFlow, 27% on JAX) are expected; any copy of the
    # windows would be 100% (float32) or 200% (float64) on its own. The 25%
    # target on resident memory is measured in benchmarks/run.py.
    assert peak < 0.5 * materialised, f"{peak / 2**20:.0f} MiB"
    assert np.isfinite(reg.predict(X[-5:])).all()


def _recorded_batches(X, y, *, shuffle, seed, epochs=3, batch_size=16):
    """The targets of every batch the model trained on, through ``train``."""
    from skrnn._keras.backend import get_keras
    from skrnn._keras.training import train

    keras = get_keras()
    seen = []

    def loss(y_true, y_pred):
        try:  # concrete batches only: Keras may also trace the loss symbolically
            seen.append(keras.ops.convert_to_numpy(y_true)[:, 0].copy())
        except Exception:  # noqa: BLE001
            pass
        return keras.ops.mean(keras.ops.square(y_true - y_pred))

    inputs = keras.Input(X.shape[1:])
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss=loss, run_eagerly=True)
    train(
        model, X, y, None, None, epochs=epochs, batch_size=batch_size,
        shuffle=shuffle, seed=seed, cut=len(X), callbacks=[], verbose=0,
    )  # fmt: skip
    return seen


@pytest.mark.parametrize("shuffle", [True, False])
def test_same_seed_same_batches_on_every_route(monkeypatch, shuffle):
    """One order, ``epoch_order``, in memory and batch by batch, on this backend.

    The order is computed by numpy alone, so this test run under each Keras
    backend (``make test``, ``make test-jax``) shows that every backend trains
    on the same batches for the same seed.
    """
    n, batch_size, epochs = 70, 16, 3
    X = np.random.default_rng(0).normal(size=(n, 4, 1)).astype(np.float32)
    y = np.arange(n, dtype=np.float32).reshape(-1, 1)  # a batch's targets: its rows
    expected = [
        order[start : start + batch_size]
        for epoch in range(epochs)
        for order in [
            skrnn._keras.feed.epoch_order(np.arange(n), batch_size, shuffle, 7, epoch)
        ]
        for start in range(0, n, batch_size)
    ]
    in_memory = _recorded_batches(X, y, shuffle=shuffle, seed=7, epochs=epochs)
    monkeypatch.setattr(skrnn._keras.feed, "IN_MEMORY_BYTES", 0)
    batched = _recorded_batches(X, y, shuffle=shuffle, seed=7, epochs=epochs)
    for got in (in_memory, batched):
        assert len(got) == len(expected)
        for batch, rows in zip(got, expected, strict=True):
            assert_allclose(batch, rows)
    if shuffle:  # a new order each epoch, every row once
        first, second = np.concatenate(expected[:5]), np.concatenate(expected[5:10])
        assert not np.array_equal(first, second)
        assert_allclose(np.sort(first), np.arange(n))


def test_same_seed_same_fit_on_both_sides_of_the_threshold(series, monkeypatch):
    X = SlidingWindowTransformer(look_back=6).fit_transform(series[:-1])
    y = series[1:, 0]
    weights = np.linspace(0.5, 2.0, len(y))
    params = {**FAST, "epochs": 3, "early_stopping": True, "n_iter_no_change": 5}
    expected = _fit_predict(RNNRegressor(**params), X, y, sample_weight=weights)
    monkeypatch.setattr(skrnn._keras.feed, "IN_MEMORY_BYTES", 0)
    got = _fit_predict(RNNRegressor(**params), X, y, sample_weight=weights)
    assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_in_epoch_order_never_writes_the_callers_arrays():
    X = np.arange(40, dtype=np.float32).reshape(20, 2)
    before = X.copy()
    (fed,), callback = skrnn._keras.feed.in_epoch_order(
        [X], batch_size=8, shuffle=True, seed=0
    )
    callback.on_epoch_begin(0)
    assert fed is not X and not np.array_equal(fed, X)
    assert_allclose(X, before)
    assert_allclose(np.sort(fed[:, 0]), X[:, 0])
