"""What every command module shares, below them all: the user-facing ``CommandError`` and the table printer.

``prongsai.cli`` (the core command) finds the web platform's commands at run time (``_extensions``) and
``prongsai.web.commands`` registers the features' own; all of them import from here, never from ``prongsai.cli``,
so the command modules read top-down (tests/unit/test_import_cycles.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit status 2."""


def display_width(text: str) -> int:
    """Terminal columns of a string: Thai vowel and tone marks (combining) take no column."""
    return sum(
        0
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn"
        else 2
        if unicodedata.east_asian_width(ch) in "WF"
        else 1
        for ch in text
    )


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        padded = []
        for value, width in zip(values, widths):
            pad = " " * (width - display_width(value))
            numeric = value.replace(".", "", 1).replace("-", "", 1).isdigit()
            padded.append(pad + value if numeric else value + pad)
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *[line(r) for r in cells]])


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
