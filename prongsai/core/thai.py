"""Thai presentation helpers: digits, Buddhist-era dates, fiscal years, scores and number words.

Prongsai stores Arabic digits, ISO dates and UTC datetimes only. Everything a Thai user or an official
document sees (Thai digits, พ.ศ. years, Bangkok wall-clock time, "บาทถ้วน") is produced here, at the
edge, so that storage, comparisons and arithmetic never depend on display conventions.

Standard library only: this module is imported by the CLI, the web app and report renderers alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "DateWindow",
    "ImpossibleDate",
    "baht_text",
    "be_year",
    "ce_year",
    "check_document_date",
    "fiscal_year_be",
    "fiscal_year_bounds",
    "format_date_input",
    "format_score",
    "format_thai_date",
    "format_thai_datetime",
    "ordinal_thai",
    "parse_thai_date",
    "round_half_up",
    "thai_number_words",
    "to_arabic_digits",
    "to_thai_digits",
]

Number = int | float | Decimal | Fraction | str

BE_OFFSET = 543  # พ.ศ. = ค.ศ. + 543 for the whole year since Thailand moved New Year to 1 January (2484).

_ARABIC = "0123456789"
_THAI = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans(_ARABIC, _THAI)
_TO_ARABIC = str.maketrans(_THAI, _ARABIC)

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBR: tuple[str, ...] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
DATE_STYLES: tuple[str, ...] = ("full", "short", "short2", "official")


def _bangkok() -> tzinfo:
    # tzdata may be missing (e.g. Windows without the tzdata wheel). Thailand has kept UTC+7 without
    # daylight saving since 1920, so a fixed offset gives identical results for every date we handle.
    try:
        return ZoneInfo("Asia/Bangkok")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=7), "ICT")


BANGKOK: tzinfo = _bangkok()


# --- digits -------------------------------------------------------------------------------------------


def to_thai_digits(text: str | int | Decimal) -> str:
    """Replace 0-9 with ๐-๙; every other character is kept as is."""
    # format(..., "f") stops a Decimal such as Decimal("1E+2") from leaking exponent notation.
    raw = format(text, "f") if isinstance(text, Decimal) else str(text)
    return raw.translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """Replace ๐-๙ with 0-9, so files typed with Thai digits parse like any other input."""
    return text.translate(_TO_ARABIC)


def _digits(text: str, thai_digits: bool) -> str:
    return to_thai_digits(text) if thai_digits else text


# --- years and dates ----------------------------------------------------------------------------------


def be_year(year_ce: int) -> int:
    """Convert a Christian-era year to the Buddhist era (2020 → 2563)."""
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    """Convert a Buddhist-era year to the Christian era (2563 → 2020)."""
    return year_be - BE_OFFSET


def _require_date(d: date, hint: str) -> None:
    # datetime is a subclass of date, but a stored UTC datetime taken as a date shows the UTC day, which
    # is wrong between 17:00 and 24:00 UTC (already the next day in Bangkok). Refuse rather than guess.
    if isinstance(d, datetime):
        raise TypeError(f"expected a date, got a datetime; {hint}")


def fiscal_year_be(d: date) -> int:
    """Thai government fiscal year (B.E.) containing ``d``: year Y runs 1 Oct (Y-1) to 30 Sep Y."""
    _require_date(d, "convert it to a Bangkok date first (the fiscal year changes at local midnight)")
    return be_year(d.year) + (1 if d.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day (inclusive) of fiscal year ``year_be``: 2563 → (2019-10-01, 2020-09-30)."""
    year_ce = ce_year(year_be)
    return date(year_ce - 1, 10, 1), date(year_ce, 9, 30)


def format_thai_date(d: date, style: str = "full", thai_digits: bool = False) -> str:
    """Format a date the Thai way.

    full "24 มิถุนายน 2563", short "24 มิ.ย. 2563", short2 "24 มิ.ย. 63",
    official "วันที่ 24 มิถุนายน พ.ศ. 2563" (orders prefix it with "สั่ง ณ", announcements with "ประกาศ ณ").
    """
    _require_date(d, "use format_thai_datetime, which converts to Bangkok time")
    year = be_year(d.year)
    if style == "full":
        text = f"{d.day} {THAI_MONTHS[d.month - 1]} {year}"
    elif style == "short":
        text = f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {year}"
    elif style == "short2":
        text = f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {year % 100:02d}"
    elif style == "official":
        text = f"วันที่ {d.day} {THAI_MONTHS[d.month - 1]} พ.ศ. {year}"
    else:
        raise ValueError(f"unknown date style {style!r} (allowed: {', '.join(DATE_STYLES)})")
    return _digits(text, thai_digits)


def format_thai_datetime(dt: datetime, thai_digits: bool = False) -> str:
    """Show a stored datetime in Bangkok time: "24 มิ.ย. 2563 14:05 น.". Naive values are taken as UTC."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=UTC)  # storage is UTC by contract, so naive means UTC
    local = dt.astimezone(BANGKOK)
    text = f"{format_thai_date(local.date(), 'short')} {local.hour:02d}:{local.minute:02d} น."
    return _digits(text, thai_digits)


# --- reading dates people type -----------------------------------------------------------------------
#
# The rule (docs/dates.md): a 4-digit year of 2400 or more is a Buddhist-era year, one below 2400 is a
# Christian-era year (no plausible date is ambiguous: C.E. 2400 and B.E. 1857 are both centuries away);
# a 2-digit year is the end of a B.E. year (63 → 2563), the way Thai forms abbreviate it. Day comes before
# month (DD/MM/YYYY, never the US order). A parsed date must then fall inside a window of plausible years.

BE_CUTOFF = 2400  # a 4-digit year at or above this is B.E.
DOCUMENT_YEARS_BE = (2500, 2600)  # what an official document may ever print (C.E. 1957-2057)

_SEPARATED = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})$")
_RUN = re.compile(r"^(\d{2})(\d{2})(\d{4})$")  # 25062563: a phone's number pad has no "/"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WITH_MONTH_NAME = re.compile(r"^(\d{1,2})\s*([\u0e00-\u0e7f.]+?)\s*(?:พ\.\s*ศ\.|ค\.\s*ศ\.)?\s*(\d{2}|\d{4})$")
_MONTH_NAMES = {name.replace(".", ""): i + 1 for i, name in enumerate(THAI_MONTHS)} | {
    name.replace(".", ""): i + 1 for i, name in enumerate(THAI_MONTHS_ABBR)
}


class ImpossibleDate(ValueError):
    """A typed date that cannot be read or is not plausible.

    ``code`` says why ("format", "day", "window", "document"); ``params`` holds the values a message needs
    (``year_be``, ``first_be``, ``last_be``). ``str()`` is a Thai sentence, so callers without their own
    wording (the CLI, documents) can show it as it is.
    """

    def __init__(self, code: str, message: str, **params: int | str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class DateWindow:
    """The years a date may fall in, counted from today: operational dates (orders, phases, expiries) lie
    within a few years of the work being done, so 3106 or 1800 is a typing slip, not a plan."""

    years_back: int = 10
    years_ahead: int = 10

    def bounds_be(self, today: date) -> tuple[int, int]:
        year = be_year(today.year)
        return max(year - self.years_back, DOCUMENT_YEARS_BE[0]), min(year + self.years_ahead, DOCUMENT_YEARS_BE[1])


def _year_ce(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        return ce_year(2500 + year)
    return ce_year(year) if year >= BE_CUTOFF else year


def _build(year_ce: int, month: int, day: int) -> date:
    try:
        return date(year_ce, month, day)
    except ValueError:
        raise ImpossibleDate(
            "day",
            f"ไม่มีวันที่ {day} เดือน {month} ปี พ.ศ. {be_year(year_ce)}",
            day=day,
            month=month,
            year_be=be_year(year_ce),
        ) from None


def parse_thai_date(text: str, today: date, window: DateWindow = DateWindow()) -> date:
    """Read a date as a Thai user types it: "25/06/2563", "25-6-63", "25062563", "25 มิ.ย. 2563", "๒๕/๐๖/๒๕๖๓";
    also "25/06/2020" (C.E.) and "2020-06-25" (ISO, as a browser's date picker sends it).

    Raises ``ImpossibleDate`` when the text is not a date or its year lies outside ``window`` around
    ``today`` (passed in, so that the rule is testable and the web layer decides which day "today" is).
    """
    raw = " ".join(to_arabic_digits(text or "").split())
    if match := _ISO.match(raw):
        year_text, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    elif match := _SEPARATED.match(raw) or _RUN.match(raw):
        day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    elif (match := _WITH_MONTH_NAME.match(raw)) and match.group(2).replace(".", "") in _MONTH_NAMES:
        day, month, year_text = int(match.group(1)), _MONTH_NAMES[match.group(2).replace(".", "")], match.group(3)
    else:
        raise ImpossibleDate("format", f"อ่าน '{text}' เป็นวันที่ไม่ได้ ใช้รูปแบบ วัน/เดือน/ปี พ.ศ. เช่น 25/06/2563")
    year_ce = _year_ce(year_text)
    first, last = window.bounds_be(today)
    if not first <= be_year(year_ce) <= last:
        raise ImpossibleDate(
            "window",
            f"ปี พ.ศ. {be_year(year_ce)} อยู่นอกช่วงที่รับได้ (พ.ศ. {first}–{last})",
            year_be=be_year(year_ce),
            first_be=first,
            last_be=last,
        )
    return _build(year_ce, month, day)


def format_date_input(d: date | None) -> str:
    """What a date field shows for a stored date: "25/06/2563" (the form parse_thai_date reads back)."""
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{be_year(d.year)}"


def check_document_date(d: date | None, what: str) -> None:
    """Refuse to print an impossible year in an official document (a date stored before dates were checked,
    or typed through the API): ``what`` names the field in the Thai message."""
    if d is None:
        return
    first, last = DOCUMENT_YEARS_BE
    if not first <= be_year(d.year) <= last:
        raise ImpossibleDate(
            "document",
            f"{what}: ปี พ.ศ. {be_year(d.year)} เป็นไปไม่ได้ในเอกสารราชการ "
            f"(รับได้ พ.ศ. {first}–{last}) แก้วันที่แล้วจัดทำเอกสารอีกครั้ง",
            year_be=be_year(d.year),
            first_be=first,
            last_be=last,
        )


# --- exact rounding and scores ------------------------------------------------------------------------


def _exact(value: Number) -> Fraction:
    """Turn any accepted number into an exact Fraction, so rounding never sees binary or context error."""
    if isinstance(value, bool):  # bool is an int; a True score is almost certainly a bug upstream
        raise TypeError("expected a number, got a bool")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest repr: 84.995 means 84.995, not 84.99499999…
    elif isinstance(value, str):
        try:
            value = Decimal(to_arabic_digits(value).strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot round a non-finite number: {value}")
        return Fraction(value)  # exact: every finite Decimal is a ratio of integers
    raise TypeError(f"expected int, float, Decimal, Fraction or str, got {type(value).__name__}")


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Round half away from zero to ``places`` decimals, exactly, keeping trailing zeros (85 → 85.00).

    Evaluators round half-up by hand, but round() and Decimal's default are banker's rounding (84.985 →
    84.98, not 84.99), and a float such as 2.675 is really 2.67499… (round() gives 2.67). So the value is
    made an exact Fraction (floats via repr, i.e. as written) and rounded with integer arithmetic.
    """
    if places < 0:
        raise ValueError("places must be 0 or more")
    exact = _exact(value)
    scaled = abs(exact) * 10**places
    units, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:  # a remainder of exactly one half goes up (away from zero)
        units += 1
    sign = 1 if exact < 0 and units else 0  # no "-0.00" when a tiny negative rounds to zero
    # The tuple constructor is exact and ignores the decimal context's precision.
    return Decimal((sign, tuple(int(c) for c in str(units)), -places))


def format_score(value: Number, places: int = 2, thai_digits: bool = False) -> str:
    """Format a score with exactly ``places`` decimals, rounded half-up: 91.25, 85.00."""
    return _digits(format(round_half_up(value, places), "f"), thai_digits)


# --- number words -------------------------------------------------------------------------------------

_DIGIT_WORDS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACE_WORDS = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = 10**6


def _below_million(n: int, has_higher: bool) -> str:
    """Read 0 < n < 10**6; ``has_higher`` says whether a larger (million) part precedes it."""
    words: list[str] = []
    digits = str(n)
    for i, c in enumerate(digits):
        d, place = int(c), len(digits) - 1 - i
        if d == 0:
            continue
        if place == 1:  # the tens: 10 สิบ (not หนึ่งสิบ), 20 ยี่สิบ
            words.append({1: "สิบ", 2: "ยี่สิบ"}.get(d, _DIGIT_WORDS[d] + "สิบ"))
        elif place == 0 and d == 1 and (has_higher or n > 9):
            # Royal Institute rule: a final 1 in a number of two or more digits is read เอ็ด (11, 101,
            # 1000001); a lone 1, even as a million count (1000000 หนึ่งล้าน), stays หนึ่ง.
            words.append("เอ็ด")
        else:
            words.append(_DIGIT_WORDS[d] + _PLACE_WORDS[place])
    return "".join(words)


def thai_number_words(n: int) -> str:
    """Read an integer in Thai words: 21 ยี่สิบเอ็ด, 1000001 หนึ่งล้านเอ็ด, 10**12 หนึ่งล้านล้าน."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if n < 0:
        return "ลบ" + thai_number_words(-n)
    if n == 0:
        return _DIGIT_WORDS[0]
    # Thai counts in groups of six digits: above a million the count of millions is itself read as a
    # number and followed by ล้าน, which nests naturally (ล้านล้าน = 10**12).
    millions, rest = divmod(n, _MILLION)
    head = thai_number_words(millions) + "ล้าน" if millions else ""
    return head + (_below_million(rest, has_higher=bool(millions)) if rest else "")


def baht_text(amount: Decimal | int | str) -> str:
    """Amount in words as written on cheques and vouchers: หนึ่งร้อยบาทถ้วน, หนึ่งร้อยบาทห้าสิบสตางค์.

    Satang are rounded half-up to 2 places first; an amount below one baht is read as satang only.
    """
    rounded = round_half_up(amount, 2)
    sign = "ลบ" if rounded < 0 else ""
    # Through Fraction, not Decimal arithmetic, so huge amounts are not cut to the context's 28 digits.
    baht, satang = divmod(abs(int(Fraction(rounded) * 100)), 100)
    if not satang:
        return sign + thai_number_words(baht) + "บาทถ้วน"
    head = thai_number_words(baht) + "บาท" if baht else ""
    return sign + head + thai_number_words(satang) + "สตางค์"


def ordinal_thai(n: int, thai_digits: bool = False) -> str:
    """Ordinal marker "ที่ 31", to follow a noun: "ลำดับ" + ordinal_thai(31, True) → "ลำดับที่ ๓๑"."""
    return _digits(f"ที่ {n}", thai_digits)


def truncated(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Cut to ``places`` decimals (toward zero), exactly: 91.2474 → 91.24, 84.999 → 84.99."""
    exact = Fraction(value)
    scaled = abs(exact) * 10**places
    units = scaled.numerator // scaled.denominator
    sign = 1 if exact < 0 and units else 0
    return Decimal((sign, tuple(int(d) for d in str(units).rjust(places + 1, "0")), -places))


@overload
def rounded(value: Fraction | Decimal | int, rule: str = "half_up") -> Decimal: ...
@overload
def rounded(value: Fraction | Decimal | int | None, rule: str = "half_up") -> Decimal | None: ...
def rounded(value: Fraction | Decimal | int | None, rule: str = "half_up") -> Decimal | None:
    """A score to 2 decimals, the precision at which ITA scores are published and compared.

    ``rule`` is the edition's declared rounding: ``half_up`` (the default; every published case checked so far
    fits it) or ``truncate``.  Callers holding an edition use ``framework.round(value)``.
    """
    if value is None:
        return None
    return truncated(value, 2) if rule == "truncate" else round_half_up(value, 2)
