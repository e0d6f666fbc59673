"""Figures of a topic run: plotly for the app, PNG (matplotlib) for the Word report.

Three views: topic sizes, an intertopic map (topics placed by the similarity of their mean
embeddings, bubble area by size) and a topic × college heat map. They take the tables of
``runs`` and ``crosstabs`` and draw nothing else: no quotes, only labels and keywords, and those
are HTML-escaped for plotly (whose text and hover fields interpret tags).
"""

from __future__ import annotations

import html
import io
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

TITLES = {
    "sizes": "Omvang per thema (aantal fragmenten)",
    "map": "Thema-kaart: thema's die op elkaar lijken staan dicht bij elkaar",
    "colleges": "Thema's per instelling (aandeel van de fragmenten van de instelling)",
}
MAP_LABELS = 12
_BAR = "#2E6F95"
_OUTLIER = "#B0B0B0"


def _safe(text: object) -> str:
    return html.escape(str(text), quote=False)


def _named(points: pd.DataFrame) -> set[int]:
    """Ids of the topics whose label is written on the map: the ``MAP_LABELS`` largest."""
    return set(points.nlargest(MAP_LABELS, "size")["id"].tolist())


# --- plotly ---------------------------------------------------------------------------------


def sizes_figure(topics: pd.DataFrame) -> go.Figure:
    """Horizontal bars, largest topic on top; the outlier topic grey and last."""
    frame = topics.iloc[::-1]
    colours = [_OUTLIER if t < 0 else _BAR for t in frame["topic"]]
    figure = go.Figure(
        go.Bar(
            x=frame["size"],
            y=[_safe(label) for label in frame["label"]],
            orientation="h",
            marker_color=colours,
            hovertext=[_safe(k) for k in frame["keywords"]],
            hovertemplate="%{y}<br>%{x} fragmenten<br>%{hovertext}<extra></extra>",
        )
    )
    figure.update_layout(
        title=TITLES["sizes"],
        xaxis_title="fragmenten",
        height=max(300, 28 * len(frame) + 120),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    figure.update_yaxes(automargin=True)
    return figure


def map_figure(points: pd.DataFrame) -> go.Figure:
    """Bubbles at the topics' map positions; hover shows label, size and keywords. Only the
    largest topics carry their label on the map, so labels do not pile up."""
    named = _named(points)
    sizes = np.sqrt(points["size"].to_numpy(dtype=float)) if len(points) else np.array([])
    scale = 40 / sizes.max() if len(sizes) and sizes.max() > 0 else 1.0
    figure = go.Figure(
        go.Scatter(
            x=points["x"],
            y=points["y"],
            mode="markers+text",
            text=[_safe(r.label) if r.id in named else "" for r in points.itertuples()],
            textposition="top center",
            marker={"size": sizes * scale + 8, "color": _BAR, "opacity": 0.6},
            hovertext=[
                f"{_safe(row.label)}<br>{row.size} fragmenten<br>{_safe(row.keywords)}"
                for row in points.itertuples()
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    figure.update_layout(title=TITLES["map"], showlegend=False, height=600)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def college_heatmap(table: pd.DataFrame) -> go.Figure:
    """Topic × college shares (or counts) as a heat map, topics top to bottom as in the table."""
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(dtype=float),
            x=[_safe(c) for c in table.columns],
            y=[_safe(i) for i in table.index],
            colorscale="Blues",
            hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
        )
    )
    figure.update_layout(
        title=TITLES["colleges"],
        height=max(350, 26 * len(table) + 160),
        yaxis={"autorange": "reversed"},
    )
    return figure


# --- PNG for the report ---------------------------------------------------------------------


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def _wrap(label: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def sizes_png(topics: pd.DataFrame) -> bytes:
    figure = Figure(figsize=(7.5, max(2.5, 0.32 * len(topics) + 1)))
    axes = figure.subplots()
    frame = topics.iloc[::-1]
    axes.barh(
        [_wrap(label) for label in frame["label"]],
        frame["size"],
        color=[_OUTLIER if t < 0 else _BAR for t in frame["topic"]],
    )
    axes.set_xlabel("fragmenten")
    axes.set_title(TITLES["sizes"], fontsize=10)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def map_png(points: pd.DataFrame) -> bytes:
    figure = Figure(figsize=(7.5, 6))
    axes = figure.subplots()
    named = _named(points)
    if len(points):
        sizes = points["size"].to_numpy(dtype=float)
        axes.scatter(
            points["x"],
            points["y"],
            s=sizes / sizes.max() * 1500 + 30,
            alpha=0.45,
            color=_BAR,
            edgecolors="white",
        )
        for row in points[points["id"].isin(named)].itertuples():
            axes.annotate(
                _wrap(row.label, 24), (row.x, row.y), ha="center", va="center", fontsize=7
            )
    axes.set_title(TITLES["map"], fontsize=10)
    axes.set_axis_off()
    axes.margins(0.15)
    return _png(figure)


def college_heatmap_png(table: pd.DataFrame) -> bytes:
    figure = Figure(figsize=(max(6, 0.7 * len(table.columns) + 4), max(3, 0.32 * len(table) + 2)))
    axes = figure.subplots()
    image = axes.imshow(table.to_numpy(dtype=float), cmap="Blues", aspect="auto")
    axes.set_xticks(
        range(len(table.columns)),
        [_wrap(c, 18) for c in table.columns],
        rotation=45,
        ha="right",
        fontsize=7,
    )
    axes.set_yticks(range(len(table.index)), [_wrap(i) for i in table.index], fontsize=7)
    figure.colorbar(image, ax=axes, shrink=0.8)
    axes.set_title(TITLES["colleges"], fontsize=10)
    return _png(figure)
