"""Reliability: bad inputs, divergence, reproducibility, threads and memory."""

import copy
import gc
import os
import pickle
import random
import re
import threading
import traceback
from functools import partial
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import FAST
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError

from skrnn import RNNClassifier, RNNRegressor, SlidingWindowTransformer, make_supervised
from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor

BACKEND_MODULES = ("keras", "tensorflow", "jax", "jaxlib", "torch")
# One epoch is enough to exercise every code path a bad input can reach.
ONE = {**FAST, "epochs": 1}


def make_data():
    """Fresh small arrays for one test, so no case sees another's leftovers."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 1))
    X2 = rng.normal(size=(30, 5, 2))
    series = rng.normal(size=(30, 2))
    index = pd.date_range("2000-01-01", periods=30, freq="D")
    return SimpleNamespace(
        X=X,
        y=X[:, -1, 0] + 0.1,
        X2=X2,
        labels=np.where(X2[:, -1, 0] > 0, "up", "down"),
        series=series,
        frame=pd.DataFrame(series, columns=["a", "b"], index=index),
        flat=pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(5)]),
    )


@pytest.fixture(scope="module")
def fitted():
    """One fitted estimator of each kind; bad-input cases only read them."""
    d = make_data()
    windows = SlidingWindowTransformer(look_back=6).fit_transform(d.series[:, :1])
    return SimpleNamespace(
        reg=RNNRegressor(**ONE).fit(d.X, d.y),
        reg_frame=RNNRegressor(**ONE).fit(d.flat, d.y),
        clf=RNNClassifier(**ONE).fit(d.X2, d.labels),
        swt=SlidingWindowTransformer(look_back=3).fit(d.frame),
        swt_np=SlidingWindowTransformer(look_back=3).fit(d.series),
        swt_windows=SlidingWindowTransformer(look_back=4).fit(windows),
        persistence=PersistenceRegressor().fit(d.X, d.y),
    )


def with_value(a, value, where=(1, 1)):
    """A float copy of ``a`` with one cell set to ``value``."""
    a = np.array(a, dtype=float)
    a[where[: a.ndim]] = value
    return a


def unpickled(est, **params):
    """A copy of a fitted estimator: fitting it leaves the fixture alone."""
    return pickle.loads(pickle.dumps(est)).set_params(**params)


def reg(**params):
    return RNNRegressor(**{**ONE, **params})


def clf(**params):
    return RNNClassifier(**{**ONE, **params})


def swt(**params):
    return SlidingWindowTransformer(**params)


def case(id, call, match):
    """One row of the table: ``call(data, fitted) -> (function, args)``."""
    return pytest.param(call, match, id=id)


# Each row: what the user does, and a word the error message must contain: the
# parameter's name, or the offending shape.
BAD_INPUTS = [
    # -- SlidingWindowTransformer -------------------------------------------
    case(
        "swt nan fit",
        lambda d, f: (swt(look_back=3).fit, (with_value(d.series, np.nan),)),
        "Input X contains NaN",
    ),
    case(
        "swt inf transform",
        lambda d, f: (f.swt_np.transform, (with_value(d.series, np.inf),)),
        "Input X contains infinity",
    ),
    case(
        "swt strings",
        lambda d, f: (swt(look_back=2).fit, (np.full((9, 2), "a", dtype=object),)),
        "X must hold real numbers",
    ),
    case(
        "swt complex",
        lambda d, f: (swt(look_back=2).fit, (d.series + 1j,)),
        "X must hold real numbers",
    ),
    case(
        "swt 1-D",
        lambda d, f: (f.swt_np.transform, (d.series[:, 0],)),
        "Expected 2D array",
    ),
    case(
        "swt 4-D",
        lambda d, f: (swt(look_back=2).fit, (d.X[..., None],)),
        "Found array with dim 4",
    ),
    case(
        "swt 0 rows",
        lambda d, f: (f.swt_np.transform, (d.series[:0],)),
        r"0 sample\(s\) \(shape=\(0, 2\)\)",
    ),
    case(
        "swt 0 features",
        lambda d, f: (swt(look_back=1).fit, (d.series[:, :0],)),
        r"0 feature\(s\) \(shape=\(30, 0\)\)",
    ),
    case(
        "swt 0 timesteps",
        lambda d, f: (swt(look_back=1).fit, (d.X[:, :0, :],)),
        "look_back=1 is longer",
    ),
    case(
        "swt fewer rows than look_back",
        lambda d, f: (swt(look_back=31).fit, (d.series,)),
        "look_back=31 needs at least 31",
    ),
    case(
        "swt feature mismatch",
        lambda d, f: (f.swt_np.transform, (d.X2[:, 0, :].repeat(2, axis=1),)),
        "X has 4 features",
    ),
    case(
        "swt timestep mismatch",
        lambda d, f: (f.swt_windows.transform, (d.X[:, :3, :],)),
        "look_back=4 is longer",
    ),
    case(
        "swt 2-D after 3-D",
        lambda d, f: (f.swt_windows.transform, (d.series[:, :1],)),
        "fitted on 3-D windows",
    ),
    case(
        "swt unseen columns",
        lambda d, f: (f.swt.transform, (d.frame.rename(columns={"b": "c"}),)),
        "Feature names unseen at fit time:\n- c",
    ),
    case(
        "swt negative look_back",
        lambda d, f: (swt(look_back=-2).fit, (d.series,)),
        "look_back",
    ),
    case(
        "swt float look_back",
        lambda d, f: (swt(look_back=3.0).fit, (d.series,)),
        "look_back",
    ),
    case("swt not fitted", lambda d, f: (swt().transform, (d.series,)), "not fitted"),
    # -- RNNRegressor ----------------------------------------------------------
    case(
        "reg inf y",
        lambda d, f: (reg().fit, (d.X, with_value(d.y, np.inf, (3,)))),
        "Input y contains infinity",
    ),
    case(
        "reg nan predict",
        lambda d, f: (f.reg.predict, (with_value(d.X, np.nan, (1, 2, 0)),)),
        "Input X contains NaN",
    ),
    case(
        "reg strings X",
        lambda d, f: (reg().fit, (np.full((30, 5, 1), "a", dtype=object), d.y)),
        "X must hold real numbers",
    ),
    case(
        "reg unicode X",
        lambda d, f: (f.reg.predict, (np.full((3, 5, 1), "a"),)),
        "X must hold real numbers",
    ),
    case(
        "reg object frame",
        lambda d, f: (f.reg_frame.predict, (d.flat.assign(t2="high"),)),
        "X must hold real numbers",
    ),
    case(
        "reg strings y",
        lambda d, f: (reg().fit, (d.X, np.where(d.y > 0, "up", "down"))),
        "y must hold real numbers",
    ),
    case(
        "reg complex X",
        lambda d, f: (reg().fit, (d.X + 1j, d.y)),
        "X must hold real numbers",
    ),
    case(
        "reg complex y",
        lambda d, f: (reg().fit, (d.X, d.y + 1j)),
        "y must hold real numbers",
    ),
    case(
        "reg 4-D",
        lambda d, f: (f.reg.predict, (d.X[..., None],)),
        r"4-D array of shape \(30, 5, 1, 1\)",
    ),
    case(
        "reg 0 rows",
        lambda d, f: (reg().fit, (d.X[:0], d.y[:0])),
        r"0 sample\(s\) \(shape=\(0, 5, 1\)\)",
    ),
    case(
        "reg 0 features",
        lambda d, f: (reg().fit, (d.X[:, :, :0], d.y)),
        r"shape \(30, 5, 0\)",
    ),
    case(
        "reg 0 timesteps 2-D",
        lambda d, f: (reg().fit, (d.X[:, :0, 0], d.y)),
        r"0 feature\(s\) \(shape=\(30, 0\)\)",
    ),
    case(
        "reg feature mismatch",
        lambda d, f: (f.reg.predict, (d.X2,)),
        "X has 2 features per time step",
    ),
    case(
        "reg timestep mismatch",
        lambda d, f: (f.reg.predict, (d.X[:, :4],)),
        "X has 4 time steps",
    ),
    case(
        "reg y length",
        lambda d, f: (reg().fit, (d.X, d.y[:-1])),
        "inconsistent numbers of samples",
    ),
    case(
        "reg sample_weight length",
        lambda d, f: (reg().fit, (d.X, d.y, np.ones(29))),
        "sample_weight",
    ),
    case(
        "reg unseen columns",
        lambda d, f: (f.reg_frame.predict, (d.flat.rename(columns={"t0": "x"}),)),
        "Feature names unseen at fit time:\n- x",
    ),
    case(
        "reg invalid cell",
        lambda d, f: (reg(cell="LSTM").fit, (d.X, d.y)),
        "'cell' parameter",
    ),
    case(
        "reg negative dropout",
        lambda d, f: (reg(dropout=-0.1).fit, (d.X, d.y)),
        "'dropout' parameter",
    ),
    case(
        "reg dropout 1",
        lambda d, f: (reg(recurrent_dropout=1.0).fit, (d.X, d.y)),
        "'recurrent_dropout' parameter",
    ),
    case(
        "reg units 0", lambda d, f: (reg(units=0).fit, (d.X, d.y)), "'units' parameter"
    ),
    case(
        "reg units ()",
        lambda d, f: (reg(units=()).fit, (d.X, d.y)),
        "units must be a positive int",
    ),
    case(
        "reg units float",
        lambda d, f: (reg(units=(4, 2.5)).fit, (d.X, d.y)),
        "units must contain positive ints",
    ),
    case(
        "reg unknown optimizer",
        lambda d, f: (reg(optimizer="adamx").fit, (d.X, d.y)),
        "'optimizer' parameter",
    ),
    case(
        "reg unknown loss",
        lambda d, f: (reg(loss="rmse").fit, (d.X, d.y)),
        "'loss' parameter",
    ),
    case(
        "reg batch_size 0",
        lambda d, f: (reg(batch_size=0).fit, (d.X, d.y)),
        "'batch_size' parameter",
    ),
    case(
        "reg negative clipnorm",
        lambda d, f: (reg(clipnorm=-1.0).fit, (d.X, d.y)),
        "'clipnorm' parameter",
    ),
    case(
        "reg callbacks not a list",
        lambda d, f: (reg(callbacks="stop").fit, (d.X, d.y)),
        "'callbacks' parameter",
    ),
    case(
        "reg early stopping on 1 row",
        lambda d, f: (reg(early_stopping=True).fit, (d.X[:1], d.y[:1])),
        "early_stopping needs at least 2 samples",
    ),
    case(
        "reg model_fn returns no model",
        lambda d, f: (reg(model_fn=lambda shape, n: "mlp").fit, (d.X, d.y)),
        "model_fn must return a keras.Model",
    ),
    case(
        "reg warm_start feature mismatch",
        lambda d, f: (unpickled(f.reg, warm_start=True).fit, (d.X2, d.y)),
        "X has 2 features per time step",
    ),
    case(
        "reg partial_fit output mismatch",
        lambda d, f: (unpickled(f.reg).partial_fit, (d.X, np.c_[d.y, d.y])),
        "y has 2 outputs",
    ),
    case("reg not fitted", lambda d, f: (reg().predict, (d.X,)), "not fitted"),
    # -- RNNClassifier ---------------------------------------------------------
    case(
        "clf inf X",
        lambda d, f: (clf().fit, (with_value(d.X2, np.inf, (0, 0, 1)), d.labels)),
        "Input X contains infinity",
    ),
    case(
        "clf nan y",
        lambda d, f: (clf().fit, (d.X, with_value(d.y > 0, np.nan, (4,)))),
        "Input y contains NaN",
    ),
    case(
        "clf multi-output y",
        lambda d, f: (clf().fit, (d.X2, np.c_[d.labels, d.labels])),
        r"y should be a 1d array, got an array of shape \(30, 2\)",
    ),
    case(
        "clf single class",
        lambda d, f: (clf().fit, (d.X2, np.full(30, "up"))),
        "at least 2 classes",
    ),
    case(
        "clf continuous y", lambda d, f: (clf().fit, (d.X2, d.y)), "Unknown label type"
    ),
    case(
        "clf class_weight keys",
        lambda d, f: (clf(class_weight={0: 1.0, 1: 2.0}).fit, (d.X2, d.labels)),
        "class_weight",
    ),
    case(
        "clf class_weight string",
        lambda d, f: (clf(class_weight="auto").fit, (d.X2, d.labels)),
        "'class_weight' parameter",
    ),
    case(
        "clf timestep mismatch",
        lambda d, f: (f.clf.predict_proba, (d.X2[:, :2],)),
        "X has 2 time steps",
    ),
    case(
        "clf unseen label",
        lambda d, f: (unpickled(f.clf).partial_fit, (d.X2, np.full(30, "flat"))),
        "not in classes_",
    ),
    case("clf not fitted", lambda d, f: (clf().predict_proba, (d.X2,)), "not fitted"),
    # -- make_supervised -------------------------------------------------------
    case(
        "make_supervised horizon 0",
        lambda d, f: (make_supervised, (d.series[:, 0], 0)),
        "horizon",
    ),
    case(
        "make_supervised float horizon",
        lambda d, f: (make_supervised, (d.series[:, 0], 1.5)),
        "horizon",
    ),
    case(
        "make_supervised too short",
        lambda d, f: (make_supervised, (d.series[:3, 0], 3)),
        "series has 3 rows",
    ),
    case(
        "make_supervised 3-D",
        lambda d, f: (make_supervised, (d.X,)),
        "series must be 1-D",
    ),
    case(
        "make_supervised no target",
        lambda d, f: (make_supervised, (d.frame,)),
        "target=",
    ),
    case(
        "make_supervised unknown target",
        lambda d, f: (partial(make_supervised, target="c"), (d.frame,)),
        "target='c'",
    ),
    # -- naive baselines -------------------------------------------------------
    case(
        "persistence nan",
        lambda d, f: (
            PersistenceRegressor().fit,
            (with_value(d.X, np.nan, (0, 0, 0)), d.y),
        ),
        "Input X contains NaN",
    ),
    case(
        "persistence strings y",
        lambda d, f: (
            PersistenceRegressor().fit,
            (d.X, np.where(d.y > 0, "up", "down")),
        ),
        "y must hold real numbers",
    ),
    case(
        "persistence multi-feature",
        lambda d, f: (PersistenceRegressor().fit, (d.X2, d.y)),
        "target_feature",
    ),
    case(
        "persistence target_feature range",
        lambda d, f: (PersistenceRegressor(target_feature=2).fit, (d.X2, d.y)),
        "target_feature=2",
    ),
    case(
        "persistence look_back mismatch",
        lambda d, f: (f.persistence.predict, (d.X[:, :4],)),
        "X has 4 features",
    ),
    case(
        "persistence feature mismatch",
        lambda d, f: (f.persistence.predict, (d.X2,)),
        "2 features per time step",
    ),
    case(
        "seasonal short windows",
        lambda d, f: (SeasonalNaiveRegressor(season_length=12).fit, (d.X, d.y)),
        "season_length=12",
    ),
    case(
        "seasonal season_length 0",
        lambda d, f: (SeasonalNaiveRegressor(season_length=0).fit, (d.X, d.y)),
        "'season_length' parameter",
    ),
]


def assert_same(after, before):
    """Deep equality that also checks dtypes, index and column names."""
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(after, before)
    elif isinstance(before, np.ndarray):
        assert after.dtype == before.dtype and after.shape == before.shape
        assert_array_equal(after, before)
    elif isinstance(before, tuple | list):
        assert len(after) == len(before)
        for a, b in zip(after, before, strict=True):
            assert_same(a, b)
    else:
        assert after == before


def assert_not_from_backend(exc_info):
    """The error is skrnn's or scikit-learn's, raised before the backend ran."""
    module = type(exc_info.value).__module__
    assert not module.startswith(BACKEND_MODULES), module
    raised_in = traceback.extract_tb(exc_info.tb)[-1].filename
    parts = raised_in.replace("\\", "/").split("/")
    assert not set(parts) & set(BACKEND_MODULES), raised_in


def test_the_table_is_large_enough():
    assert len(BAD_INPUTS) >= 30


@pytest.mark.parametrize("call, match", BAD_INPUTS)
def test_bad_input_raises_a_clear_error_and_changes_nothing(fitted, call, match):
    func, args = call(make_data(), fitted)
    before = copy.deepcopy(args)
    with pytest.raises((ValueError, TypeError, NotFittedError), match=match) as info:
        func(*args)
    assert_not_from_backend(info)
    assert_same(args, before)


# -- divergence ------------------------------------------------------------------

# A learning rate near float32's limit makes the first update overflow.
DIVERGING = {"units": 4, "optimizer": "sgd", "learning_rate": 1e38, "random_state": 0}


def epoch_counter():
    """A Keras callback counting the epochs that training started."""
    import keras

    class EpochCounter(keras.callbacks.Callback):
        started = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.started += 1

    return EpochCounter()


def test_diverging_classifier_stops_at_once_and_is_left_unfitted():
    d = make_data()
    counter = epoch_counter()
    # a relu layer, unbounded, lets the logits overflow: with LSTM units alone
    # the gates saturate and JAX's clipped cross-entropy stays finite
    clf = RNNClassifier(**DIVERGING, dense_units=(4,), epochs=50, callbacks=[counter])
    with pytest.raises(ValueError, match="Training diverged") as info:
        clf.fit(d.X2, d.labels)
    # TerminateOnNaN ends training in the epoch the loss turned non-finite,
    # which is the epoch the message names
    epoch = int(re.search(r"at epoch (\d+)", str(info.value))[1])
    assert counter.started == epoch < 50
    # nothing fitted survives to predict NaN
    assert not [k for k in vars(clf) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        clf.predict_proba(d.X2)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_divergence_while_continuing_leaves_the_estimator_unfitted(how):
    """The weights of the earlier fit are overwritten in place by the diverging
    epoch, so the honest state afterwards is unfitted, not the old model."""
    d = make_data()
    params = {**ONE, "optimizer": "sgd", "learning_rate": 0.01, "scale_target": False}
    reg = RNNRegressor(**params, warm_start=how == "warm_start")
    continue_training = reg.fit if how == "warm_start" else reg.partial_fit
    continue_training(d.X, d.y)
    assert np.all(np.isfinite(reg.predict(d.X)))
    # targets 1e20 times larger than the ones the model was scaled for
    with pytest.raises(ValueError, match="Training diverged.* at epoch 2\\b"):
        continue_training(d.X, d.y * 1e20)
    with pytest.raises(NotFittedError):
        reg.predict(d.X)
    # and it can be fitted again from scratch
    assert np.all(np.isfinite(reg.fit(d.X, d.y).predict(d.X)))


def test_divergence_with_early_stopping_still_raises():
    """Restoring the "best" weights must not hide a non-finite loss."""
    d = make_data()
    reg = RNNRegressor(**DIVERGING, epochs=3, early_stopping=True)
    with pytest.raises(ValueError, match="Training diverged"):
        reg.fit(d.X, d.y)
    assert not hasattr(reg, "model_")


# -- reproducibility -----------------------------------------------------------


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
def test_same_random_state_same_predictions_for_each_cell(cell):
    d = make_data()
    first, second = (
        RNNRegressor(**{**ONE, "cell": cell}).fit(d.X, d.y).predict(d.X)
        for _ in range(2)
    )
    assert_array_equal(first, second)


def test_same_random_state_same_classifier_probabilities():
    d = make_data()
    first, second = (
        RNNClassifier(**ONE, dropout=0.2).fit(d.X2, d.labels).predict_proba(d.X2)
        for _ in range(2)
    )
    assert_array_equal(first, second)


def test_same_seeded_random_state_instance_same_predictions():
    d = make_data()
    first, second = (
        RNNRegressor(**{**ONE, "random_state": np.random.RandomState(3)})
        .fit(d.X, d.y)
        .predict(d.X)
        for _ in range(2)
    )
    assert_array_equal(first, second)


def _global_random_states():
    return random.getstate(), np.random.get_state()


def _assert_same_random_states(after, before):
    assert after[0] == before[0], "random's global state changed"
    for a, b in zip(after[1], before[1], strict=True):
        assert_array_equal(a, b, err_msg="numpy.random's global state changed")


GLOBAL_STATE_CASES = {
    "classifier fit": lambda d: RNNClassifier(**ONE).fit(d.X2, d.labels),
    "classifier partial_fit": lambda d: RNNClassifier(**ONE).partial_fit(
        d.X2, d.labels
    ),
    "regressor partial_fit twice": lambda d: (
        RNNRegressor(**ONE).partial_fit(d.X, d.y).partial_fit(d.X, d.y)
    ),
    "random_state=None": lambda d: RNNRegressor(**{**ONE, "random_state": None}).fit(
        d.X, d.y
    ),
    "diverging fit": lambda d: RNNRegressor(**DIVERGING, epochs=1).fit(d.X, d.y),
}


@pytest.mark.parametrize("case", GLOBAL_STATE_CASES)
def test_fitting_leaves_global_random_states_alone(case):
    d = make_data()
    random.seed(7)
    np.random.seed(7)
    before = _global_random_states()
    try:
        GLOBAL_STATE_CASES[case](d)
    except ValueError:
        assert case == "diverging fit"
    _assert_same_random_states(_global_random_states(), before)


def test_random_state_none_gives_different_classifier_weights():
    d = make_data()
    first, second = (
        RNNClassifier(**{**ONE, "random_state": None})
        .fit(d.X2, d.labels)
        .model_.get_weights()[0]
        for _ in range(2)
    )
    assert not np.array_equal(first, second)


# -- concurrency ---------------------------------------------------------------

N_THREADS = 8


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_predict_from_many_threads_matches_serial_predictions(kind):
    d = make_data()
    if kind == "regressor":
        est = RNNRegressor(**ONE).fit(d.X, d.y)
        X, predict = d.X, RNNRegressor.predict
    else:
        est = RNNClassifier(**ONE).fit(d.X2, d.labels)
        X, predict = d.X2, RNNClassifier.predict_proba
    # The racy case: the first calls, which build and trace Keras's predict
    # function, all happen at once. Different lengths also make threads
    # retrace for new batch shapes concurrently.
    assert est.model_.predict_function is None
    parts = [X[: 10 + 2 * i] for i in range(N_THREADS)]
    state = dict(vars(est))
    start = threading.Barrier(N_THREADS)
    results, errors = [None] * N_THREADS, []

    def work(i):
        start.wait()
        try:
            results[i] = predict(est, parts[i])
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    serial = [predict(est, part) for part in parts]
    for got, expected in zip(results, serial, strict=True):
        assert_array_equal(got, expected)
    # predict stored nothing on the estimator (scikit-learn's check_dict_unchanged)
    assert vars(est).keys() == state.keys()
    assert all(vars(est)[k] is v for k, v in state.items())


# -- resources -----------------------------------------------------------------


def _rss_mib() -> float:
    """Resident set size of this process, in MiB (Linux)."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_growth_per_fit(n_fits: int, n_warmup: int = 3) -> float:
    """MiB the process grows per fit, over ``n_fits`` fits as a grid search does.

    A few warm-up fits first fill the caches that are paid once per process
    (imports, kernels, allocator arenas), so that what is left is the cost
    that a loop of fits would repeat.
    """
    d = make_data()

    def one_fit(i):
        reg = RNNRegressor(**{**ONE, "random_state": i}).fit(d.X, d.y)
        reg.predict(d.X[:5])

    for i in range(n_warmup):
        one_fit(i)
    gc.collect()
    before = _rss_mib()
    for i in range(n_fits):
        one_fit(i)
    gc.collect()
    return (_rss_mib() - before) / n_fits


needs_proc = pytest.mark.skipif(
    not os.path.exists("/proc/self/statm"), reason="reads /proc/self/statm (Linux)"
)


@pytest.mark.slow
@needs_proc
def test_fitting_in_a_loop_does_not_leak_much_memory():
    # Before the fix each fit kept its traced training graph: 11 to 14 MiB per
    # fit. After it, RSS moves in a sawtooth within about 40 MiB (allocator
    # arenas), so over 15 fits the figure reads anywhere from -1 to 3.5.
    assert rss_growth_per_fit(15) < 6.0


@pytest.mark.slow
@needs_proc
def test_fitting_50_models_keeps_memory_bounded():
    # TensorFlow 2.21: 12.3 MiB per fit before the fix, 0.7 after (and 0.3
    # over 150 fits: the growth stays within the same 40 MiB band)
    assert rss_growth_per_fit(50, n_warmup=5) < 2.0


@pytest.mark.parametrize("dtype", ["string", object])
def test_a_series_of_text_is_refused_with_the_conversion_to_run(dtype):
    from skrnn import WindowForecaster

    y = pd.Series([str(v) for v in np.arange(40.0)], dtype=dtype)
    with pytest.raises(TypeError, match=r"pd.to_numeric\(y\)"):
        WindowForecaster(horizon=2).fit(y)
    # the advice works when followed
    WindowForecaster(horizon=2, calibration=None).fit(pd.to_numeric(y))


def test_epoch_sampling_needs_an_epochs_parameter():
    from sklearn.linear_model import SGDRegressor

    from skrnn import WindowForecaster

    y = pd.Series(np.sin(np.arange(200) / 5.0))
    forecaster = WindowForecaster(
        SGDRegressor(), horizon=1, max_windows=50, window_sampling="epoch"
    )
    with pytest.raises(ValueError, match="needs an estimator with an epochs"):
        forecaster.fit(y)


class _Interrupt:
    """A Keras callback that raises ``error`` after ``batches`` batches."""

    def __new__(cls, error, batches=2):
        import keras

        class Raiser(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seen = 0

            def on_train_batch_end(self, batch, logs=None):
                self.seen += 1
                if self.seen >= batches:
                    raise error

        return Raiser()


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("callback")])
@pytest.mark.parametrize("warm_start", [False, True])
def test_an_interrupted_fit_leaves_a_fitted_estimator_as_it_was(error, warm_start):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 5, 1)), rng.normal(size=64)
    model = RNNRegressor(**FAST).fit(X, y)
    before = model.predict(X)
    state = {k: copy.copy(v) for k, v in vars(model).items() if k != "model_"}
    model.set_params(warm_start=warm_start, callbacks=[_Interrupt(error)])
    with pytest.raises(type(error)):
        model.fit(X[::-1], y[::-1] * 10)
    assert_array_equal(model.predict(X), before)
    assert model.n_iter_ == state["n_iter_"]
    assert model.history_ == state["history_"]
    assert set(vars(model)) == set(state) | {"model_"}


def test_an_interrupted_first_fit_leaves_the_estimator_unfitted():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 5, 1)), rng.normal(size=64)
    model = RNNRegressor(**FAST, callbacks=[_Interrupt(KeyboardInterrupt())])
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    with pytest.raises(NotFittedError):
        model.predict(X)
