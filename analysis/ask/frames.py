"""The frame of a Dutch evaluator question: the words that ask, not the words asked about.

"Hoe *proberen* instellingen de opbrengst te meten, en *waar lopen ze daarbij tegenaan*?" asks
about the yield and measuring it; "proberen", "lopen" and "tegenaan" only shape the question,
and no respondent who answers it uses them. Treated as content, such words made the strict
match fail and the answer read "Geen bewijs gevonden" although every college talked about
measuring. So they are masked before the question's concepts are read, like the names that
become filters.

This module is language data: :data:`FRAMES` lists the phrases as patterns over lower-case
text, one per line with an example. A phrase is masked only as a whole ("lopen" alone is
content: "stage lopen"; only "lopen … tegenaan" is a frame). Single frame words that are never
content in these questions (saying, thinking, "rol", "manier") are in
:data:`analysis.ask.query.question_words`. When masking would leave a question without any
content word ("Wat zijn de ambities?"), :func:`frame_spans` gives nothing and the frame words
stand as content, since something must be searched for.
"""

from __future__ import annotations

import re

# (pattern, example): the words matched by the pattern's groups are masked; a pattern without
# groups masks its whole match. Patterns match lower-case text with single spaces.
_FRAME_PATTERNS: tuple[tuple[str, str], ...] = (
    # "In hoeverre …", "In welke mate …", "de mate waarin …"
    (r"\bin hoeverre\b", "In hoeverre is het verankerd?"),
    (r"\bin welke mate\b", "In welke mate lukt dat?"),
    (r"\bde mate waarin\b", "Wat is de mate waarin …?"),
    # "Op welke manier/wijze …", "Op wat voor manier …"
    (r"\bop (?:welke|wat voor(?: een)?) (?:manier|manieren|wijze)\b", "Op welke manier …?"),
    # "Welke rol speelt …", "Wat is de rol van …"
    (r"\bwelke rol(?:len)? (?:speelt|spelen|speelde|speelden|heeft|hebben)\b",
     "Welke rol speelt de bestuurder?"),
    (r"\bwat (?:is|zijn) de rol(?:len)? van\b", "Wat is de rol van ouders?"),
    # "Hoe proberen …", "proberen … te", "pogingen" — trying is how, not what
    (r"\b(probeer|probeert|proberen|probeerde|probeerden|geprobeerd|trachten|tracht)\b",
     "Hoe proberen instellingen dat te meten?"),
    # "waar lopen ze (daarbij) tegenaan", "lopen tegen … aan", "tegenaan lopen"
    (r"\b(lopen|loopt|liep|liepen|gelopen|aanlopen|aanloopt)\b(?: \S+){0,4} (?:er)?(tegenaan)\b",
     "waar lopen ze daarbij tegenaan?"),
    (r"\b(tegenaan) (lopen|loopt|liepen|gelopen)\b", "Waar ze tegenaan lopen"),
    (r"\b(lopen|loopt|liep|liepen) (?:\S+ ){0,3}tegen\b(?: \S+){0,4} (aan)\b",
     "lopen ze tegen problemen aan?"),
    # "Wat zijn de ambities …", "Welke ambities hebben …"
    (r"\bwat (?:zijn|is) (?:de|hun|jullie|uw|je) (ambities|ambitie)\b",
     "wat zijn de ambities daarvoor?"),
    (r"\bwelke (ambities|ambitie) (?:hebben|heeft|zijn|is)\b", "Welke ambities hebben ze?"),
    # "Hoe kijken … (er)tegen(aan)", "Hoe kijkt men naar" — a view on, not looking
    (r"\b(kijken|kijkt|keken)\b(?: \S+){0,4} (?:er)?(tegenaan)\b",
     "Hoe kijken collega's ertegenaan?"),
    (r"\b(kijken|kijkt|keken)\b(?: \S+){0,4} tegen\b(?: \S+){1,6} (aan)\b",
     "Hoe kijken collega's tegen internationalisering aan?"),
    (r"\bhoe (kijken|kijkt|keken)\b", "Hoe kijken bestuurders naar diversiteit?"),
    # "Hoe zorgen scholen (ervoor) dat …": the verb is no care ("zorg" is a sector)
    (r"\b(zorgen|zorgt|zorgden) (?:\w+ ){0,3}(?:ervoor |er voor )?dat\b",
     "Hoe zorgen scholen ervoor dat ook niveau 2 meedoet?"),
    # "Hoe zit het met …", "Hoe staat het met/ervoor …"
    (r"\bhoe (zit|zat|staat|stond) het\b", "Hoe zit het met de gesprekscyclus?"),
    # "Wat betekent … voor …"
    (r"\bwat (betekent|betekenen|betekende)\b", "Wat betekent het voor studenten?"),
    # "Is er sprake van …"
    (r"\b(?:is|zijn|was) er (sprake) van\b", "Is er sprake van een eigen fonds?"),
    # "Wat is er bekend over …"
    (r"\bwat is er (bekend) over\b", "Wat is er bekend over de kosten?"),
    # "Hoe gaan … om met …": "omgaan" only frames the subject
    (r"\bhoe (gaan|gaat|gingen) (?:\w+ ){0,3}(om) met\b", "Hoe gaan scholen om met …?"),
)

FRAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), example) for pattern, example in _FRAME_PATTERNS
)


def frame_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that belong to a question frame (see :data:`FRAMES`).

    Offsets refer to ``text`` itself: matching runs on a lower-cased copy of the same length.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: no safe offsets
        return []
    spans: list[tuple[int, int]] = []
    for pattern, _ in FRAMES:
        for match in pattern.finditer(lowered):
            if pattern.groups:
                spans.extend(match.span(g) for g in range(1, pattern.groups + 1))
            else:
                spans.append(match.span())
    return sorted(spans)
