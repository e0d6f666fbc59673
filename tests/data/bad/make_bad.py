"""Write the generated part of the bad-input corpus into a folder (issue 21).

The small text files of ``tests/data/bad/`` are committed as they are; what is binary, large or
not a regular file is made here, because git cannot hold a named pipe or a device link and a
20 MB file does not belong in the repository. ``tests/test_bad_inputs.py`` copies the committed
files and calls :func:`build` on the copy; run ``python tests/data/bad/make_bad.py FOLDER`` to
get the whole corpus for a manual try (``interviews ingest FOLDER``).
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONVERSATION = (
    "Interviewer: Hoe gaat het met de uitwisseling?\n\n"
    "Lotte Vermeer: Goed, één keer per jaar, het is spannend maar ze komen enthousiast terug.\n\n"
    "Interviewer: En de docenten?\n\n"
    "Lotte Vermeer: Die gaan steeds vaker mee en nemen nieuwe ideeën mee naar hun lessen.\n"
)
TOO_BIG_BYTES = 21 * 1024 * 1024  # above the default 20 MB limit; written sparse


def build(folder: Path) -> list[Path]:
    """Write the generated files into ``folder``; returns them (special files included)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = CONVERSATION
    files: dict[str, bytes] = {
        "gemengde_codering.txt": (
            text.split("Interviewer: En")[0].encode()
            + ("Interviewer: En" + text.split("Interviewer: En")[1]).encode("cp1252")
        ),
        "cp1252.txt": text.encode("cp1252"),
        "utf16_nul.txt": text.replace("spannend", "span\x00nend").encode("utf-16"),
        "utf16be_bom.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf8_bom.txt": b"\xef\xbb\xbf" + text.encode(),
        "nul_zonder_bom.txt": text.encode() + b"\x00\x00\x00binair",
        "stuurtekens.txt": bytes(range(1, 9)) * 200,
        "plaatje.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "cesu_surrogaat.txt": text.encode() + b"\xed\xa0\x80\xed\xb0\x80 kapot\n",
        "alleen_cr.txt": text.replace("\n", "\r").encode(),
        "zip_geen_docx.docx": _zip({"hallo.txt": b"geen Word-document"}),
        "rommel.docx": bytes(range(256)) * 4,
        "leeg.docx": b"",
        "afgebroken.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",
        "lange_regel.txt": (
            "Interviewer: Vertel.\n\nLotte Vermeer: " + "x" * 300_000 + "\n"
        ).encode(),
    }
    made = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        made.append(path)
    big = folder / "te_groot.txt"
    with big.open("wb") as handle:
        handle.write(text.encode())
        handle.truncate(TOO_BIG_BYTES)
    made.append(big)
    specials = {
        "pijp.txt": lambda p: os.mkfifo(p),
        "nul_apparaat.txt": lambda p: p.symlink_to("/dev/zero"),
        "nergens_naartoe.txt": lambda p: p.symlink_to(folder / "bestaat_niet.txt"),
        "map_met_naam.txt": lambda p: p.mkdir(),
    }
    for name, make in specials.items():
        path = folder / name
        if path.is_symlink() or path.exists():
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        make(path)
        made.append(path)
    return made


def _zip(members: dict[str, bytes]) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def committed() -> list[Path]:
    """The committed files of the corpus (everything here but this script)."""
    return sorted(p for p in HERE.iterdir() if p.is_file() and p.suffix != ".py")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/data/bad/make_bad.py FOLDER")
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for source in committed():
        shutil.copy(source, target / source.name)
    print(f"{len(committed()) + len(build(target))} files in {target}")
