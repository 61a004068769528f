"""An edition as an XLSX workbook, one sheet per part, and back: the central admin's way to author an edition.

``export_workbook(raw)`` writes any edition's data (built in or uploaded) as a workbook a person can edit in Excel
or Google Sheets; ``read_workbook(name, data)`` reads such a workbook back into edition data, recording where
every value came from (sheet, row, column) so that a problem found by the validator is reported in the
admin's terms ("แผ่นงาน oit_items แถวที่ 7 คอลัมน์ title (G)") rather than as a data path.  The round trip
edition → workbook → edition is lossless (``canonical`` is the comparison form), which the test suite checks
for every edition.

Sheets (each with a header row of column names; ``คำอธิบาย`` explains them in Thai):
``edition`` (key/value), ``sources``, ``tools``, ``tool_groups``, ``indicators``, ``sub_indicators``, ``scales``,
``questions``, ``sub_items``, ``oit_items``, ``oit_elements``, ``levels``, ``sampling``, ``sampling_rows``,
``variants``, ``variant_overrides``.  Lists inside a cell are one value per line (keywords) or comma-separated
(years, agency types); lineage is one edition per line, ``ita-2566: O1, O3``.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from prongsai.core.tabular import InputError, read_xlsx_sheets

# A column: (name, kind) — kind is text | lines | csv | int | num | bool | ints | lineage | toolmin | json
Column = tuple[str, str]

EDITION_KEYS: list[Column] = [
    ("id", "text"), ("name_th", "text"), ("name_en", "text"), ("fiscal_years", "ints"),
    ("default_for_years", "ints"), ("agency_types", "csv"), ("previous", "text"), ("aggregation", "text"),
    ("pass_target", "num"), ("option_scores", "text"), ("rounding", "text"), ("confidence", "text"),
    ("caveat", "text"), ("notes", "text")]
SHEETS: dict[str, list[Column]] = {
    "edition": [("key", "text"), ("value", "text")],
    "sources": [("source", "text")],
    "tools": [("code", "text"), ("kind", "text"), ("name_th", "text"), ("name_en", "text"), ("weight", "num"),
              ("respondents_th", "text"), ("confidence", "text"), ("source", "text"), ("caveat", "text")],
    "tool_groups": [("tool", "text"), ("code", "text"), ("name_th", "text")],
    "indicators": [("number", "int"), ("name_th", "text"), ("name_en", "text"), ("tool", "text"), ("weight", "num")],
    "sub_indicators": [("indicator", "int"), ("code", "text"), ("name_th", "text"), ("groups", "lines"),
                       ("confidence", "text"), ("source", "text"), ("caveat", "text")],
    "scales": [("scale", "text"), ("name_th", "text"), ("label", "text"), ("score", "num")],
    "questions": [("code", "text"), ("indicator", "int"), ("text", "text"), ("scale", "text"), ("reverse", "bool"),
                  ("note", "text"), ("confidence", "text"), ("source", "text"), ("caveat", "text")],
    "sub_items": [("question", "text"), ("code", "text"), ("text", "text"), ("reverse", "bool"), ("scale", "text"),
                  ("note", "text")],
    "oit_items": [("code", "text"), ("display_code", "text"), ("key", "text"), ("indicator", "int"),
                  ("sub_indicator", "text"), ("group", "text"), ("title", "text"), ("title_known", "bool"),
                  ("requirement", "text"), ("time_window", "text"), ("data_window", "text"), ("keywords", "lines"),
                  ("method", "text"), ("confidence", "text"), ("source", "text"), ("caveat", "text"),
                  ("previous_codes", "lineage")],
    "oit_elements": [("item", "text"), ("code", "text"), ("text", "text"), ("weight", "num")],
    "levels": [("label", "text"), ("label_en", "text"), ("min", "num"), ("tool_min", "toolmin"),
               ("confidence", "text"), ("source", "text"), ("caveat", "text")],
    "sampling": [("tool", "text"), ("method", "text"), ("percent", "num"), ("floor", "int"), ("cap", "int"),
                 ("group", "text"), ("note", "text"), ("confidence", "text"), ("source", "text"), ("caveat", "text")],
    "sampling_rows": [("tool", "text"), ("kind", "text"), ("code", "text"), ("name_th", "text"), ("up_to", "int"),
                      ("minimum", "int")],
    "variants": [("code", "text"), ("name_th", "text"), ("agency_types", "csv"), ("confidence", "text"),
                 ("source", "text"), ("caveat", "text")],
    "variant_overrides": [("variant", "text"), ("part", "text"), ("target", "text"), ("field", "text"),
                          ("value", "text"), ("value_kind", "text")],
}
HELP_SHEET = "คำอธิบาย"
#: Thai help for each sheet (shown on the help sheet and as the header cells' comments)
SHEET_HELP = {
    "edition": "ข้อมูลทั่วไปของกรอบ: คอลัมน์ key/value (id, ชื่อ, ปีงบประมาณ, ประเภทหน่วยงาน, กรอบก่อนหน้า, "
               "option_scores, rounding …)",
    "sources": "แหล่งอ้างอิงของกรอบ หนึ่งแหล่งต่อแถว",
    "tools": "เครื่องมือ IIT/EIT/OIT และน้ำหนัก (weight) ชนิด (kind: survey/evidence)",
    "tool_groups": "กลุ่มผู้ตอบของเครื่องมือแบบวัด (tool, code, name_th)",
    "indicators": "ตัวชี้วัด เลขที่ ชื่อ เครื่องมือ (น้ำหนักในเครื่องมือ เว้นว่าง = เท่ากัน)",
    "sub_indicators": "ตัวชี้วัดย่อย ของตัวชี้วัดใด (groups: หนึ่งบรรทัดต่อกลุ่ม)",
    "scales": "มาตรวัดคำตอบ หนึ่งแถวต่อตัวเลือก เรียงตามลำดับ (score เว้นว่าง = คำนวณตาม option_scores)",
    "questions": "ข้อคำถาม IIT/EIT (reverse: true = กลับด้าน) confidence: confirmed/corroborated/provisional",
    "sub_items": "ข้อย่อยของข้อคำถาม (question = รหัสข้อหลัก)",
    "oit_items": "ข้อ OIT: code ภายใน display_code ที่แสดง (o1) data_window current/previous "
                 "method pass_fail/elements/percent "
                 "previous_codes หนึ่งบรรทัดต่อกรอบ เช่น “ita-2566: O1, O3”",
    "oit_elements": "องค์ประกอบ/รายการตรวจของข้อ OIT (item = รหัสข้อ)",
    "levels": "ระดับผลการประเมิน เรียงจากดีที่สุด tool_min เช่น “IIT=85; EIT=85; OIT=85”",
    "sampling": "เกณฑ์จำนวนผู้ตอบขั้นต่ำต่อเครื่องมือ method: share (percent/floor/cap) bands หรือ by_agency_group",
    "sampling_rows": "แถวของเกณฑ์: kind band (up_to, minimum) หรือ group (code, name_th, minimum)",
    "variants": "รูปแบบย่อยตามประเภทหน่วยงาน (esa, school, local, university, general)",
    "variant_overrides": "ค่าที่รูปแบบย่อยเปลี่ยน: part = tool/sampling/question/oit_item, target = รหัส, field = ชื่อคีย์, "
                         "value_kind = text หรือ json",
}
MAX_BYTES = 10 * 1024 * 1024
WHAT_TH = {"tool": "เครื่องมือ", "indicator": "ตัวชี้วัด", "question": "ข้อคำถาม", "item": "ข้อ OIT",
           "variant": "รูปแบบย่อย"}


# ------------------------------------------------------------------------------------------------ problems


@dataclass(frozen=True)
class Located:
    """Where a value came from: a workbook cell (sheet, row, column) or a YAML line."""

    sheet: str = ""
    row: int | None = None
    column: str = ""
    letter: str = ""
    line: int | None = None

    def th(self) -> str:
        if self.sheet:
            parts = [f"แผ่นงาน '{self.sheet}'"]
            if self.row:
                parts.append(f"แถวที่ {self.row}")
            if self.column:
                parts.append(f"คอลัมน์ '{self.column}'" + (f" ({self.letter})" if self.letter else ""))
            return " ".join(parts)
        return f"บรรทัดที่ {self.line}" if self.line else ""

    def en(self) -> str:
        if self.sheet:
            parts = [f"sheet '{self.sheet}'"]
            if self.row:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column '{self.column}'" + (f" ({self.letter})" if self.letter else ""))
            return ", ".join(parts)
        return f"line {self.line}" if self.line else ""


@dataclass(frozen=True)
class EditionProblem:
    where: Located
    path: str  # the data path (questions[3].text), when known
    en: str
    th: str

    def message(self, thai: bool = False) -> str:
        place = self.where.th() if thai else self.where.en()
        path = f" [{self.path}]" if self.path and not self.where.sheet else ""
        text = self.th if thai else self.en
        return f"{place}{path}: {text}" if place or path else text


class EditionImportError(ValueError):
    """An uploaded edition has problems; nothing was stored.  ``problems`` lists every one."""

    def __init__(self, name: str, problems: list[EditionProblem]):
        self.name = name
        self.problems = problems
        super().__init__(self.render())

    def render(self, thai: bool = False, limit: int = 200) -> str:
        lines = [f"{self.name}: {p.message(thai)}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            more = len(self.problems) - limit
            lines.append(f"… และอีก {more} รายการ" if thai else f"… and {more} more")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- canonical


#: the order of the keys of every schema mapping (an edition's parts, a tool, an item …) in canonical data
KEY_ORDER = [
    "id", "name_th", "name_en", "fiscal_years", "default_for_years", "agency_types", "previous", "aggregation",
    "pass_target", "option_scores", "rounding", "sources", "notes", "tools", "indicators", "scales", "questions",
    "oit_items", "levels", "sampling", "variants",
    "code", "display_code", "key", "number", "kind", "label", "label_en", "indicator", "sub_indicator", "group",
    "tool", "text", "title", "title_known", "scale", "reverse", "note", "requirement", "time_window", "data_window",
    "keywords", "weight", "respondents_th", "min", "tool_min", "method", "percent", "floor", "cap", "up_to",
    "minimum", "bands", "groups", "sub_indicators", "options", "score", "sub_items", "scoring", "elements",
    "applicable", "previous_codes", "confidence", "source", "caveat"]
_RANK = {key: i for i, key in enumerate(KEY_ORDER)}


def canonical(value: Any, lineage: bool = False) -> Any:
    """The comparison and storage form of edition data: texts stripped, empty or null optional values dropped
    (they mean the same as absent), except the lists of a lineage (an empty list there declares a new item), and
    the keys of every schema mapping in one order, so that the same edition always gives the same text."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            item = canonical(item, lineage=key == "previous_codes" or (lineage and isinstance(item, dict)))
            if not lineage and (item is None or item == "" or item == [] or item == {}):
                continue
            result[str(key)] = item
        if result and all(k in _RANK for k in result):
            result = {k: result[k] for k in sorted(result, key=_RANK.__getitem__)}
        return result
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# ------------------------------------------------------------------------------------------------- export


def _cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    if kind in ("csv", "ints"):
        return ", ".join(str(v) for v in value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "lineage":
        return "\n".join(f"{k}: {', '.join(v or [])}".rstrip() for k, v in value.items())
    if kind == "toolmin":
        return "; ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return value


def _plain(number: Any) -> str:
    return str(int(number)) if isinstance(number, float) and number.is_integer() else str(number)


def workbook_rows(raw: dict) -> dict[str, list[dict[str, Any]]]:
    """The edition's data as rows per sheet (column name → value); refuses data the workbook cannot hold."""
    known = {k for k, _ in EDITION_KEYS} | {"sources", "tools", "indicators", "scales", "questions", "oit_items",
                                            "levels", "sampling", "variants"}
    extra = set(raw) - known
    if extra:
        raise ValueError(f"the workbook has no place for {', '.join(sorted(extra))}")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    for key, kind in EDITION_KEYS:
        if key in raw and raw[key] is not None:
            rows["edition"].append({"key": key, "value": _cell(kind, raw[key])})
    rows["sources"] = [{"source": s} for s in raw.get("sources") or []]
    for tool in raw.get("tools") or []:
        rows["tools"].append({k: tool.get(k) for k, _ in SHEETS["tools"]})
        rows["tool_groups"] += [{"tool": tool.get("code"), **g} for g in tool.get("groups") or []]
    for ind in raw.get("indicators") or []:
        rows["indicators"].append({k: ind.get(k) for k, _ in SHEETS["indicators"]})
        for sub in ind.get("sub_indicators") or []:
            rows["sub_indicators"].append({"indicator": ind.get("number"), **sub})
    for name, scale in (raw.get("scales") or {}).items():
        for i, option in enumerate(scale.get("options") or []):
            rows["scales"].append({"scale": name, "name_th": scale.get("name_th") if i == 0 else None, **option})
        if not scale.get("options"):
            rows["scales"].append({"scale": name, "name_th": scale.get("name_th")})
    for q in raw.get("questions") or []:
        rows["questions"].append({k: q.get(k) for k, _ in SHEETS["questions"]})
        rows["sub_items"] += [{"question": q.get("code"), **s} for s in q.get("sub_items") or []]
    for o in raw.get("oit_items") or []:
        scoring = o.get("scoring") or {}
        rows["oit_items"].append({**{k: o.get(k) for k, _ in SHEETS["oit_items"]}, "method": scoring.get("method")})
        rows["oit_elements"] += [{"item": o.get("code"), **e} for e in scoring.get("elements") or []]
    rows["levels"] = [{k: lv.get(k) for k, _ in SHEETS["levels"]} for lv in raw.get("levels") or []]
    for tool, rule in (raw.get("sampling") or {}).items():
        rows["sampling"].append({"tool": tool, **{k: rule.get(k) for k, _ in SHEETS["sampling"] if k != "tool"}})
        rows["sampling_rows"] += [{"tool": tool, "kind": "band", **b} for b in rule.get("bands") or []]
        rows["sampling_rows"] += [{"tool": tool, "kind": "group", **g} for g in rule.get("groups") or []]
    for variant in raw.get("variants") or []:
        rows["variants"].append({k: variant.get(k) for k, _ in SHEETS["variants"]})
        for part, key in (("tool", "tools"), ("sampling", "sampling"), ("question", "questions"),
                          ("oit_item", "oit_items")):
            for target, override in (variant.get(key) or {}).items():
                for field_name, value in (override or {}).items():
                    plain = isinstance(value, str)
                    rows["variant_overrides"].append({
                        "variant": variant.get("code"), "part": part, "target": target, "field": field_name,
                        "value": value if plain else json.dumps(value, ensure_ascii=False),
                        "value_kind": "text" if plain else "json"})
    return rows


def export_workbook(raw: dict) -> bytes:
    """The edition as an .xlsx workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = workbook_rows(raw)
    workbook = Workbook()
    help_sheet = workbook.active
    help_sheet.title = HELP_SHEET
    help_sheet.append(["แผ่นงาน (sheet)", "คำอธิบาย"])
    help_sheet.append(["", "ไฟล์นี้คือกรอบการประเมินหนึ่งฉบับ แก้ไขแล้วนำเข้าที่หน้า “กรอบการประเมิน” หรือด้วยคำสั่ง "
                           "prongsai frameworks import ไฟล์.xlsx ระบบจะตรวจทุกแผ่นงานและแจ้งปัญหาทุกจุดพร้อมแถวและคอลัมน์"])
    for name, text in SHEET_HELP.items():
        help_sheet.append([name, text])
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["B"].width = 120
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF7")
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        for index, (column, _kind) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column)
            cell.font, cell.fill = bold, fill
            if index == 1:
                cell.comment = Comment(SHEET_HELP[name], "Prongsai")
        kinds = dict(columns)
        for r, row in enumerate(rows[name], start=2):
            for index, (column, _kind) in enumerate(columns, start=1):
                value = row.get(column)
                kind = kinds[column]
                if name == "edition" and column == "value":
                    kind = "text"
                value = _cell(kind, value)
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=index, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if "\n" in value or len(value) > 60:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, (column, kind) in enumerate(columns, start=1):
            wide = column in ("text", "requirement", "source", "caveat", "note", "notes", "value", "title",
                              "name_th", "respondents_th", "keywords", "previous_codes")
            sheet.column_dimensions[get_column_letter(index)].width = 60 if wide else 16
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------- import


@dataclass
class _Reading:
    name: str
    problems: list[EditionProblem] = field(default_factory=list)
    locations: dict[str, Located] = field(default_factory=dict)

    def fail(self, where: Located, en: str, th: str) -> None:
        self.problems.append(EditionProblem(where, "", en, th))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _parse(kind: str, text: str) -> Any:
    """A cell's text as the column's kind; raises ValueError with a Thai-friendly reason."""
    if kind in ("text",):
        return text
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "csv":
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "ints":
        try:
            return [int(part) for part in re.split(r"[,\s]+", text) if part]
        except ValueError:
            raise ValueError("a comma-separated list of whole numbers|รายการจำนวนเต็มคั่นด้วยจุลภาค") from None
    if kind == "int":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("a whole number|จำนวนเต็ม") from None
        if number != number.to_integral_value():
            raise ValueError("a whole number|จำนวนเต็ม")
        return int(number)
    if kind == "num":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("a number|ตัวเลข") from None
        if not number.is_finite():
            raise ValueError("a number|ตัวเลข")
        return int(number) if number == number.to_integral_value() and "." not in text and "e" not in text.lower() \
            else float(text)
    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1", "ใช่", "จริง"):
            return True
        if lowered in ("false", "no", "0", "ไม่ใช่", "ไม่", "เท็จ"):
            return False
        raise ValueError("true or false|true หรือ false")
    if kind == "lineage":
        result: dict[str, list[str]] = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            edition, sep, codes = line.partition(":")
            if not sep or not edition.strip():
                raise ValueError("one line per edition such as 'ita-2566: O1, O3'"
                                 "|หนึ่งบรรทัดต่อกรอบ เช่น “ita-2566: O1, O3”")
            result[edition.strip()] = [c.strip() for c in codes.split(",") if c.strip()]
        return result
    if kind == "toolmin":
        result_min: dict[str, Any] = {}
        for part in text.split(";"):
            if not part.strip():
                continue
            tool, sep, value = part.partition("=")
            if not sep:
                raise ValueError("tool=score pairs such as 'IIT=85; EIT=85'|คู่ เครื่องมือ=คะแนน เช่น “IIT=85; EIT=85”")
            result_min[tool.strip()] = _parse("num", value.strip())
        return result_min
    raise AssertionError(kind)


def _records(reading: _Reading, sheets: dict[str, list[list[str]]], name: str) -> list[tuple[int, dict[str, Any]]]:
    """A sheet's data rows as (row number, column → parsed value), empty cells left out; problems recorded."""
    rows = sheets.get(name)
    if rows is None:
        return []
    columns = SHEETS[name]
    kinds = dict(columns)
    header = [h.strip() for h in (rows[0] if rows else [])]
    index = {}
    for i, title in enumerate(header):
        if not title:
            continue
        if title not in kinds:
            reading.fail(Located(name, 1, title, _letter(i)), f"unknown column (known: {', '.join(kinds)})",
                         f"ไม่รู้จักคอลัมน์นี้ (ที่ใช้ได้: {', '.join(kinds)})")
        elif title in index:
            reading.fail(Located(name, 1, title, _letter(i)), "this column appears twice", "คอลัมน์นี้ซ้ำกัน")
        else:
            index[title] = i
    result = []
    for offset, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record: dict[str, Any] = {}
        for column, i in index.items():
            text = cells[i].strip() if i < len(cells) else ""
            if text == "":
                continue
            where = Located(name, offset, column, _letter(i))
            kind = kinds[column]
            try:
                record[column] = _parse(kind, text)
            except ValueError as exc:
                en, _, th = str(exc).partition("|")
                reading.fail(where, f"'{text[:40]}' is not {en}", f"'{text[:40]}' ไม่ใช่{th}")
                record.setdefault("__bad", []).append(column)
                continue
            reading.locations[f"@{name}:{offset}:{column}"] = where
        record["__row"] = offset
        result.append((offset, record))
    return result


def _put(reading: _Reading, path: str, sheet: str, row: int, column: str = "") -> None:
    letter = ""
    if column:
        letter = next((_letter(i) for i, (c, _k) in enumerate(SHEETS[sheet]) if c == column), "")
    reading.locations[path] = Located(sheet, row, column, letter)


def _fields(reading: _Reading, record: dict, path: str, sheet: str, skip: tuple[str, ...] = ()) -> dict:
    """The record's values as a mapping (schema order), each located for error messages."""
    out = {}
    for column, _kind in SHEETS[sheet]:
        if column in record and column not in skip:
            out[column] = record[column]
            _put(reading, f"{path}.{column}", sheet, record["__row"], column)
    for column in record.get("__bad", ()):
        # a cell left out because it did not fit its column: the validator's "required" there is an echo
        _put(reading, f"{path}.{column}", sheet, record["__row"], column)
    _put(reading, path, sheet, record["__row"])
    return out


def read_workbook(name: str, data: bytes) -> tuple[dict, Callable[[str], Located]]:
    """Edition data from a workbook, with a function locating a data path in the workbook.

    Raises ``EditionImportError`` when the workbook cannot be read or a cell does not fit its column; the data
    itself is validated by the caller (``prongsai.core.edition_io``), whose problems the locator places."""
    raw, locate, problems = read_workbook_lenient(name, data)
    if problems:
        raise EditionImportError(name, problems)
    return raw, locate


def read_workbook_lenient(name: str, data: bytes) -> tuple[dict, Callable[[str], Located], list[EditionProblem]]:
    """As ``read_workbook``, but a cell that does not fit its column is left out and reported instead of
    stopping, so that the caller can validate the rest and list every problem at once.  A workbook that cannot
    be read at all still raises."""
    if len(data) > MAX_BYTES:
        raise EditionImportError(name, [EditionProblem(Located(), "", f"larger than {MAX_BYTES // 1024 // 1024} MB",
                                                       f"ไฟล์ใหญ่เกิน {MAX_BYTES // 1024 // 1024} MB")])
    try:
        sheets = read_xlsx_sheets(name, name=name, data=data)
    except InputError as exc:
        raise EditionImportError(name, [EditionProblem(Located(), "", p.en, p.th) for p in exc.problems]) from None
    reading = _Reading(name)
    missing = [s for s in ("edition", "tools", "indicators", "oit_items", "levels") if s not in sheets]
    for sheet in missing:
        reading.fail(Located(sheet), "the sheet is missing", "ไม่พบแผ่นงานนี้")
    for sheet in sheets:
        if sheet not in SHEETS and sheet != HELP_SHEET:
            reading.fail(Located(sheet), f"unknown sheet (known: {', '.join(SHEETS)})",
                         f"ไม่รู้จักแผ่นงานนี้ (ที่ใช้ได้: {', '.join(SHEETS)})")
    records = {name_: _records(reading, sheets, name_) for name_ in SHEETS}
    raw = _assemble(reading, records)
    return raw, _locator(reading.locations), reading.problems


def _assemble(reading: _Reading, records: dict[str, list[tuple[int, dict]]]) -> dict:
    raw: dict[str, Any] = {}
    kinds = dict(EDITION_KEYS)
    for row, record in records["edition"]:
        key = record.get("key", "")
        if key not in kinds:
            reading.fail(Located("edition", row, "key", "A"), f"unknown key '{key}' (known: {', '.join(kinds)})",
                         f"ไม่รู้จักคีย์ '{key}' (ที่ใช้ได้: {', '.join(kinds)})")
            continue
        if "value" not in record:
            continue
        try:
            raw[key] = _parse(kinds[key], str(record["value"]))
        except ValueError as exc:
            en, _, th = str(exc).partition("|")
            reading.fail(Located("edition", row, "value", "B"), f"not {en}", f"ไม่ใช่{th}")
            continue
        _put(reading, key, "edition", row, "value")
    sources = [r["source"] for _row, r in records["sources"] if "source" in r]
    if sources:
        raw["sources"] = sources
    groups: dict[str, list] = {}
    for _row, r in records["tool_groups"]:
        groups.setdefault(r.get("tool", ""), []).append((r, {k: r[k] for k in ("code", "name_th") if k in r}))
    raw["tools"] = []
    for i, (_row, r) in enumerate(records["tools"]):
        tool = _fields(reading, r, f"tools[{i}]", "tools")
        own = groups.pop(r.get("code", ""), [])
        if own:
            tool["groups"] = []
            for j, (gr, group) in enumerate(own):
                _fields(reading, gr, f"tools[{i}].groups[{j}]", "tool_groups", skip=("tool",))
                tool["groups"].append(group)
        raw["tools"].append(tool)
    _orphans(reading, "tool_groups", "tool", groups, "tool")
    subs: dict[int, list] = {}
    for _row, r in records["sub_indicators"]:
        subs.setdefault(r.get("indicator"), []).append(r)
    raw["indicators"] = []
    for i, (_row, r) in enumerate(records["indicators"]):
        ind = _fields(reading, r, f"indicators[{i}]", "indicators")
        own = subs.pop(r.get("number"), [])
        if own:
            ind["sub_indicators"] = [_fields(reading, s, f"indicators[{i}].sub_indicators[{j}]", "sub_indicators",
                                             skip=("indicator",)) for j, s in enumerate(own)]
        raw["indicators"].append(ind)
    _orphans(reading, "sub_indicators", "indicator", subs, "indicator")
    if records["scales"]:
        raw["scales"] = {}
        for _row, r in records["scales"]:
            scale = raw["scales"].setdefault(r.get("scale", ""), {})
            name = r.get("scale", "")
            if "name_th" in r:
                scale["name_th"] = r["name_th"]
                _put(reading, f"scales.{name}.name_th", "scales", r["__row"], "name_th")
            if "label" in r or "score" in r:
                options = scale.setdefault("options", [])
                path = f"scales.{name}.options[{len(options)}]"
                options.append(_fields(reading, r, path, "scales", skip=("scale", "name_th")))
            _put(reading, f"scales.{name}", "scales", r["__row"])
    subs_by_q: dict[str, list] = {}
    for _row, r in records["sub_items"]:
        subs_by_q.setdefault(r.get("question", ""), []).append(r)
    if records["questions"]:
        raw["questions"] = []
        for i, (_row, r) in enumerate(records["questions"]):
            question = _fields(reading, r, f"questions[{i}]", "questions")
            own = subs_by_q.pop(r.get("code", ""), [])
            if own:
                question["sub_items"] = [_fields(reading, s, f"questions[{i}].sub_items[{j}]", "sub_items",
                                                 skip=("question",)) for j, s in enumerate(own)]
            raw["questions"].append(question)
    _orphans(reading, "sub_items", "question", subs_by_q, "question")
    elements: dict[str, list] = {}
    for _row, r in records["oit_elements"]:
        elements.setdefault(r.get("item", ""), []).append(r)
    if records["oit_items"]:
        raw["oit_items"] = []
        for i, (_row, r) in enumerate(records["oit_items"]):
            item = _fields(reading, r, f"oit_items[{i}]", "oit_items", skip=("method",))
            scoring: dict[str, Any] = {}
            if "method" in r:
                scoring["method"] = r["method"]
                _put(reading, f"oit_items[{i}].scoring.method", "oit_items", r["__row"], "method")
            own = elements.pop(r.get("code", ""), [])
            if own:
                scoring["elements"] = [_fields(reading, e, f"oit_items[{i}].scoring.elements[{j}]", "oit_elements",
                                               skip=("item",)) for j, e in enumerate(own)]
            _put(reading, f"oit_items[{i}].scoring", "oit_items", r["__row"], "method")
            item["scoring"] = scoring
            order = [c for c, _k in SHEETS["oit_items"]]
            item = {k: item[k] for k in sorted(item, key=lambda k: order.index(k) if k in order else
                                               order.index("method"))}
            raw["oit_items"].append(item)
    _orphans(reading, "oit_elements", "item", elements, "item")
    raw["levels"] = [_fields(reading, r, f"levels[{i}]", "levels") for i, (_row, r) in enumerate(records["levels"])]
    _sampling(reading, raw, records)
    _variants(reading, raw, records)
    ordered = {k: raw[k] for k, _ in EDITION_KEYS if k in raw}
    ordered.update({k: v for k, v in raw.items() if k not in ordered})
    return ordered


def _orphans(reading: _Reading, sheet: str, column: str, left: dict, what: str) -> None:
    for key, rows in left.items():
        for entry in rows:
            record = entry[0] if isinstance(entry, tuple) else entry
            letter = next((_letter(i) for i, (c, _k) in enumerate(SHEETS[sheet]) if c == column), "")
            reading.fail(Located(sheet, record["__row"], column, letter), f"no {what} '{key}' in this edition",
                         f"ไม่มี{WHAT_TH[what]} '{key}' ในกรอบนี้")


def _sampling(reading: _Reading, raw: dict, records: dict) -> None:
    rows_by_tool: dict[str, list] = {}
    for _row, r in records["sampling_rows"]:
        rows_by_tool.setdefault(r.get("tool", ""), []).append(r)
    if not records["sampling"]:
        _orphans(reading, "sampling_rows", "tool", rows_by_tool, "tool")
        return
    raw["sampling"] = {}
    for _row, r in records["sampling"]:
        tool = r.get("tool", "")
        path = f"sampling.{tool}"
        rule = _fields(reading, r, path, "sampling", skip=("tool",))
        for entry in rows_by_tool.pop(tool, []):
            kind = entry.get("kind")
            if kind not in ("band", "group"):
                reading.fail(Located("sampling_rows", entry["__row"], "kind", "B"), "kind must be band or group",
                             "kind ต้องเป็น band หรือ group")
                continue
            key = "bands" if kind == "band" else "groups"
            target = rule.setdefault(key, [])
            fields_ = ("up_to", "minimum") if kind == "band" else ("code", "name_th", "minimum")
            value = {k: entry[k] for k in fields_ if k in entry}
            for k in fields_:
                if k in entry:
                    _put(reading, f"{path}.{key}[{len(target)}].{k}", "sampling_rows", entry["__row"], k)
            _put(reading, f"{path}.{key}[{len(target)}]", "sampling_rows", entry["__row"])
            target.append(value)
        order = ["method", "percent", "floor", "cap", "note", "bands", "groups", "group", "confidence", "source",
                 "caveat"]
        raw["sampling"][tool] = {k: rule[k] for k in order if k in rule}
    _orphans(reading, "sampling_rows", "tool", rows_by_tool, "tool")


def _variants(reading: _Reading, raw: dict, records: dict) -> None:
    overrides: dict[str, list] = {}
    for _row, r in records["variant_overrides"]:
        overrides.setdefault(r.get("variant", ""), []).append(r)
    if not records["variants"]:
        _orphans(reading, "variant_overrides", "variant", overrides, "variant")
        return
    raw["variants"] = []
    parts = {"tool": "tools", "sampling": "sampling", "question": "questions", "oit_item": "oit_items"}
    for i, (_row, r) in enumerate(records["variants"]):
        variant = _fields(reading, r, f"variants[{i}]", "variants")
        for o in overrides.pop(r.get("code", ""), []):
            part = parts.get(o.get("part", ""))
            if part is None or "target" not in o or "field" not in o:
                reading.fail(Located("variant_overrides", o["__row"], "part", "B"),
                             "part must be tool, sampling, question or oit_item, with a target and a field",
                             "part ต้องเป็น tool, sampling, question หรือ oit_item และต้องมี target และ field")
                continue
            value: Any = o.get("value", "")
            if o.get("value_kind", "text") == "json":
                try:
                    value = json.loads(value)
                except (TypeError, ValueError):
                    reading.fail(Located("variant_overrides", o["__row"], "value", "E"), "not valid JSON",
                                 "ไม่ใช่ JSON ที่ถูกต้อง")
                    continue
            variant.setdefault(part, {}).setdefault(o["target"], {})[o["field"]] = value
            _put(reading, f"variants[{i}].{part}.{o['target']}.{o['field']}", "variant_overrides", o["__row"], "value")
            _put(reading, f"variants[{i}].{part}.{o['target']}", "variant_overrides", o["__row"], "target")
        order = [c for c, _k in SHEETS["variants"]] + ["tools", "sampling", "questions", "oit_items"]
        raw["variants"].append({k: variant[k] for k in order if k in variant})
    _orphans(reading, "variant_overrides", "variant", overrides, "variant")


def _locator(locations: dict[str, Located]) -> Callable[[str], Located]:
    def locate(path: str) -> Located:
        path = re.sub(r"^variants\[(\d+)\] \([^)]*\): .*", r"variants[\1]", path)
        probe = path
        while probe:
            if probe in locations:
                return locations[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        sheet = re.match(r"[a-z_]+", path)
        first = sheet.group(0) if sheet else ""
        guess = {"oit_items": "oit_items", "questions": "questions", "tools": "tools", "indicators": "indicators",
                 "levels": "levels", "sampling": "sampling", "scales": "scales", "variants": "variants"}
        return Located(guess.get(first, "edition"))

    return locate
