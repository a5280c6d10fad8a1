"""Keras recurrent networks (SimpleRNN, LSTM, GRU) as scikit-learn estimators."""

import importlib
from typing import TYPE_CHECKING

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

# public name -> module defining it: imported on first use, so that
# `import skrnn` (and `skrnn --version`) does not pay for scikit-learn
_MODULES = {
    "RNNClassifier": "._classifier",
    "RNNForecaster": ".forecasting",
    "RNNRegressor": "._regressor",
    "RNNSeq2Seq": "._seq2seq",
    "SlidingWindowTransformer": "._window",
    "WindowForecaster": ".forecasting",
    "WindowTargetRegressor": "._window_target",
    "make_supervised": "._supervised",
}

if TYPE_CHECKING:
    from ._classifier import RNNClassifier
    from ._regressor import RNNRegressor
    from ._seq2seq import RNNSeq2Seq
    from ._supervised import make_supervised
    from ._window import SlidingWindowTransformer
    from ._window_target import WindowTargetRegressor
    from .forecasting import RNNForecaster, WindowForecaster


def __getattr__(name):
    if name in _MODULES:
        value = getattr(importlib.import_module(_MODULES[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_MODULES})
