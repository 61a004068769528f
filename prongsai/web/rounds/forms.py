"""The form to create an assessment round: framework edition, fiscal year, name and an optional phase calendar."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from prongsai.core.framework import FrameworkError, load_framework
from prongsai.core.thai import fiscal_year_be
from prongsai.web.rounds.models import AssessmentRound, Phase
from prongsai.web.thaidate import ThaiDateField


def framework_choices() -> list[tuple[str, str]]:
    """Editions in force (built in, or activated uploads), newest fiscal year first; provisional ones say so."""
    from prongsai.web.editions.services import usable_editions

    return [(c.key, c.label) for c in usable_editions()]


def variant_choices() -> list[tuple[str, str]]:
    """Every variant an edition in force declares (the form checks the chosen edition has it)."""
    from prongsai.web.editions.preview import agency_types_text
    from prongsai.web.editions.services import usable_editions

    seen: dict[str, str] = {}
    for choice in usable_editions():
        for code, variant in choice.framework.variants.items():
            seen.setdefault(code, f"{code} · {variant.name_th} ({agency_types_text(variant.agency_types)})")
    return [("", _("None: the edition as written (every agency type it lists)"))] + sorted(seen.items())


def default_edition(year_be: int) -> str | None:
    """The edition a new round of this fiscal year would normally use."""
    from prongsai.web.editions.services import usable_editions

    for choice in usable_editions(year_be):
        if year_be in choice.framework.default_for_years:
            return choice.key
    return None


class RoundForm(forms.Form):
    framework_id = forms.ChoiceField(label=_("Framework edition"))
    variant = forms.ChoiceField(
        label=_("Agency-type variant"),
        required=False,
        help_text=_(
            "The variant's agency types are the agencies this round assesses "
            "(e.g. esa for service-area offices); one round per variant."
        ),
    )
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year (B.E.)"), min_value=2500, max_value=2700, help_text=_("Buddhist-Era year, e.g. 2563.")
    )
    name_th = forms.CharField(
        label=_("Name"), max_length=255, required=False, help_text=_("Leave empty for the standard name.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_id"].choices = framework_choices()
        self.fields["variant"].choices = variant_choices()
        if not self.is_bound:
            from datetime import date

            year = fiscal_year_be(date.today())
            self.initial.setdefault("fiscal_year", year)
            edition = default_edition(year)
            if edition:
                self.initial.setdefault("framework_id", edition)
        for phase in Phase:
            # labelled with the phase, so an error names which of the eight dates is wrong
            self.fields[f"{phase.value}_starts"] = ThaiDateField(
                label=_("%(phase)s starts") % {"phase": phase.label}, required=False
            )
            self.fields[f"{phase.value}_ends"] = ThaiDateField(
                label=_("%(phase)s ends") % {"phase": phase.label}, required=False
            )

    def phase_rows(self):
        """(label, start field, end field) per phase, for the calendar part of the template."""
        return [(phase.label, self[f"{phase.value}_starts"], self[f"{phase.value}_ends"]) for phase in Phase]

    def clean(self):
        cleaned = super().clean()
        framework_id, year = cleaned.get("framework_id"), cleaned.get("fiscal_year")
        variant = cleaned.get("variant") or ""
        if framework_id and year:
            try:
                framework = load_framework(framework_id)
            except FrameworkError:
                self.add_error("framework_id", _("This edition cannot be loaded."))
                return cleaned
            if year not in framework.fiscal_years:
                self.add_error(
                    "fiscal_year",
                    _("%(framework)s assesses fiscal year(s) %(years)s.")
                    % {"framework": framework_id, "years": ", ".join(map(str, framework.fiscal_years))},
                )
            elif variant and variant not in framework.variants:
                self.add_error(
                    "variant",
                    _("%(framework)s has no variant %(variant)s.") % {"framework": framework_id, "variant": variant},
                )
            elif AssessmentRound.objects.filter(framework_id=framework_id, variant=variant, fiscal_year=year).exists():
                self.add_error(
                    "fiscal_year",
                    _("A round for %(framework)s in %(year)s already exists.")
                    % {"framework": framework_id, "year": year},
                )
        phases: dict[str, tuple[date, date]] = {}
        for phase in Phase:
            starts, ends = cleaned.get(f"{phase.value}_starts"), cleaned.get(f"{phase.value}_ends")
            if starts is None and ends is None:
                continue
            if starts is None or ends is None:
                self.add_error(
                    f"{phase.value}_starts" if starts is None else f"{phase.value}_ends",
                    _("Give both the start and the end of %(phase)s.") % {"phase": phase.label},
                )
                continue
            if ends < starts:
                self.add_error(f"{phase.value}_ends", _("%(phase)s ends before it starts.") % {"phase": phase.label})
                continue
            phases[phase.value] = (starts, ends)
        cleaned["phases"] = phases
        return cleaned
