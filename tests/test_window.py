"""Tests for SlidingWindowTransformer and the window functions."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import TimeSeriesSplit

from skrnn import SlidingWindowTransformer
from skrnn._windows.window import sliding_windows


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
    with pytest.warns(UserWarning, match="no regular step.*fill_gaps.*reset_index"):
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


# -- panels: many series in long layout, windowed series by series ------------


def _panel(n_series=3, n_steps=10):
    """A long panel: series k holds 100 * k + step, columns unique_id and y."""
    rows = [
        {"unique_id": f"s{k}", "y": 100.0 * k + t}
        for k in range(n_series)
        for t in range(n_steps)
    ]
    return pd.DataFrame(rows)


def test_panel_windows_stay_within_their_series():
    panel = _panel()
    windows = SlidingWindowTransformer(look_back=4, id_col="unique_id").fit_transform(
        panel
    )
    assert windows.shape == (30, 4, 1)  # the id is not a feature
    for k in range(3):
        rows = slice(10 * k, 10 * (k + 1))
        alone = SlidingWindowTransformer(4).fit_transform(panel.iloc[rows][["y"]])
        assert_array_equal(windows[rows], alone)
    # the first window of s1 repeats its own first value, not s0's last
    assert_array_equal(windows[10, :, 0], [100.0] * 4)


def test_panel_id_is_not_a_feature_and_names_the_lags():
    panel = _panel().assign(x=1.0)
    swt = SlidingWindowTransformer(look_back=2, flatten=True, id_col="unique_id")
    out = swt.set_output(transform="pandas").fit_transform(panel)
    assert swt.n_features_in_ == 2
    assert list(swt.feature_names_in_) == ["y", "x"]
    assert list(out.columns) == ["y_lag_1", "x_lag_1", "y_lag_0", "x_lag_0"]
    assert out.index.equals(panel.index)
    assert out.loc[10, "y_lag_1"] == 100.0  # edge-filled within s1


def test_panel_multiindex_and_column_forms_agree():
    panel = _panel().assign(
        ds=np.tile(pd.date_range("2000-01", periods=10, freq="MS"), 3)
    )
    by_column = panel.set_index("ds")
    by_level = panel.set_index(["unique_id", "ds"])
    rows = np.random.default_rng(0).permutation(len(panel))
    for look_back in (1, 3, 10):
        column = SlidingWindowTransformer(look_back, id_col="unique_id")
        level = SlidingWindowTransformer(look_back, id_col="unique_id")
        windows = column.fit_transform(by_column.iloc[rows])
        assert_array_equal(level.fit_transform(by_level.iloc[rows]), windows)
        assert list(level.feature_names_in_) == list(column.feature_names_in_)


def test_panel_rows_are_put_in_time_order_within_each_series():
    """Rows shuffled with their index: windows follow the index, not the rows."""
    panel = _panel()
    rows = np.random.default_rng(1).permutation(len(panel))
    swt = SlidingWindowTransformer(look_back=3, id_col="unique_id")
    ordered = swt.fit_transform(panel)
    assert_array_equal(swt.fit_transform(panel.iloc[rows]), ordered[rows])


def test_panel_pipeline_fits_and_predicts():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    from skrnn.datasets import load_us_employment

    panel = load_us_employment()
    target = panel.groupby("unique_id")["y"].shift(-1)
    known = target.notna()
    X, y = panel.loc[known, ["unique_id", "y"]], target[known]
    train = panel.loc[known, "ds"] < "2014-01-01"
    pipe = make_pipeline(
        SlidingWindowTransformer(look_back=12, flatten=True, id_col="unique_id"),
        Ridge(alpha=1.0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the test rows continue each series
        pipe.fit(X[train], y[train])
        predictions = pipe.predict(X[~train])
    assert predictions.shape == ((~train).sum(),)
    # the test rows were windowed with each series' real history
    assert_allclose(predictions, pipe.predict(X)[~train.to_numpy()], rtol=1e-12)
    # a linear model on lags forecasts a month of employment within a few %
    error = np.abs(predictions - y[~train]) / y[~train]
    assert error.median() < 0.02


def test_panel_test_rows_after_a_cutoff_get_each_series_history():
    """The cross-validation recipe, per series: a panel cut at a date."""
    panel = _panel(n_series=4, n_steps=20).assign(
        ds=np.tile(pd.date_range("2000-01", periods=20, freq="MS"), 4)
    )
    panel = panel.set_index(["unique_id", "ds"]).sample(frac=1.0, random_state=0)
    whole = SlidingWindowTransformer(6, id_col="unique_id").fit_transform(panel)
    test = panel.index.get_level_values("ds") >= "2001-03-01"
    swt = SlidingWindowTransformer(6, id_col="unique_id").fit(panel[~test])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_array_equal(swt.transform(panel[test]), whole[test])
        swt.transform(panel[~test])  # the fitted rows again
    # one series that skips a month gets edge filling, and a warning
    gap = panel[test].drop(("s2", pd.Timestamp("2001-03-01")))
    with pytest.warns(UserWarning, match="5 of the 5 rows of the series"):
        swt.transform(gap)
    # a series not seen in fit starts like a new series, without a warning
    new = panel[test].rename(index={"s1": "s9"}, level="unique_id")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        windows = swt.transform(new)
    s9 = (new.index.get_level_values("unique_id") == "s9").nonzero()[0]
    first = s9[np.argmin(new.index.get_level_values("ds")[s9])]
    assert_array_equal(windows[first, :, 0], [new["y"].iloc[first]] * 6)


@pytest.mark.filterwarnings("ignore:.*edge filling:UserWarning")
def test_panel_input_is_not_modified():
    panel = _panel()
    level = panel.set_index("unique_id", append=True).swaplevel()
    before, level_before = panel.copy(), level.copy()
    for X in (panel, level):
        swt = SlidingWindowTransformer(3, id_col="unique_id").fit(X.iloc[::2])
        swt.transform(X.iloc[1::2])
    pd.testing.assert_frame_equal(panel, before)
    pd.testing.assert_frame_equal(level, level_before)


@pytest.mark.parametrize(
    "X, match",
    [
        (_panel().rename(columns={"unique_id": "series"}), "id_col='unique_id' is "),
        (_panel()[["y"]].to_numpy(), "id_col='unique_id' needs X as a pandas"),
        (_panel().set_index("unique_id", append=True), "id_col='unique_id' is "),
        (pd.concat([_panel(), _panel().iloc[:1]]), "Series 's0' has two rows"),
        (
            _panel().assign(unique_id=[None] + ["s0"] * 29),
            "id_col='unique_id'.*missing",
        ),
        (_panel(n_steps=3), "look_back=4 needs at least 4 time steps in one series"),
    ],
    ids=[
        "no such column",
        "numpy",
        "id not first level",
        "repeated time",
        "no id",
        "series too short",
    ],
)
def test_panel_bad_input_raises_clear_error(X, match):
    with pytest.raises(ValueError, match=match):
        SlidingWindowTransformer(look_back=4, id_col="unique_id").fit(X)


def test_panel_transform_needs_the_id_too():
    swt = SlidingWindowTransformer(3, id_col="unique_id").fit(_panel())
    with pytest.raises(ValueError, match="id_col='unique_id' is neither a column"):
        swt.transform(_panel()[["y"]])
    with pytest.raises(ValueError, match="fitted on a panel and id_col is now None"):
        swt.set_params(id_col=None).transform(_panel()[["y"]])


def test_panel_times_without_a_regular_step_warn():
    panel = _panel(n_series=2, n_steps=6).set_index(
        pd.Index([0, 1, 2, 4, 5, 6] + list(range(6)))
    )
    with pytest.warns(UserWarning, match="times of 1 of the 2 series.*first 's0'"):
        SlidingWindowTransformer(3, id_col="unique_id").fit(panel)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SlidingWindowTransformer(1, id_col="unique_id").fit(panel)
        SlidingWindowTransformer(3, id_col="unique_id").fit(_panel())
