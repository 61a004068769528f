"""Human- and machine-readable views of a framework edition (``prongsai frameworks show``).

Provisional items (facts filled from an earlier edition because no source was found) carry a visible mark,
``[?]`` in the text outline and ``"provisional": true`` in JSON, with the caveat that says what is uncertain.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from prongsai.core.framework import CONFIDENCE_TH, Framework, SamplingRule

PROVISIONAL_MARK = "[?]"


def _num(value: Fraction | Any) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 4)


def sampling_as_dict(rule: SamplingRule) -> dict[str, Any]:
    data: dict[str, Any] = {"method": rule.method, "confidence": rule.confidence, "note": rule.note}
    if rule.method in ("share", "by_agency_group"):
        data.update({"percent": _num(rule.percent), "floor": rule.floor, "cap": rule.cap})
    if rule.bands:
        data["bands"] = [{"up_to": b.up_to, "minimum": b.minimum} for b in rule.bands]
    if rule.groups:
        data["groups"] = [{"code": g.code, "name_th": g.name_th, "minimum": g.minimum} for g in rule.groups]
        data["group"] = rule.group
    return data


def sampling_text(rule: SamplingRule) -> str:
    share = f"{rule.percent}% (floor {rule.floor}, cap {rule.cap if rule.cap is not None else 'none'})"
    if rule.method == "bands":
        return "bands " + ", ".join(f"≤{b.up_to}: {b.minimum}" if b.up_to else f"more: {b.minimum}" for b in rule.bands)
    if rule.method == "by_agency_group":
        chosen = rule.group_minimum()
        head = f"by agency group ({len(rule.groups)} groups"
        head += f"; applies {chosen.code} = {chosen.minimum})" if chosen else f"; none chosen, else {share})"
        return head
    return share


def framework_as_dict(fw: Framework) -> dict[str, Any]:
    """The whole edition as plain JSON-able data (scores as numbers, weights as percent of the total)."""
    total_weight = sum(t.weight for t in fw.tools)
    return {
        "id": fw.id,
        "edition_id": fw.family,
        "version": fw.version,
        "name_th": fw.name_th,
        "name_en": fw.name_en,
        "fiscal_years": list(fw.fiscal_years),
        "default_for_years": list(fw.default_for_years),
        "agency_types": list(fw.agency_types),
        "previous": fw.previous,
        "aggregation": fw.aggregation,
        "pass_target": _num(fw.pass_target),
        "option_scores": fw.option_scores,
        "rounding": fw.rounding,
        "confidence": fw.confidence,
        "provisional": fw.provisional,
        "caveat": fw.caveat,
        "variant": fw.variant,
        "variants": [
            {"code": v.code, "name_th": v.name_th, "agency_types": list(v.agency_types), "confidence": v.confidence}
            for v in fw.variants.values()
        ],
        "tools": [
            {
                "code": t.code,
                "kind": t.kind,
                "name_th": t.name_th,
                "weight": _num(t.weight),
                "confidence": t.confidence,
                "groups": [{"code": g.code, "name_th": g.name_th} for g in t.groups],
            }
            for t in fw.tools
        ],
        "indicators": [
            {
                "number": i.number,
                "name_th": i.name_th,
                "name_en": i.name_en,
                "tool": i.tool,
                "weight_in_total": _num(fw.tool(i.tool).weight * i.weight * 100 / total_weight),
                "sub_indicators": [
                    {"code": s.code, "name_th": s.name_th, "confidence": s.confidence} for s in i.sub_indicators
                ],
            }
            for i in fw.indicators
        ],
        "scales": {
            name: [{"label": o.label, "score": _num(o.score)} for o in s.options] for name, s in fw.scales.items()
        },
        "questions": [
            {
                "code": q.code,
                "indicator": q.indicator,
                "text": q.text,
                "scale": q.scale,
                "reverse": q.reverse,
                "note": q.note,
                "confidence": q.confidence,
                "provisional": q.provisional,
                "source": q.source,
                "caveat": q.caveat,
                "fields": [
                    {"code": f.code, "text": f.text, "scale": f.scale.name, "reverse": f.reverse} for f in q.fields
                ]
                if q.has_sub_items
                else [],
            }
            for q in fw.questions
        ],
        "oit_items": [
            {
                "code": o.code,
                "display_code": o.shown_code,
                "key": o.key,
                "indicator": o.indicator,
                "sub_indicator": o.sub_indicator,
                "group": o.group,
                "title": o.title,
                "title_known": o.title_known,
                "requirement": o.requirement,
                "time_window": o.time_window,
                "data_window": o.data_window,
                "method": o.method,
                "confidence": o.confidence,
                "provisional": o.provisional,
                "source": o.source,
                "caveat": o.caveat,
                "elements": [{"code": e.code, "text": e.text, "weight": _num(e.weight)} for e in o.elements],
                "previous_codes": {k: list(v) for k, v in o.previous_codes.items()},
            }
            for o in fw.oit_items
        ],
        "levels": [
            {
                "label": lv.label,
                "label_en": lv.label_en,
                "min": _num(lv.min),
                "tool_min": {k: _num(v) for k, v in lv.tool_min.items()},
                "confidence": lv.confidence,
            }
            for lv in fw.levels
        ],
        "sampling": {code: sampling_as_dict(r) for code, r in fw.sampling.items()},
    }


def describe_framework(fw: Framework) -> str:
    """An indented outline: tools and weights, indicators, questions with their fields, OIT items, levels.

    ``[?]`` marks a provisional fact (no source found; filled from the closest edition)."""
    total_weight = sum(t.weight for t in fw.tools)
    title = f"{fw.id}  {fw.name_th}" + (f"  (variant {fw.variant})" if fw.variant else "")
    out = [
        title,
        f"  years {', '.join(map(str, fw.fiscal_years))}; agency types "
        f"{', '.join(fw.agency_types)}; aggregation {fw.aggregation}; pass target {fw.pass_target}; "
        f"option scores {fw.option_scores}; rounding {fw.rounding}; confidence {fw.confidence}",
    ]
    if fw.provisional or fw.caveat:
        out.append(f"  {PROVISIONAL_MARK if fw.provisional else '!'} {fw.caveat or CONFIDENCE_TH[fw.confidence]}")
    if fw.variants:
        out.append(
            "  variants: "
            + "; ".join(f"{v.code} ({', '.join(v.agency_types)}: {v.name_th})" for v in fw.variants.values())
        )
    marked = fw.provisional_count
    out.append(
        f"  {PROVISIONAL_MARK} = provisional (ชั่วคราว ยังไม่ยืนยัน): {marked} of "
        f"{len(fw.questions) + len(fw.oit_items)} questions and OIT items"
    )
    for tool in fw.tools:
        mark = f" {PROVISIONAL_MARK}" if tool.confidence == "provisional" else ""
        out.append(f"\n{tool.code} ({tool.name_th}) weight {_num(tool.weight * 100 / total_weight)}%{mark}")
        for indicator in fw.indicators_of(tool.code):
            share = _num(tool.weight * indicator.weight * 100 / total_weight)
            out.append(f"  {indicator.number}. {indicator.name_th} ({share}% of the total)")
            for sub in indicator.sub_indicators:
                if sub.confidence == "provisional":
                    out.append(f"     {sub.code} {sub.name_th} {PROVISIONAL_MARK}")
            for q in fw.questions:
                if q.indicator != indicator.number:
                    continue
                flags = f" [{q.scale}{', reversed' if q.reverse else ''}]"
                mark = f" {PROVISIONAL_MARK}" if q.provisional else ""
                out.append(f"     {q.code:<6} {q.text}{flags}{mark}")
                if q.has_sub_items:
                    for f in q.fields:
                        mark = " (reversed)" if f.reverse != q.reverse else ""
                        out.append(f"       {f.code:<7} {f.text}{mark}")
            for o in fw.oit_items:
                if o.indicator != indicator.number:
                    continue
                unknown = " (title unknown)" if not o.title_known else ""
                elements = f", {len(o.elements)} elements" if o.elements else ""
                window = f"; data {o.data_window}" if o.data_window else ""
                mark = f" {PROVISIONAL_MARK}" if o.provisional else ""
                shown = o.shown_code if o.shown_code == o.code else f"{o.shown_code} ({o.code})"
                out.append(f"     {shown:<4} {o.title}{unknown} [{o.method}{elements}{window}; {o.confidence}]{mark}")
    out.append(
        "\nLevels: "
        + ", ".join(
            f"{lv.label} ≥ {lv.min}"
            + (" with " + ", ".join(f"{k} ≥ {v}" for k, v in lv.tool_min.items()) if lv.tool_min else "")
            + (f" {PROVISIONAL_MARK}" if lv.confidence == "provisional" else "")
            for lv in fw.levels
        )
    )
    if fw.sampling:
        out.append(
            "Sampling: "
            + "; ".join(
                f"{code}: {sampling_text(r)}" + (f" {PROVISIONAL_MARK}" if r.confidence == "provisional" else "")
                for code, r in fw.sampling.items()
            )
        )
    return "\n".join(out)
