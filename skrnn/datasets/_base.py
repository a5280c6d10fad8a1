"""Loaders for the small public-domain time series shipped with skrnn."""

from importlib import resources

import numpy as np
import pandas as pd

__all__ = [
    "load_airline",
    "load_japanese_vowels",
    "load_nile",
    "load_number_names",
    "load_sunspots",
    "load_us_employment",
]


def _load_series(filename: str, *, date_format: str, freq: pd.DateOffset) -> pd.Series:
    """Read a two-column CSV of ``date,value`` from the package's data folder.

    The index is built with an explicit ``freq``, so a gap or a duplicate in a
    shipped file fails loudly instead of giving an irregular series.
    """
    with resources.files(__package__).joinpath("data", filename).open("r") as f:
        # dates kept as text: to_datetime reads bare numbers as epochs
        frame = pd.read_csv(f, converters={0: str})
    date_column, value_column = frame.columns
    index = pd.DatetimeIndex(
        pd.to_datetime(frame[date_column], format=date_format),
        freq=freq,
        name=date_column,
    )
    return pd.Series(frame[value_column].to_numpy(), index=index, name=value_column)


def load_airline() -> pd.Series:
    """Load the monthly international airline passengers, 1949 to 1960.

    Totals of international airline passengers per month, in thousands: the
    "airline" series, with its trend and a multiplicative yearly season, used
    throughout the forecasting literature and many LSTM tutorials.

    Returns
    -------
    y : pandas.Series of shape (144,)
        Passengers in thousands (int64), named ``"passengers"``, indexed by a
        monthly :class:`pandas.DatetimeIndex` (month start, ``freq="MS"``)
        from 1949-01-01 to 1960-12-01, named ``"month"``.

    See Also
    --------
    make_supervised : Turn the series into ``(X, y)`` for forecasting.
    load_sunspots : A longer yearly series with a cycle of about 11 years.

    Notes
    -----
    Source: Box, G. E. P. and Jenkins, G. M. (1976), *Time Series Analysis:
    Forecasting and Control*, Series G.
    The values are the same as R's ``datasets::AirPassengers``.

    Licence: public domain.

    Examples
    --------
    >>> from skrnn.datasets import load_airline
    >>> y = load_airline()
    >>> y.shape
    (144,)
    >>> y.head(3)
    month
    1949-01-01    112
    1949-02-01    118
    1949-03-01    132
    Freq: MS, Name: passengers, dtype: int64
    """
    return _load_series(
        "airline.csv", date_format="%Y-%m", freq=pd.offsets.MonthBegin()
    )


def load_sunspots() -> pd.Series:
    """Load the yearly mean sunspot numbers, 1700 to 2008.

    A classic non-linear series with a cycle of about 11 years whose amplitude
    changes from cycle to cycle.

    Returns
    -------
    y : pandas.Series of shape (309,)
        Yearly mean sunspot number (float64), named ``"sunspots"``, indexed by
        a yearly :class:`pandas.DatetimeIndex` (year start, ``freq="YS"``) from
        1700-01-01 to 2008-01-01, named ``"year"``.

    See Also
    --------
    load_airline : A shorter monthly series with trend and season.
    load_nile : Yearly flow of the Nile, a series with a change point.

    Notes
    -----
    Source: NOAA's National Geophysical Data Center (NGDC), yearly sunspot
    numbers, as shipped with statsmodels (``statsmodels.datasets.sunspots``).
    These are the original (version 1) Wolf numbers; the series revised by
    SILSO in 2015 (version 2) is about 1.67 times larger, so values differ
    from those downloaded from SILSO today.

    Licence: public domain.

    Examples
    --------
    >>> from skrnn.datasets import load_sunspots
    >>> y = load_sunspots()
    >>> y.shape
    (309,)
    >>> y.idxmax().year, float(y.max())
    (1957, 190.2)
    """
    return _load_series("sunspots.csv", date_format="%Y", freq=pd.offsets.YearBegin())


def load_nile() -> pd.Series:
    """Load the yearly flow volume of the Nile at Aswan, 1871 to 1970.

    A short series known for its change in level around 1898.

    Returns
    -------
    y : pandas.Series of shape (100,)
        Yearly flow volume in 10^8 cubic metres (int64), named ``"volume"``,
        indexed by a yearly :class:`pandas.DatetimeIndex` (year start,
        ``freq="YS"``) from 1871-01-01 to 1970-01-01, named ``"year"``.

    See Also
    --------
    load_sunspots : A longer yearly series.

    Notes
    -----
    Source: Cobb, G. W. (1978), "The problem of the Nile: conditional solution
    to a changepoint problem", *Biometrika* 65(2), 243-251; also in Durbin, J.
    and Koopman, S. J. (2001), *Time Series Analysis by State Space Methods*.
    As shipped with statsmodels (``statsmodels.datasets.nile``); the values
    are the same as R's ``datasets::Nile``.

    Licence: public domain.

    Examples
    --------
    >>> from skrnn.datasets import load_nile
    >>> y = load_nile()
    >>> y.shape
    (100,)
    >>> int(y.min()), int(y.max())
    (456, 1370)
    """
    return _load_series("nile.csv", date_format="%Y", freq=pd.offsets.YearBegin())


def load_japanese_vowels(*, split: str = "train") -> tuple[list, np.ndarray]:
    """Load the Japanese Vowels speaker-recognition sequences (variable length).

    Nine male speakers uttered the Japanese vowels "ae"; each utterance is a
    sequence of 7 to 29 frames of 12 linear-prediction cepstrum coefficients,
    and the task is to tell the speaker. A real set of *variable-length*,
    multivariate sequences for :class:`~skrnn.RNNClassifier`.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The original split: 270 training utterances (30 per speaker) and 370
        test utterances.

    Returns
    -------
    X : list of ndarray of shape (n_timesteps_i, 12)
        One array per utterance, frames oldest first.
    y : ndarray of str of shape (n_utterances,)
        Speaker labels ``"1"`` to ``"9"``.

    See Also
    --------
    skrnn.RNNClassifier : Classify sequences, of different lengths too.

    Notes
    -----
    Source: the UCI Machine Learning Repository, "Japanese Vowels" (M. Kudo,
    J. Toyama and M. Shimbo, "Multidimensional curve classification using
    passing-through regions", Pattern Recognition Letters 20, 1999),
    licensed CC BY 4.0; copied from the copy of the UEA/UCR archive that
    sktime ships, and stored here as one gzipped CSV row per frame.

    Examples
    --------
    >>> from skrnn.datasets import load_japanese_vowels
    >>> X, y = load_japanese_vowels()
    >>> len(X), X[0].shape[1], sorted(set(y))[:3]
    (270, 12, ['1', '2', '3'])
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    path = resources.files(__package__).joinpath("data", "japanese_vowels.csv.gz")
    with path.open("rb") as f:
        frame = pd.read_csv(f, compression="gzip", dtype={"speaker": str})
    frame = frame[frame["split"] == split]
    features = [c for c in frame.columns if c.startswith("lpc")]
    groups = frame.groupby("utterance", sort=True)
    X = [g.sort_values("step")[features].to_numpy() for _, g in groups]
    y = groups["speaker"].first().to_numpy().astype(str)
    return X, y


def load_number_names() -> pd.DataFrame:
    """Load the names of the numbers 0 to 999 in English and in French.

    A small sequence-to-sequence task for :class:`~skrnn.RNNSeq2Seq`:
    "three hundred and twelve" to "trois cent douze", character by
    character. Input and output lengths differ and vary independently
    (3 to 31 and 2 to 33 characters), and French has its own habits (70 is
    "soixante-dix", 80 "quatre-vingts", 21 "vingt et un"), so a model that
    has not learned the structure gets unseen numbers wrong.

    Returns
    -------
    frame : pandas.DataFrame of shape (1000, 3)
        Columns ``number`` (int64, 0 to 999, in order), ``english`` and
        ``french`` (str).

    See Also
    --------
    skrnn.RNNSeq2Seq : Learn the translation from examples.

    Notes
    -----
    Source: generated once with the ``num2words`` package, version 0.5.14
    (``num2words(n, lang="en")`` and ``lang="fr"``), and stored as a CSV.
    ``num2words`` is LGPL-licensed code; the names it generated are the
    ordinary spelling of numbers, shipped here as plain data, and skrnn
    neither depends on nor includes ``num2words``.

    Examples
    --------
    >>> from skrnn.datasets import load_number_names
    >>> frame = load_number_names()
    >>> frame.shape
    (1000, 3)
    >>> frame.loc[312, "english"], frame.loc[312, "french"]
    ('three hundred and twelve', 'trois cent douze')
    """
    with (
        resources.files(__package__)
        .joinpath("data", "number_names.csv")
        .open("r", encoding="utf-8") as f
    ):
        return pd.read_csv(
            f,
            dtype={"number": np.int64, "english": str, "french": str},
            keep_default_na=False,
        )


def load_us_employment(*, layout: str = "long") -> pd.DataFrame:
    """Load monthly US employment in 15 industries, 2006 to 2015: a panel.

    Jobs in thousands, month by month, in the 15 industry groups of the US
    Current Employment Statistics that do not overlap (they add up to total
    nonfarm employment, within rounding): 15 related series of 120 months
    each, through the 2008-2009 recession and the recovery after it. A small
    real panel for global forecasters, one model over many series.

    Parameters
    ----------
    layout : {"long", "wide"}, default="long"
        ``"long"``: one row per series and month, columns ``unique_id``,
        ``ds`` and ``y`` (the layout of statsforecast and neuralforecast).
        ``"wide"``: one row per month, one column per series.

    Returns
    -------
    frame : pandas.DataFrame of shape (1800, 3), or (120, 15) when wide
        Long: ``unique_id`` (str, the industry, e.g. ``"construction"``),
        ``ds`` (datetime64, month start, 2006-01-01 to 2015-12-01) and ``y``
        (float64, thousands of jobs), sorted by ``unique_id`` then ``ds``,
        with a default RangeIndex.
        Wide: float64 columns named by industry, in the order of the long
        layout's ids, indexed by a monthly :class:`pandas.DatetimeIndex`
        (month start, ``freq="MS"``) named ``"ds"``.
        No value is missing.

    See Also
    --------
    load_airline : One monthly series with trend and season.
    skrnn.SlidingWindowTransformer : Windows series by series with ``id_col``.

    Notes
    -----
    The values are *seasonally adjusted* by the Bureau of Labor Statistics:
    the series carry trend and the shock of the recession, but no yearly
    pattern to learn. Their levels differ by a factor of about 40 (utilities
    about 550, government about 22,000), so a model shared by all of them
    needs each series scaled by its own history.

    Source: U.S. Bureau of Labor Statistics, Current Employment Statistics
    (CES), employment by supersector, seasonally adjusted, downloaded on 11
    November 2018, as shipped with the ``vega_datasets`` package (version
    0.9.0, ``us-employment.csv``). The aggregate columns of that file
    (nonfarm, private, goods producing, service providing, manufacturing,
    trade-transportation-utilities) and its month-to-month change column
    are left out; manufacturing is kept as durable and nondurable goods.

    Licence: public domain (a work of the US government).

    Examples
    --------
    >>> from skrnn.datasets import load_us_employment
    >>> panel = load_us_employment()
    >>> panel.shape, panel["unique_id"].nunique()
    ((1800, 3), 15)
    >>> panel.head(2)
          unique_id         ds       y
    0  construction 2006-01-01  7601.0
    1  construction 2006-02-01  7664.0
    >>> load_us_employment(layout="wide").shape
    (120, 15)
    """
    if layout not in ("long", "wide"):
        raise ValueError(f"layout must be 'long' or 'wide', got {layout!r}.")
    path = resources.files(__package__).joinpath("data", "us_employment.csv")
    with path.open("r") as f:
        frame = pd.read_csv(f, converters={"month": str})
    index = pd.DatetimeIndex(
        pd.to_datetime(frame.pop("month"), format="%Y-%m"),
        freq=pd.offsets.MonthBegin(),
        name="ds",
    )
    wide = pd.DataFrame(
        frame.to_numpy(dtype=np.float64), index=index, columns=frame.columns
    )
    wide = wide[sorted(wide.columns)]
    wide.columns.name = "unique_id"
    if layout == "wide":
        wide.columns.name = None
        return wide
    long = wide.melt(ignore_index=False, var_name="unique_id", value_name="y")
    long = long.reset_index()[["unique_id", "ds", "y"]]
    long["unique_id"] = long["unique_id"].astype(str)
    return long.sort_values(["unique_id", "ds"], ignore_index=True)
