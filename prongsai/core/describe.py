"""Human- and machine-readable views of a framework edition (``prongsai frameworks show``)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from prongsai.core.framework import Framework


def _num(value: Fraction | Any) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 4)


def framework_as_dict(fw: Framework) -> dict[str, Any]:
    """The whole edition as plain JSON-able data (scores as numbers, weights as percent of the total)."""
    total_weight = sum(t.weight for t in fw.tools)
    return {
        "id": fw.id, "name_th": fw.name_th, "name_en": fw.name_en, "fiscal_years": list(fw.fiscal_years),
        "agency_types": list(fw.agency_types), "previous": fw.previous, "aggregation": fw.aggregation,
        "pass_target": _num(fw.pass_target),
        "tools": [{"code": t.code, "kind": t.kind, "name_th": t.name_th, "weight": _num(t.weight)}
                  for t in fw.tools],
        "indicators": [{
            "number": i.number, "name_th": i.name_th, "name_en": i.name_en, "tool": i.tool,
            "weight_in_total": _num(fw.tool(i.tool).weight * i.weight * 100 / total_weight),
            "sub_indicators": [{"code": s.code, "name_th": s.name_th} for s in i.sub_indicators],
        } for i in fw.indicators],
        "scales": {name: [{"label": o.label, "score": _num(o.score)} for o in s.options]
                   for name, s in fw.scales.items()},
        "questions": [{
            "code": q.code, "indicator": q.indicator, "text": q.text, "scale": q.scale, "reverse": q.reverse,
            "note": q.note, "confidence": q.confidence,
            "fields": [{"code": f.code, "text": f.text, "scale": f.scale.name, "reverse": f.reverse}
                       for f in q.fields] if q.has_sub_items else [],
        } for q in fw.questions],
        "oit_items": [{
            "code": o.code, "indicator": o.indicator, "sub_indicator": o.sub_indicator, "group": o.group,
            "title": o.title, "title_known": o.title_known, "requirement": o.requirement,
            "time_window": o.time_window, "method": o.method, "confidence": o.confidence,
            "elements": [{"code": e.code, "text": e.text, "weight": _num(e.weight)} for e in o.elements],
        } for o in fw.oit_items],
        "levels": [{"label": lv.label, "label_en": lv.label_en, "min": _num(lv.min),
                    "tool_min": {k: _num(v) for k, v in lv.tool_min.items()}} for lv in fw.levels],
        "sampling": {code: {"percent": _num(r.percent), "floor": r.floor, "cap": r.cap}
                     for code, r in fw.sampling.items()},
    }


def describe_framework(fw: Framework) -> str:
    """An indented outline: tools and weights, indicators, questions with their fields, OIT items, levels."""
    total_weight = sum(t.weight for t in fw.tools)
    out = [f"{fw.id}  {fw.name_th}", f"  years {', '.join(map(str, fw.fiscal_years))}; agency types "
           f"{', '.join(fw.agency_types)}; aggregation {fw.aggregation}; pass target {fw.pass_target}"]
    for tool in fw.tools:
        out.append(f"\n{tool.code} ({tool.name_th}) weight {_num(tool.weight * 100 / total_weight)}%")
        for indicator in fw.indicators_of(tool.code):
            share = _num(tool.weight * indicator.weight * 100 / total_weight)
            out.append(f"  {indicator.number}. {indicator.name_th} ({share}% of the total)")
            for q in fw.questions:
                if q.indicator != indicator.number:
                    continue
                flags = f" [{q.scale}{', reversed' if q.reverse else ''}]"
                out.append(f"     {q.code:<6} {q.text}{flags}")
                if q.has_sub_items:
                    for f in q.fields:
                        mark = " (reversed)" if f.reverse != q.reverse else ""
                        out.append(f"       {f.code:<7} {f.text}{mark}")
            for o in fw.oit_items:
                if o.indicator != indicator.number:
                    continue
                unknown = " (title unknown)" if not o.title_known else ""
                elements = f", {len(o.elements)} elements" if o.elements else ""
                out.append(f"     {o.code:<4} {o.title}{unknown} [{o.method}{elements}; {o.confidence}]")
    out.append("\nLevels: " + ", ".join(
        f"{lv.label} ≥ {lv.min}" + (" with " + ", ".join(f"{k} ≥ {v}" for k, v in lv.tool_min.items())
                                    if lv.tool_min else "") for lv in fw.levels))
    if fw.sampling:
        out.append("Sampling: " + "; ".join(
            f"{code}: {r.percent}% (floor {r.floor}, cap {r.cap if r.cap is not None else 'none'})"
            for code, r in fw.sampling.items()))
    return "\n".join(out)
