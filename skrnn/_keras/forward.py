"""The compiled forward pass that ``predict`` calls, one per model.

``Model.predict_on_batch`` is the floor of Keras's own prediction path, but
on JAX each call also gathers every variable of the model through its
tracking properties and writes the (unchanged) state back into them: about
as long again as the compiled computation for one row. A model without
stateful layers needs neither, so on JAX ``predict`` calls
``stateless_call`` compiled once with ``jax.jit`` and given the variables'
current values on each call: a model trained further (``partial_fit``,
``warm_start``) is read as it is now, and nothing is traced twice.

Elsewhere (TensorFlow, PyTorch, or a stateful model on JAX, whose state must
be written back) it is ``predict_on_batch``.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from skrnn._keras.backend import get_keras

# the attribute of a Keras model that holds its compiled forward pass
_ATTRIBUTE = "_skrnn_forward"


def compiled_forward(model: Any) -> Callable | None:
    """A function of the model's inputs that returns its outputs as numpy arrays.

    None where ``predict_on_batch`` must be used: a backend other than JAX,
    or a model with a stateful layer.
    """
    forward = model.__dict__.get(_ATTRIBUTE)
    if forward is None:
        forward = _build(model) or False
        # past Keras's attribute tracking: a function is nothing to track
        object.__setattr__(model, _ATTRIBUTE, forward)
    return forward or None


def _build(model: Any) -> Callable | None:
    if get_keras().backend.backend() != "jax":
        return None
    if any(getattr(layer, "stateful", False) for layer in model._flatten_layers()):
        return None
    import jax

    trainable = list(model.trainable_variables)
    frozen = list(model.non_trainable_variables)

    @jax.jit
    def outputs(trainable_values, frozen_values, inputs):
        return model.stateless_call(
            trainable_values, frozen_values, inputs, training=False
        )[0]

    # the stored values (what ``value`` returns outside a stateless or autocast
    # scope; ``stateless_call`` applies any autocast itself), read without the
    # property's scope look-ups where this Keras has them
    def read(variable):
        return variable._value

    if not all(hasattr(v, "_value") for v in trainable + frozen):

        def read(variable):
            return variable.value

    def forward(inputs):
        values = outputs(
            [read(v) for v in trainable], [read(v) for v in frozen], inputs
        )
        if isinstance(values, jax.Array):
            return np.asarray(values)
        return jax.tree.map(np.asarray, values)

    return forward
