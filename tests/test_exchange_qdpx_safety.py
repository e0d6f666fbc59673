"""Issue 21.3/21.6: a .qdpx that imports none of its codings (duplicate code GUIDs) exits
non-zero with the reason and changes nothing; an unforeseen error is one line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import Project
from analysis.cli import main
from analysis.exchange.refi import ExchangeError
from tests.test_exchange_qdpx import MINIMAL, MINIMAL_TEXT, _minimal_qdpx

PARENT = 'guid="22222222-2222-4222-8222-222222222222" name="Ouders"'
CHILD = 'guid="22222222-2222-4222-8222-222222222223" name="Zorgen"'


def _duplicate_guids(path: Path) -> Path:
    quote = "Ouders maken zich vaak zorgen, vooral bij een eerste reis."
    start = MINIMAL_TEXT.index(quote)
    qde = (
        MINIMAL.replace("{start}", str(start)).replace("{end}", str(start + len(quote)))
        .replace('<CodeRef targetGUID="22222222-2222-4222-8222-222222222222"/>',
                 '<CodeRef targetGUID="22222222-2222-4222-8222-222222222223"/>')
        .replace(CHILD, 'guid="22222222-2222-4222-8222-222222222222" name="Zorgen"')
        .replace('startPosition="5"\n          endPosition="99999"',
                 f'startPosition="{start}"\n          endPosition="{start + len(quote)}"')
    )
    assert PARENT in qde and CHILD not in qde
    return _minimal_qdpx(path, qde)


def test_qdpx_whose_codings_all_fail_exits_non_zero_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _duplicate_guids(tmp_path / "dubbel.qdpx")
    project = tmp_path / "project.db"
    assert main(["import", "project", str(archive), "--project", str(project)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("interviews: dubbel.qdpx: none of its 2 codings could be imported")
    assert "occurs twice in the file" in error and "nothing was imported" in error
    assert "\n" not in error
    with Project(project) as opened:
        assert opened.transcripts().empty


def test_unexpected_error_in_a_qdpx_import_is_one_line(
    empty_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.exchange import qdpx

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("refi_guid")

    monkeypatch.setattr(qdpx, "build_segments", broken)
    with pytest.raises(ExchangeError) as caught:
        empty_project.import_project(_minimal_qdpx(tmp_path / "maxqda.qdpx"))
    assert str(caught.value) == (
        "maxqda.qdpx: not imported, unexpected error (KeyError: 'refi_guid')"
    )
    assert empty_project.transcripts().empty


def test_a_named_pipe_called_qdpx_is_refused_without_waiting(
    empty_project: Project, tmp_path: Path
) -> None:
    import os

    pipe = tmp_path / "pijp.qdpx"
    os.mkfifo(pipe)
    with pytest.raises(ExchangeError, match=r"^pijp.qdpx: is not a regular file; not read$"):
        empty_project.import_project(pipe)


def test_a_qdpx_text_over_spacys_limit_is_imported(empty_project: Project, tmp_path: Path) -> None:
    """A text over 1,000,000 characters failed with spaCy's E088 and aborted the import."""
    import zipfile

    sentence = "We sturen elk jaar meer studenten naar het buitenland, en dat blijft groeien. "
    text = MINIMAL_TEXT + "R: " + sentence * (1_100_000 // len(sentence)) + "\r\n"
    path = tmp_path / "lang.qdpx"
    _minimal_qdpx(path)
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/55555555-5555-4555-8555-555555555555.txt", text.encode())
    report = empty_project.import_project(path)
    assert report.transcripts == ["zeeduin.txt"] and report.codings >= 1
    frame = empty_project.segments()
    assert len(frame) > 1000
