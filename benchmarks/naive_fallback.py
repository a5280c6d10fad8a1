"""The naive fallback: the network against the last value and its drift.

``RNNForecaster(naive_fallback=True)`` (the default) forecasts the
calibration windows of a series that is not seasonal at ``season_`` four
ways: with its trained networks, with their linear skip alone at its ridge
start, with the last value repeated, and with the last value plus its drift
over the last ``horizon`` steps; it keeps the way whose scaled errors have
the lowest mean. This script fits the defaults once per origin
(``random_state=0``, as ``suite.md``), the final networks trained whatever
the choice, records the four forecasts and the four calibration means, and
scores from the same fits:

- ``network``, ``start``, ``last value``, ``drift``: one of them, always;
- ``without (two)``: the lower calibration mean of network and start
  (``naive_fallback=False`` before the margin);
- ``with (four)``: the lowest of the four (the rule before the margin);
- ``margin (shipped)``: the network unless another's mean is lower by more
  than ``FIRST_MARGIN`` (3%) of its own, then the lowest
  (``skrnn._forecast.calibration.chosen_candidate``).

The series are those of the suite and of its held-out set that are not
seasonal at ``season_`` (the others are never offered the naive
forecasts), the shipped US employment panel and, held out, statsmodels'
quarterly ``macrodata`` (each as a wide frame: one network for the
series). MASE over every origin, step and series, each
series scaled by its in-sample seasonal naive error at the first cycle of
``seasons_``, as ``suite.py`` and ``suite_panels.py`` scale it::

    python benchmarks/naive_fallback.py --data ../shared/data \\
        --markdown benchmarks/results/naive_fallback.md
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
from recording import candidate_means  # noqa: E402

from skrnn import RNNForecaster  # noqa: E402
from skrnn._forecast.calibration import (  # noqa: E402
    FIRST_MARGIN,
    chosen_candidate,
)
from skrnn._forecast.naive_candidates import (  # noqa: E402
    DRIFT,
    LAST_VALUE,
    naive_forecasts,
)
from skrnn._forecast.rnn_forecaster import LINEAR_START, NETWORK  # noqa: E402
from skrnn.datasets import load_us_employment  # noqa: E402

CANDIDATES = (NETWORK, LINEAR_START, LAST_VALUE, DRIFT)


def us_employment(args):
    """The shipped panel, one column per series."""
    long = load_us_employment()
    wide = long.pivot(index="ds", columns="unique_id", values="y")
    return wide.asfreq(pd.infer_freq(wide.index))


def macrodata(args):
    """statsmodels' ``macrodata``: ten US quarterly series, 1959-2009,
    seasonally adjusted (levels of output, spending, prices, money and
    population, which trend; unemployment and the T-bill rate, which do
    not). Held out: no default was chosen on it."""
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range("1959Q1", periods=len(data), freq="Q").to_timestamp()
    columns = ["realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi"]
    columns += ["m1", "pop", "unemp", "tbilrate"]
    return data[columns].set_axis(index).asfreq("QS")


LOADERS = {
    "ETTh1": (suite.SERIES["ETTh1"][0], 24),
    "seattle-weather": (suite.SERIES["seattle-weather"][0], 14),
    "glucose": (suite.HELD_OUT["glucose"][0], 12),
    "sea-temperature": (suite.HELD_OUT["sea-temperature"][0], 48),
    "US employment": (us_employment, 12),
    "macrodata": (macrodata, 8),
}
# the suite's seasonal series: never offered the naive forecasts, but their
# network and start are recorded alike (``--series`` names them)
SEASONAL = {
    name: (suite.SERIES[name][0], suite.SERIES[name][1])
    for name in ("ETTh2", "taylor", "seattle-temps", "co2", "airline")
}


class Recording(RNNForecaster):
    """The defaults, their final networks trained whatever calibration chose.

    ``means_`` holds the calibration means of the four candidates, in the
    order of ``CANDIDATES`` (NaN for the naive ones where the series is
    seasonal: they are not offered).
    """

    def _calibrate(self, panel):
        with candidate_means() as means:
            variant = super()._calibrate(panel)
        means += [np.nan] * (len(CANDIDATES) - len(means))
        self.means_, self.chosen_ = means, variant
        return NETWORK

    def forecasts(self):
        """Each candidate's forecast, one row per series (the networks left
        at their start)."""
        out = {NETWORK: self._points()}
        window = self._panel.histories
        last = np.stack([h.y[-self.look_back_ :] for h in window])[:, :, None]
        for naive in (LAST_VALUE, DRIFT):
            out[naive] = naive_forecasts(last, self.horizon, naive)
        self._use_variant(self.estimators_, LINEAR_START)
        out[LINEAR_START] = self._points()
        return out

    def _points(self):
        points = np.asarray(self.predict(), dtype=float)
        return points.reshape(self.horizon, -1).T  # (series, horizon)


def origin_rows(name, args):
    """Per origin, series and step: the truth, the candidates' forecasts and
    calibration means, and the scale."""
    loader, horizon = {**LOADERS, **SEASONAL}[name]
    y = loader(args)
    wide = y.to_frame() if isinstance(y, pd.Series) else y
    ends, m = suite.origin_plan(y, horizon, args.origins, args.spread)
    frames = []
    for k, end in enumerate(ends):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Recording(horizon=horizon, random_state=0, epochs=args.epochs)
            model.fit(y.iloc[:end])
        seconds = time.perf_counter() - start
        forecasts = model.forecasts()
        truth = wide.iloc[end : end + horizon].to_numpy(dtype=float).T
        train = wide.iloc[:end].to_numpy(dtype=float)
        scales = [
            suite.seasonal_naive_scale(column, m if len(column) > m else 1)
            for column in train.T
        ]
        means = dict(zip(CANDIDATES, model.means_, strict=True))
        print(
            f"{name} origin {k}: calibration means "
            + ", ".join(f"{c} {v:.3f}" for c, v in means.items())
            + f" -> {model.chosen_} ({seconds:.0f} s)",
            flush=True,
        )
        frames.append(
            pd.DataFrame(
                {
                    "origin": k,
                    "series": np.repeat(np.arange(truth.shape[0]), horizon),
                    "y_true": truth.ravel(),
                    "scale": np.repeat(scales, horizon),
                    **{c: forecasts[c].ravel() for c in CANDIDATES},
                    **{f"cal {c}": means[c] for c in CANDIDATES},
                    "seconds": seconds,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def rules(frame):
    """Each rule's forecast, per row."""
    cal = frame[[f"cal {c}" for c in CANDIDATES]].to_numpy()
    values = [frame[c] for c in CANDIDATES]
    return {
        **{c: frame[c] for c in CANDIDATES},
        "without (two)": np.choose(np.argmin(cal[:, :2], axis=1), values[:2]),
        "with (four)": np.choose(lowest(cal), values),
        **{
            f"margin {margin:.0%}": np.choose(with_margin(cal, margin), values)
            for margin in MARGINS
        },
        f"margin {FIRST_MARGIN:.0%} (shipped)": np.choose(shipped(cal), values),
    }


# the network's margins weighed against the shipped one (FIRST_MARGIN)
MARGINS = (0.01, 0.02, 0.05, 0.10)


def with_margin(cal, margin):
    """The network unless another's mean is lower by more than ``margin`` of
    its own; then the lowest."""
    best = lowest(cal)
    kept = cal[np.arange(len(cal)), best] >= cal[:, 0] * (1 - margin)
    return np.where(kept, 0, best)


def lowest(cal):
    """The lowest calibration mean among the candidates offered (not NaN)."""
    return np.argmin(np.where(np.isnan(cal), np.inf, cal), axis=1)


def shipped(cal):
    """The shipped choice, from each row's calibration means."""
    return np.array([chosen_candidate(row) for row in cal], dtype=int)


def mase(frame, forecast):
    """Mean over the series of their MASE over every origin and step."""
    error = np.abs(frame["y_true"] - forecast) / frame["scale"]
    return float(error.groupby(frame["series"]).mean().mean())


def main():
    parser = per_origin_parser(__doc__.splitlines()[0], list(LOADERS))
    parser.add_argument(
        "--rows", default=None, help="also write every origin's rows (CSV) here"
    )
    parser.add_argument(
        "--from-rows",
        default=None,
        help="score the rows a run wrote with --rows (its series, origins and "
        "protocol) rather than fit again",
    )
    suite.add_cache_argument(parser)
    args = parser.parse_args()
    suite.compilation_cache(args.compilation_cache)
    started = time.perf_counter()
    rows, picks, frames = [], [], []
    recorded = None if args.from_rows is None else pd.read_csv(args.from_rows)
    if recorded is not None:
        args.series = list(dict.fromkeys(recorded["dataset"]))
    for name in args.series:
        if recorded is not None:
            frame = recorded[recorded["dataset"] == name].reset_index(drop=True)
        else:
            frame = origin_rows(name, args)
            frames.append(frame.assign(dataset=name))
            if args.rows is not None:
                pd.concat(frames, ignore_index=True).to_csv(args.rows, index=False)
        rows.append(
            {"series": name, **{r: mase(frame, f) for r, f in rules(frame).items()}}
        )
        firsts = frame.groupby("origin").first()
        cal = firsts[[f"cal {c}" for c in CANDIDATES]].to_numpy()
        counts = np.bincount(shipped(cal), minlength=len(CANDIDATES))
        picks.append(
            {
                "series": name,
                **dict(zip(CANDIDATES, counts, strict=True)),
                "fit s": float(firsts["seconds"].sum()),
            }
        )
    if len(rows) > 1:
        means = pd.DataFrame(rows).drop(columns="series").mean()
        rows.append({"series": "mean", **means.to_dict()})
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    print(pd.DataFrame(picks).to_string(index=False))
    if args.markdown is None:
        return
    protocol = origins_phrase(args)
    lines = [
        "# The naive fallback: the network against the last value and its drift",
        "",
        run_line("naive_fallback.py"),
        "",
        f"`RNNForecaster(horizon=h, random_state=0, epochs={args.epochs})`, fitted "
        f"at {protocol}; every rule of `benchmarks/naive_fallback.py` scored from "
        "the same fits. Mean over the series of MASE over every origin and step, "
        "scaled as in `suite.md`. Lowest of a row in bold.",
        "",
        *rule_table(rows),
    ]
    lines += [
        "",
        "Origins at which each candidate was chosen by the shipped rule (the "
        f"network unless another's calibration mean is lower by more than "
        f"{FIRST_MARGIN:.0%}):",
        "",
        "| series | " + " | ".join(CANDIDATES) + " | fit seconds, all origins |",
        "|---|" + "---|" * (len(CANDIDATES) + 1),
    ]
    for pick in picks:
        cells = " | ".join(str(pick[c]) for c in CANDIDATES)
        lines.append(f"| {pick['series']} | {cells} | {pick['fit s']:.0f} |")
    lines += ["", f"This call: {(time.perf_counter() - started) / 60:.1f} minutes."]
    Path(args.markdown).write_text("\n".join(lines) + "\n")
    print(f"written to {args.markdown}")


if __name__ == "__main__":
    main()
