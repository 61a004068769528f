"""Forms of the results pages: the import upload and the national dashboard's filters."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.web.agencies.models import AgencyKind, Region

MAX_UPLOAD = 5 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name_th} ({obj.framework_id})"


class ImportForm(forms.Form):
    round = RoundChoiceField(label=_("Assessment round"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("Results file (CSV or XLSX)"),
        help_text=_("Columns: agency (code or exact name), year (B.E.), i1 … i10; at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        from prongsai.web.rounds.models import AssessmentRound

        self.fields["round"].queryset = AssessmentRound.objects.filter(pk__in=[r.pk for r in rounds]).order_by(
            "-fiscal_year", "framework_id"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class NationalFilterForm(forms.Form):
    """GET filters of the national dashboard and its exports; every field is optional."""

    round = forms.ChoiceField(label=_("Round"), required=False)
    kind = forms.ChoiceField(label=_("Agency type"), required=False)
    subkind = forms.ChoiceField(label=_("Sub-type"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    parent = forms.ChoiceField(label=_("Parent agency"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )
    per_page = forms.ChoiceField(label=_("Rows per page"), required=False, choices=[("50", "50"), ("100", "100")])

    def __init__(self, *args, rounds=(), subkinds=(), provinces=(), parents=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        # (mypy) the label does not read self
        self.fields["round"].choices = [(r.pk, RoundChoiceField.label_from_instance(None, r)) for r in rounds]  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k.value, k.label) for k in AgencyKind if k != AgencyKind.CENTRAL]
        self.fields["subkind"].choices = [("", _("All"))] + [(s, s) for s in subkinds]
        self.fields["region"].choices = [("", _("All regions"))] + list(Region.choices)
        self.fields["province"].choices = [("", _("All provinces"))] + [(p, p) for p in provinces]
        self.fields["parent"].choices = [("", _("All"))] + [(code, label) for code, label in parents]
        self.fields["level"].choices = [("", _("All levels"))] + [(label, label) for label in levels]
