"""The suggesters on crafted Dutch segments: what they must find and what they must leave alone."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from coding_support import add_interview

from analysis import Project
from analysis.cli import main
from analysis.codebook import load_codebook
from analysis.coding.combine import Combined, combine
from analysis.coding.items import CodeItem, Scores, SegmentItem
from analysis.coding.rules import RuleSuggester
from analysis.coding.similarity import SimilaritySuggester
from analysis.coding.suggest import build_space
from analysis.nlp import lemmatise
from analysis.project import ProjectError

THRESHOLD = 0.5


@pytest.fixture(scope="module")
def codes() -> list[CodeItem]:
    return [
        CodeItem(
            key=c.key, label=c.label, definition=c.definition, when_to_use=c.when_to_use,
            examples=tuple(c.examples), keywords=tuple(c.keywords), phrases=tuple(c.phrases),
            parent=c.parent,
        )
        for c in load_codebook().codes
    ]


@pytest.fixture(scope="module")
def rules(codes: list[CodeItem]) -> RuleSuggester:
    return RuleSuggester(codes)


def items(*texts: str, question: str = "") -> list[SegmentItem]:
    return [
        SegmentItem(id=k, text=t, lemmas=" ".join(lemmas), question=question)
        for k, (t, lemmas) in enumerate(zip(texts, lemmatise(texts), strict=True))
    ]


def score(suggester: RuleSuggester, codes: list[CodeItem], segment: SegmentItem, key: str):
    scores = suggester.scores([segment])
    j = [c.key for c in codes].index(key)
    return float(scores.confidence[0, j]), scores.explain(0, j)


def rules_and_similarity(
    corpus: list[SegmentItem], codes: list[CodeItem], rules: RuleSuggester
) -> Combined:
    """The combiner on rules and similarity alone (no context, nothing learned)."""
    no_context = Scores(
        "context", np.zeros((len(corpus), len(codes)), np.float32), lambda i, j: {}
    )
    similarity = SimilaritySuggester(codes, space=build_space(codes, corpus)).scores(corpus)
    return combine(codes, rules.scores(corpus), similarity, no_context, None)


def test_rules_match_inflected_keywords_and_phrases(rules, codes) -> None:
    (segment,) = items(
        "Veel entreestudenten hebben thuis geen geld, en de ouders zijn bang dat hun dochter "
        "drie maanden weg is."
    )
    confidence, why = score(rules, codes, segment, "inclusion.barriers")
    assert confidence >= 0.8
    assert {"ouders", "bang"} <= set(why["matches"])


def test_negated_keywords_are_not_counted(rules, codes) -> None:
    negated, plain = items(
        "We hebben geen partnerschool, en we hebben ook nooit een netwerk gehad.",
        "We hebben een vaste partnerschool en een netwerk van scholen in de regio.",
    )
    assert score(rules, codes, negated, "regional_cooperation.partnerships")[0] == 0.0
    confidence, why = score(rules, codes, plain, "regional_cooperation.partnerships")
    assert confidence >= THRESHOLD and "partnerschool" in why["matches"]
    # "niet alleen ... maar ook" is no negation.
    (both,) = items("Het gaat niet alleen om partnerscholen maar ook om een breed netwerk.")
    assert score(rules, codes, both, "regional_cooperation.partnerships")[0] >= THRESHOLD


def test_words_echoing_the_interviewers_question_are_not_coded(rules, codes) -> None:
    question = "Hoe kijkt u naar de samenwerking met de regio?"
    answer = "De samenwerking met de regio? Tja, daar weet ik weinig van, ik ben net begonnen."
    (echo,) = items(answer, question=question)
    assert score(rules, codes, echo, "regional_cooperation")[0] == 0.0
    (alone,) = items(answer)  # the same words without that question are a match
    assert score(rules, codes, alone, "regional_cooperation")[0] > 0.0


def test_a_stop_word_never_stands_for_a_keyword_with_the_same_stem(rules, codes) -> None:
    # "waar" (a stop word) and the keyword "waarde" share the Snowball stem "waar".
    question, value = items(
        "Waar waren we gebleven? O ja, bij de vergadering van dinsdag.",
        "Die uitwisseling heeft echt waarde voor het hele team.",
    )
    assert score(rules, codes, question, "impact")[0] == 0.0
    assert score(rules, codes, value, "impact")[0] > 0.0
    # Stop words still count inside a phrase: "in de regio".
    (phrase,) = items("We werken daar veel samen in de regio.")
    assert "in de regio" in score(rules, codes, phrase, "regional_cooperation")[1]["matches"]


def test_keyword_in_passing_stays_below_threshold_and_substance_passes(rules, codes) -> None:
    passing, substance = items(
        "Mijn zoon heeft zijn rooster van de voetbalclub nog steeds niet, dus we weten niet "
        "wanneer hij moet keepen.",
        "Als een docent een week weg is, wie staat er dan voor de klas? Dat krijg je in het "
        "rooster gewoon niet rond, en de werkdruk is al zo hoog.",
    )
    corpus = [passing, substance, *items("We praten over het weer.", "Thee is ook prima.")]
    combined = rules_and_similarity(corpus, codes, rules)
    j = [c.key for c in codes].index("professionalisation.barriers")
    assert 0.0 < rules.scores([passing]).confidence[0, j] < THRESHOLD
    assert combined.confidence[0, j] < THRESHOLD
    assert combined.confidence[1, j] >= THRESHOLD


def test_similarity_finds_a_paraphrase_without_keywords(rules, codes) -> None:
    paraphrase, other = items(
        "Ze vertrekken als verlegen meiden en na een paar weken Spanje staan ze voor de klas "
        "te vertellen hoe het daar ging.",
        "De nieuwbouw loopt uit en de begroting moet sluitend, dat is mijn week.",
    )
    corpus = [paraphrase, other]
    j = [c.key for c in codes].index("impact.student")
    assert rules.scores([paraphrase]).confidence[0, j] < THRESHOLD  # no keyword carries it
    similarity = SimilaritySuggester(codes, space=build_space(codes, corpus)).scores(corpus)
    assert similarity.confidence[0, j] >= THRESHOLD > similarity.confidence[1, j]
    assert similarity.explain(0, j)["nearest"].startswith("Verlegen meiden die eerst")


def test_parent_confidence_is_at_least_its_best_child(rules, codes) -> None:
    corpus = items(
        "De ouders zijn vaak het probleem, en thuis is er geen geld voor.",
        "Elk domein heeft een contactpersoon internationalisering.",
        "Met de Berufsschule over de grens maken we samen examens.",
    )
    combined = rules_and_similarity(corpus, codes, rules)
    column = {c.key: j for j, c in enumerate(codes)}
    for code in codes:
        if code.parent:
            assert (
                combined.confidence[:, column[code.parent]]
                >= combined.confidence[:, column[code.key]]
            ).all()
    row, parent = 0, column["inclusion"]
    assert combined.rationale(row, parent)["via"] == "inclusion.barriers"


EXCHANGES = [
    (
        "Wat houdt studenten tegen?",
        [
            "Bij de entree hebben ze thuis geen geld, en de ouders zijn bang om hun dochter te "
            "laten gaan.",
            "We hebben een potje gemaakt, een fonds, zodat niemand thuis blijft omdat er geen "
            "geld is.",
        ],
    ),
    ("Hoe was de reis hierheen?", ["Prima, de trein was op tijd."]),
]


def test_suggestions_never_overwrite_a_human_decision(empty_project: Project) -> None:
    ids = add_interview(empty_project, "drempels.txt", EXCHANGES)
    report = empty_project.suggest()
    assert report.segments == 3 and report.stored > 0
    queue = empty_project.suggestion_queue(min_confidence=THRESHOLD)
    top = queue[queue["code"] == "inclusion.barriers"].iloc[0]
    assert top["segment_id"] == ids[0] and "ouders" in top["rationale"]
    assert top["question"] == "Wat houdt studenten tegen?"
    # An interface reads the queue without reasons and asks for those of the rows it shows.
    bare = empty_project.suggestion_queue(min_confidence=THRESHOLD, reasons=False)
    assert bare.drop(columns="rationale").equals(queue.drop(columns="rationale"))
    assert set(bare["rationale"]) == {""}
    pairs = list(zip(queue["segment_id"], queue["code"], strict=True))
    reasons = empty_project.suggestion_reasons([*pairs, (ids[2], "inclusion.barriers")])
    assert [reasons[pair] for pair in pairs] == list(queue["rationale"])
    assert reasons[(ids[2], "inclusion.barriers")] == ""  # nothing suggested there

    empty_project.reject(ids[0], "inclusion.barriers", "Marieke")
    second = empty_project.suggest()
    assert second.stored == 0  # nothing new: unchanged suggestions are not written again
    queue = empty_project.suggestion_queue()
    assert not ((queue["segment_id"] == ids[0]) & (queue["code"] == "inclusion.barriers")).any()
    codes = empty_project.segments().set_index("segment_id")["codes"]
    assert "inclusion.barriers" not in codes[ids[0]].split(";")
    auto_rows = empty_project.coding_history(
        segment_id=ids[0], code="inclusion.barriers", coder="auto"
    )
    assert len(auto_rows) == 1  # not re-suggested, not withdrawn: the person's word stands
    assert not any(codes[ids[2]].split(";"))  # small talk gets no code


def test_code_command_and_export_on_the_sample_corpus(sample_project: Project, tmp_path) -> None:
    location = sample_project.url.removeprefix("sqlite:///")
    assert main(["code", "--project", location, "--threshold", "0.5"]) == 0
    out = tmp_path / "segmenten.csv"
    assert main(["export", "segments", "--project", location, "-o", str(out)]) == 0
    frame = pd.read_csv(out, keep_default_na=False)
    coded = frame[frame["codes"] != ""]
    assert len(coded) > 50 and (frame["suggestions"] != "").sum() >= len(coded)
    assert set(coded["role"]) == {"respondent"}  # interviewer speech is never coded
    # Every applied sub-code brings its parent along.
    for codes in coded["codes"]:
        keys = set(codes.split(";"))
        assert {k.split(".")[0] for k in keys} <= keys
    assert np.isclose(sample_project.setting("coding_threshold"), 0.5)


class ConceptEmbedder:
    """A stand-in for a sentence embedder: words of one concept share a dimension, so texts
    that share no word can still be close (as with a real model)."""

    name = "test-concepts"
    CONCEPTS = (
        ("verlegen", "stil", "bang", "timide"),
        ("klas", "presentatie", "vertellen", "spreken"),
        ("spanje", "buitenland", "ierland", "weg"),
        ("begroting", "geld", "budget", "nieuwbouw"),
    )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), len(self.CONCEPTS) + 1), dtype=np.float32)
        for i, text in enumerate(texts):
            words = text.lower().replace(".", " ").replace(",", " ").split()
            for d, concept in enumerate(self.CONCEPTS):
                vectors[i, d] = sum(w in concept for w in words)
            vectors[i, -1] = 0.1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_similarity_uses_the_configured_embedder(empty_project: Project) -> None:
    from analysis.coding.suggest import suggest

    ids = add_interview(
        empty_project,
        "embedding.txt",
        [
            ("Wat merk je bij de studenten?", [
                "De stille timide jongens uit Ierland terug spreken nu voor de klas.",
                "De begroting en het budget voor de nieuwbouw, daar gaat mijn tijd heen.",
            ]),
        ],
    )
    with empty_project.store.session() as session:
        report = suggest(session, embedder=ConceptEmbedder())
    assert report.segments == 2
    history = empty_project.coding_history(code="impact.student", coder="auto")
    row = history[history["segment_id"] == ids[0]]
    assert len(row) == 1 and row["origin"].iloc[0] == "similarity"
    queue = empty_project.suggestion_queue(code="impact.student")
    assert "verlegen meiden" in queue.set_index("segment_id").loc[ids[0], "rationale"].lower()
    assert ids[1] not in set(queue["segment_id"])


def test_thresholds_decide_what_counts_as_applied(empty_project: Project) -> None:
    ids = add_interview(empty_project, "drempels.txt", EXCHANGES)
    empty_project.suggest()
    applied = empty_project.segments().set_index("segment_id")["codes"]
    assert "inclusion.barriers" in applied[ids[0]].split(";")
    empty_project.set_threshold("inclusion.barriers", 0.99)
    applied = empty_project.segments().set_index("segment_id")["codes"]
    assert "inclusion.barriers" not in applied[ids[0]].split(";")
    suggested = empty_project.segments().set_index("segment_id")["suggestions"]
    assert "inclusion.barriers:" in suggested[ids[0]]  # still offered for review
    empty_project.set_threshold("inclusion.barriers", None)  # back to the project default
    empty_project.set_threshold(None, 0.99)
    applied = empty_project.segments().set_index("segment_id")["codes"]
    assert "inclusion.barriers" not in applied[ids[0]].split(";")
    with pytest.raises(ProjectError, match="between 0 and 1"):
        empty_project.set_threshold("inclusion", 1.5)


def test_suggesting_on_a_project_without_interviews_does_nothing(empty_project: Project) -> None:
    report = empty_project.suggest()
    assert (report.segments, report.stored, report.withdrawn) == (0, 0, 0)
    assert empty_project.suggestion_queue().empty


def test_the_key_tfidf_is_scikit_learns_tfidf_to_the_bit(codes) -> None:
    """``KeyTfidf`` replaces ``TfidfVectorizer`` so that a coding run need not import
    scikit-learn; its vectors must be the same floats, in the same columns."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.coding.features import KeyTfidf, key_texts
    from analysis.coding.similarity import profile_texts

    corpus = [s.key_text for s in items(
        "De samenwerking met het regionale bedrijfsleven is de afgelopen jaren sterk gegroeid.",
        "Studenten lopen stage bij bedrijven in de regio, en bedrijven bedrijven geven les.",
        "Het college werkt samen met scholen over de grens, in Duitsland en België.",
        "Ja.",
    )] + key_texts([text for code in codes for text in profile_texts(code)])
    reference = TfidfVectorizer(
        token_pattern=r"[^ ]+", lowercase=False, sublinear_tf=True, dtype=np.float32
    ).fit(corpus)
    ours = KeyTfidf(corpus)
    assert list(ours.names) == list(reference.get_feature_names_out())
    assert np.array_equal(ours.idf, reference.idf_)
    for texts in (corpus, ["", "onbekend woord", corpus[1] + " " + corpus[1]]):
        expected, got = reference.transform(texts), ours.transform(texts)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)
    with pytest.raises(ValueError, match="empty vocabulary"):
        KeyTfidf([""])
