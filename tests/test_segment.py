"""Segmentation of respondent turns into quotable segments, on messy spoken Dutch."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from analysis.lang_nl_fillers import INTERJECTIONS
from analysis.nlp import STOP_WORDS, get_nlp, lemmatise
from analysis.segment import MAX_SENTENCES, MAX_WORDS, SegmentSpan, segment_turns

LABELS = {"interviewer": "Interviewer", "respondent": "Bestuurder", "other": "Notulist"}


@dataclass(frozen=True)
class Turn:
    index: int
    start: int
    end: int
    role: str | None


def transcript(*turns: tuple[str, str]) -> tuple[str, list[Turn]]:
    """Normalised text with 'Label: speech' blocks and turns whose offsets point at the speech."""
    text, refs = "", []
    for index, (role, speech) in enumerate(turns):
        text += f"{LABELS.get(role, 'Onbekend')}: "
        refs.append(Turn(index, len(text), len(text) + len(speech), role))
        text += speech + "\n\n"
    return text, refs


def words(text: str) -> int:
    """Words as segmentation counts them: tokens that are neither punctuation nor whitespace."""
    return sum(not (t.is_punct or t.is_space) for t in get_nlp()(text))


def content_sentences(text: str) -> list[str]:
    """Sentences that are not back-channel only (those are merged, not counted)."""
    result = []
    for sentence in get_nlp()(text).sents:
        spoken = [t.lower_ for t in sentence if not (t.is_punct or t.is_space)]
        if any(w not in INTERJECTIONS for w in spoken):
            result.append(sentence.text.strip())
    return result


RUN_ON = (
    "En dan heb je natuurlijk de docenten, en die zijn eigenlijk de sleutel, want als een "
    "docent zelf een keer met een groep studenten naar Tampere is geweest en daar heeft gezien "
    "hoe ze daar met praktijkopdrachten werken, met bedrijven die gewoon in de school zitten, "
    "dan komt zo iemand terug en dan gaat die in het team vertellen hoe het anders kan, en dan "
    "krijg je langzaam een beweging waarin ook collega's die nooit weg willen toch nieuwsgierig "
    "worden en vragen of ze volgend jaar mee mogen, en zo groeit het eigenlijk van onderop"
)

STORY = (
    "Ja. Nou, kijk, dat begon eigenlijk heel klein, met één docent bij de opleiding horeca die "
    "zelf contacten had in Spanje. Dhr. Van Dijk, toen nog teamleider, zei bijv. tegen het "
    "college van bestuur: laat die mensen nou gewoon gaan, dan zie je vanzelf wat het oplevert. "
    "We zaten in 2016 op ongeveer 3,5 procent van de studenten met een buitenlandstage... en "
    "dat was o.a. omdat de leerbedrijven hier in de regio er weinig van wisten.\n\n"
    "Daarna hebben we het echt groter aangepakt, d.w.z. met een eigen bureau "
    "internationalisering en vaste partners in Duitsland, Finland en Portugal\n\n"
    '"Dat gaan we nooit redden," zeiden sommige teams toen. Mm-hm. Maar de cijfers laten iets '
    "anders zien: inmiddels gaat ruim tien procent van onze studenten naar het buitenland, incl. "
    "de entreeopleidingen. Dat had niemand verwacht, ook de inspectie niet."
)

FILLERS_ONLY = (
    "Ja nee, de ouders, ehm... zeg maar, weet je, dat is eigenlijk gewoon, nou ja, ik bedoel, "
    "best wel lastig soms, hè."
)

INTERVIEW = (
    ("interviewer", "Fijn dat u tijd heeft. Hoe begon het met internationalisering bij jullie?"),
    ("respondent", STORY),
    ("interviewer", "Mm-hm."),
    ("respondent", "Precies. Ja."),
    ("interviewer", "En de ouders, hoe reageren die?"),
    ("respondent", FILLERS_ONLY),
    (
        "respondent",
        "Mag ik daar iets aan toevoegen? Veel ouders van onze studenten hebben zelf nooit gereisd.",
    ),
    ("interviewer", "Hoe kijken de docenten ertegenaan?"),
    ("respondent", f"{RUN_ON}. Klopt. Zo zie ik dat."),
    ("other", "Sorry, de opname liep even niet. Kunt u dat herhalen?"),
    ("respondent", "   \n  "),
)


@pytest.fixture(scope="module")
def interview() -> tuple[str, list[Turn], list[SegmentSpan]]:
    text, turns = transcript(*INTERVIEW)
    return text, turns, segment_turns(text, turns)


def segment_texts(text: str, segments: list[SegmentSpan], turn_index: int) -> list[str]:
    return [text[s.start : s.end] for s in segments if s.turn_index == turn_index]


def test_offsets_are_exact_trimmed_and_inside_the_turn(interview) -> None:
    text, turns, segments = interview
    assert segments
    for segment in segments:
        turn = turns[segment.turn_index]
        piece = text[segment.start : segment.end]
        assert piece and piece == piece.strip()
        assert turn.start <= segment.start < segment.end <= turn.end
    # In order, never overlapping.
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))


def test_segments_cover_all_respondent_speech_and_nothing_else(interview) -> None:
    text, turns, segments = interview
    for turn in turns:
        own = [s for s in segments if s.turn_index == turn.index]
        if turn.role != "respondent":
            assert own == []
            continue
        # Between and around the segments of a turn there is only whitespace.
        cursor = turn.start
        for segment in own:
            assert text[cursor : segment.start].strip() == ""
            cursor = segment.end
        assert text[cursor : turn.end].strip() == ""
    # The turn of only whitespace yields no segment.
    assert [s for s in segments if s.turn_index == 10] == []


def test_abbreviations_numbers_and_ellipses_do_not_cut_a_segment(interview) -> None:
    text, _, segments = interview
    for piece in segment_texts(text, segments, 1):
        assert not piece.endswith(("Dhr.", "bijv.", "o.a.", "d.w.z.", "incl.", "...", "3,"))
    assert any("zei bijv. tegen het college" in p for p in segment_texts(text, segments, 1))
    assert any("ongeveer 3,5 procent" in p for p in segment_texts(text, segments, 1))


def test_long_turn_is_cut_at_sentence_and_paragraph_boundaries(interview) -> None:
    text, _, segments = interview
    pieces = segment_texts(text, segments, 1)
    assert pieces == [
        "Ja. Nou, kijk, dat begon eigenlijk heel klein, met één docent bij de opleiding horeca "
        "die zelf contacten had in Spanje. Dhr. Van Dijk, toen nog teamleider, zei bijv. tegen "
        "het college van bestuur: laat die mensen nou gewoon gaan, dan zie je vanzelf wat het "
        "oplevert.",
        "We zaten in 2016 op ongeveer 3,5 procent van de studenten met een buitenlandstage... en "
        "dat was o.a. omdat de leerbedrijven hier in de regio er weinig van wisten.\n\n"
        "Daarna hebben we het echt groter aangepakt, d.w.z. met een eigen bureau "
        "internationalisering en vaste partners in Duitsland, Finland en Portugal",
        '"Dat gaan we nooit redden," zeiden sommige teams toen. Mm-hm. Maar de cijfers laten '
        "iets anders zien: inmiddels gaat ruim tien procent van onze studenten naar het "
        "buitenland, incl. de entreeopleidingen. Dat had niemand verwacht, ook de inspectie niet.",
    ]


def test_word_and_sentence_bounds(interview) -> None:
    text, _, segments = interview
    for segment in segments:
        if not segment.codable:
            continue
        piece = text[segment.start : segment.end]
        sentences = content_sentences(piece)
        assert 1 <= len(sentences) <= MAX_SENTENCES
        if words(piece) > MAX_WORDS:
            assert len(sentences) == 1, piece
    long_ones = [
        text[s.start : s.end] for s in segments if words(text[s.start : s.end]) > MAX_WORDS
    ]
    assert long_ones == [f"{RUN_ON}. Klopt."]


def test_a_long_run_on_sentence_stays_whole_with_its_interjection(interview) -> None:
    text, _, segments = interview
    assert words(RUN_ON) > MAX_WORDS
    assert segment_texts(text, segments, 8) == [f"{RUN_ON}. Klopt.", "Zo zie ik dat."]


def test_interjection_only_turn_is_one_uncodable_segment(interview) -> None:
    text, _, segments = interview
    [segment] = [s for s in segments if s.turn_index == 3]
    assert text[segment.start : segment.end] == "Precies. Ja."
    assert segment.codable is False
    assert segment.lemmas == []
    assert all(s.codable for s in segments if s.turn_index != 3)


def test_segments_never_cross_turns_even_when_short(interview) -> None:
    text, _, segments = interview
    # Two respondents speak in turn: each short turn stays its own segment.
    assert segment_texts(text, segments, 5) == [FILLERS_ONLY]
    assert segment_texts(text, segments, 6) == [
        "Mag ik daar iets aan toevoegen? Veel ouders van onze studenten hebben zelf nooit gereisd."
    ]


def test_lemmas_are_content_lemmas_of_the_segment_text(interview) -> None:
    text, _, segments = interview
    pieces = [text[s.start : s.end] for s in segments]
    assert [s.lemmas for s in segments] == lemmatise(pieces)
    for segment in segments:
        assert not STOP_WORDS & set(segment.lemmas)
        assert all(
            len(lemma) >= 2 and lemma.isalpha() and lemma.islower() for lemma in segment.lemmas
        )


def test_fillers_stop_words_and_numbers_are_not_lemmas(interview) -> None:
    _, _, segments = interview
    by_turn = {s.turn_index: s.lemmas for s in segments}
    assert by_turn[5] == ["ouders", "lastig"]
    first = segments[0].lemmas
    assert "docent" in first and "teamleider" in first
    for filler in ("eigenlijk", "gewoon", "nou", "kijk", "ja", "bijv"):
        assert filler not in first
    second = segments[1].lemmas
    assert "procent" in second and "buitenlandstage" in second
    assert not {"2016", "3,5", "o.a."} & set(second)


def test_segmentation_is_deterministic_and_follows_the_order_of_turns(interview) -> None:
    text, turns, segments = interview
    assert segment_turns(text, turns) == segments
    backwards = segment_turns(text, list(reversed(turns)))
    assert backwards == [
        s for turn in reversed(turns) for s in segments if s.turn_index == turn.index
    ]


def test_no_short_tail_when_a_better_cut_exists() -> None:
    # Sentences of 7, 20, 19 and 9 words. Filling a segment up to three sentences (46 words)
    # would leave the last 9 words alone; cutting after the second sentence gives 27 + 28.
    sentences = [
        "Dat vinden wij als college heel belangrijk.",
        "Internationalisering is voor ons geen doel op zich maar een middel om studenten beter "
        "voor te bereiden op hun werk.",
        "Dus moeten onze studenten ook leren omgaan met verschillen in taal, cultuur en "
        "gewoontes op de werkvloer van vandaag.",
        "Daar hebben we vorig jaar een keuzedeel voor ontwikkeld.",
    ]
    assert [words(s) for s in sentences] == [7, 20, 19, 9]
    text, turns = transcript(("respondent", " ".join(sentences)))
    pieces = [text[s.start : s.end] for s in segment_turns(text, turns)]
    assert pieces == [" ".join(sentences[:2]), " ".join(sentences[2:])]


def test_many_short_sentences_are_packed_three_at_a_time() -> None:
    answer = " ".join(
        f"Het {team} team heeft dit jaar weer een uitwisseling gedaan."
        for team in ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde")
    )
    text, turns = transcript(("respondent", answer))
    pieces = [text[s.start : s.end] for s in segment_turns(text, turns)]
    assert [len(content_sentences(p)) for p in pieces] == [3, 3]


def test_leading_and_trailing_interjections_join_their_neighbour() -> None:
    answer = (
        "Mm-hm. Nou, ja. Wij werken sinds twee jaar met een vaste partner in Gent, vooral voor de "
        "opleidingen zorg en welzijn. Klopt. Dat is waar."
    )
    text, turns = transcript(("respondent", answer))
    [segment] = segment_turns(text, turns)
    assert text[segment.start : segment.end] == answer
    assert segment.codable


def test_interviewer_and_other_turns_are_not_segmented() -> None:
    text, turns = transcript(
        ("interviewer", "Wat betekent internationalisering voor de studenten in de zorg?"),
        ("other", "Ik pak even koffie voor iedereen, is dat goed?"),
        ("unknown-role", "Dit is een spreker zonder vaste rol in het gesprek."),
    )
    turns.append(Turn(3, turns[0].start, turns[0].end, None))
    assert segment_turns(text, turns) == []


def test_turn_offsets_outside_the_text_are_refused() -> None:
    text, turns = transcript(("respondent", "Dat klopt, we hebben twee partners in Portugal."))
    bad = [Turn(7, turns[0].start, len(text) + 5, "respondent")]
    with pytest.raises(ValueError, match="turn 7"):
        segment_turns(text, bad)


def test_an_opening_quote_belongs_to_the_segment_it_opens() -> None:
    first = (
        "In het begin was er veel weerstand in de teams, vooral bij de technische opleidingen, "
        "waar men vond dat studenten eerst hier het vak moesten leren voordat ze over de grens "
        "gingen."
    )
    second = (
        '"Wat moet een monteur nou in Italië?" vroeg een teamleider me toen letterlijk, en dat '
        "was geen grap, dat meende hij echt, en eerlijk gezegd begreep ik het ook wel een beetje."
    )
    text, turns = transcript(("respondent", f"{first} {second}"))
    pieces = [text[s.start : s.end] for s in segment_turns(text, turns)]
    assert pieces == [first, second]
