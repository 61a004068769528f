"""The ITA calendar of an edition: its phases and deadlines, as data, turned into dates of one fiscal year.

Each edition may have a file ``prongsai/frameworks/calendars/<edition-id>.yaml`` (``ita-2563-esa.yaml``); an
edition without one uses ``default.yaml``.  A stored version ``ita-2570@2`` uses the calendar of ``ita-2570``.
Dates are written as month-day inside the fiscal year, because the same calendar repeats year after year:

    events:
      - {key: oit_publish, kind: window, starts: "03-01", due: "04-30", title_th: ..., title_en: ...}
      - {key: report_12m, kind: deadline, due: "10-31+1", provisional: true, title_th: ..., title_en: ...}

The Thai fiscal year B.E. Y runs 1 October (Y-1) to 30 September Y, so months 10-12 fall in the first calendar
year and months 1-9 in the second; ``+1`` moves a date one year later (a report due after the year ends).
An event, or the whole file, marked ``provisional`` is a best guess; ``source`` says where the dates come from
(docs/notifications.md).  A round copies these dates when it is created; the central admin corrects that copy.

Pure Python (no Django): the web app and the tests read it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from prongsai.core.framework import SAFE_LOADER
from prongsai.core.thai import ce_year

CALENDAR_DIR = Path(__file__).resolve().parent.parent / "frameworks" / "calendars"
DEFAULT = "default"
KINDS = ("window", "deadline")
#: the keys the rest of Prongsai looks for (the checklist and the daily notifications); others are shown as-is
KNOWN_KEYS = (
    "registration",
    "oit_publish",
    "surveys",
    "oit_review",
    "clarification",
    "confirmation",
    "results",
    "report_6m",
    "report_12m",
)
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})(\+(\d))?$")


class CalendarError(ValueError):
    """A calendar file that cannot be read; the message names the file, the event and the field."""


@dataclass(frozen=True)
class CalendarEvent:
    key: str
    kind: str  # "window" (starts … due) or "deadline" (due only)
    due: str  # "MM-DD" or "MM-DD+1"
    title_th: str
    title_en: str
    starts: str = ""
    provisional: bool = False


@dataclass(frozen=True)
class CalendarDate:
    """One event placed in a fiscal year."""

    key: str
    kind: str
    title_th: str
    title_en: str
    starts_on: date | None
    due_on: date
    provisional: bool
    source: str


@dataclass(frozen=True)
class EditionCalendar:
    name: str  # the file's stem: the edition id, or "default"
    source: str
    events: tuple[CalendarEvent, ...]

    def dates_for(self, fiscal_year_be: int) -> list[CalendarDate]:
        """Every event of the calendar as dates of fiscal year ``fiscal_year_be``, in date order."""
        placed = [
            CalendarDate(
                key=e.key,
                kind=e.kind,
                title_th=e.title_th,
                title_en=e.title_en,
                starts_on=place(e.starts, fiscal_year_be) if e.starts else None,
                due_on=place(e.due, fiscal_year_be),
                provisional=e.provisional,
                source=self.source,
            )
            for e in self.events
        ]
        return sorted(placed, key=lambda d: (d.starts_on or d.due_on, d.due_on, d.key))


def place(month_day: str, fiscal_year_be: int) -> date:
    """``"06-01"`` in fiscal year 2563 → 2020-06-01; ``"10-31"`` → 2019-10-31; ``"10-31+1"`` → 2020-10-31."""
    match = _MONTH_DAY.match(month_day)
    if not match:
        raise CalendarError(f"'{month_day}' is not a month-day such as 06-01 or 10-31+1")
    month, day, later = int(match.group(1)), int(match.group(2)), int(match.group(4) or 0)
    year = ce_year(fiscal_year_be) - (1 if month >= 10 else 0) + later
    try:
        return date(year, month, day)
    except ValueError:
        raise CalendarError(f"'{month_day}' is not a day of the year {year}") from None


def _event(raw: object, where: str, default_provisional: bool) -> CalendarEvent:
    if not isinstance(raw, dict):
        raise CalendarError(f"{where}: each event is a mapping with key, kind, due, title_th and title_en")
    missing = [f for f in ("key", "kind", "due", "title_th", "title_en") if not str(raw.get(f) or "").strip()]
    if missing:
        raise CalendarError(f"{where}: missing {', '.join(missing)}")
    kind = str(raw["kind"])
    if kind not in KINDS:
        raise CalendarError(f"{where}: kind '{kind}' is not one of {', '.join(KINDS)}")
    starts = str(raw.get("starts") or "")
    if kind == "window" and not starts:
        raise CalendarError(f"{where}: a window needs 'starts'")
    event = CalendarEvent(
        key=str(raw["key"]),
        kind=kind,
        due=str(raw["due"]),
        title_th=str(raw["title_th"]),
        title_en=str(raw["title_en"]),
        starts=starts,
        provisional=bool(raw.get("provisional", default_provisional)),
    )
    for field in ("starts", "due"):
        value = getattr(event, field)
        if value:
            try:
                place(value, 2564)  # 02-29 is refused: it exists one year in four
            except CalendarError as exc:
                raise CalendarError(f"{where}: {field}: {exc}") from None
    if starts and (place(starts, 2564) > place(event.due, 2564)):
        raise CalendarError(f"{where}: starts after it is due")
    return event


def parse_calendar(text: str, name: str) -> EditionCalendar:
    """A calendar from YAML text; ``name`` names it in error messages."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (libyaml when available)
    except yaml.YAMLError as exc:
        raise CalendarError(f"{name}: not YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list) or not data["events"]:
        raise CalendarError(f"{name}: expected a mapping with a non-empty 'events' list")
    provisional = bool(data.get("provisional", False))
    events = tuple(_event(raw, f"{name}: event {i}", provisional) for i, raw in enumerate(data["events"], start=1))
    keys = [e.key for e in events]
    if len(set(keys)) != len(keys):
        raise CalendarError(f"{name}: an event key appears twice")
    return EditionCalendar(name=name, source=str(data.get("source") or "").strip(), events=events)


def calendar_file(edition_id: str, folder: Path = CALENDAR_DIR) -> Path:
    """The file that holds the calendar of ``edition_id`` (its own, or the default)."""
    base = edition_id.split("@", 1)[0]
    own = folder / f"{base}.yaml"
    return own if base and "/" not in base and own.is_file() else folder / f"{DEFAULT}.yaml"


def load_calendar(edition_id: str, folder: Path = CALENDAR_DIR) -> EditionCalendar:
    path = calendar_file(edition_id, folder)
    return parse_calendar(path.read_text(encoding="utf-8"), path.stem)


def days_left(today: date, due_on: date) -> int:
    """Whole days from ``today`` to the due date: 0 on the day, negative once it has passed."""
    return (due_on - today).days
