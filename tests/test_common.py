"""scikit-learn's estimator checks on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skrnn import (
    RNNClassifier,
    RNNRegressor,
    SlidingWindowTransformer,
    WindowTargetRegressor,
)

# Small networks and few epochs: the checks are about the API, not accuracy.
FAST = {"units": 4, "epochs": 3, "batch_size": 16, "random_state": 0}

WINDOW_DEPENDS_ON_NEIGHBOURS = (
    "a window holds the rows before it, so transforming rows one by one or "
    "shuffled cannot give the windows of the whole series (by design)"
)
MINI_BATCH_WEIGHTS = (
    "mini-batch gradient descent with shuffling cannot make a weight of 2 "
    "equal to a repeated sample to rtol=1e-7"
)

ESTIMATORS = [
    SlidingWindowTransformer(look_back=3),
    SlidingWindowTransformer(look_back=3, flatten=True),
    RNNRegressor(**FAST),
    RNNClassifier(**FAST),
    WindowTargetRegressor(),
    WindowTargetRegressor(target_representation="window_norm"),
]


def expected_failed_checks(estimator):
    if isinstance(estimator, SlidingWindowTransformer):
        return {
            "check_methods_subset_invariance": WINDOW_DEPENDS_ON_NEIGHBOURS,
            "check_methods_sample_order_invariance": WINDOW_DEPENDS_ON_NEIGHBOURS,
        }
    if isinstance(estimator, WindowTargetRegressor):
        return {}
    return {"check_sample_weight_equivalence_on_dense_data": MINI_BATCH_WEIGHTS}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
