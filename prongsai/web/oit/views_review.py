"""The assessor's and the central admin's OIT pages: recording and confirming judgements, opening the
clarification round, assigning assessors to agencies and the national pass rates of the O-items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.web.agencies.models import Agency, Role
from prongsai.web.oit import permissions, queries, services
from prongsai.web.oit.forms import AssignForm, OpenClarificationForm, ReviewForm, first_error
from prongsai.web.oit.models import AssessorAssignment, EntryStatus, OITEntry
from prongsai.web.oit.views import act, back_to, framework_item, post_guard, render_item
from prongsai.web.results.templatetags.prongsai_tags import thai_date
from prongsai.web.rounds.models import AssessmentRound


@login_required
@require_POST
def oit_review(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    if not permissions.can_review(request.user, round_, agency):
        raise PermissionDenied
    entry = get_object_or_404(OITEntry, round=round_, agency=agency, code=item)
    form = ReviewForm(request.POST, item=framework_item(round_, item))
    if form.is_valid():
        try:
            services.record_oit_review(request.user, entry, **form.judgement())
        except ValidationError as exc:
            form.add_error(None, first_error(exc))
        else:
            messages.success(request, _("Review of item %(item)s recorded") % {"item": item})
            return back_to(round_, agency, item, "review")
    return render_item(request, round_, agency, item, status=400, review_form=form)


@login_required
@require_POST
def oit_confirm(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    if not permissions.can_review(request.user, round_, agency):
        raise PermissionDenied
    entry = get_object_or_404(OITEntry, round=round_, agency=agency, code=item)
    return act(
        request,
        back_to(round_, agency, item, "review"),
        lambda: services.confirm_review(request.user, entry),
        _("Score of item %(item)s confirmed") % {"item": item},
    )


@login_required
@require_POST
def oit_open_clarification(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code)
    if not permissions.can_open_clarification(request.user, round_, agency):
        raise PermissionDenied
    form = OpenClarificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return back_to(round_, agency)
    deadline = form.cleaned_data["deadline"]
    return act(
        request,
        back_to(round_, agency),
        lambda: services.open_clarification(request.user, round_, agency, deadline, form.cleaned_data["note"]),
        lambda codes: (
            ngettext(
                "Asked the agency to clarify %(n)s item, until %(date)s",
                "Asked the agency to clarify %(n)s items, until %(date)s",
                len(codes),
            )
            % {"n": len(codes), "date": thai_date(deadline)}
        ),
    )


# ----------------------------------------------------------------------------------------------------------- central


@login_required
@require_http_methods(["GET", "POST"])
def oit_assignments(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    User = get_user_model()
    agencies = Agency.objects.filter(kind__in=round_.framework.agency_types, is_active=True).order_by("name_th")
    assessors = (
        User.objects.filter(memberships__role=Role.ASSESSOR).distinct().select_related("person").order_by("username")
    )
    form = AssignForm(request.POST or None, agencies=agencies, assessors=assessors)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assign_assessor(
                    request.user, round_, form.cleaned_data["agency"], form.cleaned_data["assessor"]
                )
            except ValidationError as exc:
                form.add_error(None, first_error(exc))
            else:
                messages.success(request, _("Assessor assigned"))
                return redirect("oit_assignments", round_id=round_.pk)
        status = 400
    query = request.GET.get("q", "").strip()
    listed = agencies.annotate(n_assessors=Count("assessor_assignments", filter=Q(assessor_assignments__round=round_)))
    if query:
        listed = listed.filter(Q(name_th__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query))
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    assignments: dict = {}
    for a in AssessorAssignment.objects.filter(round=round_, agency__in=list(page.object_list)).select_related(
        "assessor__person"
    ):
        assignments.setdefault(a.agency_id, []).append(a)
    for agency in page.object_list:
        agency.oit_assignments = assignments.get(agency.pk, [])
    return render(
        request, "oit/assignments.html", {"round": round_, "form": form, "page": page, "q": query}, status=status
    )


@login_required
@require_POST
def oit_unassign(request: HttpRequest, round_id: int, pk: int) -> HttpResponse:
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    assignment = get_object_or_404(AssessorAssignment, pk=pk, round_id=round_id)
    services.unassign_assessor(request.user, assignment, request.POST.get("reason", ""))
    messages.success(request, _("Assignment cancelled"))
    return redirect("oit_assignments", round_id=round_id)


@login_required
@require_GET
def oit_national(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    if not permissions.can_see_national(request.user):
        raise PermissionDenied
    rows = queries.national_pass_rates(round_)
    agencies = OITEntry.objects.filter(round=round_, status=EntryStatus.CONFIRMED).values("agency").distinct().count()
    return render(
        request,
        "oit/national.html",
        {
            "round": round_,
            "rows": rows,
            "agencies": agencies,
            "worst": [r for r in rows if r["pass_rate"] is not None][:5],
        },
    )
