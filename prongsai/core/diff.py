"""What changed between two framework editions: items added, removed, re-titled, moved, renumbered and merged.

Evidence and measures carry over from one year to the next only where an item survived, so the matching is
conservative and explainable.  Items are paired, in this order:

1. by lineage the newer edition declares (``previous_codes: {older-id: [codes]}``: renumbered or merged items;
   an empty list declares a new item that must not be paired at all, even when it reuses an old code);
2. by the stable ``key`` both editions give an item (``participation``), whatever its number;
3. by identical title (after collapsing spaces): the item kept its wording but got a new code or place;
4. by identical code: the item kept its number, and its title changed (re-titled).

Whatever is left is removed (older edition only) or added (newer edition only).  A pair whose code, indicator or
sub-indicator differs is "moved"; a pair whose title differs is "retitled"; a pair can be both; several older
items paired with one newer item are "merged" (2566 O1 โครงสร้าง + O3 อำนาจหน้าที่ → 2568 o1).

Editions further apart (2566 → 2569) are compared through the chain of ``previous`` editions between them
(``lineage_map``), so an item that survived every step carries over, and one that did not, does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from prongsai.core.framework import Framework, FrameworkError, load_framework, split_key


@dataclass(frozen=True)
class Entry:
    code: str
    title: str
    place: str  # indicator and sub-indicator, e.g. "9 / 9.2"
    shown: str = ""  # the display code (o1), when the edition prints one
    key: str = ""

    @property
    def label(self) -> str:
        return self.shown if self.shown and self.shown != self.code else self.code


@dataclass
class Change:
    kind: str  # added | removed | retitled | moved | moved+retitled | merged
    old: list[Entry] = field(default_factory=list)
    new: list[Entry] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "old": [{"code": e.code, "display_code": e.label, "title": e.title, "place": e.place} for e in self.old],
            "new": [{"code": e.code, "display_code": e.label, "title": e.title, "place": e.place} for e in self.new],
        }


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

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {"unchanged": self.unchanged}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        return counts


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _entries(framework: Framework) -> list[Entry]:
    entries = [Entry(q.code, _norm(q.text), str(q.indicator)) for q in framework.questions]
    for o in framework.oit_items:
        place = f"{o.indicator} / {o.sub_indicator}" if o.sub_indicator else str(o.indicator)
        entries.append(Entry(o.code, _norm(o.title), place, o.display_code, o.key))
    return entries


def _lineage(framework: Framework, old: Framework) -> dict[str, tuple[str, ...]]:
    """The lineage the newer edition declares towards the older one (by its key, or by its edition id)."""
    names = {old.id, old.family}
    result = {}
    for o in framework.oit_items:
        for name, codes in o.previous_codes.items():
            if name in names or split_key(name)[0] in names:
                result[o.code] = codes
                break
    return result


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

    lineage = _lineage(new, old)
    for new_code, old_codes in lineage.items():
        available = [c for c in old_codes if c in unmatched_old]
        if new_code in unmatched_new and available:
            pair(available, new_code)
    # An item declaring an empty lineage is new by definition: never pair it by key, title or code.
    declared_new = {
        code: unmatched_new.pop(code) for code, olds in lineage.items() if not olds and code in unmatched_new
    }
    by_key = {e.key: code for code, e in unmatched_old.items() if e.key}
    for code, entry in list(unmatched_new.items()):
        if entry.key and by_key.get(entry.key) in unmatched_old:
            pair([by_key[entry.key]], code)
    by_title: dict[str, list[str]] = {}
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
        prior = next((i for i in old.indicators if i.number == indicator.number), None)
        if prior and prior.name_th != indicator.name_th:
            notes.append(f"indicator {indicator.number} renamed: {prior.name_th} → {indicator.name_th}")
        if prior and [s.code for s in prior.sub_indicators] != [s.code for s in indicator.sub_indicators]:
            notes.append(
                f"indicator {indicator.number} sub-indicators: "
                f"{', '.join(s.code for s in prior.sub_indicators) or '-'} → "
                f"{', '.join(s.code for s in indicator.sub_indicators) or '-'}"
            )
    old_levels = [(lv.label, lv.min) for lv in old.levels]
    new_levels = [(lv.label, lv.min) for lv in new.levels]
    if old_levels != new_levels:
        notes.append(
            "levels: "
            + ", ".join(f"{lb} ≥{m}" for lb, m in old_levels)
            + "  →  "
            + ", ".join(f"{lb} ≥{m}" for lb, m in new_levels)
        )
    for name in ("aggregation", "option_scores", "rounding"):
        if getattr(old, name) != getattr(new, name):
            notes.append(f"{name} {getattr(old, name)} → {getattr(new, name)}")
    for code in sorted(set(old.sampling) | set(new.sampling)):
        a, b = old.sampling.get(code), new.sampling.get(code)
        if (a.method if a else None) != (b.method if b else None):
            notes.append(f"sampling {code}: {a.method if a else 'none'} → {b.method if b else 'none'}")
    return notes


def chain(
    old: Framework, new: Framework, loader: Callable[[str], Framework] = load_framework, limit: int = 12
) -> list[Framework] | None:
    """The editions from ``old`` to ``new`` following ``previous`` back from ``new`` (both ends included), or
    ``None`` when ``old`` is not among ``new``'s ancestors."""
    path = [new]
    current = new
    while len(path) <= limit:
        if current.id == old.id or current.family == old.family:
            path[-1] = old
            return list(reversed(path))
        if not current.previous:
            return None
        try:
            current = loader(current.previous)
        except FrameworkError:
            return None
        path.append(current)
    return None


def lineage_map(
    old: Framework, new: Framework, loader: Callable[[str], Framework] = load_framework
) -> dict[str, list[str]]:
    """New item code → the old item codes it continues, across any number of editions in between.

    Compares ``old`` and ``new`` directly when ``new`` does not descend from ``old``; otherwise composes the
    survivors of each step, so 2566 O1 + O3 → 2568 o1 → 2569 o1 gives 2569 O1 ← 2566 O1, O3, and an item
    removed at any step does not reach the end.
    """
    editions = chain(old, new, loader)
    if editions is None or len(editions) <= 2:
        return diff_frameworks(old, new).survivors()
    carried: dict[str, list[str]] = {o.code: [o.code] for o in old.oit_items}
    carried.update({q.code: [q.code] for q in old.questions})
    for before, after in zip(editions, editions[1:]):
        step = diff_frameworks(before, after).survivors()
        carried = {
            code: [origin for prior in priors for origin in carried.get(prior, [])] for code, priors in step.items()
        }
        carried = {code: sorted(set(origins), key=origins.index) for code, origins in carried.items() if origins}
    return carried
