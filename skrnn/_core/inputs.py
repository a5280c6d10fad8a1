"""Input coercion for the recurrent estimators: 2-D to 3-D, ragged to padded, checks."""

import re
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sklearn.utils.validation import FLOAT_DTYPES, check_array, check_X_y, validate_data

# Value of the time steps that pad shorter sequences (at their start); a
# Masking layer hides them from the network. Exactly representable in float32.
PAD = -1e9


def is_ragged(X) -> bool:
    """Whether ``X`` is a collection of sequences of different lengths."""
    if isinstance(X, np.ndarray):
        return X.dtype == object and X.ndim == 1 and X.size > 0
    if isinstance(X, list | tuple) and len(X) > 0:
        try:
            return len({len(x) for x in X}) > 1
        except TypeError:  # a list of numbers, not of sequences
            return False
    return False


def pad_ragged(X) -> np.ndarray:
    """Stack sequences of different lengths, padding their start with ``PAD``.

    Padding at the start keeps every sequence's last real step at the end,
    where the recurrent state is read and where forecasting representations
    find "the last value".

    Parameters
    ----------
    X : sequence of array-like of shape (n_timesteps_i,) or \
            (n_timesteps_i, n_features)
        Sequences, oldest step first.

    Returns
    -------
    X : ndarray of shape (n_samples, max_timesteps, n_features)
    """
    sequences = []
    for i, x in enumerate(X):
        if np.shape(x)[:1] == (0,):
            raise ValueError(
                f"X[{i}] is an empty sequence: every sequence needs at least one "
                "time step."
            )
        a = check_array(x, ensure_2d=False, dtype=FLOAT_DTYPES, input_name=f"X[{i}]")
        if a.ndim == 1:
            a = a[:, np.newaxis]
        if a.ndim != 2:
            raise ValueError(
                f"X[{i}] must be 1-D (n_timesteps,) or 2-D (n_timesteps, "
                f"n_features); got shape {a.shape}."
            )
        sequences.append(a)
    widths = sorted({a.shape[1] for a in sequences})
    if len(widths) > 1:
        raise ValueError(
            f"The sequences of X have different numbers of features: {widths}."
        )
    if any(np.any(a == PAD) for a in sequences):
        raise ValueError(f"X holds {PAD:g}, the value that marks padding.")
    n_steps = max(len(a) for a in sequences)
    out = np.full((len(sequences), n_steps, widths[0]), PAD)
    for row, a in zip(out, sequences, strict=True):
        row[n_steps - len(a) :] = a
    return out


def valid_steps(X) -> np.ndarray:
    """Boolean ``(n_samples, n_timesteps)``: True where a step is not padding."""
    return X[:, :, 0] != PAD


def ndim(X) -> int:
    """Number of dimensions of array-like ``X``; -1 for ragged nested lists."""
    if hasattr(X, "ndim"):
        return X.ndim
    try:
        return np.asarray(X).ndim
    except ValueError:
        return -1


NAN_ADVICE = (
    "{owner} needs a value at every time step of a series. For a time series "
    "with gaps, fill them in time before windowing: series.interpolate("
    "method='time') on a DatetimeIndex (method='linear' on any other), "
    "series.ffill(), or, on the command line, skrnn compare --fill "
    "interpolate. Dropping the rows instead (dropna) would join values that "
    "are not neighbours in time."
)


@contextmanager
def time_series_nan_advice(inputs: dict, owner: str):
    """Turn scikit-learn's NaN message into one with time-series advice.

    scikit-learn's own ("Input X contains NaN", then a suggestion of
    HistGradientBoosting or an imputer) is advice for tabular data, and it
    does not say where the gap is. The position is only looked for once the
    check has failed, so valid input pays nothing.

    Parameters
    ----------
    inputs : dict of str to array-like
        The inputs being checked that are time series, by the name
        scikit-learn's message uses; a NaN anywhere else (a classifier's
        labels) keeps scikit-learn's message.
    owner : str
        Name of the estimator, for the message.
    """
    try:
        yield
    except ValueError as error:
        found = re.search(r"Input (\w+) contains NaN", str(error))
        if found is None:
            raise
        input_name = found.group(1)
        if input_name not in inputs:
            raise
        where = ""
        try:
            array = np.asarray(inputs.get(input_name), dtype=np.float64)
            position = np.argwhere(np.isnan(array))
            if len(position):
                where = f" (first at index {tuple(int(i) for i in position[0])})"
        except (TypeError, ValueError):
            pass
        # scikit-learn's first words kept: callers and checks look for them
        raise ValueError(
            f"Input {input_name} contains NaN{where}. " + NAN_ADVICE.format(owner=owner)
        ) from None


def check_real(values, input_name: str, owner: str) -> None:
    """Refuse strings and complex numbers with a message naming the input.

    scikit-learn's own messages for them ("could not convert string to
    float: 'a'", or "Complex data not supported" followed by the array) name
    neither the input nor the estimator, and a string ``y`` of a regressor
    gets through its checks to fail later inside numpy.

    Parameters
    ----------
    values : array-like or pandas object
        ``X`` or ``y`` as the user passed them.
    input_name : str
        ``"X"`` or ``"y"``, for the message.
    owner : str
        Name of the estimator, for the message.
    """
    dtypes = getattr(values, "dtypes", None)  # pandas
    if dtypes is None:
        dtype = getattr(values, "dtype", None)
        dtypes = [np.asarray(values).dtype if dtype is None else dtype]
    elif not hasattr(dtypes, "tolist"):  # a Series has one dtype
        dtypes = [dtypes]
    kinds = {getattr(dtype, "kind", "O") for dtype in list(dtypes)}
    if "c" in kinds:
        # scikit-learn's estimator checks look for its own phrase
        raise ValueError(
            f"{input_name} must hold real numbers for {owner}: Complex data not "
            "supported."
        )
    if kinds & set("SU"):
        raise ValueError(
            f"{input_name} must hold real numbers for {owner}; got strings."
        )
    if "O" in kinds:  # Python objects: numbers are fine, anything else is not
        try:
            np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            # same type, so that callers (and scikit-learn's checks) see the
            # error they expect, with the input named
            raise type(exc)(
                f"{input_name} must hold real numbers for {owner}; {exc}."
            ) from exc


def _checked_already(estimator, X, y) -> bool:
    """Whether ``X`` is what every check would return unchanged.

    A finite float array of the fitted 3-D shape, with no ``y``: the checks
    below would pass it through untouched, so ``predict`` on a few rows
    skips their set-up (most of its time on a fast backend).
    """
    return (
        isinstance(y, str)
        and type(X) is np.ndarray
        and X.ndim == 3
        and X.dtype in (np.float64, np.float32)
        and getattr(estimator, "_fit_ndim", None) == 3
        and X.shape[1:] == getattr(estimator, "input_shape_", ())
        and X.shape[0] > 0
        and bool(np.isfinite(X.sum()))
    )


def validate_sequences(
    estimator, X, y="no_validation", *, reset: bool, multi_output=False, y_numeric=False
):
    """Check ``X`` (and ``y``) and return ``X`` as 3-D sequences.

    A list of sequences of different lengths is padded at the start with
    ``PAD`` and the estimator then accepts any number of time steps.
    2-D ``X`` of shape ``(n_samples, n_timesteps)`` is read as univariate
    sequences, with scikit-learn's usual bookkeeping (``n_features_in_`` is the
    number of columns, ``feature_names_in_`` the DataFrame's column names).
    3-D ``X`` is ``(n_samples, n_timesteps, n_features)`` and
    ``n_features_in_`` is the number of features per time step.

    On ``reset`` the estimator records ``input_shape_ = (n_timesteps,
    n_features)``; otherwise ``X`` must match it.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
    y : ndarray, only when ``y`` was given
    """
    if not reset and _checked_already(estimator, X, y):
        return X
    name = type(estimator).__name__
    ragged = is_ragged(X)
    if ragged:
        X = pad_ragged(X)
    n_dims = ndim(X)
    with_y = not (isinstance(y, str) and y == "no_validation")
    y_params = {"multi_output": multi_output, "y_numeric": y_numeric}
    if not ragged:  # pad_ragged has checked each sequence already
        check_real(X, "X", name)
    if with_y and y_numeric:
        check_real(y, "y", name)
    if n_dims > 3:
        raise ValueError(
            "X must be 2-D (n_samples, n_timesteps) or 3-D (n_samples, "
            f"n_timesteps, n_features); got a {n_dims}-D array of shape "
            f"{np.shape(X)}."
        )
    if reset:
        # names carried by SlidingWindowTransformer's windows (target_feature)
        estimator._window_names = getattr(X, "feature_names", None)
    series = {"X": X, "y": y} if y_numeric else {"X": X}
    with time_series_nan_advice(series, name):
        if n_dims != 3 and (reset or estimator._fit_ndim == 2):
            # scikit-learn's own checks give the familiar messages and names
            out = validate_data(
                estimator,
                X,
                y,
                reset=reset,
                dtype=FLOAT_DTYPES,
                **(y_params if with_y else {}),
            )
            X, y = out if with_y else (out, y)
        elif with_y:
            X, y = check_X_y(X, y, allow_nd=True, dtype=FLOAT_DTYPES, **y_params)
        else:
            X = check_array(X, allow_nd=True, dtype=FLOAT_DTYPES, input_name="X")
    X3 = X[:, :, np.newaxis] if X.ndim == 2 else X
    if 0 in X3.shape[1:]:
        raise ValueError(
            f"X has shape {X.shape}: {name} needs at least one time step and one "
            "feature."
        )
    if reset:
        estimator._fit_ndim = X.ndim
        estimator.input_shape_ = (None if ragged else X3.shape[1], X3.shape[2])
        if X.ndim == 3:
            estimator.n_features_in_ = X3.shape[2]
            if hasattr(estimator, "feature_names_in_"):
                del estimator.feature_names_in_
    else:
        n_steps, n_features = estimator.input_shape_
        if X3.shape[2] != n_features:
            raise ValueError(
                f"X has {X3.shape[2]} features per time step, but {name} is "
                f"expecting {n_features} features as input."
            )
        if n_steps is not None and X3.shape[1] != n_steps:
            raise ValueError(
                f"X has {X3.shape[1]} time steps, but {name} is expecting "
                f"{n_steps} time steps as input."
            )
    return (X3, y) if with_y else X3


@dataclass(frozen=True)
class StepTargets:
    """One target (or label) per real time step of padded sequences.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_timesteps, n_outputs) for numbers, \
            or (n_samples, n_timesteps) for labels
        Padded like the sequences; padded steps hold 0 or the first label.
    mask : ndarray of bool of shape (n_samples, n_timesteps)
        True at real steps.
    ndim : int
        2 when each sequence had one target per step, 3 for several: the
        shape predictions are given back in.
    """

    values: np.ndarray
    mask: np.ndarray
    ndim: int


def step_targets(y, X, *, numeric: bool) -> StepTargets:
    """Per-step targets of sequence-to-sequence models, aligned with padded ``X``.

    Parameters
    ----------
    y : array-like of shape (n_samples, n_timesteps[, n_outputs]), or a list of
            arrays of shape (n_timesteps_i[, n_outputs])
        One target (or ``n_outputs`` targets) per time step of each sequence.
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        The validated, padded sequences.
    numeric : bool
        Whether targets must be numbers (regression) or may be labels.

    Returns
    -------
    targets : StepTargets
        The targets padded like ``X``, the mask of real steps, and the
        number of dimensions of ``y``.
    """
    n, n_steps = X.shape[:2]
    mask = valid_steps(X)
    lengths = mask.sum(axis=1)
    items = list(y) if isinstance(y, list | tuple) or is_ragged(y) else np.asarray(y)
    if len(items) != n:
        raise ValueError(f"y has {len(items)} sequences, but X has {n}.")
    arrays = []
    for i, item in enumerate(items):
        a = (
            check_array(item, ensure_2d=False, dtype=np.float64, input_name=f"y[{i}]")
            if numeric
            else np.asarray(item)
        )
        if a.ndim not in (1, 2) or (not numeric and a.ndim != 1):
            raise ValueError(
                f"y[{i}] must hold one target per time step; got shape {a.shape}."
            )
        if len(a) != lengths[i]:
            raise ValueError(
                f"y[{i}] has {len(a)} time steps, but X[{i}] has {lengths[i]}."
            )
        arrays.append(a if a.ndim == 2 or not numeric else a[:, np.newaxis])
    y_ndim = 3 if numeric and np.ndim(items[0]) == 2 else 2
    if numeric:
        widths = {a.shape[1] for a in arrays}
        if len(widths) > 1:
            raise ValueError(f"The sequences of y have different widths: {widths}.")
        Y = np.zeros((n, n_steps, widths.pop()))
    else:
        Y = np.empty((n, n_steps), dtype=np.result_type(*arrays))
    for i, a in enumerate(arrays):
        Y[i, n_steps - len(a) :] = a
        Y[i, : n_steps - len(a)] = 0 if numeric else a[0]
    return StepTargets(Y, mask, y_ndim)


def unpad(outputs, X, ragged: bool):
    """Per-step outputs back to each sequence's own length when X was ragged."""
    if not ragged:
        return outputs
    lengths = valid_steps(X).sum(axis=1)
    return [
        out[len(out) - length :] for out, length in zip(outputs, lengths, strict=True)
    ]
