"""Getting sequences into Keras: one array when small, batch by batch when large.

The windows of a long series are a strided view that costs nothing
(:func:`numpy.lib.stride_tricks.sliding_window_view`); materialising them
costs ``look_back`` times the series. Everything here works on blocks of
rows, so that the windows are never copied whole: statistics are
accumulated block by block, and above :data:`IN_MEMORY_BYTES` each training
batch is encoded and copied only when Keras asks for it, through a
``keras.utils.PyDataset`` that works on every backend.

Whatever the backend and the size, the batches of one fit come in one
order, :func:`epoch_order`: the same ``random_state`` trains on the same
batches on TensorFlow, JAX and PyTorch, in memory or batch by batch. The
implementations differ only in speed: :func:`window_batches` serves
batches on demand (TensorFlow, and large inputs everywhere), and
:func:`in_epoch_order` lays a small in-memory array out in the epoch's
order before each epoch, for backends whose Keras slices arrays natively.
"""

import math

import numpy as np

from skrnn._core.inputs import PAD
from skrnn._keras.backend import get_keras

# Above this size of the model's input (float32 bytes), training data reach
# Keras batch by batch. Below it one array is faster: Keras slices it natively.
IN_MEMORY_BYTES = 64 * 2**20

# Elements per block when a pass over all windows computes statistics.
BLOCK_ELEMENTS = 2**18


def row_blocks(X, block_elements=None) -> list:
    """Slices of the rows of ``X``, each covering about ``block_elements`` values.

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
        Array whose rows are split.
    block_elements : int, default=None
        Target number of values per block (at least one row); None means
        ``BLOCK_ELEMENTS``.

    Returns
    -------
    blocks : list of slice
        Consecutive slices that cover ``range(n_samples)``.
    """
    per_row = max(1, math.prod(X.shape[1:]))
    step = max(1, (block_elements or BLOCK_ELEMENTS) // per_row)
    return [slice(i, min(i + step, X.shape[0])) for i in range(0, X.shape[0], step)]


def model_input(X, encode, rows=slice(None)):
    """Rows ``rows`` of ``X`` as the model reads them: encoded, contiguous.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Sequences (possibly a strided view).
    encode : callable or None
        ``encode(X_rows, rows)`` returns the encoded rows; None keeps them.
    rows : slice or ndarray of int, default=slice(None)
        Rows to take.

    Returns
    -------
    X_model : ndarray
        float32, or int32 for token ids, C-contiguous.
    """
    X_rows = X[rows]
    if encode is not None:
        X_rows = encode(X_rows, rows)
    dtype = np.int32 if X_rows.dtype.kind in "iu" else np.float32
    return np.ascontiguousarray(X_rows, dtype=dtype)


def materialise(X, encode):
    """All of ``X`` as the model reads it, encoded block by block into one array.

    The encoding's float64 temporaries then never exceed a block, and the
    result is the only full-size array.
    """
    if encode is None:
        return model_input(X, None)
    first = model_input(X, encode, slice(0, 1))
    out = np.empty((X.shape[0], *first.shape[1:]), dtype=first.dtype)
    for rows in row_blocks(X):
        out[rows] = model_input(X, encode, rows)
    return out


def fits_in_memory(X) -> bool:
    """Whether the model's input for all of ``X`` is small enough for one array."""
    return 4 * math.prod(X.shape) <= IN_MEMORY_BYTES


def step_moments(X, encode):
    """Per-feature mean and variance over all samples and real time steps.

    Accumulated block by block (Chan et al.'s pairwise update), so that the
    encoded windows are never held whole.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Sequences, padded steps equal to ``PAD``.
    encode : callable or None
        Applied to each block as in :func:`model_input`.

    Returns
    -------
    mean, variance : ndarray of shape (n_features,)
        float64 statistics; NaN for a feature without any real step.
    """
    n_features = X.shape[2]
    count, mean, m2 = 0, np.zeros(n_features), np.zeros(n_features)
    for rows in row_blocks(X):
        X_rows = X[rows] if encode is None else encode(X[rows], rows)
        values = np.asarray(X_rows, dtype=np.float64)
        real = values[:, :, 0] != PAD
        values = values.reshape(-1, n_features) if real.all() else values[real]
        k = values.shape[0]
        if k == 0:
            continue
        block_mean = values.mean(axis=0)
        block_m2 = ((values - block_mean) ** 2).sum(axis=0)
        delta, total = block_mean - mean, count + k
        mean = mean + delta * (k / total)
        m2 = m2 + block_m2 + delta**2 * (count * k / total)
        count = total
    if count == 0:
        return np.full(n_features, np.nan), np.full(n_features, np.nan)
    return mean, m2 / count


def epoch_order(rows, batch_size: int, shuffle: bool, seed: int, epoch: int):
    """The rows of one epoch in the order they are trained on.

    Without ``shuffle``, ``rows`` as they are. With it, a permutation drawn
    from a generator seeded with ``(seed, epoch)`` (so the order never
    depends on how far ahead a backend reads), each batch of
    ``batch_size`` then sorted, so that a batch reads its windows in time
    order (the same set, cheaper to gather from a strided view).

    Parameters
    ----------
    rows : ndarray of int
        The rows to serve.
    batch_size : int
        Rows per batch.
    shuffle : bool
        Whether to permute.
    seed, epoch : int
        Seed of the permutation, and the epoch (from 0 in each fit).

    Returns
    -------
    order : ndarray of int
        A new array when shuffled; ``rows`` itself otherwise.
    """
    if not shuffle:
        return rows
    order = rows.copy()
    np.random.default_rng([seed, epoch]).shuffle(order)
    full = len(order) - len(order) % batch_size
    order[:full].reshape(-1, batch_size).sort(axis=1)
    order[full:].sort()
    return order


_AT_EPOCH_BEGIN = None


def at_epoch_begin(action):
    """A Keras callback that calls ``action(epoch)`` before each epoch of ``fit``.

    Both feeds keep their order in step with Keras's own epoch number this
    way, rather than by counting calls: on JAX the first fit also starts and
    ends an epoch of its data to build the model.
    """
    global _AT_EPOCH_BEGIN
    if _AT_EPOCH_BEGIN is None:

        class AtEpochBegin(get_keras().callbacks.Callback):
            def __init__(self, action):
                super().__init__()
                self.action = action

            def on_epoch_begin(self, epoch, logs=None):
                self.action(epoch)

        _AT_EPOCH_BEGIN = AtEpochBegin
    return _AT_EPOCH_BEGIN(action)


def in_epoch_order(arrays, *, batch_size, shuffle, seed):
    """In-memory arrays for Keras to slice in order, and the callback that orders them.

    Returns ``(fed, callback)``: ``fed`` are new arrays that Keras's ``fit``
    takes with ``shuffle=False``; before each epoch the callback copies the
    rows of ``arrays`` into them in :func:`epoch_order`, so that Keras's
    consecutive slices are that epoch's batches. Keras slices an array lazily,
    batch by batch, after ``on_epoch_begin`` (JAX and PyTorch); the
    arrays given are never written.

    Parameters
    ----------
    arrays : list of ndarray or None
        Training inputs, targets and weights (None entries stay None).
    batch_size, shuffle, seed
        As in :func:`epoch_order`.

    Returns
    -------
    fed : list of ndarray or None
    callback : keras.callbacks.Callback or None
        None without ``shuffle``: then ``fed`` is ``arrays``.
    """
    if not shuffle:
        return list(arrays), None
    fed = [None if a is None else np.empty_like(a) for a in arrays]
    rows = np.arange(len(arrays[0]))

    def lay_out(epoch):
        order = epoch_order(rows, batch_size, True, seed, epoch)
        for source, out in zip(arrays, fed, strict=True):
            if source is not None:
                np.take(source, order, axis=0, out=out)

    return fed, at_epoch_begin(lay_out)


_WINDOW_BATCHES = None


def window_batches(
    X, y, sample_weight, encode, rows, *, batch_size, shuffle, seed, endless=False
):
    """A ``keras.utils.PyDataset`` serving ``rows`` of ``X`` batch by batch.

    Each batch is gathered from ``X`` (a view stays a view until then),
    encoded and made contiguous on demand; only a few batches exist at a
    time. Epoch ``e`` serves the rows in the order of a generator seeded
    with ``(seed, e)``, so the order never depends on how far ahead Keras
    reads.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Sequences, untouched.
    y : ndarray of shape (n_samples, ...)
        Targets as the network trains on them.
    sample_weight : ndarray of shape (n_samples, ...) or None
        Weights of the loss.
    encode : callable or None
        Per-batch encoding, as in :func:`model_input`.
    rows : ndarray of int
        The rows to serve (the training or the validation part).
    batch_size : int
        Rows per batch.
    shuffle : bool
        Serve the rows in a new random order at each epoch.
    seed : int
        Seed of that order.
    endless : bool, default=False
        Serve epoch after epoch without end (batch ``i`` of the stream is
        batch ``i % steps`` of epoch ``i // steps``), for ``fit`` with
        ``steps_per_epoch``: Keras then keeps one iterator for the whole
        fit, where TensorFlow would otherwise build one per epoch (about
        10 ms each, most of an epoch on a short series).

    Returns
    -------
    dataset : keras.utils.PyDataset
        Its ``steps`` attribute is the number of batches per epoch. Unless
        ``endless``, its ``epoch`` attribute says which epoch's order it
        serves; ``dataset.epoch_clock()`` is the Keras callback that keeps
        it in step with ``fit``.
    """
    global _WINDOW_BATCHES
    if _WINDOW_BATCHES is None:
        keras = get_keras()

        class WindowBatches(keras.utils.PyDataset):
            def __init__(self, arrays, encode, rows, batch_size, shuffle, *more):
                super().__init__()
                seed, endless = more
                self.arrays, self.encode = arrays, encode
                self.batch_size, self.shuffle, self.seed = batch_size, shuffle, seed
                # int32 where it fits: the row order is the largest per-row array
                dtype = np.int32 if len(arrays[0]) < 2**31 else np.intp
                self.rows, self.endless = np.asarray(rows, dtype=dtype), endless
                self.steps = math.ceil(len(self.rows) / batch_size)
                self.epoch, self._order = 0, (None, None)

            @property
            def num_batches(self):
                return None if self.endless else self.steps

            def __len__(self):
                return self.steps

            def order(self, epoch):
                """The rows in the order of ``epoch`` (the last one is cached)."""
                if not self.shuffle:
                    return self.rows
                cached_epoch, order = self._order  # one read: threads may call
                if cached_epoch != epoch:
                    # a new array each epoch: a batch being gathered from the
                    # previous order in another thread must not see it change
                    order = epoch_order(
                        self.rows, self.batch_size, True, self.seed, epoch
                    )
                    self._order = (epoch, order)
                return order

            def __getitem__(self, index):
                epoch, index = (
                    divmod(index, self.steps) if self.endless else (self.epoch, index)
                )
                start = index * self.batch_size
                rows = self.order(epoch)[start : start + self.batch_size]
                X, *others = self.arrays
                batch = [model_input(X, self.encode, rows)]
                return tuple(batch + [a[rows] for a in others])

            def epoch_clock(self):
                """The Keras callback that sets ``epoch`` to ``fit``'s own."""
                return at_epoch_begin(lambda epoch: setattr(self, "epoch", epoch))

        _WINDOW_BATCHES = WindowBatches
    arrays = [X, y] + ([] if sample_weight is None else [sample_weight])
    return _WINDOW_BATCHES(arrays, encode, rows, batch_size, shuffle, seed, endless)
