"""The publication draft: the evaluator's choices, the draft model, and the Word writer.

- ``items``: the evaluator's choices (quotes, example boxes, chapter openings) in the store;
- ``build``: the draft (``model``) from the project, with quotes chosen and names pseudonymised;
- ``docx_writer``: the draft as an editable Word document, optionally in a house-style template.
"""

from analysis.report.build import build_draft
from analysis.report.docx_writer import write_docx, xml_safe
from analysis.report.items import ReportError

__all__ = ["ReportError", "build_draft", "write_docx", "xml_safe"]
