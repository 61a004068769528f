"""What a document pack is made of, as plain data: the agency, the people who sign, the committee, the measures
and the progress reports (``PackInput``), and the pack's fixed names.  The web side builds these from its models;
tests build them by hand.  Re-exported by ``context``, the package's public entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from prongsai.core.analysis import Analysis
from prongsai.core.framework import Framework
from prongsai.core.gains import Gain, Plan

ROLES = ("ประธานกรรมการ", "รองประธานกรรมการ", "กรรมการ", "กรรมการและเลขานุการ", "กรรมการและผู้ช่วยเลขานุการ")
DEFAULT_DUTIES = (
    "วิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานในปีที่ผ่านมา",
    "จัดทำรายงานผลการวิเคราะห์ ฯ และนำผลที่ได้มาปรับปรุงและพัฒนางานในปีถัดไป",
)
DOCUMENTS = ("memo", "order", "announcement", "analysis", "implementation")
DOCUMENT_TITLES = {
    "memo": "บันทึกข้อความขออนุมัติ",
    "order": "คำสั่งแต่งตั้งคณะกรรมการวิเคราะห์ผล",
    "announcement": "ประกาศมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
    "analysis": "รายงานการวิเคราะห์ผลการประเมิน",
    "implementation": "รายงานผลการดำเนินการตามมาตรการ",
}
BLANK_DATE = "........................................"
BLANK_NUMBER = "....."


# ------------------------------------------------------------------------------------------------ the data


@dataclass(frozen=True)
class AgencyInfo:
    name_th: str  # สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร
    short_name: str = ""  # สพป.สมุทรสาคร
    unit: str = ""  # the unit that writes the memo and collects the reports: กลุ่มส่งเสริมการจัดการศึกษา
    phone: str = ""  # ๐ ๓๔๔๑ ๑๔๑๗ ต่อ ๑๑๗ - ๑๒๐
    doc_prefix: str = ""  # the memo number prefix: ศธ ๐๔๑๕๒/
    website: str = ""  # www.skn.go.th
    head_title: str = ""  # ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร (default: "ผู้อำนวยการ" + name)
    parent_name: str = ""  # สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (who assessed and published the result)
    parent_short: str = ""  # สพฐ.
    kind_th: str = "หน่วยงานภาครัฐ"  # what was assessed: "สำนักงานเขตพื้นที่การศึกษา", "สถานศึกษา"
    rank_scope_th: str = "ของประเทศ"

    @property
    def head(self) -> str:
        return self.head_title or f"ผู้อำนวยการ{self.name_th}"

    @property
    def short(self) -> str:
        return self.short_name or self.name_th


@dataclass(frozen=True)
class Person:
    name: str  # นายพิศุทธิ์ พงศ์ศรีนิธิศ
    position: str = ""  # one line, or several separated by "\n"

    @property
    def position_lines(self) -> list[str]:
        return [line.strip() for line in self.position.splitlines() if line.strip()]


@dataclass(frozen=True)
class CommitteeMember:
    role: str  # one of ROLES
    person: Person | None = None  # a named member …
    title: str = ""  # … or a position title ("ผู้อำนวยการกลุ่มนโยบายและแผน")

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown committee role {self.role!r} (allowed: {', '.join(ROLES)})")
        if self.person is None and not self.title:
            raise ValueError("a committee member needs a person or a position title")

    @property
    def text(self) -> str:
        if self.person is None:
            return self.title
        return " ".join(p for p in (self.person.name, self.person.position.replace("\n", " ")) if p)


@dataclass(frozen=True)
class MeasureAction:
    text: str
    units: tuple[str, ...] = ()  # when this action has its own responsible units


@dataclass(frozen=True)
class Measure:
    area: str  # "ด้านการป้องกันการทุจริต"
    purpose: str = ""  # "เพื่อ…" (why, in terms of the analysis)
    actions: tuple[MeasureAction | str, ...] = ()
    units: tuple[str, ...] = ()  # responsible units for the whole measure
    indicators: tuple[int, ...] = ()  # linked indicators …
    items: tuple[str, ...] = ()  # … and OIT items
    start: date | None = None
    end: date | None = None
    key: str = ""  # stable id that progress reports refer to (default: the area)

    @property
    def id(self) -> str:
        return self.key or self.area

    @property
    def action_list(self) -> list[MeasureAction]:
        return [a if isinstance(a, MeasureAction) else MeasureAction(a) for a in self.actions]

    @property
    def all_units(self) -> list[str]:
        units = list(self.units)
        for action in self.action_list:
            units += [u for u in action.units if u not in units]
        return units


@dataclass(frozen=True)
class ProgressReport:
    measure: str  # Measure.id
    period: int  # 6 or 12 (months into the fiscal year)
    text: str = ""
    links: tuple[str, ...] = ()
    done: tuple[str, ...] = ()  # actions carried out, one line each
    unit: str = ""
    reported_on: date | None = None


@dataclass
class PackInput:
    """Everything one agency's pack for one round needs (the web side fills it from its models)."""

    agency: AgencyInfo
    framework: Framework  # the round's edition: the O42/O43 requirement the pack answers
    year: int  # fiscal year B.E. of the round (2563)
    analysis: Analysis  # the analysis of the previous year's result
    analysed_year: int  # 2562
    signer: Person  # signs the order and the announcement, approves the memo
    committee: Sequence[CommitteeMember] = ()
    measures: Sequence[Measure] = ()
    progress: Sequence[ProgressReport] = ()
    memo_author: Person | None = None
    memo_reviewers: Sequence[Person] = ()
    duties: Sequence[str] = DEFAULT_DUTIES
    narratives: Mapping[int, str] = field(default_factory=dict)
    gains: Sequence[Gain] = ()
    plan: Plan | None = None
    report_periods: tuple[int, ...] = (6, 12)
    assessment_period: str = ""  # "ระหว่างเดือนมิถุนายน - กรกฎาคม 2563"
    memo_date: date | None = None
    memo_number: str = ""
    order_date: date | None = None
    order_number: str = ""
    announcement_date: date | None = None
    report_date: date | None = None
    implementation_date: date | None = None
    reporter: Person | None = None  # signs the analysis and implementation reports (default: none)
    rank: int | None = None  # overrides analysis.peer.rank (e.g. the official national rank)
    system: str = "ITA Online"  # the assessment's name in the memo: "… (ITA Online)"; "" for none
    units: Sequence[str] = ()  # all the agency's units (the O43 report says "ทุกกลุ่ม/หน่วย" when all reported)
