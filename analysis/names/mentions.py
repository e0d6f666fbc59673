"""Stored mentions and their review: detection per transcript, one decision per identifier.

``detect(session, transcript)`` replaces the transcript's stored mentions with what the
detectors (``analysis.names.detect``) find now; decisions live on the :class:`Identifier`
(one person, one e-mail address ...), so re-detection never loses them. A one-word name joins
a fuller name with that first name or surname: first one in the same transcript ("Roos" and
"Roos van der Meer"), else the only one in the project; so one person gets one replacement.

The evaluator confirms or ignores an identifier (``decide``), chooses its replacement
("[collega]", "[coördinator]"), and adds what the detectors missed (``add``): an added name is
searched in every transcript at once, without running the library again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from analysis.ingest.keys import fold
from analysis.names.detect import (
    INSTITUTION,
    KINDS,
    PERSON,
    Found,
    deduce_mentions,
    listed_mentions,
    merge,
    short_keys,
)
from analysis.names.replace import CONFIRMED, IGNORED, SUGGESTED, is_replaced, replacement
from analysis.store import Identifier, Mention, Transcript, utcnow

CONTEXT = 60  # characters either side of a mention in the review list
STATUSES = (SUGGESTED, CONFIRMED, IGNORED)


class NamesError(ValueError):
    """A review request that cannot be carried out, in one sentence."""


def detect(
    session: Session,
    transcript: Transcript,
    *,
    library: bool = True,
    library_found: list[Found] | None = None,
) -> int:
    """Detect the mentions in one transcript and store them (replacing its earlier ones);
    returns how many. ``library=False`` keeps the stored deduce mentions and only re-runs the
    metadata and the evaluator's list (fast: for a name just added); ``library_found``: deduce's
    mentions of the text, read already. A run of the library marks the transcript scanned."""
    from analysis.pseudonymise import INSTITUTION as COLLEGE
    from analysis.pseudonymise import Pseudonymiser

    text = transcript.text or ""
    mapping = Pseudonymiser.from_session(session, mentions=False)
    # The transcript's own people win over everything; a project person's first name or surname
    # in another interview ("Roos" of Anouk Roos, said of a colleague Roos van der Meer) is most
    # likely someone else, so the library's reading wins there.
    own, elsewhere, colleges = [], [], []
    scope = mapping.scopes.get(transcript.id, set())
    for start, end, entry in mapping.find(text, transcript_id=transcript.id):
        if entry.kind == COLLEGE:
            colleges.append(Found(start, end, text[start:end], INSTITUTION, 1.0, "metadata", ""))
        else:
            found = Found(start, end, text[start:end], PERSON, 1.0, "metadata", entry.original)
            (own if entry.original in scope else elsewhere).append(found)
    metadata = own + elsewhere
    listed = listed_mentions(
        text,
        session.execute(
            select(Identifier.kind, Identifier.name).where(Identifier.source == "added")
        ).all(),
    )
    if library:
        found = deduce_mentions(text) if library_found is None else library_found
        transcript.names_scanned_at = utcnow()
    else:
        found = [
            Found(m.start, m.end, m.text, m.kind, m.confidence, m.detector, m.text)
            for m in session.scalars(
                select(Mention).where(
                    Mention.transcript_id == transcript.id, Mention.detector == "deduce"
                )
            )
        ]
    # A college's own name is replaced by its pseudonym already: not an identifier to review.
    mentions = [
        m
        for m in merge(own, listed, colleges, found, elsewhere)
        if m.detector != "metadata" or m.kind == PERSON
    ]
    old_links = {
        (m.start, m.end): m.identifier_id
        for m in session.scalars(select(Mention).where(Mention.transcript_id == transcript.id))
        if not library
    }
    session.execute(delete(Mention).where(Mention.transcript_id == transcript.id))
    names = _group(mentions)
    identifiers = _identifiers(session, mentions, names, metadata)
    for mention in mentions:
        identifier = identifiers.get((mention.kind, names[mention]))
        if identifier is None:  # a deduce mention re-linked by hand earlier
            identifier = session.get(Identifier, old_links.get((mention.start, mention.end)))
        if identifier is None:
            continue
        session.add(
            Mention(
                transcript_id=transcript.id,
                identifier_id=identifier.id,
                start=mention.start,
                end=mention.end,
                text=mention.text,
                kind=mention.kind,
                confidence=mention.confidence,
                detector=mention.detector,
                status=identifier.status,
            )
        )
    session.flush()
    return len(mentions)


def detect_all(
    session: Session, transcript_ids: Iterable[int] | None = None, *, library: bool = True
) -> int:
    """Detect mentions in the given transcripts (all when None); returns the number stored."""
    query = select(Transcript).order_by(Transcript.id)
    if transcript_ids is not None:
        query = query.where(Transcript.id.in_(list(transcript_ids)))
    return sum(detect(session, t, library=library) for t in session.scalars(query).all())


def unscanned(session: Session) -> list[Transcript]:
    """The transcripts whose text the names detector has not read yet (imported since)."""
    query = select(Transcript).where(Transcript.names_scanned_at.is_(None))
    return list(session.scalars(query.order_by(Transcript.id)))


def unscanned_count(session: Session) -> int:
    """How many transcripts :func:`detect_unscanned` would read (one cheap query)."""
    query = select(func.count()).select_from(Transcript)
    return session.execute(query.where(Transcript.names_scanned_at.is_(None))).scalar_one()


def detect_unscanned(session: Session) -> int:
    """Detect names in every transcript not scanned yet; returns how many transcripts.

    Called wherever mentions are read for pseudonymisation or review
    (``Pseudonymiser.from_session``, the review tables), so no pseudonymised output is ever
    made from an unread transcript (issue 14: ``ingest`` no longer runs the library). The
    library reads every text before anything is written, so the write lock of SQLite is held
    only for storing the results."""
    pending = unscanned(session)
    if not pending:
        return 0
    found = {t.id: deduce_mentions(t.text or "") for t in pending}
    for transcript in pending:
        detect(session, transcript, library_found=found[transcript.id])
    return len(pending)


def _group(mentions: Sequence[Found]) -> dict[Found, str]:
    """The identifier name of each mention: a one-word person joins a fuller name of this
    transcript with that first name or surname, else the only such name in the project."""
    names = {m: m.name for m in mentions}
    full = {m.name for m in mentions if m.kind == PERSON and len(m.name.split()) > 1}
    for mention in mentions:
        if mention.kind != PERSON or mention.detector == "metadata" or mention.name in full:
            continue
        key = fold(mention.name)
        hits = sorted({name for name in full if key in short_keys(name)})
        if len(hits) == 1:
            names[mention] = hits[0]
    return names


def _identifiers(
    session: Session, mentions: Sequence[Found], names: dict[Found, str], metadata: Sequence[Found]
) -> dict[tuple[str, str], Identifier]:
    """The stored identifier of each (kind, name), created when new; a one-word name that
    matches exactly one fuller person already in the project joins that person."""
    existing = {(i.kind, fold(i.name)): i for i in session.scalars(select(Identifier))}
    people = [  # metadata people of other interviews are most likely someone else
        i
        for i in existing.values()
        if i.kind == PERSON and len(i.name.split()) > 1 and i.source != "metadata"
    ]
    result: dict[tuple[str, str], Identifier] = {}
    for mention in mentions:
        kind, name = mention.kind, names[mention]
        if (kind, name) in result:
            continue
        identifier = existing.get((kind, fold(name)))
        if identifier is None and kind == PERSON and len(name.split()) == 1:
            hits = [i for i in people if fold(name) in short_keys(i.name)]
            if len(hits) == 1:
                identifier = hits[0]
        if identifier is None:
            from_metadata = mention in metadata
            identifier = Identifier(
                kind=kind,
                name=name,
                source="metadata" if from_metadata else "detected",
                status=CONFIRMED if from_metadata else SUGGESTED,
            )
            session.add(identifier)
            session.flush()
            existing[(kind, fold(name))] = identifier
        result[(kind, name)] = identifier
    return result


# --- review -------------------------------------------------------------------------------


def decide(
    session: Session,
    identifier_id: int,
    status: str,
    *,
    replacement_text: str | None = None,
    by: str | None = None,
) -> Identifier:
    """Confirm or ignore an identifier (every mention of it at once), optionally with the
    replacement all outputs write for it ("[collega]")."""
    if status not in STATUSES:
        raise NamesError(f"unknown decision {status!r}; choose one of {', '.join(STATUSES)}")
    identifier = session.get(Identifier, identifier_id)
    if identifier is None:
        raise NamesError(f"no detected name with id {identifier_id}; see 'interviews names list'")
    if identifier.source == "metadata":
        raise NamesError(
            f"{identifier.name} is in the metadata and always gets its pseudonym; "
            "edit the transcript's metadata instead"
        )
    identifier.status = status
    if replacement_text is not None:
        identifier.replacement = _bracketed(replacement_text)
    identifier.decided_by, identifier.decided_at = by, utcnow()
    for mention in session.scalars(select(Mention).where(Mention.identifier_id == identifier_id)):
        mention.status = status
    session.flush()
    return identifier


def add(
    session: Session,
    name: str,
    *,
    kind: str = PERSON,
    replacement_text: str | None = None,
    by: str | None = None,
) -> Identifier:
    """Add a name (or e-mail, phone, place ...) the detectors missed, confirmed, and find it in
    every transcript."""
    name = " ".join(name.split())
    if not name:
        raise NamesError("give the name to add")
    if kind not in KINDS:
        raise NamesError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    identifier = session.scalars(
        select(Identifier).where(Identifier.kind == kind, Identifier.name == name)
    ).first()
    if identifier is None:
        identifier = Identifier(kind=kind, name=name, source="added")
        session.add(identifier)
    elif identifier.source == "metadata":
        raise NamesError(f"{name} is in the metadata already and always gets its pseudonym")
    identifier.source, identifier.status = "added", CONFIRMED
    identifier.replacement = _bracketed(replacement_text) if replacement_text else None
    identifier.decided_by, identifier.decided_at = by, utcnow()
    session.flush()
    detect_all(session, library=False)
    return identifier


def _bracketed(text: str) -> str:
    """A replacement as archives write it: "collega" -> "[collega]"."""
    text = " ".join(text.split()).strip("[]")
    if not text:
        raise NamesError("a replacement needs a word, such as [collega]")
    return f"[{text}]"


def identifiers_frame(session: Session) -> pd.DataFrame:
    """One row per identifier: what it is, how often and where it is mentioned, the decision
    and what the pseudonymised outputs write for it (metadata people: their pseudonym).
    Transcripts not scanned yet are scanned first."""
    from analysis.pseudonymise import Pseudonymiser

    detect_unscanned(session)
    counts: dict[int, list] = {}
    for mention in session.scalars(select(Mention)):
        entry = counts.setdefault(mention.identifier_id, [0, set(), 0.0])
        entry[0] += 1
        entry[1].add(mention.transcript_id)
        entry[2] = max(entry[2], mention.confidence)
    anon = Pseudonymiser.from_session(session, mentions=False)
    rows = []
    query = select(Identifier).order_by(Identifier.kind, Identifier.name)
    for identifier in session.scalars(query):
        count, transcripts, confidence = counts.get(identifier.id, [0, set(), 0.0])
        if identifier.source == "metadata":
            written = anon.person(identifier.name)
        else:
            written = replacement(identifier) if is_replaced(identifier) else identifier.name
        rows.append(
            {
                "id": identifier.id,
                "kind": identifier.kind,
                "name": identifier.name,
                "source": identifier.source,
                "status": identifier.status,
                "mentions": count,
                "transcripts": len(transcripts),
                "confidence": round(confidence, 2),
                "replaced_by": written,
            }
        )
    columns = ["id", "kind", "name", "source", "status", "mentions", "transcripts",
               "confidence", "replaced_by"]
    return pd.DataFrame(rows, columns=columns)


def mentions_frame(session: Session, identifier_id: int | None = None) -> pd.DataFrame:
    """Every mention (of one identifier, when given) with its context in the transcript;
    transcripts not scanned yet are scanned first."""
    detect_unscanned(session)
    query = (
        select(Mention, Transcript.name, Transcript.text)
        .join(Transcript, Transcript.id == Mention.transcript_id)
        .order_by(Mention.transcript_id, Mention.start)
    )
    if identifier_id is not None:
        query = query.where(Mention.identifier_id == identifier_id)
    rows = []
    for mention, transcript, text in session.execute(query):
        before = text[max(0, mention.start - CONTEXT) : mention.start]
        after = text[mention.end : mention.end + CONTEXT]
        rows.append(
            {
                "identifier_id": mention.identifier_id,
                "transcript": transcript,
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
                "kind": mention.kind,
                "detector": mention.detector,
                "confidence": mention.confidence,
                "status": mention.status,
                "context": " ".join(f"{before}[[{mention.text}]]{after}".split()),
            }
        )
    columns = ["identifier_id", "transcript", "start", "end", "text", "kind", "detector",
               "confidence", "status", "context"]
    return pd.DataFrame(rows, columns=columns)


def person_names(session: Session) -> list[str]:
    """Every person's name and spelling the project knows and did not ignore (for keeping
    names out of topic keywords)."""
    names = [
        name
        for (name,) in session.execute(
            select(Identifier.name).where(Identifier.kind == PERSON, Identifier.status != IGNORED)
        )
    ]
    names.extend(
        text
        for (text,) in session.execute(
            select(Mention.text).where(Mention.kind == PERSON, Mention.status != IGNORED).distinct()
        )
    )
    return names
