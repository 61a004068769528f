"""Sign-off of the pack's documents: one service function per move of ``prongsai.documents.signoff.SIGNOFF``,
the versions that generation records, and the evidence pack built from approved versions only.

- Who is what for an agency (:func:`agency_roles`): its ITA officer (an ``agency_admin`` membership over it), the
  central admin, and **its own director** (a ``director`` membership on that very agency: a school's documents
  are approved by the school's director, not by the director of the office above it).
- Every move checks the table (``SIGNOFF.check``), runs in ``transaction.atomic`` on the locked row and writes an
  audit entry.  Buttons come from :func:`available_moves` (``SIGNOFF.moves_from``).
- Approving renders the signed PDF from the context kept on the version (what the director was shown), with the
  approver's name and the date printed in the signature block (``signoff.Stamp``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from prongsai.core.lifecycle import Move, TransitionRefused
from prongsai.documents import pack_file_name
from prongsai.documents.signoff import (
    APPROVED,
    CENTRAL,
    DIRECTOR,
    DRAFT,
    OFFICER,
    PROPOSED,
    SIGNOFF,
    STATE_EN,
    STATE_TH,
    Stamp,
)
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.documents import pack, storage
from prongsai.web.documents.models import (
    PACK_KIND,
    DocumentKind,
    DocumentVersion,
    GeneratedDocument,
    OutputFormat,
)
from prongsai.web.measures import permissions
from prongsai.web.messages import localized
from prongsai.web.rounds.models import AssessmentRound

# ---------------------------------------------------------------------------------------------- who is what


def agency_roles(user, agency: Agency) -> set[str]:
    """The sign-off roles ``user`` holds for ``agency``'s documents (empty: none)."""
    roles: set[str] = set()
    if access.is_central_admin(user):
        roles.add(CENTRAL)
    for m in access.memberships(user):
        if m.role == Role.AGENCY_ADMIN and agency.path.startswith(m.agency.path):
            roles.add(OFFICER)
        if m.role == Role.DIRECTOR and m.agency_id == agency.pk:
            roles.add(DIRECTOR)
    return roles


def available_moves(user, version: DocumentVersion) -> list[Move]:
    """The moves ``user`` may make on ``version`` now: the buttons of the pack page, from the table alone."""
    found: dict[str, Move] = {}
    for role in sorted(agency_roles(user, version.agency)):
        for move in SIGNOFF.moves_from(version.state, role):
            found.setdefault(move.name, move)
    return list(found.values())


def refusal_text(exc: TransitionRefused) -> str:
    """The message of a refused move in the active language (the table's own message names internal codes)."""
    move = next((m for m in SIGNOFF.moves if m.name == exc.move), None)
    label = localized(move.label_th, move.label_en) if move else exc.move
    if exc.role is not None:
        return _("You may not “%(move)s” this document") % {"move": label}
    state = localized(STATE_TH.get(exc.state, exc.state), STATE_EN.get(exc.state, exc.state))
    return _("Cannot “%(move)s”: the document is “%(state)s”") % {"move": label, "state": state}


def missing_text(labels: list[str]) -> str:
    """Why the evidence pack cannot be built yet: the documents without an approved version."""
    return _(
        "The evidence pack cannot be built yet: these documents are not approved by the director — "
        "%(documents)s (only approved versions are used)"
    ) % {"documents": ", ".join(labels)}


def _check(actor, version: DocumentVersion, move: str) -> Move:
    """The move if ``actor`` may make it on ``version`` now; else :class:`TransitionRefused`.

    Out of the agency's scope altogether is ``PermissionDenied`` (the other office's director)."""
    roles = agency_roles(actor, version.agency)
    if not roles:
        raise PermissionDenied
    found = SIGNOFF.find(version.state, move)
    if found is None:
        raise TransitionRefused(SIGNOFF.name, version.state, move)
    allowed = [r for r in roles if SIGNOFF.allows(version.state, move, r)]
    if not allowed:
        raise TransitionRefused(SIGNOFF.name, version.state, move, role=",".join(sorted(roles)))
    return found


def _locked(version: DocumentVersion) -> DocumentVersion:
    return DocumentVersion.objects.select_for_update().select_related("agency", "round").get(pk=version.pk)


def _audit(actor, action: AuditAction, version: DocumentVersion, before: str, **extra) -> None:
    with override("th"):  # the audit log is written in Thai, whatever language the actor reads
        summary = f"{version.agency}: {version.get_kind_display()} v{version.number} {before}→{version.state}"
    record(
        actor,
        action,
        summary,
        agency=version.agency,
        obj=version,
        changes={"kind": version.kind, "number": version.number, "state": [before, version.state], **extra},
    )


# ------------------------------------------------------------------------------------------------ the moves


def propose(actor, version: DocumentVersion) -> DocumentVersion:
    """The officer sends a draft to the director."""
    with transaction.atomic():
        version = _locked(version)
        _check(actor, version, "propose")
        version.state, version.proposed_by, version.proposed_at, version.note = PROPOSED, actor, timezone.now(), ""
        version.save()
        _audit(actor, AuditAction.PROPOSE_DOCUMENT, version, DRAFT)
    return version


def withdraw(actor, version: DocumentVersion) -> DocumentVersion:
    """The officer takes a proposed version back to edit it."""
    with transaction.atomic():
        version = _locked(version)
        _check(actor, version, "withdraw")
        version.state = DRAFT
        version.save()
        _audit(actor, AuditAction.WITHDRAW_DOCUMENT, version, PROPOSED)
    return version


def send_back(actor, version: DocumentVersion, note: str = "") -> DocumentVersion:
    """The director returns a proposed version to the officer, saying why."""
    with transaction.atomic():
        version = _locked(version)
        _check(actor, version, "send_back")
        version.state, version.note = DRAFT, note.strip()[:500]
        version.save()
        _audit(actor, AuditAction.SEND_BACK_DOCUMENT, version, PROPOSED, note=version.note)
    return version


def approver_stamp(actor, agency: Agency, on: date) -> Stamp:
    person = getattr(actor, "person", None)
    name = f"{person.title_th}{person.full_name_th}".strip() if person else (actor.get_full_name() or actor.username)
    membership = next(
        (m for m in access.memberships(actor) if m.role == Role.DIRECTOR and m.agency_id == agency.pk), None
    )
    position = (
        (membership.position_th if membership else "")
        or (person.position_th if person else "")
        or pack.director_position(agency)
    )
    return Stamp(name=name, position=position, approved_on=on)


def content_mark(version: DocumentVersion) -> str:
    """A short fingerprint of what the version says: the confirmation page carries it, so that what the director
    approves is what the director read (the officer may regenerate and propose again in between)."""
    text = json.dumps(version.context, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def approve(actor, version: DocumentVersion, *, on: date | None = None, seen: str | None = None) -> DocumentVersion:
    """The agency's director approves a proposed version: the signed PDF is printed with their name and the date,
    and the version is frozen."""
    from prongsai.documents.render_pdf import render_pdf
    from prongsai.web.documents.emblems import emblem_file

    version = DocumentVersion.objects.select_related("agency", "round").get(pk=version.pk)
    _check(actor, version, "approve")  # before the slow render; again below on the locked row
    # What the director saw and the PDF below prints.  If the officer regenerated the document (which withdraws it)
    # and proposed it again while this renders, the state is "proposed" again but the content may not be this one.
    rendered_from = version.context
    changed = ValidationError(
        _(
            "The document changed while it was being signed (it was generated and proposed "
            "again): open it again and approve what it says now."
        )
    )
    if seen is not None and seen != content_mark(version):
        raise changed  # changed between the confirmation page the director read and the confirming click
    stamp = approver_stamp(actor, version.agency, on or timezone.localdate())
    with emblem_file(version.agency) as emblem:  # rendered outside the transaction: it takes about a second
        data = render_pdf(version.kind, version.context, emblem=emblem, signed=stamp.as_context())
    prefix = pack.file_prefix(version.agency, version.round)
    name = pack_file_name(version.kind, "pdf", prefix).replace(".pdf", f"-v{version.number}-signed.pdf")
    with transaction.atomic():
        version = _locked(version)
        _check(actor, version, "approve")
        if version.context != rendered_from:
            raise changed
        signed = storage.store(actor, version.round, version.agency, version.kind, OutputFormat.PDF, name, data)
        version.state, version.approved_by, version.approved_at = APPROVED, actor, timezone.now()
        version.approver_name, version.approver_position, version.signed_pdf = stamp.name, stamp.position, signed
        version.save()
        _audit(
            actor,
            AuditAction.APPROVE_DOCUMENT,
            version,
            PROPOSED,
            approver=stamp.name,
            approved_on=stamp.approved_on.isoformat(),
            signed_pdf=signed.sha256,
        )
    return version


MOVES = {"propose": propose, "withdraw": withdraw, "send_back": send_back, "approve": approve}


# ------------------------------------------------------------------------------- versions from generation


def record_versions(
    actor, round_: AssessmentRound, agency: Agency, contexts: dict, stored: list[GeneratedDocument]
) -> list[DocumentVersion]:
    """Called inside ``generate_pack``'s transaction: each generated document becomes (or refreshes) a draft.

    The latest version of the document is a draft: its files and context are replaced.  It is proposed: it
    returns to draft (the ``withdraw`` move: its content changed, the director must see the new one).  It is
    approved, or there is none: a new draft version is numbered next to it — the approved one stays as it is."""
    files = {(d.kind, d.fmt): d for d in stored}
    versions = []
    for kind, context in contexts.items():
        latest = (
            DocumentVersion.objects.select_for_update()
            .filter(round=round_, agency=agency, kind=kind)
            .order_by("-number")
            .first()
        )
        if latest is None or latest.state == APPROVED:
            version = DocumentVersion(
                round=round_, agency=agency, kind=kind, number=(latest.number + 1) if latest else 1
            )
            before = ""
        else:
            version, before = latest, latest.state
            if before == PROPOSED:
                SIGNOFF.check(PROPOSED, "withdraw")  # the same move as the officer's "withdraw", made by editing
        version.state, version.context = DRAFT, context
        version.docx, version.pdf = files.get((kind, "docx")), files.get((kind, "pdf"))
        version.save()
        if before == PROPOSED:
            _audit(actor, AuditAction.WITHDRAW_DOCUMENT, version, PROPOSED, reason="regenerated")
        versions.append(version)
    return versions


def versions_of(round_: AssessmentRound, agency: Agency) -> dict[str, list[DocumentVersion]]:
    """Every version per document kind, newest first."""
    out: dict[str, list[DocumentVersion]] = {k: [] for k in DocumentKind.values}
    for v in (
        DocumentVersion.objects.filter(round=round_, agency=agency)
        .select_related("docx", "pdf", "signed_pdf", "approved_by", "proposed_by")
        .order_by("kind", "-number")
    ):
        out.setdefault(v.kind, []).append(v)
    return out


def approved_versions(round_: AssessmentRound, agency: Agency) -> dict[str, DocumentVersion]:
    """The newest approved version of each document that has one."""
    approved: dict[str, DocumentVersion] = {}
    for v in (
        DocumentVersion.objects.filter(round=round_, agency=agency, state=APPROVED)
        .select_related("docx", "signed_pdf")
        .order_by("-number")
    ):
        approved.setdefault(v.kind, v)
    return approved


def missing_approvals(round_: AssessmentRound, agency: Agency) -> list[str]:
    """The names of the documents without an approved version, in the active language (empty: the pack can be
    built).  Reads the kinds only (the officer's checklist asks on every dashboard; a version carries its whole
    context)."""
    approved = set(
        DocumentVersion.objects.filter(round=round_, agency=agency, state=APPROVED)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    return [str(label) for kind, label in DocumentKind.choices if kind not in approved]


# --------------------------------------------------------------------------------------------- the pack


def build_evidence_pack(
    actor, round_: AssessmentRound, agency: Agency, *, batch=None, check_rights: bool = True
) -> GeneratedDocument:
    """The evidence pack (O42/O43 publication, the national batch) from **approved versions only**: each
    document's signed PDF and its DOCX, and the units' files.  Refused in Thai, naming the documents that are not
    approved yet.  ``check_rights=False`` is for the batch worker (a central admin started the batch)."""

    if check_rights:
        permissions.require_manage(actor, agency)
    approved = approved_versions(round_, agency)
    missing = [str(label) for kind, label in DocumentKind.choices if kind not in approved]
    if missing:
        raise ValidationError(missing_text(missing), code="not_approved")
    outputs = []
    for kind in DocumentKind.values:
        version = approved[kind]
        for doc in (version.docx, version.signed_pdf):
            if doc is None:
                continue
            with doc.file.open("rb") as handle:
                outputs.append(pack.Output(kind=kind, fmt=doc.fmt, name=doc.name, data=handle.read()))
    data = pack.evidence_zip(outputs, pack.evidence_measures(round_, agency))
    name = f"{pack.file_prefix(agency, round_)}evidence-pack.zip"
    with transaction.atomic():
        archive = storage.store(actor, round_, agency, PACK_KIND, OutputFormat.ZIP, name, data, batch=batch)
        record(
            actor,
            AuditAction.BUILD_EVIDENCE_PACK,
            f"{agency}: evidence pack of approved versions for {round_.fiscal_year}",
            agency=agency,
            obj=archive,
            changes={
                "versions": {k: v.number for k, v in approved.items()},
                "sha256": archive.sha256,
                "batch": batch.pk if batch else None,
            },
        )
    return archive
