"""What an officer sees of an edition before it is used: the IIT/EIT forms and the OIT list, provisional marks on."""

from __future__ import annotations

from dataclasses import dataclass

from prongsai.core.framework import Framework, OITItem


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
            rows = [OITRow(item=o, indicator_name=indicator.name_th, window=o.window_th(fiscal_year))
                    for o in framework.oit_items if o.indicator == indicator.number]
            blocks.append({"indicator": indicator, "rows": rows})
    return blocks
