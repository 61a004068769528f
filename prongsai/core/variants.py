"""Agency-type variants: an override layer on an edition, kept as data inside the edition itself.

An ESA office, a school, a local government or a university answers the same NACC edition with small
differences (OBEC asks ESA offices for each executive's phone and e-mail in O2; a school's plan is its
แผนพัฒนาคุณภาพการศึกษา; an ESA's EIT respondents are its school directors and teachers).  Rather than a copied
file per agency type, an edition lists ``variants``; each names the agency types it serves and overrides, by
code, only what differs:

- ``tools.<TOOL>``: ``respondents_th`` and the respondent ``groups``;
- ``sampling.<TOOL>``: any key of the rule (e.g. ``group``, the agency group whose EIT minimum applies);
- ``questions.<code>``: ``text``, ``note`` (a question's or a sub-item's), with its ``source``/``confidence``;
- ``oit_items.<code>``: ``title``, ``display_code``, ``requirement``, ``time_window``, ``data_window``,
  ``keywords``, ``elements``, ``group``, ``caveat``, ``source``, ``confidence``, or ``applicable: false``
  (the item does not apply to these agencies and is left out of their list and their score).

Weights, indicators, scales and levels are never overridden: every agency of an edition is scored the same
way.  The applied variant is validated like any edition, so a bad override is reported at upload.

This module only rewrites raw data (the validator uses it to check every variant at upload); applying a variant
to a loaded edition is the loader's ``framework.with_variant``.
"""

from __future__ import annotations

import copy
from typing import Any


def _find_variant(raw: dict, code: str) -> dict:
    return next(v for v in raw.get("variants") or [] if isinstance(v, dict) and v.get("code") == code)


def variant_data(raw: dict, code: str) -> dict:
    """The edition's raw data with one variant's overrides applied (and no variants left)."""
    data = copy.deepcopy({k: v for k, v in raw.items() if k != "variants"})
    spec = _find_variant(raw, code)
    if spec.get("agency_types"):
        data["agency_types"] = list(spec["agency_types"])
    for tool in data.get("tools") or []:
        override = (spec.get("tools") or {}).get(tool.get("code"))
        if isinstance(override, dict):
            tool.update(copy.deepcopy(override))
    for tool, override in (spec.get("sampling") or {}).items():
        if not isinstance(override, dict):
            continue
        rule = dict((data.setdefault("sampling", {}) or {}).get(tool) or {})
        rule.update(copy.deepcopy(override))
        data["sampling"][tool] = rule
    questions = spec.get("questions") or {}
    for question in data.get("questions") or []:
        _override(question, questions.get(question.get("code")), {"text", "note", "caveat", "source", "confidence"})
        for sub in question.get("sub_items") or []:
            _override(sub, questions.get(sub.get("code")), {"text", "note"})
    items = spec.get("oit_items") or {}
    kept = []
    for item in data.get("oit_items") or []:
        override = items.get(item.get("code"))
        if isinstance(override, dict) and override.get("applicable") is False:
            continue
        if isinstance(override, dict):
            changes = {k: copy.deepcopy(v) for k, v in override.items() if k not in ("applicable", "elements")}
            item.update(changes)
            if "elements" in override:
                scoring = dict(item.get("scoring") or {})
                scoring["elements"] = copy.deepcopy(override["elements"])
                item["scoring"] = scoring
        kept.append(item)
    data["oit_items"] = kept
    return data


def _override(target: dict, override: Any, allowed: set[str]) -> None:
    if isinstance(override, dict):
        target.update({k: copy.deepcopy(v) for k, v in override.items() if k in allowed})
