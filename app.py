"""The evaluator's workbench: ``streamlit run app.py [-- --project PATH_OR_URL]``.

This file only sets the page up, opens the project and lays out the navigation; every page lives
in ``ui/`` and every analysis in ``analysis`` (the app holds none). Which project opens: see
``ui.widgets.project_location`` (``--project``, else ``INTERVIEWS_PROJECT``, else
``./interviews.db``; another one can be opened on the project page).
"""

from __future__ import annotations

import streamlit as st

from ui import widgets

st.set_page_config(
    page_title="Interviewanalyse",
    page_icon=":material/forum:",
    layout="wide",
    initial_sidebar_state="expanded",
)


def page(path: str, title: str, icon: str, url_path: str, **kwargs: bool) -> st.Page:
    return st.Page(path, title=title, icon=f":material/{icon}:", url_path=url_path, **kwargs)


PAGES = {
    "Materiaal": [
        page("ui/project_page.py", "Project en import", "folder_open", "project", default=True),
        page("ui/reader.py", "Transcript lezen", "article", "lezen"),
    ],
    "Analyse": [
        page("ui/coding.py", "Coderen", "label", "coderen"),
        page("ui/quotes.py", "Citaten per thema", "format_quote", "citaten"),
        page("ui/topics.py", "Thema's uit de gesprekken", "bubble_chart", "themas"),
        page("ui/phases.py", "Fasen", "stairs", "fasen"),
        page("ui/ask.py", "Vraag het de interviews", "chat", "vraag"),
    ],
    "Publicatie": [
        page("ui/report.py", "Rapport", "description", "rapport"),
    ],
}

navigation = st.navigation(PAGES)
project = widgets.project()
with st.sidebar:
    st.caption(f"Project: {widgets.escape_markdown(widgets.project_title(project.url))}")
    st.session_state.setdefault("coder", widgets.default_coder())
    st.text_input(
        "Jouw naam (codeur)",
        key="coder",
        max_chars=100,
        help="Elke beslissing wordt onder deze naam vastgelegd; twee codeurs coderen los van "
        "elkaar.",
    )
widgets.show_flash()
navigation.run()
