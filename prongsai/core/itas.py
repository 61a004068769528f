"""Working beside ITAS (itas.nacc.go.th), the official system every agency submits to (docs/itas.md).

Two directions, both pure Python (no Django):

- **Out** — :func:`sheet_rows`: the sheet an officer keeps open while filling ITAS: each OIT item as ITAS shows
  it (display code, title, data window), the one public URL ITAS asks for, the explanation text, and what still
  needs doing (no URL, several URLs to choose from).
- **In** — :func:`read_item_results`: the item-level results an officer copies out of ITAS into a CSV/XLSX
  (``รหัสข้อ``, ``ผล``): OIT items pass/fail (or the edition's score), IIT/EIT question scores and indicator
  scores.  Every row is checked; problems name row, column and reason (Thai and English) and are raised
  together, so an import is all or nothing.  :func:`merge` then checks the file against the agency's published
  indicator scores and gives the indicator scores to store with the items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from prongsai.core.framework import Framework
from prongsai.core.scoring import mean, oit_item_score, rounded
from prongsai.core.tabular import Collector, InputError, Problem, Table, parse_score
from prongsai.core.thai import to_arabic_digits

#: header names accepted for each column (Thai first; matched case-insensitively)
CODE_COLUMNS = ("รหัสข้อ", "รหัส", "code")
RESULT_COLUMNS = ("ผล", "คะแนน", "result", "score")
TITLE_COLUMN = "ชื่อข้อ / ตัวชี้วัด"
NOTE_COLUMN = "หมายเหตุ"
TEMPLATE_HEADER = (CODE_COLUMNS[0], TITLE_COLUMN, RESULT_COLUMNS[0], NOTE_COLUMN)
#: rows whose code starts with one of these are examples and are skipped
EXAMPLE_MARKS = ("ตัวอย่าง", "example")
PASS_WORDS = {"ผ่าน", "มี", "pass", "passed", "yes", "y", "✓", "/"}
FAIL_WORDS = {"ไม่ผ่าน", "ไม่มี", "fail", "failed", "no", "n", "✗", "x"}
NOT_APPLICABLE_WORDS = {"ไม่เกี่ยวข้อง", "ไม่ประเมิน", "n/a", "na", "-"}
#: a derived indicator may differ from the published (rounded) one by this much before the file is refused
TOLERANCE = Decimal("0.01")
_INDICATOR = re.compile(r"(?:ตัวชี้วัด(?:ที่)?|indicator)?\s*(\d{1,2})\Z", re.IGNORECASE)

__all__ = ["ItemResults", "SheetRow", "merge", "read_item_results", "sheet_rows", "template_rows"]


# ------------------------------------------------------------------------------------------------------ out


@dataclass(frozen=True)
class Evidence:
    """What the agency has for one item: its public URLs (links first, then public files) and explanation."""

    urls: tuple[str, ...] = ()
    explanation: str = ""
    status: str = ""


@dataclass(frozen=True)
class SheetRow:
    code: str  # stable code (O1)
    shown_code: str  # as ITAS shows it (o1 from 2568)
    indicator: int
    title: str
    window: str  # the data window in words, for the round's fiscal year
    url: str
    explanation: str
    status: str
    warnings_th: tuple[str, ...]
    warnings_en: tuple[str, ...] = ()  # the same warnings in English, for the page (the exports stay Thai)

    def cells(self) -> list:
        return [
            self.shown_code,
            self.title,
            self.window,
            self.url,
            self.explanation,
            self.status,
            " / ".join(self.warnings_th),
        ]


SHEET_HEADER = ("ข้อ", "ชื่อข้อมูล", "ช่วงเวลาของข้อมูล", "URL ที่กรอกใน ITAS", "คำอธิบายเพิ่มเติม", "สถานะใน Prongsai", "สิ่งที่ต้องทำ")


def sheet_rows(
    framework: Framework,
    fiscal_year: int,
    evidence: Mapping[str, Evidence],
    status_labels: Mapping[str, str] | None = None,
) -> list[SheetRow]:
    """One row per OIT item of the edition, in its order, with the first public URL (ITAS takes one)."""
    status_labels = status_labels or {}
    rows = []
    for item in framework.oit_items:
        found = evidence.get(item.code, Evidence())
        warnings: list[tuple[str, str]] = []
        if not found.urls:
            warnings.append(("ยังไม่มี URL สาธารณะ", "No public URL yet"))
        elif len(found.urls) > 1:
            warnings.append(
                (
                    f"มี URL สาธารณะ {len(found.urls)} รายการ ITAS รับได้ 1 รายการ (ใช้รายการแรก)",
                    f"{len(found.urls)} public URLs: ITAS takes 1 (the first is used)",
                )
            )
        if not found.explanation:
            warnings.append(("ยังไม่มีคำอธิบาย", "No explanation yet"))
        rows.append(
            SheetRow(
                code=item.code,
                shown_code=item.shown_code,
                indicator=item.indicator,
                title=item.title,
                window=item.window_th(fiscal_year),
                url=found.urls[0] if found.urls else "",
                explanation=found.explanation,
                status=status_labels.get(found.status, found.status),
                warnings_th=tuple(th for th, _en in warnings),
                warnings_en=tuple(en for _th, en in warnings),
            )
        )
    return rows


# ------------------------------------------------------------------------------------------------------- in


@dataclass
class ItemResults:
    """What a file of ITAS results says: item scores (None = not applicable) and indicator scores."""

    file: str
    items: dict[str, Fraction | None] = field(default_factory=dict)
    indicators: dict[int, Fraction] = field(default_factory=dict)  # given in the file
    rows: dict[str, int] = field(default_factory=dict)  # code (O1, I5, "9") → spreadsheet row

    def derived(self, framework: Framework) -> dict[int, Fraction]:
        """Indicator scores: as given, else from the items when the file has every item of the indicator.

        OIT: the mean of the applicable items (as ``scoring.score_oit``); IIT/EIT: the mean of the question
        scores, or in "flat" editions the mean of every answer field (questions weighted by their fields)."""
        result = dict(self.indicators)
        for indicator in framework.indicators:
            if indicator.number in result:
                continue
            if framework.tool(indicator.tool).kind == "evidence":
                codes = [o.code for o in framework.oit_items if o.indicator == indicator.number]
                if codes and all(c in self.items for c in codes):
                    values = [self.items[c] for c in codes if self.items[c] is not None]
                    if values:
                        # (mypy) values holds known scores only (None was filtered out above)
                        result[indicator.number] = mean(values)  # type: ignore[arg-type,assignment]
                continue
            questions = [q for q in framework.questions if q.indicator == indicator.number]
            if questions and all(self.items.get(q.code) is not None for q in questions):
                weights = [len(q.fields) if framework.aggregation == "flat" else 1 for q in questions]
                # (mypy) all() above checked that every question of the indicator has a score
                total = sum(
                    (self.items[q.code] * w for q, w in zip(questions, weights)),  # type: ignore[operator]  # all() checked
                    Fraction(0),
                )
                result[indicator.number] = Fraction(total) / sum(weights)
        return result


def template_rows(framework: Framework) -> list[list[str]]:
    """The import template's rows: one example row, then every indicator, question and OIT item with an empty
    result (rows left empty are skipped, so an officer fills only what ITAS shows them)."""
    rows = [
        [
            "ตัวอย่าง o1",
            "ตัวอย่าง: ลบแถวนี้ได้ แถวที่รหัสขึ้นต้นด้วย 'ตัวอย่าง' จะไม่ถูกนำเข้า",
            "ผ่าน",
            "ผล: ผ่าน/ไม่ผ่าน หรือคะแนน 0–100; ไม่เกี่ยวข้อง = ไม่นำมาคิด",
        ]
    ]
    for indicator in framework.indicators:
        rows.append([f"ตัวชี้วัดที่ {indicator.number}", indicator.name_th, "", ""])
    for question in framework.questions:
        rows.append([question.code, question.text, "", ""])
    for item in framework.oit_items:
        rows.append([item.shown_code, item.title, "", ""])
    return rows


def _column(table: Table, names: tuple[str, ...]) -> int | None:
    index = table.column_index()
    return next((index[n.casefold()] for n in names if n.casefold() in index), None)


def read_item_results(table: Table, framework: Framework) -> ItemResults:
    """Check every row of an ITAS item-results table; raises ``InputError`` listing every problem."""
    code_at, result_at = _column(table, CODE_COLUMNS), _column(table, RESULT_COLUMNS)
    if code_at is None or result_at is None:
        missing = CODE_COLUMNS[0] if code_at is None else RESULT_COLUMNS[0]
        found = ", ".join(table.header)
        raise InputError(
            [
                Problem(
                    table.file,
                    1,
                    missing,
                    f"missing column '{missing}' (found: {found})",
                    f"ไม่พบคอลัมน์ '{missing}' (คอลัมน์ที่มี: {found})",
                )
            ]
        )
    code_name, result_name = table.header[code_at], table.header[result_at]
    problems = Collector(table.file)
    oit = {o.code.casefold(): o for o in framework.oit_items}
    oit.update({o.display_code.casefold(): o for o in framework.oit_items if o.display_code})
    questions = {q.code.casefold(): q for q in framework.questions}
    indicators = {i.number for i in framework.indicators}
    out = ItemResults(file=table.file)
    for offset, cells in enumerate(table.rows):
        line = offset + 2
        raw_code, raw_result = cells[code_at], cells[result_at]
        if not raw_code and not raw_result:
            continue
        if raw_code.casefold().startswith(EXAMPLE_MARKS):
            continue
        if not raw_code:
            problems.add(line, code_name, "the code is empty", "ไม่ได้ระบุรหัสข้อ")
            continue
        if not raw_result:
            continue  # not filled in yet: no data for this item
        text = to_arabic_digits(raw_code).strip()
        item, question = oit.get(text.casefold()), questions.get(text.casefold())
        number_match = _INDICATOR.match(text)
        if item is not None:
            key = item.code
        elif question is not None:
            key = question.code
        elif number_match and int(number_match.group(1)) in indicators:
            key = number_match.group(1)
        else:
            problems.add(
                line,
                code_name,
                f"'{raw_code}' is not an OIT item, question or indicator of {framework.id}",
                f"'{raw_code}' ไม่ใช่ข้อ OIT ข้อคำถาม หรือตัวชี้วัดของกรอบการประเมิน {framework.id}",
            )
            continue
        if key in out.rows:
            problems.add(
                line,
                code_name,
                f"'{raw_code}' already appears in row {out.rows[key]}",
                f"'{raw_code}' ซ้ำกับแถวที่ {out.rows[key]}",
            )
            continue
        out.rows[key] = line
        word = raw_result.strip().casefold()
        if item is not None:
            if word in NOT_APPLICABLE_WORDS:
                out.items[key] = None
                continue
            try:
                if word in PASS_WORDS or word in FAIL_WORDS:
                    value = oit_item_score(item, passed=word in PASS_WORDS)
                else:
                    score = parse_score(raw_result)
                    if score is None:
                        raise ValueError
                    value = oit_item_score(item, score=score)
            except ValueError:
                allowed = "ผ่าน/ไม่ผ่าน (100/0)" if item.method == "pass_fail" else "ผ่าน/ไม่ผ่าน หรือคะแนน 0–100"
                allowed_en = "pass/fail" if item.method == "pass_fail" else "pass/fail or 0–100"
                problems.add(
                    line,
                    result_name,
                    f"'{raw_result}' is not a result of {item.shown_code} ({allowed_en})",
                    f"'{raw_result}' ไม่ใช่ผลของข้อ {item.shown_code} (ใช้ {allowed})",
                )
                continue
            out.items[key] = value
            continue
        score = parse_score(raw_result)
        if score is None:
            problems.add(
                line,
                result_name,
                f"'{raw_result}' is not a score between 0 and 100",
                f"'{raw_result}' ไม่ใช่คะแนนระหว่าง 0 ถึง 100",
            )
            continue
        if question is not None:
            out.items[key] = Fraction(score)
        else:
            out.indicators[int(key)] = Fraction(score)
    problems.check()
    if not out.items and not out.indicators:
        raise InputError([Problem(table.file, None, None, "no result was filled in", "ยังไม่ได้กรอกผลข้อใดเลย")])
    return out


def merge(framework: Framework, results: ItemResults, published: Mapping[int, Decimal]) -> dict[int, Fraction]:
    """The indicator scores to store: the published ones, completed by those the file gives or implies.

    An indicator the file implies (given, or from all of its items) must round to within ``TOLERANCE`` of the
    published score, else the file and the published result disagree and the import is refused, naming the row
    of the indicator (or of its first item).  Without published scores the file must give or imply every
    indicator, so that a total can be computed."""
    problems = Collector(results.file)
    derived = results.derived(framework)
    for number, value in sorted(derived.items()):
        stated = published.get(number)
        if stated is None or abs(rounded(value) - stated) <= TOLERANCE:
            continue
        row = results.rows.get(str(number)) or min(
            (results.rows[c] for c in results.rows if _indicator_of(framework, c) == number), default=None
        )
        problems.add(
            row,
            f"ตัวชี้วัดที่ {number}",
            f"indicator {number} comes to {rounded(value)} but the published result says {stated}",
            f"ตัวชี้วัดที่ {number} คำนวณได้ {rounded(value)} แต่ผลที่ประกาศคือ {stated}",
        )
    problems.check()
    scores: dict[int, Fraction] = {n: Fraction(v) for n, v in published.items()}
    for number, value in derived.items():
        scores.setdefault(number, value)
    missing = [i.number for i in framework.indicators if i.number not in scores]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise InputError(
            [
                Problem(
                    results.file,
                    None,
                    None,
                    f"no score for indicator(s) {listed}: import the published results first, or give every indicator",
                    f"ไม่มีคะแนนตัวชี้วัดที่ {listed} กรุณานำเข้าผลการประเมินที่ประกาศก่อน หรือกรอกคะแนนทุกตัวชี้วัด",
                )
            ]
        )
    return scores


def _indicator_of(framework: Framework, code: str) -> int | None:
    if code.isdigit():
        return int(code)
    for item in framework.oit_items:
        if item.code == code:
            return item.indicator
    for question in framework.questions:
        if question.code == code:
            return question.indicator
    return None
