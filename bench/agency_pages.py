#!/usr/bin/env python
"""Agency dashboards measured by CPU, not wall time (issue 14 §2): what a page costs the app and PostgreSQL.

    python bench/agency_pages.py [--database-url postgres://postgres@127.0.0.1:5432/prongsai_bench_national]
                                 [--requests 40] [--rounds 3] [--compare REF] [--json FILE]

Run it after ``bench/national.py``, on the database that loaded (it reads, never drops).  For the dashboards of
bench/national.py (the officer's own office, the same office as the central admin, a school as the central
admin) it renders ``--requests`` pages in one process through Django's test client and reports per page: the
queries, the CPU of this process (the view, the templates, the ORM), the CPU of the PostgreSQL backend that
served them (from /proc: the server must run on this machine) and the wall time.  On a shared machine the two
CPU figures hold where the wall time does not.  ``--compare REF`` measures the same pages with that commit of
the repository (``git archive``, same Python and packages), the two alternated ``--rounds`` times; the medians
are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def server_env(database_url: str) -> dict[str, str]:
    """Production settings for the in-process pages (read by tests/integration/test_bench_smoke.py too)."""
    return {
        "DATABASE_URL": database_url,
        "PRONGSAI_DATA": tempfile.mkdtemp(prefix="prongsai-bench-"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PRONGSAI_ENV": "production",
        "PRONGSAI_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver",
        "PRONGSAI_BASE_URL": "https://ita.bench.example",  # production refuses http:// links; never requested
        "DJANGO_SETTINGS_MODULE": "prongsai.web.settings",
    }


def measure(database_url: str, requests: int) -> dict:
    """In a child process whose PYTHONPATH picks the checkout: every page's figures."""
    os.environ.update(server_env(database_url))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files: not served here
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from prongsai.web.agencies.models import Agency, Membership
    from prongsai.web.rounds.models import AssessmentRound

    users = get_user_model().objects
    officer, central = Client(), Client()
    officer.force_login(users.get(username="bench-officer"))
    central.force_login(users.get(username="bench-central"))
    office = Membership.objects.filter(user__username="bench-officer").select_related("agency").first().agency
    school = Agency.objects.filter(kind="school").order_by("code").first()
    closed = AssessmentRound.objects.filter(results_published=True).order_by("-fiscal_year")
    esa_round = (
        closed.filter(framework_id__contains="2564").exclude(framework_id__contains="school").first() or closed.first()
    )
    school_round = closed.filter(framework_id__contains="school").first()
    pages = {
        "its office (officer)": (officer, f"/agencies/{office.code}/?round={esa_round.pk}"),
        "an ESA office (central)": (central, f"/agencies/{office.code}/?round={esa_round.pk}"),
        "a school (central)": (central, f"/agencies/{school.code}/?round={school_round.pk}"),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def backend_cpu() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    results = {}
    for name, (client, url) in pages.items():
        assert client.get(url).status_code == 200, url  # warm-up: caches, a rebuild of stale standings
        queries: list[str] = []

        def count(execute, sql, *args, seen=queries):
            seen.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            client.get(url)
        cpu, db, wall = time.process_time(), backend_cpu(), time.perf_counter()
        for _ in range(requests):
            client.get(url)
        results[name] = {
            "queries": len(queries),
            "cpu_ms": 1000 * (time.process_time() - cpu) / requests,
            "db_cpu_ms": 1000 * (backend_cpu() - db) / requests,
            "wall_ms": 1000 * (time.perf_counter() - wall) / requests,
        }
    shutil.rmtree(os.environ["PRONGSAI_DATA"], ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prongsai_bench_national"),
    )
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="REF")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.database_url, args.requests)))
        return 0

    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="prongsai-agency-pages-"))
    try:
        sources = {"this": ROOT}
        if args.compare:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.compare], check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
            sources[args.compare] = work
        runs: dict[str, list[dict]] = {label: [] for label in sources}
        for n in range(args.rounds):
            for label in list(sources) if n % 2 == 0 else list(sources)[::-1]:
                env = {**os.environ, "PYTHONPATH": str(sources[label])}
                out = subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--child",
                        "--database-url",
                        args.database_url,
                        "--requests",
                        str(args.requests),
                    ],
                    env=env,
                    cwd=work,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs[label].append(json.loads(out.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    print(
        f"load average before {' '.join(f'{v:.2f}' for v in load_before)}, after "
        f"{' '.join(f'{v:.2f}' for v in load_after)}; nproc {os.cpu_count()}; {args.rounds} rounds of "
        f"{args.requests} pages, medians of the rounds"
    )
    medians = {
        label: {page: {k: statistics.median(r[page][k] for r in rounds) for k in rounds[0][page]} for page in rounds[0]}
        for label, rounds in runs.items()
    }
    for label, pages in medians.items():
        print(f"\n{label}")
        print(f"  {'page':<26} {'queries':>7} {'app CPU':>9} {'PG CPU':>8} {'wall':>8}")
        for page, m in pages.items():
            print(
                f"  {page:<26} {m['queries']:7.0f} {m['cpu_ms']:6.1f} ms {m['db_cpu_ms']:5.1f} ms "
                f"{m['wall_ms']:5.1f} ms"
            )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"runs": runs, "medians": medians, "load_before": load_before, "load_after": load_after}, indent=2
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
