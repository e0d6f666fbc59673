"""Synthetic corpora for benchmarks: N interviews recombined from the sample corpus' turns.

Each synthetic interview alternates an interviewer question and a respondent answer drawn (seeded)
from the sample transcripts, until it reaches about the length of a real interview. The text is
real spoken Dutch from the sample corpus, so segmentation, coding and topic models meet the
material they will meet in use, at any scale.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

from analysis.ingest import load_folder_metadata, read_transcript

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "transcripts"
WORDS_PER_INTERVIEW = 2000


def sample_pairs(sample_dir: Path = SAMPLE_DIR) -> list[tuple[str, str]]:
    """(question, answer) pairs from every sample transcript."""
    metadata = load_folder_metadata(sample_dir)
    pairs: list[tuple[str, str]] = []
    for path in sorted(sample_dir.iterdir()):
        if path.name not in metadata:
            continue
        parsed = read_transcript(path, folder_metadata=metadata)
        question = ""
        for turn in parsed.turns:
            speech = " ".join(parsed.text[turn.start : turn.end].split())
            if turn.role == "interviewer":
                question = speech
            elif question:
                pairs.append((question, speech))
    return pairs


def build_corpus(n: int, out_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic interviews (UTF-8 .txt) plus a metadata.csv into ``out_dir``."""
    rng = random.Random(seed)
    pairs = sample_pairs()
    out_dir.mkdir(parents=True, exist_ok=True)
    regions = ["Noord-Holland", "Gelderland", "Zeeland", "Limburg", "Friesland", "Overijssel"]
    sectors = ["zorg en welzijn", "techniek", "economie", "groen", "breed (alle sectoren)"]
    files: list[Path] = []
    rows = []
    for number in range(1, n + 1):
        lines, words = [], 0
        while words < WORDS_PER_INTERVIEW:
            question, answer = rng.choice(pairs)
            lines.append(f"Interviewer: {question}\n\nRespondent: {answer}\n")
            words += len(question.split()) + len(answer.split())
        path = out_dir / f"synthetisch_{number:04d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        files.append(path)
        rows.append(
            {
                "file": path.name,
                "institution": f"Synthetisch College {number:04d}",
                "date": f"2026-{(number % 12) + 1:02d}-15",
                "respondents": "Respondent",
                "roles": "bestuurder",
                "interviewer": "Interviewer",
                "sector": sectors[number % len(sectors)],
                "region": regions[number % len(regions)],
            }
        )
    with (out_dir / "metadata.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return files


def run_fresh(script: str, *args: str) -> dict:
    """Run ``script`` with ``args`` in a fresh Python process and read the JSON of its last line.

    Each measurement gets its own process so that peak memory and warm-up belong to it alone.
    """
    output = subprocess.run(
        [sys.executable, script, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])
