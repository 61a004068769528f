"""PDF objects, streams and pages counted, Flate streams inflated into a counter: :func:`scan_pdf`."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from prongsai.core.safefiles.limits import CHUNK, DEFAULT, Limits, mb, too_complex

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
            f"the file is larger than {mb(limits.max_file_bytes)}",
            f"ไฟล์ใหญ่เกิน {mb(limits.max_file_bytes)}",
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
                f"the PDF's streams inflate past {mb(limits.max_pdf_inflated_bytes)}",
                f"เนื้อหาของ PDF ขยายแล้วเกิน {mb(limits.max_pdf_inflated_bytes)}",
            )
    if scan.pages > limits.max_pdf_pages:
        raise too_complex(
            "pdf_pages",
            f"the PDF has {scan.pages:,} pages (at most {limits.max_pdf_pages:,})",
            f"PDF มี {scan.pages:,} หน้า (ไม่เกิน {limits.max_pdf_pages:,} หน้า)",
        )
    return scan
