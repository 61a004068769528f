"""The fixed cast every integration and browser test tells its story with.

- ``central``: the central admin at สพฐ. (sees and manages everything)
- ``samutsakhon``: สพป.สมุทรสาคร, the seed office, with its units and schools
- ``director``: its director; ``officer``: its ITA officer (agency admin); ``staff``: a member of a unit
- ``assessor``: an OIT assessor
- ``other_office``: a second office (สพป.ตัวอย่าง 2) and ``other_officer``, whose data must stay invisible
Passwords are all ``PASSWORD``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

PASSWORD = "prongsai-test-pass"


@functools.lru_cache(maxsize=2)
def password_hash(hasher: str) -> str:
    """``PASSWORD`` hashed once per process and hasher (the argument: the configured one, so that a changed setting
    hashes anew).  The cast's seven people share it: a child process on the production settings (tests/live.py)
    spends 0.3 s of CPU on each PBKDF2 hash, two seconds a cast, and they all sign in with the same password."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD, hasher=hasher)


SEED_2562 = {
    "1": "99.08",
    "2": "96.94",
    "3": "99.30",
    "4": "98.55",
    "5": "98.72",
    "6": "95.75",
    "7": "91.75",
    "8": "89.72",
    "9": "86.81",
    "10": "83.04",
}


@dataclass
class Cast:
    central_office: object
    samutsakhon: object
    school: object
    other_office: object
    unit: object
    central: object
    director: object
    officer: object
    staff: object
    assessor: object
    viewer: object
    other_officer: object
    round_2562: object
    round_2563: object


def build_cast() -> Cast:
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Person, Role, Unit
    from prongsai.web.results.models import AgencyResult, ResultSource
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    User = get_user_model()
    central_office = Agency.objects.create(
        code="OBEC", name_th="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", short_name="สพฐ.", kind=AgencyKind.CENTRAL
    )
    samutsakhon = Agency.objects.create(
        code="ESA-SKN",
        name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
        short_name="สพป.สมุทรสาคร",
        kind=AgencyKind.ESA,
        subkind="สพป.",
        parent=central_office,
        province="สมุทรสาคร",
        region="central",
    )
    school = Agency.objects.create(
        code="SCH-SKN-001",
        name_th="โรงเรียนวัดตัวอย่าง",
        kind=AgencyKind.SCHOOL,
        parent=samutsakhon,
        province="สมุทรสาคร",
        region="central",
    )
    other_office = Agency.objects.create(
        code="ESA-OTHER",
        name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 2",
        short_name="สพป.ตัวอย่าง 2",
        kind=AgencyKind.ESA,
        subkind="สพป.",
        parent=central_office,
        province="นครปฐม",
        region="central",
    )
    unit = Unit.objects.create(agency=samutsakhon, name_th="กลุ่มส่งเสริมการจัดการศึกษา", order=1)

    from django.contrib.auth.hashers import get_hasher

    hashed = password_hash(get_hasher().algorithm)

    def person(username: str, name: str, agency, role: str, unit=None):
        user = User.objects.create(username=username, email=f"{username}@example.test", password=hashed)  # PASSWORD
        Person.objects.create(user=user, full_name_th=name)
        Membership.objects.create(user=user, agency=agency, role=role, unit=unit)
        return user

    central = person("central", "ผู้ดูแลส่วนกลาง", central_office, Role.CENTRAL_ADMIN)
    director = person("director", "นายพิศุทธิ์ พงศ์ศรีนิธิศ", samutsakhon, Role.DIRECTOR)
    officer = person("officer", "นางอลินดา กิตติทรงภพ", samutsakhon, Role.AGENCY_ADMIN)
    staff = person("staff", "นายนิสิต ธีระสิทธิ์", samutsakhon, Role.UNIT_STAFF, unit)
    assessor = person("assessor", "ผู้ตรวจประเมิน", central_office, Role.ASSESSOR)
    viewer = person("viewer", "ผู้ดูข้อมูล", samutsakhon, Role.VIEWER)
    other_officer = person("other_officer", "เจ้าหน้าที่เขตอื่น", other_office, Role.AGENCY_ADMIN)

    round_2562 = AssessmentRound.objects.create(
        framework_id="ita-2562-esa",
        fiscal_year=2562,
        name_th="ITA สพท. 2562",
        status=RoundStatus.CLOSED,
        results_published=True,
    )
    round_2563 = AssessmentRound.objects.create(
        framework_id="ita-2563-esa", fiscal_year=2563, name_th="ITA สพท. 2563", status=RoundStatus.OPEN
    )
    AgencyResult.objects.create(
        round=round_2562,
        agency=samutsakhon,
        source=ResultSource.OFFICIAL,
        indicators=SEED_2562,
        iit=Decimal("98.52"),
        eit=Decimal("92.41"),
        oit=Decimal("84.93"),
        total=Decimal("91.25"),
        level="A",
    )
    AgencyResult.objects.create(
        round=round_2562,
        agency=other_office,
        source=ResultSource.OFFICIAL,
        indicators={str(n): "80.00" for n in range(1, 11)},
        iit=Decimal("80.00"),
        eit=Decimal("80.00"),
        oit=Decimal("80.00"),
        total=Decimal("80.00"),
        level="B",
    )
    return Cast(
        central_office,
        samutsakhon,
        school,
        other_office,
        unit,
        central,
        director,
        officer,
        staff,
        assessor,
        viewer,
        other_officer,
        round_2562,
        round_2563,
    )
