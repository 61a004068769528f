"""Who may see and change OIT evidence and reviews (on top of ``prongsai.web.agencies.access``).

- the central admin sees everything, assigns assessors and sees the national pass rates;
- the agency's ITA officer (agency admin, or anyone managing the agency's subtree) edits every item, assigns
  units, submits and answers the assessor (clarification);
- unit staff see the agency's items and edit the items assigned to their unit (links, files, ready/draft);
- the director and read-only members see the agency's items, evidence and scores;
- an assessor sees and reviews only the agencies assigned to them for that round;
- everyone (no login) sees the public transparency page: submitted items and public evidence only.
"""

from __future__ import annotations

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Role


def is_assigned(user, round_, agency: Agency) -> bool:
    if not getattr(user, "is_authenticated", False) or not access.has_role(user, Role.ASSESSOR):
        return False
    from prongsai.web.oit.models import AssessorAssignment

    cache = getattr(user, "_oit_assignments", None)
    if cache is None:
        cache = set(AssessorAssignment.objects.filter(assessor=user).values_list("round_id", "agency_id"))
        user._oit_assignments = cache
    return (round_.pk, agency.pk) in cache


def can_view(user, round_, agency: Agency) -> bool:
    return access.can_view_agency(user, agency) or is_assigned(user, round_, agency)


def can_manage(user, agency: Agency) -> bool:
    """Officer-level rights on the agency's OIT: every item, units, submission and clarification."""
    return access.can_manage_agency(user, agency)


def unit_ids(user, agency: Agency) -> set[int]:
    return {
        m.unit_id
        for m in access.memberships(user)
        if m.role == Role.UNIT_STAFF and m.unit_id and m.agency_id == agency.pk
    }


def can_edit_item(user, agency: Agency, unit_id: int | None) -> bool:
    """Officers edit every item; unit staff only the items assigned to their unit."""
    if can_manage(user, agency):
        return True
    return unit_id is not None and unit_id in unit_ids(user, agency)


def can_edit_evidence(user, round_, agency: Agency, entry) -> bool:
    """Whether the user may change an item's evidence now: their item, an open round, a state the agency edits
    (``entry`` is None for an item not yet written)."""
    from prongsai.web.oit.lifecycle import AGENCY_EDITABLE

    return (
        can_edit_item(user, agency, entry.unit_id if entry else None)
        and round_.is_open
        and (entry is None or entry.status in AGENCY_EDITABLE)
    )


def can_review(user, round_, agency: Agency) -> bool:
    """Only an assessor assigned to the agency for the round records judgements (not even the central admin)."""
    return is_assigned(user, round_, agency)


def can_open_clarification(user, round_, agency: Agency) -> bool:
    return can_review(user, round_, agency) or access.is_central_admin(user)


def can_assign(user) -> bool:
    return access.is_central_admin(user)


def can_see_national(user) -> bool:
    return access.is_central_admin(user)


def is_published_file(evidence) -> bool:
    """Whether anyone (no login) may fetch an uploaded file: marked public and in the snapshot published when its
    item was submitted (or clarified), never a draft's file."""
    from prongsai.web.oit.lifecycle import SUBMITTED_STATES

    entry = evidence.entry
    return (
        evidence.is_public
        and entry.status in SUBMITTED_STATES
        and any(f.get("id") == evidence.pk for f in (entry.published or {}).get("files", []))
    )
