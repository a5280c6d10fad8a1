"""Tests for compare and predict_last_fold in skrnn.model_selection."""

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import SlidingWindowTransformer, make_supervised
from skrnn._selection.compare import _Progress
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor
from skrnn.datasets import load_airline
from skrnn.model_selection import compare, predict_last_fold

SCORERS = {
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
    "mape": "neg_mean_absolute_percentage_error",
}


@pytest.fixture(scope="module")
def airline():
    return make_supervised(load_airline())


def _ridge(look_back=12):
    return make_pipeline(
        SlidingWindowTransformer(look_back, flatten=True), StandardScaler(), Ridge()
    )


def _baselines():
    return {
        "Ridge": _ridge(),
        "persistence": make_pipeline(
            SlidingWindowTransformer(1), PersistenceRegressor()
        ),
        "seasonal naive": make_pipeline(
            SlidingWindowTransformer(12), SeasonalNaiveRegressor(12)
        ),
    }


def test_leaderboard_equals_cross_validate(airline):
    X, y = airline
    cv = TimeSeriesSplit(n_splits=4)
    models = _baselines()
    board = compare(models, X, y, cv=cv, progress=False).set_index("model")

    assert sorted(board.index) == sorted(models)
    for name, model in models.items():
        expected = cross_validate(model, X, y, cv=cv, scoring=SCORERS)
        for metric in SCORERS:
            errors = -expected[f"test_{metric}"]
            assert_allclose(board.loc[name, f"{metric}_mean"], errors.mean())
            assert_allclose(board.loc[name, f"{metric}_std"], errors.std())
        assert board.loc[name, "best_params"] == {}
        assert 0 < board.loc[name, "fit_time"] < 5


def test_search_reports_its_best_candidate(airline):
    X, y = airline
    cv = TimeSeriesSplit(n_splits=3)
    grid = {"slidingwindowtransformer__look_back": [3, 6, 12]}
    search = GridSearchCV(_ridge(), grid, cv=2, scoring="r2")

    board = compare({"Ridge": search}, X, y, cv=cv, progress=False)

    expected = GridSearchCV(_ridge(), grid, cv=cv, scoring=SCORERS, refit="rmse")
    expected.fit(X, y)
    results, best = expected.cv_results_, expected.best_index_
    row = board.iloc[0]
    assert row["best_params"] == expected.best_params_
    for metric in SCORERS:
        assert_allclose(row[f"{metric}_mean"], -results[f"mean_test_{metric}"][best])
        assert_allclose(row[f"{metric}_std"], results[f"std_test_{metric}"][best])
    assert row["fit_time"] > 0
    # the search given is left as it was: unfitted, with its own cv and scoring
    assert not hasattr(search, "cv_results_")
    assert search.cv == 2 and search.scoring == "r2"


def test_leaderboard_layout_and_order(airline):
    X, y = airline
    board = compare(_baselines(), X, y, progress=False)
    assert list(board.columns) == [
        "model",
        "best_params",
        "rmse_mean",
        "rmse_std",
        "mae_mean",
        "mae_std",
        "mape_mean",
        "mape_std",
        "fit_time",
    ]
    assert list(board.index) == [1, 2, 3] and board.index.name == "rank"
    assert board["rmse_mean"].is_monotonic_increasing
    assert (board[["rmse_mean", "mae_mean", "mape_mean"]] > 0).all().all()


def test_first_metric_ranks_and_r2_ranks_higher_first(airline):
    X, y = airline
    board = compare(_baselines(), X, y, scoring=("r2", "mae"), progress=False)
    assert list(board.columns[2:6]) == ["r2_mean", "r2_std", "mae_mean", "mae_std"]
    assert board["r2_mean"].is_monotonic_decreasing
    board = compare(_baselines(), X, y, scoring="mape", progress=False)
    assert board["mape_mean"].is_monotonic_increasing


def test_int_cv_is_a_time_series_split(airline):
    X, y = airline
    models = {"Ridge": _ridge()}
    by_int = compare(models, X, y, cv=3, progress=False)
    by_splitter = compare(models, X, y, cv=TimeSeriesSplit(3), progress=False)
    assert_allclose(by_int["rmse_mean"], by_splitter["rmse_mean"])


def test_numpy_windows_and_multi_output_targets(airline):
    X, _ = airline
    X, y = make_supervised(load_airline().to_numpy(), horizon=3)
    windows = SlidingWindowTransformer(12).fit_transform(X)
    models = {
        "Ridge": _ridge(6),
        "seasonal naive": make_pipeline(
            SlidingWindowTransformer(12), SeasonalNaiveRegressor(12)
        ),
    }
    cv = TimeSeriesSplit(3, gap=2)
    board = compare(models, windows, y, cv=cv, progress=False).set_index("model")
    expected = cross_validate(models["Ridge"], windows, y, cv=cv, scoring=SCORERS)
    assert_allclose(board.loc["Ridge", "rmse_mean"], -expected["test_rmse"].mean())


def test_model_failing_on_a_fold_gets_nan_and_ranks_last(airline):
    X, y = airline
    models = {
        # the first training fold has 28 rows, too few for windows of 30
        "long windows": _ridge(30),
        "persistence": make_pipeline(
            SlidingWindowTransformer(1), PersistenceRegressor()
        ),
    }
    with pytest.warns(FitFailedWarning, match="1 fits failed"):
        board = compare(models, X, y, cv=5, progress=False)
    assert board["model"].tolist() == ["persistence", "long windows"]
    assert np.isnan(board["rmse_mean"].iloc[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"models": {}}, "non-empty dict"),
        ({"models": [Ridge()]}, "non-empty dict"),
        ({"scoring": ("rmse", "accuracy")}, "scoring must name"),
        ({"scoring": ()}, "scoring must name"),
        ({"progress": "yes"}, "progress must be"),
    ],
)
def test_bad_arguments(airline, kwargs, match):
    X, y = airline
    arguments = {"models": {"Ridge": _ridge()}, "progress": False, **kwargs}
    with pytest.raises(ValueError, match=match):
        compare(X=X, y=y, **arguments)


def test_progress_is_shown_when_asked_and_only_then(airline, capsys):
    X, y = airline
    compare(_baselines(), X, y, cv=2, progress=True)
    lines = capsys.readouterr().err.splitlines()
    # not a terminal: one line per model, counting the fits of all models
    assert len(lines) == 3
    assert lines[-1].startswith("compare: [") and "6/6 fits" in lines[-1]
    assert "seasonal naive" in lines[-1]

    compare(_baselines(), X, y, cv=2, progress=False)
    compare(_baselines(), X, y, cv=2)  # "auto": quicker than the delay
    assert capsys.readouterr().err == ""


def test_progress_counts_the_fits_of_a_search(airline, capsys):
    X, y = airline
    grid = {"slidingwindowtransformer__look_back": [3, 6, 12]}
    compare({"Ridge": GridSearchCV(_ridge(), grid)}, X, y, cv=2, progress=True)
    assert "6/6 fits" in capsys.readouterr().err


def test_parallel_gives_the_serial_leaderboard(airline, capsys):
    X, y = airline
    models = {
        "Ridge search": GridSearchCV(_ridge(), {"ridge__alpha": [0.1, 1.0]}),
        **_baselines(),
    }
    serial = compare(models, X, y, cv=3, progress=False)
    parallel = compare(models, X, y, cv=3, n_jobs=2, progress=True)
    columns = ["model", "best_params", "rmse_mean", "mae_std", "mape_mean"]
    pd.testing.assert_frame_equal(parallel[columns], serial[columns])
    # fits in other processes are not counted, finished models are
    assert "6/15 fits" in capsys.readouterr().err.splitlines()[0]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_redraws_one_line_on_a_terminal():
    stream = _Terminal()
    bar = _Progress(4, True, stream=stream)
    bar.start_model("LSTM", 4)
    for _ in range(4):
        bar.tick()
    bar.end_model()
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    assert "4/4 fits" in text and "LSTM" in text


def test_progress_auto_waits_for_the_delay():
    stream = _Terminal()
    bar = _Progress(2, "auto", stream=stream, delay=60.0)
    bar.start_model("LSTM", 2)
    bar.tick()
    bar.end_model()
    bar.close()
    assert stream.getvalue() == ""


def test_predict_last_fold_fits_the_last_training_fold(airline):
    X, y = airline
    cv = TimeSeriesSplit(n_splits=4)
    y_pred = predict_last_fold(_ridge(), X, y, cv=cv)

    train, test = list(cv.split(X))[-1]
    expected = _ridge().fit(X.iloc[train], y.iloc[train]).predict(X.iloc[test])
    assert isinstance(y_pred, pd.Series)
    assert_allclose(y_pred.to_numpy(), expected)
    assert y_pred.index.equals(y.index[test]) and y_pred.name == y.name


def test_predict_last_fold_of_a_search(airline):
    X, y = airline
    grid = {"slidingwindowtransformer__look_back": [3, 12]}
    search = GridSearchCV(_ridge(), grid, cv=TimeSeriesSplit(3))
    with pytest.raises(ValueError, match="not fitted: pass params"):
        predict_last_fold(search, X, y)

    params = {"slidingwindowtransformer__look_back": 3}
    y_pred = predict_last_fold(search, X, y, cv=3, params=params)
    assert_allclose(y_pred, predict_last_fold(_ridge(3), X, y, cv=3))

    search.fit(X, y)
    best = search.best_params_["slidingwindowtransformer__look_back"]
    assert_allclose(
        predict_last_fold(search, X, y, cv=3),
        predict_last_fold(_ridge(best), X, y, cv=3),
    )


def test_predict_last_fold_keeps_the_kind_of_y():
    X, y = make_supervised(load_airline(), horizon=2)
    y_pred = predict_last_fold(_ridge(), X, y, cv=3)
    assert isinstance(y_pred, pd.DataFrame)
    assert list(y_pred.columns) == list(y.columns)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # numpy test folds have no history: that (and only that) is warned of
        warnings.filterwarnings("ignore", message=".*edge filling")
        X, y = make_supervised(load_airline().to_numpy())
        y_pred = predict_last_fold(_ridge(), X, y, cv=3)
    assert isinstance(y_pred, np.ndarray) and y_pred.shape == (len(y) // 4,)
    assert_array_equal(np.isfinite(y_pred), True)


def test_progress_estimate_weighs_each_fit_by_its_cost(monkeypatch):
    import skrnn._selection.compare as ms

    now = [0.0]
    monkeypatch.setattr(ms.time, "perf_counter", lambda: now[0])
    # one network fit (weight 1) then ten cheap fits (weight 0.02 each)
    bar = _Progress(11, True, stream=_Terminal(), total_weight=1.2)
    bar.start_model("LSTM", 1, 1.0)
    now[0] = 10.0
    bar.tick()
    # 10 s for a weight of 1: the cheap fits left weigh 0.2, so 2 s, not 100 s
    assert "~0:02 left" in bar._line()


def test_progress_writes_a_line_every_interval_off_a_terminal(monkeypatch):
    stream = io.StringIO()
    bar = _Progress(3, True, stream=stream, interval=0.0)
    bar.start_model("LSTM", 3)
    bar.tick()
    bar.tick()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "1/3 fits" in lines[0] and "2/3 fits" in lines[1]


def test_progress_estimate_leaves_the_first_fits_one_off_cost_out(monkeypatch):
    import skrnn._selection.compare as ms

    now = [0.0]
    monkeypatch.setattr(ms.time, "perf_counter", lambda: now[0])
    bar = _Progress(4, True, stream=_Terminal(), total_weight=4.0)
    bar.start_model("LSTM", 4, 1.0)
    now[0] = 10.0  # the first fit: compiling and all
    bar.tick()
    now[0] = 12.0  # the next one: 2 s
    bar.tick()
    assert "~0:04 left" in bar._line()  # 2 fits of 2 s, not of 6 s
