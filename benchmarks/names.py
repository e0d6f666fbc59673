"""Names benchmark: recall and precision of the detection of identifying mentions.

Usage: python benchmarks/names.py [FOLDER]   (default tests/data/names)

Imports the folder's transcripts (with its metadata.csv) into a fresh project, which detects
people, e-mail addresses, phone numbers and addresses at import, and scores the stored mentions
against the folder's ``gold.json`` (``analysis.names.evaluation``): recall per group (people in
the metadata, other people, e-mail, phone, address), precision over the direct kinds, then
every miss and every wrong mention. Also prints the seconds the import and detection took.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402
from analysis.names.evaluation import score  # noqa: E402


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, Project(Path(tmp) / "names.db") as project:
        started = time.perf_counter()
        project.ingest([folder])
        seconds = time.perf_counter() - started
        with project.store.session() as session:
            result = score(session, folder / "gold.json")
    print(f"import with detection: {seconds:.1f} s (includes loading deduce once)")
    for line in result.lines():
        print(line)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "names")
