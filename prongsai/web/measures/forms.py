"""Forms of the measures app: they parse and check shapes; the services check meaning and rights."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.web.agencies.models import Agency, Person, Unit
from prongsai.web.measures.models import CommitteeRole, MeasureStatus, ReportPeriod
from prongsai.web.thaidate import ThaiDateField


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Analysis"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )


class CommitteeForm(forms.Form):
    order_number = forms.CharField(
        label=_("Order number"),
        required=False,
        max_length=64,
        help_text=_("The number before the year, e.g. 169 (the order prints it in Thai digits)"),
    )
    order_date = ThaiDateField(label=_("Order date"), required=False)
    duties = forms.CharField(label=_("Duties (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_duties(self) -> list[str]:
        return _lines(self.cleaned_data["duties"])


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("A named person, or leave empty and give a position"),
    )
    position_th = forms.CharField(label=_("Position"), required=False, max_length=255)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeRole.choices, initial=CommitteeRole.MEMBER)
    order = forms.IntegerField(label=_("Place in the list"), min_value=1, required=False)

    def __init__(self, agency: Agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(user__memberships__agency__path__startswith=agency.path)
            .distinct()
            .order_by("full_name_th")
        )
        self.fields["unit"].queryset = agency.units.order_by("order", "name_th")

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("position_th") or "").strip():
            raise forms.ValidationError(_("Choose a person or write a position."))
        return data


class MeasureForm(forms.Form):
    title = forms.CharField(
        label=_("Area / title"), max_length=255, help_text=_("e.g. the information disclosure area, written in Thai")
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    targets = forms.MultipleChoiceField(
        label=_("Answers the weak indicators / items"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_targets = forms.CharField(
        label=_("Other indicator numbers or item codes"),
        required=False,
        help_text=_("Separated by commas, e.g. O42, E11"),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Responsible units"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    all_units = forms.BooleanField(label=_("All units"), required=False)
    starts_on = ThaiDateField(label=_("Starts"), required=False)
    ends_on = ThaiDateField(label=_("Ends"), required=False)
    outcome = forms.CharField(
        label=_("Implementation summary for the O43 report (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Left empty, the report is written from the units' progress reports."),
    )

    def __init__(self, agency: Agency, target_choices: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = agency.units.order_by("order", "name_th")
        self.fields["targets"].choices = target_choices

    def all_targets(self) -> list[str]:
        extra = [c.strip() for c in (self.cleaned_data.get("other_targets") or "").replace(";", ",").split(",")]
        return list(self.cleaned_data.get("targets") or []) + [c for c in extra if c]


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(
        label=_("Unit in charge"), queryset=Unit.objects.none(), required=False, empty_label=_("(the measure's units)")
    )

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agency.units.order_by("order", "name_th")


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=60, validate_max=True)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    text = forms.CharField(label=_("What was done"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))
    links = forms.CharField(
        label=_("Links to the evidence (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (MeasureStatus.IN_PROGRESS, MeasureStatus.IN_PROGRESS.label),
            (MeasureStatus.DONE, MeasureStatus.DONE.label),
        ],
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, units: list[Unit], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("order", "name_th")
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk

    def clean_links(self) -> list[str]:
        return _lines(self.cleaned_data["links"])


PERIODS = dict(ReportPeriod.choices)
