"""Demo data for ``prongsai demo``: the seed office, its people and units, and a synthetic national set.

What is real (from the seed, สพป.สมุทรสาคร's 2563 evidence pack; see docs/demo.md):
- สพป.สมุทรสาคร, its 2562 indicator scores (99.08 … 83.04 → 91.25, A, 31st of the country), its units
  (กลุ่ม/หน่วย) and the three people named in the pack, with their positions.

What is synthetic (``is_synthetic=True``, every name ends in "(ข้อมูลสมมติ)"):
- 224 other service-area offices (182 สพป. + 42 สพม.: 225 in all, as in 2562–2563) in real provinces, with
  deterministic pseudo-random indicator scores for 2562 and 2563 (``random.Random(2562)``), built so that exactly
  30 of them score above 91.25 in 2562 and none equals it: สพป.สมุทรสาคร is then 31st, as OBEC announced;
- a few schools under สพป.สมุทรสาคร, and the demo users other than the three named people;
- the round calendars, and the 2563 result of สพป.สมุทรสาคร in the sample import file (the seed does not give it).

Totals and levels are computed by the core engine (``combine`` → ``total_rounded``/``level``), never by hand.
Everything is written in one transaction, through the service functions where they exist (rounds, the import of
the seed office's official results); the synthetic bulk is created directly and summarised in one audit entry.
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from prongsai.core.framework import Framework, load_framework
from prongsai.core.scoring import AgencyScore, combine, rounded
from prongsai.core.tabular import read_table
from prongsai.web.audit.actions import AuditAction

DEMO_PASSWORD = "prongsai-demo-2563"
DEMO_ACTION = AuditAction.LOAD_DEMO
SEED = 2562

CENTRAL_CODE = "OBEC"
CENTRAL_NAME = "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"
CENTRAL_SHORT = "สพฐ."

SKN_CODE = "ESA-SKN"
SKN_NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"
SKN_SHORT = "สพป.สมุทรสาคร"
SKN_TOTAL_2562 = Decimal("91.25")
SKN_RANK_2562 = 31

#: the seed's 2562 indicator scores (ตารางที่ ๑ of the analysis report), as a results file
SEED_2562_CSV = (
    "agency,year,i1,i2,i3,i4,i5,i6,i7,i8,i9,i10\n"
    f"{SKN_SHORT},2562,99.08,96.94,99.30,98.55,98.72,95.75,91.75,89.72,86.81,83.04\n"
)

#: the demo story's 2563 file (ILLUSTRATIVE: the seed does not give the office's 2563 result) and its broken twin
SKN_2563 = ["98.95", "97.60", "99.12", "98.70", "98.90", "96.35", "93.80", "92.64", "94.55", "92.31"]
HEADER = "agency,year," + ",".join(f"i{n}" for n in range(1, 11))
DEMO_2563_CSV = f"{HEADER}\n{SKN_SHORT},2563,{','.join(SKN_2563)}\n"
DEMO_2563_BAD_CSV = f"{HEADER}\n{SKN_SHORT},2563,{','.join(SKN_2563[:8] + ['105'] + SKN_2563[9:])}\n"
DEMO_FILES = {"samutsakhon-2563.csv": DEMO_2563_CSV, "samutsakhon-2563-bad.csv": DEMO_2563_BAD_CSV}

#: units (กลุ่ม/หน่วย) as the seed names them (the committee of order ที่ ๑๖๙/๒๕๖๓ and the announcement of measures)
SKN_UNITS = [
    ("กลุ่มอำนวยการ", ""),
    ("กลุ่มนโยบายและแผน", ""),
    ("กลุ่มส่งเสริมการจัดการศึกษา", ""),
    ("กลุ่มบริหารงานการเงินและสินทรัพย์", ""),
    ("กลุ่มบริหารงานบุคคล", ""),
    ("กลุ่มพัฒนาครูและบุคลากรทางการศึกษา", ""),
    ("กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา", "กลุ่มนิเทศฯ"),
    ("กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร", "กลุ่มส่งเสริมการศึกษาทางไกลฯ"),
    ("หน่วยตรวจสอบภายใน", ""),
]
ITA_UNIT = "กลุ่มส่งเสริมการจัดการศึกษา"  # secretary of the ITA committee (seed: คำสั่ง ที่ ๑๖๙/๒๕๖๓)

DIRECTOR_POSITION = (
    "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษา รักษาราชการแทน ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # Role value
    role_th: str
    title_th: str
    name_th: str  # full name without the title
    position_th: str
    agency: str  # "central", "skn" or "other"
    unit: str = ""
    synthetic: bool = True


#: one login per role; the director, officer and staff are the people the seed names (real names, real positions)
LOGINS = [
    DemoLogin(
        "central",
        "central_admin",
        "ผู้ดูแลระบบส่วนกลาง",
        "",
        "ผู้ดูแลระบบส่วนกลาง (ข้อมูลสมมติ)",
        "ผู้ดูแลระบบ ITA ส่วนกลาง",
        "central",
    ),
    DemoLogin("director", "director", "ผู้อำนวยการ", "นาย", "พิศุทธิ์ พงศ์ศรีนิธิศ", DIRECTOR_POSITION, "skn", synthetic=False),
    DemoLogin(
        "officer",
        "agency_admin",
        "ผู้ดูแลระบบหน่วยงาน (เจ้าหน้าที่ ITA)",
        "นาง",
        "อลินดา กิตติทรงภพ",
        "นักวิชาการศึกษาชำนาญการ",
        "skn",
        unit=ITA_UNIT,
        synthetic=False,
    ),
    DemoLogin(
        "staff",
        "unit_staff",
        "เจ้าหน้าที่กลุ่ม/หน่วย",
        "นาย",
        "นิสิต ธีระสิทธิ์",
        "นักวิชาการศึกษาชำนาญการ",
        "skn",
        unit=ITA_UNIT,
        synthetic=False,
    ),
    DemoLogin("assessor", "assessor", "ผู้ตรวจประเมิน", "", "ผู้ตรวจประเมิน (ข้อมูลสมมติ)", "ผู้ตรวจประเมิน OIT", "central"),
    DemoLogin("viewer", "viewer", "ผู้ดูข้อมูล", "", "ผู้ดูข้อมูล (ข้อมูลสมมติ)", "ผู้ดูข้อมูล สพป.สมุทรสาคร", "skn"),
    DemoLogin(
        "other_officer",
        "agency_admin",
        "ผู้ดูแลระบบหน่วยงานอื่น",
        "",
        "เจ้าหน้าที่ ITA เขตอื่น (ข้อมูลสมมติ)",
        "เจ้าหน้าที่ ITA สพป.ตัวอย่าง 001",
        "other",
    ),
]

#: Thailand's 77 provinces by the six geographical regions, with Bangkok apart (Agency.region values)
PROVINCES = {
    "north": "เชียงราย เชียงใหม่ น่าน พะเยา แพร่ แม่ฮ่องสอน ลำปาง ลำพูน อุตรดิตถ์",
    "northeast": (
        "กาฬสินธุ์ ขอนแก่น ชัยภูมิ นครพนม นครราชสีมา บึงกาฬ บุรีรัมย์ มหาสารคาม มุกดาหาร ยโสธร "
        "ร้อยเอ็ด เลย ศรีสะเกษ สกลนคร สุรินทร์ หนองคาย หนองบัวลำภู อำนาจเจริญ อุดรธานี อุบลราชธานี"
    ),
    "west": "กาญจนบุรี ตาก ประจวบคีรีขันธ์ เพชรบุรี ราชบุรี",
    "central": (
        "กำแพงเพชร ชัยนาท นครนายก นครปฐม นครสวรรค์ นนทบุรี ปทุมธานี พระนครศรีอยุธยา พิจิตร พิษณุโลก "
        "เพชรบูรณ์ ลพบุรี สมุทรปราการ สมุทรสงคราม สมุทรสาคร สิงห์บุรี สุโขทัย สุพรรณบุรี สระบุรี อ่างทอง "
        "อุทัยธานี"
    ),
    "east": "จันทบุรี ฉะเชิงเทรา ชลบุรี ตราด ปราจีนบุรี ระยอง สระแก้ว",
    "south": ("กระบี่ ชุมพร ตรัง นครศรีธรรมราช นราธิวาส ปัตตานี พังงา พัทลุง ภูเก็ต ระนอง สตูล สงขลา สุราษฎร์ธานี ยะลา"),
    "bangkok": "กรุงเทพมหานคร",
}
PROVINCE_REGION = {p: region for region, names in PROVINCES.items() for p in names.split()}

N_PRIMARY, N_SECONDARY = 183, 42  # ESA offices in 2562–2563: 183 สพป. + 42 สพม. = 225
N_ABOVE_SKN_2562 = SKN_RANK_2562 - 1  # synthetic offices above 91.25 in 2562

ROUND_PHASES = {  # illustrative calendars (the seed: ITA Online 2563 ran June–July 2563)
    2562: {
        "registration": (date(2019, 4, 1), date(2019, 4, 30)),
        "oit_entry": (date(2019, 5, 1), date(2019, 6, 30)),
        "surveys": (date(2019, 5, 1), date(2019, 6, 30)),
        "oit_review": (date(2019, 7, 1), date(2019, 7, 31)),
        "results": (date(2019, 9, 1), date(2019, 9, 30)),
    },
    2563: {
        "registration": (date(2020, 5, 15), date(2020, 5, 31)),
        "oit_entry": (date(2020, 6, 1), date(2020, 7, 31)),
        "surveys": (date(2020, 6, 1), date(2020, 7, 31)),
        "oit_review": (date(2020, 8, 1), date(2020, 8, 31)),
        "clarification": (date(2020, 9, 1), date(2020, 9, 10)),
        "results": (date(2020, 9, 15), date(2020, 9, 30)),
    },
}


# ----------------------------------------------------------------------------------------- synthetic scores


@dataclass
class SyntheticOffice:
    number: int
    subkind: str  # สพป. / สพม.
    province: str
    scores: dict[int, dict[int, Decimal]]  # year → indicator → score


def _clamp(value: float, low: float = 40.0) -> Decimal:
    return Decimal(f"{min(100.0, max(low, value)):.2f}")


def _draw(rng: random.Random, framework: Framework, quality: float) -> dict[int, Decimal]:
    """Indicator scores for one office of a given quality: survey tools score high, OIT varies most."""
    centre = {"IIT": (94.0, 2.5, 2.2), "EIT": (88.5, 3.5, 3.0), "OIT": (78.0, 9.0, 7.5)}
    scores = {}
    for indicator in framework.indicators:
        mid, slope, noise = centre[indicator.tool]
        scores[indicator.number] = _clamp(rng.gauss(mid + slope * quality, noise))
    return scores


def score_of(framework: Framework, indicators: dict[int, Decimal]) -> AgencyScore:
    return combine(framework, {n: Fraction(v) for n, v in indicators.items()})


def synthetic_offices(fw_2562: Framework, fw_2563: Framework) -> list[SyntheticOffice]:
    """The 224 synthetic offices, deterministically: exactly 30 above 91.25 in 2562, none equal to it."""
    rng = random.Random(SEED)
    n = N_PRIMARY - 1 + N_SECONDARY
    above = set(rng.sample(range(n), N_ABOVE_SKN_2562))
    primary_provinces = [p for p in PROVINCE_REGION if p != "สมุทรสาคร"]
    rng.shuffle(primary_provinces)
    primary_provinces += [rng.choice(primary_provinces) for _ in range(N_PRIMARY - 1 - len(primary_provinces))]
    secondary_provinces = ["กรุงเทพมหานคร", "กรุงเทพมหานคร"] + rng.sample(
        [p for p in PROVINCE_REGION if p != "กรุงเทพมหานคร"], N_SECONDARY - 2
    )
    offices = []
    for i in range(n):
        want_above = i in above
        while True:
            quality = rng.gauss(0.0, 1.0)
            s2562 = _draw(rng, fw_2562, quality)
            total = score_of(fw_2562, s2562).total_rounded
            # (mypy) the demo's drawn answers always score
            if total != SKN_TOTAL_2562 and (total > SKN_TOTAL_2562) == want_above:  # type: ignore[operator]
                break
        s2563 = _draw(rng, fw_2563, quality + rng.gauss(0.3, 0.5))
        if i < N_PRIMARY - 1:
            subkind, number, province = "สพป.", i + 1, primary_provinces[i]
        else:
            subkind, number, province = "สพม.", i - (N_PRIMARY - 1) + 1, secondary_provinces[i - (N_PRIMARY - 1)]
        offices.append(SyntheticOffice(number, subkind, province, {2562: s2562, 2563: s2563}))
    return offices


def _synthetic_names(office: SyntheticOffice) -> tuple[str, str, str]:
    if office.subkind == "สพป.":
        label = f"{office.number:03d}"
        return (
            f"DEMO-P{label}",
            f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง {label} (ข้อมูลสมมติ)",
            f"สพป.ตัวอย่าง {label} (ข้อมูลสมมติ)",
        )
    label = f"{office.number:02d}"
    return (
        f"DEMO-S{label}",
        f"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาตัวอย่าง {label} (ข้อมูลสมมติ)",
        f"สพม.ตัวอย่าง {label} (ข้อมูลสมมติ)",
    )


def _result_values(framework: Framework, indicators: dict[int, Decimal]) -> dict:
    score = score_of(framework, indicators)
    tools = score.tools_rounded
    return {
        "indicators": {str(n): str(rounded(v)) for n, v in score.indicators.items() if v is not None},
        "iit": tools.get("IIT"),
        "eit": tools.get("EIT"),
        "oit": tools.get("OIT"),
        "total": score.total_rounded,
        "level": score.level or "",
    }


# ------------------------------------------------------------------------------------------------- loading


def ensure_central_office():
    """The central office สพฐ. (created when absent): the home of central admins."""
    from prongsai.web.agencies.models import Agency, AgencyKind

    office = (
        Agency.objects.filter(code=CENTRAL_CODE).first()
        or Agency.objects.filter(kind=AgencyKind.CENTRAL, name_th=CENTRAL_NAME).first()
    )
    if office is None:
        office = Agency.objects.create(
            code=CENTRAL_CODE,
            name_th=CENTRAL_NAME,
            short_name=CENTRAL_SHORT,
            name_en="Office of the Basic Education Commission (OBEC)",
            kind=AgencyKind.CENTRAL,
            region="bangkok",
            province="กรุงเทพมหานคร",
            website="https://www.obec.go.th",
        )
    return office


def is_loaded() -> bool:
    from prongsai.web.audit.models import AuditEntry

    return AuditEntry.objects.filter(action=DEMO_ACTION).exists()


def write_demo_files(directory: Path) -> dict[str, Path]:
    """The demo story's import files (a good one and one with a bad score) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in DEMO_FILES.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def load_demo(stdout: TextIO | None = None) -> bool:
    """Load the demo data into the configured database; ``False`` (and nothing written) when already loaded."""
    from django.db import transaction

    out = stdout or sys.stdout
    if is_loaded():
        print("  demo data already loaded (prongsai demo --reset starts over)", file=out, flush=True)
        return False
    with transaction.atomic():
        _load(out)
    return True


def _step(out: TextIO, started: float, text: str) -> None:
    print(f"  {time.perf_counter() - started:5.1f}s  {text}", file=out, flush=True)


def _load(out: TextIO) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Person, Unit
    from prongsai.web.audit.services import record
    from prongsai.web.results import standings
    from prongsai.web.results.models import AgencyResult, ImportBatch, ResultSource
    from prongsai.web.results.services import import_official_results, publish_results
    from prongsai.web.rounds.models import RoundStatus
    from prongsai.web.rounds.services import create_round, set_round_status

    started = time.perf_counter()
    User = get_user_model()
    fw = {2562: load_framework("ita-2562-esa"), 2563: load_framework("ita-2563-esa")}

    # --- the real office, its units and schools
    central_office = ensure_central_office()
    skn = Agency.objects.create(
        code=SKN_CODE,
        name_th=SKN_NAME,
        short_name=SKN_SHORT,
        name_en="Samut Sakhon Primary Educational Service Area Office",
        kind=AgencyKind.ESA,
        subkind="สพป.",
        parent=central_office,
        province="สมุทรสาคร",
        region="central",
        website="https://www.skn.go.th",
    )
    units = {
        name: Unit.objects.create(agency=skn, name_th=name, short_name=short, order=i)
        for i, (name, short) in enumerate(SKN_UNITS, start=1)
    }
    thai_digits = "๐๑๒๓๔๕๖๗๘๙"
    for n in range(1, 4):
        Agency.objects.create(
            code=f"DEMO-SKN-SCH{n}",
            name_th=f"โรงเรียนตัวอย่าง {thai_digits[n]} (ข้อมูลสมมติ)",
            kind=AgencyKind.SCHOOL,
            parent=skn,
            province="สมุทรสาคร",
            region="central",
            is_synthetic=True,
        )
    _step(out, started, f"{SKN_SHORT}: {len(units)} กลุ่ม/หน่วย, 3 schools (synthetic)")

    # --- the synthetic national set: bulk, then the materialised paths once the ids are known
    offices = synthetic_offices(fw[2562], fw[2563])
    rows = []
    for office in offices:
        code, name, short = _synthetic_names(office)
        rows.append(
            Agency(
                code=code,
                name_th=name,
                short_name=short,
                kind=AgencyKind.ESA,
                subkind=office.subkind,
                parent=central_office,
                province=office.province,
                region=PROVINCE_REGION[office.province],
                is_synthetic=True,
            )
        )
    created = Agency.objects.bulk_create(rows)
    if any(a.pk is None for a in created):  # a backend that does not return ids
        by_code = dict(Agency.objects.filter(code__in=[a.code for a in created]).values_list("code", "pk"))
        for agency in created:
            agency.pk = by_code[agency.code]
    for agency in created:
        agency.path = f"{central_office.path}{agency.pk}/"
    Agency.objects.bulk_update(created, ["path"], batch_size=500)
    _step(out, started, f"{len(created)} synthetic ESA offices (ข้อมูลสมมติ)")

    # --- people: one login per role; one password hash shared (hashing is the slow part)
    password = make_password(DEMO_PASSWORD)
    homes = {"central": central_office, "skn": skn, "other": created[0]}
    users = {}
    for login in LOGINS:
        first, _, last = login.name_th.partition(" ")
        user = User.objects.create(
            username=login.username,
            password=password,
            first_name=first[:150],
            last_name=last[:150],
            email=f"{login.username}@demo.prongsai.invalid",
        )
        Person.objects.create(
            user=user, title_th=login.title_th, full_name_th=login.name_th, position_th=login.position_th
        )
        Membership.objects.create(
            user=user,
            agency=homes[login.agency],
            role=login.role,
            unit=units.get(login.unit),
            position_th=login.position_th,
        )
        users[login.username] = user
    central = users["central"]
    _step(out, started, f"{len(users)} demo users ({', '.join(users)})")

    # --- rounds, through the services (audited)
    round_2562 = create_round(
        central, "ita-2562-esa", 2562, phases=ROUND_PHASES[2562], name_th="ITA สำนักงานเขตพื้นที่การศึกษา ปีงบประมาณ พ.ศ. 2562"
    )
    set_round_status(central, round_2562, RoundStatus.OPEN)
    round_2563 = create_round(
        central, "ita-2563-esa", 2563, phases=ROUND_PHASES[2563], name_th="ITA สำนักงานเขตพื้นที่การศึกษา ปีงบประมาณ พ.ศ. 2563"
    )
    set_round_status(central, round_2563, RoundStatus.OPEN)

    # --- the seed office's real 2562 result, imported as an officer would (the service validates and scores it)
    table = read_table("seed-samutsakhon-2562.csv", data=SEED_2562_CSV.encode())
    import_official_results(central, round_2562, table, SEED_2562_CSV.encode())

    # --- synthetic results for both years, in bulk, one batch and one audit entry per round
    for year, round_ in ((2562, round_2562), (2563, round_2563)):
        csv_text = (
            HEADER
            + "\n"
            + "".join(
                f"{_synthetic_names(o)[0]},{year}," + ",".join(str(o.scores[year][n]) for n in range(1, 11)) + "\n"
                for o in offices
            )
        )
        batch = ImportBatch.objects.create(
            round=round_,
            file_name=f"demo-synthetic-{year}.csv (ข้อมูลสมมติ)",
            sha256=hashlib.sha256(csv_text.encode()).hexdigest(),
            row_count=len(offices),
            created_by=central,
        )
        AgencyResult.objects.bulk_create(
            [
                AgencyResult(
                    round=round_,
                    agency=agency,
                    source=ResultSource.OFFICIAL,
                    batch=batch,
                    **_result_values(fw[year], office.scores[year]),
                )
                for office, agency in zip(offices, created)
            ],
            batch_size=500,
        )
        standings.invalidate_round(round_.pk)  # bulk writes send no signals: the ranks must be recomputed
    _step(
        out,
        started,
        f"results: 2562 for 225 offices ({SKN_SHORT} real: 91.25, A), "
        f"2563 for {len(offices)} synthetic offices ({SKN_SHORT}: to be imported)",
    )

    set_round_status(central, round_2562, RoundStatus.CLOSED)
    publish_results(central, round_2562)
    record(
        central,
        DEMO_ACTION,
        f"demo data: {SKN_SHORT} (real 2562 scores from the seed), {len(created)} synthetic ESA offices, "
        f"3 synthetic schools, {len(users)} demo users, rounds 2562 (closed, published) and 2563 (open)",
        changes={
            "synthetic_offices": len(created),
            "seed": SEED,
            "users": list(users),
            "rounds": [round_2562.pk, round_2563.pk],
        },
    )
    _step(out, started, "rounds: 2562 closed and published, 2563 open; audit log written")
