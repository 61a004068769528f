"""The context of the two reports: the analysis of the year's result (รายงานการวิเคราะห์ผลการประเมิน) and the
implementation of the measures (O43, รายงานผลการดำเนินการตามมาตรการ).  Re-exported by ``context``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from prongsai.core.analysis import Analysis, Breakdown, IndicatorResult
from prongsai.core.gains import Gain, Plan, Step
from prongsai.documents.pack_input import AgencyInfo, Measure, Person, ProgressReport
from prongsai.documents.wording import (
    agency_names,
    clean,
    date_th,
    join_th,
    period_label,
    periods_th,
    result_sentence,
    score_th,
    signature,
    th,
)

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
        "signature": signature(reporter, agency_names(agency)),
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
        "signature": signature(reporter, agency_names(agency)),
        "date": date_th(report_date) if report_date else "",
    }
