"""Topics against the codebook and the colleges, and the themes the codebook misses.

A segment counts as *coded* with the codes applied to it now (``analysis.coding.state``:
accepted by a person, or suggested at or above the code's threshold and not rejected). Rows are
the live topics of a run (merged topics folded in), outliers last; row labels are the topic
labels, made unique with the topic id where two topics share a name.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.codebook_store import read_codebook
from analysis.coding.state import segment_codes
from analysis.store import Segment
from analysis.topics.runs import EXAMPLES, assignments_frame, get_run, live_topics, topics_frame

UNCODED = "(geen code)"


def _row_labels(topics: list) -> dict[int, str]:
    counts: dict[str, int] = {}
    for topic in topics:
        counts[topic.label] = counts.get(topic.label, 0) + 1
    return {t.id: t.label if counts[t.label] == 1 else f"{t.label} ({t.id})" for t in topics}


def topic_code_crosstab(
    session: Session, run_id: int | None = None, *, level: str = "top", share: bool = False
) -> pd.DataFrame:
    """Segments per topic (rows) and code (columns), plus a column of uncoded segments.

    ``level="top"`` counts top-level codes (a sub-code counts for its parent), ``"all"`` every
    code. ``share=True`` divides each row by the topic's number of segments.
    """
    if level not in ("top", "all"):
        raise ValueError("level must be 'top' or 'all'")
    run = get_run(session, run_id)
    topics = live_topics(run)
    labels = _row_labels(topics)
    assignments = assignments_frame(session, run)
    states = segment_codes(session, assignments["segment_id"].tolist())
    codebook = read_codebook(session)
    columns = [c.key for c in (codebook.top_level() if level == "top" else codebook.codes)]
    wanted = set(columns)
    pairs = []  # (row label, code) once per segment and code; counted in one crosstab
    for segment_id, topic_id in zip(
        assignments["segment_id"], assignments["topic_id"], strict=True
    ):
        state = states.get(int(segment_id))
        row = labels[int(topic_id)]
        if not (state and state.applied):
            pairs.append((row, UNCODED))
            continue
        pairs.extend((row, code) for code in state.applied if code in wanted)
    long = pd.DataFrame(pairs, columns=["topic", "code"])
    table = pd.crosstab(long["topic"], long["code"]).reindex(
        index=[labels[t.id] for t in topics], columns=[*columns, UNCODED], fill_value=0
    )
    table.columns.name = None
    table.index.name = "topic"
    if share:
        sizes = assignments.groupby("topic_id").size()
        totals = pd.Series({labels[t.id]: int(sizes.get(t.id, 0)) for t in topics})
        table = table.div(totals.replace(0, 1), axis=0).round(3)
    return table


def topic_college_crosstab(
    session: Session, run_id: int | None = None, *, share: bool = False
) -> pd.DataFrame:
    """Segments per topic (rows) and college (columns, alphabetical).

    ``share=True`` gives each college's column as shares of that college's segments in the run,
    so a small interview and a long one weigh the same.
    """
    run = get_run(session, run_id)
    topics = live_topics(run)
    labels = _row_labels(topics)
    assignments = assignments_frame(session, run)
    assignments["row"] = [labels[int(t)] for t in assignments["topic_id"]]
    table = pd.crosstab(assignments["row"], assignments["institution"])
    table = table.reindex(index=[labels[t.id] for t in topics], fill_value=0)
    table = table.reindex(columns=sorted(table.columns, key=str.casefold))
    table.index.name, table.columns.name = "topic", None
    if share:
        table = (table / table.sum(axis=0).replace(0, 1)).round(3)
    return table


def uncovered_topics(
    session: Session, run_id: int | None = None, *, min_uncoded_share: float = 0.5
) -> pd.DataFrame:
    """Topics whose segments are mostly uncoded: what the codebook did not foresee.

    Ranked by the number of uncoded segments (then by their share): a big theme that no code
    covers matters more than a small one. Outliers are left out (they are not a theme).
    ``examples`` are the topic's representative segments that carry no code yet.
    """
    if not 0.0 <= min_uncoded_share <= 1.0:
        raise ValueError("min_uncoded_share must lie between 0 and 1")
    topics = topics_frame(session, run_id)
    topics = topics[topics["topic"] >= 0]
    every = [i for ids in topics["segment_ids"] for i in ids]
    states = segment_codes(session, every)
    rows = []
    for topic in topics.itertuples(index=False):
        uncoded = [i for i in topic.segment_ids if not (states.get(i) and states[i].applied)]
        size = len(topic.segment_ids)
        fraction = len(uncoded) / size if size else 0.0
        if fraction < min_uncoded_share or not uncoded:
            continue
        missing = set(uncoded)
        rows.append(
            {
                "id": topic.id,
                "label": topic.label,
                "size": size,
                "uncoded": len(uncoded),
                "uncoded_share": round(fraction, 3),
                "keywords": topic.keywords,
                "colleges": topic.colleges,
                "example_ids": [i for i in topic.representative_ids if i in missing][:EXAMPLES],
            }
        )
    wanted = {i for row in rows for i in row["example_ids"]}
    texts = dict(
        session.execute(select(Segment.id, Segment.text).where(Segment.id.in_(wanted))).all()
    )
    for row in rows:
        row["examples"] = [texts[i] for i in row["example_ids"]]
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "label",
            "size",
            "uncoded",
            "uncoded_share",
            "keywords",
            "colleges",
            "example_ids",
            "examples",
        ],
    )
    return frame.sort_values(
        ["uncoded", "uncoded_share", "id"], ascending=[False, False, True]
    ).reset_index(drop=True)
