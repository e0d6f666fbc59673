"""The spaCy-free word lists agree with spaCy's own (analysis.words_nl reads spaCy's data files
without importing spaCy, so commands that tokenise nothing need not load it)."""

from __future__ import annotations

from spacy.lang.nl.stop_words import STOP_WORDS as SPACY_NL_STOP_WORDS
from spacy.lang.nl.tokenizer_exceptions import TOKENIZER_EXCEPTIONS

from analysis.nlp import get_nlp
from analysis.words_nl import (
    SPACY_STOP_WORDS,
    STOP_WORDS,
    lemma_of,
    refers_back,
    spacy_abbreviations,
)


def test_stop_words_are_spacys_list_plus_spoken_dutch() -> None:
    assert frozenset(SPACY_NL_STOP_WORDS) == SPACY_STOP_WORDS
    assert {"eigenlijk", "tja", "daarmee"} <= STOP_WORDS - SPACY_STOP_WORDS
    nlp = get_nlp()
    doc = nlp("Eigenlijk gaan de studenten gewoon naar Spanje.")
    assert [t.text for t in doc if t.is_stop] == ["Eigenlijk", "de", "gewoon", "naar"]


def test_abbreviations_are_spacys_dutch_ones_that_end_in_a_full_stop() -> None:
    spacy_set = {key.lower() for key in TOKENIZER_EXCEPTIONS if key.endswith(".") and len(key) > 1}
    ours = spacy_abbreviations()
    assert ours <= spacy_set
    # Left out: an emoticon, temperature units and one curiosity of spaCy's base exceptions.
    assert spacy_set - ours == {"._.", "°c.", "°f.", "°k.", "l’exp.-compt.b.."}
    assert {"bijv.", "o.a.", "ca.", "j."} <= ours


def test_lemma_of_a_word_is_the_pipelines_lemma() -> None:
    words = ["studenten", "gingen", "stages", "docenten", "amstelduin"]
    doc = get_nlp()(" ".join(words))
    assert [lemma_of(w) for w in words] == [t.lemma_ for t in doc]
    assert lemma_of("gingen") == "gaan"


def test_a_passage_that_points_back_is_recognised() -> None:
    assert refers_back("Ja, die doet dat nu ook in Gent.")
    assert refers_back("En dat was best spannend voor ze.")
    assert not refers_back("Onze studenten gaan naar Gent voor hun stage.")
