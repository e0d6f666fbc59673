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

How: :mod:`analysis.declined_imports` answers "no such module" for exactly those names when,
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

from analysis import declined_imports

DECLINED: dict[str, frozenset[str]] = {
    "bertopic.backend._multimodal": frozenset({"sentence_transformers"}),
    "bertopic.representation._textgeneration": frozenset({"transformers"}),
    "bertopic.representation._zeroshot": frozenset({"transformers"}),
    "bertopic.representation._visual": frozenset({"transformers"}),
    "bertopic.representation._pos": frozenset({"spacy"}),
    "bertopic._save_utils": frozenset({"torch", "huggingface_hub"}),
}


def install() -> None:
    """Decline BERTopic's optional extras (once is enough; repeating it changes nothing)."""
    for importer, names in DECLINED.items():
        declined_imports.decline(importer, names)
