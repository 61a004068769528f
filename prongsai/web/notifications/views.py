"""Notifications (each person sees only their own) and a round's deadlines (everyone signed in reads them, as
they read the round; only the central admin changes them, through ``services.update_deadline``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.core.ita_calendar import days_left
from prongsai.web.agencies import access
from prongsai.web.notifications import services
from prongsai.web.notifications.forms import DeadlineForm
from prongsai.web.notifications.models import Notification, RoundDeadline
from prongsai.web.rounds.models import AssessmentRound


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (a path inside Prongsai, never elsewhere)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)  # someone else's: 404, it does not exist
    services.mark_read(request.user, note)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) and note.url.startswith("/"):
        return redirect(note.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = services.mark_all_read(request.user)
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": n})
    return redirect("notifications")


@login_required
@require_GET
def round_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    today = timezone.localdate()
    rows = [
        {"deadline": d, "days_left": days_left(today, d.due_on)}
        for d in RoundDeadline.objects.filter(round=round_).order_by("due_on", "key")
    ]
    return render(
        request,
        "notifications/calendar.html",
        {"round": round_, "rows": rows, "today": today, "can_manage": access.is_central_admin(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_edit(request: HttpRequest, pk: int, deadline_id: int) -> HttpResponse:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    deadline = get_object_or_404(RoundDeadline, pk=deadline_id, round_id=pk)
    form = DeadlineForm(
        request.POST or None,
        initial={
            "title_th": deadline.title_th,
            "starts_on": deadline.starts_on,
            "due_on": deadline.due_on,
            "provisional": deadline.provisional,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_deadline(
                request.user,
                deadline,
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                title_th=data["title_th"],
                provisional=data["provisional"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("The deadline “%(title)s” was saved.") % {"title": data["title_th"]})
            return redirect("round_calendar", pk=pk)
    return render(
        request,
        "notifications/deadline_form.html",
        {"form": form, "deadline": deadline, "round": deadline.round},
        status=400 if form.errors else 200,
    )
