"""Start-up guard: the CLI loads no analysis stack it does not use (a module list, not a timing).

``python -X importtime`` lists every module a process imports. ``interviews --help`` must parse
its arguments with the standard library alone, and listing the transcripts must not pay for
spaCy (which loads torch through thinc), BERTopic or sentence-transformers: those cost seconds
and hundreds of MB per command (docs/performance-pipeline.md has the figures).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a command that does not model topics or tokenise text must not load.
ANALYSIS_STACK = {"torch", "sentence_transformers", "bertopic", "sklearn", "scipy", "spacy"}
TOPIC_STACK = {"torch", "sentence_transformers", "bertopic", "umap", "hdbscan", "numba", "spacy"}


def imported_packages(args: list[str], cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    """Run ``interviews ARGS`` in a fresh interpreter; the top-level packages it imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "analysis.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    packages = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            packages.add(name.split(".")[0])
    return packages, done


@pytest.mark.parametrize("args", [["--help"], ["topics", "--help"], ["ingest", "--help"]])
def test_help_loads_only_the_standard_library(args: list[str], tmp_path: Path) -> None:
    packages, done = imported_packages(args, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage: interviews" in done.stdout
    assert "argparse" in packages  # the import list was read at all
    assert not packages & ANALYSIS_STACK, sorted(packages & ANALYSIS_STACK)
    assert not {"pandas", "sqlalchemy", "numpy"} & packages, sorted(packages)


def test_listing_transcripts_loads_no_topic_or_language_stack(
    sample_db: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project.db"
    shutil.copy(sample_db, project)
    packages, done = imported_packages(["transcripts", "--project", str(project)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ROC Amstelduin" in done.stdout
    assert "sqlalchemy" in packages and "pandas" in packages
    assert not packages & TOPIC_STACK, sorted(packages & TOPIC_STACK)
