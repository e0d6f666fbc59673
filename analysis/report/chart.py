"""The phases bar chart as PNG bytes (matplotlib, Agg back-end: no display, no network).

Rendered at print resolution with a fixed size and no metadata that varies between runs, so the
same counts give the same picture.
"""

from __future__ import annotations

import io

BAR_COLOUR = "#5B6FA8"
DPI = 200


def phase_bar_chart(counts: dict[str, int], *, ylabel: str = "Aantal instellingen") -> bytes:
    """A bar per label ("Fase 1", "Fase 2–3" ...) with the number of colleges on top."""
    # Imported here: matplotlib takes about half a second to import and only the report needs it.
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: a server or test run has no display
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    labels = list(counts)
    values = [counts[label] for label in labels]
    figure, axes = plt.subplots(figsize=(6.0, 3.0), dpi=DPI)
    try:
        bars = axes.bar(labels, values, color=BAR_COLOUR, width=0.6)
        axes.bar_label(bars, padding=2, fontsize=9)
        axes.set_ylabel(ylabel, fontsize=9)
        axes.set_ylim(0, max([*values, 1]) * 1.2)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(labelsize=9)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    finally:
        plt.close(figure)
    return buffer.getvalue()
