"""OIT pages: the agency's item table and item pages (evidence, checks, review), the assessor's work, the
central admin's assignments and national pass rates, and the public transparency page (HTML, embed, JSON).

Views parse, authorise for reading, call one service function for every change and render.  Access rules are in
``prongsai.web.oit.permissions``; the expected status of every URL for every role is in
tests/integration/test_oit_access.py.
"""

from __future__ import annotations

import mimetypes
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.core.framework import FrameworkError
from prongsai.core.thai import format_thai_date, format_thai_datetime
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role
from prongsai.web.audit.models import AuditEntry
from prongsai.web.oit import permissions, queries, services
from prongsai.web.oit.forms import (
    AssignForm,
    ClarificationForm,
    LinkForm,
    NoteForm,
    OpenClarificationForm,
    ReviewForm,
    UnitForm,
    UploadForm,
    first_error,
)
from prongsai.web.oit.models import (
    AGENCY_EDITABLE,
    SUBMITTED_STATES,
    AssessorAssignment,
    EntryStatus,
    EvidenceFile,
    EvidenceLink,
    OITEntry,
)
from prongsai.web.rounds.models import AssessmentRound, RoundStatus

OIT_ACTIONS = ("add_oit_link", "remove_oit_link", "upload_oit_file", "remove_oit_file", "update_oit_note",
               "assign_oit_unit", "set_oit_ready", "set_oit_draft", "submit_oit_items", "request_oit_recheck",
               "record_link_check", "carry_over_oit_evidence", "assign_assessor", "unassign_assessor",
               "record_oit_review", "open_oit_clarification", "submit_oit_clarification", "confirm_oit_review",
               "sync_oit_result")
INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


# ------------------------------------------------------------------------------------------------- helpers


def _round_agency(round_id: int, code: str) -> tuple[AssessmentRound, Agency]:
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    agency = get_object_or_404(Agency, code=code)
    try:
        framework = round_.framework
    except FrameworkError:
        raise Http404 from None
    if agency.kind not in framework.agency_types:
        raise Http404
    return round_, agency


def _viewable(request: HttpRequest, round_id: int, code: str) -> tuple[AssessmentRound, Agency]:
    round_, agency = _round_agency(round_id, code)
    if not permissions.can_view(request.user, round_, agency):
        raise PermissionDenied
    return round_, agency


def _item(round_: AssessmentRound, item_code: str):
    try:
        return round_.framework.oit_item(item_code)
    except StopIteration:
        raise Http404 from None


def _back(round_: AssessmentRound, agency: Agency, item_code: str | None = None, anchor: str = "") -> HttpResponse:
    if item_code:
        url = reverse("oit_item", args=[round_.pk, agency.code, item_code])
    else:
        url = reverse("oit_agency", args=[round_.pk, agency.code])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _embed_code(request: HttpRequest, round_: AssessmentRound, agency: Agency) -> str:
    base = getattr(settings, "BASE_URL", "") or request.build_absolute_uri("/").rstrip("/")
    src = base + reverse("oit_embed", args=[agency.code, round_.pk])
    return (f'<iframe src="{src}" title="การเปิดเผยข้อมูลสาธารณะ (OIT) {agency.display_name} '
            f'ปีงบประมาณ พ.ศ. {round_.fiscal_year}" width="100%" height="900" '
            f'style="border:0;max-width:100%" loading="lazy"></iframe>')


# ------------------------------------------------------------------------------------------------- overview


@login_required
@require_GET
def oit_home(request: HttpRequest) -> HttpResponse:
    """Where the user's OIT work is: their agencies' item tables, their assignments, central tools."""
    user = request.user
    rounds = [r for r in AssessmentRound.objects.order_by("-fiscal_year", "framework_id") if _loads(r)]
    workspaces = []
    own = access.agencies_for(user).exclude(kind="central") if not access.is_central_admin(user) else \
        Agency.objects.none()
    for round_ in rounds:
        for agency in own.filter(kind__in=round_.framework.agency_types)[:50]:
            workspaces.append({"round": round_, "agency": agency})
    assignments = list(AssessorAssignment.objects.filter(assessor=user).select_related("round", "agency")
                       .order_by("-round__fiscal_year", "agency__name_th")) if access.has_role(user, Role.ASSESSOR) \
        else []
    if assignments:
        progress = {(row["round_id"], row["agency_id"]): row for row in OITEntry.objects.filter(
            round_id__in={a.round_id for a in assignments}, agency_id__in={a.agency_id for a in assignments})
            .values("round_id", "agency_id").annotate(
                submitted=Count("id", filter=Q(status=EntryStatus.SUBMITTED)),
                clarified=Count("id", filter=Q(status=EntryStatus.CLARIFIED)),
                confirmed=Count("id", filter=Q(status=EntryStatus.CONFIRMED)),
                total=Count("id", filter=Q(status__in=SUBMITTED_STATES)))}
        for a in assignments:
            a.progress = progress.get((a.round_id, a.agency_id), {})
    return render(request, "oit/home.html", {
        "workspaces": workspaces, "assignments": assignments, "rounds": rounds,
        "central": access.is_central_admin(user)})


def _loads(round_: AssessmentRound) -> bool:
    try:
        return bool(round_.framework.oit_items)
    except FrameworkError:
        return False


@login_required
@require_GET
def oit_agency(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _viewable(request, round_id, code)
    framework = round_.framework
    rows = queries.item_rows(round_, agency)
    user = request.user
    manage = permissions.can_manage(user, agency)
    my_units = permissions.unit_ids(user, agency)
    groups = []
    for indicator in framework.indicators_of(framework.evidence_tools[0]) if framework.evidence_tools else []:
        subs = indicator.sub_indicators or ()
        block = {"indicator": indicator, "subs": []}
        for sub in subs or [None]:
            sub_rows = [r for r in rows if r.item.indicator == indicator.number
                        and (sub is None or r.item.sub_indicator == sub.code)]
            if sub_rows:
                block["subs"].append({"sub": sub, "rows": sub_rows})
        leftover = [r for r in rows if r.item.indicator == indicator.number and subs
                    and r.item.sub_indicator not in {s.code for s in subs}]
        if leftover:
            block["subs"].append({"sub": None, "rows": leftover})
        groups.append(block)
    before = services.previous_round(round_) if manage and round_.status == RoundStatus.OPEN else None
    can_carry = bool(before) and OITEntry.objects.filter(round=before, agency=agency).exists() and \
        not OITEntry.objects.filter(round=round_, agency=agency, carried_from__isnull=False).exists()
    window = queries.clarification_window(round_, agency)
    context = {
        "round": round_, "agency": agency, "framework": framework, "groups": groups, "rows": rows,
        "forecast": queries.forecast(framework, rows), "actual": queries.actual_scores(framework, rows),
        "manage": manage, "my_units": my_units, "can_review": permissions.can_review(user, round_, agency),
        "can_open_clarification": permissions.can_open_clarification(user, round_, agency),
        "ready_count": sum(1 for r in rows if r.status == EntryStatus.READY),
        "reviewed_below": sum(1 for r in rows if r.status == EntryStatus.REVIEWED and r.entry.score is not None
                              and r.entry.score < 100),
        "can_recheck": manage or bool(my_units),
        "previous_round": before if can_carry else None, "window": window,
        "open": round_.status == RoundStatus.OPEN,
        "embed_code": _embed_code(request, round_, agency) if manage else "",
        "public_url": request.build_absolute_uri(reverse("oit_public", args=[agency.code, round_.pk])),
        "clarification_form": OpenClarificationForm(initial={"deadline": window.deadline if window else None}),
        "assessors": AssessorAssignment.objects.filter(round=round_, agency=agency).select_related("assessor"),
    }
    return render(request, "oit/agency.html", context)


# ---------------------------------------------------------------------------------------------------- item


def _item_context(request: HttpRequest, round_: AssessmentRound, agency: Agency, item_code: str, **forms) -> dict:
    item = _item(round_, item_code)
    user = request.user
    entry = OITEntry.objects.filter(round=round_, agency=agency, code=item_code) \
        .select_related("unit", "current_review", "carried_from__round").first()
    row = next(r for r in queries.item_rows(round_, agency) if r.code == item_code)
    unit_id = entry.unit_id if entry else None
    manage = permissions.can_manage(user, agency)
    editable = permissions.can_edit_item(user, agency, unit_id) and round_.status == RoundStatus.OPEN and (
        entry is None or entry.status in AGENCY_EDITABLE)
    review_allowed = permissions.can_review(user, round_, agency) and entry is not None and \
        entry.status in SUBMITTED_STATES
    years, year_required = services.expected_years(item, round_.fiscal_year)
    checks = {link.pk: list(link.checks.all()[:5]) for link in row.links}
    status = entry.status if entry else EntryStatus.DRAFT
    return {
        "round": round_, "agency": agency, "item": item, "entry": entry, "row": row, "status": status,
        "status_label": EntryStatus(status).label, "manage": manage, "editable": editable,
        "can_ready": editable and status in (EntryStatus.DRAFT, EntryStatus.READY),
        "can_submit": manage and status == EntryStatus.READY and round_.status == RoundStatus.OPEN,
        "can_clarify": manage and status == EntryStatus.CLARIFYING,
        "can_review": review_allowed, "can_confirm": review_allowed and status in (
            EntryStatus.REVIEWED, EntryStatus.CLARIFIED, EntryStatus.CLARIFYING) and entry.current_review_id,
        "years": years, "year_required": year_required, "checks": checks,
        "reviews": queries.reviews_of(entry), "window": queries.clarification_window(round_, agency),
        "link_form": forms.get("link_form") or LinkForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "note_form": forms.get("note_form") or NoteForm(initial={"note": entry.note if entry else ""}),
        "unit_form": UnitForm(agency=agency, initial={"unit": unit_id}),
        "clarify_form": forms.get("clarify_form") or ClarificationForm(
            initial={"text": entry.clarification if entry else ""}),
        "review_form": forms.get("review_form") or ReviewForm(item=item, initial=_review_initial(entry)),
        "can_recheck": permissions.can_edit_item(user, agency, unit_id) and bool(row.links),
    }


def _review_initial(entry: OITEntry | None) -> dict:
    review = entry.current_review if entry else None
    if review is None:
        return {}
    return {"passed": "1" if review.passed else "0" if review.passed is False else None,
            "elements": review.elements or [], "score": review.given_score}


def _render_item(request, round_, agency, item_code, status=200, **forms) -> HttpResponse:
    context = _item_context(request, round_, agency, item_code, **forms)
    # errors of a form whose section is not shown (e.g. the item was submitted meanwhile) go to the top
    shown = {"link_form": context["editable"], "upload_form": context["editable"], "note_form": context["editable"],
             "clarify_form": context["can_clarify"], "review_form": context["can_review"]}
    context["hidden_errors"] = [str(error) for name, form in forms.items() if form is not None and not shown.get(name)
                                for errors in form.errors.values() for error in errors]
    return render(request, "oit/item.html", context, status=status)


@login_required
@require_GET
def oit_item(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _viewable(request, round_id, code)
    return _render_item(request, round_, agency, item)


def _post_guard(request: HttpRequest, round_id: int, code: str, item: str | None = None):
    round_, agency = _viewable(request, round_id, code)
    if item is not None:
        _item(round_, item)
    return round_, agency


@login_required
@require_POST
def oit_link_add(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.add_link(request.user, round_, agency, item, form.cleaned_data["url"],
                              form.cleaned_data["label"], form.cleaned_data["is_public"])
        except ValidationError as exc:
            form.add_error("url", first_error(exc))
        else:
            messages.success(request, "เพิ่มลิงก์แล้ว ระบบกำลังตรวจลิงก์อัตโนมัติ")
            return _back(round_, agency, item, "links")
    return _render_item(request, round_, agency, item, status=400, link_form=form)


@login_required
@require_POST
def oit_link_remove(request: HttpRequest, round_id: int, code: str, item: str, pk: int) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    link = get_object_or_404(EvidenceLink, pk=pk, entry__round=round_, entry__agency=agency, entry__code=item)
    try:
        services.remove_link(request.user, link, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, "ลบลิงก์แล้ว")
    return _back(round_, agency, item, "links")


@login_required
@require_POST
def oit_upload(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    entry = OITEntry.objects.filter(round=round_, agency=agency, code=item).first()
    if not permissions.can_edit_item(request.user, agency, entry.unit_id if entry else None):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_file(request.user, round_, agency, item, form.cleaned_data["file"],
                                 form.cleaned_data["label"], form.cleaned_data["is_public"])
        except ValidationError as exc:
            form.add_error("file", first_error(exc))
        else:
            messages.success(request, "อัปโหลดไฟล์แล้ว")
            return _back(round_, agency, item, "files")
    return _render_item(request, round_, agency, item, status=400, upload_form=form)


@login_required
@require_POST
def oit_file_remove(request: HttpRequest, round_id: int, code: str, item: str, pk: int) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    evidence = get_object_or_404(EvidenceFile, pk=pk, entry__round=round_, entry__agency=agency, entry__code=item)
    try:
        services.remove_file(request.user, evidence, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, "ลบไฟล์แล้ว")
    return _back(round_, agency, item, "files")


@login_required
@require_POST
def oit_note(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.update_note(request.user, round_, agency, item, form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error("note", first_error(exc))
        else:
            messages.success(request, "บันทึกคำอธิบายแล้ว")
            return _back(round_, agency, item)
    return _render_item(request, round_, agency, item, status=400, note_form=form)


@login_required
@require_POST
def oit_set_unit(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    if not permissions.can_manage(request.user, agency):
        raise PermissionDenied
    form = UnitForm(request.POST, agency=agency)
    if not form.is_valid():
        messages.error(request, "เลือกกลุ่ม/หน่วยจากรายการ")
        return _back(round_, agency, item)
    try:
        services.assign_unit(request.user, round_, agency, item, form.cleaned_data["unit"])
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, "มอบหมายกลุ่ม/หน่วยแล้ว")
    return _back(round_, agency, item)


@login_required
@require_POST
def oit_set_status(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    """``action``: ready, draft (officer or the item's unit) or submit (officer)."""
    round_, agency = _post_guard(request, round_id, code, item)
    action = request.POST.get("action", "")
    try:
        if action == "ready":
            services.set_ready(request.user, round_, agency, item, True)
            messages.success(request, f"ข้อ {item} พร้อมส่งแล้ว")
        elif action == "draft":
            services.set_ready(request.user, round_, agency, item, False)
            messages.success(request, f"ข้อ {item} กลับเป็นร่าง")
        elif action == "submit":
            services.submit_items(request.user, round_, agency, [item])
            messages.success(request, f"ส่งข้อ {item} ให้ผู้ตรวจประเมินแล้ว")
        else:
            messages.error(request, "ไม่รู้จักคำสั่งนี้")
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    return _back(round_, agency, item)


@login_required
@require_POST
def oit_submit_ready(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code)
    try:
        codes = services.submit_items(request.user, round_, agency)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, f"ส่งให้ผู้ตรวจประเมินแล้ว {len(codes)} ข้อ: {', '.join(codes)}")
    return _back(round_, agency)


@login_required
@require_POST
def oit_recheck(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    try:
        n = services.request_recheck(request.user, round_, agency, item)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, f"ส่งตรวจลิงก์ใหม่แล้ว {n} ลิงก์ ผลจะแสดงเมื่อตรวจเสร็จ")
    return _back(round_, agency, item, "links")


@login_required
@require_POST
def oit_recheck_all(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code)
    try:
        n = services.request_recheck(request.user, round_, agency)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, f"ส่งตรวจลิงก์ใหม่แล้ว {n} ลิงก์ ผลจะแสดงเมื่อตรวจเสร็จ")
    return _back(round_, agency)


@login_required
@require_POST
def oit_carry_over(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code)
    try:
        codes = services.carry_over_evidence(request.user, round_, agency)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, f"นำหลักฐานจากปีที่แล้วมาใช้ {len(codes)} ข้อ (สถานะร่าง ต้องตรวจทานก่อนส่ง)"
                         if codes else "ไม่มีหลักฐานจากปีที่แล้วที่นำมาใช้ได้")
    return _back(round_, agency)


@login_required
@require_POST
def oit_clarify(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    entry = get_object_or_404(OITEntry, round=round_, agency=agency, code=item)
    form = ClarificationForm(request.POST)
    if form.is_valid():
        try:
            services.submit_clarification(request.user, entry, form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", first_error(exc))
        else:
            messages.success(request, f"ส่งคำชี้แจงข้อ {item} แล้ว")
            return _back(round_, agency, item)
    elif not permissions.can_manage(request.user, agency):
        raise PermissionDenied
    return _render_item(request, round_, agency, item, status=400, clarify_form=form)


@login_required
@require_POST
def oit_review(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    if not permissions.can_review(request.user, round_, agency):
        raise PermissionDenied
    entry = get_object_or_404(OITEntry, round=round_, agency=agency, code=item)
    form = ReviewForm(request.POST, item=_item(round_, item))
    if form.is_valid():
        try:
            services.record_oit_review(request.user, entry, **form.judgement())
        except ValidationError as exc:
            form.add_error(None, first_error(exc))
        else:
            messages.success(request, f"บันทึกผลการตรวจข้อ {item} แล้ว")
            return _back(round_, agency, item, "review")
    return _render_item(request, round_, agency, item, status=400, review_form=form)


@login_required
@require_POST
def oit_confirm(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code, item)
    if not permissions.can_review(request.user, round_, agency):
        raise PermissionDenied
    entry = get_object_or_404(OITEntry, round=round_, agency=agency, code=item)
    try:
        services.confirm_review(request.user, entry)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, f"ยืนยันผลข้อ {item} แล้ว")
    return _back(round_, agency, item, "review")


@login_required
@require_POST
def oit_open_clarification(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _post_guard(request, round_id, code)
    if not permissions.can_open_clarification(request.user, round_, agency):
        raise PermissionDenied
    form = OpenClarificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return _back(round_, agency)
    try:
        codes = services.open_clarification(request.user, round_, agency, form.cleaned_data["deadline"],
                                            form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, f"เปิดให้หน่วยงานชี้แจง {len(codes)} ข้อ ถึงวันที่ "
                                  f"{format_thai_date(form.cleaned_data['deadline'])}")
    return _back(round_, agency)


@login_required
@require_GET
def oit_audit(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """The audit trail of the agency's OIT: who did what, when, and why."""
    round_, agency = _viewable(request, round_id, code)
    entries = AuditEntry.objects.filter(agency=agency, action__in=OIT_ACTIONS).select_related("actor")
    if request.GET.get("checks") != "1":
        entries = entries.exclude(action="record_link_check")
    item = request.GET.get("item", "")
    if item:
        entries = entries.filter(changes__item=item)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "oit/audit.html", {"round": round_, "agency": agency, "page": page, "item": item,
                                              "with_checks": request.GET.get("checks") == "1"})


# --------------------------------------------------------------------------------------------------- files


def _file_response(evidence: EvidenceFile) -> FileResponse:
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    inline = evidence.content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=evidence.original_name,
                            content_type=evidence.content_type or mimetypes.guess_type(evidence.original_name)[0])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store" if not evidence.is_public else "public, max-age=300"
    return response


@login_required
@require_GET
def oit_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded evidence file, for people who may see the agency's OIT (never a public static URL)."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("entry__round", "entry__agency"), pk=pk)
    if not permissions.can_view(request.user, evidence.entry.round, evidence.entry.agency):
        raise PermissionDenied
    return _file_response(evidence)


@require_GET
def oit_public_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A file the agency marked public, only once the item was submitted with it (it is in the snapshot)."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("entry"), pk=pk, is_public=True)
    entry = evidence.entry
    if entry.status not in SUBMITTED_STATES or not any(
            f.get("id") == evidence.pk for f in (entry.published or {}).get("files", [])):
        raise Http404
    return _file_response(evidence)


# ------------------------------------------------------------------------------------------------- central


@login_required
@require_http_methods(["GET", "POST"])
def oit_assignments(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    User = get_user_model()
    agencies = Agency.objects.filter(kind__in=round_.framework.agency_types, is_active=True).order_by("name_th")
    assessors = User.objects.filter(memberships__role=Role.ASSESSOR).distinct().select_related("person") \
        .order_by("username")
    form = AssignForm(request.POST or None, agencies=agencies, assessors=assessors)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assign_assessor(request.user, round_, form.cleaned_data["agency"],
                                         form.cleaned_data["assessor"])
            except ValidationError as exc:
                form.add_error(None, first_error(exc))
            else:
                messages.success(request, "มอบหมายผู้ตรวจประเมินแล้ว")
                return redirect("oit_assignments", round_id=round_.pk)
        status = 400
    query = request.GET.get("q", "").strip()
    listed = agencies.annotate(n_assessors=Count("assessor_assignments", filter=Q(
        assessor_assignments__round=round_)))
    if query:
        listed = listed.filter(Q(name_th__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query))
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    assignments = {}
    for a in AssessorAssignment.objects.filter(round=round_, agency__in=list(page.object_list)) \
            .select_related("assessor__person"):
        assignments.setdefault(a.agency_id, []).append(a)
    for agency in page.object_list:
        agency.oit_assignments = assignments.get(agency.pk, [])
    return render(request, "oit/assignments.html", {"round": round_, "form": form, "page": page, "q": query},
                  status=status)


@login_required
@require_POST
def oit_unassign(request: HttpRequest, round_id: int, pk: int) -> HttpResponse:
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    assignment = get_object_or_404(AssessorAssignment, pk=pk, round_id=round_id)
    services.unassign_assessor(request.user, assignment, request.POST.get("reason", ""))
    messages.success(request, "ยกเลิกการมอบหมายแล้ว")
    return redirect("oit_assignments", round_id=round_id)


@login_required
@require_GET
def oit_national(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    if not permissions.can_see_national(request.user):
        raise PermissionDenied
    rows = queries.national_pass_rates(round_)
    agencies = OITEntry.objects.filter(round=round_, status=EntryStatus.CONFIRMED).values("agency").distinct().count()
    return render(request, "oit/national.html", {"round": round_, "rows": rows, "agencies": agencies,
                                                 "worst": [r for r in rows if r["pass_rate"] is not None][:5]})


# -------------------------------------------------------------------------------------------------- public


def _public_data(code: str, round_id: int) -> tuple[AssessmentRound, Agency, list[dict]]:
    round_, agency = _round_agency(round_id, code)
    return round_, agency, queries.public_index(round_, agency)


def _public_context(request, code, round_id) -> dict:
    round_, agency, rows = _public_data(code, round_id)
    framework = round_.framework
    indicators = [{"indicator": ind, "rows": [r for r in rows if r["indicator"] == ind.number]}
                  for t in framework.evidence_tools for ind in framework.indicators_of(t)]
    dates = [r["last_checked"] for r in rows if r["last_checked"]]
    return {"round": round_, "agency": agency, "indicators": indicators,
            "published_count": sum(1 for r in rows if r["status"] != "not_submitted"), "total": len(rows),
            "last_checked": max(dates) if dates else None, "scores_public": round_.results_published,
            "json_url": reverse("oit_public_json", args=[agency.code, round_.pk]),
            "page_url": reverse("oit_public", args=[agency.code, round_.pk])}


@require_GET
def oit_public(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The agency's public O-item index (no login)."""
    return render(request, "oit/public.html", _public_context(request, code, round_id))


@xframe_options_exempt
@require_GET
def oit_embed(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The same index as a bare page the agency embeds on its own website in an iframe (framing allowed here
    only)."""
    return render(request, "oit/embed.html", _public_context(request, code, round_id))


def _score_json(value: Decimal | None):
    return None if value is None else str(value)


@require_GET
def oit_public_json(request: HttpRequest, code: str, round_id: int) -> JsonResponse:
    round_, agency, rows = _public_data(code, round_id)
    data = {
        "agency": {"code": agency.code, "name_th": agency.name_th, "short_name": agency.short_name},
        "round": {"id": round_.pk, "fiscal_year": round_.fiscal_year, "framework": round_.framework_id,
                  "name_th": round_.name_th},
        "generated_at": timezone.now().isoformat(),
        "items": [{
            "code": r["code"], "title": r["title"], "indicator": r["indicator"], "sub_indicator": r["sub_indicator"],
            "status": r["status"], "status_th": r["status_label"],
            "submitted_at": r["submitted_at"].isoformat() if r["submitted_at"] else None,
            "last_checked": r["last_checked"].isoformat() if r["last_checked"] else None,
            "last_checked_th": format_thai_datetime(r["last_checked"]) if r["last_checked"] else None,
            "links": [{"url": link["url"], "label": link["label"],
                       "last_checked": link["last_checked"].isoformat() if link["last_checked"] else None}
                      for link in r["links"]],
            "files": [{"name": f["name"], "label": f["label"], "sha256": f["sha256"], "size": f["size"],
                       "url": request.build_absolute_uri(reverse("oit_public_file", args=[f["id"]]))}
                      for f in r["files"]],
            "score": _score_json(r["score"]),
        } for r in rows],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def oit_demo_site(request: HttpRequest, page: str) -> HttpResponse:
    """Synthetic evidence pages for the demo (``prongsai.web.oit.demo``); never served in production."""
    from prongsai.web.oit.demo import page_html

    html = None if getattr(settings, "PRODUCTION", False) else page_html(page)
    if html is None:
        raise Http404
    return HttpResponse(html, content_type="text/html; charset=utf-8")
