"""Cross-references to Keras: ``:obj:`keras.layers.LSTM``` links to keras.io.

Keras publishes no intersphinx inventory, so the names the documentation
cites are mapped here to their pages; a ``keras.*`` name missing from the
map is a warning, as any unresolved reference is.
"""

from docutils import nodes

KERAS_IO = "https://keras.io/api/"

PAGES = {
    "keras.Model": "models/model/",
    "keras.layers.LSTM": "layers/recurrent_layers/lstm/",
    "keras.layers.GRU": "layers/recurrent_layers/gru/",
    "keras.layers.SimpleRNN": "layers/recurrent_layers/simple_rnn/",
    "keras.layers.Bidirectional": "layers/recurrent_layers/bidirectional/",
    "keras.layers.Dense": "layers/core_layers/dense/",
    "keras.layers.Masking": "layers/core_layers/masking/",
    "keras.layers.Normalization": (
        "layers/preprocessing_layers/numerical/normalization/"
    ),
    "keras.layers.Attention": "layers/attention_layers/attention/",
    "keras.layers.AdditiveAttention": "layers/attention_layers/additive_attention/",
    "keras.callbacks.EarlyStopping": "callbacks/early_stopping/",
    "keras.callbacks.ReduceLROnPlateau": "callbacks/reduce_lr_on_plateau/",
    "keras.losses.CategoricalCrossentropy": (
        "losses/probabilistic_losses/#categoricalcrossentropy-class"
    ),
    "keras.saving.load_model": (
        "models/model_saving_apis/model_saving_and_loading/#loadmodel-function"
    ),
    "keras.saving.register_keras_serializable": (
        "models/model_saving_apis/serialization_utils/"
        "#registerkerasserializable-function"
    ),
    "keras.utils.PyDataset": "utils/python_utils/#pydataset-class",
    "keras.utils.set_random_seed": "utils/python_utils/#setrandomseed-function",
}


def resolve_keras(app, env, node, contnode):
    """A reference node to keras.io for a ``keras.*`` target of the Python domain."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("keras."):
        return None
    page = PAGES.get(target)
    if page is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=KERAS_IO + page)
    reference["reftitle"] = f"(in Keras) {target}"
    reference.append(contnode)
    return reference


def setup(app):
    app.connect("missing-reference", resolve_keras)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
