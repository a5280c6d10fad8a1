"""The training plan: every setting of one training run, resolved once.

A run's epochs, batch size, validation tail, learning-rate schedule and
early stopping are decided in one place, :meth:`KerasEstimator._plan`, from
the parameters and the data, before the loop starts; the loop
(:func:`skrnn._keras.training.train`) only reads the plan, and the fitted
attributes ``epochs_`` and ``batch_size_`` record it.
"""

from dataclasses import dataclass

from skrnn._keras.training import auto_batch_size, auto_epochs


@dataclass(frozen=True)
class TrainingPlan:
    """One training run, as it will be run.

    Attributes
    ----------
    epochs : int
        Passes over the training rows (1 for ``partial_fit``).
    batch_size : int
        Rows per gradient update.
    cut : int
        First held-out row: rows ``cut:`` validate (``n`` rows: none).
    validate : bool
        Whether a validation tail is held out, for early stopping.
    schedule : str
        The learning-rate schedule: ``"constant"`` or ``"plateau"``.
    stop_at_floor : bool
        Stop once the plateau schedule has reached its floor and the loss
        has stalled there (``epochs="auto"`` without a validation tail):
        ``epochs`` is then at most.
    """

    epochs: int
    batch_size: int
    cut: int
    validate: bool
    schedule: str = "constant"
    stop_at_floor: bool = False


def resolve_size(epochs, batch_size, n_train: int, first_batch_size=None) -> tuple:
    """``(epochs, batch_size)`` with ``"auto"`` resolved on ``n_train`` rows.

    ``batch_size="auto"``: :func:`~skrnn._keras.training.auto_batch_size`
    on the first fit, then ``first_batch_size`` (a warm start keeps the
    batch size it started with); ``epochs="auto"``: enough epochs for
    :data:`~skrnn._keras.training.AUTO_UPDATES` updates.
    """
    if batch_size == "auto":
        batch_size = first_batch_size or auto_batch_size(n_train)
    if epochs == "auto":
        epochs = auto_epochs(n_train, batch_size)
    return int(epochs), int(batch_size)
