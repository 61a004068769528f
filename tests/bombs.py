"""Hostile files, generated in the tests (nothing of this kind is stored in the repository).

ZIP packages are written by hand (``raw_zip``) from one deflated block reused by every member, which is how real
zip bombs are made: megabytes on the wire, gigabytes once inflated, built in milliseconds.  Each builder returns
bytes; the unit and integration tests of ``safefiles`` and of the uploads use them.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass
class Member:
    name: str
    raw: bytes  # raw deflate data (or stored bytes when ``stored``)
    crc: int
    size: int  # declared inflated size
    stored: bool = False


def deflated(data_block: bytes, repeat: int) -> tuple[bytes, int, int]:
    """(raw deflate of ``data_block`` repeated ``repeat`` times, its CRC-32, its size), compressing the block
    once: a full flush makes its deflate blocks independent, so the same bytes can be repeated, then closed
    by an empty final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(data_block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(repeat):
        crc = zlib.crc32(data_block, crc)
    return piece * repeat + b"\x03\x00", crc, len(data_block) * repeat


def member(name: str, data_block: bytes, repeat: int = 1) -> Member:
    raw, crc, size = deflated(data_block, repeat)
    return Member(name, raw, crc, size)


def raw_zip(members: list[Member]) -> bytes:
    """A ZIP file written field by field (local headers, data, central directory, end record)."""
    out = io.BytesIO()
    central = []
    for m in members:
        offset = out.tell()
        name = m.name.encode()
        method = 0 if m.stored else 8
        out.write(
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, m.crc, len(m.raw), m.size, len(name), 0)
        )
        out.write(name)
        out.write(m.raw)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0x21,
                m.crc,
                len(m.raw),
                m.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), size, start, 0))
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_many_members(count: int = 40, each: int = 40 * MiB) -> bytes:
    """The review's DOCX: ``count`` members of ``each`` bytes of "A" (40 x 40 MB in 1.6 MB)."""
    block = member("word/part.xml", b"A" * MiB, each // MiB)
    members = [
        Member("[Content_Types].xml", *deflated(CONTENT_TYPES, 1)),
        member("word/document.xml", b"<w:document " + W + b"><w:body/></w:document>"),
    ]
    members += [Member(f"word/part{i}.xml", block.raw, block.crc, block.size) for i in range(count)]
    return raw_zip(members)


def docx_huge_document(size: int = 1024 * MiB) -> bytes:
    """A DOCX whose document.xml inflates to ``size`` bytes of one repeated paragraph."""
    paragraph = b"<w:p><w:r><w:t>A</w:t></w:r></w:p>" * 29_000  # ~1 MB
    raw, crc, total = deflated(paragraph, max(1, size // len(paragraph)))
    return raw_zip(
        [Member("[Content_Types].xml", *deflated(CONTENT_TYPES, 1)), Member("word/document.xml", raw, crc, total)]
    )


def docx_lying_header(actual: int = 64 * MiB, declared: int = 1000) -> bytes:
    """A DOCX whose document.xml declares ``declared`` bytes and inflates to ``actual``."""
    raw, crc, _ = deflated(b"<w:t>B</w:t>" * 87_381, actual // (12 * 87_381))
    return raw_zip(
        [Member("[Content_Types].xml", *deflated(CONTENT_TYPES, 1)), Member("word/document.xml", raw, crc, declared)]
    )


def nested_zip(depth: int = 3) -> bytes:
    """A ZIP holding a ZIP holding a ZIP …, the innermost one a 100 MB member (a .docx name on the outside)."""
    inner = raw_zip([member("payload.txt", b"\0" * MiB, 100)])
    for level in range(depth):
        inner = raw_zip([Member(f"level{level}.zip", inner, zlib.crc32(inner), len(inner), stored=True)])
    return raw_zip(
        [
            Member("[Content_Types].xml", *deflated(CONTENT_TYPES, 1)),
            member("word/document.xml", b"<w:document " + W + b"><w:body/></w:document>"),
            Member("word/attachment.bin", inner, zlib.crc32(inner), len(inner), stored=True),
        ]
    )


def many_entries(count: int = 70_000) -> bytes:
    """A ZIP directory of ``count`` empty members (over 65,535: the ZIP64 end record)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        for i in range(count):
            archive.writestr(f"word/m{i}.xml", b"")
    return out.getvalue()


# ----------------------------------------------------------------------------------------------------- XLSX


def _xlsx_with_sheet(sheet_xml_chunks) -> bytes:
    """A real workbook (made by openpyxl, so it would load) whose first sheet is replaced by the given XML."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["code", "name"])
    base = io.BytesIO()
    workbook.save(base)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
                    for chunk in sheet_xml_chunks:
                        sheet.write(chunk)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def xlsx_dimension_bomb() -> bytes:
    """1.5 KB that tells openpyxl the sheet is A1:XFD1048576 (it pads every row to 16,384 cells)."""
    return _xlsx_with_sheet(
        [
            SHEET_HEAD,
            (
                b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">'
                b'<c r="A1" t="inlineStr"><is><t>code</t></is></c></row></sheetData>'
                b"</worksheet>"
            ),
        ]
    )


def xlsx_far_cell() -> bytes:
    """One cell at XFD1048576 and no dimension (openpyxl makes a million empty rows)."""
    return _xlsx_with_sheet(
        [
            SHEET_HEAD,
            (
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is>'
                b'</c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                b"</sheetData></worksheet>"
            ),
        ]
    )


def _xlsx_with_raw_sheet(sheet: Member) -> bytes:
    """openpyxl's workbook members, deflated, around a sheet given as a raw deflated member."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["code"])
    base = io.BytesIO()
    workbook.save(base)
    members = []
    with zipfile.ZipFile(io.BytesIO(base.getvalue())) as source:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                members.append(sheet)
            else:
                members.append(Member(info.filename, *deflated(source.read(info.filename), 1)))
    return raw_zip(members)


def xlsx_many_rows(rows: int = 2_000_000, compressible: bool = False) -> bytes:
    """``rows`` tiny unnumbered rows (openpyxl counts them).  ``compressible``: every row alike (the review's
    320 KB file, refused for its compression ratio); otherwise the values vary and the file compresses about
    5:1, so only the real row count can refuse it."""
    per_block = 10_000
    if compressible:
        block = b"<row><c><v>1</v></c></row>" * per_block
    else:
        block = b"".join(b"<row><c><v>%d</v></c></row>" % ((i * 7919) % 100_003) for i in range(per_block))
    raw, crc, size = deflated(block, rows // per_block)
    head, tail = SHEET_HEAD + b"<sheetData>", b"</sheetData></worksheet>"
    # head and tail in their own independent deflate blocks around the repeated rows
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    head_raw = first.compress(head) + first.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail_raw = last.compress(tail) + last.flush()
    crc = zlib.crc32(head)
    for _ in range(rows // per_block):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    sheet = Member("xl/worksheets/sheet1.xml", head_raw + raw[:-2] + tail_raw, crc, len(head) + size + len(tail))
    return _xlsx_with_raw_sheet(sheet)


def xlsx_wide_and_tall(rows: int = 20_000, column: str = "IV") -> bytes:
    """Within the row and column limits, but rows x columns over the cell limit (padding would explode)."""

    def chunks():
        yield SHEET_HEAD + b"<sheetData>"
        yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, rows))
        yield (b'<row r="%d"><c r="%s%d"><v>1</v></c></row></sheetData></worksheet>' % (rows, column.encode(), rows))

    return _xlsx_with_sheet(chunks())


# ------------------------------------------------------------------------------------------------------ PDF


def pdf_flate_streams(count: int = 300, each: int = 20 * MiB) -> bytes:
    """A one-page PDF whose content is ``count`` Flate streams of ``each`` bytes of zeros (hundreds of MB)."""
    block = zlib.compressobj(9)
    raw = block.compress(b"\0" * each) + block.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ["
        + b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
        + b"] >>",
    ]
    objects += [
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw) + raw + b"\nendstream" for _ in range(count)
    ]
    return _pdf(objects)


def pdf_many_pages(pages: int = 3_000) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>" for _ in range(pages)]
    return _pdf(objects)


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_big_text(size: int = 40 * MiB) -> bytes:
    """A legitimate-looking DOCX of ``size`` bytes of varied text (compresses about 2:1: not a bomb by ratio)."""
    words = os.urandom(size // 4).hex().encode()
    xml = b"<w:document " + W + b"><w:body><w:p><w:r><w:t>" + words + b"</w:t></w:r></w:p></w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", xml)
    return out.getvalue()
