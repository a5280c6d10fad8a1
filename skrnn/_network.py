"""One pure function: hyperparameters and input shape in, uncompiled Keras model out."""

import warnings

from ._backend import get_keras
from ._sequences import PAD

CELLS = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


def build_network(
    *,
    input_shape: tuple,
    n_outputs: int,
    output_activation: str | None,
    cell: str = "lstm",
    units: tuple = (32,),
    bidirectional: bool = False,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    dense_units: tuple = (),
    dense_activation: str = "relu",
    input_mean=None,
    input_variance=None,
    body=None,
    masked: bool = False,
    embedding: tuple | None = None,
    return_sequences: bool = False,
):
    """Build ``[Masking] [Normalization | Embedding] -> RNN stack -> Dense head``.

    Parameters
    ----------
    input_shape : tuple of (n_timesteps, n_features)
        Shape of one sample; ``n_timesteps`` may be None.
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
    input_mean, input_variance : array-like of shape (n_features,), default=None
        When given, a ``Normalization`` layer with these fixed statistics
        scales the inputs inside the model.
    body : callable, default=None
        A user's model-building function, ``body(input_shape, n_outputs)``
        returning a Keras model; it replaces the recurrent stack and the head.
        It is called on the output of the input layers (Masking, Embedding,
        Normalization, as the mode asks), and ``input_shape`` is that
        output's shape: ``(n_timesteps, embedding_dim)`` for token ids.
    masked : bool, default=False
        Put a ``Masking`` layer first, hiding the steps that pad shorter
        sequences (value ``PAD`` in every feature) from the recurrent layers.
    embedding : tuple of (input_dim, output_dim), default=None
        Inputs are token ids of shape ``(n_timesteps,)``: an ``Embedding``
        layer with ``mask_zero=True`` (id 0 is padding) replaces scaling.
    return_sequences : bool, default=False
        The last recurrent layer returns every step and the head is applied
        per step: one output per time step.

    Returns
    -------
    model : keras.Model
        Uncompiled model.
    """
    keras = get_keras()
    layers = keras.layers
    if embedding is not None:
        inputs = keras.Input(shape=(input_shape[0],))
        x = layers.Embedding(*embedding, mask_zero=True)(inputs)
    else:
        inputs = keras.Input(shape=tuple(input_shape))
        x = layers.Masking(mask_value=PAD)(inputs) if masked else inputs
    if input_mean is not None:
        x = layers.Normalization(axis=-1, mean=input_mean, variance=input_variance)(x)
    if body is not None:
        # the user's model reads what the input layers produce, whatever the
        # mode, so Masking, Embedding and Normalization are never dropped
        stem_shape = (input_shape[0], embedding[1]) if embedding else input_shape
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
    cell_class = getattr(layers, CELLS[cell])
    for i, n_units in enumerate(units):
        layer = cell_class(
            n_units,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=return_sequences or i < len(units) - 1,
        )
        x = (layers.Bidirectional(layer) if bidirectional else layer)(x)
    for n_units in dense_units:
        x = layers.Dense(n_units, activation=dense_activation)(x)
    outputs = layers.Dense(n_outputs, activation=output_activation)(x)
    return keras.Model(inputs, outputs)
