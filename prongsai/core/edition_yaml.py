"""Writing an edition's data as YAML in the house style of the built-in files.

One writer serves the built-in files, the platform's "download as YAML" and the workbook import (a workbook is
turned back into exactly the text a person would have written), so an edition keeps one form however it was
edited: keys in schema order, a blank line between top-level parts, long texts folded on one line (``>-``),
notes as a literal block (``|``).
"""

from __future__ import annotations

from typing import Any

import yaml

#: the order in which the parts of an edition are written
TOP_ORDER = [
    "id",
    "name_th",
    "name_en",
    "fiscal_years",
    "default_for_years",
    "agency_types",
    "previous",
    "aggregation",
    "pass_target",
    "option_scores",
    "rounding",
    "confidence",
    "caveat",
    "sources",
    "notes",
    "tools",
    "indicators",
    "scales",
    "questions",
    "oit_items",
    "levels",
    "sampling",
    "variants",
]


def _needs_quotes(value: str) -> bool:
    """A text that plain YAML would have to quote is folded instead (``>-``): easier to read and to edit."""
    return ": " in value or " #" in value or value.endswith(":") or value[0] in "!&*-?[]{}|>'\"%@`#,"


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # lists indented under their key
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # every part written out in full, even one the data holds twice: an edition is read back without aliases
        # (framework.parse_yaml), and a person editing it should not have to follow ``*id001`` to its anchor
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if value and _needs_quotes(value) and value == value.strip() and "  " not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def _ordered(raw: dict) -> dict:
    ordered = {k: raw[k] for k in TOP_ORDER if k in raw}
    ordered.update({k: v for k, v in raw.items() if k not in ordered})
    return ordered


def dump_edition(raw: dict[str, Any], header: str = "") -> str:
    """The edition's data as YAML text; ``header`` (comment lines, without '#') is written on top."""
    parts = []
    for key, value in _ordered(raw).items():
        parts.append(
            yaml.dump(
                {key: value},
                Dumper=_Dumper,
                allow_unicode=True,
                sort_keys=False,
                width=10**9,
                indent=2,
                default_flow_style=False,
            ).rstrip("\n")
        )
    text = "\n\n".join(parts) + "\n"
    if header:
        comment = "\n".join(f"# {line}".rstrip() for line in header.strip("\n").splitlines())
        text = comment + "\n\n" + text
    return text


def header_of(text: str) -> str:
    """The comment lines at the top of a YAML text (without their '#'), to keep them when rewriting it."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)
