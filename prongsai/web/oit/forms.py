"""Forms of the OIT pages.  They parse and give translated messages; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from prongsai.web.messages import error_texts
from prongsai.web.oit.common import clean_url
from prongsai.web.oit.uploads import ALLOWED_TEXT, check_upload, max_upload_text
from prongsai.web.thaidate import ThaiDateField


def _upload_text() -> str:
    return _("Accepts %(types)s, at most %(size)s") % {"types": ALLOWED_TEXT, "size": max_upload_text()}


#: the upload field's help, in the language of the page that shows it
_upload_help = lazy(_upload_text, str)


class LinkForm(forms.Form):
    url = forms.CharField(
        label=_("Link (URL)"),
        max_length=2000,
        error_messages={"required": _("Please enter a link (URL)")},
        widget=forms.URLInput(
            attrs={"placeholder": "https://www.example.go.th/ita/o1", "inputmode": "url", "autocomplete": "url"}
        ),
    )
    label = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        help_text=_("Say briefly what this link shows and which part of the requirement it meets"),
    )
    is_public = forms.BooleanField(
        label=_("Show this link on the public disclosure page"), required=False, initial=True
    )

    def clean_url(self):
        return clean_url(self.cleaned_data.get("url", ""))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Please choose a file to upload"),
            "empty": _("The file is empty; please choose another file"),
        },
        help_text=_upload_help(),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )
    label = forms.CharField(label=_("Description"), max_length=500, required=False)
    is_public = forms.BooleanField(
        label=_("Publish this file on the public disclosure page"),
        required=False,
        initial=False,
        help_text=_("A file without this option is seen only by people with rights in the system"),
    )

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        check_upload(uploaded)  # raises a translated ValidationError; the service checks again before storing
        return uploaded


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Agency's description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=None, required=False, empty_label=_("— not assigned yet —")
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agency.units.all() if agency is not None else None


class ClarificationForm(forms.Form):
    text = forms.CharField(
        label=_("Further clarification"),
        max_length=5000,
        error_messages={"required": _("Please write a clarification that answers the assessor's comment")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(forms.Form):
    """The judgement, shaped by the item's scoring method (pass_fail / elements / percent)."""

    passed = forms.TypedChoiceField(
        label=_("Result"),
        required=False,
        coerce=lambda v: v == "1",
        choices=[("1", _("Pass (100 points)")), ("0", _("Fail (0 points)"))],
        widget=forms.RadioSelect,
        empty_value=None,
    )
    elements = forms.MultipleChoiceField(
        label=_("Elements fully present"), required=False, widget=forms.CheckboxSelectMultiple
    )
    score = forms.DecimalField(
        label=_("Score (0–100)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "invalid": _("The score must be a number from 0 to 100"),
            "min_value": _("The score must not be below 0"),
            "max_value": _("The score must not be above 100"),
            "max_decimal_places": _("The score may have at most 2 decimal places"),
        },
    )
    comment = forms.CharField(
        label=_("Assessor's comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for correcting the confirmed score"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item is not None:
            self.fields["elements"].choices = [(e.code, f"{e.code}. {e.text}") for e in item.elements]
            if item.method != "pass_fail" or item.elements:
                del self.fields["passed"]
            if not item.elements:
                del self.fields["elements"]
            if item.method != "percent":
                del self.fields["score"]

    def judgement(self) -> dict:
        data = self.cleaned_data
        out = {"comment": data.get("comment", ""), "reason": data.get("reason", "")}
        if "elements" in self.fields:
            out["elements"] = list(data.get("elements") or [])
        if "passed" in self.fields:
            out["passed"] = data.get("passed")
        if "score" in self.fields:
            out["score"] = data.get("score")
        return out


class OpenClarificationForm(forms.Form):
    deadline = ThaiDateField(
        label=_("Clarification allowed until"),
        error_messages={"required": _("Please give the last day for clarification")},
    )
    note = forms.CharField(
        label=_("Note to the agency"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=None,
        to_field_name="code",
        error_messages={"required": _("Choose an agency"), "invalid_choice": _("This agency was not found")},
    )
    assessor = forms.ModelChoiceField(
        label=_("Assessor"),
        queryset=None,
        error_messages={"required": _("Choose an assessor"), "invalid_choice": _("This assessor was not found")},
    )

    def __init__(self, *args, agencies=None, assessors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["assessor"].queryset = assessors
        self.fields["assessor"].label_from_instance = lambda u: (
            f"{u.person.full_name_th} ({u.get_username()})" if hasattr(u, "person") else u.get_username()
        )


def first_error(exc: ValidationError) -> str:
    return error_texts(exc)[0]
