"""Survey pages: the respondent's form (public, anonymous, no JavaScript) and the officer's pages.

Respondent pages never log: a short link ``/s/<CODE>/`` holds the code in its path, so every response of these
views is marked as already logged (Django's ``django.request`` logger would otherwise write the path of a 404,
409 or 410) and carries ``Cache-Control: no-store`` (a shared phone keeps no answers in its cache).  The site's
``Referrer-Policy: same-origin`` keeps the code's URL from other sites; not ``no-referrer``, with which Chromium
posts forms with ``Origin: null`` and Django's CSRF check refuses them (the browser test found it).
Answers travel in a signed hidden field (``flow.State``), never in a session.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound, RoundStatus
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys import exports, queries, ratelimit, services, slips
from prongsai.web.surveys.flow import State, StateError, flow_for
from prongsai.web.surveys.forms import (
    CodeEntryForm,
    GenerateCodesForm,
    HeadcountForm,
    NationalFilterForm,
    OpenLinkForm,
    RevokeCodeForm,
)
from prongsai.web.surveys.models import CodeBatch, OpenLink, SurveyPopulation
from prongsai.web.surveys.services import CodeUnavailable, Ticket

DEVICE_SALT = "prongsai.surveys.device"

# ----------------------------------------------------------------------------------------- respondent pages

#: page title, message and HTTP status of each reason a code cannot be used
UNAVAILABLE = {
    "unknown": (404, "ไม่พบรหัสนี้",
                ("ตรวจสอบรหัสบนบัตรอีกครั้ง: รหัสมี 10 ตัว เป็นตัวอักษรภาษาอังกฤษและตัวเลข (ไม่มีเลขศูนย์ "
                 "ตัวโอ เลขหนึ่ง หรือตัวไอ) ถ้ายังไม่พบ ขอรหัสใหม่จากหน่วยงานที่มอบบัตรให้ท่าน")),
    "used": (409, "รหัสนี้ถูกใช้ตอบแล้ว",
             ("รหัสแต่ละรหัสใช้ตอบแบบวัดได้ครั้งเดียว ถ้าท่านเพิ่งกดส่งคำตอบ คำตอบของท่านได้รับการบันทึกแล้ว "
              "ขอบคุณที่ร่วมตอบแบบวัด")),
    "revoked": (410, "รหัสนี้ถูกยกเลิกแล้ว",
                "หน่วยงานยกเลิกรหัสนี้แล้ว (เช่น บัตรสูญหายหรือพิมพ์ผิด) ขอรหัสใหม่จากหน่วยงานที่มอบบัตรให้ท่าน"),
    "expired": (410, "รหัสนี้หมดอายุแล้ว",
                "รหัสนี้ใช้ได้ถึงวันที่พิมพ์ไว้บนบัตรเท่านั้น ขอรหัสใหม่จากหน่วยงานที่มอบบัตรให้ท่าน"),
    "closed": (403, "ปิดรับคำตอบแล้ว",
               "รอบการประเมินนี้ยังไม่เปิดหรือปิดรับคำตอบแล้ว ขอบคุณที่สนใจร่วมตอบแบบวัด"),
    "form_expired": (400, "หน้าแบบวัดหมดเวลา",
                     ("หน้านี้เปิดค้างไว้นานเกินไปหรือข้อมูลไม่ครบ คำตอบที่ยังไม่ได้ส่งจึงไม่ถูกบันทึก "
                      "รหัสของท่านยังใช้ได้: เปิดลิงก์หรือกรอกรหัสเดิมเพื่อเริ่มใหม่")),
    "device": (409, "อุปกรณ์นี้ตอบแล้ววันนี้",
               "ลิงก์แบบเปิดรับคำตอบได้หนึ่งครั้งต่ออุปกรณ์ต่อวัน ขอบคุณที่ร่วมตอบแบบวัด"),
    "limited": (429, "ลองรหัสผิดหลายครั้งเกินไป",
                (f"เพื่อป้องกันการสุ่มเดารหัส ระบบรับการลองรหัสที่ไม่ถูกต้องได้ {ratelimit.LIMIT} ครั้งใน "
                 f"{ratelimit.WINDOW // 60} นาที กรุณารอประมาณ {ratelimit.WINDOW // 60} นาทีแล้วลองใหม่ "
                 "หรือสแกนคิวอาร์โค้ดบนบัตรแทนการพิมพ์")),
}


def _respondent(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response._has_been_logged = True  # keep django.request from logging a path that holds a code
    return response


def _unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    status, title, message = UNAVAILABLE[reason]
    return _respondent(request, "surveys/unavailable.html",
                       {"reason": reason, "title": title, "message": message,
                        "form": CodeEntryForm() if reason in ("unknown", "form_expired") else None},
                       status=status)


def _labels(t: Ticket) -> dict:
    framework = t.framework
    tool = framework.tool(t.tool)
    group = next((g.name_th for g in tool.groups if g.code == t.group), t.group)
    return {"agency": {"display_name": t.agency_name}, "tool": tool, "group_name": group,
            "round": {"name_th": t.round_name}}


def _page(request: HttpRequest, t: Ticket, state: State, errors=()) -> HttpResponse:
    flow = flow_for(t.framework, t.tool)
    n_fields = len(flow.fields)
    answered = sum(1 for f in flow.fields if f.code in state.answers)
    context = {**_labels(t), "flow": flow, "state": state.dumps(), "page_no": state.page,
               "pages": len(flow.pages), "answered": answered, "n_fields": n_fields,
               "percent": int(100 * answered / n_fields) if n_fields else 0, "errors": errors,
               "expires_on": t.expires_on, "kind": t.kind}
    if state.page == 0:
        return _respondent(request, "surveys/intro.html", context)
    if state.page == flow.review:
        sections = []
        for page in flow.pages:
            rows = []
            for q in page.questions:
                fields = [{"code": f.code, "text": f.text,
                           "answer": f.scale.options[state.answers[f.code]].label
                           if f.code in state.answers else None} for f in q.fields]
                rows.append({"q": q, "fields": fields})
            sections.append({"page": page, "rows": rows})
        context["sections"] = sections
        return _respondent(request, "surveys/review.html", context)
    page = flow.page(state.page)
    missing = {f.code for f in errors}
    questions = []
    for q in page.questions:
        fields = [{"f": f, "missing": f.code in missing,
                   "options": [{"index": i, "label": o.label, "checked": state.answers.get(f.code) == i}
                               for i, o in enumerate(f.scale.options)]} for f in q.fields]
        questions.append({"q": q, "fields": fields})
    context.update({"page": page, "questions": questions, "last": state.page == len(flow.pages)})
    return _respondent(request, "surveys/page.html", context, status=200)


def _device_answered_today(request: HttpRequest, t: Ticket) -> bool:
    if t.kind != "open":
        return False
    value = request.get_signed_cookie(f"pso{t.id}", default=None, salt=DEVICE_SALT, max_age=2 * 86400)
    return value == services.today().isoformat()


def _lookup(request: HttpRequest, typed: str) -> HttpResponse:
    if ratelimit.blocked(request):
        return _unavailable(request, "limited")
    try:
        t = services.check_code(typed)
    except CodeUnavailable as exc:
        if exc.reason == "unknown":
            ratelimit.failed(request)
        return _unavailable(request, exc.reason)
    return _page(request, t, State(ticket=t))


@require_http_methods(["GET", "HEAD"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """The short link printed on a slip and in its QR code: ``/s/<CODE>/``."""
    return _lookup(request, code)


@require_http_methods(["GET", "HEAD", "POST"])
def enter(request: HttpRequest) -> HttpResponse:
    """Type a code (no redirect afterwards: the code never goes into a URL from here)."""
    if request.method == "POST":
        form = CodeEntryForm(request.POST)
        if form.is_valid():
            return _lookup(request, form.cleaned_data["code"])
    else:
        form = CodeEntryForm()
    return _respondent(request, "surveys/enter.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The open EIT link of an agency for walk-in service users (one response per device per day)."""
    if ratelimit.blocked(request):
        return _unavailable(request, "limited")
    try:
        t = services.check_open_link(token)
    except CodeUnavailable as exc:
        if exc.reason == "unknown":
            ratelimit.failed(request)
        return _unavailable(request, exc.reason)
    if _device_answered_today(request, t):
        return _unavailable(request, "device")
    return _page(request, t, State(ticket=t))


@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest) -> HttpResponse:
    """Every step of the form posts here: next, back, review, go to a page, submit."""
    if request.method != "POST":
        return redirect("survey_enter")
    try:
        state = State.loads(request.POST.get("state"))
    except StateError:
        return _unavailable(request, "form_expired")
    t = state.ticket
    action = request.POST.get("action", "next")
    if action != "submit":  # the submit checks the code itself, in its conditional update
        try:
            services.recheck(t)
        except CodeUnavailable as exc:
            return _unavailable(request, exc.reason)
    if _device_answered_today(request, t):
        return _unavailable(request, "device")
    flow = flow_for(t.framework, t.tool)
    state.page = flow.clamp(state.page)
    if 1 <= state.page <= len(flow.pages):
        state.answers.update(flow.take(state.page, request.POST))

    if action == "submit":
        first = flow.first_incomplete(state.answers)
        if first is not None:
            state.page = first
            return _page(request, t, state, errors=flow.missing(state.answers, first))
        try:
            services.submit_response(t, state.answers)
        except CodeUnavailable as exc:
            return _unavailable(request, exc.reason)
        except ValidationError:
            return _unavailable(request, "form_expired")
        response = _respondent(request, "surveys/thanks.html", _labels(t))
        if t.kind == "open":
            response.set_signed_cookie(f"pso{t.id}", services.today().isoformat(), salt=DEVICE_SALT,
                                       max_age=2 * 86400, httponly=True, samesite="Lax",
                                       secure=request.is_secure())
        return response
    if action == "back":
        state.page = flow.clamp(state.page - 1)
    elif action.startswith("goto-"):
        try:
            state.page = flow.clamp(int(action[5:]))
        except ValueError:
            pass
    else:  # next (or review, from the last page)
        if 1 <= state.page <= len(flow.pages):
            missing = flow.missing(state.answers, state.page)
            if missing:
                return _page(request, t, state, errors=missing)
        state.page = flow.clamp(state.page + 1)
    return _page(request, t, state)


# -------------------------------------------------------------------------------------------- officer pages


def _scope(request: HttpRequest, round_id: int, code: str, manage: bool = False):
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    agency = get_object_or_404(Agency, code=code)
    allowed = access.can_manage_agency if manage else access.can_view_agency
    if not allowed(request.user, agency):
        raise PermissionDenied
    if not services.applies_to(round_, agency):
        raise Http404("this round does not assess this kind of agency")
    return round_, agency


def _back(round_: AssessmentRound, agency: Agency, anchor: str = "") -> HttpResponse:
    url = reverse("survey_overview", kwargs={"round_id": round_.pk, "code": agency.code})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form) -> None:
    """One message per invalid field: "<label>: <errors>"."""
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages.error(request, f"{label}: {' '.join(errs)}")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where the officer starts: the rounds and the agencies whose surveys the user may see."""
    rounds = list(AssessmentRound.objects.exclude(status=RoundStatus.DRAFT).order_by("-fiscal_year", "framework_id"))
    central = access.is_central_admin(request.user)
    own = sorted({m.agency for m in access.memberships(request.user) if m.role in access.VIEW_ROLES},
                 key=lambda a: a.name_th)
    entries = []
    for round_ in rounds:
        agencies = [a for a in own if services.applies_to(round_, a)]
        if agencies or central:
            entries.append({"round": round_, "agencies": agencies})
    return render(request, "surveys/home.html", {"entries": entries, "central": central})


def _headcount_initial(round_: AssessmentRound, agency: Agency) -> dict:
    return {(p.tool, p.group): p.headcount for p in SurveyPopulation.objects.filter(round=round_, agency=agency)}


@login_required
@require_GET
def overview(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _scope(request, round_id, code)
    framework = round_.framework
    can_manage = access.can_manage_agency(request.user, agency)
    tools = queries.progress(round_, agency)
    link = OpenLink.objects.filter(round=round_, agency=agency, tool="EIT").first()
    computed = AgencyResult.objects.filter(round=round_, agency=agency, source=ResultSource.COMPUTED).first()
    context = {"round": round_, "agency": agency, "framework": framework, "tools": tools,
               "can_manage": can_manage, "open": round_.status == RoundStatus.OPEN, "computed": computed,
               "link": link, "link_url": codemod.open_link(link.token) if link else "",
               "total_responses": sum(t.responses for t in tools), "detail_minimum": services.DETAIL_MINIMUM}
    if can_manage:
        context.update({
            "batches": queries.batches(round_, agency),
            "headcount_form": HeadcountForm(framework, initial_counts=_headcount_initial(round_, agency)),
            "generate_form": GenerateCodesForm(framework),
            "revoke_form": RevokeCodeForm(),
            "link_form": OpenLinkForm(framework, initial={"group": link.group if link else None}),
            "max_batch": services.MAX_BATCH,
            "response_exports": [
                {"tool": t.code, **{fmt: reverse("survey_export", kwargs={
                    "round_id": round_.pk, "code": agency.code, "what": f"responses-{t.code.lower()}", "fmt": fmt})
                    for fmt in ("csv", "xlsx")}} for t in tools],
        })
    return render(request, "surveys/overview.html", context)


@login_required
@require_POST
def headcounts(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _scope(request, round_id, code, manage=True)
    form = HeadcountForm(round_.framework, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(round_, agency, "population")
    try:
        services.set_headcounts(request.user, round_, agency, form.counts())
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Headcounts saved; the minimum samples are updated."))
    return _back(round_, agency, "population")


@login_required
@require_POST
def generate(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Generate a batch and answer with its sheet of slips (PDF): the only time the codes exist in clear."""
    round_, agency = _scope(request, round_id, code, manage=True)
    form = GenerateCodesForm(round_.framework, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(round_, agency, "codes")
    tool, group = form.tool_and_group()
    try:
        generated = services.generate_codes(request.user, round_, agency, tool, group, form.cleaned_data["count"],
                                            expires_on=form.cleaned_data["expires_on"],
                                            note=form.cleaned_data["note"])
    except ValidationError as exc:
        _errors(request, exc)
        return _back(round_, agency, "codes")
    pdf = slips.render_slips(generated.batch, generated.codes)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="slips-{agency.code}-{tool}-{group}-'
                                       f'batch{generated.batch.pk}.pdf"')
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _scope(request, round_id, code, manage=True)
    form = RevokeCodeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_code(request.user, round_, agency, form.cleaned_data["code"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The code is revoked: it can no longer be used to answer."))
    else:
        messages.error(request, _("Type the code printed on the slip."))
    return _back(round_, agency, "codes")


@login_required
@require_POST
def revoke_batch(request: HttpRequest, round_id: int, code: str, batch_id: int) -> HttpResponse:
    round_, agency = _scope(request, round_id, code, manage=True)
    batch = get_object_or_404(CodeBatch, pk=batch_id, round=round_, agency=agency)
    count = services.revoke_batch(request.user, batch)
    messages.success(request, _("%(n)d unused codes of the batch are revoked.") % {"n": count})
    return _back(round_, agency, "codes")


@login_required
@require_POST
def open_link_settings(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _scope(request, round_id, code, manage=True)
    form = OpenLinkForm(round_.framework, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the open link."))
        return _back(round_, agency, "open-link")
    action = form.cleaned_data["action"]
    try:
        services.set_open_link(request.user, round_, agency, active=action != "off",
                               group=form.cleaned_data.get("group") or None, rotate=action == "rotate")
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, {"on": _("The open link is on."), "off": _("The open link is off."),
                                   "rotate": _("A new open link is issued; the old one no longer works.")}[action])
    return _back(round_, agency, "open-link")


@login_required
@require_GET
def open_link_poster(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _scope(request, round_id, code, manage=True)
    link = get_object_or_404(OpenLink, round=round_, agency=agency, tool="EIT")
    response = HttpResponse(slips.render_poster(link), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="open-link-{agency.code}-{round_.fiscal_year}.pdf"'
    return response


@login_required
@require_POST
def compute(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = _scope(request, round_id, code, manage=True)
    try:
        computed = services.compute_survey_results(request.user, round_, agency)
    except ValidationError as exc:
        _errors(request, exc)
        return _back(round_, agency)
    messages.success(request, _("Survey scores computed from %(n)d responses and stored beside the official "
                                "results.") % {"n": sum(computed.respondents.values())})
    for warning in computed.warnings:
        messages.warning(request, warning)
    return redirect("survey_scores", round_id=round_.pk, code=agency.code)


@login_required
@require_GET
def scores(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Indicator, question and sub-item scores from the collected answers (what official results never show)."""
    round_, agency = _scope(request, round_id, code)
    tools = queries.question_scores(round_, agency, services.DETAIL_MINIMUM)
    progress = {t.code: t for t in queries.progress(round_, agency)}
    computed = AgencyResult.objects.filter(round=round_, agency=agency, source=ResultSource.COMPUTED).first()
    return render(request, "surveys/scores.html", {
        "round": round_, "agency": agency, "tools": tools, "progress": progress, "computed": computed,
        "target": round_.framework.pass_target, "detail_minimum": services.DETAIL_MINIMUM,
        "can_manage": access.can_manage_agency(request.user, agency)})


@login_required
@require_GET
def export(request: HttpRequest, round_id: int, code: str, what: str, fmt: str) -> HttpResponse:
    """Anonymised responses (officers) or question-level scores (anyone who may see the agency)."""
    round_, agency = _scope(request, round_id, code, manage=what.startswith("responses"))
    if what.startswith("responses"):
        tool = what.split("-", 1)[1].upper()
        if tool not in {t.code for t in services.survey_tools(round_.framework)}:
            raise Http404
        sheets = exports.responses_sheets(round_, agency, tool)
        name = f"responses-{agency.code}-{round_.fiscal_year}-{tool}"
    else:
        sheets = exports.scores_sheets(round_, agency)
        name = f"survey-scores-{agency.code}-{round_.fiscal_year}"
    return exports.file_response(sheets, fmt, name)


def _national_context(request: HttpRequest, round_id: int) -> dict:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    framework = round_.framework
    agencies = Agency.objects.filter(kind__in=framework.agency_types, is_active=True)
    form = NationalFilterForm(request.GET or None,
                              subkinds=agencies.exclude(subkind="").values_list("subkind", flat=True)
                              .distinct().order_by("subkind"),
                              provinces=agencies.exclude(province="").values_list("province", flat=True)
                              .distinct().order_by("province"))
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            agencies = agencies.filter(Q(name_th__icontains=data["q"]) | Q(short_name__icontains=data["q"])
                                       | Q(code__icontains=data["q"]))
        for key in ("subkind", "region", "province"):
            if data[key]:
                agencies = agencies.filter(**{key: data[key]})
        status = data["status"]
    rows = queries.national_progress(round_, agencies.order_by("name_th"))
    if status == "below":
        rows = [r for r in rows if r.below]
    elif status == "met":
        rows = [r for r in rows if r.complete]
    elif status == "no_headcount":
        rows = [r for r in rows if any(t["population"] is None for t in r.tools.values())]
    tools = list(services.survey_tools(framework))
    totals = {t.code: {"population": sum(r.tools[t.code]["population"] or 0 for r in rows),
                       "minimum": sum(r.tools[t.code]["minimum"] or 0 for r in rows),
                       "responses": sum(r.tools[t.code]["responses"] for r in rows)} for t in tools}
    return {"round": round_, "framework": framework, "form": form, "rows": rows, "tools": tools,
            "totals": totals, "met": sum(1 for r in rows if r.complete)}


@login_required
@require_GET
def national(request: HttpRequest, round_id: int) -> HttpResponse:
    context = _national_context(request, round_id)
    page = Paginator(context["rows"], 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"page": page, "query": query.urlencode()})
    return render(request, "surveys/national.html", context)


@login_required
@require_GET
def national_export(request: HttpRequest, round_id: int) -> HttpResponse:
    context = _national_context(request, round_id)
    return exports.file_response(exports.national_sheets(context["round"], context["tools"], context["rows"]),
                                 "csv", f"survey-progress-{context['round'].fiscal_year}")

