"""Commands of the agencies feature (registered by prongsai.web.commands): ``prongsai import-agencies FILE`` and
``prongsai import-people FILE``.  Both are all-or-nothing; every problem is printed and the exit status is 2."""

from __future__ import annotations

import argparse
from pathlib import Path

from prongsai.cli_base import CommandError


def _actor(username: str | None):
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Membership, Role

    if username:
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user '{username}'")
        return actor
    membership = Membership.objects.filter(role=Role.CENTRAL_ADMIN).select_related("user").order_by("pk").first()
    if membership is None:
        raise CommandError("no central admin to import as: run 'prongsai createadmin USERNAME' or give --as")
    return membership.user


def _run(args: argparse.Namespace, what: str):
    from prongsai.core.tabular import InputError, read_table
    from prongsai.web.setup import setup_django

    setup_django()
    from django.core.exceptions import PermissionDenied

    from prongsai.web.agencies import imports

    actor = _actor(args.as_user)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a file") from None
    try:
        table = read_table(path, data=data)
        if what == "agencies":
            return actor, path, imports.import_agencies(actor, table)
        return actor, path, imports.import_people(actor, table)
    except InputError as exc:
        lines = [p.message() for p in exc.problems]
        raise CommandError(f"{len(lines)} problem(s); nothing was imported\n" + "\n".join(lines)) from None
    except PermissionDenied:
        raise CommandError(f"user '{actor.username}' may not import {what}") from None


def cmd_import_agencies(args: argparse.Namespace) -> str:
    actor, path, created = _run(args, "agencies")
    return f"imported {len(created)} agencies from {path.name} as {actor.username}"


def cmd_import_people(args: argparse.Namespace) -> str:
    actor, path, result = _run(args, "people")
    return (
        f"imported {result.users_created} people and {result.roles_granted} role(s) from {path.name} "
        f"as {actor.username}"
    )


def register(sub) -> None:
    agencies = sub.add_parser("import-agencies", help="register agencies from a CSV/XLSX file: all or nothing")
    agencies.add_argument(
        "file",
        metavar="FILE",
        help="columns: code, name_th, short_name, kind, subkind, parent_code, province, region, website",
    )
    agencies.add_argument("--as", dest="as_user", metavar="USERNAME", help="acting user (default: first central admin)")
    agencies.set_defaults(run=cmd_import_agencies)

    people = sub.add_parser("import-people", help="add people and their roles from a CSV/XLSX file: all or nothing")
    people.add_argument(
        "file",
        metavar="FILE",
        help="columns: username, title_th, full_name_th, position_th, email, agency_code, role, unit",
    )
    people.add_argument("--as", dest="as_user", metavar="USERNAME", help="acting user (default: first central admin)")
    people.set_defaults(run=cmd_import_people)
