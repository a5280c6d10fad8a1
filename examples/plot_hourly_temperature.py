"""
Hourly temperature: forecasting the next 24 hours at once
=========================================================

Every hour, forecast the temperature of each of the next 24 hours from the
last two days: a multi-step forecast. :func:`~skrnn.make_supervised` with
``horizon=24`` gives a target of 24 columns, and one
:class:`~skrnn.RNNRegressor` learns all 24 outputs at once (direct multi-step
forecasting). A Ridge regression on the lagged values, "same as the last
hour" and "same hour yesterday" are the yardsticks, compared by RMSE and by
MASE against the seasonal naive forecast; a 90% prediction interval around
the network's forecasts is then checked on days it has not seen.

**The data are synthetic.** To keep the example free of downloads, it makes
an hourly temperature series that has the shape of a real one: a yearly
cycle, a daily cycle whose swing is larger in summer and smaller under
clouds, weather anomalies that last a few days, and sensor noise. Swap in
your own station's data (a DataFrame with an hourly index) and the rest of
the code stays the same.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not a forecast worth reading).
"""

# %%
# A synthetic hourly temperature series
# -------------------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
from skrnn.metrics import mase

QUICK = bool(os.environ.get("SKRNN_QUICK"))
N_DAYS = 90 if QUICK else 2 * 365
TEST_DAYS = 14 if QUICK else 60
EPOCHS = 2 if QUICK else 40


def red_noise(n, hours, sd, rng):
    """An AR(1) process: memory of about ``hours`` hours, standard deviation ``sd``."""
    phi = np.exp(-1 / hours)
    shocks = rng.normal(scale=sd * np.sqrt(1 - phi**2), size=n)
    values = np.empty(n)
    values[0] = rng.normal(scale=sd)
    for i in range(1, n):
        values[i] = phi * values[i - 1] + shocks[i]
    return values


def synthetic_temperature(n_days, seed=0):
    """Hourly temperature in degrees Celsius with daily and yearly cycles."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2021-01-01", periods=24 * n_days, freq="h", name="time")
    hour = index.hour.to_numpy()
    day = index.day_of_year.to_numpy() + hour / 24
    season = 10.0 - 9.0 * np.cos(2 * np.pi * (day - 20) / 365.25)  # coldest ~Jan 20
    cloud = 1 / (1 + np.exp(-red_noise(len(index), 36, 1.5, rng)))  # 0 clear, 1 grey
    swing = (3.0 + 2.5 * (season - 1) / 18) * (1.3 - cloud)
    daily = swing * np.cos(2 * np.pi * (hour - 15) / 24)  # warmest at 15:00
    weather = red_noise(len(index), 72, 3.0, rng)  # spells of about three days
    noise = rng.normal(scale=0.3, size=len(index))
    return pd.Series(
        (season + daily + weather + noise).round(1), index=index, name="temperature"
    )


temperature = synthetic_temperature(N_DAYS)
fig, axes = plt.subplots(2, 1, figsize=(9, 5), layout="constrained")
temperature.plot(ax=axes[0], linewidth=0.4, title="The whole series")
temperature.iloc[-24 * 7 :].plot(ax=axes[1], title="Its last week")
for ax in axes:
    ax.set_ylabel("°C")
    ax.set_xlabel("")
plt.show()

# %%
# Inputs and a 24-column target
# -----------------------------
# Besides the temperature, each hour gets the time of day as two columns (a
# sine and a cosine, so that 23:00 is next to 00:00): inputs known in advance
# are cheap help. :func:`~skrnn.make_supervised` with ``target=`` and
# ``horizon=24`` keeps every column in ``X`` and gives ``y[t]`` the
# temperatures of hours ``t + 1`` to ``t + 24``.
hour_angle = 2 * np.pi * temperature.index.hour / 24
frame = pd.DataFrame(
    {
        "temperature": temperature,
        "hour_sin": np.sin(hour_angle),
        "hour_cos": np.cos(hour_angle),
    }
)
X, y = make_supervised(frame, horizon=24, target="temperature")
print(X.shape, y.shape)
print(y.columns[:3].tolist(), "...", y.columns[-1])

n_test = 24 * TEST_DAYS
X_train, X_test = X.iloc[:-n_test], X.iloc[-n_test:]
y_train, y_test = y.iloc[:-n_test], y.iloc[-n_test:]

# %%
# The models
# ----------
# Every model reads the same windows of the last 48 hours. The windows have
# three features; ``target_feature=0`` tells the models which one is the
# temperature's own history:
#
# * the GRU predicts each hour ahead as a change from the last observed
#   temperature (skrnn's default representation), with early stopping on the
#   most recent tenth of the training windows;
# * Ridge reads the flattened windows;
# * persistence repeats the last temperature for all 24 hours;
# * the seasonal naive forecast repeats the same hour of yesterday.
look_back = 48
models = {
    "GRU": make_pipeline(
        SlidingWindowTransformer(look_back),
        RNNRegressor(
            "gru",
            units=32,
            target_feature=0,
            epochs=EPOCHS,
            batch_size=64,
            learning_rate=0.003,
            early_stopping=True,
            n_iter_no_change=5,
            random_state=0,
        ),
    ),
    "Ridge": make_pipeline(
        SlidingWindowTransformer(look_back, flatten=True), StandardScaler(), Ridge()
    ),
    "last hour": make_pipeline(
        SlidingWindowTransformer(look_back), PersistenceRegressor(target_feature=0)
    ),
    "same hour yesterday": make_pipeline(
        SlidingWindowTransformer(look_back),
        SeasonalNaiveRegressor(season_length=24, target_feature=0),
    ),
}
predictions = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    predictions[name] = model.predict(X_test)  # shape (n_test, 24)
    rmse = root_mean_squared_error(y_test, predictions[name])
    print(f"{name:20s} RMSE over the 24 hours {rmse:.2f} °C")

# %%
# The test rows continue the training rows' hourly index, so the fitted
# :class:`~skrnn.SlidingWindowTransformer` gives the first test hours their
# real last 48 hours.
#
# Against the seasonal naive forecast: MASE
# -----------------------------------------
# An RMSE in degrees says little until it is compared. MASE
# (:func:`skrnn.metrics.mase`) divides the mean absolute error by that of
# the seasonal naive forecast (the same hour yesterday) over the training
# series: below 1, a model beats what repeating yesterday did in sample.
history = temperature.loc[: X_train.index[-1]]
for name, y_pred in predictions.items():
    score = mase(y_test, y_pred, y_train=history, season=24)
    print(f"{name:20s} MASE {score:.3f}")

# %%
# Error by hours ahead
# --------------------
# One RMSE per column of ``y``: the error grows with the horizon, and the
# models differ most in how fast it grows.
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
hours_ahead = np.arange(1, 25)
for name, y_pred in predictions.items():
    per_hour = root_mean_squared_error(y_test, y_pred, multioutput="raw_values")
    ax.plot(hours_ahead, per_hour, marker=".", label=name)
ax.set_xlabel("hours ahead")
ax.set_ylabel("test RMSE (°C)")
ax.set_xticks([1, 6, 12, 18, 24])
ax.legend()
plt.show()

# %%
# A 90% interval, and how often it holds
# --------------------------------------
# Split conformal prediction gives the GRU an interval without refitting it:
# its absolute errors on the first half of the test days, hour ahead by hour
# ahead, give the interval's half-width (their conformal 90% quantile, the
# ``ceil((n + 1) * 0.9)``-th smallest of ``n``), and the second half, which
# took no part in it, measures how often the truth falls inside.
# (:class:`~skrnn.RNNForecaster` does the same for a series of its own,
# with ``predict(coverage=0.9)``.)
truth = y_test.to_numpy()
gru = predictions["GRU"]
half = len(truth) // 2
errors = np.abs(truth[:half] - gru[:half])
rank = min(int(np.ceil((half + 1) * 0.9)), half)
half_width = np.sort(errors, axis=0)[rank - 1]  # one per hour ahead
inside = np.abs(truth[half:] - gru[half:]) <= half_width
print(
    f"90% interval: ±{half_width[0]:.1f} °C one hour ahead, "
    f"±{half_width[-1]:.1f} °C 24 hours ahead; it held {inside.mean():.1%} "
    f"of the {inside.size} temperatures of the last {TEST_DAYS // 2} days"
)

# %%
# One forecast
# ------------
# The forecasts made at midnight three days before the end of the test
# period (in the second half, so the interval did not see it), each a whole
# day ahead, against what happened; the band is the GRU's 90% interval.
origin = X_test.index[X_test.index.hour == 0][-3]
row = X_test.index.get_loc(origin)
future = pd.date_range(origin + pd.Timedelta(hours=1), periods=24, freq="h")
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
temperature.loc[origin - pd.Timedelta(hours=47) : future[-1]].plot(
    ax=ax, color="black", label="truth"
)
for name, y_pred in predictions.items():
    ax.plot(future, y_pred[row], label=name)
ax.fill_between(
    future,
    gru[row] - half_width,
    gru[row] + half_width,
    color="C0",
    alpha=0.2,
    label="GRU, 90% interval",
)
ax.axvline(origin, color="grey", linestyle="--", linewidth=1)
ax.set_ylabel("°C")
ax.set_xlabel("")
ax.legend(fontsize=8)
plt.show()

# %%
# Notes
# -----
# * ``y`` with 24 columns is all it takes: :class:`~skrnn.RNNRegressor` builds
#   a Dense head of 24 outputs and standardises each column; persistence and
#   the seasonal naive forecast fill every column too.
# * The hours of the day are known in advance; other such inputs (day of the
#   week, holidays) work the same way. Inputs that are only known up to now,
#   such as the humidity, go in the same frame.
# * On a real station, compare the models with
#   :func:`~skrnn.model_selection.compare` over several folds before
#   trusting one test period.
