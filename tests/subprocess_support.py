"""Run a Python snippet in a fresh interpreter with the project on its path: what a new CLI or
app process imports is only visible there (the test process has loaded everything already)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(script: str, *, timeout: int = 600) -> str:
    """``python -c script`` in a new process; its stdout, after checking that it succeeded."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
