"""Pages of the committee that analyses the result: its members, their order, the suggestion from last year's
committee (mounted with the other measures pages, ``measures/urls.py``).

Views parse, ask ``measures.permissions``, call one service for a change, and render.  They never write models.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from prongsai.web.agencies.models import Agency
from prongsai.web.confirm import Confirmation, confirmation_page, confirmed
from prongsai.web.measures import committees, permissions
from prongsai.web.measures.forms import (
    CommitteeForm,
    MemberForm,
)
from prongsai.web.measures.models import (
    DEFAULT_DUTIES,
    CommitteeMember,
    CommitteeRole,
)
from prongsai.web.measures.views import agency_round, error_messages, nav
from prongsai.web.rounds.models import AssessmentRound

# ------------------------------------------------------------------------------------------- committee


def _committee_context(request, agency, round_, committee, member_form=None, committee_form=None) -> dict:
    members = list(committee.members.select_related("person", "unit")) if committee else []
    context = nav(agency, round_, request.user, "committee")
    context.update(
        {
            "committee": committee,
            "members": members,
            "committee_form": committee_form
            or CommitteeForm(
                initial={
                    "order_number": committee.order_number if committee else "",
                    "order_date": committee.order_date if committee else None,
                    "duties": "\n".join(committee.duties) if committee else "\n".join(DEFAULT_DUTIES),
                }
            ),
            "member_form": member_form or MemberForm(agency),
            "suggestion": committees.suggested_members(agency) if not members else [],
        }
    )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def committee(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_view_analysis)
    current = committees.committee_for(round_, agency)
    if request.method == "POST":
        if not permissions.can_manage(request.user, agency):
            raise PermissionDenied
        form = CommitteeForm(request.POST)
        if form.is_valid():
            try:
                committees.update_committee(request.user, round_, agency, **form.cleaned_data)
                messages.success(request, _("Committee saved."))
                return redirect("measures_committee", code=agency.code, round_id=round_.pk)
            except ValidationError as exc:
                error_messages(request, exc)
        return render(
            request,
            "measures/committee.html",
            _committee_context(request, agency, round_, current, committee_form=form),
            status=400,
        )
    return render(request, "measures/committee.html", _committee_context(request, agency, round_, current))


@login_required
@require_http_methods(["GET", "POST"])
def committee_suggest(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """Replacing a list that has members (maybe edited by hand) first shows who goes and who comes."""
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    current = committees.committee_for(round_, agency)
    members = list(current.members.select_related("person", "unit").order_by("order")) if current else []
    if request.method == "GET" or (members and not confirmed(request)):
        return confirmation_page(request, _suggest_confirmation(agency, round_, members))
    committee = committees.suggest_committee(request.user, round_, agency)
    messages.success(
        request, _("%(n)d members suggested from the agency's units and people.") % {"n": committee.members.count()}
    )
    return redirect("measures_committee", code=agency.code, round_id=round_.pk)


def _suggest_confirmation(agency: Agency, round_: AssessmentRound, members: list) -> Confirmation:
    suggestion = committees.suggested_members(agency)
    kept = {(getattr(s.person, "pk", None), s.position_th, str(s.role)) for s in suggestion}
    dropped = [m for m in members if (m.person_id, m.position_th, str(m.role)) not in kept]
    return Confirmation(
        title=_("Replace the committee with the suggestion?"),
        lead=_(
            "The %(n)s member(s) below are removed and %(m)s member(s) suggested from the agency's units and "
            "people take their place; the order's number, date and duties are kept."
        )
        % {"n": len(members), "m": len(suggestion)},
        warnings=[
            _("%(n)s of the current members are not in the suggestion and will be gone: %(names)s")
            % {"n": len(dropped), "names": ", ".join(m.display_th for m in dropped)}
        ]
        if dropped
        else [],
        names_title=_("Current members (removed)"),
        names=[f"{m.display_th} — {m.get_role_display()}" for m in members],
        effects=[
            _("Suggested: %(names)s")
            % {"names": ", ".join(f"{s.position} ({CommitteeRole(s.role).label})" for s in suggestion)}
        ]
        if suggestion
        else [],
        undo=_(
            "No: the replaced list cannot be brought back automatically. Note the names above if you want to "
            "add someone again by hand."
        ),
        action=reverse("measures_committee_suggest", args=[agency.code, round_.pk]),
        button=_("Replace the list"),
        cancel_url=reverse("measures_committee", args=[agency.code, round_.pk]),
    )


def _member(agency: Agency, round_: AssessmentRound, pk: int) -> CommitteeMember:
    return get_object_or_404(
        CommitteeMember.objects.select_related("committee", "person", "unit"),
        pk=pk,
        committee__agency=agency,
        committee__round=round_,
    )


@login_required
@require_POST
def member_new(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    form = MemberForm(agency, request.POST)
    if form.is_valid():
        try:
            committees.add_member(request.user, round_, agency, **form.cleaned_data)
            messages.success(request, _("Member added."))
            return redirect("measures_committee", code=agency.code, round_id=round_.pk)
        except ValidationError as exc:
            error_messages(request, exc)
    current = committees.committee_for(round_, agency)
    return render(
        request,
        "measures/committee.html",
        _committee_context(request, agency, round_, current, member_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    member = _member(agency, round_, pk)
    if request.method == "POST":
        form = MemberForm(agency, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                committees.update_member(
                    request.user,
                    member,
                    person=data["person"],
                    position_th=data["position_th"],
                    unit=data["unit"],
                    role=data["role"],
                    order=data["order"] or member.order,
                )
                messages.success(request, _("Member saved."))
                return redirect("measures_committee", code=agency.code, round_id=round_.pk)
            except ValidationError as exc:
                error_messages(request, exc)
    else:
        form = MemberForm(
            agency,
            initial={
                "person": member.person_id,
                "position_th": member.position_th,
                "unit": member.unit_id,
                "role": member.role,
                "order": member.order,
            },
        )
    context = nav(agency, round_, request.user, "committee")
    context.update({"form": form, "member": member})
    return render(request, "measures/member_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def member_delete(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    committees.remove_member(request.user, _member(agency, round_, pk))
    messages.success(request, _("Member removed."))
    return redirect("measures_committee", code=agency.code, round_id=round_.pk)


@login_required
@require_POST
def member_move(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    committees.move_member(request.user, _member(agency, round_, pk), -1 if request.POST.get("dir") == "up" else 1)
    return redirect("measures_committee", code=agency.code, round_id=round_.pk)
