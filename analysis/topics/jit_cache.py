"""numba's on-disk cache for UMAP, so that a topic run compiles UMAP once per user, not per process.

UMAP's layout and fuzzy-graph functions are numba functions without ``cache=True``: every new
process (each ``interviews topics``, each app start) compiled them again, 8 s of CPU before the
first topic run could start. numba has no global "cache everything" switch; what ``cache=True``
does is call the dispatcher's ``enable_caching()``, which :func:`cache_compilations` does for
UMAP's (and pynndescent's) module-level functions after they are imported. numba keys each
cache entry on the function's source file and signature, so upgrading UMAP recompiles.

The cache lives in the user's cache folder (``$XDG_CACHE_HOME/interviews/numba``, else
``~/.cache/interviews/numba``), or where ``NUMBA_CACHE_DIR`` already points.
:func:`configure` must run before numba is first imported for numba's own ``cache=True``
functions (pynndescent's) to use it as well; ``analysis.topics`` calls it on import.

HDBSCAN (the ``hdbscan`` package) is compiled Cython, not numba: it has nothing to cache.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from analysis.locations import user_cache_dir

# The packages whose numba functions a topic run compiles.
CACHED_PACKAGES = ("umap", "pynndescent")
# Set (to anything) to skip the app's background warm-up, e.g. in the tests' app process.
NO_WARM_UP = "INTERVIEWS_NO_WARM_UP"

_warm_up_lock = threading.Lock()
_warm_up_thread: threading.Thread | None = None


def configure() -> Path:
    """Point numba's cache at the user's cache folder (unless ``NUMBA_CACHE_DIR`` is set)."""
    folder = os.environ.get("NUMBA_CACHE_DIR") or str(user_cache_dir() / "numba")
    os.environ["NUMBA_CACHE_DIR"] = folder
    config = sys.modules.get("numba.core.config")
    if config is not None and not config.CACHE_DIR:  # numba read the environment already
        config.CACHE_DIR = folder
    return Path(folder)


def cache_compilations(packages: tuple[str, ...] = CACHED_PACKAGES) -> int:
    """Turn on numba's on-disk cache for the module-level numba functions of ``packages``
    (imported already); returns how many. Functions numba cannot cache (closures over
    dynamic globals) keep compiling per process, as before."""
    from numba.core.dispatcher import Dispatcher

    configure()
    dispatchers = {
        id(value): value
        for name, module in list(sys.modules.items())
        if module is not None and name.split(".")[0] in packages
        for value in list(vars(module).values())
        if isinstance(value, Dispatcher)
    }
    enabled = 0
    for dispatcher in dispatchers.values():
        try:
            dispatcher.enable_caching()
        except RuntimeError:  # no writable cache location for this function: compile as before
            continue
        enabled += 1
    return enabled


def warm_up_in_background() -> threading.Thread | None:
    """Compile (or load from the cache) UMAP in a daemon thread, once per process: the app
    calls this after start so that the evaluator's first topic run does not wait for it.
    None when ``INTERVIEWS_NO_WARM_UP`` is set."""
    global _warm_up_thread
    if os.environ.get(NO_WARM_UP):
        return None
    with _warm_up_lock:
        if _warm_up_thread is None:
            _warm_up_thread = threading.Thread(target=_warm_up, name="umap-warm-up", daemon=True)
            _warm_up_thread.start()
        return _warm_up_thread


def _warm_up() -> None:
    try:
        from analysis.topics import model

        model.warm_up()
    except Exception:  # a failed warm-up only means the first run compiles: log, do not raise
        logging.getLogger(__name__).exception("UMAP warm-up failed")
