"""Phase assessment: evidence per phase from codings and indicators, the estimate, the override."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import Project
from analysis.cli import main
from analysis.phases import PhaseError, estimate
from tests.report_checks import ingest, segment_ids, segment_with, write_interview

# One college per phase, each describing its organisation the way board members do.
PHASE_TALK = {
    "ROC Kempenland": [
        "Eerlijk gezegd ligt alles bij ons internationaal bureau, en dat is eigenlijk één "
        "persoon. Zij doet de subsidieaanvraag en regelt de stages in het buitenland voor onze "
        "studenten.",
        "Als docenten een vraag hebben, dan lopen ze bij het loket binnen en daar zoekt ze het "
        "uit. Ze heeft er ook een handboek voor geschreven, met alle formulieren erin.",
    ],
    "Vakschool Rivierenland": [
        "Elk domein heeft nu een eigen contactpersoon, en die werkgroep komt een paar keer per "
        "jaar bij elkaar om ervaringen uit te wisselen over wat er in de teams gebeurt.",
        "Voor de meeste collega's is het nog iets extra, echt naast het gewone werk. De "
        "kartrekkers in de teams doen het met veel plezier, maar het is vrijwillig.",
    ],
    "Duinstreek College": [
        "Met onze partnerschool in Gent hebben we een duurzaam partnerschap. We leren echt van "
        "elkaar, vakinhoudelijk, hun docenten komen hier en de onze gaan daarheen.",
        "We zetten bewust in op gelijke kansen, ook voor de studenten op niveau 2, en het is een "
        "gemeenschap van professionals geworden die zelf de samenwerking opzoekt.",
    ],
    "ROC Zuiderzee": [
        "Het staat gewoon in elk teamplan, het komt terug in het functioneringsgesprek en in "
        "onze kwaliteitscyclus, net zo vanzelfsprekend als verzuim of tevredenheid.",
        "We ontvangen elk jaar inkomende studenten uit Spanje en we hebben internationale "
        "leerpaden ontwikkeld. We zijn er proactief mee bezig, het is een kernproces.",
    ],
}


@pytest.fixture
def four_colleges(empty_project: Project, tmp_path: Path) -> Project:
    paths = [
        write_interview(tmp_path, f"college{i}", college, answers, date=f"2026-0{i + 3}-10")
        for i, (college, answers) in enumerate(PHASE_TALK.items())
    ]
    ingest(empty_project, *paths)
    return empty_project


def _by_college(project: Project) -> dict[str, dict]:
    return {row["institution"]: row for row in project.phase_assessments().to_dict("records")}


def test_each_phase_is_recognised_from_its_indicators(four_colleges: Project) -> None:
    found = _by_college(four_colleges)
    assert {college: row["label"] for college, row in found.items()} == {
        "ROC Kempenland": "1",
        "Vakschool Rivierenland": "2",
        "Duinstreek College": "3",
        "ROC Zuiderzee": "4",
    }
    for college, row in found.items():
        assert row["phase"] == row["estimate"] and not row["judged"]
        assert 0.0 < row["confidence"] < 1.0
        # The quotes that carry the estimate are that college's own segments.
        assert row["evidence"] and set(row["evidence"]) <= set(segment_ids(four_colleges, college))
    # The app's overview gives the same table and, per college, the same evidence.
    table, everything = four_colleges.phase_overview()
    assert table.equals(four_colleges.phase_assessments())
    assert set(everything["institution"]) == set(found)
    for college in found:
        own = everything[everything["institution"] == college].drop(columns="institution")
        assert own.reset_index(drop=True).equals(four_colleges.phase_evidence(college))
    evidence = four_colleges.phase_evidence("Vakschool Rivierenland")
    assert set(evidence["phase"]) == {2}
    assert any("contactpersoon" in reasons for reasons in evidence["reasons"])
    assert any("naast het gewoon werk" in reasons for reasons in evidence["reasons"])


def test_codings_outweigh_indicators_and_a_rejection_silences_them(
    four_colleges: Project,
) -> None:
    kempenland = segment_ids(four_colleges, "ROC Kempenland")
    for segment_id in kempenland:
        four_colleges.apply_code(segment_id, "phases.2_platform", "Femke Vos")
    found = _by_college(four_colleges)["ROC Kempenland"]
    assert (found["label"], found["evidence"]) == ("2", kempenland)
    evidence = four_colleges.phase_evidence("ROC Kempenland")
    # The person read these segments as phase 2: their phase-1 words no longer count.
    assert set(evidence["phase"]) == {2}
    assert set(evidence["reasons"]) == {"gecodeerd als Fase 2: Platform internationalisering"}

    # A person who rejects phase 4 on a segment says it is no evidence for phase 4.
    for segment_id in segment_ids(four_colleges, "ROC Zuiderzee"):
        four_colleges.reject(segment_id, "phases.4_international", "Femke Vos")
    assert four_colleges.phase_evidence("ROC Zuiderzee").empty
    found = _by_college(four_colleges)["ROC Zuiderzee"]
    assert (found["phase"], found["label"], found["confidence"]) == (None, "onbekend", 0.0)


def test_mixed_signals_are_reported_between_two_phases(
    empty_project: Project, tmp_path: Path
) -> None:
    answers = PHASE_TALK["Vakschool Rivierenland"] + PHASE_TALK["Duinstreek College"]
    ingest(empty_project, write_interview(tmp_path, "gemengd", "ROC Middenland", answers))
    row = _by_college(empty_project)["ROC Middenland"]
    assert row["label"] == "tussen 2 en 3"
    assert row["phase"] == 2  # the stronger of the two (a tie goes to the lower, cautious one)
    evidence = empty_project.phase_evidence("ROC Middenland")
    assert set(evidence[evidence["segment_id"].isin(row["evidence"])]["phase"]) == {2, 3}


def test_a_phase_left_behind_is_no_evidence_for_it(empty_project: Project, tmp_path: Path) -> None:
    answers = [
        "Vroeger deden we alleen wat de subsidie mogelijk maakte, met een coördinator op een "
        "kamertje. Dat was toen zo, nu zit het anders in elkaar bij ons.",
        "Het hangt niet meer aan één persoon en we hebben geen loket meer. Het staat in elk "
        "teamplan en het komt terug in de kwaliteitscyclus van de opleidingen.",
    ]
    ingest(empty_project, write_interview(tmp_path, "verder", "ROC Noordkade", answers,
                                          question="Hangt het bij jullie aan één persoon?"))
    evidence = empty_project.phase_evidence("ROC Noordkade")
    assert set(evidence["phase"]) == {4}
    assert _by_college(empty_project)["ROC Noordkade"]["label"] == "4"


def test_the_evaluators_judgement_always_wins(four_colleges: Project) -> None:
    four_colleges.judge_phase("ROC Zuiderzee", 3, "Ambities, nog niet overal ingebed.", "Femke Vos")
    row = _by_college(four_colleges)["ROC Zuiderzee"]
    assert (row["phase"], row["label"], row["confidence"], row["judged"]) == (3, "3", 1.0, True)
    assert (row["estimate"], row["estimate_label"]) == (4, "4")  # the estimate stays visible
    assert row["note"] == "Ambities, nog niet overal ingebed." and row["assessor"] == "Femke Vos"

    # Newer judgements win; a judgement also settles mixed signals.
    four_colleges.judge_phase("ROC Zuiderzee", 4, "Na het tweede gesprek: echt fase 4.", "Jan Smit")
    assert _by_college(four_colleges)["ROC Zuiderzee"]["phase"] == 4
    assert _by_college(four_colleges)["ROC Zuiderzee"]["assessor"] == "Jan Smit"

    with pytest.raises(PhaseError, match="note"):
        four_colleges.judge_phase("ROC Zuiderzee", 2, "  ", "Femke Vos")
    with pytest.raises(PhaseError, match="phase 5 does not exist"):
        four_colleges.judge_phase("ROC Zuiderzee", 5, "Verder dan het model.", "Femke Vos")
    with pytest.raises(PhaseError, match="no transcripts of a college named 'ROC Nergens'"):
        four_colleges.judge_phase("ROC Nergens", 2, "Bestaat niet.", "Femke Vos")


def test_estimate_rules() -> None:
    assert estimate({}) == (None, None, 0.0)
    assert estimate({2: 0.4}) == (None, None, 0.0)  # too little to go on
    phase, between, confidence = estimate({1: 1.0, 3: 5.0})
    assert (phase, between) == (3, None)
    # Strong but non-adjacent signals are not "between"; they lower the confidence instead.
    assert estimate({1: 4.0, 3: 5.0})[:2] == (3, None)
    assert estimate({1: 4.0, 3: 5.0})[2] < confidence
    assert estimate({2: 3.0, 3: 3.0})[:2] == (2, (2, 3))  # a tie goes to the lower phase
    assert estimate({2: 1.5, 3: 3.0})[:2] == (3, None)
    # More of the same evidence gives more confidence.
    assert estimate({4: 30.0})[2] > estimate({4: 3.0})[2]


def test_indicators_every_college_uses_weigh_less(empty_project: Project, tmp_path: Path) -> None:
    shared = (
        "De subsidie is belangrijk voor ons, dat zeg ik eerlijk. Zonder dat geld zouden we veel "
        "minder studenten naar het buitenland kunnen sturen, dat is gewoon zo."
    )
    paths = [
        write_interview(tmp_path, "a", "ROC Aadal", [shared, PHASE_TALK["ROC Zuiderzee"][0]]),
        write_interview(tmp_path, "b", "ROC Beekdal", [shared, PHASE_TALK["ROC Zuiderzee"][1]]),
        write_interview(tmp_path, "c", "ROC Ceesdal", [shared]),
    ]
    ingest(empty_project, *paths)
    evidence = empty_project.phase_evidence("ROC Aadal").set_index("phase")
    assert evidence.loc[1, "weight"] < 0.3 < 1.0 <= evidence.loc[4, "weight"]


def test_cli_phases_json_and_judge(four_colleges: Project, capsys: pytest.CaptureFixture) -> None:
    location = four_colleges.url.removeprefix("sqlite:///")
    four_colleges.close()
    assert main(["judge", "ROC Kempenland", "2", "--note", "Twee domeinen doen mee.",
                 "--assessor", "Femke Vos", "--project", location]) == 0
    capsys.readouterr()
    assert main(["phases", "--format", "json", "--project", location]) == 0
    rows = {row["institution"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == set(PHASE_TALK)
    kempenland = rows["ROC Kempenland"]
    assert kempenland["sources"] == ["college0.txt"]
    assert (kempenland["phase"], kempenland["confidence"], kempenland["assessor"]) == (
        2, 1.0, "Femke Vos")
    zuiderzee = rows["ROC Zuiderzee"]
    assert zuiderzee["phase"] == 4 and 0 < zuiderzee["confidence"] < 1
    with Project(location) as project:
        ids = segment_ids(project, "ROC Zuiderzee")
        assert zuiderzee["evidence"] and set(zuiderzee["evidence"]) <= set(ids)
        assert segment_with(project, "teamplan") in zuiderzee["evidence"]

    assert main(["phases", "--project", location]) == 0
    table = capsys.readouterr().out
    assert "judged by Femke Vos" in table and "ROC Zuiderzee" in table

    assert main(["judge", "ROC Onbekend", "2", "--note", "x", "--assessor", "y",
                 "--project", location]) == 2
    error = capsys.readouterr().err.strip()
    assert error == "interviews: no transcripts of a college named 'ROC Onbekend'"


def test_stored_lemmas_rule_out_only_segments_without_an_indicator(
    sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lemma pre-filter (speed at 1,000 interviews) keeps every indicator hit: the hits
    on the sample corpus are those of reading every segment with the pipeline."""
    from analysis import phases
    from analysis.codebook_store import read_codebook

    with sample_project.store.session() as session:
        definitions = phases.phase_definitions(read_codebook(session))
        segments = phases._respondent_segments(session)
    required = phases._required_lemmas(
        t for d in definitions for t in d.indicators if "." not in t
    )
    assert required is not None
    kept = [s for s in segments if phases._may_match(s, required)]
    assert len(kept) < len(segments) / 2  # the filter does rule segments out
    filtered = phases._indicator_hits(segments, definitions)
    monkeypatch.setattr(phases, "_required_lemmas", lambda terms: None)
    assert filtered
    assert filtered == phases._indicator_hits(segments, definitions)


def test_indicator_hits_are_kept_in_the_project_and_only_changed_text_is_read_again(
    sample_project: Project, monkeypatch
) -> None:
    """The hits are stored per segment and text digest (Meta ``cache:phase_hits``): a second
    overview reads no segment with spaCy, an edited segment is read again, alone."""
    from dataclasses import replace

    from analysis import phases
    from analysis.codebook_store import read_codebook

    with sample_project.store.session() as session:
        definitions = phases.phase_definitions(read_codebook(session))
        segments = phases._respondent_segments(session)
        fresh = phases._indicator_hits(segments, definitions)
        assert fresh == phases.cached_indicator_hits(session, segments, definitions)
    real = phases._indicator_hits
    read: list[list[int]] = []

    def counting(some, defs):
        read.append([s.id for s in some])
        return real(some, defs)

    monkeypatch.setattr(phases, "_indicator_hits", counting)
    with sample_project.store.session() as session:
        assert phases.cached_indicator_hits(session, segments, definitions) == fresh
    assert read == []
    edited = next(s for s in segments if s.id in fresh)
    segments = [
        replace(s, text="Daar hebben we het eigenlijk nooit over gehad.") if s is edited else s
        for s in segments
    ]
    with sample_project.store.session() as session:
        hits = phases.cached_indicator_hits(session, segments, definitions)
    assert read == [[edited.id]]
    assert edited.id not in hits
    assert {k: v for k, v in hits.items()} == {k: v for k, v in fresh.items() if k != edited.id}
