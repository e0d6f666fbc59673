"""Findings: per sub-theme the distinct points respondents make, who makes them, who differs.

The step between coded quotes and a publication: an evaluator reads what a sub-theme's passages
say and writes "Most colleges name X; a few also Y; one says it does not apply". This package
does the counting part of that, as data in / data out, so the report, the app and ``ask`` can
read the same findings:

* :mod:`.read` turns the project's segments and codings into :class:`FindingSegment` rows
  (what a person decided apart from what a suggestion above a precision-oriented cut says);
* :mod:`.extract` finds the points: *deductive* from the codebook's ``aspects`` and
  *inductive* from clusters of what is left within a sub-theme, with contrasts;
* :mod:`.prose` writes Dutch sentences from the points, each with the segments it rests on.
"""

from analysis.findings.extract import find_points
from analysis.findings.model import Evidence, FindingSegment, Point, SubThemeFindings
from analysis.findings.prose import Paragraph, Sentence, write_prose
from analysis.findings.read import read_segments

__all__ = [
    "Evidence",
    "FindingSegment",
    "Paragraph",
    "Point",
    "Sentence",
    "SubThemeFindings",
    "find_points",
    "read_segments",
    "write_prose",
]
