"""An edition as an XLSX workbook, one sheet per part, and back: the central admin's way to author an edition.

``export_workbook(raw)`` writes any edition's data (built in or uploaded) as a workbook a person can edit in Excel
or Google Sheets; ``edition_xlsx_read.read_workbook(name, data)`` reads such a workbook back into edition
data, recording where every value came from (sheet, row, column) so that a problem found by the validator is
reported in the admin's terms ("แผ่นงาน oit_items แถวที่ 7 คอลัมน์ title (G)") rather than as a data path.  The round trip
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
from dataclasses import dataclass
from typing import Any

# A column: (name, kind) — kind is text | lines | csv | int | num | bool | ints | lineage | toolmin | json
Column = tuple[str, str]

EDITION_KEYS: list[Column] = [
    ("id", "text"),
    ("name_th", "text"),
    ("name_en", "text"),
    ("fiscal_years", "ints"),
    ("default_for_years", "ints"),
    ("agency_types", "csv"),
    ("previous", "text"),
    ("aggregation", "text"),
    ("pass_target", "num"),
    ("option_scores", "text"),
    ("rounding", "text"),
    ("confidence", "text"),
    ("caveat", "text"),
    ("notes", "text"),
]
SHEETS: dict[str, list[Column]] = {
    "edition": [("key", "text"), ("value", "text")],
    "sources": [("source", "text")],
    "tools": [
        ("code", "text"),
        ("kind", "text"),
        ("name_th", "text"),
        ("name_en", "text"),
        ("weight", "num"),
        ("respondents_th", "text"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
    ],
    "tool_groups": [("tool", "text"), ("code", "text"), ("name_th", "text")],
    "indicators": [("number", "int"), ("name_th", "text"), ("name_en", "text"), ("tool", "text"), ("weight", "num")],
    "sub_indicators": [
        ("indicator", "int"),
        ("code", "text"),
        ("name_th", "text"),
        ("groups", "lines"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
    ],
    "scales": [("scale", "text"), ("name_th", "text"), ("label", "text"), ("score", "num")],
    "questions": [
        ("code", "text"),
        ("indicator", "int"),
        ("text", "text"),
        ("scale", "text"),
        ("reverse", "bool"),
        ("note", "text"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
    ],
    "sub_items": [
        ("question", "text"),
        ("code", "text"),
        ("text", "text"),
        ("reverse", "bool"),
        ("scale", "text"),
        ("note", "text"),
    ],
    "oit_items": [
        ("code", "text"),
        ("display_code", "text"),
        ("key", "text"),
        ("indicator", "int"),
        ("sub_indicator", "text"),
        ("group", "text"),
        ("title", "text"),
        ("title_known", "bool"),
        ("requirement", "text"),
        ("time_window", "text"),
        ("data_window", "text"),
        ("keywords", "lines"),
        ("method", "text"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
        ("previous_codes", "lineage"),
    ],
    "oit_elements": [("item", "text"), ("code", "text"), ("text", "text"), ("weight", "num")],
    "levels": [
        ("label", "text"),
        ("label_en", "text"),
        ("min", "num"),
        ("tool_min", "toolmin"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
    ],
    "sampling": [
        ("tool", "text"),
        ("method", "text"),
        ("percent", "num"),
        ("floor", "int"),
        ("cap", "int"),
        ("group", "text"),
        ("note", "text"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
    ],
    "sampling_rows": [
        ("tool", "text"),
        ("kind", "text"),
        ("code", "text"),
        ("name_th", "text"),
        ("up_to", "int"),
        ("minimum", "int"),
    ],
    "variants": [
        ("code", "text"),
        ("name_th", "text"),
        ("agency_types", "csv"),
        ("confidence", "text"),
        ("source", "text"),
        ("caveat", "text"),
    ],
    "variant_overrides": [
        ("variant", "text"),
        ("part", "text"),
        ("target", "text"),
        ("field", "text"),
        ("value", "text"),
        ("value_kind", "text"),
    ],
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
WHAT_TH = {"tool": "เครื่องมือ", "indicator": "ตัวชี้วัด", "question": "ข้อคำถาม", "item": "ข้อ OIT", "variant": "รูปแบบย่อย"}


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
    "id",
    "name_th",
    "name_en",
    "fiscal_years",
    "default_for_years",
    "agency_types",
    "previous",
    "aggregation",
    "pass_target",
    "option_scores",
    "rounding",
    "sources",
    "notes",
    "tools",
    "indicators",
    "scales",
    "questions",
    "oit_items",
    "levels",
    "sampling",
    "variants",
    "code",
    "display_code",
    "key",
    "number",
    "kind",
    "label",
    "label_en",
    "indicator",
    "sub_indicator",
    "group",
    "tool",
    "text",
    "title",
    "title_known",
    "scale",
    "reverse",
    "note",
    "requirement",
    "time_window",
    "data_window",
    "keywords",
    "weight",
    "respondents_th",
    "min",
    "tool_min",
    "method",
    "percent",
    "floor",
    "cap",
    "up_to",
    "minimum",
    "bands",
    "groups",
    "sub_indicators",
    "options",
    "score",
    "sub_items",
    "scoring",
    "elements",
    "applicable",
    "previous_codes",
    "confidence",
    "source",
    "caveat",
]
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
    known = {k for k, _ in EDITION_KEYS} | {
        "sources",
        "tools",
        "indicators",
        "scales",
        "questions",
        "oit_items",
        "levels",
        "sampling",
        "variants",
    }
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
        for part, key in (
            ("tool", "tools"),
            ("sampling", "sampling"),
            ("question", "questions"),
            ("oit_item", "oit_items"),
        ):
            for target, override in (variant.get(key) or {}).items():
                for field_name, value in (override or {}).items():
                    plain = isinstance(value, str)
                    rows["variant_overrides"].append(
                        {
                            "variant": variant.get("code"),
                            "part": part,
                            "target": target,
                            "field": field_name,
                            "value": value if plain else json.dumps(value, ensure_ascii=False),
                            "value_kind": "text" if plain else "json",
                        }
                    )
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
    assert help_sheet is not None  # a new workbook has its one sheet
    help_sheet.title = HELP_SHEET
    help_sheet.append(["แผ่นงาน (sheet)", "คำอธิบาย"])
    help_sheet.append(
        [
            "",
            "ไฟล์นี้คือกรอบการประเมินหนึ่งฉบับ แก้ไขแล้วนำเข้าที่หน้า “กรอบการประเมิน” หรือด้วยคำสั่ง "
            "prongsai frameworks import ไฟล์.xlsx ระบบจะตรวจทุกแผ่นงานและแจ้งปัญหาทุกจุดพร้อมแถวและคอลัมน์",
        ]
    )
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
        for index, (column, _kind) in enumerate(columns, start=1):
            wide = column in (
                "text",
                "requirement",
                "source",
                "caveat",
                "note",
                "notes",
                "value",
                "title",
                "name_th",
                "respondents_th",
                "keywords",
                "previous_codes",
            )
            sheet.column_dimensions[get_column_letter(index)].width = 60 if wide else 16
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
