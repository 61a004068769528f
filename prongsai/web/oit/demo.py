"""OIT part of ``prongsai demo``: a few O-items of สพป.สมุทรสาคร in the 2563 round, ready for the demo story.

``load_oit_demo(stdout)`` (called by ``prongsai.web.demo`` after the agencies, users and rounds exist):
- assigns the demo assessor to สพป.สมุทรสาคร for 2563 (as the central admin would);
- as the ITA officer, attaches links to O1, O2, O10 (marked ready: good pages with the year), O7 (a link that
  answers 404: the broken link the story fixes) and assigns the items to units;
- gives the closed 2562 round evidence for O3–O5 so that "carry over last year's evidence" has something to do.

The evidence links point at ``/oit/demo-site/…``: synthetic evidence pages served by Prongsai itself outside
production (every page says ข้อมูลสมมติ), so the link checker has something real to fetch without the internet.
The checker may fetch them only with ``PRONGSAI_LINKCHECK_ALLOW_LOOPBACK=1`` (the demo runs on 127.0.0.1); the
checks are queued; ``prongsai demo`` starts its own worker once its server listens (the caller says so in
``checks``, so that the log tells one story about the worker).
"""

from __future__ import annotations

import sys
from typing import TextIO

from prongsai.web.audit.actions import AuditAction
from prongsai.web.oit.demo_site import demo_url

DEMO_ACTION = AuditAction.LOAD_OIT_DEMO
AGENCY_CODE = "ESA-SKN"
FISCAL_YEAR = 2563
FRAMEWORK = "ita-2563-esa"


def load_oit_demo(
    stdout: TextIO | None = None,
    checks: str = "link checks queued: a task worker runs them (prongsai manage db_worker)",
) -> bool:
    """Fill a few O-items for the demo story; ``False`` (nothing written) when already loaded or not possible."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from prongsai.web.agencies.models import Agency, Unit
    from prongsai.web.audit.models import AuditEntry
    from prongsai.web.audit.services import record
    from prongsai.web.oit import services
    from prongsai.web.oit.models import EntryStatus, EvidenceLink, OITEntry
    from prongsai.web.rounds.models import AssessmentRound

    out = stdout or sys.stdout
    if AuditEntry.objects.filter(action=DEMO_ACTION).exists():
        print("  OIT demo already loaded", file=out, flush=True)
        return False
    User = get_user_model()
    agency = Agency.objects.filter(code=AGENCY_CODE).first()
    round_ = AssessmentRound.objects.filter(framework_id=FRAMEWORK, fiscal_year=FISCAL_YEAR).first()
    users = {u.username: u for u in User.objects.filter(username__in=["central", "officer", "assessor"])}
    if agency is None or round_ is None or len(users) < 3:
        print("  OIT demo skipped: the demo agency, round or users are missing", file=out, flush=True)
        return False
    central, officer, assessor = users["central"], users["officer"], users["assessor"]
    units = {u.name_th: u for u in Unit.objects.filter(agency=agency)}

    def unit(name: str):
        return units.get(name)

    with transaction.atomic():
        services.assign_assessor(central, round_, agency, assessor)
        plan = [  # item, page, label, unit, ready
            ("O1", "o1", "แผนผังโครงสร้างการแบ่งส่วนราชการ ปี 2563", "กลุ่มอำนวยการ", True),
            ("O2", "o2", "ข้อมูลผู้บริหาร พร้อมตำแหน่ง รูปถ่าย โทรศัพท์ และอีเมล", "กลุ่มอำนวยการ", True),
            ("O10", "o10", "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2563", "กลุ่มนโยบายและแผน", True),
            (
                "O7",
                "o7-2562-old",
                "ข่าวประชาสัมพันธ์ (ลิงก์เดิม)",
                "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
                False,
            ),
        ]
        for code, slug, label, unit_name, ready in plan:
            if unit(unit_name):
                services.assign_unit(officer, round_, agency, code, unit(unit_name))
            services.add_link(officer, round_, agency, code, demo_url(slug), label)
            if ready:
                services.set_ready(officer, round_, agency, code, True)
        # last year's evidence (the 2562 round is closed): written directly, summarised in one audit entry
        previous = services.previous_round(round_)
        carried = []
        if previous is not None:
            for code in ("O3", "O4", "O5"):
                entry, _ = OITEntry.objects.get_or_create(
                    round=previous, agency=agency, code=code, defaults={"status": EntryStatus.SUBMITTED}
                )
                if not entry.links.exists():
                    EvidenceLink.objects.create(
                        entry=entry,
                        url=demo_url(code.lower()),
                        label=f"หลักฐาน {code} ปี {previous.fiscal_year} (ข้อมูลสมมติ)",
                        created_by=officer,
                    )
                    carried.append(code)
        record(
            central,
            DEMO_ACTION,
            f"OIT demo: {agency.display_name} {FISCAL_YEAR}: O1, O2, O10 ready, O7 with a broken link; "
            f"assessor assigned; {len(carried)} items of {previous.fiscal_year if previous else '-'} evidence",
            agency=agency,
            changes={"items": [p[0] for p in plan], "previous_year_items": carried},
        )
    print(
        f"  OIT: {agency.display_name} {FISCAL_YEAR}: O1, O2, O10 พร้อมส่ง, O7 มีลิงก์เสีย; มอบหมายผู้ตรวจประเมินแล้ว; {checks}",
        file=out,
        flush=True,
    )
    return True
