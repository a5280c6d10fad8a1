"""BaseRNN: the shared machinery of the recurrent estimators (the class to subclass)."""

import threading
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._backend import draw_seed, predict_writes_state, seeded
from ._feed import model_input
from ._modes import check_combinations
from ._network import CELLS, build_network
from ._persistence import load_estimator, save_estimator
from ._sequences import is_ragged, step_targets, unpad, validate_sequences
from ._sklearn import Interval, StrOptions, _check_sample_weight, _fit_context
from ._stem import make_stem
from ._training import (
    OPTIMIZERS,
    diverged,
    make_optimizer,
    train,
    training_callbacks,
    validation_cut,
)

# Rows per call of the compiled forward pass; larger inputs are fed in chunks.
_PREDICT_CHUNK = 4096

# Keras builds a model's predict function lazily on its first call (check, then
# set an attribute of the model) and traces it then; on JAX every
# predict_on_batch also writes the model's state back into its variables.
# Those calls are serialised here. The lock is module-level because the
# estimator must stay picklable and predict must not change its __dict__.
_PREDICT_LOCK = threading.Lock()


def _as_units(value, name: str, *, allow_empty: bool) -> tuple:
    """``units``-like parameter as a tuple of positive ints, or a clear error."""
    units = (value,) if isinstance(value, Integral) else tuple(value)
    if not units and not allow_empty:
        raise ValueError(f"{name} must be a positive int or a non-empty tuple of them.")
    for u in units:
        if not isinstance(u, Integral) or isinstance(u, bool) or u < 1:
            raise ValueError(
                f"{name} must contain positive ints only, got {name}={value!r}."
            )
    return tuple(int(u) for u in units)


class BaseRNN(BaseEstimator, metaclass=ABCMeta):
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
        "cell": [StrOptions(set(CELLS))],
        "units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_units": [tuple, list],
        "dense_activation": [str],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "clipnorm": [Interval(Real, 0, None, closed="neither"), None],
        "clipvalue": [Interval(Real, 0, None, closed="neither"), None],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "scale_inputs": ["boolean"],
        "callbacks": [list, None],
        "model_fn": [callable, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
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
        :class:`~skrnn._sequences.StepTargets` with ``return_sequences``).
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
        )
        model.compile(
            optimizer=make_optimizer(
                self.optimizer, self.learning_rate, self.clipnorm, self.clipvalue
            ),
            loss=loss,
        )
        return model

    def _check_finite(self, history):
        bad_epoch = diverged(self.model_, history)
        if bad_epoch is None:
            return
        when = f" at epoch {self.n_iter_ + bad_epoch}" if bad_epoch else ""
        self._forget_fit()
        raise ValueError(
            f"Training diverged: the loss became non-finite{when}. Lower "
            "learning_rate, set clipnorm, keep scale_inputs=True, or check X and "
            "y for extreme values. The estimator is left unfitted."
        )

    def _forget_fit(self):
        """Drop every fitted attribute, so that the estimator reads as unfitted."""
        for name in [k for k in vars(self) if k.endswith("_") and k[:2] != "__"]:
            delattr(self, name)

    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
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
        validate = self.early_stopping and not incremental
        seed = self._seed + (0 if reset else self.n_iter_)
        with seeded(seed):
            if reset:
                self.model_ = self._build_model()
                self.history_, self.n_iter_ = {}, 0
            n = X.shape[0]
            cut = validation_cut(n, self.validation_fraction) if validate else n
            early = {"patience": self.n_iter_no_change, "min_delta": self.tol}
            history = train(
                self.model_,
                X,
                y,
                sample_weight,
                encode,
                epochs=1 if incremental else self.epochs,
                batch_size=self.batch_size,
                shuffle=self.shuffle,
                seed=seed,
                cut=cut,
                callbacks=training_callbacks(
                    self.callbacks, early_stopping=early if validate else None
                ),
                verbose=int(self.verbose),
            )
        self._check_finite(history)
        for key, values in history.items():
            self.history_.setdefault(key, []).extend(float(v) for v in values)
        self.n_iter_ += len(history.get("loss", []))
        self.loss_curve_ = self.history_["loss"]
        if validate:
            self.best_validation_loss_ = float(np.min(history["val_loss"]))
        return self

    # -- the forward pass -----------------------------------------------------

    def _predict_outputs(self, X):
        """What ``predict`` (``predict_proba``) returns: the shared predict body."""
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
        step = model.predict_on_batch
        if getattr(model, "predict_function", None) is None or predict_writes_state():
            with _PREDICT_LOCK:
                chunks = [step(model_input(X, encode, r)) for r in rows]
        else:
            # built and traced already: concurrent calls only read the model
            chunks = [step(model_input(X, encode, r)) for r in rows]
        return np.concatenate(chunks).astype(np.float64, copy=False)

    # -- persistence ------------------------------------------------------------

    def save(self, path):
        """Save the estimator to one file, the network in Keras's native format.

        The file is a zip archive holding the fitted ``model_`` as a ``.keras``
        file (architecture, weights and optimizer state) and the rest of the
        estimator (parameters and fitted attributes) pickled. ``.skrnn`` is
        the conventional extension. The estimator itself is not modified.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write. An existing file is replaced, and only once the
            new one is complete.

        Raises
        ------
        TypeError
            If a parameter cannot be pickled, e.g. a ``model_fn`` that is a
            lambda rather than a module-level function.

        See Also
        --------
        load : Read the file back.

        Notes
        -----
        Pickle, joblib and cloudpickle work too; ``save`` differs in keeping
        the network in Keras's own format, which Keras alone can read
        (``keras.saving.load_model`` on the ``model.keras`` member of the
        zip), under any backend.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn import RNNRegressor
        >>> X = np.random.default_rng(0).normal(size=(20, 4, 1))
        >>> reg = RNNRegressor(units=4, epochs=1, random_state=0)
        >>> reg.fit(X, X[:, -1, 0]).save("model.skrnn")  # doctest: +SKIP
        >>> RNNRegressor.load("model.skrnn").predict(X[:2])  # doctest: +SKIP
        """
        save_estimator(self, path)

    @classmethod
    def load(cls, path, *, custom_objects=None):
        """Load an estimator written by :meth:`save`.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            A file written by :meth:`save`.
        custom_objects : dict, default=None
            Custom Keras layers or functions, by name, that a ``model_fn``
            used and that are not registered with
            ``keras.saving.register_keras_serializable``; passed to
            ``keras.saving.load_model``.

        Returns
        -------
        estimator : object
            A new estimator of the saved class, with the saved parameters and
            fitted attributes; its predictions equal the saved estimator's
            bit for bit under the same Keras backend.

        Raises
        ------
        ValueError
            If the file was not written by :meth:`save`, was written by a
            newer skrnn, or holds another class (an ``RNNClassifier`` file
            given to ``RNNRegressor.load``). ``BaseRNN.load`` accepts either.

        See Also
        --------
        save : Write the file.

        Notes
        -----
        Only load files you trust: the estimator's state is pickled, and
        unpickling can run arbitrary code.

        The network is stored in Keras's backend-independent format, so a file
        saved under one Keras backend (say TensorFlow) loads under another
        (JAX, PyTorch) as long as every layer exists there. Predictions then
        agree to float32 rounding, not bit for bit: each backend has its own
        kernels.
        """
        return load_estimator(cls, path, custom_objects=custom_objects)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
