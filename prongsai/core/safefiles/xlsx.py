"""XLSX worksheets counted as XML streams before openpyxl loads anything: :func:`scan_xlsx`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prongsai.core.safefiles.archive import SafeZip
from prongsai.core.safefiles.limits import DEFAULT, EMBEDDING_DIRS, FileTooComplex, Limits, mb, too_complex

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
                    f"'{info.filename}' inflates to {mb(info.file_size)}",
                    f"ส่วน '{info.filename}' ของไฟล์ใหญ่ผิดปกติ ({mb(info.file_size)})",
                )
    return result
