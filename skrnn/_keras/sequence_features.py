"""Whole-sequence features for classification: pooling over steps and the FCN branch.

Both read every time step, not only the last state. With padded input
(sequences of different lengths) they see the real steps only: padded
steps are zeroed before each convolution and left out of every pooling,
so that padding never changes a prediction of a fitted model.
"""

from skrnn._core.params import as_units

POOLINGS = ("last", "mean", "max", "attention")

# The kernel sizes of LSTM-FCN's three convolution blocks (Karim et al.
# 2018) and half its filters (the paper: 128, 256, 128). On the eight
# UCR/UEA sets of benchmarks/classify.py half the filters fit in a third of
# the time for 0.5 points less mean accuracy (0.931 against 0.936, within
# the seeds' spread), and scored better on two sets outside those eight.
FCN_FILTERS = (64, 128, 64)
FCN_KERNEL_SIZES = (8, 5, 3)


def resolve_fcn(
    filters, kernel_sizes: tuple, shuffle, *, whole: bool, one_length: bool
):
    """LSTM-FCN's settings with ``"auto"`` resolved: ``(filters, sizes, shuffle)``.

    ``"auto"`` filters: :data:`FCN_FILTERS` for whole sequences of numbers
    (one output per sequence, skrnn's own network), else none; ``"auto"``
    shuffle: on for such sequences when they all have one length.
    """
    if isinstance(filters, str):
        filters = FCN_FILTERS if whole else None
    if filters is not None:
        filters = as_units(filters, "fcn_filters", allow_empty=True)
    if filters and len(kernel_sizes) != len(filters):
        raise ValueError(
            f"fcn_kernel_sizes must give one kernel size per block of "
            f"fcn_filters: got {len(kernel_sizes)} size(s) for {len(filters)} "
            f"block(s) (fcn_filters={filters!r}, fcn_kernel_sizes={kernel_sizes!r})."
        )
    if isinstance(shuffle, str):
        shuffle = whole and one_length
    return filters or None, kernel_sizes, bool(shuffle)


def real_steps(keras, inputs, *, token_ids: bool):
    """``(n, n_timesteps, 1)`` float tensor: 1 at real steps, 0 at padding.

    ``inputs`` is the model's input: token ids (padding 0) or numbers
    (padding :data:`~skrnn._core.inputs.PAD` in every feature).
    """
    from skrnn._core.inputs import PAD

    ops = keras.ops
    if token_ids:
        return ops.expand_dims(ops.cast(ops.not_equal(inputs, 0), "float32"), -1)
    valid = ops.any(ops.not_equal(inputs, PAD), axis=-1, keepdims=True)
    return ops.cast(valid, "float32")


def pool_steps(keras, h, valid, pooling: str):
    """One vector per sequence from the per-step outputs ``h``.

    Parameters
    ----------
    keras : module
        Keras.
    h : KerasTensor of shape (n, n_timesteps, n_units)
        Outputs of the last recurrent layer at every step.
    valid : KerasTensor of shape (n, n_timesteps, 1) or None
        :func:`real_steps`, or None when no sequence is padded.
    pooling : {"mean", "max", "attention"}
        Mean or maximum over the real steps, or their average weighted by
        a learned score of each step (a softmax over the steps).
    """
    ops = keras.ops
    if pooling == "mean":
        return _mean_over_steps(keras, h, valid, name="pooling_mean")
    if pooling == "max":
        if valid is None:
            return keras.layers.GlobalMaxPooling1D(name="pooling_max")(h)
        return ops.max(ops.where(valid > 0, h, -1e9), axis=1)
    scores = keras.layers.Dense(1, name="attention_score")(h)
    if valid is not None:
        scores = ops.where(valid > 0, scores, -1e9)
    weights = ops.softmax(scores, axis=1)
    return ops.sum(h * weights, axis=1)


def fcn_branch(keras, x, valid, filters: tuple, kernel_sizes: tuple):
    """The fully convolutional branch of LSTM-FCN, one vector per sequence.

    Blocks of ``Conv1D -> BatchNormalization -> ReLU`` (``filters`` and
    ``kernel_sizes`` pair up, first to last), then a global average over the
    steps. Padded steps are set to 0 before every convolution, as a sequence
    without padding sees past its start ("same" padding), and are left out
    of the average.
    """
    layers = keras.layers
    blocks = zip(filters, kernel_sizes, strict=True)
    for i, (n_filters, size) in enumerate(blocks, start=1):
        if valid is not None:
            x = x * valid
        x = layers.Conv1D(
            n_filters,
            size,
            padding="same",
            kernel_initializer="he_uniform",
            name=f"fcn_conv_{i}",
        )(x)
        x = layers.BatchNormalization(name=f"fcn_batch_norm_{i}")(x)
        x = layers.Activation("relu", name=f"fcn_relu_{i}")(x)
    return _mean_over_steps(keras, x, valid, name="fcn_pooling")


def _mean_over_steps(keras, x, valid, *, name: str):
    """Average of ``x`` over the real steps (all of them when ``valid`` is None)."""
    if valid is None:
        return keras.layers.GlobalAveragePooling1D(name=name)(x)
    ops = keras.ops
    return ops.sum(x * valid, axis=1) / ops.maximum(ops.sum(valid, axis=1), 1.0)
