"""The phases bar chart as PNG bytes, drawn with Pillow.

Why not matplotlib: for a handful of bars its import (about 1 s) and its font scan on first use
in a new user account (about 2 s more) were a third of the report's start-up in a fresh process.
Pillow (already installed with Streamlit and matplotlib) draws the same chart in milliseconds:
bars with their count on top, an integer axis with round steps, the phase labels below and the
axis title on the left. The font is DejaVu Sans from matplotlib's package data (found without
importing matplotlib; Pillow's built-in font lacks the en dash of "Fase 1–2"), not a system font,
so every machine draws the same picture, and no metadata that varies between runs is written: the
same counts give the same bytes.
"""

from __future__ import annotations

import io
import math

from analysis.package_files import package_file

BAR_COLOUR = "#5B6FA8"
INK = "#000000"
DPI = 200
SIZE = (6.0, 3.0)  # inches at DPI: 1200 x 600 pixels, placed 13 cm wide in the draft
FONT_POINTS = 9
MAX_TICKS = 6
FONT = ("mpl-data", "fonts", "ttf", "DejaVuSans.ttf")  # in matplotlib, a dependency


def tick_step(top: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50 ...) giving at most MAX_TICKS intervals up to ``top``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(top / step) <= MAX_TICKS:
                return step
        magnitude *= 10


def phase_bar_chart(counts: dict[str, int], *, ylabel: str = "Aantal instellingen") -> bytes:
    """A bar per label ("Fase 1", "Fase 2–3" ...) with the number of colleges on top."""
    from PIL import Image, ImageDraw, ImageFont  # only the report draws

    width, height = (round(side * DPI) for side in SIZE)
    font_path = package_file("matplotlib", *FONT)
    font = ImageFont.truetype(str(font_path), size=round(FONT_POINTS * DPI / 72))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    labels = list(counts)
    values = [counts[label] for label in labels]
    step = tick_step(max([*values, 1]))
    top = step * math.ceil(max([*values, 1]) * 1.2 / step)  # room above the highest bar

    text_height = _text_size(draw, "0", font)[1]
    left = _text_size(draw, str(top), font)[0] + 3 * text_height  # axis title and tick labels
    right, upper, lower = width - 20, 30, height - 2 * text_height - 20
    scale = (lower - upper) / top

    draw.line([(left, upper), (left, lower), (right, lower)], fill=INK, width=2)
    for tick in range(0, top + 1, step):
        y = lower - tick * scale
        draw.line([(left - 8, y), (left, y)], fill=INK, width=2)
        draw.text((left - 14, y), str(tick), font=font, fill=INK, anchor="rm")

    slot = (right - left) / max(len(labels), 1)
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = left + slot * (k + 0.5)
        half = slot * 0.3
        bar_top = lower - value * scale
        if value:
            draw.rectangle([(centre - half, bar_top), (centre + half, lower)], fill=BAR_COLOUR)
        draw.text((centre, bar_top - 6), str(value), font=font, fill=INK, anchor="mb")
        draw.line([(centre, lower), (centre, lower + 8)], fill=INK, width=2)
        draw.text((centre, lower + 14), label, font=font, fill=INK, anchor="mt")

    title_width, title_height = _text_size(draw, ylabel, font)
    title = Image.new("RGB", (title_width + 4, title_height + 8), "white")
    ImageDraw.Draw(title).text((2, 0), ylabel, font=font, fill=INK)
    title = title.rotate(90, expand=True)
    image.paste(title, (6, round((upper + lower - title.height) / 2)))

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def _text_size(draw, text: str, font) -> tuple[int, int]:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    return right - left, bottom - top
