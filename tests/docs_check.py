"""Checks of rendered documents shared by the document tests: the PDF text as four readers see it, the lines as
printed, words split across lines, and LibreOffice for the DOCX.

Readers: poppler (``pdftotext``), MuPDF (PyMuPDF), pdfminer.six and pypdf.  Without poppler or LibreOffice the
tests that need them skip, except under PRONGSAI_CI=1, where they fail (``.ci/run`` installs both).
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prongsai.documents.thaibreak import Lexicon, strip_invisible

#: the words the issue names, whatever the dictionary says: a line must never end inside one of them
NAMED_WORDS = ("ตัวชี้วัด", "ประถมศึกษา", "ประสิทธิภาพ", "หน่วยงาน", "สถานศึกษา", "คณะกรรมการ", "รักษาราชการแทน")


def require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("PRONGSAI_CI") == "1":
            pytest.fail(f"{tool} ({package}) is required under PRONGSAI_CI=1")
        pytest.skip(f"{tool} ({package}) is not installed")
    return path


def squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u200b\u2060]+", "", text)


# ------------------------------------------------------------------------------------------ four readers


def read_poppler(path: Path) -> str:
    tool = require("pdftotext", "poppler-utils")
    return subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True).stdout


def read_mupdf(path: Path) -> str:
    import pymupdf

    with pymupdf.open(str(path)) as document:
        return "\n".join(page.get_text() for page in document)


def read_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def read_pypdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


READERS = {"poppler": read_poppler, "mupdf": read_mupdf, "pdfminer": read_pdfminer, "pypdf": read_pypdf}


class _Blocks(HTMLParser):
    """The text of each block of an HTML document (what a reader should find, in order)."""

    BLOCKS = frozenset({"p", "td", "th", "h1", "h2", "h3", "title", "text", "li"})

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in self.BLOCKS and self._open:
            text = " ".join("".join(self._open.pop()).split())
            if tag != "title" and text:
                self.blocks.append(text)

    def handle_data(self, data):
        if self._open:
            self._open[-1].append(data)


def html_blocks(html: str) -> list[str]:
    parser = _Blocks()
    parser.feed(html)
    return parser.blocks


# ------------------------------------------------------------------------------------------- line breaks


def pdf_lines(path: Path) -> list[str]:
    """The printed lines of a PDF, page by page, as MuPDF groups its glyphs by baseline (margin texts too)."""
    import pymupdf

    lines: list[str] = []
    with pymupdf.open(str(path)) as document:
        for page in document:
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    text = "".join(span["text"] for span in line["spans"])
                    if text.strip():
                        lines.append(strip_invisible(text))
    return lines


#: lines that are not text: page numbers "- ๒ -", continuation words "/๕. ข้อเสนอ..."
DECORATION = re.compile(r"^\s*(?:-\s*[๐-๙0-9]+\s*-|/.*\.\.\.)\s*$")
#: a line that starts a numbered item: the line before it ends a paragraph
NUMBERED = re.compile(r"^\s*(?:\(?[๐-๙0-9]+(?:\.[๐-๙0-9]+)*[.)]|-\s)")


def text_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """Consecutive lines that may be one paragraph's (page numbers and continuation words left out)."""
    text = [line for line in lines if not DECORATION.match(line)]
    return [(a, b) for a, b in itertools.pairwise(text) if not NUMBERED.match(b)]


def without_decoration(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not DECORATION.match(line))


def split_words(lines: list[str], lexicon: Lexicon, extra: Iterable[str] = NAMED_WORDS) -> list[str]:
    """Every place where a line ends inside a protected word: a term, a name, "พ.ศ. ๒๕๖๓", or one of ``extra``.

    Each pair of consecutive lines is joined where they meet; a protected word found across the junction is a
    word split across lines.  (Pairs that are not one paragraph's lines, such as a heading and the next
    paragraph, cannot make such a word by accident unless the two texts happen to continue one word.)"""
    extra_pattern = re.compile("|".join(re.escape(w) for w in extra))
    found = []
    for before, after in text_pairs(lines):
        tail, head = before.rstrip()[-40:], after.lstrip()[:40]
        if not tail or not head or before.endswith(" "):
            continue
        joined = tail + head
        cut = len(tail)
        spans = lexicon.protected_spans(joined) + [m.span() for m in extra_pattern.finditer(joined)]
        for start, end in spans:
            if start < cut < end:
                found.append(f"{joined[start:cut]}|{joined[cut:end]}  ({tail[-20:]} / {head[:20]})")
    return found


def _letter(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4e"


def unsegmented_breaks(lines: list[str], lexicon: Lexicon) -> list[str]:
    """Line ends between two Thai letters that the segmenter does not put between two words."""
    found = []
    for before, after in text_pairs(lines):
        tail, head = before.rstrip()[-30:], after.lstrip()[:30]
        if not tail or not head or before.endswith(" ") or not (_letter(tail[-1]) and _letter(head[0])):
            continue
        if len(tail) not in set(lexicon.break_offsets(tail + head)):
            found.append(f"{tail}|{head}")
    return found


# --------------------------------------------------------------------------------------------- LibreOffice


_profile: Path | None = None


def _lo_profile() -> Path:
    """One LibreOffice profile per test process (its first start is the slow part), removed at exit."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="prongsai-lo-"))
        atexit.register(shutil.rmtree, _profile, ignore_errors=True)
    return _profile


def docx_to_pdfs(docx: list[Path], out_dir: Path) -> list[Path]:
    """Convert with LibreOffice, headless, all files in one start, with this process's own profile (so that
    parallel runs do not collide); returns the PDFs in the order given."""
    soffice = require("soffice", "libreoffice-writer-nogui")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={_lo_profile().as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [out_dir / (path.stem + ".pdf") for path in docx]


def page_count(pdf: Path) -> int:
    import pymupdf

    with pymupdf.open(str(pdf)) as document:
        return document.page_count
