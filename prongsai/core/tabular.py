"""Reading the CSV and XLSX files that officers bring, with errors that name the file, row and column.

Every cell is read as text (numbers are parsed by the caller, which knows what a column means), header names are
trimmed, and row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
Problems are collected rather than raised one at a time, so an import can list every bad row at once; each has
an English and a Thai wording (the command line prints English, the web application Thai).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from prongsai.core import safefiles
from prongsai.core.thai import to_arabic_digits

MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    en: str
    th: str

    def where(self, thai: bool = False) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"แถวที่ {self.row}" if thai else f"row {self.row}")
        if self.column:
            parts.append(f"คอลัมน์ '{self.column}'" if thai else f"column '{self.column}'")
        return ", ".join(parts)

    def message(self, thai: bool = False) -> str:
        return f"{self.where(thai)}: {self.th if thai else self.en}"


class InputError(ValueError):
    """One or more problems in an input file; nothing has been written when this is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.render())

    def render(self, thai: bool = False) -> str:
        lines = [p.message(thai) for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            more = len(self.problems) - MAX_LISTED
            lines.append(f"… และอีก {more} รายการ" if thai else f"… and {more} more")
        return "\n".join(lines)


class Collector:
    """Gathers problems for one file; ``check()`` raises them all together."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, en: str, th: str) -> None:
        self.problems.append(Problem(self.file, row, column, en, th))

    def check(self) -> None:
        if self.problems:
            raise InputError(self.problems)


@dataclass
class Table:
    """A file's header and data rows, all cells as stripped strings ('' for an empty cell)."""

    file: str
    header: list[str]
    rows: list[list[str]]

    def column_index(self) -> dict[str, int]:
        return {name.casefold(): i for i, name in enumerate(self.header)}

    def require(self, columns: list[str]) -> dict[str, int]:
        """Index of each required column (matched case-insensitively), or an error naming what is missing."""
        index = self.column_index()
        missing = [c for c in columns if c.casefold() not in index]
        if missing:
            found = ", ".join(self.header) or "(none)"
            raise InputError(
                [
                    Problem(
                        self.file,
                        1,
                        missing[0],
                        f"missing column(s) {', '.join(missing)} (found: {found})",
                        f"ไม่พบคอลัมน์ {', '.join(missing)} (คอลัมน์ที่มี: {found})",
                    )
                ]
            )
        return {c: index[c.casefold()] for c in columns}


def read_table(path: str | Path, name: str | None = None, data: bytes | None = None) -> Table:
    """Read a .csv (UTF-8) or .xlsx file; ``data`` lets the web application pass an upload's bytes."""
    path = Path(path)
    label = name or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError([Problem(label, None, None, "file not found", "ไม่พบไฟล์")]) from None
        except IsADirectoryError:
            raise InputError([Problem(label, None, None, "is a directory, not a file", "เป็นโฟลเดอร์ ไม่ใช่ไฟล์")]) from None
    if not data.strip():
        raise InputError([Problem(label, None, None, "the file is empty", "ไฟล์ว่างเปล่า")])
    if len(data) > safefiles.MAX_FILE_BYTES:
        mb = safefiles.MAX_FILE_BYTES // safefiles.MiB
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"the file is larger than {mb} MB: split it",
                    f"ไฟล์ใหญ่เกิน {mb} MB กรุณาแบ่งเป็นหลายไฟล์",
                )
            ]
        )
    suffix = Path(label).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:2] == b"PK":
        header, rows = _read_xlsx(label, data)
    else:
        header, rows = _read_csv(label, data)
    header = [h.strip() for h in header]
    if not any(header):
        raise InputError([Problem(label, 1, None, "the header row is empty", "แถวหัวตารางว่างเปล่า")])
    seen: dict[str, int] = {}
    for i, name_ in enumerate(header):
        if name_ and name_.casefold() in seen:
            raise InputError([Problem(label, 1, name_, "this column appears twice", "คอลัมน์นี้ซ้ำกัน")])
        seen[name_.casefold()] = i
    width = len(header)
    cleaned = []
    for row in rows:
        cells = [c.strip() for c in row] + [""] * (width - len(row))
        cleaned.append(cells[:width] if not any(cells[width:]) else cells)
    while cleaned and not any(cleaned[-1]):
        cleaned.pop()  # spreadsheets often carry trailing blank rows
    if not cleaned:
        raise InputError(
            [Problem(label, None, None, "the file has a header but no data rows", "ไฟล์มีแต่หัวตาราง ไม่มีข้อมูล")]
        )
    return Table(file=label, header=header, rows=cleaned)


def _read_csv(label: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint_en, hint_th = "", ""
        try:
            if any("\u0e00" <= ch <= "\u0e7f" for ch in data.decode("cp874")):
                hint_en = " It looks like TIS-620/Windows-874 (Thai Excel's default): save it as 'CSV UTF-8'."
                hint_th = " ดูเหมือนเป็นรหัส TIS-620/Windows-874: กรุณาบันทึกใหม่เป็น 'CSV UTF-8'"
        except UnicodeDecodeError:
            pass
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}).{hint_en}",
                    f"ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8{hint_th}",
                )
            ]
        ) from None
    if "\x00" in text:
        raise InputError([Problem(label, None, None, "binary data, not a CSV text file", "ไฟล์เป็นข้อมูลไบนารี ไม่ใช่ CSV")])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    cells = 0
    limits = safefiles.DEFAULT
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(row)
            cells += len(row)
            if (
                len(rows) > limits.max_sheet_rows + 1
                or cells > limits.max_sheet_cells
                or len(row) > limits.max_sheet_columns
            ):
                raise _too_big(label, len(rows), len(row), limits)
    except csv.Error as exc:
        raise InputError(
            [Problem(label, len(rows) + 1, None, f"not a readable CSV row ({exc})", "อ่านแถวนี้ของไฟล์ CSV ไม่ได้")]
        ) from None
    return (rows[0] if rows else []), rows[1:]


def _too_big(label: str, row: int, width: int, limits: safefiles.Limits) -> InputError:
    return InputError(
        [
            Problem(
                label,
                row,
                None,
                f"too large: at most {limits.max_sheet_rows:,} rows, {limits.max_sheet_columns} columns and "
                f"{limits.max_sheet_cells:,} cells (split the file)",
                f"ไฟล์ใหญ่เกินไป รับได้ไม่เกิน {limits.max_sheet_rows:,} แถว {limits.max_sheet_columns} คอลัมน์ "
                f"และ {limits.max_sheet_cells:,} เซลล์ กรุณาแบ่งเป็นหลายไฟล์",
            )
        ]
    )


def _read_xlsx(label: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """The first worksheet, read only after ``safefiles.scan_xlsx`` counted what every sheet really holds.

    openpyxl runs in read-only mode with the declared dimension discarded (``reset_dimensions``) and the rows
    bounded by the scan, so a sheet cannot make it pad millions of empty rows or columns.  Empty rows are only
    counted until a non-empty row follows them: a long empty tail costs a counter, not memory, and no data
    after a gap is ever dropped."""
    import openpyxl  # imported here: only XLSX input needs it

    try:
        scan = safefiles.scan_xlsx(data)
    except safefiles.FileTooComplex as exc:
        raise InputError([Problem(label, None, None, exc.en, exc.th)]) from None
    if not scan.max_row:
        raise InputError([Problem(label, None, None, "the first sheet is empty", "แผ่นงานแรกว่างเปล่า")])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError(
            [Problem(label, None, None, "not a readable .xlsx workbook", "ไม่ใช่ไฟล์ .xlsx ที่อ่านได้")]
        ) from None
    sheet.reset_dimensions()
    part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
    own = next((s for s in scan.sheets if s.part == part), None)
    max_col = own.max_column if own is not None and own.max_column else None
    rows: list[list[str]] = []
    blank_run = 0
    try:
        for row in sheet.iter_rows(max_row=scan.max_row, max_col=max_col, values_only=True):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                blank_run += 1
                continue
            rows.extend([] for _ in range(blank_run))
            blank_run = 0
            rows.append([_cell_text(v) for v in row])
    except Exception:  # a damaged sheet part
        raise InputError(
            [Problem(label, None, None, "not a readable .xlsx workbook", "ไม่ใช่ไฟล์ .xlsx ที่อ่านได้")]
        ) from None
    finally:
        workbook.close()
    if not rows:
        raise InputError([Problem(label, None, None, "the first sheet is empty", "แผ่นงานแรกว่างเปล่า")])
    return rows[0], rows[1:]


def read_xlsx_sheets(
    path: str | Path, name: str | None = None, data: bytes | None = None, max_rows: int = 20_000
) -> dict[str, list[list[str]]]:
    """Every sheet of an .xlsx workbook as rows of text cells (row 1 first), for multi-sheet inputs such as an
    edition workbook; opened as ``read_table`` opens an XLSX file (read-only, values not formulas).  A sheet
    longer than ``max_rows`` is refused rather than read.  Where ``prongsai.core.safefiles`` is present its
    workbook scan runs first and bounds what openpyxl reads, as for ``read_table``."""
    import openpyxl  # imported here: only XLSX input needs it

    path = Path(path)
    label = name or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError([Problem(label, None, None, "file not found", "ไม่พบไฟล์")]) from None
    bounds = _scan_workbook(label, data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError(
            [Problem(label, None, None, "not a readable .xlsx workbook", "ไม่ใช่ไฟล์ .xlsx ที่อ่านได้")]
        ) from None
    sheets: dict[str, list[list[str]]] = {}
    try:
        for sheet in workbook.worksheets:
            limit: dict[str, int] = {}
            if bounds is not None:
                sheet.reset_dimensions()
                part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
                own = bounds.get(part)
                if own is not None:
                    limit = {"max_row": own[0] or 1, "max_col": own[1] or 1}
            rows = []
            for row in sheet.iter_rows(values_only=True, **limit):
                rows.append([_cell_text(v) for v in row])
                if len(rows) > max_rows:
                    raise InputError(
                        [
                            Problem(
                                label,
                                None,
                                None,
                                f"sheet '{sheet.title}' has more than {max_rows} rows",
                                f"แผ่นงาน '{sheet.title}' มีเกิน {max_rows} แถว",
                            )
                        ]
                    )
            while rows and not any(c.strip() for c in rows[-1]):
                rows.pop()
            sheets[sheet.title] = rows
    except InputError:
        raise
    except Exception:  # a damaged sheet part
        raise InputError(
            [Problem(label, None, None, "not a readable .xlsx workbook", "ไม่ใช่ไฟล์ .xlsx ที่อ่านได้")]
        ) from None
    finally:
        workbook.close()
    return sheets


def _scan_workbook(label: str, data: bytes) -> dict[str, tuple[int, int]] | None:
    """Rows and columns each worksheet part really holds, counted by ``safefiles.scan_xlsx`` before openpyxl
    opens the file; ``None`` where that module is not installed (then only the row limit above applies)."""
    try:
        from prongsai.core import safefiles
    except ImportError:
        return None
    try:
        scan = safefiles.scan_xlsx(data)
    except safefiles.FileTooComplex as exc:
        raise InputError([Problem(label, None, None, exc.en, exc.th)]) from None
    return {s.part: (s.max_row, s.max_column) for s in scan.sheets}


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores 91.25 as a binary float; repr gives the shortest text that reads back the same.
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value)


MAX_SCORE_DECIMALS = 6


def parse_score(text: str) -> Decimal | None:
    """A score cell: Arabic or Thai digits, optional '%', 0–100; ``None`` when it is not such a number."""
    cleaned = to_arabic_digits(text).replace(",", "").removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= 100:
        return None
    if value.as_tuple().exponent < -MAX_SCORE_DECIMALS:  # type: ignore[operator]  # finite: the exponent is an int
        # '1e-1000000' is a valid decimal between 0 and 100; as an exact fraction its denominator has a million
        # digits, which later arithmetic would chew on for minutes: no published score has more than 4 decimals
        return None
    return value


def parse_int(text: str) -> int | None:
    cleaned = to_arabic_digits(text).replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return int(value) if value.is_finite() and value == value.to_integral_value() else None
