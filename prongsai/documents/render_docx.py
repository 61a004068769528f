"""DOCX rendering: docxtpl templates (templates/docx/*.docx, built by ``build_templates``) + the same contexts.

A per-agency template replaces ours by path (``template=``): it is our template edited in Word, with the Jinja
tags kept.  Images are added here: the Garuda emblem (1.5 cm high on the memo, 3 cm on the order and the
announcement) and, in the analysis report, the bar chart as a PNG drawn by Pillow (``charts.png``; Pillow comes
with WeasyPrint and its wheels include libraqm, so the Thai labels are shaped; neither cairosvg nor matplotlib
is installed, and neither is needed).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prongsai.core import safefiles
from prongsai.core.atomicfile import atomic_write
from prongsai.documents import charts, sandbox
from prongsai.documents.context import DOCUMENTS
from prongsai.documents.render_pdf import emblem_path
from prongsai.documents.thaibreak import lexicon_of, strip_invisible

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates" / "docx"
CHART_FONT = HERE / "fonts" / "Sarabun-Regular.ttf"
EMBLEM_HEIGHT_MM = {"memo": 15, "order": 30, "announcement": 30}


def template_path(kind: str, template: str | os.PathLike | None = None) -> Path:
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document {kind!r} (known: {', '.join(DOCUMENTS)})")
    path = Path(template) if template else TEMPLATES / f"{kind}.docx"
    if not path.is_file():
        raise FileNotFoundError(f"DOCX template not found: {path}")
    return path


def render_docx(
    kind: str,
    context: Mapping,
    out: str | os.PathLike | None = None,
    *,
    template: str | os.PathLike | None = None,
    emblem: str | os.PathLike | None = None,
) -> bytes:
    """Render one document to DOCX; writes ``out`` when given and returns the bytes either way."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = template_path(kind, template)
    safefiles.check_docx(path)  # size limits first: python-docx holds every part of the package in memory
    document = DocxTemplate(str(path))
    values: dict = {"c": breakable(context)}
    if kind in EMBLEM_HEIGHT_MM:
        values["emblem"] = InlineImage(document, str(emblem_path(emblem)), height=Mm(EMBLEM_HEIGHT_MM[kind]))
    else:
        values["emblem"] = ""
    if kind == "analysis":
        png = charts.png(context["chart"], CHART_FONT)
        values["chart"] = InlineImage(document, io.BytesIO(png), width=Mm(160))
    sandbox.render(document, values)  # validated again at every render: a planted template is refused here too
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if out is not None:
        # whole or not at all (a fallback render may write the path a dying PDF worker was writing);
        # 0o666 less the umask, as a plain write would
        atomic_write(out, data, mode=0o666)
    return data


def breakable(context: Mapping) -> dict:
    """The context with every Thai text marked for line breaking (``Lexicon.for_docx``: word joiners inside the
    words, zero-width spaces between them), so that Word and LibreOffice break lines where the PDF may."""
    lexicon = lexicon_of(tuple(context.get("words", ())))

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return lexicon.for_docx(value)
        if isinstance(value, Mapping):
            return {k: v if k in ("kind", "style", "words") else convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return value

    return convert(context)


def docx_text(source: str | os.PathLike | bytes) -> str:
    """All text of a DOCX, paragraphs and table cells in document order, one per line (for tests and search);
    the invisible line-breaking characters are left out."""
    from docx import Document

    document = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")))
                    lines.append("\t".join(cells))
    return strip_invisible("\n".join(lines))
