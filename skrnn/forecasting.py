"""Forecasting past the end of the data: the next values, intervals, covariates.

:class:`WindowForecaster` turns any window regressor (an
:class:`~skrnn.RNNRegressor`, a Ridge regression, a naive baseline) into a
forecaster with the same windows, the same direct multi-step strategy and the
same intervals, so that every comparison forecasts alike.
:class:`~skrnn.RNNForecaster` is its recurrent specialisation.
"""

from skrnn._forecast.look_back import default_look_back
from skrnn._forecast.rnn_forecaster import RNNForecaster
from skrnn._forecast.window_forecaster import WindowForecaster
from skrnn._time.index import fill_gaps

# the forecasters are documented as skrnn.RNNForecaster and skrnn.WindowForecaster
__all__ = ["fill_gaps"]

# importable from here as before: the forecasters and the look-back rule
_REEXPORTED = (RNNForecaster, WindowForecaster, default_look_back)
