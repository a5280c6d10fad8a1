"""The linear fallback's choice against blending the network with its start.

``RNNForecaster(linear_fallback=True)`` (the default) forecasts the
calibration windows both with its trained networks and with their linear
skip alone at its ridge start, and keeps the one whose scaled errors have
the lower mean. A choice made on a few calibration windows is noisy; a
blend of the two forecasts hedges it. This script fits the defaults once
per origin (``random_state=0``, as ``suite.md``), records at each origin
the networks' forecast, the start's forecast and the calibration means of
each candidate (the blend's too), and scores these rules from the same
fits:

- ``network``, ``start``: one of the two, always;
- ``choice (shipped)``: the lower calibration mean (the shipped rule; it
  reproduces ``suite.md``'s ``RNNForecaster()`` column);
- ``blend``: the mean of the two forecasts, always;
- ``choice of three``: the lowest calibration mean among network, start
  and blend;
- ``inverse error``: the two forecasts weighted by the inverse square of
  their calibration means (Bates and Granger, 1969);
- with ``--no-skip``, ``no skip``: ``RNNForecaster(linear_skip=False)``
  fitted at the same origins, and ``choice with no skip``: the lowest
  calibration mean among network, start and that network.

MASE over every origin and step, scaled as ``suite.py`` scales every model::

    python benchmarks/fallback_blend.py --data ../shared/data \\
        --markdown benchmarks/results/fallback_blend.md

``--series`` and ``--cache`` split the series between processes that share
the cache (per-origin forecasts as CSV); a last call with every series
writes the table from it.
"""

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
from ensemble import origins_phrase, per_origin_parser, rule_table, run_line  # noqa: E402
from recording import SHIPPED, candidate_means  # noqa: E402

import skrnn._forecast.calibration as calibration  # noqa: E402
from skrnn import RNNForecaster  # noqa: E402
from skrnn._forecast import window_forecaster  # noqa: E402
from skrnn._forecast.rnn_forecaster import LINEAR_START, NETWORK  # noqa: E402

SHIPPED_CALIBRATE = calibration.calibrate
SERIES = [name for name in suite.SERIES if name != "taylor"]


class Recording(RNNForecaster):
    """The defaults, fitted as the network whatever the calibration chose.

    ``means_`` holds the calibration means of network, start and blend.
    """

    def _calibrate(self, panel):
        def calibrate(*args, predict, **kwargs):
            def with_blend(fitted, windows):
                network, start = predict(fitted, windows)[:2]
                return [network, start, (network + start) / 2]

            return SHIPPED_CALIBRATE(*args, predict=with_blend, **kwargs)

        window_forecaster.calibrate = calibrate
        # the shipped choice of the two, for the intervals
        try:
            with candidate_means(lambda errors: SHIPPED(errors[:2])) as means:
                super()._calibrate(panel)
        finally:
            window_forecaster.calibrate = SHIPPED_CALIBRATE
        self.means_ = means
        return NETWORK  # train the final networks fully

    def forecasts(self):
        """``(network, start)`` forecasts; the networks are left at the start."""
        network = np.ravel(np.asarray(self.predict(), dtype=float))
        self._use_variant(self.estimators_, LINEAR_START)
        start = np.ravel(np.asarray(self.predict(), dtype=float))
        return network, start


class NoSkip(RNNForecaster):
    """``linear_skip=False``, its calibration mean kept in ``mean_``."""

    def _calibrate(self, panel):
        with candidate_means() as means:
            variant = super()._calibrate(panel)
        self.mean_ = means[0]
        return variant


def per_origin(name, args, label, fit_origin):
    """``fit_origin(train, test, m, k)``'s frames at every origin, concatenated.

    Kept as ``{name}{label}.csv`` under ``args.cache`` when set, and read
    from there when present. ``m``: the first cycle of ``seasons_`` at the
    first origin, the scale's cycle in ``suite.py``.
    """
    cached = Path(args.cache) / f"{name}{label}.csv" if args.cache else None
    if cached is not None and cached.exists():
        return pd.read_csv(cached)
    loader, horizon, _ = suite.SERIES[name]
    y = loader(args)
    ends, m = suite.origin_plan(y, horizon, args.origins, args.spread)
    frames = []
    for k, end in enumerate(ends):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = fit_origin(y.iloc[:end], y.iloc[end : end + horizon], m, k)
        frames.append(frame.assign(origin=k))
    frame = pd.concat(frames, ignore_index=True)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(cached, index=False)
    return frame


def no_skip_rows(name, args):
    """Per origin and step: the forecast of the network without the skip."""

    def fit_origin(train, test, m, k):
        start = time.perf_counter()
        model = NoSkip(
            horizon=len(test), random_state=0, epochs=args.epochs, linear_skip=False
        ).fit(train)
        forecast = np.ravel(np.asarray(model.predict(), dtype=float))
        print(f"{name} origin {k}: no skip, calibration mean {model.mean_:.3f}")
        return pd.DataFrame(
            {
                "no_skip": forecast,
                "cal_no_skip": model.mean_,
                "no_skip_seconds": time.perf_counter() - start,
            }
        )

    return per_origin(name, args, "_noskip", fit_origin)


def origin_rows(name, args):
    """Per origin and step: truth, both forecasts, the calibration means, scale."""

    def fit_origin(train, test, m, k):
        start = time.perf_counter()
        model = Recording(horizon=len(test), random_state=0, epochs=args.epochs)
        network, linear = model.fit(train).forecasts()
        values = train.to_numpy(dtype=float)
        print(
            f"{name} origin {k}: calibration means "
            + ", ".join(f"{v:.3f}" for v in model.means_),
            flush=True,
        )
        return pd.DataFrame(
            {
                "y_true": test.to_numpy(dtype=float),
                "network": network,
                "start": linear,
                "cal_network": model.means_[0],
                "cal_start": model.means_[1],
                "cal_blend": model.means_[2],
                "scale": suite.seasonal_naive_scale(
                    values, m if len(values) > m else 1
                ),
                "seconds": time.perf_counter() - start,
            }
        )

    return per_origin(name, args, "", fit_origin)


def rules(frame):
    """Each rule's forecast, per row."""
    net, start = frame["network"], frame["start"]
    blend = (net + start) / 2
    cal = frame[["cal_network", "cal_start", "cal_blend"]].to_numpy()
    two = np.argmin(cal[:, :2], axis=1)  # the first on a tie, as shipped
    three = np.argmin(cal, axis=1)
    weight = cal[:, 1] ** 2 / (cal[:, 0] ** 2 + cal[:, 1] ** 2)  # the network's
    chosen = {
        "network": net,
        "start": start,
        "choice (shipped)": np.where(two == 0, net, start),
        "blend": blend,
        "choice of three": np.choose(three, [net, start, blend]),
        "inverse error": weight * net + (1 - weight) * start,
    }
    if "no_skip" in frame:
        # the network without the skip as a third candidate (its own fits)
        both = np.column_stack([cal[:, :2], frame["cal_no_skip"]])
        pick = np.argmin(both, axis=1)
        chosen["no skip"] = frame["no_skip"]
        chosen["choice with no skip"] = np.choose(pick, [net, start, frame["no_skip"]])
    return chosen


def mase(frame, forecast):
    return float(np.mean(np.abs(frame["y_true"] - forecast) / frame["scale"]))


def main():
    parser = per_origin_parser(__doc__.splitlines()[0], SERIES)
    parser.add_argument("--cache", default=None, help="folder of per-origin CSVs")
    parser.add_argument(
        "--no-skip",
        action="store_true",
        help="also fit RNNForecaster(linear_skip=False) at every origin",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    rows, picks = [], []
    for name in args.series:
        frame = origin_rows(name, args)
        if args.no_skip:
            extra = no_skip_rows(name, args).drop(columns="origin")
            frame = pd.concat([frame, extra], axis=1)
        forecasts = rules(frame)
        rows.append(
            {"series": name, **{r: mase(frame, f) for r, f in forecasts.items()}}
        )
        firsts = frame.groupby("origin").first()
        picks.append(
            {
                "series": name,
                "start chosen": int(
                    (firsts["cal_start"] < firsts["cal_network"]).sum()
                ),
                "origins": len(firsts),
                "fit s": float(firsts["seconds"].sum()),
            }
        )
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    if args.markdown is None:
        return
    protocol = origins_phrase(args)
    lines = [
        "# The linear fallback's choice against blending or a network without skip",
        "",
        run_line("fallback_blend.py"),
        "",
        f"`RNNForecaster(horizon=h, random_state=0, epochs={args.epochs})`, fitted "
        f"at {protocol}, on the series of `suite.md` (the half-hourly demand left "
        "out); every rule of `benchmarks/fallback_blend.py` scored from the same "
        "fits. MASE over every origin and step, scaled as in `suite.md`. Lowest "
        "of a row in bold.",
        "",
        *rule_table(rows),
    ]
    columns = [c for c in table.columns if c != "series"]
    lines.append(
        "| mean | " + " | ".join(f"{table[c].mean():.3f}" for c in columns) + " |"
    )
    lines += [
        "",
        "| series | origins where the start was chosen | fit seconds, all origins |",
        "|---|---|---|",
    ]
    for pick in picks:
        lines.append(
            f"| {pick['series']} | {pick['start chosen']} of {pick['origins']} | "
            f"{pick['fit s']:.0f} |"
        )
    lines += ["", f"This call: {(time.perf_counter() - started) / 60:.1f} minutes."]
    Path(args.markdown).write_text("\n".join(lines) + "\n")
    print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
