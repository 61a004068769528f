"""Helpers shared by the OIT service modules (``services``, ``checks``, ``carryover``, ``review``): settings,
framework look-ups, the edit guard, the link-check queue and URL cleaning (also used by the link form)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from prongsai.core.framework import OITItem
from prongsai.core.thai import to_arabic_digits
from prongsai.web.agencies.models import Agency
from prongsai.web.oit import permissions
from prongsai.web.oit.lifecycle import AGENCY_EDITABLE
from prongsai.web.oit.models import EvidenceLink, OITEntry
from prongsai.web.rounds.models import AssessmentRound

MAX_LINKS_PER_ITEM = 20
MAX_FILES_PER_ITEM = 20


def setting(name: str, default):
    """A PRONGSAI_* setting (read from the environment by prongsai/web/settings.py), else ``default``."""
    return getattr(settings, name, default)


def item_of(round_: AssessmentRound, code: str) -> OITItem:
    try:
        return round_.framework.oit_item(code)
    except StopIteration:
        raise ValidationError(_("There is no item %(code)s in this round's framework") % {"code": code}) from None


def expected_years(item: OITItem, fiscal_year: int) -> tuple[list[int], bool]:
    """The B.E. years the evidence should mention and whether the item requires them.

    An item with a data window (2568 on) requires the round's fiscal year (``current``) or the one before
    (``previous``); otherwise years named in the item's time window ("ผลการดำเนินงานปี พ.ศ. 2562",
    "ต.ค. 2562 – มี.ค. 2563") are required; an item with neither is checked for the round's fiscal year for
    information only.
    """
    window = item.window_year(fiscal_year)  # an edition's data window (current/previous fiscal year), from 2568
    if window is not None:
        return [window], True
    named = sorted({int(y) for y in re.findall(r"(?<!\d)(2[45]\d\d)(?!\d)", to_arabic_digits(item.time_window))})
    if named:
        return named, True
    return [fiscal_year], False


def snapshot(entry: OITEntry) -> dict:
    """What the public page may show for an entry: its public links and files, as submitted now."""
    return {
        "at": timezone.now().isoformat(),
        "links": [
            {"id": link.pk, "url": link.url, "label": link.label}
            for link in entry.links.filter(is_public=True).order_by("id")
        ],
        "files": [
            {"id": f.pk, "name": f.original_name, "label": f.label, "sha256": f.sha256, "size": f.size}
            for f in entry.files.filter(is_public=True).order_by("id")
        ],
    }


def require_open(round_: AssessmentRound) -> None:
    if not round_.is_open:
        raise ValidationError(_("This assessment round is not open, so the evidence cannot be changed"))


def entry_for(round_: AssessmentRound, agency: Agency, code: str, lock: bool = True) -> OITEntry:
    """The entry of an item, created as a draft the first time it is written (inside the caller's transaction)."""
    item_of(round_, code)
    entry, _created = OITEntry.objects.get_or_create(round=round_, agency=agency, code=code)
    if lock:
        entry = OITEntry.objects.select_for_update().get(pk=entry.pk)
    return entry


def check_edit(actor, entry: OITEntry) -> None:
    if not permissions.can_edit_item(actor, entry.agency, entry.unit_id):
        raise PermissionDenied
    require_open(entry.round)
    if entry.status not in AGENCY_EDITABLE:
        raise ValidationError(
            _("Item %(code)s is “%(status)s”; its evidence cannot be changed")
            % {"code": entry.code, "status": entry.get_status_display()}
        )


#: the batch link-check task (``tasks.check_evidence_links``), the path the queue stores and ``ops.policies`` keys on
CHECK_TASK = "prongsai.web.oit.tasks.check_evidence_links"


def enqueue_check(link: EvidenceLink) -> None:
    """Queue a check of one link (see ``enqueue_checks``)."""
    enqueue_checks([link])


def enqueue_checks(links: list[EvidenceLink]) -> None:
    """Queue checks of links, ``PRONGSAI_LINKCHECK_BATCH`` links per task (a district's thousands of links are
    a few dozen tasks, each checked concurrently by ``linkbatch``).  On the database queue the task rows are
    written in the caller's transaction (a task exists exactly when its links do); on another backend they are
    sent after the commit."""
    from django_tasks_db.backend import DatabaseBackend

    # by its dotted path, as the queue row names it: the task module sits above this one (it runs ``checks``)
    check_evidence_links = import_string(CHECK_TASK)
    size = max(1, int(setting("PRONGSAI_LINKCHECK_BATCH", 200)))
    on_database = isinstance(check_evidence_links.get_backend(), DatabaseBackend)
    for start in range(0, len(links), size):
        chunk = links[start : start + size]
        ids = [link.pk for link in chunk]
        if on_database:
            pending = str(check_evidence_links.enqueue(ids).id)[:64]
        else:
            pending = "queued"
            transaction.on_commit(lambda ids=ids: check_evidence_links.enqueue(ids))
        EvidenceLink.objects.filter(pk__in=ids).update(pending_task=pending)
        for link in chunk:
            link.pending_task = pending


_url_validator = URLValidator(schemes=["http", "https"])


def clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Please enter a link (URL)"), code="required")
    if len(url) > 2000:
        raise ValidationError(_("The link is longer than 2,000 characters"), code="too_long")
    if not re.match(r"(?i)^https?://", url):
        raise ValidationError(
            _("The link must start with http:// or https://, e.g. https://www.example.go.th/ita/o1"), code="scheme"
        )
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError(
            _("The link is not well formed; check the spelling and the site name again"), code="invalid"
        ) from None
    if "@" in url.split("/")[2]:
        raise ValidationError(_("The link must not contain a user name or password"), code="credentials")
    return url
