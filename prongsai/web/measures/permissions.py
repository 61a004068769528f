"""Who may see and change the analysis, the committee, the measures and the progress reports.

Built on ``agencies.access`` (the one place that knows roles and scopes):
- the analysis and the committee: the agency's ITA officer, director and read-only members, and central admins;
- the measures list: everyone who sees the agency, unit staff included (they see what their unit must do);
- changes (notes, committee, measures): those who manage the agency (ITA officer, central admin);
- progress reports: unit staff for the measures assigned to their own unit, and those who manage the agency.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role, Unit

ANALYSIS_ROLES = (Role.CENTRAL_ADMIN, Role.AGENCY_ADMIN, Role.DIRECTOR, Role.VIEWER)


def can_view_analysis(user, agency: Agency) -> bool:
    return access.within(user, agency, ANALYSIS_ROLES)  # the agency-scope rule lives in access alone


def can_view_measures(user, agency: Agency) -> bool:
    return access.can_view_agency(user, agency)


def can_manage(user, agency: Agency) -> bool:
    return access.can_manage_agency(user, agency)


def staff_units(user, agency: Agency) -> set[int]:
    """Ids of the units of ``agency`` the user works in as unit staff."""
    return {
        m.unit_id
        for m in access.memberships(user)
        if m.role == Role.UNIT_STAFF and m.unit_id and m.agency_id == agency.pk
    }


def reportable_units(user, measure, responsible: list[Unit]) -> list[Unit]:
    """The responsible units of ``measure`` the user may report for: all of them for a manager, else their own."""
    if can_manage(user, measure.agency):
        return list(responsible)
    mine = staff_units(user, measure.agency)
    return [u for u in responsible if u.pk in mine]


def can_report(user, measure, unit: Unit, responsible: list[Unit]) -> bool:
    return any(u.pk == unit.pk for u in reportable_units(user, measure, responsible))


def require_manage(actor, agency) -> None:
    """``PermissionDenied`` unless ``actor`` may change the agency's analysis, committee, measures and documents."""
    if not can_manage(actor, agency):
        raise PermissionDenied
