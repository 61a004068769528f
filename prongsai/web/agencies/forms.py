"""Forms of the agency management pages.  They only parse input: the rules live in services.py."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.web.agencies.models import AgencyKind, Region, Role

MAX_UPLOAD = 5 * 1024 * 1024


class AgencyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("code or name")}),
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types"))] + AgencyKind.choices)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All regions"))] + Region.choices)


class AgencyForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=AgencyKind.choices)
    subkind = forms.CharField(
        label=_("Sub-type"),
        max_length=32,
        required=False,
        help_text=_("For ESA offices: the Thai abbreviation for a primary or a secondary educational service area"),
    )
    parent_code = forms.CharField(
        label=_("Parent agency code"), max_length=32, required=False, help_text=_("Empty for a top-level agency.")
    )
    province = forms.CharField(label=_("Province"), max_length=64, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—")] + Region.choices, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)


class AgencyEditForm(AgencyForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True
        self.fields["code"].required = False


class UnitForm(forms.Form):
    name_th = forms.CharField(label=_("Unit name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)


class RoleChoices:
    @staticmethod
    def for_user(central: bool) -> list[tuple[str, str]]:
        hidden = () if central else (Role.CENTRAL_ADMIN, Role.ASSESSOR)
        return [(value, label) for value, label in Role.choices if value not in hidden]


class _RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=None, required=False, empty_label="—", help_text=_("Required for unit staff.")
    )

    def __init__(self, *args, agency=None, central=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = RoleChoices.for_user(central)
        self.fields["unit"].queryset = agency.units.all() if agency is not None else None


class PersonForm(_RoleFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    title_th = forms.CharField(
        label=_("Title"),
        max_length=32,
        required=False,
        help_text=_("The title before the name, as written in Thai (Mr, Mrs, Miss, Dr …)"),
    )
    full_name_th = forms.CharField(label=_("Full name (Thai)"), max_length=255)
    position_th = forms.CharField(label=_("Position"), max_length=255, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)

    field_order = ("username", "title_th", "full_name_th", "position_th", "email", "role", "unit")


class GrantForm(_RoleFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    field_order = ("username", "role", "unit")


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput(render_value=False))


class ImportForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What the file holds"), choices=[("agencies", _("Agencies")), ("people", _("People and roles"))]
    )
    file = forms.FileField(label=_("File (CSV or XLSX)"), help_text=_("At most 5 MB; the first row names the columns."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
