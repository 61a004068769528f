"""The limits every untrusted file is held to, and the error that says which one a file broke (the values and
the reasons for each: docs/untrusted-input.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    say why in English and Thai (the web shows the one of the user's language)."""

    def __init__(self, code: str, en: str, th: str):
        super().__init__(en)
        self.code = code
        self.en = en
        self.th = th


def mb(n: int) -> str:
    """A size as a reason shows it: "32 MB" or "512 bytes"."""
    return f"{n / MiB:,.0f} MB" if n >= MiB else f"{n:,} bytes"


TOO_COMPLEX_PREFIX = "ไฟล์ซับซ้อนเกินไป: "


def too_complex(code: str, en: str, th: str) -> FileTooComplex:
    """A refusal for being beyond a limit (as opposed to a damaged file): its Thai reason says so first."""
    return FileTooComplex(code, en, f"{TOO_COMPLEX_PREFIX}{th}")
