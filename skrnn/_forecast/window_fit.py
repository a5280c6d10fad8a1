"""Training a window regressor on a panel's windows, and forecasting with it.

The forecaster tells its regressor what the windows are through one value,
:class:`WindowSettings`; a regressor that can use it (the ones of skrnn)
says which of its open parameters follow from it in
``_settings_for_windows``. Any other scikit-learn regressor takes the
windows as they come, flattened when it does not read 3-D arrays.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state, get_tags

from skrnn._forecast.data import n_windows
from skrnn._forecast.panel import Panel, panel_windows, window_quota
from skrnn._keras.training import validation_cut


@dataclass(frozen=True)
class WindowSettings:
    """What a forecaster's windows are, for the regressor that learns from them.

    Attributes
    ----------
    target_feature : int
        The window feature holding the target's history (0: the target
        comes first, covariates after it).
    n_features : int
        Features per window step.
    n_windows : int
        Training windows.
    season : int
        Steps per seasonal cycle (1: none).
    seasonal : bool
        Whether most series pass the seasonality test at ``season``: the
        target is then best seen relative to its seasonal naive forecast.
    future_features : tuple of int
        Window features that hold known-future covariates (their last
        ``horizon`` rows are the forecast steps' values).
    positive : bool
        Whether every value of every series the forecaster holds is
        positive, not only those of these windows: a calibration copy
        fitted on the older part of a series that later turns negative
        must not take logarithms, or it cannot forecast the later windows.
    """

    target_feature: int
    n_features: int
    n_windows: int
    season: int
    seasonal: bool
    future_features: tuple = ()
    positive: bool = True


def settings_for(estimator, settings: WindowSettings) -> dict:
    """The parameters ``estimator`` sets from ``settings`` (none if it has no hook)."""
    hook = getattr(estimator, "_settings_for_windows", None)
    return {} if hook is None else hook(settings)


def as_input(estimator, windows: np.ndarray) -> np.ndarray:
    """Windows as ``estimator`` reads them: 3-D, or one row of lags each."""
    if get_tags(estimator).input_tags.three_d_array:
        return windows
    return windows.reshape(len(windows), -1)


def predict_windows(estimators, windows: np.ndarray, horizon: int) -> np.ndarray:
    """Forecasts of shape (n_windows, horizon): the mean of fitted ``estimators``.

    ``estimators`` is a sequence of fitted regressors (one, or the members
    of an ensemble trained from different seeds), each predicting every
    window.
    """
    forecasts = [
        np.asarray(estimator.predict(as_input(estimator, windows)), dtype=float)
        for estimator in estimators
    ]
    return np.mean(forecasts, axis=0).reshape(len(windows), horizon)


# the most networks that n_models="auto" averages
AUTO_MEMBERS = 3


def auto_members(n_windows: int, limit: int | None) -> int:
    """Members of an ensemble whose windows, in all, stay within ``limit``.

    Each member trains on all ``n_windows`` windows (at most ``limit``), so
    ``AUTO_MEMBERS`` when ``limit`` holds that many times the windows (every
    single series of the suite), fewer on larger data, and one network once
    the windows reach ``limit`` (a large panel): the members cost no more
    than ``max_windows`` already allows one network.
    """
    if limit is None or n_windows <= 0:
        return AUTO_MEMBERS
    return int(min(AUTO_MEMBERS, max(1, limit // n_windows)))


def member_seeds(random_state, n_members: int) -> list:
    """The ``random_state`` of each of ``n_members`` regressors trained alike.

    The first keeps ``random_state`` itself, so that one member fits as the
    regressor alone would. With an int or a ``RandomState``, the others get
    seeds drawn from it (reproducible from an int); with None, None each
    (different initialisations all the same).
    """
    if n_members == 1 or random_state is None:
        return [random_state] * n_members
    rng = check_random_state(random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_members - 1)
    return [random_state, *(int(seed) for seed in seeds)]


def recent_last(sizes, fraction: float) -> np.ndarray:
    """Row order that puts the most recent windows of *every* series last.

    Windows are stacked series by series, oldest first (``sizes`` per
    series). Early stopping holds out the last ``validation_fraction`` of the
    rows; in this order they are the most recent windows of each series, in
    proportion to its size, rather than the tail of the last series.

    Returns
    -------
    order : ndarray of int
        A permutation of the rows: every series' older windows, then every
        series' held-out most recent ones.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    n = int(sizes.sum())
    n_val = n - validation_cut(n, fraction)
    share = sizes * n_val / n
    tail = np.floor(share).astype(np.int64)
    # the rows left by rounding go to the largest remainders
    for k in np.argsort(tail - share, kind="stable")[: n_val - int(tail.sum())]:
        tail[k] += 1
    tail = np.minimum(tail, sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    ends = starts + sizes
    head = [np.arange(s, e - t) for s, e, t in zip(starts, ends, tail, strict=True)]
    held = [np.arange(e - t, e) for e, t in zip(ends, tail, strict=True)]
    return np.concatenate(head + held)


def fit_windows(
    estimators, panel: Panel, *, look_back, horizon, limit, sampling, configure
):
    """Fit ``estimators`` (unfitted clones, alike but for their seeds) on the
    windows of every series.

    Within ``limit`` windows, on the most recent windows of each series, cut
    once for all of them; with ``sampling="epoch"`` and estimators that train
    by epochs (``partial_fit``), each epoch of each on a new draw among all
    of them. ``configure(estimator, windows)`` gives the parameters to set on
    an estimator for the windows drawn (:func:`settings_for` and whatever
    the forecaster passes on of its own).

    Returns
    -------
    estimators : list
        The fitted estimators.
    n_windows : int
        Windows each was trained on (per epoch).
    """
    total = sum(n_windows(len(h), look_back, horizon) for h in panel.histories)
    if sampling == "epoch" and limit is not None and total > limit:
        fitted = [
            _fit_by_epoch(e, panel, look_back, horizon, limit, configure)
            for e in estimators
        ]
        return [estimator for estimator, _ in fitted], fitted[0][1]
    windows, targets = panel_windows(panel, look_back, horizon, limit)
    params = estimators[0].get_params()
    if params.get("early_stopping") and len(panel) > 1:
        counts = [n_windows(len(h), look_back, horizon) for h in panel.histories]
        sizes = window_quota(counts, limit)
        order = recent_last(sizes, params["validation_fraction"])
        windows, targets = windows[order], targets[order]
    for estimator in estimators:
        estimator.set_params(**configure(estimator, windows))
        estimator.fit(as_input(estimator, windows), targets)
    return list(estimators), len(windows)


def member_count(n_models, histories, *, look_back, horizon, limit) -> int:
    """``n_models`` resolved on ``histories``: ``"auto"`` by :func:`auto_members`."""
    if n_models != "auto":
        return int(n_models)
    windows = sum(n_windows(len(h), look_back, horizon) for h in histories)
    return auto_members(windows, limit)


def _fit_by_epoch(estimator, panel, look_back, horizon, limit, configure):
    """Fit ``estimator`` epoch by epoch, each epoch on a new draw of windows."""
    if not hasattr(estimator, "partial_fit"):
        raise ValueError(
            "window_sampling='epoch' needs an estimator that trains epoch by "
            f"epoch (partial_fit); {type(estimator).__name__} has none."
        )
    params = estimator.get_params()
    if "epochs" not in params:
        raise ValueError(
            "window_sampling='epoch' needs an estimator with an epochs "
            f"parameter; {type(estimator).__name__} has none: use "
            "window_sampling='recent'."
        )
    if params.get("early_stopping"):
        raise ValueError(
            "window_sampling='epoch' trains each epoch on a new sample, which "
            "leaves no fixed validation windows for early_stopping: set "
            "early_stopping=False, or window_sampling='recent'."
        )
    seed = check_random_state(params.get("random_state")).randint(2**31)
    rng = np.random.default_rng(seed)
    epochs = params["epochs"]
    for epoch in range(epochs):
        windows, targets = panel_windows(panel, look_back, horizon, limit, rng)
        if epoch == 0:
            settings = configure(estimator, windows)
            estimator.set_params(**settings, epochs=1)
            estimator.fit(as_input(estimator, windows), targets)
        else:
            estimator.partial_fit(as_input(estimator, windows), targets)
    estimator.set_params(epochs=epochs)
    return estimator, len(windows)
