"""Printable PDFs: the A4 sheet of cut-out code slips (10 a page) and the open-link poster, always in Thai (the
language of the respondents who receive them, whatever the language of the officer's pages).

Each slip has a QR code (segno, inline SVG) of the short link ``BASE_URL/s/CODE``, the link in text, and the
code grouped as ``ABCD-EFGH-JK``.  The PDF is built in the request that generates the codes and is not stored:
the plaintext codes exist nowhere else (docs/surveys.md, "Codes are printed once").

Text layer: Pango shapes Thai SARA AM (ำ) as NIKHAHIT + SARA AA glyphs in one cluster, and WeasyPrint maps each
glyph to the text of its first cluster, so after the first ำ every า of the page reads as ำ (or every ำ as า) in
the PDF's text.  We therefore write ำ as its compatibility decomposition ํ + า (U+0E4D U+0E32) in the PDF only:
it looks the same, and the extracted text is that exact sequence (tests/integration/test_surveys.py checks it).
"""

from __future__ import annotations

from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from prongsai.core.thai import format_thai_date
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys.models import CodeBatch, OpenLink

FONTS = Path(settings.BASE_DIR) / "static" / "prongsai" / "fonts"
SLIPS_PER_PAGE = 10


def pdf_text(text: str) -> str:
    """Thai text as it is written into PDFs (SARA AM decomposed; see the module docstring)."""
    return text.replace("\u0e33", "\u0e4d\u0e32")  # thai-data: code points, not text shown


def _qr_svg(url: str, scale: int = 3) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, border=0, dark="#000")


#: the language slips and posters are printed in: the respondents' (the survey pages open in Thai, ``Thai first``),
#: not the language of the officer who prints them
PRINT_LANGUAGE = "th"


def _html(template: str, context: dict) -> str:
    with translation.override(PRINT_LANGUAGE):
        return render_to_string(template, {**context, "fonts": FONTS.as_uri()})


def pdf_of(html: str) -> bytes:
    """The PDF of a sheet's or poster's HTML (WeasyPrint: most of the time a sheet takes)."""
    from weasyprint import HTML

    return HTML(string=pdf_text(html), base_url=str(FONTS)).write_pdf()


def _render(template: str, context: dict) -> bytes:
    return pdf_of(_html(template, context))


def _tool_labels(round_, tool: str, group: str) -> tuple[str, str]:
    framework = round_.framework
    tool_obj = framework.tool(tool)
    group_name = next((g.name_th for g in tool_obj.groups if g.code == group), group)
    return tool_obj.name_th, group_name


def render_slips(batch: CodeBatch, plain_codes: list[str]) -> bytes:
    """The sheet of slips for a batch just generated (``plain_codes`` as returned by ``generate_codes``)."""
    return render_sheet([(batch, plain_codes)])


def render_sheet(entries: list[tuple[CodeBatch, list[str]]]) -> bytes:
    """Slips of one or more batches on one sheet (10 an A4 page), each slip with its own tool and group."""
    return pdf_of(sheet_html(entries))


def sheet_html(entries: list[tuple[CodeBatch, list[str]]]) -> str:
    """The HTML that :func:`render_sheet` lays out: everything the PDF shows is in it."""
    slips = []
    for batch, plain_codes in entries:
        tool_name, group_name = _tool_labels(batch.round, batch.tool, batch.group)
        expires = format_thai_date(batch.expires_on) if batch.expires_on else ""
        for code in plain_codes:
            link = codemod.short_link(code)
            slips.append(
                {
                    "code": codemod.grouped(code),
                    "link": link,
                    "qr": _qr_svg(link),
                    "batch": batch,
                    "agency": batch.agency,
                    "round": batch.round,
                    "tool": batch.tool,
                    "tool_name": tool_name,
                    "group_name": group_name,
                    "expires": expires,
                }
            )
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    first = entries[0][0]
    return _html(
        "surveys/slips.html",
        {
            "pages": pages,
            "agency": first.agency,
            "tool": first.tool,
            "enter_url": settings.BASE_URL + reverse("survey_enter"),
        },
    )


def render_poster(link: OpenLink) -> bytes:
    url = codemod.open_link(link.token)
    tool_name, group_name = _tool_labels(link.round, link.tool, link.group)
    return _render(
        "surveys/poster.html",
        {
            "link": link,
            "url": url,
            "qr": _qr_svg(url, scale=8),
            "agency": link.agency,
            "round": link.round,
            "tool_name": tool_name,
            "group_name": group_name,
        },
    )
