"""What an officer sees of an edition before it is used: the IIT/EIT forms and the OIT list, provisional marks on."""

from __future__ import annotations

from dataclasses import dataclass

from prongsai.core.framework import AGENCY_TYPES_EN, AGENCY_TYPES_TH, Framework, OITItem
from prongsai.web.messages import localized


@dataclass
class OITRow:
    item: OITItem
    indicator_name: str
    window: str


def survey_sections(framework: Framework, tool: str) -> list[dict]:
    """One section per indicator, with its questions, their answer fields and options (as on the form)."""
    sections = []
    for indicator in framework.indicators_of(tool):
        questions = []
        for q in framework.questions:
            if q.indicator != indicator.number:
                continue
            fields = [{"f": f, "options": [o.label for o in f.scale.options]} for f in q.fields]
            questions.append({"q": q, "fields": fields})
        sections.append({"indicator": indicator, "questions": questions})
    return sections


def oit_rows(framework: Framework, fiscal_year: int | None) -> list[dict]:
    """Indicator blocks of OIT items with the data window said for the round's fiscal year."""
    blocks = []
    for tool in framework.evidence_tools:
        for indicator in framework.indicators_of(tool):
            rows = [
                OITRow(
                    item=o,
                    indicator_name=localized(indicator.name_th, indicator.name_en),
                    window=localized(o.window_th(fiscal_year), o.window_en(fiscal_year)),
                )
                for o in framework.oit_items
                if o.indicator == indicator.number
            ]
            blocks.append({"indicator": indicator, "rows": rows})
    return blocks


def agency_types_text(types) -> str:
    """A variant's agency types ("esa", "school" …) in words, in the active language."""
    return ", ".join(localized(AGENCY_TYPES_TH.get(t, t), AGENCY_TYPES_EN.get(t, t)) for t in types)
