"""The central admin's form for one round deadline.  Dates are typed as the officers read them, day/month/B.E.
year (``31/07/2563``); an ISO date (``2020-07-31``, what a browser date picker sends) is understood too."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.core.thai import to_arabic_digits

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: B.E. years Prongsai handles (2500 = 1957); a Gregorian year is converted
BE_RANGE = (2500, 2700)


def parse_be_date(text: str) -> date:
    """``"31/07/2563"``, ``"๓๑/๐๗/๒๕๖๓"``, ``"31/07/2020"`` or ``"2020-07-31"`` → 2020-07-31."""
    text = to_arabic_digits((text or "").strip())
    if m := _ISO.match(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DMY.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise forms.ValidationError(_("Write the date as day/month/year B.E., e.g. 31/07/2563."), code="format")
    if BE_RANGE[0] <= year <= BE_RANGE[1]:
        year -= 543
    elif not BE_RANGE[0] - 543 <= year <= BE_RANGE[1] - 543:
        raise forms.ValidationError(_("The year %(year)s is not a year of the assessment (B.E. 2500–2700).") % {
            "year": year}, code="year")
    try:
        return date(year, month, day)
    except ValueError:
        raise forms.ValidationError(_("This day does not exist in the calendar."), code="day") from None


class ThaiDateField(forms.Field):
    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "placeholder": "31/07/2563", "autocomplete": "off",
                                  "maxlength": "20"})

    def prepare_value(self, value):
        if isinstance(value, date):
            return f"{value.day:02d}/{value.month:02d}/{value.year + 543}"
        return value

    def to_python(self, value):
        value = str(value or "").strip()[:40]
        return parse_be_date(value) if value else None


class DeadlineForm(forms.Form):
    title_th = forms.CharField(label=_("Title"), max_length=255)
    starts_on = ThaiDateField(label=_("Starts"), required=False)
    due_on = ThaiDateField(label=_("Due"))
    provisional = forms.BooleanField(label=_("Provisional date"), required=False)

    def clean(self):
        cleaned = super().clean()
        starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts and due and starts > due:
            self.add_error("starts_on", _("The start date is after the due date."))
        return cleaned
