"""The ``skrnn`` command line: ``skrnn compare`` and ``skrnn forecast``.

:func:`main` is the entry point. The commands live in private modules, one
job each, importing downward only:

- ``_args``: argument types and the input arguments every command shares;
- ``_data``: reading the CSV file, its columns and time index, a panel;
- ``_keras_start``: which backend to start, and quieting its start-up;
- ``_report``: how tables are printed;
- ``_compare`` and ``_forecast``: the commands on one series;
- ``_panel``: both commands on a panel (``--id-col``);
- ``_main``: the parser and :func:`main`, which dispatches to them.
"""

from skrnn.cli._main import main

__all__ = ["main"]
