"""Where the documents app keeps what it generates: below ``services`` and ``signoff``.

Both write generated files (a pack's documents; a signed PDF and the evidence pack), so the one writer of a stored
file lives here and neither imports the other for it (who may write: ``measures.permissions.require_manage``).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from prongsai.web.agencies.models import Agency
from prongsai.web.documents.models import DocumentBatch, DocumentTemplate, GeneratedDocument
from prongsai.web.rounds.models import AssessmentRound


def store(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    kind: str,
    fmt: str,
    name: str,
    data: bytes,
    template: DocumentTemplate | None = None,
    batch: DocumentBatch | None = None,
) -> GeneratedDocument:
    """Store one generated file (its hash and size recorded); the caller holds the transaction."""
    doc = GeneratedDocument(
        round=round_,
        agency=agency,
        kind=kind,
        fmt=fmt,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        template=template,
        batch=batch,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    doc.file.save(name, ContentFile(data), save=False)
    doc.save()
    return doc
