"""The evaluator's workbench: ``streamlit run app.py [-- --project PATH_OR_URL]``.

This file only sets the page up, opens the project and lays out the navigation; every page lives
in ``ui/`` and every analysis in ``analysis`` (the app holds none). Which project opens: see
``ui.widgets.project_location`` (``--project``, else ``INTERVIEWS_PROJECT``, else
``./interviews.db``; another one can be opened on the project page).
"""

from __future__ import annotations

import streamlit as st

from ui import queue_cache, widgets
from ui.pages import NAVIGATION, PageSpec

st.set_page_config(
    page_title="Interviewanalyse",
    page_icon=":material/forum:",
    layout="wide",
    initial_sidebar_state="expanded",
)


def page(spec: PageSpec) -> st.Page:
    return st.Page(
        spec.path,
        title=spec.title,
        icon=f":material/{spec.icon}:",
        url_path=spec.url_path,
        default=spec.default,
    )


navigation = st.navigation(
    {section: [page(spec) for spec in specs] for section, specs in NAVIGATION.items()}
)
widgets.follow_jump()
project = widgets.project()
with st.sidebar:
    st.caption(f"Project: {widgets.escape_markdown(widgets.project_title(project.url))}")
    st.session_state.setdefault("coder_name", widgets.default_coder())
    st.text_input(
        "Jouw naam (codeur)",
        key="coder_name",
        max_chars=100,
        placeholder="Nog geen naam",
        help="Elke beslissing wordt onder deze naam vastgelegd; twee codeurs coderen los van "
        "elkaar.",
    )
widgets.show_flash()
widgets.coder_prompt(project)
try:
    navigation.run()
finally:
    # After the page is drawn (so the first page after start does not share the CPU with it):
    # cards, then segments, then the topic model, in one background thread (ui/queue_cache.py).
    # A page that needs a table first builds it itself or waits for this warm-up.
    queue_cache.warm(widgets.project_location(), project.suggestions_revision())
