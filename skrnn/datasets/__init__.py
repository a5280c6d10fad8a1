"""Small real time series shipped with skrnn, for examples, tests and the CLI."""

from ._base import load_airline, load_japanese_vowels, load_nile, load_sunspots

__all__ = ["load_airline", "load_japanese_vowels", "load_nile", "load_sunspots"]
