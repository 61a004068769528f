"""Pure context builders for the official document pack (O42/O43 evidence), from plain dataclasses.

No Django, no rendering: each ``*_context`` function returns a dict of ready-to-print Thai strings (Thai digits,
Buddhist-Era dates) and lists, which the HTML templates (PDF) and the DOCX templates lay out the same way.
The wording follows the seed pack of สพป.สมุทรสาคร (memo, committee order, measures announcement, analysis
report, implementation report), with its errors fixed: the table is truly sorted, the highest indicator is
the real one, and the OCR slips are gone.  URLs and links are never converted to Thai digits.

The web side builds these dataclasses from its models; tests build them by hand.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from prongsai.core.analysis import Analysis, Breakdown, Gain, IndicatorResult, Plan, Step
from prongsai.core.framework import Framework
from prongsai.core.thai import check_document_date, fiscal_year_bounds, format_score, format_thai_date, to_thai_digits

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


# ---------------------------------------------------------------------------------------------- helpers


def clean(text: str) -> str:
    """Tidy typed Thai: NIKHAHIT + SARA AA typed as two characters becomes SARA AM (searchable, one glyph)."""
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    for tone in "\u0e48\u0e49\u0e4a\u0e4b":  # tone typed between the two halves: น + ํ + ้ + า
        text = text.replace(f"\u0e4d{tone}\u0e32", f"{tone}\u0e33")
    return " ".join(text.split()) if "\n" not in text else text


def th(text: object) -> str:
    """Thai digits for official text (never for URLs).  Where a line may break is decided when rendering
    (``thaibreak``): "พ.ศ. ๒๕๖๓" is kept together there, so the text itself holds plain spaces."""
    return to_thai_digits(clean(str(text)))


def score_th(value: Fraction | Decimal | None) -> str:
    return "-" if value is None else format_score(value, thai_digits=True)


def date_th(value: date | None, style: str = "full") -> str:
    check_document_date(value, "วันที่ในเอกสาร")  # the last guard: no document prints an impossible year
    return BLANK_DATE if value is None else format_thai_date(value, style, thai_digits=True)


#: where a signature block may start (cm from the left margin), widest first: 7.2 cm (centred on the right part
#: of the line, as usual) unless a line of the position is too long for it
SIGNATURE_INDENTS = (7.2, 4.5, 2.0, 0.0)
TEXT_WIDTH_CM = 16.0


def position_lines(lines: Sequence[str], keep: Sequence[str] = (), width_cm: float = TEXT_WIDTH_CM) -> list[str]:
    """A position as printed under a signature: each given line whole when it fits the text width, else cut as
    late as it fits, at a space or just before a name of ``keep`` (the agency's), never inside such a name."""
    from prongsai.documents.measure import width_cm as width

    out: list[str] = []
    for line in lines:
        while width(line) > width_cm:
            inside = [(m.start(), m.end()) for name in keep if name for m in re.finditer(re.escape(name), line)]
            spaces = {i for i, ch in enumerate(line) if ch == " "} | {start for start, _ in inside}
            cuts = sorted(
                c
                for c in spaces
                if c > 0 and not any(a < c < b for a, b in inside) and width(line[:c].strip()) <= width_cm
            )
            if not cuts:
                break
            out.append(line[: cuts[-1]].strip())
            line = line[cuts[-1] :].strip()
        out.append(line)
    return out


def signature(person: Person | None, keep: Sequence[str] = ()) -> dict | None:
    """The name in parentheses and the position lines, with the block's left indent (cm) so that its longest
    line fits on one line (``indent`` is one of SIGNATURE_INDENTS; the DOCX has one style for each)."""
    from prongsai.documents.measure import width_cm

    if person is None:
        return None
    name = f"({clean(person.name)})"
    lines = position_lines([th(line) for line in person.position_lines], keep)
    widest = max([width_cm(name)] + [width_cm(line) for line in lines])
    indent = next((i for i in SIGNATURE_INDENTS if TEXT_WIDTH_CM - i >= widest + 0.2), 0.0)
    return {"name": name, "lines": lines, "indent": indent, "style": f"sig-{SIGNATURE_INDENTS.index(indent)}"}


def join_th(names: Sequence[str]) -> str:
    """กลุ่ม ก, กลุ่ม ข และกลุ่ม ค."""
    names = [clean(n) for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return " ".join(names[:-1]) + " และ" + names[-1]


def period_label(year: int, months: int) -> str:
    """รอบ ๖ เดือน (๑ ตุลาคม ๒๕๖๒ - ๓๑ มีนาคม ๒๕๖๓) for fiscal year 2563."""
    start, end = fiscal_year_bounds(year)
    month = (start.month - 1 + months - 1) % 12 + 1
    end_year = start.year + (start.month - 1 + months - 1) // 12
    stop = date(end_year, month, calendar.monthrange(end_year, month)[1]) if months < 12 else end
    return f"รอบ {th(months)} เดือน ({date_th(start)} - {date_th(stop)})"


def assessment_period_th(start: date | None, end: date | None) -> str:
    """When the assessment ran, as the seed's memo says it: "ระหว่างเดือนมิถุนายน - กรกฎาคม 2563"
    ("ในเดือนมิถุนายน 2563" within one month; both years when they differ); "" when unknown.  Arabic digits:
    ``th()`` prints Thai digits."""
    from prongsai.core.thai import THAI_MONTHS, be_year

    if start is None or end is None:
        return ""
    first, last = THAI_MONTHS[start.month - 1], THAI_MONTHS[end.month - 1]
    if (start.year, start.month) == (end.year, end.month):
        return f"ในเดือน{first} {be_year(end.year)}"
    if start.year == end.year:
        return f"ระหว่างเดือน{first} - {last} {be_year(end.year)}"
    return f"ระหว่างเดือน{first} {be_year(start.year)} - {last} {be_year(end.year)}"


def periods_th(periods: Sequence[int]) -> str:
    """(6, 12) → "รอบ ๖ เดือน และ ๑๒ เดือน"."""
    parts = [f"{th(p)} เดือน" for p in periods]
    if len(parts) == 1:
        return f"รอบ {parts[0]}"
    return "รอบ " + " ".join(parts[:-1]) + " และ " + parts[-1]


def _rank(analysis: Analysis, rank: int | None) -> int | None:
    if rank is not None:
        return rank
    return analysis.peer.rank if analysis.peer is not None else None


def _names(agency: AgencyInfo) -> tuple[str, ...]:
    """The agency's names, never split in a signature's position lines."""
    return tuple(th(n) for n in (agency.name_th, agency.short_name) if n)


def result_sentence(agency: AgencyInfo, analysis: Analysis, analysed_year: int, rank: int | None = None) -> str:
    """The seed's opening paragraph (order and report), with the true highest and lowest indicators."""
    parent = agency.parent_name or "หน่วยงานผู้ประเมิน"
    rank = _rank(analysis, rank)
    rank_text = f"เป็นลำดับที่ {th(rank)} {agency.rank_scope_th} " if rank is not None else ""
    text = (
        f"ตามที่{parent} ได้ประกาศผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ{agency.kind_th} "
        f"ประจำปีงบประมาณ พ.ศ. {th(analysed_year)} โดย{agency.name_th} มีผลการประเมินคุณธรรมและความโปร่งใส"
        f"{rank_text}ได้คะแนนร้อยละเฉลี่ย {score_th(analysis.total)} ซึ่งถือว่ามีคุณธรรมและความโปร่งใส"
        f"ในการดำเนินงานอยู่ในระดับ {analysis.level}"
    )
    high, low = analysis.highest, analysis.lowest_one
    if high is not None and low is not None:
        text += (
            f" โดยตัวชี้วัด{high.name_th} ได้คะแนนสูงสุด ร้อยละเฉลี่ย {score_th(high.score)} "
            f"ส่วนตัวชี้วัดที่ได้คะแนนต่ำสุด คือ ตัวชี้วัด{low.name_th} ได้คะแนนร้อยละเฉลี่ย {score_th(low.score)}"
        )
    return th(text)


# ------------------------------------------------------------------------------------------------- memo


def memo_context(
    agency: AgencyInfo,
    *,
    framework: Framework,
    year: int,
    analysis: Analysis,
    analysed_year: int,
    author: Person | None,
    approver: Person,
    reviewers: Sequence[Person] = (),
    memo_date: date | None = None,
    number: str = "",
    assessment_period: str = "",
    oit_codes: Sequence[str] = ("O42", "O43"),
    rank: int | None = None,
    references: Sequence[str] = (),
    system: str = "ITA Online",
) -> dict:
    """บันทึกข้อความ asking the head to approve the committee order, the analysis and the measures."""
    assessment = f"การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ{agency.kind_th}"
    items = [framework.oit_item(code) for code in oit_codes if any(o.code == code for o in framework.oit_items)]
    facts = []
    if items:
        first = items[0]
        indicator = framework.indicator(first.indicator)
        sub = next((s for s in indicator.sub_indicators if s.code == first.sub_indicator), None)
        heading = f"ตัวชี้วัดที่ {indicator.number} {indicator.name_th}"
        if sub is not None:
            heading = f"ตัวชี้วัดย่อย {sub.code} {sub.name_th}"
        if first.group:
            heading += f" ({first.group})"
        facts.append(th(heading + " กำหนดให้หน่วยงานเปิดเผยข้อมูล ดังนี้"))
    item_lines = [th(f"{o.code} {o.title}: {o.requirement}") for o in items]
    rank_value = _rank(analysis, rank)
    result = (
        f"ผลการประเมินของ{agency.name_th} ประจำปีงบประมาณ พ.ศ. {analysed_year} ได้คะแนนร้อยละ "
        f"{score_th(analysis.total)} อยู่ในระดับ {analysis.level}"
    )
    if rank_value is not None:
        result += f" เป็นลำดับที่ {rank_value} {agency.rank_scope_th}"
    if analysis.lowest:
        result += (
            " ตัวชี้วัดที่มีค่าคะแนนต่ำ "
            + th(len(analysis.lowest))
            + " ลำดับ ได้แก่ "
            + " ".join(f"{i.name_th} ({score_th(i.score)})" for i in analysis.lowest)
        )
    when = f" {clean(assessment_period)}" if assessment_period else ""
    label = f" ({system})" if system else ""
    long_label = (
        f"Integrity and Transparency Assessment : {system}" if system else "Integrity and Transparency Assessment : ITA"
    )
    parent = agency.parent_short or agency.parent_name or "หน่วยงานผู้ประเมิน"
    codes = " และ ".join(o.code for o in items) or "ที่เกี่ยวข้อง"
    steps = [
        "จัดทำคำสั่งแต่งตั้งคณะกรรมการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส ฯ",
        (f"ดำเนินการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส ฯ ของ {agency.short} ในปีงบประมาณ พ.ศ. {analysed_year}"),
        f"จัดทำรายงานผลการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสของ {agency.short}",
        "จัดทำประกาศมาตรการส่งเสริมคุณธรรมและความโปร่งใสของหน่วยงาน",
    ]
    proposals = [
        "คำสั่งแต่งตั้งคณะกรรมการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส ฯ",
        "ประกาศมาตรการส่งเสริมคุณธรรมและความโปร่งใสของหน่วยงาน",
        "ขออนุญาตใช้บันทึกฉบับนี้แจ้งผู้เกี่ยวข้องทราบ",
    ]
    refs = list(references) or [
        (f"คู่มือการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ{agency.kind_th} ประจำปีงบประมาณ พ.ศ. {year}")
    ]
    sections = [
        {
            "heading": "๑. เรื่องเดิม",
            "paragraphs": [th(f"ตามที่ {parent} ได้กำหนด{assessment} ({long_label}) ประจำปีงบประมาณ พ.ศ. {year}{when} นั้น")],
            "items": [],
        },
        {"heading": "๒. ข้อเท็จจริง", "paragraphs": facts, "items": item_lines + [th(result)]},
        {"heading": "๓. ข้อกฎหมาย ระเบียบ และเอกสารที่เกี่ยวข้อง", "paragraphs": [], "items": [th(r) for r in refs]},
        {
            "heading": "๔. ข้อพิจารณา",
            "paragraphs": [
                th(
                    f"{agency.unit or agency.short} พิจารณาแล้ว เพื่อให้การจัดทำเอกสาร/หลักฐานสอดคล้องตามประเด็นข้อคำถาม "
                    f"{codes} จึงเห็นควรดำเนินการ ดังนี้"
                )
            ],
            "items": [th(f"{i}) {s}") for i, s in enumerate(steps, start=1)],
        },
        {
            "heading": "๕. ข้อเสนอ",
            "paragraphs": ["จึงเรียนมาเพื่อโปรดพิจารณา หากเห็นชอบโปรดลงนาม"],
            "items": [th(f"{i}) {p}") for i, p in enumerate(proposals, start=1)],
        },
    ]
    department = " ".join(p for p in (agency.short, agency.unit) if p)
    if agency.phone:
        department += f" โทร. {agency.phone}"
    return {
        "kind": "memo",
        "title": "บันทึกข้อความ",
        "department": th(department),
        "number": th(f"{agency.doc_prefix}{number or BLANK_NUMBER}"),
        "date": date_th(memo_date),
        "subject": th(
            f"การจัดทำเอกสาร/หลักฐาน ประกอบการตอบแบบสำรวจ OIT เพื่อรับ{assessment}{label} ประจำปีงบประมาณ พ.ศ. {year}"
        ),
        "to": th(agency.head),
        "sections": sections,
        "signature": signature(author, _names(agency)),
        "reviewers": [signature(p, _names(agency)) for p in reviewers],
        "approval": {
            "lines": ["- ทราบ", "- เห็นชอบ", "- ลงนามแล้ว"],
            "signature": signature(approver, _names(agency)),
            "date": f"วันที่ {BLANK_DATE}",
        },
    }


# ------------------------------------------------------------------------------------------------ order


def committee_order_context(
    agency: AgencyInfo,
    *,
    year: int,
    analysis: Analysis,
    analysed_year: int,
    members: Sequence[CommitteeMember],
    signer: Person,
    number: str = "",
    order_date: date | None = None,
    duties: Sequence[str] = DEFAULT_DUTIES,
    rank: int | None = None,
) -> dict:
    """คำสั่ง แต่งตั้งคณะกรรมการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส."""
    ordered = sorted(members, key=lambda m: ROLES.index(m.role))  # stable: the given order inside a role
    assessment = f"การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ{agency.name_th}"
    return {
        "kind": "order",
        "heading": th(f"คำสั่ง{agency.name_th}"),
        "number": th(f"ที่ {number or BLANK_NUMBER}/{year}"),
        "subject": th(f"เรื่อง แต่งตั้งคณะกรรมการวิเคราะห์ผล{assessment} ประจำปีงบประมาณ พ.ศ. {year}"),
        "paragraphs": [
            result_sentence(agency, analysis, analysed_year, rank),
            th(
                f"ดังนั้น เพื่อให้ทราบถึงประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อนที่จะต้องปรับปรุงแก้ไข "
                f"และประเด็นที่ต้องพัฒนาให้ดีขึ้น {agency.name_th} จึงแต่งตั้งคณะกรรมการวิเคราะห์ผล{assessment} "
                f"ประจำปีงบประมาณ พ.ศ. {year} ดังนี้"
            ),
        ],
        "members": [{"no": th(f"{i}."), "name": th(m.text), "role": m.role} for i, m in enumerate(ordered, start=1)],
        "duties_heading": "มีหน้าที่",
        "duties": [th(f"{i}. {d}") for i, d in enumerate(duties, start=1)],
        "effective": "ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป",
        "date_line": "สั่ง ณ " + (date_th(order_date, "official") if order_date else f"วันที่ {BLANK_DATE}"),
        "signature": signature(signer, _names(agency)),
    }


# ----------------------------------------------------------------------------------------- announcement


def announcement_context(
    agency: AgencyInfo,
    *,
    year: int,
    analysed_year: int,
    measures: Sequence[Measure],
    signer: Person,
    announcement_date: date | None = None,
    periods: Sequence[int] = (6, 12),
    intro: str = "",
) -> dict:
    """ประกาศ เรื่อง มาตรการส่งเสริมคุณธรรมและความโปร่งใส: measures by area, with their responsible units."""
    areas = []
    for n, measure in enumerate(measures, start=1):
        actions = measure.action_list
        own_units = any(a.units for a in actions)
        lines = []
        for k, action in enumerate(actions, start=1):
            mark = f"({k})" if own_units else f"({n}.{k})"
            if action.units:
                lines.append(th(f"{mark} {join_th(action.units)} รับผิดชอบ {action.text}"))
            else:
                lines.append(th(f"{mark} {action.text}"))
        if measure.units and not own_units:
            assign = f"จึงมอบหมายให้ {join_th(measure.units)} รับผิดชอบดำเนินการ ดังนี้"
        elif measure.units:
            assign = f"จึงมอบหมายให้ {join_th(measure.units)} และกลุ่ม/หน่วยต่อไปนี้ ดำเนินการ"
        elif own_units:
            assign = "จึงมอบหมายให้"
        else:
            assign = "จึงมอบหมายให้ผู้รับผิดชอบดำเนินการ ดังนี้"
        # one paragraph, as the seed: the purpose, then who is assigned ("… จึงมอบหมายให้ … ดังนี้"); the linked
        # indicators and the timeframe stay in the data (the analysis report names them), not in the ประกาศ
        areas.append(
            {
                "heading": th(f"{n}. {measure.area}"),
                "purpose": th(" ".join(p for p in (clean(measure.purpose), assign) if p)),
                "actions": lines,
            }
        )
    intro = intro or (
        "เพื่อให้ประชาชนผู้ขอรับบริการได้รับคุณภาพการบริการที่ดี ข้อมูลที่ถูกต้อง ชัดเจน สามารถเข้าถึงข้อมูลและสื่อสารได้"
        "หลายช่องทาง ตามนโยบายเสริมสร้างคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงาน และสอดคล้องกับการวิเคราะห์"
        f"ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ{agency.name_th} ประจำปีงบประมาณ พ.ศ. {analysed_year} "
        f"จึงกำหนดมาตรการส่งเสริมคุณธรรมและความโปร่งใส ของ{agency.name_th} เพื่อให้บุคลากรในสังกัดถือปฏิบัติ ดังนี้"
    )
    collector = " ".join(p for p in (agency.unit, agency.name_th) if p)
    return {
        "kind": "announcement",
        "heading": th(f"ประกาศ{agency.name_th}"),
        "subject": "เรื่อง มาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "subject2": th(f"ของ{agency.name_th}"),
        "intro": th(intro),
        "areas": areas,
        "closing": th(
            f"ทั้งนี้ ขอให้กลุ่ม/หน่วยที่รับผิดชอบรายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
            f"ให้{collector} {periods_th(periods)} เพื่อรวบรวมและรายงานผลการดำเนินการต่อ{agency.head} ต่อไป"
        ),
        "proclaim": "จึงประกาศให้ทราบ และถือปฏิบัติโดยทั่วกัน",
        "date_line": "ประกาศ ณ "
        + (date_th(announcement_date, "official") if announcement_date else f"วันที่ {BLANK_DATE}"),
        "signature": signature(signer, _names(agency)),
        "year": th(year),
    }


# ------------------------------------------------------------------------------------------ the analysis


def _breakdown_lines(breakdown: Breakdown) -> tuple[str, list[dict]]:
    """The heading and the lines ({"text", "level"}: 0 = sub-indicator/question, 1 = item/sub-item)."""
    result = breakdown.indicator
    lines: list[tuple[str, int]] = []
    if breakdown.kind == "evidence":
        subs = breakdown.sub_indicators
        head = (
            f"{result.name_th} ประกอบด้วย {len(subs)} ตัวชี้วัดย่อย ({breakdown.item_count} ข้อ) ได้แก่"
            if subs
            else f"{result.name_th} ประกอบด้วย {breakdown.item_count} ข้อ ได้แก่"
        )
        for sub in subs:
            line = f"- {sub.code} {sub.name_th} ({len(sub.items)} ข้อ)"
            if sub.score is not None:
                line += f" ร้อยละ {score_th(sub.score)}"
            lines.append((line, 0))
            if breakdown.has_item_data:
                for item in sub.items:
                    if item.score is not None and item.score < 100:
                        lines.append((f"{item.code} {item.text} ได้ร้อยละ {score_th(item.score)}", 1))
    else:
        head = f"{result.name_th} ประกอบด้วยข้อคำถาม จำนวน {breakdown.item_count} ข้อ ได้แก่"
        for question in breakdown.items:
            line = f"{question.code} {question.text}"
            if question.score is not None:
                line += f" (ร้อยละ {score_th(question.score)})"
            lines.append((line, 0))
            for sub_item in question.sub_items:
                sub_line = f"- {sub_item.text}"
                if sub_item.score is not None:
                    sub_line += f" (ร้อยละ {score_th(sub_item.score)})"
                lines.append((sub_line, 1))
    return th(head), [{"text": th(text), "level": level} for text, level in lines]


def _finding(result: IndicatorResult, target: Decimal, breakdown: Breakdown) -> str:
    text = f"ตัวชี้วัดนี้ได้คะแนนร้อยละ {score_th(result.score)}"
    if result.score is not None and result.rounded < target:  # type: ignore[operator]  # score is set, so rounded is
        text += f" ต่ำกว่าค่าเป้าหมายร้อยละ {score_th(target)} อยู่ {score_th(Fraction(target) - result.score)}"
    if result.change_rounded is not None:
        change = result.change_rounded
        word = "เพิ่มขึ้น" if change > 0 else "ลดลง" if change < 0 else "เท่าเดิม"
        text += f" {word}จากปีก่อน" + (f" {score_th(abs(change))}" if change else "")
    if result.score is not None and result.score < 100:
        text += f" หากพัฒนาได้ร้อยละ ๑๐๐ จะทำให้คะแนนรวมเพิ่มขึ้น {score_th(result.weight * (100 - result.score))} คะแนน"
    if not breakdown.has_item_data:
        text += " (ไม่ทราบผลคะแนนรายข้อ)"
    return th(text)


def chart_data(analysis: Analysis, target: Decimal | None = None) -> dict:
    """The bar chart of the sorted indicators (renderers draw it: SVG for PDF, PNG for DOCX)."""
    bars = [
        {
            "label": th(f"{i.number}. {i.name_th}"),
            "value": float(i.rounded or 0),
            "text": score_th(i.score),
            "weak": i.weak,
        }
        for i in analysis.indicators
        if i.score is not None
    ]
    return {
        "bars": bars,
        "target": float(target if target is not None else analysis.pass_target),
        "target_text": th(f"ค่าเป้าหมาย {score_th(target if target is not None else analysis.pass_target)}"),
    }


def analysis_report_context(
    agency: AgencyInfo,
    *,
    analysis: Analysis,
    analysed_year: int,
    narratives: Mapping[int, str] | None = None,
    gains: Sequence[Gain] = (),
    plan: Plan | None = None,
    rank: int | None = None,
    reporter: Person | None = None,
    report_date: date | None = None,
    max_gains: int = 10,
) -> dict:
    """รายงานการวิเคราะห์ผล: the truly sorted table, the chart, the weak indicators in depth, the what-if."""
    narratives = narratives or {}
    has_previous = analysis.previous_total is not None
    rows = []
    for i in analysis.indicators:
        row = {"no": th(i.position), "name": th(i.name_th), "score": score_th(i.score), "weak": i.weak}
        if has_previous:
            change = i.change_rounded
            row["change"] = "-" if change is None else th(("+" if change > 0 else "") + format(change, "f"))
        rows.append(row)
    focus = analysis.focus
    details = []
    for n, result in enumerate(focus, start=1):
        breakdown = analysis.breakdowns[result.number]
        head, lines = _breakdown_lines(breakdown)
        details.append(
            {
                "heading": th(f"{n}.") + " " + head,
                "lines": lines,
                "finding": _finding(result, analysis.pass_target, breakdown),
                "narrative": th(narratives.get(result.number, "")).strip(),
            }
        )
    gain_rows = [
        {"no": th(n), "what": th(_gain_text(g)), "now": score_th(g.current), "gain": score_th(g.gain)}
        for n, g in enumerate(list(gains)[:max_gains], start=1)
    ]
    path = None
    if plan is not None and plan.target is not None:
        path = {
            "heading": th(f"แนวทางที่สั้นที่สุดสู่ระดับ {plan.target.label} (คะแนนรวมร้อยละ {score_th(plan.target.min)} ขึ้นไป)"),
            "steps": [
                {"no": th(s.order), "what": th(_step_text(s)), "total": score_th(s.total_after), "level": s.level_after}
                for s in plan.steps
            ],
            "reached": plan.reached,
        }
    low_count = len(analysis.lowest)
    context = {
        "kind": "analysis",
        "title": "รายงานการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน",
        "title2": th(f"ของ{agency.name_th}"),
        "intro": [
            result_sentence(agency, analysis, analysed_year, rank),
            th(
                f"ดังนั้น เพื่อให้ทราบถึงประเด็นที่เป็นข้อบกพร่องหรือจุดอ่อนที่จะต้องปรับปรุงแก้ไขและประเด็นที่จะต้องพัฒนา"
                f"ให้ดีขึ้น {agency.name_th} จึงได้ดำเนินการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน"
                f"ของหน่วยงาน ในปีงบประมาณ พ.ศ. {analysed_year} ตามประเด็นตัวชี้วัด {len(analysis.indicators)} "
                f"ตัวชี้วัด มีผลการดำเนินงานตามลำดับ ดังนี้"
            ),
        ],
        "table_caption": "ตารางที่ ๑ แสดงข้อมูลผลการดำเนินงานตามตัวชี้วัด เรียงลำดับค่าคะแนนจากมากไปน้อย",
        "table_header": ["ลำดับที่", "ตัวชี้วัด", "ค่าคะแนน (ร้อยละ)"] + (["เปลี่ยนแปลงจากปีก่อน"] if has_previous else []),
        "rows": rows,
        "total_label": "คะแนนรวม",
        "total": score_th(analysis.total),
        # (mypy) with a previous result there is a change
        "total_change": (
            th(
                ("+" if analysis.total_change_rounded > 0 else "")  # type: ignore[operator]  # a previous result
                + format(analysis.total_change_rounded, "f")
            )
            if has_previous
            else ""
        ),
        "level_line": th(f"ระดับผลการประเมิน {analysis.level}"),
        "chart": chart_data(analysis),
        "chart_caption": "แผนภูมิที่ ๑ ค่าคะแนนรายตัวชี้วัด เรียงจากมากไปน้อย",
        "low_intro": th(f"จากตารางที่ ๑ การดำเนินงานของ{agency.name_th} ในประเด็นตัวชี้วัดที่มีค่าคะแนนต่ำ {low_count} ลำดับ ได้แก่"),
        "low_list": [th(f"{n}. {i.name_th} ร้อยละ {score_th(i.score)}") for n, i in enumerate(analysis.lowest, 1)],
        "weak_line": (
            th(
                f"ตัวชี้วัดที่ได้คะแนนต่ำกว่าค่าเป้าหมาย (ร้อยละ {score_th(analysis.pass_target)}) ได้แก่ "
                + " ".join(i.name_th for i in analysis.weak)
            )
            if analysis.weak
            else th(f"ทุกตัวชี้วัดได้คะแนนไม่ต่ำกว่าค่าเป้าหมาย (ร้อยละ {score_th(analysis.pass_target)})")
        ),
        "details": details,
        "gains_heading": "ประเด็นที่ควรพัฒนาเป็นลำดับแรก (คะแนนรวมที่จะเพิ่มขึ้น คำนวณจากน้ำหนักของกรอบการประเมิน)",
        "gains_header": ["ลำดับ", "ประเด็น", "คะแนนปัจจุบัน", "คะแนนรวมเพิ่มขึ้น"],
        "gains": gain_rows,
        "path": path,
        "closing": th(
            f"เพื่อเป็นการปรับปรุงและพัฒนา{agency.name_th} ใน {len(focus)} ประเด็นดังกล่าวข้างต้น "
            f"จึงได้มีการจัดทำมาตรการส่งเสริมคุณธรรมและความโปร่งใสและการป้องกันการทุจริตภายในหน่วยงาน "
            f"ตามประกาศ{agency.name_th} เรื่อง มาตรการส่งเสริมคุณธรรมและความโปร่งใส"
        ),
        "signature": signature(reporter, _names(agency)),
        "date": date_th(report_date) if report_date else "",
    }
    return context


def _gain_text(gain: Gain) -> str:
    if gain.kind == "oit_item":
        return f"ผ่านข้อ {gain.code} {gain.title}"
    return f"ยกระดับตัวชี้วัดที่ {gain.code} {gain.title} เป็นร้อยละ {score_th(gain.target)}"


def _step_text(step: Step) -> str:
    if step.kind == "oit_item":
        return f"ผ่านข้อ {step.code} {step.title}"
    goal = "อย่างน้อย " if step.partial else ""
    return (
        f"ยกระดับตัวชี้วัดที่ {step.code} {step.title} จากร้อยละ {score_th(step.from_score)} "
        f"เป็น{goal}ร้อยละ {score_th(step.to_score)}"
    )


# ------------------------------------------------------------------------------------ implementation (O43)


def implementation_report_context(
    agency: AgencyInfo,
    *,
    year: int,
    measures: Sequence[Measure],
    progress: Iterable[ProgressReport],
    periods: Sequence[int] = (6, 12),
    reporter: Person | None = None,
    report_date: date | None = None,
    units: Sequence[str] = (),
) -> dict:
    """รายงานผลการดำเนินการตามมาตรการ (O43): per measure, one numbered list of what the units did in each period,
    written as the seed's (``report_o43``); ``units`` are all the agency's units (to say "ทุกกลุ่ม/หน่วย")."""
    from prongsai.documents import report_o43

    reports: dict[tuple[str, int], list[ProgressReport]] = {}
    for report in progress:
        reports.setdefault((report.measure, report.period), []).append(report)
    areas = []
    for n, measure in enumerate(measures, start=1):
        blocks, links = [], []
        for months in periods:
            found = reports.get((measure.id, months), [])
            items: list[report_o43.Item] = []
            reporting: list[str] = []
            for report in found:
                unit = clean(report.unit) if report.unit else ""
                lines = "\n".join(
                    [clean(report.text)] + [f"- {clean(d)}" if report.text else clean(d) for d in report.done]
                )
                parsed = report_o43.parse(lines, unit)
                if parsed and unit and unit not in reporting:
                    reporting.append(unit)
                items += parsed
                links += [link for link in report.links if link]
            blocks.append(
                report_o43.PeriodReport(
                    period_label(year, months),
                    reporting or [u for u in measure.all_units],
                    report_o43.merge(items),
                    missing=not found,
                )
            )
        body = report_o43.outline(n, blocks, links, th=th, join_units=join_th, all_units=[clean(u) for u in units])
        areas.append({"heading": th(f"{n}. {measure.area}"), "lines": body["lines"], "evidence": body["evidence"]})
    return {
        "kind": "implementation",
        "title": "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        "title2": th(f"ของ{agency.name_th}"),
        "intro": th(
            f"ในปีงบประมาณ พ.ศ. {year} {agency.name_th} ได้ดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
            f"ภายในหน่วยงาน ตามประกาศ{agency.name_th} เรื่อง มาตรการส่งเสริมคุณธรรมและความโปร่งใส "
            f"โดยกลุ่ม/หน่วยที่รับผิดชอบรายงานผลการดำเนินการ{periods_th(periods)} ดังนี้"
        ),
        "areas": areas,
        "signature": signature(reporter, _names(agency)),
        "date": date_th(report_date) if report_date else "",
    }


# ------------------------------------------------------------------------------------------------ the pack


def pack_words(pack: PackInput) -> tuple[str, ...]:
    """The pack's own words that a line must not split (``thaibreak.Lexicon.from_names``): the agency's names,
    its units, the people who sign or sit on the committee, in Thai digits as printed."""
    from prongsai.documents.thaibreak import Lexicon

    agency = pack.agency
    people = [p.name for p in (pack.signer, pack.memo_author, pack.reporter, *pack.memo_reviewers) if p]
    people += [m.person.name for m in pack.committee if m.person is not None]
    units = list(pack.units) + [agency.unit] + [u for m in pack.measures for u in m.all_units]
    units += [r.unit for r in pack.progress if r.unit]
    lexicon = Lexicon.from_names(
        agency=th(agency.name_th),
        short_name=th(agency.short_name),
        units=[th(u) for u in dict.fromkeys(units) if u],
        people=[clean(p) for p in dict.fromkeys(people)],
        other=[th(agency.parent_name)] if agency.parent_name else [],
    )
    return tuple(sorted(lexicon.words))


PACK_DATES = (
    ("memo_date", "วันที่บันทึกข้อความ"),
    ("order_date", "วันที่คำสั่งแต่งตั้งคณะกรรมการ"),
    ("announcement_date", "วันที่ประกาศ"),
    ("report_date", "วันที่รายงานผลการวิเคราะห์"),
    ("implementation_date", "วันที่รายงานผลการดำเนินการ"),
)


def check_pack_dates(pack: PackInput) -> None:
    """Refuse the whole pack, naming the field, when any of its dates has an impossible year (``ImpossibleDate``)."""
    for attr, label in PACK_DATES:
        check_document_date(getattr(pack, attr), label)
    for measure in pack.measures:
        check_document_date(measure.start, f"วันที่เริ่มมาตรการ '{measure.area}'")
        check_document_date(measure.end, f"วันที่สิ้นสุดมาตรการ '{measure.area}'")


def pack_context(pack: PackInput) -> dict[str, dict]:
    """Every document's context, keyed by DOCUMENTS ("memo", "order", "announcement", "analysis", …); each holds
    ``words``, the pack's names that the renderers never split across lines."""
    check_pack_dates(pack)
    agency = pack.agency
    contexts = {
        "memo": memo_context(
            agency,
            framework=pack.framework,
            year=pack.year,
            analysis=pack.analysis,
            analysed_year=pack.analysed_year,
            author=pack.memo_author,
            approver=pack.signer,
            reviewers=pack.memo_reviewers,
            memo_date=pack.memo_date,
            number=pack.memo_number,
            assessment_period=pack.assessment_period,
            rank=pack.rank,
            system=pack.system,
        ),
        "order": committee_order_context(
            agency,
            year=pack.year,
            analysis=pack.analysis,
            analysed_year=pack.analysed_year,
            members=pack.committee,
            signer=pack.signer,
            number=pack.order_number,
            order_date=pack.order_date,
            duties=pack.duties,
            rank=pack.rank,
        ),
        "announcement": announcement_context(
            agency,
            year=pack.year,
            analysed_year=pack.analysed_year,
            measures=pack.measures,
            signer=pack.signer,
            announcement_date=pack.announcement_date,
            periods=pack.report_periods,
        ),
        "analysis": analysis_report_context(
            agency,
            analysis=pack.analysis,
            analysed_year=pack.analysed_year,
            narratives=pack.narratives,
            gains=pack.gains,
            plan=pack.plan,
            rank=pack.rank,
            reporter=pack.reporter,
            report_date=pack.report_date,
        ),
        "implementation": implementation_report_context(
            agency,
            year=pack.year,
            measures=pack.measures,
            progress=pack.progress,
            periods=pack.report_periods,
            reporter=pack.reporter,
            report_date=pack.implementation_date,
            units=pack.units,
        ),
    }
    words = pack_words(pack)
    for context in contexts.values():
        context["words"] = words
    return contexts
