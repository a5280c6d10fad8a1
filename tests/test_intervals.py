"""Intervals that hold per series, and bounds that respect the series."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from skrnn import RNNForecaster, WindowForecaster
from skrnn._forecast.calibration import (
    calibration_folds,
    calibration_plan,
    calibration_sizes,
)
from skrnn._forecast.data import check_history
from skrnn._forecast.intervals import (
    bounds,
    conformal_quantiles,
    series_error_scales,
    series_quantiles,
)
from skrnn.datasets import load_airline
from skrnn.model_selection import backtest

# -- the arithmetic, by hand -------------------------------------------------------


def test_per_series_scales_and_quantiles_by_hand():
    base = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]])
    errors = np.vstack([base, 3.0 * base])  # series 1 errs three times as much
    series = np.repeat([0, 1], 4)
    # step means 5 and 10: series 0 is at half of them, series 1 at 1.5
    np.testing.assert_allclose(
        series_error_scales(errors, series, 3, prior=0), [0.5, 1.5, 1.0]
    )
    # pulled towards 1 by 3 pseudo-origins: (4 * 0.5 + 3) / 7, (4 * 1.5 + 3) / 7
    np.testing.assert_allclose(
        series_error_scales(errors, series, 2, prior=3), [5 / 7, 9 / 7]
    )
    # normalised, both series' errors are 2, 4, 6, 8 (then 4 ... 16): the
    # pooled 50% quantile is the 5th smallest of 8, 6 (12); each series gets
    # it times its own scale
    scales = np.array([0.5, 1.5])
    np.testing.assert_allclose(
        series_quantiles(errors, series, scales, 0.5), [[3.0, 6.0], [9.0, 18.0]]
    )
    # one pooled quantile would give both series 4 (8): too wide for the
    # first, too narrow for the second
    np.testing.assert_allclose(conformal_quantiles(errors, 0.5), [4.0, 8.0])


def test_bounds_in_logs_and_at_a_floor():
    point, half = np.array([10.0, 1.0]), np.array([np.log(2.0), 2.0])
    lower, upper = bounds(point, half, log=True, floor=None)
    np.testing.assert_allclose(lower, [5.0, np.exp(-2.0)])
    np.testing.assert_allclose(upper, [20.0, np.exp(2.0)])
    lower, upper = bounds(point, half, log=False, floor=0.0)
    np.testing.assert_allclose(lower, [10.0 - np.log(2.0), 0.0])
    np.testing.assert_allclose(upper, [10.0 + np.log(2.0), 3.0])
    lower, _ = bounds(point, half, log=False, floor=None)
    assert lower[1] == -1.0


# -- calibration folds ----------------------------------------------------------


def _history(n):
    history, _, _ = check_history(pd.Series(np.arange(1.0, n + 1)))
    return history


def test_each_fold_forecasts_only_origins_after_its_cutoff():
    histories = [_history(60), _history(40)]
    sizes = np.array([9, 4])
    plan = calibration_plan(histories, sizes, 3, look_back=5, horizon=2)
    assert len(plan) == 3
    seen = {0: [], 1: []}
    for fold in plan:
        for i, history in enumerate(histories):
            origins = fold.origins[fold.series == i]
            seen[i] += origins.tolist()
            # the copy was fitted on rows up to the block's first origin only
            if len(origins):
                assert len(fold.heads[i]) == origins.min() + 1
            np.testing.assert_array_equal(
                fold.truth[fold.series == i], history.y[origins[:, None] + [1, 2]]
            )
    # every calibration origin once, the last ones of each series
    assert seen[0] == list(range(60 - 2 - 9, 60 - 2))
    assert seen[1] == list(range(40 - 2 - 4, 40 - 2))


def test_auto_folds_follow_the_history():
    assert calibration_folds(np.array([100]), "auto", "auto") == 3
    assert calibration_folds(np.array([400, 900]), "auto", "auto") == 1
    assert calibration_folds(np.array([100]), None, "auto") == 0
    assert calibration_folds(np.array([100]), "auto", 2) == 2
    # a quarter of each series, at least 20 in all, at most half of each
    sizes = calibration_sizes(np.array([120, 400, 30]), "auto", horizon=1)
    np.testing.assert_array_equal(sizes, [30, 100, 7])
    np.testing.assert_array_equal(calibration_sizes(np.array([20]), "auto", 1), [10])


@pytest.mark.parametrize("calibration", ["auto", 7, 500])
@pytest.mark.parametrize("horizon", [1, 2, 12, 48])
def test_the_first_copy_always_has_windows_to_fit_on(calibration, horizon):
    # the first copy fits on the windows whose horizon values all come before
    # the first calibration origin: horizon - 1 more are lost than origins
    counts = np.arange(0, 200)
    for count in counts:
        size = calibration_sizes(np.array([count]), calibration, horizon)[0]
        kept = count - size - (horizon - 1)
        wanted = max(20, count // 4) if calibration == "auto" else calibration
        old = min(wanted, count // 2)
        if count - old - (horizon - 1) >= 1:
            assert size == old  # a history that gave windows is left as it was
        elif count >= horizon + 1:
            assert 1 <= size <= kept  # as many windows as forecasts
        else:
            assert size == 0  # too short for one calibration forecast
    # a panel of two short series: the first copy of the plan fits on windows
    histories = [_history(n) for n in (40, 2 * horizon + 12)]
    look_back = 5
    n = np.array([max(len(h) - look_back - horizon + 1, 0) for h in histories])
    sizes = calibration_sizes(n, calibration, horizon)
    assert sizes[1] >= 1
    plan = calibration_plan(histories, sizes, 3, look_back=look_back, horizon=horizon)
    windows = [max(len(h) - look_back - horizon + 1, 0) for h in plan[0].heads]
    assert sum(windows) >= 1


def test_a_short_monthly_history_is_calibrated():
    # 42 months, a year ahead (an M4 monthly series' shortest history): the
    # first calibration copy once had no window to fit on
    y = load_airline().iloc[:42]
    fc = WindowForecaster(horizon=12).fit(y)
    assert fc.calibration_errors_ is not None
    forecast = fc.predict(coverage=0.9)
    assert (forecast["y_lower"] <= forecast["y_pred"]).all()


def test_a_history_too_short_to_calibrate_warns_and_says_so():
    y = load_airline().iloc[:30]
    with pytest.warns(UserWarning, match="too short to calibrate intervals"):
        fc = WindowForecaster(horizon=12).fit(y)
    assert len(fc.predict()) == 12  # point forecasts still work
    with pytest.raises(ValueError, match="long enough to hold a calibration"):
        fc.predict(coverage=0.9)


def test_folds_are_fitted_and_reported():
    y = pd.Series(np.sin(np.arange(150) / 3.0) + np.arange(150) / 50.0)
    fc = WindowForecaster(horizon=3, look_back=6, season=1).fit(y)
    assert fc.calibration_folds_ == 3
    assert fc.calibration_errors_.shape == (len(fc.calibration_series_), 3)
    np.testing.assert_allclose(fc.interval_scales_, [1.0])  # one series: pooled
    one = WindowForecaster(horizon=3, look_back=6, season=1, calibration_folds=1)
    assert one.fit(y).calibration_folds_ == 1
    none = WindowForecaster(horizon=3, look_back=6, season=1, calibration=None)
    assert none.fit(y).calibration_folds_ == 0


# -- coverage per series --------------------------------------------------------


def calm_and_noisy(seed, n=500):
    """White noise around a level, and a random walk of persistent steps.

    Relative to their step-to-step changes, a global model errs far more on
    the second: one pooled quantile covers the first fully and the second
    well short of the nominal level.
    """
    rng = np.random.default_rng(seed)
    calm = 100 + rng.normal(0, 1.0, n)
    steps = np.zeros(n)
    for t, shock in enumerate(rng.normal(0, 1.0, n)[1:], start=1):
        steps[t] = 0.7 * steps[t - 1] + shock
    noisy = 1000 + np.cumsum(steps)
    ds = pd.date_range("2000-01-03", periods=n, freq="D")
    return pd.concat(
        [
            pd.DataFrame({"unique_id": name, "ds": ds, "y": values})
            for name, values in (("calm", calm), ("noisy", noisy))
        ],
        ignore_index=True,
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_intervals_cover_a_calm_and_a_noisy_series_alike(seed):
    forecaster = WindowForecaster(horizon=8, look_back=12, season=1)
    result = backtest(
        forecaster, calm_and_noisy(seed), n_origins=40, step=8, coverage=0.9
    )
    coverage = result.by_series["coverage"]
    # measured over seeds 0-9: 0.90-0.93 and 0.86-0.90 (one pooled quantile:
    # 0.99-1.00 and 0.77-0.86)
    assert coverage.between(0.8, 0.97).all(), coverage
    assert result.summary["coverage_min"] == coverage.min()
    assert result.summary["coverage_max"] == coverage.max()
    fitted = forecaster.fit(calm_and_noisy(seed))
    calm, noisy = fitted.interval_scales_
    assert noisy > 1.5 * calm


# -- bounds respect the series --------------------------------------------------


def _monthly(values):
    return pd.Series(
        values, index=pd.date_range("2000-01", periods=len(values), freq="MS")
    )


def small_positive(n=200):
    """A positive series near zero that moves by a third of its level."""
    rng = np.random.default_rng(0)
    return _monthly(np.exp(np.cumsum(rng.normal(0, 0.3, n)) - 2))


def counts(n=200):
    """Small counts with many zeros: never negative, but not modelled in logs."""
    return _monthly(np.random.default_rng(0).poisson(0.7, n).astype(float))


def test_a_series_modelled_in_logs_gets_positive_bounds():
    fc = WindowForecaster(horizon=6, look_back=12, season=1).fit(small_positive())
    assert fc.estimator_.log_target_ and fc.interval_space_ == "log"
    out = fc.predict(coverage=[0.8, 0.95])
    assert (out["y_lower_95"] > 0).all()
    assert (out["y_lower_95"] < out["y_lower_80"]).all()
    assert (out["y_lower_80"] < out["y_pred"]).all()
    # wider above than below, as a band in logs is
    above = out["y_upper_95"] - out["y_pred"]
    assert (above > out["y_pred"] - out["y_lower_95"]).all()


def test_a_series_never_negative_gets_no_negative_lower_bound():
    fc = WindowForecaster(horizon=6, look_back=12, season=1).fit(counts())
    assert not fc.estimator_.log_target_ and fc.interval_space_ == "level"
    out = fc.predict(coverage=0.9)
    assert (out["y_lower"] >= 0).all()
    assert (out["y_lower"] == 0).any()  # the symmetric band reaches below 0
    assert (out["y_upper"] > out["y_pred"]).all()


def test_symmetric_intervals_are_the_point_plus_and_minus_a_half_width():
    fc = WindowForecaster(horizon=6, look_back=12, season=1, symmetric_intervals=True)
    for y in (counts(), small_positive()):
        out = fc.fit(y).predict(coverage=0.9)
        assert fc.interval_space_ == "level"
        half = out["y_upper"] - out["y_pred"]
        np.testing.assert_allclose(out["y_lower"], out["y_pred"] - half)
        assert (out["y_lower"] < 0).any()


def test_an_rnn_forecaster_takes_the_interval_parameters():
    params = RNNForecaster(symmetric_intervals=True, calibration_folds=2).get_params()
    assert params["symmetric_intervals"] is True
    assert params["calibration_folds"] == 2
    with pytest.raises(ValueError, match="calibration_folds"):
        WindowForecaster(calibration_folds=0).fit(small_positive())
    with pytest.raises(ValueError, match="symmetric_intervals"):
        WindowForecaster(symmetric_intervals="yes").fit(small_positive())


def test_per_series_intervals_save_and_load(tmp_path):
    panel = calm_and_noisy(0, n=200)
    fc = WindowForecaster(Ridge(), horizon=4, look_back=8, season=1).fit(panel)
    fc.save(tmp_path / "fc.skrnn")
    loaded = WindowForecaster.load(tmp_path / "fc.skrnn")
    for name in ("calibration_series_", "interval_scales_", "calibration_errors_"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(fc, name))
    assert loaded.interval_space_ == fc.interval_space_
    assert loaded.calibration_folds_ == fc.calibration_folds_
    pd.testing.assert_frame_equal(
        loaded.predict(coverage=0.9), fc.predict(coverage=0.9)
    )


def test_a_forecaster_saved_before_per_series_intervals_still_predicts():
    fc = WindowForecaster(horizon=4, look_back=8, season=1).fit(counts())
    state = dict(fc.__getstate__())
    for name in ("calibration_folds", "symmetric_intervals", "calibration_folds_"):
        del state[name]
    for name in ("interval_space_", "calibration_series_", "interval_scales_"):
        del state[name]
    state["estimator_"] = state.pop("estimators_")[0]  # and before ensembles
    old = WindowForecaster.__new__(WindowForecaster)
    old.__setstate__(state)
    assert old.symmetric_intervals and old.calibration_folds == 1
    assert old.estimators_ == [old.estimator_]
    out = old.predict(coverage=0.9)  # as it did then: symmetric, one pool
    half = out["y_upper"] - out["y_pred"]
    np.testing.assert_allclose(out["y_lower"], out["y_pred"] - half)
    assert (out["y_lower"] < 0).any()


def test_a_series_that_turns_negative_late_is_calibrated_without_logs():
    # positive over its older part: a calibration copy fitted there alone
    # took logarithms, then failed on the later windows
    n = 200
    drift = np.r_[np.linspace(50, 5, 170), np.linspace(4, -3, 30)]
    y = pd.Series(drift + np.sin(np.arange(n)))
    fc = WindowForecaster(horizon=4, look_back=8, season=1).fit(y)
    assert fc.interval_space_ == "level" and not fc.estimator_.log_target_
    out = fc.predict(coverage=0.9)
    assert (out["y_lower"] < out["y_pred"]).all()
    assert (out["y_pred"] < out["y_upper"]).all()


def test_backtests_report_the_coverage_of_every_series():
    from skrnn.model_selection import compare_forecasters

    panel = calm_and_noisy(0, n=200)
    board = compare_forecasters(
        {"Ridge": WindowForecaster(horizon=4, look_back=8, season=1)},
        panel,
        n_origins=4,
        coverage=0.9,
    )
    row = board.iloc[0]
    assert row["coverage_min"] <= row["coverage_median"] <= row["coverage_max"]
    assert row["coverage_min"] <= row["coverage"] <= row["coverage_max"]
    result = backtest(
        WindowForecaster(horizon=4, look_back=8, season=1),
        panel,
        n_origins=4,
        coverage=[0.8, 0.9],
    )
    assert list(result.by_series.index) == ["calm", "noisy"]
    assert {"coverage_80_min", "coverage_90_max"} <= set(result.summary.index)
    single = backtest(
        WindowForecaster(horizon=4, look_back=8, season=1),
        counts(),
        n_origins=2,
        coverage=0.9,
    )
    assert single.by_series is None and "coverage_min" not in single.summary
