"""``{% officer_checklist agency %}``: the checklist of what is due, on the agency dashboard."""

from __future__ import annotations

from django import template
from django.utils import timezone

from prongsai.web.notifications.checklist import TITLE, checklist, current_round

register = template.Library()


@register.inclusion_tag("notifications/_checklist.html")
def officer_checklist(agency):
    round_ = current_round(agency) if agency is not None else None
    if round_ is None:
        return {"round": None}
    today = timezone.localdate()
    return {
        "round": round_,
        "lines": checklist(round_, agency, today),
        "today": today,
        "title": TITLE,
        "agency": agency,
    }
