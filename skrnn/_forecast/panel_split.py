"""Rolling-origin folds over a panel: every series tested on its own last steps."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import Interval, validate_parameter_constraints

from skrnn._core.long_panel import series_rows


class PanelSplit(BaseCrossValidator):
    """Rolling-origin cross-validation on many series at once.

    Each fold tests every series on ``horizon`` consecutive steps and trains
    on everything of that series before them (less a ``gap``); the folds
    move the test window back by ``step`` from the end of each series, so
    the last fold tests the last ``horizon`` steps of every series, whatever
    their lengths and start dates. Windows never mix series: the folds are
    sets of rows, and the series stay whole up to their cut.

    With one series (no id), it is
    :class:`~sklearn.model_selection.TimeSeriesSplit` with
    ``test_size=horizon``, a ``step`` and a ``gap``.

    Parameters
    ----------
    n_splits : int, default=3
        Number of folds (forecast origins per series).

    horizon : int, default=1
        Test steps per series and fold: the forecaster's horizon.

    step : int, default=None
        Steps between the origins of consecutive folds; None means
        ``horizon`` (test periods that follow each other).

    gap : int, default=0
        Steps left out between the training rows and the test rows of each
        series (a forecaster's horizon must then cover the gap and the test
        steps).

    id_col : str, default="unique_id"
        Column of ``X`` that names the series (a long DataFrame). Without
        that column, the first level of a MultiIndex names them, else
        ``groups``, else all rows are one series.

    time_col : str, default="ds"
        Column of ``X`` that orders each series' rows (else the second
        level of a MultiIndex, else the order of the rows).

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same for a single series.
    skrnn.RNNForecaster : A forecaster that takes a long panel.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn.model_selection import PanelSplit
    >>> panel = pd.DataFrame(
    ...     {"unique_id": ["a"] * 5 + ["b"] * 4, "ds": [*range(5), *range(4)],
    ...      "y": range(9)}
    ... )
    >>> for train, test in PanelSplit(n_splits=2, horizon=1).split(panel):
    ...     print(train, test)
    [0 1 2 5 6] [3 7]
    [0 1 2 3 5 6 7] [4 8]
    """

    _parameter_constraints: dict = {
        "n_splits": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Integral, 1, None, closed="left"), None],
        "gap": [Interval(Integral, 0, None, closed="left")],
        "id_col": [str],
        "time_col": [str],
    }

    def __init__(
        self,
        n_splits=3,
        *,
        horizon=1,
        step=None,
        gap=0,
        id_col="unique_id",
        time_col="ds",
    ):
        self.n_splits = n_splits
        self.horizon = horizon
        self.step = step
        self.gap = gap
        self.id_col = id_col
        self.time_col = time_col

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds, ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored; present for API compatibility.

        Returns
        -------
        n_splits : int
            The number of folds.
        """
        return self.n_splits

    def _series_rows(self, X, groups) -> list:
        """Row positions of each series, in time order."""
        n = len(X)
        ids, times = None, None
        if isinstance(X, pd.DataFrame) and self.id_col in X.columns:
            ids = X[self.id_col].to_numpy()
            if self.time_col in X.columns:
                times = X[self.time_col].to_numpy()
        elif isinstance(X, pd.DataFrame | pd.Series) and isinstance(
            X.index, pd.MultiIndex
        ):
            ids = X.index.get_level_values(0).to_numpy()
            if X.index.nlevels > 1:
                times = X.index.get_level_values(1).to_numpy()
        elif groups is not None:
            ids = np.asarray(groups)
            if len(ids) != n:
                raise ValueError(
                    f"groups has {len(ids)} values for {n} rows of X: one series "
                    "id per row."
                )
        if ids is None:
            return [np.arange(n)]
        return [rows for _, rows in series_rows(ids, times, "series id")]

    def split(self, X, y=None, groups=None):
        """Generate the row positions of the training and test part of each fold.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, ...)
            The rows: a long DataFrame with ``id_col`` (and ``time_col``), a
            frame on a MultiIndex ``(id, time)``, or any rows of one series
            (or of ``groups``) in time order.
        y : object
            Ignored.
        groups : array-like of shape (n_samples,), default=None
            Series id of each row, when ``X`` does not carry it.

        Yields
        ------
        train, test : ndarray of int
            Row positions, ascending. Series too short to train before a
            fold's test window sit that fold out.
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            {name: getattr(self, name) for name in self._parameter_constraints},
            caller_name=type(self).__name__,
        )
        step = self.horizon if self.step is None else self.step
        series = self._series_rows(X, groups)
        for k in range(self.n_splits):
            back = (self.n_splits - 1 - k) * step
            train, test = [], []
            for rows in series:
                test_end = len(rows) - back
                test_start = test_end - self.horizon
                train_end = test_start - self.gap
                if train_end < 1:
                    continue
                train.append(rows[:train_end])
                test.append(rows[test_start:test_end])
            if not test:
                raise ValueError(
                    f"Fold {k + 1} of {self.n_splits} has no series long enough: "
                    f"each needs more than {back + self.horizon + self.gap} rows "
                    f"for n_splits={self.n_splits}, horizon={self.horizon}, "
                    f"step={step}, gap={self.gap}."
                )
            yield np.sort(np.concatenate(train)), np.sort(np.concatenate(test))

    def _iter_test_indices(self, X=None, y=None, groups=None):
        for _, test in self.split(X, y, groups):
            yield test
