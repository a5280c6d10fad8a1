"""What a target representation is: one object per way the network sees ``y``.

A representation says how each window's target history is centred and
scaled (``window_statistics``), what each output is forecast relative to
(``reference``), and what it needs and refuses. The rest of the package
asks these questions of the object and never compares names: a new
representation is one subclass in one file of this package, registered in
``__init__``, plus its tests.
"""

import numpy as np


class Representation:
    """The target as the network sees it (the base: levels, as they are).

    Class attributes
    ----------------
    name : str
        The value of ``target_representation`` that selects it.
    relative : bool
        Whether it is relative to its window (``False`` only for levels): such
        a representation needs the target's history among the window's
        features, and so cannot combine with token ids or an output per step
        (see :mod:`skrnn._keras.modes`).
    needs_season : bool
        Whether it needs ``season``, the steps per seasonal cycle.
    """

    name = "level"
    relative = False
    needs_season = False

    def check(self, n_timesteps: int, season) -> None:
        """Refuse windows of ``n_timesteps`` steps this representation cannot read."""

    def window_statistics(self, history: np.ndarray, min_scale: float):
        """Per-window ``center`` and ``scale`` of a block of histories.

        Parameters
        ----------
        history : ndarray of shape (n_rows, n_timesteps)
            The target's history in each window (padding as NaN, at the start).
        min_scale : float
            Floor of a scale learned from the window.

        Returns
        -------
        center, scale : ndarray of shape (n_rows, 1), or None for 0 and 1
        """
        return None, None

    def min_scale(self, floor) -> float:
        """The scale floor this representation needs (``floor()`` computes one)."""
        return 0.0

    def reference_positions(self, season, n_outputs: int):
        """Window positions each output is forecast relative to (None: the center)."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
