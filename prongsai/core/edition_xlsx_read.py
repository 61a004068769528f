"""Reading an edition workbook back into edition data (the layout and the writing are in ``edition_xlsx``).

Every value is recorded with where it came from (sheet, row, column), so that the validator's problems are
reported in the admin's terms; a cell that does not fit its column is reported and left out, and the rest is
still read, so that one upload lists every problem at once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from prongsai.core.edition_xlsx import (
    EDITION_KEYS,
    HELP_SHEET,
    MAX_BYTES,
    SHEETS,
    WHAT_TH,
    EditionImportError,
    EditionProblem,
    Located,
)
from prongsai.core.tabular import InputError, read_xlsx_sheets


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
        return (
            int(number)
            if number == number.to_integral_value() and "." not in text and "e" not in text.lower()
            else float(text)
        )
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
                raise ValueError(
                    "one line per edition such as 'ita-2566: O1, O3'|หนึ่งบรรทัดต่อกรอบ เช่น “ita-2566: O1, O3”"
                )
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
            reading.fail(
                Located(name, 1, title, _letter(i)),
                f"unknown column (known: {', '.join(kinds)})",
                f"ไม่รู้จักคอลัมน์นี้ (ที่ใช้ได้: {', '.join(kinds)})",
            )
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
        raise EditionImportError(
            name,
            [
                EditionProblem(
                    Located(),
                    "",
                    f"larger than {MAX_BYTES // 1024 // 1024} MB",
                    f"ไฟล์ใหญ่เกิน {MAX_BYTES // 1024 // 1024} MB",
                )
            ],
        )
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
            reading.fail(
                Located(sheet),
                f"unknown sheet (known: {', '.join(SHEETS)})",
                f"ไม่รู้จักแผ่นงานนี้ (ที่ใช้ได้: {', '.join(SHEETS)})",
            )
    records = {name_: _records(reading, sheets, name_) for name_ in SHEETS}
    raw = _assemble(reading, records)
    return raw, _locator(reading.locations), reading.problems


def _assemble(reading: _Reading, records: dict[str, list[tuple[int, dict]]]) -> dict:
    raw: dict[str, Any] = {}
    kinds = dict(EDITION_KEYS)
    for row, record in records["edition"]:
        key = record.get("key", "")
        if key not in kinds:
            reading.fail(
                Located("edition", row, "key", "A"),
                f"unknown key '{key}' (known: {', '.join(kinds)})",
                f"ไม่รู้จักคีย์ '{key}' (ที่ใช้ได้: {', '.join(kinds)})",
            )
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
    subs: dict[Any, list] = {}  # by indicator number, as the sheet gives it (possibly blank)
    for _row, r in records["sub_indicators"]:
        subs.setdefault(r.get("indicator"), []).append(r)
    raw["indicators"] = []
    for i, (_row, r) in enumerate(records["indicators"]):
        ind = _fields(reading, r, f"indicators[{i}]", "indicators")
        own = subs.pop(r.get("number"), [])
        if own:
            ind["sub_indicators"] = [
                _fields(reading, s, f"indicators[{i}].sub_indicators[{j}]", "sub_indicators", skip=("indicator",))
                for j, s in enumerate(own)
            ]
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
                question["sub_items"] = [
                    _fields(reading, s, f"questions[{i}].sub_items[{j}]", "sub_items", skip=("question",))
                    for j, s in enumerate(own)
                ]
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
                scoring["elements"] = [
                    _fields(reading, e, f"oit_items[{i}].scoring.elements[{j}]", "oit_elements", skip=("item",))
                    for j, e in enumerate(own)
                ]
            _put(reading, f"oit_items[{i}].scoring", "oit_items", r["__row"], "method")
            item["scoring"] = scoring
            order = [c for c, _k in SHEETS["oit_items"]]
            item = {
                k: item[k] for k in sorted(item, key=lambda k: order.index(k) if k in order else order.index("method"))
            }
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
            reading.fail(
                Located(sheet, record["__row"], column, letter),
                f"no {what} '{key}' in this edition",
                f"ไม่มี{WHAT_TH[what]} '{key}' ในกรอบนี้",
            )


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
                reading.fail(
                    Located("sampling_rows", entry["__row"], "kind", "B"),
                    "kind must be band or group",
                    "kind ต้องเป็น band หรือ group",
                )
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
        order = [
            "method",
            "percent",
            "floor",
            "cap",
            "note",
            "bands",
            "groups",
            "group",
            "confidence",
            "source",
            "caveat",
        ]
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
                reading.fail(
                    Located("variant_overrides", o["__row"], "part", "B"),
                    "part must be tool, sampling, question or oit_item, with a target and a field",
                    "part ต้องเป็น tool, sampling, question หรือ oit_item และต้องมี target และ field",
                )
                continue
            value: Any = o.get("value", "")
            if o.get("value_kind", "text") == "json":
                try:
                    value = json.loads(value)
                except (TypeError, ValueError):
                    reading.fail(
                        Located("variant_overrides", o["__row"], "value", "E"), "not valid JSON", "ไม่ใช่ JSON ที่ถูกต้อง"
                    )
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
        guess = {
            "oit_items": "oit_items",
            "questions": "questions",
            "tools": "tools",
            "indicators": "indicators",
            "levels": "levels",
            "sampling": "sampling",
            "scales": "scales",
            "variants": "variants",
        }
        return Located(guess.get(first, "edition"))

    return locate
