"""BERTopic without its optional extras: torch, transformers and sentence-transformers stay out.

Why: ``import bertopic`` (0.17) imports ``bertopic.backend``, whose ``__init__`` tries every
optional back-end; ``bertopic.backend._multimodal`` runs ``from sentence_transformers import
SentenceTransformer`` at import, which pulls in transformers and torch. Likewise
``bertopic.representation``'s ``__init__`` tries the transformers-based representations
(``_textgeneration``, ``_zeroshot``, ``_visual``) and the spaCy one (``_pos``), and
``bertopic._save_utils`` tries torch and huggingface_hub. Each of these is wrapped in ``try:
... except ModuleNotFoundError`` (``ImportError`` for ``_save_utils``) and replaced by a
"not installed" stand-in. No narrower entry point avoids them: ``bertopic._bertopic`` itself
imports ``bertopic.backend`` and ``bertopic.representation``. With our own embedder
(``_Backend``) and representations (MMR, KeyBERTInspired) none of them is used; they cost
5-6 s of CPU and about 320 MB per topic run.

How: a finder on ``sys.meta_path`` that answers "no such module" for exactly those names when,
and only when, the import statement is the top-level code of one of those BERTopic modules in
the importing thread (the nearest frame outside the import machinery). BERTopic then records
the extra as not installed, exactly as on a machine without it. Any other import of the same
package (our sentence-transformers embedder, a test, another thread, a library imported by
them) finds it as usual; if the package is loaded already, BERTopic gets it and the finder is
never asked. Consequence: in a process where BERTopic was imported first,
``bertopic.backend.MultiModalBackend``, ``TextGeneration``, ``ZeroShotClassification``,
``VisualRepresentation`` and ``PartOfSpeech`` are stand-ins; the product uses none of them.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from types import FrameType

# Importing module -> the top-level packages it may not import. All of them catch the error.
DECLINED: dict[str, frozenset[str]] = {
    "bertopic.backend._multimodal": frozenset({"sentence_transformers"}),
    "bertopic.representation._textgeneration": frozenset({"transformers"}),
    "bertopic.representation._zeroshot": frozenset({"transformers"}),
    "bertopic.representation._visual": frozenset({"transformers"}),
    "bertopic.representation._pos": frozenset({"spacy"}),
    "bertopic._save_utils": frozenset({"torch", "huggingface_hub"}),
}


class _DeclineBertopicExtras(MetaPathFinder):
    """Raises ModuleNotFoundError for an extra imported by BERTopic's own top-level code."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        importer = _importer(sys._getframe(1))
        if importer is not None and name.split(".")[0] in DECLINED.get(importer, ()):
            raise ModuleNotFoundError(
                f"{name} is not loaded for BERTopic's optional extras (analysis.topics."
                "bertopic_import)",
                name=name,
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


_FINDER = _DeclineBertopicExtras()


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _DeclineBertopicExtras) for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)
