"""Every gallery example runs end to end, in quick mode, so the gallery never rots.

Each ``examples/plot_*.py`` runs as a script in its own process, as a reader
would run it, with ``SKRNN_QUICK=1`` (tiny epochs, grids and data) and a
non-interactive matplotlib backend. The Keras backend is whatever the
environment chose (``KERAS_BACKEND``).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# about a third of the suite's time: not in `make test`. CI runs every example
# at its real settings when `make docs` builds the gallery (an example that
# fails fails the build); `make test-examples` runs this quick smoke test.
pytestmark = pytest.mark.examples

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))

# Seconds per example; quick mode takes 10 to 35 s on a 2-core machine.
TIMEOUT = 300


def test_examples_are_found():
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_in_quick_mode(path, tmp_path):
    env = {
        **os.environ,
        "SKRNN_QUICK": "1",
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    }
    # run from a scratch folder: an example must not need the repository's
    # working directory, and must not litter it
    result = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, (
        f"{path.name} failed with exit status {result.returncode}:\n"
        f"{result.stderr[-4000:]}"
    )
    assert list(tmp_path.iterdir()) == [], "the example wrote files"
