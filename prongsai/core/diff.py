"""What changed between two framework editions: items added, removed, re-titled and moved.

Evidence and measures carry over from one year to the next only where an item survived, so the matching is
conservative and explainable.  Items are paired, in this order:

1. by lineage the newer edition declares (``previous_codes: {older-id: [codes]}``: renumbered or merged items;
   an empty list declares a new item that must not be paired at all, even when it reuses an old code);
2. by identical title (after collapsing spaces): the item kept its wording but got a new code or place;
3. by identical code: the item kept its number, and its title changed (re-titled).

Whatever is left is removed (older edition only) or added (newer edition only).  A pair whose code, indicator or
sub-indicator differs is "moved"; a pair whose title differs is "retitled"; a pair can be both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prongsai.core.framework import Framework


@dataclass(frozen=True)
class Entry:
    code: str
    title: str
    place: str  # indicator and sub-indicator, e.g. "9 / 9.2"


@dataclass
class Change:
    kind: str  # added | removed | retitled | moved | moved+retitled | merged
    old: list[Entry] = field(default_factory=list)
    new: list[Entry] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind,
                "old": [{"code": e.code, "title": e.title, "place": e.place} for e in self.old],
                "new": [{"code": e.code, "title": e.title, "place": e.place} for e in self.new]}


@dataclass
class FrameworkDiff:
    old_id: str
    new_id: str
    changes: list[Change]
    unchanged: int
    settings: list[str]
    #: (old code, new code) of items that did not change at all
    kept: list[tuple[str, str]] = field(default_factory=list)

    def survivors(self) -> dict[str, list[str]]:
        """New item code → the old item codes it continues (for carrying evidence and measures over),
        unchanged items included."""
        result: dict[str, list[str]] = {new: [old] for old, new in self.kept}
        for change in self.changes:
            if change.kind not in ("added", "removed"):
                for new in change.new:
                    result.setdefault(new.code, []).extend(e.code for e in change.old)
        return result


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _entries(framework: Framework) -> list[Entry]:
    entries = [Entry(q.code, _norm(q.text), str(q.indicator)) for q in framework.questions]
    for o in framework.oit_items:
        place = f"{o.indicator} / {o.sub_indicator}" if o.sub_indicator else str(o.indicator)
        entries.append(Entry(o.code, _norm(o.title), place))
    return entries


def _lineage(framework: Framework, old_id: str) -> dict[str, tuple[str, ...]]:
    return {o.code: o.previous_codes[old_id] for o in framework.oit_items if old_id in o.previous_codes}


def _pair_kind(old: Entry, new: Entry) -> str:
    moved = old.code != new.code or old.place != new.place
    retitled = old.title != new.title
    if moved and retitled:
        return "moved+retitled"
    return "moved" if moved else "retitled" if retitled else "unchanged"


def diff_frameworks(old: Framework, new: Framework) -> FrameworkDiff:
    old_entries = {e.code: e for e in _entries(old)}
    new_entries = {e.code: e for e in _entries(new)}
    unmatched_old = dict(old_entries)
    unmatched_new = dict(new_entries)
    changes: list[Change] = []
    kept: list[tuple[str, str]] = []

    def pair(old_codes: list[str], new_code: str) -> None:
        olds = [unmatched_old.pop(c) for c in old_codes]
        new_entry = unmatched_new.pop(new_code)
        if len(olds) > 1:
            changes.append(Change("merged", olds, [new_entry]))
            return
        kind = _pair_kind(olds[0], new_entry)
        if kind == "unchanged":
            kept.append((olds[0].code, new_entry.code))
        else:
            changes.append(Change(kind, olds, [new_entry]))

    lineage = _lineage(new, old.id)
    for new_code, old_codes in lineage.items():
        available = [c for c in old_codes if c in unmatched_old]
        if new_code in unmatched_new and available:
            pair(available, new_code)
    # An item declaring an empty lineage is new by definition: never pair it by title or code.
    declared_new = {code: unmatched_new.pop(code) for code, olds in lineage.items()
                    if not olds and code in unmatched_new}
    by_title = {}
    for code, entry in unmatched_old.items():
        by_title.setdefault(entry.title, []).append(code)
    for code, entry in list(unmatched_new.items()):
        candidates = [c for c in by_title.get(entry.title, []) if c in unmatched_old]
        if candidates:
            # Prefer the candidate with the same code, then the one of the same kind of item (I/E/O).
            candidates.sort(key=lambda c: (c != code, c[0] != code[0]))
            pair([candidates[0]], code)
    for code in list(unmatched_new):
        if code in unmatched_old:
            pair([code], code)
    unmatched_new.update(declared_new)
    changes += [Change("removed", [e], []) for e in unmatched_old.values()]
    changes += [Change("added", [], [e]) for e in unmatched_new.values()]
    order = {c: i for i, c in enumerate([*new_entries, *old_entries])}
    changes.sort(key=lambda ch: order.get((ch.new or ch.old)[0].code, 0))
    return FrameworkDiff(old.id, new.id, changes, len(kept), _settings(old, new), kept)


def _settings(old: Framework, new: Framework) -> list[str]:
    notes = []
    for tool in new.tools:
        before = next((t for t in old.tools if t.code == tool.code), None)
        if before is None:
            notes.append(f"tool {tool.code} added (weight {float(tool.weight):g})")
        elif before.weight != tool.weight:
            notes.append(f"tool {tool.code} weight {float(before.weight):g} → {float(tool.weight):g}")
    for indicator in new.indicators:
        before = next((i for i in old.indicators if i.number == indicator.number), None)
        if before and before.name_th != indicator.name_th:
            notes.append(f"indicator {indicator.number} renamed: {before.name_th} → {indicator.name_th}")
    old_levels = [(lv.label, lv.min) for lv in old.levels]
    new_levels = [(lv.label, lv.min) for lv in new.levels]
    if old_levels != new_levels:
        notes.append("levels: " + ", ".join(f"{lb} ≥{m}" for lb, m in old_levels) + "  →  "
                     + ", ".join(f"{lb} ≥{m}" for lb, m in new_levels))
    if old.aggregation != new.aggregation:
        notes.append(f"aggregation {old.aggregation} → {new.aggregation}")
    return notes
