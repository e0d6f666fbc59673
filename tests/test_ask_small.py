"""Issue 21.4: ``ask`` on a small project (no segment refers back to another) answers instead of
failing with "max() arg is an empty sequence" from an empty antecedent index."""

from __future__ import annotations

from pathlib import Path

from analysis import Project

ONE_INTERVIEW = """Interviewer: Wat vinden de ouders van een stage in het buitenland?

Sanne Visser: De ouders van onze studenten zijn vaak bezorgd over de veiligheid. Daarom houden we
een ouderavond met oud-deelnemers, en dat neemt veel zorgen weg.

Interviewer: En de docenten?

Sanne Visser: Docenten gaan steeds vaker mee op bezoek bij de stagebedrijven in Duitsland.
"""


def test_ask_on_a_project_of_one_short_interview(empty_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "visser.txt"
    path.write_text(ONE_INTERVIEW, encoding="utf-8")
    [result] = empty_project.ingest([path])
    assert result.status == "imported", result.line()
    answer = empty_project.ask("Wat zeggen ouders over de stage?", use_llm=False)
    texts = [quote.text for quote in answer.quotes]
    assert texts and "ouders" in texts[0].lower()


def test_ask_on_an_empty_project(empty_project: Project) -> None:
    answer = empty_project.ask("Wat zeggen ouders over de stage?", use_llm=False)
    assert list(answer.quotes) == []
