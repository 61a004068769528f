"""The text of an evidence file or page (HTML, plain text, DOCX, XLSX, PDF), for the fiscal-year and keyword checks.

Two walls stand between a hostile file and the machine:

1. :mod:`prongsai.core.safefiles` counts before anything inflates (ZIP directory and streams, PDF streams);
2. archives and PDFs, the formats that inflate, are read in a **child process** (``python -m
   prongsai.core.extract``) that first lowers its own address-space limit (``RLIMIT_AS``) and CPU limit, and
   that the parent kills when its wall-clock time is up.  Whatever a file does to a library (pypdf, zlib),
   the web server or the worker only sees a refusal.

HTML and plain text are read in this process: the body is already capped by the fetch or upload size, and the
readers below are linear in it (no regular expression here can backtrack over the whole body).

:func:`extract` returns an :class:`Extracted`; a refused file has ``problem`` set (code, English, Thai) and no
text.  Pure Python, standard library plus pypdf; no Django.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from io import BytesIO
from pathlib import Path

from prongsai import config  # the one reader of the environment (docs/configuration.md)
from prongsai.core import safefiles
from prongsai.core.safefiles import FileTooComplex

logger = logging.getLogger(__name__)

# The child's address space (RLIMIT_AS; Python with pypdf maps ~45 MB before reading anything) and the wall-clock
# seconds before the parent kills it (also its CPU seconds) come from config.extract_limits() (512 MB, 30 s).
#: XML of an office file read for its text (the rest of the file is not read: the text is then partial)
MAX_TEXT_XML_BYTES = 64 * safefiles.MiB
#: characters of text kept (a longer text is cut and reported as partial)
MAX_TEXT_CHARS = 4_000_000
#: PDF pages whose text is read
MAX_PDF_TEXT_PAGES = 200
CHILD_KINDS = ("docx", "xlsx", "zip", "pdf")


@dataclass
class Extracted:
    text: str = ""
    extracted: bool = False  # True: the text is complete and trustworthy; False: best effort (or nothing)
    problem: FileTooComplex | None = None
    kind: str = ""


def settings_from_env() -> tuple[int, float]:
    """(memory bytes, timeout seconds) of the child: ``PRONGSAI_EXTRACT_MEMORY_MB``, ``PRONGSAI_EXTRACT_TIMEOUT``
    (read, like every variable, through ``prongsai.config``)."""
    return config.extract_limits()


# ---------------------------------------------------------------------------------------------- the kinds


def sniff_kind(body: bytes, content_type: str = "") -> str:
    """pdf, docx, xlsx, zip, image, html, text or binary; a ZIP package is recognised from its directory only
    (which :class:`safefiles.SafeZip` checks first), never by inflating it."""
    ct = content_type.split(";")[0].strip().lower()
    if body.startswith(b"%PDF-") or ct == "application/pdf":
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            return safefiles.package_kind(body)
        except FileTooComplex as exc:
            return "zip" if exc.code != "not_zip" else "binary"
    if body.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or ct.startswith("image/"):
        return "image"
    if ct in ("text/html", "application/xhtml+xml") or body.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    if ct.startswith("text/") or ct in ("application/json", "application/xml"):
        return "text"
    return "html" if b"<html" in body[:2048].lower() else "binary"


def decode(body: bytes, content_type: str = "") -> str:
    """Bytes → text: the declared charset, else a <meta> charset, else UTF-8, else Thai Windows-874 (TIS-620)."""
    candidates = []
    m = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    if m:
        candidates.append(m.group(1))
    meta = re.search(rb"<meta[^>]{0,500}charset=[\"']?([\w-]+)", body[:4096], re.IGNORECASE)
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp874"]
    for charset in candidates:
        charset = {"tis-620": "cp874", "tis620": "cp874", "windows-874": "cp874"}.get(charset.lower(), charset)
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


_RAW_TEXT_TAG = re.compile(r"<(script|style|noscript)\b")
_ALT_TITLE = re.compile(r"(?i)\b(?:alt|title)\s*=\s*[\"']([^\"'<>]{0,2000})")


def html_text(html: str) -> str:
    """The visible text of an HTML page, plus alt/title attributes (scans are often images with a caption).

    One pass from left to right: every search starts where the last one ended, so the time is linear in the
    page whatever it holds (thousands of unclosed ``<script`` or ``<!--`` cost nothing extra)."""
    lower = html.lower()
    out: list[str] = []
    attributes: list[str] = []
    pos, n = 0, len(html)
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            out.append(html[pos:])
            break
        out.append(html[pos:lt])
        if lower.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            if end < 0:
                break
            pos = end + 3
            out.append(" ")
            continue
        raw = _RAW_TEXT_TAG.match(lower, lt)
        if raw:
            end = lower.find("</" + raw.group(1), raw.end())
            if end < 0:
                break
            gt = html.find(">", end)
            if gt < 0:
                break
            pos = gt + 1
            out.append(" ")
            continue
        gt = html.find(">", lt + 1)
        if gt < 0:  # no tag can close after this point: the rest is text
            out.append(html[lt:])
            break
        tag = html[lt : gt + 1]
        if "=" in tag:
            attributes.extend(_ALT_TITLE.findall(tag))
        out.append(" ")
        pos = gt + 1
    return unescape("".join(out) + " " + " ".join(attributes))


def _xml_text(chunks: Iterable[bytes]) -> str:
    """Text of an XML stream (tags removed) without holding the XML: chunks are cut after their last ``>``."""
    out: list[str] = []
    carry = ""
    for chunk in chunks:
        buffer = carry + chunk.decode("utf-8", "ignore")
        cut = buffer.rfind(">") + 1
        if cut == 0 and len(buffer) > 65_536:
            cut = len(buffer)
        out.append(re.sub(r"<[^<>]*>", " ", buffer[:cut]))
        carry = buffer[cut:]
    out.append(re.sub(r"<[^<>]*>", " ", carry))
    return unescape(" ".join(out))


def office_text(body: bytes, limits: safefiles.Limits = safefiles.DEFAULT) -> tuple[str, bool]:
    """Text of the XML parts of a DOCX/XLSX (word/*, xl/*, not themes or styles), read as streams; at most
    ``MAX_TEXT_XML_BYTES`` of XML are read (then the text is partial: ``False``)."""
    parts: list[str] = []
    budget = MAX_TEXT_XML_BYTES
    complete = True
    with safefiles.SafeZip(body, limits) as package:
        for info in package.infos:
            name = info.filename
            if not (name.endswith(".xml") and name.startswith(("word/", "xl/"))) or "theme" in name or "styles" in name:
                continue
            if info.file_size > budget:
                complete = False
                continue
            budget -= info.file_size
            parts.append(_xml_text(package.chunks(name)))
    return " ".join(parts), complete


def pdf_text(body: bytes, limits: safefiles.Limits = safefiles.DEFAULT) -> tuple[str, bool]:
    """Text of a PDF: ``safefiles.scan_pdf`` first; then pypdf (first ``MAX_PDF_TEXT_PAGES`` pages); if pypdf
    finds nothing, the literal strings of the raw and Flate-decoded content streams (best effort)."""
    safefiles.scan_pdf(body, limits)
    try:
        import pypdf
    except ImportError:  # pragma: no cover - pypdf is a dependency
        pypdf = None  # type: ignore[assignment]  # then only the raw streams are read, below
    if pypdf is not None:
        try:
            reader = pypdf.PdfReader(BytesIO(body))
            if len(reader.pages) > limits.max_pdf_pages:
                raise safefiles.too_complex(
                    "pdf_pages",
                    f"the PDF has {len(reader.pages):,} pages",
                    f"PDF มี {len(reader.pages):,} หน้า (ไม่เกิน {limits.max_pdf_pages:,} หน้า)",
                )
            text = "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PDF_TEXT_PAGES])
            if text.strip():
                return text, len(reader.pages) <= MAX_PDF_TEXT_PAGES
        except (FileTooComplex, MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged PDF falls back to the byte scan
            logger.info("pypdf could not read a PDF (%s); scanning its bytes", exc)
    return _pdf_strings(body, limits), False


def _pdf_strings(body: bytes, limits: safefiles.Limits) -> str:
    """Literal and UTF-16 hex strings of the raw bytes and of every Flate stream (inflated within the budget)."""
    text: list[str] = []
    budget = limits.max_pdf_inflated_bytes

    def strings(chunk: bytes) -> None:
        # literal strings in text operators: (…) Tj / [(…)] TJ; plus the raw bytes read as Latin-1 for metadata
        text.extend(s.decode("latin-1") for s in re.findall(rb"\(((?:[^()\\]|\\.){1,2000})\)", chunk))
        for hexstr in re.findall(rb"<([0-9A-Fa-f\s]{8,4000})>", chunk):
            digits = re.sub(rb"\s", b"", hexstr)
            if len(digits) % 2 == 0:
                raw = bytes.fromhex(digits.decode())
                if raw.startswith(b"\xfe\xff"):
                    text.append(raw[2:].decode("utf-16-be", "ignore"))

    strings(body)
    for match in re.finditer(rb"stream\r?\n", body):
        end = body.find(b"endstream", match.end())
        data = body[match.end() : end if end >= 0 else len(body)]
        decompressor = zlib.decompressobj()
        try:
            out = decompressor.decompress(data, min(budget, 8 * safefiles.MiB))
        except zlib.error:
            continue
        budget -= len(out)
        strings(out)
        if budget <= 0:
            break
    return " ".join(text)


def text_of(body: bytes, content_type: str = "", limits: safefiles.Limits = safefiles.DEFAULT) -> Extracted:
    """Extract in this process (the child calls this; HTML and text are always read this way)."""
    kind = sniff_kind(body, content_type)
    try:
        if kind == "html":
            text, complete = html_text(decode(body, content_type)), True
        elif kind == "text":
            text, complete = decode(body, content_type), True
        elif kind == "docx":
            text, complete = office_text(body, limits)
        elif kind == "xlsx":
            safefiles.scan_xlsx(body, limits)  # the same sheet limits as imports: a workbook anyone may open
            text, complete = office_text(body, limits)
        elif kind == "pdf":
            text, complete = pdf_text(body, limits)
        elif kind == "zip":
            safefiles.check_zip(body, limits)
            text, complete = "", False
        else:
            text, complete = "", False
    except FileTooComplex as exc:
        return Extracted(problem=exc, kind=kind)
    if len(text) > MAX_TEXT_CHARS:
        text, complete = text[:MAX_TEXT_CHARS], False
    return Extracted(text=text, extracted=complete, kind=kind)


# ------------------------------------------------------------------------------------------- the child


def _child_failure(code: str, en: str, th: str, kind: str) -> Extracted:
    return Extracted(problem=safefiles.too_complex(code, en, th), kind=kind)


def extract(
    body: bytes,
    content_type: str = "",
    *,
    isolate: bool = True,
    memory: int | None = None,
    timeout: float | None = None,
) -> Extracted:
    """The text of ``body``.  Archives and PDFs are read in a child process with ``memory`` bytes of address
    space and ``timeout`` seconds (defaults: ``settings_from_env()``); ``isolate=False`` reads them here (only
    for callers that are themselves such a child)."""
    kind = sniff_kind(body, content_type)
    if not isolate or kind not in CHILD_KINDS:
        return text_of(body, content_type)
    if kind in ("docx", "xlsx", "zip"):
        try:  # the directory checks are cheap: a package refused by them needs no child
            safefiles.check_zip(body)
        except FileTooComplex as exc:
            return Extracted(problem=exc, kind=kind)
    default_memory, default_timeout = settings_from_env()
    memory = memory or default_memory
    timeout = timeout or default_timeout
    # the child gets this process's module path and skips ``site`` (-S): it starts faster, and imports the
    # same pypdf and prongsai as the parent
    package_root = str(Path(__file__).resolve().parent.parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(dict.fromkeys([package_root, *(p for p in sys.path if p)])),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        sys.executable,
        "-S",
        "-m",
        "prongsai.core.extract",
        "--child",
        content_type[:200],
        str(memory),
        str(int(timeout) + 1),
    ]
    try:
        done = subprocess.run(command, input=body, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child (SIGKILL) and reaped it
        return _child_failure(
            "timeout",
            f"reading the file took longer than {timeout:g} s",
            f"อ่านเนื้อหาไฟล์ไม่เสร็จภายใน {timeout:g} วินาที",
            kind,
        )
    if done.returncode == 0:
        try:
            answer = json.loads(done.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            answer = None
        if isinstance(answer, dict):
            if answer.get("ok"):
                return Extracted(text=answer.get("text", ""), extracted=bool(answer.get("extracted")), kind=kind)
            return Extracted(
                problem=FileTooComplex(answer.get("code", "refused"), answer.get("en", ""), answer.get("th", "")),
                kind=kind,
            )
    logger.warning(
        "text extraction child failed (exit %s): %s", done.returncode, done.stderr.decode("utf-8", "replace")[-2000:]
    )
    mb = memory // safefiles.MiB
    return _child_failure(
        "memory",
        f"reading the file needed more than {mb} MB or crashed (exit {done.returncode})",
        f"การอ่านเนื้อหาไฟล์ต้องใช้หน่วยความจำเกิน {mb} MB",
        kind,
    )


def _limit_self(memory: int, cpu_seconds: int) -> None:
    """Lower this process's own limits (inherited by nothing: the child starts no process)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX: the parent's wall clock is the only limit
        return
    for limit, value in (
        (getattr(resource, "RLIMIT_AS", None), memory),
        (getattr(resource, "RLIMIT_CPU", None), cpu_seconds),
        (getattr(resource, "RLIMIT_NPROC", None), 0),  # never starts a process
        (getattr(resource, "RLIMIT_FSIZE", None), 0),
    ):  # never writes a file
        if limit is None:
            continue
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            if limit != getattr(resource, "RLIMIT_NPROC", None):
                logger.warning("could not set resource limit %s", limit)


def _child_main(argv: list[str]) -> int:
    content_type, memory, cpu_seconds = argv[0], int(argv[1]), int(argv[2])
    _limit_self(memory, cpu_seconds)
    body = sys.stdin.buffer.read()
    try:
        try:
            result = text_of(body, content_type)
        except RecursionError:
            result = Extracted(
                problem=safefiles.too_complex(
                    "recursion", "the file's structure nests too deeply", "โครงสร้างภายในไฟล์ซ้อนกันลึกเกินไป"
                )
            )
        except MemoryError:
            raise  # the limit doing its work: answered below
        except Exception as exc:  # noqa: BLE001 - a reader's bug: the file is kept, its text is just not read
            print(f"text extraction failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            result = Extracted(text="", extracted=False)
        if result.problem is not None:
            answer = {"ok": False, "code": result.problem.code, "en": result.problem.en, "th": result.problem.th}
        else:
            answer = {"ok": True, "text": result.text, "extracted": result.extracted}
        del body
        payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    except MemoryError:
        mb = memory // safefiles.MiB
        problem = safefiles.too_complex(
            "memory", f"reading the file needed more than {mb} MB", f"การอ่านเนื้อหาไฟล์ต้องใช้หน่วยความจำเกิน {mb} MB"
        )
        payload = json.dumps(
            {"ok": False, "code": problem.code, "en": problem.en, "th": problem.th}, ensure_ascii=False
        ).encode("utf-8")
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover - run by extract() in a child process
    if len(sys.argv) >= 5 and sys.argv[1] == "--child":
        sys.exit(_child_main(sys.argv[2:]))
    sys.exit("usage: python -m prongsai.core.extract --child CONTENT_TYPE MEMORY_BYTES CPU_SECONDS < FILE")
