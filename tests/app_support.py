"""Shared by the app tests (AppTest and the real browser): a transcript full of markup, and a
topic run written straight into a project so that page tests need not fit BERTopic (whose first
UMAP call compiles for tens of seconds; the topic model itself is tested in test_topics)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from analysis import Project
from analysis.store import Segment, SegmentTopic, Topic, TopicRun, Turn

HOSTILE_TEXT = (
    "Interviewer: Wat betekent internationalisering voor jullie studenten?\n"
    "Marieke Jansen: Een stage in het buitenland is echt **heel belangrijk**. Kijk op "
    "[onze site](http://x) of zie <script>alert(1)</script> in de mail over de stage.\n"
    "Interviewer: En voor de docenten?\n"
    "Marieke Jansen: Die gaan steeds vaker mee naar partnerscholen in Duitsland.\n"
)
LITERALS = ("**heel belangrijk**", "[onze site](http://x)", "<script>alert(1)</script>")

# (label, keywords): a segment joins the first topic one of whose keywords it contains.
TOPICS = [
    ("ouders · thuis · zorgen", ["ouders", "thuis", "zorgen"]),
    ("duitsland · grens · bedrijven", ["duitsland", "grens", "bedrijven"]),
    ("docenten · vervanging · werkdruk", ["docenten", "vervanging", "werkdruk"]),
]


def add_topic_run(path: Path) -> int:
    """A stored topic run over the project's respondent segments, grouped by keyword."""
    with Project(path) as project, project.store.session() as session:
        segments = session.execute(
            select(Segment.id, Segment.text)
            .join(Turn, Segment.turn_id == Turn.id)
            .where(Turn.role == "respondent", Segment.codable.is_(True))
            .order_by(Segment.id)
        ).all()
        run = TopicRun(
            params={
                "unit": "segment",
                "method": "test",
                "documents": len(segments),
                "seed": 0,
                "coordinates": {"0": [0.0, 0.0], "1": [1.0, 0.5], "2": [0.3, 1.2]},
                "history": [],
            }
        )
        session.add(run)
        session.flush()
        members: dict[int, list[int]] = {}
        for segment_id, text in segments:
            words = text.casefold()
            number = next(
                (n for n, (_, keys) in enumerate(TOPICS) if any(k in words for k in keys)), -1
            )
            members.setdefault(number, []).append(segment_id)
        rows = {}
        for number in sorted(members, key=lambda n: (n < 0, n)):
            label, keywords = (
                TOPICS[number] if number >= 0 else ("Overig (geen duidelijk thema)", [])
            )
            rows[number] = Topic(
                run_id=run.id,
                topic_index=number,
                label=label,
                keywords=keywords,
                size=len(members[number]),
                representative_segment_ids=members[number][:5],
            )
            session.add(rows[number])
        session.flush()
        session.add_all(
            SegmentTopic(run_id=run.id, segment_id=s, topic_id=rows[n].id, probability=0.9)
            for n, ids in members.items()
            for s in ids
        )
        return run.id
