"""Compare forecasting models under the same time-series cross-validation.

:func:`compare` runs window pipelines (recurrent networks, Ridge, naive
baselines) through one time-series cross-validation and returns a
leaderboard; :func:`backtest` and :func:`compare_forecasters` roll
forecasters over several origins; :class:`PanelSplit` cuts a panel's folds
by time within every series.
"""

from skrnn._forecast.panel_split import PanelSplit
from skrnn._selection.backtest import BacktestResult, backtest, compare_forecasters
from skrnn._selection.compare import compare, predict_last_fold

__all__ = [
    "BacktestResult",
    "PanelSplit",
    "backtest",
    "compare",
    "compare_forecasters",
    "predict_last_fold",
]
