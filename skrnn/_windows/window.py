"""Look-back windows over time-ordered data: the pure functions and the transformer."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    FLOAT_DTYPES,
    _check_feature_names_in,
    check_array,
    check_is_fitted,
    validate_data,
)

from skrnn._core.inputs import check_real, ndim, time_series_nan_advice
from skrnn._core.long_panel import series_rows
from skrnn._core.sklearn_compat import Interval, _fit_context
from skrnn._time.index import FIX_INDEX, index_step


class NamedWindows(np.ndarray):
    """3-D windows that carry the names of their features, ``feature_names``.

    What :class:`SlidingWindowTransformer` returns for pandas input, so that
    an estimator after it in a Pipeline can take ``target_feature`` as a
    column name. It is an ndarray in every other respect; slicing and
    indexing keep the names.
    """

    feature_names = None

    def __array_finalize__(self, obj):
        self.feature_names = getattr(obj, "feature_names", None)

    # pickling (joblib's worker processes) keeps the names
    def __reduce__(self):
        reconstruct, arguments, state = super().__reduce__()
        return reconstruct, arguments, (state, self.feature_names)

    def __setstate__(self, state):
        array_state, self.feature_names = state
        super().__setstate__(array_state)


def window_feature_names(X):
    """The feature names that windows ``X`` carry, or None."""
    names = getattr(X, "feature_names", None)
    return None if names is None else np.asarray(names, dtype=object)


def _with_names(windows, names):
    if names is None or windows.ndim != 3:
        return windows
    named = windows.view(NamedWindows)
    named.feature_names = names
    return named


def sliding_windows(series: np.ndarray, look_back: int, history=None) -> np.ndarray:
    """Windows of ``look_back`` rows ending at each row of ``series``.

    Parameters
    ----------
    series : ndarray of shape (n_steps, n_features)
        Time-ordered rows, oldest first.
    look_back : int
        Number of rows in each window.
    history : ndarray of shape (n_history, n_features), default=None
        Rows that came right before ``series``. They fill the start of the
        first windows; whatever they do not cover is filled by repeating the
        oldest available row ("edge" filling).

    Returns
    -------
    windows : ndarray of shape (n_steps, look_back, n_features)
        ``windows[t]`` holds rows ``t - look_back + 1 .. t``, oldest first.
        A read-only view: no window is copied.
    """
    n_pad = look_back - 1
    parts = [series]
    if history is not None and n_pad:
        history = history[len(history) - min(n_pad, len(history)) :]
        parts.insert(0, history.astype(series.dtype, copy=False))
        n_pad -= len(history)
    if n_pad:
        parts.insert(0, np.repeat(parts[0][:1], n_pad, axis=0))
    padded = np.concatenate(parts) if len(parts) > 1 else series
    # sliding_window_view puts the window axis last: (n, F, L) -> (n, L, F)
    return sliding_window_view(padded, look_back, axis=0).transpose(0, 2, 1)


def _continues(first, last, step) -> bool:
    """Whether time ``first`` comes exactly one ``step`` after ``last``."""
    if step is None:
        return False
    try:
        return bool(first == last + step)
    except (TypeError, ValueError):
        return False


def _same_start(series, first_time, head, fitted_first_time) -> bool:
    """Whether a series starts with the rows (and time, if known) it had in fit."""
    if first_time is not None and fitted_first_time is not None:
        try:
            if not bool(first_time == fitted_first_time):
                return False
        except (TypeError, ValueError):
            return False
    n = min(len(head), len(series))
    return bool(np.array_equal(series[:n], head[:n]))


class SlidingWindowTransformer(TransformerMixin, BaseEstimator):
    """Turn a time-ordered series into look-back windows, one per row.

    Row ``t`` of the output holds the input rows ``t - look_back + 1 .. t``,
    oldest first: past and present only, never the future. The output has as
    many rows as the input, so it stays aligned with ``y`` in a
    :class:`~sklearn.pipeline.Pipeline`.

    Parameters
    ----------
    look_back : int, default=12
        Number of time steps in each window.

    flatten : bool, default=False
        If False, output 3-D windows ``(n_steps, look_back, n_features)`` for
        :class:`RNNRegressor` and :class:`RNNClassifier`. If True, output 2-D
        ``(n_steps, look_back * n_features)`` for linear models, with one
        named column per lag (see :meth:`get_feature_names_out`) and support
        for ``set_output(transform="pandas")``.

    id_col : str or int, default=None
        For a panel (many series) in long layout: the name of the column of
        ``X`` that tells which series each row belongs to, or of the first
        level of its index when that is a :class:`pandas.MultiIndex` such as
        ``(unique_id, ds)``. Each row's window is then built from the earlier
        rows of its own series only, and the id is not a feature. None means
        that ``X`` is one series.

    Attributes
    ----------
    n_features_in_ : int
        Number of features per time step seen in :meth:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen in :meth:`fit`, when ``X`` was a
        DataFrame (or a named Series) with string column names.

    input_kind_ : {"series", "windows"}
        ``"series"`` when :meth:`fit` saw rows of a series (2-D or a pandas
        Series), and ``"windows"`` when it saw windows made beforehand (3-D).

    See Also
    --------
    RNNRegressor : Recurrent network regressor that takes these windows.

    Notes
    -----
    **Incomplete history.** The first ``look_back - 1`` rows of a series have
    fewer than ``look_back`` predecessors. Their windows are filled by
    repeating the oldest row available ("edge" filling), so every row gets a
    finite window that both the recurrent estimators and linear models such
    as :class:`~sklearn.linear_model.Ridge` accept.

    **Windows across cross-validation folds.** A pipeline transforms each test
    fold on its own, which would cut the history of a fold's first rows. Two
    ways around it, both exact (a test fold's windows equal the windows built
    on the whole series):

    - *pandas input*: :meth:`fit` keeps the last ``look_back - 1`` rows it saw
      and the step of their index. When :meth:`transform` gets data whose
      index starts one step after the fitted index ends (as a
      :class:`~sklearn.model_selection.TimeSeriesSplit` test fold does), those
      rows are used as history instead of edge filling. Only the past is
      used, so nothing leaks.
    - *numpy input*: build the windows once, on the whole series, with the
      largest ``look_back`` you want to try (this is leak-free, because a
      window only looks back), and pass those 3-D windows to the pipeline. A
      transformer fitted on 3-D windows keeps their last ``look_back`` steps,
      so ``look_back`` can still be tuned by a grid search.

    **Warnings.** :meth:`transform` warns when rows without history get
    edge-filled windows although they neither continue the fitted data nor
    start where it started (``predict(series.iloc[[-1]])`` forecasts from
    one value repeated), and :meth:`fit` warns when a pandas index has no
    regular step (float years, dates with rows dropped), since a test fold
    then cannot be recognised as the continuation of the training data.

    **Panels.** With ``id_col``, ``X`` holds many series in long layout, one
    row per series and time step, the series in any order and interleaved
    if need be. Within each series the rows are put in time order by the
    index of ``X`` (the index levels after the id, for a MultiIndex; a
    default RangeIndex keeps the row order), windowed as one series would
    be (edge filling at the series' start), and the windows go back to the
    rows they came from, so the output stays aligned with ``y``. No window
    holds values of another series. The continuation of the fit works per
    series: a series whose times start one step after the times it ended
    with in :meth:`fit` (a panel cut at a date: the training rows before
    it, the test rows after) gets its fitted tail as history; a series not
    seen in :meth:`fit` starts with edge filling. Panel windows are copies,
    not views.

    **Column names.** Fitted on a DataFrame, the 3-D windows carry its
    column names (an ndarray subclass, ``NamedWindows``), so that an
    estimator after the transformer in a Pipeline can take
    ``target_feature`` as a column name.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SlidingWindowTransformer
    >>> X = np.arange(5.0).reshape(-1, 1)
    >>> SlidingWindowTransformer(look_back=3).fit_transform(X)[:, :, 0]
    array([[0., 0., 0.],
           [0., 0., 1.],
           [0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])

    Two series in long layout, interleaved: each window holds its own series.

    >>> import pandas as pd
    >>> panel = pd.DataFrame(
    ...     {"unique_id": ["a", "b", "a", "b", "a"], "y": [1.0, 10, 2, 20, 3]}
    ... )
    >>> swt = SlidingWindowTransformer(look_back=2, id_col="unique_id")
    >>> np.asarray(swt.fit_transform(panel)[:, :, 0])
    array([[ 1.,  1.],
           [10., 10.],
           [ 1.,  2.],
           [10., 20.],
           [ 2.,  3.]])
    """

    _parameter_constraints: dict = {
        "look_back": [Interval(Integral, 1, None, closed="left")],
        "flatten": ["boolean"],
        "id_col": [str, Integral, None],
    }

    def __init__(self, look_back=12, *, flatten=False, id_col=None):
        self.look_back = look_back
        self.flatten = flatten
        self.id_col = id_col

    def _id_name(self) -> str:
        return f"id (id_col={self.id_col!r})"

    def _split_panel(self, X):
        """``(ids, times, features)`` of a panel in long layout.

        ``times`` is what orders the rows of a series: the index of ``X``, or
        its levels after the id for a MultiIndex whose first level is the id.
        """
        if isinstance(X, pd.Series):
            X = X.to_frame()
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                f"id_col={self.id_col!r} needs X as a pandas DataFrame in long "
                "layout (one row per series and time step), got "
                f"{type(X).__name__}."
            )
        if self.id_col in X.columns:
            return X[self.id_col].to_numpy(), X.index, X.drop(columns=self.id_col)
        index = X.index
        if isinstance(index, pd.MultiIndex) and index.names[0] == self.id_col:
            times = index.droplevel(0) if index.nlevels > 1 else pd.RangeIndex(len(X))
            return index.get_level_values(0).to_numpy(), times, X
        raise ValueError(
            f"id_col={self.id_col!r} is neither a column of X nor the first "
            f"level of its index: X has the columns {list(X.columns)} and the "
            f"index levels {list(index.names)}."
        )

    def _validate(self, X, *, reset):
        """Return ``X`` as a float array: 2-D rows of a series, or 3-D windows."""
        if isinstance(X, pd.Series):
            X = X.to_frame()
        check_real(X, "X", type(self).__name__)
        n_dims = ndim(X)
        if n_dims == 3:
            names = window_feature_names(X)
            with time_series_nan_advice({"X": X}, type(self).__name__):
                X = check_array(X, allow_nd=True, dtype=FLOAT_DTYPES, input_name="X")
            if reset:
                self.n_features_in_ = X.shape[2]
                self.input_kind_ = "windows"
                if names is not None and len(names) == X.shape[2]:
                    self.feature_names_in_ = names
                elif hasattr(self, "feature_names_in_"):
                    del self.feature_names_in_
            elif X.shape[2] != self.n_features_in_:
                raise ValueError(
                    f"X has {X.shape[2]} features, but {type(self).__name__} is "
                    f"expecting {self.n_features_in_} features as input."
                )
            if X.shape[1] < self.look_back:
                raise ValueError(
                    f"look_back={self.look_back} is longer than the windows in X, "
                    f"which have {X.shape[1]} time steps (X.shape={X.shape})."
                )
            return X
        if not reset and self.input_kind_ == "windows":
            raise ValueError(
                f"{type(self).__name__} was fitted on 3-D windows; X must be 3-D "
                f"too, got shape {np.shape(X)}."
            )
        with time_series_nan_advice({"X": X}, type(self).__name__):
            X = validate_data(self, X, reset=reset, dtype=FLOAT_DTYPES)
        if reset:
            self.input_kind_ = "series"
        return X

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the number of features and, for pandas input, the tail of X.

        Parameters
        ----------
        X : {array-like, pandas.Series} of shape (n_steps, n_features), or \
                (n_samples, n_timesteps, n_features)
            A time-ordered series (oldest row first; a pandas Series is one
            feature), or windows made beforehand. With ``id_col``, a
            DataFrame holding a panel in long layout (see the Notes).
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        self._tail = self._head = self._series_memory = None
        self._last_index = self._first_index = self._step = None
        if self.id_col is not None:
            return self._fit_panel(X)
        index = X.index if isinstance(X, pd.Series | pd.DataFrame) else None
        X = self._validate(X, reset=True)
        if self.input_kind_ == "windows":
            return self
        if X.shape[0] < self.look_back:
            raise ValueError(
                f"look_back={self.look_back} needs at least {self.look_back} time "
                f"steps to fit, got n_samples={X.shape[0]}."
            )
        if self.look_back > 1:
            # to recognise the fitted rows when they come back to transform
            self._head = X[: self.look_back - 1].copy()
        if index is not None and self.look_back > 1:
            self._tail = X[X.shape[0] - (self.look_back - 1) :].copy()
            self._first_index, self._last_index = index[0], index[-1]
            self._step = index_step(index)
            if self._step is None:
                warnings.warn(
                    f"{type(self).__name__}: the index of X (a "
                    f"{type(index).__name__}) has no regular step, so data "
                    "transformed later (a cross-validation test fold, new rows) "
                    "cannot be recognised as its continuation: the first "
                    "look_back - 1 windows of such data get no history and "
                    f"repeat their oldest row. {FIX_INDEX}",
                    UserWarning,
                    stacklevel=2,
                )
        return self

    def _fit_panel(self, X):
        """Fit on a panel: per series, the rows that a later chunk may need."""
        ids, times, X = self._split_panel(X)
        X = self._validate(X, reset=True)
        series = series_rows(ids, times, self._id_name())
        longest = max(len(rows) for _, rows in series)
        if longest < self.look_back:
            raise ValueError(
                f"look_back={self.look_back} needs at least {self.look_back} time "
                f"steps in one series at least to fit; the longest of the "
                f"{len(series)} series in X has {longest}."
            )
        self._series_memory = {}
        if self.look_back == 1:
            return self
        n_history = self.look_back - 1
        for series_id, rows in series:
            series_times = times[rows]
            self._series_memory[series_id] = (
                X[rows[:n_history]].copy(),
                X[rows[len(rows) - min(n_history, len(rows)) :]].copy(),
                series_times[0],
                series_times[-1],
                index_step(series_times),
            )
        # two timestamps are too few to infer a frequency from: not a fault
        irregular = [
            series_id
            for series_id, rows in series
            if len(rows) > 2 and self._series_memory[series_id][-1] is None
        ]
        if irregular:
            warnings.warn(
                f"{type(self).__name__}: the times of {len(irregular)} of the "
                f"{len(series)} series of X (first {irregular[0]!r}) have no "
                "regular step, so their rows transformed later (a test fold, "
                "new rows) cannot be recognised as their continuation and their "
                "first look_back - 1 windows repeat their oldest row. The times "
                "are the index of X (with id_col a column) or the index levels "
                f"after the id: give them a regular step, e.g. X.set_index("
                f"[{self.id_col!r}, 'ds']) with dates of a fixed frequency, or "
                "periods.",
                UserWarning,
                stacklevel=3,
            )
        return self

    def _continues_fit(self, index) -> bool:
        """Whether ``index`` starts exactly one step after the fitted data ended."""
        if index is None or len(index) == 0:
            return False
        return _continues(index[0], self._last_index, self._step)

    def transform(self, X):
        """Build one window per row of X.

        Parameters
        ----------
        X : {array-like, pandas.Series} of shape (n_steps, n_features), or \
                (n_samples, n_timesteps, n_features)
            Same kind of input as in :meth:`fit`.

        Returns
        -------
        windows : ndarray of shape (n_steps, look_back, n_features), or \
                (n_steps, look_back * n_features) when ``flatten=True``
            Windows ending at each row, oldest step first. Without
            ``flatten`` the result is a read-only view that copies no window
            (with ``id_col``, a copy), in the row order of ``X``.
        """
        check_is_fitted(self)
        if self._panel_fitted():
            windows = self._transform_panel(X)
            if self.flatten:
                return windows.reshape(windows.shape[0], -1)
            return _with_names(windows, getattr(self, "feature_names_in_", None))
        index = X.index if isinstance(X, pd.Series | pd.DataFrame) else None
        X = self._validate(X, reset=False)
        if self.input_kind_ == "windows":
            windows = X[:, X.shape[1] - self.look_back :, :]
        else:
            history = self._tail if self._continues_fit(index) else None
            if history is None and not self._starts_like_fit(X, index):
                self._warn_no_history(len(X))
            windows = sliding_windows(X, self.look_back, history)
        if self.flatten:
            return windows.reshape(windows.shape[0], -1)
        return _with_names(windows, getattr(self, "feature_names_in_", None))

    def _panel_fitted(self) -> bool:
        fitted_panel = getattr(self, "_series_memory", None) is not None
        if fitted_panel != (self.id_col is not None):
            raise ValueError(
                f"{type(self).__name__} was fitted "
                f"{'on a panel' if fitted_panel else 'without id_col'} and id_col "
                f"is now {self.id_col!r}: fit it again."
            )
        return fitted_panel

    def _transform_panel(self, X) -> np.ndarray:
        """Windows of each series of a long panel, back in the rows of ``X``."""
        ids, times, X = self._split_panel(X)
        X = self._validate(X, reset=False)
        windows = np.empty((len(X), self.look_back, X.shape[1]), dtype=X.dtype)
        n_padded = n_rows = 0
        for series_id, rows in series_rows(ids, times, self._id_name()):
            series = X[rows]
            history = None
            memory = self._series_memory.get(series_id)
            if memory is not None:
                head, tail, first, last, step = memory
                if _continues(times[rows[0]], last, step):
                    history = tail
                elif not _same_start(series, times[rows[0]], head, first):
                    n_padded += min(self.look_back - 1, len(rows))
                    n_rows += len(rows)
            windows[rows] = sliding_windows(series, self.look_back, history)
        if n_padded:
            self._warn_no_history(n_rows, n_padded, of_series=True, stacklevel=4)
        return windows

    def _starts_like_fit(self, X, index) -> bool:
        """Whether ``X`` starts where the fitted data started (the same rows).

        Its first windows then lack history just as they did in :meth:`fit`.
        """
        head = getattr(self, "_head", None)
        if head is None:
            return True  # look_back=1: no window needs history
        first = None if index is None else index[0]
        return _same_start(X, first, head, self._first_index)

    def _warn_no_history(
        self, n_rows: int, n_padded=None, *, of_series=False, stacklevel=3
    ) -> None:
        if n_padded is None:
            n_padded = min(self.look_back - 1, n_rows)
        where = (
            f"{n_padded} of the {n_rows} rows of the series of X that were seen "
            "in fit (their first rows)"
            if of_series
            else f"the first {n_padded} of the {n_rows} rows of X"
        )
        warnings.warn(
            f"{type(self).__name__}: {where} have fewer than look_back - 1 "
            "earlier rows, so their windows repeat "
            "the oldest row (edge filling), and forecasts made from them are not "
            "real forecasts. X neither continues the data seen in fit (pandas "
            "data whose index goes on one step after the fitted index) nor starts "
            f"where it started. Pass the {self.look_back - 1} rows before the "
            "ones to forecast as well and keep only the last predictions, pass "
            "pandas data that continues the fitted index, or build the windows "
            "once on the whole series (see the Notes of SlidingWindowTransformer).",
            UserWarning,
            stacklevel=stacklevel,
        )

    @available_if(lambda self: self.flatten)
    def get_feature_names_out(self, input_features=None):
        """Get the names of the flattened output columns, ``{feature}_lag_{k}``.

        Lag ``k`` is ``k`` steps before the window's last row, so ``lag_0`` is
        the current value. Columns run oldest lag first, features within a lag.
        Only available with ``flatten=True``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to ``feature_names_in_``, or
            ``x0, x1, ...`` when there are none.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``look_back * n_features_in_`` names.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray(
            [
                f"{name}_lag_{lag}"
                for lag in range(self.look_back - 1, -1, -1)
                for name in names
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
