"""The central admin's form for one round deadline.  Dates use the one Thai date field of every form
(``prongsai.web.thaidate``: ``31/07/2563``, Thai digits, a Gregorian year or an ISO date; implausible years refused
in Thai, docs/dates.md)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prongsai.web.thaidate import ThaiDateField


class DeadlineForm(forms.Form):
    title_th = forms.CharField(label=pgettext_lazy("deadline", "Title"), max_length=255)
    starts_on = ThaiDateField(label=_("Starts"), required=False)
    due_on = ThaiDateField(label=_("Due"))
    provisional = forms.BooleanField(label=_("Provisional date"), required=False)

    def clean(self):
        cleaned = super().clean()
        starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts and due and starts > due:
            self.add_error("starts_on", _("The start date is after the due date."))
        return cleaned
