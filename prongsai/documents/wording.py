"""The wording every document shares: tidy typed Thai, Thai digits, dates, scores, signature blocks, periods and
the seed's opening sentence about the result.  URLs and links are never converted to Thai digits."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from prongsai.core.analysis import Analysis
from prongsai.core.thai import check_document_date, fiscal_year_bounds, format_score, format_thai_date, to_thai_digits
from prongsai.documents.pack_input import BLANK_DATE, AgencyInfo, Person


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


def rank_of(analysis: Analysis, rank: int | None) -> int | None:
    if rank is not None:
        return rank
    return analysis.peer.rank if analysis.peer is not None else None


def agency_names(agency: AgencyInfo) -> tuple[str, ...]:
    """The agency's names, never split in a signature's position lines."""
    return tuple(th(n) for n in (agency.name_th, agency.short_name) if n)


def result_sentence(agency: AgencyInfo, analysis: Analysis, analysed_year: int, rank: int | None = None) -> str:
    """The seed's opening paragraph (order and report), with the true highest and lowest indicators."""
    parent = agency.parent_name or "หน่วยงานผู้ประเมิน"
    rank = rank_of(analysis, rank)
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
