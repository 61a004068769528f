"""The analysis report's bar chart: inline SVG for the PDF, PNG (Pillow) for the DOCX, from one layout.

Horizontal bars, one per indicator in the sorted order, value at the end of each bar, the target (85) as a
dashed line, indicators below the target in red.  Pillow ships with WeasyPrint (a dependency) and its wheels
include libraqm, so Thai labels are shaped correctly in the PNG too.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

BAR = "#2f5d8c"
WEAK = "#b03a2e"
GRID = "#9a9a9a"
INK = "#000000"

# layout in points (1/72 in); the chart is as wide as the text block (16 cm)
WIDTH = 453.5
LABEL_W = 175.0
VALUE_W = 34.0
ROW_H = 19.0
TOP = 6.0
AXIS_H = 28.0
FONT_PT = 13.0  # TH Sarabun New size (the PDF font); Pillow draws Google Sarabun at TH_SCALE of it
TH_SCALE = 1000 / 1520  # see fontbuild.UNITS_PER_EM


def _layout(chart: dict) -> dict:
    bars = chart["bars"]
    plot_x = LABEL_W + 6
    plot_w = WIDTH - plot_x - VALUE_W
    height = TOP + ROW_H * len(bars) + AXIS_H
    return {
        "plot_x": plot_x,
        "plot_w": plot_w,
        "height": height,
        "x": lambda v: plot_x + plot_w * max(0.0, min(float(v), 100.0)) / 100.0,
    }


def svg(chart: dict, font_family: str = "Prongsai Sarabun") -> str:
    """An inline <svg> sized in points (for WeasyPrint)."""
    lay = _layout(chart)
    x, h = lay["x"], lay["height"]
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}pt" height="{h:.1f}pt" '
            f'viewBox="0 0 {WIDTH} {h:.1f}" font-family="{escape(font_family)}" font-size="{FONT_PT}" '
            f'role="img">'
        )
    ]
    bottom = TOP + ROW_H * len(chart["bars"])
    for tick in range(0, 101, 20):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{TOP - 2}" x2="{x(tick):.1f}" y2="{bottom:.1f}" '
            f'stroke="{GRID}" stroke-width="0.4"/>'
        )
        parts.append(f'<text x="{x(tick):.1f}" y="{bottom + 12:.1f}" text-anchor="middle">{_thai_digits(tick)}</text>')
    for i, bar in enumerate(chart["bars"]):
        y = TOP + ROW_H * i
        colour = WEAK if bar["weak"] else BAR
        parts.append(
            f'<text x="{LABEL_W:.1f}" y="{y + ROW_H * 0.68:.1f}" text-anchor="end">{escape(bar["label"])}</text>'
        )
        parts.append(
            f'<rect x="{lay["plot_x"]:.1f}" y="{y + 3:.1f}" width="{x(bar["value"]) - lay["plot_x"]:.1f}" '
            f'height="{ROW_H - 6:.1f}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{x(bar["value"]) + 3:.1f}" y="{y + ROW_H * 0.68:.1f}">{escape(bar["text"])}</text>')
    target = chart.get("target")
    if target is not None:
        parts.append(
            f'<line x1="{x(target):.1f}" y1="{TOP - 4}" x2="{x(target):.1f}" y2="{bottom + 2:.1f}" '
            f'stroke="{WEAK}" stroke-width="1" stroke-dasharray="3,2"/>'
        )
        parts.append(
            f'<text x="{x(target):.1f}" y="{bottom + 25:.1f}" text-anchor="middle" fill="{WEAK}">'
            f"{escape(chart.get('target_text', ''))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _thai_digits(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def png(chart: dict, font_path: Path, dpi: int = 200) -> bytes:
    """The same chart as PNG bytes (for Word), drawn with Pillow at ``dpi``."""
    from PIL import Image, ImageDraw, ImageFont

    lay = _layout(chart)
    k = dpi / 72.0
    width, height = round(WIDTH * k), round(lay["height"] * k)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path), round(FONT_PT * TH_SCALE * k))
    x = lay["x"]
    bottom = TOP + ROW_H * len(chart["bars"])

    def text(pos_x: float, baseline: float, value: str, anchor: str, fill: str = INK) -> None:
        draw.text((pos_x * k, baseline * k), value, font=font, fill=fill, anchor=anchor)

    for tick in range(0, 101, 20):
        draw.line([(x(tick) * k, (TOP - 2) * k), (x(tick) * k, bottom * k)], fill=GRID, width=max(1, round(k * 0.4)))
        text(x(tick), bottom + 12, _thai_digits(tick), "ms")
    for i, bar in enumerate(chart["bars"]):
        y = TOP + ROW_H * i
        colour = WEAK if bar["weak"] else BAR
        text(LABEL_W, y + ROW_H * 0.68, bar["label"], "rs")
        draw.rectangle([lay["plot_x"] * k, (y + 3) * k, x(bar["value"]) * k, (y + ROW_H - 3) * k], fill=colour)
        text(x(bar["value"]) + 3, y + ROW_H * 0.68, bar["text"], "ls")
    target = chart.get("target")
    if target is not None:
        tx = x(target) * k
        y0, y1 = (TOP - 4) * k, (bottom + 2) * k
        dash = 3 * k
        while y0 < y1:
            draw.line([(tx, y0), (tx, min(y0 + dash, y1))], fill=WEAK, width=max(1, round(k)))
            y0 += dash * 5 / 3
        text(x(target), bottom + 25, chart.get("target_text", ""), "ms", WEAK)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False)
    return buffer.getvalue()
