"""WeasyPrint made to set Thai as an official document needs it: our line breaks, Thai distributed justification,
a text layer that every reader gets right, and continuation words at the foot of each page.

WeasyPrint lays text out with Pango and draws it itself; four small wrappers around its functions do the rest
(:func:`install`, idempotent, run by ``render_pdf``).  Each checks that the WeasyPrint internal it wraps exists
and raises :class:`WeasyPrintChanged` otherwise, so an upgrade that moves them fails the tests loudly instead
of printing documents with split words.

1. **Line breaks** (``Layout.set_text``): every word of :class:`~prongsai.documents.thaibreak.Lexicon` gets a
   Pango ``allow_breaks = false`` attribute, so a line can end only between two words.  (Word joiners do not
   work here: Pango hands Thai text to libthai, which ignores them and breaks next to them.)
2. **Thai distributed justification** (``inline.justify_line``): CSS ``justify`` widens the spaces only, and a
   Thai line has few; like Word's and LibreOffice's "Thai distributed" alignment, the extra width of a line is
   spread evenly over the gaps between its Thai grapheme clusters and spaces (Pango letter spacing; Latin
   words keep their letters together).  The last line of a paragraph is not stretched.
3. **Text layer** (``draw.text.draw_first_line``): each Thai line is a marked-content span with ``/ActualText``
   (its Unicode text, PDF 32000-1 §14.9.4) for readers that use it (poppler, pdf.js, Acrobat, MuPDF); for those
   that read glyphs only (pdfminer, pypdf) the font maps every glyph to its text in logical order
   (``fontbuild``), and zero-width marks get a small width in the PDF's /W array (cancelled by the positioning
   that follows them, so nothing moves): pdfminer otherwise takes two marks in a row for a line break.
4. **Continuation words** (``layout.make_all_pages`` / ``make_margin_boxes``): once all pages are laid out, the
   first words of each page are known; they are given to the previous page's ``string(prongsai-next)``, which
   the stylesheet prints at the bottom right ("/๕. ข้อเสนอ..."), as typed documents do.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
import re

from prongsai.documents.thaibreak import Lexicon, is_thai, lexicon_of, strip_invisible

CONTINUATION = "prongsai-next"
#: width given in /W to zero-width marks, in 1/1000 of the font size (pdfminer needs > 0)
MARK_WIDTH = 100

_lexicon: contextvars.ContextVar[Lexicon | None] = contextvars.ContextVar("prongsai_lexicon", default=None)
#: the whole text WeasyPrint is breaking into lines: it lays out only a prefix of it at first, whose last word is
#: cut short, so words are looked up in the whole text
_paragraph: contextvars.ContextVar[str] = contextvars.ContextVar("prongsai_paragraph", default="")
_installed = False


class WeasyPrintChanged(RuntimeError):
    """The WeasyPrint internals this module wraps are not where they were (see docs/documents.md)."""


@contextlib.contextmanager
def active(lexicon: Lexicon | None):
    """Lay out and draw with ``lexicon``'s words (the current thread or task only)."""
    token = _lexicon.set(lexicon)
    try:
        yield
    finally:
        _lexicon.reset(token)


def _has_thai(text: str) -> bool:
    return any(is_thai(ch) for ch in text)


def _byte_offsets(text: str) -> list[int]:
    """UTF-8 byte offset of every character position (Pango indexes attributes in bytes)."""
    return [
        0,
        *itertools.accumulate(1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4 for o in map(ord, text)),
    ]


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9@._:/\-]*")


def spacing_runs(text: str) -> list[tuple[int, int]]:
    """Character ranges that distributed justification may spread: all but Latin words (and URLs)."""
    runs, position = [], 0
    for match in _LATIN.finditer(text):
        if match.start() > position:
            runs.append((position, match.start()))
        position = match.end()
    if position < len(text):
        runs.append((position, len(text)))
    return [r for r in runs if text[r[0] : r[1]].strip()]


def install() -> None:
    """Install the four wrappers (once per process)."""
    global _installed
    if _installed:
        return
    try:
        from weasyprint import layout as layout_module
        from weasyprint.draw import text as draw_text
        from weasyprint.layout import inline
        from weasyprint.text import line_break
        from weasyprint.text.ffi import ffi, pango
    except ImportError as exc:  # pragma: no cover - a WeasyPrint without these modules
        raise WeasyPrintChanged(f"WeasyPrint's text modules moved: {exc}") from exc
    for owner, name in (
        (line_break.Layout, "set_text"),
        (draw_text, "draw_first_line"),
        (inline, "justify_line"),
        (inline, "split_first_line"),
        (layout_module, "make_all_pages"),
        (layout_module, "make_margin_boxes"),
        (line_break, "create_layout"),
    ):
        if not callable(getattr(owner, name, None)):
            raise WeasyPrintChanged(f"WeasyPrint has no {getattr(owner, '__name__', owner)}.{name}")
    try:
        pango.pango_attr_allow_breaks_new  # noqa: B018 - declared below if WeasyPrint did not
    except AttributeError:
        ffi.cdef("""
            PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);
            PangoAttrList * pango_attr_list_copy (PangoAttrList *list);
            PangoAttrList * pango_attr_list_ref (PangoAttrList *list);
            int pango_layout_get_width (PangoLayout *layout);
        """)
    _wrap_set_text(line_break, ffi, pango)
    _wrap_draw_first_line(draw_text, ffi, pango)
    _wrap_justify_line(inline, line_break)
    _wrap_pagination(layout_module)
    _installed = True


# ------------------------------------------------------------------------------- 1 + 2: Pango attributes


def _wrap_set_text(line_break, ffi, pango) -> None:
    from weasyprint.text.ffi import TO_UNITS

    original = line_break.Layout.set_text

    @functools.wraps(original)
    def set_text(self, text, justify=False):
        saved = self.__dict__.pop("_prongsai_saved", None)
        if saved is not None and saved[0] == self.layout:  # give WeasyPrint its own attribute list back
            pango.pango_layout_set_attributes(self.layout, saved[1])
        original(self, text, justify)
        lexicon = _lexicon.get()
        current = self.text
        spans = []
        # a layout without a width never wraps (WeasyPrint measures or draws a line already cut): no attributes
        wraps = pango.pango_layout_get_width(self.layout) != -1
        if wraps and lexicon is not None and _has_thai(current):
            whole = _paragraph.get()
            if len(whole) > len(current) and whole.startswith(current):
                end = len(current)  # a word cut short at the end of the prefix stays unbreakable to its end
                spans = [(a, min(b, end)) for a, b in lexicon.word_spans(whole) if a < end and min(b, end) - a > 1]
            else:
                spans = lexicon.word_spans(current)
        spacing = self.__dict__.get("_prongsai_letter_spacing", 0) if justify else 0
        runs = spacing_runs(current) if spacing else []
        if not spans and not runs:
            return
        offsets = _byte_offsets(current)
        base = pango.pango_layout_get_attributes(self.layout)
        if base != ffi.NULL:
            self._prongsai_saved = (self.layout, ffi.gc(pango.pango_attr_list_ref(base), pango.pango_attr_list_unref))
            attrs = pango.pango_attr_list_copy(base)
        else:
            self._prongsai_saved = (self.layout, ffi.NULL)
            attrs = pango.pango_attr_list_new()
        for start, end in spans:
            attr = pango.pango_attr_allow_breaks_new(False)
            attr.start_index, attr.end_index = offsets[start], offsets[end]
            pango.pango_attr_list_insert(attrs, attr)
        for start, end in runs:
            attr = pango.pango_attr_letter_spacing_new(int(spacing * TO_UNITS))
            attr.start_index, attr.end_index = offsets[start], offsets[end]
            pango.pango_attr_list_insert(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)
        pango.pango_attr_list_unref(attrs)

    line_break.Layout.set_text = set_text

    from weasyprint.layout import inline

    original_split = line_break.split_first_line

    @functools.wraps(original_split)
    def split_first_line(text, *args, **kwargs):
        token = _paragraph.set(text)
        try:
            return original_split(text, *args, **kwargs)
        finally:
            _paragraph.reset(token)

    line_break.split_first_line = inline.split_first_line = split_first_line


def _wrap_justify_line(inline, line_break) -> None:
    from weasyprint.formatting_structure import boxes

    original = inline.justify_line

    def text_boxes(box):
        if isinstance(box, boxes.TextBox):
            yield box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    yield from text_boxes(child)

    def width(layout, text, style, spacing):
        layout._prongsai_letter_spacing = spacing
        layout.set_text(text, justify=True)
        return line_break.line_size(layout.get_first_line()[0], style)[0]

    @functools.wraps(original)
    def justify_line(context, line, extra_width):
        texts = list(text_boxes(line))
        if not any(_has_thai(box.text) for box in texts):
            return original(context, line, extra_width)
        # how much each box widens per point of letter spacing on its Thai clusters and spaces: measured on one
        # layout per box (Pango decides how a cluster is spaced), which then draws the box
        layouts, gaps = {}, {}
        for box in texts:
            if spacing_runs(box.text):
                layout = line_break.create_layout(box.text, box.style, context, max_width=None, justification_spacing=0)
                natural = width(layout, box.text, box.style, 0)
                gaps[id(box)] = max(0.0, width(layout, box.text, box.style, 1) - natural)
                layouts[id(box)] = layout
        total = sum(gaps.values())
        if total <= 0:
            return original(context, line, extra_width)
        spacing = extra_width / total
        _distribute(line, context, spacing, gaps, layouts, 0, width, boxes)

    inline.justify_line = justify_line


def _distribute(box, context, spacing, gaps, layouts, x_advance, width, boxes):
    """Like WeasyPrint's ``add_word_spacing``, with letter spacing on the Thai runs of each text box."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        gap = gaps.get(id(box), 0)
        if gap:
            layout = layouts[id(box)]
            width(layout, box.text, box.style, spacing)  # kept on the layout: drawing sets the text again
            layout.deactivate()
            box.pango_layout = layout
            box.justification_spacing = 0
            box.width += spacing * gap
            x_advance += spacing * gap
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _distribute(child, context, spacing, gaps, layouts, x_advance, width, boxes)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


# ------------------------------------------------------------------------------------------ 3: text layer


def _wrap_draw_first_line(draw_text, ffi, pango) -> None:
    import pydyf

    original = draw_text.draw_first_line

    def seed_mark_widths(stream, textbox):
        line, _ = textbox.pango_layout.get_first_line()
        run = line.runs[0] if line is not None and line.runs != ffi.NULL else ffi.NULL
        while run != ffi.NULL:
            item = run.data
            run = run.next
            pango_font = item.item.analysis.font
            font, _ = stream.add_font(pango_font)
            glyphs = item.glyphs
            for info in glyphs.glyphs[0 : glyphs.num_glyphs]:
                glyph = info.glyph
                if glyph in font.widths or glyph == pango.PANGO_GLYPH_EMPTY or glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    continue
                pango.pango_font_get_glyph_extents(pango_font, glyph, stream.ink_rect, stream.logical_rect)
                if stream.logical_rect.width == 0:
                    font.widths[glyph] = MARK_WIDTH

    @functools.wraps(original)
    def draw_first_line(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "") or ""
        # Thai letters only: a line of digits ("- ๒ -") has no marks to reorder, and poppler joins a lone
        # ActualText page number to the next line of text
        if not any("\u0e01" <= ch <= "\u0e4e" for ch in text) or not hasattr(stream, "begin_marked_content"):
            return original(stream, textbox, *args, **kwargs)
        seed_mark_widths(stream, textbox)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(strip_invisible(text))}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.draw_first_line = draw_first_line


# ---------------------------------------------------------------------------------- 4: continuation words


def _wrap_pagination(layout_module) -> None:
    original_pages = layout_module.make_all_pages
    original_margins = layout_module.make_margin_boxes

    @functools.wraps(original_pages)
    def make_all_pages(context, root_box, html, pages):
        made = list(original_pages(context, root_box, html, pages))
        context._prongsai_pages = made
        yield from made

    @functools.wraps(original_margins)
    def make_margin_boxes(context, page, state):
        pages = getattr(context, "_prongsai_pages", None)
        if pages:
            number = context.current_page  # 1-based; pages[number] is the next page
            following = first_line_text(pages[number]) if number < len(pages) else ""
            context.string_set[CONTINUATION][number] = [continuation(following, _lexicon.get())]
        return original_margins(context, page, state)

    layout_module.make_all_pages = make_all_pages
    layout_module.make_margin_boxes = make_margin_boxes


def first_line_text(page) -> str:
    """The text of the first line of a laid-out page (all cells of a table row), before its margin boxes."""
    from weasyprint.formatting_structure import boxes

    root = page.children[0]
    first_y, parts = None, []
    for box in root.descendants():
        if isinstance(box, boxes.LineBox):
            texts = [b.text for b in box.descendants() if isinstance(b, boxes.TextBox)]
            if not "".join(texts).strip():
                continue
            if first_y is None:
                first_y = box.position_y
            elif abs(box.position_y - first_y) > 1:
                break
            parts.append("".join(texts).strip())
    return " ".join(parts)


_NUMBERING = re.compile(r"^(?:\(?[๐-๙0-9]+(?:\.[๐-๙0-9]+)*[.)]|[-•])$")


def continuation(text: str, lexicon: Lexicon | None = None, minimum: int = 8) -> str:
    """The continuation words for the foot of a page: "/" + the first words of the next page + "...".

    A numbering ("๕.", "(๑.๒)", "-") is kept with the words after it; words are added (whole, as the
    segmenter cuts them) until they hold ``minimum`` Thai letters: "/๕. ข้อเสนอ...", "/๓. ด้านการปรับปรุง...",
    "/๖ เดือน และ...".
    """
    parts = strip_invisible(text).split()
    if not parts:
        return ""
    head: list[str] = []
    if _NUMBERING.match(parts[0]) and len(parts) > 1:
        head.append(parts.pop(0))
    letters = 0
    for part in parts:
        taken = ""
        for word in (lexicon or lexicon_of()).tokens(part) if _has_thai(part) else (part,):
            taken += word
            letters += sum(1 for ch in word if "\u0e01" <= ch <= "\u0e4e" or ch.isalpha())
            if letters >= minimum:
                break
        head.append(taken)
        if letters >= minimum:
            break
    return "/" + " ".join(head) + "..."
