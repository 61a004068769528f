"""The ``prongsai`` command.

Exit status: 0 on success, 2 on bad input (unknown framework, missing column, bad value, unreadable file) with one
clear message on standard error naming the file, row and column, and nothing written to standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from prongsai.cli_base import CommandError, format_table
from prongsai.config import ConfigError
from prongsai.core.framework import FrameworkError, available_frameworks, load_framework, with_variant
from prongsai.core.tabular import InputError

EXIT_BAD_INPUT = 2
SCORE_KEYS = ["agency", "year", "framework", "iit", "eit", "oit", "total", "level", "rank"]


# ----------------------------------------------------------------------------------------------- output


def emit(records: list[dict], fmt: str, keys: Sequence[str]) -> str:
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    flat_keys = [k for k in keys if not any(isinstance(r.get(k), dict) for r in records)]
    if fmt == "csv":
        from prongsai.web.exports import csv_text  # no cell may start a formula (pure Python, no Django)

        return csv_text(
            flat_keys,
            (
                [f"{record[k]:.2f}" if isinstance(record.get(k), float) else record.get(k) for k in flat_keys]
                for record in records
            ),
        ).rstrip("\n")
    return format_table(flat_keys, [[r.get(k) for k in flat_keys] for r in records])


# --------------------------------------------------------------------------------------------- commands


def _needs_database(*keys: str | None) -> None:
    """Stored editions (``id@version``) live in the platform's database: configure it when one is asked for."""
    if any(k and "@" in k for k in keys):
        _use_database()


def _use_database() -> None:
    try:
        from prongsai.web.editions.provider import install_for_cli
    except ImportError:
        raise CommandError("stored editions need the web platform (Django) installed") from None
    install_for_cli()


def cmd_frameworks_list(args: argparse.Namespace) -> str:
    from prongsai.core.framework import file_frameworks

    statuses: dict[str, str] = {fid: "built-in" for fid in file_frameworks()}
    if args.stored:
        _use_database()
        from prongsai.web.editions.provider import stored_statuses

        statuses.update(stored_statuses())
    rows = []
    for fid, status in statuses.items():
        fw = load_framework(fid)
        rows.append(
            [
                fw.id,
                status,
                ",".join(map(str, fw.fiscal_years)),
                ",".join(fw.agency_types),
                sum(len(fw.questions_of(t)) for t in fw.survey_tools),
                sum(len(fw.answer_fields(t)) for t in fw.survey_tools),
                len(fw.oit_items),
                fw.provisional_count,
                ",".join(fw.variants) or "-",
                "/".join(lv.label for lv in fw.levels),
                fw.name_th,
            ]
        )
    return format_table(
        ["id", "status", "years", "types", "questions", "fields", "oit", "provisional", "variants", "levels", "name"],
        rows,
    )


def cmd_frameworks_show(args: argparse.Namespace) -> str:
    from prongsai.core.describe import describe_framework, framework_as_dict

    _needs_database(args.id)
    fw = with_variant(load_framework(args.id), args.variant)
    if args.format == "json":
        return json.dumps(framework_as_dict(fw), ensure_ascii=False, indent=2)
    return describe_framework(fw)


def cmd_frameworks_diff(args: argparse.Namespace) -> str:
    from prongsai.core.diff import diff_frameworks

    _needs_database(args.old, args.new)
    diff = diff_frameworks(load_framework(args.old), load_framework(args.new))
    if args.format == "json":
        return json.dumps(
            {
                "old": diff.old_id,
                "new": diff.new_id,
                "unchanged": diff.unchanged,
                "settings": diff.settings,
                "changes": [c.as_dict() for c in diff.changes],
            },
            ensure_ascii=False,
            indent=2,
        )
    counts = diff.counts()
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if kind != "unchanged")
    lines = [
        f"{diff.old_id} → {diff.new_id}: {diff.unchanged} items unchanged, {len(diff.changes)} changes"
        + (f" ({summary})" if summary else "")
    ]
    lines += [f"  * {note}" for note in diff.settings]
    for change in diff.changes:
        old = ", ".join(f"{e.label} {e.title} [{e.place}]" for e in change.old)
        new = ", ".join(f"{e.label} {e.title} [{e.place}]" for e in change.new)
        if change.kind == "added":
            lines.append(f"  + added     {new}")
        elif change.kind == "removed":
            lines.append(f"  - removed   {old}")
        else:
            lines.append(f"  ~ {change.kind:<9} {old}  →  {new}")
    return "\n".join(lines)


def _edition_problems(exc) -> CommandError:
    count = len(exc.problems)
    return CommandError(
        f"{count} problem(s); nothing was imported / พบปัญหา {count} รายการ ไม่ได้นำเข้า\n"
        + "\n".join(f"{exc.name}: {p.message()}\n    {p.message(thai=True)}" for p in exc.problems)
    )


def cmd_frameworks_check(args: argparse.Namespace) -> str:
    from prongsai.core.edition_io import read_edition
    from prongsai.core.edition_xlsx import EditionImportError

    lines = []
    if not args.files:
        for fid in available_frameworks():
            load_framework(fid)
            lines.append(f"{fid}: ok")
        return "\n".join(lines)
    for name in args.files:
        path = Path(name)
        try:
            edition = read_edition(path.name, _read_file(path))
        except EditionImportError as exc:
            raise _edition_problems(exc) from None
        fw = edition.framework
        lines.append(
            f"{path.name}: ok ({fw.id}: {len(fw.questions)} questions, {len(fw.oit_items)} OIT items, "
            f"{fw.provisional_count} provisional)"
        )
    return "\n".join(lines)


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a file") from None


def cmd_frameworks_export(args: argparse.Namespace) -> str:
    from prongsai.core.edition_io import export_edition

    _needs_database(args.id)
    fw = load_framework(args.id)
    path = Path(args.file)
    fmt = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "xlsx"
    if fmt == "xlsx" and path.suffix.lower() != ".xlsx":
        raise CommandError(f"{path.name}: name the file .xlsx or .yaml")
    try:
        path.write_bytes(export_edition(fw, fmt))
    except OSError as exc:
        raise CommandError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return f"wrote {fw.id} to {path} ({fmt}, {len(fw.oit_items)} OIT items, {len(fw.questions)} questions)"


def cmd_frameworks_import(args: argparse.Namespace) -> str:
    from prongsai.core.edition_io import read_edition
    from prongsai.core.edition_xlsx import EditionImportError

    path = Path(args.file)
    data = _read_file(path)
    if args.check:
        try:
            edition = read_edition(path.name, data)
        except EditionImportError as exc:
            raise _edition_problems(exc) from None
        return f"{path.name}: ok ({edition.framework.id}); nothing stored (--check)"
    _use_database()
    from prongsai.web.editions.cli import import_edition_file

    try:
        return import_edition_file(
            path.name, data, as_user=args.as_user, activate=args.activate, derived_from=args.derived_from
        )
    except EditionImportError as exc:
        raise _edition_problems(exc) from None


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

    frameworks = sub.add_parser("frameworks", help="list, show, compare, check, export and import framework editions")
    fsub = frameworks.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = fsub.add_parser("list", help="the editions available")
    listing.add_argument(
        "--stored", action="store_true", help="also the editions stored in the platform's database (uploaded versions)"
    )
    listing.set_defaults(run=cmd_frameworks_list)
    show = fsub.add_parser("show", help="one edition in full ([?] marks a provisional item)")
    show.add_argument("id", help="edition id, or id@version for a stored version")
    show.add_argument("--variant", help="apply an agency-type variant (esa, school, local, university …)")
    show.add_argument("--format", choices=["text", "json"], default="text")
    show.set_defaults(run=cmd_frameworks_show)
    diff = fsub.add_parser("diff", help="items added, removed, re-titled, moved, renumbered and merged")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--format", choices=["text", "json"], default="text")
    diff.set_defaults(run=cmd_frameworks_diff)
    check = fsub.add_parser("check", help="validate edition files, YAML or XLSX (all built-in ones by default)")
    check.add_argument("files", nargs="*")
    check.set_defaults(run=cmd_frameworks_check)
    export = fsub.add_parser("export", help="write an edition as an XLSX workbook (or YAML) to start a new one from")
    export.add_argument("id")
    export.add_argument("file", metavar="FILE.xlsx")
    export.set_defaults(run=cmd_frameworks_export)
    imp = fsub.add_parser("import", help="store a new edition (YAML or XLSX) in the platform: all or nothing")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--check", action="store_true", help="only validate; store nothing (no database needed)")
    imp.add_argument("--activate", action="store_true", help="activate it at once (default: stored as a draft)")
    imp.add_argument("--derived-from", metavar="ID", help="the edition it derives from (default: its 'previous')")
    imp.add_argument("--as", dest="as_user", metavar="USERNAME", help="acting user (default: first central admin)")
    imp.set_defaults(run=cmd_frameworks_import)

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
    except (InputError, FrameworkError, CommandError, ConfigError) as exc:
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
