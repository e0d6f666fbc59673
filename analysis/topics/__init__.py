"""Topic models that surface the themes of the conversations themselves (BERTopic, offline).

A codebook finds what its authors expected; topics show what respondents talk about, and
``uncovered_topics`` ranks the themes no code covers yet. Modules, one job each:

- ``vocabulary``: the lemma documents a run reads (names, fillers and conversation words out);
- ``model``: the BERTopic fit (UMAP + HDBSCAN, k-means for tiny corpora, outlier reduction);
- ``runs``: runs in the store and the evaluator's edits (rename, merge, turn into a code);
- ``crosstabs``: topic × code, topic × college, and what the codebook misses;
- ``figures``: plotly figures for the app and PNG images for the report.

Only ``model`` imports BERTopic (seconds), and only when a run is fitted or topics are merged,
so reading stored runs stays fast; ``bertopic_import`` keeps BERTopic's import from pulling in
torch, transformers and sentence-transformers, which the default back-end never uses.
"""

from __future__ import annotations

from analysis.topics import bertopic_import, jit_cache

# Before numba is first imported (by UMAP, in ``model``): its cache goes to the user's folder.
jit_cache.configure()
# Before BERTopic is first imported: its optional extras (torch and friends) stay out.
bertopic_import.install()

TOP_WORDS = 10  # keywords kept per topic


class TopicError(ValueError):
    """A topic run or edit that cannot be made, in one sentence an evaluator can act on."""
