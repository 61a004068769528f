"""``prongsai documents AGENCY --round ID --out DIR``: write an agency's document pack (DOCX, PDF and the ZIP).

AGENCY is the agency's code or its exact Thai name (or short name); ID is the working round's id (or its
framework id when unique), e.g. the 2563 round whose pack analyses the 2562 result.  Unknown agency or round:
exit 2 with one clear message (``CommandError``).  Registered by ``prongsai.web.commands.register`` through
``register(subparsers)``; nothing here imports Django until the command runs.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from prongsai.cli_base import CommandError
from prongsai.web.setup import setup_django

if TYPE_CHECKING:
    from concurrent.futures import Executor


def _find_agency(ident: str):
    from django.db.models import Q

    from prongsai.web.agencies.models import Agency

    ident = ident.strip()
    match = list(Agency.objects.filter(code=ident)) or list(
        Agency.objects.filter(Q(name_th=ident) | Q(short_name=ident) | Q(name_en=ident))
    )
    if len(match) == 1:
        return match[0]
    if not match:
        raise CommandError(f"no agency '{ident}' (give its code, e.g. ESA-SKN, or its exact name)")
    raise CommandError(
        f"'{ident}' names {len(match)} agencies ({', '.join(a.code for a in match[:10])}); give the code"
    )


def _find_round(ident: str):
    from prongsai.web.rounds.models import AssessmentRound

    rounds = list(AssessmentRound.objects.order_by("fiscal_year", "framework_id"))
    ident = ident.strip()
    match = [r for r in rounds if str(r.pk) == ident] or [r for r in rounds if r.framework_id == ident]
    if len(match) == 1:
        return match[0]
    listing = "; ".join(f"{r.pk} = {r.framework_id} {r.fiscal_year}" for r in rounds) or "none yet"
    raise CommandError(f"no single round '{ident}' (rounds: {listing})")


def cmd_documents(args: argparse.Namespace) -> str:
    from prongsai.documents import pdf_pool

    # the PDF workers start before Django is set up: they import WeasyPrint while this process reads the data
    with pdf_pool(args.jobs) as pool:
        return _write_pack(args, pool)


def _write_pack(args: argparse.Namespace, pool: Executor | None) -> str:
    setup_django()
    from prongsai.web.documents import pack

    agency = _find_agency(args.agency)
    round_ = _find_round(args.round)
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out}: exists and is not a directory")
    try:
        from prongsai.web.documents.emblems import emblem_bytes

        # drafts for review, with the agency's emblem: the published evidence pack is built in the web UI from
        # the versions the director approved (documents/signoff.py), so this ZIP is named "draft-pack"
        rendered = pack.render(
            round_,
            agency,
            None,
            {},
            with_zip=True,
            use_agency_templates=True,
            emblem=emblem_bytes(agency),
            pdf_pool=pool,
        )
        rendered.zip_name = rendered.zip_name.replace("evidence-pack", "draft-pack")
    except pack.PackError as exc:
        raise CommandError(str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    written = []
    from prongsai.core.atomicfile import atomic_write  # a killed run leaves no truncated document

    for output in rendered.outputs:
        atomic_write(out / output.name, output.data)
        written.append(output.name)
    atomic_write(out / rendered.zip_name, rendered.zip)  # type: ignore[arg-type]  # rendered outputs carry their bytes
    written.append(rendered.zip_name)
    lines = [
        (
            f"{agency.short_name or agency.name_th} ({agency.code}), round {round_.pk} "
            f"({round_.framework_id} {round_.fiscal_year}): {len(written)} files in {out}"
        )
    ]
    lines += [f"  {name}" for name in written]
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("documents", help="write an agency's ITA document pack (DOCX, PDF, ZIP) to a folder")
    parser.add_argument("agency", metavar="AGENCY", help="agency code (e.g. ESA-SKN) or exact name")
    parser.add_argument(
        "--round",
        required=True,
        metavar="ID",
        help="the working round's id (or framework id when unique), e.g. the 2563 round",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created if missing)")
    parser.add_argument(
        "--jobs",
        type=int,
        choices=range(1, 9),
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="lay the PDFs out in N processes (default: 2 when there are two cores; 1 = none)",
    )
    parser.set_defaults(run=cmd_documents)
