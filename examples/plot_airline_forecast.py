"""
Forecasting airline passengers: LSTM, Ridge and naive baselines
===============================================================

The whole forecasting workflow on one monthly series: turn it into a
supervised ``(X, y)``, give each month a window of its past, scale, fit an
LSTM, a Ridge regression on lagged values and a seasonal naive forecast, tune
the window length and the LSTM's units with time-series cross-validation,
rank every model in one leaderboard, and plot the forecast against the truth.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with tiny
settings (a smoke test, not a forecast worth reading).
"""

# %%
# The data
# --------
# 144 monthly totals of international airline passengers, 1949 to 1960, with
# a trend and a yearly season. :func:`~skrnn.make_supervised` pairs the
# passengers of each month (``X``) with those of the next month (``y``).
import os

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
from skrnn.datasets import load_airline
from skrnn.model_selection import compare, predict_last_fold
from skrnn.plotting import plot_forecast

QUICK = bool(os.environ.get("SKRNN_QUICK"))
EPOCHS = 2 if QUICK else 60
UNITS = [8] if QUICK else [8, 32]
N_SPLITS = 3 if QUICK else 5

series = load_airline()
X, y = make_supervised(series)
print(pd.concat([X, y], axis=1).tail(3))

# %%
# Windows and scaling
# -------------------
# :class:`~skrnn.SlidingWindowTransformer` gives row ``t`` the last
# ``look_back`` months, oldest first, and keeps one row per month, so the
# windows stay aligned with ``y`` inside a Pipeline. The recurrent network
# gets 3-D windows ``(n_months, look_back, 1)``; Ridge gets them flattened,
# one column per lag.
print(SlidingWindowTransformer(look_back=12).fit_transform(X).shape)
flat = SlidingWindowTransformer(look_back=3, flatten=True).set_output(
    transform="pandas"
)
print(flat.fit_transform(X).tail(2))

# %%
# Scaling matters: an LSTM fed raw passenger counts in the hundreds tends to
# predict a flat line. :class:`~skrnn.RNNRegressor` standardises its inputs
# and its target from the training data by default and returns predictions in
# passengers; Ridge gets a :class:`~sklearn.preprocessing.StandardScaler`.
lstm = make_pipeline(
    SlidingWindowTransformer(look_back=12),
    RNNRegressor(
        "lstm",
        units=32,
        epochs=EPOCHS,
        batch_size=16,
        learning_rate=0.01,
        random_state=0,
    ),
)
ridge = make_pipeline(
    SlidingWindowTransformer(look_back=12, flatten=True), StandardScaler(), Ridge()
)
seasonal_naive = make_pipeline(
    SlidingWindowTransformer(look_back=12), SeasonalNaiveRegressor(season_length=12)
)

# %%
# A first look: the last two years as a test period
# --------------------------------------------------
# The test rows' index continues the training rows' index, so the fitted
# transformer gives the first test months their real history.
n_test = 24
X_train, X_test = X.iloc[:-n_test], X.iloc[-n_test:]
y_train, y_test = y.iloc[:-n_test], y.iloc[-n_test:]
for name, model in [("LSTM", lstm), ("Ridge", ridge), ("seasonal", seasonal_naive)]:
    model.fit(X_train, y_train)
    rmse = root_mean_squared_error(y_test, model.predict(X_test))
    print(f"{name:8s} test RMSE {rmse:6.1f}")

# %%
# Tuning the window length and the units
# --------------------------------------
# :class:`~sklearn.model_selection.TimeSeriesSplit` always tests on months
# that come after the training months. With pandas ``X`` each test fold's
# windows are the same as windows built on the whole series, so a long
# ``look_back`` is not penalised at the start of every fold.
cv = TimeSeriesSplit(n_splits=N_SPLITS)
grid = {"slidingwindowtransformer__look_back": [6, 12], "rnnregressor__units": UNITS}
search = GridSearchCV(lstm, grid, cv=cv, scoring="neg_root_mean_squared_error")
search.fit(X_train, y_train)
results = pd.DataFrame(search.cv_results_).rename(
    columns={
        "param_slidingwindowtransformer__look_back": "look_back",
        "param_rnnregressor__units": "units",
    }
)
results["rmse"] = -results["mean_test_score"]
print(results[["look_back", "units", "rmse", "rank_test_score"]].round(2))
print("best:", search.best_params_)

# %%
# One leaderboard
# ---------------
# :func:`~skrnn.model_selection.compare` runs every model through the same
# folds of the whole series. A search counts as one model: it is fitted with
# these folds and its best candidate's cross-validated errors are reported.
# Errors are positive numbers, lower is better; ``mape`` is a fraction.
look_back = {"slidingwindowtransformer__look_back": [6, 12]}
models = {
    "LSTM": search,
    "Ridge": GridSearchCV(ridge, look_back),
    "persistence": make_pipeline(SlidingWindowTransformer(1), PersistenceRegressor()),
    "seasonal naive": seasonal_naive,
}
leaderboard = compare(models, X, y, cv=cv)
short_names = leaderboard["best_params"].map(
    lambda params: {key.split("__")[-1]: value for key, value in params.items()}
)
print(leaderboard.assign(best_params=short_names).round(3).to_string())

# %%
# The forecast against the truth
# ------------------------------
# :func:`~skrnn.model_selection.predict_last_fold` fits a model (here with the
# leaderboard's best parameters) on the last training fold and predicts the
# last test fold. A prediction made at month ``t`` is for month ``t + 1``, so
# it is drawn one month later.
params = leaderboard.set_index("model")["best_params"]
forecasts = {
    name: predict_last_fold(models[name], X, y, cv=cv, params=params[name]).shift(
        1, freq="MS"
    )
    for name in ["LSTM", "Ridge", "seasonal naive"]
}
first_test_month = next(iter(forecasts.values())).index[0]
fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
plot_forecast(
    series.loc["1956":],
    forecasts,
    train_end=first_test_month - pd.offsets.MonthBegin(),
    ax=ax,
    title="Airline passengers: one month ahead, last cross-validation fold",
)
plt.show()
