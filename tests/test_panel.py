"""Panels: many series in, one forecaster, windows and folds per series."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import GridSearchCV, cross_validate

from skrnn import RNNForecaster, WindowForecaster
from skrnn._forecast.panel import check_panel, panel_windows, window_quota
from skrnn.baselines import SeasonalNaiveRegressor
from skrnn.model_selection import PanelSplit, backtest

COLUMNS = ("unique_id", "ds", "y")


def series(n, level, seed, start=0):
    rng = np.random.default_rng(seed)
    t = np.arange(start, start + n)
    return level * (10 + np.sin(2 * np.pi * t / 12) + 0.1 * rng.standard_normal(n))


def long_panel(lengths=(60, 45, 80), levels=(1.0, 100.0, 5.0), dates=True):
    """A long panel: ragged lengths, different start dates, one end each."""
    frames = []
    for k, (n, level) in enumerate(zip(lengths, levels, strict=True)):
        if dates:
            ds = pd.date_range("2000-01-01", periods=n + 5 * k, freq="MS")[5 * k :]
        else:
            ds = np.arange(3 * k, 3 * k + n)
        frames.append(
            pd.DataFrame({"unique_id": f"s{k}", "ds": ds, "y": series(n, level, k)})
        )
    return pd.concat(frames, ignore_index=True)


# -- windows never cross series ----------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 40), min_size=1, max_size=5),
    look_back=st.integers(1, 6),
    horizon=st.integers(1, 4),
    limit=st.one_of(st.none(), st.integers(1, 60)),
)
def test_windows_of_one_series_never_hold_another_series_values(
    lengths, look_back, horizon, limit
):
    # series k lives in [1000 k, 1000 k + 999]: a window that read another
    # series would hold a value out of its own range
    frames = [
        pd.DataFrame(
            {"unique_id": k, "ds": np.arange(n), "y": 1000.0 * k + np.arange(n) % 999}
        )
        for k, n in enumerate(lengths)
        if n >= 2
    ]
    if not frames:
        return
    panel, _, _ = check_panel(pd.concat(frames), None, None, COLUMNS)
    with_windows = sum(len(h) - look_back - horizon + 1 > 0 for h in panel.histories)
    if limit is not None and limit < with_windows:
        with pytest.raises(ValueError, match="max_windows"):
            panel_windows(panel, look_back, horizon, limit)
        return
    windows, targets = panel_windows(panel, look_back, horizon, limit)
    if len(windows) == 0:
        return
    owner = np.floor(windows[:, -1, 0] / 1000)
    assert np.all(np.floor(windows[:, :, 0] / 1000) == owner[:, None])
    assert np.all(np.floor(targets / 1000) == owner[:, None])
    # and the targets are the values right after each window
    np.testing.assert_array_equal(targets[:, 0] - windows[:, -1, 0], 1.0)
    if limit is not None:
        assert len(windows) <= limit


def test_reordering_the_series_changes_no_window_and_no_fold():
    panel = long_panel()
    shuffled = panel.sample(frac=1.0, random_state=0)  # rows and series reordered
    windows = {}
    for frame in (panel, shuffled):
        checked, _, _ = check_panel(frame, None, None, COLUMNS)
        w, t = panel_windows(checked, 12, 3)
        by_series = {}
        start = 0
        for key, history in zip(checked.ids, checked.histories, strict=True):
            count = len(history) - 12 - 3 + 1
            by_series[key] = (w[start : start + count], t[start : start + count])
            start += count
        windows[id(frame)] = by_series
    first, second = windows[id(panel)], windows[id(shuffled)]
    assert first.keys() == second.keys()
    for key in first:
        np.testing.assert_array_equal(first[key][0], second[key][0])
        np.testing.assert_array_equal(first[key][1], second[key][1])

    def folds(frame):
        pairs = []
        for train, test in PanelSplit(3, horizon=4).split(frame):
            pairs.append(
                tuple(
                    frozenset(map(tuple, frame.iloc[part][["unique_id", "ds"]].values))
                    for part in (train, test)
                )
            )
        return pairs

    assert folds(panel) == folds(shuffled)


def test_window_quota_shares_the_budget_equally_and_keeps_recent_windows():
    np.testing.assert_array_equal(window_quota([5, 100, 100], 105), [5, 50, 50])
    np.testing.assert_array_equal(window_quota([5, 100], None), [5, 100])
    panel, _, _ = check_panel(long_panel(), None, None, COLUMNS)
    windows, _ = panel_windows(panel, 6, 2, max_windows=30)
    assert len(windows) == 30
    # the kept windows of the first series end with its last trainable origin
    first = panel.histories[0]
    np.testing.assert_array_equal(windows[9, :, 0], first.y[-8:-2])


# -- the splitter ---------------------------------------------------------------


def test_panel_split_folds_are_time_ordered_per_series_and_end_each_series():
    panel = long_panel(lengths=(30, 20, 25))
    splits = list(PanelSplit(3, horizon=4, step=2, gap=1).split(panel))
    assert len(splits) == 3
    for k, (train, test) in enumerate(splits):
        for rows in panel.groupby("unique_id").groups.values():
            train_ds = panel.loc[rows.intersection(train), "ds"]
            test_ds = panel.loc[rows.intersection(test), "ds"]
            assert len(test_ds) == 4
            step = pd.offsets.MonthBegin()
            assert test_ds.min() == train_ds.max() + 2 * step  # gap of one
            # the last fold tests the last four steps of each series
            back = (2 - k) * 2
            assert test_ds.max() == panel.loc[rows, "ds"].max() - back * step


def test_panel_split_reads_a_multiindex_groups_or_one_series():
    panel = long_panel(lengths=(10, 12), levels=(1.0, 2.0), dates=False)
    indexed = panel.set_index(["unique_id", "ds"])
    by_column = list(PanelSplit(2, horizon=2).split(panel))
    by_index = list(PanelSplit(2, horizon=2).split(indexed))
    by_groups = list(
        PanelSplit(2, horizon=2).split(panel[["y"]], groups=panel["unique_id"])
    )
    for a, b, c in zip(by_column, by_index, by_groups, strict=True):
        for part in range(2):
            np.testing.assert_array_equal(a[part], b[part])
            np.testing.assert_array_equal(a[part], c[part])
    single = list(PanelSplit(2, horizon=3).split(np.zeros(10)))
    np.testing.assert_array_equal(single[-1][1], [7, 8, 9])
    np.testing.assert_array_equal(single[0][1], [4, 5, 6])
    with pytest.raises(ValueError, match="no series long enough"):
        list(PanelSplit(5, horizon=3).split(np.zeros(10)))
    with pytest.raises(ValueError, match="horizon"):
        list(PanelSplit(2, horizon=0).split(panel))


def test_grid_search_and_cross_validate_on_a_panel():
    panel = long_panel(lengths=(80, 70, 90))
    cv = PanelSplit(3, horizon=6)
    search = GridSearchCV(
        WindowForecaster(horizon=6, calibration=None),
        {"look_back": [2, 12]},
        cv=cv,
    ).fit(panel)
    # a season-long window sees the cycle that two steps cannot
    assert search.best_params_ == {"look_back": 12}
    assert search.cv_results_["mean_test_score"][1] > -1.0
    scores = cross_validate(
        WindowForecaster(horizon=6, look_back=12, calibration=None), panel, cv=cv
    )["test_score"]
    assert len(scores) == 3 and np.all(np.isfinite(scores))


# -- the forecasters on panels --------------------------------------------------


def test_long_panel_forecasts_continue_each_series():
    panel = long_panel()
    before = panel.copy()
    fc = WindowForecaster(horizon=4).fit(panel)
    out = fc.predict(coverage=[0.8, 0.95])
    pd.testing.assert_frame_equal(panel, before)
    assert list(out.columns) == [
        "unique_id",
        "ds",
        "y_pred",
        "y_lower_80",
        "y_upper_80",
        "y_lower_95",
        "y_upper_95",
    ]
    assert fc.n_series_ == 3 and len(out) == 12
    for key, rows in out.groupby("unique_id"):
        last = panel.loc[panel.unique_id == key, "ds"].max()
        expected = pd.date_range(last, periods=5, freq="MS")[1:]
        assert list(rows["ds"]) == list(expected)
        assert fc.cutoff_[key] == last
    assert (out["y_lower_95"] <= out["y_lower_80"]).all()
    assert (out["y_lower_80"] <= out["y_pred"]).all()


def test_integer_ds_and_ragged_lengths_work():
    panel = long_panel(dates=False)
    out = WindowForecaster(horizon=3, look_back=12).fit(panel).predict()
    for key, rows in out.groupby("unique_id"):
        last = panel.loc[panel.unique_id == key, "ds"].max()
        assert list(rows["ds"]) == [last + 1, last + 2, last + 3]


@pytest.mark.parametrize(
    "forecaster",
    [
        WindowForecaster(horizon=3, look_back=12),
        RNNForecaster(
            horizon=3, look_back=6, units=4, epochs=1, n_models=1, random_state=0
        ),
    ],
    ids=["ridge", "rnn"],
)
def test_long_and_wide_inputs_give_the_same_forecasts(forecaster):
    panel = long_panel(lengths=(40, 30, 50))
    wide = panel.pivot(index="ds", columns="unique_id", values="y")
    wide.index.freq = "MS"
    # the wide frame ends every series on its last row; so does the long one
    ends = panel.groupby("unique_id")["ds"].max()
    panel = panel[panel["ds"] <= ends.min()]
    wide = wide.loc[: ends.min()]
    long_out = forecaster.fit(panel).predict(coverage=0.9)
    wide_out = forecaster.fit(wide).predict(coverage=0.9)
    assert list(wide_out.columns.get_level_values(0).unique()) == ["s0", "s1", "s2"]
    for key in ["s0", "s1", "s2"]:
        rows = long_out[long_out.unique_id == key].set_index("ds")
        np.testing.assert_allclose(
            rows["y_pred"].to_numpy(), wide_out[(key, "y_pred")].to_numpy(), rtol=1e-5
        )
        np.testing.assert_allclose(
            rows["y_upper"].to_numpy(), wide_out[(key, "y_upper")].to_numpy(), rtol=1e-5
        )
    points = forecaster.predict()
    assert list(points.columns) == ["s0", "s1", "s2"]


def test_one_calibration_serves_series_of_any_scale():
    # the same shape at two scales: forecasts and intervals scale with it
    base = long_panel(lengths=(60,), levels=(1.0,))
    scaled = base.assign(unique_id="big", y=1000.0 * base["y"])
    panel = pd.concat([base, scaled], ignore_index=True)
    out = WindowForecaster(horizon=4).fit(panel).predict(coverage=0.9)
    small, big = out[out.unique_id == "s0"], out[out.unique_id == "big"]
    for column in ("y_pred", "y_lower", "y_upper"):
        np.testing.assert_allclose(
            big[column].to_numpy(), 1000.0 * small[column].to_numpy(), rtol=1e-6
        )


def test_covariates_and_static_features_in_the_long_layout():
    panel = long_panel()
    panel["size"] = panel["unique_id"].map({"s0": 1.0, "s1": 2.0, "s2": 3.0})
    panel["promo"] = (panel["ds"].dt.month == 6).astype(float)
    fc = WindowForecaster(horizon=3, look_back=12, future_covariates=["promo"])
    fc.fit(panel)
    assert fc.past_covariates_ == ["size"] and fc.future_covariates_ == ["promo"]
    ends = panel.groupby("unique_id")["ds"].max()
    future = pd.concat(
        pd.DataFrame(
            {"unique_id": key, "ds": pd.date_range(end, periods=4, freq="MS")[1:]}
        )
        for key, end in ends.items()
    ).assign(promo=[0.0, 0.0, 1.0] * 3)
    out = fc.predict(future)
    # promotions lift the forecast where a promotion is planned
    assert list(out["ds"]) == list(future["ds"])
    assert len(out) == 9
    with pytest.raises(ValueError, match="no rows for series 's2'"):
        fc.predict(future[future.unique_id != "s2"])


def test_update_and_score_take_the_panel_layout():
    panel = long_panel(dates=False)
    last = panel.groupby("unique_id").tail(3)
    history = panel.drop(last.index)
    fc = WindowForecaster(horizon=3, look_back=12).fit(history)
    score = fc.score(last)
    assert score < 0
    fc.update(last)
    refit_index = WindowForecaster(horizon=3, look_back=12).fit(panel).predict()
    pd.testing.assert_frame_equal(
        fc.predict()[["unique_id", "ds"]], refit_index[["unique_id", "ds"]]
    )
    with pytest.raises(ValueError, match="series 's0'|should be"):
        fc.update(last)  # no longer the next rows
    with pytest.raises(ValueError, match="not fitted on"):
        fc.update(last.assign(unique_id="new"))


def test_backtest_on_a_panel_scores_every_series():
    panel = long_panel()
    naive = WindowForecaster(SeasonalNaiveRegressor(12), horizon=4, look_back=12)
    result = backtest(naive, panel, n_origins=2, coverage=0.8)
    forecasts = result.forecasts
    assert forecasts["unique_id"].nunique() == 3
    assert len(forecasts) == 3 * 2 * 4
    assert set(forecasts["horizon"]) == {1, 2, 3, 4}
    # the scale is each series' own (s1 is s0's shape at 100 times the level)
    scales = forecasts.groupby("unique_id")["scale"].mean()
    assert 30 < scales["s1"] / scales["s0"] < 300
    mase = (forecasts["y_true"] - forecasts["y_pred"]).abs() / forecasts["scale"]
    per_series = mase.groupby(forecasts["unique_id"]).mean()
    assert per_series.max() / per_series.min() < 5
    assert result.summary["mase"] == pytest.approx(per_series.mean())


def test_bad_panels_get_clear_errors():
    panel = long_panel()
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['ds'\]"):
        WindowForecaster(horizon=2).fit(panel.drop(columns="ds"))
    with pytest.raises(ValueError, match="repeat a"):
        WindowForecaster(horizon=2).fit(pd.concat([panel, panel.iloc[:1]]))
    gappy = panel.drop(index=70)
    with pytest.raises(ValueError, match="series 's1' does not step regularly"):
        WindowForecaster(horizon=2).fit(gappy)
    with pytest.raises(ValueError, match="covariates are its other columns"):
        WindowForecaster(horizon=2).fit(panel, panel)
    with pytest.raises(ValueError, match="missing or infinite"):
        WindowForecaster(horizon=2).fit(panel.assign(y=panel["y"].where(panel.y > 9)))
    renamed = panel.rename(columns={"unique_id": "store", "y": "sales"})
    with pytest.raises(ValueError, match="Column 'store' of y holds .* id_col"):
        WindowForecaster(horizon=2).fit(renamed)
    fc = WindowForecaster(horizon=2, id_col="store", target_col="sales").fit(renamed)
    assert set(fc.predict()["store"]) == {"s0", "s1", "s2"}


def test_series_shorter_than_the_look_back_are_warned_about():
    panel = long_panel(lengths=(60, 8, 50))
    with pytest.warns(UserWarning, match="fewer steps than look_back=12"):
        fc = WindowForecaster(horizon=2, look_back=12).fit(panel)
    assert fc.predict().groupby("unique_id").size().tolist() == [2, 2, 2]


def test_epoch_sampling_draws_new_windows_from_the_whole_history():
    panel, _, _ = check_panel(long_panel(), None, None, COLUMNS)
    rng = np.random.default_rng(0)
    first, _ = panel_windows(panel, 6, 2, max_windows=30, rng=rng)
    second, _ = panel_windows(panel, 6, 2, max_windows=30, rng=rng)
    assert first.shape == second.shape == (30, 6, 1)
    assert not np.array_equal(first, second)
    # draws reach beyond the most recent windows of each series
    recent, _ = panel_windows(panel, 6, 2, max_windows=30)
    assert not {w.tobytes() for w in first} <= {w.tobytes() for w in recent}

    fc = RNNForecaster(
        horizon=2,
        look_back=6,
        units=4,
        epochs=3,
        n_models=1,
        max_windows=30,
        window_sampling="epoch",
        calibration=None,
        random_state=0,
    ).fit(long_panel())
    assert fc.estimator_.n_iter_ == 3 and fc.estimator_.epochs == 3
    assert fc.n_windows_ == 30
    again = clone(fc).fit(long_panel())
    pd.testing.assert_frame_equal(fc.predict(), again.predict())
    with pytest.raises(ValueError, match="needs an estimator that trains epoch"):
        WindowForecaster(horizon=2, max_windows=30, window_sampling="epoch").fit(
            long_panel()
        )


def test_a_panel_forecaster_saves_and_loads(tmp_path):
    wide = long_panel(lengths=(40, 40), levels=(1.0, 3.0)).pivot(
        index="ds", columns="unique_id", values="y"
    )
    wide = wide.dropna()
    wide.index.freq = "MS"
    fc = WindowForecaster(horizon=3, look_back=12).fit(wide.iloc[:-2])
    fc.update(wide.iloc[-2:])
    fc.save(tmp_path / "panel.skrnn")
    loaded = WindowForecaster.load(tmp_path / "panel.skrnn")
    pd.testing.assert_frame_equal(
        loaded.predict(coverage=0.9), fc.predict(coverage=0.9)
    )
    assert loaded.predict().index[0] == wide.index[-1] + pd.offsets.MonthBegin()


def test_max_windows_is_a_true_bound():
    np.testing.assert_array_equal(window_quota([5, 5, 5], 3), [1, 1, 1])
    with pytest.raises(ValueError, match="max_windows=2 is fewer than the 3 series"):
        window_quota([5, 5, 5], 2)


def test_recent_last_holds_out_the_most_recent_windows_of_every_series():
    from skrnn._forecast.window_fit import recent_last

    order = recent_last([10, 10, 10], 0.2)
    assert sorted(order) == list(range(30))
    np.testing.assert_array_equal(order[-6:], [8, 9, 18, 19, 28, 29])
    # unequal series: in proportion to their windows, every one held out
    np.testing.assert_array_equal(recent_last([5, 20], 0.2)[-5:], [4, 21, 22, 23, 24])


class _Recorder(RegressorMixin, BaseEstimator):
    """Records what it is fitted on; predicts the mean target."""

    def __init__(self, early_stopping=True, validation_fraction=0.2):
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction

    def fit(self, X, y):
        self.X_, self.mean_ = np.asarray(X), np.mean(y, axis=0)
        return self

    def predict(self, X):
        return np.tile(self.mean_, (len(X), 1))


def test_early_stopping_on_a_panel_validates_on_every_series_recent_windows():
    t = np.arange(30)
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(["a", "b", "c"], 30),
            "ds": np.tile(t, 3),
            "y": np.concatenate([1000.0 * k + t for k in (1, 2, 3)]),
        }
    )
    forecaster = WindowForecaster(
        _Recorder(), horizon=2, look_back=4, calibration=None
    ).fit(frame)
    X = forecaster.estimator_.X_
    n_val = len(X) - int(len(X) * 0.8)
    last_values = X[-n_val:, -1]  # each held-out window's most recent value
    for k in (1, 2, 3):
        mine = last_values[(last_values >= 1000 * k) & (last_values < 1000 * (k + 1))]
        assert len(mine) >= n_val // 3
        # the series' latest trainable window ends at t = 30 - 2 - 1 = 27
        assert mine.max() == 1000 * k + 27
