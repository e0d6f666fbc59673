"""Interview analysis for evaluators: the library behind the `interviews` CLI and the app.

`analysis.Project` is the one façade: the Streamlit app and the CLI are thin shells over it.
It is imported on first use (module ``__getattr__``), so that importing any part of the
package, e.g. ``analysis.cli`` to parse arguments, does not load the whole library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis import thinc_torch

# spaCy (through thinc) would import torch in every process that tokenises; see thinc_torch.
thinc_torch.install()

if TYPE_CHECKING:
    from analysis.project import Project

__all__ = ["Project"]


def __getattr__(name: str) -> object:
    if name == "Project":
        from analysis.project import Project

        return Project
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
