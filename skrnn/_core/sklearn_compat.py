"""The private scikit-learn names skrnn uses, in one place.

scikit-learn does not promise these across releases; importing them here
alone means a release that moves one breaks one import, found at once by
``import skrnn``. ``scikit-learn`` is not pinned: CI installs the newest
release on a fresh machine, and ``make test`` runs the estimator checks
against it.
"""

from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "BaseSearchCV",
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "_safe_indexing",
]
