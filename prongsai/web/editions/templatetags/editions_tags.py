"""``{% provisional_mark obj %}``: the visible mark of a provisional question, OIT item, level or edition.

Officers see it wherever an item is named (OIT lists, the form preview, analysis); respondents never do.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def provisional_mark(obj, text: str = "") -> str:
    """A small tag when ``obj`` (anything with ``confidence``, or ``provisional``) is provisional; else nothing."""
    if obj is None:
        return ""
    provisional = getattr(obj, "provisional", None)
    if provisional is None:
        provisional = getattr(obj, "confidence", "") == "provisional"
    if not provisional:
        return ""
    caveat = getattr(obj, "caveat", "") or _("Not yet confirmed with the source; filled in from the closest edition")
    text = text or _("Provisional")
    return format_html(
        '<span class="tag provisional" title="{}" data-provisional="1">{}'
        '<span class="visually-hidden">: {}</span></span>',
        caveat,
        text,
        caveat,
    )


@register.filter
def confidence_th(value: str) -> str:
    """A confidence word ("confirmed" …) in the active language (the name stays: templates already use it)."""
    from prongsai.core.framework import CONFIDENCE_EN, CONFIDENCE_TH
    from prongsai.web.messages import localized

    return localized(CONFIDENCE_TH.get(value, value), CONFIDENCE_EN.get(value, value))


@register.filter
def data_window(item, fiscal_year) -> str:
    """The data window of an OIT item in words, in the active language, for a round's fiscal year (the item's
    time window otherwise)."""
    from prongsai.web.messages import localized

    try:
        year = int(fiscal_year)
        return localized(item.window_th(year), item.window_en(year))
    except (AttributeError, TypeError, ValueError):
        return getattr(item, "time_window", "")


@register.filter
def problem_place(where) -> str:
    """Where a problem of an uploaded edition is (a core ``Located``), in the active language."""
    from prongsai.web.messages import localized

    return localized(where.th(), where.en())


@register.filter
def problem_text(problem) -> str:
    """What is wrong (a core ``EditionProblem`` carries both languages), in the active language."""
    from prongsai.web.messages import localized

    return localized(problem.th, problem.en)
