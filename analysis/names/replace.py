"""The identifiers found in the transcripts, as entries of the pseudonym mapping.

Every pseudonymised output (REFI-QDA project, tables, quote downloads, Word draft, ``ask``) goes
through :class:`~analysis.pseudonymise.Pseudonymiser`, so the identifiers join its mapping here
rather than each output replacing them its own way: one person is one replacement throughout,
and offsets move with the same ``OffsetMap``.

Which identifiers: people, e-mail addresses, phone numbers and addresses unless the evaluator
ignored them (a name nobody reviewed yet is still replaced: a leaked name costs more than a
word too many in brackets), except a detected one-word name that is also an ordinary Dutch word
(``needs_confirmation``); those, and places, institutions and websites, only once confirmed.
People from the metadata already have their pseudonym in the mapping and are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.ingest.keys import fold
from analysis.names.detect import DEFAULT_REPLACEMENTS, DIRECT_KINDS, PERSON, person_forms
from analysis.store import Identifier, Mention

CONFIRMED, IGNORED, SUGGESTED = "confirmed", "ignored", "suggested"


def is_replaced(identifier: Identifier) -> bool:
    """Whether pseudonymised outputs replace this identifier (see the module docstring)."""
    if identifier.status == IGNORED or identifier.source == "metadata":
        return False
    if identifier.status == CONFIRMED:
        return True
    return identifier.kind in DIRECT_KINDS and not needs_confirmation(identifier)


def needs_confirmation(identifier: Identifier) -> bool:
    """A detected one-word "name" that is also an ordinary Dutch word ("Engels", "Mooi", but
    also "Bram") waits for the evaluator: deduce reads many capitalised words as first names,
    and replacing each of them unasked would litter every output with "[naam]"."""
    from analysis.pseudonymise import is_dutch_word

    name = identifier.name
    return (
        identifier.source == "detected"
        and identifier.kind == PERSON
        and " " not in name
        and is_dutch_word(name)
    )


def replacement(identifier: Identifier) -> str:
    return identifier.replacement or DEFAULT_REPLACEMENTS.get(identifier.kind, "[naam]")


def mentioned_entries(session: Session, mapping: Sequence) -> tuple[list, dict, dict]:
    """(entries, forms per entry, transcript id -> originals) for the replaced identifiers.

    An entry's forms are the spellings of :func:`person_forms` for a person, plus every text it
    was found as; a first name shared with someone else resolves per transcript (``scopes``).
    Its one caller, ``Pseudonymiser.from_session``, has scanned the transcripts not read yet
    before anything was written (so no pseudonymised output rests on an unread transcript).
    """
    from analysis.pseudonymise import PseudonymEntry

    known = {fold(entry.original) for entry in mapping}
    identifiers = [
        i for i in session.scalars(select(Identifier).order_by(Identifier.id)) if is_replaced(i)
    ]
    wanted = {i.id: i for i in identifiers if fold(i.name) not in known}
    texts: dict[int, set[str]] = {}
    places: dict[int, set[int]] = {}
    if wanted:
        for identifier_id, transcript_id, text in session.execute(
            select(Mention.identifier_id, Mention.transcript_id, Mention.text).where(
                Mention.status != IGNORED
            )
        ):
            if identifier_id in wanted:
                texts.setdefault(identifier_id, set()).add(text)
                places.setdefault(identifier_id, set()).add(transcript_id)
    entries, forms, scopes = [], {}, {}
    for identifier in wanted.values():
        entry = PseudonymEntry(identifier.kind, identifier.name, replacement(identifier))
        entries.append(entry)
        spelled = texts.get(identifier.id, set())
        forms[entry] = (
            person_forms(identifier.name) | spelled
            if identifier.kind == PERSON
            else {identifier.name, *spelled}
        )
        for transcript_id in places.get(identifier.id, ()):
            scopes.setdefault(transcript_id, set()).add(identifier.name)
    return entries, forms, scopes
