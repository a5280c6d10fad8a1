"""Property tests of the forecaster's input path: a clear error or a finite forecast."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skrnn import WindowForecaster

HORIZON = 3

INDEX_KINDS = ["range", "datetime_freq", "datetime_nofreq", "period", "int", "str"]


def _index(kind, n):
    if kind == "range":
        return pd.RangeIndex(n)
    if kind == "datetime_freq":
        return pd.date_range("2020-01-01", periods=n, freq="D")
    if kind == "datetime_nofreq":
        return pd.DatetimeIndex(pd.date_range("2020-01-01", periods=n, freq="h").values)
    if kind == "period":
        return pd.period_range("2000-01", periods=n, freq="M")
    if kind == "int":
        return pd.Index(np.arange(100, 100 + n))
    return pd.Index([f"t{k}" for k in range(n)])


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every machine
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    n=st.integers(1, 80),
    kind=st.sampled_from(INDEX_KINDS),
    dtype=st.sampled_from(["float64", "float32", "int64", "object"]),
    nan_at=st.lists(st.integers(0, 79), max_size=3),
    n_series=st.integers(1, 3),
    layout=st.sampled_from(["series", "long", "wide"]),
)
def test_any_input_gives_a_clear_error_or_a_finite_forecast(
    n, kind, dtype, nan_at, n_series, layout
):
    rng = np.random.default_rng(n)
    index = _index(kind, n)
    values = (10 + np.cumsum(rng.normal(size=(n, n_series)), axis=0)).round(2)
    for k in nan_at:
        if k < n:
            values[k, k % n_series] = np.nan
    frame = pd.DataFrame(
        values, index=index, columns=[f"s{k}" for k in range(n_series)]
    )
    if dtype != "object" and not np.isnan(values).any():
        frame = frame.astype(dtype)
    elif dtype == "object":
        frame = frame.astype(object)
    if layout == "series":
        y = frame["s0"]
    elif layout == "wide":
        y = frame
    else:
        y = (
            frame.rename_axis("ds")
            .reset_index()
            .melt(id_vars="ds", var_name="unique_id", value_name="y")
        )
    given_y = y.copy()
    forecaster = WindowForecaster(horizon=HORIZON, calibration=None)
    try:
        forecaster.fit(y)
    except (ValueError, TypeError) as error:
        assert str(error)  # a message, not a bare exception
        return
    finally:
        # nothing the user passed in is modified
        if isinstance(y, pd.DataFrame):
            pd.testing.assert_frame_equal(y, given_y)
        else:
            pd.testing.assert_series_equal(y, given_y)
    forecast = forecaster.predict()
    points = forecast["y_pred"] if layout == "long" else forecast
    assert np.isfinite(np.asarray(points, dtype=float)).all()
    if layout == "series" or (layout == "wide" and n_series == 1):
        # one column is one series (several make a wide panel)
        assert len(forecast) == HORIZON
        assert forecast.index[0] not in y.index  # after the history
    elif layout == "wide":
        assert forecast.shape == (HORIZON, n_series)
    else:
        assert len(forecast) == HORIZON * y["unique_id"].nunique()
