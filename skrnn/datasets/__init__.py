"""Small real data sets shipped with skrnn, for examples, tests and the CLI."""

from skrnn.datasets._base import (
    load_airline,
    load_japanese_vowels,
    load_nile,
    load_number_names,
    load_sunspots,
    load_us_employment,
)

__all__ = [
    "load_airline",
    "load_japanese_vowels",
    "load_nile",
    "load_number_names",
    "load_sunspots",
    "load_us_employment",
]
