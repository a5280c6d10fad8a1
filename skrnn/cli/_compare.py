"""``skrnn compare`` on one series: the models, the grid search, the leaderboard."""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from skrnn.cli._args import CELL_NAMES, CommandError
from skrnn.cli._data import _load_data, _out_folder
from skrnn.cli._keras_start import _start_keras
from skrnn.cli._report import _format_leaderboard, _in_percent, _short_params

if TYPE_CHECKING:
    import pandas as pd


def _min_rows(look_back: int, splits: int, horizon: int) -> int:
    """Fewest rows whose first TimeSeriesSplit training fold holds ``look_back``."""
    n_samples = splits + horizon
    while True:
        test_size = n_samples // (splits + 1)
        first_train = n_samples - (horizon - 1) - splits * test_size
        if test_size >= 1 and first_train >= look_back:
            return n_samples + horizon
        n_samples += 1


def _check_length(series: pd.Series, args: argparse.Namespace, source: str) -> None:
    needed = _min_rows(max(args.look_back), args.splits, args.horizon)
    if len(series) < needed:
        raise CommandError(
            f"{source} has {len(series)} rows, too few for --look-back "
            f"{max(args.look_back)} with --splits {args.splits} and --horizon "
            f"{args.horizon}: at least {needed} are needed, so that the first "
            "training fold holds one full window (use fewer splits or shorter "
            "windows)"
        )


# -- the comparison -------------------------------------------------------------


def _models(
    args: argparse.Namespace,
    cv: Any,
    season: int | None,
    target_feature: int | None = None,
) -> dict:
    """The contenders, by leaderboard name, all taking the same windows.

    The seasonal naive forecast is left out when ``season`` is None.
    ``target_feature`` is the window feature holding the target's history,
    for windows of several features (the target and ``--features``).
    """
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skrnn._regression.regressor import RNNRegressor
    from skrnn._windows.window import SlidingWindowTransformer
    from skrnn.baselines import PersistenceRegressor, SeasonalNaiveRegressor

    look_back = {"slidingwindowtransformer__look_back": args.look_back}
    models = {}
    for cell in args.cells:
        network = RNNRegressor(
            cell,
            target_feature=target_feature,
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            random_state=args.seed,
        )
        models[CELL_NAMES[cell]] = GridSearchCV(
            make_pipeline(SlidingWindowTransformer(), network),
            {**look_back, "rnnregressor__units": args.units},
            cv=cv,
        )
    models["Ridge"] = GridSearchCV(
        make_pipeline(
            SlidingWindowTransformer(flatten=True), StandardScaler(), Ridge()
        ),
        look_back,
        cv=cv,
    )
    models["persistence"] = make_pipeline(
        SlidingWindowTransformer(1), PersistenceRegressor(target_feature=target_feature)
    )
    if season is not None:
        models["seasonal naive"] = make_pipeline(
            SlidingWindowTransformer(season),
            SeasonalNaiveRegressor(season, target_feature=target_feature),
        )
    return models


# steps shown in the close-up of a long fold's plot
ZOOM_STEPS = 60


def _forecast_figure(
    series: pd.Series,
    y_pred: Any,
    test: np.ndarray,
    name: str,
    horizon: int,
    baselines: dict | None = None,
    n_splits: int | None = None,
) -> Any:
    """Plot the last fold's forecasts at the times they forecast.

    ``baselines`` (name to predictions on the same fold) are drawn one step
    ahead next to the best model, as yardsticks.
    """
    import pandas as pd
    from matplotlib.figure import Figure
    from sklearn.metrics import root_mean_squared_error

    from skrnn.plotting import plot_forecast

    def at_step(predictions, step):
        return pd.Series(predictions[:, step - 1], index=series.index[test + step])

    predictions = np.asarray(y_pred).reshape(len(test), -1)
    truth = np.stack([series.to_numpy()[test + step] for step in range(1, horizon + 1)])
    rmse = root_mean_squared_error(truth.T, predictions)  # as in the leaderboard
    forecasts = {}
    for step in sorted({1, horizon}):
        label = f"{name}, {step} step{'s' if step > 1 else ''} ahead"
        forecasts[label] = at_step(predictions, step)
    for other, values in (baselines or {}).items():
        if other != name:
            values = np.asarray(values).reshape(len(test), -1)
            forecasts[f"{other}, 1 step ahead"] = at_step(values, 1)
    # the test period and as much history again, twice: the rest is old news
    start = max(0, test[0] - 2 * len(test))
    # a long fold packs its lines too close to read: a second panel zooms on
    # its last ZOOM_STEPS steps
    zoom = len(test) > 2 * ZOOM_STEPS
    figure = Figure(figsize=(9, 8 if zoom else 4.5), layout="constrained")
    ax = figure.add_subplot(2 if zoom else 1, 1, 1)
    fold = "the last fold" if n_splits is None else f"fold {n_splits} of {n_splits}"
    plot_forecast(
        series.iloc[start:],
        forecasts,
        # the last value seen in training: the target of the last training row
        train_end=series.index[test[0]],
        ax=ax,
        title=(
            f"{name}, the best model: RMSE {rmse:.4g} on {fold} (the last "
            "test fold of the cross-validation)"
        ),
    )
    ax.set_xlabel(series.index.name or "time step")
    if zoom:
        last = series.index[-ZOOM_STEPS:]
        closer = figure.add_subplot(2, 1, 2)
        plot_forecast(
            series.iloc[-ZOOM_STEPS:],
            {
                label: values.loc[values.index.isin(last)]
                for label, values in forecasts.items()
            },
            ax=closer,
            title=f"The last {ZOOM_STEPS} steps",
        )
        closer.set_xlabel(series.index.name or "time step")
    return figure


def _season(series: pd.Series, args: argparse.Namespace) -> tuple[int | None, str]:
    """The season length (None: no season) and the line that says where it is from."""
    from skrnn._time.index import is_seasonal
    from skrnn._time.seasons import resolve_seasons, season_source

    if args.season is not None:
        season, shown, origin = args.season, str(args.season), "set by --season"
    else:
        values = series.to_numpy()
        cycles = resolve_seasons("auto", series.index, values)
        season = cycles[0] if cycles else 1
        shown = "none" if season == 1 else str(season)
        verb = "sets one" if season == 1 else "overrides"
        if season_source("auto", series.index, values) == "index":
            name = _frequency_name(series.index)
            origin = f"{name} time index; --season {verb}"
        else:
            origin = f"found in the data, no calendar time index; --season {verb}"
        if len(cycles) > 1:
            origin += f"; the longer cycles {', '.join(map(str, cycles[1:]))}"
            origin += " are left to the forecast command"
    if season is None or season == 1:
        return None, (
            f"Season: {shown} ({origin}): no seasonal naive forecast; MASE is "
            "scaled by persistence"
        )
    seasonal = is_seasonal(series.to_numpy(), season)
    test = "seasonal" if seasonal else "not seasonal"
    return season, f"Season: {shown} ({origin}); the M4 test finds the series {test}"


def _frequency_name(index: Any) -> str:
    from skrnn._time.index import index_step, season_of_index

    names = {24: "hourly", 7: "daily", 52: "weekly", 12: "monthly", 4: "quarterly"}
    season = season_of_index(index)
    if season == 1:
        return "yearly"
    if season in names:
        return names[season]
    step = index_step(index)
    return getattr(step, "freqstr", str(step))


def _steps_per_fit(n_rows: int, args: argparse.Namespace) -> float:
    """Training steps of a network's fit, on the mean TimeSeriesSplit fold."""
    n_samples = n_rows - args.horizon
    test_size = n_samples // (args.splits + 1)
    first = n_samples - (args.horizon - 1) - args.splits * test_size
    mean_train = first + test_size * (args.splits - 1) / 2
    return args.epochs * np.ceil(mean_train / args.batch_size)


def run_compare(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    data = _load_data(args)
    series, source = data.target, data.source
    _check_length(series, args, source)
    out = _out_folder(args.out)

    if args.cells:
        print(_start_keras(_steps_per_fit(len(series), args)))
    else:
        print("Keras not started: no network to compare (--cells is empty)")

    import pandas as pd
    from sklearn.model_selection import TimeSeriesSplit

    from skrnn._windows.supervised import make_supervised
    from skrnn._windows.window import SlidingWindowTransformer
    from skrnn.model_selection import compare, predict_last_fold

    # with H > 1 the last H - 1 training targets would overlap the test fold
    cv = TimeSeriesSplit(n_splits=args.splits, gap=args.horizon - 1)
    # Windows are built once, on the whole series, with the longest look-back
    # any model needs: a window only looks back, so this leaks nothing, and
    # every test fold gets its real history even when `gap` separates it from
    # its training fold. Each pipeline's transformer keeps the last steps.
    # The target is the windows' first feature, --features the others.
    frame = data.frame().reset_index(drop=True)
    X, y = make_supervised(frame, horizon=args.horizon, target=series.name)
    target_feature = 0 if data.features is not None else None

    span = ""
    if isinstance(series.index, pd.DatetimeIndex):
        span = f", {series.index[0].date()} to {series.index[-1].date()}"
    print(f"Data: {source}: {len(series)} rows of {series.name!r}{span}")
    if data.features is not None:
        print(f"Inputs: {series.name!r} and --features {', '.join(data.features)}")
    for note in data.notes:
        print(note)
    print(
        f"Forecast {args.horizon} step{'s' if args.horizon > 1 else ''} ahead; "
        f"TimeSeriesSplit(n_splits={args.splits}, gap={args.horizon - 1}); "
        f"grid look_back {args.look_back} x units {args.units}, "
        f"{args.epochs} epochs, batch {args.batch_size}"
    )
    season, season_line = _season(series, args)
    print(season_line)
    first_train = next(iter(cv.split(X)))[0]
    if season is not None and season >= len(first_train):
        # the first test fold's windows would reach back before the series
        print(
            f"Note: seasonal naive left out, MASE scaled by persistence: season "
            f"{season} is not shorter than the first training fold "
            f"({len(first_train)} rows)"
        )
        season = None
    longest = max(*args.look_back, season or 1)
    windows = SlidingWindowTransformer(longest).fit_transform(X)

    metrics = ["rmse", "mae", "smape", "mase"]
    if np.all(np.asarray(y) != 0):
        metrics.append("mape")
    else:
        print("Note: MAPE left out: the target has zeros, where it is undefined")
    models = _models(args, cv, season, target_feature)
    board = compare(models, windows, y, cv=cv, scoring=metrics, season=season or 1)
    board = _in_percent(board)
    print()
    print("Leaderboard (mean and std over folds; errors: lower is better)")
    print(_format_leaderboard(board, metrics))

    best = board.iloc[0]
    test = list(cv.split(windows))[-1][1]
    y_pred = predict_last_fold(
        models[best["model"]], windows, y, cv=cv, params=best["best_params"]
    )
    baselines = {
        name: predict_last_fold(models[name], windows, y, cv=cv)
        for name in ("persistence", "seasonal naive")
        if name in models
    }
    figure = _forecast_figure(
        series, y_pred, test, best["model"], args.horizon, baselines, args.splits
    )

    csv_path, png_path = out / "leaderboard.csv", out / "forecast.png"
    try:
        board.assign(
            best_params=board["best_params"].map(lambda p: json.dumps(p, default=str))
        ).to_csv(csv_path)
        figure.savefig(png_path, dpi=100)
    except OSError as error:
        raise CommandError(f"cannot write to {args.out!r}: {error}") from None
    print()
    print(f"Best: {best['model']} {_short_params(best['best_params'])}".rstrip())
    print(f"Wrote {csv_path} and {png_path} in {time.perf_counter() - started:.0f} s")
    return 0
