"""The ``prongsai`` command.

Exit status: 0 on success, 2 on bad input (unknown framework, missing column, bad value, unreadable file) with one
clear message on standard error naming the file, row and column, and nothing written to standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable, Sequence

from prongsai.core.framework import FrameworkError, available_frameworks, load_framework
from prongsai.core.tabular import InputError

EXIT_BAD_INPUT = 2
SCORE_KEYS = ["agency", "year", "framework", "iit", "eit", "oit", "total", "level", "rank"]


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit status 2."""


# ----------------------------------------------------------------------------------------------- output


def display_width(text: str) -> int:
    """Terminal columns of a string: Thai vowel and tone marks (combining) take no column."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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


def emit(records: list[dict], fmt: str, keys: Sequence[str]) -> str:
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    flat_keys = [k for k in keys if not any(isinstance(r.get(k), dict) for r in records)]
    if fmt == "csv":
        from prongsai.web.exports import csv_text  # no cell may start a formula (pure Python, no Django)

        return csv_text(flat_keys, ([f"{record[k]:.2f}" if isinstance(record.get(k), float) else record.get(k)
                                     for k in flat_keys] for record in records)).rstrip("\n")
    return format_table(flat_keys, [[r.get(k) for k in flat_keys] for r in records])


# --------------------------------------------------------------------------------------------- commands


def cmd_frameworks_list(args: argparse.Namespace) -> str:
    rows = []
    for fid in available_frameworks():
        fw = load_framework(fid)
        rows.append([fw.id, ",".join(map(str, fw.fiscal_years)), ",".join(fw.agency_types),
                     sum(len(fw.questions_of(t)) for t in fw.survey_tools),
                     sum(len(fw.answer_fields(t)) for t in fw.survey_tools), len(fw.oit_items),
                     "/".join(lv.label for lv in fw.levels), fw.name_th])
    return format_table(["id", "years", "types", "questions", "fields", "oit", "levels", "name"], rows)


def cmd_frameworks_show(args: argparse.Namespace) -> str:
    from prongsai.core.describe import describe_framework, framework_as_dict

    fw = load_framework(args.id)
    if args.format == "json":
        return json.dumps(framework_as_dict(fw), ensure_ascii=False, indent=2)
    return describe_framework(fw)


def cmd_frameworks_diff(args: argparse.Namespace) -> str:
    from prongsai.core.diff import diff_frameworks

    diff = diff_frameworks(load_framework(args.old), load_framework(args.new))
    if args.format == "json":
        return json.dumps({"old": diff.old_id, "new": diff.new_id, "unchanged": diff.unchanged,
                           "settings": diff.settings, "changes": [c.as_dict() for c in diff.changes]},
                          ensure_ascii=False, indent=2)
    lines = [f"{diff.old_id} → {diff.new_id}: {diff.unchanged} items unchanged, {len(diff.changes)} changes"]
    lines += [f"  * {note}" for note in diff.settings]
    for change in diff.changes:
        old = ", ".join(f"{e.code} {e.title} [{e.place}]" for e in change.old)
        new = ", ".join(f"{e.code} {e.title} [{e.place}]" for e in change.new)
        if change.kind == "added":
            lines.append(f"  + added     {new}")
        elif change.kind == "removed":
            lines.append(f"  - removed   {old}")
        else:
            lines.append(f"  ~ {change.kind:<9} {old}  →  {new}")
    return "\n".join(lines)


def cmd_frameworks_check(args: argparse.Namespace) -> str:
    from prongsai.core.framework import load_framework_file

    paths = args.files or [None]
    lines = []
    for path in paths:
        if path is None:
            for fid in available_frameworks():
                load_framework(fid)
                lines.append(f"{fid}: ok")
        else:
            fw = load_framework_file(path)
            lines.append(f"{Path(path).name}: ok ({len(fw.questions)} questions, {len(fw.oit_items)} OIT items)")
    return "\n".join(lines)


def cmd_score(args: argparse.Namespace) -> str:
    from prongsai.core.results import read_results
    from prongsai.core.tabular import read_table

    rows = read_results(read_table(args.file), args.framework, args.group_by)
    keys = SCORE_KEYS + ([args.group_by] if args.group_by else [])
    return emit([r.as_record(args.group_by) for r in rows], args.format, keys)


def cmd_score_responses(args: argparse.Namespace) -> str:
    from prongsai.core.bulk_report import score_files

    if not (args.iit or args.eit or args.oit):
        raise CommandError("give at least one of --iit, --eit, --oit")
    framework = load_framework(args.framework)
    records = score_files(framework, iit=args.iit, eit=args.eit, oit=args.oit, year=args.year)
    keys = SCORE_KEYS + ["respondents_iit", "respondents_eit", "indicators", "items"]
    return emit(records, args.format, keys)


# ------------------------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prongsai", description="Prongsai (โปร่งใส): ITA assessment platform")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    frameworks = sub.add_parser("frameworks", help="list, show, compare and check framework editions")
    fsub = frameworks.add_subparsers(dest="action", required=True, metavar="ACTION")
    fsub.add_parser("list", help="the editions available").set_defaults(run=cmd_frameworks_list)
    show = fsub.add_parser("show", help="one edition in full")
    show.add_argument("id")
    show.add_argument("--format", choices=["text", "json"], default="text")
    show.set_defaults(run=cmd_frameworks_show)
    diff = fsub.add_parser("diff", help="items added, removed, re-titled and moved between two editions")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--format", choices=["text", "json"], default="text")
    diff.set_defaults(run=cmd_frameworks_diff)
    check = fsub.add_parser("check", help="validate framework files (all bundled ones by default)")
    check.add_argument("files", nargs="*")
    check.set_defaults(run=cmd_frameworks_check)

    score = sub.add_parser("score", help="score, grade and rank officially published results (CSV or XLSX)")
    score.add_argument("file")
    score.add_argument("--framework", help="edition id (default: chosen from each row's year)")
    score.add_argument("--format", choices=["table", "json", "csv"], default="table")
    score.add_argument("--group-by", metavar="COLUMN", help="rank within each value of this column")
    score.set_defaults(run=cmd_score)

    raw = sub.add_parser("score-responses", help="score raw IIT/EIT responses and OIT item scores")
    raw.add_argument("--framework", required=True)
    raw.add_argument("--iit", metavar="FILE")
    raw.add_argument("--eit", metavar="FILE")
    raw.add_argument("--oit", metavar="FILE")
    raw.add_argument("--year", type=int, help="fiscal year (B.E.) to report (default: the edition's first)")
    raw.add_argument("--format", choices=["table", "json", "csv"], default="table")
    raw.set_defaults(run=cmd_score_responses)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Commands of the web platform register themselves here, so the core runs without Django installed."""
    try:
        from prongsai.web.commands import register
    except ImportError:
        return []
    return [register]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = args.run(args)
    except (InputError, FrameworkError, CommandError) as exc:
        print(f"prongsai: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    if output:
        try:
            sys.stdout.write(output + "\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `prongsai … | head`: the reader left; that is not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
