"""RNNSeq2Seq: an encoder-decoder from sequences of tokens to sequences of tokens."""

from functools import partial
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skrnn._core.sklearn_compat import Interval, StrOptions, _fit_context
from skrnn._keras.backend import draw_seed
from skrnn._keras.base import BaseRNN, _as_units
from skrnn._keras.estimator import _PREDICT_CHUNK, _PREDICT_LOCK, KerasEstimator
from skrnn._keras.training import compile_model
from skrnn._sequences.decoding import beam_search, greedy
from skrnn._sequences.seq2seq_network import ATTENTION, build_seq2seq, inference_models
from skrnn._sequences.vocabulary import (
    PAD,
    Vocabulary,
    check_sequences,
    teacher_forcing,
)

# the constraints of the parameters RNNRegressor also has, with its meanings
_SHARED = ("cell", "units", "dropout", "recurrent_dropout")


class RNNSeq2Seq(KerasEstimator):
    """Recurrent encoder-decoder: sequences of tokens in, sequences of tokens out.

    An encoder (embedding and recurrent layers) reads each input sequence
    into its final state; a decoder, started from that state, writes the
    output sequence one token at a time. Training uses teacher forcing: the
    decoder reads the true output shifted by one step behind a start token
    and learns to predict the next token, up to an end token. At
    prediction it reads its own previous output instead (greedy decoding,
    or beam search with ``beam_width > 1``) until it writes the end token
    or ``max_output_length`` tokens.

    ``X`` and ``y`` are lists of strings (each character a token) or lists
    of integer token-id sequences; their lengths vary independently.
    Vocabularies are learned in ``fit``; an input token never seen in
    training is read as one "unknown" token.

    Parameters
    ----------
    cell : {"lstm", "gru", "simple_rnn"}, default="lstm"
        Recurrent cell of the encoder and the decoder: ``keras.layers.LSTM``,
        ``GRU`` or ``SimpleRNN``.

    units : int or tuple of int, default=128
        Units of the recurrent layer; a tuple stacks layers, first to last,
        e.g. ``(128, 128)``, in the encoder and in the decoder alike (each
        decoder layer starts from the final state of the encoder layer at
        the same depth).

    embedding_dim : int, default=32
        Size of the token embeddings (one table for the input tokens, one
        for the output tokens).

    attention : {"luong", "bahdanau"} or None, default="luong"
        Attention of the decoder over the encoder's outputs at every input
        step: ``"luong"`` scores them by dot product with the decoder's
        output (``keras.layers.Attention``; Luong et al., 2015),
        ``"bahdanau"`` by an additive layer (``keras.layers.AdditiveAttention``;
        Bahdanau et al., 2015); the context and the decoder's output then go
        through a ``tanh`` layer before the softmax. None decodes from the
        encoder's final state alone. The default is measured on the shipped
        number names (``benchmarks/seq2seq.py``): see Notes.

    reverse_input : bool, default=False
        Feed each input sequence to the encoder last token first (Sutskever
        et al., 2014): the first output tokens then sit close to the input
        tokens they depend on. Mostly useful without attention.

    beam_width : int, default=1
        Sequences kept per step at prediction: 1 is greedy decoding (the
        most probable token, fed back); more is beam search, which returns
        the most probable whole sequence among those kept (sum of
        log-probabilities, no length normalisation).

    max_output_length : int, default=None
        Most tokens written per output sequence. None is twice the longest
        output seen in ``fit`` (at least 8).

    dropout : float, default=0.0
        Fraction of the inputs dropped in each recurrent layer while training.

    recurrent_dropout : float, default=0.0
        Fraction of the recurrent state dropped while training.

    optimizer : {"adam", "adamw", "nadam", "adamax", "rmsprop", "sgd", \
            "adagrad", "adadelta", "lion"}, default="adam"
        Keras optimizer.

    learning_rate : float, default=0.005
        Learning rate of the optimizer.

    clipnorm : float, default=1.0
        Clip each gradient to this norm (gradient clipping); None turns it
        off. Recurrent encoder-decoders meet exploding gradients early in
        training more often than the one-output networks of
        :class:`RNNRegressor`, whose default is None.

    clipvalue : float, default=None
        Clip each gradient element to ``[-clipvalue, clipvalue]``.

    epochs : int or "auto", default="auto"
        Passes over the training data (at most, with early stopping).
        "auto": as :class:`RNNClassifier`'s, enough for 1,000 gradient
        updates, at least 100 epochs and at most 500; with the default
        early stopping that is a ceiling, rarely reached. Recorded in
        ``epochs_``.

    batch_size : int, default=32
        Sequence pairs per gradient update.

    shuffle : bool, default=True
        Shuffle the training pairs before each epoch.

    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the pairs, drawn at random
        (seeded by ``random_state``; pairs have no time order, and a data
        set sorted by its input would otherwise lose its last inputs), stop
        when the validation loss (teacher-forced) has not improved by
        ``tol`` for ``n_iter_no_change`` epochs, and restore the best
        weights. False trains on all the pairs for ``epochs`` epochs.

    validation_fraction : float, default=0.1
        Fraction of the pairs held out when ``early_stopping=True``.

    n_iter_no_change : int, default=5
        Patience of early stopping, in epochs.

    tol : float, default=1e-3
        Smallest improvement of the validation loss (cross-entropy per
        output token) that counts: once the loss only creeps down by less,
        the exact match has stopped moving (``benchmarks/seq2seq.py``).

    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks for training.

    random_state : int, RandomState instance or None, default=None
        Seed of weight initialisation, dropout and shuffling. An int makes
        fits reproducible (identical predictions on the same backend). The
        caller's ``random`` and ``numpy.random`` states are left as they were.

    verbose : int, default=0
        Keras's training verbosity: 0 silent, 1 progress bar, 2 one line per
        epoch.

    Attributes
    ----------
    model_ : keras.Model
        The training network: it reads the input ids and the shifted output
        ids side by side in one array ``(n, input_steps + output_steps)``
        and gives the next-token probabilities. Prediction wires its layers
        into an encoder and a one-step decoder.

    input_tokens_ : list
        The input tokens seen in ``fit`` (characters or ids), sorted.

    output_tokens_ : list
        The output tokens seen in ``fit``, sorted: all the decoder can write.

    max_output_length_ : int
        ``max_output_length`` resolved.

    history_ : dict of str to list of float
        Per-epoch metrics, as Keras's ``History.history``.

    loss_curve_ : list of float
        Training loss per epoch (``history_["loss"]``): cross-entropy per
        output token, teacher-forced.

    n_iter_ : int
        Number of epochs run.

    epochs_, batch_size_ : int
        Epochs (at most) and batch size of the training run, ``epochs``
        with "auto" resolved.

    best_validation_loss_ : float
        Best validation loss, when ``early_stopping=True``.

    See Also
    --------
    RNNClassifier : One label per sequence, not a sequence.
    RNNRegressor : The same parameters for sequence regression.

    Notes
    -----
    ``score`` is the exact-match accuracy: the fraction of outputs equal to
    the truth, token for token.

    Why Luong attention by default: on the shipped English-to-French
    number names (:func:`skrnn.datasets.load_number_names`) the attention
    variants and no attention end within seed noise of each other
    (``benchmarks/results/seq2seq.md``). Attention is kept on because its
    benefit, in the literature, grows with the input length; of the two,
    Luong's dot product costs less fit time than Bahdanau's additive
    scores. Set ``attention=None`` for the fastest epochs on short inputs.

    Why early stopping by default: on the number names the earlier fixed
    budget (60 epochs) trained on long after the held-out exact match had
    stopped moving. Stopped by the held-out loss, the defaults ran 29 to 33
    epochs in 27 to 30 s against 49 s, exact match 0.945 to 0.960 against
    0.960 to 0.965 (two seeds, JAX, 2 CPUs), about the time plain Keras
    needs to come within 0.01 of that exact match when stopped by an
    oracle (``benchmarks/results/seq2seq_budget_jax.md``). For a fixed
    budget, set ``early_stopping=False`` and ``epochs``.

    Prediction runs the encoder once and the decoder one compiled step
    (``predict_on_batch``) per output token for the whole batch, not
    ``Model.predict`` per token (timings: ``benchmarks/results/speed.md``).

    Keras is imported on the first ``fit``, not on ``import skrnn``. On
    the validation loss of early stopping: it is the teacher-forced loss,
    which tracks but does not equal what greedy decoding achieves; judge a
    model by ``score`` on held-out pairs.

    Examples
    --------
    >>> from skrnn import RNNSeq2Seq
    >>> X = ["abc", "hello", "skrnn", "seq"] * 8
    >>> s2s = RNNSeq2Seq(units=16, epochs=2, random_state=0).fit(X, X)
    >>> len(s2s.predict(["abc"]))
    1
    """

    _parameter_constraints: dict = {
        **KerasEstimator._parameter_constraints,
        **{name: BaseRNN._parameter_constraints[name] for name in _SHARED},
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "attention": [StrOptions(set(ATTENTION)), None],
        "reverse_input": ["boolean"],
        "beam_width": [Interval(Integral, 1, None, closed="left")],
        "max_output_length": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        cell="lstm",
        units=128,
        *,
        embedding_dim=32,
        attention="luong",
        reverse_input=False,
        beam_width=1,
        max_output_length=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        optimizer="adam",
        learning_rate=0.005,
        clipnorm=1.0,
        clipvalue=None,
        epochs="auto",
        batch_size=32,
        shuffle=True,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        tol=1e-3,
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.cell = cell
        self.units = units
        self.embedding_dim = embedding_dim
        self.attention = attention
        self.reverse_input = reverse_input
        self.beam_width = beam_width
        self.max_output_length = max_output_length
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    _divergence_advice = "Lower learning_rate or clipnorm."

    # -- data ----------------------------------------------------------------------

    def _check_pairs(self, X, y):
        """Checked ``X`` and ``y`` sequences, of equal numbers, and their kinds."""
        X_kind, X = check_sequences(X, "X", allow_empty=False)
        y_kind, y = check_sequences(y, "y", allow_empty=True)
        if len(X) != len(y):
            raise ValueError(
                f"X and y have different lengths: {len(X)} input sequences and "
                f"{len(y)} output sequences."
            )
        return X, y, (X_kind, y_kind)

    def _check_input(self, X):
        """Checked ``X`` at prediction, of the kind seen in ``fit``."""
        kind, X = check_sequences(X, "X", allow_empty=False)
        if kind != self._source.kind:
            raise TypeError(
                f"X holds {kind}, but {type(self).__name__} was fitted on "
                f"{self._source.kind}."
            )
        return X

    def _training_arrays(self, X, y):
        """The packed model input, the next-token targets and their step weights.

        The first ``_source_length`` columns of the input hold the source
        ids, padded to the longest input; the others the target shifted
        right behind the start token (teacher forcing), padded to the
        longest output plus one (the start or the end token). The padding
        is masked. Each part has its own length: a short output (a date in
        ISO form) is not decoded over the length of a long input.
        """
        self._source_length = max(map(len, X))
        source = self._source.encode(
            X, reverse=self.reverse_input, length=self._source_length
        )
        decoder_input, target, weights = teacher_forcing(
            [self._target.ids(seq) for seq in y]
        )
        return np.concatenate([source, decoder_input], axis=1), target, weights

    # -- fitting -------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Learn the vocabularies and train the encoder-decoder on pairs ``X -> y``.

        Parameters
        ----------
        X : list of str, or list of sequences of int
            Input sequences: strings (characters are the tokens) or
            sequences of non-negative integer token ids; none empty.
        y : list of str, or list of sequences of int
            Output sequence of each input, of either kind (independently of
            ``X``); empty ones are allowed.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        with self._all_or_nothing():
            return self._fit_pairs(X, y)

    def _fit_pairs(self, X, y):
        X, y, (X_kind, y_kind) = self._check_pairs(X, y)
        self._units = _as_units(self.units, "units", allow_empty=False)
        self._source = Vocabulary(X_kind).fit(X)
        self._target = Vocabulary(y_kind).fit(y)
        self.input_tokens_ = list(self._source.tokens)
        self.output_tokens_ = list(self._target.tokens)
        longest = max(len(seq) for seq in y)
        self.max_output_length_ = (
            self.max_output_length
            if self.max_output_length is not None
            else max(2 * longest, 8)
        )
        packed, target, weights = self._training_arrays(X, y)
        self._seed = draw_seed(self.random_state)
        return self._train(packed, target, weights, None, reset=True, incremental=False)

    def _build_model(self):
        model = build_seq2seq(
            source_length=self._source_length,
            source_size=self._source.size,
            target_size=self._target.size,
            embedding_dim=self.embedding_dim,
            cell=self.cell,
            units=self._units,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            attention=self.attention,
        )
        return compile_model(model, self, "sparse_categorical_crossentropy")

    def _holdout_order(self, y, cut):
        """``(order, cut)``: a random ``validation_fraction`` of the pairs moved last.

        Seeded by the fit's seed; both parts keep their order otherwise.
        """
        n = len(y)
        held = np.random.default_rng(self._seed).choice(n, n - cut, replace=False)
        kept = np.setdiff1d(np.arange(n), held)
        return np.concatenate([kept, np.sort(held)]), cut

    # -- prediction ----------------------------------------------------------------

    def predict(self, X):
        """Write the output sequence of each input sequence.

        Parameters
        ----------
        X : list of str, or list of sequences of int
            Input sequences of the kind seen in ``fit``; tokens never seen
            in ``fit`` are read as the unknown token.

        Returns
        -------
        y_pred : list of str, or list of list of int
            One output per input, of the kind of ``y`` in ``fit``; each
            stops before the end token, or at ``max_output_length_`` tokens.
        """
        check_is_fitted(self)
        X = self._check_input(X)
        return [self._target.decode(row) for row in self._decode_ids(X)]

    def _decode_ids(self, X, search=None):
        """Model ids written for checked inputs ``X``, chunk by chunk.

        ``search(step, states, context, max_length)`` is the decoding
        (``skrnn/_decoding.py``): greedy, or beam search of ``beam_width``.
        """
        if search is None:
            search = greedy
            if self.beam_width > 1:
                search = partial(beam_search, beam_width=self.beam_width)
        with _PREDICT_LOCK:
            encoder, step_model = inference_models(
                self.model_,
                cell=self.cell,
                n_layers=len(self._units),
                attention=self.attention,
            )
            rows = []
            for start in range(0, len(X), _PREDICT_CHUNK):
                chunk = X[start : start + _PREDICT_CHUNK]
                source = self._source.encode(chunk, reverse=self.reverse_input)
                outputs, *states = encoder.predict_on_batch(source)
                context = [] if self.attention is None else [outputs, source != PAD]

                def step(tokens, states, context, step_model=step_model):
                    probabilities, *states = step_model.predict_on_batch(
                        [tokens[:, None], *states, *context]
                    )
                    return np.asarray(probabilities), [np.asarray(s) for s in states]

                states = [np.asarray(s) for s in states]
                rows.extend(search(step, states, context, self.max_output_length_))
        return rows

    def score(self, X, y):
        """Exact-match accuracy: the fraction of outputs equal to ``y``.

        Parameters
        ----------
        X : list of str, or list of sequences of int
            Input sequences.
        y : list of str, or list of sequences of int
            True output sequences.

        Returns
        -------
        score : float
            Fraction of the predicted sequences equal to the true ones,
            token for token.
        """
        check_is_fitted(self)
        X, y, _ = self._check_pairs(X, y)
        y_pred = self.predict(X)
        return float(
            np.mean([tuple(p) == tuple(t) for p, t in zip(y_pred, y, strict=True)])
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags
