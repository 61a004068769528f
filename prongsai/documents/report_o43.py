"""The O43 implementation report written as the seed's: one numbered list per measure, the units' work in sentences.

The units report what they did as free text, one progress report per unit and period (6 or 12 months into the
fiscal year).  Printed as reported, five units that each typed "จัดทำข้อมูลพื้นฐาน…ให้สาธารณชนรับทราบ: (n) …"
make five near-identical paragraphs, and every report repeats the same web address.  Here the reports of one
measure become one outline, as the seed's O43 (๑.๑–๑.๑๐, ๒ (๑)–(๕), ๓.๑–๓.๔, ๔.๑–๔.๔):

- each report's lines are read as an outline: "1.6 …" or a plain line is an item, "(1) …" a sub-item of the
  item above it, "- …" a point under it (the typed numbers are dropped: items are numbered ``<measure>.<k>``
  across both periods, sub-items ``(k)`` in the order of the numbers the units typed);
- lines that several units reported word for word become one item, with the units named once;
- lines that differ only in the middle ("ปรับปรุงข้อมูล (1) ข้อมูลพื้นฐาน บนเว็บไซต์…", "… (2) การบริหารงาน …")
  become one item whose sub-items are the differing parts, each with the unit that did it; the same sub-items
  under a later item are not listed again ("… ครบทั้ง ๕ ประเด็นข้างต้น");
- each period opens with a sentence naming the period and the units ("รอบ ๖ เดือน (…) กลุ่ม… ได้ดำเนินการ ดังนี้");
- the evidence links are listed once per measure, at its end, without "https://" ("หลักฐานการดำเนินการ: …");
- no line is printed twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_ITEM_NUMBER = re.compile(r"^\s*[๐-๙0-9]+(?:\.[๐-๙0-9]+)+\.?\s+")
_SUB_NUMBER = re.compile(r"^\s*\(\s*([๐-๙0-9]+)\s*\)\s*")
_BULLET = re.compile(r"^\s*[-•]\s+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass
class Sub:
    text: str
    order: float = 0.0
    units: list[str] = field(default_factory=list)


@dataclass
class Item:
    text: str
    units: list[str] = field(default_factory=list)
    subs: list[Sub] = field(default_factory=list)
    points: list[str] = field(default_factory=list)


def _number(text: str) -> float:
    match = _SUB_NUMBER.match(text)
    return float(match.group(1).translate(_THAI_DIGITS)) if match else 1e9


def parse(text: str, unit: str) -> list[Item]:
    """One report's lines as items, sub-items and points (typed item numbers dropped, sub-item numbers kept
    for sorting)."""
    items: list[Item] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if _BULLET.match(line) and items:
            items[-1].points.append(_BULLET.sub("", line))
        elif _SUB_NUMBER.match(line) and items and not _SUB_NUMBER.match(items[-1].text):
            items[-1].subs.append(Sub(_SUB_NUMBER.sub("", line), _number(line), [unit]))
        else:
            items.append(Item(_ITEM_NUMBER.sub("", _BULLET.sub("", line)), [unit]))
    return items


def _key(text: str) -> str:
    return "".join(text.split()).rstrip(".:")


def merge(items: list[Item]) -> list[Item]:
    """Join items reported word for word by several units, then items that differ only in their middle."""
    merged: list[Item] = []
    by_text: dict[str, Item] = {}
    for item in items:
        same = by_text.get(_key(item.text))
        if same is not None and not item.subs and not item.points and not same.subs and not same.points:
            same.units += [u for u in item.units if u not in same.units]
            continue
        by_text[_key(item.text)] = item
        merged.append(item)
    return _merge_middles(merged)


def _merge_middles(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    i = 0
    while i < len(items):
        group = [items[i]]
        j = i + 1
        while j < len(items) and _frame(group + [items[j]]) is not None:
            group.append(items[j])
            j += 1
        frame = _frame(group) if len(group) > 1 else None
        if frame is None:
            out.append(items[i])
            i += 1
            continue
        prefix, suffix = frame
        subs = []
        for item in group:
            middle = item.text[len(prefix) : len(item.text) - len(suffix) if suffix else None].strip(" :")
            subs.append(Sub(_SUB_NUMBER.sub("", middle), _number(middle), list(item.units)))
        subs.sort(key=lambda s: s.order)
        lead = " ".join(p for p in (prefix.strip(" :"), suffix.strip()) if p)
        units = [u for item in group for u in item.units]
        out.append(Item(lead + " ดังนี้", list(dict.fromkeys(units)), subs))
        i = j
    return out


def _frame(group: list[Item]) -> tuple[str, str] | None:
    """The common beginning and end of the items' texts, when they frame a short differing middle."""
    if any(item.subs or item.points for item in group):
        return None
    texts = [item.text for item in group]
    prefix = _common_prefix(texts)
    cut = max(prefix.rfind(" "), prefix.rfind(":"))
    prefix = prefix[: cut + 1] if cut >= 0 else ""
    rests = [t[len(prefix) :] for t in texts]
    suffix = _common_prefix([r[::-1] for r in rests])[::-1]
    cut = suffix.find(" ")
    suffix = suffix[cut:] if cut >= 0 else ""
    shared = len(prefix) + len(suffix)
    if len(prefix.strip()) < 6 or any(shared < len(t) * 0.4 for t in texts):
        return None
    middles = [t[len(prefix) : len(t) - len(suffix)] for t in texts]
    if any(not m.strip() for m in middles) or len({_key(m) for m in middles}) < len(middles):
        return None
    return prefix, suffix


def _common_prefix(texts: list[str]) -> str:
    first = min(texts, key=len)
    for k, ch in enumerate(first):
        if any(t[k] != ch for t in texts):
            return first[:k]
    return first


@dataclass
class PeriodReport:
    label: str  # "รอบ ๖ เดือน (๑ ตุลาคม ๒๕๖๒ - ๓๑ มีนาคม ๒๕๖๓)"
    units: list[str]
    items: list[Item]
    missing: bool = False


def outline(
    measure_number: int,
    periods: Sequence[PeriodReport],
    links: Sequence[str],
    *,
    th: Callable[[str], str],
    join_units: Callable[[Sequence[str]], str],
    all_units: Sequence[str] = (),
    all_units_th: str = "ทุกกลุ่ม/หน่วย",
) -> dict:
    """The printed outline of one measure: period sentences, numbered lines, one evidence line."""
    lines: list[dict] = []
    seen: set[str] = set()
    listed: list[set[str]] = []  # the sub-item lists printed so far (the same list is not printed twice)
    k = 0

    def who(units: Sequence[str]) -> str:
        if all_units and len(units) > 1 and set(all_units) <= set(units):
            return all_units_th
        return join_units(units)

    for period in periods:
        if period.missing:
            lines.append({"kind": "lead", "text": th(f"{period.label} ยังไม่มีการรายงานผลการดำเนินการ")})
            continue
        lines.append({"kind": "lead", "text": th(f"{period.label} {who(period.units)} ได้ดำเนินการ ดังนี้")})
        many = len(period.units) > 1
        for item in period.items:
            if _key(item.text) in seen and not item.subs and not item.points:
                continue
            seen.add(_key(item.text))
            k += 1
            text = item.text
            subs = item.subs
            topics = {_key(sub.text) for sub in subs}
            if subs and topics in listed:  # the same topics as an item above: refer to them, do not repeat them
                text = f"{text.removesuffix(' ดังนี้')} ครบทั้ง {len(subs)} ประเด็นข้างต้น"
                subs = []
            elif subs:
                listed.append(topics)
            named = {u for s in item.subs for u in s.units}
            if many and item.units and set(item.units) != set(period.units) and (len(named) <= 1 or not subs):
                text += f" ({who(item.units)})"
            lines.append({"kind": "item", "text": th(f"{measure_number}.{k} {text}")})
            for n, sub in enumerate(subs, start=1):
                tag = f" ({who(sub.units)})" if len(named) > 1 else ""
                lines.append({"kind": "sub", "text": th(f"({n}) {sub.text}{tag}")})
            for point in item.points:
                lines.append({"kind": "point", "text": th(f"- {point}")})
    # each address once, without the scheme and a trailing slash (https://www.skn.go.th/ is www.skn.go.th)
    shown = list(dict.fromkeys(re.sub(r"^https?://", "", link.strip()).rstrip("/") for link in links if link.strip()))
    evidence = ""
    if shown:
        evidence = "หลักฐานการดำเนินการ: " + (
            " และ ".join(shown) if len(shown) <= 2 else ", ".join(shown[:-1]) + " และ " + shown[-1]
        )
    return {"lines": lines, "evidence": evidence}
