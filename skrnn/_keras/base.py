"""BaseRNN: the shared machinery of the recurrent estimators (the class to subclass)."""

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skrnn._core.inputs import is_ragged, step_targets, unpad, validate_sequences
from skrnn._core.params import as_units as _as_units
from skrnn._core.sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from skrnn._keras.backend import draw_seed, predict_writes_state
from skrnn._keras.estimator import _PREDICT_CHUNK, _PREDICT_LOCK, KerasEstimator
from skrnn._keras.feed import model_input
from skrnn._keras.forward import compiled_forward
from skrnn._keras.modes import check_combinations
from skrnn._keras.network import CELLS, build_network
from skrnn._keras.stem import make_stem
from skrnn._keras.training import compile_model


class BaseRNN(KerasEstimator, metaclass=ABCMeta):
    """Base class of the recurrent-network estimators.

    This is the class to subclass for a new kind of recurrent estimator. It
    owns the hyperparameters, input validation, model building, what each
    fit trains (``fit``, ``partial_fit``, ``warm_start``, early stopping; the
    loop itself is in ``skrnn/_training.py``), the fast forward pass and
    the divergence verdict. Subclasses supply what really
    differs: the output layer and loss (:meth:`_output_spec`), and how the
    data are encoded for training (:meth:`_prepare_data`).

    Warning: This class should not be used directly. Use derived classes
    instead.
    """

    _parameter_constraints: dict = {
        **KerasEstimator._parameter_constraints,
        "cell": [StrOptions(set(CELLS))],
        "units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_units": [tuple, list],
        "dense_activation": [str],
        "scale_inputs": ["boolean"],
        "model_fn": [callable, None],
        "warm_start": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "vocabulary_size": [Interval(Integral, 1, None, closed="left"), None],
        "return_sequences": ["boolean"],
    }

    @abstractmethod
    def __init__(
        self,
        cell,
        units,
        *,
        bidirectional,
        dropout,
        recurrent_dropout,
        dense_units,
        dense_activation,
        optimizer,
        learning_rate,
        clipnorm,
        clipvalue,
        epochs,
        batch_size,
        shuffle,
        early_stopping,
        validation_fraction,
        n_iter_no_change,
        tol,
        scale_inputs,
        callbacks,
        model_fn,
        random_state,
        verbose,
        warm_start,
        embedding_dim,
        vocabulary_size,
        return_sequences,
    ):
        self.cell = cell
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.dense_units = dense_units
        self.dense_activation = dense_activation
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
        self.scale_inputs = scale_inputs
        self.callbacks = callbacks
        self.model_fn = model_fn
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.embedding_dim = embedding_dim
        self.vocabulary_size = vocabulary_size
        self.return_sequences = return_sequences

    _divergence_advice = (
        "Lower learning_rate, set clipnorm, keep scale_inputs=True, or check X "
        "and y for extreme values."
    )

    # -- what subclasses define ------------------------------------------------
    # BaseRNN calls exactly these; everything else is shared.

    @abstractmethod
    def _output_spec(self) -> tuple:
        """Return ``(n_outputs, output_activation, loss)`` of the network."""

    @abstractmethod
    def _prepare_data(self, X, y, sample_weight, *, reset, classes=None):
        """Return ``(y, sample_weight, encode)`` as the network trains on them.

        ``X`` is the validated training data and stays as it is (a view
        stays a view); ``y`` is what validation gave (a
        :class:`~skrnn._core.inputs.StepTargets` with ``return_sequences``).
        ``encode(X_rows, rows)``, or None, turns any block of ``X``'s rows
        into what the stem reads, so that large inputs are encoded batch by
        batch. On ``reset`` the subclass fits its target encoding and sets
        its fitted attributes.
        """

    @abstractmethod
    def _prediction_codec(self, X):
        """Return ``(encode, decode)`` for predicting on validated ``X``.

        ``encode`` is the block encoding of ``X`` as in :meth:`_prepare_data`;
        ``decode(outputs)`` turns the network's float64 outputs into what
        ``predict`` (or ``predict_proba``) returns, before unpadding.
        """

    def _network_options(self) -> dict:
        """Extra keyword arguments of :func:`~skrnn._keras.network.build_network`."""
        return {}

    # Keyword arguments of validate_sequences for y: multi_output, y_numeric.
    _y_checks: dict

    # -- fitting -----------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps), or list of array-like
            Training sequences; 2-D is read as univariate sequences, a list
            as sequences of different lengths.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (class labels, of any type, for a classifier); one per
            time step with ``return_sequences=True``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _validate_input(self, X, y="no_validation", *, reset, stem=None):
        """Validated sequences (and targets), checked by the input stem."""
        with_y = not (isinstance(y, str) and y == "no_validation")
        if self.return_sequences and with_y:
            X = validate_sequences(self, X, reset=reset)
            y = step_targets(y, X, numeric=self._y_checks["y_numeric"])
        else:
            out = validate_sequences(self, X, y, reset=reset, **self._y_checks)
            X, y = out if with_y else (out, y)
        (stem or self._stem).check(X)
        return (X, y) if with_y else X

    def _score_steps(self, X, y, sample_weight):
        """Per-step truth, outputs and weights at the real steps, for ``score``."""
        X, targets = self._validate_input(X, y, reset=False)
        Y, mask = targets.values, targets.mask
        outputs = self._outputs(X)
        weights = None
        if sample_weight is not None:
            weights = np.broadcast_to(np.asarray(sample_weight)[:, None], mask.shape)
            weights = weights[mask]
        return Y[mask], outputs[mask], weights

    def _build_model(self):
        """Build and compile the Keras model behind the fitted stem."""
        n_outputs, activation, loss = self._output_spec()
        model = build_network(
            stem=self._stem,
            n_outputs=n_outputs,
            output_activation=activation,
            cell=self.cell,
            units=_as_units(self.units, "units", allow_empty=False),
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            dense_units=_as_units(self.dense_units, "dense_units", allow_empty=True),
            dense_activation=self.dense_activation,
            body=self.model_fn,
            return_sequences=self.return_sequences,
            **self._network_options(),
        )
        return compile_model(model, self, loss)

    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
        with self._all_or_nothing():
            return self._fit_run(X, y, sample_weight, incremental, classes)

    def _fit_run(self, X, y, sample_weight, incremental, classes):
        check_combinations(self)
        reset = not (hasattr(self, "model_") and (incremental or self.warm_start))
        stem = make_stem(self) if reset else self._stem
        X, y = self._validate_input(X, y, reset=reset, stem=stem)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float32)
        y, sample_weight, encode = self._prepare_data(
            X, y, sample_weight, reset=reset, classes=classes
        )
        if reset:
            self._seed = draw_seed(self.random_state)
            self._stem = stem.fit(X, self.input_shape_, encode)
            for name, value in self._stem.fitted_attributes().items():
                setattr(self, name, value)
        encode = self._stem.encoder(encode)
        return self._train(
            X, y, sample_weight, encode, reset=reset, incremental=incremental
        )

    # -- the forward pass -----------------------------------------------------

    def _predict_outputs(self, X):
        """What ``predict`` (``predict_proba``) returns: the shared predict body."""
        if "model_" not in self.__dict__:  # a fitted model needs no more checking
            check_is_fitted(self)
        ragged = is_ragged(X)
        X = self._validate_input(X, reset=False)
        return unpad(self._outputs(X), X, ragged and self.return_sequences)

    def _outputs(self, X):
        """Decoded network outputs for validated sequences ``X``."""
        encode, decode = self._prediction_codec(X)
        return decode(self._forward(X, self._stem.encoder(encode)))

    def _forward(self, X, encode=None):
        """Network outputs for 3-D ``X`` as float64, through the compiled step.

        ``predict_on_batch`` skips ``Model.predict``'s per-call set-up (tens
        of milliseconds on TensorFlow), which dominates for a few rows. Rows
        are encoded ``_PREDICT_CHUNK`` at a time, so a long series' windows
        are never copied whole.
        """
        model = self.model_
        rows = [
            slice(i, i + _PREDICT_CHUNK) for i in range(0, X.shape[0], _PREDICT_CHUNK)
        ]
        compiled = compiled_forward(model)
        if compiled is not None:  # pure: concurrent calls need no lock
            chunks = [compiled(model_input(X, encode, r)) for r in rows]
            return np.concatenate(chunks).astype(np.float64, copy=False)
        step = model.predict_on_batch
        if getattr(model, "predict_function", None) is None or predict_writes_state():
            with _PREDICT_LOCK:
                chunks = [step(model_input(X, encode, r)) for r in rows]
        else:
            # built and traced already: concurrent calls only read the model
            chunks = [step(model_input(X, encode, r)) for r in rows]
        return np.concatenate(chunks).astype(np.float64, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
