"""Reading an edition someone brings (YAML text or an XLSX workbook) and validating it, all problems located.

The one entry point the command line (``prongsai frameworks import``) and the web upload share:
``read_edition(name, data)`` returns the validated edition and its data, or raises ``EditionImportError`` listing
every problem with where it is (workbook sheet, row and column, or YAML line) in English and Thai.  Nothing is
stored here; storing is the platform's business.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from prongsai.core.edition_xlsx import (
    EditionImportError,
    EditionProblem,
    Located,
    canonical,
    export_workbook,
)
from prongsai.core.edition_xlsx_read import read_workbook_lenient
from prongsai.core.edition_yaml import dump_edition
from prongsai.core.framework import SAFE_LOADER, Framework, FrameworkError, load_framework_data, parse_yaml

MAX_YAML_BYTES = 2 * 1024 * 1024


@dataclass
class ReadEdition:
    framework: Framework
    raw: dict  # canonical data
    yaml_text: str  # the data written in the house style (what is stored)
    kind: str  # yaml | xlsx


def _yaml_locator(text: str) -> Callable[[str], Located]:
    """Data path → line of a YAML text (by composing its node tree), for pointing at a problem.  The tree is
    composed on the first question only: a valid upload, the common case, never asks one."""
    lines: dict[str, int] = {}

    @functools.cache
    def compose() -> None:
        try:
            root = yaml.compose(text, Loader=SAFE_LOADER)
        except yaml.YAMLError:  # a text that is not YAML at all: its problem names the line itself
            return
        walk(root, "")

    def walk(node: Any, path: str) -> None:
        if node is None:
            return
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value)
                child = f"{path}.{name}" if path else name
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, f"{path}[{i}]")

    def locate(path: str) -> Located:
        compose()
        probe = path.split(" ")[0] if path.startswith("variants[") else path
        while probe:
            if probe in lines:
                return Located(line=lines[probe])
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return Located()

    return locate


def _refuse_shared_parts(data: Any, name: str) -> None:
    """An uploaded edition is written out in full: ``FrameworkError`` when a list or mapping appears twice in
    ``data`` (what a YAML alias to it makes), since nested aliases let a few hundred bytes stand for billions of
    entries that validation would walk one by one.  Checked on uploads only: an edition stored by an earlier
    version may hold a harmless alias, and the bundled editions hold none."""
    seen: set[int] = set()
    pending = [data]
    while pending:
        part = pending.pop()
        if not isinstance(part, (dict, list)):
            continue  # a scalar alias repeats one value: nothing grows
        if id(part) in seen:
            raise FrameworkError(
                name,
                [("", "uses a YAML alias (*name) for a list or mapping: write each part out in full")],
                [("", "ใช้ alias ของ YAML (*ชื่อ) แทนรายการหรือชุดข้อมูล: ให้เขียนแต่ละส่วนออกมาเต็ม")],
            )
        seen.add(id(part))
        pending.extend(part.values() if isinstance(part, dict) else part)


def parse_edition(name: str, data: bytes) -> tuple[dict, Callable[[str], Located], str, list[EditionProblem]]:
    """The raw data of an upload, a locator for its problems, its kind (yaml or xlsx), and the problems found
    while reading it (workbook cells that do not fit their column; the rest of the data is still returned)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:2] == b"PK":
        raw, locate, problems = read_workbook_lenient(name, data)
        return raw, locate, "xlsx", problems
    if suffix not in (".yaml", ".yml", ""):
        raise EditionImportError(
            name, [EditionProblem(Located(), "", "expected a .yaml or .xlsx file", "ต้องเป็นไฟล์ .yaml หรือ .xlsx")]
        )
    if len(data) > MAX_YAML_BYTES:
        raise EditionImportError(name, [EditionProblem(Located(), "", "larger than 2 MB", "ไฟล์ใหญ่เกิน 2 MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EditionImportError(
            name, [EditionProblem(Located(), "", "not UTF-8 text", "ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8")]
        ) from None
    try:
        raw = parse_yaml(text, name)
        _refuse_shared_parts(raw, name)
    except FrameworkError as exc:
        raise EditionImportError(
            name, [EditionProblem(Located(), p, m, t) for (p, m), (_p, t) in zip(exc.problems, exc.problems_th)]
        ) from None
    return raw, _yaml_locator(text), "yaml", []


def validate(
    raw: Any,
    name: str,
    locate: Callable[[str], Located],
    expected_id: str | None = None,
    key: str | None = None,
    found: list[EditionProblem] | None = None,
) -> Framework:
    """The edition built from raw data, or ``EditionImportError`` with every problem located: those ``found``
    while reading it, then the validator's (less the echoes of a cell already reported: a weight typed in words
    is one problem, not also a missing weight)."""
    found = list(found or [])
    try:
        framework = load_framework_data(raw, name=name, expected_id=expected_id, key=key)
    except FrameworkError as exc:
        cells = {(p.where.sheet, p.where.row, p.where.column) for p in found}
        sheets = {p.where.sheet for p in found if p.where.row is None}
        for (path, en), (_p, th) in zip(exc.problems, exc.problems_th):
            where = locate(path)
            if (where.sheet, where.row, where.column) in cells or (where.sheet and where.sheet in sheets):
                continue
            found.append(EditionProblem(where, path, _places(en, locate, thai=False), _places(th, locate, thai=True)))
        raise EditionImportError(name, found) from None
    if found:
        raise EditionImportError(name, found)
    return framework


_PATH = re.compile(r"\b(?:[a-z_]+(?:\[\d+\])?)(?:\.[a-z_]+(?:\[\d+\])?)*\[\d+\](?:\.[a-z_]+)?")


def _places(message: str, locate: Callable[[str], Located], thai: bool) -> str:
    """A data path quoted inside a message ("first at oit_items[0].code") said where the person can find it."""

    def replace(match: re.Match) -> str:
        where = locate(match.group(0))
        if not (where.sheet and where.row) and not where.line:
            return match.group(0)
        return where.th() if thai else where.en()

    return _PATH.sub(replace, message)


def read_edition(name: str, data: bytes, expected_id: str | None = None) -> ReadEdition:
    """Parse and validate an upload; the data is stored in canonical form, written as house-style YAML."""
    raw, locate, kind, found = parse_edition(name, data)
    validate(raw, name, locate, expected_id, found=found)
    clean = canonical(raw)
    text = dump_edition(clean)
    framework = load_framework_data(parse_yaml(text, name), name=name, expected_id=expected_id)
    return ReadEdition(framework=framework, raw=clean, yaml_text=text, kind=kind)


def export_edition(framework: Framework, fmt: str = "xlsx") -> bytes:
    """An edition as a workbook (or YAML text) to start the next one from."""
    raw = canonical(framework.raw)
    if fmt == "yaml":
        return dump_edition(raw).encode("utf-8")
    return export_workbook(raw)
