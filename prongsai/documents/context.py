"""Pure context builders for the official document pack (O42/O43 evidence), from plain dataclasses.

No Django, no rendering: each ``*_context`` function returns a dict of ready-to-print Thai strings (Thai digits,
Buddhist-Era dates) and lists, which the HTML templates (PDF) and the DOCX templates lay out the same way.
The wording follows the seed pack of สพป.สมุทรสาคร (memo, committee order, measures announcement, analysis
report, implementation report), with its errors fixed: the table is truly sorted, the highest indicator is
the real one, and the OCR slips are gone.  URLs and links are never converted to Thai digits.

The web side builds these dataclasses from its models; tests build them by hand.  This module is the package's
public entry: the data is in ``pack_input``, the shared wording in ``wording``, the two reports in ``reports``,
and the memo, the committee order, the announcement and the whole pack here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from prongsai.core.analysis import Analysis
from prongsai.core.framework import Framework
from prongsai.core.thai import check_document_date
from prongsai.documents.pack_input import (
    BLANK_DATE,
    BLANK_NUMBER,
    DEFAULT_DUTIES,
    DOCUMENT_TITLES,
    DOCUMENTS,
    ROLES,
    AgencyInfo,
    CommitteeMember,
    Measure,
    MeasureAction,
    PackInput,
    Person,
    ProgressReport,
)
from prongsai.documents.reports import analysis_report_context, chart_data, implementation_report_context
from prongsai.documents.wording import (
    SIGNATURE_INDENTS,
    TEXT_WIDTH_CM,
    agency_names,
    assessment_period_th,
    clean,
    date_th,
    join_th,
    period_label,
    periods_th,
    position_lines,
    rank_of,
    result_sentence,
    score_th,
    signature,
    th,
)

# the package's public entry (docs/documents.md): the data, the wording helpers and one builder per document
__all__ = [
    "BLANK_DATE",
    "BLANK_NUMBER",
    "DEFAULT_DUTIES",
    "DOCUMENTS",
    "DOCUMENT_TITLES",
    "ROLES",
    "SIGNATURE_INDENTS",
    "TEXT_WIDTH_CM",
    "AgencyInfo",
    "CommitteeMember",
    "Measure",
    "MeasureAction",
    "PackInput",
    "Person",
    "ProgressReport",
    "analysis_report_context",
    "announcement_context",
    "assessment_period_th",
    "chart_data",
    "check_pack_dates",
    "clean",
    "committee_order_context",
    "date_th",
    "implementation_report_context",
    "join_th",
    "memo_context",
    "pack_context",
    "pack_words",
    "period_label",
    "periods_th",
    "position_lines",
    "result_sentence",
    "score_th",
    "signature",
    "th",
]

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
    rank_value = rank_of(analysis, rank)
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
        "signature": signature(author, agency_names(agency)),
        "reviewers": [signature(p, agency_names(agency)) for p in reviewers],
        "approval": {
            "lines": ["- ทราบ", "- เห็นชอบ", "- ลงนามแล้ว"],
            "signature": signature(approver, agency_names(agency)),
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
        "signature": signature(signer, agency_names(agency)),
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
        "signature": signature(signer, agency_names(agency)),
        "year": th(year),
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
