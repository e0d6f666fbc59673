"""Search terms for questions and segments: compounds, MBO levels, hyphens and apostrophes."""

from __future__ import annotations

from analysis.ask.synonyms import synonyms
from analysis.ask.terms import (
    CompoundSplitter,
    joined_terms,
    level_terms,
    quick_terms,
    text_terms,
)
from analysis.coding.text import match_key
from analysis.nlp import lemmatise

VOCABULARY = {
    "stage", "buitenland", "plek", "ouder", "avond", "docent", "mobiliteit", "zorg",
    "student", "werk", "druk", "gesprek", "cyclus", "onderwijs", "verwachten", "persoonlijk",
}


def test_stageplekken_splits_into_stage_and_plek() -> None:
    splitter = CompoundSplitter(VOCABULARY)
    assert splitter.split("stageplekken") == ("stage", "plekken")
    assert splitter.parts("stageplekken") == [match_key("stage"), match_key("plek")]


def test_buitenlandstage_yields_its_modifier_buitenland() -> None:
    splitter = CompoundSplitter(VOCABULARY)
    assert match_key("buitenland") in splitter.parts("buitenlandstage")
    assert match_key("stage") in splitter.parts("buitenlandstage")


def test_linking_s_and_plural_heads_are_understood() -> None:
    splitter = CompoundSplitter(VOCABULARY)
    assert splitter.split("gesprekscyclus") == ("gesprek", "cyclus")
    assert splitter.split("zorgstudenten") == ("zorg", "studenten")
    assert splitter.parts("ouderavonden") == [match_key("ouder"), match_key("avond")]


def test_derivations_and_plain_words_are_not_split() -> None:
    splitter = CompoundSplitter(VOCABULARY)
    for word in ("verwachten", "onderwijs", "persoonlijk", "belangrijk", "internationaal"):
        assert splitter.split(word) == (), word
    # a compound none of whose parts the corpus uses cannot help search, so it is left whole
    assert splitter.split("kernenergie") == ()


def test_level_terms_read_mbo_levels_and_entree() -> None:
    assert level_terms("Voor niveau 2-studenten en niveau 3 en 4 doen we dat.") == [
        "niveau_2", "niveau_3", "niveau_4",
    ]
    assert level_terms("de entreestudenten, Niveau-1") == ["niveau_1", "niveau_1"]
    assert level_terms("het niveau van de lessen, 12 studenten") == []


def test_hyphenated_apostrophe_and_plus_words_are_not_lost() -> None:
    terms = joined_terms("oud-studenten, onze buddy's, collega’s en Erasmus+")
    for word in ("oud", "student", "buddy", "collega", "erasmus"):
        assert match_key(word) in terms, word


def test_quick_terms_agree_with_the_spacy_terms_on_an_interviewer_question() -> None:
    question = "Wat houdt collega's tegen om naar het buitenland te gaan, denk je?"
    spacy_terms = set(text_terms(lemmatise([question])[0], question))
    assert set(quick_terms(question)) == spacy_terms


def test_synonyms_link_the_words_of_evaluators_and_respondents() -> None:
    assert match_key("collega") in synonyms(match_key("medewerker"))
    assert match_key("moeilijk") in synonyms(match_key("lastig"))
    assert synonyms(match_key("ouder")) == ()
