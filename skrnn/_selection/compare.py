"""compare() and predict_last_fold(): window pipelines under one time-series CV."""

import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral
from typing import Any, TextIO

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import (
    ParameterGrid,
    ParameterSampler,
    TimeSeriesSplit,
    check_cv,
    cross_validate,
)

from skrnn._core.sklearn_compat import BaseSearchCV, _safe_indexing
from skrnn._forecast.panel_split import PanelSplit
from skrnn.metrics import seasonal_naive_scale, smape_scorer

# leaderboard name -> (scikit-learn scorer, sign that turns the score into the
# reported number): errors are reported as positive numbers, lower is better
METRICS = {
    "rmse": ("neg_root_mean_squared_error", -1.0),
    "mse": ("neg_mean_squared_error", -1.0),
    "mae": ("neg_mean_absolute_error", -1.0),
    "mape": ("neg_mean_absolute_percentage_error", -1.0),
    "medae": ("neg_median_absolute_error", -1.0),
    "r2": ("r2", 1.0),
    "smape": (smape_scorer, -1.0),
    # the mean absolute error, divided in compare() by each fold's own scale
    "mase": ("neg_mean_absolute_error", -1.0),
}

# a fit of a model that trains no network costs next to nothing: its weight
# in the progress line's time estimate, against 1 for a network's fit
_CHEAP_FIT = 0.02

# scorer key that only counts finished fits; never reported
_TICK = "_progress"


def _time_series_cv(cv: Any) -> Any:
    """Default and int ``cv`` mean :class:`TimeSeriesSplit`, never ``KFold``."""
    if cv is None:
        return TimeSeriesSplit(n_splits=5)
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        return TimeSeriesSplit(n_splits=int(cv))
    return check_cv(cv)


def _check_scoring(scoring: Any) -> tuple[str, ...]:
    names = (scoring,) if isinstance(scoring, str) else tuple(scoring)
    unknown = [name for name in names if name not in METRICS]
    if not names or unknown:
        raise ValueError(
            f"scoring must name one or more of {sorted(METRICS)}; got {scoring!r}."
        )
    return names


def _is_search(model: Any) -> bool:
    return isinstance(model, BaseSearchCV)


def _n_candidates(search: Any) -> int | None:
    """Number of parameter settings a GridSearchCV or RandomizedSearchCV tries."""
    try:
        if hasattr(search, "param_grid"):
            return len(ParameterGrid(search.param_grid))
        if hasattr(search, "param_distributions"):
            return len(ParameterSampler(search.param_distributions, search.n_iter))
    except (TypeError, ValueError):
        pass
    return None


def _fit_weight(model: Any) -> float:
    """Relative cost of one fit of ``model``: 1 when it trains a network."""
    from skrnn._keras.base import BaseRNN

    estimator = model.estimator if _is_search(model) else model
    steps = getattr(estimator, "steps", [(None, estimator)])
    if any(isinstance(step, BaseRNN) for _, step in steps):
        return 1.0
    return _CHEAP_FIT


def _mase_scales(y: Any, cv: Any, season: Any) -> np.ndarray:
    """The MASE denominator of each fold, from that fold's training targets."""
    if isinstance(season, bool) or not isinstance(season, Integral) or season < 1:
        raise ValueError(f"season must be a positive int; got {season!r}.")
    values = np.asarray(y, dtype=np.float64)
    first = values.reshape(len(values), -1)[:, 0]
    scales = []
    for k, (train, _) in enumerate(cv.split(values, values)):
        if len(train) <= season:
            raise ValueError(
                f"season={season} is too long for scoring='mase': the training "
                f"part of fold {k} has {len(train)} rows, and the seasonal naive "
                f"scale needs more than {season}."
            )
        scales.append(seasonal_naive_scale(first[train], int(season)))
    return np.asarray(scales)


def _format_seconds(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}:{seconds:02d}"


class _Progress:
    """A one-line progress report of a comparison on a text stream (stderr).

    On a terminal the line is redrawn in place; elsewhere (a log file, a CI
    job) a line is written per finished model and, in between, at most every
    ``interval`` seconds as fits finish. With ``mode="auto"`` nothing is shown
    until the comparison has run for ``delay`` seconds, so quick comparisons
    stay silent.

    The time left is estimated from the fits' weights: each fit of a model
    weighs what :meth:`start_model` says (a network's fit 1, a baseline's next
    to nothing) times its fold's weight (folds of a TimeSeriesSplit grow), so
    the quick fits of Ridge and the baselines do not pass for progress.
    """

    def __init__(
        self,
        total: int | None,
        mode: Any = "auto",
        *,
        stream: TextIO | None = None,
        delay: float = 2.0,
        interval: float = 5.0,
        total_weight: float | None = None,
        fold_weights: Sequence[float] = (1.0,),
    ) -> None:
        self.total = total
        self.enabled = mode is not False
        self.delay = delay if mode == "auto" else 0.0
        self.interval = interval
        self.stream = sys.stderr if stream is None else stream
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.done = 0
        self.total_weight = float(total) if total_weight is None else total_weight
        self.fold_weights = list(fold_weights)
        self.done_weight = 0.0
        self.model = ""
        self.model_end = 0
        self.model_weight = 1.0
        self.model_start_done = 0
        self.model_start_weight = 0.0
        self.shown = False
        self.last_draw = 0.0
        self.last_line = ""
        # the first fit also pays one-off costs (compiling, warming caches):
        # once others are done, the rate leaves it out
        self.first_fit = None

    def start_model(self, name: str, n_fits: int | None, weight: float = 1.0) -> None:
        self.model = name
        self.model_end = self.done + (n_fits or 0)
        self.model_weight = weight
        self.model_start_done = self.done
        self.model_start_weight = self.done_weight
        self._draw()

    def _fit_weight(self, k: int) -> float:
        """Weight of the ``k``-th fit of the current model (folds in cv order)."""
        return self.model_weight * self.fold_weights[k % len(self.fold_weights)]

    def tick(self) -> None:
        self.done_weight += self._fit_weight(self.done - self.model_start_done)
        self.done += 1
        if self.first_fit is None:
            self.first_fit = (time.perf_counter() - self.start, self.done_weight)
        self._draw()

    def end_model(self) -> None:
        # fits in other processes are not ticked: count them all at once
        while self.done < self.model_end:
            self.done_weight += self._fit_weight(self.done - self.model_start_done)
            self.done += 1
        self._draw(force=True, model_done=True)

    def close(self) -> None:
        if self.shown and self.interactive:
            self.stream.write("\n")
            self.stream.flush()

    def _line(self) -> str:
        elapsed = time.perf_counter() - self.start
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            width = 24
            bar = "#" * int(fraction * width)
            counts = f"[{bar:<{width}}] {self.done}/{self.total} fits"
        else:
            counts = f"{self.done} fits"
        line = f"compare: {counts} | {self.model} | {_format_seconds(elapsed)} elapsed"
        if self.total and 0 < self.done < self.total and self.done_weight > 0:
            left_weight = max(self.total_weight - self.done_weight, 0.0)
            rate = elapsed / self.done_weight
            first_time, first_weight = self.first_fit or (0.0, 0.0)
            if self.done_weight - first_weight > 0.5 * first_weight:
                rate = (elapsed - first_time) / (self.done_weight - first_weight)
            line += f", ~{_format_seconds(left_weight * rate)} left"
        return line

    def _draw(self, *, force: bool = False, model_done: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.start < self.delay:
            return
        if self.interactive:
            if not force and now - self.last_draw < 0.2:
                return
            self.stream.write("\r" + self._line() + "\x1b[K")
        else:
            due = now - (self.last_draw if self.shown else self.start) >= self.interval
            line = self._line()
            if not (model_done or (due and self.done)) or line == self.last_line:
                return
            self.stream.write(line + "\n")
            self.last_line = line
        self.stream.flush()
        self.shown = True
        self.last_draw = now


class _TickScorer:
    """A scorer that reports one finished fit and scores nothing (always 0)."""

    def __init__(self, progress: _Progress | None) -> None:
        self.progress = progress

    def __call__(self, estimator: Any, X: Any, y: Any) -> float:
        if self.progress is not None:
            self.progress.tick()
        return 0.0

    def __getstate__(self) -> dict:
        # a copy in a worker process cannot report to this one's stream
        return {"progress": None}


def _score_search(
    search: Any, X: Any, y: Any, cv: Any, scorers: dict, first: str, n_jobs: Any
) -> tuple[dict, dict, float]:
    """Fit a clone of ``search`` with ``cv``; return the best candidate's results.

    The best candidate is the one scikit-learn would pick with
    ``refit=first``: ``argmin`` of ``rank_test_{first}``. Nothing is refitted
    on the whole data, so no fit is spent on a model that is not reported.
    """
    search = clone(search).set_params(
        cv=cv, scoring=scorers, refit=False, return_train_score=False
    )
    if n_jobs is not None:
        search.set_params(n_jobs=n_jobs)
    search.fit(X, y)
    results = search.cv_results_
    best = int(np.asarray(results[f"rank_test_{first}"]).argmin())
    scores = {
        name: np.array(
            [results[f"split{k}_test_{name}"][best] for k in range(search.n_splits_)]
        )
        for name in scorers
        if name != _TICK
    }
    return dict(results["params"][best]), scores, float(results["mean_fit_time"][best])


def _score_estimator(
    model: Any, X: Any, y: Any, cv: Any, scorers: dict, n_jobs: Any
) -> tuple[dict, dict, float]:
    """Cross-validate ``model`` with ``cv``; return its per-fold results."""
    results = cross_validate(model, X, y, cv=cv, scoring=scorers, n_jobs=n_jobs)
    scores = {name: results[f"test_{name}"] for name in scorers if name != _TICK}
    return {}, scores, float(np.mean(results["fit_time"]))


def compare(
    models: Mapping[str, Any],
    X: Any,
    y: Any,
    *,
    cv: Any = None,
    scoring: str | Iterable[str] = ("rmse", "mae", "mape"),
    n_jobs: int | None = None,
    progress: bool | str = "auto",
    season: int = 1,
) -> pd.DataFrame:
    """Cross-validate several models on the same folds and rank them.

    Every model sees the same ``X``, ``y`` and folds, so the table compares
    like with like: recurrent networks, linear models on lagged values and
    naive baselines, each in its own Pipeline.

    Parameters
    ----------
    models : dict of str to estimator
        Models by name: regressors or Pipelines that take ``X`` as given
        (typically a :class:`SlidingWindowTransformer` followed by a
        regressor). A :class:`~sklearn.model_selection.GridSearchCV` or
        :class:`~sklearn.model_selection.RandomizedSearchCV` counts as a
        search: a clone of it is fitted with this ``cv`` and ``scoring``
        (replacing its own), and the cross-validated scores of its best
        candidate, by the first metric, are reported; these are its
        ``cv_results_`` at ``best_index_``. Any other model goes through
        :func:`~sklearn.model_selection.cross_validate` with this ``cv``.
        The models passed are never modified.
    X : array-like or pandas object of shape (n_samples, ...)
        Inputs, in time order, e.g. the ``X`` of :func:`make_supervised`.
        With pandas ``X``, a :class:`SlidingWindowTransformer` gives each
        test fold its real history (see its Notes).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets, aligned with ``X``.
    cv : int, cross-validation generator or iterable, default=None
        Folds. None means ``TimeSeriesSplit(n_splits=5)``; an int means
        ``TimeSeriesSplit(n_splits=cv)`` (never ``KFold``: a forecast is
        tested on data after its training data). Anything else is passed to
        :func:`~sklearn.model_selection.check_cv`.
    scoring : str or tuple of str, default=("rmse", "mae", "mape")
        Metrics, from ``"rmse"``, ``"mse"``, ``"mae"``, ``"mape"``,
        ``"medae"``, ``"r2"``, ``"smape"`` and ``"mase"``. The first one
        ranks the models and picks a search's best candidate. Errors are
        reported as positive numbers (scikit-learn's ``neg_*`` scores negated
        back), ``mape`` as a fraction (0.05 is 5 %) and ``smape`` in percent
        (:func:`skrnn.metrics.smape`, the M4 definition). ``mase`` is each
        fold's mean absolute error divided by the in-sample error of the
        seasonal naive forecast (season ``season``) on that fold's training
        targets (the first column of ``y``), as :func:`skrnn.metrics.mase`
        computes it: the scale comes from the training part of each fold only.
    n_jobs : int, default=None
        Parallel jobs of each cross-validation or search, as in
        scikit-learn. None keeps a search's own ``n_jobs``.
    progress : bool or "auto", default="auto"
        Show a progress line on stderr: with "auto" only once the
        comparison has run for a couple of seconds, with True from the
        start, with False never. It counts finished fits, per fold, when the
        fits run in this process (``n_jobs`` None or 1), and finished models
        otherwise. Its time estimate weighs a network's fit more than a
        baseline's, and a larger fold more than a smaller one.
    season : int, default=1
        Season length of the naive forecast that scales ``"mase"`` (1:
        persistence; 12 for monthly data with a yearly cycle).

    Returns
    -------
    leaderboard : pandas.DataFrame
        One row per model, best first, indexed by rank from 1, with columns
        ``model`` (the name), ``best_params`` (a search's best parameters, a
        dict; empty for other models), ``{metric}_mean`` and ``{metric}_std``
        over the folds for each metric (standard deviation with ``ddof=0``,
        as scikit-learn's ``cv_results_``), and ``fit_time`` (mean seconds
        per fit). A model whose fits fail gets NaN scores (scikit-learn's
        ``error_score=np.nan``, with a ``FitFailedWarning``) and ranks last.

    See Also
    --------
    predict_last_fold : Predictions of one model on the last test fold.
    sklearn.model_selection.cross_validate : What runs for each plain model.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from skrnn import SlidingWindowTransformer, make_supervised
    >>> from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.model_selection import compare
    >>> X, y = make_supervised(load_airline())
    >>> models = {
    ...     "Ridge": make_pipeline(
    ...         SlidingWindowTransformer(12, flatten=True), Ridge()
    ...     ),
    ...     "persistence": make_pipeline(
    ...         SlidingWindowTransformer(1), PersistenceRegressor()
    ...     ),
    ...     "seasonal naive": make_pipeline(
    ...         SlidingWindowTransformer(12), SeasonalNaiveRegressor(12)
    ...     ),
    ... }
    >>> board = compare(models, X, y, progress=False)
    >>> board["model"].tolist()
    ['Ridge', 'persistence', 'seasonal naive']
    >>> list(board.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['model', 'best_params', 'rmse_mean', 'rmse_std', 'mae_mean', 'mae_std',
     'mape_mean', 'mape_std', 'fit_time']
    """
    if not isinstance(models, Mapping) or not models:
        raise ValueError(
            "models must be a non-empty dict of name to estimator; got "
            f"{type(models).__name__}."
        )
    metrics = _check_scoring(scoring)
    if progress not in (True, False, "auto"):
        raise ValueError(f'progress must be True, False or "auto"; got {progress!r}.')
    cv = _time_series_cv(cv)
    n_splits = cv.get_n_splits(X, y)
    train_sizes = [len(train) for train, _ in cv.split(X, y)]
    if "mase" in metrics and isinstance(cv, PanelSplit):
        raise ValueError(
            "scoring='mase' scales each fold by its training targets, which on "
            "a panel mixes the series' scales: use 'smape' (scale-free), or "
            "compare forecasters with compare_forecasters, which scales MASE "
            "series by series."
        )
    scales = _mase_scales(y, cv, season) if "mase" in metrics else None

    fits = {
        name: (_n_candidates(model) if _is_search(model) else 1)
        for name, model in models.items()
    }
    weights = {name: _fit_weight(model) for name, model in models.items()}
    fold_weights = [0.5 + 0.5 * size / max(train_sizes) for size in train_sizes]
    total = None if None in fits.values() else sum(fits.values()) * n_splits
    total_weight = None
    if total is not None:
        total_weight = sum(fits[name] * weights[name] for name in models) * sum(
            fold_weights
        )
    bar = _Progress(
        total, progress, total_weight=total_weight, fold_weights=fold_weights
    )
    scorers = {name: METRICS[name][0] for name in metrics}
    scorers[_TICK] = _TickScorer(bar)

    rows = []
    try:
        for name, model in models.items():
            bar.start_model(
                name,
                None if fits[name] is None else fits[name] * n_splits,
                weights[name],
            )
            if _is_search(model):
                params, scores, fit_time = _score_search(
                    model, X, y, cv, scorers, metrics[0], n_jobs
                )
            else:
                params, scores, fit_time = _score_estimator(
                    model, X, y, cv, scorers, n_jobs
                )
            bar.end_model()
            row = {"model": name, "best_params": params}
            for metric in metrics:
                values = METRICS[metric][1] * np.asarray(scores[metric], dtype=float)
                if metric == "mase":
                    with np.errstate(divide="ignore", invalid="ignore"):
                        values = values / scales
                row[f"{metric}_mean"] = float(np.mean(values))
                row[f"{metric}_std"] = float(np.std(values))
            row["fit_time"] = fit_time
            rows.append(row)
    finally:
        bar.close()

    leaderboard = pd.DataFrame(rows)
    first = f"{metrics[0]}_mean"
    # stable sort: ties keep the order in which the models were given
    leaderboard = leaderboard.sort_values(
        first,
        ascending=METRICS[metrics[0]][1] < 0,
        kind="stable",
        na_position="last",
    )
    leaderboard.index = pd.RangeIndex(1, len(leaderboard) + 1, name="rank")
    return leaderboard


def predict_last_fold(
    model: Any,
    X: Any,
    y: Any,
    *,
    cv: Any = None,
    params: Mapping[str, Any] | None = None,
) -> Any:
    """Fit a model on the last training fold and predict the last test fold.

    These are the most recent out-of-sample predictions of a
    cross-validation, the ones to plot against the truth.

    Parameters
    ----------
    model : estimator or search
        The model, as given to :func:`compare`; a clone is fitted, ``model``
        is not modified. For a GridSearchCV or RandomizedSearchCV, its
        ``estimator`` is used with ``params``, or with its ``best_params_``
        when it is fitted and ``params`` is None.
    X : array-like or pandas object of shape (n_samples, ...)
        Inputs, in time order.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets, aligned with ``X``.
    cv : int, cross-validation generator or iterable, default=None
        Folds, as in :func:`compare`; the last split is used.
    params : dict, default=None
        Parameters to set on the clone before fitting, e.g. the
        ``best_params`` of a :func:`compare` leaderboard row.

    Returns
    -------
    y_pred : ndarray, pandas.Series or pandas.DataFrame
        Predictions for the last test fold. When ``y`` is pandas they carry
        the index of that fold (and ``y``'s name or columns), so
        :func:`~skrnn.plotting.plot_forecast` draws them where they belong.

    Raises
    ------
    ValueError
        If ``model`` is an unfitted search and ``params`` is None.

    See Also
    --------
    compare : Rank models by cross-validation.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from skrnn import SlidingWindowTransformer, make_supervised
    >>> from skrnn.datasets import load_airline
    >>> from skrnn.model_selection import predict_last_fold
    >>> X, y = make_supervised(load_airline())
    >>> ridge = make_pipeline(SlidingWindowTransformer(12, flatten=True), Ridge())
    >>> y_pred = predict_last_fold(ridge, X, y, cv=5)
    >>> len(y_pred), str(y_pred.index[0].date())
    (23, '1959-01-01')
    """
    if _is_search(model):
        if params is None:
            if not hasattr(model, "best_params_"):
                raise ValueError(
                    f"{type(model).__name__} is not fitted: pass params= (for "
                    "instance a compare() leaderboard's best_params)."
                )
            params = model.best_params_
        model = model.estimator
    estimator = clone(model)
    if params:
        estimator.set_params(**params)

    cv = _time_series_cv(cv)
    splits = list(cv.split(X, y))
    if not splits:
        raise ValueError(f"cv={cv!r} gave no split.")
    train, test = splits[-1]
    estimator.fit(_safe_indexing(X, train), _safe_indexing(y, train))
    y_pred = np.asarray(estimator.predict(_safe_indexing(X, test)))

    if isinstance(y, pd.DataFrame):
        return pd.DataFrame(
            y_pred.reshape(len(test), -1), index=y.index[test], columns=y.columns
        )
    if isinstance(y, pd.Series):
        return pd.Series(y_pred.ravel(), index=y.index[test], name=y.name)
    return y_pred
