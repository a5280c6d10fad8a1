"""
Forecasting your own CSV
========================

From a CSV file to a saved forecast with a 90% interval: read the file,
turn its dates into a time index, check for gaps, let a backtest choose
between a recurrent network and simpler forecasts, forecast, plot and save.
Every step is a few lines of pandas and skrnn, and the same steps work on
your file with its column names in place of these.

The file here is a real one that any Python installation can have: the
daily weather in Seattle from 2012 to 2015, shipped inside the
``vega_datasets`` package (``pip install vega_datasets``). We forecast the
daily maximum temperature two weeks ahead.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not a forecast worth reading).
"""

# %%
# Read the file
# -------------
# :func:`pandas.read_csv` reads any CSV file; here the path is the copy
# inside the ``vega_datasets`` package. Look at the first rows and at the
# type of each column before anything else.
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from vega_datasets import local_data

from skrnn import AutoForecaster, WindowForecaster
from skrnn.forecasting import fill_gaps
from skrnn.plotting import plot_forecast

QUICK = bool(os.environ.get("SKRNN_QUICK"))
HORIZON = 14  # days to forecast
N_ORIGINS = 2 if QUICK else 6  # two-week periods to backtest

path = local_data.seattle_weather.filepath  # your file: "data/my_series.csv"
raw = pd.read_csv(path)
print(raw.head())
print(raw.dtypes)

# %%
# Dates written as text
# ---------------------
# The ``date`` column holds text such as ``"2012/01/01"``, not dates: a CSV
# file has no types, and :func:`pandas.read_csv` parses dates only when
# asked. skrnn's forecasters read an index of dates written as text as the
# dates they are, so a Series indexed by the column as it was read already
# forecasts the right days:
print(repr(raw["date"].iloc[0]))
as_text = raw.set_index("date")["temp_max"]
print(WindowForecaster(horizon=3).fit(as_text).predict().round(1))

# %%
# For everything else (selecting a period, plotting, resampling) parse the
# dates once, when reading: ``parse_dates`` and ``index_col`` give a Series on
# a :class:`~pandas.DatetimeIndex`.
frame = pd.read_csv(path, parse_dates=["date"], index_col="date")
y = frame["temp_max"]
print(y.index[[0, -1]], len(y))

# %%
# Gaps
# ----
# A forecaster needs one value at every step of a regular time index: a
# missing day (a row left out of the file) or a missing value is an error
# that says what to do. :func:`~skrnn.forecasting.fill_gaps` puts the series
# on a regular index and fills what is missing, linearly in time;
# ``return_count=True`` also says how many values it filled.
y, n_filled = fill_gaps(y, return_count=True)
print(f"{n_filled} values filled; {len(y)} days, frequency {y.index.freqstr}")

# %%
# (The smoke test, ``SKRNN_QUICK=1``, keeps only the last 400 days, to be
# fast; the real run uses all four years.)
if QUICK:
    y = y.iloc[-400:]

# %%
# Choose a model by backtest
# --------------------------
# :class:`~skrnn.AutoForecaster` backtests three candidates on the last
# ``n_origins`` two-week periods of the history (six here), each forecast only from what
# came before it: an :class:`~skrnn.RNNForecaster` (an LSTM), a Ridge
# regression on the same windows, and the seasonal naive forecast (the same
# day last week). It keeps the one with the lowest MASE (the error divided
# by the in-sample error of the seasonal naive forecast: below 1 beats it)
# and refits it on the whole history. The network is used only where it beat
# both.
auto = AutoForecaster(horizon=HORIZON, n_origins=N_ORIGINS, random_state=0)
auto.fit(y)
print(auto.scores_.round(3))

# %%
# The same figures in a sentence:
best, runner_up = auto.scores_["mase"].iloc[:2]
print(
    f"Selected: {auto.selected_}, with a backtest MASE of {best:.3f} against "
    f"{runner_up:.3f} for {auto.scores_['model'].iloc[1]}; it forecasts "
    f"from a window of {auto.forecaster_.look_back_} days."
)

# %%
# Six two-week periods are a small test: the ranking of close candidates
# can change with the origins (``n_origins``) or the network's
# ``random_state``. MASE below 1 means a smaller error than the in-sample
# error of the seasonal naive forecast.
#
# Forecast with a 90% interval
# ----------------------------
# ``predict`` needs no data: the forecaster keeps the end of the history.
# ``coverage=0.9`` adds the bounds of a 90% prediction interval, calibrated
# on the selected model's own out-of-sample errors.
forecast = auto.predict(coverage=0.9)
print(forecast.round(1))

# %%
# Plot the last three months and the forecast; the band is the interval.
ax = plot_forecast(
    y.iloc[-90:],
    forecast,
    title="Seattle, daily maximum: the next two weeks",
    true_label="observed",
    pred_label=f"forecast ({auto.selected_})",
)
ax.set_ylabel("°C")
plt.show()

# %%
# Save the forecast
# -----------------
# The forecast is a DataFrame on the forecast dates:
# :meth:`~pandas.DataFrame.to_csv` writes it as a CSV file for a
# spreadsheet or the next program. (A temporary folder here; use your own
# path.)
with tempfile.TemporaryDirectory() as folder:
    out = Path(folder) / "forecast.csv"
    forecast.round(2).to_csv(out)
    print(out.read_text()[:200])

# %%
# The same in one command
# -----------------------
# The ``skrnn forecast`` command runs these steps on a CSV file: it reads
# the file and parses its time column, backtests the same three candidates,
# refits the winner, and writes ``forecast.csv`` and ``forecast.png`` to
# ``--out``. ``--fill interpolate`` fills gaps as ``fill_gaps`` does (without
# it, a gap is an error). On this file:
#
# .. code-block:: bash
#
#    skrnn forecast seattle-weather.csv --target temp_max --time-col date \
#        --horizon 14 --origins 6 --coverage 0.9 --out seattle
#
# ``skrnn forecast --help`` lists the options; see :ref:`cli`.
