"""Write the inventories of ``docs/_intersphinx/`` from the installed libraries.

The documentation links to scikit-learn, pandas, NumPy and Python through
inventories kept in the repository, so that the build never needs the
network. Each published site's own ``objects.inv`` is the better file where
it can be downloaded (``curl -sL https://scikit-learn.org/stable/objects.inv
-o docs/_intersphinx/sklearn.inv``, and so on). Where it cannot, this script
writes an equivalent one: it lists the public classes, functions and methods
of the installed library, at the addresses each site gives its API pages::

    python docs/sphinxext/make_inventories.py
"""

import importlib
import inspect
import pkgutil
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "_intersphinx"


def _write(path, project, version, entries):
    """A Sphinx inventory (version 2) of ``entries``: (name, role, uri) triples."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = sorted(
        {
            f"{name} {role if ':' in role else 'py:' + role} 1 {uri} -\n"
            for name, role, uri in entries
        }
    )
    path.write_bytes(header.encode() + zlib.compress("".join(lines).encode(), 9))
    print(f"{path.name}: {len(lines)} names")


def _members(cls, owner):
    """Public methods and properties of ``cls``, inherited ones too, as (name, role)."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        value = inspect.getattr_static(cls, name)
        if isinstance(value, property):
            yield f"{owner}.{name}", "attribute"
        elif callable(value) or isinstance(value, classmethod | staticmethod):
            yield f"{owner}.{name}", "method"


def _api(names, page, member_pages=False):
    """Each public class or function and its members, on its own page.

    scikit-learn documents the methods on their class's page, pandas and
    NumPy give each method a page of its own (``member_pages``).
    """
    for full, obj in names:
        uri = page.format(name=full)
        if inspect.isclass(obj):
            yield full, "class", uri + "#$"
            for member, role in _members(obj, full):
                where = page.format(name=member) if member_pages else uri
                yield member, role, where + "#$"
        else:
            yield full, "function", uri + "#$"


def sklearn_names():
    import sklearn

    for info in pkgutil.iter_modules(sklearn.__path__):
        if info.name.startswith("_") or info.name in ("tests", "externals"):
            continue
        module = importlib.import_module(f"sklearn.{info.name}")
        for name in getattr(module, "__all__", ()):
            try:
                obj = getattr(module, name, None)
            except ImportError:  # experimental names, behind an explicit import
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"sklearn.{info.name}.{name}", obj


def pandas_names():
    import pandas

    for name in dir(pandas):
        obj = getattr(pandas, name)
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        if inspect.isclass(obj) or callable(obj):
            yield f"pandas.{name}", obj


def numpy_terms():
    """The glossary terms numpydoc links parameter types to (``array_like``)."""
    for term in ("array_like", "array-like"):
        yield term, "std:term", "glossary.html#term-array_like"


def numpy_names():
    import numpy

    for name in dir(numpy):
        obj = getattr(numpy, name)
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        if inspect.isclass(obj) or callable(obj):
            yield f"numpy.{name}", obj


def python_entries():
    for name in ("bool", "float", "int"):
        yield name, "class", f"library/functions.html#{name}"
    for name in ("dict", "list", "str", "tuple", "set"):
        yield name, "class", f"library/stdtypes.html#{name}"
    for name in ("callable", "isinstance", "len", "open", "print", "range", "zip"):
        yield name, "function", f"library/functions.html#{name}"
    for name in ("ValueError", "TypeError", "RuntimeWarning", "UserWarning"):
        yield name, "exception", f"library/exceptions.html#{name}"
    yield "bltin-boolean-values", "std:label", "library/stdtypes.html#$"
    for term in ("generator", "iterable", "sequence"):
        yield term, "std:term", f"glossary.html#term-{term}"
    for name in ("None", "True", "False"):
        yield name, "data", f"library/constants.html#{name}"
    yield "pathlib.Path", "class", "library/pathlib.html#pathlib.Path"
    yield "pickle", "module", "library/pickle.html#module-pickle"
    yield "pickle.load", "function", "library/pickle.html#pickle.load"
    yield "os.environ", "data", "library/os.html#os.environ"


def main():
    import numpy
    import pandas
    import sklearn

    OUT.mkdir(exist_ok=True)
    _write(
        OUT / "sklearn.inv",
        "scikit-learn",
        sklearn.__version__,
        _api(sklearn_names(), "modules/generated/{name}.html"),
    )
    _write(
        OUT / "pandas.inv",
        "pandas",
        pandas.__version__,
        _api(pandas_names(), "reference/api/{name}.html", member_pages=True),
    )
    _write(
        OUT / "numpy.inv",
        "NumPy",
        numpy.__version__,
        [
            *_api(numpy_names(), "reference/generated/{name}.html", member_pages=True),
            *numpy_terms(),
        ],
    )
    _write(OUT / "python.inv", "Python", "3", python_entries())


if __name__ == "__main__":
    main()
