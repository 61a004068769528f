"""OIT pages: the agency's item table and item pages, its audit trail and its uploaded files, and the helpers the
other OIT view modules share.  The agency's changes are in ``views_agency``, the assessor's and the central admin's
in ``views_review``, the public transparency page in ``views_public``.

Views parse, authorise for reading, call one service function for every change and render.  Access rules are in
``prongsai.web.oit.permissions``; the expected status of every URL for every role is in
tests/integration/test_access_matrix.py (``MATRIX``, one entry per URL name).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from prongsai.core.framework import FrameworkError
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role
from prongsai.web.audit.actions import OIT_ACTIONS, AuditAction
from prongsai.web.audit.models import AuditEntry
from prongsai.web.messages import report_error
from prongsai.web.oit import permissions, queries, services
from prongsai.web.oit.forms import (
    ClarificationForm,
    LinkForm,
    NoteForm,
    OpenClarificationForm,
    ReviewForm,
    UnitForm,
    UploadForm,
)
from prongsai.web.oit.lifecycle import ENTRY, SUBMITTED_STATES, open_now, review_move
from prongsai.web.oit.models import (
    AssessorAssignment,
    EntryStatus,
    EvidenceFile,
    OITEntry,
)
from prongsai.web.oit.review import deadline_passed
from prongsai.web.rounds.models import AssessmentRound

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


# ------------------------------------------------------------------------------------------------------------ helpers


def round_agency(round_id: int, code: str) -> tuple[AssessmentRound, Agency]:
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    agency = get_object_or_404(Agency, code=code)
    try:
        framework = round_.framework
    except FrameworkError:
        raise Http404 from None
    if agency.kind not in framework.agency_types:
        raise Http404
    return round_, agency


def viewable(request: HttpRequest, round_id: int, code: str) -> tuple[AssessmentRound, Agency]:
    round_, agency = round_agency(round_id, code)
    if not permissions.can_view(request.user, round_, agency):
        raise PermissionDenied
    return round_, agency


def framework_item(round_: AssessmentRound, item_code: str):
    try:
        return round_.framework.oit_item(item_code)
    except StopIteration:
        raise Http404 from None


def back_to(round_: AssessmentRound, agency: Agency, item_code: str | None = None, anchor: str = "") -> HttpResponse:
    if item_code:
        url = reverse("oit_item", args=[round_.pk, agency.code, item_code])
    else:
        url = reverse("oit_agency", args=[round_.pk, agency.code])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def post_guard(request: HttpRequest, round_id: int, code: str, item: str | None = None):
    round_, agency = viewable(request, round_id, code)
    if item is not None:
        framework_item(round_, item)
    return round_, agency


def act(request: HttpRequest, back: HttpResponse, call, success) -> HttpResponse:
    """Run one service call for a POST: a ``ValidationError`` becomes an error message, otherwise ``success``
    (a text, or a function of the call's result giving one) a success message; either way answer ``back``."""
    try:
        result = call()
    except ValidationError as exc:
        report_error(request, exc, first_only=True)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return back


#: the words of the embed snippet's title: the snippet goes onto the agency's own Thai web site, so its title names
#: the Thai page it frames, whatever the language of the officer copying it
EMBED_TITLE_WORDS = ("การเปิดเผยข้อมูลสาธารณะ (OIT)", "ปีงบประมาณ พ.ศ.")  # thai-data: the Thai site's snippet


def _embed_code(request: HttpRequest, round_: AssessmentRound, agency: Agency) -> str:
    base = getattr(settings, "BASE_URL", "") or request.build_absolute_uri("/").rstrip("/")
    src = base + reverse("oit_embed", args=[agency.code, round_.pk])
    what, year = EMBED_TITLE_WORDS
    return (
        f'<iframe src="{src}" title="{what} {agency.display_name} {year} {round_.fiscal_year}" '
        f'width="100%" height="900" style="border:0;max-width:100%" loading="lazy"></iframe>'
    )


def file_response(evidence: EvidenceFile) -> FileResponse:
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    inline = evidence.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type or mimetypes.guess_type(evidence.original_name)[0],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store" if not evidence.is_public else "public, max-age=300"
    return response


# ----------------------------------------------------------------------------------------------------------- overview


@login_required
@require_GET
def oit_home(request: HttpRequest) -> HttpResponse:
    """Where the user's OIT work is: their agencies' item tables, their assignments, central tools."""
    user = request.user
    rounds = [r for r in AssessmentRound.objects.order_by("-fiscal_year", "framework_id") if _loads(r)]
    workspaces = []
    own = (
        access.agencies_for(user).exclude(kind="central")
        if not access.is_central_admin(user)
        else Agency.objects.none()
    )
    for round_ in rounds:
        for agency in own.filter(kind__in=round_.framework.agency_types)[:50]:
            workspaces.append({"round": round_, "agency": agency})
    assignments = (
        list(
            AssessorAssignment.objects.filter(assessor=user)
            .select_related("round", "agency")
            .order_by("-round__fiscal_year", "agency__name_th")
        )
        if access.has_role(user, Role.ASSESSOR)
        else []
    )
    if assignments:
        progress = {
            (row["round_id"], row["agency_id"]): row
            for row in OITEntry.objects.filter(
                round_id__in={a.round_id for a in assignments}, agency_id__in={a.agency_id for a in assignments}
            )
            .values("round_id", "agency_id")
            .annotate(
                submitted=Count("id", filter=Q(status=EntryStatus.SUBMITTED)),
                clarified=Count("id", filter=Q(status=EntryStatus.CLARIFIED)),
                confirmed=Count("id", filter=Q(status=EntryStatus.CONFIRMED)),
                total=Count("id", filter=Q(status__in=SUBMITTED_STATES)),
            )
        }
        for a in assignments:
            a.progress = progress.get((a.round_id, a.agency_id), {})
    return render(
        request,
        "oit/home.html",
        {
            "workspaces": workspaces,
            "assignments": assignments,
            "rounds": rounds,
            "central": access.is_central_admin(user),
        },
    )


def _loads(round_: AssessmentRound) -> bool:
    try:
        return bool(round_.framework.oit_items)
    except FrameworkError:
        return False


@login_required
@require_GET
def oit_agency(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = viewable(request, round_id, code)
    framework = round_.framework
    rows = queries.item_rows(round_, agency)
    user = request.user
    manage = permissions.can_manage(user, agency)
    my_units = permissions.unit_ids(user, agency)
    groups = []
    for indicator in framework.indicators_of(framework.evidence_tools[0]) if framework.evidence_tools else []:
        subs = indicator.sub_indicators or ()
        block: dict[str, Any] = {"indicator": indicator, "subs": []}
        for sub in subs or [None]:
            sub_rows = [
                r
                for r in rows
                if r.item.indicator == indicator.number and (sub is None or r.item.sub_indicator == sub.code)
            ]
            if sub_rows:
                block["subs"].append({"sub": sub, "rows": sub_rows})
        leftover = [
            r
            for r in rows
            if r.item.indicator == indicator.number and subs and r.item.sub_indicator not in {s.code for s in subs}
        ]
        if leftover:
            block["subs"].append({"sub": None, "rows": leftover})
        groups.append(block)
    before = services.previous_round(round_) if manage and round_.is_open else None
    can_carry = (
        bool(before)
        and OITEntry.objects.filter(round=before, agency=agency).exists()
        and not OITEntry.objects.filter(round=round_, agency=agency, carried_from__isnull=False).exists()
    )
    window = queries.clarification_window(round_, agency)
    context = {
        "round": round_,
        "agency": agency,
        "framework": framework,
        "groups": groups,
        "rows": rows,
        "forecast": queries.forecast(framework, rows),
        "actual": queries.actual_scores(framework, rows),
        "manage": manage,
        "my_units": my_units,
        "can_review": permissions.can_review(user, round_, agency),
        "can_open_clarification": permissions.can_open_clarification(user, round_, agency),
        "ready_count": sum(1 for r in rows if ENTRY.allows(r.status, "submit")),
        "reviewed_below": sum(
            1
            for r in rows
            if ENTRY.allows(r.status, "ask_clarification")
            and r.entry is not None
            and r.entry.score is not None
            and r.entry.score < 100
        ),
        "can_recheck": manage or bool(my_units),
        "previous_round": before if can_carry else None,
        "window": window,
        "open": round_.is_open,
        "embed_code": _embed_code(request, round_, agency) if manage else "",
        "public_url": request.build_absolute_uri(reverse("oit_public", args=[agency.code, round_.pk])),
        "clarification_form": OpenClarificationForm(initial={"deadline": window.deadline if window else None}),
        "assessors": AssessorAssignment.objects.filter(round=round_, agency=agency).select_related("assessor"),
    }
    return render(request, "oit/agency.html", context)


# --------------------------------------------------------------------------------------------------------------- item


def _item_context(request: HttpRequest, round_: AssessmentRound, agency: Agency, item_code: str, **forms) -> dict:
    item = framework_item(round_, item_code)
    user = request.user
    entry = (
        OITEntry.objects.filter(round=round_, agency=agency, code=item_code)
        .select_related("unit", "current_review", "carried_from__round")
        .first()
    )
    row = next(r for r in queries.item_rows(round_, agency) if r.code == item_code)
    unit_id = entry.unit_id if entry else None
    manage = permissions.can_manage(user, agency)
    editable = permissions.can_edit_evidence(user, round_, agency, entry)
    review_allowed = (
        permissions.can_review(user, round_, agency) and entry is not None and entry.status in SUBMITTED_STATES
    )
    years, year_required = services.expected_years(item, round_.fiscal_year)
    checks = {link.pk: list(link.checks.all()[:5]) for link in row.links}
    status = entry.status if entry else EntryStatus.DRAFT
    # the status card's buttons: the table's agency moves for this user's role, while the evidence is editable
    role = Role.AGENCY_ADMIN if manage else Role.UNIT_STAFF
    status_moves = (
        [m for m in ENTRY.moves_from(status, role) if m.name in ("ready", "draft", "submit")] if editable else []
    )
    window = queries.clarification_window(round_, agency)
    passed = deadline_passed(window)  # the page offers a move from clarifying only when the service accepts it
    next_review = review_move(status)
    return {
        "round": round_,
        "agency": agency,
        "item": item,
        "entry": entry,
        "row": row,
        "status": status,
        "status_label": EntryStatus(status).label,
        "manage": manage,
        "editable": editable,
        "status_moves": status_moves,
        "can_clarify": manage and open_now(status, "clarify", deadline_passed=passed, role=Role.AGENCY_ADMIN),
        "can_review": review_allowed
        and next_review is not None
        and open_now(status, next_review.name, deadline_passed=passed),
        "review_move": next_review,
        "can_confirm": review_allowed
        and open_now(status, "confirm", deadline_passed=passed)
        and entry.current_review_id,
        "years": years,
        "year_required": year_required,
        "checks": checks,
        "reviews": queries.reviews_of(entry),
        "window": window,
        "link_form": forms.get("link_form") or LinkForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "note_form": forms.get("note_form") or NoteForm(initial={"note": entry.note if entry else ""}),
        "unit_form": UnitForm(agency=agency, initial={"unit": unit_id}),
        "clarify_form": forms.get("clarify_form")
        or ClarificationForm(initial={"text": entry.clarification if entry else ""}),
        "review_form": forms.get("review_form") or ReviewForm(item=item, initial=_review_initial(entry)),
        "can_recheck": permissions.can_edit_item(user, agency, unit_id) and bool(row.links),
    }


def _review_initial(entry: OITEntry | None) -> dict:
    review = entry.current_review if entry else None
    if review is None:
        return {}
    return {
        "passed": "1" if review.passed else "0" if review.passed is False else None,
        "elements": review.elements or [],
        "score": review.given_score,
    }


def render_item(request, round_, agency, item_code, status=200, **forms) -> HttpResponse:
    context = _item_context(request, round_, agency, item_code, **forms)
    # errors of a form whose section is not shown (e.g. the item was submitted meanwhile) go to the top
    shown = {
        "link_form": context["editable"],
        "upload_form": context["editable"],
        "note_form": context["editable"],
        "clarify_form": context["can_clarify"],
        "review_form": context["can_review"],
    }
    context["hidden_errors"] = [
        str(error)
        for name, form in forms.items()
        if form is not None and not shown.get(name)
        for errors in form.errors.values()
        for error in errors
    ]
    return render(request, "oit/item.html", context, status=status)


@login_required
@require_GET
def oit_item(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = viewable(request, round_id, code)
    return render_item(request, round_, agency, item)


# ------------------------------------------------------------------------------------------------------- audit, files


@login_required
@require_GET
def oit_audit(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The audit trail of the agency's OIT: who did what, when, and why."""
    round_, agency = viewable(request, round_id, code)
    entries = AuditEntry.objects.filter(agency=agency, action__in=OIT_ACTIONS).select_related("actor")
    if request.GET.get("checks") != "1":
        entries = entries.exclude(action=AuditAction.RECORD_LINK_CHECK)
    item = request.GET.get("item", "")
    if item:
        entries = entries.filter(changes__item=item)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "oit/audit.html",
        {
            "round": round_,
            "agency": agency,
            "page": page,
            "item": item,
            "with_checks": request.GET.get("checks") == "1",
        },
    )


@login_required
@require_GET
def oit_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded evidence file, for people who may see the agency's OIT (never a public static URL)."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("entry__round", "entry__agency"), pk=pk)
    if not permissions.can_view(request.user, evidence.entry.round, evidence.entry.agency):
        raise PermissionDenied
    return file_response(evidence)
