"""The form to create an assessment round: framework edition, fiscal year, name and an optional phase calendar."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.core.framework import FrameworkError, available_frameworks, load_framework
from prongsai.web.rounds.models import AssessmentRound, Phase


def framework_choices() -> list[tuple[str, str]]:
    choices = []
    for framework_id in available_frameworks():
        try:
            framework = load_framework(framework_id)
        except FrameworkError:
            continue  # a broken file is reported by `prongsai frameworks list`, not offered here
        years = ", ".join(str(y) for y in framework.fiscal_years)
        choices.append((framework_id, f"{framework_id} · {years} · {framework.name_th}"))
    return choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(forms.Form):
    framework_id = forms.ChoiceField(label=_("Framework edition"))
    fiscal_year = forms.IntegerField(label=_("Fiscal year (B.E.)"), min_value=2500, max_value=2700,
                                     help_text=_("Buddhist-Era year, e.g. 2563."))
    name_th = forms.CharField(label=_("Name"), max_length=255, required=False,
                              help_text=_("Leave empty for the standard name."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = framework_choices()
        for phase in Phase:
            self.fields[f"{phase.value}_starts"] = forms.DateField(label=_("Starts"), required=False,
                                                                   widget=DateInput())
            self.fields[f"{phase.value}_ends"] = forms.DateField(label=_("Ends"), required=False, widget=DateInput())

    def phase_rows(self):
        """(label, start field, end field) per phase, for the calendar part of the template."""
        return [(phase.label, self[f"{phase.value}_starts"], self[f"{phase.value}_ends"]) for phase in Phase]

    def clean(self):
        cleaned = super().clean()
        framework_id, year = cleaned.get("framework_id"), cleaned.get("fiscal_year")
        if framework_id and year:
            framework = load_framework(framework_id)
            if year not in framework.fiscal_years:
                self.add_error("fiscal_year", _("%(framework)s assesses fiscal year(s) %(years)s.") % {
                    "framework": framework_id, "years": ", ".join(map(str, framework.fiscal_years))})
            elif AssessmentRound.objects.filter(framework_id=framework_id, fiscal_year=year).exists():
                self.add_error("fiscal_year", _("A round for %(framework)s in %(year)s already exists.") % {
                    "framework": framework_id, "year": year})
        phases: dict[str, tuple[date, date]] = {}
        for phase in Phase:
            starts, ends = cleaned.get(f"{phase.value}_starts"), cleaned.get(f"{phase.value}_ends")
            if starts is None and ends is None:
                continue
            if starts is None or ends is None:
                self.add_error(f"{phase.value}_starts" if starts is None else f"{phase.value}_ends",
                               _("Give both the start and the end of %(phase)s.") % {"phase": phase.label})
                continue
            if ends < starts:
                self.add_error(f"{phase.value}_ends", _("%(phase)s ends before it starts.") % {"phase": phase.label})
                continue
            phases[phase.value] = (starts, ends)
        cleaned["phases"] = phases
        return cleaned
