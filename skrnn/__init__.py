"""Keras recurrent networks (SimpleRNN, LSTM, GRU) as scikit-learn estimators."""

from ._classifier import RNNClassifier
from ._regressor import RNNRegressor
from ._seq2seq import RNNSeq2Seq
from ._supervised import make_supervised
from ._window import SlidingWindowTransformer
from ._window_target import WindowTargetRegressor
from .forecasting import RNNForecaster, WindowForecaster

__version__ = "0.1.0.dev0"

__all__ = [
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "RNNSeq2Seq",
    "SlidingWindowTransformer",
    "WindowForecaster",
    "WindowTargetRegressor",
    "make_supervised",
]
