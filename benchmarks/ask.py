"""Ask benchmark: answer quality on the judged question set, and latency per question.

Usage:
    python benchmarks/ask.py quality        recall@5, recall@10 and MRR on the sample corpus
                                            (tests/data/questions.jsonl), before and after the
                                            automatic code suggestions, on the tuning half,
                                            the held-out half and all questions, and on the
                                            blind set (tests/data/questions_blind.jsonl)
                                            and the new set (tests/data/questions_new.jsonl)
    python benchmarks/ask.py latency [N ...]  seconds per question on N synthetic interviews
                                            (default: 23 1000), each N in a fresh process
    python benchmarks/ask.py quality --llm [--allow-remote]
                                            the same tables, then the configured language
                                            model's answers (INTERVIEWS_LLM_URL, docs/llm.md):
                                            per set, answers with a kept sentence, sentences
                                            kept and dropped by the citation check, kept
                                            sentences citing a judged answer, and whether
                                            unanswerable questions stayed "geen bewijs"

Latency is measured the way an evaluator meets it: the first question after an import pays for
building the index (reported separately as "index build"); every further question uses the
cached index. Each question of the set is asked five times; the table gives the median and the
95th percentile over all of them, plus a three-step follow-up conversation.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import Project
from analysis.ask.evaluation import Evaluation, evaluate, load_questions, split_questions
from benchmarks.synthetic import SAMPLE_DIR, build_corpus, run_fresh

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "questions.jsonl"
# Written and committed before any ranking ran on it, and never used to choose a constant: the
# only figures that say how retrieval does on questions nobody tuned for.
BLIND = QUESTIONS.with_name("questions_blind.jsonl")
# Written from a full reading of the nine interviews with the question frames evaluators use
# ("Hoe proberen …", "In hoeverre …"), committed before any ranking ran on it (issue 19).
NEW = QUESTIONS.with_name("questions_new.jsonl")
REPEATS = 5
FOLLOW_UPS = ["en bij niveau 2-studenten?", "alleen in de Euregio", "en in Limburg?"]


def quality() -> None:
    questions = load_questions(QUESTIONS)
    blind = load_questions(BLIND)
    new = load_questions(NEW)
    with tempfile.TemporaryDirectory() as tmp, Project(Path(tmp) / "sample.db") as project:
        assert not any(r.failed for r in project.ingest([SAMPLE_DIR]))
        rows = [
            (
                "after import",
                _evaluate(project, questions),
                _evaluate(project, blind),
                _evaluate(project, new),
            )
        ]
        project.suggest()
        rows.append(
            (
                "after automatic code suggestions",
                _evaluate(project, questions),
                _evaluate(project, blind),
                _evaluate(project, new),
            )
        )
    for name, items in (
        ("tuning/held-out set", questions), ("blind set", blind), ("new set", new)
    ):
        answerable = sum(1 for q in items if q["quotes"])
        print(f"{name}: {answerable} answerable questions, {len(items) - answerable} unanswerable")
    tuning, held_out = (
        {str(q["id"]) for q in half} for half in split_questions(questions)
    )
    print(
        f"{'project state':<34} {'questions':<10} {'recall@5':>9} {'recall@10':>10} {'MRR':>6} "
        f"{'no-evidence':>12} {'false no-ev':>12}"
    )
    for label, (at5, at10), (blind5, blind10), (new5, new10) in rows:
        parts = [
            (name, _part(at5, ids), _part(at10, ids))
            for name, ids in (("tuning", tuning), ("held-out", held_out), ("all", None))
        ]
        parts.extend([("blind", blind5, blind10), ("new", new5, new10)])
        for name, part5, part10 in parts:
            print(
                f"{label:<34} {name:<10} {part5.recall:>9.3f} {part10.recall:>10.3f} "
                f"{part5.mrr:>6.3f} {part5.no_evidence_accuracy:>12.2f} "
                f"{part5.false_no_evidence:>5} of {len(part5.answerable):<3}"
            )
    for index, label in enumerate(("after import", "after automatic code suggestions")):
        print(f"\nper question, {label} (answers found in the first 5 / answers, first rank):")
        results = [r for evaluation, _ in rows[index][1:] for r in evaluation.results]
        new_ids = {str(q["id"]) for q in new}
        for result in results:
            half = (
                "tuning" if result.id in tuning
                else "held-out" if result.id in held_out
                else "new" if result.id in new_ids
                else "blind"
            )
            print(
                f"  {result.id} ({half}): {result.found}/{result.quotes} "
                f"@{result.first_relevant}{' GEEN BEWIJS' if result.no_evidence else ''}  "
                f"{result.question}"
            )


def llm_quality(allow_remote: bool = False) -> None:
    """The configured model's answers on both question sets (after code suggestions)."""
    from analysis.ask.evaluation import _quote_rows, _segment_spans
    from analysis.ask.index import project_index

    sets = (("tuning/held-out set", load_questions(QUESTIONS)),
            ("blind set", load_questions(BLIND)))
    print(f"\n{'language model answers':<24} {'asked':>6} {'answered':>9} {'kept':>5} "
          f"{'dropped':>8} {'cite judged':>12} {'geen bewijs kept':>17}")
    with tempfile.TemporaryDirectory() as tmp, Project(Path(tmp) / "sample.db") as project:
        assert not any(r.failed for r in project.ingest([SAMPLE_DIR]))
        project.suggest(use_llm=False)
        for name, items in sets:
            with project.store.session() as session:
                index, _ = project_index(session, project.url)
                spans = _segment_spans(session, index)
                gold = [set().union(*(_quote_rows(session, spans, q) for q in item["quotes"]))
                        if item["quotes"] else set() for item in items]
            asked = answered = kept = dropped = judged = 0
            unanswerable = stayed = 0
            for item, relevant in zip(items, gold, strict=True):
                answer = project.ask(item["question"], use_llm=True, allow_remote=allow_remote)
                if not item["quotes"]:
                    unanswerable += 1
                    stayed += answer.no_evidence and answer.generated is None
                generated = answer.generated
                if generated is None:
                    continue
                asked += 1
                answered += bool(generated.sentences)
                kept += len(generated.sentences)
                dropped += len(generated.dropped)
                rows = {q.id: index.row_of.get(q.segment_id) for q in answer.quotes}
                judged += sum(any(rows.get(c) in relevant for c in s.citations)
                              for s in generated.sentences)
                for note in answer.notes:
                    if "taalmodel" in note:
                        print(f"  {item.get('id')}: {note}")
            share = f"{judged / kept:.2f}" if kept else "-"
            print(f"{name:<24} {asked:>6} {answered:>9} {kept:>5} {dropped:>8} {share:>12} "
                  f"{stayed:>8}/{unanswerable:<8}")


def _part(evaluation: Evaluation, ids: set[str] | None) -> Evaluation:
    """The evaluation restricted to the questions with ``ids`` (None: all of them)."""
    if ids is None:
        return evaluation
    return Evaluation(evaluation.k, [r for r in evaluation.results if r.id in ids])


def _evaluate(project: Project, questions: list[dict]) -> tuple[Evaluation, Evaluation]:
    with project.store.session() as session:
        return (
            evaluate(session, project.url, questions, k=5),
            evaluate(session, project.url, questions, k=10),
        )


def measure(n: int) -> dict[str, float]:
    questions = [q["question"] for q in load_questions(QUESTIONS)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        build_corpus(n, folder)
        with Project(Path(tmp) / "bench.db") as project:
            assert not any(r.failed for r in project.ingest([folder]))
            segments = len(project.segments())
            started = time.perf_counter()
            project.ask(questions[0], use_llm=False)  # builds the index
            build = time.perf_counter() - started
            timings = []
            for _ in range(REPEATS):
                for question in questions:
                    started = time.perf_counter()
                    project.ask(question, use_llm=False)
                    timings.append(time.perf_counter() - started)
            conversation = project.new_conversation()
            project.ask(questions[0], conversation=conversation, use_llm=False)
            follow = []
            for question in FOLLOW_UPS:
                started = time.perf_counter()
                project.ask(question, conversation=conversation, use_llm=False)
                follow.append(time.perf_counter() - started)
    timings.sort()
    return {
        "n": n,
        "segments": segments,
        "index_build_s": build,
        "median_s": statistics.median(timings),
        "p95_s": timings[int(0.95 * (len(timings) - 1))],
        "max_s": timings[-1],
        "follow_up_median_s": statistics.median(follow),
    }


def latency(sizes: list[int]) -> None:
    print(
        f"{'N':>5} {'segments':>9} {'index build s':>14} {'median s':>9} {'p95 s':>7} "
        f"{'max s':>7} {'follow-up s':>12}"
    )
    for n in sizes:
        r = run_fresh(__file__, "--one", str(n))
        print(
            f"{r['n']:>5} {r['segments']:>9} {r['index_build_s']:>14.2f} {r['median_s']:>9.3f} "
            f"{r['p95_s']:>7.3f} {r['max_s']:>7.3f} {r['follow_up_median_s']:>12.3f}"
        )


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
    elif argv[:1] == ["quality"]:
        quality()
        if "--llm" in argv:
            llm_quality(allow_remote="--allow-remote" in argv)
    elif argv[:1] == ["latency"]:
        latency([int(a) for a in argv[1:]] or [23, 1000])
    else:
        print(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
