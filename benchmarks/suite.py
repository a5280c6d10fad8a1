"""The forecasters' defaults on half-hourly, hourly, daily, weekly and monthly series.

The defaults of :class:`~skrnn.RNNForecaster` were chosen on monthly, yearly
and weekly series; ``season="auto"`` now reads the seasonal cycles at every
frequency (half-hourly: 48 and 336; hourly: 24 and 168; daily: 7, and 365
with two years of data; weekly: 52; monthly: 12). This suite checks the
defaults where the season is read, on real series of each frequency, against
Ridge on the same windows and the seasonal naive forecast at each cycle found.

Protocol, the same for every model: rolling origin (``backtest``, refitted at
every origin), ``--origins`` origins ``horizon`` steps apart, the last one
leaving exactly ``horizon`` steps; 90% prediction intervals. MASE and MSIS
are scaled by the in-sample seasonal naive error at the first cycle of
``seasons_`` (the same scale for every model of a series, up to each origin);
coverage is the share of the true values inside the 90% intervals; fit time
is the seconds spent fitting over all origins (calibration included).

Series (name: source):

- ETTh1 ``OT``, ETTh2 ``OT``: hourly oil temperature of two electricity
  transformers (ETDataset, Zhou et al., AAAI 2021), from ``--data``/ett; the
  last ``--hours`` hours of each.
- taylor: half-hourly electricity demand of England and Wales, 5 June to
  27 August 2000 (Taylor, JORS 2003; R's ``forecast::taylor``), as the
  pmdarima wheel ships it (``pmdarima.datasets.load_taylor``, 4,032 values
  without timestamps: the index is rebuilt from the documented start).
- seattle-temps: hourly temperature in Seattle, 2010 (the vega_datasets
  wheel, ``seattle-temps``); the last ``--hours`` hours.
- seattle-weather: daily maximum temperature in Seattle, 2012 to 2015 (the
  vega_datasets wheel, ``seattle-weather``).
- co2: weekly atmospheric CO2 at Mauna Loa, 1958 to 2001 (the statsmodels
  wheel, ``statsmodels.datasets.co2``; its missing weeks filled with
  ``skrnn.forecasting.fill_gaps``).
- airline: monthly airline passengers, 1949 to 1960 (``skrnn.datasets``).

Usage::

    python benchmarks/suite.py --data ../shared/data          # about 40 minutes
    python benchmarks/suite.py --data ../shared/data --quick  # 2 origins, 3 epochs
    python benchmarks/suite.py --series ETT --models RNN      # a subset

The peers are benchmark-only (never dependencies of skrnn) and pin pandas < 3,
so they live in ``.venv-bench`` (``make bench-env``): statsforecast (AutoETS at
the first cycle, MSTL at every cycle), skforecast's ``ForecasterRnn`` at its
documented defaults (1 epoch) and at 20 epochs, and neuralforecast's ``LSTM``
at its defaults (torch, CPU). All go through ``peer_backtest``, the same
origins; where a library is not importable its rows are skipped (and the
markdown says so). statsmodels, vega_datasets and pmdarima provide data only.
The peers alone::

    python benchmarks/suite.py --peers-only               # the peers alone
    python benchmarks/suite.py --peers-only --skip "LSTM (neuralforecast)@ETTh2"

``--skip MODEL@SERIES`` (repeatable) leaves out the rows whose label holds
MODEL and whose series name holds SERIES; ``make bench-suite-peers`` writes
``results/suite_peers.md``.

Two more views, each its own run::

    python benchmarks/suite.py --held-out     # series no default was chosen on
    python benchmarks/suite.py --spread --origins 15   # coverage at more origins

``--held-out`` backtests, instead of the suite's series, series the defaults
were never chosen or tuned on (``make bench-suite-held-out``,
``results/suite_held_out.md``): blood glucose every 5 minutes and the sea
surface temperature of a Gulf of Maine buoy every 30 minutes, both shipped in
the bokeh-sampledata wheel. ``--spread`` spreads the origins over the last
third of each series, so that coverage is read from more than a few dozen
values (``make bench-suite-coverage``, ``results/suite_coverage.md``).
"""

import argparse
import datetime
import os
import platform
import shlex
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skrnn import RNNForecaster, WindowForecaster  # noqa: E402
from skrnn._forecast.look_back import default_recurrent_steps  # noqa: E402
from skrnn.baselines import SeasonalNaiveRegressor  # noqa: E402
from skrnn.datasets import load_airline  # noqa: E402
from skrnn.forecasting import default_look_back, fill_gaps  # noqa: E402
from skrnn.metrics import seasonal_naive_scale  # noqa: E402
from skrnn.model_selection import BacktestResult, backtest  # noqa: E402

HERE = Path(__file__).resolve().parent
LEVEL = 0.9
NEURALFORECAST = "LSTM (neuralforecast)"
PEERS = ("statsforecast", "skforecast", "neuralforecast")
SKIP_REASON = (
    "neuralforecast's LSTM takes about a quarter of an hour per hourly series "
    "(1000 steps at each of the origins on one core), and ForecasterRnn at 20 "
    "epochs half an hour on the half-hourly demand (336 lags): "
    "`make bench-suite-peers` runs the peers on their own."
)


def load_ett(data, name, hours):
    frame = pd.read_csv(Path(data) / "ett" / f"{name}.csv", parse_dates=["date"])
    y = frame.set_index("date")["OT"].asfreq("h")
    return y.iloc[-hours:].rename(f"{name} OT")


def load_vega(name, column, hours=None):
    from vega_datasets import local_data

    frame = getattr(local_data, name.replace("-", "_"))()
    y = frame.set_index(pd.to_datetime(frame["date"]))[column].astype(float)
    y = fill_gaps(y)
    return y if hours is None else y.iloc[-hours:]


def load_taylor():
    """Half-hourly electricity demand of England and Wales, 5 June to 27 August
    2000 (Taylor 2003, R's forecast::taylor), as the pmdarima wheel ships it."""
    from pmdarima.datasets import load_taylor as taylor

    values = taylor(as_series=False)
    index = pd.date_range("2000-06-05", periods=len(values), freq="30min")
    return pd.Series(values, index=index, name="demand (MW)")


def load_co2():
    import statsmodels.api as sm

    y = sm.datasets.co2.load_pandas().data["co2"]
    y = fill_gaps(y)
    return y


# name: (loader(args), horizon, source)
SERIES = {
    "ETTh1": (
        lambda a: load_ett(a.data, "ETTh1", a.hours),
        24,
        "ETDataset ETTh1.csv, column OT (hourly), shared data",
    ),
    "ETTh2": (
        lambda a: load_ett(a.data, "ETTh2", a.hours),
        24,
        "ETDataset ETTh2.csv, column OT (hourly), shared data",
    ),
    "taylor": (
        lambda a: load_taylor(),
        48,
        "pmdarima wheel, load_taylor: half-hourly electricity demand, "
        "England and Wales, summer 2000",
    ),
    "seattle-temps": (
        lambda a: load_vega("seattle-temps", "temp", a.hours),
        24,
        "vega_datasets wheel, seattle-temps, column temp (hourly)",
    ),
    "seattle-weather": (
        lambda a: load_vega("seattle-weather", "temp_max"),
        14,
        "vega_datasets wheel, seattle-weather, column temp_max (daily)",
    ),
    "co2": (
        lambda a: load_co2(),
        13,
        "statsmodels wheel, statsmodels.datasets.co2 (weekly, gaps filled)",
    ),
    "airline": (
        lambda a: load_airline(),
        12,
        "skrnn.datasets.load_airline (monthly)",
    ),
}


def load_glucose(steps):
    """Blood glucose of one person, every 5 minutes, 2010 (bokeh-sampledata's
    ``glucose``, public domain): the readings' mean in each 5-minute bin, the
    last ``steps`` bins, gaps filled."""
    from bokeh_sampledata.glucose import data

    y = data["glucose"].astype(float).resample("5min").mean()
    return fill_gaps(y.iloc[-steps:]).rename("glucose (mg/dL)")


def load_sea_temperature(steps):
    """Sea surface temperature every 30 minutes at NERACOOS buoy B01 (Gulf of
    Maine), 2016-2017 (bokeh-sampledata's ``sea_surface_temperature``): the
    last ``steps`` half-hours, the one gap filled."""
    from bokeh_sampledata.sea_surface_temperature import sea_surface_temperature

    y = sea_surface_temperature["temperature"].astype(float)
    y.index = y.index.tz_localize(None)
    y = y[~y.index.duplicated()].resample("30min").mean()
    return fill_gaps(y.iloc[-steps:]).rename("temperature (C)")


# held out (--held-out): series the defaults were never chosen or tuned on,
# at frequencies the suite does not hold (5 minutes) or with other cycles
HELD_OUT = {
    "glucose": (
        lambda a: load_glucose(4000),
        12,
        "bokeh-sampledata wheel, glucose: blood glucose every 5 minutes (one "
        "person, 2010, public domain), last 4000 steps",
    ),
    "sea-temperature": (
        lambda a: load_sea_temperature(4000),
        48,
        "bokeh-sampledata wheel, sea_surface_temperature: NERACOOS buoy B01, "
        "every 30 minutes, 2016-2017, last 4000 steps",
    ),
}


# RNNForecaster()'s fit seconds per series in an earlier run: --jobs submits
# the longest first, so that no core is left with the longest series last
FIT_SECONDS = {
    "taylor": 286,
    "ETTh1": 112,
    "seattle-weather": 88,
    "ETTh2": 84,
    "co2": 62,
    "seattle-temps": 50,
    "airline": 45,
    "sea-temperature": 300,
    "glucose": 290,
}


def rescaled(result, y, m):
    """``result`` with MASE and MSIS scaled by the seasonal naive at cycle ``m``."""
    forecasts = result.forecasts.copy()
    values = y.to_numpy(dtype=float)
    lengths = y.index.get_indexer(pd.Index(forecasts["cutoff"])) + 1
    scales = {
        n: seasonal_naive_scale(values[:n], m if n > m else 1) for n in set(lengths)
    }
    scale = np.array([scales[n] for n in lengths])
    forecasts["scale"] = np.where(scale > 0, scale, np.nan)
    levels = (LEVEL,) if "y_lower" in forecasts else ()
    return BacktestResult(forecasts, levels, result.fit_time)


def peer_backtest(fit_predict, y, horizon, n_origins, step=None):
    """A peer through the same origins as ``backtest``, refitted at each.

    ``step``: steps between origins (default ``horizon``).
    ``fit_predict(head)`` gets the series up to the cutoff (a pandas Series)
    and returns the mean forecast of the next ``horizon`` steps, then the
    lower and upper bounds of its 90% interval (both ``None`` where the peer
    has none). Its seconds, summed over the origins, are the fit time.
    """
    values, index = y.to_numpy(dtype=float), y.index
    rows, fit_time = [], 0.0
    step = horizon if step is None else step
    for k in range(n_origins - 1, -1, -1):
        length = len(y) - horizon - k * step
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean, lower, upper = fit_predict(y.iloc[:length])
        fit_time += time.perf_counter() - start
        frame = {
            "cutoff": index[length - 1],
            "ds": index[length : length + horizon],
            "horizon": np.arange(1, horizon + 1),
            "y_true": values[length : length + horizon],
            "y_pred": np.asarray(mean, dtype=float),
        }
        if lower is not None:
            frame["y_lower"] = np.asarray(lower, dtype=float)
            frame["y_upper"] = np.asarray(upper, dtype=float)
        rows.append(pd.DataFrame({**frame, "scale": np.nan}))
    forecasts = pd.concat(rows, ignore_index=True)
    levels = (LEVEL,) if "y_lower" in forecasts else ()
    return BacktestResult(forecasts, levels, fit_time)


def statsforecast_peer(model, horizon):
    """``fit_predict`` of a statsforecast model: its 90% interval."""
    p = int(100 * LEVEL)

    def fit_predict(head):
        out = model.forecast(y=head.to_numpy(dtype=float), h=horizon, level=[p])
        return out["mean"], out[f"lo-{p}"], out[f"hi-{p}"]

    return fit_predict


# fit_kwargs of the two ForecasterRnn columns: Keras's fit defaults (1 epoch,
# batch 32), then 20 epochs; verbose=0 only silences the progress bar
SKFORECAST_FIT = {
    "ForecasterRnn (skforecast defaults)": {"verbose": 0},
    "ForecasterRnn, epochs=20": {"epochs": 20, "verbose": 0},
}
# display and I/O only (no progress bar, model summary or lightning_logs/)
LIGHTNING_QUIET = {
    "enable_progress_bar": False,
    "enable_model_summary": False,
    "logger": False,
}


def skforecast_peer(horizon, lags, fit_kwargs):
    """``fit_predict`` of skforecast's ForecasterRnn at its documented defaults.

    The network of ``create_and_compile_model`` (LSTM(100), Dense(64), a
    linear output of ``horizon`` steps; MSE, Adam), the default MinMaxScaler
    on the series, and the conformal 90% interval from the in-sample
    residuals (``predict_interval``'s default method and interval).
    """
    from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

    def fit_predict(head):
        import keras

        keras.utils.set_random_seed(0)
        series = head.rename("y").to_frame()
        model = create_and_compile_model(series=series, lags=lags, steps=horizon)
        forecaster = ForecasterRnn(model, levels="y", lags=lags, fit_kwargs=fit_kwargs)
        forecaster.fit(series=series, store_in_sample_residuals=True)
        out = forecaster.predict_interval(
            method="conformal", interval=[0.05, 0.95], suppress_warnings=True
        )
        if not out.index.equals(
            pd.date_range(head.index[-1], periods=horizon + 1, freq=head.index.freq)[1:]
        ):
            raise ValueError("ForecasterRnn forecast the wrong dates")
        return out["pred"], out["lower_bound"], out["upper_bound"]

    return fit_predict


def neuralforecast_peer(horizon, freq):
    """``fit_predict`` of neuralforecast's LSTM, every default but ``h``.

    MAE loss, so a point forecast only (no interval).
    """
    import torch
    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    torch.set_num_threads(1)

    def fit_predict(head):
        frame = pd.DataFrame(
            {"unique_id": "y", "ds": head.index, "y": head.to_numpy(dtype=float)}
        )
        forecaster = NeuralForecast(
            models=[LSTM(h=horizon, **LIGHTNING_QUIET)], freq=freq
        )
        forecaster.fit(df=frame)
        out = forecaster.predict()
        expected = pd.date_range(head.index[-1], periods=horizon + 1, freq=freq)[1:]
        if not pd.DatetimeIndex(out["ds"]).equals(expected):
            raise ValueError("neuralforecast forecast the wrong dates")
        return out["LSTM"], None, None

    return fit_predict


def variants_for(horizon, extra, run_skrnn):
    """Candidate defaults, each at three seeds: the loss, and the seed spread."""
    models = {}
    for loss in ("mse", "mae"):
        for seed in (0, 1, 2):
            label = f"RNNForecaster(loss={loss!r}, random_state={seed})"
            models[label] = run_skrnn(
                RNNForecaster(horizon=horizon, loss=loss, random_state=seed, **extra)
            )
    return models


def models_for(
    horizon,
    seasons,
    epochs,
    peers,
    variants=False,
    probe=None,
    freq=None,
    peers_only=False,
    diagnostics=False,
    step=None,
    seed=0,
):
    """``label: run(y, n_origins)`` for one series.

    ``peers``: the peer libraries importable here (statsforecast, skforecast,
    neuralforecast); ``peers_only`` leaves skrnn's own models out. ``step``:
    steps between origins (None: one horizon). ``seed``: the networks'
    ``random_state``.
    """
    extra = {} if epochs is None else {"epochs": epochs}

    def run_skrnn(forecaster):
        return lambda y, n: backtest(
            forecaster, y, n_origins=n, step=step, coverage=LEVEL
        )

    def run_peer(make):
        # the peer is built when it runs (imports, threads), not when listed
        return lambda y, n: peer_backtest(make(), y, horizon, n, step)

    if variants:
        return variants_for(horizon, extra, run_skrnn)

    models = {}
    if not peers_only:
        seeded = {"random_state": seed, **extra}
        models.update(skrnn_models(horizon, seasons, seeded, run_skrnn, diagnostics))
    if "statsforecast" in peers:
        from statsforecast.models import MSTL, AutoETS

        m = seasons[0] if seasons else 1
        models["AutoETS (statsforecast)"] = run_peer(
            lambda: statsforecast_peer(AutoETS(season_length=m), horizon)
        )
        if len(seasons) > 0:
            models["MSTL (statsforecast)"] = run_peer(
                lambda: statsforecast_peer(MSTL(season_length=list(seasons)), horizon)
            )
    if "skforecast" in peers:
        lags = int(probe.look_back_)
        for label, fit_kwargs in SKFORECAST_FIT.items():
            models[label] = run_peer(
                lambda fit_kwargs=fit_kwargs: skforecast_peer(horizon, lags, fit_kwargs)
            )
    if "neuralforecast" in peers:
        models[NEURALFORECAST] = run_peer(lambda: neuralforecast_peer(horizon, freq))
    return models


def skrnn_models(horizon, seasons, extra, run_skrnn, diagnostics=False):
    """skrnn's own rows: the network, Ridge and the seasonal naive forecasts
    (and with ``diagnostics``, variants of the network)."""
    models = {
        "RNNForecaster()": run_skrnn(RNNForecaster(horizon=horizon, **extra)),
        "Ridge (WindowForecaster)": run_skrnn(WindowForecaster(horizon=horizon)),
    }
    if diagnostics:
        models["RNNForecaster(n_models=1)"] = run_skrnn(
            RNNForecaster(horizon=horizon, n_models=1, **extra)
        )
        models["RNNForecaster(season=1)"] = run_skrnn(
            RNNForecaster(horizon=horizon, season=1, **extra)
        )
    if diagnostics and len(seasons) > 1:
        # the default look-back covers the cycle of season_ only: the longest
        # cycle in the window instead (a diagnostic, not a default)
        longest = max(seasons)
        models["RNNForecaster(look_back=longest cycle)"] = run_skrnn(
            RNNForecaster(horizon=horizon, look_back=longest, **extra)
        )
        models["Ridge, look_back=longest cycle"] = run_skrnn(
            WindowForecaster(horizon=horizon, look_back=longest)
        )
    for k, s in enumerate(seasons or (1,)):
        label = "seasonal naive, " + ("1st cycle" if k == 0 else f"cycle {k + 1}")
        models[label] = run_skrnn(
            WindowForecaster(
                SeasonalNaiveRegressor(s), horizon=horizon, look_back=s, season=s
            )
        )
    return models


def skipped(label, name, skips):
    """Whether ``--skip MODEL@SERIES`` names this row (substrings of each)."""
    for skip in skips:
        model, _, series = skip.rpartition("@") if "@" in skip else (skip, "", "")
        if model in label and series in name:
            return True
    return False


def origin_step(n_steps, horizon, n_origins, spread):
    """Steps between origins: one horizon, or with ``spread`` the last third
    of the series shared among the origins (at least one step apart)."""
    if not spread:
        return horizon
    return max(1, (n_steps // 3) // n_origins)


def origin_plan(y, horizon, n_origins, spread):
    """``(ends, m)``: the history's length at each origin, oldest first, and
    the first cycle of ``seasons_`` at the first (the scale's cycle)."""
    step = origin_step(len(y), horizon, n_origins, spread)
    first = len(y) - horizon - (n_origins - 1) * step
    probe = WindowForecaster(horizon=horizon, calibration=None).fit(y.iloc[:first])
    m = int(probe.seasons_[0]) if len(probe.seasons_) else 1
    return [first + k * step for k in range(n_origins)], m


def run_series(name, args, peers, failures):
    loader, horizon, source = {**SERIES, **HELD_OUT}[name]
    y = loader(args)
    n = args.origins
    step = origin_step(len(y), horizon, n, args.spread)
    head = y.iloc[: len(y) - horizon - (n - 1) * step]
    probe = WindowForecaster(horizon=horizon, calibration=None).fit(head)
    seasons = tuple(int(s) for s in probe.seasons_)
    m = seasons[0] if seasons else 1
    info = {
        "series": name,
        "source": source,
        "freq": y.index.freqstr,
        "steps": len(y),
        "start": str(y.index[0])[:16],
        "end": str(y.index[-1])[:16],
        "horizon": horizon,
        "origins": n,
        "step": step,
        "seasons_": str(seasons),
        "season_source_": probe.season_source_,
        "season_": int(probe.season_),
        "look_back_": int(probe.look_back_),
        # RNNForecaster's look-back also covers the longest cycle when the
        # series is not seasonal at season_ (the rule it applies in fit)
        "RNN look_back_": default_look_back(
            head.to_numpy(), probe.season_, horizon, probe.seasonal_, seasons
        ),
        "seasonal_": bool(probe.seasonal_),
    }
    # the window's last steps the network's recurrent layer reads
    info["RNN recurrent_steps_"] = default_recurrent_steps(
        head.to_numpy(),
        seasons,
        probe.season_,
        probe.seasonal_,
        horizon,
        info["RNN look_back_"],
    )
    print(
        f"{name}: {len(y)} steps, horizon {horizon}, seasons_ {seasons} "
        f"({probe.season_source_}), season_ {probe.season_}, "
        f"look_back_ {probe.look_back_} (RNN {info['RNN look_back_']}, "
        f"reading {info['RNN recurrent_steps_']})",
        flush=True,
    )
    rows, skips = [], []
    models = models_for(
        horizon,
        seasons,
        args.epochs,
        peers,
        args.variants,
        probe=probe,
        freq=y.index.freqstr,
        peers_only=args.peers_only,
        diagnostics=args.diagnostics,
        step=step,
        seed=args.seed,
    )
    for label, run in models.items():
        if args.models is not None and args.models not in label:
            continue
        if skipped(label, name, args.skip):
            print(f"  {name} | {label}: skipped (--skip)", flush=True)
            skips.append((label, name))
            continue
        start = time.perf_counter()
        try:
            result = rescaled(run(y, n), y, m)
        except Exception as error:  # a failing model is reported, not fatal
            print(
                f"  {name} | {label}: failed ({type(error).__name__}: {error})",
                flush=True,
            )
            failures.append((label, name, f"{type(error).__name__}: {error}"))
            continue
        summary = result.summary
        row = {
            "series": name,
            "model": label,
            "mase": summary["mase"],
            "smape": summary["smape"],
            "coverage": summary.get("coverage", np.nan),
            # per series (a single series: its own coverage)
            **{
                f"coverage_{stat}": summary.get(
                    f"coverage_{stat}", summary.get("coverage", np.nan)
                )
                for stat in ("min", "median", "max")
            },
            "msis": summary.get("msis", np.nan),
            "fit_time": result.fit_time,
        }
        if "y_lower" in result.forecasts:
            # what a 5-origin backtest of these origins could have read
            row["coverage_5_low"], row["coverage_5_high"] = window_coverage(
                result.forecasts, 5
            )
        rows.append(row)
        print(
            f"  {name} | {label:28s} MASE {row['mase']:.3f}  "
            f"cov90 {row['coverage']:.2f}  MSIS {row['msis']:.2f}  "
            f"fit {row['fit_time']:.1f} s "
            f"({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    return info, rows, skips


def run_one(name, args, peers):
    """:func:`run_series` with its failures returned (for a worker process)."""
    failures = []
    return (*run_series(name, args, peers, failures), failures)


CORES = None  # in a worker of core_pool: the queue of free cores


def keep_cores(cores):
    """A worker's initializer: the queue of free cores, for :func:`on_free_core`."""
    global CORES
    CORES = cores


def on_free_core(function, *args):
    """``function(*args)`` pinned to a free core, given back when it ends."""
    core = CORES.get()
    os.sched_setaffinity(0, {core})
    try:
        return function(*args)
    finally:
        CORES.put(core)


def compilation_cache(enabled: bool) -> str:
    """Point JAX's persistent compilation cache at a new, empty folder.

    For this process and the workers it spawns (they inherit the
    environment), removed when the run ends: every network of one
    architecture and shapes after the first (the ensemble's members, the
    calibration copies, the next origins) loads its compiled steps rather
    than compiling them again, with the same results to the bit
    (``docs/user_guide/backends.rst``), and the run starts as cold as the
    one before it. Returns the phrase the tables print; nothing is set off
    JAX or when the caller chose a cache already.
    """
    if not enabled or os.environ.get("KERAS_BACKEND") != "jax":
        return "no compilation cache"
    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return f"JAX's compilation cache in {os.environ['JAX_COMPILATION_CACHE_DIR']}"
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="skrnn-bench-jax-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["JAX_COMPILATION_CACHE_DIR"] = folder
    # a small network's steps compile in well under JAX's 1 s threshold
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    if "jax" in sys.modules:  # imported already: its config read the old values
        from skrnn._keras.backend import use_jax_compilation_cache

        use_jax_compilation_cache(folder)
    return "JAX's compilation cache in a folder empty at the start"


def add_cache_argument(parser) -> None:
    """``--no-compilation-cache``: compile every network's steps anew."""
    parser.add_argument(
        "--compilation-cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="on JAX, keep the compiled steps of the run's networks in a new "
        "folder (removed after) so that the next network of the same shapes "
        "loads them; the same results, less time (default: on)",
    )


def core_pool(jobs, fresh=False):
    """``jobs`` spawned workers whose tasks (submitted through
    :func:`on_free_core`) run on one core each; ``fresh``: a new process per
    task (its own peak memory)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    cores = context.Queue()
    for core in sorted(os.sched_getaffinity(0))[:jobs]:
        cores.put(core)
    return ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=keep_cores,
        initargs=(cores,),
        max_tasks_per_child=1 if fresh else None,
    )


def run_all(names, args, peers):
    """Every series' results, in the order of ``names``.

    With ``--jobs`` above 1, the series run side by side in that many
    processes, each pinned to one core of those this one may use, the longest
    series submitted first.
    """
    if args.jobs <= 1:
        return [run_one(name, args, peers) for name in names]
    longest_first = sorted(names, key=lambda name: -FIT_SECONDS.get(name, 0))
    with core_pool(args.jobs) as pool:
        futures = {
            n: pool.submit(on_free_core, run_one, n, args, peers) for n in longest_first
        }
        return [futures[name].result() for name in names]


def pivot(table, column):
    """Series as rows, models as columns, in the order first seen."""
    wide = table.pivot(index="series", columns="model", values=column)
    models = [c for c in dict.fromkeys(table["model"]) if c in wide.columns]
    series = list(dict.fromkeys(table["series"]))
    return wide.loc[series, models]


def fmt(value, column):
    if pd.isna(value):
        return "—"
    if column.startswith("coverage"):
        return f"{100 * value:.0f}%"
    if column == "fit_time":
        return f"{value:.1f}"
    return f"{value:.3f}" if column == "mase" else f"{value:.2f}"


def markdown_table(frame, columns):
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for _, row in frame.iterrows():
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def markdown_pivot(wide, column):
    """The pivot of ``column`` as markdown, the best MASE of each series in bold."""
    lines = [
        "| series | " + " | ".join(wide.columns) + " |",
        "|---|" + "---|" * len(wide.columns),
    ]
    for name, row in wide.iterrows():
        best = row.min() if column == "mase" else None
        cells = []
        for value in row:
            cell = fmt(value, column)
            if best is not None and value == best:
                cell = f"**{cell}**"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def window_coverage(forecasts, width):
    """Lowest and highest coverage of ``width`` consecutive origins."""
    inside = (forecasts["y_true"] >= forecasts["y_lower"]) & (
        forecasts["y_true"] <= forecasts["y_upper"]
    )
    per_origin = inside.groupby(forecasts["cutoff"]).mean().sort_index().to_numpy()
    if len(per_origin) < width:
        return np.nan, np.nan
    means = np.convolve(per_origin, np.ones(width) / width, mode="valid")
    return means.min(), means.max()


def seed_spread(table):
    """Per series and loss: MASE over the seeds, its spread, and coverage."""
    parts = table["model"].str.extract(r"loss='(\w+)', random_state=(\d+)")
    table = table.assign(loss=parts[0], seed=parts[1].astype(int))
    rows = []
    for (name, loss), group in table.groupby(["series", "loss"], sort=False):
        mase = group["mase"]
        rows.append(
            {
                "series": name,
                "loss": loss,
                "mean MASE": round(mase.mean(), 3),
                "min": round(mase.min(), 3),
                "max": round(mase.max(), 3),
                "spread (max-min)/mean": f"{np.ptp(mase) / mase.mean():.0%}",
                "std/mean": f"{mase.std(ddof=0) / mase.mean():.0%}",
                "mean coverage": f"{group['coverage'].mean():.0%}",
                "fit s per seed": round(group["fit_time"].mean(), 1),
            }
        )
    return pd.DataFrame(rows)


def write_variants(args, table, spread, info, elapsed):
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    epochs = 20 if args.epochs is None else args.epochs
    text = [
        "# The network's loss and its seed spread, on the suite's series",
        "",
        f"Run on {today}: `python benchmarks/suite.py {shlex.join(sys.argv[1:])}`. "
        f"Machine: "
        f"{platform.platform()}, {os.cpu_count()} cores, shared with other work "
        f"(fit seconds are indicative); {keras_stack()}, {args.cache}; "
        f"{epochs} epochs; {args.origins} rolling "
        "origins per series, 90% intervals, MASE scaled as in `suite.md`.",
        "",
        "`RNNForecaster(horizon=h, loss=..., random_state=seed)`, every other "
        "parameter at its default, seeds 0, 1 and 2.",
        "",
        markdown_table(spread, list(spread.columns)),
        "",
        "## MASE, every run",
        "",
        markdown_pivot(pivot(table, "mase"), "mase"),
        "",
        f"One run: {elapsed / 60:.1f} minutes in all.",
    ]
    Path(args.markdown).write_text("\n".join(text) + "\n")
    print(f"written to {args.markdown}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--markdown", default=None, help="write the results here")
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument("--hours", type=int, default=3000, help="hourly series kept")
    parser.add_argument("--epochs", type=int, default=None, help="default: 20")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--series", default=None, help="only names with this")
    parser.add_argument("--models", default=None, help="only labels with this")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--peers-only", action="store_true", help="the peers only, no skrnn model"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="MODEL@SERIES",
        help="leave out the rows whose label holds MODEL and series name holds "
        "SERIES (repeatable)",
    )
    parser.add_argument(
        "--diagnostics",
        action="store_true",
        help="also one network (n_models=1), the network with season=1, and the "
        "network and Ridge with look_back at the longest cycle",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of skrnn's networks"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="series run side by side, one process each, pinned to a core each",
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="instead of the suite's series: series the defaults were never "
        "chosen on (5-minute glucose, half-hourly sea temperature)",
    )
    parser.add_argument(
        "--spread",
        action="store_true",
        help="origins spread over the last third of each series rather than one "
        "horizon apart; the markdown is a coverage table",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="instead of the models: the network with loss mse and mae, 3 seeds each",
    )
    add_cache_argument(parser)
    args = parser.parse_args()
    args.cache = compilation_cache(args.compilation_cache)
    if args.quick:
        args.origins, args.epochs = 2, args.epochs or 3
    peers = set()
    if not args.no_peers:
        for library in PEERS:
            try:
                __import__(library)
                peers.add(library)
            except ImportError:
                print(f"{library} is not installed: its rows are skipped", flush=True)

    started = time.perf_counter()
    infos, rows, skips, failures = [], [], [], []
    pool = HELD_OUT if args.held_out else SERIES
    names = [n for n in pool if args.series is None or args.series in n]
    for info, series_rows, series_skips, series_failures in run_all(names, args, peers):
        infos.append(info)
        rows += series_rows
        skips += series_skips
        failures += series_failures
    elapsed = time.perf_counter() - started
    table = pd.DataFrame(rows)
    info = pd.DataFrame(infos)

    for column, title in (
        ("mase", "MASE (mean over origins and steps)"),
        ("coverage", "coverage of the 90% intervals"),
        ("coverage_min", "smallest coverage of a series, 90% intervals"),
        ("coverage_median", "median coverage of a series, 90% intervals"),
        ("coverage_max", "largest coverage of a series, 90% intervals"),
        ("msis", "MSIS (90% intervals)"),
        ("fit_time", "fit seconds (all origins)"),
    ):
        print(f"\n{title}")
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(pivot(table, column).round(3).to_string())
    print("\n" + info.drop(columns=["source"]).to_string(index=False))

    if args.variants:
        spread = seed_spread(table)
        print("\n" + spread.to_string(index=False))
        if args.markdown is not None:
            write_variants(args, table, spread, info, elapsed)
        return
    if args.markdown is None:
        return
    if args.spread:
        text = coverage_markdown(args, table, info, elapsed)
        Path(args.markdown).write_text(text)
        print("\n" + text + f"\nwritten to {args.markdown}")
        return
    text = suite_markdown(args, table, info, peers, skips, failures, elapsed)
    print("\n" + text)
    Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
    Path(args.markdown).write_text(text)
    print(f"written to {args.markdown}")


def coverage_markdown(args, table, info, elapsed):
    """``--spread``: the 90% intervals' coverage at origins over the last third."""
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    epochs = 20 if args.epochs is None else args.epochs
    models = list(dict.fromkeys(table["model"]))
    cells = table.assign(
        cell=[
            "—"  # a model without intervals
            if pd.isna(row.coverage)
            else f"{row.coverage:.0%} "
            f"({row.coverage_5_low:.0%}–{row.coverage_5_high:.0%})"
            for row in table.itertuples()
        ]
    )
    wide = cells.pivot(index="series", columns="model", values="cell")
    wide = wide.reindex(index=list(dict.fromkeys(table["series"])), columns=models)
    origins = info[info["series"].isin(table["series"])]
    origins = origins[["series", "horizon", "origins", "step", "steps"]]
    text = [
        "# Coverage of the 90% intervals at origins spread over each series",
        "",
        f"Run on {today}: `{command_line()}`. Machine: {platform.platform()}, "
        f"{os.cpu_count()} cores, {args.jobs} series at a time; "
        f"{keras_stack()}, {args.cache}; {epochs} epochs.",
        "",
        "`suite.md` reads coverage at its 5 last origins, one horizon apart: "
        "a few dozen values, and the errors of one origin move together, so a "
        "well calibrated 90% interval can read 100% there. Here each series is "
        f"backtested at {args.origins} origins spread over its last third "
        "(refitted at each; `step` steps apart, the last leaving exactly one "
        "horizon), the models as in `suite.md`. Each cell: the coverage over "
        "all the origins, then in brackets the lowest and the highest coverage "
        "that 5 consecutive of these origins give (what a 5-origin backtest "
        "could have read).",
        "",
        markdown_table(origins, list(origins.columns)),
        "",
        "## Coverage of the 90% intervals (nominal 90%)",
        "",
        "| series | " + " | ".join(models) + " |",
        "|---" * (len(models) + 1) + "|",
        *(
            f"| {name} | " + " | ".join(str(v) for v in row) + " |"
            for name, row in wide.fillna("—").iterrows()
        ),
        "",
        "## MASE at these origins",
        "",
        markdown_pivot(pivot(table, "mase"), "mase"),
        "",
        "## MSIS of the 90% intervals",
        "",
        markdown_pivot(pivot(table, "msis"), "msis"),
        "",
        f"One run: {elapsed / 60:.1f} minutes in all.",
    ]
    return "\n".join(text) + "\n"


def cpu_name() -> str:
    """The CPU's model and widest vector instructions (XLA compiles for them,
    so a network's figures can differ between machines), as Linux names them."""
    try:
        with open("/proc/cpuinfo") as lines:
            info = dict(
                (key.strip(), value.strip())
                for key, _, value in (line.partition(":") for line in lines)
                if key.strip() in ("model name", "flags")
            )
    except OSError:
        return platform.processor() or platform.machine()
    flags = set(info.get("flags", "").split())
    vector = next((f for f in ("avx512f", "avx2", "avx") if f in flags), None)
    name = info.get("model name", platform.machine())
    return name + (f" ({vector.upper().replace('F', '')})" if vector else "")


def keras_stack() -> str:
    """Keras, its backend's library and numpy, with their versions: a
    network's figures can move with any of them, and a table that does not
    name them cannot be told apart from a stale one."""
    import importlib.metadata as metadata

    import keras

    backend = keras.backend.backend()
    libraries = {"jax": ("jax", "jaxlib"), "tensorflow": ("tensorflow",)}
    parts = []
    for name in libraries.get(backend, (backend,)):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return (
        f"keras {keras.__version__} ({', '.join(parts) or backend}), "
        f"numpy {np.__version__}"
    )


def versions(peers):
    """The peers' versions, as one sentence's worth of text."""
    import keras

    parts = []
    for library in ("statsforecast", "skforecast", "neuralforecast"):
        if library in peers:
            parts.append(f"{library} {__import__(library).__version__}")
    if "neuralforecast" in peers:
        import pytorch_lightning
        import torch

        parts.append(
            f"torch {torch.__version__} (CPU, torch.set_num_threads(1)), "
            f"pytorch-lightning {pytorch_lightning.__version__}"
        )
    if "skforecast" in peers:
        parts.append(
            f"ForecasterRnn on keras {keras.__version__} "
            f"({keras.backend.backend()} backend)"
        )
    return ", ".join(parts)


def peer_settings(peers):
    """What each peer ran with, one bullet each."""
    lines = []
    if "statsforecast" in peers:
        lines.append(
            "- statsforecast: `AutoETS(season_length=seasons_[0])` and "
            "`MSTL(season_length=list(seasons_))`, `forecast(y, h, level=[90])`. "
            "ETS holds at most 24 seasonal states, so where the first cycle is "
            "longer (co2's 52 weeks, a day of half-hours or of 5-minute steps) "
            "AutoETS has no season."
        )
    if "skforecast" in peers:
        lines.append(
            "- skforecast, ForecasterRnn at its documented defaults: "
            "`create_and_compile_model(series, lags=look_back_, steps=h)` (one "
            "LSTM(100, tanh), Dense(64, relu), a linear Dense of h outputs; MSE, "
            "Adam at learning rate 0.001), `ForecasterRnn(model, levels='y', "
            "lags=look_back_)` with its default `MinMaxScaler` on the series, "
            "`keras.utils.set_random_seed(0)` before each model is built; "
            "`fit(series, store_in_sample_residuals=True)`, then "
            "`predict_interval(method='conformal', interval=[0.05, 0.95])` (split "
            "conformal on the in-sample residuals, binned by predicted value: its "
            "default method and interval). `lags` is the `look_back_` of "
            "`WindowForecaster(horizon=h)` in the series table. "
            "\"ForecasterRnn (skforecast defaults)\": `fit_kwargs={'verbose': 0}`, "
            "so Keras's fit defaults (1 epoch, batch 32); \"ForecasterRnn, "
            "epochs=20\": `fit_kwargs={'epochs': 20, 'verbose': 0}` (skrnn's "
            "default epoch count). `verbose=0` only silences the progress bar."
        )
    if "neuralforecast" in peers:
        lines.append(
            "- neuralforecast: `NeuralForecast(models=[LSTM(h=h)], freq=freq)`, "
            "`fit(df)`, `predict()`; every LSTM default but `h`: `input_size=-1` "
            "(which it sets to 3 h), `recurrent=False` (direct: the MLP decoder "
            "gives the h steps at once), 2 encoder layers of 128, a decoder of "
            "128, MAE loss, `scaler_type='robust'`, `max_steps=1000`, learning "
            "rate 0.001, batch of 32 series and 128 windows, `random_seed=1`. "
            "Its trainer gets `enable_progress_bar=False, "
            "enable_model_summary=False, logger=False` (display and files only). "
            "The MAE loss gives a point forecast: no interval, so its coverage and "
            "MSIS are —."
        )
    return lines


def suite_markdown(args, table, info, peers, skips, failures, elapsed):
    import sklearn

    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    epochs = 20 if args.epochs is None else args.epochs
    cores = len(os.sched_getaffinity(0))
    machine = (
        f"Machine: {platform.platform()}, "
        f"{cpu_name()}, {os.cpu_count()} cores"
        + (f" (this run pinned to {cores})" if cores < os.cpu_count() else "")
        + (
            f", {args.jobs} series at a time, one core each"
            if args.jobs > 1
            else ", one series at a time"
        )
        + f"; {args.cache}; fit seconds are indicative (the machine is shared "
        "with other work)"
    )
    stack = (
        f"Python {platform.python_version()}, {keras_stack()}, "
        f"scikit-learn {sklearn.__version__}, "
        f"pandas {pd.__version__}"
    )
    if args.peers_only:
        sections = [
            "# The forecasting peers on the suite's series",
            "",
            f"Run on {today}: `{command_line()}`. {machine}. {stack}; "
            f"{versions(peers)}.",
            "",
            "The peers alone (`--peers-only`), on the series and origins of "
            "`suite.md` (skrnn's own rows are there): rolling origin, each peer "
            f"refitted at every origin ({args.origins} origins one horizon "
            "apart, the last leaving exactly one horizon) through "
            "`peer_backtest`; 90% prediction intervals where the peer has them. "
            "MASE and MSIS are scaled by the in-sample seasonal naive error at "
            "the first cycle of `seasons_`, as in `suite.md`; coverage is the "
            "share of true values inside the 90% intervals (nominal 90%); fit "
            "seconds are each origin's fit and forecast, summed over the origins.",
        ]
    else:
        sections = [
            "# The forecasters' defaults at every frequency"
            + (", on held-out series" if args.held_out else ""),
            "",
            f"Run on {today}: `{command_line()}`. {machine}. {stack}. One seed "
            f"(random_state={args.seed}), {epochs} epochs.",
            *(
                [
                    "",
                    "Held out (`--held-out`): no default of the forecasters was "
                    "chosen or tuned on these series, and the suite holds no "
                    "5-minute series. The protocol and the models are those of "
                    "`suite.md`.",
                ]
                if args.held_out
                else []
            ),
            "",
            "Rolling origin (`skrnn.model_selection.backtest`, refitted at every "
            f"origin): {args.origins} origins one horizon apart, the last leaving "
            "exactly one horizon; 90% prediction intervals. MASE and MSIS are "
            "scaled by the in-sample seasonal naive error at the first cycle of "
            "`seasons_` (the same scale for every model of a series); coverage is "
            "the share of true values inside the 90% intervals (nominal 90%; the "
            "smallest, median and largest of a series tell a panel's series "
            "apart, and equal it on these single series); fit "
            "seconds are summed over the origins (calibration fits included).",
            "",
            "Models: `RNNForecaster(horizon=h, random_state=0)` with every other "
            "parameter at its default (`n_models='auto'`: three networks "
            "averaged on each of these series; one network against ensembles "
            "over nine seeds: `ensemble.md`); "
            "Ridge through `WindowForecaster(horizon=h)`; the seasonal naive "
            "forecast at each cycle of `seasons_` (`WindowForecaster("
            "SeasonalNaiveRegressor(s), look_back=s, season=s)`, its interval "
            "from the same calibration)."
            + (
                " Diagnostics (`--diagnostics`): one network (`n_models=1`, "
                "the first of the three), the network with `season=1` "
                "(no season, as the old defaults behaved on integer and "
                "sub-daily indexes), and where `seasons_` holds two cycles the "
                "network and Ridge with `look_back` set to the longest cycle; — "
                "where it does not apply."
                if args.diagnostics
                else ""
            ),
        ]
    sections += [
        "",
        "## Series",
        "",
        markdown_table(
            info,
            [
                "series",
                "source",
                "freq",
                "steps",
                "start",
                "end",
                "horizon",
                "seasons_",
                "season_source_",
                "season_",
                "look_back_",
                "RNN look_back_",
                "RNN recurrent_steps_",
                "seasonal_",
            ],
        ),
        "",
        "`seasons_`, `season_source_`, `season_`, `look_back_` and `seasonal_` "
        "are those of `WindowForecaster(horizon=h)` fitted on the history up to "
        "the first origin. `RNNForecaster` resolves them the same way, except "
        "its look-back (`RNN look_back_`), which also covers the longest cycle "
        "of `seasons_` (but for one the seasonality test fails that is a "
        "multiple of a shorter one it passes) when the series is not "
        "seasonal at `season_`, and the "
        "steps of it that its recurrent layer reads (`RNN recurrent_steps_`: "
        "fewer where the forecasts follow a longer cycle than the first).",
    ]
    if peers:
        sections += [
            "",
            "Peers (benchmark-only, fitted at every origin like the others; "
            f"{versions(peers)}):",
            "",
            *peer_settings(peers),
        ]
    missing = [library for library in PEERS if library not in peers]
    if missing and not args.no_peers:
        sections += [
            "",
            f"Not importable in this environment, so their rows are absent: "
            f"{', '.join(missing)}.",
        ]
    if skips:
        sections += [
            "",
            "Skipped (`--skip`; — in the tables): "
            + "; ".join(f"{label} on {name}" for label, name in skips)
            + ". "
            + SKIP_REASON,
        ]
    if failures:
        sections += ["", "Failed (— in the tables):", ""] + [
            f"- {label} on {name}: `{error}`" for label, name, error in failures
        ]
    columns = [
        ("mase", "MASE (best of each series in bold)"),
        ("coverage", "Coverage of the 90% intervals"),
        ("coverage_min", "Smallest coverage of a series (90% intervals)"),
        ("coverage_median", "Median coverage of a series (90% intervals)"),
        ("coverage_max", "Largest coverage of a series (90% intervals)"),
        ("msis", "MSIS of the 90% intervals"),
        ("fit_time", "Fit seconds, all origins"),
    ]
    if args.peers_only:
        # single series: the smallest, median and largest coverage equal it
        columns = [c for c in columns if not c[0].startswith("coverage_")]
    for column, title in columns:
        sections += [
            "",
            f"## {title}",
            "",
            markdown_pivot(pivot(table, column), column),
        ]
    sections += ["", f"One run: {elapsed / 60:.1f} minutes in all."]
    return "\n".join(sections) + "\n"


def command_line():
    """The command that ran, from the repository root."""
    import shlex
    import sys

    words = [shlex.quote(word) for word in sys.argv[1:]]
    backend = os.environ.get("KERAS_BACKEND", "jax")
    return f"KERAS_BACKEND={backend} python benchmarks/suite.py " + " ".join(words)


if __name__ == "__main__":
    main()
