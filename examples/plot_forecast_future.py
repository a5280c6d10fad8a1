"""
Forecasting past the end: the next 24 months of airline passengers, with bands
==============================================================================

The question a forecaster is asked: *what happens next, how sure are you, and
is it better than the naive forecast?* :class:`~skrnn.RNNForecaster` answers
the first two in three lines: it fits a recurrent network on every window of
the series, forecasts the months after its last one, and calibrates
prediction intervals on its own out-of-sample errors. A rolling-origin
backtest answers the third, against the seasonal naive forecast and a Ridge
regression that forecast the same windows the same way.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not a forecast worth reading).
"""

# %%
# Fit and forecast
# ----------------
# ``horizon=24``: one network with 24 outputs, one per month ahead (the
# direct strategy). Everything else is a default: the look-back (24 months:
# a season, or the horizon when it is longer), the season (12, read from the
# monthly index), the target seen as a correction to the seasonal naive forecast, in
# logarithms. ``predict`` needs no data: the forecaster keeps the end of the
# series it was fitted on.
import os

import matplotlib.pyplot as plt

from skrnn import RNNForecaster, WindowForecaster
from skrnn.baselines import SeasonalNaiveRegressor
from skrnn.datasets import load_airline
from skrnn.model_selection import compare_forecasters
from skrnn.plotting import plot_forecast

QUICK = bool(os.environ.get("SKRNN_QUICK"))
SETTINGS = {"epochs": 3, "units": 4, "n_models": 1} if QUICK else {}
N_ORIGINS = 2 if QUICK else 3

y = load_airline()
forecaster = RNNForecaster(horizon=24, random_state=0, **SETTINGS).fit(y)
print(
    f"look-back {forecaster.look_back_}, season {forecaster.season_}, "
    f"seasonal representation: {forecaster.seasonal_}"
)

# %%
# Two coverages at once: the columns are ``y_lower_80``, ``y_upper_80``,
# ``y_lower_95`` and ``y_upper_95``. The half-width of each step's interval
# is a quantile of the network's errors at that step, so the bands widen with
# the horizon.
forecast = forecaster.predict(coverage=[0.8, 0.95])
print(forecast.head().round(1))

# %%
# Against the seasonal naive forecast
# -----------------------------------
# The seasonal naive forecast repeats the last year. It is the forecast to
# beat on a seasonal series.
naive = WindowForecaster(
    SeasonalNaiveRegressor(12), horizon=24, look_back=12, calibration=None
).fit(y)

fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
plot_forecast(
    y.iloc[-72:],
    {"RNNForecaster": forecast, "seasonal naive": naive.predict()},
    ax=ax,
    title="Airline passengers: the next 24 months, 80% and 95% intervals",
)
ax.set_xlabel("month")
plt.show()

# %%
# Is it better? A backtest says
# -----------------------------
# Each forecaster is fitted at three origins in the past, 12 months apart,
# knowing only what came before, and forecasts the next 24 months; MASE
# divides the error by that of the in-sample seasonal naive forecast (below 1
# beats it), and ``coverage`` is the share of months inside the 90% interval.
board = compare_forecasters(
    {
        "RNNForecaster": RNNForecaster(horizon=24, random_state=0, **SETTINGS),
        "Ridge": WindowForecaster(horizon=24),
        "seasonal naive": WindowForecaster(
            SeasonalNaiveRegressor(12), horizon=24, look_back=12
        ),
    },
    y,
    n_origins=N_ORIGINS,
    step=12,
    coverage=0.9,
)
print(board[["model", "mase", "smape", "coverage", "fit_time"]].round(3))
