"""Opening untrusted files with limits: ZIP packages (XLSX, DOCX, plain ZIP) and PDFs.

Every XLSX, DOCX, PDF or ZIP the platform opens (imports, evidence uploads, fetched evidence, DOCX templates) is
first checked here, before any library that would inflate it (openpyxl, python-docx, docxtpl, pypdf) sees it.
A file beyond a limit raises :class:`FileTooComplex` with an English and a Thai reason; nothing here allocates
more than a small, fixed amount of memory, whatever the file claims.

ZIP packages (:class:`SafeZip`):

- the end-of-central-directory record is read first (entry count and directory size) so that a directory of a
  million entries is refused before ``zipfile`` builds a million objects;
- the declared sizes of the central directory are checked (each member, the total, the compression ratio of each
  member and of the whole, encrypted members, compression methods, nested archives);
- members are then read only as streams, counting the bytes that really come out, because headers lie: a member
  that inflates past its declared size, or past the member or total budget, stops the read at once.

XLSX (:func:`scan_xlsx`): on top of the ZIP checks, every worksheet is read as a stream of XML and its declared
``<dimension>``, its rows, its cells, its highest row number and its highest column are counted before openpyxl
loads anything (openpyxl pads every row to the declared dimension; one cell at XFD1048576 is a million rows).

PDF (:func:`scan_pdf`): the objects, streams and pages are counted, and every non-image Flate stream is inflated
into a counter (the output is thrown away) against a budget, so a PDF of hundreds of 20 MB streams is refused
after reading a few of them.

The limits are the named constants below (docs/untrusted-input.md lists them with the reasons for each value).
Pure Python, standard library only; no Django.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

MiB = 1024 * 1024

# ----------------------------------------------------------------------------------------------- the limits

#: the largest file accepted at all (callers have their own, smaller caps: evidence 20 MB, templates 5 MB)
MAX_FILE_BYTES = 32 * MiB
#: members of one ZIP package (a DOCX has ~20, an XLSX ~10 + one per sheet; Office embeds add a few)
MAX_ZIP_ENTRIES = 2_000
#: bytes of the central directory (2,000 entries with long names fit in well under 1 MB)
MAX_ZIP_DIRECTORY_BYTES = 2 * MiB
#: one member, inflated
MAX_ZIP_ENTRY_BYTES = 128 * MiB
#: all members together, inflated (declared, and counted while reading)
MAX_ZIP_TOTAL_BYTES = 256 * MiB
#: inflated / compressed, for a member (and for the whole package) that inflates past ``RATIO_FLOOR_BYTES``;
#: Office XML compresses 5-30 times, a zip bomb thousands of times
MAX_ZIP_RATIO = 100
RATIO_FLOOR_BYTES = 1 * MiB
#: archives inside the package (Office embeds a chart's workbook under */embeddings/); they are never opened
MAX_NESTED_ARCHIVES = 20
#: XML parts of a workbook that openpyxl loads whole (shared strings, styles): each at most this, inflated
MAX_XLSX_LOADED_PART_BYTES = 32 * MiB
#: worksheets: rows, columns and cells (declared by <dimension> and really present); area = rows x columns
MAX_SHEET_ROWS = 100_000
MAX_SHEET_COLUMNS = 256
MAX_SHEET_CELLS = 3_000_000
#: PDF: pages, indirect objects, streams, and bytes of all non-image Flate streams once inflated
MAX_PDF_PAGES = 2_000
MAX_PDF_OBJECTS = 200_000
MAX_PDF_STREAMS = 20_000
MAX_PDF_INFLATED_BYTES = 128 * MiB
#: a DOCX template: python-docx and docxtpl hold every part in memory and parse the XML into trees
MAX_TEMPLATE_TOTAL_BYTES = 64 * MiB
MAX_TEMPLATE_PART_BYTES = 16 * MiB

CHUNK = 1 * MiB
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"BZh")
ARCHIVE_SUFFIXES = (
    ".zip",
    ".docx",
    ".xlsx",
    ".xlsm",
    ".pptx",
    ".odt",
    ".ods",
    ".jar",
    ".gz",
    ".tgz",
    ".7z",
    ".rar",
    ".bz2",
    ".xz",
    ".tar",
)
#: where Office packages keep embedded objects (counted, never opened)
EMBEDDING_DIRS = ("word/embeddings/", "xl/embeddings/", "ppt/embeddings/")


@dataclass(frozen=True)
class Limits:
    """One set of limits; ``replace(DEFAULT, max_zip_total_bytes=...)`` derives another."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_zip_entries: int = MAX_ZIP_ENTRIES
    max_zip_directory_bytes: int = MAX_ZIP_DIRECTORY_BYTES
    max_zip_entry_bytes: int = MAX_ZIP_ENTRY_BYTES
    max_zip_total_bytes: int = MAX_ZIP_TOTAL_BYTES
    max_zip_ratio: int = MAX_ZIP_RATIO
    ratio_floor_bytes: int = RATIO_FLOOR_BYTES
    max_nested_archives: int = MAX_NESTED_ARCHIVES
    max_xlsx_loaded_part_bytes: int = MAX_XLSX_LOADED_PART_BYTES
    max_sheet_rows: int = MAX_SHEET_ROWS
    max_sheet_columns: int = MAX_SHEET_COLUMNS
    max_sheet_cells: int = MAX_SHEET_CELLS
    max_pdf_pages: int = MAX_PDF_PAGES
    max_pdf_objects: int = MAX_PDF_OBJECTS
    max_pdf_streams: int = MAX_PDF_STREAMS
    max_pdf_inflated_bytes: int = MAX_PDF_INFLATED_BYTES


DEFAULT = Limits()
#: DOCX templates: the whole package is held in memory by python-docx, so it is kept smaller
TEMPLATE = replace(DEFAULT, max_zip_total_bytes=MAX_TEMPLATE_TOTAL_BYTES, max_zip_entry_bytes=MAX_TEMPLATE_PART_BYTES)


class FileTooComplex(ValueError):
    """The file is beyond a limit (or not the package it claims to be): ``code`` names the rule, ``en``/``th``
    say why in English (command line) and Thai (web)."""

    def __init__(self, code: str, en: str, th: str):
        super().__init__(en)
        self.code = code
        self.en = en
        self.th = th


def _mb(n: int) -> str:
    return f"{n / MiB:,.0f} MB" if n >= MiB else f"{n:,} bytes"


TOO_COMPLEX_PREFIX = "ไฟล์ซับซ้อนเกินไป: "


def too_complex(code: str, en: str, th: str) -> FileTooComplex:
    """A refusal for being beyond a limit (as opposed to a damaged file): its Thai reason says so first."""
    return FileTooComplex(code, en, f"{TOO_COMPLEX_PREFIX}{th}")


# -------------------------------------------------------------------------------------------------- sources


def _as_file(source: bytes | bytearray | memoryview | str | os.PathLike | io.IOBase) -> tuple[Any, bool]:
    """A seekable binary file for a source given as bytes, a path or an open file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), True
    if isinstance(source, (str, os.PathLike)):
        return open(Path(source), "rb"), True  # noqa: SIM115 - closed by the caller (owned=True)
    return source, False


def _size_of(handle: IO[bytes]) -> int:
    position = handle.tell()
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(position)
    return size


# ------------------------------------------------------------------------------------------------------ ZIP

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


def zip_directory(handle: IO[bytes], size: int) -> tuple[int, int]:
    """(entries, central directory bytes) from the end-of-central-directory record (ZIP64 aware), read from the
    last 64 KB of the file without parsing the directory itself.  Raises ``zipfile.BadZipFile``."""
    tail_size = min(size, 22 + 65_535 + 20)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("no end of central directory")
    (_, _, _, _, entries, directory_bytes, _, _) = struct.unpack("<4sHHHHIIH", tail[at : at + 22])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        locator = tail[at - 20 : at] if at >= 20 else b""
        if locator[:4] != _ZIP64_LOCATOR:
            raise zipfile.BadZipFile("ZIP64 end record missing")
        (_, _, offset, _) = struct.unpack("<4sIQI", locator)
        if offset > size - 56:
            raise zipfile.BadZipFile("ZIP64 end record out of the file")
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] != _ZIP64_EOCD:
            raise zipfile.BadZipFile("ZIP64 end record damaged")
        (_, _, _, _, _, _, _, entries, directory_bytes, _) = struct.unpack("<4sQHHIIQQQQ", record)
    handle.seek(0)
    return entries, directory_bytes


def is_archive_name(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


class SafeZip:
    """A ZIP package opened with limits.  Use as a context manager::

        with SafeZip(data) as package:
            names = package.names
            xml = package.read("word/document.xml")

    Opening checks the directory (see the module's doc); ``read`` and ``chunks`` count the inflated bytes of
    every read against the member's declared size and the package's budgets.
    """

    def __init__(self, source: Any, limits: Limits = DEFAULT, *, label: str = "") -> None:
        self.limits = limits
        self.label = label
        self._handle, self._owned = _as_file(source)
        self._inflated = 0  # bytes really read so far, all members
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    # -- opening
    def _open(self) -> None:
        limits = self.limits
        size = _size_of(self._handle)
        self.size = size
        if size > limits.max_file_bytes:
            raise too_complex(
                "file_size",
                f"the file is larger than {_mb(limits.max_file_bytes)}",
                f"ไฟล์ใหญ่เกิน {_mb(limits.max_file_bytes)}",
            )
        try:
            entries, directory_bytes = zip_directory(self._handle, size)
        except (zipfile.BadZipFile, struct.error, OSError):
            raise FileTooComplex(
                "not_zip",
                "not a ZIP package (the file is damaged or of another type)",
                "ไฟล์เสียหายหรือไม่ใช่ไฟล์ชนิดที่ระบุ (อ่านโครงสร้างไฟล์ไม่ได้)",
            ) from None
        if entries > limits.max_zip_entries:
            raise too_complex(
                "zip_entries",
                f"the package holds {entries:,} files (at most {limits.max_zip_entries:,})",
                f"ในไฟล์มีไฟล์ย่อย {entries:,} ไฟล์ (ไม่เกิน {limits.max_zip_entries:,} ไฟล์)",
            )
        if directory_bytes > limits.max_zip_directory_bytes:
            raise too_complex("zip_directory", "the package's directory is too large", "สารบัญของไฟล์ใหญ่ผิดปกติ")
        try:
            self._zip = zipfile.ZipFile(self._handle)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise FileTooComplex(
                "not_zip",
                "not a ZIP package (the file is damaged or of another type)",
                "ไฟล์เสียหายหรือไม่ใช่ไฟล์ชนิดที่ระบุ (อ่านโครงสร้างไฟล์ไม่ได้)",
            ) from None
        infos = self._zip.infolist()
        if len(infos) > limits.max_zip_entries:  # the end record under-declared the count
            raise too_complex(
                "zip_entries", f"the package holds {len(infos):,} files", f"ในไฟล์มีไฟล์ย่อย {len(infos):,} ไฟล์"
            )
        total = 0
        nested = 0
        for info in infos:
            name = info.filename
            if info.flag_bits & 0x1:
                raise FileTooComplex(
                    "zip_encrypted",
                    f"'{name}' in the package is encrypted",
                    "ไฟล์ถูกเข้ารหัสหรือใส่รหัสผ่าน จึงอ่านไม่ได้ กรุณาบันทึกใหม่โดยไม่ใส่รหัสผ่าน",
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise FileTooComplex(
                    "zip_method",
                    f"'{name}' uses an unusual compression method",
                    "ไฟล์ใช้วิธีบีบอัดที่ไม่รองรับ กรุณาบันทึกใหม่จากโปรแกรมสำนักงาน",
                )
            if info.file_size > limits.max_zip_entry_bytes:
                raise too_complex(
                    "zip_entry_size",
                    f"'{name}' inflates to {_mb(info.file_size)} (at most {_mb(limits.max_zip_entry_bytes)})",
                    f"ส่วน '{name}' ขยายได้ {_mb(info.file_size)} (ไม่เกิน {_mb(limits.max_zip_entry_bytes)})",
                )
            if info.file_size >= limits.ratio_floor_bytes and info.file_size > limits.max_zip_ratio * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise too_complex(
                    "zip_ratio",
                    f"'{name}' is compressed {ratio:,} times (at most {limits.max_zip_ratio})",
                    f"ส่วน '{name}' ถูกบีบอัด {ratio:,} เท่า ผิดปกติ (ไม่เกิน {limits.max_zip_ratio} เท่า)",
                )
            total += info.file_size
            if is_archive_name(name):
                nested += 1
                if not name.startswith(EMBEDDING_DIRS):
                    raise too_complex(
                        "nested_archive",
                        f"the package holds another archive ('{name}')",
                        f"มีไฟล์บีบอัดซ้อนอยู่ข้างใน ('{name}')",
                    )
        if total > limits.max_zip_total_bytes:
            raise too_complex(
                "zip_total",
                f"the package inflates to {_mb(total)} (at most {_mb(limits.max_zip_total_bytes)})",
                f"ขยายแล้วมีขนาด {_mb(total)} (ไม่เกิน {_mb(limits.max_zip_total_bytes)})",
            )
        if total >= limits.ratio_floor_bytes and total > limits.max_zip_ratio * max(size, 1):
            raise too_complex(
                "zip_ratio",
                f"the package is compressed {total // max(size, 1):,} times",
                f"ถูกบีบอัด {total // max(size, 1):,} เท่า ผิดปกติ",
            )
        if nested > limits.max_nested_archives:
            raise too_complex(
                "nested_archive", f"the package holds {nested} embedded archives", f"มีไฟล์บีบอัดซ้อนอยู่ข้างใน {nested} ไฟล์"
            )
        self.infos = infos
        self.names = [i.filename for i in infos]
        self.declared_total = total
        self._by_name = {i.filename: i for i in infos}
        self._check_nested_content()

    def _check_nested_content(self) -> None:
        """An archive outside the embedding folders is refused whatever its name says (first bytes peeked)."""
        for info in self.infos:
            if info.file_size < 4 or info.filename.startswith(EMBEDDING_DIRS) or info.is_dir():
                continue
            try:
                with self._zip.open(info) as member:
                    head = member.read(8)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise FileTooComplex(
                    "zip_damaged", f"'{info.filename}' is damaged ({exc})", f"ไฟล์เสียหาย อ่านส่วน '{info.filename}' ไม่ได้"
                ) from None
            self._inflated += len(head)
            if head.startswith(ARCHIVE_MAGIC):
                raise too_complex(
                    "nested_archive",
                    f"the package holds another archive ('{info.filename}')",
                    f"มีไฟล์บีบอัดซ้อนอยู่ข้างใน ('{info.filename}')",
                )

    # -- reading
    def info(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(name) from None

    def chunks(self, name: str, *, max_bytes: int | None = None) -> Iterator[bytes]:
        """The inflated bytes of one member, chunk by chunk, counted against every budget as they come out."""
        info = self.info(name)
        declared = min(info.file_size, self.limits.max_zip_entry_bytes)
        produced = 0
        try:
            with self._zip.open(info) as member:
                while True:
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    produced += len(chunk)
                    self._inflated += len(chunk)
                    if produced > declared:  # zipfile stops at the declared size; this does not rely on it
                        raise too_complex(
                            "zip_lied",
                            f"'{name}' inflates past its declared size",
                            f"ส่วน '{name}' ขยายเกินขนาดที่ระบุไว้ (ไฟล์อาจถูกดัดแปลง)",
                        )
                    if max_bytes is not None and produced > max_bytes:
                        raise too_complex(
                            "zip_entry_size",
                            f"'{name}' is larger than {_mb(max_bytes)}",
                            f"ส่วน '{name}' ใหญ่เกิน {_mb(max_bytes)}",
                        )
                    if self._inflated > self.limits.max_zip_total_bytes:
                        raise too_complex(
                            "zip_total",
                            "the package inflates past its budget",
                            f"ขยายแล้วเกิน {_mb(self.limits.max_zip_total_bytes)}",
                        )
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise FileTooComplex(
                "zip_damaged", f"'{name}' is damaged ({exc})", f"ไฟล์เสียหาย อ่านส่วน '{name}' ไม่ได้"
            ) from None

    def read(self, name: str, *, max_bytes: int | None = None) -> bytes:
        return b"".join(self.chunks(name, max_bytes=max_bytes))

    @property
    def inflated(self) -> int:
        return self._inflated

    def close(self) -> None:
        zf = getattr(self, "_zip", None)
        if zf is not None:
            zf.close()
        if self._owned:
            self._handle.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_zip(source: Any, limits: Limits = DEFAULT) -> list[str]:
    """The member names of a package that passes the directory checks (raises :class:`FileTooComplex`)."""
    with SafeZip(source, limits) as package:
        return list(package.names)


def package_kind(source: Any, limits: Limits = DEFAULT) -> str:
    """``docx``, ``xlsx`` or ``zip`` for a package that passes the directory checks."""
    names = set(check_zip(source, limits))
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


# ----------------------------------------------------------------------------------------------------- XLSX

_TAG_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW = re.compile(_TAG_PREFIX + rb"row[\s/>]")
_ROW_NUMBER = re.compile(_TAG_PREFIX + rb"row\s[^>]*?\br\s*=\s*[\"'](\d{1,9})[\"']")
_CELL = re.compile(_TAG_PREFIX + rb"c[\s/>]")
_CELL_REF = re.compile(_TAG_PREFIX + rb"c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?(\d{1,9})[\"']")
_DIMENSION = re.compile(_TAG_PREFIX + rb"dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']{1,64})[\"']")
_SHEET_DATA = re.compile(_TAG_PREFIX + rb"sheetData[\s/>]")
_A1 = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,9})$")


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def dimension_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) spanned by an A1 range such as ``A1:XFD1048576`` (``None`` when unreadable)."""
    corners = []
    for part in ref.split(":")[:2]:
        m = _A1.match(part.strip())
        if not m:
            return None
        corners.append((int(m.group(2)), column_number(m.group(1))))
    if len(corners) == 1:
        corners.append(corners[0])
    (r1, c1), (r2, c2) = corners
    return abs(r2 - r1) + 1, abs(c2 - c1) + 1


@dataclass
class SheetScan:
    """What one worksheet part really holds (counted from its XML, before openpyxl)."""

    part: str
    dimension: str = ""
    rows: int = 0  # <row> elements
    cells: int = 0  # <c> elements
    max_row: int = 0  # highest row number (numbered rows, or the count of unnumbered ones)
    max_column: int = 0


@dataclass
class WorkbookScan:
    sheets: list[SheetScan] = field(default_factory=list)

    @property
    def max_row(self) -> int:
        return max((s.max_row for s in self.sheets), default=0)

    @property
    def max_column(self) -> int:
        return max((s.max_column for s in self.sheets), default=0)


def _tag_chunks(chunks: Iterator[bytes], carry_limit: int = 64 * 1024) -> Iterator[bytes]:
    """Re-cut XML chunks at the last ``<`` so that no tag spans two pieces (attribute values cannot hold ``<``)."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(b"<")
        if cut <= 0:
            cut = len(buffer) if len(buffer) > carry_limit else 0
        yield buffer[:cut]
        carry = buffer[cut:]
        if len(carry) > carry_limit:  # no tag is that long in a real file: count what is there and move on
            yield carry
            carry = b""
    if carry:
        yield carry


def _scan_sheet(package: SafeZip, name: str, limits: Limits) -> SheetScan | None:
    scan = SheetScan(part=name)
    is_sheet = False
    where = f"'{name}'"
    for piece in _tag_chunks(package.chunks(name)):
        if not is_sheet:
            if _SHEET_DATA.search(piece):
                is_sheet = True
            if not scan.dimension:
                m = _DIMENSION.search(piece)
                if m:
                    scan.dimension = m.group(1).decode("ascii", "replace")
                    is_sheet = True
                    size = dimension_size(scan.dimension)
                    if size and (size[0] > limits.max_sheet_rows + 1 or size[1] > limits.max_sheet_columns):
                        raise too_complex(
                            "sheet_dimension",
                            f"worksheet {where} declares the range {scan.dimension} ({size[0]:,} rows x {size[1]:,} "
                            f"columns; at most {limits.max_sheet_rows:,} rows and {limits.max_sheet_columns} columns)",
                            f"แผ่นงานประกาศขอบเขต {scan.dimension} ({size[0]:,} แถว x {size[1]:,} คอลัมน์) "
                            f"เกินที่รับได้ ({limits.max_sheet_rows:,} แถว {limits.max_sheet_columns} คอลัมน์) "
                            "กรุณาคัดลอกเฉพาะข้อมูลไปวางในไฟล์ใหม่แล้วบันทึกอีกครั้ง",
                        )
        rows = len(_ROW.findall(piece))
        if rows:
            is_sheet = True
            scan.rows += rows
            numbers = _ROW_NUMBER.findall(piece)
            scan.max_row = max(scan.max_row, scan.rows, max(map(int, numbers)) if numbers else 0)
        cells = len(_CELL.findall(piece))
        if cells:
            scan.cells += cells
            refs = _CELL_REF.findall(piece)
            if refs:
                scan.max_column = max(scan.max_column, max(column_number(c.decode()) for c in {r[0] for r in refs}))
                scan.max_row = max(scan.max_row, max(int(n) for n in {r[1] for r in refs}))
        if scan.max_row > limits.max_sheet_rows + 1:
            raise too_complex(
                "sheet_rows",
                f"worksheet {where} reaches row {scan.max_row:,} (at most {limits.max_sheet_rows:,} rows)",
                f"แผ่นงานมีข้อมูลถึงแถวที่ {scan.max_row:,} (ไม่เกิน {limits.max_sheet_rows:,} แถว) "
                "กรุณาลบแถวว่างท้ายตาราง หรือคัดลอกเฉพาะข้อมูลไปวางในไฟล์ใหม่",
            )
        if scan.max_column > limits.max_sheet_columns:
            raise too_complex(
                "sheet_columns",
                f"worksheet {where} reaches column {scan.max_column:,} (at most {limits.max_sheet_columns})",
                f"แผ่นงานมีข้อมูลถึงคอลัมน์ที่ {scan.max_column:,} (ไม่เกิน {limits.max_sheet_columns} คอลัมน์) "
                "กรุณาคัดลอกเฉพาะข้อมูลไปวางในไฟล์ใหม่",
            )
        if scan.cells > limits.max_sheet_cells or scan.max_row * max(scan.max_column, 1) > limits.max_sheet_cells:
            raise too_complex(
                "sheet_cells",
                f"worksheet {where} spans more than {limits.max_sheet_cells:,} cells",
                f"แผ่นงานมีเซลล์เกิน {limits.max_sheet_cells:,} เซลล์ กรุณาแบ่งไฟล์หรือคัดลอกเฉพาะข้อมูลไปวางในไฟล์ใหม่",
            )
    return scan if is_sheet else None


def scan_xlsx(source: Any, limits: Limits = DEFAULT) -> WorkbookScan:
    """Check a workbook before openpyxl opens it: the ZIP checks, then every worksheet counted as a stream.

    Every part is scanned (not only the first sheet): whichever part openpyxl is led to by the package's content
    types and relationships has then been counted.  Parts that are not worksheets (shared strings, styles) are
    loaded whole by openpyxl, so each must inflate to at most ``max_xlsx_loaded_part_bytes``."""
    result = WorkbookScan()
    with SafeZip(source, limits) as package:
        if "xl/workbook.xml" not in package.names:
            raise FileTooComplex(
                "not_xlsx", "not an Excel workbook (xl/workbook.xml is missing)", "ไม่ใช่ไฟล์ Excel (.xlsx) ที่อ่านได้"
            )
        for info in package.infos:
            if info.is_dir() or info.filename.startswith(EMBEDDING_DIRS) or info.file_size == 0:
                continue
            if info.filename.lower().endswith(
                (".png", ".jpg", ".jpeg", ".gif", ".emf", ".wmf", ".bin", ".tif", ".tiff", ".bmp")
            ):
                continue
            sheet = _scan_sheet(package, info.filename, limits)
            if sheet is not None:
                result.sheets.append(sheet)
            elif info.file_size > limits.max_xlsx_loaded_part_bytes:
                raise too_complex(
                    "xlsx_part",
                    f"'{info.filename}' inflates to {_mb(info.file_size)}",
                    f"ส่วน '{info.filename}' ของไฟล์ใหญ่ผิดปกติ ({_mb(info.file_size)})",
                )
    return result


# ------------------------------------------------------------------------------------------------------ PDF

_OBJ = re.compile(rb"(?<![0-9])\d{1,10}\s+\d{1,5}\s+obj\b")
_STREAM = re.compile(rb"\bstream\r?\n")
_ENDSTREAM = b"endstream"
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)(?![A-Za-z])")
_IMAGE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z])")
_OTHER_FILTER = re.compile(rb"/(?:LZWDecode|LZW|RunLengthDecode|RL|ASCIIHexDecode|AHx|ASCII85Decode|A85)(?![A-Za-z])")


@dataclass
class PdfScan:
    objects: int = 0
    streams: int = 0
    pages: int = 0
    inflated: int = 0  # bytes of the non-image Flate streams, inflated


def _inflate_count(data: bytes, budget: int) -> tuple[int, bytes]:
    """Inflate ``data`` into a counter, at most ``budget + 1`` bytes; returns (bytes produced, first 64 KB)."""
    decompressor = zlib.decompressobj()
    produced = 0
    head = b""
    pending = data
    try:
        while pending and produced <= budget:
            out = decompressor.decompress(pending, CHUNK)
            pending = decompressor.unconsumed_tail
            produced += len(out)
            if len(head) < 65_536:
                head += out[: 65_536 - len(head)]
            if decompressor.eof or not out:
                break
    except zlib.error:
        pass  # a damaged or non-Flate stream: whatever came out is counted
    return produced, head


def scan_pdf(data: bytes, limits: Limits = DEFAULT) -> PdfScan:
    """Count a PDF's objects, streams and pages and inflate its non-image Flate streams into a counter."""
    if len(data) > limits.max_file_bytes:
        raise too_complex(
            "file_size",
            f"the file is larger than {_mb(limits.max_file_bytes)}",
            f"ไฟล์ใหญ่เกิน {_mb(limits.max_file_bytes)}",
        )
    scan = PdfScan()
    scan.objects = sum(1 for _ in _OBJ.finditer(data))
    if scan.objects > limits.max_pdf_objects:
        raise too_complex(
            "pdf_objects",
            f"the PDF holds {scan.objects:,} objects (at most {limits.max_pdf_objects:,})",
            f"PDF มีวัตถุ {scan.objects:,} รายการ (ไม่เกิน {limits.max_pdf_objects:,})",
        )
    scan.pages = len(_PAGE.findall(data))
    position = 0
    while True:
        m = _STREAM.search(data, position)
        if m is None:
            break
        scan.streams += 1
        if scan.streams > limits.max_pdf_streams:
            raise too_complex(
                "pdf_streams",
                f"the PDF holds more than {limits.max_pdf_streams:,} streams",
                f"PDF มีสตรีมเกิน {limits.max_pdf_streams:,} รายการ",
            )
        start = m.end()
        end = data.find(_ENDSTREAM, start)
        if end < 0:
            end = len(data)
        position = end + len(_ENDSTREAM)
        dictionary = data[max(0, m.start() - 4096) : m.start()]
        obj_at = dictionary.rfind(b"obj")
        if obj_at >= 0:
            dictionary = dictionary[obj_at:]
        if _IMAGE.search(dictionary) or not _FLATE.search(dictionary) or _OTHER_FILTER.search(dictionary):
            continue  # images are never inflated for text; other filters are not decoded by the fallback
        remaining = limits.max_pdf_inflated_bytes - scan.inflated
        produced, head = _inflate_count(data[start:end], remaining)
        scan.inflated += produced
        scan.pages += len(_PAGE.findall(head))  # pages kept in compressed object streams
        if scan.inflated > limits.max_pdf_inflated_bytes:
            raise too_complex(
                "pdf_inflated",
                f"the PDF's streams inflate past {_mb(limits.max_pdf_inflated_bytes)}",
                f"เนื้อหาของ PDF ขยายแล้วเกิน {_mb(limits.max_pdf_inflated_bytes)}",
            )
    if scan.pages > limits.max_pdf_pages:
        raise too_complex(
            "pdf_pages",
            f"the PDF has {scan.pages:,} pages (at most {limits.max_pdf_pages:,})",
            f"PDF มี {scan.pages:,} หน้า (ไม่เกิน {limits.max_pdf_pages:,} หน้า)",
        )
    return scan


# ----------------------------------------------------------------------------------------------------- DOCX


def check_docx(source: Any, limits: Limits = TEMPLATE) -> list[str]:
    """A Word package within the limits (the template limits by default): its member names."""
    with SafeZip(source, limits) as package:
        names = list(package.names)
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise FileTooComplex(
                "not_docx",
                "not a Word document (.docx): word/document.xml is missing",
                "ไม่ใช่ไฟล์ Word (.docx): ไม่พบส่วน word/document.xml",
            )
        # every XML part is read once as a stream: a part that lies about its size is caught here, before
        # python-docx holds it in memory
        for info in package.infos:
            if not info.is_dir() and not info.filename.startswith(EMBEDDING_DIRS):
                for _ in package.chunks(info.filename):
                    pass
    return names
