"""Checks a command makes before it touches the data folder or the database, so that an operator's mistake gets a
one-paragraph answer in English and Thai (exit status 2), never a traceback.

- the data folder (``PRONGSAI_DATA``) must exist or be creatable, and be writable (a read-only mount, a folder
  owned by another account);
- the database must exist and be migrated before a command that reads it (``prongsai documents`` against an empty
  data folder used to create an empty SQLite file and fail with "no such table").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prongsai.web.bilingual import both, gettext_noop, pair


class PreflightError(Exception):
    """The message is shown as it is (the CLI prints it and exits with status 2)."""


def data_dir_problem(path: Path) -> str | None:
    """None when ``path`` can hold the data, else why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create it ({exc.strerror or exc})"
    if not path.is_dir():
        return "it is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".prongsai-write-test-"):
            pass
    except OSError as exc:
        return f"cannot write into it ({exc.strerror or exc})"
    return None


def check_data_dir(path: Path) -> None:
    problem = data_dir_problem(path)
    if problem:
        raise PreflightError(
            both(
                gettext_noop(
                    "the data folder %(path)s is not usable: %(problem)s.  Prongsai keeps its SQLite "
                    "database, uploaded "
                    "evidence and generated documents there.  Make it writable by the account that runs Prongsai "
                    "(for example: chown -R prongsai: %(path)s), or choose another folder with PRONGSAI_DATA."
                ),
                path=path,
                problem=problem,
            )
        )


def check_database() -> None:
    """The configured database exists, answers and has every migration applied."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    fix = pair(
        gettext_noop(
            "Run 'prongsai manage migrate' (or 'prongsai serve', which migrates) and 'prongsai "
            "createadmin NAME' to set "
            "up a new installation, 'prongsai restore FILE' to bring back a backup, or point PRONGSAI_DATA / "
            "DATABASE_URL at the installation you meant."
        )
    )
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        path = Path(connection.settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            raise PreflightError(
                _paragraph(
                    pair(
                        gettext_noop("there is no Prongsai database in %(folder)s (%(name)s is missing)."),
                        folder=path.parent,
                        name=path.name,
                    ),
                    fix,
                )
            )
        if not os.access(path, os.R_OK | os.W_OK):
            raise PreflightError(
                both(
                    gettext_noop(
                        "the database %(path)s cannot be read and written by this account.  Run "
                        "Prongsai as the account "
                        "that owns it."
                    ),
                    path=path,
                )
            )
    where = (
        connection.settings_dict["NAME"]
        if connection.vendor == "sqlite"
        else f"PostgreSQL database '{connection.settings_dict['NAME']}' on "
        f"{connection.settings_dict.get('HOST') or 'localhost'}:{connection.settings_dict.get('PORT') or 5432}"
    )
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        empty = not executor.loader.applied_migrations
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PreflightError(
            _paragraph(
                pair(
                    gettext_noop(
                        "cannot open the %(where)s: %(error)s.  Check that the server runs and DATABASE_URL is right."
                    ),
                    where=where,
                    error=first,
                ),
                fix,
            )
        ) from None
    if empty:
        raise PreflightError(
            _paragraph(pair(gettext_noop("the %(where)s is empty (no Prongsai tables)."), where=where), fix)
        )
    if pending:
        raise PreflightError(
            both(
                gettext_noop(
                    "the %(where)s needs %(count)s migration(s) of this version of Prongsai: run "
                    "'prongsai manage migrate' "
                    "first (docs/operations.md, Upgrade)."
                ),
                where=where,
                count=len(pending),
            )
        )


def _paragraph(*parts: tuple[str, str]) -> str:
    """English sentences, then their Thai on the next line."""
    return "  ".join(en for en, _th in parts) + "\n" + " ".join(th for _en, th in parts)
