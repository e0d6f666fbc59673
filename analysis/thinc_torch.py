"""spaCy without torch: thinc's optional ``import torch`` is declined, nothing else changes.

Why: spaCy imports thinc, and ``thinc.compat`` runs ``try: import torch`` at import, only to
record whether torch is there (for thinc's PyTorch wrappers and GPU checks). There is no
setting to skip it; with torch installed (BERTopic needs it) every process that tokenises paid
2-3 s of CPU and 190 MB for a library the Dutch pipeline never calls (``spacy.blank("nl")`` +
rule-based components, :mod:`analysis.nlp`).

How: a finder on ``sys.meta_path`` that answers "no such module" for ``torch`` when, and only
when, the import comes from ``thinc.compat`` in the importing thread. thinc then records
``has_torch = False``, exactly as on a machine without torch. Every other import of torch (BERTopic,
sentence-transformers, in any thread, before or after) finds it as usual. If torch is already
loaded, thinc sees it and the finder is never asked.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from types import FrameType


class _DeclineTorchForThinc(MetaPathFinder):
    """Raises ModuleNotFoundError for ``torch`` imported by ``thinc.compat``; else no opinion."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "torch" and _imported_by("thinc.compat", sys._getframe(1)):
            raise ModuleNotFoundError("torch is not loaded for spaCy (analysis.thinc_torch)")
        return None


def _imported_by(module: str, frame: FrameType | None) -> bool:
    """Whether ``module``'s top-level code is on this thread's stack, under the import machinery."""
    for _ in range(40):  # the import system's frames, then the importing module's
        if frame is None:
            return False
        if frame.f_globals.get("__name__") == module:
            return True
        frame = frame.f_back
    return False


_FINDER = _DeclineTorchForThinc()


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _DeclineTorchForThinc) for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)
