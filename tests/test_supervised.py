"""Tests for make_supervised."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal, assert_index_equal, assert_series_equal

from skrnn._windows.supervised import make_supervised


def test_1d_array_next_step():
    X, y = make_supervised(np.array([1, 2, 3, 4, 5]))
    assert_array_equal(X, [[1], [2], [3], [4]])
    assert_array_equal(y, [2, 3, 4, 5])
    assert X.ndim == 2 and y.ndim == 1


def test_1d_array_several_steps():
    X, y = make_supervised(np.array([1, 2, 3, 4, 5]), horizon=3)
    assert_array_equal(X, [[1], [2]])
    assert_array_equal(y, [[2, 3, 4], [3, 4, 5]])


def test_y_at_origin_t_holds_the_next_horizon_values():
    series = np.arange(100.0) ** 2
    horizon = 7
    X, y = make_supervised(series, horizon=horizon)
    assert X.shape == (100 - horizon, 1)
    assert y.shape == (100 - horizon, horizon)
    for t in [0, 41, 100 - horizon - 1]:
        assert X[t] == series[t]
        assert_array_equal(y[t], series[t + 1 : t + 1 + horizon])


def test_list_is_accepted():
    X, y = make_supervised([1.0, 2.0, 3.0])
    assert_array_equal(X, [[1.0], [2.0]])
    assert_array_equal(y, [2.0, 3.0])


def test_2d_array_keeps_all_columns_and_forecasts_target():
    series = np.array([[1, 10], [2, 20], [3, 30], [4, 40]])
    X, y = make_supervised(series, horizon=2, target=1)
    assert_array_equal(X, [[1, 10], [2, 20]])
    assert_array_equal(y, [[20, 30], [30, 40]])


def test_2d_array_with_one_column_needs_no_target():
    X, y = make_supervised(np.array([[1.0], [2.0], [3.0]]))
    assert X.shape == (2, 1)
    assert_array_equal(y, [2.0, 3.0])


def test_series_in_series_out_with_origin_index():
    index = pd.date_range("2000-01-01", periods=5, freq="MS")
    series = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=index, name="sales")
    X, y = make_supervised(series)
    assert_series_equal(X, series.iloc[:-1])
    expected = pd.Series([2.0, 3.0, 4.0, 5.0], index=index[:-1], name="sales_step_1")
    assert_series_equal(y, expected)


def test_series_several_steps_gives_named_frame():
    series = pd.Series([1, 2, 3, 4], index=[10, 11, 12, 13], name="x")
    X, y = make_supervised(series, horizon=2)
    expected = pd.DataFrame(
        {"x_step_1": [2, 3], "x_step_2": [3, 4]}, index=pd.Index([10, 11])
    )
    assert_frame_equal(y, expected)
    assert_index_equal(X.index, y.index)


def test_unnamed_series_gets_a_name_for_y():
    _, y = make_supervised(pd.Series([1, 2, 3]))
    assert y.name == "y_step_1"


def test_series_accepts_its_own_name_as_target():
    series = pd.Series([1, 2, 3], name="x")
    _, y = make_supervised(series, target="x")
    assert_array_equal(y, [2, 3])


def test_dataframe_keeps_all_columns_and_names_target_steps():
    index = pd.date_range("2000", periods=4, freq="YS")
    frame = pd.DataFrame({"temp": [1.0, 2.0, 3.0, 4.0], "load": [5, 6, 7, 8]}, index)
    X, y = make_supervised(frame, horizon=2, target="load")
    assert_frame_equal(X, frame.iloc[:2])
    expected = pd.DataFrame(
        {"load_step_1": [6, 7], "load_step_2": [7, 8]}, index=index[:2]
    )
    assert_frame_equal(y, expected)


def test_dataframe_with_one_column_needs_no_target():
    frame = pd.DataFrame({"temp": [1.0, 2.0, 3.0]})
    X, y = make_supervised(frame)
    assert isinstance(X, pd.DataFrame)
    assert_series_equal(y, pd.Series([2.0, 3.0], name="temp_step_1"))


@pytest.mark.parametrize("horizon", [0, -1, 1.0, 2.5, "2", True, None])
def test_bad_horizon(horizon):
    with pytest.raises(ValueError, match="horizon"):
        make_supervised(np.arange(10), horizon=horizon)


@pytest.mark.parametrize("n_steps, horizon", [(0, 1), (1, 1), (3, 3)])
def test_too_short_series(n_steps, horizon):
    with pytest.raises(ValueError, match=rf"{n_steps} rows.*horizon={horizon}"):
        make_supervised(np.arange(n_steps), horizon=horizon)


def test_several_columns_need_target():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    with pytest.raises(ValueError, match="target"):
        make_supervised(frame)
    with pytest.raises(ValueError, match="target"):
        make_supervised(frame.to_numpy())


def test_unknown_target_column():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    with pytest.raises(ValueError, match="target='c'.*'a', 'b'"):
        make_supervised(frame, target="c")


@pytest.mark.parametrize("target", [2, -1, "a"])
def test_bad_target_index_for_array(target):
    with pytest.raises(ValueError, match="target"):
        make_supervised(np.zeros((4, 2)), target=target)


@pytest.mark.parametrize(
    "series", [np.arange(4), pd.Series([1, 2, 3], name="x")], ids=["array", "series"]
)
def test_target_on_1d_series_is_refused(series):
    with pytest.raises(ValueError, match="target"):
        make_supervised(series, target="other")


def test_3d_input_is_refused():
    with pytest.raises(ValueError, match="series"):
        make_supervised(np.zeros((4, 2, 1)))


def test_input_is_not_modified_and_outputs_do_not_alias_it():
    values = np.arange(12.0).reshape(6, 2)
    frame = pd.DataFrame(values.copy(), columns=["a", "b"])
    frame_before = frame.copy()
    X, y = make_supervised(values, horizon=2, target=0)
    X[:] = -1
    y[:] = -1
    assert_array_equal(values, np.arange(12.0).reshape(6, 2))

    X, y = make_supervised(frame, horizon=2, target="b")
    X.iloc[:, :] = -1
    y.iloc[:, :] = -1
    assert_frame_equal(frame, frame_before)


def test_numpy_integer_horizon_is_accepted():
    X, y = make_supervised(np.arange(5), horizon=np.int64(2))
    assert y.shape == (3, 2)
