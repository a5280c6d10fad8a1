"""The recurrent decoder head: one recurrent step per output, reading its inputs.

``build_network(decoder="rnn")`` ends here instead of in one ``Dense`` layer
of ``n_outputs`` units. The encoder (the recurrent stack) reads the window;
a decoder stack of the same cells and widths starts from the encoder's
final states and unrolls over the ``n_outputs`` steps; one ``Dense(1)``,
shared by the steps, reads each of its outputs. At step ``h`` the decoder
reads the step's position, ``h / n_outputs``, and the features named as
known-future (``decoder_features``) at row ``h`` of the window's last
``n_outputs`` rows: where a forecaster's windows hold the known-future
covariates of the forecast steps (``skrnn/_forecast/data.py``).

Only Keras layers and ``keras.ops`` on symbolic tensors: the model saves
and loads as a plain Keras model, under every backend.
"""

from collections.abc import Sequence

from skrnn._keras.linear_skip import HEAD


def merge_directions(keras, states: list) -> list:
    """A Bidirectional layer's final states as one state per kind, side by side.

    ``[h_forward, (c_forward,) h_backward, (c_backward)]`` becomes ``[h,
    (c)]``, each twice as wide: the state of a decoder layer twice as wide.
    """
    half = len(states) // 2
    concatenate = keras.layers.Concatenate
    return [
        concatenate()([forward, backward])
        for forward, backward in zip(states[:half], states[half:], strict=True)
    ]


def decoder_inputs(keras, window, state, n_steps: int, features: Sequence[int]):
    """What the decoder reads at each step: ``(batch, n_steps, 1 + n_features)``.

    Parameters
    ----------
    window : KerasTensor of shape (batch, n_timesteps, n_window_features)
        The window as the encoder reads it (scaled).
    state : KerasTensor of shape (batch, units)
        One of the encoder's final states: it gives the batch size.
    n_steps : int
        Output steps.
    features : sequence of int
        Window features read at each step, from the window's last
        ``n_steps`` rows.
    """
    ops = keras.ops
    ones = keras.layers.RepeatVector(n_steps)(ops.ones_like(state[:, :1]))
    position = ops.cumsum(ones, axis=1) / n_steps
    if not features:
        return position
    ahead = ops.take(window[:, -n_steps:, :], list(features), axis=2)
    return keras.layers.Concatenate()([position, ahead])


def decode(
    keras,
    *,
    window,
    states: list,
    n_outputs: int,
    features: Sequence[int],
    cell_class,
    dropout: float,
    recurrent_dropout: float,
    dense_units: tuple,
    dense_activation: str,
    output_activation,
):
    """The decoder and its per-step head: ``(batch, n_outputs)`` outputs.

    ``states`` holds the final states of each encoder layer, first to last;
    the decoder layer at the same depth starts from them, and has their
    width.
    """
    layers = keras.layers
    x = decoder_inputs(keras, window, states[0][0], n_outputs, features)
    for initial in states:
        layer = cell_class(
            initial[0].shape[-1],
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=True,
        )
        x = layer(x, initial_state=initial)
    for n_units in dense_units:
        x = layers.Dense(n_units, activation=dense_activation)(x)
    x = layers.Dense(1, activation=output_activation, name=HEAD)(x)
    return layers.Reshape((n_outputs,))(x)
