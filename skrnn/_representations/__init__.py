"""The target representations: one class per way the network sees ``y``.

``REGISTRY`` maps each ``target_representation`` value to its class;
``"auto"`` is resolved by the target encoder on the training data.
"""

from skrnn._representations.base import Representation
from skrnn._representations.change import Change
from skrnn._representations.level import Level
from skrnn._representations.seasonal import Seasonal
from skrnn._representations.window_norm import WindowNorm

REGISTRY = {cls.name: cls for cls in (Level, Change, WindowNorm, Seasonal)}

# every value target_representation takes
REPRESENTATIONS = ("auto", *REGISTRY)


def representation(name: str) -> Representation:
    """The representation object called ``name`` (not "auto")."""
    return REGISTRY[name]()


def is_relative(name) -> bool:
    """Whether ``target_representation=name`` is relative to its window."""
    return name in REGISTRY and REGISTRY[name].relative


__all__ = [
    "REGISTRY",
    "REPRESENTATIONS",
    "Representation",
    "is_relative",
    "representation",
]
