"""Every message the library gives a person, keyed, in Dutch (the app) and English (the CLI).

Why one module: the app is Dutch throughout, and a message written where an error is raised
tends to stay English. Here each message has a key (``area.what``), a Dutch text and an English
text; :func:`fail` builds an exception whose ``str`` is the English text (the CLI and the logs
keep reading it) and which carries the key and its values, so that :func:`for_user` can say it
in Dutch in the app. To add a message: add one ``MESSAGES`` entry and raise
``fail(YourError, "area.what", name=value)`` with every field either text uses; the tests
(``tests/test_messages.py``) check that every entry has both languages and formats with them.

Counts take the right form through a field's format ``{count:bestand|bestanden}``: the word
before the bar for exactly one, the other for any other number ("1 bestand", "3 bestanden").
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the type: the corpus module imports the readers
    from analysis.corpus import IngestResult

LANGUAGES = ("nl", "en")

# key: (Dutch, English). Fields in braces; a count's word forms after a colon: {n:één|meer}.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- metadata ---
    "metadata.date_invalid": (
        "De datum “{value}” is niet te lezen; schrijf hem als JJJJ-MM-DD (bijvoorbeeld "
        "2026-11-20) of als 20-11-2026 of 20 november 2026.",
        "cannot read the date {value!r}; write it as YYYY-MM-DD (for example 2026-11-20)",
    ),
    "metadata.date_read": (
        "Datum “{value}” gelezen als {date}.",
        "date {value!r} read as {date}",
    ),
    "metadata.not_editable": (
        "{fields} kan niet worden bewerkt; wel: {editable}.",
        "cannot edit {fields}; editable: {editable}",
    ),
    "transcript.unknown": (
        "Er is geen transcript met nummer {transcript_id} (meer).",
        "no transcript with id {transcript_id}",
    ),
    "role.unknown": (
        "Onbekende rol “{role}”; kies uit {roles}.",
        "unknown role {role!r}; choose one of {roles}",
    ),
    "speaker.unknown": (
        "{source} heeft geen spreker “{speaker}”.",
        "{source} has no speaker {speaker!r}",
    ),
    # --- coding ---
    "coding.coder_missing": (
        "Vul eerst je naam in: elke beslissing wordt onder de naam van een codeur bewaard.",
        "a coder name is needed (who made this decision?)",
    ),
    "coding.coder_reserved": (
        "De naam “{name}” is gereserveerd voor de automatische voorstellen; gebruik je eigen naam.",
        "{name!r} is reserved for automatic suggestions; use a person's name",
    ),
    "coding.name_too_long": (
        "De naam is langer dan {limit} tekens.",
        "{what} is longer than {limit} characters",
    ),
    "coding.segment_unknown": (
        "Deze passage bestaat niet meer (nummer {segment_id}); vernieuw de pagina.",
        "no segment with id {segment_id}",
    ),
    "coding.code_unknown": (
        "De code “{code}” staat niet in het codeboek van dit project.",
        "no code {code!r} in the project's codebook",
    ),
    "coding.no_suggestion": (
        "Er is (niet meer) een voorstel “{label}” bij deze passage.",
        "there is no suggestion of {code!r} on segment {segment_id}",
    ),
    "coding.nothing_to_remove": (
        "De code “{label}” staat niet op deze passage; er is niets weg te halen.",
        "{code!r} is not applied to segment {segment_id}; nothing to remove",
    ),
    "coding.recode_same": (
        "Kies een andere code dan de huidige om te vervangen.",
        "re-code needs two different codes",
    ),
    "coding.memo_empty": ("De notitie is leeg.", "the memo is empty"),
    "coding.memo_no_coding": (
        "{name} heeft “{label}” niet op deze passage gecodeerd; een notitie hoort bij een "
        "codering.",
        "{name} has no coding of {code!r} on segment {segment_id} to attach a memo to",
    ),
    "coding.span_outside": (
        "De gekozen woorden ({start}-{end}) vallen buiten {source}.",
        "span {start}-{end} is outside {source} (0-{length})",
    ),
    "coding.span_blank": (
        "De gekozen tekst in {source} bevat alleen witruimte; kies woorden.",
        "span {start}-{end} of {source} holds only whitespace",
    ),
    "coding.span_turns": (
        "De gekozen woorden in {source} lopen over meer dan één beurt; kies woorden uit één "
        "antwoord.",
        "span {start}-{end} of {source} is not inside one speaker turn",
    ),
    "coding.span_not_respondent": (
        "De gekozen woorden in {source} zijn van de {role}; alleen wat respondenten zeggen wordt "
        "gecodeerd.",
        "span {start}-{end} of {source} is {role} speech; only what respondents say is coded",
    ),
    "coding.words_not_found": (
        "Die woorden staan niet letterlijk in deze passage.",
        "those words are not in the passage",
    ),
    "coding.nothing_to_undo": (
        "{name} heeft geen beslissing om ongedaan te maken.",
        "{name} has no decision to undo",
    ),
    "coding.transcript_uncodable": (
        "Dit gesprek heeft geen passages van respondenten om te coderen.",
        "transcript {transcript_id} has no codable respondent segments",
    ),
    "coding.suggested": (
        "{stored} {stored:nieuw of gewijzigd voorstel|nieuwe of gewijzigde voorstellen} voor "
        "{segments} {segments:passage|passages} ({seconds} s)",
        "{stored} new or changed {stored:suggestion|suggestions} for {segments} "
        "{segments:segment|segments} ({seconds} s)",
    ),
    "coding.group_empty": (
        "Er is (niet meer) een open voorstel bij deze passage en dit thema.",
        "no open suggestion on segment {segment_id} under {code!r}",
    ),
    # --- phases ---
    "phase.note_missing": (
        "Een oordeel over de fase heeft een toelichting nodig: schrijf waarom.",
        "a phase judgement needs a note that says why",
    ),
    "phase.out_of_range": (
        "Fase {phase} bestaat niet; kies uit {allowed}.",
        "phase {phase} does not exist; choose one of {allowed}",
    ),
    "phase.college_unknown": (
        "Er zijn geen transcripten van een instelling met de naam “{institution}”.",
        "no transcripts of a college named {institution!r}",
    ),
    "phase.assessor_missing": (
        "Een oordeel over de fase wordt onder je naam bewaard: vul eerst je naam in.",
        "a phase judgement needs the assessor's name",
    ),
    # --- memos ---
    "memo.author_missing": (
        "Vul eerst je naam in: een memo wordt onder de naam van de schrijver bewaard.",
        "a memo needs an author (who wrote it?)",
    ),
    "memo.empty": (
        "De memo is leeg; schrijf wat je wilt onthouden.",
        "the memo is empty; write what you want to remember",
    ),
    "memo.target": (
        "Een memo hoort bij precies één gesprek, passage of code.",
        "a memo is about exactly one transcript, segment or code ({given})",
    ),
    "memo.unknown": (
        "Deze memo bestaat niet meer (nummer {memo_id}).",
        "no memo with id {memo_id}",
    ),
    "memo.not_yours": (
        "Deze memo is van {author}; alleen de schrijver kan hem wijzigen of verwijderen. Schrijf "
        "zelf een nieuwe memo.",
        "memo {memo_id} was written by {author}; only its author can {doing} it "
        "(write a memo of your own instead)",
    ),
    # --- report choices ---
    "report.chapter_unknown": (
        "Onbekend hoofdstuk “{chapter}”: kies een thema uit het codeboek of {chapters}.",
        "unknown chapter {chapter!r}: use a code key or one of {chapters}",
    ),
    "report.not_respondent": (
        "Deze passage is geen uitspraak van een respondent en kan geen citaat worden.",
        "segment {segment_id} is not respondent speech and cannot be quoted",
    ),
    "report.which_chapter": (
        "Deze passage hoort bij meer dan één thema; kies het hoofdstuk waarin ze komt.",
        "segment {segment_id} carries {found}; name the chapter to quote it in",
    ),
    "report.box_title": (
        "Een voorbeeldkader heeft een titel nodig.",
        "an example box needs a title",
    ),
    "report.box_other_college": (
        "Het citaat in het kader komt niet van {institution}.",
        "segment {segment_id} is not from {institution}",
    ),
    "report.item_unknown": (
        "Dit onderdeel van het rapport bestaat niet meer (nummer {item_id}).",
        "no report item with id {item_id}",
    ),
    # --- import ---
    "import.done": (
        "{count} {count:bestand|bestanden} verwerkt, {failed} mislukt, {skipped} overgeslagen",
        "{count} {count:file|files} processed, {failed} failed, {skipped} skipped",
    ),
    "import.next_steps": (
        "Volgende stap: maak voorstellen en beoordeel ze op de pagina Coderen, of lees en codeer "
        "een gesprek in Transcript lezen.",
        "next: make suggestions and review them (interviews suggest), or code by hand",
    ),
    "import.imported": (
        "{segments} {segments:passage|passages}, {words} {words:woord|woorden}",
        "{segments} {segments:segment|segments}, {words} {words:word|words}",
    ),
    "import.replaced": (
        "vervangen: {segments} {segments:passage|passages}, {words} {words:woord|woorden}; "
        "{carried} {carried:codering|coderingen} overgenomen",
        "replaced: {segments} segments, {words} words; {carried} codings carried over",
    ),
    "import.dropped": (
        "{dropped} {dropped:codering|coderingen} vervallen omdat de passage veranderde",
        "{dropped} {dropped:coding|codings} dropped because their passage changed",
    ),
    "import.unchanged": (
        "ongewijzigd, al eerder geïmporteerd",
        "unchanged, already imported",
    ),
    "import.twin": (
        "dezelfde inhoud als {other}; niet nog eens geïmporteerd",
        "same content as {other}, not imported again",
    ),
    "import.other_version": (
        "er is al een andere versie geïmporteerd; kies ‘Gewijzigde bestanden vervangen’ om die "
        "te vervangen",
        "a different version is already imported; use --replace to replace it",
    ),
    "import.empty": ("het bestand is leeg", "is empty"),
    "import.no_text": ("het bestand bevat geen tekst", "contains no text"),
    "import.metadata_only": (
        "het bestand heeft metadata maar geen gesprekstekst",
        "has metadata but no transcript text",
    ),
    "import.not_found": ("het bestand is niet gevonden", "file not found"),
    "import.not_a_file": ("dit is geen bestand", "is not a file"),
    "import.not_regular": (
        "dit is geen gewoon bestand (een pipe, apparaat of map); het wordt niet gelezen",
        "is {kind}, not a transcript file; not read",
    ),
    "import.archive_refused": (
        "geweigerd voordat het gelezen werd: het archief pakt uit tot een onredelijke grootte "
        "({detail})",
        "refused before reading: {detail}",
    ),
    "import.not_read_suffix": (
        "{suffix} wordt niet gelezen; sla het op als .docx, .odt, .rtf of .txt",
        "{suffix} is not read; {advice}",
    ),
    "import.other_version_of": (
        "er is al een andere versie van {what} geïmporteerd; kies ‘Gewijzigde bestanden "
        "vervangen’ om die te vervangen",
        "a different version of {what} is already imported; use --replace to replace it",
    ),
    "import.too_large": (
        "het bestand is te groot ({size}; de grens is {limit})",
        "is {size}, above the limit of {limit}",
    ),
    "import.unreadable": (
        "het bestand kan niet worden gelezen ({reason})",
        "cannot be read ({reason})",
    ),
    "import.unsupported": (
        "dit soort bestand ({suffix}) kan niet worden geïmporteerd; wel: Word (.docx), Teams/Zoom "
        "(.vtt), ondertitels (.srt), tekst (.txt, .md) en PDF",
        "unsupported file type {suffix}",
    ),
    "import.bad_docx": (
        "geen leesbaar Word-bestand (beschadigd, of geen .docx)",
        "is not a readable Word file (damaged, or not a .docx)",
    ),
    "import.pdf_scanned": (
        "de PDF heeft geen tekstlaag (gescand?); tekstherkenning (OCR) wordt niet ondersteund",
        "has no text layer (scanned PDF?); OCR is not supported",
    ),
    "import.pdf_password": (
        "de PDF is met een wachtwoord beveiligd; sla hem eerst op zonder wachtwoord",
        "is password-protected; save it without a password first",
    ),
    "import.bad_pdf": (
        "geen leesbare PDF (beschadigd, of geen PDF)",
        "is not a readable PDF file (damaged, or not a PDF)",
    ),
    "import.no_cues": (
        "het bestand bevat geen ondertitels met tijden",
        "has no cues in this subtitle file",
    ),
    "import.bad_subtitles": (
        "geen geldig ondertitelbestand ({detail})",
        "is not a valid subtitle file ({detail})",
    ),
    "import.not_text": (
        "geen tekstbestand; is het een ander soort bestand met de naam {suffix}?",
        "is not a text file",
    ),
    "import.bad_metadata": (
        "de metadata kloppen niet: {detail}",
        "bad metadata: {detail}",
    ),
    "warning.no_institution": (
        "geen instelling in de metadata; overgenomen uit de bestandsnaam: {institution}",
        "no institution in the metadata; taken from the file name: {institution}",
    ),
    "warning.no_labels": (
        "geen sprekers gevonden; de hele tekst geldt als één antwoord van een respondent",
        "no speaker labels found; the whole text is one respondent turn",
    ),
    # --- names inside the answers ---
    "names.unread": (
        "{count} {count:gesprek is|gesprekken zijn} nog niet op namen doorzocht. Dat gebeurt "
        "vanzelf vóór de eerste gepseudonimiseerde export of rapport, of nu met de knop "
        "hieronder; daarna staat hier wat er gevonden is.",
        "{count} {count:transcript|transcripts} not searched for names yet; that happens "
        "before the first pseudonymised export or report, or now with the button below.",
    ),
    "names.detect_button": (
        "Namen zoeken in {count} {count:gesprek|gesprekken}",
        "Look for names in {count} {count:transcript|transcripts}",
    ),
    "names.detecting": (
        "Namen zoeken in {count} {count:gesprek|gesprekken} (de eerste keer laadt dat ook de "
        "namenlijsten)…",
        "looking for names in {count} {count:interview|interviews} (the first time this also "
        "loads the name lists)...",
    ),
    # --- report ---
    "report.bad_template": (
        "Het sjabloon {template} is geen Word-document; kies een .docx of .dotx.",
        "template {template} is not a Word document ({error})",
    ),
    "report.failed": (
        "Het concept kon niet worden gemaakt: {reason}",
        "the draft could not be built: {reason}",
    ),
    # --- any ---
    "error.generic": ("Dat lukte niet: {reason}", "that did not work: {reason}"),
}


# The readers of transcripts (``analysis.ingest``) raise ``IngestError(path, reason)`` with an
# English reason and write English warnings; until each raises ``fail(...)`` itself, these
# patterns carry their reasons to catalogue keys (named groups become the message's fields).
# A reason no pattern knows is shown as it is, after the file's name.
REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), key)
    for pattern, key in (
        (r"is empty", "import.empty"),
        (r"contains no text", "import.no_text"),
        (r"has metadata but no transcript text", "import.metadata_only"),
        (r"file not found", "import.not_found"),
        (r"is (?P<kind>.+), not a transcript file; not read", "import.not_regular"),
        (r"refused before reading: (?P<detail>.*)", "import.archive_refused"),
        (r"(?P<suffix>\.\w+) is not read; (?P<advice>.*)", "import.not_read_suffix"),
        (r"a different version of (?P<what>.+) is already imported.*", "import.other_version_of"),
        (r"is not a file", "import.not_a_file"),
        (r"is (?P<size>.+), above the limit of (?P<limit>.+)", "import.too_large"),
        (r"file is larger than the limit of (?P<limit>.+)", "import.too_large"),
        (r"cannot (?:be read|read the file) \((?P<reason>.*)\)", "import.unreadable"),
        (r"unsupported file type (?P<suffix>'[^']*'|without an extension).*", "import.unsupported"),
        (r"is not a readable Word file.*", "import.bad_docx"),
        (r"has no text layer.*", "import.pdf_scanned"),
        (r"is password-protected.*", "import.pdf_password"),
        (r"is not a readable PDF file.*", "import.bad_pdf"),
        (r"has no cues.*", "import.no_cues"),
        (r"is not a valid (?:SRT|WebVTT) file \((?P<detail>.*)\)", "import.bad_subtitles"),
        (r"is not a text file.*?(?:a (?P<suffix>\.\w+) name\?)?", "import.not_text"),
        (r"a different version is already imported.*", "import.other_version"),
        (r"unchanged, already imported", "import.unchanged"),
        (r"same content as (?P<other>.+), not imported again", "import.twin"),
        (r"(?P<detail>(?:metadata for|has no 'file' column|line \d+ has no file|file .+ is "
         r"listed twice|is not valid CSV).*)", "import.bad_metadata"),
        (r"no institution in the metadata; taken from the file name: (?P<institution>.+)",
         "warning.no_institution"),
        (r"no speaker labels found; the whole text is one respondent turn", "warning.no_labels"),
    )
]


def reason(text: str, lang: str = "nl") -> str:
    """An English reason or warning from the readers, in ``lang`` when a pattern knows it."""
    for pattern, key in REASONS:
        if match := pattern.fullmatch(text.strip()):
            values = {name: value or "" for name, value in match.groupdict().items()}
            return say(key, lang, **values)
    return text


class _Forms(string.Formatter):
    """``str.format`` plus ``{n:one|other}``: the word form for a count."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            return one if value == 1 else other
        return super().format_field(value, format_spec)


_FORMS = _Forms()


def say(key: str, lang: str = "nl", /, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    dutch, english = MESSAGES[key]
    return _FORMS.format(english if lang == "en" else dutch, **values)


def fail(kind: type[Exception], key: str, /, **values: object) -> Exception:
    """An exception of ``kind`` whose text is the English message (for the CLI and logs),
    carrying ``key`` and ``values`` so that :func:`for_user` can say it in Dutch."""
    error = kind(say(key, "en", **values))
    error.message_key = key  # type: ignore[attr-defined]
    error.message_values = dict(values)  # type: ignore[attr-defined]
    return error


def keyed(error: BaseException) -> tuple[str, Mapping[str, object]] | None:
    key = getattr(error, "message_key", None)
    return (key, getattr(error, "message_values", {})) if key in MESSAGES else None


def for_user(error: BaseException, lang: str = "nl") -> str:
    """What to tell a person about ``error``: its catalogue message in ``lang``; an error from
    outside the catalogue keeps its own text (an OS error names the file and the problem)."""
    found = keyed(error)
    if found is not None:
        return say(found[0], lang, **found[1])
    if hasattr(error, "reason") and hasattr(error, "path"):  # an IngestError
        return f"{error.path.name}: {reason(str(error.reason), lang)}"
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return str(error)


_CARRIED = re.compile(r"\((?P<carried>\d+) codings carried over(?:, (?P<dropped>\d+) dropped)?")


def ingest_line(result: IngestResult, lang: str = "nl") -> str:
    """What became of one imported file (a ``corpus.IngestResult``), in ``lang``: its counts
    on success, the reason on failure; warnings are listed apart (``reason``)."""
    status, message = result.status, str(result.message)
    if status in ("failed", "unchanged"):
        return reason(message, lang)
    counts = {"segments": result.segments, "words": result.words}
    if status == "replaced":
        found = _CARRIED.search(message)
        carried = int(found["carried"]) if found else 0
        line = say("import.replaced", lang, carried=carried, **counts)
        if found and found["dropped"]:
            line += "; " + say("import.dropped", lang, dropped=int(found["dropped"]))
        return line
    return say("import.imported", lang, **counts)


def count(number: int, one: str, other: str) -> str:
    """``"1 bestand"``, ``"3 bestanden"``: a number with its word in the right form."""
    return f"{number} {one if number == 1 else other}"
