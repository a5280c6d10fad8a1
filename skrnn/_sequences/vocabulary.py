"""Token sequences for sequence to sequence: checks, vocabularies, teacher forcing.

A sequence is a string (its characters are the tokens) or a sequence of
non-negative integer token ids. A :class:`Vocabulary` learned in ``fit``
maps tokens to the model's ids, past four reserved ones: padding, the
start and end tokens of the decoder, and "unknown" for tokens never seen
in training.
"""

from collections.abc import Sequence
from numbers import Integral

import numpy as np

# Model ids reserved before the tokens'; padding is 0 so that Keras masks it.
PAD, START, END, UNKNOWN = 0, 1, 2, 3
FIRST_TOKEN = 4

STRINGS, IDS = "strings", "token ids"


def _as_id_sequence(item, name: str, index: int) -> tuple | None:
    """``item`` as a tuple of Python ints, or None when it is not an id sequence."""
    if isinstance(item, np.ndarray):
        values = item.tolist() if item.ndim == 1 else None
    elif isinstance(item, Sequence) and not isinstance(item, str | bytes):
        values = list(item)
    else:
        values = None
    if values is None or not all(
        isinstance(v, Integral) and not isinstance(v, bool) for v in values
    ):
        return None
    if any(v < 0 for v in values):
        raise ValueError(
            f"{name}[{index}] holds a negative token id; token ids must be "
            "non-negative integers."
        )
    return tuple(int(v) for v in values)


def check_sequences(value, name: str, *, allow_empty: bool) -> tuple:
    """``(kind, sequences)``: a list of strings or of id sequences, checked.

    Parameters
    ----------
    value : list of str, or list of sequences of int, or 2-D int array
        What the user passed as ``name``; never modified.
    name : str
        The parameter's name, for the messages.
    allow_empty : bool
        Whether an empty sequence (``""``) is allowed.

    Returns
    -------
    kind : {"strings", "token ids"}
    sequences : list of str or list of tuple of int
        New objects: the user's are left alone.

    Raises
    ------
    TypeError
        ``value`` is not a list-like of sequences, or its items are neither
        all strings nor all integer sequences.
    ValueError
        ``value`` is empty, or holds an empty sequence where none is allowed,
        or a negative id.
    """
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        raise TypeError(
            f"{name} must be a list of strings or a list of token-id sequences, "
            f"got {type(value).__name__}."
        )
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.dtype.kind in "iu":
        value = list(value)
    items = list(value)
    if not items:
        raise ValueError(f"{name} is empty: it must hold at least one sequence.")
    kinds = set()
    sequences = []
    for i, item in enumerate(items):
        if isinstance(item, str | np.str_):
            kinds.add(STRINGS)
            sequences.append(str(item))
        else:
            ids = _as_id_sequence(item, name, i)
            if ids is None:
                raise TypeError(
                    f"{name}[{i}] is a {type(item).__name__}: {name} must hold "
                    "strings, or sequences of non-negative integer token ids."
                )
            kinds.add(IDS)
            sequences.append(ids)
        if len(kinds) > 1:
            raise TypeError(
                f"{name} mixes strings and token-id sequences (first mixed at "
                f"{name}[{i}]); use one kind."
            )
        if not allow_empty and len(sequences[-1]) == 0:
            raise ValueError(
                f"{name}[{i}] is empty: every sequence of {name} needs at least "
                "one token."
            )
    return kinds.pop(), sequences


class Vocabulary:
    """The tokens of one side (input or output), learned from its sequences.

    Parameters
    ----------
    kind : {"strings", "token ids"}
        What the sequences are; decoding gives the same kind back.
    """

    def __init__(self, kind: str):
        self.kind = kind

    def fit(self, sequences):
        """Learn the tokens of ``sequences``, sorted."""
        self.tokens = sorted({token for seq in sequences for token in seq})
        self.index = {token: i + FIRST_TOKEN for i, token in enumerate(self.tokens)}
        return self

    @property
    def size(self) -> int:
        """Number of model ids, the reserved ones included."""
        return len(self.tokens) + FIRST_TOKEN

    def ids(self, sequence, *, reverse: bool = False) -> list:
        """Model ids of one sequence's tokens; unseen tokens are ``UNKNOWN``."""
        ids = [self.index.get(token, UNKNOWN) for token in sequence]
        return ids[::-1] if reverse else ids

    def encode(self, sequences, *, reverse: bool = False, length=None):
        """Padded model ids, shape ``(n, length)``, padding (0) after the tokens.

        ``length`` defaults to the longest sequence.
        """
        rows = [self.ids(seq, reverse=reverse) for seq in sequences]
        return pad(rows, length)

    def decode(self, ids):
        """One output sequence from model ids, up to the first end token.

        Reserved ids other than the end are skipped (the decoder never
        emits them once trained; an untrained one might).
        """
        tokens = []
        for i in ids:
            if i == END:
                break
            if i >= FIRST_TOKEN:
                tokens.append(self.tokens[i - FIRST_TOKEN])
        return "".join(tokens) if self.kind == STRINGS else tokens


def pad(rows, length=None):
    """Lists of ids as int32 ``(n, length)``, padded with ``PAD`` at the end."""
    length = max(map(len, rows)) if length is None else length
    out = np.full((len(rows), max(length, 1)), PAD, dtype=np.int32)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row[:length]
    return out


def teacher_forcing(rows, length=None):
    """Decoder inputs, targets and step weights for training with teacher forcing.

    The decoder reads the target shifted right by one step behind the start
    token, and learns to write the target followed by the end token: at
    step ``t`` it reads token ``t - 1`` (the truth, not its own guess) and
    predicts token ``t``.

    Parameters
    ----------
    rows : list of list of int
        Model ids of each target sequence.
    length : int, default=None
        Steps of the arrays; default the longest target plus one.

    Returns
    -------
    decoder_input, target : ndarray of int32 of shape (n, length)
        ``[START, y_1, ..., y_k]`` and ``[y_1, ..., y_k, END]``, padded.
    weights : ndarray of float32 of shape (n, length)
        1 at the real steps of ``target`` (its end token included), 0 on padding.
    """
    decoder_input = pad([[START, *row] for row in rows], length)
    target = pad([[*row, END] for row in rows], length)
    return decoder_input, target, (target != PAD).astype(np.float32)
