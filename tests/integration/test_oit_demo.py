"""``load_oit_demo``: the demo's O-items for สพป.สมุทรสาคร 2563, checked by the real worker against the demo's own
synthetic evidence pages (served by the app under /oit/demo-site/, here by the test's live server)."""

from __future__ import annotations

import io

import pytest

from prongsai.web.audit.models import AuditEntry
from prongsai.web.oit import queries
from prongsai.web.oit.demo import load_oit_demo
from prongsai.web.oit.models import AssessorAssignment, EntryStatus, OITEntry
from prongsai.web.oit.tasks import run_pending_checks


@pytest.mark.django_db(transaction=True)
def test_load_oit_demo(cast, live_server, settings):
    settings.BASE_URL = live_server.url
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    out = io.StringIO()
    assert load_oit_demo(out) is True
    assert "O7" in out.getvalue()
    assert load_oit_demo(io.StringIO()) is False  # idempotent
    assert AssessorAssignment.objects.filter(
        assessor=cast.assessor, agency=cast.samutsakhon, round=cast.round_2563
    ).exists()
    statuses = dict(OITEntry.objects.filter(round=cast.round_2563).values_list("code", "status"))
    assert statuses == {
        "O1": EntryStatus.READY,
        "O2": EntryStatus.READY,
        "O10": EntryStatus.READY,
        "O7": EntryStatus.DRAFT,
    }
    assert set(OITEntry.objects.filter(round=cast.round_2562).values_list("code", flat=True)) == {"O3", "O4", "O5"}
    assert run_pending_checks() == 4
    verdicts = {r.code: r.verdict for r in queries.item_rows(cast.round_2563, cast.samutsakhon) if r.entry}
    assert verdicts == {"O1": "pass", "O2": "pass", "O10": "pass", "O7": "fail"}
    assert AuditEntry.objects.filter(action="load_oit_demo").count() == 1
