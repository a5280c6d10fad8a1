"""Searches on a Dask cluster (worker processes) score exactly as in one process."""

import logging

import numpy as np
import pytest
from conftest import FAST
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skrnn import RNNRegressor, SlidingWindowTransformer, WindowForecaster
from skrnn.datasets import load_us_employment
from skrnn.model_selection import PanelSplit, compare

# a LocalCluster per module and grid searches in its workers: a step of its own
pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes, as a cluster would give."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture
def data(series):
    return series[:-1], series[1:, 0]


def _search():
    return GridSearchCV(
        make_pipeline(
            SlidingWindowTransformer(look_back=4),
            RNNRegressor(**{**FAST, "epochs": 3}),
        ),
        {"rnnregressor__units": [2, 4], "rnnregressor__cell": ["gru", "lstm"]},
        cv=TimeSeriesSplit(2),
        scoring="neg_root_mean_squared_error",
    )


# Fits run as Dask tasks used to differ from serial fits (up to 12% of a
# fold's score): Keras seeds each layer from Python's global ``random``, which
# the worker's event loop also draws from. ``_backend.own_layer_seeds`` gives
# the fitting thread its own stream; these tests hold Dask to the serial
# results.


def test_grid_search_on_dask_runs_in_the_workers(client, data):
    X, y = data
    serial = _search().fit(X, y)
    with joblib.parallel_config(backend="dask"):
        on_cluster = clone(_search()).set_params(n_jobs=-1).fit(X, y)
    assert any(client.run(_has_fitted).values())
    assert on_cluster.cv_results_["params"] == serial.cv_results_["params"]
    scores = on_cluster.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    # same seeds, same data: each score within 10% of the serial one
    assert_allclose(scores, serial.cv_results_["mean_test_score"], rtol=0.1)


def test_grid_search_on_dask_matches_serial(client, data):
    X, y = data
    serial = _search().fit(X, y)
    with joblib.parallel_config(backend="dask"):
        on_cluster = clone(_search()).set_params(n_jobs=-1).fit(X, y)
    # the fits really ran in the worker processes
    assert any(client.run(_has_fitted).values())
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert_allclose(on_cluster.cv_results_[key], serial.cv_results_[key], rtol=1e-5)
    assert on_cluster.best_params_ == serial.best_params_


def test_compare_on_dask_matches_serial(client, data):
    X, y = data
    models = {
        "GRU": make_pipeline(
            SlidingWindowTransformer(look_back=4), RNNRegressor(**FAST, cell="gru")
        ),
        "Ridge": make_pipeline(
            SlidingWindowTransformer(look_back=4, flatten=True), Ridge()
        ),
    }
    cv = TimeSeriesSplit(3)
    serial = compare(models, X, y, cv=cv, progress=False)
    with joblib.parallel_config(backend="dask"):
        on_cluster = compare(models, X, y, cv=cv, n_jobs=-1, progress=False)
    assert list(on_cluster["model"]) == list(serial["model"])
    assert_allclose(on_cluster["rmse_mean"], serial["rmse_mean"], rtol=1e-5)


def _panel_search():
    return GridSearchCV(
        WindowForecaster(horizon=6, calibration=None),
        {"look_back": [6, 12, 24], "max_windows": [None, 300]},
        cv=PanelSplit(n_splits=3, horizon=6),
    )


def test_panel_grid_search_on_dask_matches_serial(client):
    """Candidates and PanelSplit folds as Dask tasks: the serial scores, exactly."""
    panel = load_us_employment()
    serial = _panel_search().fit(panel)
    with joblib.parallel_config(backend="dask"):
        on_cluster = _panel_search().set_params(n_jobs=-1).fit(panel)
    # the fits really ran in the worker processes
    assert any(client.run(_has_fitted_forecaster).values())
    assert on_cluster.cv_results_["params"] == serial.cv_results_["params"]
    for key in ("mean_test_score", *(f"split{k}_test_score" for k in range(3))):
        assert np.all(np.isfinite(on_cluster.cv_results_[key]))
        assert_allclose(on_cluster.cv_results_[key], serial.cv_results_[key], rtol=1e-9)
    assert on_cluster.best_params_ == serial.best_params_


def test_workers_size_their_thread_pools(client):
    """Dask sets OMP_NUM_THREADS=1 in its workers; the backend follows it."""

    def pools():
        import os

        from skrnn._keras.backend import get_keras

        get_keras()
        return {
            name: os.environ.get(name)
            for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "XLA_FLAGS")
        }

    for env in client.run(pools).values():
        assert env["OMP_NUM_THREADS"] == "1"
        assert env["TF_NUM_INTRAOP_THREADS"] == "1"
        assert "xla_cpu_multi_thread_eigen=false" in env["XLA_FLAGS"]


def test_thread_limits_follow_omp_num_threads_and_respect_the_user():
    from skrnn._keras.backend import limit_threads

    env = {"OMP_NUM_THREADS": "1"}
    limit_threads(env)
    assert env["TF_NUM_INTRAOP_THREADS"] == env["TF_NUM_INTEROP_THREADS"] == "1"
    assert "--xla_cpu_multi_thread_eigen=false" in env["XLA_FLAGS"]
    env = {"OMP_NUM_THREADS": "3", "TF_NUM_INTRAOP_THREADS": "2", "XLA_FLAGS": "--x"}
    limit_threads(env)
    assert env["TF_NUM_INTRAOP_THREADS"] == "2"  # the user's choice stays
    assert env["TF_NUM_INTEROP_THREADS"] == "3"
    assert env["XLA_FLAGS"] == "--x"  # XLA has no pool size but one thread
    env = {}
    limit_threads(env)
    assert env == {}


def _has_fitted():
    import sys

    return "keras" in sys.modules and "skrnn._keras.base" in sys.modules


def _has_fitted_forecaster():
    import sys

    return "skrnn._forecast.panel" in sys.modules
