"""Width of a line of Thai text as the documents print it (Prongsai Sarabun, TH Sarabun New size).

Used where a layout decision must be made before rendering, the same for the PDF and the DOCX: how far left a
signature block must start so that the longest line of a position ("รองผู้อำนวยการ…รักษาราชการแทน") fits on one
line, and where a position too long for any line is cut.  Pillow (a WeasyPrint dependency) shapes the text with
HarfBuzz (libraqm) in the derived font, so the width is the printed one.
"""

from __future__ import annotations

import functools
from typing import Any

from prongsai.documents.fontbuild import pdf_font_path

CM_PER_PT = 2.54 / 72
_SCALE = 20  # measure at 20 px per point: sub-point precision from integer pixel metrics


@functools.lru_cache(maxsize=8)
def _font(bold: bool, size_pt: float) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(pdf_font_path("Bold" if bold else "Regular")), size=int(size_pt * _SCALE))


@functools.lru_cache(maxsize=4096)
def width_cm(text: str, size_pt: float = 16, bold: bool = False) -> float:
    """The advance width of ``text`` set on one line, in centimetres."""
    return _font(bold, size_pt).getlength(text) / _SCALE * CM_PER_PT
