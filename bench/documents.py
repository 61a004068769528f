#!/usr/bin/env python
"""Document benchmark: one agency's full pack, and a batch of packs for 245 offices on the task queue.

    python bench/documents.py [--offices 245] [--workers 2] [--repeat 5] [--data-dir DIR] [--quick]

1. Builds a fresh SQLite database in ``--data-dir`` (a temporary folder by default): the demo data
   (``prongsai.web.demo.load_demo``: สพป.สมุทรสาคร and 224 synthetic offices with 2562 and 2563 results) and the
   issue-6 demo (``load_measures_demo``: the seed's committee, four measures, 34 progress reports), then gives
   every other office the same shape (9 units, a 12-member committee, the four measures and their reports) so
   that every pack is as large as the seed office's.  Offices are added until there are ``--offices``.
2. Times one agency's full pack: the five documents as DOCX and PDF and the evidence-pack ZIP, rendered and
   stored through ``documents.services.generate_pack`` (median of ``--repeat`` runs after one warm-up).
3. Enqueues one pack per office (``documents.services.start_batch`` → ``generate_agency_pack`` tasks on the
   database queue) and runs ``--workers`` DB workers (``manage db_worker --batch``) until the queue is empty;
   the wall time runs from the enqueue to the last task's end.

Targets on the 2-core development machine: ≤ 1 s per agency pack, ≤ 2 min for the 245-office batch.  Prints the
figures and exits 0 whether or not a target is met (1 when a pack of the batch failed).  See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PACK_S = 1.0
TARGET_BATCH_S = 120.0


def setup_django(data_dir: Path) -> None:
    os.environ["PRONGSAI_DATA"] = str(data_dir)
    os.environ["PRONGSAI_ENV"] = "development"
    os.environ["PRONGSAI_DEBUG"] = "0"
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prongsai.web.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(offices: int, quiet: bool) -> None:
    import io

    from django.core.management import call_command
    from django.db import transaction

    from prongsai.web import demo
    from prongsai.web.measures.demo import load_measures_demo

    out = io.StringIO() if quiet else sys.stdout
    call_command("migrate", interactive=False, verbosity=0)
    demo.load_demo(out)
    load_measures_demo(out)
    with transaction.atomic():
        _clone_offices(offices)


def _clone_offices(offices: int) -> None:
    """Every office gets the seed office's units, committee, measures and reports (bulk, bench-only shortcut)."""
    from prongsai.web.agencies.models import Agency, AgencyKind, Unit
    from prongsai.web.measures.models import Committee, CommitteeMember, Measure, MeasureAction, ProgressReport
    from prongsai.web.results.models import AgencyResult
    from prongsai.web.rounds.models import AssessmentRound

    skn = Agency.objects.get(code="ESA-SKN")
    r62 = AssessmentRound.objects.get(fiscal_year=2562)
    r63 = AssessmentRound.objects.get(fiscal_year=2563)
    esa = list(Agency.objects.filter(kind=AgencyKind.ESA).exclude(pk=skn.pk).order_by("code"))
    central = Agency.objects.get(code="OBEC")
    seed_result = AgencyResult.objects.get(round=r62, agency=skn)
    for i in range(len(esa) + 1, offices):  # more offices than the demo's 225
        a = Agency.objects.create(
            code=f"BENCH-{i:03d}",
            name_th=f"สำนักงานเขตพื้นที่การศึกษาทดสอบ {i:03d}",
            short_name=f"สพท.ทดสอบ {i:03d}",
            kind=AgencyKind.ESA,
            parent=central,
            is_synthetic=True,
        )
        AgencyResult.objects.create(
            round=r62,
            agency=a,
            source=seed_result.source,
            indicators=seed_result.indicators,
            iit=seed_result.iit,
            eit=seed_result.eit,
            oit=seed_result.oit,
            total=seed_result.total,
            level=seed_result.level,
        )
        esa.append(a)
    seed_units = list(skn.units.order_by("order"))
    committee = Committee.objects.get(round=r63, agency=skn)
    members = list(committee.members.order_by("order"))
    measures = list(Measure.objects.filter(round=r63, agency=skn).prefetch_related("units", "actions", "reports"))
    for a in esa:
        units = {u.pk: Unit.objects.create(agency=a, name_th=u.name_th, order=u.order) for u in seed_units}
        c = Committee.objects.create(
            round=r63,
            agency=a,
            order_number=committee.order_number,
            order_date=committee.order_date,
            duties=committee.duties,
        )
        CommitteeMember.objects.bulk_create(
            [
                CommitteeMember(
                    committee=c,
                    position_th=m.position_th.replace(skn.name_th, a.name_th) or "กรรมการ",
                    unit=units.get(m.unit_id),
                    role=m.role,
                    order=m.order,
                )
                for m in members
            ]
        )
        for m in measures:
            copy = Measure.objects.create(
                round=r63,
                agency=a,
                order=m.order,
                title=m.title,
                purpose=m.purpose,
                targets=m.targets,
                all_units=m.all_units,
                starts_on=m.starts_on,
                ends_on=m.ends_on,
                status=m.status,
            )
            copy.units.set([units[u.pk] for u in m.units.all()])
            MeasureAction.objects.bulk_create(
                [
                    MeasureAction(measure=copy, order=x.order, text=x.text, unit=units.get(x.unit_id))
                    for x in m.actions.all()
                ]
            )
            ProgressReport.objects.bulk_create(
                [
                    ProgressReport(
                        measure=copy,
                        unit=units[r.unit_id],
                        period=r.period,
                        text=r.text,
                        links=r.links,
                        status=r.status,
                    )
                    for r in m.reports.all()
                ]
            )


def time_one_pack(repeat: int) -> tuple[float, list[float], int]:
    from prongsai.web.agencies.models import Agency, Membership, Role
    from prongsai.web.documents import services
    from prongsai.web.rounds.models import AssessmentRound

    skn = Agency.objects.get(code="ESA-SKN")
    r63 = AssessmentRound.objects.get(fiscal_year=2563)
    officer = Membership.objects.filter(agency=skn, role=Role.AGENCY_ADMIN).first().user
    services.generate_pack(officer, r63, skn)  # warm-up: fonts, templates, imports
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = services.generate_pack(officer, r63, skn)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    size = sum(d.size for d in result.documents) + (result.zip.size if result.zip else 0)
    return statistics.median(times), times, size, statistics.median(cpu)


def run_batch(offices: int, workers: int, data_dir: Path) -> tuple[float, int, int, int, float]:
    import resource

    from django.db import connections

    from prongsai.web.agencies.models import Membership, Role
    from prongsai.web.documents import services
    from prongsai.web.documents.models import DocumentBatch
    from prongsai.web.rounds.models import AssessmentRound

    r63 = AssessmentRound.objects.get(fiscal_year=2563)
    central = Membership.objects.filter(role=Role.CENTRAL_ADMIN).first().user
    agencies = services.batch_agencies(r63)[:offices]
    started = time.perf_counter()
    batch = services.start_batch(central, r63, agencies)
    enqueued = time.perf_counter() - started
    connections.close_all()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PRONGSAI_DATA": str(data_dir), "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prongsai.web.manage",
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--worker-id",
                f"bench-{i}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(workers)
    ]
    errors = [p.communicate()[1] for p in procs]
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    batch = DocumentBatch.objects.get(pk=batch.pk)
    for p, err in zip(procs, errors):
        if p.returncode:
            print(f"worker exited {p.returncode}: {err.decode(errors='replace')[-2000:]}", file=sys.stderr)
    print(f"  enqueue of {len(agencies)} tasks: {enqueued:.2f} s")
    return wall, batch.total, batch.done, batch.failed, worker_cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="database folder (default: a new temporary folder)")
    parser.add_argument("--quick", action="store_true", help="20 offices, 2 repeats (a smoke run)")
    args = parser.parse_args(argv)
    if args.quick:
        args.offices, args.repeat = 20, 2
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="prongsai-bench-docs-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / "prongsai.sqlite3").exists():
        print(f"{data_dir} already holds a database; give an empty --data-dir", file=sys.stderr)
        return 2
    setup_django(data_dir)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"load average {load[0]:.2f}"
    )
    started = time.perf_counter()
    build(max(args.offices, 225), quiet=True)
    print(f"setup: {time.perf_counter() - started:.1f} s (database in {data_dir})")

    median, times, size, cpu = time_one_pack(args.repeat)
    print(
        f"one agency's pack (5 documents × DOCX + PDF + ZIP, stored): median {median:.3f} s wall, {cpu:.3f} s CPU "
        f"(runs: {', '.join(f'{t:.3f}' for t in times)}; {size / 1024:.0f} KB) — target ≤ {TARGET_PACK_S:.0f} s "
        f"{'met' if median <= TARGET_PACK_S else 'MISSED'}"
    )

    wall, total, done, failed, worker_cpu = run_batch(args.offices, args.workers, data_dir)
    print(
        f"batch of {total} packs with {args.workers} DB worker(s): {wall:.1f} s wall "
        f"({wall / max(total, 1):.3f} s per pack; {done} done, {failed} failed) — target ≤ {TARGET_BATCH_S:.0f} s "
        f"{'met' if wall <= TARGET_BATCH_S else 'MISSED'}"
    )
    cores = min(args.workers, os.cpu_count() or 1)
    print(
        f"  workers' CPU: {worker_cpu:.1f} s ({worker_cpu / max(total, 1):.3f} s per pack, startup included); "
        f"on {cores} otherwise idle core(s) the batch needs about {worker_cpu / cores:.0f} s"
    )
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    print(f"load average after: {load[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
