"""Online backup and restore of a whole installation: the database, the stored files, local framework editions.

``create_backup`` writes one gzip'd tar archive (mode 0600) while the platform keeps serving:

- **The database, consistent at one instant.** SQLite: the online backup API copies every page, including what
  is still in the WAL (a plain file copy loses it), into ``database.sqlite3``.  PostgreSQL: a REPEATABLE READ
  transaction exports its snapshot; ``pg_dump --snapshot`` dumps exactly that snapshot (``database.pgdump``,
  custom format) and the row counts and file references of the manifest are read in the same snapshot, so the
  manifest describes the dump exactly, however many writes happen meanwhile.
- **Stored files** (``files/``: evidence, agency templates, generated documents, progress files) and any
  **edition files** loaded from outside the package (``PRONGSAI_FRAMEWORKS``), and the emblem named by
  ``PRONGSAI_GARUDA``.  Files are written once under their final name and never changed (atomic storage), and the
  database snapshot is taken first, so every file a row of the snapshot refers to already exists when it is read.
- **A manifest** (``manifest.json``): versions (Prongsai, Django, database server, pg_dump), applied migrations,
  the row count of every table (generic: whatever tables exist, the survey holding area included), every file
  with its size and SHA-256, and the files a row refers to that were missing.

``restore_backup`` refuses a database or files folder that is not empty unless ``force``; it checks the archive
against its manifest (checksums, then row counts in the restored database) and reports any difference.

The archive holds survey answers and the digests of survey codes: treat it like the database (docs/operations.md,
"Backups are sensitive").  The secret key is not included unless asked for.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import quote

from prongsai import config
from prongsai.web.bilingual import both, gettext_noop, thai

FORMAT = "prongsai-backup/1"
PART_MARK = ".part-"
NOT_AN_ARCHIVE = gettext_noop("This is not a Prongsai backup file, or the file is damaged.")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do (English, then Thai)."""


def _say_nothing(text: str) -> None:
    return None


# ------------------------------------------------------------------------------------------------- helpers


def _sha256_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _files_root() -> Path:
    from django.conf import settings

    return Path(settings.STORAGES["default"].get("OPTIONS", {}).get("location") or Path(settings.DATA_DIR) / "files")


def _database_url() -> str:
    from django.db import connection

    params = connection.settings_dict
    auth = quote(params.get("USER") or "", safe="")
    if params.get("PASSWORD"):
        auth += ":" + quote(params["PASSWORD"], safe="")
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgresql://{auth}{'@' if auth else ''}{host}{port}/{quote(params['NAME'], safe='')}"


def _pg_tool(name: str) -> str:
    from django.conf import settings

    folder = settings.PRONGSAI_PG_BIN
    found = shutil.which(name, path=str(folder) if folder else None) or shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed (not on PATH): install the PostgreSQL client tools of the same major version "
            f"as the server (Debian: apt-get install postgresql-client-15) or point PRONGSAI_PG_BIN at their folder. "
            f"/ "
            + thai(
                gettext_noop(
                    "%(name)s is not installed: install the PostgreSQL client tools of the same "
                    "major version as the server, or point PRONGSAI_PG_BIN at their folder."
                ),
                name=name,
            )
        )
    return found


def _tool_version(path: str) -> str:
    try:
        return subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return ""


def file_field_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of every installed model: where rows refer to stored files."""
    from django.apps import apps
    from django.db import models

    columns = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                columns.append((model._meta.db_table, field.column))
    return sorted(set(columns))


def _applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_tables(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote_identifier(table)}")  # noqa: S608 - names from the catalog
        counts[table] = cursor.fetchone()[0]
    return counts


def _referenced(cursor, tables: set[str]) -> set[str]:
    names: set[str] = set()
    for table, column in file_field_columns():
        if table not in tables:
            continue
        quoted = _quote_identifier(column)
        cursor.execute(
            f"SELECT DISTINCT {quoted} FROM {_quote_identifier(table)} "  # noqa: S608
            f"WHERE {quoted} IS NOT NULL AND {quoted} <> ''"
        )
        names.update(row[0] for row in cursor.fetchall())
    return names


# ------------------------------------------------------------------------------------------- the database


def _sqlite_snapshot(work: Path) -> dict:
    from django.db import connection

    source = Path(connection.settings_dict["NAME"])
    target = work / "database.sqlite3"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step under one read transaction: a snapshot, WAL pages included; writers go on
    finally:
        src.close()
    try:
        cursor = dst.cursor()
        check = cursor.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [
            r[0]
            for r in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = _count_tables(cursor, tables)
        referenced = _referenced(cursor, set(tables))
        applied = _applied_migrations(cursor) if "django_migrations" in tables else {}
        version = cursor.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        dst.close()
    if check != "ok":
        raise BackupError(
            f"the copied database fails SQLite's integrity check: {check} "
            f"/ {thai(gettext_noop('The copy of the database fails the integrity check.'))}"
        )
    size, digest = _sha256_file(target)
    return {
        "engine": "sqlite",
        "file": target.name,
        "size": size,
        "sha256": digest,
        "server_version": version,
        "integrity_check": check,
        "tables": counts,
        "migrations": applied,
        "referenced_files": referenced,
    }


def _postgres_snapshot(work: Path) -> dict:
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    url = _database_url()
    target = work / "database.pgdump"
    with psycopg.connect(url, autocommit=True) as conn:  # autocommit: the BEGIN below is the transaction
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # (mypy) these queries always return one row
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        server = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]  # one row
        # the dump runs while this transaction holds the snapshot open
        dump = subprocess.Popen(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={url}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
            tables = [r[0] for r in cursor.fetchall()]
            counts = _count_tables(cursor, tables)
            referenced = _referenced(cursor, set(tables))
            applied = _applied_migrations(cursor) if "django_migrations" in tables else {}
        _, errors = dump.communicate()
        conn.execute("COMMIT")
    if dump.returncode != 0:
        hint = ""
        if "version mismatch" in errors:
            hint = " " + both(
                gettext_noop("pg_dump must be the same major version as the server (or newer)"), sep=" / "
            )
        raise BackupError(f"pg_dump failed: {errors.strip()[:800]}{hint}")
    size, digest = _sha256_file(target)
    return {
        "engine": "postgresql",
        "file": target.name,
        "size": size,
        "sha256": digest,
        "server_version": server,
        "pg_dump": _tool_version(pg_dump),
        "tables": counts,
        "migrations": applied,
        "referenced_files": referenced,
    }


# --------------------------------------------------------------------------------------------------- backup


def _extra_sources() -> list[tuple[str, Path]]:
    """(name in the archive, path) of the edition files loaded from outside the package, and the emblem."""
    from prongsai.core import framework

    extra = []
    for index, directory in enumerate(framework.framework_dirs()[1:]):
        if directory.is_dir():
            for path in sorted(directory.glob("*.yaml")):
                extra.append((f"editions/{index}/{path.name}", path))
    emblem = config.garuda_emblem()
    if emblem and emblem.is_file():
        extra.append((f"emblem/{emblem.name}", emblem))
    return extra


class _HashingReader(io.RawIOBase):
    def __init__(self, handle, size: int):
        self.handle, self.left, self.digest = handle, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        data = self.handle.read(min(len(buffer), self.left))
        if not data:
            raise BackupError("a file shrank while it was being backed up")
        buffer[: len(data)] = data
        self.left -= len(data)
        self.digest.update(data)
        return len(data)


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict | None:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None  # removed since it was listed (a replaced template): not referenced by the snapshot
    with handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(handle.fileno()).st_mtime)
        reader = _HashingReader(handle, size)
        archive.addfile(info, io.BufferedReader(reader, 1024 * 1024))
        return {"path": name, "size": size, "sha256": reader.digest.hexdigest()}


def create_backup(target: Path, *, include_secret_key: bool = False, say: Callable[[str], None] = _say_nothing) -> dict:
    """Write the backup archive ``target`` (refusing to overwrite); returns the manifest."""
    import django
    from django.conf import settings
    from django.db import connection

    import prongsai

    target = Path(target).expanduser().resolve()
    if target.exists():
        raise BackupError(
            f"{target} exists already: choose a new file name "
            f"/ {thai(gettext_noop('A file of this name exists already.'))}"
        )
    if not target.parent.is_dir():
        raise BackupError(
            f"{target.parent} is not a folder / {thai(gettext_noop('The destination folder was not found.'))}"
        )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=".prongsai-backup-", dir=target.parent) as scratch:
        work = Path(scratch)
        os.chmod(work, 0o700)
        say(f"database ({connection.vendor}): taking a consistent snapshot")
        database = _sqlite_snapshot(work) if connection.vendor == "sqlite" else _postgres_snapshot(work)
        referenced = database.pop("referenced_files")
        partial = target.with_name(f".{target.name}{PART_MARK}{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive:
                archive.add(work / database["file"], arcname=f"database/{database['file']}")
                root = _files_root()
                files = []
                if root.is_dir():
                    say(f"stored files: {root}")
                    for path in sorted(p for p in root.rglob("*") if p.is_file() and PART_MARK not in p.name):
                        entry = _add_file(archive, f"files/{path.relative_to(root).as_posix()}", path)
                        if entry:
                            files.append(entry)
                extra = []
                for name, path in _extra_sources():
                    entry = _add_file(archive, name, path)
                    if entry:
                        extra.append({**entry, "source": str(path)})
                secret = settings.SECRET_KEY.encode()
                if include_secret_key:
                    info = tarfile.TarInfo("secret/secret_key")
                    info.size, info.mode = len(secret), 0o600
                    archive.addfile(info, io.BytesIO(secret))
                stored = {entry["path"][len("files/") :] for entry in files}
                manifest = {
                    "format": FORMAT,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "host": socket.gethostname(),
                    "versions": {
                        "prongsai": getattr(prongsai, "__version__", ""),
                        "django": django.get_version(),
                        "python": platform.python_version(),
                    },
                    "database": database,
                    "files": files,
                    "extra": extra,
                    "missing_referenced_files": sorted(referenced - stored),
                    "secret_key_included": include_secret_key,
                    # recognises the key at restore (a different key invalidates sessions and unused codes)
                    "secret_key_fingerprint": hashlib.sha256(b"prongsai-backup\0" + secret).hexdigest()[:16],
                    "seconds": 0.0,
                }
                manifest["seconds"] = round(time.monotonic() - started, 2)
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# -------------------------------------------------------------------------------------------------- restore


def _member_file(archive: tarfile.TarFile, member: tarfile.TarInfo, source: Path) -> IO[bytes]:
    """A regular file of the archive.  Under a name the manifest gives, a folder or a link (for which tarfile's
    ``extractfile`` has no file) means the archive is damaged or not one of ours: refused with a clear message."""
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupError(
            f"{source}: not a Prongsai backup archive (or damaged): {member.name} is not a file "
            f"/ {thai(NOT_AN_ARCHIVE)}"
        )
    return handle


def read_manifest(source: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as archive:
            member = archive.getmember("manifest.json")
            manifest = json.loads(_member_file(archive, member, source).read())
    except FileNotFoundError:
        raise BackupError(f"{source}: file not found / {thai(gettext_noop('File not found.'))}") from None
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError, EOFError):
        raise BackupError(f"{source}: not a Prongsai backup archive (or damaged) / {thai(NOT_AN_ARCHIVE)}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def _database_is_empty() -> tuple[bool, str]:
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True, str(path)
        with sqlite3.connect(path) as db:
            count = db.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        return count == 0, str(path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
        count = cursor.fetchone()[0]
    return count == 0, f"PostgreSQL database {connection.settings_dict['NAME']}"


def _safe_member(member: tarfile.TarInfo, prefix: str) -> str:
    name = member.name
    if not member.isfile() or name.startswith("/") or ".." in Path(name).parts or not name.startswith(prefix):
        raise BackupError(
            f"unsafe entry in the archive: {name!r} / {thai(gettext_noop('The backup file holds an unsafe entry.'))}"
        )
    return name[len(prefix) :]


def restore_backup(source: Path, *, force: bool = False, say: Callable[[str], None] = _say_nothing) -> dict:
    """Restore ``source`` into this installation's (empty) database and data folder; returns a report with the
    verification against the manifest."""
    from django.db import connection

    source = Path(source).expanduser().resolve()
    manifest = read_manifest(source)
    engine = manifest["database"]["engine"]
    here = "sqlite" if connection.vendor == "sqlite" else "postgresql"
    if engine != here:
        raise BackupError(
            f"the backup holds a {engine} database but this installation uses {here}: set or unset "
            f"DATABASE_URL to match / "
            + thai(
                gettext_noop("The database in the backup is %(engine)s but this installation uses %(here)s."),
                engine=engine,
                here=here,
            )
        )
    empty, where = _database_is_empty()
    root = _files_root()
    files_present = root.is_dir() and any(p.is_file() for p in root.rglob("*"))
    if not force and (not empty or files_present):
        what = where if not empty else str(root)
        raise BackupError(
            both(
                gettext_noop(
                    "%(what)s is not empty: restore only into an empty database and data folder, or give --force to "
                    "replace what is there"
                ),
                sep=" / ",
                what=what,
            )
        )
    problems: list[str] = []
    with (
        tarfile.open(source, "r:gz") as archive,
        tempfile.TemporaryDirectory(
            prefix=".prongsai-restore-", dir=root.parent if root.parent.is_dir() else None
        ) as scratch,
    ):
        work = Path(scratch)
        members = {m.name: m for m in archive.getmembers()}
        db_name = f"database/{manifest['database']['file']}"
        if db_name not in members:
            raise BackupError(
                f"{source}: the database is missing from the archive "
                f"/ {thai(gettext_noop('The database is missing from the backup file.'))}"
            )
        database_file = work / manifest["database"]["file"]
        with _member_file(archive, members[db_name], source) as src, open(database_file, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        if _sha256_file(database_file)[1] != manifest["database"]["sha256"]:
            raise BackupError(
                f"{source}: the database in the archive does not match its checksum (damaged file) "
                f"/ {thai(gettext_noop('The database in the backup file does not match its checksum.'))}"
            )
        say(f"database ({engine}): restoring")
        if engine == "sqlite":
            _restore_sqlite(database_file)
        else:
            _restore_postgres(database_file, clean=not empty)
        say(f"stored files: {root}")
        if force and root.is_dir():
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
        expected = {entry["path"]: entry for entry in manifest["files"]}
        for name, entry in expected.items():
            member = members.get(name)
            if member is None:
                problems.append(f"missing from the archive: {name}")
                continue
            relative = _safe_member(member, "files/")
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with _member_file(archive, member, source) as src, open(path, "wb") as dst:
                while chunk := src.read(1024 * 1024):
                    digest.update(chunk)
                    dst.write(chunk)
            if digest.hexdigest() != entry["sha256"]:
                problems.append(f"checksum differs: {name}")
        extra_root = root.parent / "restored-extra"
        for entry in manifest.get("extra", []):
            member = members.get(entry["path"])
            if member is None:
                problems.append(f"missing from the archive: {entry['path']}")
                continue
            path = extra_root / _safe_member(member, "")
            path.parent.mkdir(parents=True, exist_ok=True)
            with _member_file(archive, member, source) as src:
                path.write_bytes(src.read())
        if manifest.get("secret_key_included") and "secret/secret_key" in members:
            extra_root.mkdir(parents=True, exist_ok=True)
            with _member_file(archive, members["secret/secret_key"], source) as src:
                (extra_root / "secret_key").write_bytes(src.read())
            os.chmod(extra_root / "secret_key", 0o600)
    counts = _restored_counts()
    for table, count in manifest["database"]["tables"].items():
        if counts.get(table) != count:
            problems.append(f"table {table}: {counts.get(table)} rows restored, {count} in the manifest")
    return {
        "manifest": manifest,
        "problems": problems,
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(expected),
        "extra_folder": str(extra_root) if manifest.get("extra") or manifest.get("secret_key_included") else "",
    }


def _restore_sqlite(database_file: Path) -> None:
    from django.db import connection

    connection.close()
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}{PART_MARK}{os.getpid()}")
    shutil.copyfile(database_file, staged)
    os.chmod(staged, 0o600)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def _restore_postgres(dump: Path, *, clean: bool) -> None:
    from django.db import connection

    pg_restore = _pg_tool("pg_restore")
    connection.close()
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={_database_url()}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    result = subprocess.run([*command, str(dump)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore failed: {result.stderr.strip()[:800]} (pg_restore must be the same major "
            f"version as the dump's pg_dump, or newer) / {thai(gettext_noop('pg_restore failed.'))}"
        )


def _restored_counts() -> dict[str, int]:
    from django.db import connection

    connection.close()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        else:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE'"
            )
        tables = [r[0] for r in cursor.fetchall()]
        return _count_tables(cursor, tables)
