"""The ITA calendar as data: every built-in calendar file reads, and its month-days land in the right year."""

from __future__ import annotations

from datetime import date

import pytest

from prongsai.core import ita_calendar
from prongsai.core.framework import available_frameworks
from prongsai.core.ita_calendar import CalendarError, days_left, load_calendar, parse_calendar, place


def test_months_october_to_december_belong_to_the_first_calendar_year_of_the_fiscal_year():
    assert place("10-01", 2563) == date(2019, 10, 1)
    assert place("09-30", 2563) == date(2020, 9, 30)
    assert place("06-01", 2563) == date(2020, 6, 1)
    assert place("10-31+1", 2563) == date(2020, 10, 31)  # the 12-month report, after the year ends


def test_every_built_in_edition_has_a_calendar_with_the_deadlines_the_checklist_needs():
    for edition in available_frameworks():
        calendar = load_calendar(edition)
        keys = {e.key for e in calendar.events}
        assert {"oit_publish", "surveys", "clarification", "results", "report_6m", "report_12m"} <= keys, edition
        assert calendar.source, edition
        for year in (2563, 2570):
            for d in calendar.dates_for(year):
                assert d.starts_on is None or d.starts_on <= d.due_on


def test_the_2563_esa_calendar_carries_the_seed_dates_as_known_and_the_rest_as_provisional():
    dates = {d.key: d for d in load_calendar("ita-2563-esa").dates_for(2563)}
    oit = dates["oit_publish"]
    assert (oit.starts_on, oit.due_on, oit.provisional) == (date(2020, 6, 1), date(2020, 7, 31), False)
    assert dates["results"].provisional is True
    assert "มิถุนายน" in oit.source


def test_an_edition_without_its_own_file_and_a_stored_version_use_the_right_file():
    assert load_calendar("ita-2570").name == "default"
    assert load_calendar("ita-2563-esa@2").name == "ita-2563-esa"
    assert load_calendar("../../etc/passwd").name == "default"


@pytest.mark.parametrize(
    "text, message",
    [
        ("events: []", "non-empty 'events'"),
        ("events: [{key: a, kind: window, due: '04-30', title_th: ก, title_en: a}]", "a window needs 'starts'"),
        ("events: [{key: a, kind: deadline, due: '13-01', title_th: ก, title_en: a}]", "is not a day"),
        ("events: [{key: a, kind: deadline, due: '4/30', title_th: ก, title_en: a}]", "is not a month-day"),
        ("events: [{key: a, kind: window, starts: '05-01', due: '04-30', title_th: ก, title_en: a}]", "starts after"),
        ("events: [{key: a, kind: deadline, due: '04-30', title_en: a}]", "missing title_th"),
        ("events: [{key: a, kind: soon, due: '04-30', title_th: ก, title_en: a}]", "kind 'soon'"),
    ],
)
def test_a_bad_calendar_file_is_refused_with_the_event_and_field(text, message):
    with pytest.raises(CalendarError, match=message):
        parse_calendar(text, "bad")


def test_days_left_counts_the_due_day_as_zero_and_passed_days_negative():
    assert days_left(date(2020, 7, 24), date(2020, 7, 31)) == 7
    assert days_left(date(2020, 7, 31), date(2020, 7, 31)) == 0
    assert days_left(date(2020, 8, 2), date(2020, 7, 31)) == -2


def test_the_core_calendar_module_imports_no_django():
    import sys

    assert not any(name == "django" or name.startswith("django.") for name in vars(ita_calendar))
    assert "yaml" in sys.modules
