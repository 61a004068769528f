"""The one date field every Prongsai form uses: Thai B.E. dates typed as text, read by ``prongsai.core.thai``.

Why a text input and not the browser's date picker: Chromium's picker shows and sends Gregorian dates in the
browser's locale order (06/25/2020), so an officer who types the B.E. year the Thai way got the year 3106
printed in a signed order. A plain text input with a Thai hint works the same with and without JavaScript, on
every phone, and shows exactly what was stored ("25/06/2563"). ``inputmode=numeric`` brings up the number pad,
which has no "/" on some phones, so "25062563" is read as well. The rules (B.E. from 2400, C.E. below, ISO
from a picker or a paste, the plausible-year window) live in ``parse_thai_date``; see docs/dates.md.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prongsai.core.thai import DateWindow, ImpossibleDate, format_date_input, parse_thai_date

HINT = _("day/month/B.E. year, e.g. 25/06/2563")


class ThaiDateInput(forms.TextInput):
    """A text input showing a stored date as "25/06/2563", with the hint read out by screen readers."""

    def __init__(self, attrs: dict | None = None) -> None:
        base = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": _("dd/mm/yyyy"),
            "size": "12",
            "maxlength": "32",
            "class": "thai-date",
            "spellcheck": "false",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value) -> str | None:
        if isinstance(value, date):
            return format_date_input(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            described = f"{widget_attrs['id']}_hint"
            widget_attrs["aria-describedby"] = " ".join(filter(None, [widget_attrs.get("aria-describedby"), described]))
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        input_id = (attrs or {}).get("id") or self.attrs.get("id")
        if not input_id:
            return html
        return format_html('{}<span class="date-hint small muted" id="{}_hint">{}</span>', html, input_id, HINT)


class ThaiDateField(forms.Field):
    """Accepts 25/06/2563, 25/06/2020, 2020-06-25, 25062563, ๒๕/๐๖/๒๕๖๓ and 25 มิ.ย. 2563; cleans to a ``date``.

    ``window`` bounds the plausible years around today (Bangkok); an implausible year is refused with a Thai
    message that names the field, so a long form's error summary says which date is wrong.
    """

    widget = ThaiDateInput

    def __init__(self, *, window: DateWindow | None = None, **kwargs) -> None:
        self.window = window or DateWindow()
        super().__init__(**kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_thai_date(str(value), timezone.localdate(), self.window)
        except ImpossibleDate as exc:
            raise ValidationError(self.message(exc, str(value)), code=f"date_{exc.code}") from None

    def message(self, exc: ImpossibleDate, value: str) -> str:
        field = str(self.label or gettext("Date"))
        params = {"field": field, "value": value[:40], **exc.params}
        if exc.code == "window":
            return (
                gettext(
                    "%(field)s: the year B.E. %(year_be)s cannot be right; give a year between B.E. "
                    "%(first_be)s and %(last_be)s (e.g. 25/06/2563)."
                )
                % params
            )
        if exc.code == "day":
            return gettext("%(field)s: there is no day %(day)s in month %(month)s of B.E. %(year_be)s.") % params
        return gettext("%(field)s: “%(value)s” is not a date; type day/month/B.E. year, e.g. 25/06/2563.") % params
