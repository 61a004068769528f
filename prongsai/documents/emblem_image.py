"""The uploaded Garuda emblem (ตราครุฑ): checked as hostile input, then re-encoded before it is stored.

Decisions (docs/documents.md, "The emblem"):

- **Raster only: PNG or JPEG.**  SVG is refused: an SVG is a program for the renderer (external references,
  entities, scripts) and WeasyPrint would fetch what it names; the official emblem is distributed as raster files.
- The bytes are capped (:data:`MAX_BYTES`) before anything opens them; Pillow then reads only the header and the
  declared size is checked (:data:`MAX_SIDE`, :data:`MAX_PIXELS`) *before* any pixel is decoded, so a
  decompression bomb (a few KB that declare 30 000 × 30 000) is refused without being inflated.
  ``Image.verify`` checks the file's structure; the pixels are then decoded once, under Pillow's own bomb limit.
- The stored file is a new PNG drawn from the pixels (RGBA, no metadata, at most :data:`STORED_HEIGHT` px high):
  nothing of the uploaded file but its pixels reaches the documents.
- Too small an image prints blurred at 3 cm: at least :data:`MIN_HEIGHT` px high (3 cm at about 100 dpi).

Pure Python (Pillow, no Django).  Errors are :class:`prongsai.core.safefiles.FileTooComplex`, saying why in English
and Thai.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from prongsai.core.safefiles import FileTooComplex

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000
MIN_HEIGHT = 120
STORED_HEIGHT = 1200  # 3 cm at about 1000 dpi: more than any printer needs
#: the size limits as the refusals name them
TOO_LARGE_EN = f"at most {MAX_SIDE} pixels a side and {MAX_PIXELS // 1_000_000} million pixels in all"
TOO_LARGE_TH = f"ไม่เกิน {MAX_SIDE} พิกเซลต่อด้าน และไม่เกิน {MAX_PIXELS // 1_000_000} ล้านพิกเซลทั้งภาพ"
#: what Pillow calls the formats taken: a phone's multi-picture JPEG (MPO) is a JPEG whose first picture is used
FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG"}


@dataclass(frozen=True)
class CheckedEmblem:
    png: bytes  # the re-encoded image
    width: int
    height: int
    source_format: str


def _refuse(code: str, en: str, th: str) -> FileTooComplex:
    # FileTooComplex is the project's one "hostile or too large file" error; the web shows its .th or .en
    return FileTooComplex(code, en, th)


def check_and_reencode(data: bytes, name: str = "") -> CheckedEmblem:
    """The emblem as a fresh PNG, or :class:`FileTooComplex` saying why the upload is refused."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise _refuse(
            "image_too_large",
            f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.",
            f"ไฟล์ภาพใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB",
        )
    if name and name.lower().rsplit(".", 1)[-1] == "svg" or data.lstrip()[:5] in (b"<?xml", b"<svg "):
        raise _refuse(
            "svg",
            "SVG is not accepted: upload the emblem as a PNG or JPEG image.",
            "ไม่รับไฟล์ SVG กรุณาอัปโหลดตราครุฑเป็นไฟล์ภาพ PNG หรือ JPEG",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            kind, (width, height) = probe.format, probe.size
    except Image.DecompressionBombError:  # Pillow's own guard, met before ours for the largest declarations
        raise _refuse(
            "image_dimensions",
            f"The image declares too many pixels ({TOO_LARGE_EN}).",
            f"ภาพประกาศขนาดใหญ่เกินกำหนด ({TOO_LARGE_TH})",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise _refuse(
            "not_image",
            "This file is not a PNG or JPEG image (its extension does not match its content, or it is damaged).",
            "ไฟล์นี้ไม่ใช่ภาพ PNG หรือ JPEG (นามสกุลไฟล์ไม่ตรงกับเนื้อไฟล์ หรือไฟล์เสียหาย)",
        ) from None
    if kind not in FORMATS:
        raise _refuse(
            "image_format",
            f"{kind} images are not accepted: use a PNG or JPEG file.",
            f"ไม่รับภาพชนิด {kind} กรุณาใช้ไฟล์ PNG หรือ JPEG",
        )
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _refuse(
            "image_dimensions",
            f"The image is {width} × {height} pixels, too large ({TOO_LARGE_EN}).",
            f"ภาพมีขนาด {width} × {height} พิกเซล ใหญ่เกินกำหนด ({TOO_LARGE_TH})",
        )
    if height < MIN_HEIGHT:
        raise _refuse(
            "image_small",
            f"The image is only {height} pixel{'' if height == 1 else 's'} high, too small to print 3 cm high "
            f"(at least {MIN_HEIGHT} pixels).",
            f"ภาพสูงเพียง {height} พิกเซล เล็กเกินไปสำหรับพิมพ์ขนาด ๓ ซม. (ต้องสูงอย่างน้อย {MIN_HEIGHT} พิกเซล)",
        )
    try:
        with Image.open(io.BytesIO(data)) as check:
            check.verify()  # structure and checksums; the object cannot be used afterwards
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            pixels = image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(
            "image_broken",
            "The image cannot be read; the file may be damaged: save it again as PNG and upload it again.",
            "อ่านภาพไม่ได้ ไฟล์อาจเสียหาย กรุณาบันทึกภาพใหม่เป็น PNG แล้วอัปโหลดอีกครั้ง",
        ) from None
    if pixels.height > STORED_HEIGHT:
        width = max(1, round(pixels.width * STORED_HEIGHT / pixels.height))  # a 1×6000 strip stays 1 px wide
        pixels = pixels.resize((width, STORED_HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pixels.save(out, "PNG", optimize=True)  # a new file: no metadata, chunks or trailing bytes of the upload
    return CheckedEmblem(png=out.getvalue(), width=pixels.width, height=pixels.height, source_format=kind)
