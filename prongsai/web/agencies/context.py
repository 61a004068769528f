"""Template context shared by every page: the user's role flags and home agency for the navigation bar."""

from __future__ import annotations

from prongsai.web.agencies import access


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_central": access.is_central_admin(user),
        "nav_home_agency": access.home_agency(user),
        "nav_can_import": access.can_import_results(user),
    }
