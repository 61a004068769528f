"""ZIP packages (XLSX, DOCX, plain ZIP) read within the limits: :class:`SafeZip`, and the Word check."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from prongsai.core.safefiles.limits import (
    ARCHIVE_MAGIC,
    ARCHIVE_SUFFIXES,
    CHUNK,
    DEFAULT,
    EMBEDDING_DIRS,
    TEMPLATE,
    FileTooComplex,
    Limits,
    mb,
    too_complex,
)

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
                f"the file is larger than {mb(limits.max_file_bytes)}",
                f"ไฟล์ใหญ่เกิน {mb(limits.max_file_bytes)}",
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
                    f"'{name}' inflates to {mb(info.file_size)} (at most {mb(limits.max_zip_entry_bytes)})",
                    f"ส่วน '{name}' ขยายได้ {mb(info.file_size)} (ไม่เกิน {mb(limits.max_zip_entry_bytes)})",
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
                f"the package inflates to {mb(total)} (at most {mb(limits.max_zip_total_bytes)})",
                f"ขยายแล้วมีขนาด {mb(total)} (ไม่เกิน {mb(limits.max_zip_total_bytes)})",
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
                            f"'{name}' is larger than {mb(max_bytes)}",
                            f"ส่วน '{name}' ใหญ่เกิน {mb(max_bytes)}",
                        )
                    if self._inflated > self.limits.max_zip_total_bytes:
                        raise too_complex(
                            "zip_total",
                            "the package inflates past its budget",
                            f"ขยายแล้วเกิน {mb(self.limits.max_zip_total_bytes)}",
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
