"""The seed's pack as plain data: สพป.สมุทรสาคร, ITA 2562 result → the 2563 O42/O43 documents.

Used by the fidelity tests, the benchmark and as a reference for the web side's mapping from its models.
Facts come from the seed (shared/seed/000_…); its OCR slips are corrected (ชำนาญการ, the director's name as
it appears first, "ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร" in full).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from prongsai.core.analysis import analyse
from prongsai.core.framework import Framework, load_framework
from prongsai.core.gains import cheapest_path, what_if
from prongsai.core.scoring import AgencyScore, combine
from prongsai.documents.context import (
    AgencyInfo,
    CommitteeMember,
    Measure,
    MeasureAction,
    PackInput,
    Person,
    ProgressReport,
)

SEED_2562 = {
    1: "99.08",
    2: "96.94",
    3: "99.30",
    4: "98.55",
    5: "98.72",
    6: "95.75",
    7: "91.75",
    8: "89.72",
    9: "86.81",
    10: "83.04",
}

AGENCY = AgencyInfo(
    name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
    short_name="สพป.สมุทรสาคร",
    unit="กลุ่มส่งเสริมการจัดการศึกษา",
    phone="๐ ๓๔๔๑ ๑๔๑๗ ต่อ ๑๑๗ - ๑๒๐",
    doc_prefix="ศธ ๐๔๑๕๒/",
    website="www.skn.go.th",
    parent_name="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
    parent_short="สพฐ.",
    kind_th="สำนักงานเขตพื้นที่การศึกษา",
)

SIGNER = Person(
    "นายพิศุทธิ์ พงศ์ศรีนิธิศ",
    "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษา รักษาราชการแทน\nผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
)
AUTHOR = Person("นายนิสิต ธีระสิทธิ์", "นักวิชาการศึกษาชำนาญการ")
REVIEWER = Person("นางอลินดา กิตติทรงภพ", "นักวิชาการศึกษาชำนาญการ")

UNITS = {
    "policy": "กลุ่มนโยบายและแผน",
    "supervision": "กลุ่มนิเทศติดตามและประเมินผลการจัดการศึกษา",
    "admin": "กลุ่มอำนวยการ",
    "finance": "กลุ่มบริหารงานการเงินและสินทรัพย์",
    "personnel": "กลุ่มบริหารงานบุคคล",
    "teacher_dev": "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา",
    "ict": "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
    "audit": "หน่วยตรวจสอบภายใน",
    "promotion": "กลุ่มส่งเสริมการจัดการศึกษา",
}

COMMITTEE = (
    CommitteeMember("ประธานกรรมการ", title="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"),
    CommitteeMember("รองประธานกรรมการ", title="รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มนโยบายและแผน"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มนิเทศติดตามและประเมินผลการจัดการศึกษา"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มอำนวยการ"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มบริหารงานการเงินและสินทรัพย์"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มบริหารงานบุคคล"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มพัฒนาครูและบุคลากรทางการศึกษา"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร"),
    CommitteeMember("กรรมการ", title="ผู้อำนวยการหน่วยตรวจสอบภายใน"),
    CommitteeMember("กรรมการและเลขานุการ", title="ผู้อำนวยการกลุ่มส่งเสริมการจัดการศึกษา"),
    CommitteeMember("กรรมการและผู้ช่วยเลขานุการ", person=REVIEWER),
)

MEASURES = (
    Measure(
        key="prevention",
        area="ด้านการป้องกันการทุจริต",
        indicators=(10,),
        items=("O42", "O43"),
        purpose="เพื่อเผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ของหน่วยงาน และเปิดเผยการดำเนินการตามภารกิจของหน่วยงาน"
        "ให้สาธารณชนได้รับทราบ ใน 2 ประเด็น คือ การดำเนินการเพื่อป้องกันการทุจริต "
        "และมาตรการภายในเพื่อป้องกันการทุจริต",
        units=(UNITS["promotion"],),
        actions=(
            "ทบทวนนโยบายหรือมาตรการป้องกันการทุจริตในหน่วยงานให้มีประสิทธิภาพ",
            "จัดทำแผนการป้องกันและปราบปรามการทุจริตและเผยแพร่บนเว็บไซต์ของหน่วยงาน",
            ("เฝ้าระวัง ตรวจสอบการทุจริตภายในหน่วยงาน รวมถึงการนำผลการตรวจสอบไปปรับปรุงการทำงานเพื่อป้องกันการทุจริตภายในหน่วยงาน"),
        ),
        start=date(2020, 7, 1),
        end=date(2020, 9, 30),
    ),
    Measure(
        key="disclosure",
        area="ด้านการเปิดเผยข้อมูล",
        indicators=(9,),
        purpose="เพื่อให้มีการเปิดเผยข้อมูลข่าวสารต่าง ๆ ของหน่วยงานให้สาธารณชนได้รับทราบใน 5 ประเด็น ดังนี้ คือ "
        "1) ข้อมูลพื้นฐาน 2) การบริหารงาน 3) การบริหารเงินและงบประมาณ 4) การบริหารและพัฒนาทรัพยากรบุคคล "
        "5) การส่งเสริมความโปร่งใสในหน่วยงาน",
        actions=(
            MeasureAction("ข้อมูลพื้นฐาน ข่าวประชาสัมพันธ์ และการปฏิสัมพันธ์ข้อมูล", (UNITS["admin"],)),
            MeasureAction("จัดทำแผนปฏิบัติการประจำปีและแผนพัฒนาการศึกษา", (UNITS["policy"],)),
            MeasureAction("จัดทำแผนการใช้จ่ายงบประมาณประจำปี และการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ", (UNITS["finance"],)),
            MeasureAction(
                "การจัดทำนโยบายการบริหารทรัพยากรบุคคล และการดำเนินการตามนโยบาย การจัดการเรื่องร้องเรียนการทุจริต",
                (UNITS["personnel"],),
            ),
            MeasureAction("หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล", (UNITS["teacher_dev"],)),
            MeasureAction("การเปิดโอกาสให้เกิดการมีส่วนร่วม", ("ทุกกลุ่ม/หน่วย",)),
        ),
        start=date(2020, 7, 1),
        end=date(2020, 9, 30),
    ),
    Measure(
        key="work_system",
        area="ด้านการปรับปรุงระบบการทำงาน",
        indicators=(8,),
        purpose="เพื่อประเมินการรับรู้ของผู้รับบริการ ผู้มาติดต่อ หรือผู้มีส่วนได้ส่วนเสียของหน่วยงานต่อการปรับปรุงระบบการทำงาน",
        units=("ทุกกลุ่ม/หน่วย",),
        actions=(
            (
                "ดำเนินการพัฒนา ปรับปรุง หรือทบทวนขั้นตอนการปฏิบัติงานหรือขั้นตอนการให้บริการ"
                "ตามแนวทางที่พระราชบัญญัติการอำนวยความสะดวก พ.ศ. 2558 กำหนด"
            ),
            (
                "การดำเนินภารกิจต่อประชาชน หรือผู้มีส่วนได้ส่วนเสีย ด้วยความโปร่งใสและตรวจสอบได้ พร้อมทั้งนำข้อเสนอแนะ "
                "ข้อร้องเรียนที่ได้รับจากประชาชน มาพัฒนาและปรับปรุงระบบการทำงานให้มีประสิทธิภาพยิ่งขึ้น"
            ),
            ("นำเทคโนโลยีสารสนเทศมาใช้ในการให้บริการ หรือการดำเนินงานให้เกิดความสะดวก รวดเร็ว และมีประสิทธิภาพมากยิ่งขึ้น"),
            "พัฒนาในลักษณะ One Stop Service ให้มีการลดขั้นตอนและใช้ระยะเวลาให้น้อยที่สุด",
        ),
        start=date(2020, 7, 1),
        end=date(2020, 9, 30),
    ),
    Measure(
        key="communication",
        area="ด้านประสิทธิภาพการสื่อสาร",
        indicators=(7,),
        purpose="เพื่อประเมินการรับรู้ของผู้รับบริการ ผู้มาติดต่อหรือผู้มีส่วนได้ส่วนเสียของหน่วยงานต่อประสิทธิภาพการสื่อสารของหน่วยงาน",
        units=(UNITS["admin"], UNITS["ict"]),
        actions=(
            (
                "เผยแพร่ข้อมูลข่าวสารต่อสาธารณชน ผ่านช่องทางที่หลากหลาย เข้าถึงได้ง่าย ไม่ซับซ้อนและมีข้อมูลที่ถูกต้อง"
                "เป็นปัจจุบัน ผ่านทางระบบสารบรรณอิเล็กทรอนิกส์ จดหมายข่าวและเว็บไซต์ของสำนักงานเขตพื้นที่การศึกษา"
                "ประถมศึกษาสมุทรสาคร www.skn.go.th"
            ),
            "เผยแพร่ประชาสัมพันธ์ผลการดำเนินงานของหน่วยงานอย่างต่อเนื่อง",
            ("เพิ่มช่องทางรับฟังความคิดเห็นเกี่ยวกับการดำเนินงานของหน่วยงาน การให้บริการ และช่องทางร้องเรียนการทุจริตของเจ้าหน้าที่"),
            "มีการมอบหมายให้มีผู้ตอบข้อซักถามที่บุคคล หรือหน่วยงาน องค์กรและเอกชน สอบถามเข้ามา",
        ),
        start=date(2020, 7, 1),
        end=date(2020, 9, 30),
    ),
)

PROGRESS = (
    ProgressReport(
        "prevention",
        6,
        unit=UNITS["promotion"],
        text="ประกาศเจตจำนงสุจริตในการบริหารงานของผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร "
        "และจัดทำนโยบายเสริมสร้างคุณธรรมและความโปร่งใสในการดำเนินงาน",
        done=("จัดทำมาตรการส่งเสริมคุณธรรมและความโปร่งใส", "จัดทำรายงานการวิเคราะห์ความเสี่ยงประจำปีงบประมาณ พ.ศ. 2563"),
        links=("https://www.skn.go.th/ita/o36",),
    ),
    ProgressReport(
        "prevention",
        12,
        unit=UNITS["promotion"],
        text="ดำเนินกิจกรรมตามโครงการโรงเรียนสุจริต และขับเคลื่อนหลักสูตรด้านทุจริตศึกษา "
        "(Anti-Corruption Education) ในสถานศึกษาในสังกัด",
        done=(
            "กิจกรรมค่ายเยาวชนไทยหัวใจ STRONG",
            "กิจกรรมสร้างสำนึกพลเมือง (Project Citizen)",
            "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของสถานศึกษาออนไลน์",
        ),
        links=("https://www.skn.go.th/ita/o43",),
    ),
    ProgressReport(
        "disclosure",
        6,
        unit=UNITS["admin"],
        text="จัดทำข้อมูลพื้นฐานของหน่วยงานเผยแพร่ประชาสัมพันธ์บนเว็บไซต์ของสำนักงานเขตพื้นที่การศึกษา"
        "ประถมศึกษาสมุทรสาคร ให้สาธารณชนรับทราบ ใน 5 ประเด็น",
        links=("https://www.skn.go.th/ita",),
    ),
    ProgressReport("disclosure", 12, unit=UNITS["admin"], text="ปรับปรุงข้อมูลทั้ง 5 ประเด็นให้เป็นปัจจุบัน ครบทุกข้อของแบบตรวจ OIT"),
    ProgressReport(
        "work_system", 6, unit=UNITS["policy"], done=("จัดทำคู่มือการปฏิบัติงานรายบุคคล", "จัดทำคู่มือการให้บริการประชาชน")
    ),
    ProgressReport(
        "work_system",
        12,
        unit=UNITS["policy"],
        done=(
            "จัดทำแบบสำรวจความพึงพอใจการให้บริการ",
            (
                "เพิ่มช่องทางที่บุคคลภายนอกสามารถขอรับบริการตามอำนาจหน้าที่ผ่านช่องทางออนไลน์ เช่น "
                "Smart OBEC, My office, Facebook, Line, Web Board"
            ),
        ),
    ),
    ProgressReport(
        "communication",
        6,
        unit=UNITS["ict"],
        text="เผยแพร่ข้อมูลข่าวสารผ่านระบบสารบรรณอิเล็กทรอนิกส์ จดหมายข่าว และเว็บไซต์ www.skn.go.th",
        links=("https://www.skn.go.th",),
    ),
    ProgressReport(
        "communication",
        12,
        unit=UNITS["ict"],
        text="เพิ่มช่องทางรับฟังความคิดเห็นและช่องทางร้องเรียนการทุจริตของเจ้าหน้าที่ และมอบหมายผู้ตอบข้อซักถาม",
    ),
)


def seed_score() -> tuple[Framework, AgencyScore]:
    framework = load_framework("ita-2562-esa")
    return framework, combine(framework, {n: Fraction(Decimal(v)) for n, v in SEED_2562.items()})


def seed_pack(**overrides: Any) -> PackInput:
    """The seed's pack (2563 documents from the 2562 result, rank 31)."""
    framework, score = seed_score()
    analysis = analyse(framework, score, lowest_n=4)
    values: dict = dict(  # noqa: C408 - keyword form reads as the PackInput call it feeds
        agency=AGENCY,
        framework=load_framework("ita-2563-esa"),
        year=2563,
        analysis=analysis,
        analysed_year=2562,
        signer=SIGNER,
        committee=COMMITTEE,
        measures=MEASURES,
        progress=PROGRESS,
        memo_author=AUTHOR,
        memo_reviewers=(REVIEWER,),
        gains=what_if(framework, score),
        plan=cheapest_path(framework, score),
        assessment_period="ระหว่างเดือนมิถุนายน - กรกฎาคม 2563",
        memo_date=date(2020, 6, 24),
        order_date=date(2020, 6, 25),
        order_number="169",
        announcement_date=date(2020, 6, 25),
        report_date=date(2020, 6, 25),
        implementation_date=date(2020, 9, 30),
        rank=31,
        narratives={
            10: "ประเด็นการป้องกันการทุจริตและการเปิดเผยข้อมูล เป็นการประเมินเชิงประจักษ์ในระบบออนไลน์ "
            "ความครบถ้วนสมบูรณ์ของเอกสารในบางประเด็นอาจไม่ครบตามที่สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐานกำหนด "
            "หรือเอกสารไม่ชัดเจน",
            8: "ผู้ประเมินเป็นผู้บริหารโรงเรียนในสังกัด ซึ่งบางคนเป็นผู้บริหารใหม่ หรือย้ายมาจากจังหวัดอื่น "
            "อาจไม่คุ้นเคยกับการติดต่อกับสำนักงานเขตพื้นที่การศึกษา จึงทำให้การตอบแบบประเมินไม่ครอบคลุมทุกภารกิจ",
        },
    )
    values.update(overrides)
    return PackInput(**values)
