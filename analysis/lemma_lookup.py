"""spaCy's Dutch lookup lemmas (``spacy-lookups-data``) as a plain ``dict``: form -> lemma.

Why not ``spacy.lookups.load_lookups``: it copies the 213,000 entries into a ``Table`` (an
``OrderedDict`` keyed by string hashes, with a Bloom filter), which cost more than reading the
file (0.64 s of CPU against 0.25 s here) in every process that tokenises. The lemmatiser, the
question-word lookups of ``ask`` and the pseudonymiser's word list read the same file, once per
process. Forms and lemmas in the file are all lower case.
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib.resources import files

LOOKUP_FILE = "nl_lemma_lookup.json.gz"


@functools.cache
def lemma_lookup() -> dict[str, str]:
    """The Dutch lookup table, form -> lemma (callers must not modify it)."""
    path = files("spacy_lookups_data") / "data" / LOOKUP_FILE
    return json.loads(gzip.decompress(path.read_bytes()))
