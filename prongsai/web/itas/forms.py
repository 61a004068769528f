"""The upload form of the ITAS item results."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prongsai.core import itas

MAX_UPLOAD = 5 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")


class ItasImportForm(forms.Form):
    file = forms.FileField(
        label=_("ITAS results file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The column names are the file's Thai headers, the same in every language of the page.
        self.fields["file"].help_text = gettext(
            "Columns: %(code)s (item, question or indicator code) and %(result)s (pass/fail or a score); at most 5 MB."
        ) % {"code": itas.CODE_COLUMNS[0], "result": itas.RESULT_COLUMNS[0]}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
