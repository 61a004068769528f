#!/usr/bin/env python
"""Link-check benchmark (issue 14 §3): URLs checked per second on one worker, concurrent vs one by one.

    python bench/linkcheck.py [--urls 2000] [--hosts 20] [--latency 100] [--workers 64] [--per-host 8]
                              [--sequential 100] [--port 18150] [--tasks 0] [--batch 200]
                              [--database-url URL] [--json]

1. Starts, in its own process, an asyncio HTTP server on loopback that answers every request after ``--latency``
   milliseconds with a 1.6 KB Thai evidence page (the fiscal year in Thai digits and the item's keyword).  It
   listens on ``--hosts`` loopback addresses (127.0.0.2, 127.0.0.3, …) at ``--port``, so the URLs belong to that
   many different host names, as a district's school sites do; the per-host limit then applies as in production.
2. Checks ``--sequential`` URLs one after the other (``linkbatch.check_sequentially``: the reference path) and then
   all ``--urls`` URLs concurrently (``linkbatch.check_many``, ``--workers`` threads, ``--per-host`` each), both
   through the same ``linkcheck.check_url`` (SSRF guard with the address pinned, per-check deadline, size cap),
   and compares the outcome of every URL checked both ways: they must be identical.
3. With ``--tasks N``: N links are stored in a fresh database (SQLite in a temporary folder, or
   ``--database-url``), queued as the platform queues them (``enqueue_checks``: ``--batch`` links per task) and
   run by
   django-tasks-db's own worker in this process, recording a ``LinkCheck`` and an audit entry per link: the
   end-to-end figure of one worker.

Prints URLs/s, the ratio to the one-by-one path measured in the same run, the CPU seconds of this process and the
load average before and after (the machine may be shared).  Exit 0 when the outcomes agree (a benchmark reports
its figures whether or not the target is met), 1 otherwise.  Figures: docs/benchmarks.md, "Link checks".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = (
    '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>โครงสร้างหน่วยงาน</title></head>'
    "<body><h1>โครงสร้างการแบ่งส่วนราชการ</h1><p>แผนผังโครงสร้าง กลุ่ม/หน่วย ประจำปีงบประมาณ พ.ศ. ๒๕๖๓</p>"
    + "<p>ข้อมูลของหน่วยงาน</p>" * 40
    + "</body></html>"
).encode()


def host_addresses(count: int) -> list[str]:
    return [f"127.0.0.{2 + i}" for i in range(count)]


# ------------------------------------------------------------------------------------------------ the server


async def _serve(addresses: list[str], port: int, latency: float, ready) -> None:
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
        b"Content-Length: %d\r\n\r\n" % len(PAGE)
    ) + PAGE

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(latency)
            writer.write(response)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, address, port, backlog=1024) for address in addresses]
    ready.set()
    await asyncio.gather(*(s.serve_forever() for s in servers))


def serve(addresses: list[str], port: int, latency: float, ready) -> None:
    asyncio.run(_serve(addresses, port, latency, ready))


# ---------------------------------------------------------------------------------------------- the checker


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def run_checker(urls: list[str], args) -> tuple[list[dict], bool]:
    from prongsai.web.oit import linkbatch

    options = linkbatch.Options(allow_loopback=True, timeout=15, deadline=60)
    jobs = [linkbatch.Job(key=i, url=url, years=(2563,), keywords=("โครงสร้าง",)) for i, url in enumerate(urls)]
    rows = []
    reference = {}
    if args.sequential:
        started, cpu = time.perf_counter(), cpu_seconds()
        for job, result in linkbatch.check_sequentially(jobs[: args.sequential], options):
            reference[job.key] = result.outcome()
        rows.append(row("sequential", args.sequential, time.perf_counter() - started, cpu_seconds() - cpu))
    started, cpu = time.perf_counter(), cpu_seconds()
    outcomes = {}
    verdicts: dict[str, int] = {}
    for job, result in linkbatch.check_many(jobs, options, workers=args.workers, per_host=args.per_host):
        outcomes[job.key] = result.outcome()
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    rows.append(row("concurrent", len(jobs), time.perf_counter() - started, cpu_seconds() - cpu))
    rows[-1]["verdicts"] = verdicts
    same = all(outcomes[key] == value for key, value in reference.items()) and len(outcomes) == len(jobs)
    return rows, same


def row(path: str, count: int, seconds: float, cpu: float) -> dict:
    return {
        "path": path,
        "urls": count,
        "seconds": round(seconds, 2),
        "urls_per_s": round(count / seconds, 1),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_url": round(1000 * cpu / count, 2),
    }


def run_tasks(urls: list[str], args) -> dict:
    """The worker's path: links in the database, queued in batches, run by django-tasks-db's worker."""
    data = args.data or tempfile.mkdtemp(prefix="prongsai-bench-linkcheck-")
    os.environ["PRONGSAI_DATA"] = data
    os.environ.setdefault("PRONGSAI_ENV", "development")
    os.environ["PRONGSAI_LINKCHECK_ALLOW_LOOPBACK"] = "1"
    os.environ["PRONGSAI_LINKCHECK_WORKERS"] = str(args.workers)
    os.environ["PRONGSAI_LINKCHECK_PER_HOST"] = str(args.per_host)
    os.environ["PRONGSAI_LINKCHECK_BATCH"] = str(args.batch)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    from prongsai.web.commands import _migrate, setup_django

    setup_django(require_database=False)  # the bench migrates its own new database below
    _migrate()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from prongsai.web.agencies.models import Agency, AgencyKind
    from prongsai.web.oit.common import enqueue_checks
    from prongsai.web.oit.models import EvidenceLink, LinkCheck, OITEntry
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus
    from prongsai.web.tasks import run_pending_tasks

    LinkCheck.objects.all().delete()
    EvidenceLink.objects.all().delete()
    user, _ = get_user_model().objects.get_or_create(username="bench")
    round_, _ = AssessmentRound.objects.get_or_create(
        framework_id="ita-2563-esa", fiscal_year=2563, defaults={"name_th": "bench", "status": RoundStatus.OPEN}
    )
    framework = round_.framework
    codes = [item.code for item in framework.oit_items]
    links = []
    schools = max(1, len(urls) // len(codes) + 1)
    for s in range(schools):
        school, _ = Agency.objects.get_or_create(
            code=f"BENCH-{s:04d}", defaults={"name_th": f"โรงเรียน {s}", "kind": AgencyKind.SCHOOL}
        )
        for code in codes:
            if len(links) == len(urls):
                break
            entry, _ = OITEntry.objects.get_or_create(round=round_, agency=school, code=code)
            links.append(EvidenceLink(entry=entry, url=urls[len(links)], created_by=user))
    EvidenceLink.objects.bulk_create(links)
    links = list(EvidenceLink.objects.all())
    with transaction.atomic():
        enqueue_checks(links)
    started, cpu = time.perf_counter(), cpu_seconds()
    ran = run_pending_tasks()
    seconds = time.perf_counter() - started
    result = row("tasks (database)", len(links), seconds, cpu_seconds() - cpu)
    result["tasks"] = ran
    result["recorded"] = LinkCheck.objects.count()
    result["pending_left"] = EvidenceLink.objects.exclude(pending_task="").count()
    from django.db import connection

    result["database"] = connection.vendor
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=100.0, help="server latency in milliseconds")
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--sequential", type=int, default=100, help="URLs also checked one by one (reference)")
    parser.add_argument("--port", type=int, default=18150)
    parser.add_argument("--tasks", type=int, default=0, help="links to check through the database worker too")
    parser.add_argument("--batch", type=int, default=200, help="links per task (PRONGSAI_LINKCHECK_BATCH)")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--data",
        default="",
        help="data folder of the --tasks run (default: a new temporary one); a database there is only migrated further",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    args.sequential = min(args.sequential, args.urls)

    addresses = host_addresses(args.hosts)
    context = mp.get_context("spawn")
    ready = context.Event()
    server = context.Process(target=serve, args=(addresses, args.port, args.latency / 1000, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            print("the loopback server did not start", file=sys.stderr)
            return 1
        urls = [
            f"http://{addresses[i % len(addresses)]}:{args.port}/ita/o{i % 43 + 1}?school={i}" for i in range(args.urls)
        ]
        load_before = os.getloadavg()
        rows, same = run_checker(urls, args)
        if args.tasks:
            rows.append(run_tasks(urls[: args.tasks], args))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.join(5)
    base = next((r["urls_per_s"] for r in rows if r["path"] == "sequential"), None)
    for r in rows:
        r["ratio_vs_sequential"] = round(r["urls_per_s"] / base, 1) if base else None
    report = {
        "urls": args.urls,
        "hosts": args.hosts,
        "latency_ms": args.latency,
        "workers": args.workers,
        "per_host": args.per_host,
        "rows": rows,
        "outcomes_identical": same,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"link checks: {args.urls} URLs over {args.hosts} loopback hosts, server latency {args.latency:g} ms, "
            f"{args.workers} workers, {args.per_host} per host"
        )
        print(f"{'path':<18}{'URLs':>7}{'seconds':>9}{'URLs/s':>9}{'ratio':>7}{'CPU s':>8}{'CPU ms/URL':>12}")
        for r in rows:
            ratio = f"{r['ratio_vs_sequential']:.1f}" if r["ratio_vs_sequential"] else "-"
            print(
                f"{r['path']:<18}{r['urls']:>7}{r['seconds']:>9.2f}{r['urls_per_s']:>9.1f}{ratio:>7}"
                f"{r['cpu_s']:>8.2f}{r['cpu_ms_per_url']:>12.2f}"
            )
        for r in rows:
            if "recorded" in r:
                print(
                    f"database ({r['database']}): {r['tasks']} tasks, {r['recorded']} checks recorded, "
                    f"{r['pending_left']} links left pending"
                )
        print(f"outcomes of the {args.sequential} URLs checked both ways: {'identical' if same else 'DIFFERENT'}")
        print(
            f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after "
            f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} ({os.cpu_count()} CPUs, shared machine)"
        )
        concurrent = next(r for r in rows if r["path"] == "concurrent")
        print(
            f"target ≥ 200 URLs/s on one worker: {'met' if concurrent['urls_per_s'] >= 200 else 'not met'} "
            f"({concurrent['urls_per_s']:.1f})"
        )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
