"""Where the product keeps things on disk: the default project file and the user's cache folder.

Standard library only, so that the CLI can show its help (and the app can set up numba's cache)
without loading any of the analysis.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PROJECT = "interviews.db"
APP_NAME = "interviews"


def user_cache_dir() -> Path:
    """The product's folder in the user's cache: ``$XDG_CACHE_HOME/interviews``, else
    ``~/.cache/interviews`` (the XDG base-directory rule; not created here)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / APP_NAME
