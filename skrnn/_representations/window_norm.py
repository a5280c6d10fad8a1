"""``target_representation="window_norm"``: each window standardised by itself."""

import numpy as np

from skrnn._representations.base import Representation


class WindowNorm(Representation):
    """The window's own standardisation (reversible instance normalisation,
    Kim et al., ICLR 2022), its scale floored so that a flat window cannot blow
    its target up."""

    name = "window_norm"
    relative = True

    def window_statistics(self, history, min_scale):
        center = np.nanmean(history, axis=1, keepdims=True)
        std = np.maximum(np.nanstd(history, axis=1, keepdims=True), min_scale)
        return center, np.where(std > 0, std, 1.0)

    def min_scale(self, floor) -> float:
        return floor()
