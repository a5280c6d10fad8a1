"""The ridge start's penalty: GCV (shipped) against time-blocked cross-validation.

``RNNForecaster``'s linear skip starts at a ridge regression of the
training targets on the windows, its penalty chosen by generalised
cross-validation (GCV, ``skrnn._keras.linear_skip``); the linear fallback
may forecast with that start alone. GCV treats overlapping windows of
several outputs as independent rows. This script backtests the start alone
(one network, one epoch, ``calibration=None``, the linear start used after
fit) on the series of ``suite.py`` with the penalty chosen by each rule:

- ``GCV``: the shipped rule, over ``ALPHAS`` times the windows' scale;
- ``blocked CV, k``: the same grid, scored on ``k`` contiguous blocks of
  windows in time order, each predicted by the fit on the others
  (Bergmeir, Hyndman and Koo, 2018), from the blocks' moments;
- ``last fifth``: fitted on the first four fifths of the windows, scored
  on the last (a time-ordered hold-out);
- ``fixed 1e-3``: no choice, the light penalty that suits the airline series
  (a reference, picked by hand on that series).

Each rule refits on every window at the penalty it chose. It prints and
writes the mean MASE of each rule per series, at the 5 last origins one
horizon apart (``suite.md``'s protocol) and at 15 origins spread over the
last third (``suite_coverage.md``'s; ``--protocols`` picks)::

    python benchmarks/ridge_penalty.py --data ../shared/data \\
        --markdown benchmarks/results/ridge_penalty.md
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import suite  # noqa: E402
from ensemble import bold_lowest, run_line  # noqa: E402

import skrnn._regression.regressor as regressor  # noqa: E402
from skrnn import RNNForecaster, WindowForecaster  # noqa: E402
from skrnn._forecast.rnn_forecaster import LINEAR_START  # noqa: E402
from skrnn._keras import linear_skip  # noqa: E402
from skrnn._keras.backend import get_keras  # noqa: E402
from skrnn._keras.feed import model_input  # noqa: E402
from skrnn.model_selection import backtest  # noqa: E402

SHIPPED = linear_skip.least_squares_start


class StartAlone(RNNForecaster):
    """The forecaster that forecasts with its linear skip at its ridge start."""

    def fit(self, *args, **kwargs):
        super().fit(*args, **kwargs)
        self._use_variant(self.estimators_, LINEAR_START)
        return self


def moments(F, y, w):
    """Weighted ``(gram, cross, y_square, f_sum, y_sum, total)`` of some rows."""
    return [
        F.T @ (w[:, None] * F),
        F.T @ (w[:, None] * y),
        (w[:, None] * y**2).sum(0),
        (w[:, None] * F).sum(0),
        (w[:, None] * y).sum(0),
        float(w.sum()),
    ]


def ridge_fits(m, alphas):
    """``(coef, intercept)`` at each penalty, from moments (intercept free)."""
    gram, cross, _, f_sum, y_sum, total = m
    f_mean, y_mean = f_sum / total, y_sum / total
    gram = gram - total * np.outer(f_mean, f_mean)
    cross = cross - total * np.outer(f_mean, y_mean)
    values, vectors = np.linalg.eigh(gram)
    rotated = vectors.T @ cross
    values = np.clip(values, 0.0, None)
    fits = []
    for alpha in alphas:
        coef = vectors @ (rotated / (values + alpha)[:, None])
        fits.append((coef, y_mean - f_mean @ coef))
    return fits


def squared_error(m, coef, intercept):
    """Weighted residual sum of squares of a fit on rows of moments ``m``."""
    gram, cross, y_square, f_sum, y_sum, total = m
    return float(
        (
            y_square
            - 2 * (coef * cross).sum(0)
            - 2 * intercept * y_sum
            + ((gram @ coef) * coef).sum(0)
            + 2 * intercept * (f_sum @ coef)
            + intercept**2 * total
        ).sum()
    )


def blocked_start(n_blocks, last_only=False, fixed=None):
    """A ``least_squares_start`` whose penalty is chosen on blocks of rows."""

    def start(model, X, y, sample_weight, encode):
        windows = get_keras().Model(
            model.inputs, model.get_layer(linear_skip.WINDOW).output
        )
        y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
        w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight)
        edges = np.linspace(0, len(X), n_blocks + 1).astype(int)
        blocks = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            F = windows.predict_on_batch(model_input(X, encode, slice(lo, hi)))
            F = np.asarray(F, dtype=np.float64)
            blocks.append(moments(F, y[lo:hi], w[lo:hi].astype(np.float64)))
        total = [sum(block[i] for block in blocks) for i in range(6)]
        f_mean = total[3] / total[5]
        centred = total[0] - total[5] * np.outer(f_mean, f_mean)
        # the scale of linear_skip.ridge_from_moments: mean variance x rows
        scale = max(float(np.trace(centred)) / (len(f_mean) * total[5]), 1e-12)
        grid = np.array([fixed]) if fixed is not None else linear_skip.ALPHAS
        scores = np.zeros(len(grid))
        held = blocks[-1:] if last_only else blocks
        for block in held if fixed is None else []:
            rest = [total[i] - block[i] for i in range(6)]
            for j, fit in enumerate(ridge_fits(rest, grid * scale * rest[5])):
                scores[j] += squared_error(block, *fit)
        alpha = grid[int(np.argmin(scores))] * scale * total[5]
        coef, intercept = ridge_fits(total, [alpha])[0]
        model.get_layer(linear_skip.LINEAR).set_weights(
            [coef.astype(np.float32), intercept.astype(np.float32)]
        )
        return alpha

    return start


RULES = {
    "GCV (shipped)": SHIPPED,
    "blocked CV, 5": blocked_start(5),
    "blocked CV, 10": blocked_start(10),
    "last fifth": blocked_start(5, last_only=True),
    "fixed 1e-3": blocked_start(1, fixed=1e-3),
}


def start_mase(name, rule, args, spread):
    loader, horizon, _ = suite.SERIES[name]
    y = loader(args)
    n = 15 if spread else 5
    step = suite.origin_step(len(y), horizon, n, spread)
    regressor.least_squares_start = RULES[rule]
    make = StartAlone(
        horizon=horizon,
        n_models=1,
        calibration=None,
        linear_fallback=False,
        epochs=1,
        random_state=0,
    )
    head = y.iloc[: len(y) - horizon - (n - 1) * step]
    seasons = WindowForecaster(horizon=horizon, calibration=None).fit(head).seasons_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = backtest(make, y, n_origins=n, step=step)
    # scaled as suite.py scales every model: the first cycle of seasons_
    frame = suite.rescaled(result, y, int(seasons[0]) if len(seasons) else 1).forecasts
    return float(np.mean(np.abs(frame["y_true"] - frame["y_pred"]) / frame["scale"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--hours", type=int, default=3000, help="hourly series kept")
    parser.add_argument("--series", nargs="+", default=list(suite.SERIES))
    parser.add_argument(
        "--protocols",
        nargs="+",
        choices=["last", "spread"],
        default=["last", "spread"],
        help="the 5 last origins, and/or 15 spread over the last third",
    )
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = []
    for spread in [protocol == "spread" for protocol in args.protocols]:
        for name in args.series:
            row = {"origins": "15 spread" if spread else "5 last", "series": name}
            for rule in RULES:
                row[rule] = start_mase(name, rule, args, spread)
                print(f"{row['origins']} {name} {rule}: {row[rule]:.3f}", flush=True)
            rows.append(row)
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    if args.markdown is None:
        return
    columns = list(RULES)
    lines = [
        "# The ridge start's penalty: GCV against time-blocked cross-validation",
        "",
        run_line("ridge_penalty.py"),
        "",
        "The linear skip's ridge start used alone (`RNNForecaster(horizon=h, "
        "n_models=1, calibration=None, linear_fallback=False, epochs=1, "
        "random_state=0)`, then forecasting with the start, as the linear "
        "fallback does), its penalty chosen by each rule of "
        "`benchmarks/ridge_penalty.py` on the same grid; MASE over every "
        "origin and step, scaled as in `suite.md`. Lowest of a row in bold.",
        "",
        "| origins | series | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for row in rows:
        cells = bold_lowest(row, columns)
        lines.append(f"| {row['origins']} | {row['series']} | {cells} |")
    means = table.groupby("origins")[columns].mean()
    for origins, mean in means.iterrows():
        cells = " | ".join(f"{mean[c]:.3f}" for c in columns)
        lines.append(f"| {origins} | mean | {cells} |")
    lines += [
        "",
        f"This run: {(time.perf_counter() - started) / 60:.1f} minutes.",
    ]
    Path(args.markdown).write_text("\n".join(lines) + "\n")
    print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
