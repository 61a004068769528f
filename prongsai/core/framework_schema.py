"""Validation of framework files: walks the raw YAML and builds the dataclasses of ``framework.py``.

Every problem is recorded with its path inside the file (``questions[4].sub_items[1].scale``) instead of stopping
at the first, so a central admin editing an edition sees everything to fix in one go.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Iterable

from prongsai.core.framework import (
    AGENCY_TYPES, AGGREGATIONS, CONFIDENCE, SCORING_METHODS, AnswerField, Element, Framework, Indicator, Level,
    OITItem, Option, Question, RespondentGroup, SamplingRule, Scale, SubIndicator, Tool,
)

#: the keys each kind of mapping may hold; anything else is a typo (``reverese``) and is refused
KEYS = {
    "framework": {"id", "name_th", "name_en", "fiscal_years", "default_for_years", "agency_types", "previous",
                  "aggregation", "pass_target", "sources", "notes", "tools", "indicators", "scales", "questions",
                  "oit_items", "levels", "sampling"},
    "tool": {"code", "kind", "name_th", "name_en", "weight", "respondents_th", "groups"},
    "group": {"code", "name_th"},
    "indicator": {"number", "name_th", "name_en", "tool", "weight", "sub_indicators"},
    "sub_indicator": {"code", "name_th", "groups"},
    "scale": {"name_th", "options"},
    "option": {"label", "score"},
    "question": {"code", "indicator", "text", "scale", "reverse", "note", "confidence", "source", "sub_items"},
    "sub_item": {"code", "text", "reverse", "scale", "note"},
    "oit_item": {"code", "indicator", "sub_indicator", "group", "title", "title_known", "requirement",
                 "time_window", "keywords", "scoring", "confidence", "source", "previous_codes"},
    "scoring": {"method", "elements"},
    "element": {"code", "text", "weight"},
    "level": {"label", "label_en", "min", "tool_min"},
    "sampling": {"percent", "floor", "cap", "note"},
}



class Reader:
    """Walks the raw YAML, converting it and recording every problem with its path instead of stopping."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def known(self, obj: Any, path: str, kind: str) -> None:
        if isinstance(obj, dict):
            for key in sorted(set(obj) - KEYS[kind], key=str):
                self.fail(f"{path}.{key}" if path else str(key),
                          f"unknown key (allowed: {', '.join(sorted(KEYS[kind]))})")

    def get(self, obj: Any, key: str, path: str, kind: type | tuple, required: bool = True, default: Any = None):
        if not isinstance(obj, dict):
            self.fail(path, "expected a mapping")
            return default
        if key not in obj or obj[key] is None:
            if required:
                self.fail(f"{path}.{key}" if path else key, "required")
            return default
        value = obj[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = "/".join(k.__name__ for k in kinds)
            self.fail(f"{path}.{key}" if path else key, f"expected {names}, got {type(value).__name__}")
            return default
        return value

    def number(self, obj: Any, key: str, path: str, required: bool = True, default: Any = None,
               lo: float = 0, hi: float = 100, places: int | None = None) -> Decimal | None:
        value = self.get(obj, key, path, (int, float, str), required)
        where = f"{path}.{key}" if path else key
        if value is None:
            return default
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"not a number: {value!r}")
            return default
        if not (lo <= number <= hi):
            self.fail(where, f"{number} is outside {lo}–{hi}")
        if places is not None and number.as_tuple().exponent < -places:  # type: ignore[operator]
            self.fail(where, f"{number} has more than {places} decimal places")
        return number

    def items(self, obj: Any, key: str, path: str, required: bool = True) -> Iterable[tuple[str, Any]]:
        values = self.get(obj, key, path, list, required, default=[])
        for i, value in enumerate(values or []):
            yield f"{path}.{key}[{i}]" if path else f"{key}[{i}]", value

    def confidence(self, obj: Any, path: str) -> str:
        value = self.get(obj, "confidence", path, str, required=True, default="recollection")
        if value not in CONFIDENCE:
            self.fail(f"{path}.confidence", f"'{value}' is not one of {', '.join(CONFIDENCE)}")
        return value

    def unique(self, codes: list[tuple[str, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for path, code in codes:
            if code in seen:
                self.fail(path, f"duplicate {what} '{code}' (first at {seen[code]})")
            seen.setdefault(code, path)

    # The edition ---------------------------------------------------------------------------------------
    def framework(self, raw: Any, expected_id: str, path: str) -> Framework | None:
        if not isinstance(raw, dict):
            self.fail("", "the file must be a YAML mapping")
            return None
        self.known(raw, "", "framework")
        fid = self.get(raw, "id", "", str, default=expected_id)
        if fid != expected_id:
            self.fail("id", f"'{fid}' does not match the file name '{expected_id}.yaml'")
        years = tuple(self.get(raw, "fiscal_years", "", list, default=[]))
        if not years or not all(isinstance(y, int) and 2500 <= y <= 2700 for y in years):
            self.fail("fiscal_years", "expected a list of Buddhist-Era years such as [2563]")
        defaults = tuple(self.get(raw, "default_for_years", "", list, required=False, default=[]))
        for y in defaults:
            if y not in years:
                self.fail("default_for_years", f"{y} is not one of fiscal_years")
        agency_types = tuple(self.get(raw, "agency_types", "", list, default=[]))
        for t in agency_types:
            if t not in AGENCY_TYPES:
                self.fail("agency_types", f"'{t}' is not one of {', '.join(AGENCY_TYPES)}")
        aggregation = self.get(raw, "aggregation", "", str, required=False, default="item_mean")
        if aggregation not in AGGREGATIONS:
            self.fail("aggregation", f"'{aggregation}' is not one of {', '.join(AGGREGATIONS)}")

        scales = self.scales(raw)
        tools = self.tools(raw)
        indicators = self.indicators(raw, {t.code for t in tools})
        questions = self.questions(raw, scales, {i.number: i for i in indicators}, tools)
        oit_items = self.oit_items(raw, {i.number: i for i in indicators}, tools)
        levels = self.levels(raw, {t.code for t in tools})
        sampling = self.sampling(raw, {t.code for t in tools if t.kind == "survey"})
        return Framework(
            id=fid, name_th=self.get(raw, "name_th", "", str, default=""),
            name_en=self.get(raw, "name_en", "", str, default=""),
            fiscal_years=years, default_for_years=defaults, agency_types=agency_types,
            previous=self.get(raw, "previous", "", str, required=False),
            aggregation=aggregation,
            pass_target=self.number(raw, "pass_target", "", default=Decimal(85)),
            sources=tuple(self.get(raw, "sources", "", list, required=False, default=[])),
            notes=self.get(raw, "notes", "", str, required=False, default=""),
            tools=tools, indicators=indicators, scales=scales, questions=questions, oit_items=oit_items,
            levels=levels, sampling=sampling, path=path,
        )

    def scales(self, raw: Any) -> dict[str, Scale]:
        scales: dict[str, Scale] = {}
        for name, spec in (self.get(raw, "scales", "", dict, required=False, default={}) or {}).items():
            path = f"scales.{name}"
            self.known(spec, path, "scale")
            options = []
            for opath, option in self.items(spec, "options", path):
                self.known(option, opath, "option")
                label = self.get(option, "label", opath, str, default="?")
                score = self.number(option, "score", opath, default=Decimal(0), places=2)
                options.append(Option(label=label, score=Fraction(score)))
            if len(options) < 2:
                self.fail(f"{path}.options", "a scale needs at least two options")
            if len({o.label for o in options}) != len(options):
                self.fail(f"{path}.options", "option labels must be different")
            scales[name] = Scale(name=name, name_th=self.get(spec, "name_th", path, str, False, ""),
                                 options=tuple(options))
        return scales

    def tools(self, raw: Any) -> tuple[Tool, ...]:
        tools = []
        for path, spec in self.items(raw, "tools", ""):
            self.known(spec, path, "tool")
            for gpath, group in self.items(spec, "groups", path, required=False):
                self.known(group, gpath, "group")
            kind = self.get(spec, "kind", path, str, default="survey")
            if kind not in ("survey", "evidence"):
                self.fail(f"{path}.kind", f"'{kind}' is not survey or evidence")
            groups = tuple(
                RespondentGroup(code=self.get(g, "code", gp, str, default="?"),
                                name_th=self.get(g, "name_th", gp, str, default=""))
                for gp, g in self.items(spec, "groups", path, required=False))
            tools.append(Tool(
                code=self.get(spec, "code", path, str, default="?"), kind=kind,
                name_th=self.get(spec, "name_th", path, str, default=""),
                name_en=self.get(spec, "name_en", path, str, required=False, default=""),
                weight=Fraction(self.number(spec, "weight", path, default=Decimal(0))),
                respondents_th=self.get(spec, "respondents_th", path, str, required=False, default=""),
                groups=groups))
        self.unique([(f"tools[{i}].code", t.code) for i, t in enumerate(tools)], "tool")
        if tools and sum(t.weight for t in tools) <= 0:
            self.fail("tools", "the tool weights add up to zero")
        return tuple(tools)

    def indicators(self, raw: Any, tool_codes: set[str]) -> tuple[Indicator, ...]:
        specs = list(self.items(raw, "indicators", ""))
        indicators = []
        for path, spec in specs:
            self.known(spec, path, "indicator")
            for spath, sub in self.items(spec, "sub_indicators", path, required=False):
                self.known(sub, spath, "sub_indicator")
            tool = self.get(spec, "tool", path, str, default="?")
            if tool not in tool_codes:
                self.fail(f"{path}.tool", f"unknown tool '{tool}'")
            subs = tuple(
                SubIndicator(code=str(self.get(s, "code", sp, (str, int, float), default="?")),
                             name_th=self.get(s, "name_th", sp, str, default=""),
                             groups=tuple(self.get(s, "groups", sp, list, required=False, default=[])))
                for sp, s in self.items(spec, "sub_indicators", path, required=False))
            weight = self.number(spec, "weight", path, required=False)
            indicators.append(Indicator(
                number=self.get(spec, "number", path, int, default=0),
                name_th=self.get(spec, "name_th", path, str, default=""),
                name_en=self.get(spec, "name_en", path, str, required=False, default=""),
                tool=tool, weight=Fraction(weight) if weight is not None else Fraction(-1),
                sub_indicators=subs))
        self.unique([(f"indicators[{i}].number", str(x.number)) for i, x in enumerate(indicators)], "indicator")
        # Indicators without an explicit weight share their tool equally; explicit weights are normalised.
        result = []
        for indicator in indicators:
            peers = [i for i in indicators if i.tool == indicator.tool]
            if all(i.weight < 0 for i in peers):
                weight = Fraction(1, len(peers))
            elif any(i.weight < 0 for i in peers):
                self.fail("indicators", f"tool {indicator.tool}: give every indicator a weight or none")
                weight = Fraction(1, len(peers))
            else:
                weight = indicator.weight / sum(i.weight for i in peers)
            result.append(Indicator(indicator.number, indicator.name_th, indicator.name_en, indicator.tool,
                                    weight, indicator.sub_indicators))
        for tool in tool_codes:
            if not any(i.tool == tool for i in result):
                self.fail("indicators", f"tool {tool} has no indicator")
        return tuple(result)

    def questions(self, raw, scales, indicators, tools) -> tuple[Question, ...]:
        survey = {t.code for t in tools if t.kind == "survey"}
        questions, codes = [], []
        for path, spec in self.items(raw, "questions", "", required=False):
            self.known(spec, path, "question")
            code = self.get(spec, "code", path, str, default="?")
            number = self.get(spec, "indicator", path, int, default=0)
            if number not in indicators or indicators[number].tool not in survey:
                self.fail(f"{path}.indicator", f"{number} is not an indicator of a survey tool")
            scale_name = self.get(spec, "scale", path, str, default="?")
            if scale_name not in scales:
                self.fail(f"{path}.scale", f"unknown scale '{scale_name}' (known: {', '.join(scales)})")
            reverse = self.get(spec, "reverse", path, bool, required=False, default=False)
            text = self.get(spec, "text", path, str, default="")
            fields = []
            for spath, sub in self.items(spec, "sub_items", path, required=False):
                self.known(sub, spath, "sub_item")
                sub_scale = self.get(sub, "scale", spath, str, required=False, default=scale_name)
                if sub_scale not in scales:
                    self.fail(f"{spath}.scale", f"unknown scale '{sub_scale}' (known: {', '.join(scales)})")
                sub_code = self.get(sub, "code", spath, str, default="?")
                codes.append((f"{spath}.code", sub_code))
                fields.append(AnswerField(
                    code=sub_code, question=code, indicator=number,
                    text=self.get(sub, "text", spath, str, default=""),
                    scale=scales.get(sub_scale) or Scale("?", "", ()),
                    reverse=self.get(sub, "reverse", spath, bool, required=False, default=reverse)))
            if not fields:
                fields.append(AnswerField(code=code, question=code, indicator=number, text=text,
                                          scale=scales.get(scale_name) or Scale("?", "", ()), reverse=reverse))
            codes.append((f"{path}.code", code))
            questions.append(Question(
                code=code, indicator=number, text=text, scale=scale_name, reverse=reverse,
                note=self.get(spec, "note", path, str, required=False, default=""),
                confidence=self.confidence(spec, path),
                source=self.get(spec, "source", path, str, required=False, default=""),
                fields=tuple(fields)))
        self.unique(codes, "question or sub-item code")
        for number, indicator in indicators.items():
            if indicator.tool in survey and not any(q.indicator == number for q in questions):
                self.fail("questions", f"indicator {number} ({indicator.tool}) has no question")
        return tuple(questions)

    def oit_items(self, raw, indicators, tools) -> tuple[OITItem, ...]:
        evidence = {t.code for t in tools if t.kind == "evidence"}
        items = []
        for path, spec in self.items(raw, "oit_items", "", required=False):
            self.known(spec, path, "oit_item")
            number = self.get(spec, "indicator", path, int, default=0)
            if number not in indicators or indicators[number].tool not in evidence:
                self.fail(f"{path}.indicator", f"{number} is not an indicator of an evidence tool")
            sub = spec.get("sub_indicator") if isinstance(spec, dict) else None
            sub = None if sub is None else str(sub)
            if sub is not None and number in indicators and \
                    sub not in {s.code for s in indicators[number].sub_indicators}:
                self.fail(f"{path}.sub_indicator", f"'{sub}' is not a sub-indicator of indicator {number}")
            scoring = self.get(spec, "scoring", path, dict, default={})
            self.known(scoring, f"{path}.scoring", "scoring")
            for epath, element in self.items(scoring, "elements", f"{path}.scoring", required=False):
                self.known(element, epath, "element")
            method = self.get(scoring, "method", f"{path}.scoring", str, default="pass_fail")
            if method not in SCORING_METHODS:
                self.fail(f"{path}.scoring.method", f"'{method}' is not one of {', '.join(SCORING_METHODS)}")
            elements = tuple(
                Element(code=str(self.get(e, "code", ep, (str, int), default="?")),
                        text=self.get(e, "text", ep, str, default=""),
                        weight=Fraction(self.number(e, "weight", ep, required=False, default=Decimal(1))))
                for ep, e in self.items(scoring, "elements", f"{path}.scoring", required=False))
            if method == "elements" and not elements:
                self.fail(f"{path}.scoring.elements", "partial credit needs at least one element")
            if elements and sum(e.weight for e in elements) <= 0:
                self.fail(f"{path}.scoring.elements", "element weights add up to zero")
            self.unique([(f"{path}.scoring.elements[{i}].code", e.code) for i, e in enumerate(elements)],
                        "element")
            lineage = self.get(spec, "previous_codes", path, dict, required=False, default={}) or {}
            items.append(OITItem(
                code=self.get(spec, "code", path, str, default="?"), indicator=number, sub_indicator=sub,
                group=self.get(spec, "group", path, str, required=False, default=""),
                title=self.get(spec, "title", path, str, default=""),
                title_known=self.get(spec, "title_known", path, bool, required=False, default=True),
                requirement=self.get(spec, "requirement", path, str, default=""),
                time_window=self.get(spec, "time_window", path, str, required=False, default=""),
                keywords=tuple(str(k) for k in self.get(spec, "keywords", path, list, False, []) or []),
                method=method, elements=elements, confidence=self.confidence(spec, path),
                source=self.get(spec, "source", path, str, required=False, default=""),
                previous_codes={str(k): tuple(v or ()) for k, v in lineage.items()}))
        self.unique([(f"oit_items[{i}].code", o.code) for i, o in enumerate(items)], "OIT item")
        for number, indicator in indicators.items():
            if indicator.tool in evidence and not any(o.indicator == number for o in items):
                self.fail("oit_items", f"indicator {number} ({indicator.tool}) has no OIT item")
        return tuple(items)

    def levels(self, raw, tool_codes) -> tuple[Level, ...]:
        levels = []
        for path, spec in self.items(raw, "levels", ""):
            self.known(spec, path, "level")
            tool_min = {}
            for code, value in (self.get(spec, "tool_min", path, dict, required=False, default={}) or {}).items():
                if code not in tool_codes:
                    self.fail(f"{path}.tool_min.{code}", f"unknown tool '{code}'")
                tool_min[code] = self.number({code: value}, code, f"{path}.tool_min", default=Decimal(0))
            levels.append(Level(label=self.get(spec, "label", path, str, default="?"),
                                label_en=self.get(spec, "label_en", path, str, required=False, default=""),
                                min=self.number(spec, "min", path, default=Decimal(0)), tool_min=tool_min))
        if not levels:
            return ()
        if levels[-1].min != 0 or levels[-1].tool_min:
            self.fail(f"levels[{len(levels) - 1}]", "the last level must have min 0 and no tool_min")
        for i in range(1, len(levels)):
            if levels[i].min > levels[i - 1].min:
                self.fail(f"levels[{i}].min", "levels must be listed best first (min never increasing)")
        return tuple(levels)

    def sampling(self, raw, survey_tools) -> dict[str, SamplingRule]:
        rules = {}
        for code, spec in (self.get(raw, "sampling", "", dict, required=False, default={}) or {}).items():
            path = f"sampling.{code}"
            self.known(spec, path, "sampling")
            if code not in survey_tools:
                self.fail(path, f"'{code}' is not a survey tool")
            cap = self.get(spec, "cap", path, int, required=False)
            rules[code] = SamplingRule(
                percent=self.number(spec, "percent", path, default=Decimal(0)),
                floor=self.get(spec, "floor", path, int, default=0), cap=cap,
                note=self.get(spec, "note", path, str, required=False, default=""))
        return rules
