"""One pure function: the input stem and hyperparameters in, a Keras model out."""

import warnings

from skrnn._keras.backend import get_keras
from skrnn._keras.linear_skip import HEAD, add_linear_skip, skip_steps
from skrnn._keras.rnn_decoder import decode, merge_directions
from skrnn._keras.sequence_features import (
    FCN_KERNEL_SIZES,
    fcn_branch,
    pool_steps,
    real_steps,
)

CELLS = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


def build_network(
    *,
    stem,
    n_outputs: int,
    output_activation: str | None,
    cell: str = "lstm",
    units: tuple = (32,),
    bidirectional: bool = False,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    dense_units: tuple = (),
    dense_activation: str = "relu",
    body=None,
    return_sequences: bool = False,
    decoder: str = "dense",
    decoder_features: tuple = (),
    pooling: str = "last",
    fcn_filters: tuple | None = None,
    fcn_kernel_sizes: tuple = FCN_KERNEL_SIZES,
    dimension_shuffle: bool = False,
    linear_skip: bool | int = False,
    recurrent_steps: int | None = None,
):
    """Build ``stem's input layers -> RNN stack [+ FCN] -> Dense head`` (or ``body``).

    Parameters
    ----------
    stem : NumericStem or TokenStem
        The fitted input stem (``skrnn/_stem.py``); its input layers
        (Masking, Normalization, Embedding, as the mode asks) come first.
    n_outputs : int
        Width of the output layer.
    output_activation : str or None
        Activation of the output layer (None for regression, "softmax" for
        classification).
    cell : {"lstm", "gru", "simple_rnn"}, default="lstm"
        Recurrent cell.
    units : tuple of int, default=(32,)
        Units of each recurrent layer, first to last; every layer but the last
        returns its whole sequence to the next.
    bidirectional : bool, default=False
        Wrap each recurrent layer in ``keras.layers.Bidirectional``.
    dropout, recurrent_dropout : float, default=0.0
        Passed to each recurrent layer.
    dense_units : tuple of int, default=()
        Hidden ``Dense`` layers between the recurrent stack and the output.
    dense_activation : str, default="relu"
        Activation of the hidden ``Dense`` layers.
    body : callable, default=None
        A user's model-building function, ``body(input_shape, n_outputs)``
        returning a Keras model; it replaces the recurrent stack and the head.
        It is called on the output of the stem's input layers, and
        ``input_shape`` is that output's shape: ``(n_timesteps,
        embedding_dim)`` for token ids.
    return_sequences : bool, default=False
        The last recurrent layer returns every step and the head is applied
        per step: one output per time step.
    decoder : {"dense", "rnn"}, default="dense"
        The head: one ``Dense`` layer of ``n_outputs`` units, or a recurrent
        decoder that unrolls over the ``n_outputs`` steps from the stack's
        final states (``skrnn/_rnn_decoder.py``).
    decoder_features : tuple of int, default=()
        With ``decoder="rnn"``: the input features the decoder reads at each
        output step, from the window's last ``n_outputs`` steps.
    pooling : {"last", "mean", "max", "attention"}, default="last"
        What the recurrent stack gives the head: its last state, or a
        pooling of the last layer's outputs over every real step
        (``skrnn/_sequence_features.py``).
    fcn_filters : tuple of int or None, default=None
        Filters of the convolution blocks of a fully convolutional branch
        beside the recurrent one (LSTM-FCN); its pooled features are
        concatenated with the recurrent ones. None: no branch.
    fcn_kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel size of each convolution block.
    dimension_shuffle : bool, default=False
        The recurrent stack reads the input transposed, each feature a step
        and each time step a feature (LSTM-FCN's "dimension shuffle").
        Fixed-length input only.
    linear_skip : bool or int, default=False
        Add to the head's outputs a linear map of the (scaled) input window,
        a ``Dense`` layer on the flattened window (an int: its last
        ``linear_skip`` steps)
        (``skrnn/_keras/linear_skip.py``). Fixed-length input, one output per
        sequence.
    recurrent_steps : int or None, default=None
        The recurrent stack reads the last ``recurrent_steps`` steps of each
        sequence only; the linear skip, the FCN branch and the recurrent
        decoder's features still read all of it. None: every step.
        Fixed-length input.

    Returns
    -------
    model : keras.Model
        Uncompiled model.
    """
    keras = get_keras()
    layers = keras.layers
    inputs, x, stem_shape = stem.input_layers(keras)
    if body is not None:
        # the user's model reads what the stem produces, whatever the mode,
        # so Masking, Embedding and Normalization are never dropped
        user_model = body(tuple(stem_shape), n_outputs)
        if not isinstance(user_model, keras.Model):
            raise TypeError(
                f"model_fn must return a keras.Model, got {type(user_model).__name__}."
            )
        with warnings.catch_warnings():
            # the mask reaches the user's layers; Keras only warns that the
            # model's *output* carries none, which is right for one output
            warnings.filterwarnings("ignore", message=".*destroy the mask.*")
            outputs = user_model(x)
        return keras.Model(inputs, outputs)
    padded = stem_shape[0] is None
    if bool(linear_skip) and (padded or return_sequences):
        raise ValueError(
            "linear_skip reads every step of a window of one length and adds "
            "to one output per sequence: it needs sequences of one length and "
            "return_sequences=False."
        )
    if recurrent_steps is not None and padded:
        raise ValueError(
            "recurrent_steps keeps the last steps of a window of one length: "
            "it needs sequences of one length. Pad the sequences yourself or "
            "set recurrent_steps=None."
        )
    if dimension_shuffle and padded:
        raise ValueError(
            "dimension_shuffle needs sequences of one length: it reads each "
            "time step as a feature, and padding would change those features. "
            "Pad the sequences yourself or set dimension_shuffle=False."
        )
    valid = None
    if padded and (pooling != "last" or fcn_filters):
        valid = real_steps(keras, inputs, token_ids=len(inputs.shape) == 2)
    features = x
    h = keras.ops.transpose(x, (0, 2, 1)) if dimension_shuffle else x
    if recurrent_steps is not None and recurrent_steps < stem_shape[0]:
        h = layers.Cropping1D((stem_shape[0] - recurrent_steps, 0), name="recent")(h)
    cell_class = getattr(layers, CELLS[cell])
    recurrent_head = decoder == "rnn"
    if recurrent_head:
        _check_decoder_window(stem_shape, n_outputs, decoder_features)
    window, states = x, []
    every_step = return_sequences or pooling != "last"
    for i, n_units in enumerate(units):
        layer = cell_class(
            n_units,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=every_step or i < len(units) - 1,
            return_state=recurrent_head,
        )
        h = (layers.Bidirectional(layer) if bidirectional else layer)(h)
        if recurrent_head:
            h, *layer_states = h
            if bidirectional:
                layer_states = merge_directions(keras, layer_states)
            states.append(layer_states)
    if recurrent_head:
        outputs = decode(
            keras,
            window=window,
            states=states,
            n_outputs=n_outputs,
            features=decoder_features,
            cell_class=cell_class,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            dense_units=dense_units,
            dense_activation=dense_activation,
            output_activation=output_activation,
        )
        steps = 0 if padded else skip_steps(linear_skip, stem_shape[0])
        if steps:
            outputs = add_linear_skip(keras, window, outputs, steps)
        return keras.Model(inputs, outputs)
    if pooling != "last" and not return_sequences:
        # a shuffled stack's steps are the features: none of them is padding
        h = pool_steps(keras, h, None if dimension_shuffle else valid, pooling)
    x = h
    if fcn_filters:
        conv = fcn_branch(keras, features, valid, fcn_filters, fcn_kernel_sizes)
        x = layers.Concatenate(name="features")([h, conv])
    for n_units in dense_units:
        x = layers.Dense(n_units, activation=dense_activation)(x)
    outputs = layers.Dense(n_outputs, activation=output_activation, name=HEAD)(x)
    steps = 0 if padded else skip_steps(linear_skip, stem_shape[0])
    if steps:
        outputs = add_linear_skip(keras, features, outputs, steps)
    return keras.Model(inputs, outputs)


def _check_decoder_window(stem_shape, n_outputs: int, decoder_features) -> None:
    """Refuse sequences whose last ``n_outputs`` steps cannot hold the features."""
    if not decoder_features:
        return
    n_steps = stem_shape[0]
    if n_steps is None or n_steps < n_outputs:
        got = "of different lengths" if n_steps is None else f"of {n_steps} steps"
        raise ValueError(
            f"decoder_features: the decoder reads them at each of the "
            f"{n_outputs} output steps from the last {n_outputs} steps of each "
            f"sequence, which must all be at least that long; these are {got}."
        )
