"""Keras recurrent networks (SimpleRNN, LSTM, GRU) as scikit-learn estimators."""

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0.dev0"

__all__ = [
    "AutoForecaster",
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
    "AutoForecaster": "._selection.auto",
    "RNNClassifier": "._sequences.classifier",
    "RNNForecaster": ".forecasting",
    "RNNRegressor": "._regression.regressor",
    "RNNSeq2Seq": "._sequences.seq2seq",
    "SlidingWindowTransformer": "._windows.window",
    "WindowForecaster": ".forecasting",
    "WindowTargetRegressor": "._regression.window_target",
    "make_supervised": "._windows.supervised",
}

if TYPE_CHECKING:
    from skrnn._regression.regressor import RNNRegressor
    from skrnn._regression.window_target import WindowTargetRegressor
    from skrnn._selection.auto import AutoForecaster
    from skrnn._sequences.classifier import RNNClassifier
    from skrnn._sequences.seq2seq import RNNSeq2Seq
    from skrnn._windows.supervised import make_supervised
    from skrnn._windows.window import SlidingWindowTransformer
    from skrnn.forecasting import RNNForecaster, WindowForecaster


def __getattr__(name):
    if name in _MODULES:
        value = getattr(importlib.import_module(_MODULES[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_MODULES})
