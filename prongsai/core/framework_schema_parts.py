"""Validation of the parts of an edition added with the 2568 editions: answer scales under a declared
option-score rule, sampling methods (shares, population bands, minimums per agency group) and agency-type
variants.  Called by ``framework_schema.Reader``; every problem has an English and a Thai wording.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from prongsai.core.framework_model import (
    AGENCY_TYPES,
    DATA_WINDOWS,
    SAMPLING_METHODS,
    AgencyGroupMinimum,
    Band,
    Option,
    SamplingRule,
    Scale,
    Variant,
)
from prongsai.core.thai import round_half_up

SAMPLING_KEYS = {
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
}
BAND_KEYS = {"up_to", "minimum"}
AGENCY_GROUP_KEYS = {"code", "name_th", "minimum"}
VARIANT_KEYS = {
    "code",
    "name_th",
    "agency_types",
    "confidence",
    "source",
    "caveat",
    "tools",
    "sampling",
    "questions",
    "oit_items",
}
#: what a variant may change: presentation, requirements and who answers; never weights, indicators or scales
VARIANT_TOOL_KEYS = {"respondents_th", "groups"}
VARIANT_QUESTION_KEYS = {"text", "note", "caveat", "source", "confidence"}
VARIANT_OIT_KEYS = {
    "title",
    "display_code",
    "requirement",
    "time_window",
    "data_window",
    "keywords",
    "elements",
    "caveat",
    "source",
    "confidence",
    "applicable",
    "group",
}


def even_scores(n: int, rule: str) -> list[Decimal]:
    """The scores of ``n`` evenly spaced options from 0 to 100 under an option-score rule."""
    places = 0 if rule == "integers" else 2
    return [round_half_up(Fraction(100 * i, n - 1), places) for i in range(n)]


def scales(reader, raw: Any, rule: str) -> dict[str, Scale]:
    """Answer scales.  A scale may leave its scores out: evenly spaced 0–100 by the edition's ``option_scores``.
    Scores given for an evenly spaced scale of three or more options must follow that rule (0/33.33/66.67/100
    under ``two_decimals``, 0/33/67/100 under ``integers``), so the declared parameter and the data agree."""
    result: dict[str, Scale] = {}
    for name, spec in (reader.get(raw, "scales", "", dict, required=False, default={}) or {}).items():
        path = f"scales.{name}"
        reader.known(spec, path, "scale")
        specs = list(reader.items(spec, "options", path))
        given = [isinstance(o, dict) and o.get("score") is not None for _p, o in specs]
        n = len(specs)
        ascending = even_scores(n, rule) if n >= 2 else []
        options = []
        for i, (opath, option) in enumerate(specs):
            reader.known(option, opath, "option")
            label = reader.get(option, "label", opath, str, default="?")
            if any(given) and not all(given):
                reader.fail(
                    f"{opath}.score",
                    "give a score to every option of the scale or to none",
                    "กำหนดคะแนนให้ทุกตัวเลือกของมาตรวัด หรือไม่กำหนดเลย",
                )
            score = reader.number(option, "score", opath, required=False, default=None, places=2)
            if score is None:
                score = ascending[i] if ascending else Decimal(0)
            options.append(Option(label=label, score=Fraction(score)))
        if n < 2:
            reader.fail(f"{path}.options", "a scale needs at least two options", "มาตรวัดต้องมีตัวเลือกอย่างน้อยสองตัว")
        if len({o.label for o in options}) != len(options):
            reader.fail(f"{path}.options", "option labels must be different", "ชื่อตัวเลือกต้องไม่ซ้ำกัน")
        if n >= 3 and all(given):
            _check_rule(reader, path, options, rule)
        result[name] = Scale(name=name, name_th=reader.text(spec, "name_th", path), options=tuple(options))
    return result


def _check_rule(reader, path: str, options: list[Option], rule: str) -> None:
    scores = [o.score for o in options]
    exact = [Fraction(100 * i, len(scores) - 1) for i in range(len(scores))]
    for candidate in (exact, exact[::-1]):
        if all(abs(s - e) <= 1 for s, e in zip(scores, candidate)):  # an evenly spaced scale, as written
            expected = [Fraction(round_half_up(e, 0 if rule == "integers" else 2)) for e in candidate]
            for i, (score, want) in enumerate(zip(scores, expected)):
                if score != want:
                    reader.fail(
                        f"{path}.options[{i}].score",
                        f"{float(score):g} does not follow option_scores '{rule}' (expected {float(want):g})",
                        f"{float(score):g} ไม่เป็นไปตาม option_scores '{rule}' (ควรเป็น {float(want):g})",
                    )
            return


def sampling(reader, raw: Any, survey_tools: set[str]) -> dict[str, SamplingRule]:
    rules = {}
    for code, spec in (reader.get(raw, "sampling", "", dict, required=False, default={}) or {}).items():
        path = f"sampling.{code}"
        if code not in survey_tools:
            reader.fail(path, f"'{code}' is not a survey tool", f"'{code}' ไม่ใช่เครื่องมือแบบวัด (IIT/EIT)")
        rules[code] = sampling_rule(reader, spec, path)
    return rules


def sampling_rule(reader, spec: Any, path: str) -> SamplingRule:
    reader.known(spec, path, "sampling", SAMPLING_KEYS)
    method = reader.choice(spec, "method", path, SAMPLING_METHODS, "share") or "share"
    bands = []
    for bpath, band in reader.items(spec, "bands", path, required=method == "bands"):
        reader.known(band, bpath, "band", BAND_KEYS)
        bands.append(
            Band(
                up_to=reader.integer(band, "up_to", bpath, required=False, lo=1),
                minimum=reader.integer(band, "minimum", bpath, default=0) or 0,
            )
        )
    for i in range(1, len(bands)):
        previous, current = bands[i - 1].up_to, bands[i].up_to
        if previous is None or (current is not None and current <= previous):
            reader.fail(
                f"{path}.bands[{i}].up_to",
                "bands must grow (the open-ended band comes last)",
                "ช่วงจำนวนประชากรต้องเรียงจากน้อยไปมาก (ช่วงที่ไม่มีเพดานอยู่ท้ายสุด)",
            )
    groups = []
    for gpath, group in reader.items(spec, "groups", path, required=method == "by_agency_group"):
        reader.known(group, gpath, "agency group", AGENCY_GROUP_KEYS)
        groups.append(
            AgencyGroupMinimum(
                code=reader.get(group, "code", gpath, str, default="?"),
                name_th=reader.text(group, "name_th", gpath, required=True),
                minimum=reader.integer(group, "minimum", gpath, default=0) or 0,
            )
        )
    reader.unique([(f"{path}.groups[{i}].code", g.code) for i, g in enumerate(groups)], "agency group")
    group = reader.get(spec, "group", path, str, required=False)
    if group is not None and group not in {g.code for g in groups}:
        reader.fail(f"{path}.group", f"'{group}' is not one of the groups listed", f"'{group}' ไม่อยู่ในกลุ่มที่ระบุไว้")
    share = method == "share"
    return SamplingRule(
        percent=reader.number(spec, "percent", path, required=share, default=Decimal(0)),
        floor=reader.integer(spec, "floor", path, required=share, default=0) or 0,
        cap=reader.integer(spec, "cap", path, required=False, lo=1),
        note=reader.text(spec, "note", path),
        method=method,
        bands=tuple(bands),
        groups=tuple(groups),
        group=group,
        confidence=reader.confidence(spec, path, required=False, default="confirmed"),
        source=reader.source(spec, path, required=False),
        caveat=reader.text(spec, "caveat", path),
    )


def variants(reader, raw: Any) -> dict[str, Variant]:
    """Agency-type variants: each a layer of overrides on the edition (see ``prongsai.core.variants``)."""
    result: dict[str, Variant] = {}
    tools = {t.get("code"): t for t in raw.get("tools") or [] if isinstance(t, dict)}
    question_codes = set()
    for q in raw.get("questions") or []:
        if isinstance(q, dict):
            question_codes.add(q.get("code"))
            question_codes.update(s.get("code") for s in q.get("sub_items") or [] if isinstance(s, dict))
    oit_codes = {o.get("code") for o in raw.get("oit_items") or [] if isinstance(o, dict)}
    base_ok = not reader.problems  # an applied variant is checked only on a sound edition (no echoed problems)
    sound: list[str] = []
    for path, spec in reader.items(raw, "variants", "", required=False):
        before = len(reader.problems)
        reader.known(spec, path, "variant", VARIANT_KEYS)
        code = reader.get(spec, "code", path, str, default="?")
        types = tuple(reader.get(spec, "agency_types", path, list, default=[]) or [])
        for t in types:
            if t not in AGENCY_TYPES:
                reader.fail(
                    f"{path}.agency_types",
                    f"'{t}' is not one of {', '.join(AGENCY_TYPES)}",
                    f"'{t}' ไม่ใช่ประเภทหน่วยงานที่ใช้ได้ ({', '.join(AGENCY_TYPES)})",
                )
        if code in result:
            reader.fail(f"{path}.code", f"duplicate variant '{code}'", f"รูปแบบย่อย '{code}' ซ้ำ")
        for tool, override in (reader.get(spec, "tools", path, dict, required=False, default={}) or {}).items():
            tpath = f"{path}.tools.{tool}"
            if tool not in tools:
                reader.fail(tpath, f"unknown tool '{tool}'", f"ไม่มีเครื่องมือ '{tool}'")
            reader.known(override, tpath, "variant tool", VARIANT_TOOL_KEYS)
        for tool, override in (reader.get(spec, "sampling", path, dict, required=False, default={}) or {}).items():
            if tool not in tools:
                reader.fail(f"{path}.sampling.{tool}", f"unknown tool '{tool}'", f"ไม่มีเครื่องมือ '{tool}'")
            reader.known(override, f"{path}.sampling.{tool}", "sampling", SAMPLING_KEYS)
        for qcode, override in (reader.get(spec, "questions", path, dict, required=False, default={}) or {}).items():
            if qcode not in question_codes:
                reader.fail(
                    f"{path}.questions.{qcode}",
                    f"no question or sub-item '{qcode}' in the edition",
                    f"ไม่มีข้อคำถามหรือข้อย่อย '{qcode}' ในกรอบนี้",
                )
            reader.known(override, f"{path}.questions.{qcode}", "variant question", VARIANT_QUESTION_KEYS)
        for ocode, override in (reader.get(spec, "oit_items", path, dict, required=False, default={}) or {}).items():
            opath = f"{path}.oit_items.{ocode}"
            if ocode not in oit_codes:
                reader.fail(opath, f"no OIT item '{ocode}' in the edition", f"ไม่มีข้อ OIT '{ocode}' ในกรอบนี้")
            reader.known(override, opath, "variant OIT item", VARIANT_OIT_KEYS)
            if isinstance(override, dict):
                if override.get("data_window") not in (None, *DATA_WINDOWS):
                    reader.fail(
                        f"{opath}.data_window",
                        f"'{override['data_window']}' is not one of current, previous",
                        f"'{override['data_window']}' ไม่ใช่ current หรือ previous",
                    )
                if "applicable" in override and not isinstance(override["applicable"], bool):
                    reader.fail(f"{opath}.applicable", "expected true or false", "ต้องเป็น true หรือ false")
        result[code] = Variant(
            code=code,
            name_th=reader.text(spec, "name_th", path, required=True),
            agency_types=types,
            confidence=reader.confidence(spec, path),
            source=reader.source(spec, path, required=True),
            caveat=reader.text(spec, "caveat", path),
        )
        if len(reader.problems) == before:
            sound.append(code)
    if base_ok:
        _check_variants_apply(reader, raw, [c for c in result if c in sound])
    return result


def _check_variants_apply(reader, raw: dict, codes: list[str]) -> None:
    """Every variant, applied, must itself be a valid edition (e.g. its overridden elements and groups)."""
    from prongsai.core.variants import variant_data

    indexes = {v.get("code"): i for i, v in enumerate(raw.get("variants") or []) if isinstance(v, dict)}
    for code in codes:
        index = indexes[code]
        applied = variant_data(raw, code)
        inner = type(reader)(reader.file)
        inner.framework(applied, expected_id=None)
        for (p, en), (_p, th) in zip(inner.problems, inner.problems_th):
            reader.fail(f"variants[{index}] ({code}): {p}", en, th)
