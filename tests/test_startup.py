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

from tests.subprocess_support import run_python

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
    assert "sqlalchemy" in packages
    assert not packages & TOPIC_STACK, sorted(packages & TOPIC_STACK)
    # The listing is printed from the rows (cli._print_rows): pandas is not needed for it.
    assert not {"pandas", "numpy", "pyarrow"} & packages, sorted(packages)


def test_tokenising_commands_load_spacy_without_torch(sample_db: Path, tmp_path: Path) -> None:
    """thinc's optional ``import torch`` is declined (analysis.thinc_torch): spaCy tokenises,
    and torch stays loadable for those that use it (BERTopic, sentence-transformers)."""
    project = tmp_path / "project.db"
    shutil.copy(sample_db, project)
    # -X importtime also lists failed attempts (thinc's "import torch"), so ask sys.modules.
    phases = (
        "import sys\n"
        "from analysis.cli import main\n"
        f"code = main(['phases', '--project', {str(project)!r}])\n"
        "print('loaded:', 'spacy' in sys.modules, 'torch' in sys.modules, code)\n"
    )
    printed = run_python(phases, timeout=300)
    assert "ROC Amstelduin" in printed
    assert printed.splitlines()[-1] == "loaded: True False 0"
    script = (
        "import sys\n"
        "from analysis.nlp import get_nlp\n"
        "doc = get_nlp()('De studenten gingen naar Spanje. Daar leerden ze veel.')\n"
        "import thinc.compat\n"
        "assert 'torch' not in sys.modules and not thinc.compat.has_torch\n"
        "import torch\n"
        "print(len(list(doc.sents)), [t.lemma_ for t in doc][:3], torch.tensor([1]).sum().item())\n"
    )
    printed = run_python(script, timeout=300)
    assert printed.split() == ["2", "['de',", "'studenten',", "'gaan']", "1"]


def test_the_report_loads_no_spacy_scikit_learn_or_matplotlib(
    findings_db: Path, tmp_path: Path
) -> None:
    """After ``code`` (which caches the phase indicator hits), the draft tokenises nothing
    (segment lemmas are stored), clusters with scipy and draws its chart with Pillow: spaCy,
    scikit-learn and matplotlib were 3-5 s of its start-up."""
    from analysis import Project

    project = tmp_path / "project.db"
    shutil.copy(findings_db, project)
    with Project(project) as coded:
        coded.suggest()
    draft = tmp_path / "concept.docx"
    packages, done = imported_packages(
        ["report", "-o", str(draft), "--project", str(project)], tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert draft.stat().st_size > 10_000
    assert {"docx", "PIL", "scipy"} <= packages  # the draft, its chart, its clusters
    assert not packages & {"spacy", "sklearn", "matplotlib", "torch"}, sorted(packages)


def test_topic_documents_are_built_without_spacy(sample_db: Path, tmp_path: Path) -> None:
    """A topic run reads the stored lemmas; the names it keeps out of the labels are looked up
    word by word (analysis.words_nl), so it builds no spaCy pipeline."""
    project = tmp_path / "project.db"
    shutil.copy(sample_db, project)
    script = (
        "import sys\n"
        "from analysis import Project\n"
        "from analysis.topics import model, runs\n"
        "from analysis.topics.vocabulary import build_documents\n"
        f"with Project({str(project)!r}) as project, project.store.session() as session:\n"
        "    documents = build_documents(session)\n"
        "words = {w for d in documents.lemmas for w in d.split()}\n"
        "print(len(documents.lemmas), 'amstelduin' in words, 'spacy' in sys.modules)\n"
    )
    count, named, spacy_loaded = run_python(script, timeout=300).split()
    assert int(count) > 100 and named == "False" and spacy_loaded == "False"
