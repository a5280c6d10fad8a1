"""numpydoc validation of every public docstring: the API reference shows them."""

import importlib
import inspect
import re
from pathlib import Path

import pytest

import skrnn

numpydoc_validate = pytest.importorskip("numpydoc.validate")

PUBLIC_MODULES = [
    "skrnn.baselines",
    "skrnn.cli",
    "skrnn.datasets",
    "skrnn.forecasting",
    "skrnn.metrics",
    "skrnn.model_selection",
    "skrnn.plotting",
]

# Checks skipped everywhere, each for a reason:
IGNORED = {
    # A named return value (``self : object``, ``y_pred : ndarray``) is
    # scikit-learn's convention and more useful than a bare type.
    "RT02",
}

# Checks skipped on methods only: the class docstring carries the extended
# description, the See Also section and the Examples, as in scikit-learn.
# Classes and functions must still have all three.
IGNORED_ON_METHODS = {
    "ES01",  # no extended summary needed for fit/predict/transform
    "SA01",  # no See Also section on every method
    "EX01",  # no Examples section on every method
}

# Known gaps, by object, to be fixed in the docstring and then removed here.
KNOWN_GAPS: dict = {}


def _public_names(module):
    """``__all__``, or the public functions and classes the module defines."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(obj)
        and obj.__module__ == module.__name__
    )


def _own_methods(cls):
    """Public methods a skrnn class defines itself or inherits from skrnn.

    Methods inherited unchanged from scikit-learn (``get_params``,
    ``set_output``, the mixins' ``score`` ...) carry scikit-learn's
    docstrings and are validated there.
    """
    names = []
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        function = getattr(member, "__func__", member)
        if not callable(function) or isinstance(function, type):
            continue
        if (getattr(function, "__module__", "") or "").startswith("skrnn"):
            names.append(name)
    return names


def _documented_objects():
    """``{dotted path: is a method}`` of every docstring the API reference shows."""
    paths = {}
    groups = [("skrnn", skrnn.__all__)] + [
        (name, _public_names(importlib.import_module(name))) for name in PUBLIC_MODULES
    ]
    for module_name, names in groups:
        module = importlib.import_module(module_name)
        for name in names:
            obj = getattr(module, name)
            paths[f"{module_name}.{name}"] = False
            if inspect.isclass(obj):
                for method in _own_methods(obj):
                    paths[f"{module_name}.{name}.{method}"] = True
    return paths


OBJECTS = _documented_objects()


def test_every_public_name_is_checked():
    assert "skrnn.RNNRegressor.fit" in OBJECTS
    assert "skrnn.RNNRegressor.save" in OBJECTS  # inherited from BaseRNN
    assert "skrnn.RNNRegressor.get_params" not in OBJECTS  # scikit-learn's
    assert "skrnn.model_selection.compare" in OBJECTS
    assert "skrnn.cli.main" in OBJECTS
    assert set(KNOWN_GAPS) <= set(OBJECTS)


@pytest.mark.parametrize("path", OBJECTS)
def test_docstring(path):
    result = numpydoc_validate.validate(path)
    ignored = IGNORED | KNOWN_GAPS.get(path, set())
    if OBJECTS[path]:
        ignored |= IGNORED_ON_METHODS
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in ignored
    ]
    assert not errors, f"{path}:\n" + "\n".join(errors)
    fixed = KNOWN_GAPS.get(path, set()) - {code for code, _ in result["errors"]}
    assert not fixed, (
        f"{path} no longer fails {sorted(fixed)}: remove it from KNOWN_GAPS"
    )


def test_api_reference_lists_every_public_name():
    """docs/api.rst is written by hand: a new public name must be added there."""
    api = (Path(__file__).resolve().parent.parent / "docs" / "api.rst").read_text()
    listed, module = set(), "skrnn"
    for line in api.splitlines():
        directive = re.match(r"\.\. currentmodule:: (\S+)", line)
        if directive:
            module = directive.group(1)
        elif re.fullmatch(r"   [A-Za-z_][A-Za-z0-9_]*", line):
            listed.add(f"{module}.{line.strip()}")
    public = {path for path, is_method in OBJECTS.items() if not is_method}
    assert public - listed == set(), "missing from docs/api.rst"
