"""A forecaster as one file: ``save``, ``load``, and the files of earlier versions.

The file format is :mod:`skrnn._keras.persistence`'s (data only, nothing run
when loading); :meth:`ForecasterFileMixin.__setstate__` gives a forecaster
read from an older file the attributes that file did not have, as it behaved
then.
"""

from skrnn._keras.persistence import load_estimator, save_estimator


class ForecasterFileMixin:
    """``save`` and ``load`` for the forecasters, and their older files."""

    def save(self, path):
        """Save the forecaster, fitted or not, to one file (see ``RNNRegressor.save``).

        The file holds data only: parameters, fitted attributes and the
        history as JSON and numpy arrays, the window regressor rebuilt from
        its attributes, its network (if any) in Keras's format.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write; an existing file is replaced once the new one is
            complete.
        """
        save_estimator(self, path)

    @classmethod
    def load(cls, path, *, custom_objects=None, trusted=False):
        """Load a forecaster written by :meth:`save`, running nothing from the file.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            A file written by :meth:`save`.
        custom_objects : dict, default=None
            Classes or functions the file names, given rather than imported,
            keyed by import path (``"module:qualname"``); see
            ``RNNRegressor.load``.
        trusted : bool or list of str, default=False
            Import paths that loading may import beyond skrnn's own classes
            and scikit-learn's ``Ridge`` (a window regressor of another
            class, say ``["sklearn.linear_model._coordinate_descent:Lasso"]``),
            or True to trust the whole file (see ``RNNRegressor.load``).

        Returns
        -------
        forecaster : object
            A forecaster of the saved class that forecasts as the saved one.
        """
        return load_estimator(cls, path, custom_objects=custom_objects, trusted=trusted)

    def __setstate__(self, state):
        state = dict(state)
        if "estimator_" in state:  # written before ensembles: its one regressor
            state["estimators_"] = [state.pop("estimator_")]
        # a file written before per-series intervals: symmetric and pooled
        old = {"calibration_folds": 1, "symmetric_intervals": True}
        if "estimators_" in state:
            old |= {"interval_space_": "level", "calibration_folds_": 1}
            old |= {"calibration_series_": None, "interval_scales_": None}
            old |= {"_variant": None}  # before the calibration chose a variant
            old |= {"n_models_": len(state["estimators_"])}
        super().__setstate__({**old, **state})
