"""The training loop: optimizer, callbacks, one Keras ``fit`` over the feed, divergence.

:class:`~skrnn._keras.base.BaseRNN` decides *what* to train (the model, the
encoded data, how many epochs, whether to hold out a validation tail);
this module runs the training and says whether it went well.
"""

from functools import partial

import numpy as np

from skrnn._keras.backend import get_keras, keras_slices_arrays, stop_on_non_finite_loss
from skrnn._keras.feed import (
    fits_in_memory,
    in_epoch_order,
    materialise,
    window_batches,
)

OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "nadam": "Nadam",
    "adamax": "Adamax",
    "rmsprop": "RMSprop",
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "lion": "Lion",
}


def make_optimizer(name: str, learning_rate: float, clipnorm=None, clipvalue=None):
    """A Keras optimizer by its skrnn name, with optional gradient clipping."""
    clip = {"clipnorm": clipnorm, "clipvalue": clipvalue}
    return getattr(get_keras().optimizers, OPTIMIZERS[name])(
        learning_rate=learning_rate,
        **{k: v for k, v in clip.items() if v is not None},
    )


def compile_model(model, estimator, loss):
    """Compile ``model`` with ``estimator``'s optimizer settings and ``loss``.

    The optimizer's slots (Adam's moments) are built here, before the first
    training step: built inside it, they make TensorFlow trace the step a
    second time once they exist (tensorflow/tensorflow#48851; the other
    backends build them before their first step anyway). The weights
    trained are the same either way; on TensorFlow a two-epoch LSTM(8) fit
    of 128 windows took 1.8-2.2 s rather than 3.4-4.1 s, and the
    estimator and scikit-learn check tests 539 s rather than 940 s.
    """
    model.compile(
        optimizer=make_optimizer(
            estimator.optimizer,
            estimator.learning_rate,
            estimator.clipnorm,
            estimator.clipvalue,
        ),
        loss=loss,
    )
    model.optimizer.build(model.trainable_variables)
    return model


def training_callbacks(
    user_callbacks, *, early_stopping: dict | None, schedule: list = ()
) -> list:
    """The divergence check, the user's callbacks, the schedule, early stopping.

    ``early_stopping`` holds ``patience`` and ``min_delta``, or is None;
    ``schedule`` holds learning-rate callbacks (:func:`plateau_schedule`).
    """
    keras = get_keras()
    callbacks = [stop_on_non_finite_loss(), *(user_callbacks or []), *schedule]
    if early_stopping is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", restore_best_weights=True, **early_stopping
            )
        )
    return callbacks


def auto_batch_size(n_rows: int) -> int:
    """``batch_size="auto"``: 16, or about 300 updates per epoch (at most 256)."""
    wanted = n_rows / 300
    if wanted <= 16:
        return 16
    return int(min(256, 2 ** round(np.log2(wanted))))


# epochs="auto": at least this many gradient updates, within these epochs.
AUTO_UPDATES = 1000
AUTO_EPOCHS = (100, 500)


def auto_epochs(n_rows: int, batch_size: int) -> int:
    """``epochs="auto"``: enough epochs for :data:`AUTO_UPDATES` updates.

    At least 100 epochs and at most 500: a set of 36 series in batches of
    16 (3 updates an epoch) gets 334 epochs, one of 200 or more gets 100.
    """
    per_epoch = max(1, -(-n_rows // batch_size))
    low, high = AUTO_EPOCHS
    return int(min(high, max(low, -(-AUTO_UPDATES // per_epoch))))


# The plateau schedule: halve the learning rate after a twentieth of the
# epochs (at least this many) without improvement, down to a sixteenth of
# where it started.
PLATEAU_PATIENCE = 5
PLATEAU_FACTOR = 0.5
PLATEAU_FLOOR = 1 / 16


def plateau_schedule(
    learning_rate: float, epochs: int, *, monitor: str, stop_at_floor: bool
) -> list:
    """Halve the learning rate when ``monitor`` stalls, down to a sixteenth.

    As LSTM-FCN trains (reduce on plateau of the loss), with a patience of
    a twentieth of the epochs (at least :data:`PLATEAU_PATIENCE`). With
    ``stop_at_floor``, training also stops once the rate is at its floor
    and ``monitor`` has stalled there for one more patience: the schedule
    has nothing left to try.

    Returns
    -------
    callbacks : list of keras.callbacks.Callback
    """
    keras = get_keras()
    floor = learning_rate * PLATEAU_FLOOR
    patience = max(PLATEAU_PATIENCE, epochs // 20)
    callbacks = [
        keras.callbacks.ReduceLROnPlateau(
            monitor=monitor,
            factor=PLATEAU_FACTOR,
            patience=patience,
            min_lr=floor,
        )
    ]
    if stop_at_floor:
        callbacks.append(stop_at_learning_rate_floor(monitor, floor, patience))
    return callbacks


def stop_at_learning_rate_floor(monitor: str, floor: float, patience: int):
    """A callback: stop when the rate is at ``floor`` and ``monitor`` has stalled.

    "Stalled": no improvement of at least ``1e-4`` (``ReduceLROnPlateau``'s
    own threshold) over the best value so far, for ``patience`` epochs
    counted from the epoch the rate reached its floor.
    """
    keras = get_keras()

    class StopAtLearningRateFloor(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best, self.wait = np.inf, 0

        def on_epoch_end(self, epoch, logs=None):
            current = (logs or {}).get(monitor)
            if current is None:
                return
            rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            at_floor = rate <= floor * (1 + 1e-6)
            if float(current) < self.best - 1e-4:
                self.best, self.wait = float(current), 0
            elif at_floor:
                self.wait += 1
            if at_floor and self.wait >= patience:
                self.model.stop_training = True

    return StopAtLearningRateFloor()


def stratified_holdout(labels, fraction: float):
    """``(order, cut)``: the last ``fraction`` of each class's rows moved to the end.

    Every class with at least 2 rows gives at least one; the rows keep their
    order within the training and the held-out part. ``order`` is None when
    no class can give a row.
    """
    held = []
    for c in np.unique(labels):
        rows = np.flatnonzero(labels == c)
        n_val = min(len(rows) - 1, max(1, int(round(fraction * len(rows)))))
        held.extend(rows[len(rows) - n_val :])
    if not held:
        return None
    held = np.sort(np.asarray(held))
    kept = np.setdiff1d(np.arange(len(labels)), held)
    return np.concatenate([kept, held]), len(kept)


def validation_cut(n_samples: int, fraction: float) -> int:
    """First row of the held-out *last* ``fraction`` of the samples (time order)."""
    n_val = max(1, int(round(fraction * n_samples)))
    if n_samples - n_val < 1:
        raise ValueError(
            f"early_stopping needs at least 2 samples to hold out "
            f"validation_fraction={fraction}; got n_samples={n_samples}."
        )
    return n_samples - n_val


def train(
    model,
    X,
    y,
    sample_weight,
    encode,
    *,
    epochs,
    batch_size,
    shuffle,
    seed,
    cut,
    callbacks,
    verbose,
):
    """Run Keras's training loop; return its per-epoch history dict.

    Small inputs are encoded into one array first; large ones (over
    ``IN_MEMORY_BYTES`` as float32) are encoded batch by batch, so that
    the windows are never copied whole. On TensorFlow the batches come
    from one endless stream (see :func:`~skrnn._keras.feed.window_batches`);
    elsewhere small arrays go to Keras as they are, laid out in each
    epoch's order (:func:`~skrnn._keras.feed.in_epoch_order`). Every route
    trains on the same batches in the same order
    (:func:`~skrnn._keras.feed.epoch_order`).

    Parameters
    ----------
    model : keras.Model
        Compiled model.
    X, y, sample_weight : ndarray
        Sequences as validated, targets and weights as the network trains
        on them (``sample_weight`` may be None).
    encode : callable or None
        Per-block encoding of ``X`` into what the model reads.
    epochs, batch_size : int
        As in Keras.
    shuffle : bool
        Shuffle the training rows before each epoch.
    seed : int
        Seed of that order.
    cut : int
        Rows from ``cut`` on are the validation tail; ``len(X)`` for none.
    callbacks : list of keras.callbacks.Callback
        See :func:`training_callbacks`.
    verbose : int
        Keras's verbosity.

    Returns
    -------
    history : dict of str to list of float
    """
    n = X.shape[0]
    in_memory = fits_in_memory(X)
    if in_memory:
        X, encode = materialise(X, encode), None
    batches = partial(
        window_batches, X, y, sample_weight, encode, batch_size=batch_size, seed=seed
    )
    validation_data = None
    if cut < n:
        validation_data = batches(np.arange(cut, n), shuffle=False)
    if in_memory and keras_slices_arrays():
        train = [
            X[:cut],
            y[:cut],
            None if sample_weight is None else sample_weight[:cut],
        ]
        (x, y_fed, w_fed), ordering = in_epoch_order(
            train, batch_size=batch_size, shuffle=shuffle, seed=seed
        )
        if ordering is not None:
            # first, so that the epoch's order is in place before anything reads
            callbacks = [ordering, *callbacks]
        kwargs = {
            "x": x,
            "y": y_fed,
            "sample_weight": w_fed,
            "batch_size": batch_size,
            "shuffle": False,
        }
    else:
        endless = not keras_slices_arrays()
        x = batches(np.arange(cut), shuffle=shuffle, endless=endless)
        # the batches are in their epoch's order already
        kwargs = {"x": x, "shuffle": False}
        if endless:
            kwargs["steps_per_epoch"] = x.steps
        else:
            callbacks = [x.epoch_clock(), *callbacks]
    history = model.fit(
        epochs=epochs,
        validation_data=validation_data,
        callbacks=callbacks,
        verbose=verbose,
        **kwargs,
    )
    return history.history


def diverged(model, history) -> int | None:
    """None when the loss and the weights are finite; else the first bad epoch.

    The epoch counts from 1 within this fit; 0 when only the weights are
    non-finite.

    Parameters
    ----------
    model : keras.Model
        The trained model.
    history : dict
        What :func:`train` returned.
    """
    losses = np.asarray(history.get("loss", []), dtype=float)
    weights_ok = all(np.all(np.isfinite(w)) for w in model.get_weights())
    if weights_ok and np.all(np.isfinite(losses)):
        return None
    bad = np.flatnonzero(~np.isfinite(losses))
    return int(bad[0]) + 1 if bad.size else 0
