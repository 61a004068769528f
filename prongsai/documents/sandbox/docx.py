"""DOCX templates: every piece of Jinja docxtpl would compile, read and checked before and at every render."""

from __future__ import annotations

import re

from prongsai.documents.sandbox.environment import environment, validate
from prongsai.documents.sandbox.rules import TemplateProblem, UnsafeTemplate

# ------------------------------------------------------------------------------------------ DOCX templates


def docx_sources(document) -> list[tuple[str, str]]:
    """(part, Jinja source) for every text docxtpl compiles when it renders ``document`` (a ``DocxTemplate``),
    made with docxtpl's own pre-processing (``patch_xml``) in the order of ``DocxTemplate.render``."""
    document.init_docx()
    sources = [("document", document.patch_xml(document.get_xml()))]
    for uri, label in ((document.HEADER_URI, "header"), (document.FOOTER_URI, "footer")):
        for _, part in document.get_headers_footers(uri):
            sources.append((label, document.patch_xml(document.get_part_xml(part))))
    properties = document.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        sources.append((f"property {prop}", getattr(properties, prop) or ""))
    footnotes = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    for part in document.docx.part.package.parts:
        if part.content_type == footnotes:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            sources.append(("footnotes", document.patch_xml(blob)))
    # docxtpl puts every <w:p on its own line before compiling (line numbers then point at paragraphs)
    return [
        (
            label,
            re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            if label in ("document", "header", "footer", "footnotes")
            else source,
        )
        for label, source in sources
    ]


#: Jinja tags in one part of a DOCX, and the characters docxtpl's clean-up may scan for them (its regular
#: expressions search from each opening ``{{``/``{%`` to the next closing one: quadratic on unclosed tags)
MAX_TAGS = 20_000
MAX_TAG_SCAN = 20_000_000
_OPEN = re.compile(r"\{[{%#]")
_CLOSE = re.compile(r"[}%#]\}")


def tag_scan_cost(xml: str) -> tuple[int, int]:
    """(opening tags, characters between each opening tag and the next closing one, or the end): an upper bound
    of the work of docxtpl's ``patch_xml`` on this part, computed in linear time before it runs."""
    import bisect

    opens = [m.start() for m in _OPEN.finditer(xml)]
    closes = [m.start() for m in _CLOSE.finditer(xml)]
    cost = 0
    for at in opens:
        i = bisect.bisect_left(closes, at + 2)
        cost += (closes[i] if i < len(closes) else len(xml)) - at
    return len(opens), cost


def raw_parts(document) -> list[tuple[str, str]]:
    """(part, raw XML) of the parts docxtpl cleans with ``patch_xml`` before compiling them."""
    document.init_docx()
    parts = [("document", document.get_xml())]
    for uri, label in ((document.HEADER_URI, "header"), (document.FOOTER_URI, "footer")):
        for _, part in document.get_headers_footers(uri):
            parts.append((label, document.get_part_xml(part)))
    footnotes = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    for part in document.docx.part.package.parts:
        if part.content_type == footnotes:
            parts.append(
                ("footnotes", part.blob.decode("utf-8", "replace") if isinstance(part.blob, bytes) else part.blob)
            )
    return parts


def check_raw(document) -> None:
    """Refuse a template whose tags would make docxtpl's own clean-up run for minutes (before it runs)."""
    for label, xml in raw_parts(document):
        tags, cost = tag_scan_cost(xml)
        if tags > MAX_TAGS or cost > MAX_TAG_SCAN:
            raise UnsafeTemplate(
                [
                    TemplateProblem(
                        f"({label})",
                        f"{tags:,} tags, many of them not closed: too much work to read",
                        f"มีแท็ก {tags:,} แท็ก และหลายแท็กเปิดแล้วไม่ปิด ({{{{ … }}}} หรือ {{% … %}}) จนอ่านแม่แบบไม่ได้ "
                        "กรุณาตรวจแท็กในแม่แบบ",
                    )
                ]
            )


def render(document, context: dict) -> None:
    """Render a ``DocxTemplate`` in a fresh sandbox: the raw tags are checked first (``check_raw``), then every
    text docxtpl compiles is validated (the environment's ``_parse``) and rendered within the budget."""
    check_raw(document)
    document.render(context, jinja_env=environment(), autoescape=True)


def check_docx_template(source) -> None:
    """Refuse a DOCX template (path, bytes or file) whose Jinja is not allowed: raises :class:`UnsafeTemplate`
    listing every problem.  The package's size limits are ``safefiles.check_docx``'s (checked first)."""
    import io

    from docxtpl import DocxTemplate

    from prongsai.core import safefiles

    data = source if isinstance(source, (bytes, bytearray)) else None
    safefiles.check_docx(data if data is not None else source)
    document = DocxTemplate(io.BytesIO(data) if data is not None else source)
    check_raw(document)
    problems: list[TemplateProblem] = []
    for _label, text in docx_sources(document):
        for problem in validate(text):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise UnsafeTemplate(problems)
