"""Interview analysis for evaluators: the library behind the `interviews` CLI and the app.

`analysis.Project` is the one façade: the Streamlit app and the CLI are thin shells over it.
"""

from analysis.project import Project

__all__ = ["Project"]
