"""The README and docs/ promise commands and files; check that each one exists.

A reader copies ``interviews …`` lines from the fenced ``bash`` blocks and follows links. A
renamed sub-command, a removed export kind or a moved page would otherwise only be noticed by
that reader. Commands are checked with ``--help`` in-process (``analysis.cli.main``), so no
project is opened and nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.cli import EXPORT_FORMATS, IMPORTERS, main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
_COMMAND = re.compile(r"(?<![\w.-])interviews\s+([a-z][a-z_-]*)(?:\s+([a-z][a-z_-]*))?")
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)
# Sub-commands whose first argument is a kind the docs name literally (`export quotes …`).
_KINDS = {"export": set(EXPORT_FORMATS), "import": set(IMPORTERS)}


def bash_commands(text: str) -> list[tuple[str, str | None]]:
    """(sub-command, first word after it) for every `interviews …` in the fenced bash blocks;
    shell comments are left out, so prose after a `#` is not read as a command."""
    found = []
    for block in _FENCE.findall(text):
        for line in block.splitlines():
            code = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]
            found.extend(_COMMAND.findall(code))
    return [(sub, word or None) for sub, word in found]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(h) for h in _HEADING.findall(text)}


def local_links(page: Path) -> list[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return [t for t in _LINK.findall(text) if not re.match(r"[a-z][a-z+.-]*:", t)]


def test_the_parsers_find_commands_links_and_anchors() -> None:
    text = (
        "Zie [de formaten](docs/formats.md#speakers-metadata-and-segments) en "
        "[Vragen](#vragen-ask-latency), niet [de site](https://example.org).\n"
        "```bash\ninterviews export quotes -o citaten.xlsx   # geen interviews code hier\n"
        "interviews phases; interviews judge \"ROC X\" 3\n"
        "$(BIN)/interviews ingest transcripts\n```\n"
        "`interviews ask` in proza telt niet mee.\n"
    )
    assert bash_commands(text) == [
        ("export", "quotes"), ("phases", None), ("judge", None), ("ingest", "transcripts")
    ]
    assert [t for t in _LINK.findall(text) if ":" not in t] == [
        "docs/formats.md#speakers-metadata-and-segments", "#vragen-ask-latency"
    ]
    assert slug("Vragen (ask): latency") == "vragen-ask-latency"
    assert slug("The app at 1,000 interviews") == "the-app-at-1000-interviews"


def test_the_readme_is_short_and_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 150
    linked = {Path(t.split("#")[0]).name for t in local_links(ROOT / "README.md")}
    missing = [p.name for p in PAGES if p.name not in linked and p != PAGES[0]]
    assert not missing, f"README.md does not link {missing}"


@pytest.mark.parametrize("page", PAGES[1:], ids=lambda p: p.name)
def test_every_docs_page_says_what_it_is_for(page: Path) -> None:
    lines = [line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0].startswith("# ") and lines[1].startswith("What this page is for"), page.name


def test_every_documented_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = {c for page in PAGES for c in bash_commands(page.read_text(encoding="utf-8"))}
    subcommands = sorted({sub for sub, _ in commands})
    assert {"ingest", "code", "ask", "report", "export"} <= set(subcommands)
    for sub in subcommands:
        with pytest.raises(SystemExit) as exit_:
            main([sub, "--help"])
        assert exit_.value.code == 0, f"`interviews {sub} --help` failed"
        assert f"usage: interviews {sub}" in capsys.readouterr().out
    unknown = sorted(
        f"interviews {sub} {word}"
        for sub, word in commands
        if sub in _KINDS and word is not None and word not in _KINDS[sub]
    )
    assert not unknown, f"documented but not a choice: {unknown}"


def test_every_relative_link_and_anchor_exists() -> None:
    broken = []
    for page in PAGES:
        for target in local_links(page):
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_every_repository_path_in_code_spans_exists() -> None:
    """`analysis/report/editing.py`, `tests/data/gold_dev.jsonl` …: a reader opens them (a
    pytest node id, `tests/x.py::test_y`, names its file)."""
    span = re.compile(
        r"`((?:analysis|ui|benchmarks|scripts|tests|codebook|transcripts|docs)/[^`\s]*)`"
    )
    missing = [
        f"{page.name}: {path}"
        for page in PAGES
        for path in span.findall(page.read_text(encoding="utf-8"))
        if not (ROOT / path.partition("::")[0]).exists()
    ]
    assert not missing, "\n".join(missing)
