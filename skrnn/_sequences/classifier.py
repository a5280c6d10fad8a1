"""RNNClassifier: a recurrent network for binary and multiclass classification."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

from skrnn._core.inputs import valid_steps
from skrnn._core.sklearn_compat import Interval, StrOptions, _fit_context
from skrnn._keras.backend import get_keras
from skrnn._keras.base import BaseRNN, _as_units
from skrnn._keras.sequence_features import FCN_KERNEL_SIZES, POOLINGS, resolve_fcn
from skrnn._keras.training import (
    stratified_holdout,
)


class RNNClassifier(ClassifierMixin, BaseRNN):
    """Recurrent neural network classifier (SimpleRNN, LSTM or GRU).

    Takes sequences ``(n_samples, n_timesteps, n_features)`` (a sensor trace,
    an image read row by row) and labels of any type; the network ends in a
    softmax over the classes and is trained with cross-entropy. Inputs are
    standardised from the training data by default.

    By default the network is LSTM-FCN's (Karim et al., 2018) at half width:
    a small LSTM beside a convolutional branch, its learning rate halved on
    plateaus until the floor (``benchmarks/results/classify.md``). Each
    ``"auto"`` is resolved at fit and recorded in an attribute ending in ``_``.

    Parameters
    ----------
    cell : {"lstm", "gru", "simple_rnn"}, default="lstm"
        Recurrent cell: ``keras.layers.LSTM``, ``GRU`` or ``SimpleRNN``.

    units : int or tuple of int, default=8
        Units of the recurrent layer; a tuple stacks layers, first to last,
        e.g. ``(64, 32)``. LSTM-FCN's 8: beside the convolutional branch the
        recurrent layer adds a small, different view of the sequence. Without
        the branch (``fcn_filters=None``) use more, e.g. 32 to 128.

    bidirectional : bool, default=False
        Wrap each recurrent layer in ``keras.layers.Bidirectional``.

    dropout : float, default=0.0
        Fraction of the inputs dropped in each recurrent layer while training.

    recurrent_dropout : float, default=0.0
        Fraction of the recurrent state dropped while training.

    dense_units : tuple of int, default=()
        Hidden ``Dense`` layers between the recurrent stack and the output.

    dense_activation : str, default="relu"
        Activation of the hidden ``Dense`` layers.

    optimizer : {"adam", "adamw", "nadam", "adamax", "rmsprop", "sgd", \
            "adagrad", "adadelta", "lion"}, default="adam"
        Keras optimizer.

    learning_rate : float, default=0.001
        Learning rate of the optimizer.

    clipnorm : float, default=None
        Clip each gradient to this norm (gradient clipping).

    clipvalue : float, default=None
        Clip each gradient element to ``[-clipvalue, clipvalue]``.

    epochs : int or "auto", default="auto"
        Passes over the training data (at most, with early stopping).
        "auto": at most enough for 1,000 gradient updates, 100 to 500
        epochs (334 for 36 sequences in batches of 16), fewer when the
        loss stalls: with ``lr_schedule="plateau"`` training stops once the
        rate is at its floor and the loss has not improved for one more
        patience. An integer trains every epoch. Recorded in ``epochs_``
        (the most) and ``n_iter_`` (the epochs run).

    batch_size : int or "auto", default="auto"
        Samples per gradient update. "auto": 16, or about 300 updates per
        epoch on large sets (at most 256). Recorded in ``batch_size_``.

    shuffle : bool, default=True
        Shuffle the training samples before each epoch. Each sample is a
        whole window, so shuffling never mixes up time order inside one.

    early_stopping : bool, default=False
        Hold out the *last* ``validation_fraction`` of each class's samples
        (a stratified tail: every class with two samples or more gives at
        least one), stop when the validation loss has not improved by
        ``tol`` for ``n_iter_no_change`` epochs, and restore the best
        weights.

    validation_fraction : float, default=0.1
        Fraction of the samples held out when ``early_stopping=True``.

    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.

    tol : float, default=0.0
        Smallest improvement of the validation loss that counts.

    scale_inputs : bool, default=True
        Standardise each input feature with the training data's mean and
        variance, inside the model (a ``keras.layers.Normalization`` layer).

    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks for training.

    model_fn : callable, default=None
        Escape hatch for any architecture: ``model_fn(input_shape, n_outputs)``
        returns a ``keras.Model`` taking ``input_shape = (n_timesteps,
        n_features)`` (``(n_timesteps, embedding_dim)`` for token ids) and
        giving ``n_outputs`` class probabilities (end it
        with ``Dense(n_outputs, activation="softmax")``). It replaces the
        recurrent stack and head, and reads what the input layers give:
        masked padding, the embedded token ids, the scaled inputs, whatever
        the input mode. Scaling, training and prediction stay as described
        here. The model is compiled with ``optimizer`` and
        ``learning_rate``, and trained with a sparse categorical
        cross-entropy.

    random_state : int, RandomState instance or None, default=None
        Seed of weight initialisation, dropout and shuffling. An int makes
        fits reproducible (identical predictions on the same backend). The
        caller's ``random`` and ``numpy.random`` states are left as they were.

    verbose : int, default=0
        Keras's training verbosity: 0 silent, 1 progress bar, 2 one line per
        epoch.

    warm_start : bool, default=False
        When True, ``fit`` continues training the existing model (same
        scaling) instead of building a new one.

    embedding_dim : int, default=None
        When set, ``X`` holds integer token ids (one per time step: 2-D
        ``(n_samples, n_timesteps)`` or a list of 1-D sequences of different
        lengths) and an ``Embedding`` layer of this size, with padding masked,
        feeds the recurrent layers. Input scaling does not apply to ids.

    vocabulary_size : int, default=None
        Number of token ids, ``0 .. vocabulary_size - 1``; None infers it
        from the training data. Larger ids at prediction share one "unknown"
        embedding. Only with ``embedding_dim``.

    return_sequences : bool, default=False
        One output per time step (many-to-many): the last recurrent layer
        returns every step and the head is applied to each. ``y`` then holds
        one target per step, shaped ``(n_samples, n_timesteps[, n_outputs])``
        or as a list of per-sequence arrays for sequences of different lengths.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, keyed by label, or "balanced" for
        weights inversely proportional to class frequencies. Multiplied with
        ``sample_weight``.

    normalize_sequences : bool, default=False
        Z-normalise each sequence: every feature to zero mean and unit
        variance over the sequence's own time steps, at fit and predict. The
        usual choice in time-series classification, where a class is a shape
        whatever its offset and amplitude. Applied before ``scale_inputs``.
        Not with ``embedding_dim``: token ids are not measurements.

    pooling : {"last", "mean", "max", "attention"}, default="last"
        What the recurrent stack hands to the head: the last layer's final
        state, or its outputs pooled over every real time step: their mean,
        their maximum, or an average weighted by a learned score of each
        step. Pooling finds a class whose evidence lies early or in the
        middle of a long sequence, which the last state of a small network
        forgets. Padded steps never enter a pooling.

    fcn_filters : tuple of int, "auto" or None, default="auto"
        A fully convolutional branch beside the recurrent one, as in
        LSTM-FCN and GRU-FCN (Karim et al., 2018): one block of ``Conv1D``,
        batch normalisation and ReLU per entry, with that many filters,
        then a global average over the time steps; its features are
        concatenated with the recurrent ones before the head. The paper's
        branch is ``(128, 256, 128)``. None: no branch. "auto": half of it,
        ``(64, 128, 64)``, for sequences of numbers with one output each; none
        for token ids (``embedding_dim``), ``return_sequences`` or
        ``model_fn``. Recorded in ``fcn_filters_``. With sequences of
        different lengths, padded steps are zeroed before each convolution
        and left out of the average, so padding does not change a
        prediction; only the batch statistics seen in training include them.

    fcn_kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel size of each block of ``fcn_filters``, one per block.

    dimension_shuffle : bool or "auto", default="auto"
        The recurrent stack reads the sequence transposed: each feature is
        one step and each time step one input of that step (LSTM-FCN's
        "dimension shuffle"; a univariate series is then read in a single
        step). Much faster on long series, and what the paper found best
        beside the convolutional branch. Sequences of one length only: the
        fitted model then predicts sequences of that length. "auto":
        shuffled when every training sequence of numbers has one length
        and one output per sequence is wanted; read in time order for
        sequences of different lengths, token ids, ``return_sequences``
        and ``model_fn``. Recorded in ``dimension_shuffle_``.

    label_smoothing : float, default=0.0
        Train on targets that give this much probability mass, spread
        evenly, to every class (``keras.losses.CategoricalCrossentropy``'s
        ``label_smoothing``): softer, better calibrated probabilities on
        small training sets.

    lr_schedule : {"constant", "plateau"}, default="plateau"
        "plateau" halves the learning rate when the loss has not improved
        for a twentieth of ``epochs`` (at least 5 epochs), down to a
        sixteenth of ``learning_rate``, as LSTM-FCN trains
        (``keras.callbacks.ReduceLROnPlateau``). It watches the validation
        loss with ``early_stopping``, the training loss otherwise. With
        ``epochs="auto"`` it also ends the run (see ``epochs``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    model_ : keras.Model
        The fitted Keras model; it outputs class probabilities.

    history_ : dict of str to list of float
        Per-epoch metrics, as Keras's ``History.history``; accumulates over
        ``partial_fit`` and ``warm_start``.

    loss_curve_ : list of float
        Training loss per epoch (``history_["loss"]``).

    n_iter_ : int
        Number of epochs run.

    epochs_, batch_size_ : int
        Epochs (at most) and batch size of the training run, ``epochs`` and
        ``batch_size`` with "auto" resolved.

    fcn_filters_ : tuple of int or None
        Filters of the convolutional branch the network has (None: none).

    dimension_shuffle_ : bool
        Whether the recurrent stack reads the sequences transposed.

    best_validation_loss_ : float
        Best validation loss, when ``early_stopping=True``.

    input_shape_ : tuple of (int, int)
        ``(n_timesteps, n_features)`` of one training sample.

    input_mean_, input_variance_ : ndarray of shape (n_features,) or None
        Statistics of the input scaling (None when ``scale_inputs=False``).

    n_features_in_ : int
        Number of columns of 2-D ``X`` (time steps of univariate sequences),
        or of features per time step for 3-D ``X``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string names.

    See Also
    --------
    RNNRegressor : The same network for regression.

    Notes
    -----
    Sequences of different lengths can be passed as a list of arrays of shape
    ``(n_timesteps_i,)`` or ``(n_timesteps_i, n_features)``: they are padded at
    the start and masked, so padding never changes a prediction, and the
    fitted model then accepts any length.

    How the defaults compare with 1-NN DTW, MiniRocket and the earlier plain
    network on eight UCR/UEA sets: ``benchmarks/results/classify.md``. The
    earlier defaults (LSTM(32), last state, 100 epochs) are
    ``RNNClassifier(units=32, fcn_filters=None, dimension_shuffle=False,
    epochs=100, lr_schedule="constant")``. The convolutional branch
    and ``epochs="auto"`` make a fit much slower than the plain network's:
    set ``fcn_filters=None`` and an ``epochs`` for quick experiments.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 6, 1))
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(units=8, epochs=5, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "normalize_sequences": ["boolean"],
        "pooling": [StrOptions(set(POOLINGS))],
        "fcn_filters": [tuple, list, StrOptions({"auto"}), None],
        "fcn_kernel_sizes": [tuple, list],
        "dimension_shuffle": ["boolean", StrOptions({"auto"})],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "lr_schedule": [StrOptions({"constant", "plateau"})],
    }
    _y_checks = {"multi_output": False, "y_numeric": False}

    def __init__(
        self,
        cell="lstm",
        units=8,
        *,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        dense_units=(),
        dense_activation="relu",
        optimizer="adam",
        learning_rate=0.001,
        clipnorm=None,
        clipvalue=None,
        epochs="auto",
        batch_size="auto",
        shuffle=True,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0,
        scale_inputs=True,
        callbacks=None,
        model_fn=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        embedding_dim=None,
        vocabulary_size=None,
        return_sequences=False,
        class_weight=None,
        normalize_sequences=False,
        pooling="last",
        fcn_filters="auto",
        fcn_kernel_sizes=FCN_KERNEL_SIZES,
        dimension_shuffle="auto",
        label_smoothing=0.0,
        lr_schedule="plateau",
    ):
        super().__init__(
            cell,
            units,
            bidirectional=bidirectional,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            dense_units=dense_units,
            dense_activation=dense_activation,
            optimizer=optimizer,
            learning_rate=learning_rate,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            epochs=epochs,
            batch_size=batch_size,
            shuffle=shuffle,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            scale_inputs=scale_inputs,
            callbacks=callbacks,
            model_fn=model_fn,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            embedding_dim=embedding_dim,
            vocabulary_size=vocabulary_size,
            return_sequences=return_sequences,
        )
        self.class_weight = class_weight
        self.normalize_sequences = normalize_sequences
        self.pooling = pooling
        self.fcn_filters = fcn_filters
        self.fcn_kernel_sizes = fcn_kernel_sizes
        self.dimension_shuffle = dimension_shuffle
        self.label_smoothing = label_smoothing
        self.lr_schedule = lr_schedule

    def _output_spec(self):
        if self.label_smoothing > 0:
            # the sparse loss takes no smoothing: the labels go one-hot
            loss = get_keras().losses.CategoricalCrossentropy(
                label_smoothing=self.label_smoothing
            )
        else:
            loss = "sparse_categorical_crossentropy"
        return len(self.classes_), "softmax", loss

    def _whole_numeric_sequences(self) -> bool:
        """One output per sequence of numbers, from skrnn's own network."""
        return not (
            self.return_sequences
            or self.model_fn is not None
            or self.embedding_dim is not None
        )

    def _network_options(self) -> dict:
        # "auto": LSTM-FCN's branch and dimension shuffle where they apply
        filters, sizes, shuffle = resolve_fcn(
            self.fcn_filters,
            _as_units(self.fcn_kernel_sizes, "fcn_kernel_sizes", allow_empty=True),
            self.dimension_shuffle,
            whole=self._whole_numeric_sequences(),
            one_length=self.input_shape_[0] is not None,
        )
        self.fcn_filters_, self.dimension_shuffle_ = filters, shuffle
        return {
            "pooling": self.pooling,
            "fcn_filters": self.fcn_filters_,
            "fcn_kernel_sizes": sizes,
            "dimension_shuffle": self.dimension_shuffle_,
        }

    def _validate_input(self, X, y="no_validation", *, reset, stem=None):
        out = super()._validate_input(X, y, reset=reset, stem=stem)
        if not reset and getattr(self, "dimension_shuffle_", False):
            X = out[0] if isinstance(out, tuple) else out
            if not valid_steps(X).all():
                raise ValueError(
                    f"This {type(self).__name__} reads each sequence transposed "
                    f"(dimension_shuffle), so every sequence must have the "
                    f"{self.input_shape_[0]} time steps seen in fit; got "
                    "shorter ones. Pad them yourself, or fit with "
                    "dimension_shuffle=False to take sequences of any length."
                )
        return out

    def _holdout_order(self, y, cut):
        if self.return_sequences:
            return None, cut
        labels = np.argmax(y, axis=-1) if y.ndim == 2 else y
        held = stratified_holdout(labels, self.validation_fraction)
        return (None, cut) if held is None else held

    def _prepare_data(self, X, y, sample_weight, *, reset, classes=None):
        if not self.return_sequences:
            y, weights = self._encode_labels(y, sample_weight, reset, classes)
            return self._one_hot(y), weights, None
        # one label per real time step: encode the steps, padded steps weigh 0
        labels, mask = y.values, y.mask
        if sample_weight is not None:
            sample_weight = np.broadcast_to(sample_weight[:, None], mask.shape)[mask]
        encoded, weights = self._encode_labels(
            labels[mask], sample_weight, reset, classes
        )
        Y = np.zeros(mask.shape, dtype=np.int32)
        Y[mask] = encoded
        W = np.zeros(mask.shape, dtype=np.float32)
        W[mask] = 1.0 if weights is None else weights
        return self._one_hot(Y), W, None

    def _one_hot(self, codes):
        """Class indices, or one-hot rows where ``label_smoothing`` needs them."""
        if self.label_smoothing > 0:
            return np.eye(len(self.classes_), dtype=np.float32)[codes]
        return codes

    def _encode_labels(self, y, sample_weight, reset, classes):
        """Labels to class indices, with class weights folded into sample weights."""
        # imported here: they would add a tenth to ``import skrnn``
        from sklearn.preprocessing import LabelEncoder
        from sklearn.utils.class_weight import compute_sample_weight

        check_classification_targets(y)
        if reset:
            encoder = LabelEncoder().fit(y if classes is None else classes)
            if len(encoder.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in y; got 1 class: {encoder.classes_[0]!r}."
                )
            self.classes_ = encoder.classes_
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels not in classes_ {self.classes_.tolist()}: "
                f"{unseen.tolist()}."
            )
        if self.class_weight is not None:
            weights = compute_sample_weight(self.class_weight, y)
            if sample_weight is not None:
                weights = weights * sample_weight
            sample_weight = weights
        if sample_weight is not None and np.unique(y[sample_weight > 0]).size < 2:
            raise ValueError(
                "Only one class has a non-zero sample weight; "
                f"{type(self).__name__} needs at least 2 classes to train."
            )
        return np.searchsorted(self.classes_, y).astype(np.int32), sample_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch, building the model on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Training sequences.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            All the labels the model will ever see; needed on the first call
            when ``y`` does not hold every class, ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : object
            Updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Class probabilities for sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Sequences shaped like the training data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``. With
            ``return_sequences=True``: shape (n_samples, n_timesteps,
            n_classes), or a list of (n_timesteps_i, n_classes) arrays for
            sequences of different lengths.
        """
        return self._predict_outputs(X)

    def _prediction_codec(self, X):
        # the softmax outputs, renormalised after the cast to float64
        return None, lambda proba: proba / proba.sum(axis=-1, keepdims=True)

    def predict(self, X):
        """Most probable class for each sequence of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Sequences shaped like the training data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels; one per time step with ``return_sequences=True``
            (shape (n_samples, n_timesteps), or a list for sequences of
            different lengths).
        """
        proba = self.predict_proba(X)
        if isinstance(proba, list):
            return [self.classes_[np.argmax(p, axis=-1)] for p in proba]
        return self.classes_[np.argmax(proba, axis=-1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy; over every real time step with ``return_sequences=True``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.
        y : array-like of shape (n_samples,), or per-step labels
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples (of all their steps).

        Returns
        -------
        score : float
            Mean accuracy.
        """
        if not self.return_sequences:
            return super().score(X, y, sample_weight)
        from sklearn.metrics import accuracy_score  # not at import: slow to load

        y_true, y_pred, weights = self._score_steps(X, y, sample_weight)
        return float(
            accuracy_score(
                y_true, self.classes_[np.argmax(y_pred, -1)], sample_weight=weights
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags
