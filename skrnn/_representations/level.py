"""``target_representation="level"``: the target as it is."""

from skrnn._representations.base import Representation


class Level(Representation):
    """Levels: ``y`` as it is (standardised over the training set only)."""

    name = "level"
