"""What a language-model request costs on this side of the wire (client, JSON, loopback HTTP).

Usage: python benchmarks/llm_requests.py [N]        (default N: 500)
       python benchmarks/llm_requests.py --suggest  (``suggest`` on the sample corpus)

Sends N coding-sized requests (a 20,000-character system part, about the coding prompt's
codebook and schema) through ``LLMClient`` to the fake server of tests/llm_support.py on
127.0.0.1, which answers at once, with the default concurrency and no cache. The figure is the
workbench's own overhead per request; a real model adds its prompt processing and generation,
which are seconds per segment on a laptop and dwarf it.

With ``--suggest``: the sample corpus (transcripts/) is imported into a temporary project and
``suggest`` is timed with the fake *oracle* model of tests/test_llm_coding.py (every segment
asked), again (every reply from the cache), and without the model.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.llm.client import Job, LLMClient  # noqa: E402
from tests.llm_support import fake_llm  # noqa: E402

SCHEMA = {"type": "object", "properties": {"codes": {"type": "array"}}, "required": ["codes"]}
SYSTEM = "x" * 20_000


def suggest_times() -> None:
    from analysis import Project
    from tests.llm_support import codes_reply, segment_of
    from tests.test_llm_coding import gold_by_text, use_model

    folder = Path(tempfile.mkdtemp())
    try:
        with Project(folder / "p.db") as project:
            project.ingest([ROOT / "transcripts"])
            gold = gold_by_text(project)
            keys = {code.key for code in project.codebook().codes}

            def oracle(body: dict) -> str:
                segment = segment_of(body)
                return codes_reply(sorted(gold.get(segment, set()) & keys), segment)

            with fake_llm(oracle) as fake:
                use_model(project, fake.url)
                for name, use_llm in (("with the model", None), ("again (cached)", None),
                                      ("offline", False)):
                    start = time.perf_counter()
                    report = project.suggest(use_llm=use_llm)
                    requests = report.llm.get("requests", 0) if report.llm else 0
                    print(f"suggest {name}: {time.perf_counter() - start:.1f} s, "
                          f"{requests} requests")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(count: int) -> None:
    jobs = [
        Job([{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"Fragment {i}"}],
            SCHEMA, lambda value: value, "codes")
        for i in range(count)
    ]
    with fake_llm(lambda body: '{"codes": []}') as fake:
        client = LLMClient(fake.config())
        start = time.perf_counter()
        result = client.run(jobs)
        elapsed = time.perf_counter() - start
    print(f"{result.requests} requests in {elapsed:.2f} s: "
          f"{1000 * elapsed / max(1, result.requests):.1f} ms per request")


if __name__ == "__main__":
    if sys.argv[1:] == ["--suggest"]:
        suggest_times()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
