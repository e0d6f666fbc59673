"""Coding segments against the codebook: by hand, with suggestions that learn, and agreement.

Modules, one job each:

- ``state``: the decisions in force, read from the append-only ``Coding`` log.
- ``manual``: a person's decisions (apply, remove, span, accept, reject, re-code, memo, undo).
- ``text``: the match keys (Snowball stems of lemmas) that rules, similarity and learning share.
- ``rules``, ``similarity``, ``learned``: the three suggesters; ``combine`` merges them;
  ``suggest`` runs them over the project and stores the result as coder ``auto``.
- ``units``: which code each coder gave each segment, for evaluation and reliability.
- ``reliability``: agreement between two coders; ``gold``: import and evaluate gold codings.
"""

from __future__ import annotations


class CodingError(ValueError):
    """A user mistake in coding (unknown segment or code, bad coder name, span outside a turn),
    in one sentence that names what is wrong."""
