"""Data files inside installed packages, found without importing the package.

Why: ``importlib.resources.files(package)`` imports the package first, and spaCy's import costs a
process about 0.8 s, matplotlib's about 1 s; the word lists (``analysis.words_nl``) and the
chart's font (``analysis.report.chart``) need only a file from them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_file(package: str, *parts: str) -> Path:
    """The path of ``parts`` inside the installed top-level ``package`` (not imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{package} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)
