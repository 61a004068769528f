"""Tests for prongsai.core.thai: the Thai presentation layer (digits, B.E. dates, fiscal years, rounding, words)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

from prongsai.core.thai import (
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    baht_text,
    be_year,
    ce_year,
    fiscal_year_be,
    fiscal_year_bounds,
    format_score,
    format_thai_date,
    format_thai_datetime,
    ordinal_thai,
    round_half_up,
    thai_number_words,
    to_arabic_digits,
    to_thai_digits,
)

SEED_DAY = date(2020, 6, 24)


# --- digits -------------------------------------------------------------------------------------------


def test_to_thai_digits_replaces_only_digits() -> None:
    assert to_thai_digits("24 มิถุนายน 2563") == "๒๔ มิถุนายน ๒๕๖๓"
    assert to_thai_digits("O1-O43, 85.00%") == "O๑-O๔๓, ๘๕.๐๐%"


def test_to_thai_digits_accepts_int_and_decimal() -> None:
    assert to_thai_digits(1234567890) == "๑๒๓๔๕๖๗๘๙๐"
    assert to_thai_digits(-7) == "-๗"
    assert to_thai_digits(Decimal("85.00")) == "๘๕.๐๐"
    assert to_thai_digits(Decimal("1E+2")) == "๑๐๐"  # no exponent notation leaks into documents


def test_to_arabic_digits_is_the_reverse() -> None:
    assert to_arabic_digits("ลำดับที่ ๓๑ ของประเทศ") == "ลำดับที่ 31 ของประเทศ"
    assert to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    sample = "คะแนน 91.25 ปี 2563"
    assert to_arabic_digits(to_thai_digits(sample)) == sample


# --- years and fiscal years ---------------------------------------------------------------------------


def test_be_and_ce_year() -> None:
    assert be_year(2020) == 2563
    assert ce_year(2563) == 2020
    assert ce_year(be_year(1999)) == 1999


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 9, 30), 2562),
        (date(2019, 10, 1), 2563),
        (date(2020, 1, 1), 2563),
        (date(2020, 9, 30), 2563),
        (date(2020, 10, 1), 2564),
        (date(2020, 12, 31), 2564),
    ],
)
def test_fiscal_year_be_boundaries(day: date, expected: int) -> None:
    assert fiscal_year_be(day) == expected


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2563) == (date(2019, 10, 1), date(2020, 9, 30))
    assert fiscal_year_bounds(2567) == (date(2023, 10, 1), date(2024, 9, 30))


def test_fiscal_year_bounds_agree_with_fiscal_year_be() -> None:
    start, end = fiscal_year_bounds(2564)
    assert fiscal_year_be(start - timedelta(days=1)) == 2563
    assert fiscal_year_be(end + timedelta(days=1)) == 2565
    day = start
    while day <= end:  # every day from 2020-10-01 to 2021-09-30
        assert fiscal_year_be(day) == 2564
        day += timedelta(days=1)


def test_fiscal_year_be_refuses_datetime() -> None:
    # 2020-09-30 17:30 UTC is already 1 Oct (fiscal 2564) in Bangkok; the UTC date would say 2563.
    with pytest.raises(TypeError, match="Bangkok"):
        fiscal_year_be(datetime(2020, 9, 30, 17, 30, tzinfo=UTC))


# --- dates --------------------------------------------------------------------------------------------


def test_month_names() -> None:
    assert len(THAI_MONTHS) == len(THAI_MONTHS_ABBR) == 12
    assert THAI_MONTHS[0] == "มกราคม"
    assert THAI_MONTHS[5] == "มิถุนายน"
    assert THAI_MONTHS[11] == "ธันวาคม"
    assert THAI_MONTHS_ABBR == (
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


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("full", "24 มิถุนายน 2563"),
        ("short", "24 มิ.ย. 2563"),
        ("short2", "24 มิ.ย. 63"),
        ("official", "วันที่ 24 มิถุนายน พ.ศ. 2563"),
    ],
)
def test_format_thai_date_styles(style: str, expected: str) -> None:
    assert format_thai_date(SEED_DAY, style) == expected


def test_format_thai_date_default_is_full() -> None:
    assert format_thai_date(SEED_DAY) == "24 มิถุนายน 2563"


def test_format_thai_date_thai_digits_matches_seed_document() -> None:
    assert format_thai_date(SEED_DAY, thai_digits=True) == "๒๔ มิถุนายน ๒๕๖๓"
    order = "สั่ง ณ " + format_thai_date(date(2020, 6, 25), "official", thai_digits=True)
    assert order == "สั่ง ณ วันที่ ๒๕ มิถุนายน พ.ศ. ๒๕๖๓"


def test_format_thai_date_day_without_padding_and_two_digit_year() -> None:
    assert format_thai_date(date(2020, 1, 5), "full") == "5 มกราคม 2563"
    assert format_thai_date(date(2020, 1, 5), "short2") == "5 ม.ค. 63"
    assert format_thai_date(date(2057, 12, 31), "short2") == "31 ธ.ค. 00"  # B.E. 2600 keeps two digits
    assert format_thai_date(date(2024, 2, 29), "short", thai_digits=True) == "๒๙ ก.พ. ๒๕๖๗"


def test_format_thai_date_unknown_style_names_allowed_styles() -> None:
    with pytest.raises(ValueError, match="full, short, short2, official"):
        format_thai_date(SEED_DAY, "long")


def test_format_thai_date_refuses_datetime() -> None:
    with pytest.raises(TypeError, match="format_thai_datetime"):
        format_thai_date(datetime(2020, 6, 24, 23, 30, tzinfo=UTC))


def test_format_thai_datetime_converts_utc_to_bangkok() -> None:
    utc = datetime(2020, 6, 24, 23, 30, tzinfo=UTC)
    assert format_thai_datetime(utc) == "25 มิ.ย. 2563 06:30 น."
    assert format_thai_datetime(datetime(2020, 6, 24, 7, 5, tzinfo=UTC)) == "24 มิ.ย. 2563 14:05 น."


def test_format_thai_datetime_naive_is_utc() -> None:
    assert format_thai_datetime(datetime(2020, 6, 24, 23, 30)) == "25 มิ.ย. 2563 06:30 น."


def test_format_thai_datetime_other_offsets_and_year_change() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert format_thai_datetime(datetime(2020, 6, 25, 8, 30, tzinfo=tokyo)) == "25 มิ.ย. 2563 06:30 น."
    # New Year's Eve UTC evening is already 1 January, B.E. 2564, in Bangkok.
    new_year = datetime(2020, 12, 31, 17, 0, tzinfo=UTC)
    assert format_thai_datetime(new_year) == "1 ม.ค. 2564 00:00 น."


def test_format_thai_datetime_thai_digits() -> None:
    utc = datetime(2020, 6, 24, 23, 30, tzinfo=UTC)
    assert format_thai_datetime(utc, thai_digits=True) == "๒๕ มิ.ย. ๒๕๖๓ ๐๖:๓๐ น."


# --- rounding and scores ------------------------------------------------------------------------------


def test_half_up_differs_from_bankers_rounding() -> None:
    assert round_half_up(Decimal("84.995")) == Decimal("85.00")
    assert round_half_up(84.995) == Decimal("85.00")
    # round() on a float sees the binary value: 2.675 is stored as 2.67499999…, so it gives 2.67.
    # round_half_up reads the float through repr ("2.675"), i.e. the number as written.
    assert round(2.675, 2) == 2.67
    assert round(1.005, 2) == 1.0
    assert round_half_up(1.005) == Decimal("1.01")
    assert round_half_up(2.675) == Decimal("2.68")
    assert round_half_up(Decimal("2.675")) == Decimal("2.68")
    # round() on a Decimal is banker's rounding (half to even): the ties below go down, half-up goes up.
    assert round(Decimal("84.985"), 2) == Decimal("84.98")
    assert round_half_up(Decimal("84.985")) == Decimal("84.99")
    assert round(Decimal("2.665"), 2) == Decimal("2.66")
    assert round_half_up(Decimal("2.665")) == Decimal("2.67")
    assert round(Decimal("2.5")) == 2
    assert round_half_up(Decimal("2.5"), 0) == Decimal("3")
    assert round_half_up(Decimal("3.5"), 0) == Decimal("4")


def test_round_half_up_fractions_are_exact() -> None:
    assert round_half_up(Fraction(84995, 1000)) == Decimal("85.00")
    assert round_half_up(Fraction(1, 3) * 100) == Decimal("33.33")
    assert round_half_up(Fraction(2, 3) * 100) == Decimal("66.67")
    assert round_half_up(Fraction(1, 8)) == Decimal("0.13")
    # Just below one half: a float or 28-digit Decimal detour would round this up to 85.00.
    assert round_half_up(Fraction(84995, 1000) - Fraction(1, 10**40)) == Decimal("84.99")


def test_round_half_up_negative_values_round_away_from_zero() -> None:
    assert round_half_up(Decimal("-2.675")) == Decimal("-2.68")
    assert round_half_up(Fraction(-84995, 1000)) == Decimal("-85.00")
    assert round_half_up(Decimal("-2.674")) == Decimal("-2.67")
    assert str(round_half_up(Decimal("-0.001"))) == "0.00"  # no negative zero on screen


def test_round_half_up_keeps_places_and_accepts_ints_and_strings() -> None:
    assert str(round_half_up(85)) == "85.00"
    assert str(round_half_up("91.254")) == "91.25"
    assert str(round_half_up(" ๘๔.๙๙๕ ")) == "85.00"  # Thai digits from input files
    assert str(round_half_up(Decimal("91.2"), 3)) == "91.200"
    big = Decimal("12345678901234567890123456789.125")  # wider than the default 28-digit context
    assert str(round_half_up(big)) == "12345678901234567890123456789.13"


@pytest.mark.parametrize("bad", ["abc", "NaN", float("inf"), Decimal("Infinity")])
def test_round_half_up_rejects_non_numbers(bad: object) -> None:
    with pytest.raises(ValueError):
        round_half_up(bad)  # type: ignore[arg-type]


def test_round_half_up_rejects_bad_types_and_places() -> None:
    with pytest.raises(TypeError):
        round_half_up(True)
    with pytest.raises(TypeError):
        round_half_up([1])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_half_up(1, -1)


def test_format_score() -> None:
    assert format_score(Decimal("91.25")) == "91.25"
    assert format_score(85) == "85.00"
    assert format_score(84.995) == "85.00"
    assert format_score(Fraction(1, 3) * 100) == "33.33"
    assert format_score(Decimal("91.25"), places=1) == "91.3"
    assert format_score(Decimal("91.5"), places=0) == "92"
    assert format_score(Fraction(84995, 1000), thai_digits=True) == "๘๕.๐๐"


# --- number words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "ศูนย์"),
        (1, "หนึ่ง"),
        (2, "สอง"),
        (10, "สิบ"),
        (11, "สิบเอ็ด"),
        (12, "สิบสอง"),
        (20, "ยี่สิบ"),
        (21, "ยี่สิบเอ็ด"),
        (31, "สามสิบเอ็ด"),
        (100, "หนึ่งร้อย"),
        (101, "หนึ่งร้อยเอ็ด"),
        (110, "หนึ่งร้อยสิบ"),
        (111, "หนึ่งร้อยสิบเอ็ด"),
        (1001, "หนึ่งพันเอ็ด"),
        (2501, "สองพันห้าร้อยเอ็ด"),
        (2563, "สองพันห้าร้อยหกสิบสาม"),
        (10_000, "หนึ่งหมื่น"),
        (100_000, "หนึ่งแสน"),
        (1_000_000, "หนึ่งล้าน"),
        (1_000_001, "หนึ่งล้านเอ็ด"),
        (1_000_010, "หนึ่งล้านสิบ"),
        (10_000_000, "สิบล้าน"),
        (11_000_000, "สิบเอ็ดล้าน"),
        (21_000_000, "ยี่สิบเอ็ดล้าน"),
        # Royal Institute example: 501,741,221
        (501_741_221, "ห้าร้อยเอ็ดล้านเจ็ดแสนสี่หมื่นหนึ่งพันสองร้อยยี่สิบเอ็ด"),
        (10**12, "หนึ่งล้านล้าน"),
        (1_000_001_000_000, "หนึ่งล้านเอ็ดล้าน"),
        (-1, "ลบหนึ่ง"),
        (-21, "ลบยี่สิบเอ็ด"),
    ],
)
def test_thai_number_words(n: int, words: str) -> None:
    assert thai_number_words(n) == words


@pytest.mark.parametrize("bad", [1.0, True, "1"])
def test_thai_number_words_needs_an_int(bad: object) -> None:
    with pytest.raises(TypeError):
        thai_number_words(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (100, "หนึ่งร้อยบาทถ้วน"),
        (Decimal("100.50"), "หนึ่งร้อยบาทห้าสิบสตางค์"),
        ("100.5", "หนึ่งร้อยบาทห้าสิบสตางค์"),
        (0, "ศูนย์บาทถ้วน"),
        (Decimal("0.50"), "ห้าสิบสตางค์"),
        (Decimal("1.01"), "หนึ่งบาทหนึ่งสตางค์"),
        (Decimal("21.21"), "ยี่สิบเอ็ดบาทยี่สิบเอ็ดสตางค์"),
        ("1234.56", "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบหกสตางค์"),
        (Decimal("1.005"), "หนึ่งบาทหนึ่งสตางค์"),  # half-up; banker's rounding would drop the satang
        (Decimal("1.995"), "สองบาทถ้วน"),
        ("๑๐๐", "หนึ่งร้อยบาทถ้วน"),
        (1_000_001, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (Decimal("-5.25"), "ลบห้าบาทยี่สิบห้าสตางค์"),
        (Decimal("-0.001"), "ศูนย์บาทถ้วน"),
    ],
)
def test_baht_text(amount: Decimal | int | str, text: str) -> None:
    assert baht_text(amount) == text


def test_ordinal_thai() -> None:
    assert ordinal_thai(31) == "ที่ 31"
    assert ordinal_thai(31, thai_digits=True) == "ที่ ๓๑"
    assert "ลำดับ" + ordinal_thai(31, thai_digits=True) + " ของประเทศ" == "ลำดับที่ ๓๑ ของประเทศ"
