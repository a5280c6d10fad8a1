"""
Quick start: an LSTM against Ridge on the airline passengers
============================================================

Forecast next month's airline passengers from the last 12 months, with an
LSTM and with a Ridge regression on the same windows, and compare their test
RMSE on the last two years.

Set the environment variable ``SKRNN_QUICK=1`` for a fast run with fewer
epochs.
"""

# %%
import os

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn.datasets import load_airline

QUICK = bool(os.environ.get("SKRNN_QUICK"))

series = load_airline()
X, y = make_supervised(series)  # X[t] = passengers at t, y[t] = at t + 1
n_test = 24
X_train, X_test = X.iloc[:-n_test], X.iloc[-n_test:]
y_train, y_test = y.iloc[:-n_test], y.iloc[-n_test:]

# %%
# The windows of the test rows continue the training rows' index, so the
# fitted transformer gives them their real history.
models = {
    "LSTM(32)": make_pipeline(
        SlidingWindowTransformer(look_back=12),
        RNNRegressor(
            units=32, epochs=20 if QUICK else 200, batch_size=16, random_state=0
        ),
    ),
    "Ridge": make_pipeline(
        SlidingWindowTransformer(look_back=12, flatten=True),
        StandardScaler(),
        Ridge(alpha=1.0),
    ),
}
predictions = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    predictions[name] = model.predict(X_test)
    train_rmse = root_mean_squared_error(y_train, model.predict(X_train))
    test_rmse = root_mean_squared_error(y_test, predictions[name])
    print(f"{name:10s} train RMSE {train_rmse:7.2f}   test RMSE {test_rmse:7.2f}")

naive = root_mean_squared_error(y_test, X_test.to_numpy())
print(f"{'last value':10s} {'':19s} test RMSE {naive:7.2f}")
print("mean test passengers:", round(float(np.mean(y_test)), 1))
