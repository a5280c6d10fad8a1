"""How a forecaster's forecasts score against the values that followed.

The score of :meth:`WindowForecaster.score`: the MASE of each series'
forecast on the observations after its history (all of them, or a later
stretch within the horizon, as a test fold after a gap gives), scaled by
the in-sample error of the seasonal naive forecast at the first of the
forecaster's seasons, then averaged over the series as the M4 competition
averages them.
"""

import numpy as np

from skrnn._forecast.data import following
from skrnn.metrics import mase


def mean_mase(panel, y, X, frames, *, horizon: int, seasons: tuple) -> float:
    """Mean over the series of ``y`` of the MASE of their forecasts ``frames``.

    Parameters
    ----------
    panel : Panel
        The histories forecast from.
    y, X : observed values after the histories, and covariates
        In the panel's layout (:meth:`Layout.following` splits them by series).
    frames : list of pandas.DataFrame
        Per series of ``panel``, the forecast in column ``y_pred``.
    horizon : int
        Steps forecast: ``y`` may not hold more of a series.
    seasons : tuple of int
        The forecaster's ``seasons_``; the first scales the errors (1 when
        empty, or longer than a history).
    """
    errors = []
    for k, new_y, _ in panel.layout.following(panel, y, X):
        history = panel.histories[k]
        if len(new_y) > horizon:
            raise ValueError(
                f"y has {len(new_y)} steps, more than horizon={horizon}: "
                "score the first horizon steps, or fit a longer horizon."
            )
        truth = following(history, new_y, horizon)
        predicted = frames[k]["y_pred"].reindex(truth.index).to_numpy()
        first = seasons[0] if seasons else 1
        season = first if len(history) > first else 1
        errors.append(mase(truth.to_numpy(), predicted, history.y, season))
    return float(np.mean(errors))
