"""Topic models that surface the themes of the conversations themselves (BERTopic, offline).

A codebook finds what its authors expected; topics show what respondents talk about, and
``uncovered_topics`` ranks the themes no code covers yet. Modules, one job each:

- ``vocabulary``: the lemma documents a run reads (names, fillers and conversation words out);
- ``model``: the BERTopic fit (UMAP + HDBSCAN, k-means for tiny corpora, outlier reduction);
- ``runs``: runs in the store and the evaluator's edits (rename, merge, turn into a code);
- ``crosstabs``: topic × code, topic × college, and what the codebook misses;
- ``figures``: plotly figures for the app and PNG images for the report.

Only ``model`` imports BERTopic (which imports torch: seconds), and only when a run is fitted
or topics are merged, so reading stored runs stays fast.
"""

from __future__ import annotations

from analysis.topics import jit_cache

# Before numba is first imported (by UMAP, in ``model``): its cache goes to the user's folder.
jit_cache.configure()

TOP_WORDS = 10  # keywords kept per topic


class TopicError(ValueError):
    """A topic run or edit that cannot be made, in one sentence an evaluator can act on."""
