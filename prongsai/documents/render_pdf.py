"""PDF rendering: Jinja2 HTML templates + one stylesheet → WeasyPrint, with a correct Thai text layer.

The text layer (what ``pdftotext``, search and screen readers read) is made right in two ways, both needed:

- the font: "Prongsai Sarabun" (``fontbuild``) gives the glyphs of a decomposed SARA AM their own glyph ids,
  so the PDF's ToUnicode map is unambiguous ("สำนักงาน", not "สานักงาน" or "กำร");
- the order: WeasyPrint places a Thai mark glyph at its pen position plus its offset, which can be to the
  right of the next letter's origin (bold ที่ → "ทีก่"), and raised marks get a text rise; extractors then
  reorder or split the text.  Every line of Thai text is therefore wrapped in a marked-content span with
  ``/ActualText`` (PDF 32000-1 §14.9.4) holding the line's real Unicode text, which poppler, pdf.js and Acrobat
  use instead of guessing from glyph positions.  This is :func:`install_text_layer_fix`, a small wrapper
  around WeasyPrint's ``draw_first_line``; it only touches text boxes with Thai characters.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path

import jinja2
import markupsafe
from jinja2.sandbox import ImmutableSandboxedEnvironment

from prongsai.documents import charts
from prongsai.documents.context import DOCUMENTS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates" / "html"
FONTS = HERE / "fonts"
STANDIN_EMBLEM = HERE / "emblem" / "garuda-standin.png"
EMBLEM_ENV = "PRONGSAI_GARUDA"

_lock = threading.Lock()


def emblem_path(emblem: str | os.PathLike | None = None) -> Path:
    """The Garuda emblem to print: the argument, else $PRONGSAI_GARUDA, else the bundled stand-in."""
    chosen = emblem or os.environ.get(EMBLEM_ENV) or STANDIN_EMBLEM
    path = Path(chosen).expanduser().resolve()
    if not path.is_file():
        source = "argument" if emblem else EMBLEM_ENV
        raise FileNotFoundError(f"Garuda emblem not found: {path} (from the {source})")
    return path


WORD_JOINER = "\u2060"
#: a period inside a Thai abbreviation (สพป.สมุทรสาคร, ป.ป.ช., มิ.ย.) is no place to break a line
_ABBREVIATION_DOT = re.compile(r"(?<=[\u0e01-\u0e4e])\.(?=[\u0e01-\u0e4e])")


def no_break_abbreviations(value):
    """Jinja ``finalize``: glue Thai abbreviations with WORD JOINER (dropped again from the text layer)."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup) and "." in value:
        return _ABBREVIATION_DOT.sub("." + WORD_JOINER, value)
    return value


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def install_text_layer_fix() -> bool:
    """Wrap WeasyPrint's line drawing so that Thai lines carry /ActualText (idempotent; False if unsupported)."""
    try:
        import pydyf
        from weasyprint.draw import text as draw_text_module
    except ImportError:  # pragma: no cover - a WeasyPrint without the draw.text module
        return False
    original = getattr(draw_text_module, "draw_first_line", None)
    if original is None:  # pragma: no cover
        return False
    if getattr(original, "_prongsai_actual_text", False):
        return True

    @functools.wraps(original)
    def draw_first_line(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "") or ""
        if not _is_thai(text) or not hasattr(stream, "begin_marked_content"):
            return original(stream, textbox, *args, **kwargs)
        actual = text.replace(WORD_JOINER, "")
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(actual)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_first_line._prongsai_actual_text = True  # type: ignore[attr-defined]
    draw_text_module.draw_first_line = draw_first_line
    return True


@functools.lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(TEMPLATES))]
    if template_dir:
        loaders.insert(0, jinja2.FileSystemLoader(template_dir))
    # sandboxed like every template the platform renders (these are ours or the operator's, not uploads)
    return ImmutableSandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, trim_blocks=True,
                                         lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                                         finalize=no_break_abbreviations)


@functools.lru_cache(maxsize=8)
def _stylesheet(template_dir: str | None, mtime: float):
    """The parsed stylesheet and its font configuration, shared by every document (parsing fonts is slow)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    css_file = Path(template_dir) / "base.css" if template_dir and (Path(template_dir) / "base.css").is_file() \
        else TEMPLATES / "base.css"
    text = css_file.read_text(encoding="utf-8").replace("{{ fonts }}", FONTS.as_uri())
    fonts = FontConfiguration()
    return CSS(string=text, font_config=fonts, base_url=str(css_file.parent)), fonts


# free the cached FontConfiguration before the interpreter tears its C bindings down
atexit.register(_stylesheet.cache_clear)


def _css(template_dir: str | None):
    css_file = Path(template_dir) / "base.css" if template_dir and (Path(template_dir) / "base.css").is_file() \
        else TEMPLATES / "base.css"
    return _stylesheet(template_dir, css_file.stat().st_mtime)


def render_html(kind: str, context: Mapping, *, emblem: str | os.PathLike | None = None,
                template_dir: str | os.PathLike | None = None) -> str:
    """The HTML of one document (``kind`` in DOCUMENTS); the stylesheet is applied by :func:`render_pdf`."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document {kind!r} (known: {', '.join(DOCUMENTS)})")
    env = _environment(str(template_dir) if template_dir else None)
    extra = {}
    if kind == "analysis":
        extra["chart_svg"] = charts.svg(context["chart"])
    return env.get_template(f"{kind}.html").render(c=context, emblem=emblem_path(emblem).as_uri(), **extra)


def render_pdf(kind: str, context: Mapping, out: str | os.PathLike | None = None, *,
               emblem: str | os.PathLike | None = None, template_dir: str | os.PathLike | None = None) -> bytes:
    """Render one document to PDF; writes ``out`` when given and returns the bytes either way."""
    from weasyprint import HTML

    install_text_layer_fix()
    html = render_html(kind, context, emblem=emblem, template_dir=template_dir)
    css, fonts = _css(str(template_dir) if template_dir else None)
    with _lock:  # a FontConfiguration is not safe to share between threads while rendering
        data = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(stylesheets=[css], font_config=fonts)
    if out is not None:
        Path(out).write_bytes(data)
    return data
