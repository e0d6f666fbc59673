"""The language-model coding suggester against fake OpenAI-compatible servers on 127.0.0.1.

- oracle: answers every segment with its gold codes (tests/data/gold_dev.jsonl): nothing may
  be lost in prompting, parsing or combining (F1 >= 0.99 on those codes);
- noisy: random codes; after learning from two interviews' decisions the held-out F1 stays
  within 0.02 of the offline figure, because the learned weights drop the model;
- broken: timeouts, HTTP 500, invalid JSON, a refusal, quotes not in the segment: one clear
  message each, the offline suggestions stored exactly as without a model.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analysis import Project
from analysis.coding.gold import align, read_gold
from analysis.store import Coding, LLMResponse
from tests.coding_support import add_interview
from tests.llm_support import codes_reply, fake_llm, segment_of

GOLD = Path(__file__).parent / "data" / "gold_dev.jsonl"
TRAIN_FILES = ("amstelduin_2026-09-15.txt", "ijsselvallei_gesprek.txt")


def use_model(project: Project, url: str, **settings: object) -> None:
    project.set_setting("llm_url", url)
    project.set_setting("llm_model", "fake-model")
    project.set_setting("llm_retries", 0)
    for key, value in settings.items():
        project.set_setting(key, value)


def gold_by_text(project: Project) -> dict[str, set[str]]:
    items, _ = read_gold(GOLD)
    with project.store.session() as session:
        alignment = align(session, items, GOLD.name)
    texts = {unit.id: unit.text for unit in alignment.units}
    found: dict[str, set[str]] = {}
    for unit_id, labels in alignment.labels.items():
        found.setdefault(texts[unit_id], set()).update(labels)
    return found


def split_gold(folder: Path) -> tuple[Path, Path]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    train, test = folder / "train.jsonl", folder / "test.jsonl"
    train.write_text("".join(f"{x}\n" for x in lines if json.loads(x)["file"] in TRAIN_FILES),
                     encoding="utf-8")
    test.write_text("".join(f"{x}\n" for x in lines if json.loads(x)["file"] not in TRAIN_FILES),
                    encoding="utf-8")
    return train, test


def macro(project: Project, gold: Path, level: str) -> float:
    averages = project.evaluate(gold, coder="auto").averages.set_index(["level", "average"])
    return float(averages.loc[(level, "macro"), "f1"])


def test_an_oracle_model_loses_nothing_in_prompting_parsing_or_combining(
    sample_project: Project, tmp_path: Path
) -> None:
    gold = gold_by_text(sample_project)
    keys = {code.key for code in sample_project.codebook().codes}

    def oracle(body: dict) -> str:
        segment = segment_of(body)
        return codes_reply(sorted(gold.get(segment, set()) & keys), segment)

    train, test = split_gold(tmp_path)
    with fake_llm(oracle) as fake:
        use_model(sample_project, fake.url)
        report = sample_project.suggest()
        assert report.llm["messages"] == [] and report.llm["discarded"] == 0
        zero_top, zero_sub = macro(sample_project, GOLD, "top"), macro(sample_project, GOLD, "sub")
        sample_project.import_codings(train, "ontwikkelset")
        sample_project.suggest()
        learned_top = macro(sample_project, test, "top")
        learned_sub = macro(sample_project, test, "sub")
    assert zero_top >= 0.99 and zero_sub >= 0.99, (zero_top, zero_sub)
    assert learned_top >= 0.99 and learned_sub >= 0.99, (learned_top, learned_sub)
    first = fake.requests[0]["body"]
    assert first["response_format"]["type"] == "json_schema"
    prompt = first["messages"][0]["content"]
    assert "impact.student" in prompt and "definitie:" in prompt


def test_a_model_that_codes_at_random_is_outweighed_by_learning(
    sample_db: Path, tmp_path: Path
) -> None:
    train, test = split_gold(tmp_path)
    offline_path, noisy_path = tmp_path / "offline.db", tmp_path / "noisy.db"
    shutil.copy(sample_db, offline_path)
    shutil.copy(sample_db, noisy_path)
    with Project(offline_path) as project:
        keys = sorted(code.key for code in project.codebook().codes)
        project.suggest()
        project.import_codings(train, "ontwikkelset")
        project.suggest()
        offline = macro(project, test, "top")

    def noisy(body: dict) -> str:
        segment = segment_of(body)
        rng = random.Random(segment)  # the same segment gets the same nonsense every time
        return codes_reply(rng.sample(keys, rng.randint(0, 3)), segment, rng.random())

    with fake_llm(noisy) as fake, Project(noisy_path) as project:
        use_model(project, fake.url)
        project.suggest()
        project.import_codings(train, "ontwikkelset")
        report = project.suggest()
        with_noise = macro(project, test, "top")
    assert report.llm["trust_model"] == 0.0  # the pooled weight drops the model
    assert abs(with_noise - offline) <= 0.02, (offline, with_noise)


EXCHANGES = [
    ("Wat merken studenten van een stage in het buitenland?",
     ["Ze komen zelfstandiger terug, dat zien de docenten meteen.",
      "Een student vertelde dat ze in Sevilla voor het eerst zelf een kamer moest regelen."]),
    ("Hoe werken jullie samen met bedrijven in de regio?",
     ["We hebben met de Duitse partners een gezamenlijke opleiding opgezet.",
      "De werkgevers in de grensstreek vragen om mensen die twee talen spreken."]),
]


def _rows(project: Project) -> list[tuple]:
    with project.store.session() as session:
        return sorted(
            (row.segment_id, row.code_key, row.origin, row.status, row.confidence)
            for row in session.scalars(select(Coding))
        )


def _cached(project: Project) -> int:
    with project.store.session() as session:
        return session.scalar(select(func.count()).select_from(LLMResponse))


BROKEN = {
    "timeout": ("hang", "cannot reach the language model"),
    "http500": (lambda body: 500, "answered HTTP 500"),
    "invalid_json": (lambda body: "Natuurlijk! Hier zijn de codes: impact.", "not valid JSON"),
    "refusal": (lambda body: {"role": "assistant", "content": None,
                              "refusal": "Daar kan ik niet bij helpen."}, "refused"),
    "invented_quote": (
        lambda body: json.dumps({"codes": [{
            "code": "impact", "confidence": 0.9, "quote": "de studenten leren veel",
            "rationale": "De respondent noemt groei."}]}),
        "quoted words are not in the segment",
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_model_gives_one_message_and_the_offline_suggestions_stand(
    tmp_path: Path, kind: str
) -> None:
    with Project(tmp_path / "offline.db") as offline:
        add_interview(offline, "grens.txt", EXCHANGES)
    shutil.copy(tmp_path / "offline.db", tmp_path / "broken.db")  # closed: nothing in the WAL
    with Project(tmp_path / "offline.db") as offline:
        offline.suggest()
        expected = _rows(offline)
    answer, message = BROKEN[kind]
    hang = answer == "hang"
    with fake_llm((lambda body: 500) if hang else answer, hang=hang) as fake, \
            Project(tmp_path / "broken.db") as project:
        use_model(project, fake.url, llm_timeout=0.3)
        report = project.suggest()
    assert len(report.llm["messages"]) == 1, report.llm["messages"]
    assert message in report.llm["messages"][0]
    assert _rows(project) == expected  # the offline suggestions, nothing of the model's
    assert all(origin != "llm" for _, _, origin, _, _ in expected)
    if kind != "invented_quote":
        assert _cached(project) == 0  # no reply that failed is kept


def test_a_second_run_sends_no_request(tmp_path: Path) -> None:
    def answer(body: dict) -> str:
        segment = segment_of(body)
        return codes_reply(["impact.student"] if "student" in segment else [], segment)

    with fake_llm(answer) as fake, Project(tmp_path / "p.db") as project:
        add_interview(project, "grens.txt", EXCHANGES)
        use_model(project, fake.url)
        first = project.suggest()
        sent = len(fake.requests)
        assert sent == 4 and first.llm["requests"] == 4 and _cached(project) == 4
        rows = _rows(project)
        second = project.suggest()
        assert len(fake.requests) == sent and second.llm["requests"] == 0
        assert second.llm["answered"] == 4 and _rows(project) == rows
    origins = {(code, origin) for _, code, origin, status, _ in rows if status == "suggested"}
    assert ("impact.student", "llm") in origins


def test_without_a_configured_model_nothing_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERVIEWS_LLM_URL", raising=False)
    with Project(tmp_path / "p.db") as project:
        add_interview(project, "grens.txt", EXCHANGES)
        report = project.suggest()
    assert report.llm == {}
    assert all(origin != "llm" for _, _, origin, _, _ in _rows(project))


def test_the_queue_says_in_dutch_what_the_model_quoted(tmp_path: Path) -> None:
    def answer(body: dict) -> str:
        segment = segment_of(body)
        return codes_reply(["impact.student"] if "Sevilla" in segment else [], segment)

    with fake_llm(answer) as fake, Project(tmp_path / "p.db") as project:
        add_interview(project, "grens.txt", EXCHANGES)
        use_model(project, fake.url)
        project.suggest()
        queue = project.suggestion_queue()
    row = queue[(queue["code"] == "impact.student") & (queue["origin"] == "taalmodel")].iloc[0]
    assert "Sevilla" in row["text"]
    assert "taalmodel fake-model: “Een student vertelde dat”" in row["rationale"]
