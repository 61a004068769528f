"""The editions part of ``prongsai demo``: สพป.สมุทรสาคร's 2567 OIT evidence carried into a 2569 round.

``load_editions_demo(stdout)`` (after the agencies, users and the other demo parts exist):
- creates the 2567 round of ``ita-2566`` (variant ``esa``), where the ITA officer submitted evidence for a dozen
  items (synthetic pages under ``/oit/demo-site/``, every one marked ข้อมูลสมมติ), then closes it;
- creates the 2569 round of ``ita-2569`` (variant ``esa``, the rebuilt OIT with lowercase codes, most items
  provisional), opens it, assigns the demo assessor, and carries the 2567 evidence over as the officer would
  with the button "นำหลักฐานปี 2567 มาใช้": through the lineage 2566 → 2568 → 2569, so 2567 O1 + O3 land in
  2569 o1, O30 (participation) in o19, O31 (No Gift) in o20, O39 + O40 (ethics) in o15; O6 (กฎหมายที่เกี่ยวข้อง),
  dropped in 2568, carries nothing.
The carried items are drafts marked ต้องตรวจทาน: their links are re-checked for the 2569 data windows.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TextIO

from prongsai.web.audit.actions import AuditAction

DEMO_ACTION = AuditAction.LOAD_EDITIONS_DEMO
AGENCY_CODE = "ESA-SKN"
_NOTE = "ข้อมูลสมมติสำหรับการสาธิต"

#: (item code of ita-2566, page slug, link label)
PLAN_2567 = [
    ("O1", "y2567-o1", "แผนผังโครงสร้าง ปี 2567"),
    ("O2", "y2567-o2", "ข้อมูลผู้บริหาร ปี 2567"),
    ("O3", "y2567-o3", "หน้าที่และอำนาจ"),
    ("O5", "y2567-o5", "ข้อมูลการติดต่อ"),
    ("O6", "y2567-o6", "กฎหมายที่เกี่ยวข้อง"),
    ("O7", "y2567-o7", "ข่าวประชาสัมพันธ์ ปี 2567"),
    ("O30", "y2567-o30", "รายงานการมีส่วนร่วม ปี 2567"),
    ("O31", "y2567-o31", "ประกาศ No Gift Policy 2567"),
    ("O39", "y2567-o39", "ประมวลจริยธรรม"),
    ("O40", "y2567-o40", "การขับเคลื่อนจริยธรรม 2567"),
    ("O42", "y2567-o42", "มาตรการส่งเสริมคุณธรรม 2567"),
]
PHASES = {  # illustrative calendars (NACC ran ITA 2567 from 1 January to 30 June 2567)
    2567: {
        "registration": (date(2024, 1, 1), date(2024, 1, 31)),
        "oit_entry": (date(2024, 2, 1), date(2024, 4, 30)),
        "surveys": (date(2024, 2, 1), date(2024, 5, 31)),
        "oit_review": (date(2024, 5, 1), date(2024, 5, 31)),
        "clarification": (date(2024, 6, 1), date(2024, 6, 15)),
        "results": (date(2024, 8, 1), date(2024, 8, 31)),
    },
    2569: {
        "registration": (date(2026, 1, 1), date(2026, 1, 31)),
        "oit_entry": (date(2026, 2, 1), date(2026, 4, 30)),
        "surveys": (date(2026, 2, 1), date(2026, 5, 31)),
        "oit_review": (date(2026, 5, 1), date(2026, 5, 31)),
        "clarification": (date(2026, 6, 1), date(2026, 6, 15)),
        "results": (date(2026, 8, 1), date(2026, 8, 31)),
    },
}


def load_editions_demo(stdout: TextIO | None = None) -> bool:
    """The 2567 and 2569 rounds of สพป.สมุทรสาคร with the carried-over evidence; ``False`` when already loaded."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from prongsai.web.agencies.models import Agency
    from prongsai.web.audit.models import AuditEntry
    from prongsai.web.audit.services import record
    from prongsai.web.oit import services
    from prongsai.web.oit.demo_site import demo_url
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus
    from prongsai.web.rounds.services import create_round, set_round_status

    out = stdout or sys.stdout
    if AuditEntry.objects.filter(action=DEMO_ACTION).exists():
        print("  editions demo already loaded", file=out, flush=True)
        return False
    agency = Agency.objects.filter(code=AGENCY_CODE).first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["central", "officer", "assessor"])}
    if agency is None or len(users) < 3:
        print("  editions demo skipped: the demo agency or users are missing", file=out, flush=True)
        return False
    central, officer, assessor = users["central"], users["officer"], users["assessor"]
    with transaction.atomic():
        r2567 = AssessmentRound.objects.filter(
            framework_id="ita-2566", variant="esa", fiscal_year=2567
        ).first() or create_round(
            central,
            "ita-2566",
            2567,
            phases=PHASES[2567],
            variant="esa",
            name_th="ITA สำนักงานเขตพื้นที่การศึกษา ปีงบประมาณ พ.ศ. 2567",
        )
        if not r2567.is_open:
            set_round_status(central, r2567, RoundStatus.OPEN)
        for code, slug, label in PLAN_2567:
            services.add_link(officer, r2567, agency, code, demo_url(slug), f"{label} ({_NOTE})")
            services.set_ready(officer, r2567, agency, code, True)
        submitted = services.submit_items(officer, r2567, agency)
        set_round_status(central, r2567, RoundStatus.CLOSED)
        r2569 = create_round(
            central,
            "ita-2569",
            2569,
            phases=PHASES[2569],
            variant="esa",
            name_th="ITA สำนักงานเขตพื้นที่การศึกษา ปีงบประมาณ พ.ศ. 2569",
        )
        set_round_status(central, r2569, RoundStatus.OPEN)
        services.assign_assessor(central, r2569, agency, assessor)
        carried = services.carry_over_evidence(officer, r2569, agency)
        record(
            central,
            DEMO_ACTION,
            f"editions demo: {agency.display_name} 2567 ({len(submitted)} items submitted) carried into 2569 "
            f"({len(carried)} items)",
            agency=agency,
            changes={
                "round_2567": r2567.pk,
                "round_2569": r2569.pk,
                "submitted_2567": submitted,
                "carried_2569": carried,
            },
        )
    order = [o.code for o in r2569.framework.oit_items]
    shown = ", ".join(r2569.framework.oit_item(c).shown_code for c in sorted(carried, key=order.index))
    print(
        f"  editions: {agency.display_name} 2567 ({len(submitted)} items) → 2569 round of ita-2569 (esa): "
        f"{len(carried)} items carried over ({shown}), marked for re-check",
        file=out,
        flush=True,
    )
    return True
