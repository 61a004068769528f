"""Who may see and change what.  Every view and API endpoint asks these functions; nothing else decides access.

Rules (docs/access.md):
- a central admin sees and manages everything;
- an agency admin (ITA officer) manages its agency's subtree; a director and a read-only member see it;
- unit staff see their agency's dashboard and work on what is assigned to their unit;
- an assessor sees the agencies assigned to them (OIT review) and published national results;
- unpublished results of an agency are visible only inside that agency's scope and to central admins.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from prongsai.web.agencies.models import Agency, Membership, Role

MANAGE_ROLES = (Role.CENTRAL_ADMIN, Role.AGENCY_ADMIN)
VIEW_ROLES = (Role.CENTRAL_ADMIN, Role.AGENCY_ADMIN, Role.DIRECTOR, Role.UNIT_STAFF, Role.VIEWER)


def memberships(user) -> list[Membership]:
    """The user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_prongsai_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("agency", "unit"))
        user._prongsai_memberships = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return any(m.role in roles for m in memberships(user))


def is_central_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.CENTRAL_ADMIN)


def agencies_for(user, roles: tuple[str, ...] = VIEW_ROLES) -> QuerySet[Agency]:
    """Agencies in the subtrees where the user holds one of ``roles``."""
    if is_central_admin(user):
        return Agency.objects.all()
    paths = [m.agency.path for m in memberships(user) if m.role in roles]
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def within(user, agency: Agency, roles: tuple[str, ...]) -> bool:
    """True when the user holds one of ``roles`` in the agency or one of its ancestors (or is central admin)."""
    if is_central_admin(user):
        return True
    return any(m.role in roles and agency.path.startswith(m.agency.path) for m in memberships(user))


def can_view_agency(user, agency: Agency) -> bool:
    return within(user, agency, VIEW_ROLES)


def can_manage_agency(user, agency: Agency) -> bool:
    return within(user, agency, MANAGE_ROLES)


def visible_results(user, results: QuerySet) -> QuerySet:
    """``results`` (a queryset of ``AgencyResult``) narrowed to what the user may see: those of agencies in the
    user's scope, plus every result of a round whose results are published; all of them for a central admin."""
    if is_central_admin(user):
        return results
    return results.filter(Q(round__results_published=True) | Q(agency__in=agencies_for(user)))


def can_see_result(user, agency: Agency, round_) -> bool:
    """Whether the user may see ``agency``'s result in ``round_``: the same rule as ``visible_results``."""
    return is_central_admin(user) or bool(round_.results_published) or can_view_agency(user, agency)


def can_see_ranks(user, round_) -> bool:
    """Whether the user may see ranks, percentiles and peer counts of ``round_``.

    A rank compares an agency with every other agency of its peer group, so before the round's results are
    published it would reveal the others' unpublished results (an officer could re-import chosen totals of its
    own and read its rank until it knew the best score of the country).  Until publication only central admins
    see ranks; everyone else sees their own figures only.
    """
    return is_central_admin(user) or bool(round_.results_published)


def home_agency(user) -> Agency | None:
    """The agency a user lands on: the first membership that is not central (or the central office)."""
    ordered = sorted(memberships(user), key=lambda m: (m.role == Role.CENTRAL_ADMIN, m.pk))
    return ordered[0].agency if ordered else None


def can_import_results(user) -> bool:
    return is_central_admin(user) or has_role(user, Role.AGENCY_ADMIN)
