"""``{{ move|move_label }}``: a sign-off move's label in the active language (the core table keeps both)."""

from __future__ import annotations

from django import template

from prongsai.web.messages import localized

register = template.Library()


@register.filter
def move_label(move) -> str:
    return localized(move.label_th, move.label_en)
