"""Validation of uploaded evidence files: type by extension AND by content (magic bytes), size, and hashing.

Allowed: PDF, DOCX, XLSX, PNG, JPEG.  A file whose name says ``.pdf`` but whose bytes are not a PDF (or a DOCX
that is not a Word package) is refused, so a renamed executable or HTML page cannot be stored as evidence.
Messages are Thai: they are shown to the officer next to the upload field.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from prongsai.core import safefiles

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024

#: extension → (content type, what the bytes must be, Thai name)
TYPES = {
    ".pdf": ("application/pdf", "pdf", "PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word (DOCX)"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (XLSX)"),
    ".png": ("image/png", "png", "รูปภาพ PNG"),
    ".jpg": ("image/jpeg", "jpeg", "รูปภาพ JPEG"),
    ".jpeg": ("image/jpeg", "jpeg", "รูปภาพ JPEG"),
}
ALLOWED_TEXT = "PDF, DOCX, XLSX, PNG หรือ JPEG"


def max_upload_bytes() -> int:
    return int(getattr(settings, "PRONGSAI_OIT_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))


def max_upload_text() -> str:
    return f"{max_upload_bytes() / (1024 * 1024):g} MB"


@dataclass
class CheckedUpload:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def _kind_of(head: bytes, data_file) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        # the package's directory is checked with limits (entries, sizes, ratios) before it is listed
        try:
            data_file.seek(0)
            return safefiles.package_kind(data_file.read())
        except safefiles.FileTooComplex as exc:
            if exc.code == "not_zip":
                return "zip?"
            raise ValidationError(f"{exc.th} ระบบจึงไม่รับไฟล์นี้", code="file_complex") from None
        finally:
            data_file.seek(0)
    return "unknown"


def check_upload(uploaded) -> CheckedUpload:
    """Validate a Django ``UploadedFile``; raises ``ValidationError`` with a Thai message (code names the rule)."""
    if uploaded is None:
        raise ValidationError("กรุณาเลือกไฟล์ที่จะอัปโหลด", code="required")
    name = os.path.basename(str(uploaded.name or "")).strip()
    extension = os.path.splitext(name)[1].lower()
    if extension not in TYPES:
        raise ValidationError(f"ไม่รับไฟล์ชนิด {extension or '(ไม่มีนามสกุล)'} รับเฉพาะ {ALLOWED_TEXT}",
                              code="file_type")
    size = uploaded.size or 0
    if size > max_upload_bytes():
        raise ValidationError(f"ไฟล์ใหญ่เกินไป ({size / (1024 * 1024):.1f} MB) ขนาดไม่เกิน {max_upload_text()}",
                              code="file_size")
    if size == 0:
        raise ValidationError("ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ใหม่", code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type, expected, label = TYPES[extension]
    kind = _kind_of(head, uploaded)
    if kind != expected:
        raise ValidationError(f"เนื้อไฟล์ไม่ใช่ {label} ตามนามสกุล {extension} (ไฟล์อาจเสียหรือถูกเปลี่ยนนามสกุล)",
                              code="file_content")
    digest = hashlib.sha256()
    chunks = []
    for chunk in uploaded.chunks():
        digest.update(chunk)
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) > max_upload_bytes():  # the declared size lied
        raise ValidationError(f"ไฟล์ใหญ่เกินไป ขนาดไม่เกิน {max_upload_text()}", code="file_size")
    uploaded.seek(0)
    return CheckedUpload(original_name=name[:255], extension=extension, content_type=content_type, size=len(data),
                         sha256=digest.hexdigest(), data=data)
