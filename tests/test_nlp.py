"""The Dutch pipeline: sentences in messy spoken Dutch, lookup lemmas, stop words and fillers."""

from __future__ import annotations

import pytest
import spacy
from spacy.lang.nl.stop_words import STOP_WORDS as SPACY_STOP_WORDS

from analysis.lang_nl_fillers import FILLERS, FUNCTION_WORDS
from analysis.nlp import STOP_WORDS, content_lemmas, get_nlp, lemmatise

ANSWER = (
    "Dhr. Jansen zei bijv. dat o.a. de stages in Duitsland, d.w.z. de BPV over de grens, "
    "met 3,5 procent gegroeid zijn... Ja. Incl. de entreeopleidingen, hè. "
    'Toen zeiden de docenten: "Nou, dat gaan we nooit redden." En ze gingen toch!'
)


def sentences(text: str) -> list[str]:
    return [s.text.strip() for s in get_nlp()(text).sents]


def test_pipeline_is_built_once_and_needs_no_trained_model() -> None:
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert nlp.lang == "nl"
    assert nlp.pipe_names == [
        "sentencizer",
        "interviews_paragraph_breaks",
        "interviews_opening_punct",
        "lemmatizer",
    ]


def test_abbreviations_and_ellipses_do_not_end_sentences() -> None:
    assert sentences(ANSWER) == [
        "Dhr. Jansen zei bijv. dat o.a. de stages in Duitsland, d.w.z. de BPV over de grens, "
        "met 3,5 procent gegroeid zijn... Ja.",
        "Incl. de entreeopleidingen, hè.",
        'Toen zeiden de docenten: "Nou, dat gaan we nooit redden."',
        "En ze gingen toch!",
    ]


def test_blank_line_ends_a_sentence_without_full_stop() -> None:
    text = "We hebben drie partnerscholen in Spanje\n\nen de docenten gaan volgend jaar mee"
    assert sentences(text) == [
        "We hebben drie partnerscholen in Spanje",
        "en de docenten gaan volgend jaar mee",
    ]
    # A single line break (a wrapped line, a subtitle cue) is not a boundary.
    assert len(sentences(text.replace("\n\n", "\n"))) == 1


def test_opening_quote_or_bracket_starts_the_next_sentence() -> None:
    assert sentences('Dat was het. "Nou ja," zei de directeur. (Lacht) Zo ging dat.') == [
        "Dat was het.",
        '"Nou ja," zei de directeur.',
        "(Lacht) Zo ging dat.",
    ]
    # A closing quote stays with its sentence.
    assert sentences('Hij zei: "We gaan." Daarna niets.') == [
        'Hij zei: "We gaan."',
        "Daarna niets.",
    ]


def test_lemmas_are_lookup_lemmas_in_lower_case() -> None:
    [lemmas] = lemmatise(["De Stages gingen vorig jaar naar Finland en Duitsland."])
    assert lemmas == ["stage", "gaan", "vorig", "jaar", "finland", "duitsland"]


def test_lemmas_match_spacys_own_lookup_lemmatizer() -> None:
    reference = spacy.blank("nl")
    reference.add_pipe("lemmatizer", config={"mode": "lookup"})
    reference.initialize()
    # Without "Incl.": spaCy's tokenizer splits that abbreviation, ours keeps it whole.
    text = ANSWER.replace("Incl.", "Met") + " De bestuurders zochten STAGES; café's."
    ours = [t.lemma_ for t in get_nlp()(text)]
    theirs = [t.lemma_ for t in reference(text)]
    assert ours == theirs
    assert "zoeken" in ours


def test_stop_words_are_spacys_plus_spoken_fillers() -> None:
    assert SPACY_STOP_WORDS <= STOP_WORDS
    assert FILLERS <= STOP_WORDS
    assert FUNCTION_WORDS <= STOP_WORDS
    for filler in ("eigenlijk", "gewoon", "natuurlijk", "hè", "nou", "ehm", "zeg", "weet", "oké"):
        assert filler in STOP_WORDS
    # Tokens know it too, whatever their case.
    doc = get_nlp()("Eigenlijk EIGENLIJK eigenlijk Ehm Internationalisering")
    assert [t.is_stop for t in doc] == [True, True, True, True, False]


def test_fillers_numbers_and_punctuation_are_not_content() -> None:
    text = (
        "Ja nee, eigenlijk, ehm, zeg maar, weet je, gewoon... nou ja, het is echt zo, hè? "
        "Mm-hm. Oké. 3,5 procent, 2019, twintig, drie studenten, o.a. en d.w.z. x"
    )
    [lemmas] = lemmatise([text])
    assert lemmas == ["procent", "studenten"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik bedoel, de docenten reizen mee.", ["docent", "reizen"]),
        ("Wat bedoel je met internationalisering?", ["bedoelen", "internationalisering"]),
        ("In principe regelt het team dat.", ["regelen", "team"]),
        ("Het principe is helder.", ["principe", "helder"]),
        ("Dat vind ik, denk ik, belangrijk.", ["vinden", "belangrijk"]),
        ("Ik denk na over de regio.", ["regio"]),
        ("We denken na over de regio.", ["denken", "regio"]),
        ("Dat is als het ware de kern.", ["kern"]),
    ],
)
def test_multi_word_fillers_are_dropped_as_a_whole(text: str, expected: list[str]) -> None:
    assert lemmatise([text]) == [expected]


def test_a_filler_phrase_does_not_reach_across_a_sentence_boundary() -> None:
    # "ik. Bedoel" is no "ik bedoel": the second sentence keeps its verb.
    assert lemmatise(["Dat zei ik. Bedoel je de stages?"]) == [["bedoelen", "stage"]]


def test_content_lemmas_of_a_span_are_the_lemmas_of_that_span() -> None:
    doc = get_nlp()(ANSWER)
    spans = list(doc.sents)
    assert content_lemmas(spans[0]) == [
        "jansen",
        "stage",
        "duitsland",
        "bpv",
        "grens",
        "procent",
        "groeien",
    ]
    assert content_lemmas(doc) == [lemma for span in spans for lemma in content_lemmas(span)]


def test_lemmatise_keeps_one_list_per_text_in_order() -> None:
    texts = ["", "Mm-hm.", "Ouders zijn soms bang.", "  \n ", "De stages."]
    assert lemmatise(texts) == [[], [], ["ouders", "bang"], [], ["stage"]]
    assert lemmatise(iter(texts)) == lemmatise(texts)
