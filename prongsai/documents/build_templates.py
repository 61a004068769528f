"""Regenerate the bundled document assets: the DOCX templates, the PDF fonts and the stand-in emblem.

    python -m prongsai.documents.build_templates            # everything
    python -m prongsai.documents.build_templates docx       # only templates/docx/*.docx

The DOCX templates are docxtpl templates (Jinja tags inside Word paragraphs) written with python-docx, so that
they can be rebuilt and reviewed as code.  An agency's own template is one of these files edited in Word: keep
the ``{{ … }}`` and ``{%p … %}`` tags, change anything else (letterhead, wording around the tags, spacing).

Format (ระเบียบงานสารบรรณ): A4, margins top 2.5 cm, left 3 cm, right 2 cm, bottom 2 cm; "TH Sarabun New" 16 pt
set on the styles and on every run, for Latin (w:ascii/w:hAnsi) and Thai, the complex script (w:cs, w:szCs,
w:lang w:bidi="th-TH"); page number "- ๒ -" centred at the top from page 2 (a plain PAGE field in the embedded
"Prongsai Thai Digits", whose digits are Thai: ``docx_fonts``); body paragraphs 6 pt before and Thai distributed;
headings kept with the next paragraph; table rows that never split across pages.  On a memo, an order and an
announcement the first page's text starts 1.5 cm from the top edge (the Garuda's place) and the others' at
2.5 cm: the top margin is 1.5 cm and the header of pages 2+ (the page number) ends at 2.5 cm.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from prongsai.documents.docx_fonts import embed_fonts

HERE = Path(__file__).resolve().parent
DOCX_DIR = HERE / "templates" / "docx"
FONT = "TH Sarabun New"
BODY_PT = 16
LINE_PT = 20.25  # TH SarabunIT๙/PSK single spacing at 16 pt (docs/documents.md)
SMALL_PT = 14
SMALL_STYLES: set[str] = set()
TEXT_WIDTH_CM = 16.0  # 21 − 3 − 2
DIGITS_FONT = "Prongsai Thai Digits"  # docx_fonts embeds it: ASCII digits drawn as Thai digits
#: space after the page number of pages 2+ on a Garuda document: header 1.0 cm + one 22 pt line + this = 2.5 cm
HEADER_SPACE_AFTER_PT = round((2.5 - 1.0) / 2.54 * 72 - LINE_PT) - 3  # LibreOffice adds ~3 pt below a header
#: the signature block's left indents (cm), as context.SIGNATURE_INDENTS: "Prongsai Signature" is the first
SIGNATURE_INDENTS = (7.2, 4.5, 2.0, 0.0)


def signature_style(n: int) -> str:
    return "Prongsai Signature" if n == 0 else f"Prongsai Signature {n}"


# ----------------------------------------------------------------------------------------------- helpers


def set_run_font(run_or_style, size: float | None = BODY_PT, bold: bool | None = None, font: str = FONT) -> None:
    """Font for Latin and for Thai (complex script), size for both, Thai language for complex script."""
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = rpr.find(qn(tag))
            if node is None:
                node = OxmlElement(tag)
                rpr.append(node)
            node.set(qn("w:val"), str(int(size * 2)))
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            node = rpr.find(qn(tag))
            if bold and node is None:
                rpr.append(OxmlElement(tag))
            elif not bold and node is not None:
                rpr.remove(node)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "th-TH")
    lang.set(qn("w:bidi"), "th-TH")


class Builder:
    """A small writer of template paragraphs with the document's named styles."""

    def __init__(self, header_numbers: bool = True, garuda: bool = False):
        self.doc = Document()
        self.garuda = garuda
        self._page()
        self._styles()
        if header_numbers:
            self._page_numbers()
        body = self.doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):  # python-docx starts with one empty paragraph
            body.remove(p)

    # -- page, styles, header
    def _page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        # a document with the Garuda starts 1.5 cm from the top edge on its first page; the page-number header
        # of the other pages reaches down to 2.5 cm (HEADER_*), where their text starts, as in the PDF
        section.top_margin, section.bottom_margin = Cm(1.5 if self.garuda else 2.5), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.header_distance, section.footer_distance = Cm(1.0 if self.garuda else 1.25), Cm(1)
        section.start_type = WD_SECTION.NEW_PAGE

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        set_run_font(normal)
        fmt = normal.paragraph_format
        # "at least" 22 pt: TH Sarabun New's single spacing, without clipping a larger substitute font
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.AT_LEAST, Pt(LINE_PT)
        # document defaults too, so that text outside our styles is Thai-ready
        rpr_default = self.doc.styles.element.find(qn("w:docDefaults"))
        if rpr_default is not None:
            fonts = rpr_default.find(".//" + qn("w:rFonts"))
            if fonts is not None:
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                    fonts.attrib.pop(qn(attr), None)  # Word lets a theme font win over the named one
                for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                    fonts.set(qn(attr), FONT)

        def para(
            name,
            *,
            indent_first=None,
            left=None,
            hanging=None,
            align=None,
            bold=None,
            size=None,
            before=0,
            after=0,
            keep_next=False,
        ):
            style = styles.add_style(name, 1)
            style.base_style = normal
            style.quick_style = True
            set_run_font(style, size=size or BODY_PT, bold=bold)
            pf = style.paragraph_format
            if indent_first is not None:
                pf.first_line_indent = Cm(indent_first)
            if left is not None:
                pf.left_indent = Cm(left)
            if hanging is not None:
                pf.first_line_indent = Cm(-hanging)
            if align is not None:
                pf.alignment = align
            pf.space_before, pf.space_after = Pt(before), Pt(after)
            pf.keep_with_next = keep_next
            pf.widow_control = True
            return style

        thai = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
        # body paragraphs: first line 2.5 cm, 6 pt before [S2]; items: the number at 2.5 cm (3.25 cm, 4 cm for
        # lower levels), continuation lines back at the margin; all Thai distributed, as the PDF
        para("Prongsai Body", indent_first=2.5, align=thai, before=6)
        para("Prongsai Body First", indent_first=2.5, align=thai)  # right after a heading: no gap
        para("Prongsai Plain")
        para("Prongsai Heading", indent_first=2.5, bold=True, before=6, keep_next=True)
        para("Prongsai Heading Tight", indent_first=2.5, bold=True, keep_next=True)
        para("Prongsai Lead", indent_first=2.5, align=thai, before=6, keep_next=True)
        para("Prongsai Lead First", indent_first=2.5, align=thai, keep_next=True)
        para("Prongsai Item", indent_first=2.5, align=thai)
        para("Prongsai Item 2", indent_first=3.25, align=thai)
        para("Prongsai Item 3", indent_first=4.0, align=thai)
        para("Prongsai List", left=2.5)
        para("Prongsai Centre", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        para("Prongsai Title", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=18)
        para("Prongsai Caption", bold=True, before=6, keep_next=True)
        for n, indent in enumerate(SIGNATURE_INDENTS):  # one style per context.SIGNATURE_INDENTS step
            para(signature_style(n), left=indent, align=WD_ALIGN_PARAGRAPH.CENTER)
        para("Prongsai Date Line", left=6.4, before=6, keep_next=True)
        para("Prongsai Cell", align=None)
        para("Prongsai Cell Centre", align=WD_ALIGN_PARAGRAPH.CENTER)
        para("Prongsai Cell Head", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        para("Prongsai Continued", align=WD_ALIGN_PARAGRAPH.RIGHT)
        # the page number paragraph: every run in the digits font, the field's result included (LibreOffice
        # draws a field in the paragraph's font, not the run's)
        number = para("Prongsai Page Number", align=WD_ALIGN_PARAGRAPH.CENTER)
        set_run_font(number, font=DIGITS_FONT)

    def _page_numbers(self) -> None:
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        header = section.header
        p = header.paragraphs[0]
        p.style = self.doc.styles["Prongsai Page Number"]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mark = p._p.get_or_add_pPr()
        mark_rpr = OxmlElement("w:rPr")
        mark.append(mark_rpr)
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), DIGITS_FONT)
        mark_rpr.append(fonts)
        if self.garuda:  # the header of pages 2+ ends where their text starts, 2.5 cm from the top edge
            p.paragraph_format.space_after = Pt(HEADER_SPACE_AFTER_PT)
        self._run(p, "- ", font=DIGITS_FONT)
        run = p.add_run()
        set_run_font(run, font=DIGITS_FONT)
        # a plain PAGE field: its Arabic digits are drawn as Thai digits by the embedded digits font, in Word and
        # in LibreOffice (which prints Word's "\* ThaiArabic" as Thai letters)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            if kind:
                node = OxmlElement("w:fldChar")
                node.set(qn("w:fldCharType"), kind)
                run._r.append(node)
            elif text is not None and text.startswith(" PAGE"):
                node = OxmlElement("w:instrText")
                node.set(qn("xml:space"), "preserve")
                node.text = text
                run._r.append(node)
            else:
                node = OxmlElement("w:t")
                node.text = text
                run._r.append(node)
        self._run(p, " -", font=DIGITS_FONT)

    # -- content
    def _run(self, paragraph, text: str, bold: bool | None = None, size: float | None = None, font: str = FONT):
        run = paragraph.add_run(text)
        set_run_font(run, size=size or BODY_PT, bold=bold, font=font)
        return run

    def p(self, text: str = "", style: str = "Prongsai Plain", bold: bool | None = None, size=None):
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            self._run(paragraph, text, bold=bold, size=size or (SMALL_PT if style in SMALL_STYLES else None))
        return paragraph

    def tag(self, text: str):
        """A paragraph holding only a {%p … %} tag (docxtpl removes it)."""
        return self.p(text)

    def paragraphs(self, expr: str) -> None:
        """The paragraphs of the list ``expr``: the first right after its heading (no gap before), the rest as
        body paragraphs with the regulation's 6 pt before."""
        self.tag(f"{{%p for para in {expr} %}}")
        self.tag("{%p if loop.first %}")
        self.p("{{ para }}", "Prongsai Body First")
        self.tag("{%p else %}")
        self.p("{{ para }}", "Prongsai Body")
        self.tag("{%p endif %}")
        self.tag("{%p endfor %}")

    def loop(self, header: str, body, footer: str = "{%p endfor %}"):
        self.tag(header)
        body()
        self.tag(footer)

    def signature(self, expr: str, date_expr: str | None = None, space_before: float = 28):
        """The name, the position lines and the date, in the signature style the context chose (its ``style``
        "sig-<n>": the block starts further left when a line of the position is long)."""
        self.tag(f"{{%p if {expr} %}}")
        for n in range(len(SIGNATURE_INDENTS)):
            self.tag(f"{{%p {'if' if n == 0 else 'elif'} {expr}.style == 'sig-{n}' %}}")
            style = signature_style(n)
            first = self.p(f"{{{{ {expr}.name }}}}", style)
            first.paragraph_format.space_before = Pt(space_before)
            first.paragraph_format.keep_with_next = True
            self.tag(f"{{%p for line in {expr}.lines %}}")
            line = self.p("{{ line }}", style)
            line.paragraph_format.keep_with_next = True
            self.tag("{%p endfor %}")
            if date_expr:
                self.tag(f"{{%p if {date_expr} %}}")
                self.p(f"{{{{ {date_expr} }}}}", style)
                self.tag("{%p endif %}")
        self.tag("{%p endif %}")
        self.tag("{%p endif %}")

    def tab_line(self, parts, stops, style="Prongsai Plain"):
        """One paragraph of (text, bold, size) parts separated by tabs with dotted leaders (memo header)."""
        paragraph = self.doc.add_paragraph(style=style)
        for position, alignment, leader in stops:
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(position), alignment, leader)
        for text, bold, size in parts:
            self._run(paragraph, text, bold=bold, size=size)
        return paragraph

    def table(
        self,
        widths_cm,
        borders: bool = True,
        header=None,
        row_cells=None,
        loop=None,
        total=None,
        indent_cm: float = 0.0,
    ):
        """A table: optional header row, a docxtpl row loop over ``loop`` with ``row_cells``, optional total."""
        rows = (1 if header else 0) + (3 if loop else 0) + (1 if total else 0)
        table = self.doc.add_table(rows=rows, cols=len(widths_cm))
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        if borders:
            table.style = self.doc.styles["Table Grid"]
        if indent_cm:
            tbl_pr = table._tbl.tblPr
            ind = OxmlElement("w:tblInd")
            ind.set(qn("w:w"), str(int(indent_cm * 567)))
            ind.set(qn("w:type"), "dxa")
            tbl_pr.append(ind)
        for column, width in zip(table.columns, widths_cm):  # w:gridCol (LibreOffice reads these) …
            column.width = Cm(width)
        for row in table.rows:  # … and w:tcW (Word reads these)
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)
            cant_split(row)  # a row is never cut across two pages
        index = 0

        def fill(row, texts, styles, bold=None):
            for cell, text, style in zip(row.cells, texts, styles):
                paragraph = cell.paragraphs[0]
                paragraph.style = self.doc.styles[style]
                if text:
                    self._run(paragraph, text, bold=bold)

        if header:
            fill(table.rows[0], header, ["Prongsai Cell Head"] * len(header))
            shade(table.rows[0])
            mark_header(table.rows[0])
            index = 1
        if loop:
            fill(
                table.rows[index],
                [f"{{%tr for r in {loop} %}}"] + [""] * (len(widths_cm) - 1),
                ["Prongsai Cell"] * len(widths_cm),
            )
            texts, styles = zip(*row_cells)
            fill(table.rows[index + 1], texts, styles)
            fill(
                table.rows[index + 2],
                ["{%tr endfor %}"] + [""] * (len(widths_cm) - 1),
                ["Prongsai Cell"] * len(widths_cm),
            )
            index += 3
        if total:
            texts, styles = zip(*total)
            fill(table.rows[index], texts, styles, bold=True)
        return table

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.core_properties.author = "Prongsai"
        self.doc.core_properties.title = path.stem
        self.doc.save(str(path))
        return embed_fonts(path)


def shade(row, fill: str = "EEEEEE") -> None:
    for cell in row.cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tc_pr.append(shd)


def cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def mark_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    node = OxmlElement("w:tblHeader")
    tr_pr.append(node)


# ---------------------------------------------------------------------------------------------- templates

DOT = WD_TAB_LEADER.DOTS
END = TEXT_WIDTH_CM - 0.05
MEMO_DATE_TAB_CM = 8.0
MEMBER_COLUMNS_CM = (1.25, 9.0, 5.0)  # after a 0.75 cm indent: 16 cm


def memo() -> Builder:
    b = Builder(garuda=True)
    head = b.tab_line(
        [("{{ emblem }}", None, BODY_PT), ("\t", None, BODY_PT), ("{{ c.title }}", True, 29)],
        [(TEXT_WIDTH_CM / 2, WD_TAB_ALIGNMENT.CENTER, WD_TAB_LEADER.SPACES)],
    )
    head.paragraph_format.space_after = Pt(2)
    b.tab_line(
        [("ส่วนราชการ", True, 20), ("  {{ c.department }}", None, BODY_PT), ("\t", None, BODY_PT)],
        [(END, WD_TAB_ALIGNMENT.RIGHT, DOT)],
    )
    # "วันที่" starts at 8 cm whatever the length of the number: a LEFT tab whose dot leader fills the gap
    b.tab_line(
        [
            ("ที่", True, 20),
            ("  {{ c.number }}", None, BODY_PT),
            ("\t", None, BODY_PT),
            ("วันที่", True, 20),
            ("  {{ c.date }}", None, BODY_PT),
            ("\t", None, BODY_PT),
        ],
        [(MEMO_DATE_TAB_CM, WD_TAB_ALIGNMENT.LEFT, DOT), (END, WD_TAB_ALIGNMENT.RIGHT, DOT)],
    )
    subject = b.tab_line(
        [("เรื่อง", True, 20), ("  {{ c.subject }}", None, BODY_PT), ("\t", None, BODY_PT)],
        [(END, WD_TAB_ALIGNMENT.RIGHT, DOT)],
    )
    subject.paragraph_format.left_indent = Cm(1.25)
    subject.paragraph_format.first_line_indent = Cm(-1.25)
    # no solid rule under the header [S1]
    b.p("เรียน  {{ c.to }}").paragraph_format.space_before = Pt(10)
    b.tag("{%p for s in c.sections %}")
    b.p("{{ s.heading }}", "Prongsai Heading")
    b.paragraphs("s.paragraphs")
    b.loop("{%p for i in s['items'] %}", lambda: b.p("{{ i }}", "Prongsai Item"))
    b.tag("{%p endfor %}")
    b.signature("c.signature")
    b.loop("{%p for r in c.reviewers %}", lambda: b.signature("r"))
    first = b.p("{{ c.approval.lines[0] }}", "Prongsai Item")
    first.paragraph_format.space_before = Pt(12)
    b.loop("{%p for line in c.approval.lines[1:] %}", lambda: b.p("{{ line }}", "Prongsai Item"))
    b.signature("c.approval.signature", "c.approval.date", space_before=24)
    return b


def centred_header(*fields: str) -> Builder:
    """The head of an order or announcement: the emblem, centred lines, and a short rule under them."""
    b = Builder(garuda=True)
    b.p("{{ emblem }}", "Prongsai Centre")
    for name in fields:
        b.p("{{ c." + name + " }}", "Prongsai Centre")
    # the short rule under the head: a 4.5 cm top border on an empty paragraph 2 pt high (as the PDF's)
    rule = b.p("", "Prongsai Plain")
    side = Cm((TEXT_WIDTH_CM - 4.5) / 2)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = side
    rule.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    rule.paragraph_format.line_spacing = Pt(2)
    rule.paragraph_format.space_before = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    rule._p.get_or_add_pPr().append(borders)
    return b


def order() -> Builder:
    b = centred_header("heading", "number", "subject")
    b.paragraphs("c.paragraphs")
    # the number column holds "๑๐." … "๙๙." (0.6 cm) with the cell's margins; the role column
    # "กรรมการและผู้ช่วยเลขานุการ" (4.4 cm) on one line
    table = b.table(
        MEMBER_COLUMNS_CM,
        borders=False,
        loop="c.members",
        indent_cm=0.75,
        row_cells=[
            ("{{ r.no }}", "Prongsai Cell"),
            ("{{ r.name }}", "Prongsai Cell"),
            ("{{ r.role }}", "Prongsai Cell"),
        ],
    )
    table.rows[0].cells[0].paragraphs[0].paragraph_format.space_before = Pt(6)
    b.p("{{ c.duties_heading }}", "Prongsai Body").paragraph_format.keep_with_next = True  # never alone at a foot
    b.loop("{%p for d in c.duties %}", lambda: b.p("{{ d }}", "Prongsai Item"))
    b.p("{{ c.effective }}", "Prongsai Body")
    b.p("{{ c.date_line }}", "Prongsai Date Line")
    b.signature("c.signature")
    return b


def announcement() -> Builder:
    b = centred_header("heading", "subject", "subject2")
    b.p("{{ c.intro }}", "Prongsai Body First")
    b.tag("{%p for a in c.areas %}")
    b.p("{{ a.heading }}", "Prongsai Heading Tight")
    b.tag("{%p if a.purpose %}")
    b.p("{{ a.purpose }}", "Prongsai Body First")
    b.tag("{%p endif %}")
    b.loop("{%p for line in a.actions %}", lambda: b.p("{{ line }}", "Prongsai Item"))
    b.tag("{%p endfor %}")
    b.p("{{ c.closing }}", "Prongsai Body")
    b.p("{{ c.proclaim }}", "Prongsai Body")
    b.p("{{ c.date_line }}", "Prongsai Date Line")
    b.signature("c.signature")
    return b


def analysis() -> Builder:
    b = Builder()
    b.p("{{ c.title }}", "Prongsai Title")
    b.p("{{ c.title2 }}", "Prongsai Title").paragraph_format.space_after = Pt(8)
    b.loop("{%p for para in c.intro %}", lambda: b.p("{{ para }}", "Prongsai Body"))
    b.p("{{ c.table_caption }}", "Prongsai Caption")
    b.tag("{%p if c.total_change %}")
    b.table(
        [1.6, 7.0, 3.5, 3.9],
        header=["ลำดับที่", "ตัวชี้วัด", "ค่าคะแนน (ร้อยละ)", "เปลี่ยนแปลงจากปีก่อน"],
        loop="c.rows",
        row_cells=[
            ("{{ r.no }}", "Prongsai Cell Centre"),
            ("{{ r.name }}", "Prongsai Cell"),
            ("{{ r.score }}", "Prongsai Cell Centre"),
            ("{{ r.change }}", "Prongsai Cell Centre"),
        ],
        total=[
            ("", "Prongsai Cell"),
            ("{{ c.total_label }} ({{ c.level_line }})", "Prongsai Cell"),
            ("{{ c.total }}", "Prongsai Cell Centre"),
            ("{{ c.total_change }}", "Prongsai Cell Centre"),
        ],
    )
    b.tag("{%p else %}")
    b.table(
        [2.0, 10.0, 4.0],
        header=["ลำดับที่", "ตัวชี้วัด", "ค่าคะแนน (ร้อยละ)"],
        loop="c.rows",
        row_cells=[
            ("{{ r.no }}", "Prongsai Cell Centre"),
            ("{{ r.name }}", "Prongsai Cell"),
            ("{{ r.score }}", "Prongsai Cell Centre"),
        ],
        total=[
            ("", "Prongsai Cell"),
            ("{{ c.total_label }} ({{ c.level_line }})", "Prongsai Cell"),
            ("{{ c.total }}", "Prongsai Cell Centre"),
        ],
    )
    b.tag("{%p endif %}")
    b.p("{{ c.chart_caption }}", "Prongsai Caption")
    b.p("{{ chart }}", "Prongsai Centre")
    b.p("{{ c.low_intro }}", "Prongsai Body")
    b.loop("{%p for line in c.low_list %}", lambda: b.p("{{ line }}", "Prongsai Item"))
    b.p("{{ c.weak_line }}", "Prongsai Body")
    b.tag("{%p for d in c.details %}")
    b.p("{{ d.heading }}", "Prongsai Heading")
    b.tag("{%p for line in d.lines %}")
    b.tag("{%p if line.level %}")
    b.p("{{ line.text }}", "Prongsai Item 2")
    b.tag("{%p else %}")
    b.p("{{ line.text }}", "Prongsai Item")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.p("{{ d.finding }}", "Prongsai Body")
    b.tag("{%p if d.narrative %}")
    b.p("{{ d.narrative }}", "Prongsai Body")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p if c.gains %}")
    b.p("{{ c.gains_heading }}", "Prongsai Caption")
    b.table(
        [1.3, 8.4, 2.9, 3.4],
        header=["ลำดับ", "ประเด็น", "คะแนนปัจจุบัน", "คะแนนรวมเพิ่มขึ้น"],
        loop="c.gains",
        row_cells=[
            ("{{ r.no }}", "Prongsai Cell Centre"),
            ("{{ r.what }}", "Prongsai Cell"),
            ("{{ r.now }}", "Prongsai Cell Centre"),
            ("{{ r.gain }}", "Prongsai Cell Centre"),
        ],
    )
    b.tag("{%p endif %}")
    b.tag("{%p if c.path %}")
    b.p("{{ c.path.heading }}", "Prongsai Caption")
    b.table(
        [1.6, 9.6, 2.6, 2.2],
        header=["ขั้นที่", "การดำเนินการ", "คะแนนรวม", "ระดับ"],
        loop="c.path.steps",
        row_cells=[
            ("{{ r.no }}", "Prongsai Cell Centre"),
            ("{{ r.what }}", "Prongsai Cell"),
            ("{{ r.total }}", "Prongsai Cell Centre"),
            ("{{ r.level }}", "Prongsai Cell Centre"),
        ],
    )
    b.tag("{%p endif %}")
    b.p("{{ c.closing }}", "Prongsai Body").paragraph_format.keep_with_next = True
    b.signature("c.signature", "c.date")
    return b


def implementation() -> Builder:
    b = Builder()
    b.p("{{ c.title }}", "Prongsai Title")
    b.p("{{ c.title2 }}", "Prongsai Title").paragraph_format.space_after = Pt(8)
    b.p("{{ c.intro }}", "Prongsai Body")
    b.tag("{%p for a in c.areas %}")
    b.p("{{ a.heading }}", "Prongsai Heading")
    b.tag("{%p for line in a.lines %}")
    b.tag("{%p if line.kind == 'lead' and loop.first %}")
    b.p("{{ line.text }}", "Prongsai Lead First")
    b.tag("{%p elif line.kind == 'lead' %}")
    b.p("{{ line.text }}", "Prongsai Lead")
    b.tag("{%p elif line.kind == 'item' %}")
    b.p("{{ line.text }}", "Prongsai Item")
    b.tag("{%p elif line.kind == 'sub' %}")
    b.p("{{ line.text }}", "Prongsai Item 2")
    b.tag("{%p else %}")
    b.p("{{ line.text }}", "Prongsai Item 3")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p if a.evidence %}")
    b.p("{{ a.evidence }}", "Prongsai Body")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.signature("c.signature", "c.date")
    return b


BUILDERS = {
    "memo": memo,
    "order": order,
    "announcement": announcement,
    "analysis": analysis,
    "implementation": implementation,
}


def build_docx_templates(out_dir: Path = DOCX_DIR) -> list[Path]:
    return [BUILDERS[kind]().save(Path(out_dir) / f"{kind}.docx") for kind in BUILDERS]


def build_all() -> list[Path]:
    from prongsai.documents.emblem_standin import draw_png
    from prongsai.documents.fontbuild import FONTS_DIR, build_pdf_fonts

    paths = build_pdf_fonts()
    paths.append(draw_png(HERE / "emblem" / "garuda-standin.png", FONTS_DIR / "Sarabun-Bold.ttf", height_px=354))
    paths += build_docx_templates()
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = build_docx_templates() if argv[:1] == ["docx"] else build_all()
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
