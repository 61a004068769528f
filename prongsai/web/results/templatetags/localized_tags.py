"""``{{ obj|localized:"name" }}``: the Thai or English text of a two-language datum, in a template.

Framework data (a tool's or an indicator's ``name_th``/``name_en``) and lifecycle moves (``label_th``/``label_en``)
carry both languages; this filter picks one through :func:`prongsai.web.messages.localized`, the one place that
reads the active language, so templates never compare language codes themselves.  An object without the English
attribute (a respondent group, a sub-indicator: Thai only in the editions) shows its Thai.
"""

from __future__ import annotations

from django import template

from prongsai.web.messages import localized as _localized

register = template.Library()


@register.filter
def localized(obj, field: str = "name") -> str:
    if obj is None:
        return ""
    return _localized(getattr(obj, f"{field}_th", "") or "", getattr(obj, f"{field}_en", "") or "")
