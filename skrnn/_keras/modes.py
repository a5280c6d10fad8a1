"""Which input modes and parameters combine: one table, checked at fit.

Each row names two parameters, when each counts as "on", and why they
cannot be on together. A combination missing here is allowed and must
work (tests/test_modes.py tries every pair of modes).
"""

from skrnn._representations import is_relative

# A parameter is "on" when its value passes the test; parameters an
# estimator does not have are off.
_ON = {
    "embedding_dim": lambda v: v is not None,
    "vocabulary_size": lambda v: v is not None,
    "normalize_sequences": lambda v: v is True,
    "return_sequences": lambda v: v is True,
    "target_representation": is_relative,
    "log_target": lambda v: v is True,
    "target_feature": lambda v: v is not None,
    "pooling": lambda v: v != "last",
    # "auto" means a branch only where it applies: never "on" for a conflict
    "fcn_filters": lambda v: v is not None and v != "auto" and len(v) > 0,
    "dimension_shuffle": lambda v: v is True,
    "model_fn": lambda v: v is not None,
    "decoder": lambda v: v == "rnn",
    "decoder_features": lambda v: v is not None and len(v) > 0,
    "linear_skip": lambda v: bool(v),
    "recurrent_steps": lambda v: v is not None,
}

# (first, second, how, reason): refused when the first parameter is on and
# the second is on ("with") or off ("without").
CONFLICTS = [
    (
        "vocabulary_size",
        "embedding_dim",
        "without",
        "vocabulary_size only applies to token ids; set embedding_dim too, or "
        "leave vocabulary_size=None",
    ),
    (
        "normalize_sequences",
        "embedding_dim",
        "with",
        "token ids are labels, not measurements: z-normalising them would change "
        "which token each step holds",
    ),
    (
        "target_representation",
        "embedding_dim",
        "with",
        "token ids have no level for the target to change from; use "
        "target_representation='level' or 'auto'",
    ),
    (
        "log_target",
        "embedding_dim",
        "with",
        "the target's history is not among token ids; use log_target='auto' or False",
    ),
    (
        "target_feature",
        "embedding_dim",
        "with",
        "token ids hold no target history",
    ),
    (
        "target_representation",
        "return_sequences",
        "with",
        "an output per step cannot be relative to a window statistic that "
        "includes later steps; use target_representation='level' or 'auto'",
    ),
    (
        "log_target",
        "return_sequences",
        "with",
        "per-step outputs are predicted as levels; use log_target='auto' or False",
    ),
    (
        "target_feature",
        "return_sequences",
        "with",
        "per-step outputs are predicted as levels, not relative to a window feature",
    ),
    (
        "decoder",
        "return_sequences",
        "with",
        "the recurrent decoder writes one output per forecast step after the "
        "sequence, not one per input step; use decoder='dense'",
    ),
    (
        "decoder",
        "model_fn",
        "with",
        "model_fn replaces the recurrent stack and its head, decoder included",
    ),
    (
        "decoder_features",
        "embedding_dim",
        "with",
        "token ids hold no known-future features",
    ),
    (
        "decoder_features",
        "decoder",
        "without",
        "only the recurrent decoder reads features at each output step; set "
        "decoder='rnn' or leave decoder_features=None",
    ),
    (
        "linear_skip",
        "return_sequences",
        "with",
        "the linear map of the window adds to one output per sequence, not one "
        "per step",
    ),
    (
        "linear_skip",
        "model_fn",
        "with",
        "model_fn replaces the network and its head; add a linear path inside it",
    ),
    (
        "recurrent_steps",
        "return_sequences",
        "with",
        "an output per step needs the recurrent layers to read every step; "
        "leave recurrent_steps=None",
    ),
    (
        "recurrent_steps",
        "model_fn",
        "with",
        "model_fn replaces the recurrent layers; read fewer steps inside it",
    ),
    *[
        (
            name,
            "return_sequences",
            "with",
            "it summarises the whole sequence in one vector, and return_sequences "
            "asks for one output per step",
        )
        for name in ("pooling", "fcn_filters", "dimension_shuffle")
    ],
    *[
        (
            name,
            "model_fn",
            "with",
            "model_fn replaces the recurrent stack and the head; build the "
            "architecture inside it",
        )
        for name in ("pooling", "fcn_filters", "dimension_shuffle")
    ],
]


def check_combinations(estimator) -> None:
    """Refuse parameter combinations that would be silently wrong or ignored.

    Parameters
    ----------
    estimator : BaseRNN
        The estimator about to be fitted.

    Raises
    ------
    ValueError
        Naming both parameters, their values and what to do instead.
    """
    params = estimator.get_params(deep=False)

    def on(name):
        return name in params and _ON[name](params[name])

    for first, second, how, reason in CONFLICTS:
        if second in params and on(first) and on(second) == (how == "with"):
            raise ValueError(
                f"{type(estimator).__name__}: {first}={params[first]!r} cannot be "
                f"combined with {second}={params[second]!r}: {reason}."
            )
