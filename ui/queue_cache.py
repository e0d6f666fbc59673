"""The review queue's cards, cached per project and suggestion run, with the indexes the coding
page filters and pages them by; and the app's warm-up at start.

Apart from ``ui/coding.py`` (a page module runs its page when imported) so that ``app.py`` can
start building the cards in the background as soon as a project opens: at 1,000 interviews
they take many seconds, which the evaluator would otherwise wait for on the first visit to
Coderen. The warm-up then reads the quotes page's segment table and last loads the topic
model, one after the other in one thread, most needed first (run at the same time, the three
share the CPU and each comes later).

Why indexes: at 1,000 interviews the queue holds about 95,000 cards, and a Python loop over
them on every rerun (the codes on offer, the cards of one code, the cards decided in this
session) costs a large part of a second. :class:`CardIndex` holds those once per queue; a rerun
only combines NumPy masks and takes the rows of the page it shows.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
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


@dataclass(frozen=True)
class CardIndex:
    """The cards of one queue with what the coding page looks up on every rerun, computed once.

    ``positions``: row position of each (segment, theme) card; ``by_code`` and
    ``by_institution``: the row positions of the cards holding a code or from a college;
    ``confidence``: each card's highest confidence (0 when unknown); ``code_counts`` and
    ``institution_counts``: how many cards hold each code or come from each college.
    Read-only, shared between sessions."""

    cards: pd.DataFrame
    positions: dict[tuple[int, str], int]
    by_code: dict[str, np.ndarray]
    by_institution: dict[str, np.ndarray]
    confidence: np.ndarray
    code_counts: Counter
    institution_counts: Counter

    @classmethod
    def of(cls, cards: pd.DataFrame) -> CardIndex:
        codes: dict[str, list[int]] = {}
        for position, keys in enumerate(cards["codes"]):
            for code in keys:
                codes.setdefault(code, []).append(position)
        colleges: dict[str, list[int]] = {}
        for position, value in enumerate(cards["institution"]):
            if isinstance(value, str):
                colleges.setdefault(value, []).append(position)
        segments = [int(s) for s in cards["segment_id"]]
        return cls(
            cards=cards,
            positions={
                pair: n for n, pair in enumerate(zip(segments, cards["theme"], strict=True))
            },
            by_code={code: np.asarray(rows, dtype=np.int64) for code, rows in codes.items()},
            by_institution={v: np.asarray(rows, dtype=np.int64) for v, rows in colleges.items()},
            confidence=pd.to_numeric(cards["confidence"], errors="coerce")
            .fillna(0.0)
            .to_numpy(dtype=float),
            code_counts=Counter({code: len(rows) for code, rows in codes.items()}),
            institution_counts=Counter({v: len(rows) for v, rows in colleges.items()}),
        )

    def open(self, hidden: Collection[tuple[int, str]]) -> OpenCards:
        """The cards left once this session's decided ``hidden`` cards are taken out."""
        gone = [self.positions[pair] for pair in hidden if pair in self.positions]
        mask = np.ones(len(self.cards), dtype=bool)
        mask[gone] = False
        codes, colleges = Counter(self.code_counts), Counter(self.institution_counts)
        for position in gone:
            codes.subtract(self.cards["codes"].iat[position])
            college = self.cards["institution"].iat[position]
            if isinstance(college, str):
                colleges[college] -= 1
        return OpenCards(
            self,
            mask,
            frozenset(code for code, count in codes.items() if count > 0),
            sorted(v for v, count in colleges.items() if count > 0 and v.strip()),
        )


@dataclass(frozen=True)
class OpenCards:
    """The cards open for one session: ``mask`` over the index's rows, the ``codes`` some open
    card holds, and the ``institutions`` of the open cards (sorted, for a filter)."""

    index: CardIndex
    mask: np.ndarray
    codes: frozenset[str]
    institutions: list[str]

    def __len__(self) -> int:
        return int(self.mask.sum())

    @property
    def empty(self) -> bool:
        return not self.mask.any()

    def chosen(self, code: str | None, minimum: float, college: str | None) -> np.ndarray:
        """Row positions (in queue order) of the open cards with ``code``, from ``college``
        and at least ``minimum`` confident; None means any."""
        keep = self.mask & (self.index.confidence >= minimum)
        nothing = np.empty(0, dtype=np.int64)
        for value, rows in ((code, self.index.by_code), (college, self.index.by_institution)):
            if value is not None:
                wanted = np.zeros_like(keep)
                wanted[rows.get(value, nothing)] = True
                keep &= wanted
        return np.flatnonzero(keep)


@st.cache_resource(show_spinner=False, max_entries=4)
def card_index(location: str, generation: int, refresh: int) -> CardIndex:
    """:class:`CardIndex` of :func:`review_cards` (same key, so built once per queue)."""
    return CardIndex.of(review_cards(location, generation, refresh))


def _enabled() -> bool:
    return os.environ.get("INTERVIEWS_WARM", "1") != "0"


class Warmup:
    """The warm-up thread of one project and suggestion run, with an event per table it has
    finished (or given up on), so a page waits for its own table, not for the whole warm-up."""

    def __init__(self, location: str, generation: int) -> None:
        self.location, self.generation = location, generation
        self.cards = threading.Event()
        self.segments = threading.Event()
        self.thread = threading.Thread(target=self._run, name="warm-workbench", daemon=True)

    def _run(self) -> None:
        try:
            if self.generation:
                card_index(self.location, self.generation, 0)
        except Exception:  # best effort: the page builds the cards itself and reports errors
            pass
        finally:
            self.cards.set()
        try:
            widgets.warm_segments(self.location)
        except Exception:  # best effort, as above: the quotes page reads them itself
            pass
        finally:
            self.segments.set()
        widgets.warm_up_topics()


class _Warmups:
    """The warm-ups started in this process, by project and suggestion run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: dict[tuple[str, int], Warmup] = {}

    def start(self, location: str, generation: int) -> Warmup:
        with self._lock:
            warmup = self._started.get((location, generation))
            if warmup is None:
                warmup = self._started[(location, generation)] = Warmup(location, generation)
                warmup.thread.start()
            return warmup

    def of(self, location: str | None = None) -> list[Warmup]:
        """The warm-ups of the project at ``location`` (None: of every project)."""
        with self._lock:
            return [w for (where, _), w in self._started.items() if location in (None, where)]


@st.cache_resource(show_spinner=False)
def _warmups() -> _Warmups:
    return _Warmups()


def warm(location: str, generation: int) -> None:
    """Start the warm-up in one background thread, once per process, project and suggestion
    run: the coding page's cards, then the quotes page's segment table, then the topic model's
    compilation (``INTERVIEWS_WARM=0`` turns the first two off; the topic model's own switch is
    ``INTERVIEWS_NO_WARM_UP``)."""
    if _enabled():
        _warmups().start(location, generation)
    else:
        widgets.warm_up_topics()


def started() -> list[Warmup]:
    """Every warm-up started in this process (the benchmark waits for them)."""
    return _warmups().of()


def wait_for_segments(location: str) -> None:
    """Wait for a warm-up of this project still reading the segment table rather than reading
    it beside it (two reads at once share the CPU and both take longer)."""
    for warmup in _warmups().of(location):
        warmup.segments.wait()


def cards(location: str, generation: int, refresh: int) -> CardIndex:
    """The cards and their index, waiting for a warm-up still building them rather than
    building them twice."""
    if refresh == 0 and _enabled():
        _warmups().start(location, generation).cards.wait()
    return card_index(location, generation, refresh)
