"""PDF rendering: Jinja2 HTML templates + one stylesheet → WeasyPrint, set as an official Thai document.

``pdf_thai`` makes WeasyPrint break Thai lines only between words (the pack's ``Lexicon``), justify them the
Thai distributed way, write a text layer that poppler, MuPDF, pdfminer and pypdf all read right, and print the
continuation words at the foot of each page; ``fontbuild`` gives the font one glyph per SARA AM and the
TH Sarabun New size.  See docs/documents.md.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from prongsai import config  # the one reader of the environment (docs/configuration.md)
from prongsai.core.atomicfile import atomic_write
from prongsai.documents import charts, pdf_thai
from prongsai.documents.context import DOCUMENTS
from prongsai.documents.thaibreak import lexicon_of

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates" / "html"
FONTS = HERE / "fonts"
STANDIN_EMBLEM = HERE / "emblem" / "garuda-standin.png"
EMBLEM_ENV = "PRONGSAI_GARUDA"

_lock = threading.Lock()


def emblem_path(emblem: str | os.PathLike | None = None) -> Path:
    """The Garuda emblem to print: the argument, else $PRONGSAI_GARUDA, else the bundled stand-in."""
    chosen = emblem or config.garuda_emblem() or STANDIN_EMBLEM
    path = Path(chosen).expanduser().resolve()
    if not path.is_file():
        source = "argument" if emblem else EMBLEM_ENV
        raise FileNotFoundError(f"Garuda emblem not found: {path} (from the {source})")
    return path


@functools.lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(TEMPLATES))]
    if template_dir:
        loaders.insert(0, jinja2.FileSystemLoader(template_dir))
    # sandboxed like every template the platform renders (these are ours or the operator's, not uploads)
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def load_weasyprint() -> Any:
    """Import WeasyPrint without its library search: about 0.1 s of CPU and up to 0.3 s of a loaded machine.

    WeasyPrint opens each C library (GObject, Pango, HarfBuzz, fontconfig …) by a list of names, the Windows
    and macOS ones first; cffi hands every name it cannot open to ``ctypes.util.find_library``, which on Linux
    runs ``ldconfig -p``, ``gcc`` and ``ld`` for each of them (24 names, none found: the lists end with the
    Linux sonames, which the dynamic loader opens directly).  While the import runs, ``find_library`` answers
    "not found" at once; if that leaves a library unopened (a system whose sonames WeasyPrint does not list),
    the import is done again with the real search.  Only in a process without other threads, which could call
    ``find_library`` meanwhile.
    """
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux") or threading.active_count() > 1:
        import weasyprint

        return weasyprint
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


@functools.lru_cache(maxsize=8)
def _stylesheet(template_dir: str | None, mtime: float) -> tuple[Any, Any]:
    """The parsed stylesheet and its font configuration, shared by every document (parsing fonts is slow)."""
    load_weasyprint()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    css_file = (
        Path(template_dir) / "base.css"
        if template_dir and (Path(template_dir) / "base.css").is_file()
        else TEMPLATES / "base.css"
    )
    text = css_file.read_text(encoding="utf-8").replace("{{ fonts }}", FONTS.as_uri())
    fonts = FontConfiguration()
    return CSS(string=text, font_config=fonts, base_url=str(css_file.parent)), fonts


# free the cached FontConfiguration before the interpreter tears its C bindings down
atexit.register(_stylesheet.cache_clear)


def _css(template_dir: str | None) -> tuple[Any, Any]:
    css_file = (
        Path(template_dir) / "base.css"
        if template_dir and (Path(template_dir) / "base.css").is_file()
        else TEMPLATES / "base.css"
    )
    return _stylesheet(template_dir, css_file.stat().st_mtime)


def prepare(template_dir: str | os.PathLike | None = None) -> None:
    """Import WeasyPrint, install the Thai wrappers, parse the stylesheet and load the Thai dictionary now
    (before a fork: the PDF workers of ``render_pack`` then start with all of it done)."""
    from prongsai.documents.thaibreak import lexicon_of

    load_weasyprint()

    pdf_thai.install()
    _css(str(template_dir) if template_dir else None)
    lexicon_of().tokens("ไทย")


def render_html(
    kind: str,
    context: Mapping,
    *,
    emblem: str | os.PathLike | None = None,
    template_dir: str | os.PathLike | None = None,
    signed: Mapping | None = None,
) -> str:
    """The HTML of one document (``kind`` in DOCUMENTS); the stylesheet is applied by :func:`render_pdf`.

    ``signed`` (``signoff.Stamp.as_context()``) prints the director's approval in the signature block."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document {kind!r} (known: {', '.join(DOCUMENTS)})")
    env = _environment(str(template_dir) if template_dir else None)
    extra = {}
    if kind == "analysis":
        extra["chart_svg"] = charts.svg(context["chart"])
    return env.get_template(f"{kind}.html").render(
        c=context, emblem=emblem_path(emblem).as_uri(), signed=signed, **extra
    )


def render_pdf(
    kind: str,
    context: Mapping,
    out: str | os.PathLike | None = None,
    *,
    emblem: str | os.PathLike | None = None,
    template_dir: str | os.PathLike | None = None,
    signed: Mapping | None = None,
) -> bytes:
    """Render one document to PDF; writes ``out`` when given and returns the bytes either way."""
    HTML = load_weasyprint().HTML
    pdf_thai.install()
    html = render_html(kind, context, emblem=emblem, template_dir=template_dir, signed=signed)
    css, fonts = _css(str(template_dir) if template_dir else None)
    lexicon = lexicon_of(tuple(context.get("words", ())))
    with _lock, pdf_thai.active(lexicon):  # a FontConfiguration is not safe to share between threads
        data = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(stylesheets=[css], font_config=fonts)
    if out is not None:
        # whole or not at all (a fallback render may write the path a dying PDF worker was writing);
        # 0o666 less the umask, as a plain write would
        atomic_write(out, data, mode=0o666)
    return data
