"""Background tasks survive crashes: real ``prongsai manage db_worker`` processes are killed with SIGKILL mid-task.

Each test owns a data folder and a database (SQLite there, or a fresh PostgreSQL database when the suite runs on
PostgreSQL) and talks to it only through processes: the workers, and the site's probe (``LiveSite.query``: one
Python process with Django set up) that enqueues tasks and reads their state.  The lease is 2 seconds and the
back-off before a retry 0.2 s (``PRONGSAI_TASK_BACKOFF``) so that recovery is quick.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.live import BIN, LiveSite, postgres_url, wait_for

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses process groups and SIGKILL (Linux)")


@pytest.fixture
def site(tmp_path, request):
    name = f"prongsai_ops_crash_{os.getpid()}" if postgres_url() else ""
    live = LiveSite(tmp_path, database=name, PRONGSAI_TASK_LEASE="2", PRONGSAI_TASK_BACKOFF="0.2")
    live.migrate()  # a copy of a database migrated once per test run (tests/live.py)
    yield live
    live.close()


def task_state(site: LiveSite, task_id: str) -> dict:
    out = site.query(f"""
import json
from django_tasks_db.models import DBTaskResult
t = DBTaskResult.objects.get(pk="{task_id}")
print(json.dumps({{"status": t.status, "workers": t.worker_ids, "error": t.exception_class_path,
                  "traceback": t.traceback, "value": t.return_value}}))
""")
    return json.loads(out.strip().splitlines()[-1])


def enqueue(site: LiveSite, call: str) -> str:
    out = site.query(f"""
from tests import ops_tasks
print(ops_tasks.{call}.id)
""")
    return out.strip().splitlines()[-1]


def test_killed_worker_task_is_recovered_by_another_worker(site, tmp_path):
    marker = tmp_path / "sleepy.pid"
    task_id = enqueue(site, f"sleepy.enqueue(60, {str(marker)!r})")
    first = site.worker("worker-1")
    wait_for(marker.exists, 60, "the first worker to start the task")
    pid = int(marker.read_text())
    assert pid == first.pid  # the task runs in the worker process itself
    os.kill(pid, signal.SIGKILL)  # kill -9, mid-task
    first.wait(10)
    assert task_state(site, task_id)["status"] == "RUNNING"  # what django-tasks-db alone would leave for ever

    site.worker("worker-2")
    state = wait_for(
        lambda: (s := task_state(site, task_id))["status"] == "SUCCESSFUL" and s,
        60,
        "the second worker to recover and finish the task",
    )
    assert len(state["workers"]) == 2 and state["workers"][0] != state["workers"][1]
    assert state["value"].startswith("recovered by ")
    log = site.log("worker-2").read_text()
    # the second worker's reaper settled the dead worker's task (back to the queue), and said so
    assert "task requeued" in log and "orphaned task settled" in log


def test_deadline_ends_a_blocked_task_and_the_worker_goes_on(site):
    stuck = enqueue(site, "stubborn.enqueue(3600)")
    failing = enqueue(site, "boom.enqueue('the evidence server said no')")
    worker = site.worker("worker")
    first = wait_for(lambda: (s := task_state(site, stuck))["status"] == "FAILED" and s, 60, "the deadline")
    assert first["error"] == "prongsai.web.ops.worker.TaskDeadlineExceeded"
    assert "deadline of 1 s exceeded" in first["traceback"]
    second = wait_for(lambda: (s := task_state(site, failing))["status"] == "FAILED" and s, 60, "the raising task")
    assert second["error"] == "builtins.ValueError"
    assert "the evidence server said no" in second["traceback"]
    assert "given up after 1 attempt(s) of 1" in second["traceback"]
    assert worker.poll() is None  # the same worker process handled both and is still serving


def test_document_batch_finishes_after_its_worker_is_killed(site, tmp_path):
    """A central admin's batch of 2 packs: the first worker is killed while zipping one; another worker recovers the
    task after the lease, and the batch ends with 2 done, 0 failed, each pack stored once."""
    ids = site.setup_cast()
    batch = json.loads(
        site.query(f"""
import json
from decimal import Decimal
from prongsai.web.agencies.models import Agency
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound
from prongsai.web.documents.services import start_batch
from django.contrib.auth import get_user_model
from tests.cast import SEED_2562
r2562 = AssessmentRound.objects.get(pk={ids["round_2562"]})
for code in ("ESA-OTHER",):
    AgencyResult.objects.get_or_create(round=r2562, agency=Agency.objects.get(code=code),
                                       source=ResultSource.OFFICIAL, defaults=dict(
                                           indicators=SEED_2562, iit=Decimal("98.52"), eit=Decimal("92.41"),
                                           oit=Decimal("84.93"), total=Decimal("91.25"), level="A"))
agencies = list(Agency.objects.filter(code__in=["ESA-SKN", "ESA-OTHER"]).order_by("code"))
central = get_user_model().objects.get(username="central")
# the batch publishes approved versions only (documents/signoff.py): each agency's director approves its pack
from prongsai.web.agencies.models import Membership, Person, Role
from prongsai.web.documents import services, signoff
working = AssessmentRound.objects.get(pk={ids["round"]})
for agency in agencies:
    director = get_user_model().objects.create_user("director-" + agency.code)
    Person.objects.create(user=director, full_name_th="ผู้อำนวยการ " + agency.code)
    Membership.objects.create(user=director, agency=agency, role=Role.DIRECTOR)
    for version in services.generate_pack(central, working, agency, with_zip=False).versions:
        signoff.approve(director, signoff.propose(central, version))
b = start_batch(central, AssessmentRound.objects.get(pk={ids["round"]}), agencies)
print(json.dumps({{"batch": b.pk}}))
""")
        .strip()
        .splitlines()[-1]
    )["batch"]
    marker = tmp_path / "render.pid"
    slow = (
        f"import os, time, sys, django\n"
        f"django.setup()\n"
        f"from prongsai.web.documents import pack\n"  # the batch zips approved versions: slow that down
        f"def slow(*args, **kwargs):\n"
        f"    open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
        f"    time.sleep(120)\n"
        f"pack.evidence_zip = slow\n"
        f"from prongsai.cli import main\n"
        f"sys.exit(main(['manage', 'db_worker', '--interval', '0.3', '--no-startup-delay']))\n"
    )
    first = site.start("slow-worker", [sys.executable, "-c", slow])
    wait_for(marker.exists, 60, "the first worker to start rendering a pack")
    os.kill(int(marker.read_text()), signal.SIGKILL)
    first.wait(10)

    def batch_state() -> dict:
        out = site.query(f"""
import json
from django.db.models import Count
from prongsai.web.documents.models import DocumentBatch, GeneratedDocument
b = DocumentBatch.objects.get(pk={batch})
per_agency = list(GeneratedDocument.objects.filter(batch=b).values("agency").annotate(n=Count("id"))
                  .values_list("n", flat=True))
print(json.dumps({{"done": b.done, "failed": b.failed, "total": b.total, "finished": b.finished_at is not None,
                  "errors": b.errors, "per_agency": sorted(per_agency)}}))
""")
        return json.loads(out.strip().splitlines()[-1])

    assert batch_state()["finished"] is False
    site.worker("worker-2")
    state = wait_for(lambda: (s := batch_state())["finished"] and s, 240, "the batch to finish")
    assert (state["done"], state["failed"], state["total"]) == (2, 0, 2), state
    assert len(set(state["per_agency"])) == 1 and len(state["per_agency"]) == 2  # one pack each, none doubled
    partial = [p for p in (site.data / "files").rglob("*") if ".part-" in p.name]
    assert partial == []


def test_worker_command_is_the_recovering_one(site):
    """`prongsai manage db_worker` (what the systemd unit and the container run) is Prongsai's worker."""
    result = site.run("manage", "db_worker", "--help")
    assert "heartbeat lease" in result.stdout
    assert (BIN / "prongsai").exists()
    assert Path(site.data).stat().st_mode & 0o077 == 0  # the data folder is private
