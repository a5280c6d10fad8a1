"""Checks of parameter values that Keras layers take: positive ints, tuples."""

from numbers import Integral


def as_units(value, name: str, *, allow_empty: bool) -> tuple:
    """``units``-like parameter as a tuple of positive ints, or a clear error."""
    units = (value,) if isinstance(value, Integral) else tuple(value)
    if not units and not allow_empty:
        raise ValueError(f"{name} must be a positive int or a non-empty tuple of them.")
    for u in units:
        if not isinstance(u, Integral) or isinstance(u, bool) or u < 1:
            raise ValueError(
                f"{name} must contain positive ints only, got {name}={value!r}."
            )
    return tuple(int(u) for u in units)
