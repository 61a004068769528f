#!/usr/bin/env python
"""Backup and restore benchmark: how long `prongsai backup` and `prongsai restore` take on a sizeable installation.

    python bench/backup.py [--responses 200000] [--files 300] [--file-kb 200] [--database-url postgres://…/name]

1. Makes a data folder (SQLite, or the given PostgreSQL database, dropped and created), migrates it, loads the
   test cast, bulk-inserts ``--responses`` survey responses of ESA-SKN (51 answers each, as a 2563 IIT form has)
   and writes ``--files`` stored files of ``--file-kb`` KB of random bytes (incompressible, like PDFs and images).
2. Times ``prongsai backup`` (a separate process, as an operator runs it) and ``prongsai restore`` into a second,
   empty data folder (or database), which verifies every row count and checksum.
3. Prints the figures (seconds, archive size, rows, files) and the load average: the machine is shared.

Loopback only; everything is removed at the end.  Figures: docs/benchmarks.md, "Backup and restore".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def environment(data: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRONGSAI_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update(
        {
            "PRONGSAI_DATA": str(data),
            "SECRET_KEY": "bench-" + "x" * 60,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "prongsai.web.settings",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(env: dict, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "prongsai"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"prongsai {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started, result.stdout


def fill(env: dict, responses: int, files: int, file_kb: int) -> None:
    script = f"""
import os, random, django, datetime
django.setup()
from tests.cast import build_cast
from prongsai.web.surveys.models import SurveyResponse
from django.core.files.storage import default_storage
from django.core.files.base import ContentFile
cast = build_cast()
fields = [f"I{{i}}.{{j}}" for i in range(1, 18) for j in range(1, 4)]
rng = random.Random(2563)
week = datetime.date(2020, 6, 1)
batch = []
for n in range({responses}):
    batch.append(SurveyResponse(round=cast.round_2563, agency=cast.samutsakhon, tool="IIT", group="staff",
                                week=week, answers={{f: rng.randrange(4) for f in fields}}))
    if len(batch) == 5000:
        SurveyResponse.objects.bulk_create(batch)
        batch = []
SurveyResponse.objects.bulk_create(batch)
for n in range({files}):
    default_storage.save(f"bench/{{n:05d}}.pdf", ContentFile(os.urandom({file_kb} * 1024)))
"""
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--file-kb", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL database to use (dropped and created; and NAME_restored)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prongsai-bench-backup-") as scratch:
        scratch = Path(scratch)
        source_url = restored_url = None
        if args.database_url:
            source_url = args.database_url
            parts = urllib.parse.urlparse(source_url)
            restored_url = parts._replace(path=parts.path + "_restored").geturl()
            fresh_database(source_url)
            fresh_database(restored_url)
        source = environment(scratch / "source", source_url)
        target = environment(scratch / "target", restored_url)
        run(source, "migrate")
        started = time.perf_counter()
        fill(source, args.responses, args.files, args.file_kb)
        filled = time.perf_counter() - started
        archive = scratch / "backup.tar.gz"
        backup_s, _ = run(source, "backup", str(archive))
        restore_s, out = run(target, "restore", str(archive))
        verified = "verified" in out
        with open("/proc/loadavg") as handle:
            load = handle.read().split()[:3]
        figures = {
            "engine": "postgresql" if source_url else "sqlite",
            "responses": args.responses,
            "files": args.files,
            "file_kb": args.file_kb,
            "fill_s": round(filled, 1),
            "backup_s": round(backup_s, 2),
            "restore_s": round(restore_s, 2),
            "archive_mb": round(archive.stat().st_size / 1024 / 1024, 1),
            "verified": verified,
            "loadavg": " ".join(load),
        }
        print(json.dumps(figures, ensure_ascii=False))
        if args.database_url:
            import psycopg

            parts = urllib.parse.urlparse(source_url)
            with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
                for url in (source_url, restored_url):
                    name = urllib.parse.urlparse(url).path.lstrip("/")
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0 if verified else 1


if __name__ == "__main__":
    raise SystemExit(main())
