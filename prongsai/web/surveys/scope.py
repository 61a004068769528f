"""Which survey tools a round has, and whether it assesses an agency: the checks every surveys module starts from.

Below ``queries``, ``scoring`` and ``services`` (each imports it; it imports none of them), so the layers of the
surveys app read top-down.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from prongsai.core.framework import Framework, FrameworkError, Tool
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.rounds.models import AssessmentRound


def survey_tools(framework: Framework) -> tuple[Tool, ...]:
    return tuple(t for t in framework.tools if t.kind == "survey")


def applies_to(round_: AssessmentRound, agency: Agency) -> bool:
    """Whether the round's edition assesses this kind of agency (an ESA edition does not assess schools)."""
    try:
        return agency.kind in round_.framework.agency_types
    except FrameworkError:  # a framework file that no longer loads
        return False


def check_scope(actor, round_: AssessmentRound, agency: Agency) -> Framework:
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied
    if not applies_to(round_, agency):
        raise ValidationError(_("Round %(round)s does not assess this type of agency.") % {"round": round_.name_th})
    return round_.framework
