"""The officer's survey pages (the respondent's pages are in ``respondent.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.confirm import Confirmation, confirmation_page, confirmed
from prongsai.web.messages import form_error_texts, report_error
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.results.templatetags.prongsai_tags import thai_date
from prongsai.web.rounds.models import AssessmentRound, RoundStatus
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys import exports, queries, respondent, services, slips
from prongsai.web.surveys.forms import (
    GenerateCodesForm,
    HeadcountForm,
    NationalFilterForm,
    OpenLinkForm,
    RevokeCodeForm,
)
from prongsai.web.surveys.models import CodeBatch, OpenLink, SurveyPopulation

# the respondent's pages live in respondent.py; ``start`` is re-exported for the top-level short link /s/<CODE>
start = respondent.start

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
    report_error(request, exc)


def _form_errors(request: HttpRequest, form) -> None:
    """One message per invalid field: "<label>: <errors>"."""
    for text in form_error_texts(form):
        messages.error(request, text)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where the officer starts: the rounds and the agencies whose surveys the user may see."""
    rounds = list(AssessmentRound.objects.exclude(status=RoundStatus.DRAFT).order_by("-fiscal_year", "framework_id"))
    central = access.is_central_admin(request.user)
    own = sorted(
        {m.agency for m in access.memberships(request.user) if m.role in access.VIEW_ROLES}, key=lambda a: a.name_th
    )
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
    context = {
        "round": round_,
        "agency": agency,
        "framework": framework,
        "tools": tools,
        "can_manage": can_manage,
        "open": round_.is_open,
        "computed": computed,
        "link": link,
        "link_url": codemod.open_link(link.token) if link else "",
        "total_responses": sum(t.responses for t in tools),
        "min_respondents": services.MIN_RESPONDENTS,
    }
    if can_manage:
        context.update(
            {
                "batches": queries.batches(round_, agency),
                "headcount_form": HeadcountForm(framework, initial_counts=_headcount_initial(round_, agency)),
                "generate_form": GenerateCodesForm(framework),
                "revoke_form": RevokeCodeForm(),
                "link_form": OpenLinkForm(framework, initial={"group": link.group if link else None}),
                "max_batch": services.MAX_BATCH,
                "response_exports": [
                    {
                        "tool": t.code,
                        **{
                            fmt: reverse(
                                "survey_export",
                                kwargs={
                                    "round_id": round_.pk,
                                    "code": agency.code,
                                    "what": f"responses-{t.code.lower()}",
                                    "fmt": fmt,
                                },
                            )
                            for fmt in ("csv", "xlsx")
                        },
                    }
                    for t in tools
                ],
            }
        )
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
        generated = services.generate_codes(
            request.user,
            round_,
            agency,
            tool,
            group,
            form.cleaned_data["count"],
            expires_on=form.cleaned_data["expires_on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _errors(request, exc)
        return _back(round_, agency, "codes")
    pdf = slips.render_slips(generated.batch, generated.codes)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="slips-{agency.code}-{tool}-{group}-batch{generated.batch.pk}.pdf"'
    )
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
            messages.success(request, _("Done: this code can no longer be used to answer the survey."))
    else:
        messages.error(request, _("Type the code printed on the slip."))
    return _back(round_, agency, "codes")


@login_required
@require_http_methods(["GET", "POST"])
def revoke_batch(request: HttpRequest, round_id: int, code: str, batch_id: int) -> HttpResponse:
    """Revoking a batch kills its unused codes (slips maybe already handed out): the page says how many first."""
    round_, agency = _scope(request, round_id, code, manage=True)
    batch = get_object_or_404(CodeBatch, pk=batch_id, round=round_, agency=agency)
    if not confirmed(request):
        return confirmation_page(request, _revoke_batch_confirmation(round_, agency, batch))
    count = services.revoke_batch(request.user, batch)
    messages.success(request, _("%(n)d unused codes of the batch are revoked.") % {"n": count})
    return _back(round_, agency, "codes")


def _revoke_batch_confirmation(round_: AssessmentRound, agency: Agency, batch: CodeBatch) -> Confirmation:
    from prongsai.web.surveys.models import CodeStatus

    counts = {row["status"]: row["n"] for row in batch.codes.values("status").annotate(n=Count("id"))}
    unused, used = counts.get(CodeStatus.UNUSED, 0), counts.get(CodeStatus.USED, 0)
    return Confirmation(
        title=_("Revoke the unused codes of this batch?"),
        lead=_(
            "%(n)s unused code(s) of the %(tool)s batch of %(size)s made on %(made)s for %(agency)s will stop working."
        )
        % {
            "n": unused,
            "tool": batch.tool,
            "size": batch.size,
            "agency": agency.display_name,
            "made": thai_date(batch.created_at),
        },
        effects=[
            _(
                "Anyone who holds one of these %(n)s slips can no longer answer; the page tells them the code is "
                "revoked."
            )
            % {"n": unused},
            _("The %(n)s answer(s) already given with this batch are kept and still count.") % {"n": used},
        ],
        undo=_(
            "No: revoked codes stay revoked, because a lost sheet may be in someone else's hands. Make a new "
            "batch for the respondents who still need a code."
        ),
        action=reverse(
            "survey_revoke_batch", kwargs={"round_id": round_.pk, "code": agency.code, "batch_id": batch.pk}
        ),
        button=_("Revoke %(n)s code(s)") % {"n": unused},
        cancel_url=reverse("survey_overview", kwargs={"round_id": round_.pk, "code": agency.code}) + "#codes",
    )


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
        services.set_open_link(
            request.user,
            round_,
            agency,
            active=action != "off",
            group=form.cleaned_data.get("group") or None,
            rotate=action == "rotate",
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            {
                "on": _("The open link is on."),
                "off": _("The open link is off."),
                "rotate": _("A new open link is issued; the old one no longer works."),
            }[action],
        )
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
    messages.success(
        request,
        _("Survey scores computed from %(n)d responses and stored beside the official results.")
        % {"n": sum(computed.respondents.values())},
    )
    for warning in computed.warnings:
        messages.warning(request, warning)
    return redirect("survey_scores", round_id=round_.pk, code=agency.code)


@login_required
@require_GET
def scores(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Indicator, question and sub-item scores from the collected answers (what official results never show)."""
    round_, agency = _scope(request, round_id, code)
    tools = queries.question_scores(round_, agency)
    progress = {t.code: t for t in queries.progress(round_, agency)}
    computed = AgencyResult.objects.filter(round=round_, agency=agency, source=ResultSource.COMPUTED).first()
    return render(
        request,
        "surveys/scores.html",
        {
            "round": round_,
            "agency": agency,
            "tools": tools,
            "progress": progress,
            "computed": computed,
            "target": round_.framework.pass_target,
            "min_respondents": services.MIN_RESPONDENTS,
            "open": round_.is_open,
            "can_manage": access.can_manage_agency(request.user, agency),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, round_id: int, code: str, what: str, fmt: str) -> HttpResponse:
    """Anonymised responses (officers) or question-level scores (anyone who may see the agency)."""
    round_, agency = _scope(request, round_id, code, manage=what.startswith("responses"))
    if what.startswith("responses"):
        tool = what.split("-", 1)[1].upper()
        if tool not in {t.code for t in services.survey_tools(round_.framework)}:
            raise Http404
        if round_.is_open:  # two exports around one answer would differ by that answer
            messages.error(
                request,
                _(
                    "Individual answers can be exported only once the assessment round is closed. "
                    "While answers are being collected only the overall scores can be seen, so that "
                    "no one can compare files from before and after a person answers and learn "
                    "their answers."
                ),
            )
            return _back(round_, agency, "exports")
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
    form = NationalFilterForm(
        request.GET or None,
        subkinds=agencies.exclude(subkind="").values_list("subkind", flat=True).distinct().order_by("subkind"),
        provinces=agencies.exclude(province="").values_list("province", flat=True).distinct().order_by("province"),
    )
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            agencies = agencies.filter(
                Q(name_th__icontains=data["q"]) | Q(short_name__icontains=data["q"]) | Q(code__icontains=data["q"])
            )
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
    totals = {
        t.code: {
            "population": sum(r.tools[t.code]["population"] or 0 for r in rows),
            "minimum": sum(r.tools[t.code]["minimum"] or 0 for r in rows),
            "responses": sum(r.tools[t.code]["responses"] for r in rows),
        }
        for t in tools
    }
    return {
        "round": round_,
        "framework": framework,
        "form": form,
        "rows": rows,
        "tools": tools,
        "totals": totals,
        "met": sum(1 for r in rows if r.complete),
    }


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
    return exports.file_response(
        exports.national_sheets(context["round"], context["tools"], context["rows"]),
        "csv",
        f"survey-progress-{context['round'].fiscal_year}",
    )
