"""Forms of the documents app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.web.agencies.models import Agency, Person, Unit
from prongsai.web.documents.models import DocumentKind
from prongsai.web.rounds.models import AssessmentRound
from prongsai.web.thaidate import ThaiDateField


class DetailsForm(forms.Form):
    memo_unit = forms.ModelChoiceField(label=_("Unit writing the memo"), queryset=Unit.objects.none(), required=False)
    phone = forms.CharField(label=_("Phone (printed on the memo)"), max_length=100, required=False)
    memo_number = forms.CharField(label=_("Memo number"), max_length=64, required=False)
    memo_date = ThaiDateField(label=_("Memo date"), required=False)
    announcement_date = ThaiDateField(label=_("Announcement date"), required=False)
    report_date = ThaiDateField(label=_("Implementation report date"), required=False)
    author = forms.ModelChoiceField(label=_("Memo written by"), queryset=Person.objects.none(), required=False)
    signer = forms.ModelChoiceField(label=_("Signed by"), queryset=Person.objects.none(), required=False)
    signer_position = forms.CharField(
        label=_("Signer's position as printed"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, agency: Agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["memo_unit"].queryset = agency.units.order_by("order", "name_th")
        people = Person.objects.filter(user__memberships__agency=agency).distinct().order_by("full_name_th")
        self.fields["author"].queryset = people
        self.fields["signer"].queryset = people


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Word template (.docx)"))


class BatchForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=AssessmentRound.objects.order_by("-fiscal_year", "pk"))
    codes = forms.CharField(
        label=_("Agency codes (empty: every agency with a result to analyse)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def agency_codes(self) -> list[str]:
        raw = (self.cleaned_data.get("codes") or "").replace(",", " ").split()
        return [c for c in raw if c]


class EmblemForm(forms.Form):
    # a FileField, not an ImageField: documents.emblem_image checks the image and says why it refuses one
    file = forms.FileField(
        label=_("Garuda emblem image (PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
