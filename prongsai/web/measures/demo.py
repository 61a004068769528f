"""Demo data of issue 6 for สพป.สมุทรสาคร, from the seed (shared/seed/000_dd6ffc30ed6034de.txt):

- the analysis committee of 2563 as appointed by คำสั่ง ที่ ๑๖๙/๒๕๖๓ (25 มิถุนายน ๒๕๖๓): 12 members, roles as
  in the order;
- the four measures of the announcement of 25 มิถุนายน ๒๕๖๓, with their purposes, actions and responsible units;
- the units' 6- and 12-month progress reports, whose texts are the lines of the seed's implementation report
  (การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน, ปีงบประมาณ พ.ศ. ๒๕๖๓), split by period;
- analysis notes for the four weakest 2562 indicators, from the seed's analysis report;
- the pack's header facts (memo of 24 มิถุนายน ๒๕๖๓ from กลุ่มส่งเสริมการจัดการศึกษา, its phone, the signer).

Obvious typing slips of the seed are corrected (ฝึกระวัง → เฝ้าระวัง, กลุ่มอำนาจการ → กลุ่มอำนวยการ).  Everything is
written through the services, as the ITA officer (or the first central admin), in one transaction.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TextIO

from prongsai.web.audit.actions import AuditAction

SKN_CODE = "ESA-SKN"
ORDER_NUMBER = "169"  # printed "ที่ ๑๖๙/๒๕๖๓": the year is added
ORDER_DATE = date(2020, 6, 25)
MEMO_DATE = date(2020, 6, 24)
ANNOUNCEMENT_DATE = date(2020, 6, 25)
REPORT_DATE = date(2020, 9, 30)
FY_START, FY_END = date(2019, 10, 1), date(2020, 9, 30)  # fiscal year 2563
PHONE = "0 3441 1417 ต่อ 117 - 120"
MEMO_NUMBER = "ศธ 04152/"

ITA = "กลุ่มส่งเสริมการจัดการศึกษา"
ADMIN = "กลุ่มอำนวยการ"
PLAN = "กลุ่มนโยบายและแผน"
FINANCE = "กลุ่มบริหารงานการเงินและสินทรัพย์"
PERSONNEL = "กลุ่มบริหารงานบุคคล"
TEACHERS = "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา"
SUPERVISION = "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"
ICT = "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร"
AUDIT = "หน่วยตรวจสอบภายใน"
UNITS = [ADMIN, PLAN, ITA, FINANCE, PERSONNEL, TEACHERS, SUPERVISION, ICT, AUDIT]

AGENCY_NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"

#: คำสั่ง ที่ ๑๖๙/๒๕๖๓, in its order: (position as printed, role, unit)
COMMITTEE = [
    (f"ผู้อำนวยการ{AGENCY_NAME}", "chair", None),
    (f"รองผู้อำนวยการ{AGENCY_NAME}", "vice_chair", None),
    ("ผู้อำนวยการกลุ่มนโยบายและแผน", "member", PLAN),
    ("ผู้อำนวยการกลุ่มนิเทศติดตามและประเมินผลการจัดการศึกษา", "member", SUPERVISION),
    ("ผู้อำนวยการกลุ่มอำนวยการ", "member", ADMIN),
    ("ผู้อำนวยการกลุ่มบริหารงานการเงินและสินทรัพย์", "member", FINANCE),
    ("ผู้อำนวยการกลุ่มบริหารงานบุคคล", "member", PERSONNEL),
    ("ผู้อำนวยการกลุ่มพัฒนาครูและบุคลากรทางการศึกษา", "member", TEACHERS),
    ("ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกล ฯ", "member", ICT),
    ("ผู้อำนวยการหน่วยตรวจสอบภายใน", "member", AUDIT),
    ("ผู้อำนวยการกลุ่มส่งเสริมการจัดการศึกษา", "secretary", ITA),
    ("นักวิชาการศึกษาชำนาญการ", "assistant_secretary", ITA),  # นางอลินดา กิตติทรงภพ (the ITA officer)
]
OFFICER_NAME = ("นาง", "อลินดา กิตติทรงภพ")

#: the announcement: (title, purpose, targets, units, all_units, actions [(text, unit or None)])
MEASURES = [
    (
        "ด้านป้องกันการทุจริต",
        "เพื่อเผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ของหน่วยงาน และเปิดเผยการดำเนินการตามภารกิจของหน่วยงานให้"
        "สาธารณชนได้รับทราบ ใน 2 ประเด็น คือ การดำเนินการเพื่อป้องกันการทุจริต และมาตรการภายในเพื่อป้องกันการทุจริต",
        ["10"],
        [ITA],
        False,
        [
            ("ทบทวนนโยบายหรือมาตรการป้องกันการทุจริตในหน่วยงานให้มีประสิทธิภาพ", None),
            ("จัดทำแผนการป้องกันและปราบปรามการทุจริตและเผยแพร่บนเว็บไซต์ของหน่วยงาน", None),
            (
                "เฝ้าระวัง ตรวจสอบการทุจริตภายในหน่วยงาน รวมถึงการนำผลการตรวจสอบไปปรับปรุงการทำงานเพื่อป้องกันการทุจริตภายในหน่วยงาน",
                None,
            ),
        ],
    ),
    (
        "ด้านการเปิดเผยข้อมูล",
        "เพื่อให้มีการเปิดเผยข้อมูลข่าวสารต่าง ๆ ของหน่วยงานให้สาธารณชนได้รับทราบใน 5 ประเด็น ดังนี้ คือ "
        "1) ข้อมูลพื้นฐาน 2) การบริหารงาน 3) การบริหารเงินและงบประมาณ 4) การบริหารและพัฒนาทรัพยากรบุคคล "
        "5) การส่งเสริมความโปร่งใสในหน่วยงาน",
        ["9"],
        [ADMIN, PLAN, FINANCE, PERSONNEL, TEACHERS],
        False,
        [
            ("ข้อมูลพื้นฐาน ข่าวประชาสัมพันธ์ และการปฏิสัมพันธ์ข้อมูล", ADMIN),
            ("จัดทำแผนปฏิบัติการประจำปีและแผนพัฒนาการศึกษา", PLAN),
            ("จัดทำแผนการใช้จ่ายงบประมาณประจำปี และการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ", FINANCE),
            ("การจัดทำนโยบายการบริหารทรัพยากรบุคคล และการดำเนินการตามนโยบาย การจัดการเรื่องร้องเรียนการทุจริต", PERSONNEL),
            ("หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล", TEACHERS),
            ("ทุกกลุ่ม/หน่วย รับผิดชอบ การเปิดโอกาสให้เกิดการมีส่วนร่วม", None),
        ],
    ),
    (
        "ด้านการปรับปรุงระบบการทำงาน",
        "เพื่อประเมินการรับรู้ของผู้รับบริการ ผู้มาติดต่อ หรือผู้มีส่วนได้ส่วนเสียของหน่วยงานต่อการปรับปรุงระบบการทำงาน",
        ["8"],
        [],
        True,
        [
            (
                "ดำเนินการพัฒนา ปรับปรุง หรือทบทวนขั้นตอนการปฏิบัติงานหรือขั้นตอนการให้บริการตามแนวทางที่"
                "พระราชบัญญัติการอำนวยความสะดวก พ.ศ. 2558 กำหนด",
                None,
            ),
            (
                "การดำเนินภารกิจต่อประชาชน หรือผู้มีส่วนได้ส่วนเสีย ด้วยความโปร่งใสและตรวจสอบได้ พร้อมทั้งนำข้อเสนอแนะ "
                "ข้อร้องเรียนที่ได้รับจากประชาชน มาพัฒนาและปรับปรุงระบบการทำงานให้มีประสิทธิภาพยิ่งขึ้น",
                None,
            ),
            ("นำเทคโนโลยีสารสนเทศมาใช้ในการให้บริการ หรือการดำเนินงานให้เกิดความสะดวก รวดเร็ว และมีประสิทธิภาพมากยิ่งขึ้น", None),
            ("พัฒนาในลักษณะ One Stop Service ให้มีการลดขั้นตอนและใช้ระยะเวลาให้น้อยที่สุด", None),
        ],
    ),
    (
        "ด้านประสิทธิภาพการสื่อสาร",
        "เพื่อประเมินการรับรู้ของผู้รับบริการ ผู้มาติดต่อหรือผู้มีส่วนได้ส่วนเสียของหน่วยงานต่อประสิทธิภาพการสื่อสารของหน่วยงาน",
        ["7"],
        [ADMIN, ICT],
        False,
        [
            (
                "เผยแพร่ข้อมูลข่าวสารต่อสาธารณชน ผ่านช่องทางที่หลากหลาย เข้าถึงได้ง่าย ไม่ซับซ้อนและมีข้อมูลที่ถูกต้อง"
                "เป็นปัจจุบัน ผ่านทางระบบสารบรรณอิเล็กทรอนิกส์ จดหมายข่าวและเว็บไซต์ของสำนักงานเขตพื้นที่การศึกษา"
                "ประถมศึกษาสมุทรสาคร www.skn.go.th",
                None,
            ),
            ("เผยแพร่ประชาสัมพันธ์ผลการดำเนินงานของหน่วยงานอย่างต่อเนื่อง", None),
            ("เพิ่มช่องทางรับฟังความคิดเห็นเกี่ยวกับการดำเนินงานของหน่วยงาน การให้บริการ และช่องทางร้องเรียนการทุจริตของเจ้าหน้าที่", None),
            ("มีการมอบหมายให้มีผู้ตอบข้อซักถามที่บุคคล หรือหน่วยงาน องค์กรและเอกชน สอบถามเข้ามา", None),
        ],
    ),
]

_CLUBS = (
    "(1) กิจกรรมการประเมินโรงเรียนสุจริตพระราชทานด้านความโปร่งใส\n(2) กิจกรรมบริษัทสร้างการดี\n"
    "(3) กิจกรรมสร้างสำนึกพลเมือง (Project Citizen)\n(4) กิจกรรมการถอดบทเรียน Best Practice ครู "
    "ผู้บริหารโรงเรียนสุจริต\n(5) กิจกรรมสร้างเครือข่าย ป.ป.ช.สพฐ.น้อย/ป.ป.ช.สพฐ.ชุมชน\n"
    "(6) กิจกรรมค่ายเยาวชนไทยหัวใจ STRONG\n(7) กิจกรรมสื่อสร้างสรรค์ด้านทุจริต"
)
_WEB = "https://www.skn.go.th"

#: progress reports: measure index → [(unit, period, status, text, links)]; the texts are the lines of the seed's
#: implementation report, the first half reported at 6 months and the rest at 12
REPORTS = {
    0: [
        (
            ITA,
            6,
            "in_progress",
            "1.1 การประกาศเจตจำนงสุจริตในการบริหารงานของผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร\n"
            "1.2 จัดทำนโยบายเสริมสร้างคุณธรรมและความโปร่งใสในการดำเนินงานของสำนักงานเขตพื้นที่การศึกษาประถมศึกษา"
            "สมุทรสาคร\n"
            "1.3 จัดกิจกรรมการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน\n- จัดทำมาตรการส่งเสริมคุณธรรมและความโปร่งใส\n"
            "- พัฒนาบุคลากรของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร ให้เกิดความรู้ความตระหนักในการปฏิบัติหน้าที่"
            "อย่างซื่อสัตย์สุจริต ตรงไปตรงมา และปราศจากการทุจริตทุกรูปแบบ\n"
            "1.4 จัดทำแผนปฏิบัติการโครงการเสริมสร้างคุณธรรม จริยธรรมและธรรมาภิบาลในสถานศึกษา ประจำปีงบประมาณ "
            "พ.ศ. 2563\n"
            "1.5 จัดทำรายงานการวิเคราะห์ความเสี่ยงประจำปีงบประมาณ พ.ศ. 2563",
            [_WEB],
        ),
        (
            ITA,
            12,
            "done",
            "1.6 การดำเนินกิจกรรมตามโครงการโรงเรียนสุจริต เพื่อเสริมสร้างคุณธรรม จริยธรรมและความตระหนักรู้ในการป้องกัน"
            "และปราบปรามการทุจริต\n" + _CLUBS + "\n"
            "1.7 การขับเคลื่อนหลักสูตรด้านทุจริตศึกษา (Anti-Corruption Education)\n"
            "(1) ขับเคลื่อนการนำหลักสูตรด้านทุจริตศึกษา (หลักสูตรการศึกษาขั้นพื้นฐาน) ไปปรับใช้ในการจัดการเรียนการสอน"
            "ของสถานศึกษาในสังกัด\n(2) การติดตามและประเมินผลการใช้หลักสูตรด้านทุจริตศึกษา\n"
            "(3) การประเมินพฤติกรรมเด็กและเยาวชนที่ยึดมั่นความซื่อสัตย์สุจริต\n"
            "1.8 กิจกรรมสำนักงานเขตพื้นที่การศึกษาสุจริต: จัดทำนวัตกรรมด้านการป้องกันและต่อต้านการทุจริต "
            "(สื่อการเรียนรู้ออนไลน์) ตามหน่วยการเรียนรู้ 4 หน่วย ของหลักสูตรด้านทุจริตศึกษา เพื่อประชาสัมพันธ์"
            "บนเว็บไซต์ของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร\n"
            "1.9 กิจกรรมการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของสำนักงานเขตพื้นที่การศึกษาออนไลน์\n"
            "1.10 กิจกรรมการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของสถานศึกษาออนไลน์",
            [_WEB],
        ),
    ],
    1: [
        (unit, period, status, text, [_WEB])
        for unit, topic in (
            (ADMIN, "(1) ข้อมูลพื้นฐาน"),
            (PLAN, "(2) การบริหารงาน"),
            (FINANCE, "(3) การบริหารเงินและงบประมาณ"),
            (PERSONNEL, "(5) การส่งเสริมความโปร่งใสในหน่วยงาน"),
            (TEACHERS, "(4) การบริหารและพัฒนาทรัพยากรบุคคล"),
        )
        for period, status, text in (
            (
                6,
                "in_progress",
                f"จัดทำข้อมูลพื้นฐานของหน่วยงานเผยแพร่ประชาสัมพันธ์บนเว็บไซต์ของสำนักงานเขตพื้นที่"
                f"การศึกษาประถมศึกษาสมุทรสาคร ให้สาธารณชนรับทราบ: {topic}",
            ),
            (12, "done", f"ปรับปรุงข้อมูล {topic} บนเว็บไซต์ให้เป็นปัจจุบันครบถ้วนตลอดปีงบประมาณ"),
        )
    ],
    2: [
        (ITA, 6, "in_progress", "3.1 จัดทำคู่มือการปฏิบัติงานรายบุคคล\n3.2 จัดทำคู่มือการให้บริการประชาชน", [_WEB]),
        (
            ITA,
            12,
            "done",
            "3.3 จัดทำแบบสำรวจความพึงพอใจการให้บริการ\n3.4 เพิ่มช่องทางที่บุคคลภายนอกสามารถขอรับบริการตามอำนาจหน้าที่"
            "ภารกิจของหน่วยงานผ่านช่องทางออนไลน์ เช่น Smart OBEC, My office, Facebook, Line, web Board",
            [_WEB],
        ),
    ]
    + [
        (unit, period, status, text, [])
        for unit in UNITS
        if unit != ITA
        for period, status, text in (
            (6, "in_progress", "จัดทำคู่มือการปฏิบัติงานรายบุคคลและคู่มือการให้บริการของกลุ่ม/หน่วย"),
            (12, "done", "ใช้แบบสำรวจความพึงพอใจและช่องทางออนไลน์ในการให้บริการของกลุ่ม/หน่วย"),
        )
    ],
    3: [
        (
            ADMIN,
            6,
            "in_progress",
            "4.1 เผยแพร่ข้อมูลข่าวสารต่อสาธารณชน ผ่านช่องทางที่หลากหลาย เข้าถึงได้ง่าย ไม่ซับซ้อนและมีข้อมูลที่ถูกต้อง"
            "เป็นปัจจุบัน ผ่านทางระบบสารบรรณอิเล็กทรอนิกส์ จดหมายข่าวและเว็บไซต์ของสำนักงานเขตพื้นที่การศึกษา"
            "ประถมศึกษาสมุทรสาคร www.skn.go.th\n4.2 เผยแพร่ประชาสัมพันธ์ผลการดำเนินงานของหน่วยงานอย่างต่อเนื่อง",
            [_WEB],
        ),
        (
            ADMIN,
            12,
            "done",
            "4.3 เพิ่มช่องทางรับฟังความคิดเห็นเกี่ยวกับการดำเนินงานของหน่วยงาน การให้บริการและช่องทางร้องเรียน"
            "การทุจริตของเจ้าหน้าที่\n4.4 มอบหมายให้มีผู้ตอบข้อซักถาม ที่บุคคล หรือหน่วยงาน องค์กรและเอกชนสอบถามเข้ามา",
            [_WEB],
        ),
        (ICT, 6, "in_progress", "ดูแลเว็บไซต์ www.skn.go.th และระบบสารบรรณอิเล็กทรอนิกส์ให้ข้อมูลเป็นปัจจุบัน", [_WEB]),
        (ICT, 12, "done", "เปิดช่องทางรับฟังความคิดเห็นและร้องเรียนออนไลน์บนเว็บไซต์ www.skn.go.th", [_WEB]),
    ],
}

#: the seed analysis report's explanation of the four weakest 2562 indicators (abridged)
NOTES = {
    10: "ประเด็นการป้องกันการทุจริตเป็นการประเมินเชิงประจักษ์ในระบบออนไลน์ ความครบถ้วนสมบูรณ์ของเอกสารในบางประเด็น"
    "อาจจะไม่ครบตามที่สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐานกำหนด หรือเอกสารไม่ชัดเจน และไม่ทราบผลคะแนนรายข้อ "
    "จึงวิเคราะห์เจาะลึกได้ไม่ละเอียด",
    9: "ประเด็นการเปิดเผยข้อมูลเป็นการประเมินเชิงประจักษ์ในระบบออนไลน์ (33 ข้อ) เอกสารบางประเด็นอาจไม่ครบถ้วนหรือไม่ชัดเจน",
    8: "เป็นการประเมินจากผู้มีส่วนได้ส่วนเสียภายนอก (EIT) ได้แก่ ผู้บริหารสถานศึกษาและครู ซึ่งบางคนเป็นผู้บริหารใหม่"
    "หรือย้ายมาจากจังหวัดอื่น หรือมาติดต่อเฉพาะบางกลุ่ม จึงทำให้การตอบแบบประเมินไม่ครอบคลุมทุกภารกิจ",
    7: "เป็นการประเมินจากผู้มีส่วนได้ส่วนเสียภายนอก (EIT) ผู้บริหารบางคนไม่ได้เป็นคณะกรรมการหรือคณะทำงานในระดับ"
    "เขตพื้นที่การศึกษา จึงไม่ค่อยมีส่วนร่วมในกิจกรรมที่สำนักงานเขตพื้นที่การศึกษาดำเนินการ",
}

DEMO_ACTION = AuditAction.LOAD_MEASURES_DEMO


def is_loaded() -> bool:
    from prongsai.web.audit.models import AuditEntry

    return AuditEntry.objects.filter(action=DEMO_ACTION).exists()


def load_measures_demo(stdout: TextIO | None = None) -> bool:
    """Load the committee, measures, progress reports, notes and pack details; ``False`` when already loaded or
    when the seed office or its rounds are missing (nothing written then)."""
    from django.db import transaction

    out = stdout or sys.stdout
    if is_loaded():
        print("  measures demo already loaded", file=out, flush=True)
        return False
    with transaction.atomic():
        done = _load(out)
    return done


def _actor(agency):
    from prongsai.web.agencies.models import Membership, Role
    from prongsai.web.measures.committees import ita_officer

    officer = ita_officer(agency)
    if officer is not None:
        return officer.user
    central = Membership.objects.filter(role=Role.CENTRAL_ADMIN).select_related("user").order_by("pk").first()
    return central.user if central else None


def _load(out: TextIO) -> bool:
    from prongsai.web.agencies.models import Agency, Membership, Role, Unit
    from prongsai.web.audit.services import record
    from prongsai.web.measures import committees, services
    from prongsai.web.measures.models import DEFAULT_DUTIES
    from prongsai.web.rounds.models import AssessmentRound

    agency = Agency.objects.filter(code=SKN_CODE).first()
    round_2562 = AssessmentRound.objects.filter(fiscal_year=2562, framework_id="ita-2562-esa").first()
    round_2563 = AssessmentRound.objects.filter(fiscal_year=2563, framework_id="ita-2563-esa").first()
    if agency is None or round_2562 is None or round_2563 is None:
        print("  measures demo: สพป.สมุทรสาคร or the 2562/2563 rounds are missing; skipped", file=out, flush=True)
        return False
    actor = _actor(agency)
    if actor is None:
        print("  measures demo: no ITA officer or central admin to act as; skipped", file=out, flush=True)
        return False

    # the seed's units (the demo creates them; a test cast may hold only some)
    units = {u.name_th: u for u in agency.units.all()}
    next_order = max([u.order for u in units.values()] or [0])
    for name in UNITS:
        if name not in units:
            next_order += 1
            units[name] = Unit.objects.create(agency=agency, name_th=name, order=next_order)

    # the committee of คำสั่ง ที่ ๑๖๙/๒๕๖๓
    officer = committees.ita_officer(agency)
    officer_person = getattr(officer.user, "person", None) if officer else None
    members = []
    for position, role, unit in COMMITTEE:
        person = None
        if role == "assistant_secretary":
            if officer_person is not None and OFFICER_NAME[1] in officer_person.full_name_th:
                person = officer_person
            else:
                position = f"{OFFICER_NAME[0]}{OFFICER_NAME[1]} {position}"
        members.append(committees.SuggestedMember(position, role, unit=units[unit] if unit else None, person=person))
    committees.set_committee_members(actor, round_2563, agency, members)
    committees.update_committee(
        actor, round_2563, agency, order_number=ORDER_NUMBER, order_date=ORDER_DATE, duties=list(DEFAULT_DUTIES)
    )
    print(f"  {agency.short_name}: committee of {len(members)} (คำสั่ง ที่ 169/2563)", file=out, flush=True)

    # the measures of the announcement and the units' reports
    staff_user = {m.unit_id: m.user for m in Membership.objects.filter(agency=agency, role=Role.UNIT_STAFF)}
    n_reports = 0
    for index, (title, purpose, targets, unit_names, all_units, actions) in enumerate(MEASURES):
        measure = services.create_measure(
            actor,
            round_2563,
            agency,
            services.MeasureInput(
                title=title,
                purpose=purpose,
                targets=targets,
                units=[units[n] for n in unit_names],
                all_units=all_units,
                starts_on=FY_START,
                ends_on=FY_END,
                order=index + 1,
                # (mypy) MEASURES rows are fixed tuples
                actions=[(text, units[u] if u else None) for text, u in actions],  # type: ignore[attr-defined]  # fixed rows
            ),
        )
        for unit_name, period, status, text, links in REPORTS.get(index, []):
            unit = units[unit_name]
            reporter = staff_user.get(unit.pk) or actor
            services.submit_progress(reporter, measure, unit, period, text, links=links, status=status)
            n_reports += 1
    print(
        f"  {agency.short_name}: {len(MEASURES)} measures, {n_reports} progress reports (6 and 12 months)",
        file=out,
        flush=True,
    )

    # the analysis notes of the four weakest 2562 indicators
    for indicator, text in NOTES.items():
        services.save_analysis_note(actor, round_2562, agency, indicator, text)

    # the pack's header facts
    from prongsai.web.documents.services import save_details

    director = Membership.objects.filter(agency=agency, role=Role.DIRECTOR).select_related("user__person").first()
    save_details(
        actor,
        round_2563,
        agency,
        memo_unit=units[ITA],
        phone=PHONE,
        memo_number=MEMO_NUMBER,
        memo_date=MEMO_DATE,
        announcement_date=ANNOUNCEMENT_DATE,
        report_date=REPORT_DATE,
        author=officer_person,
        signer=getattr(director.user, "person", None) if director else None,
        signer_position=((director.position_th if director else "") or "").replace("รักษาราชการแทน ", "รักษาราชการแทน\n"),
    )
    record(
        actor,
        DEMO_ACTION,
        f"{agency.short_name}: seed committee, measures, progress reports, notes",
        agency=agency,
        changes={"round": round_2563.pk, "measures": len(MEASURES), "reports": n_reports},
    )
    return True
