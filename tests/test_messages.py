"""The message catalogue: every message in Dutch and English, counts in the right form, errors
that carry their key, and the readers' English reasons said in Dutch."""

from __future__ import annotations

import string

import pytest

from analysis import messages
from analysis.dates import parse_date
from analysis.project import ProjectError


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(messages.MESSAGES))
def test_every_message_has_both_languages_and_formats(key: str) -> None:
    dutch, english = messages.MESSAGES[key]
    assert dutch.strip() and english.strip()
    values = dict.fromkeys(fields(dutch) | fields(english), 2)
    assert messages.say(key, "nl", **values) and messages.say(key, "en", **values)


def test_counts_take_the_right_word_form() -> None:
    assert (
        messages.say("import.done", count=1, failed=0, skipped=0)
        == "1 bestand verwerkt, 0 mislukt, 0 overgeslagen"
    )
    assert (
        messages.say("import.done", count=3, failed=1, skipped=1)
        == "3 bestanden verwerkt, 1 mislukt, 1 overgeslagen"
    )
    assert (
        messages.say("import.done", "en", count=1, failed=0, skipped=0)
        == "1 file processed, 0 failed, 0 skipped"
    )
    assert messages.count(1, "passage", "passages") == "1 passage"


def test_an_error_keeps_english_text_and_says_itself_in_dutch() -> None:
    with pytest.raises(ProjectError, match="cannot read the date '31-02-2026'") as raised:
        parse_date("31-02-2026", ProjectError)
    assert "JJJJ-MM-DD" in messages.for_user(raised.value)
    assert parse_date("20-11-2026") == "2026-11-20"
    assert parse_date("20 nov. 2026") == parse_date("2026-11-20") == "2026-11-20"
    assert parse_date(" ") is None


def test_the_readers_reasons_are_said_in_dutch() -> None:
    assert messages.reason("is empty") == "het bestand is leeg"
    assert messages.reason(
        "no institution in the metadata; taken from the file name: ROC Zuid"
    ) == "geen instelling in de metadata; overgenomen uit de bestandsnaam: ROC Zuid"
    assert messages.reason("a reason nobody knows") == "a reason nobody knows"
