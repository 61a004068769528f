"""Forms of the officer's survey pages (the respondent's pages are built from the framework in ``flow``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.core.framework import Framework
from prongsai.web.agencies.models import Region
from prongsai.web.surveys.services import MAX_BATCH, MAX_HEADCOUNT, survey_tools
from prongsai.web.thaidate import ThaiDateField


def tool_group_choices(framework: Framework) -> list[tuple[str, str]]:
    return [(f"{t.code}:{g.code}", f"{t.code} · {g.name_th}") for t in survey_tools(framework) for g in t.groups]


class HeadcountForm(forms.Form):
    """One number per (tool, group) of the edition: ``hc-IIT-staff``, ``hc-EIT-teachers`` …"""

    def __init__(self, framework: Framework, *args, initial_counts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: list[tuple[str, str]] = []
        for tool in survey_tools(framework):
            for group in tool.groups:
                name = f"hc-{tool.code}-{group.code}"
                self.fields[name] = forms.IntegerField(
                    label=group.name_th,
                    min_value=0,
                    max_value=MAX_HEADCOUNT,
                    required=False,
                    initial=(initial_counts or {}).get((tool.code, group.code)),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
                self.fields[name].tool = tool.code
                self.keys.append((tool.code, group.code))

    def counts(self) -> dict[tuple[str, str], int]:
        return {
            (t, g): self.cleaned_data[f"hc-{t}-{g}"]
            for t, g in self.keys
            if self.cleaned_data.get(f"hc-{t}-{g}") is not None
        }


class GenerateCodesForm(forms.Form):
    tool_group = forms.ChoiceField(label=_("Tool and respondent group"))
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_BATCH, initial=20)
    expires_on = ThaiDateField(label=_("Valid until (optional)"), required=False)
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, framework: Framework, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tool_group"].choices = tool_group_choices(framework)

    def tool_and_group(self) -> tuple[str, str]:
        tool, _sep, group = self.cleaned_data["tool_group"].partition(":")
        return tool, group


class RevokeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code printed on the slip"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class OpenLinkForm(forms.Form):
    ACTIONS = [("on", _("Switch on")), ("off", _("Switch off")), ("rotate", _("Issue a new link"))]
    action = forms.ChoiceField(choices=ACTIONS)
    group = forms.ChoiceField(label=_("Respondents counted as"), required=False)

    def __init__(self, framework: Framework, *args, **kwargs):
        super().__init__(*args, **kwargs)
        eit = next((t for t in survey_tools(framework) if t.code == "EIT"), None)
        self.fields["group"].choices = [(g.code, g.name_th) for g in (eit.groups if eit else ())]


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Respondent code (10 characters)"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autocorrect": "off",
                "placeholder": "ABCD-EFGH-JK",
                "inputmode": "text",
            }
        ),
    )


class NationalFilterForm(forms.Form):
    STATUS = [
        ("", _("All")),
        ("below", _("Below the minimum")),
        ("met", _("Minimum reached")),
        ("no_headcount", _("No headcount entered")),
    ]
    q = forms.CharField(label=_("Name or code"), required=False)
    subkind = forms.ChoiceField(label=_("Type"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All"))] + list(Region.choices))
    province = forms.ChoiceField(label=_("Province"), required=False)
    status = forms.ChoiceField(label=_("Progress"), required=False, choices=STATUS)

    def __init__(self, *args, subkinds=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subkind"].choices = [("", _("All"))] + [(s, s) for s in subkinds]
        self.fields["province"].choices = [("", _("All"))] + [(p, p) for p in provinces]
