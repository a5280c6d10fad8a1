"""Run the ``skrnn`` command line as ``python -m skrnn``."""

import sys

from skrnn.cli._main import main

if __name__ == "__main__":
    sys.exit(main())
