"""Dutch word lists and word-level lookups that need no spaCy pipeline.

Why a module of its own: importing spaCy costs a process about 0.8 s of CPU and building the
blank Dutch pipeline another 0.9 s (its 4,680 tokenizer exceptions). Commands that only need to
know whether a word is a stop word, what its lookup lemma is, or whether a passage points back
at the sentence before it (``topics``, ``report``) read these from here and never load spaCy.
:mod:`analysis.nlp` builds its pipeline on the same lists, so both agree.

spaCy's Dutch stop words are read from spaCy's own data file (``spacy/lang/nl/stop_words.py``,
one string literal) without importing the package: parsed with :mod:`ast`, never executed.
``tests/test_words_nl.py`` checks the result against ``spacy.lang.nl.stop_words``.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from analysis.lang_nl_fillers import BACK_REFERENCES, FILLERS, FUNCTION_WORDS, OPENING_WORDS
from analysis.lemma_lookup import lemma_lookup
from analysis.package_files import package_file


def _literal_assignment(path: Path, name: str) -> object:
    """The value assigned to ``name`` in a Python file, where it is a literal or
    ``set(<string>.split())`` (spaCy's form for stop-word lists)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id == name):
            continue
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args:
            split = value.args[0]  # set(<string>.split())
            if isinstance(split, ast.Call) and isinstance(split.func, ast.Attribute):
                return set(ast.literal_eval(split.func.value).split())
        return ast.literal_eval(value)
    raise ValueError(f"{path} has no literal assignment to {name}")


SPACY_STOP_WORDS: frozenset[str] = frozenset(
    _literal_assignment(package_file("spacy", "lang", "nl", "stop_words.py"), "STOP_WORDS")  # type: ignore[arg-type]
)

# spaCy's Dutch list plus the fillers and function words of spoken Dutch: what "stop word"
# means everywhere in the product (the pipeline's ``token.is_stop`` agrees).
STOP_WORDS: frozenset[str] = frozenset(SPACY_STOP_WORDS | FILLERS | FUNCTION_WORDS)


@functools.cache
def spacy_abbreviations() -> frozenset[str]:
    """spaCy's Dutch abbreviations that end in a full stop ("ca.", "bijv.", "o.a."), lower case,
    and the single letters with a full stop (initials) that spaCy's base exceptions add."""
    exceptions = package_file("spacy", "lang", "nl", "tokenizer_exceptions.py")
    listed = _literal_assignment(exceptions, "abbrevs")
    letters = {f"{letter}." for letter in "abcdefghijklmnopqrstuvwxyzäöü"}
    return frozenset(
        {word.lower() for word in listed if word.endswith(".") and len(word) > 1} | letters  # type: ignore[union-attr]
    )


def lemma_of(word: str) -> str:
    """The pipeline's lemma of one lower-cased word form (the lookup table's, else itself)."""
    return lemma_lookup().get(word, word).lower()


_WORD = re.compile(r"\w+")


def refers_back(text: str) -> bool:
    """Whether a text opens by pointing back at the sentence before it: its first word after
    "en", "maar", "ja" and the like is a pronoun or demonstrative ("Die doet nu ...").

    Such a segment does not read on its own: search ranks it by the segment before it too,
    and the report prefers other segments as quotes.
    """
    for match in _WORD.finditer(text[:80]):
        word = match.group(0).lower()
        if word not in OPENING_WORDS:
            return word in BACK_REFERENCES
    return False
