"""The encoder-decoder network: the training graph, and the prediction graphs.

The training model reads one int array ``(n, S + T)``: its first ``S``
columns hold the source ids, the last ``T`` the target shifted right behind
the start token (teacher forcing), each padded with 0 (masked) to its own
longest sequence, so that neither the encoder nor the decoder runs over the
other's length. One array, so that the shared training loop
(``skrnn/_keras/training.py``) feeds it like any other input; it outputs
the next-token probabilities ``(n, T, target_size)``.

For prediction the same layers, found by name in ``model_`` (also after
``load``), are wired into an encoder model and a one-step decoder model;
both run through Keras's compiled ``predict_on_batch``, one call per
output step for the whole batch (``skrnn/_decoding.py``).
"""

import weakref

from skrnn._keras.backend import get_keras
from skrnn._keras.network import CELLS
from skrnn._sequences.vocabulary import PAD

# attention: Keras layer (scores): Luong's dot product, Bahdanau's additive
ATTENTION = {"luong": "Attention", "bahdanau": "AdditiveAttention"}

# Inference models per training model, built on first predict.
_INFERENCE = weakref.WeakKeyDictionary()


def _n_states(cell: str) -> int:
    """States per recurrent layer: (h, c) for an LSTM, h otherwise."""
    return 2 if cell == "lstm" else 1


def _make_layers(
    *,
    source_size,
    target_size,
    embedding_dim,
    cell,
    units,
    dropout,
    recurrent_dropout,
    attention,
) -> dict:
    """The named layers of a new network."""
    layers = get_keras().layers
    cell_class = getattr(layers, CELLS[cell])

    def recurrent(name, n_units):
        return cell_class(
            n_units,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=True,
            return_state=True,
            name=name,
        )

    found = {
        "source_embedding": layers.Embedding(
            source_size, embedding_dim, mask_zero=True, name="source_embedding"
        ),
        "target_embedding": layers.Embedding(
            target_size, embedding_dim, mask_zero=True, name="target_embedding"
        ),
        "encoder": [recurrent(f"encoder_{i}", u) for i, u in enumerate(units)],
        "decoder": [recurrent(f"decoder_{i}", u) for i, u in enumerate(units)],
        "output": layers.Dense(target_size, activation="softmax", name="output"),
    }
    if attention is not None:
        found["attention"] = getattr(layers, ATTENTION[attention])(name="attention")
        found["combine"] = layers.Dense(units[-1], activation="tanh", name="combine")
    return found


def _find_layers(model, n_layers: int, attention) -> dict:
    """The same named layers, in a built (or loaded) training model."""
    names = ["source_embedding", "target_embedding", "output"]
    if attention is not None:
        names += ["attention", "combine"]
    found = {name: model.get_layer(name) for name in names}
    found["encoder"] = [model.get_layer(f"encoder_{i}") for i in range(n_layers)]
    found["decoder"] = [model.get_layer(f"decoder_{i}") for i in range(n_layers)]
    return found


def _encode(net, source_ids):
    """Encoder outputs ``(n, T, units)`` and the final states of each layer."""
    x, states = net["source_embedding"](source_ids), []
    for layer in net["encoder"]:
        x, *layer_states = layer(x)
        states.append(layer_states)
    return x, states


def _decode(net, target_ids, states, encoder_outputs, source_mask):
    """Next-token probabilities and the decoder's new states.

    Each decoder layer starts from the state of the encoder layer at the
    same depth (or, one step at a time, from its own previous state).
    With attention, each decoder output attends over the encoder outputs
    at the real source steps; the context and the output go through a
    ``tanh`` layer before the softmax (Luong et al., 2015).
    """
    x, new_states = net["target_embedding"](target_ids), []
    for layer, initial in zip(net["decoder"], states, strict=True):
        x, *layer_states = layer(x, initial_state=initial)
        new_states.append(layer_states)
    if "attention" in net:
        context = net["attention"]([x, encoder_outputs], mask=[None, source_mask])
        x = net["combine"](get_keras().layers.Concatenate()([x, context]))
    return net["output"](x), new_states


def build_seq2seq(
    *,
    source_length: int,
    source_size: int,
    target_size: int,
    embedding_dim: int,
    cell: str,
    units: tuple,
    dropout: float,
    recurrent_dropout: float,
    attention,
):
    """The training model: packed source and shifted target in, probabilities out.

    Parameters
    ----------
    source_length : int
        Columns of the packed input that hold the source, ``S``.
    source_size, target_size : int
        Model ids of each vocabulary, the reserved ones included.
    embedding_dim : int
        Size of the token embeddings (source and target, separate).
    cell : {"lstm", "gru", "simple_rnn"}
        Recurrent cell of encoder and decoder.
    units : tuple of int
        Units of each layer, first to last, in the encoder and in the decoder.
    dropout, recurrent_dropout : float
        Passed to every recurrent layer.
    attention : {"luong", "bahdanau"} or None
        Attention of the decoder over the encoder outputs.

    Returns
    -------
    model : keras.Model
        Uncompiled.
    """
    keras = get_keras()
    ops = keras.ops
    net = _make_layers(
        source_size=source_size,
        target_size=target_size,
        embedding_dim=embedding_dim,
        cell=cell,
        units=units,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        attention=attention,
    )
    packed = keras.Input(shape=(None,), dtype="int32", name="source_and_target")
    source = packed[:, :source_length]
    shifted_target = packed[:, source_length:]
    encoder_outputs, states = _encode(net, source)
    probabilities, _ = _decode(
        net, shifted_target, states, encoder_outputs, ops.not_equal(source, PAD)
    )
    return keras.Model(packed, probabilities)


def inference_models(model, *, cell: str, n_layers: int, attention) -> tuple:
    """``(encoder, step)``: Keras models sharing the training model's layers.

    ``encoder(source_ids)`` gives ``[encoder_outputs, *states]``;
    ``step([token_ids (n, 1), *states, encoder_outputs, source_mask])``
    gives ``[probabilities (n, target_size), *new_states]`` (without
    attention, the encoder outputs and the mask are neither given nor
    returned). Built once per training model and cached; call under the
    predict lock.
    """
    cached = _INFERENCE.get(model)
    if cached is not None:
        return cached
    keras = get_keras()
    net = _find_layers(model, n_layers, attention)
    source = keras.Input(shape=(None,), dtype="int32")
    encoder_outputs, states = _encode(net, source)
    encoder = keras.Model(source, [encoder_outputs, *_flat(states)])

    token = keras.Input(shape=(1,), dtype="int32")
    state_inputs = [
        [keras.Input(shape=(layer.units,)) for _ in range(_n_states(cell))]
        for layer in net["decoder"]
    ]
    context_inputs = []
    if attention is not None:
        context_inputs = [
            keras.Input(shape=(None, net["encoder"][-1].units)),
            keras.Input(shape=(None,), dtype="bool"),
        ]
    probabilities, new_states = _decode(
        net, token, state_inputs, *(context_inputs or [None, None])
    )
    step = keras.Model(
        [token, *_flat(state_inputs), *context_inputs],
        [probabilities[:, 0, :], *_flat(new_states)],
    )
    _INFERENCE[model] = encoder, step
    return encoder, step


def _flat(states) -> list:
    return [s for layer_states in states for s in layer_states]
