"""Every write of the documents app: the pack's header facts, agency templates, generated outputs, batches.

Each function validates, checks rights, writes in one transaction and records an audit entry.  Rendering is done
by ``prongsai.documents`` (pure: context builders and DOCX/PDF renderers); ``prongsai.web.documents.pack`` gathers
the database rows it needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from prongsai.web.agencies.models import Agency, Person, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.documents import batches, pack, signoff, storage
from prongsai.web.documents.models import (
    DocumentBatch,
    DocumentDetails,
    DocumentKind,
    DocumentTemplate,
    GeneratedDocument,
)
from prongsai.web.measures import permissions
from prongsai.web.messages import localized
from prongsai.web.ops.storage import delete_on_commit
from prongsai.web.rounds.models import AssessmentRound

MAX_TEMPLATE = 5 * 1024 * 1024


def can_view_documents(user, agency: Agency) -> bool:
    """The pack is for the agency's ITA officer, director and read-only members, and central admins."""
    return permissions.can_view_analysis(user, agency)


# ------------------------------------------------------------------------------------------------- details


def details_for(round_: AssessmentRound, agency: Agency) -> DocumentDetails | None:
    return (
        DocumentDetails.objects.filter(round=round_, agency=agency)
        .select_related("memo_unit", "author", "signer")
        .first()
    )


def save_details(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    *,
    memo_unit: Unit | None = None,
    phone: str = "",
    memo_number: str = "",
    memo_date: date | None = None,
    announcement_date: date | None = None,
    report_date: date | None = None,
    author: Person | None = None,
    signer: Person | None = None,
    signer_position: str = "",
) -> DocumentDetails:
    permissions.require_manage(actor, agency)
    if memo_unit is not None and memo_unit.agency_id != agency.pk:
        raise ValidationError(_("The memo's unit belongs to another agency."))
    values = {
        "memo_unit": memo_unit,
        "phone": phone.strip()[:100],
        "memo_number": memo_number.strip()[:64],
        "memo_date": memo_date,
        "announcement_date": announcement_date,
        "report_date": report_date,
        "author": author,
        "signer": signer,
        "signer_position": signer_position.strip()[:255],
    }
    with transaction.atomic():
        details, _created = DocumentDetails.objects.select_for_update().get_or_create(round=round_, agency=agency)
        before = {k: str(getattr(details, k) or "") for k in values}
        for key, value in values.items():
            setattr(details, key, value)
        details.updated_by = actor if actor.is_authenticated else None
        details.save()
        after = {k: str(v or "") for k, v in values.items()}
        record(
            actor,
            AuditAction.SAVE_DOCUMENT_DETAILS,
            f"{agency}: document details for {round_.fiscal_year}",
            agency=agency,
            obj=details,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return details


# ----------------------------------------------------------------------------------------------- templates


def template_for(agency: Agency, kind: str) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(agency=agency, kind=kind).first()


def check_template(kind: str, data: bytes) -> list[str]:
    """Refuse what is not a safe DOCX holding the placeholders the document needs; returns the placeholders found.

    Three checks, each with a Thai message: the package's size limits (``safefiles.check_docx``), the Jinja of
    every part docxtpl compiles (``sandbox.check_docx_template``: names, attributes, filters, statements; each
    refused placeholder is named), and the placeholders the document needs.  The same sandbox and validator run
    again at every render, so a template stored without this check is refused there too."""
    from prongsai.core import safefiles
    from prongsai.documents import sandbox

    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown document '%(kind)s'") % {"kind": kind})
    if len(data) > MAX_TEMPLATE:
        raise ValidationError(_("The template is larger than %(mb)s MB") % {"mb": MAX_TEMPLATE // (1024 * 1024)})
    try:
        safefiles.check_docx(data)
    except safefiles.FileTooComplex as exc:
        if exc.code in ("not_zip", "not_docx"):
            raise ValidationError(
                _("This is not a Word file (.docx): save the template from Word as .docx and upload it again")
            ) from None
        raise ValidationError(localized(exc.th, exc.en)) from None
    try:
        sandbox.check_docx_template(data)
    except sandbox.UnsafeTemplate as exc:
        raise ValidationError([localized(p.thai(), p.english()) for p in exc.problems[:20]]) from None
    except Exception as exc:  # noqa: BLE001 - any package python-docx cannot read
        raise ValidationError(
            _("The template cannot be read (%(error)s): save it again from Word") % {"error": type(exc).__name__}
        ) from None
    found, missing = pack.template_placeholders(kind, data)
    if missing:
        names = ", ".join(f"{{{{ {m} }}}}" for m in missing)
        raise ValidationError(_("The template lacks the placeholders %(names)s this document needs") % {"names": names})
    return found


def upload_template(actor, agency: Agency, kind: str, name: str, data: bytes) -> DocumentTemplate:
    permissions.require_manage(actor, agency)
    if not name.lower().endswith(".docx"):
        raise ValidationError(_("Upload a .docx file (Word 2007 or later)"))
    check_template(kind, data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        template = DocumentTemplate.objects.select_for_update().filter(agency=agency, kind=kind).first()
        before = template.sha256 if template else ""
        old_file = template.file.name if template else ""
        if template is None:
            template = DocumentTemplate(agency=agency, kind=kind)
        template.original_name = name.rsplit("/", 1)[-1][:255]
        template.sha256 = digest
        template.uploaded_by = actor if actor.is_authenticated else None
        template.file.save(f"{kind}.docx", ContentFile(data), save=False)
        template.save()
        if old_file and old_file != template.file.name:
            delete_on_commit(template.file.storage, old_file)
        record(
            actor,
            AuditAction.UPLOAD_DOCUMENT_TEMPLATE,
            f"{agency}: template for {kind} ({template.original_name})",
            agency=agency,
            obj=template,
            changes={"kind": kind, "sha256": [before, digest]},
        )
    return template


def delete_template(actor, agency: Agency, kind: str) -> None:
    permissions.require_manage(actor, agency)
    template = template_for(agency, kind)
    if template is None:
        return
    with transaction.atomic():
        record(
            actor,
            AuditAction.DELETE_DOCUMENT_TEMPLATE,
            f"{agency}: back to the default template for {kind}",
            agency=agency,
            obj=template,
            changes={"kind": kind, "sha256": template.sha256},
        )
        delete_on_commit(template.file.storage, template.file.name)
        template.delete()


# ---------------------------------------------------------------------------------------------- generation


@dataclass
class PackResult:
    documents: list[GeneratedDocument]
    zip: GeneratedDocument | None
    seconds: float = 0.0
    versions: list = field(default_factory=list)  # the draft DocumentVersions the documents became
    missing: list[str] = field(default_factory=list)  # documents not approved yet (no ZIP then)


def generate_pack(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    *,
    kinds: Sequence[str] | None = None,
    with_zip: bool = True,
    batch: DocumentBatch | None = None,
    check_rights: bool = True,
) -> PackResult:
    """Render every document (DOCX and PDF) of the pack as draft versions (``signoff.record_versions``) and, with
    ``with_zip``, the evidence-pack ZIP of the **approved** versions (``signoff.build_evidence_pack``): while some
    document is not approved there is no ZIP and ``missing`` names them.

    ``check_rights=False`` is for the task worker, which runs a batch a central admin was allowed to start.
    """
    import time

    from prongsai.web.documents.emblems import emblem_bytes

    if check_rights:
        permissions.require_manage(actor, agency)
    started = time.perf_counter()
    kinds = list(kinds or DocumentKind.values)
    unknown = set(kinds) - set(DocumentKind.values)
    if unknown:
        raise ValidationError(_("Unknown document(s): %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    templates = {t.kind: t for t in DocumentTemplate.objects.filter(agency=agency, kind__in=kinds)}
    rendered = pack.render(
        round_, agency, kinds, {k: t.file for k, t in templates.items()}, with_zip=False, emblem=emblem_bytes(agency)
    )
    with transaction.atomic():
        stored = [
            storage.store(actor, round_, agency, out.kind, out.fmt, out.name, out.data, templates.get(out.kind), batch)
            for out in rendered.outputs
        ]
        versions = signoff.record_versions(actor, round_, agency, rendered.contexts, stored)
        record(
            actor,
            AuditAction.GENERATE_DOCUMENTS,
            f"{agency}: {len(stored)} draft document(s) for {round_.fiscal_year}",
            agency=agency,
            obj=stored[0] if stored else None,
            changes={
                "kinds": kinds,
                "files": {d.name: d.sha256 for d in stored},
                "versions": {v.kind: v.number for v in versions},
                "batch": batch.pk if batch else None,
            },
        )
    archive, missing = None, []
    if with_zip:
        missing = signoff.missing_approvals(round_, agency)
        if not missing:
            archive = signoff.build_evidence_pack(actor, round_, agency, batch=batch, check_rights=False)
    return PackResult(stored, archive, time.perf_counter() - started, versions, missing)


def latest_outputs(round_: AssessmentRound, agency: Agency) -> dict[tuple[str, str], GeneratedDocument]:
    """The newest stored output per (kind, format)."""
    latest: dict[tuple[str, str], GeneratedDocument] = {}
    for doc in GeneratedDocument.objects.filter(round=round_, agency=agency).order_by("-created_at", "-pk"):
        latest.setdefault((doc.kind, doc.fmt), doc)
    return latest


def can_download(user, doc: GeneratedDocument) -> bool:
    return can_view_documents(user, doc.agency)


# ------------------------------------------------------------------------------------------------- batches


def batch_agencies(round_: AssessmentRound, codes: Iterable[str] | None = None) -> list[Agency]:
    """The agencies a batch covers: those the round assesses that have a result to analyse (or the given codes)."""
    from prongsai.web.measures.analysis import analysed_round
    from prongsai.web.results.models import AgencyResult

    kinds = round_.framework.agency_types
    query = Agency.objects.filter(kind__in=kinds, is_active=True)
    if codes:
        wanted = [c.strip() for c in codes if c and c.strip()]
        query = query.filter(code__in=wanted)
    else:
        analysed = analysed_round(round_)
        if analysed is not None:
            query = query.filter(pk__in=AgencyResult.objects.filter(round=analysed).values("agency_id"))
    return list(query.order_by("code"))


def start_batch(actor, round_: AssessmentRound, agencies: Sequence[Agency]) -> DocumentBatch:
    """Queue one pack per agency on the task queue (central admins only): ``prongsai.web.documents.batches``."""
    return batches.start_batch(actor, round_, agencies)


def run_batch_item(batch_id: int, agency_id: int) -> str:
    """One agency of a batch (called by the task): ``prongsai.web.documents.batches``."""
    return batches.run_batch_item(batch_id, agency_id)
