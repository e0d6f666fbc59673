"""Speaker turns from subtitle cues (.vtt, .srt): one job shared by both subtitle readers.

A cue's speaker is given by a voice tag (Teams: ``<v Naam>``), or by a ``Naam:`` prefix (Zoom,
hand-made .srt); a cue without either continues the previous speaker. Consecutive cues of one
speaker are merged into one turn, their lines joined by spaces.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .base import ParsedTranscript
from .keys import fold
from .layout import Block, lay_out
from .speakers import UNKNOWN_SPEAKER, SpeakerVocabulary, match_label, without_bidi
from .txt import NO_LABELS_WARNING


@dataclass
class Cue:
    text: str  # tags already removed
    start: float
    end: float
    voice: str | None = None  # from a voice tag, when the format has one


def cues_to_transcript(cues: list[Cue], fmt: str, known: Iterable[str]) -> ParsedTranscript:
    """Merge cues into turns and lay them out as text; see the module docstring.

    ``known`` are speaker names from metadata, trusted as ``Naam:`` prefixes.
    """
    texts = [" ".join(cue.text.split()) for cue in cues]
    prefixes = [
        None if cue.voice else match_label(text) for cue, text in zip(cues, texts, strict=True)
    ]
    vocabulary = SpeakerVocabulary([m for m in prefixes if m], known, trust_full_names=True)
    blocks: list[Block] = []
    speaker: str | None = None
    spelling: dict[str, str] = {}  # one speaker, however the case of the name varies
    for cue, text, prefix in zip(cues, texts, prefixes, strict=True):
        if cue.voice:
            voice = " ".join(without_bidi(cue.voice).split())
            speaker = spelling.setdefault(fold(voice), voice)
        elif prefix is not None and not prefix.bare and vocabulary.trusts(prefix):
            speaker = spelling.setdefault(fold(prefix.label), prefix.label)
            text = text[prefix.speech_offset :].strip()
        if not text:
            continue
        name = speaker or UNKNOWN_SPEAKER
        if blocks and blocks[-1].speaker == name:
            blocks[-1].text = f"{blocks[-1].text} {text}"
            blocks[-1].media_end = cue.end
        else:
            blocks.append(Block(text, name, cue.start, cue.end))
    labelled = speaker is not None
    if not labelled:
        for block in blocks:
            block.show_label = False
    text, turns = lay_out(blocks)
    return ParsedTranscript(text, turns, fmt, warnings=[] if labelled else [NO_LABELS_WARNING])
