"""Input coercion for the recurrent estimators: 2-D to 3-D, pandas, shape checks."""

import numpy as np
from sklearn.utils.validation import FLOAT_DTYPES, check_array, check_X_y, validate_data


def ndim(X) -> int:
    """Number of dimensions of array-like ``X``; -1 for ragged nested lists."""
    if hasattr(X, "ndim"):
        return X.ndim
    try:
        return np.asarray(X).ndim
    except ValueError:
        return -1


def validate_sequences(
    estimator, X, y="no_validation", *, reset: bool, multi_output=False, y_numeric=False
):
    """Check ``X`` (and ``y``) and return ``X`` as 3-D sequences.

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
    name = type(estimator).__name__
    n_dims = ndim(X)
    with_y = not (isinstance(y, str) and y == "no_validation")
    y_params = {"multi_output": multi_output, "y_numeric": y_numeric}
    if n_dims > 3:
        raise ValueError(
            "X must be 2-D (n_samples, n_timesteps) or 3-D (n_samples, "
            f"n_timesteps, n_features); got a {n_dims}-D array of shape "
            f"{np.shape(X)}."
        )
    if n_dims != 3 and (reset or estimator._fit_ndim == 2):
        # scikit-learn's own checks give the familiar messages and feature names
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
        estimator.input_shape_ = X3.shape[1:]
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
