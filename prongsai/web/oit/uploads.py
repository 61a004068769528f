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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prongsai.core import safefiles
from prongsai.web.messages import localized

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024

#: extension → (content type, what the bytes must be, the name a user reads)
TYPES = {
    ".pdf": ("application/pdf", "pdf", "PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word (DOCX)"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (XLSX)"),
    ".png": ("image/png", "png", gettext_lazy("PNG image")),
    ".jpg": ("image/jpeg", "jpeg", gettext_lazy("JPEG image")),
    ".jpeg": ("image/jpeg", "jpeg", gettext_lazy("JPEG image")),
}
ALLOWED_TEXT = gettext_lazy("PDF, DOCX, XLSX, PNG or JPEG")


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
            raise ValidationError(
                _("The system does not accept this file: %(reason)s") % {"reason": localized(exc.th, exc.en)},
                code="file_complex",
            ) from None
        finally:
            data_file.seek(0)
    return "unknown"


def check_upload(uploaded) -> CheckedUpload:
    """Validate a Django ``UploadedFile``; raises ``ValidationError`` with a translated message (code names the
    rule)."""
    if uploaded is None:
        raise ValidationError(_("Please choose a file to upload"), code="required")
    name = os.path.basename(str(uploaded.name or "")).strip()
    extension = os.path.splitext(name)[1].lower()
    if extension not in TYPES:
        raise ValidationError(
            _("Files of type %(extension)s are not accepted; only %(types)s")
            % {"extension": extension or _("(no extension)"), "types": ALLOWED_TEXT},
            code="file_type",
        )
    size = uploaded.size or 0
    if size > max_upload_bytes():
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(limit)s")
            % {"size": f"{size / (1024 * 1024):.1f}", "limit": max_upload_text()},
            code="file_size",
        )
    if size == 0:
        raise ValidationError(_("The file is empty; please choose another file"), code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type, expected, label = TYPES[extension]
    kind = _kind_of(head, uploaded)
    if kind != expected:
        raise ValidationError(
            _("The content is not %(kind)s as the extension %(extension)s says (the file may be damaged or renamed)")
            % {"kind": label, "extension": extension},
            code="file_content",
        )
    digest = hashlib.sha256()
    chunks = []
    for chunk in uploaded.chunks():
        digest.update(chunk)
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) > max_upload_bytes():  # the declared size lied
        raise ValidationError(
            _("The file is too large; at most %(limit)s") % {"limit": max_upload_text()}, code="file_size"
        )
    uploaded.seek(0)
    return CheckedUpload(
        original_name=name[:255],
        extension=extension,
        content_type=content_type,
        size=len(data),
        sha256=digest.hexdigest(),
        data=data,
    )
