"""A drawn stand-in for the Garuda emblem (ตราครุฑ), clearly marked as such.

No freely licensed Garuda emblem is available from the package registries this project may use, so the
documents carry this stand-in: a plain symmetric bird figure with the words "ตราแทน" (stand-in emblem) under
it.  An agency replaces it with the real emblem, a PNG file, through ``PRONGSAI_GARUDA`` or the ``emblem``
argument of the renderers (see docs/documents.md).  ``python -m prongsai.documents.build_templates`` redraws
``emblem/garuda-standin.png``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

SIZE = (200, 240)  # drawing units; the figure is symmetric about x = 100

_LEFT_SHAPES = [
    # wing: shoulder → feather tips → back to the body
    [(84, 80), (12, 36), (22, 62), (6, 70), (20, 88), (6, 98), (24, 112), (14, 124), (40, 126), (80, 132)],
    # raised arm and hand
    [(86, 84), (62, 62), (56, 34), (64, 32), (72, 58), (90, 76)],
    # leg and claw
    [(88, 150), (70, 176), (60, 178), (62, 184), (76, 182), (94, 160)],
]
_CENTRE_SHAPES = [
    [(100, 4), (92, 40), (108, 40)],  # crown spire
    [(84, 70), (116, 70), (122, 138), (100, 166), (78, 138)],  # body
    [(90, 158), (100, 204), (110, 158)],  # tail
]


def _mirror(shape: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(SIZE[0] - x, y) for x, y in reversed(shape)]


def shapes() -> list[Sequence[tuple[float, float]]]:
    return [*_CENTRE_SHAPES, *_LEFT_SHAPES, *(_mirror(s) for s in _LEFT_SHAPES)]


def draw_png(target: Path, font_path: Path, height_px: int = 600) -> Path:
    """Draw the stand-in as a transparent PNG ``height_px`` high (antialiased by drawing at 4× and shrinking)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 4 * height_px / SIZE[1]
    width, height = round(SIZE[0] * scale), round(SIZE[1] * scale)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    ink = (0, 0, 0, 255)
    for shape in shapes():
        draw.polygon([(x * scale, y * scale) for x, y in shape], fill=ink)
    r = 14 * scale  # head
    draw.ellipse((100 * scale - r, 52 * scale - r, 100 * scale + r, 52 * scale + r), fill=ink)
    font = ImageFont.truetype(str(font_path), round(24 * scale))
    label = "ตราแทน"
    box = draw.textbbox((0, 0), label, font=font)
    draw.text(((width - (box[2] - box[0])) / 2 - box[0], 206 * scale), label, font=font, fill=ink)
    image = image.resize((round(SIZE[0] * height_px / SIZE[1]), height_px), Image.Resampling.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    return target
