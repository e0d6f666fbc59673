"""What a topic model reads: one lemma document per segment or turn, without names and noise.

Topic labels must be Dutch theme words. ``Segment.lemmas`` already drops spaCy's Dutch stop
words and the fillers of spoken Dutch (``analysis.nlp``); for topics three more groups go:

* **names** of the project's colleges (every word of "ROC Amstelduin", also lemmatised), its
  respondents and interviewers, the speaker labels and the people mentioned in the answers
  (``analysis.names``, unless the evaluator ignored them): otherwise a college's own interviews form
  a "topic" named after it, and labels leak who said what;
* **conversation words** (``CONVERSATION_WORDS``): light verbs, time and quantity words and
  vague adjectives that fill every answer of an interview ("gaan", "zeggen", "jaar", "mooi").
  They are content words to spaCy, but a lookup lemmatiser keeps their inflected forms apart,
  so they would outnumber any theme word in c-TF-IDF labels;
* **number words** spelled out by transcribers ("honderdvijftig", "tweeduizend").

Documents with fewer than ``min_lemmas`` words left say too little to place in a theme; they
are left out of the run (the run records how many).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.coding.text import match_key
from analysis.names.mentions import person_names
from analysis.store import Segment, Transcript, Turn
from analysis.words_nl import STOP_WORDS, lemma_of

UNITS = ("segment", "turn")
DEFAULT_MIN_LEMMAS = 3

# Words that fill interview speech whatever the theme (see module docstring). Inflected forms
# are listed because the lookup lemmatiser does not map all of them to the infinitive.
CONVERSATION_WORDS: frozenset[str] = frozenset(
    """
    gaan gaat ging gingen gegaan komen komt kwam kwamen gekomen zeggen zegt zei zeiden gezegd
    zien ziet zie zag zagen gezien weten weet wist wisten doen doet deed deden gedaan maken
    maakt maakte maakten gemaakt willen wil wilde wilden vinden vindt vond vonden gevonden
    zitten zit zat zaten staan staat stond stonden liggen ligt lag lopen loopt liep kijken kijkt
    keek denken denkt dacht dachten horen hoort hoorde krijgen krijgt kreeg kregen gekregen
    geven geeft geef gaf gegeven laten laat liet houden houdt hield nemen neemt nam genomen
    brengen brengt bracht proberen probeert probeerde hoeven hoef hoeft hangen hangt merken
    merk merkt lukken lukt lukte vertellen vertelt vertelde noemen noem noemt gebeuren gebeurt
    gebeurde blijven blijft bleef klinken klinkt krijg vallen valt werkt spelen speelt geloof
    geloven wachten erbij erin eraan erom ervan erover eruit naartoe vanzelf ga
    jaar jaren maand maanden week weken dag dagen uur uren keer paar deel stuk iets niks niets
    iedereen niemand mensen mens elkaar samen soms vaak altijd nooit overal straks vroeger
    trouwens letterlijk eerlijk sorry haha terug mee via per vorig vorige volgend volgende eerst
    eerste tweede derde laatste heleboel aantal kant manier vraag vragen antwoord
    goed goede mooi mooie leuk leuke fijn fijne groot grote klein kleine nieuw nieuwe oud oude
    beter zeker misschien belangrijk belangrijke moeilijk makkelijk lastig lang kort normaal
    echt enorm hartstikke prima gewoon apart vast stil graag nodig bezig los helft idee moment
    begin morgen kom sta zet zetten gezet één langs naast meestal genoeg terecht rest
    lacht lachen gelach onverstaanbaar kucht zucht hé
    """.split()  # noqa: SIM905 (a word list reads and diffs better as text)
)

_NUMBER_WORD = re.compile(
    r"(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|"
    r"vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|"
    r"zeventig|tachtig|negentig|honderd|duizend|miljoen|miljard|ën|en)+"
)


def is_number_word(word: str) -> bool:
    return _NUMBER_WORD.fullmatch(word) is not None


def name_words(session: Session) -> frozenset[str]:
    """Lower-case words (and their lemmas) of every college, person and speaker label."""
    names: list[str] = []
    for institution, interviewer, respondents in session.execute(
        select(Transcript.institution, Transcript.interviewer, Transcript.respondents)
    ):
        names.extend([institution or "", interviewer or "", *(respondents or [])])
    names.extend(speaker for (speaker,) in session.execute(select(Turn.speaker).distinct()))
    names.extend(person_names(session))  # people mentioned inside the answers (analysis.names)
    words = {w for name in names for w in re.findall(r"\w+", name.lower()) if len(w) > 1}
    # Lemmas from the lookup table, word by word: the words are single tokens already, and no
    # spaCy pipeline need be built for them (``topics`` and ``report`` tokenise nothing else).
    words.update([lemma_of(word) for word in words])
    return frozenset(words)


def clean_lemmas(lemmas: str, excluded: frozenset[str]) -> list[str]:
    """The lemmas of ``Segment.lemmas`` that may name a theme."""
    return [
        word
        for word in lemmas.split()
        if word not in excluded
        and word not in CONVERSATION_WORDS
        and word not in STOP_WORDS
        and not is_number_word(word)
    ]


@dataclass
class Documents:
    """The corpus of a topic run: one entry per document (a segment or a respondent turn).

    ``segment_ids[i]`` lists the segments document ``i`` stands for (one for unit "segment");
    ``segment_words`` holds each segment's own cleaned lemmas; ``interviews[i]`` is the
    transcript id of document ``i`` (the strata of a sampled fit).
    """

    unit: str
    lemmas: list[str] = field(default_factory=list)
    segment_ids: list[list[int]] = field(default_factory=list)
    segment_words: dict[int, list[str]] = field(default_factory=dict)
    interviews: list[int] = field(default_factory=list)
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.lemmas)


def build_documents(
    session: Session, unit: str = "segment", min_lemmas: int = DEFAULT_MIN_LEMMAS
) -> Documents:
    """Documents of all codable segments, or of respondent turns made of them, in corpus order."""
    if unit not in UNITS:
        raise ValueError(f"unknown topic unit {unit!r}; choose one of {', '.join(UNITS)}")
    excluded = name_words(session)
    rows = session.execute(
        select(Segment.id, Segment.turn_id, Segment.lemmas, Segment.transcript_id)
        .join(Transcript, Segment.transcript_id == Transcript.id)
        .where(Segment.codable.is_(True))
        .order_by(Transcript.institution, Transcript.source_name, Segment.start, Segment.id)
    ).all()
    documents = Documents(unit=unit)
    groups: dict[int, tuple[list[int], list[str]]] = {}
    interview: dict[int, int] = {}
    for segment_id, turn_id, lemmas, transcript_id in rows:
        key = turn_id if unit == "turn" else segment_id
        interview[key] = transcript_id
        ids, words = groups.setdefault(key, ([], []))
        ids.append(segment_id)
        documents.segment_words[segment_id] = clean_lemmas(lemmas or "", excluded)
        words.extend(documents.segment_words[segment_id])
    for key, (ids, words) in groups.items():
        if len(words) < min_lemmas:
            documents.skipped += 1
            continue
        documents.lemmas.append(" ".join(words))
        documents.segment_ids.append(ids)
        documents.interviews.append(interview[key])
    return documents


def label_words(keywords: Iterable[str], count: int = 3) -> list[str]:
    """The first ``count`` keywords that share no word with those chosen before, compared by
    Snowball stem, so a label never says "ouders · ouder" or "bloem · bloem design"."""
    chosen: list[str] = []
    seen: set[str] = set()
    for keyword in keywords:
        stems = {match_key(word) for word in keyword.split()}
        if not stems or stems & seen:
            continue
        chosen.append(keyword)
        seen |= stems
        if len(chosen) == count:
            break
    return chosen
