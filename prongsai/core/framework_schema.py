"""Validation of edition data: walks the raw data (from YAML or a workbook) and builds ``framework.py``'s classes.

Every problem is recorded with its path inside the data (``questions[4].sub_items[1].scale``), in English and in
Thai, instead of stopping at the first, so a central admin editing an edition sees everything to fix in one go.
The parts of an edition that came later (sampling methods, variants, parameters) are checked in
``framework_schema_parts``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, overload

from prongsai.core.framework_model import (
    AGENCY_TYPES,
    AGGREGATIONS,
    CONFIDENCE,
    DATA_WINDOWS,
    LEGACY_CONFIDENCE,
    OPTION_SCORES,
    ROUNDING,
    SCORING_METHODS,
    AnswerField,
    Element,
    Framework,
    Indicator,
    Level,
    OITItem,
    Option,
    Question,
    RespondentGroup,
    Scale,
    SubIndicator,
    Tool,
    split_key,
)

#: the keys each kind of mapping may hold; anything else is a typo (``reverese``) and is refused
KEYS = {
    "framework": {
        "id",
        "name_th",
        "name_en",
        "fiscal_years",
        "default_for_years",
        "agency_types",
        "previous",
        "aggregation",
        "pass_target",
        "sources",
        "notes",
        "tools",
        "indicators",
        "scales",
        "questions",
        "oit_items",
        "levels",
        "sampling",
        "option_scores",
        "rounding",
        "confidence",
        "caveat",
        "variants",
    },
    "tool": {
        "code",
        "kind",
        "name_th",
        "name_en",
        "weight",
        "respondents_th",
        "groups",
        "confidence",
        "source",
        "caveat",
    },
    "group": {"code", "name_th"},
    "indicator": {"number", "name_th", "name_en", "tool", "weight", "sub_indicators"},
    "sub_indicator": {"code", "name_th", "groups", "confidence", "source", "caveat"},
    "scale": {"name_th", "options"},
    "option": {"label", "score"},
    "question": {
        "code",
        "indicator",
        "text",
        "scale",
        "reverse",
        "note",
        "confidence",
        "source",
        "sub_items",
        "caveat",
    },
    "sub_item": {"code", "text", "reverse", "scale", "note"},
    "oit_item": {
        "code",
        "display_code",
        "key",
        "indicator",
        "sub_indicator",
        "group",
        "title",
        "title_known",
        "requirement",
        "time_window",
        "data_window",
        "keywords",
        "scoring",
        "confidence",
        "source",
        "caveat",
        "previous_codes",
    },
    "scoring": {"method", "elements"},
    "element": {"code", "text", "weight"},
    "level": {"label", "label_en", "min", "tool_min", "confidence", "source", "caveat"},
}

TYPE_TH = {
    "str": "ข้อความ",
    "int": "จำนวนเต็ม",
    "float": "ตัวเลข",
    "list": "รายการ",
    "dict": "ชุดข้อมูลแบบคีย์-ค่า",
    "bool": "ค่า true/false",
    "NoneType": "ค่าว่าง",
}
WHAT_TH = {
    "tool": "เครื่องมือ",
    "indicator": "ตัวชี้วัด",
    "question or sub-item code": "ข้อคำถามหรือข้อย่อย",
    "OIT item": "ข้อ OIT",
    "element": "องค์ประกอบ",
    "display code": "รหัสที่แสดง",
    "variant": "รูปแบบย่อย",
    "agency group": "กลุ่มหน่วยงาน",
    "sub-indicator": "ตัวชี้วัดย่อย",
    "group": "กลุ่มผู้ตอบ",
}


def _th_type(kind: type) -> str:
    return TYPE_TH.get(kind.__name__, kind.__name__)


class Reader:
    """Walks the raw data, converting it and recording every problem with its path instead of stopping."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[tuple[str, str]] = []
        self.problems_th: list[tuple[str, str]] = []

    def fail(self, path: str, message: str, message_th: str | None = None) -> None:
        self.problems.append((path, message))
        self.problems_th.append((path, message_th or message))

    def known(self, obj: Any, path: str, kind: str, keys: set[str] | None = None) -> None:
        allowed = keys if keys is not None else KEYS[kind]
        if isinstance(obj, dict):
            for key in sorted(set(obj) - allowed, key=str):
                listed = ", ".join(sorted(allowed))
                self.fail(
                    f"{path}.{key}" if path else str(key),
                    f"unknown key (allowed: {listed})",
                    f"ไม่รู้จักคีย์นี้ (ที่ใช้ได้: {listed})",
                )

    def get(self, obj: Any, key: str, path: str, kind: type | tuple, required: bool = True, default: Any = None) -> Any:
        if not isinstance(obj, dict):
            self.fail(path, "expected a mapping", "ต้องเป็นชุดข้อมูลแบบคีย์-ค่า")
            return default
        where = f"{path}.{key}" if path else key
        if key not in obj or obj[key] is None:
            if required:
                self.fail(where, "required", "ต้องระบุ")
            return default
        value = obj[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = "/".join(k.__name__ for k in kinds)
            names_th = " หรือ ".join(_th_type(k) for k in kinds)
            self.fail(
                where, f"expected {names}, got {type(value).__name__}", f"ต้องเป็น{names_th} แต่พบ{_th_type(type(value))}"
            )
            return default
        return value

    def text(self, obj: Any, key: str, path: str, required: bool = False) -> str:
        return self.get(obj, key, path, str, required=required, default="") or ""

    @overload
    def number(
        self,
        obj: Any,
        key: str,
        path: str,
        required: bool = True,
        *,
        default: Decimal,
        lo: float = 0,
        hi: float = 100,
        places: int | None = None,
    ) -> Decimal: ...
    @overload
    def number(
        self,
        obj: Any,
        key: str,
        path: str,
        required: bool = True,
        default: None = None,
        lo: float = 0,
        hi: float = 100,
        places: int | None = None,
    ) -> Decimal | None: ...
    def number(
        self,
        obj: Any,
        key: str,
        path: str,
        required: bool = True,
        default: Decimal | None = None,
        lo: float = 0,
        hi: float = 100,
        places: int | None = None,
    ) -> Decimal | None:
        value = self.get(obj, key, path, (int, float, str), required)
        where = f"{path}.{key}" if path else key
        if value is None:
            return default
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"not a number: {value!r}", f"ไม่ใช่ตัวเลข: {value!r}")
            return default
        if not number.is_finite():
            self.fail(where, f"not a number: {value!r}", f"ไม่ใช่ตัวเลข: {value!r}")
            return default
        if not (lo <= number <= hi):
            self.fail(where, f"{number} is outside {lo}–{hi}", f"{number} อยู่นอกช่วง {lo}–{hi}")
        if places is not None and number.as_tuple().exponent < -places:  # type: ignore[operator]  # finite: an int
            self.fail(where, f"{number} has more than {places} decimal places", f"{number} มีทศนิยมเกิน {places} ตำแหน่ง")
        return number

    def integer(
        self, obj: Any, key: str, path: str, required: bool = True, default: int | None = None, lo: int = 0
    ) -> int | None:
        value = self.get(obj, key, path, int, required, default)
        if isinstance(value, int) and value < lo:
            where = f"{path}.{key}" if path else key
            self.fail(where, f"{value} is below {lo}", f"{value} ต่ำกว่า {lo}")
        return value

    def items(self, obj: Any, key: str, path: str, required: bool = True) -> Iterable[tuple[str, Any]]:
        values = self.get(obj, key, path, list, required, default=[])
        for i, value in enumerate(values or []):
            yield f"{path}.{key}[{i}]" if path else f"{key}[{i}]", value

    def choice(
        self, obj: Any, key: str, path: str, allowed: tuple[str, ...], default: str | None, required: bool = False
    ) -> str | None:
        value = self.get(obj, key, path, str, required=required, default=default)
        if value is not None and value not in allowed:
            where = f"{path}.{key}" if path else key
            listed = ", ".join(allowed)
            self.fail(where, f"'{value}' is not one of {listed}", f"'{value}' ไม่ใช่ค่าที่ใช้ได้ ({listed})")
            return default
        return value

    def confidence(self, obj: Any, path: str, required: bool = True, default: str = "provisional") -> str:
        value = self.get(obj, "confidence", path, str, required=required, default=default)
        value = LEGACY_CONFIDENCE.get(value, value)
        if value not in CONFIDENCE:
            listed = ", ".join(CONFIDENCE)
            self.fail(
                f"{path}.confidence" if path else "confidence",
                f"'{value}' is not one of {listed}",
                f"'{value}' ไม่ใช่ระดับความมั่นใจที่ใช้ได้ ({listed})",
            )
        return value

    def source(self, obj: Any, path: str, required: bool) -> str:
        value = self.get(obj, "source", path, str, required=required, default="") or ""
        if required and isinstance(obj, dict) and obj.get("source") is not None and not value.strip():
            self.fail(
                f"{path}.source",
                "empty: name an address or a document a person can open",
                "ว่างเปล่า: ระบุที่อยู่เว็บหรือชื่อเอกสารที่ตรวจสอบได้",
            )
        return value

    def unique(self, codes: list[tuple[str, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for path, code in codes:
            if code in seen:
                self.fail(
                    path,
                    f"duplicate {what} '{code}' (first at {seen[code]})",
                    f"{WHAT_TH.get(what, what)} '{code}' ซ้ำ (ครั้งแรกที่ {seen[code]})",
                )
            seen.setdefault(code, path)

    # The edition ---------------------------------------------------------------------------------------
    def framework(self, raw: Any, expected_id: str | None, path: str = "", key: str | None = None) -> Framework | None:
        from prongsai.core import framework_schema_parts as parts

        if not isinstance(raw, dict):
            self.fail("", "the edition must be a mapping (key: value)", "เนื้อหาต้องเป็นชุดข้อมูลแบบคีย์-ค่า")
            return None
        self.known(raw, "", "framework")
        fid = self.get(raw, "id", "", str, default=expected_id or "?")
        if expected_id is not None and fid != expected_id:
            self.fail(
                "id",
                f"'{fid}' does not match the file name '{expected_id}.yaml'",
                f"รหัส '{fid}' ไม่ตรงกับชื่อไฟล์ '{expected_id}.yaml'",
            )
        if isinstance(fid, str) and ("@" in fid or not fid.strip() or "/" in fid):
            self.fail(
                "id",
                f"'{fid}' is not a valid id (letters, digits and dashes, no '@' or '/')",
                f"รหัส '{fid}' ใช้ไม่ได้ (ใช้ตัวอักษร ตัวเลข และขีด ห้ามมี '@' หรือ '/')",
            )
        years = tuple(self.get(raw, "fiscal_years", "", list, default=[]))
        if not years or not all(isinstance(y, int) and not isinstance(y, bool) and 2500 <= y <= 2700 for y in years):
            self.fail(
                "fiscal_years",
                "expected a list of Buddhist-Era years such as [2563]",
                "ต้องเป็นรายการปีงบประมาณ พ.ศ. เช่น [2563]",
            )
        defaults = tuple(self.get(raw, "default_for_years", "", list, required=False, default=[]))
        for y in defaults:
            if y not in years:
                self.fail("default_for_years", f"{y} is not one of fiscal_years", f"{y} ไม่อยู่ใน fiscal_years")
        agency_types = tuple(self.get(raw, "agency_types", "", list, default=[]))
        for t in agency_types:
            if t not in AGENCY_TYPES:
                self.fail(
                    "agency_types",
                    f"'{t}' is not one of {', '.join(AGENCY_TYPES)}",
                    f"'{t}' ไม่ใช่ประเภทหน่วยงานที่ใช้ได้ ({', '.join(AGENCY_TYPES)})",
                )
        aggregation = self.choice(raw, "aggregation", "", AGGREGATIONS, "item_mean")
        option_scores = self.choice(raw, "option_scores", "", OPTION_SCORES, "two_decimals")
        rounding = self.choice(raw, "rounding", "", ROUNDING, "half_up")

        scales = parts.scales(self, raw, option_scores or "two_decimals")
        tools = self.tools(raw)
        indicators = self.indicators(raw, {t.code for t in tools})
        questions = self.questions(raw, scales, {i.number: i for i in indicators}, tools)
        oit_items = self.oit_items(raw, {i.number: i for i in indicators}, tools)
        levels = self.levels(raw, {t.code for t in tools})
        sampling = parts.sampling(self, raw, {t.code for t in tools if t.kind == "survey"})
        variants = parts.variants(self, raw)
        base, version = split_key(key) if key else (fid, None)
        return Framework(
            id=key or fid,
            name_th=self.text(raw, "name_th", "", required=True),
            name_en=self.text(raw, "name_en", ""),
            fiscal_years=years,
            default_for_years=defaults,
            agency_types=agency_types,
            previous=self.get(raw, "previous", "", str, required=False),
            aggregation=aggregation or "item_mean",
            pass_target=self.number(raw, "pass_target", "", default=Decimal(85)),
            sources=tuple(str(s) for s in self.get(raw, "sources", "", list, required=False, default=[])),
            notes=self.text(raw, "notes", ""),
            tools=tools,
            indicators=indicators,
            scales=scales,
            questions=questions,
            oit_items=oit_items,
            levels=levels,
            sampling=sampling,
            path=path,
            option_scores=option_scores or "two_decimals",
            rounding=rounding or "half_up",
            confidence=self.confidence(raw, "", required=False, default="corroborated"),
            caveat=self.text(raw, "caveat", ""),
            variants=variants,
            edition_id=base if key else fid,
            version=version,
            raw=raw,
        )

    def tools(self, raw: Any) -> tuple[Tool, ...]:
        tools = []
        for path, spec in self.items(raw, "tools", ""):
            self.known(spec, path, "tool")
            for gpath, group in self.items(spec, "groups", path, required=False):
                self.known(group, gpath, "group")
            kind = self.choice(spec, "kind", path, ("survey", "evidence"), "survey", required=True) or "survey"
            groups = tuple(
                RespondentGroup(
                    code=self.get(g, "code", gp, str, default="?"), name_th=self.text(g, "name_th", gp, required=True)
                )
                for gp, g in self.items(spec, "groups", path, required=False)
            )
            self.unique([(f"{path}.groups[{i}].code", g.code) for i, g in enumerate(groups)], "group")
            tools.append(
                Tool(
                    code=self.get(spec, "code", path, str, default="?"),
                    kind=kind,
                    name_th=self.text(spec, "name_th", path, required=True),
                    name_en=self.text(spec, "name_en", path),
                    weight=Fraction(self.number(spec, "weight", path, default=Decimal(0))),
                    respondents_th=self.text(spec, "respondents_th", path),
                    groups=groups,
                    confidence=self.confidence(spec, path, required=False, default="confirmed"),
                    source=self.source(spec, path, required=False),
                    caveat=self.text(spec, "caveat", path),
                )
            )
        self.unique([(f"tools[{i}].code", t.code) for i, t in enumerate(tools)], "tool")
        if tools and sum(t.weight for t in tools) <= 0:
            self.fail("tools", "the tool weights add up to zero", "น้ำหนักของเครื่องมือรวมกันได้ศูนย์")
        return tuple(tools)

    def indicators(self, raw: Any, tool_codes: set[str]) -> tuple[Indicator, ...]:
        indicators = []
        for path, spec in self.items(raw, "indicators", ""):
            self.known(spec, path, "indicator")
            for spath, sub in self.items(spec, "sub_indicators", path, required=False):
                self.known(sub, spath, "sub_indicator")
            tool = self.get(spec, "tool", path, str, default="?")
            if tool not in tool_codes:
                self.fail(f"{path}.tool", f"unknown tool '{tool}'", f"ไม่มีเครื่องมือ '{tool}'")
            subs = tuple(
                SubIndicator(
                    code=str(self.get(s, "code", sp, (str, int, float), default="?")),
                    name_th=self.text(s, "name_th", sp, required=True),
                    groups=tuple(str(g) for g in self.get(s, "groups", sp, list, required=False, default=[])),
                    confidence=self.confidence(s, sp, required=False, default="confirmed"),
                    source=self.source(s, sp, required=False),
                    caveat=self.text(s, "caveat", sp),
                )
                for sp, s in self.items(spec, "sub_indicators", path, required=False)
            )
            self.unique([(f"{path}.sub_indicators[{i}].code", s.code) for i, s in enumerate(subs)], "sub-indicator")
            stated = self.number(spec, "weight", path, required=False)
            indicators.append(
                Indicator(
                    number=self.get(spec, "number", path, int, default=0),
                    name_th=self.text(spec, "name_th", path, required=True),
                    name_en=self.text(spec, "name_en", path),
                    tool=tool,
                    weight=Fraction(stated) if stated is not None else Fraction(-1),
                    sub_indicators=subs,
                )
            )
        self.unique([(f"indicators[{i}].number", str(x.number)) for i, x in enumerate(indicators)], "indicator")
        # Indicators without an explicit weight share their tool equally; explicit weights are normalised.
        result = []
        for indicator in indicators:
            peers = [i for i in indicators if i.tool == indicator.tool]
            if all(i.weight < 0 for i in peers):
                weight = Fraction(1, len(peers))
            elif any(i.weight < 0 for i in peers):
                self.fail(
                    "indicators",
                    f"tool {indicator.tool}: give every indicator a weight or none",
                    f"เครื่องมือ {indicator.tool}: กำหนดน้ำหนักให้ทุกตัวชี้วัดหรือไม่กำหนดเลย",
                )
                weight = Fraction(1, len(peers))
            elif sum(i.weight for i in peers) <= 0:
                self.fail(
                    "indicators",
                    f"tool {indicator.tool}: the indicator weights add up to zero",
                    f"เครื่องมือ {indicator.tool}: น้ำหนักของตัวชี้วัดรวมกันได้ศูนย์",
                )
                weight = Fraction(1, len(peers))
            else:
                weight = indicator.weight / sum(i.weight for i in peers)
            result.append(
                Indicator(
                    indicator.number,
                    indicator.name_th,
                    indicator.name_en,
                    indicator.tool,
                    weight,
                    indicator.sub_indicators,
                )
            )
        for tool in sorted(tool_codes):
            if not any(i.tool == tool for i in result):
                self.fail("indicators", f"tool {tool} has no indicator", f"เครื่องมือ {tool} ยังไม่มีตัวชี้วัด")
        return tuple(result)

    def questions(
        self, raw: Any, scales: dict[str, Scale], indicators: dict[int, Indicator], tools: tuple[Tool, ...]
    ) -> tuple[Question, ...]:
        survey = {t.code for t in tools if t.kind == "survey"}
        questions, codes = [], []
        missing_scale = Scale("?", "", (Option("?", Fraction(0)), Option("?", Fraction(0))))
        for path, spec in self.items(raw, "questions", "", required=False):
            self.known(spec, path, "question")
            code = self.get(spec, "code", path, str, default="?")
            number = self.get(spec, "indicator", path, int, default=0)
            if number not in indicators or indicators[number].tool not in survey:
                self.fail(
                    f"{path}.indicator",
                    f"{number} is not an indicator of a survey tool",
                    f"{number} ไม่ใช่ตัวชี้วัดของแบบวัด (IIT/EIT)",
                )
            scale_name = self.get(spec, "scale", path, str, default="?")
            if scale_name not in scales:
                self.fail(
                    f"{path}.scale",
                    f"unknown scale '{scale_name}' (known: {', '.join(scales)})",
                    f"ไม่มีมาตรวัด '{scale_name}' (ที่มี: {', '.join(scales)})",
                )
            reverse = self.get(spec, "reverse", path, bool, required=False, default=False)
            text = self.text(spec, "text", path, required=True)
            fields = []
            for spath, sub in self.items(spec, "sub_items", path, required=False):
                self.known(sub, spath, "sub_item")
                sub_scale = self.get(sub, "scale", spath, str, required=False, default=scale_name)
                if sub_scale not in scales and "scale" in sub:  # an inherited unknown scale is reported once
                    self.fail(
                        f"{spath}.scale",
                        f"unknown scale '{sub_scale}' (known: {', '.join(scales)})",
                        f"ไม่มีมาตรวัด '{sub_scale}' (ที่มี: {', '.join(scales)})",
                    )
                sub_code = self.get(sub, "code", spath, str, default="?")
                codes.append((f"{spath}.code", sub_code))
                fields.append(
                    AnswerField(
                        code=sub_code,
                        question=code,
                        indicator=number,
                        text=self.text(sub, "text", spath, required=True),
                        scale=scales.get(sub_scale) or missing_scale,
                        reverse=self.get(sub, "reverse", spath, bool, required=False, default=reverse),
                    )
                )
            if not fields:
                fields.append(
                    AnswerField(
                        code=code,
                        question=code,
                        indicator=number,
                        text=text,
                        scale=scales.get(scale_name) or missing_scale,
                        reverse=reverse,
                    )
                )
            codes.append((f"{path}.code", code))
            questions.append(
                Question(
                    code=code,
                    indicator=number,
                    text=text,
                    scale=scale_name,
                    reverse=reverse,
                    note=self.text(spec, "note", path),
                    confidence=self.confidence(spec, path),
                    source=self.source(spec, path, required=True),
                    fields=tuple(fields),
                    caveat=self.text(spec, "caveat", path),
                )
            )
        self.unique(codes, "question or sub-item code")
        for number, indicator in indicators.items():
            if indicator.tool in survey and not any(q.indicator == number for q in questions):
                self.fail(
                    "questions",
                    f"indicator {number} ({indicator.tool}) has no question",
                    f"ตัวชี้วัดที่ {number} ({indicator.tool}) ยังไม่มีข้อคำถาม",
                )
        return tuple(questions)

    def oit_items(self, raw: Any, indicators: dict[int, Indicator], tools: tuple[Tool, ...]) -> tuple[OITItem, ...]:
        evidence = {t.code for t in tools if t.kind == "evidence"}
        items = []
        for path, spec in self.items(raw, "oit_items", "", required=False):
            self.known(spec, path, "oit_item")
            number = self.get(spec, "indicator", path, int, default=0)
            if number not in indicators or indicators[number].tool not in evidence:
                self.fail(
                    f"{path}.indicator",
                    f"{number} is not an indicator of an evidence tool",
                    f"{number} ไม่ใช่ตัวชี้วัดของแบบตรวจ OIT",
                )
            sub = spec.get("sub_indicator") if isinstance(spec, dict) else None
            sub = None if sub is None else str(sub)
            if (
                sub is not None
                and number in indicators
                and sub not in {s.code for s in indicators[number].sub_indicators}
            ):
                self.fail(
                    f"{path}.sub_indicator",
                    f"'{sub}' is not a sub-indicator of indicator {number}",
                    f"'{sub}' ไม่ใช่ตัวชี้วัดย่อยของตัวชี้วัดที่ {number}",
                )
            method, elements = self.scoring(spec, path)
            lineage = self.get(spec, "previous_codes", path, dict, required=False, default={}) or {}
            for edition, olds in lineage.items():
                if not isinstance(olds, list) or not all(isinstance(c, str) for c in olds):
                    self.fail(
                        f"{path}.previous_codes.{edition}",
                        "expected a list of item codes such as [O1, O3]",
                        "ต้องเป็นรายการรหัสข้อ เช่น [O1, O3]",
                    )
            code = self.get(spec, "code", path, str, default="?")
            items.append(
                OITItem(
                    code=code,
                    indicator=number,
                    sub_indicator=sub,
                    group=self.text(spec, "group", path),
                    title=self.text(spec, "title", path, required=True),
                    title_known=self.get(spec, "title_known", path, bool, required=False, default=True),
                    requirement=self.text(spec, "requirement", path, required=True),
                    time_window=self.text(spec, "time_window", path),
                    keywords=tuple(str(k) for k in self.get(spec, "keywords", path, list, False, []) or []),
                    method=method,
                    elements=elements,
                    confidence=self.confidence(spec, path),
                    source=self.source(spec, path, required=True),
                    previous_codes={str(k): tuple(v or ()) for k, v in lineage.items() if isinstance(v, list)},
                    display_code=self.text(spec, "display_code", path),
                    key=self.text(spec, "key", path),
                    data_window=self.choice(spec, "data_window", path, DATA_WINDOWS, None),
                    caveat=self.text(spec, "caveat", path),
                )
            )
        self.unique([(f"oit_items[{i}].code", o.code) for i, o in enumerate(items)], "OIT item")
        self.unique([(f"oit_items[{i}].display_code", o.shown_code) for i, o in enumerate(items)], "display code")
        for number, indicator in indicators.items():
            if indicator.tool in evidence and not any(o.indicator == number for o in items):
                self.fail(
                    "oit_items",
                    f"indicator {number} ({indicator.tool}) has no OIT item",
                    f"ตัวชี้วัดที่ {number} ({indicator.tool}) ยังไม่มีข้อ OIT",
                )
        return tuple(items)

    def scoring(self, spec: Any, path: str) -> tuple[str, tuple[Element, ...]]:
        scoring = self.get(spec, "scoring", path, dict, default={})
        self.known(scoring, f"{path}.scoring", "scoring")
        for epath, element in self.items(scoring, "elements", f"{path}.scoring", required=False):
            self.known(element, epath, "element")
        method = self.choice(scoring, "method", f"{path}.scoring", SCORING_METHODS, "pass_fail", required=True)
        elements = tuple(
            Element(
                code=str(self.get(e, "code", ep, (str, int), default="?")),
                text=self.text(e, "text", ep, required=True),
                weight=Fraction(self.number(e, "weight", ep, required=False, default=Decimal(1))),
            )
            for ep, e in self.items(scoring, "elements", f"{path}.scoring", required=False)
        )
        if method == "elements" and not elements:
            self.fail(
                f"{path}.scoring.elements",
                "partial credit needs at least one element",
                "การให้คะแนนตามองค์ประกอบต้องมีองค์ประกอบอย่างน้อยหนึ่งรายการ",
            )
        if elements and sum(e.weight for e in elements) <= 0:
            self.fail(f"{path}.scoring.elements", "element weights add up to zero", "น้ำหนักขององค์ประกอบรวมกันได้ศูนย์")
        self.unique([(f"{path}.scoring.elements[{i}].code", e.code) for i, e in enumerate(elements)], "element")
        return method or "pass_fail", elements

    def levels(self, raw: Any, tool_codes: set[str]) -> tuple[Level, ...]:
        levels = []
        for path, spec in self.items(raw, "levels", ""):
            self.known(spec, path, "level")
            tool_min = {}
            for code, value in (self.get(spec, "tool_min", path, dict, required=False, default={}) or {}).items():
                if code not in tool_codes:
                    self.fail(f"{path}.tool_min.{code}", f"unknown tool '{code}'", f"ไม่มีเครื่องมือ '{code}'")
                tool_min[code] = self.number({code: value}, code, f"{path}.tool_min", default=Decimal(0))
            levels.append(
                Level(
                    label=self.get(spec, "label", path, str, default="?"),
                    label_en=self.text(spec, "label_en", path),
                    min=self.number(spec, "min", path, default=Decimal(0)),
                    tool_min=tool_min,
                    confidence=self.confidence(spec, path, required=False, default="confirmed"),
                    source=self.source(spec, path, required=False),
                    caveat=self.text(spec, "caveat", path),
                )
            )
        if not levels:
            return ()
        if levels[-1].min != 0 or levels[-1].tool_min:
            self.fail(
                f"levels[{len(levels) - 1}]",
                "the last level must have min 0 and no tool_min",
                "ระดับสุดท้ายต้องมี min เป็น 0 และไม่มี tool_min",
            )
        for i in range(1, len(levels)):
            if levels[i].min > levels[i - 1].min:
                self.fail(
                    f"levels[{i}].min",
                    "levels must be listed best first (min never increasing)",
                    "ต้องเรียงระดับจากดีที่สุดลงไป (ค่า min ต้องไม่เพิ่มขึ้น)",
                )
        return tuple(levels)
