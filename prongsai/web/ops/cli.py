"""``prongsai backup FILE`` and ``prongsai restore FILE`` (docs/operations.md, "Backup and restore")."""

from __future__ import annotations

import argparse
from pathlib import Path

from prongsai.cli_base import CommandError


def _say(text: str) -> None:
    print(f"  {text}", flush=True)


def cmd_backup(args: argparse.Namespace) -> str:
    from prongsai.web.setup import setup_django

    setup_django()
    from prongsai.web.bilingual import gettext_noop, thai
    from prongsai.web.ops.backup import BackupError, create_backup

    try:
        manifest = create_backup(Path(args.file), include_secret_key=args.include_secret_key, say=_say)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    database = manifest["database"]
    rows = sum(database["tables"].values())
    lines = [
        f"backup written: {Path(args.file).expanduser().resolve()} (mode 0600, {manifest['seconds']} s)",
        f"  database: {database['engine']} {database['server_version']}, {len(database['tables'])} tables, {rows} rows",
        f"  files: {len(manifest['files'])} stored, {len(manifest['extra'])} editions/emblem from outside the package",
        "  it holds survey answers and code digests: keep it as safe as the database "
        f"({thai(gettext_noop('The backup holds survey answers: keep it as safe as the database.'))})",
    ]
    if manifest["missing_referenced_files"]:
        lines.append(
            f"  warning: {len(manifest['missing_referenced_files'])} file(s) referenced by the database "
            f"were already missing: {', '.join(manifest['missing_referenced_files'][:5])}"
        )
    if not manifest["secret_key_included"]:
        lines.append(
            "  the SECRET_KEY is not in the backup: keep it apart (without it, sessions and unused "
            "survey codes do not survive a restore)"
        )
    return "\n".join(lines)


def cmd_restore(args: argparse.Namespace) -> str:
    from prongsai.web.setup import setup_django

    setup_django(require_database=False)  # restore fills an empty database
    from django.conf import settings

    from prongsai.web.ops.backup import BackupError, read_manifest, restore_backup

    try:
        manifest = read_manifest(Path(args.file).expanduser())
        report = restore_backup(Path(args.file), force=args.force, say=_say)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    import hashlib

    lines = [
        f"restored {args.file} (made {manifest['created_at']} on {manifest['host']}): "
        f"{report['tables']} tables, {report['rows']} rows, {report['files']} files"
    ]
    if report["extra_folder"]:
        lines.append(
            f"  edition files, emblem and (if it was included) the secret key: {report['extra_folder']} "
            f"(point PRONGSAI_FRAMEWORKS / PRONGSAI_GARUDA there; put the key in SECRET_KEY)"
        )
    fingerprint = hashlib.sha256(b"prongsai-backup\0" + settings.SECRET_KEY.encode()).hexdigest()[:16]
    if fingerprint != manifest["secret_key_fingerprint"]:
        lines.append(
            "  note: this installation's SECRET_KEY differs from the backed-up one: sessions, unused survey "
            "codes and forms in progress are no longer valid (set the old SECRET_KEY to keep them)"
        )
    lines.append("  next: 'prongsai manage migrate' if this version is newer than the backup's, then start the service")
    if report["problems"]:
        raise CommandError(
            "restore finished with differences from the manifest:\n  "
            + "\n  ".join(report["problems"])
            + "\n"
            + "\n".join(lines)
        )
    lines.insert(1, "  verified: every table's row count and every file's SHA-256 match the manifest")
    return "\n".join(lines)


def cmd_migrate(args: argparse.Namespace) -> str:
    """What an upgrade or a first start needs before the service runs: migrations, the cache table, static files."""
    from prongsai.web.setup import _migrate, setup_django

    setup_django(require_database=False)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError

    from prongsai.web.bilingual import gettext_noop, thai

    try:
        _migrate()
    except DatabaseError as exc:
        raise CommandError(
            f"cannot migrate {settings.DATABASES['default']['NAME']}: {str(exc).strip()[:300]} "
            f"/ {thai(gettext_noop('The database could not be migrated.'))}"
        ) from None
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    return f"database {settings.DATABASES['default']['NAME']} is up to date"


def register(sub: argparse._SubParsersAction) -> None:
    migrate = sub.add_parser("migrate", help="apply database migrations, create the cache table, collect static files")
    migrate.set_defaults(run=cmd_migrate)

    backup = sub.add_parser("backup", help="online backup: database snapshot, stored files, local editions (0600)")
    backup.add_argument("file", metavar="FILE", help="the archive to write (.tar.gz; must not exist)")
    backup.add_argument(
        "--include-secret-key",
        action="store_true",
        help="also store SECRET_KEY (makes the archive able to link slips to answers: see docs)",
    )
    backup.set_defaults(run=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup into an empty database and data folder")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--force", action="store_true", help="replace a database and files folder that are not empty")
    restore.set_defaults(run=cmd_restore)
