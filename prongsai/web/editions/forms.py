"""The upload form of a new edition (YAML or XLSX)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file (.xlsx or .yaml)"),
        help_text=_("Export an existing edition as XLSX to start from, edit it, then import it here"),
    )
    derived_from = forms.ChoiceField(
        label=_("Compare with edition"),
        required=False,
        help_text=_(
            "The edition this one was adapted from; empty = the latest "
            "version of the same id, or the previous edition (previous)"
        ),
    )
    note = forms.CharField(
        label=_("Change note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. updated to the NACC manual of … (kept with this version and in the audit log)"),
    )

    def __init__(self, *args, choices: Sequence[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["derived_from"].choices = [("", _("Automatic"))] + list(choices)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".yaml", ".yml")):
            raise forms.ValidationError(_("Only .xlsx or .yaml files are accepted."))
        return upload


class ReplaceForm(forms.Form):
    file = forms.FileField(label=_("Corrected file (.xlsx or .yaml)"))

    def clean_file(self):
        return UploadForm.clean_file(self)
