"""Tests for SlidingWindowTransformer and the window functions."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.model_selection import TimeSeriesSplit

from skrnn import SlidingWindowTransformer
from skrnn._window import sliding_windows


def naive_windows(series, look_back):
    """Reference implementation: a Python loop with edge filling."""
    rows = []
    for t in range(len(series)):
        idx = [max(0, i) for i in range(t - look_back + 1, t + 1)]
        rows.append(series[idx])
    return np.stack(rows)


def test_windows_hold_past_and_present_oldest_first(series):
    windows = SlidingWindowTransformer(look_back=4).fit_transform(series)
    assert windows.shape == (80, 4, 1)
    assert_array_equal(windows, naive_windows(series, 4))
    # the last step of window t is row t itself
    assert_array_equal(windows[:, -1, :], series)


def test_multivariate_and_flatten_layout():
    X = np.arange(20.0).reshape(10, 2)
    windows = SlidingWindowTransformer(look_back=3).fit_transform(X)
    flat = SlidingWindowTransformer(look_back=3, flatten=True).fit_transform(X)
    assert flat.shape == (10, 6)
    assert_array_equal(flat, windows.reshape(10, 6))
    assert_array_equal(flat[5], [6, 7, 8, 9, 10, 11])


def test_feature_names_and_pandas_output_keep_index():
    index = pd.date_range("2000-01", periods=8, freq="MS")
    X = pd.DataFrame({"a": np.arange(8.0), "b": -np.arange(8.0)}, index=index)
    swt = SlidingWindowTransformer(look_back=2, flatten=True).set_output(
        transform="pandas"
    )
    out = swt.fit_transform(X)
    assert list(out.columns) == ["a_lag_1", "b_lag_1", "a_lag_0", "b_lag_0"]
    assert out.index.equals(index)
    assert out.loc["2000-03-01", "a_lag_1"] == 1.0


def test_named_series_gives_lag_names():
    s = pd.Series(np.arange(6.0), name="passengers")
    swt = SlidingWindowTransformer(look_back=3, flatten=True).fit(s)
    assert list(swt.get_feature_names_out()) == [
        "passengers_lag_2",
        "passengers_lag_1",
        "passengers_lag_0",
    ]


def test_3d_output_has_no_feature_names_or_pandas_output():
    swt = SlidingWindowTransformer(look_back=2).fit(np.ones((5, 1)))
    assert not hasattr(swt, "get_feature_names_out")
    assert not hasattr(swt, "set_output")


@pytest.mark.parametrize("index_kind", ["datetime", "range", "period"])
def test_pandas_test_fold_windows_equal_whole_series_windows(index_kind):
    """The CV trap: a test fold gets its real history, not edge filling."""
    n = 144
    values = np.sin(np.arange(n) / 3.0) + np.arange(n) / 50.0
    index = {
        "datetime": pd.date_range("1949-01", periods=n, freq="MS"),
        "range": pd.RangeIndex(n),
        "period": pd.period_range("1949-01", periods=n, freq="M"),
    }[index_kind]
    X = pd.DataFrame({"passengers": values}, index=index)
    look_back = 24
    whole = SlidingWindowTransformer(look_back=look_back).fit_transform(X)
    for train, test in TimeSeriesSplit(n_splits=5).split(X):
        # iloc with an index array is what scikit-learn's CV does: freq is lost
        swt = SlidingWindowTransformer(look_back=look_back).fit(X.iloc[train])
        assert_array_equal(swt.transform(X.iloc[test]), whole[test])


def test_pandas_chunk_that_does_not_continue_uses_edge_filling():
    X = pd.DataFrame({"v": np.arange(30.0)}, index=pd.RangeIndex(30))
    swt = SlidingWindowTransformer(look_back=5).fit(X.iloc[:10])
    gap = swt.transform(X.iloc[15:20])  # rows 10..14 are unknown
    assert_array_equal(gap[0, :, 0], [15.0] * 5)
    same = swt.transform(X.iloc[:10])  # the training rows themselves
    assert_array_equal(same, SlidingWindowTransformer(5).fit_transform(X.iloc[:10]))


def test_numpy_recipe_windows_once_then_tune_look_back(series):
    """Numpy path: window the whole series once, crop the look-back per fit."""
    full = SlidingWindowTransformer(look_back=24).fit_transform(series)
    for look_back in (3, 12, 24):
        whole = SlidingWindowTransformer(look_back=look_back).fit_transform(series)
        for train, test in TimeSeriesSplit(n_splits=4).split(full):
            swt = SlidingWindowTransformer(look_back=look_back).fit(full[train])
            assert swt.input_kind_ == "windows"
            assert_array_equal(swt.transform(full[test]), whole[test])


def test_windows_are_views_not_copies(series):
    windows = SlidingWindowTransformer(look_back=10).fit_transform(series)
    assert not windows.flags.writeable
    assert windows.base is not None


def test_float32_is_preserved(series):
    out = SlidingWindowTransformer(look_back=3).fit_transform(series.astype("float32"))
    assert out.dtype == np.float32


def test_input_is_not_modified():
    X = pd.DataFrame({"v": np.arange(10.0)})
    before = X.copy()
    SlidingWindowTransformer(look_back=3, flatten=True).fit(X.iloc[:5]).transform(
        X.iloc[5:]
    )
    pd.testing.assert_frame_equal(X, before)


@pytest.mark.parametrize(
    "X, params, match",
    [
        (np.ones((3, 1)), {"look_back": 5}, "look_back=5 needs at least 5"),
        (np.ones((10, 1)), {"look_back": 0}, "look_back"),
        (np.ones((10, 1)), {"look_back": 2.5}, "look_back"),
        (np.ones((10, 1)), {"look_back": -1}, "look_back"),
        (np.ones((10, 1)), {"flatten": "yes"}, "flatten"),
        (np.ones(10), {"look_back": 2}, "Expected 2D array"),
        (np.ones((0, 1)), {"look_back": 1}, "0 sample"),
        (np.ones((5, 0)), {"look_back": 1}, "0 feature"),
        (np.array([[1.0], [np.nan], [2.0]]), {"look_back": 1}, "NaN"),
        (np.array([[1.0], [np.inf], [2.0]]), {"look_back": 1}, "infinity"),
        (np.array([["a"], ["b"]], dtype=object), {"look_back": 1}, "string"),
        (np.ones((4, 3, 2)), {"look_back": 5}, "look_back=5 is longer"),
    ],
)
def test_bad_input_raises_clear_error(X, params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        SlidingWindowTransformer(**params).fit(X)


def test_transform_checks_feature_count_and_kind():
    swt = SlidingWindowTransformer(look_back=2).fit(np.ones((5, 2)))
    with pytest.raises(ValueError, match="X has 3 features"):
        swt.transform(np.ones((5, 3)))
    with pytest.raises(ValueError, match="expecting 2 features"):
        swt.transform(np.ones((5, 2, 3)))
    windows_fitted = SlidingWindowTransformer(look_back=2).fit(np.ones((5, 4, 2)))
    with pytest.raises(ValueError, match="fitted on 3-D windows"):
        windows_fitted.transform(np.ones((5, 2)))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    n_features=st.integers(1, 3),
    look_back=st.integers(1, 10),
    t=st.integers(0, 39),
    seed=st.integers(0, 2**16),
)
def test_no_look_ahead(n, n_features, look_back, t, seed):
    """Changing any row after t never changes window t."""
    n = max(n, look_back)
    t = t % n
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    windows = sliding_windows(X, look_back)
    assert windows.shape == (n, look_back, n_features)
    X_future_changed = X.copy()
    X_future_changed[t + 1 :] = rng.normal(size=X[t + 1 :].shape)
    assert_array_equal(sliding_windows(X_future_changed, look_back)[t], windows[t])
    assert_array_equal(windows, naive_windows(X, look_back))


# -- silent wrong answers made loud ------------------------------------------


def _monthly(n=48):
    index = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.DataFrame({"v": np.arange(n, dtype=float)}, index=index)


def test_rows_without_history_warn_when_transformed():
    frame = _monthly()
    transformer = SlidingWindowTransformer(look_back=6).fit(frame.iloc[:40])
    # one row, the last: the classic "forecast from the last row" mistake
    with pytest.warns(UserWarning, match="the first 1 of the 1 rows.*edge filling"):
        transformer.transform(frame.iloc[[-1]])
    with pytest.warns(UserWarning, match="edge filling"):
        SlidingWindowTransformer(6).fit(frame.to_numpy()[:40]).transform(
            frame.to_numpy()[40:]
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        transformer.transform(frame.iloc[40:])  # continues the fitted index
        transformer.transform(frame.iloc[:40])  # the fitted rows again
        SlidingWindowTransformer(6).fit_transform(frame.to_numpy())


@pytest.mark.parametrize(
    "index",
    [
        pd.Index(np.arange(1700.0, 1748.0), name="YEAR"),  # float years
        pd.date_range("2000-01-01", periods=60, freq="D").delete([5, 17, 30]),
    ],
    ids=["float years", "dates after dropna"],
)
def test_an_index_without_a_regular_step_warns_with_the_fix(index):
    frame = pd.DataFrame({"v": np.arange(len(index), dtype=float)}, index=index)
    with pytest.warns(UserWarning, match="no regular step.*PeriodIndex.*asfreq"):
        SlidingWindowTransformer(look_back=4).fit(frame)


def test_nan_in_a_series_gets_time_series_advice():
    frame = _monthly()
    frame.iloc[7, 0] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN \(first at index \(7, 0\)\)"):
        SlidingWindowTransformer(4).fit(frame)
    with pytest.raises(ValueError, match="interpolate") as error:
        SlidingWindowTransformer(4).fit(frame)
    assert "HistGradientBoosting" not in str(error.value)


def test_windows_of_a_dataframe_carry_its_column_names():
    import pickle

    frame = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) * 2})
    windows = SlidingWindowTransformer(3).fit_transform(frame)
    assert list(windows.feature_names) == ["a", "b"]
    assert list(windows[2:5].feature_names) == ["a", "b"]  # slices keep them
    again = pickle.loads(pickle.dumps(windows))
    assert list(again.feature_names) == ["a", "b"]
    assert_array_equal(again, windows)
    # a transformer fitted on named windows passes the names on
    inner = SlidingWindowTransformer(2).fit(windows)
    assert list(inner.transform(windows).feature_names) == ["a", "b"]
    assert list(inner.feature_names_in_) == ["a", "b"]
