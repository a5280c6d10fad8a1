"""Sphinx configuration of the skrnn documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html``.

The gallery runs every ``examples/plot_*.py`` at its real settings, so every
published figure is a real forecast, on the fastest installed Keras backend
(JAX when it is installed and ``KERAS_BACKEND`` is not set). Quick mode
(``SKRNN_QUICK=1``: tiny epochs and grids) is for the examples' smoke test,
``tests/test_examples.py``; setting it here gives a fast local preview whose
figures are not worth publishing.
"""

import contextlib
import importlib.util
import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# document (and run the gallery against) this checkout's skrnn
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "sphinxext"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import skrnn  # noqa: E402
import skrnn._keras.backend  # noqa: E402
import skrnn.cli  # noqa: E402
import skrnn.cli._keras_start  # noqa: E402

# Before the examples import Keras: the backend the command line would pick
# (JAX when installed: the examples train for hundreds of epochs, where its
# cheaper steps more than repay compiling each model).
_backend, _why = skrnn.cli._keras_start._backend_choice(
    os.environ,
    keras_imported="keras" in sys.modules,
    jax_installed=all(
        importlib.util.find_spec(name) is not None for name in ("jax", "jaxlib")
    ),
    configured=skrnn.cli._keras_start._configured_backend(),
)
if _backend is not None:
    os.environ["KERAS_BACKEND"] = _backend
# the examples' backtests and searches fit many models of the same shapes: on
# JAX each compiles once for the build (docs/_build/.jax_cache)
skrnn._keras.backend.use_jax_compilation_cache(
    Path(__file__).resolve().parent / "_build" / ".jax_cache"
)

# -- project --------------------------------------------------------------------

project = "skrnn"
author = "the skrnn developers"
copyright = "the skrnn developers"
release = skrnn.__version__
version = release

# -- general --------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "keras_links",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_intersphinx", "sphinxext", "**.ipynb_checkpoints"]
root_doc = "index"
# `code` in reStructuredText means Python objects where they resolve
default_role = "literal"
pygments_style = "sphinx"

# -- API reference ----------------------------------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # the numpydoc docstrings give the types
numpydoc_show_class_members = False  # autodoc lists the methods
numpydoc_class_members_toctree = False
# the types of the parameters link to Python, NumPy, pandas, scikit-learn and
# skrnn itself where they name an object; the other words stay plain text
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {"of", "or", "and", "shape", "default", "optional", "instance"}
numpydoc_xref_aliases = {"DataFrame": "pandas.DataFrame", "Series": "pandas.Series"}

# -- links to other projects' documentation -------------------------------------

# The inventories are files of the repository (docs/_intersphinx/), read
# before any download is tried, so that the build never needs the network;
# docs/sphinxext/make_inventories.py says how to refresh them. Keras
# publishes none: docs/sphinxext/keras_links.py maps its names to keras.io.
intersphinx_mapping = {
    name: (url, (f"_intersphinx/{name}.inv", None))
    for name, url in {
        "python": "https://docs.python.org/3/",
        "numpy": "https://numpy.org/doc/stable/",
        "pandas": "https://pandas.pydata.org/docs/",
        "sklearn": "https://scikit-learn.org/stable/",
    }.items()
}
intersphinx_timeout = 5

# -- HTML -----------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skrnn {release}"
html_static_path = ["_static"]
html_css_files = ["skrnn.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
}
html_sidebars = {"index": []}
html_show_sourcelink = False

# -- gallery --------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # run every example, not only the ones whose name starts with plot_
    # (sphinx-gallery's default pattern); all of ours do
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.ExampleOrder",
    "doc_module": ("skrnn",),
    "backreferences_dir": "generated/backreferences",
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 5,
    "download_all_examples": False,
}

# -- the command line's help, captured at build time ------------------------------

GENERATED = HERE / "generated"
GENERATED.mkdir(exist_ok=True)


def _cli_help(argv):
    """The text ``skrnn`` prints for ``argv``, at a fixed width."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            skrnn.cli.main(argv)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return out.getvalue()


(GENERATED / "cli_compare_help.txt").write_text(_cli_help(["compare", "--help"]))
(GENERATED / "cli_forecast_help.txt").write_text(_cli_help(["forecast", "--help"]))


# -- members inherited from scikit-learn ----------------------------------------


def _skip_scikit_learn_members(app, what, name, obj, skip, options):
    """Leave out methods inherited unchanged from scikit-learn.

    ``get_params``, ``set_params``, ``set_output``, the metadata-routing
    ``set_*_request`` methods and the mixins' ``score`` or ``fit_transform``
    are scikit-learn's, documented there; their docstrings also point at
    labels of scikit-learn's own documentation, which do not resolve here.
    """
    module = getattr(obj, "__module__", None) or ""
    if module == "sklearn" or module.startswith("sklearn."):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_scikit_learn_members)
