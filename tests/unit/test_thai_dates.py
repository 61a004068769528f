"""Reading the dates officers type (docs/dates.md): B.E. day/month/year, Gregorian converted, ISO from a picker,
and a plausible-year window so that 25/06/3106 never reaches a signed order."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prongsai.core.thai import (
    DateWindow,
    ImpossibleDate,
    check_document_date,
    format_date_input,
    parse_thai_date,
    to_thai_digits,
)

TODAY = date(2026, 12, 3)  # B.E. 2569: the default window is B.E. 2559–2579
IN_WINDOW = st.dates(min_value=date(2016, 1, 1), max_value=date(2036, 12, 31))


@pytest.mark.parametrize(
    "typed",
    [
        "25/06/2563",
        "25/6/2563",
        "25-06-2563",
        "25.06.2563",
        "25062563",
        "25/06/63",
        "2020-06-25",
        "2563-06-25",
        "25/06/2020",
        "๒๕/๐๖/๒๕๖๓",
        "25 มิ.ย. 2563",
        "25 มิถุนายน 2563",
        "25 มิถุนายน พ.ศ. 2563",
        " 25 / 06 / 2563 ",
    ],
)
def test_every_way_an_officer_writes_the_day_reads_the_same(typed):
    assert parse_thai_date(typed, TODAY) == date(2020, 6, 25)


@pytest.mark.parametrize(("typed", "year_be"), [("01/01/2400", 2400), ("01/01/2399", 2942)])
def test_the_year_rule_be_from_2400_ce_below(typed, year_be):
    """2400 is read as B.E., 2399 as C.E. (B.E. 2942); both are then refused by the window, which says so."""
    with pytest.raises(ImpossibleDate) as caught:
        parse_thai_date(typed, TODAY, DateWindow(1000, 1000))
    assert caught.value.params["year_be"] == year_be


def test_day_comes_before_month():
    assert parse_thai_date("03/04/2569", TODAY) == date(2026, 4, 3)


@pytest.mark.parametrize("typed", ["25/06/3106", "25/06/1800", "1/1/2500", "25/06/2600", "31/12/2558", "1/1/2580"])
def test_an_implausible_year_is_refused_with_the_window(typed):
    with pytest.raises(ImpossibleDate) as caught:
        parse_thai_date(typed, TODAY)
    assert caught.value.code == "window"
    assert (caught.value.params["first_be"], caught.value.params["last_be"]) == (2559, 2579)
    assert "นอกช่วงที่รับได้" in str(caught.value)


def test_the_window_edges_are_inside():
    assert parse_thai_date("1/1/2559", TODAY) == date(2016, 1, 1)
    assert parse_thai_date("31/12/2579", TODAY) == date(2036, 12, 31)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("31/02/2563", "day"),
        ("1/13/2563", "day"),
        ("hello", "format"),
        ("", "format"),
        ("25/06", "format"),
        ("2563", "format"),
        ("25 ธันว 2563", "format"),
    ],
)
def test_what_is_not_a_date_says_why(typed, code):
    with pytest.raises(ImpossibleDate) as caught:
        parse_thai_date(typed, TODAY)
    assert caught.value.code == code


@given(IN_WINDOW)
def test_what_a_field_shows_reads_back_as_the_same_date(day):
    shown = format_date_input(day)
    assert shown == f"{day.day:02d}/{day.month:02d}/{day.year + 543}"
    assert parse_thai_date(shown, TODAY) == day


@given(IN_WINDOW)
def test_iso_gregorian_and_thai_digits_agree(day):
    assert parse_thai_date(day.isoformat(), TODAY) == day
    assert parse_thai_date(f"{day.day}/{day.month}/{day.year}", TODAY) == day
    assert parse_thai_date(to_thai_digits(format_date_input(day)), TODAY) == day


@given(st.integers(min_value=0, max_value=9999).filter(lambda y: not 2559 <= (y if y >= 2400 else y + 543) <= 2579))
def test_no_year_outside_the_window_is_ever_accepted(year):
    with pytest.raises(ImpossibleDate):
        parse_thai_date(f"15/06/{year:04d}", TODAY)


def test_documents_refuse_an_impossible_year_naming_the_field():
    check_document_date(date(2020, 6, 25), "วันที่คำสั่ง")
    check_document_date(None, "วันที่คำสั่ง")
    with pytest.raises(ImpossibleDate) as caught:
        check_document_date(date(2563, 6, 25), "วันที่คำสั่ง")  # B.E. typed into a C.E. picker: พ.ศ. 3106
    assert str(caught.value).startswith("วันที่คำสั่ง: ปี พ.ศ. 3106 เป็นไปไม่ได้")
