"""spaCy without torch: thinc's optional ``import torch`` is declined, nothing else changes.

Why: spaCy imports thinc, and ``thinc.compat`` runs ``try: import torch`` at import, only to
record whether torch is there (for thinc's PyTorch wrappers and GPU checks). There is no
setting to skip it; with torch installed (BERTopic needs it) every process that tokenises paid
2-3 s of CPU and 190 MB for a library the Dutch pipeline never calls (``spacy.blank("nl")`` +
rule-based components, :mod:`analysis.nlp`).

How: :mod:`analysis.declined_imports` answers "no such module" for ``torch`` when, and only
when, the import is ``thinc.compat``'s own top-level code in the importing thread. thinc then
records ``has_torch = False``, exactly as on a machine without torch. Every other import of
torch (BERTopic, sentence-transformers, in any thread, before or after) finds it as usual.
If torch is already loaded, thinc sees it and the finder is never asked.
"""

from __future__ import annotations

from analysis import declined_imports


def install() -> None:
    """Decline thinc's optional torch (once is enough; repeating it changes nothing)."""
    declined_imports.decline("thinc.compat", ["torch"])
