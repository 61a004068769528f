"""Project-level views: the landing redirect (/healthz and /metrics live in prongsai.web.ops.views)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Central admins land on the national dashboard, agency people on their agency's dashboard, assessors on
    their review list (when the OIT feature is installed), anyone else on the rounds calendar."""
    user = request.user
    if access.is_central_admin(user):
        return redirect("national")
    agency = access.home_agency(user)
    if agency is not None and access.can_view_agency(user, agency):
        return redirect("agency_dashboard", code=agency.code)
    if access.has_role(user, Role.ASSESSOR):
        try:
            return redirect(reverse("oit_home"))
        except NoReverseMatch:  # the OIT feature is not installed
            pass
    if agency is None:
        return redirect("no_agency")
    return redirect("rounds")
