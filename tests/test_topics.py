"""Topic runs on the sample corpus with the default offline back-end (TF-IDF + SVD on lemmas).

UMAP is slow to start (numba compiles it once per process), so the model is fitted in a
module-scoped fixture; tests that edit a run work on their own copy of that fitted project.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from analysis import Project
from analysis.cli import main
from analysis.codebook import CodebookError
from analysis.lang_nl_fillers import FILLERS
from analysis.nlp import STOP_WORDS
from analysis.store import Coding, Segment, SegmentTopic, Topic, TopicRun, Transcript
from analysis.topics import TopicError, model
from analysis.topics.crosstabs import UNCODED
from analysis.topics.model import fit_sample
from analysis.topics.runs import OUTLIER_LABEL, assignments_frame


@pytest.fixture(scope="module")
def fitted(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample project with two segment runs (seed 0, twice) and one turn run."""
    path = tmp_path_factory.mktemp("topics") / "topics.db"
    shutil.copy(sample_db, path)
    with Project(path) as project:
        first = project.run_topics(seed=0)
        again = project.run_topics(seed=0)
        turns = project.run_topics(unit="turn", seed=0)
    return {"path": path, "first": first, "again": again, "turns": turns}


@pytest.fixture
def project(fitted: dict, tmp_path: Path) -> Iterator[Project]:
    """A private copy of the fitted project."""
    path = tmp_path / "copy.db"
    shutil.copy(fitted["path"], path)
    with Project(path) as copy:
        yield copy


def _assignments(project: Project, run_id: int) -> dict[int, tuple[int, float | None]]:
    with project.store.session() as session:
        rows = session.execute(
            select(SegmentTopic.segment_id, Topic.topic_index, SegmentTopic.probability)
            .join(Topic, Topic.id == SegmentTopic.topic_id)
            .where(SegmentTopic.run_id == run_id)
        ).all()
    return {segment: (topic, probability) for segment, topic, probability in rows}


def test_same_input_and_seed_give_the_same_topics(project: Project, fitted: dict) -> None:
    first, again = project.topics(fitted["first"]), project.topics(fitted["again"])
    columns = ["topic", "size", "label", "keywords", "colleges", "examples"]
    pd.testing.assert_frame_equal(first[columns], again[columns])
    assert _assignments(project, fitted["first"]) == _assignments(project, fitted["again"])
    assert len(first) >= 5  # nine interviews on five themes: more than a handful of topics


def test_run_is_stored_with_parameters_and_complete_assignments(
    project: Project, fitted: dict
) -> None:
    runs = project.topic_runs()
    assert runs["id"].tolist() == [fitted["turns"], fitted["again"], fitted["first"]]
    with project.store.session() as session:
        params = session.get(TopicRun, fitted["first"]).params
    assert params["unit"] == "segment" and params["seed"] == 0
    assert params["method"] == "umap-hdbscan" and params["embedder"].startswith("tfidf-svd:")
    assert params["min_cluster_size"] >= 5 and "bertopic" in params["versions"]
    assert params["outliers_after_reduction"] <= params["outliers"]

    topics = project.topics(fitted["first"])
    assignments = _assignments(project, fitted["first"])
    assert topics["size"].sum() == len(assignments) == params["documents"]
    segments = project.segments()
    assert len(assignments) + params["skipped_documents"] == len(segments)
    for row in topics.itertuples():
        assert set(row.representative_ids) <= set(row.segment_ids)
        assert 1 <= len(row.examples) <= 3 and row.colleges >= 1
    texts = dict(zip(segments["segment_id"], segments["text"], strict=True))
    assert topics.iloc[0]["examples"][0] == texts[topics.iloc[0]["representative_ids"][0]]
    probabilities = [p for topic, p in assignments.values() if topic >= 0]
    assert all(p is not None and 0.0 <= p <= 1.0 for p in probabilities)
    outliers = topics[topics["topic"] < 0]
    assert outliers["label"].tolist() in ([], [OUTLIER_LABEL])
    assert topics["topic"].tolist()[: len(topics) - len(outliers)] == list(
        range(len(topics) - len(outliers))
    )  # numbered by size, outliers last


def test_fit_sample_is_stratified_seeded_and_everything_under_the_limit() -> None:
    groups = [1] * 50 + [2] * 30 + [3] * 20  # three interviews of unequal length
    chosen = fit_sample(groups, 10, seed=0)
    assert len(chosen) == 10 and list(chosen) == sorted(set(chosen.tolist()))
    assert Counter(groups[i] for i in chosen) == {1: 5, 2: 3, 3: 2}
    assert fit_sample(groups, 10, seed=0).tolist() == chosen.tolist()
    assert fit_sample(groups, 10, seed=1).tolist() != chosen.tolist()
    assert fit_sample(groups, 100, seed=0).tolist() == list(range(100))


def test_a_large_corpus_is_fitted_on_a_sample_and_the_rest_assigned(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "FIT_LIMIT", 200)  # the sample corpus stands in for a large one
    run_id = project.run_topics(seed=0)
    with project.store.session() as session:
        run = session.get(TopicRun, run_id)
        params = dict(run.params)
        frame = assignments_frame(session, run)
        interview = dict(session.execute(select(Segment.id, Segment.transcript_id)).all())
    assert params["fit_limit"] == 200 and params["fitted_documents"] == 200
    assert params["assigned_documents"] == params["documents"] - 200 > 0
    assert len(frame) == params["documents"]  # every document has a topic (or -1) ...
    assert frame["fitted"].sum() == 200 == len(params["fitted_segment_ids"])
    fitted = frame[frame["fitted"]]
    share = Counter(interview[i] for i in fitted["segment_id"])
    total = Counter(interview[i] for i in frame["segment_id"])
    for transcript, count in total.items():  # ... and each interview is in the sample
        assert abs(share[transcript] - 200 * count / len(frame)) <= 1
    assert frame.loc[~frame["fitted"], "probability"].isna().all()  # no model probability
    topics = project.topics(run_id)
    assert topics["size"].sum() == len(frame)
    fitted_ids = set(params["fitted_segment_ids"])
    assert all(set(ids) <= fitted_ids for ids in topics["representative_ids"])


def test_labels_and_keywords_are_dutch_content_words(project: Project, fitted: dict) -> None:
    with project.store.session() as session:
        names = set()
        for transcript in session.scalars(select(Transcript)):
            for name in [
                transcript.institution,
                transcript.interviewer or "",
                *transcript.respondents,
            ]:
                names.update(re.findall(r"\w+", name.lower()))
    assert {"amstelduin", "wadden", "roc", "marieke", "henk"} <= names
    for run_id in (fitted["first"], fitted["turns"]):
        topics = project.topics(run_id)
        themes = topics[topics["topic"] >= 0]
        words = [w for label in themes["label"] for w in label.split(" · ")]
        words += [w for keywords in themes["keywords"] for w in keywords.split(", ")]
        tokens = {token for word in words for token in word.split()}
        assert tokens, "no labels"
        assert all(token.isalpha() and token == token.lower() for token in tokens), tokens
        assert not tokens & STOP_WORDS
        assert not tokens & FILLERS
        assert not tokens & names, tokens & names
        assert not tokens & {"eigenlijk", "gewoon", "ja", "nee", "zeg", "lacht", "gaan", "jaar"}


def test_turn_runs_give_all_segments_of_a_turn_one_topic(project: Project, fitted: dict) -> None:
    assignments = _assignments(project, fitted["turns"])
    segments = project.segments().set_index("segment_id")
    by_turn: dict[tuple[int, int], set[int]] = {}
    for segment_id, (topic, _p) in assignments.items():
        key = (segments.loc[segment_id, "transcript_id"], segments.loc[segment_id, "turn_index"])
        by_turn.setdefault(key, set()).add(topic)
    assert all(len(topics) == 1 for topics in by_turn.values())
    assert any(
        len(group) > 1
        for group in segments.loc[list(assignments)]
        .groupby(["transcript_id", "turn_index"])
        .groups.values()
    )  # turns with several segments exist, so the check above means something


def test_rename_and_merge_are_persisted(project: Project, fitted: dict) -> None:
    topics = project.topics()  # the newest run: the turn run
    a, b, c = (int(i) for i in topics["id"][:3])
    sizes = dict(zip(topics["id"], topics["size"], strict=True))
    project.rename_topic(a, "  Stages   in het buitenland ")
    survivor = project.merge_topics([b, c])
    assert survivor == b
    path = Path(project.url.removeprefix("sqlite:///"))
    project.close()

    with Project(path) as reopened:
        after = reopened.topics().set_index("id")
        assert after.loc[a, "label"] == "Stages in het buitenland"
        assert c not in after.index
        assert after.loc[b, "size"] == sizes[b] + sizes[c]
        assert len(after.loc[b, "segment_ids"]) == sizes[b] + sizes[c]
        with reopened.store.session() as session:
            history = session.get(TopicRun, fitted["turns"]).params["history"]
        assert [h["action"] for h in history] == ["rename", "merge"]
        assert history[0]["old"] == topics.set_index("id").loc[a, "label"]
        # a merged topic is read through its survivor; editing it directly is refused
        with pytest.raises(TopicError, match="merged into"):
            reopened.rename_topic(c, "Weg")
        with pytest.raises(TopicError, match="at least two"):
            reopened.merge_topics([a, a])
        outlier = after.index[after["topic"] < 0]
        if len(outlier):
            with pytest.raises(TopicError, match="outlier"):
                reopened.merge_topics([a, int(outlier[0])])
        with pytest.raises(TopicError, match="a topic needs a name"):
            reopened.rename_topic(a, "   ")
        # a merge with a name renames the survivor
        survivor = reopened.merge_topics([a, b], label="Mobiliteit")
        assert reopened.topics().set_index("id").loc[a, "label"] == "Mobiliteit"


def test_merge_recomputes_keywords_over_all_segments(project: Project) -> None:
    topics = project.topics().set_index("id")
    ids = [int(i) for i in topics.index[:2]]
    project.merge_topics(ids)
    merged = project.topics().set_index("id").loc[ids[0]]
    keywords = merged["keywords"].split(", ")
    assert 3 <= len(keywords) <= 10
    before = set(topics.loc[ids[0], "keywords"].split(", ")) | set(
        topics.loc[ids[1], "keywords"].split(", ")
    )
    assert set(keywords) & before  # the merged topic still speaks of what its parts spoke of
    assert set(merged["label"].split(" · ")) <= set(keywords)  # label renewed from keywords


def test_topic_becomes_a_code_with_suggestions(project: Project) -> None:
    topic = project.topics().iloc[0]
    count = project.topic_to_code(int(topic["id"]), "thema_uit_topic", label="Nieuw thema")
    assert count == len(topic["representative_ids"]) > 0

    code = project.codebook().get("thema_uit_topic")
    assert code.label == "Nieuw thema"
    assert code.keywords and all(" " not in k for k in code.keywords)
    assert code.examples[0] == topic["examples"][0]
    assert "topic-model" in code.definition
    with project.store.session() as session:
        rows = session.scalars(select(Coding).where(Coding.code_key == "thema_uit_topic")).all()
    assert sorted(r.segment_id for r in rows) == sorted(topic["representative_ids"])
    assert {(r.coder, r.origin, r.status) for r in rows} == {("auto", "topic", "suggested")}
    assert rows[0].rationale["topic"] == int(topic["id"])
    assert project.topics().iloc[0]["code"] == "thema_uit_topic"
    queue = project.segments().set_index("segment_id").loc[topic["representative_ids"]]
    assert queue["suggestions"].str.contains("thema_uit_topic").all()

    with pytest.raises(CodebookError, match="thema_uit_topic"):
        project.topic_to_code(int(project.topics().iloc[1]["id"]), "thema_uit_topic")


def test_a_coding_run_keeps_the_suggestions_of_a_topic_turned_into_a_code(
    project: Project,
) -> None:
    topic = project.topics().iloc[0]
    project.topic_to_code(int(topic["id"]), "thema_uit_topic", label="Nieuw thema")
    project.suggest()
    queue = project.segments().set_index("segment_id").loc[topic["representative_ids"]]
    assert queue["suggestions"].str.contains("thema_uit_topic").all()


def test_crosstabs_add_up(project: Project) -> None:
    topics = project.topics().set_index("label")
    colleges = project.topic_college_crosstab()
    assert colleges.index.tolist() == topics.index.tolist()
    assert colleges.sum(axis=1).to_dict() == topics["size"].to_dict()
    assert len(colleges.columns) == 9
    shares = project.topic_college_crosstab(share=True)
    assert shares.sum(axis=0).round(2).eq(1.0).all()

    codes = project.topic_code_crosstab()
    assert list(codes.columns[:-1]) == [c.key for c in project.codebook().top_level()]
    assert codes[UNCODED].to_dict() == topics["size"].to_dict()  # nothing coded yet
    assert codes.drop(columns=UNCODED).to_numpy().sum() == 0


def test_coding_moves_topics_out_of_what_the_codebook_misses(project: Project) -> None:
    uncovered = project.uncovered_topics()
    themes = project.topics()
    themes = themes[themes["topic"] >= 0]
    assert set(uncovered["id"]) == set(themes["id"])  # nothing is coded yet
    assert uncovered["uncoded"].is_monotonic_decreasing
    assert all(len(e) >= 1 for e in uncovered["examples"])

    target = themes.iloc[0]
    for segment_id in target["segment_ids"]:
        project.apply_code(int(segment_id), "impact.student", "Evaluator")
    codes = project.topic_code_crosstab().loc[target["label"]]
    assert codes["impact"] == target["size"] and codes[UNCODED] == 0
    assert target["id"] not in set(project.uncovered_topics()["id"])
    by_code = project.topic_code_crosstab(level="all", share=True).loc[target["label"]]
    assert by_code["impact.student"] == 1.0


def test_figures_for_app_and_report(project: Project) -> None:
    topic_id = int(project.topics().iloc[0]["id"])
    project.rename_topic(topic_id, "<b>Ouders</b> & angst")
    figures = project.topic_figures()
    assert set(figures) == {"sizes", "map", "colleges"}
    bar = figures["sizes"].data[0]
    assert "&lt;b&gt;Ouders&lt;/b&gt; &amp; angst" in list(bar.y)
    assert "<b>Ouders</b> & angst" not in list(bar.y)  # plotly would render the tags
    themes = project.topics()
    assert len(figures["map"].data[0].x) == int((themes["topic"] >= 0).sum())
    heat = figures["colleges"].data[0]
    assert len(heat.y) == len(themes) and len(heat.x) == 9
    pngs = project.topic_figures(fmt="png")
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000 for png in pngs.values())


def test_cli_prints_a_stored_run_and_reports_mistakes(
    project: Project, fitted: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.url.removeprefix("sqlite:///")
    assert main(["topics", "--project", path, "--run", str(fitted["first"]), "--uncovered"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\bid\s+size\s+label\s+keywords\s+colleges\b", out)
    first = project.topics(fitted["first"]).iloc[0]
    assert first["label"] in out
    assert f"run {fitted['first']}:" in out and "not covered by the codebook" in out

    assert main(["topics", "--project", path, "--runs"]) == 0
    assert "umap-hdbscan" in capsys.readouterr().out

    assert main(["topics", "--project", path, "--run", "999"]) == 2
    assert capsys.readouterr().err.strip() == "interviews: no topic run with id 999"
    missing = str(Path(path).parent / "geen-model")
    assert main(["topics", "--project", path, "--embedding-model", missing]) == 2
    assert "does not exist" in capsys.readouterr().err
