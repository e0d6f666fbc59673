"""The review queue: open suggestions with their segment, context and a reason in Dutch.

This is what the evaluator works through in the app (accept, reject, re-code). A suggestion
leaves the queue as soon as any person decides on that segment and code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.coding.state import AUTO_CODER, DECIDED, current_codings, rationales
from analysis.coding.suggest import load_segments
from analysis.store import Code, Transcript

QUEUE_COLUMNS = [
    "segment_id", "transcript", "institution", "question", "text", "code", "label",
    "confidence", "origin", "rationale",
]
_ORIGIN_NL = {
    "rule": "trefwoorden", "similarity": "gelijkenis", "learned": "geleerd", "context": "samenhang",
    "llm": "taalmodel",
}


# Context evidence below this is not worth a word in the reason.
CONTEXT_SHOWN = 0.05


def describe(rationale: dict, labels: Mapping[str, str] | None = None) -> str:
    """One line in Dutch saying why a code was suggested; codes named by their ``labels``."""
    parts = []
    rule = rationale.get("rule") or {}
    if rule.get("matches"):
        parts.append("trefwoorden: " + ", ".join(rule["matches"]))
    similarity = rationale.get("similarity") or {}
    if similarity.get("nearest"):
        nearest = similarity["nearest"]
        shown = "de definitie" if nearest == "definitie" else f"“{nearest[:80]}”"
        parts.append(f"lijkt op {shown} ({similarity.get('similarity', 0):.2f})")
    context = rationale.get("context") or {}
    if context.get("question", 0) >= CONTEXT_SHOWN:
        parts.append(f"de vraag gaat erover ({context['question']:.2f})")
    if context.get("answer", 0) >= CONTEXT_SHOWN:
        parts.append(f"de rest van het antwoord gaat erover ({context['answer']:.2f})")
    learned = rationale.get("learned") or {}
    if learned.get("features"):
        counts = learned.get("trained_on", {})
        parts.append(
            f"geleerd van {counts.get('accepted', 0)} goedgekeurde en "
            f"{counts.get('rejected', 0)} afgewezen fragmenten: " + ", ".join(learned["features"])
        )
    model = rationale.get("llm") or {}
    if model.get("quote"):
        why = f" ({model['rationale'][:120]})" if model.get("rationale") else ""
        parts.append(f"taalmodel {model.get('model', '')}: “{model['quote'][:80]}”{why}")
    if rationale.get("via"):
        via = rationale["via"]
        parts.append(f"via subcode {(labels or {}).get(via, via)}")
    return "; ".join(parts)


def suggestion_queue(
    session: Session,
    *,
    code: str | None = None,
    min_confidence: float = 0.0,
    institution: str | None = None,
    limit: int | None = None,
    reasons: bool = True,
) -> pd.DataFrame:
    """Open suggestions, highest confidence first, filtered by code, confidence, institution.

    ``reasons=False`` leaves ``rationale`` empty, for an interface that shows a page at a time
    and asks :func:`suggestion_reasons` for the page: reading the reason of every suggestion
    is half the time of a long queue.
    """
    rows = current_codings(session)
    decided = {
        (row.segment_id, row.code_key)
        for row in rows
        if row.coder != AUTO_CODER and row.status in DECIDED
    }
    open_rows = [
        row
        for row in rows
        if row.coder == AUTO_CODER
        and row.status == "suggested"
        and (row.segment_id, row.code_key) not in decided
        and (code is None or row.code_key == code)
        and (row.confidence or 0.0) >= min_confidence
    ]
    transcripts = {
        tid: (name, inst)
        for tid, name, inst in session.execute(
            select(Transcript.id, Transcript.source_name, Transcript.institution)
        )
    }
    wanted = {
        tid for tid, (_, inst) in transcripts.items() if institution is None or inst == institution
    }
    segments = {s.id: s for s in load_segments(session, wanted)}
    labels = dict(session.execute(select(Code.key, Code.label)).all())
    records = []
    for row in open_rows:
        segment = segments.get(row.segment_id)
        if segment is None:
            continue
        name, inst = transcripts[segment.transcript_id]
        records.append(
            {
                "_id": row.id,
                "segment_id": row.segment_id,
                "transcript": name,
                "institution": inst,
                "question": segment.question,
                "text": segment.text,
                "code": row.code_key,
                "label": labels.get(row.code_key, ""),
                "confidence": row.confidence,
                "origin": _ORIGIN_NL.get(row.origin, row.origin),
            }
        )
    frame = pd.DataFrame(records, columns=["_id", *QUEUE_COLUMNS])
    frame = frame.sort_values(["confidence", "segment_id", "code"], ascending=[False, True, True])
    frame = frame.reset_index(drop=True)
    if limit is not None:
        frame = frame.head(limit)
    # The reasons last, for the rows kept: their JSON is the costly part of the log.
    if reasons:
        ids = frame["_id"].tolist()
        found = rationales(session, ids)
        frame["rationale"] = [describe(found[i], labels) for i in ids]
    else:
        frame["rationale"] = ""
    return frame.drop(columns="_id")


def suggestion_reasons(
    session: Session, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], str]:
    """Why each (segment, code) was suggested, in Dutch, as :func:`suggestion_queue` says it:
    the reason of the automatic suggestion in force ("" when there is none)."""
    wanted = {(int(segment), str(code)) for segment, code in pairs}  # numpy ints from a frame
    rows = current_codings(session, {segment for segment, _ in wanted}, coder=AUTO_CODER)
    ids = {(row.segment_id, row.code_key): row.id for row in rows}
    found = rationales(session, [ids[pair] for pair in wanted if pair in ids])
    labels = dict(session.execute(select(Code.key, Code.label)).all())
    return {pair: describe(found[ids[pair]], labels) if pair in ids else "" for pair in wanted}


CARD_COLUMNS = [
    "segment_id", "transcript", "institution", "question", "text", "theme", "codes",
    "confidences", "confidence", "origin", "informative",
]


def theme_of(code: str, parents: Mapping[str, str | None]) -> str:
    """The top-level code (the theme) a code belongs to."""
    seen = set()
    while parents.get(code) and code not in seen:
        seen.add(code)
        code = str(parents[code])
    return code


def review_cards(
    queue: pd.DataFrame,
    parents: Mapping[str, str | None],
    thresholds: Mapping[str, float],
) -> pd.DataFrame:
    """The review queue as cards: one per passage and theme, holding the suggestions of that
    theme and its sub-themes (``codes``, theme first, with their ``confidences``), so that one
    decision settles a passage's "Inclusie" and "Drempels voor deelname" together.

    Why grouped: a sub-theme implies its theme, so a theme card beside its sub-theme's card asks
    the same question twice (41 % of the sample project's cards). Order: most informative first,
    that is the card whose strongest suggestion lies closest to its code's threshold
    (``informative`` = 1 − distance, so 1 at the threshold): there the decision changes whether
    the code counts, and it teaches the learned suggestions most. Ties: more suggestions on the
    card, then higher confidence, then the passage's order.
    """
    if queue.empty:
        return pd.DataFrame(columns=CARD_COLUMNS)
    themes = {code: theme_of(code, parents) for code in set(queue["code"])}
    groups: dict[tuple[int, str], list[dict]] = {}
    for row in queue.to_dict("records"):  # plain records: a groupby per card costs seconds
        row["confidence"] = 0.0 if pd.isna(row["confidence"]) else float(row["confidence"])
        groups.setdefault((int(row["segment_id"]), themes[row["code"]]), []).append(row)
    records = []
    for (segment_id, theme), rows in groups.items():
        rows.sort(key=lambda r: (r["code"] != theme, r["code"]))  # the theme first
        top = max(rows, key=lambda r: r["confidence"])
        distance = abs(top["confidence"] - float(thresholds.get(top["code"], 0.5)))
        first = rows[0]
        records.append(
            {
                "segment_id": segment_id,
                "transcript": first["transcript"],
                "institution": first["institution"],
                "question": first["question"],
                "text": first["text"],
                "theme": theme,
                "codes": tuple(r["code"] for r in rows),
                "confidences": tuple(r["confidence"] for r in rows),
                "confidence": top["confidence"],
                "origin": top["origin"],
                "informative": round(1.0 - distance, 6),
            }
        )
    records.sort(
        key=lambda r: (-r["informative"], -len(r["codes"]), -r["confidence"], r["segment_id"],
                       r["theme"])
    )
    return pd.DataFrame(records, columns=CARD_COLUMNS)
