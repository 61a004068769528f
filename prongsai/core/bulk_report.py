"""``prongsai score-responses``: raw files → the bulk engine → one record per agency."""

from __future__ import annotations

from pathlib import Path

from prongsai.core.bulk import AGENCY, hundredths_to_decimal, score_bulk
from prongsai.core.framework import Framework
from prongsai.core.responses import read_oit_scores, read_responses


def _num(value: int | None) -> float | None:
    decimal = hundredths_to_decimal(value)
    return None if decimal is None else float(decimal)


def score_files(
    framework: Framework,
    iit: str | Path | None = None,
    eit: str | Path | None = None,
    oit: str | Path | None = None,
    year: int | None = None,
) -> list[dict]:
    """Validate the given files, score every agency in them, and return the JSON records of the contract."""
    surveys = {}
    for tool, path in (("IIT", iit), ("EIT", eit)):
        if path and tool in framework.survey_tools:
            surveys[tool] = read_responses(path, framework, tool)
    oit_frame = read_oit_scores(oit, framework) if oit else None
    frame = score_bulk(framework, surveys, oit_frame, items=True)
    item_codes = [f.code for q in framework.questions for f in ([q] + list(q.fields) if q.has_sub_items else [q])]
    if oit_frame is not None:
        item_codes += [o.code for o in framework.oit_items]
    records = []
    for row in frame.iter_rows(named=True):
        records.append(
            {
                "agency": row[AGENCY],
                "year": year or framework.fiscal_years[0],
                "framework": framework.id,
                "iit": _num(row.get("IIT")),
                "eit": _num(row.get("EIT")),
                "oit": _num(row.get("OIT")),
                "total": _num(row["total"]),
                "level": row["level"],
                "rank": row["rank"],
                "respondents_iit": row.get("n_IIT", 0),
                "respondents_eit": row.get("n_EIT", 0),
                "indicators": {str(i.number): _num(row[f"i{i.number}"]) for i in framework.indicators},
                "items": {code: _num(row.get(code)) for code in item_codes if code in row},
            }
        )
    return records
