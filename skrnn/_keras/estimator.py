"""KerasEstimator: what every skrnn estimator built on one Keras model shares.

The training run (seeded, early stopping on the time-ordered tail, the
divergence verdict, the history), the training hyperparameters and their
constraints, and native ``save``/``load``. :class:`~skrnn._keras.base.BaseRNN`
(regression and classification of sequences) and
:class:`~skrnn.RNNSeq2Seq` (sequence to sequence) build on it; each
defines ``_build_model`` and what the data are.
"""

import threading
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator

from skrnn._core.sklearn_compat import Interval, StrOptions
from skrnn._keras.backend import seeded
from skrnn._keras.persistence import load_estimator, save_estimator
from skrnn._keras.plan import TrainingPlan, resolve_size
from skrnn._keras.training import (
    OPTIMIZERS,
    diverged,
    plateau_schedule,
    train,
    training_callbacks,
    validation_cut,
)


class TrainingDiverged(ValueError):
    """The loss or the weights became non-finite: the estimator is left unfitted."""


# Rows per call of the compiled forward pass; larger inputs are fed in chunks.
_PREDICT_CHUNK = 4096

# Keras builds a model's predict function lazily on its first call (check, then
# set an attribute of the model) and traces it then; on JAX every
# predict_on_batch also writes the model's state back into its variables.
# Those calls are serialised here. The lock is module-level because the
# estimator must stay picklable and predict must not change its __dict__.
_PREDICT_LOCK = threading.Lock()


class KerasEstimator(BaseEstimator):
    """Base class of the estimators backed by one Keras model, ``model_``.

    A subclass builds and compiles its model in ``_build_model`` and calls
    :meth:`_train` from its ``fit``; the seeding, the training loop
    (``skrnn/_training.py``), early stopping and the divergence verdict
    are here, once.

    Warning: This class should not be used directly. Use derived classes
    instead.
    """

    # The training hyperparameters every subclass takes, with one meaning.
    _parameter_constraints: dict = {
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
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # What to try when training diverges, in the error message.
    _divergence_advice = "Lower learning_rate, set clipnorm, or check the data."

    def _build_model(self):
        """Build and compile the Keras model (under the fit's seed)."""
        raise NotImplementedError

    def _start_model(self, X, y, sample_weight, encode):
        """Set weights of a new ``model_`` from its training rows, before training.

        Called on ``reset`` with the rows training reads (the validation
        tail left out); the default leaves Keras's initialisation.
        """

    def _train(self, X, y, sample_weight, encode, *, reset, incremental):
        """One training run of ``model_``, built first on ``reset``.

        Runs under the fit's seed (``self._seed``, set by the caller on
        ``reset``); holds out the *last* ``validation_fraction`` of the rows
        for early stopping (not on ``incremental`` runs); stops with a clear
        error, the estimator unfitted, when the loss or the weights turn
        non-finite; appends to ``history_``, ``n_iter_``, ``loss_curve_``.

        Parameters
        ----------
        X, y, sample_weight, encode
            As :func:`skrnn._keras.training.train` takes them.
        reset : bool
            Build a new model (and a new history) first.
        incremental : bool
            Train exactly one epoch, without early stopping.
        """
        seed = self._seed + (0 if reset else self.n_iter_)
        with seeded(seed):
            if reset:
                self.model_ = self._build_model()
                self.history_, self.n_iter_ = {}, 0
            plan, order = self._plan(len(X), y, reset=reset, incremental=incremental)
            if order is not None:
                X, y = X[order], y[order]
                if sample_weight is not None:
                    sample_weight = sample_weight[order]
            if reset:
                weights = None if sample_weight is None else sample_weight[: plan.cut]
                self._start_model(X[: plan.cut], y[: plan.cut], weights, encode)
            self.epochs_, self.batch_size_ = plan.epochs, plan.batch_size
            early = {"patience": self.n_iter_no_change, "min_delta": self.tol}
            schedule = []
            if plan.schedule == "plateau":
                monitor = "val_loss" if plan.validate else "loss"
                lr = self.learning_rate
                schedule = plateau_schedule(
                    lr, plan.epochs, monitor=monitor, stop_at_floor=plan.stop_at_floor
                )
            history = train(
                self.model_,
                X,
                y,
                sample_weight,
                encode,
                epochs=1 if incremental else plan.epochs,
                batch_size=plan.batch_size,
                shuffle=self.shuffle,
                seed=seed,
                cut=plan.cut,
                callbacks=training_callbacks(
                    self.callbacks,
                    early_stopping=early if plan.validate else None,
                    schedule=schedule,
                ),
                verbose=int(self.verbose),
            )
        self._check_finite(history)
        for key, values in history.items():
            self.history_.setdefault(key, []).extend(float(v) for v in values)
        self.n_iter_ += len(history.get("loss", []))
        self.loss_curve_ = self.history_["loss"]
        if plan.validate:
            self.best_validation_loss_ = float(np.min(history["val_loss"]))
        return self

    def _holdout_order(self, y, cut: int):
        """``(order, cut)``: rows reordered so that the held-out ones come last.

        The default holds out the time-ordered tail as it is (``order`` None).
        """
        return None, cut

    def _plan(self, n: int, y, *, reset: bool, incremental: bool):
        """The :class:`~skrnn._keras.plan.TrainingPlan` of a run on ``n`` rows.

        Resolved at every run, so that a warm start trains the ``epochs`` set
        since; an ``"auto"`` batch size stays the first fit's.

        Returns
        -------
        plan : TrainingPlan
        order : ndarray of int or None
            Rows reordered so that the held-out ones come last (None: as
            they are, the time-ordered tail held out).
        """
        validate = bool(self.early_stopping) and not incremental
        cut = validation_cut(n, self.validation_fraction) if validate else n
        first = None if reset else getattr(self, "batch_size_", None)
        epochs, batch_size = resolve_size(self.epochs, self.batch_size, cut, first)
        order = None
        if validate:
            order, cut = self._holdout_order(y, cut)
        schedule = getattr(self, "lr_schedule", "constant")
        stop_at_floor = self.epochs == "auto" and schedule == "plateau" and not validate
        plan = TrainingPlan(epochs, batch_size, cut, validate, schedule, stop_at_floor)
        return plan, order

    def _check_finite(self, history):
        bad_epoch = diverged(self.model_, history)
        if bad_epoch is None:
            return
        when = f" at epoch {self.n_iter_ + bad_epoch}" if bad_epoch else ""
        self._forget_fit()
        raise TrainingDiverged(
            f"Training diverged: the loss became non-finite{when}. "
            f"{self._divergence_advice} The estimator is left unfitted."
        )

    @contextmanager
    def _all_or_nothing(self):
        """A fit that fails leaves the estimator as it was before it.

        An exception from a user's callback, an interrupted fit
        (``KeyboardInterrupt``) or bad data seen by a warm start restores the
        attributes and, for a model trained in place (``warm_start``,
        ``partial_fit``), its weights and optimizer state. Divergence is the
        exception: the estimator is then left unfitted, as it says.
        """
        saved = dict(vars(self))
        model = saved.get("model_")
        weights = model.get_weights() if model is not None else None
        optimizer = getattr(model, "optimizer", None)
        slots = [v.numpy() for v in optimizer.variables] if optimizer else None
        try:
            yield
        except TrainingDiverged:
            raise
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            if model is not None:
                model.set_weights(weights)
                if slots is not None and len(slots) == len(optimizer.variables):
                    for variable, value in zip(optimizer.variables, slots, strict=True):
                        variable.assign(value)
            raise

    def _forget_fit(self):
        """Drop every fitted attribute, so that the estimator reads as unfitted."""
        for name in [k for k in vars(self) if k.endswith("_") and k[:2] != "__"]:
            delattr(self, name)

    # -- persistence ------------------------------------------------------------

    def save(self, path):
        """Save the estimator to one file: data only, the network in Keras's format.

        The file is a zip archive holding the parameters and fitted
        attributes as JSON and numpy arrays (``.npz``), and the fitted
        ``model_`` as a ``.keras`` file (architecture, weights and optimizer
        state). Nothing in it is a pickle: functions and classes (a
        ``model_fn``) are recorded by import path. ``.skrnn`` is the
        conventional extension. The estimator itself is not modified.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write. An existing file is replaced, and only once the
            new one is complete.

        Raises
        ------
        TypeError
            If an attribute cannot be stored as data nor named by import
            path, e.g. a ``model_fn`` that is a lambda rather than a
            module-level function, or Keras callback instances in
            ``callbacks``; the message names the attribute.

        See Also
        --------
        load : Read the file back.

        Notes
        -----
        Pickle, joblib and cloudpickle work too, but a pickle is code: only
        a file written by ``save`` can be loaded from an untrusted source.
        The network can be read by Keras alone (``keras.saving.load_model``
        on the ``models/0.keras`` member of the zip), under any backend.

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
    def load(cls, path, *, custom_objects=None, trusted=False):
        """Load an estimator written by :meth:`save`, running nothing from the file.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            A file written by :meth:`save`.
        custom_objects : dict, default=None
            Objects the file names by import path, given rather than
            imported: a ``model_fn`` or another class or function, keyed by
            its path (``"module:qualname"``) or its qualified name; and
            custom Keras layers or functions, by name, that a ``model_fn``
            used and that are not registered with
            ``keras.saving.register_keras_serializable`` (passed to
            ``keras.saving.load_model``).
        trusted : bool or list of str, default=False
            What loading may import or run beyond skrnn's own classes. A
            list of import paths (``"module:qualname"``, as the error of a
            refused file lists them): those classes and functions. True:
            the whole file is trusted, so anything it names is imported,
            Keras loads the network with ``safe_mode=False``, and a file of
            skrnn's earlier format (a pickle) is unpickled. Only for files
            you trust.

        Returns
        -------
        estimator : object
            A new estimator of the saved class, with the saved parameters and
            fitted attributes; its predictions equal the saved estimator's
            bit for bit under the same Keras backend.

        Raises
        ------
        ValueError
            If the file was not written by :meth:`save`, is damaged or was
            written by a newer skrnn; if it holds another class (an
            ``RNNClassifier`` file given to ``RNNRegressor.load``;
            ``BaseRNN.load`` accepts either); if it names code that is not
            trusted (see ``trusted``), if Keras's safe mode refuses its
            network, or if it holds a pickle (skrnn's earlier format) and
            ``trusted`` is not True. Nothing from the file is run first.

        See Also
        --------
        save : Write the file.

        Notes
        -----
        By default a file is data: JSON, numpy arrays read without pickles
        and a Keras network read in safe mode. The classes it names are
        skrnn's own (and scikit-learn's ``Ridge``, the default regression of
        ``WindowForecaster``), rebuilt from their saved attributes without
        running their constructors.

        The network is stored in Keras's backend-independent format, so a file
        saved under one Keras backend (say TensorFlow) loads under another
        (JAX, PyTorch) as long as every layer exists there. Predictions then
        agree to float32 rounding, not bit for bit: each backend has its own
        kernels.
        """
        return load_estimator(cls, path, custom_objects=custom_objects, trusted=trusted)
