"""The linear skip: a linear map of the whole window added to a network's head.

:func:`add_linear_skip` puts it into the graph (``build_network(linear_skip=
True)``); :func:`least_squares_start` sets it, before training, to the ridge
regression of the training targets on the windows as the network reads them
(scaled, in the target's representation), or on their last steps only.
Training then starts from a linear
autoregression and moves the recurrent part and the linear map together, so
the network learns what the linear model misses: the "highway" of LSTNet
(Lai et al., SIGIR 2018), started where a ridge regression ends rather than
at zero. :func:`use_linear_start` turns a trained network back into that
linear autoregression alone (its head set to zero, the skip back at its
start), for a forecaster whose out-of-sample errors favour it.
"""

import numpy as np

from skrnn._keras.backend import get_keras
from skrnn._keras.feed import model_input

WINDOW, LINEAR = "linear_skip_window", "linear_skip"
# the network's last Dense layer, to which the skip is added
HEAD = "head"
# rows read per chunk while the normal equations are summed
_CHUNK = 4096


def skip_steps(linear_skip, n_timesteps: int) -> int:
    """The window's last steps the skip reads: all of them for True, 0 for False.

    A numpy bool counts as a bool (a grid search may pass one), not as 0 or 1.
    """
    if isinstance(linear_skip, bool | np.bool_):
        return n_timesteps if linear_skip else 0
    steps = int(linear_skip)
    if steps > n_timesteps:
        raise ValueError(
            f"linear_skip={steps} asks for more steps than the windows hold "
            f"({n_timesteps}); pass at most {n_timesteps}, or True for all."
        )
    return steps


def add_linear_skip(keras, window, outputs, steps: int):
    """``outputs`` plus a linear map of the last ``steps`` of ``window``, flattened."""
    n_timesteps = window.shape[1]
    if steps < n_timesteps:
        window = keras.layers.Cropping1D((n_timesteps - steps, 0))(window)
    flat = keras.layers.Flatten(name=WINDOW)(window)
    linear = keras.layers.Dense(
        outputs.shape[-1], kernel_initializer="zeros", name=LINEAR
    )(flat)
    return keras.layers.Add(name="with_linear_skip")([outputs, linear])


def least_squares_start(model, X, y, sample_weight, encode):
    """Set ``model``'s linear skip to the ridge fit of ``y`` on the windows.

    The penalty is chosen by generalised cross-validation (Golub, Heath and
    Wahba, 1979) among :data:`ALPHAS` times the mean variance of the scaled
    window's values, from the normal equations alone: one pass over the
    rows, whatever their number. A window of hundreds of steps over a few
    hundred rows is then shrunk rather than interpolated.

    Parameters
    ----------
    model : keras.Model
        Built by ``build_network(linear_skip=True)``.
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        The training windows, as the estimator trains on them.
    y : ndarray of shape (n_samples, n_outputs)
        The encoded targets the network is trained on.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows.
    encode : callable or None
        The rows' encoding, as :func:`~skrnn._keras.feed.model_input` takes it.

    Returns
    -------
    alpha : float
        The penalty chosen.
    """
    keras = get_keras()
    windows = keras.Model(model.inputs, model.get_layer(WINDOW).output)
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight)
    gram = cross = total = f_sum = y_sum = y_square = 0.0
    for start in range(0, len(X), _CHUNK):
        rows = slice(start, start + _CHUNK)
        F = np.asarray(windows.predict_on_batch(model_input(X, encode, rows)))
        F = F.astype(np.float64)
        weight = w[rows][:, None]
        gram = gram + F.T @ (weight * F)
        cross = cross + F.T @ (weight * y[rows])
        total += float(weight.sum())
        f_sum = f_sum + (weight * F).sum(axis=0)
        y_sum = y_sum + (weight * y[rows]).sum(axis=0)
        y_square = y_square + (weight * y[rows] ** 2).sum(axis=0)
    coef, intercept, alpha = ridge_from_moments(
        gram, cross, y_square, f_sum, y_sum, total
    )
    start = [coef.astype(np.float32), intercept.astype(np.float32)]
    model.get_layer(LINEAR).set_weights(start)
    return alpha


def use_linear_start(model, start) -> None:
    """Make ``model`` forecast with its linear skip alone, at ``start``.

    The head's weights are set to zero (its activation is linear: its
    output is then zero) and the skip's to ``start``, the weights
    :func:`least_squares_start` gave it: the model then computes the ridge
    regression it started training from, whatever training did to the
    recurrent layers.

    Parameters
    ----------
    model : keras.Model
        Built by ``build_network(linear_skip=...)`` with a skip.
    start : list of ndarray
        The skip's weights before training (kernel, bias).
    """
    head = model.get_layer(HEAD)
    head.set_weights([np.zeros_like(w) for w in head.get_weights()])
    model.get_layer(LINEAR).set_weights(start)


# penalties tried, relative to the mean variance of the scaled window's values
ALPHAS = np.logspace(-4, 1, 11)


def ridge_from_moments(gram, cross, y_square, f_sum, y_sum, total):
    """``(coef, intercept, alpha)``: ridge with the GCV-chosen penalty.

    Parameters
    ----------
    gram : ndarray of shape (d, d)
        ``F.T @ W @ F`` over the rows (``W`` their weights).
    cross : ndarray of shape (d, k)
        ``F.T @ W @ Y``.
    y_square : ndarray of shape (k,)
        Weighted sums of the squared targets.
    f_sum, y_sum : ndarray of shape (d,), (k,)
        Weighted sums of the features and the targets.
    total : float
        Sum of the weights (the number of rows when unweighted).
    """
    f_mean, y_mean = f_sum / total, y_sum / total
    # centred moments: the intercept is not penalised
    gram = gram - total * np.outer(f_mean, f_mean)
    cross = cross - total * np.outer(f_mean, y_mean)
    y_square = y_square - total * y_mean**2
    values, vectors = np.linalg.eigh(gram)
    values = np.clip(values, 0.0, None)
    rotated = vectors.T @ cross  # (d, k)
    scale = max(float(np.trace(gram)) / (gram.shape[0] * total), 1e-12) * total
    best = None
    for alpha in ALPHAS * scale:
        shrink = 1.0 / (values + alpha)
        fitted = (rotated**2 * shrink[:, None]).sum(axis=0)
        # residual sum of squares: y'y - 2 q'Dq + q'D S D q, per output
        rss = (
            y_square - 2 * fitted + (rotated**2 * (values * shrink**2)[:, None]).sum(0)
        )
        dof = 1.0 + float((values * shrink).sum())  # the intercept's one
        gcv = float(rss.sum()) / (total * max(1.0 - dof / total, 1e-6) ** 2)
        if best is None or gcv < best[0]:
            best = (gcv, alpha, shrink)
    _, alpha, shrink = best
    coef = vectors @ (rotated * shrink[:, None])
    return coef, y_mean - f_mean @ coef, float(alpha)
