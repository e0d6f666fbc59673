"""Optional imports that named libraries try at import time, declined: one finder for all.

Why: thinc (under spaCy) and BERTopic each run ``try: import torch`` (or sentence-transformers,
transformers) in their top-level code only to note whether an optional extra is there; the
product never uses those extras, and importing them costs seconds and hundreds of MB per
process. :mod:`analysis.thinc_torch` and :mod:`analysis.topics.bertopic_import` say which
imports they decline and why; this module does the declining.

How: a finder on ``sys.meta_path`` that answers "no such module" for a declined name when, and
only when, the import statement is the top-level code of the module that declined it, in the
importing thread (the nearest frame outside the import machinery). The library then records the
extra as not installed, as on a machine without it. Any other import of the same package (a
lazy import inside a function, another module, another thread) finds it as usual; if the
package is loaded already, the importer gets it and the finder is never asked.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from importlib.abc import MetaPathFinder
from types import FrameType

# importing module -> top-level package names declined for its top-level code
_DECLINED: dict[str, frozenset[str]] = {}


class _DeclineOptionalImports(MetaPathFinder):
    """Raises ModuleNotFoundError for a name declined for the importing module; else no opinion."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        importer = _importer(sys._getframe(1))
        if importer is not None and name.split(".")[0] in _DECLINED.get(importer, ()):
            raise ModuleNotFoundError(
                f"{name} is not loaded for {importer} (analysis.declined_imports)", name=name
            )
        return None


def _importer(frame: FrameType | None) -> str | None:
    """The module whose top-level code runs the import statement, or None when the nearest
    frame outside the import machinery is a function (a lazy import: never declined)."""
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    if frame is None or frame.f_code.co_name != "<module>":
        return None
    return frame.f_globals.get("__name__")


_FINDER = _DeclineOptionalImports()


def decline(importer: str, names: Iterable[str]) -> None:
    """Decline ``names`` (top-level packages) for ``importer``'s top-level code; the finder is
    put first on ``sys.meta_path`` once."""
    _DECLINED[importer] = _DECLINED.get(importer, frozenset()) | frozenset(names)
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
