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

The limits are the named constants of `limits.py` (docs/untrusted-input.md lists them with the reasons for each
value); `archive.py` reads ZIP packages and checks DOCX, `xlsx.py` and `pdf.py` scan the two formats.  Everything is
imported from this package: `from prongsai.core import safefiles`.
Pure Python, standard library only; no Django.
"""

from __future__ import annotations

from prongsai.core.safefiles.archive import SafeZip, check_docx, check_zip, is_archive_name, package_kind, zip_directory
from prongsai.core.safefiles.limits import (
    ARCHIVE_MAGIC,
    ARCHIVE_SUFFIXES,
    CHUNK,
    DEFAULT,
    EMBEDDING_DIRS,
    MAX_FILE_BYTES,
    MAX_NESTED_ARCHIVES,
    MAX_PDF_INFLATED_BYTES,
    MAX_PDF_OBJECTS,
    MAX_PDF_PAGES,
    MAX_PDF_STREAMS,
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_TEMPLATE_PART_BYTES,
    MAX_TEMPLATE_TOTAL_BYTES,
    MAX_XLSX_LOADED_PART_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_ENTRY_BYTES,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES,
    RATIO_FLOOR_BYTES,
    TEMPLATE,
    TOO_COMPLEX_PREFIX,
    FileTooComplex,
    Limits,
    MiB,
    too_complex,
)
from prongsai.core.safefiles.pdf import PdfScan, scan_pdf
from prongsai.core.safefiles.xlsx import SheetScan, WorkbookScan, column_number, dimension_size, scan_xlsx

__all__ = [
    "ARCHIVE_MAGIC",
    "ARCHIVE_SUFFIXES",
    "CHUNK",
    "DEFAULT",
    "EMBEDDING_DIRS",
    "FileTooComplex",
    "Limits",
    "MAX_FILE_BYTES",
    "MAX_NESTED_ARCHIVES",
    "MAX_PDF_INFLATED_BYTES",
    "MAX_PDF_OBJECTS",
    "MAX_PDF_PAGES",
    "MAX_PDF_STREAMS",
    "MAX_SHEET_CELLS",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "MAX_TEMPLATE_PART_BYTES",
    "MAX_TEMPLATE_TOTAL_BYTES",
    "MAX_XLSX_LOADED_PART_BYTES",
    "MAX_ZIP_DIRECTORY_BYTES",
    "MAX_ZIP_ENTRIES",
    "MAX_ZIP_ENTRY_BYTES",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_TOTAL_BYTES",
    "MiB",
    "PdfScan",
    "RATIO_FLOOR_BYTES",
    "SafeZip",
    "SheetScan",
    "TEMPLATE",
    "TOO_COMPLEX_PREFIX",
    "WorkbookScan",
    "check_docx",
    "check_zip",
    "column_number",
    "dimension_size",
    "is_archive_name",
    "package_kind",
    "scan_pdf",
    "scan_xlsx",
    "too_complex",
    "zip_directory",
]
