"""Link checks by the thousand (issue 14 §3): concurrent, limited per host, identical to one by one, bounded in time.

A loopback site answers every request after 50 ms with the pages of ``EvidenceServer`` (good pages, 404s, a
login redirect, a redirect to another host name, PDFs, a DOCX, a Windows-874 page, an oversized page, a zip
bomb).  The same URLs checked one after the other and concurrently give the same outcome, code for code and
message for message; the concurrent path never has more than ``per_host`` requests at one host; a batch stops
starting URLs at its deadline and hands the rest to a new task; the database tasks check links in batches and
leave none pending.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from prongsai.web.oit import linkbatch, services
from prongsai.web.oit.models import EvidenceLink, LinkCheck
from prongsai.web.oit.tasks import run_pending_checks
from prongsai.web.oit.testing import EvidenceServer, _Handler, docx_bytes
from tests import bombs

FIXED = {"/bomb.docx": bombs.docx_many_members(10, 10 * bombs.MiB), "/report.docx": docx_bytes()}


class _Slow(_Handler):
    """The evidence site, 50 ms slower, counting requests in flight per host name."""

    lock = threading.Lock()
    in_flight: Counter = Counter()
    peak: Counter = Counter()
    hold_until = 0  # > 0: hold each request (up to 0.6 s) until that many are in flight at its host

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        with self.lock:
            self.in_flight[host] += 1
            self.peak[host] = max(self.peak[host], self.in_flight[host])
        counted = True
        try:
            time.sleep(0.05)
            waited = 0.0
            while self.hold_until and self.in_flight[host] < self.hold_until and waited < 0.6:
                time.sleep(0.01)
                waited += 0.01
            # no longer in flight once the answer starts: the checker frees its slot as soon as it has the answer
            # and may start the next request before this thread would run a ``finally`` after sending (under load
            # that gap counted one request too many)
            with self.lock:
                self.in_flight[host] -= 1
                counted = False
            path = self.path.split("?")[0]
            if path in FIXED:  # the same bytes every time (a DOCX made on the fly carries the time of day)
                self._send(200, FIXED[path], "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            else:
                super().do_GET()
        finally:
            if counted:
                with self.lock:
                    self.in_flight[host] -= 1


@pytest.fixture(scope="module")
def site():
    server = EvidenceServer()
    server.httpd.RequestHandlerClass = _Slow
    with server:
        yield server


PATHS = [
    "/o1",
    "/o10",
    "/news",
    "/missing",
    "/to-login",
    "/to-other-host",
    "/to-ftp",
    "/loop",
    "/report.pdf",
    "/report-2563.pdf",
    "/report.docx",
    "/tis620",
    "/big",
    "/bomb.docx",
]


def jobs_for(site, count: int) -> list[linkbatch.Job]:
    hosts = ["127.0.0.1", "localhost"]
    return [
        linkbatch.Job(
            key=i,
            url=site.url(PATHS[i % len(PATHS)] + f"?n={i}", hosts[(i // len(PATHS)) % 2]),
            years=(2563,),
            keywords=("โครงสร้าง",),
            require_year=i % 3 != 0,
        )
        for i in range(count)
    ]


OPTIONS = linkbatch.Options(allow_loopback=True, timeout=5, deadline=20, max_bytes=250_000, max_redirects=3)


def test_concurrent_checks_give_the_same_outcomes_as_one_by_one(site):
    jobs = jobs_for(site, 2 * len(PATHS))
    sequential = list(linkbatch.check_sequentially(jobs, OPTIONS))
    one_by_one = {job.key: result.outcome() for job, result in sequential}
    _Slow.peak.clear()
    together = {
        job.key: result.outcome() for job, result in linkbatch.check_many(jobs, OPTIONS, workers=16, per_host=4)
    }
    assert together.keys() == one_by_one.keys() == {job.key for job in jobs}
    for key in one_by_one:
        assert together[key] == one_by_one[key], jobs[key].url
    # the set covers every kind of outcome the checker gives
    assert len(FIXED["/bomb.docx"]) < OPTIONS.max_bytes < len(b"x" * 300_000)
    codes = {p.code for job, r in sequential if job.key < len(PATHS) for p in r.problems}
    assert {
        "http_404",
        "redirect_login",
        "redirect_other_domain",
        "redirect_scheme",
        "too_many_redirects",
        "too_large",
        "too_complex",
        "year_missing",
    } <= codes


def test_no_host_gets_more_than_its_share_and_the_pool_is_used(site):
    """The site holds each request until 4 are in flight at its host: with a limit of 3 none ever gets there,
    and each host is seen with exactly 3 at once (so the pool did run them together)."""
    _Slow.peak.clear()
    _Slow.hold_until = 4
    try:
        jobs = [linkbatch.Job(key=i, url=site.url(f"/o1?n={i}", ["127.0.0.1", "localhost"][i % 2])) for i in range(12)]
        results = list(linkbatch.check_many(jobs, OPTIONS, workers=16, per_host=3))
    finally:
        _Slow.hold_until = 0
    assert len(results) == 12 and all(r.http_status == 200 for _, r in results)
    assert _Slow.peak["127.0.0.1"] == 3 and _Slow.peak["localhost"] == 3


def test_a_batch_stops_starting_urls_at_its_deadline(site):
    slow = [linkbatch.Job(key=i, url=site.url(f"/o1?slow={i}")) for i in range(6)]
    options = linkbatch.Options(allow_loopback=True, timeout=5, deadline=20)
    outcomes = list(linkbatch.check_many(slow, options, workers=4, per_host=1, batch_deadline=0))
    done = [job.key for job, result in outcomes if result is not None]
    left = [job.key for job, result in outcomes if result is None]
    assert done == [0] and left == [1, 2, 3, 4, 5]  # only the first round (one per host) was started


# ------------------------------------------------------------------------------------------- the tasks


def test_links_are_checked_in_batches_and_none_stays_pending(cast, site, settings):
    from django_tasks_db.models import DBTaskResult

    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.PRONGSAI_LINKCHECK_BATCH = 3
    links = [
        services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", site.url(f"/o1?n={i}"))
        for i in range(7)
    ]
    DBTaskResult.objects.all().delete()  # one task per link was queued as they were added
    EvidenceLink.objects.update(pending_task="")
    assert services.request_recheck(cast.officer, cast.round_2563, cast.samutsakhon, "O1") == 7
    tasks = list(DBTaskResult.objects.all())
    assert len(tasks) == 3  # 3 + 3 + 1
    assert sorted(len(t.args_kwargs["args"][0]) for t in tasks) == [1, 3, 3]
    pending = {link.pending_task for link in EvidenceLink.objects.all()}
    assert pending == {str(t.id) for t in tasks}
    assert run_pending_checks() == 3
    for link in links:
        link = EvidenceLink.objects.get(pk=link.pk)
        assert link.pending_task == "" and link.last_check.verdict == "ok"
    assert LinkCheck.objects.count() == 7


def test_links_not_started_before_the_batch_deadline_go_to_a_new_task(cast, site, settings):
    from django_tasks_db.models import DBTaskResult

    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.PRONGSAI_LINKCHECK_PER_HOST = 1
    settings.PRONGSAI_LINKCHECK_BATCH_DEADLINE = 0
    for i in range(4):
        services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", site.url(f"/o1?d={i}"))
    DBTaskResult.objects.all().delete()
    services.request_recheck(cast.officer, cast.round_2563, cast.samutsakhon, "O1")
    assert DBTaskResult.objects.count() == 1
    run_pending_checks()  # each task checks one link (one per host, deadline at once) and queues the rest
    assert LinkCheck.objects.count() == 4
    assert not EvidenceLink.objects.exclude(pending_task="").exists()
    assert DBTaskResult.objects.count() == 4
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_an_office_rechecks_the_links_of_its_whole_subtree_in_batches(cast, site, settings):
    from django.core.exceptions import PermissionDenied
    from django_tasks_db.models import DBTaskResult

    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.PRONGSAI_LINKCHECK_BATCH = 4
    for i in range(3):
        services.add_link(cast.officer, cast.round_2563, cast.samutsakhon, "O1", site.url(f"/o1?office={i}"))
        services.add_link(cast.officer, cast.round_2563, cast.school, "O1", site.url(f"/o1?school={i}"))
    services.add_link(cast.other_officer, cast.round_2563, cast.other_office, "O1", site.url("/o1?other"))
    DBTaskResult.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.request_recheck(cast.staff, cast.round_2563, cast.samutsakhon, subtree=True)
    with pytest.raises(PermissionDenied):
        services.request_recheck(cast.other_officer, cast.round_2563, cast.samutsakhon, subtree=True)
    assert services.request_recheck(cast.officer, cast.round_2563, cast.samutsakhon, subtree=True) == 6
    assert DBTaskResult.objects.count() == 2  # 4 + 2: the other office's link is not among them
    run_pending_checks()
    checked = set(LinkCheck.objects.values_list("link__entry__agency__code", flat=True))
    assert checked == {"ESA-SKN", "SCH-SKN-001"}
    assert (
        not EvidenceLink.objects.filter(entry__agency__in=[cast.samutsakhon, cast.school])
        .exclude(pending_task="")
        .exists()
    )


def test_thousands_of_instant_refusals_do_not_recurse():
    """Checks that end at once (refused schemes) may complete before their callback is attached."""
    jobs = [linkbatch.Job(key=i, url=f"ftp://example.test/{i}") for i in range(3000)]
    results = list(linkbatch.check_many(jobs, OPTIONS, workers=4, per_host=4))
    assert len(results) == 3000 and {r.problems[0].code for _, r in results} == {"scheme"}


class _BrokenChecker(linkbatch.Options):
    """A checker with a bug (``check_url`` itself never raises): the batch's last guard must catch it."""

    def check(self, job: linkbatch.Job):
        raise RuntimeError(f"checker bug on {job.key}")


def test_a_check_that_raises_is_recorded_as_not_checked_and_logged_with_its_traceback(caplog):
    jobs = [linkbatch.Job(key=i, url=f"https://www.example.go.th/ita/{i}") for i in range(2)]
    results = dict(linkbatch.check_many(jobs, _BrokenChecker(), workers=2, per_host=1))
    assert {r.problems[0].code for r in results.values()} == {"check_failed"}
    assert {job.key: r.error for job, r in results.items()} == {
        0: "RuntimeError: checker bug on 0",
        1: "RuntimeError: checker bug on 1",
    }
    logged = {r.getMessage(): r for r in caplog.records if r.name == "prongsai.web.oit.linkbatch"}
    assert set(logged) == {f"link check of https://www.example.go.th/ita/{i} failed" for i in range(2)}
    assert {(r.levelname, r.exc_info[0]) for r in logged.values()} == {("ERROR", RuntimeError)}
    # the traceback itself, down to the frame that raised (not just its last line); read from the records, not from
    # caplog.text, whose formatting of another thread's frames varied between runs
    import traceback

    for record in logged.values():
        innermost = traceback.extract_tb(record.exc_info[2])[-1]
        assert (innermost.name, Path(innermost.filename).name) == ("check", "test_linkcheck_batch.py")
