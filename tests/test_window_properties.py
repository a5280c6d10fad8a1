"""Property-based tests of SlidingWindowTransformer (hypothesis).

tests/test_window.py checks the windows against a reference loop and the
absence of look-ahead in the window function; these properties cover the
transformer around it: shapes, the history kept between fit and transform,
pandas indexes, and the flattened layout.
"""

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

from skrnn import SlidingWindowTransformer
from skrnn._windows.window import sliding_windows

# Pure numpy and small inputs: many examples cost little.
PROPERTY = settings(max_examples=40, deadline=None)

values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def series_and_look_back(draw, spare_rows=0, max_rows=30):
    """A float series of shape (n, n_features), n >= look_back + spare_rows."""
    look_back = draw(st.integers(1, 8))
    n = draw(st.integers(look_back + spare_rows, max(max_rows, look_back + spare_rows)))
    n_features = draw(st.integers(1, 3))
    X = draw(arrays(np.float64, (n, n_features), elements=values))
    return X, look_back


def make_index(kind: str, n: int) -> pd.Index:
    """An index of one of the kinds users bring; only some have a known step."""
    if kind == "range":
        return pd.RangeIndex(n)
    if kind == "range with offset and step":
        return pd.RangeIndex(100, 100 + 3 * n, 3)
    if kind == "daily":
        return pd.date_range("2020-01-01", periods=n, freq="D")
    if kind == "monthly periods":
        return pd.period_range("1949-01", periods=n, freq="M")
    if kind == "shuffled integers":
        return pd.Index(np.random.default_rng(n).permutation(n) * 7)
    return pd.Index([f"row{i}" for i in range(n)])  # strings


INDEX_KINDS = [
    "range",
    "range with offset and step",
    "daily",
    "monthly periods",
    "shuffled integers",
    "strings",
]


@PROPERTY
@given(data=series_and_look_back(), flatten=st.booleans(), float32=st.booleans())
def test_output_shape_and_dtype(data, flatten, float32):
    X, look_back = data
    X = X.astype(np.float32) if float32 else X
    n, n_features = X.shape
    out = SlidingWindowTransformer(look_back=look_back, flatten=flatten).fit_transform(
        X
    )
    expected = (n, look_back * n_features) if flatten else (n, look_back, n_features)
    assert out.shape == expected
    assert out.dtype == X.dtype


@PROPERTY
@given(data=series_and_look_back(), extra=st.integers(0, 5))
def test_windows_made_beforehand_keep_their_last_steps(data, extra):
    """Fitted on 3-D windows, the transformer crops them to ``look_back``."""
    X, look_back = data
    longest = SlidingWindowTransformer(look_back=look_back + extra).fit_transform(
        np.concatenate([np.repeat(X[:1], extra, axis=0), X])
    )[extra:]
    swt = SlidingWindowTransformer(look_back=look_back).fit(longest)
    assert_array_equal(
        swt.transform(longest),
        SlidingWindowTransformer(look_back=look_back).fit_transform(X),
    )


@PROPERTY
@given(data=series_and_look_back(), flatten=st.booleans())
def test_last_step_of_each_window_is_the_input_row(data, flatten):
    X, look_back = data
    n_features = X.shape[1]
    out = SlidingWindowTransformer(look_back=look_back, flatten=flatten).fit_transform(
        X
    )
    last = out[:, -n_features:] if flatten else out[:, -1, :]
    assert_array_equal(last, X)


@PROPERTY
@given(data=series_and_look_back())
def test_flattened_windows_reshape_back_to_the_3d_windows(data):
    X, look_back = data
    n, n_features = X.shape
    windows = SlidingWindowTransformer(look_back=look_back).fit_transform(X)
    flat = SlidingWindowTransformer(look_back=look_back, flatten=True).fit_transform(X)
    assert_array_equal(flat.reshape(n, look_back, n_features), windows)
    assert_array_equal(windows.reshape(n, -1), flat)


@PROPERTY
@given(data=series_and_look_back())
def test_lag_columns_hold_the_lagged_rows(data):
    """Column ``{feature}_lag_{k}`` of row t is X[t - k] (edge-filled at the start)."""
    X, look_back = data
    n, n_features = X.shape
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(n_features)])
    out = (
        SlidingWindowTransformer(look_back=look_back, flatten=True)
        .set_output(transform="pandas")
        .fit_transform(frame)
    )
    rows = np.arange(n)
    for k in range(look_back):
        for j in range(n_features):
            assert_array_equal(
                out[f"f{j}_lag_{k}"].to_numpy(), X[np.maximum(rows - k, 0), j]
            )


@PROPERTY
@given(
    data=series_and_look_back(spare_rows=1),
    kind=st.sampled_from(INDEX_KINDS),
    as_series=st.booleans(),
)
def test_pandas_output_keeps_the_index_and_names_the_lags(data, kind, as_series):
    X, look_back = data
    n = X.shape[0]
    index = make_index(kind, n)
    if as_series:
        frame = pd.Series(X[:, 0], index=index, name="level")
    else:
        frame = pd.DataFrame(X, index=index).add_prefix("x")
    swt = SlidingWindowTransformer(look_back=look_back, flatten=True).set_output(
        transform="pandas"
    )
    out = swt.fit_transform(frame)
    assert out.index.equals(index)
    assert list(out.columns) == list(swt.get_feature_names_out())
    # a later chunk, transformed on its own, keeps its own index too
    cut = n // 2
    assert swt.transform(frame.iloc[cut:]).index.equals(index[cut:])


@PROPERTY
@given(
    data=series_and_look_back(spare_rows=1, max_rows=40),
    kind=st.sampled_from(["range", "range with offset and step", "daily", "monthly"]),
    cut=st.floats(0.1, 0.9),
    flatten=st.booleans(),
)
def test_a_chunk_that_continues_the_fit_gets_its_real_history(data, kind, cut, flatten):
    """Split anywhere, the later chunk's windows equal the whole series' windows.

    The property behind the cross-validation recipe for pandas input.
    """
    X, look_back = data
    n = X.shape[0]
    cut = min(max(int(cut * n), look_back), n - 1)
    kind = "monthly periods" if kind == "monthly" else kind
    frame = pd.DataFrame(X, index=make_index(kind, n))
    whole = SlidingWindowTransformer(look_back, flatten=flatten).fit_transform(frame)
    # rows taken by position, as scikit-learn's splitters do (freq is lost)
    train, test = frame.iloc[np.arange(cut)], frame.iloc[np.arange(cut, n)]
    swt = SlidingWindowTransformer(look_back, flatten=flatten).fit(train)
    assert_array_equal(swt.transform(test), whole[cut:])


@PROPERTY
@given(
    data=series_and_look_back(spare_rows=1, max_rows=40),
    cut=st.floats(0.1, 0.9),
    t=st.integers(0, 39),
    seed=st.integers(0, 2**16),
)
def test_no_look_ahead_across_fit_and_transform(data, cut, t, seed):
    """With history from fit, window t of a chunk still sees nothing after t."""
    X, look_back = data
    n = X.shape[0]
    cut = min(max(int(cut * n), look_back), n - 1)
    frame = pd.DataFrame(X, index=pd.RangeIndex(n))
    swt = SlidingWindowTransformer(look_back).fit(frame.iloc[:cut])
    test = frame.iloc[cut:]
    t = t % len(test)
    windows = swt.transform(test)
    changed = test.copy()
    rng = np.random.default_rng(seed)
    changed.iloc[t + 1 :] = rng.normal(size=changed.iloc[t + 1 :].shape)
    assert_array_equal(swt.transform(changed)[t], windows[t])


# -- panels (id_col): many series in long layout ------------------------------


@st.composite
def long_panels(draw):
    """A long panel in shuffled rows, and its look_back.

    Series ``k`` takes its values in ``[10 k, 10 k + 1)``, so any value in a
    window tells which series it came from; each row's index is its time
    step within its series (the column form's time).
    """
    look_back = draw(st.integers(1, 6))
    n_series = draw(st.integers(1, 5))
    lengths = draw(st.lists(st.integers(1, 12), min_size=n_series, max_size=n_series))
    lengths[0] = max(lengths[0], look_back)  # fit needs one series that long
    offsets = st.floats(0, 1, exclude_max=True, allow_nan=False, width=64)
    frames = []
    for k, length in enumerate(lengths):
        y = np.asarray(draw(st.lists(offsets, min_size=length, max_size=length)))
        frames.append(
            pd.DataFrame({"unique_id": f"s{k}", "y": 10.0 * k + y}, index=range(length))
        )
    panel = pd.concat(frames)
    rows = draw(st.permutations(range(len(panel))))
    return panel.iloc[list(rows)], look_back


def _series_of(values):
    return np.floor(np.asarray(values) / 10.0)


@PROPERTY
@given(data=long_panels())
def test_panel_windows_never_hold_another_series_values(data):
    panel, look_back = data
    windows = SlidingWindowTransformer(look_back, id_col="unique_id").fit_transform(
        panel
    )
    own = panel["unique_id"].str[1:].astype(float).to_numpy()
    assert_array_equal(
        _series_of(windows[:, :, 0]), np.repeat(own[:, None], look_back, 1)
    )


@PROPERTY
@given(data=long_panels(), seed=st.integers(0, 2**16))
def test_panel_windows_do_not_depend_on_the_order_of_the_rows(data, seed):
    """Reordering the rows (which series comes first, interleaving) moves the
    windows with their rows and changes none of them; each series is windowed
    as it would be alone."""
    panel, look_back = data
    swt = SlidingWindowTransformer(look_back, id_col="unique_id")
    windows = swt.fit_transform(panel)
    rows = np.random.default_rng(seed).permutation(len(panel))
    assert_array_equal(swt.fit_transform(panel.iloc[rows]), windows[rows])
    for series_id, series in panel.groupby("unique_id"):
        at = (panel["unique_id"] == series_id).to_numpy()
        order = np.argsort(series.index.to_numpy())
        alone = sliding_windows(series[["y"]].to_numpy()[order], look_back)
        assert_array_equal(windows[at][order], alone)


@PROPERTY
@given(data=long_panels(), flatten=st.booleans())
def test_panel_column_and_multiindex_forms_agree(data, flatten):
    panel, look_back = data
    by_level = panel.set_index("unique_id", append=True).swaplevel()
    column = SlidingWindowTransformer(look_back, flatten=flatten, id_col="unique_id")
    level = SlidingWindowTransformer(look_back, flatten=flatten, id_col="unique_id")
    assert_array_equal(level.fit_transform(by_level), column.fit_transform(panel))


@PROPERTY
@given(data=long_panels(), cut=st.integers(1, 11))
def test_panel_rows_after_a_cut_get_their_own_series_history(data, cut):
    """Cut every series at one time step: the later rows' windows equal the
    windows built on the whole panel (the cross-validation recipe, per series)."""
    panel, look_back = data
    whole = SlidingWindowTransformer(look_back, id_col="unique_id").fit_transform(panel)
    later = np.asarray(panel.index >= cut)
    assume(later.any() and not later.all())
    train = panel[~later]
    assume(train.groupby("unique_id").size().max() >= look_back)
    swt = SlidingWindowTransformer(look_back, id_col="unique_id").fit(train)
    assert_array_equal(swt.transform(panel[later]), whole[later])
