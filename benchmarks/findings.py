"""Findings against the blind gold: point recall and college precision on the sample corpus.

``tests/data/findings_blind.jsonl`` was written from a full reading of the nine sample interviews
before the findings code existed: per sub-theme the main points and the colleges making them.
This script builds the findings three ways and scores each:

* ``zero-shot``: automatic suggestions only (no person coded anything);
* ``reviewed``: the coding gold of five sample interviews (``tests/data/gold_dev.jsonl``)
  imported as a person's decisions, suggestions for the other four;
* ``reviewed (5)``: the same, scored only on the five colleges the coding gold covers;
* ``point review``: after the reviewed codings, an evaluator's point review of the **dev**
  colleges only (:func:`review_dev`): for each gold point, the found point the scoring rule
  matches to it; each dev college that found point names is confirmed when the gold names it
  and rejected otherwise. The decisions apply to the pairs decided (the dev rows); the test
  rows show whether anything carries over to colleges nobody reviewed.

Each mode is scored on all nine colleges and on two fixed parts of them (:func:`split`): ``dev``,
the only part on which errors may be read and constants chosen, and ``test``, the part whose
figure is reported as the evidence. The findings are always built on the whole corpus; a part
only restricts which colleges are scored. The split was fixed by a rule on the sorted college
names before any error analysis (not by looking at scores).

A found point matches a gold point of the same sub-code when a gold key word and a word of the
point's label or indicator terms share their first five letters (words of four letters or more);
of several matches the one whose colleges overlap most is taken (a point's contrast colleges
count as a point of their own, "not …"). Point recall: share of gold points matched. College
precision: of the colleges the matched found points name, the share the gold names too
(micro-averaged); college recall the other way round. On a part, a gold point that none of the
part's colleges make counts for no recall, but the part's colleges that a matching found point
names for it count as named wrongly.

    python benchmarks/findings.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402

BLIND = ROOT / "tests" / "data" / "findings_blind.jsonl"
CODING_GOLD = ROOT / "tests" / "data" / "gold_dev.jsonl"
SAMPLE = ROOT / "transcripts"
CODER = "Gouden codeur"


def split(colleges: set[str]) -> dict[str, set[str]]:
    """The colleges of each part: sorted by name, odd positions (1, 3, 5, …) are ``dev``, even
    positions ``test`` (on the sample: four dev colleges, five test colleges)."""
    ordered = sorted(colleges, key=str.casefold)
    return {"dev": set(ordered[1::2]), "test": set(ordered[0::2])}


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"\w+", text.lower()) if len(w) >= 4}


def candidates(findings: dict) -> dict[str, list[tuple[set[str], set[str]]]]:
    """Per code: (stems, colleges) of every found point and of every point's contrast."""
    found: dict[str, list[tuple[set[str], set[str]]]] = {}
    for key, sub in findings.items():
        for point in sub.points:
            stems = _stems(point.label + " " + " ".join(point.terms))
            if point.colleges:
                found.setdefault(key, []).append((stems, set(point.colleges)))
            if point.contrast:
                found.setdefault(key, []).append((stems, set(point.contrast)))
    return found


def matches(findings: dict, point: dict) -> list:
    """The found points (not contrasts) of the gold point's code whose words meet its keywords."""
    stems = _stems(" ".join(point["keywords"]))
    sub = findings.get(point["code"])
    return [
        p for p in (sub.points if sub else [])
        if p.colleges and stems & _stems(p.label + " " + " ".join(p.terms))
    ]


def review_dev(project: Project, findings: dict, gold: list[dict], dev: set[str]) -> int:
    """Decide, as an evaluator would, the dev colleges of every found point matched to a gold
    point (the best match by the scoring rule); the number of decisions made."""
    from analysis.findings.review import MAKES, NOT, point_key

    made = 0
    for point in gold:
        want = set(point["colleges"])
        options = matches(findings, point)
        if not options:
            continue
        best = max(options, key=lambda p: (len(set(p.colleges) & want)
                                           / len(set(p.colleges) | want), -len(p.colleges)))
        for college in set(best.colleges) & dev:
            verdict = MAKES if college in want else NOT
            project.decide_point(point["code"], point_key(best), college, verdict, CODER)
            made += 1
    return made


def score(findings: dict, gold: list[dict], colleges: set[str] | None = None) -> dict[str, float]:
    found = candidates(findings)
    matched = hits = named = wanted = total = 0
    for point in gold:
        want = set(point["colleges"]) if colleges is None else set(point["colleges"]) & colleges
        stems = _stems(" ".join(point["keywords"]))
        options = [
            (stem_set, names if colleges is None else names & colleges)
            for stem_set, names in found.get(point["code"], []) if stems & stem_set
        ]
        options = [o for o in options if o[1]]
        if not want:
            # A gold point none of the part's colleges make: it counts for no recall, but a
            # matched found point naming the part's colleges for it names them wrongly.
            if options:
                named += len(min(options, key=lambda o: len(o[1]))[1])
            continue
        total += 1
        if not options:
            wanted += len(want)
            continue
        best = max(options, key=lambda o: (len(o[1] & want) / len(o[1] | want), -len(o[1])))
        matched += 1
        hits += len(best[1] & want)
        named += len(best[1])
        wanted += len(want)
    return {
        "points": total,
        "point_recall": matched / total if total else 0.0,
        "college_precision": hits / named if named else 0.0,
        "college_recall": hits / wanted if wanted else 0.0,
    }


def main() -> None:
    gold = [json.loads(line) for line in BLIND.read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as folder, Project(Path(folder) / "sample.db") as project:
        project.ingest([SAMPLE])
        project.suggest()
        zero = project.findings()
        project.import_codings(CODING_GOLD, CODER)
        files = {json.loads(line)["file"] for line in CODING_GOLD.read_text().splitlines()}
        table = project.transcripts()
        covered = set(table[table.source.isin(files)].institution)
        reviewed = project.findings()
        parts = split({name for point in gold for name in point["colleges"]})
        decisions = review_dev(project, reviewed, gold, parts["dev"])
        judged = project.findings()
    rows = []
    for mode, findings in (("zero-shot", zero), ("reviewed", reviewed), ("point review", judged)):
        rows.append((mode, "all", score(findings, gold)))
        rows.extend((mode, part, score(findings, gold, names)) for part, names in parts.items())
    if covered:
        rows.append((f"reviewed ({len(covered)})", "all", score(reviewed, gold, covered)))
    for part, names in parts.items():
        print(f"{part}: {', '.join(sorted(names, key=str.casefold))}")
    print(f"point review: {decisions} decisions on the dev colleges' pairs")
    print(f"{'mode':<14} {'part':<5} {'points':>6} {'point recall':>13} "
          f"{'college precision':>18} {'college recall':>15}")
    for name, part, result in rows:
        print(f"{name:<14} {part:<5} {result['points']:>6} {result['point_recall']:>13.2f} "
              f"{result['college_precision']:>18.2f} {result['college_recall']:>15.2f}")


if __name__ == "__main__":
    main()
