"""What the confirmation pages of a round say before it is closed or its results are published (counts and names
come from the database at the moment of asking; see prongsai/web/confirm.py and docs/confirmations.md)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from prongsai.core.framework import FrameworkError
from prongsai.web.agencies.models import Agency
from prongsai.web.confirm import Confirmation
from prongsai.web.rounds.models import AssessmentRound, RoundStatus


def _agencies_without_result(round_: AssessmentRound) -> list[str]:
    try:
        kinds = round_.agency_kinds
    except FrameworkError:
        return []
    missing = Agency.objects.filter(kind__in=kinds, is_active=True).exclude(results__round=round_)
    return [f"{a.code} · {a.name_th}" for a in missing.order_by("code")[:500]]


def close_round(round_: AssessmentRound) -> Confirmation:
    from prongsai.web.oit.lifecycle import AGENCY_EDITABLE
    from prongsai.web.oit.models import OITEntry
    from prongsai.web.surveys.models import CodeStatus, RespondentCode

    unused = RespondentCode.objects.filter(round=round_, status=CodeStatus.UNUSED).count()
    unsent = OITEntry.objects.filter(round=round_, status__in=AGENCY_EDITABLE)
    unsent_agencies = sorted(
        {
            f"{e['agency__code']} · {e['agency__name_th']}"
            for e in unsent.values("agency__code", "agency__name_th").distinct()
        }
    )
    return Confirmation(
        title=_("Close %(name)s?") % {"name": round_.name_th},
        lead=_("Closing ends the round's work for every agency at once."),
        effects=[
            _("Respondents can no longer answer: %(n)s unused survey code(s) stop working.") % {"n": unused},
            _(
                "Agencies can no longer add or submit OIT evidence: %(n)s item(s) of %(a)s agency(ies) are not "
                "submitted yet."
            )
            % {"n": unsent.count(), "a": len(unsent_agencies)},
            _("Results already imported or computed stay as they are."),
        ],
        names_title=_("Agencies with OIT items not yet submitted"),
        names=unsent_agencies,
        undo=_("Yes: a central admin can reopen the round from its page; codes that were unused work again."),
        action=reverse("round_status", args=[round_.pk]),
        hidden={"status": RoundStatus.CLOSED},
        button=_("Close the round"),
        cancel_url=reverse("round_detail", args=[round_.pk]),
    )


def publish_results(round_: AssessmentRound) -> Confirmation:
    missing = _agencies_without_result(round_)
    count = round_.results.count()
    warnings = []
    if round_.status != RoundStatus.CLOSED:
        warnings.append(
            _(
                "This round is still %(status)s: surveys and the OIT review may still change results. "
                "Results are normally published after the round is closed."
            )
            % {"status": round_.get_status_display()}
        )
    if missing:
        warnings.append(_("%(n)s agency(ies) of this round have no result yet.") % {"n": len(missing)})
    return Confirmation(
        title=_("Publish the results of %(name)s?") % {"name": round_.name_th},
        lead=_("Every signed-in user will see the scores, levels and national ranks of %(n)s agency(ies).")
        % {"n": count},
        warnings=warnings,
        effects=[
            _("The national ranking and every agency's dashboard show this round's results as published."),
            _("Exports of the national ranking include this round."),
        ],
        names_title=_("Agencies without a result"),
        names=missing,
        undo=_(
            "Yes: the central admin can withdraw the publication from the round's page, but people may already "
            "have seen or downloaded the results."
        ),
        action=reverse("round_publish", args=[round_.pk]),
        hidden={"published": "1"},
        button=_("Publish results"),
        cancel_url=reverse("round_detail", args=[round_.pk]),
    )
