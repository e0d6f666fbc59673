"""The review queue's cards, cached per project and suggestion run, and warmed at start.

Apart from ``ui/coding.py`` (a page module runs its page when imported) so that ``app.py`` can
start building the cards in the background as soon as a project opens: at 1,000 interviews
they take many seconds, which the evaluator would otherwise wait for on the first visit to
Coderen.
"""

from __future__ import annotations

import os
import threading

import pandas as pd
import streamlit as st

from ui import widgets


@st.cache_resource(show_spinner=False, max_entries=4)
def review_cards(location: str, generation: int, refresh: int) -> pd.DataFrame:
    """Every open suggestion as of suggestion run ``generation``, grouped into cards (one per
    passage and theme, most informative first: ``Project.review_cards``). Not rebuilt after each
    decision: the coding page hides the cards a session decided, and "Vernieuwen" (``refresh``)
    or a new suggestion run shows what others decided. Shared read-only between sessions.
    Without the reasons: those are read per page."""
    project = widgets.open_project(location)
    return project.review_cards(project.suggestion_queue(reasons=False))


@st.cache_resource(show_spinner=False)
def _warming(location: str, generation: int) -> threading.Thread:
    def build() -> None:
        try:
            review_cards(location, generation, 0)
        except Exception:  # best effort: the page builds the cards itself and reports errors
            return

    thread = threading.Thread(target=build, name="warm-review-cards", daemon=True)
    thread.start()
    return thread


def _enabled(generation: int) -> bool:
    return os.environ.get("INTERVIEWS_WARM", "1") != "0" and bool(generation)


def warm(location: str, generation: int) -> None:
    """Start building the cards of ``generation`` in the background, once per process and
    suggestion run (``INTERVIEWS_WARM=0`` turns it off)."""
    if _enabled(generation):
        _warming(location, generation)


def cards(location: str, generation: int, refresh: int) -> pd.DataFrame:
    """The cards, waiting for a warm-up still building them rather than building them twice
    (two builds at once share the CPU and both take longer)."""
    if refresh == 0 and _enabled(generation):
        _warming(location, generation).join()
    return review_cards(location, generation, refresh)
