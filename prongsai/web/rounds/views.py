"""Assessment rounds: everyone signed in may read the list and a round's calendar; only a central admin creates a
round, opens or closes it and publishes its results (each through its service function)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from prongsai.core.framework import FrameworkError
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Role
from prongsai.web.confirm import confirmation_page, confirmed
from prongsai.web.messages import report_error
from prongsai.web.results.services import publish_results
from prongsai.web.rounds import confirmations
from prongsai.web.rounds.forms import RoundForm
from prongsai.web.rounds.lifecycle import ROUND
from prongsai.web.rounds.models import AssessmentRound, RoundStatus
from prongsai.web.rounds.services import create_round, set_round_status


def _framework_name(round_: AssessmentRound) -> str:
    try:
        return round_.framework.name_th
    except FrameworkError:
        return round_.framework_id


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(
        AssessmentRound.objects.annotate(result_count=Count("results")).order_by("-fiscal_year", "framework_id")
    )
    for r in rounds:
        r.framework_name = _framework_name(r)
    return render(request, "rounds/list.html", {"rounds": rounds, "can_manage": access.is_central_admin(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = create_round(
                request.user,
                data["framework_id"],
                data["fiscal_year"],
                data["name_th"],
                data["phases"],
                variant=data.get("variant") or "",
            )
        except ValidationError as exc:
            report_error(form, exc, first_only=True)
        else:
            messages.success(request, _("Created the round %(name)s.") % {"name": round_.name_th})
            return redirect("round_detail", pk=round_.pk)
    return render(request, "rounds/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    today = timezone.localdate()
    phases = []
    for phase in round_.phases.all():
        state = "past" if phase.ends_on < today else "current" if phase.starts_on <= today else "upcoming"
        phases.append({"phase": phase, "state": state, "days": (phase.ends_on - phase.starts_on).days + 1})
    central = access.is_central_admin(request.user)
    try:
        framework = round_.framework
    except FrameworkError:
        framework = None
    context = {
        "round": round_,
        "phases": phases,
        "can_manage": central,
        "framework_name": _framework_name(round_),
        "today": today,
        "framework": framework,
        "variant": framework.variants.get(round_.variant) if framework and round_.variant else None,
    }
    if central:
        context["result_count"] = round_.results.count()
        context["batches"] = round_.imports.select_related("created_by")[:10]
        context["moves"] = ROUND.moves_from(round_.status, Role.CENTRAL_ADMIN)
    return render(request, "rounds/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    """POST moves the round; closing it first shows what closing does (GET, or a POST not sent from that page)."""
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    status = request.POST.get("status", "") if request.method == "POST" else RoundStatus.CLOSED
    if status == RoundStatus.CLOSED and round_.status == RoundStatus.OPEN and not confirmed(request):
        return confirmation_page(request, confirmations.close_round(round_))
    if request.method == "GET":
        return redirect("round_detail", pk=round_.pk)
    try:
        set_round_status(request.user, round_, status)
    except ValidationError:
        messages.error(
            request,
            _("This round cannot move from %(before)s to %(after)s.")
            % {
                "before": round_.get_status_display(),
                "after": RoundStatus(status).label if status in RoundStatus.values else status,
            },
        )
    else:
        messages.success(
            request, _("%(name)s is now %(status)s.") % {"name": round_.name_th, "status": round_.get_status_display()}
        )
    return redirect("round_detail", pk=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing shows a confirmation first (with a warning while the round is not closed); withdrawing, its
    undo, is one click."""
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    published = request.POST.get("published", "1") != "0" if request.method == "POST" else True
    if published and not confirmed(request):
        return confirmation_page(request, confirmations.publish_results(round_))
    publish_results(request.user, round_, published)
    messages.success(
        request,
        _("Results of %(name)s are published.") % {"name": round_.name_th}
        if published
        else _("Results of %(name)s are no longer published.") % {"name": round_.name_th},
    )
    return redirect("round_detail", pk=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a round to a corrected edition (central admin): the diff first, then the move with a reason."""
    from prongsai.core.diff import diff_frameworks
    from prongsai.web.editions.services import usable_editions
    from prongsai.web.rounds.recompute import move_round_to_edition

    round_ = get_object_or_404(AssessmentRound, pk=pk)
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    choices = [c for c in usable_editions(round_.fiscal_year) if c.key != round_.framework_id]
    target_key = request.POST.get("framework_id") or request.GET.get("framework_id") or ""
    target = next((c for c in choices if c.key == target_key), None)
    error = ""
    if request.method == "POST":
        if target is None:
            error = _("Choose an edition in force for this fiscal year.")
        else:
            try:
                changes = move_round_to_edition(request.user, round_, target.key, request.POST.get("reason", ""))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(name)s now uses %(edition)s; %(n)s results were recomputed.")
                    % {"name": round_.name_th, "edition": target.key, "n": len(changes)},
                )
                return redirect("round_detail", pk=round_.pk)
    diff = diff_frameworks(round_.edition, target.framework) if target else None
    return render(
        request,
        "rounds/move.html",
        {
            "round": round_,
            "choices": choices,
            "target": target,
            "diff": diff,
            "error": error,
            "result_count": round_.results.count(),
        },
        status=400 if error else 200,
    )
