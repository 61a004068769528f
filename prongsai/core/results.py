"""Officially published results: reading a results file and scoring, grading and ranking its rows.

A results file has the columns ``agency``, ``year`` (B.E.), then either the indicator scores ``i1`` … ``iN`` (in
percent) or, where only tool scores are published, one column per tool (``iit``, ``eit``, ``oit``, in percent, not
weighted points).  Extra columns are kept (``--group-by`` ranks within one of them).  The same reader serves
``prongsai score`` and the web application's import, so both accept and refuse exactly the same files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from prongsai.core.framework import Framework, FrameworkError, framework_for_year, load_framework
from prongsai.core.scoring import AgencyScore, combine, combine_tools, ranks_within, rounded
from prongsai.core.tabular import Collector, Table, parse_int, parse_score

#: published tool scores may differ from the mean of the published (rounded) indicators by this much
TOOL_TOLERANCE = Decimal("0.01")


@dataclass
class ResultRow:
    row: int  # spreadsheet row number (header = 1)
    agency: str
    year: int
    score: AgencyScore
    extra: dict[str, str] = field(default_factory=dict)
    rank: int | None = None

    @property
    def framework(self) -> Framework:
        return self.score.framework

    def as_record(self, group_by: str | None = None) -> dict:
        """The JSON contract of ``prongsai score`` (numbers rounded half-up to 2 decimals)."""
        tools = self.score.tools_rounded
        record = {
            "agency": self.agency,
            "year": self.year,
            "framework": self.framework.id,
            "iit": _num(tools.get("IIT")),
            "eit": _num(tools.get("EIT")),
            "oit": _num(tools.get("OIT")),
            "total": _num(self.score.total_rounded),
            "level": self.score.level,
            "rank": self.rank,
        }
        if group_by:
            record[group_by] = self.extra.get(group_by, "")
        return record


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def read_results(
    table: Table, framework_id: str | None = None, group_by: str | None = None, problems: Collector | None = None
) -> list[ResultRow]:
    """Validate every row of an official results table and score it; raises ``InputError`` listing all problems.

    With ``problems`` given, row problems are added to it instead of raised, and the valid rows are returned, so
    that a caller with more checks (the web import: unknown agencies, scope) can report everything at once.
    """
    deferred = problems is not None
    problems = problems or Collector(table.file)
    columns = table.require(["agency", "year"] + ([group_by] if group_by else []))
    index = table.column_index()
    forced: Framework | None = None
    if framework_id:
        try:
            forced = load_framework(framework_id)
        except FrameworkError as exc:
            problems.add(None, None, str(exc.problems[0][1]), f"ไม่รู้จักกรอบการประเมิน '{framework_id}'")
            problems.check()

    rows: list[ResultRow] = []
    seen: dict[tuple[str, int], int] = {}
    for offset, cells in enumerate(table.rows):
        line = offset + 2
        agency = cells[columns["agency"]]
        if not agency:
            problems.add(line, "agency", "agency is empty", "ไม่ได้ระบุชื่อหน่วยงาน")
            continue
        year = parse_int(cells[columns["year"]])
        if year is None or not 2500 <= year <= 2700:
            hint = " (write the Buddhist-Era year, e.g. 2562)" if year and 1900 < year < 2200 else ""
            problems.add(
                line,
                "year",
                f"'{cells[columns['year']]}' is not a B.E. fiscal year{hint}",
                f"'{cells[columns['year']]}' ไม่ใช่ปีงบประมาณ พ.ศ. (เช่น 2562)",
            )
            continue
        framework = forced or framework_for_year(year)
        if framework is None:
            problems.add(
                line,
                "year",
                f"no framework edition for {year}; name one with --framework",
                f"ไม่มีกรอบการประเมินสำหรับปี {year} กรุณาระบุกรอบการประเมิน",
            )
            continue
        key = (agency, year)
        if key in seen:
            problems.add(
                line,
                "agency",
                f"'{agency}' {year} already appears in row {seen[key]}",
                f"'{agency}' ปี {year} ซ้ำกับแถวที่ {seen[key]}",
            )
            continue
        seen[key] = line
        score = _score_row(framework, cells, index, line, problems)
        if score is None:
            continue
        extra = {name: cells[i] for i, name in enumerate(table.header) if name.casefold() not in {"agency", "year"}}
        rows.append(ResultRow(row=line, agency=agency, year=year, score=score, extra=extra))
    if not deferred:
        problems.check()
    rank_rows(rows, group_by)
    return rows


def _score_row(
    framework: Framework, cells: list[str], index: dict[str, int], line: int, problems: Collector
) -> AgencyScore | None:
    indicator_columns = [f"i{i.number}" for i in framework.indicators]
    tool_columns = [t.code.lower() for t in framework.tools]
    has_indicators = any(c in index for c in indicator_columns)
    has_tools = all(c in index for c in tool_columns)
    if not has_indicators and not has_tools:
        problems.add(
            1,
            None,
            f"needs indicator columns {indicator_columns[0]}…{indicator_columns[-1]} "
            f"or tool columns {', '.join(tool_columns)} for {framework.id}",
            f"ต้องมีคอลัมน์ตัวชี้วัด {indicator_columns[0]}…{indicator_columns[-1]} หรือคอลัมน์ {', '.join(tool_columns)}",
        )
        problems.check()
    if has_indicators:
        missing = [c for c in indicator_columns if c not in index]
        if missing:
            problems.add(
                1,
                missing[0],
                f"missing indicator column(s) {', '.join(missing)} for {framework.id}",
                f"ไม่พบคอลัมน์ตัวชี้วัด {', '.join(missing)}",
            )
            problems.check()
    values = _read_scores(indicator_columns if has_indicators else tool_columns, cells, index, line, problems)
    if values is None:
        return None
    if not has_indicators:
        return combine_tools(framework, {t.code: Fraction(values[t.code.lower()]) for t in framework.tools})
    score = combine(framework, {i.number: Fraction(values[f"i{i.number}"]) for i in framework.indicators})
    if has_tools:  # both given: they must agree, or the file mixes two different results
        given = _read_scores(tool_columns, cells, index, line, problems)
        if given is None:
            return None
        for tool in framework.tools:
            computed = rounded(score.tools[tool.code])
            stated = given[tool.code.lower()]
            if computed is not None and abs(computed - stated) > TOOL_TOLERANCE:
                problems.add(
                    line,
                    tool.code.lower(),
                    f"{tool.code} {stated} does not match the mean of its indicators ({computed})",
                    f"คะแนน {tool.code} {stated} ไม่ตรงกับค่าเฉลี่ยของตัวชี้วัด ({computed})",
                )
                return None
    return score


def _read_scores(
    columns: Sequence[str], cells: list[str], index: dict[str, int], line: int, problems: Collector
) -> dict[str, Decimal] | None:
    values: dict[str, Decimal] = {}
    ok = True
    for column in columns:
        text = cells[index[column]]
        value = parse_score(text) if text else None
        if value is None:
            reason_en = "empty" if not text else f"'{text}' is not a score between 0 and 100"
            reason_th = "ไม่มีค่า" if not text else f"'{text}' ไม่ใช่คะแนนระหว่าง 0 ถึง 100"
            problems.add(line, column, reason_en, reason_th)
            ok = False
            continue
        values[column] = value
    return values if ok else None


def rank_rows(rows: list[ResultRow], group_by: str | None = None) -> None:
    """Competition ranks by rounded total, within each ``group_by`` value (and always within one year)."""
    groups = [(row.year, row.extra.get(group_by, "") if group_by else "") for row in rows]
    for row, rank in zip(rows, ranks_within([r.score.total_rounded for r in rows], groups)):
        row.rank = rank
