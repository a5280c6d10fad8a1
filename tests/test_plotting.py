"""Tests for plot_forecast and plot_history."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn.plotting import plot_forecast, plot_history

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_importing_plotting_does_not_import_matplotlib():
    code = "import sys, skrnn.plotting; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_forecast_on_a_datetime_index():
    index = pd.date_range("2000-01-01", periods=6, freq="MS")
    y_true = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], index=index, name="sales")
    y_pred = pd.Series([3.5, 4.5], index=index[3:5])
    ax = plot_forecast(y_true, y_pred, title="Sales")

    lines = _lines_by_label(ax)
    truth, forecast = lines["truth"], lines["forecast"]
    assert_array_equal(truth.get_ydata(), y_true.to_numpy())
    assert_array_equal(forecast.get_ydata(), [3.5, 4.5])
    assert_array_equal(pd.DatetimeIndex(forecast.get_xdata()), index[3:5])
    assert ax.get_title() == "Sales"
    assert ax.get_ylabel() == "sales"


def test_array_forecast_is_drawn_on_the_last_steps():
    y_true = np.arange(10.0)
    ax = plot_forecast(y_true, [7.5, 8.5, 9.5])
    forecast = _lines_by_label(ax)["forecast"]
    assert_array_equal(forecast.get_xdata(), [7, 8, 9])
    assert_array_equal(_lines_by_label(ax)["truth"].get_xdata(), np.arange(10))


def test_array_forecast_takes_the_dates_of_the_last_steps():
    index = pd.date_range("2000", periods=5, freq="YS")
    y_true = pd.Series(np.arange(5.0), index=index)
    ax = plot_forecast(y_true, np.array([[3.0], [4.0]]))
    forecast = _lines_by_label(ax)["forecast"]
    assert_array_equal(pd.DatetimeIndex(forecast.get_xdata()), index[3:])


def test_several_forecasts_by_label():
    y_true = np.arange(6.0)
    ax = plot_forecast(y_true, {"rnn": [4.1, 5.1], "naive": [3.0, 4.0]})
    lines = _lines_by_label(ax)
    assert {"truth", "rnn", "naive"} <= set(lines)
    assert_array_equal(lines["naive"].get_ydata(), [3.0, 4.0])
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["truth", "rnn", "naive"]


def test_train_end_marks_the_boundary_on_dates():
    index = pd.date_range("2000-01-01", periods=12, freq="MS")
    y_true = pd.Series(np.arange(12.0), index=index)
    ax = plot_forecast(y_true, y_true.iloc[8:], train_end="2000-08")
    boundary = matplotlib.dates.date2num(pd.Timestamp("2000-08-01"))
    # get_xydata gives the x values as drawn, dates converted to numbers
    vertical = [line for line in ax.get_lines() if np.ptp(line.get_xydata()[:, 0]) == 0]
    assert [line.get_xydata()[0, 0] for line in vertical] == [boundary]
    (shade,) = ax.patches
    x_min, x_max = shade.get_x(), shade.get_x() + shade.get_width()
    assert x_min == pytest.approx(boundary)
    assert x_max == pytest.approx(matplotlib.dates.date2num(index[-1]))
    assert "test" in [text.get_text() for text in ax.get_legend().get_texts()]


def test_int_train_end_is_a_position_on_a_date_index():
    index = pd.date_range("2000-01-01", periods=12, freq="MS")
    y_true = pd.Series(np.arange(12.0), index=index)
    ax = plot_forecast(y_true, y_true.iloc[8:], train_end=8)
    (shade,) = ax.patches
    assert shade.get_x() == pytest.approx(matplotlib.dates.date2num(index[8]))


def test_int_train_end_is_a_label_on_an_integer_index():
    y_true = pd.Series(np.arange(5.0), index=[100, 101, 102, 103, 104])
    ax = plot_forecast(y_true, y_true.iloc[3:], train_end=103)
    (shade,) = ax.patches
    assert shade.get_x() == 103


def test_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_forecast(np.arange(3.0), [2.0], ax=ax) is ax
    assert plot_history({"loss": [1.0]}, ax=ax) is ax


def test_forecast_longer_than_truth_is_refused():
    with pytest.raises(ValueError, match="more than"):
        plot_forecast(np.arange(3.0), np.arange(4.0))


def test_multi_step_forecast_is_refused():
    with pytest.raises(ValueError, match="y_pred must be 1-D"):
        plot_forecast(np.arange(5.0), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="y_pred must be 1-D"):
        plot_forecast(np.arange(5.0), pd.DataFrame(np.zeros((2, 3))))


def test_forecast_inputs_are_not_modified():
    index = pd.date_range("2000", periods=4, freq="YS")
    y_true = pd.Series([1.0, 2.0, 3.0, 4.0], index=index, name="y")
    y_pred = {"a": np.array([3.0, 4.0])}
    y_true_before = y_true.copy()
    plot_forecast(y_true, y_pred, train_end=2)
    pd.testing.assert_series_equal(y_true, y_true_before)
    assert list(y_pred) == ["a"]
    assert_array_equal(y_pred["a"], [3.0, 4.0])


def test_history_from_a_dict():
    history = {"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0], "mae": [1, 1, 1]}
    ax = plot_history(history)
    lines = _lines_by_label(ax)
    assert set(lines) == {"loss", "val_loss"}
    assert_array_equal(lines["loss"].get_xdata(), [1, 2, 3])
    assert_array_equal(lines["val_loss"].get_ydata(), [3.5, 2.5, 2.0])
    assert ax.get_xlabel() == "epoch"


def test_history_without_validation():
    ax = plot_history({"loss": [2.0, 1.0]})
    assert set(_lines_by_label(ax)) == {"loss"}


class _Fitted:
    def __init__(self):
        self.history_ = {"loss": [2.0, 1.5, 1.0, 0.5]}


class _KerasLikeHistory:
    def __init__(self):
        self.history = {"loss": [2.0, 1.0], "val_loss": [2.5, 1.5]}


def test_history_from_an_estimator():
    ax = plot_history(_Fitted())
    assert_array_equal(_lines_by_label(ax)["loss"].get_ydata(), [2.0, 1.5, 1.0, 0.5])


def test_history_from_a_keras_history_object():
    ax = plot_history(_KerasLikeHistory())
    assert_array_equal(_lines_by_label(ax)["val_loss"].get_ydata(), [2.5, 1.5])


def test_history_without_loss_is_refused():
    with pytest.raises(ValueError, match="accuracy"):
        plot_history({"accuracy": [0.5, 0.6]})


def test_history_of_wrong_type_is_refused():
    with pytest.raises(TypeError, match="history"):
        plot_history([1.0, 0.5])


def test_future_forecast_with_bands_on_a_period_index():
    from skrnn import WindowForecaster
    from skrnn.datasets import load_airline

    y = load_airline()
    y.index = y.index.to_period()
    bands = WindowForecaster(horizon=6).fit(y).predict(coverage=[0.8, 0.95])
    ax = plot_forecast(y.iloc[-24:], {"Ridge": bands})
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["truth", "Ridge", "95% interval", "80% interval"]
    # the forecast is drawn after the history, at the periods' start times
    line = ax.get_lines()[1]
    assert line.get_xdata()[0] > ax.get_lines()[0].get_xdata()[-1]
    # two bands, the wider one drawn first and lighter
    bands_drawn = ax.collections
    assert len(bands_drawn) == 2
    assert bands_drawn[0].get_alpha() < bands_drawn[1].get_alpha()
    assert not bands.index.equals(y.index[-6:])  # the input is not modified
