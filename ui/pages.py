"""The app's pages and their place in the navigation, as data.

One table, read by ``app.py`` (which turns it into ``st.navigation``), by the page tests and by
the app benchmark, so a new page is added in one place and is tested and timed from then on.
"""

from __future__ import annotations

from typing import NamedTuple


class PageSpec(NamedTuple):
    path: str  # the page's script, relative to the app's folder
    title: str
    icon: str  # a Material Symbols name
    url_path: str
    default: bool = False


HOME = "ui/project_page.py"

NAVIGATION: dict[str, list[PageSpec]] = {
    "Materiaal": [
        PageSpec(HOME, "Project en import", "folder_open", "project", default=True),
        PageSpec("ui/reader.py", "Transcript lezen", "article", "lezen"),
        PageSpec("ui/search.py", "Zoeken in gesprekken", "search", "zoeken"),
    ],
    "Analyse": [
        PageSpec("ui/coding.py", "Coderen", "label", "coderen"),
        PageSpec("ui/quotes.py", "Citaten per thema", "format_quote", "citaten"),
        PageSpec("ui/topics.py", "Thema's uit de gesprekken", "bubble_chart", "themas"),
        PageSpec("ui/phases.py", "Fasen", "stairs", "fasen"),
        PageSpec("ui/ask.py", "Vraag het de interviews", "chat", "vraag"),
    ],
    "Publicatie": [
        PageSpec("ui/report.py", "Rapport", "description", "rapport"),
    ],
}

PAGE_PATHS: list[str] = [spec.path for specs in NAVIGATION.values() for spec in specs]
