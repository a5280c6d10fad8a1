"""RNNRegressor: a recurrent network for (multi-output) regression on sequences."""

from numbers import Integral

import numpy as np
from sklearn.base import RegressorMixin

from skrnn._core.sklearn_compat import Interval, StrOptions, _fit_context
from skrnn._keras.base import BaseRNN
from skrnn._keras.linear_skip import LINEAR, least_squares_start, use_linear_start
from skrnn._regression.target import (
    TargetEncoder,
    as_2d_target,
    check_target_feature,
    target_index,
    target_settings,
)
from skrnn._representations import REPRESENTATIONS

_LOSSES = {
    "mse",
    "mae",
    "huber",
    "log_cosh",
    "mean_squared_error",
    "mean_absolute_error",
}


class RNNRegressor(RegressorMixin, BaseRNN):
    """Recurrent neural network regressor (SimpleRNN, LSTM or GRU).

    Takes sequences ``(n_samples, n_timesteps, n_features)``, for instance the
    windows of :class:`SlidingWindowTransformer`, and predicts one value per
    sample, or ``n_outputs`` values when ``y`` is 2-D (direct multi-step
    forecasting). Inputs and targets are standardised from the training data
    by default and predictions are returned in the units of ``y``.

    Parameters
    ----------
    cell : {"lstm", "gru", "simple_rnn"}, default="lstm"
        Recurrent cell: ``keras.layers.LSTM``, ``GRU`` or ``SimpleRNN``.

    units : int or tuple of int, default=32
        Units of the recurrent layer; a tuple stacks layers, first to last,
        e.g. ``(64, 32)``.

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

    epochs : int, default=200
        Passes over the training data (at most, with early stopping). The
        default suits the short series of forecasting (a few hundred
        windows); lower it, or set ``early_stopping``, for long ones.

    batch_size : int, default=16
        Samples per gradient update.

    shuffle : bool, default=True
        Shuffle the training samples before each epoch. Each sample is a
        whole window, so shuffling never mixes up time order inside one.

    early_stopping : bool, default=False
        Hold out the *last* ``validation_fraction`` of the samples (the most
        recent, in time order), stop when the validation loss has not improved
        by ``tol`` for ``n_iter_no_change`` epochs, and restore the best
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
        giving ``n_outputs`` linear outputs. It replaces the
        recurrent stack and head, and reads what the input layers give:
        masked padding, the embedded token ids, the scaled inputs, whatever
        the input mode. Scaling, training and prediction stay as described
        here. The model is compiled with ``optimizer``,
        ``learning_rate`` and ``loss``.

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

    loss : {"mse", "mae", "huber", "log_cosh", "mean_squared_error", \
            "mean_absolute_error"} or callable, default="mse"
        Training loss, on the standardised target: a name, or a Keras loss
        object or function (``keras.losses.Huber(delta=0.5)``), passed to
        ``Model.compile`` as it is.

    scale_target : bool, default=True
        Standardise ``y`` for training and invert it at prediction. Unscaled
        targets are the first reason a recurrent network predicts a flat line.

    target_representation : {"auto", "change", "level", "window_norm", \
            "seasonal"}, default="auto"
        How the network sees the target, for forecasting windows whose
        feature ``target_feature`` holds the target's own history (as
        :class:`SlidingWindowTransformer` windows of :func:`make_supervised`
        data do). ``"level"`` takes ``y`` as it is. ``"change"`` predicts
        ``y`` minus the window's last value, from the window's values relative
        to that last value; every horizon of a multi-step ``y`` is relative to
        the same last value. ``"window_norm"`` standardises each window and
        its ``y`` by the window's own mean and standard deviation (reversible
        instance normalisation, Kim et al., ICLR 2022). ``"seasonal"`` reads
        the windows as ``"change"`` does but predicts each output relative to
        the window's value one ``season`` before it (the seasonal naive
        forecast), so the network learns a correction to that forecast.
        Predictions are mapped back to the units of ``y``.

        ``"auto"`` is ``"change"`` for univariate windows or when
        ``target_feature`` is given, and ``"level"`` otherwise (multivariate
        sequences whose target is not one of their features).
        ``"change"`` is the default there because it is the one that does well on
        trending, seasonal and stationary series alike: a network that
        predicts levels cannot extrapolate once a trending series leaves the
        range seen in training (on the airline passengers, an LSTM on levels
        is worse than the seasonal naive forecast), while a change stays in
        range (``benchmarks/results/accuracy.md``). Use ``"level"``
        when ``X`` is not the target's own history (sequence regression rather
        than forecasting). Token ids and ``return_sequences=True`` always use
        ``"level"`` without logarithms.

    log_target : bool or "auto", default="auto"
        Take logarithms of the target and its history before the
        representation, and exponentiate predictions. Growth and seasonal
        swings proportional to the level (multiplicative series) become
        additive. ``"auto"`` does it when the target's history in the training
        windows and ``y`` are all positive.

    target_feature : int or str, default=None
        The window feature that holds the target's history: its index, or its
        column name when the windows come from a :class:`SlidingWindowTransformer`
        fitted on a DataFrame (they carry the names). None for univariate
        windows. For multivariate windows, leaving it out makes ``"auto"``
        predict levels, with a warning.

    season : int, default=None
        Steps per seasonal cycle, for ``target_representation="seasonal"``
        (12 for monthly data); the windows must be at least this long.

    decoder : {"dense", "rnn"}, default="dense"
        The head that writes the ``n_outputs`` values. ``"dense"``: one
        ``Dense`` layer reads the recurrent stack's last output and writes
        them all at once. ``"rnn"``: a recurrent decoder of the same cells and
        widths starts from the stack's final states and unrolls over the
        ``n_outputs`` steps, reading at each the step's position and the
        ``decoder_features`` of that step; one ``Dense(1)``, shared by the
        steps, writes each value. Made for direct multi-step forecasting with
        known-future covariates; not with ``return_sequences`` or
        ``model_fn``.

    decoder_features : list of int or str, default=None
        With ``decoder="rnn"``: the features whose last ``n_outputs`` steps in
        each sequence hold their values at the ``n_outputs`` forecast steps,
        in order (known-future covariates, as the windows of
        :class:`~skrnn.RNNForecaster` hold them; it sets this itself).
        Indices, or column names as for ``target_feature``. None: the decoder
        reads the step's position only.

    linear_skip : bool or int, default=False
        Add to the network's outputs a linear map of the scaled window (in
        the target's representation): of the whole window with True, of its
        last ``linear_skip`` steps with an int. The map starts at the ridge
        regression of the training targets on those steps (penalty chosen by
        generalised cross-validation) and trains with the network, which
        then learns what a linear autoregression misses: the "highway" of
        LSTNet. Windows of one length only, and not with ``return_sequences``
        or ``model_fn``.

    recurrent_steps : int or None, default=None
        The recurrent layers read the last ``recurrent_steps`` steps of each
        window only (their time grows with the steps read); the target's
        representation (a ``"seasonal"`` output's reference) and the linear
        skip read the whole window. None, or a shorter window: every step.
        Windows of one length; not with ``return_sequences`` or ``model_fn``.

    Attributes
    ----------
    model_ : keras.Model
        The fitted Keras model (input scaling included, target scaling not).

    history_ : dict of str to list of float
        Per-epoch metrics, as Keras's ``History.history``; accumulates over
        ``partial_fit`` and ``warm_start``.

    loss_curve_ : list of float
        Training loss per epoch (``history_["loss"]``).

    n_iter_ : int
        Number of epochs run.

    best_validation_loss_ : float
        Best validation loss, when ``early_stopping=True``.

    input_shape_ : tuple of (int, int)
        ``(n_timesteps, n_features)`` of one training sample.

    input_mean_, input_variance_ : ndarray of shape (n_features,) or None
        Statistics of the input scaling (None when ``scale_inputs=False``).

    target_mean_, target_scale_ : ndarray of shape (`n_outputs_`,)
        Statistics of the target scaling (0 and 1 when
        ``scale_target=False``).

    n_outputs_ : int
        Number of outputs.

    log_target_ : bool
        Whether logarithms were taken (``log_target`` resolved).

    target_representation_ : str
        The representation used (``target_representation`` resolved).

    n_features_in_ : int
        Number of columns of 2-D ``X`` (time steps of univariate sequences),
        or of features per time step for 3-D ``X``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string names.

    See Also
    --------
    RNNClassifier : The same network for classification.
    SlidingWindowTransformer : Turn a series into windows for this estimator.

    Notes
    -----
    2-D ``X`` of shape ``(n_samples, n_timesteps)`` is read as univariate
    sequences. Keras is imported on the first ``fit``, not on ``import skrnn``.
    Sequences of different lengths can be passed as a list of arrays of shape
    ``(n_timesteps_i,)`` or ``(n_timesteps_i, n_features)``: they are padded at
    the start and masked, so padding never changes a prediction, and the
    fitted model then accepts any length.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 5, 2))
    >>> y = X[:, -1, 0] + X[:, -2, 1]
    >>> reg = RNNRegressor(units=8, epochs=5, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "loss": [StrOptions(_LOSSES), callable],
        "scale_target": ["boolean"],
        "target_representation": [StrOptions(set(REPRESENTATIONS))],
        "log_target": ["boolean", StrOptions({"auto"})],
        # checked in fit (check_target_feature): an int, a column name or None
        "target_feature": "no_validation",
        "season": [Interval(Integral, 1, None, closed="left"), None],
        "decoder": [StrOptions({"dense", "rnn"})],
        "decoder_features": ["array-like", None],
        "linear_skip": ["boolean", Interval(Integral, 1, None, closed="left")],
        "recurrent_steps": [Interval(Integral, 1, None, closed="left"), None],
    }
    _y_checks = {"multi_output": True, "y_numeric": True}

    def __init__(
        self,
        cell="lstm",
        units=32,
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
        epochs=200,
        batch_size=16,
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
        loss="mse",
        scale_target=True,
        target_representation="auto",
        log_target="auto",
        target_feature=None,
        season=None,
        decoder="dense",
        decoder_features=None,
        linear_skip=False,
        recurrent_steps=None,
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
        self.loss = loss
        self.scale_target = scale_target
        self.target_representation = target_representation
        self.log_target = log_target
        self.target_feature = target_feature
        self.season = season
        self.decoder = decoder
        self.decoder_features = decoder_features
        self.linear_skip = linear_skip
        self.recurrent_steps = recurrent_steps

    def __setstate__(self, state):
        # a file written before the linear skip, or before recurrent_steps
        super().__setstate__({"linear_skip": False, "recurrent_steps": None, **state})

    def _output_spec(self):
        return self.n_outputs_, None, self.loss

    def _network_options(self) -> dict:
        features = ()
        if self.decoder_features is not None:
            names = getattr(self, "_window_names", None)
            for feature in self.decoder_features:
                check_target_feature(feature, type(self).__name__, "decoder_features")
            features = tuple(
                target_index(self.input_shape_[-1], f, names, "decoder_features")
                for f in self.decoder_features
            )
        return {
            "decoder": self.decoder,
            "decoder_features": features,
            "linear_skip": self.linear_skip,
            "recurrent_steps": self.recurrent_steps,
        }

    def _start_model(self, X, y, sample_weight, encode):
        self._linear_start = None
        if self.linear_skip:
            least_squares_start(self.model_, X, y, sample_weight, encode)
            # kept for _use_linear_start: a forecaster may choose it
            self._linear_start = self.model_.get_layer(LINEAR).get_weights()

    def _use_linear_start(self) -> None:
        """Forecast from now on with the linear skip alone, at its ridge start.

        The network's head is set to zero and the skip back to the ridge
        regression it started training from (see
        :func:`~skrnn._keras.linear_skip.use_linear_start`).
        :class:`~skrnn.RNNForecaster` does this when its calibration
        forecasts say that start forecasts better than the trained network.
        """
        start = getattr(self, "_linear_start", None)
        if start is None:
            raise ValueError(
                f"{type(self).__name__} has no linear start to use: fit it "
                "with linear_skip set."
            )
        use_linear_start(self.model_, start)

    def _relative_target(self) -> bool:
        """Whether the target is forecast relative to its own window's history.

        Not for token ids, and not with one output per step: a step's output
        cannot depend on a window statistic that includes later steps.
        """
        return self.embedding_dim is None and not self.return_sequences

    def _settings_for_windows(self, settings) -> dict:
        """Parameters left open that follow from a forecaster's windows.

        The target's (see :func:`~skrnn._regression.target.target_settings`)
        and, for the recurrent decoder, the known-future features it reads at
        each forecast step.
        """
        updates = target_settings(self, settings) if self._relative_target() else {}
        reads_steps = self.decoder == "rnn" and settings.future_features
        if reads_steps and self.decoder_features is None:
            updates["decoder_features"] = list(settings.future_features)
        return updates

    def _prepare_data(self, X, y, sample_weight, *, reset, classes=None):
        if self.return_sequences:
            y, mask, y_ndim = y.values, y.mask, y.ndim
            if sample_weight is not None:
                mask = mask * sample_weight[:, None]
            sample_weight, steps = mask.astype(np.float32), mask > 0
        else:
            y_ndim, y = y.ndim, as_2d_target(y)
            steps = slice(None)
        if reset:
            representation, log = "level", False
            if self._relative_target():
                representation, log = self.target_representation, self.log_target
            check_target_feature(self.target_feature, type(self).__name__)
            self._target = TargetEncoder(
                representation,
                log,
                self.target_feature,
                standardise=self.scale_target,
                season=self.season,
                feature_names=getattr(self, "_window_names", None),
                owner=type(self).__name__,
            )
            encoded, stats = self._target.fit_encode(X, y, steps)
            self.log_target_ = self._target.log_
            self.target_representation_ = self._target.representation_
            self.target_mean_, self.target_scale_ = (
                self._target.mean_,
                self._target.scale_,
            )
            self.n_outputs_ = y.shape[-1]
            self._y_ndim = y_ndim
        else:
            if y.shape[-1] != self.n_outputs_:
                raise ValueError(
                    f"y has {y.shape[-1]} outputs, but {type(self).__name__} was "
                    f"fitted with {self.n_outputs_}."
                )
            stats = self._target.statistics(X)
            encoded = self._target.encode(y, stats)
        return encoded, sample_weight, self._target.input_encoder(stats)

    def _prediction_codec(self, X):
        stats = self._target.statistics(X)

        def decode(outputs):
            y_pred = self._target.decode(outputs, stats)
            # back to the shape of the training y: (n,), (n, k), (n, T), (n, T, k)
            per_step = self.return_sequences and self._y_ndim == 2
            return y_pred[..., 0] if self._y_ndim == 1 or per_step else y_pred

        return self._target.input_encoder(stats), decode

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch, building the model on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Training sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : object
            Updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets for sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
                (n_samples, n_timesteps)
            Sequences shaped like the training data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in the units of ``y``.
        """
        return self._predict_outputs(X)

    def score(self, X, y, sample_weight=None):
        """R² of the predictions; over every real time step with ``return_sequences``.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or \
                per-step targets
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples (of all their steps).

        Returns
        -------
        score : float
            :func:`~sklearn.metrics.r2_score`, averaged uniformly over outputs.
        """
        if not self.return_sequences:
            return super().score(X, y, sample_weight)
        y_true, y_pred, weights = self._score_steps(X, y, sample_weight)
        from sklearn.metrics import r2_score  # not at import: it is slow to load

        return float(r2_score(y_true, y_pred, sample_weight=weights))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags
