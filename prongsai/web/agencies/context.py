"""Template context shared by every page: the user's role flags and home agency for the navigation bar."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from prongsai.web.agencies import access
from prongsai.web.agencies.models import AgencyKind


def _link(request, label, name: str, **kwargs) -> dict | None:
    """A navigation entry for a feature's page, or None when that feature's URLs are not installed."""
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
    return {"label": label, "url": url, "active": request.path.startswith(url)}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    home = access.home_agency(user)
    central = access.is_central_admin(user)
    member = central or bool(access.memberships(user))
    work = [
        _link(request, _("IIT and EIT surveys"), "survey_home") if member else None,
        _link(request, _("OIT"), "oit_home") if member else None,
        _link(request, _("Measures"), "measures_index", code=home.code)
        if home is not None and home.kind != AgencyKind.CENTRAL
        else None,
        _link(request, _("Framework editions"), "editions") if central else None,
    ]
    return {
        "nav_central": central,
        "nav_home_agency": home,
        "nav_can_import": access.can_import_results(user),
        #: links to the other features' workspaces (surveys, OIT, measures), in menu order
        "nav_work": [link for link in work if link],
    }
