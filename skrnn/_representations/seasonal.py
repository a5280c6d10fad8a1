"""``target_representation="seasonal"``: learning the seasonal naive error."""

import numpy as np

from skrnn._representations.change import Change


class Seasonal(Change):
    """Windows read as :class:`Change` does; each output forecast relative to
    the window's value one season before it (the seasonal naive forecast)."""

    name = "seasonal"
    needs_season = True

    def check(self, n_timesteps, season):
        if season is None:
            raise ValueError(
                "target_representation='seasonal' needs season, the number "
                "of steps per seasonal cycle (12 for monthly data)."
            )
        if n_timesteps < season:
            raise ValueError(
                f"target_representation='seasonal' with season={season} "
                f"needs windows of at least {season} steps; these have "
                f"{n_timesteps} (raise look_back)."
            )

    def reference_positions(self, season, n_outputs):
        """Output ``h`` (1-based) reads the value one season before it,
        wrapping around by whole seasons past the first: ``-season + (h - 1) %
        season``, as :class:`~skrnn.baselines.SeasonalNaiveRegressor` reads it."""
        return -season + np.arange(n_outputs) % season
