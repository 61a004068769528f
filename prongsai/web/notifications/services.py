"""Every write of the officer's-year feature: a round's deadlines (seeded from the edition's calendar, corrected
by the central admin), notifications (created in the caller's transaction, mailed after it commits) and reading
them.  Each state change runs in one transaction and, when a person made it, writes one audit entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prongsai.core.ita_calendar import CalendarError, load_calendar
from prongsai.core.thai import format_thai_date
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, Membership, Role
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.notifications.models import Notification, NotificationKind, RoundDeadline

log = logging.getLogger("prongsai.notifications")

#: who in an agency hears about its deadlines and results: its ITA officers and its director
RECIPIENT_ROLES = (Role.AGENCY_ADMIN, Role.DIRECTOR)
#: deadlines an agency has to act on (the assessor's review and the publication of results are not theirs)
AGENCY_DEADLINES = ("registration", "oit_publish", "surveys", "clarification", "confirmation")
REPORT_DEADLINES = {"report_6m": 6, "report_12m": 12}


# ------------------------------------------------------------------------------------------------- calendar


def seed_round_calendar(actor, round_) -> list[RoundDeadline]:
    """Copy the edition's calendar into the round (called by ``rounds.services.create_round``, inside its
    transaction).  A round that already has deadlines keeps them."""
    if RoundDeadline.objects.filter(round=round_).exists():
        return list(RoundDeadline.objects.filter(round=round_))
    try:
        dates = load_calendar(round_.framework_id).dates_for(round_.fiscal_year)
    except CalendarError as exc:  # a broken data file must not stop a round from being created
        log.error("calendar of %s not copied: %s", round_.framework_id, exc)
        return []
    rows = RoundDeadline.objects.bulk_create(
        [
            RoundDeadline(
                round=round_,
                key=d.key,
                title_th=d.title_th,
                title_en=d.title_en,
                starts_on=d.starts_on,
                due_on=d.due_on,
                provisional=d.provisional,
                source=d.source,
                updated_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for d in dates
        ]
    )
    record(
        actor,
        AuditAction.SEED_ROUND_CALENDAR,
        f"{round_.name_th}: {len(rows)} deadlines from the edition's calendar",
        obj=round_,
        changes={"deadlines": {d.key: d.due_on.isoformat() for d in dates}},
    )
    return rows


def update_deadline(
    actor,
    deadline: RoundDeadline,
    *,
    starts_on: date | None,
    due_on: date,
    title_th: str | None = None,
    provisional: bool = False,
) -> RoundDeadline:
    """The central admin corrects one date of a round's calendar."""
    if not access.is_central_admin(actor):
        raise PermissionDenied
    if starts_on is not None and starts_on > due_on:
        raise ValidationError(_("The start date is after the due date."))
    with transaction.atomic():
        deadline = RoundDeadline.objects.select_for_update().get(pk=deadline.pk)
        before = {
            "starts_on": deadline.starts_on.isoformat() if deadline.starts_on else None,
            "due_on": deadline.due_on.isoformat(),
            "title_th": deadline.title_th,
            "provisional": deadline.provisional,
        }
        deadline.starts_on, deadline.due_on, deadline.provisional = starts_on, due_on, provisional
        if title_th:
            deadline.title_th = title_th.strip()[:255]
        deadline.updated_by = actor
        deadline.save()
        after = {
            "starts_on": starts_on.isoformat() if starts_on else None,
            "due_on": due_on.isoformat(),
            "title_th": deadline.title_th,
            "provisional": provisional,
        }
        record(
            actor,
            AuditAction.UPDATE_ROUND_DEADLINE,
            f"{deadline.round.name_th}: {deadline.title_th} → {due_on}",
            obj=deadline.round,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return deadline


# ------------------------------------------------------------------------------------------ notifications


def recipients(agency: Agency) -> list:
    """The people of ``agency`` itself (not of its parents: the central office is not notified of every office's
    deadlines) who act on them, active accounts only."""
    users = {
        m.user_id: m.user
        for m in Membership.objects.filter(
            agency=agency, role__in=RECIPIENT_ROLES, user__is_active=True
        ).select_related("user")
    }
    return list(users.values())


def notify(
    users, *, kind: str, event: str, subject: str, body: str, url: str = "", agency=None, round_=None
) -> list[Notification]:
    """One notification per person for ``event`` (a second call for the same event adds nothing); the e-mails
    leave after the surrounding transaction commits, so a rolled-back change sends nothing."""
    created = []
    with transaction.atomic():
        for user in users:
            if Notification.objects.filter(user=user, event=event).exists():
                continue
            try:
                with transaction.atomic():
                    created.append(
                        Notification.objects.create(
                            user=user,
                            agency=agency,
                            round=round_,
                            kind=kind,
                            event=event[:120],
                            subject=subject[:255],
                            body=body,
                            url=url[:500],
                        )
                    )
            except IntegrityError:  # a parallel run created it first
                continue
        ids = [n.pk for n in created]
        if ids:
            transaction.on_commit(lambda: send_emails(ids))
    return created


def send_emails(ids: list[int]) -> int:
    """Mail the notifications ``ids`` not mailed yet; returns how many left.  A failure is logged and kept on the
    notification (the in-app one stays), never raised into the request that caused it."""
    sent = 0
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user"):
        address = (note.user.email or "").strip()
        if not address:
            continue
        link = f"{settings.BASE_URL}{note.url}" if note.url else settings.BASE_URL + "/"
        try:
            send_mail(note.subject, f"{note.body}\n\n{link}\n\n{_mail_footer()}", None, [address])
        except Exception as exc:  # noqa: BLE001 - SMTP, DNS and socket errors alike
            log.warning("notification %s not mailed to user %s: %s", note.pk, note.user_id, exc)
            Notification.objects.filter(pk=note.pk).update(email_error=str(exc)[:500])
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now(), email_error="")
        sent += 1
    return sent


def _mail_footer() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("This message was sent by Prongsai. You can read all your notifications after signing in.")


def _thai(day: date) -> str:
    return format_thai_date(day)


def notify_clarification_requested(round_, agency: Agency, deadline: date, codes: list[str], window_pk: int):
    """The assessor returned items to the agency to clarify (``oit.review.open_clarification``)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Clarification requested: %(n)d OIT items, due %(date)s") % {
            "n": len(codes),
            "date": _thai(deadline),
        }
        body = _("The assessor asks %(agency)s to clarify OIT items %(items)s of %(round)s by %(date)s.") % {
            "agency": agency.display_name,
            "items": ", ".join(codes) or "-",
            "round": round_.name_th,
            "date": _thai(deadline),
        }
    return notify(
        recipients(agency),
        kind=NotificationKind.CLARIFICATION,
        event=f"clarification:{window_pk}:{deadline.isoformat()}:{len(codes)}",
        subject=subject,
        body=body,
        url=_oit_url(round_, agency),
        agency=agency,
        round_=round_,
    )


def notify_results_published(round_) -> int:
    """The central admin published the round's results (``results.services.publish_results``): every agency with
    a result in the round hears it once."""
    from prongsai.web.results.models import AgencyResult

    agencies = Agency.objects.filter(pk__in=AgencyResult.objects.filter(round=round_).values("agency_id"))
    members = Membership.objects.filter(agency__in=agencies, role__in=RECIPIENT_ROLES, user__is_active=True)
    by_agency: dict[int, list] = {}
    for m in members.select_related("user", "agency"):
        by_agency.setdefault(m.agency_id, [m.agency]).append(m.user)
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Results published: %(round)s") % {"round": round_.name_th}
        for agency, *users in by_agency.values():
            body = _("The results of %(round)s are published. See the result of %(agency)s on its dashboard.") % {
                "round": round_.name_th,
                "agency": agency.display_name,
            }
            url = reverse("agency_dashboard", kwargs={"code": agency.code}) + f"?round={round_.pk}"
            count += len(
                notify(
                    users,
                    kind=NotificationKind.RESULTS,
                    event=f"results:{round_.pk}",
                    subject=subject,
                    body=body,
                    url=url,
                    agency=agency,
                    round_=round_,
                )
            )
    return count


def _oit_url(round_, agency) -> str:
    try:
        return reverse("oit_agency", kwargs={"round_id": round_.pk, "code": agency.code})
    except Exception:  # noqa: BLE001 - the OIT feature's URL names may change; the list is still useful
        return reverse("notifications")


def mark_read(actor, note: Notification) -> None:
    if note.user_id != actor.pk:
        raise PermissionDenied
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


# --------------------------------------------------------------------------------------------- daily run


@dataclass
class DailyRun:
    today: date
    days: int
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def run_daily(today: date | None = None, days: int | None = None) -> DailyRun:
    """What ``prongsai notify`` does once a day: for every open round, each agency deadline due within ``days``
    days and each 6/12-month report still missing, notify the agencies concerned.  Safe to run again the same day
    (or every hour): a person gets one notification per deadline date."""
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    today = today or timezone.localdate()
    days = settings.PRONGSAI_NOTIFY_DAYS if days is None else days
    run = DailyRun(today=today, days=days)
    horizon = today + timedelta(days=days)
    for round_ in AssessmentRound.objects.filter(status=RoundStatus.OPEN):
        due = list(RoundDeadline.objects.filter(round=round_, due_on__gte=today, due_on__lte=horizon))
        for deadline in due:
            if deadline.key in REPORT_DEADLINES:
                run.add(NotificationKind.REPORT_DUE, _report_due(round_, deadline, today))
            elif deadline.key in AGENCY_DEADLINES:
                run.add(NotificationKind.DEADLINE, _deadline(round_, deadline, today))
        run.add(NotificationKind.CLARIFICATION, _clarification_due(round_, today, horizon))
    return run


def _round_agencies(round_):
    try:
        kinds = round_.agency_kinds
    except Exception:  # noqa: BLE001 - an edition that no longer loads: no one to notify for it
        return Agency.objects.none()
    return Agency.objects.filter(kind__in=kinds)


def _left(deadline_day: date, today: date) -> str:
    n = (deadline_day - today).days
    return _("today") if n == 0 else _("in %(n)d days") % {"n": n}


def _deadline(round_, deadline: RoundDeadline, today: date) -> int:
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(title)s: due %(date)s (%(left)s)") % {
            "title": deadline.title_th,
            "date": _thai(deadline.due_on),
            "left": _left(deadline.due_on, today),
        }
        body = _("%(round)s: %(title)s is due on %(date)s.") % {
            "round": round_.name_th,
            "title": deadline.title_th,
            "date": _thai(deadline.due_on),
        }
        for agency in _round_agencies(round_).filter(memberships__role__in=RECIPIENT_ROLES).distinct():
            url = reverse("agency_dashboard", kwargs={"code": agency.code})
            count += len(
                notify(
                    recipients(agency),
                    kind=NotificationKind.DEADLINE,
                    event=f"deadline:{deadline.pk}:{deadline.due_on.isoformat()}",
                    subject=subject,
                    body=body,
                    url=url,
                    agency=agency,
                    round_=round_,
                )
            )
    return count


def _report_due(round_, deadline: RoundDeadline, today: date) -> int:
    """Agencies with a measure of the round that has no progress report of that period yet."""
    from prongsai.web.measures.models import Measure

    period = REPORT_DEADLINES[deadline.key]
    missing: dict[int, int] = {}
    for agency_id in (
        Measure.objects.filter(round=round_).exclude(reports__period=period).values_list("agency_id", flat=True)
    ):
        missing[agency_id] = missing.get(agency_id, 0) + 1
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for agency in Agency.objects.filter(pk__in=missing):
            subject = _("%(title)s: due %(date)s (%(left)s)") % {
                "title": deadline.title_th,
                "date": _thai(deadline.due_on),
                "left": _left(deadline.due_on, today),
            }
            body = _("%(agency)s has %(n)d measures without a %(period)d-month progress report; due %(date)s.") % {
                "agency": agency.display_name,
                "n": missing[agency.pk],
                "period": period,
                "date": _thai(deadline.due_on),
            }
            url = reverse("measures_list", kwargs={"code": agency.code, "round_id": round_.pk})
            count += len(
                notify(
                    recipients(agency),
                    kind=NotificationKind.REPORT_DUE,
                    event=f"report:{deadline.pk}:{deadline.due_on.isoformat()}",
                    subject=subject,
                    body=body,
                    url=url,
                    agency=agency,
                    round_=round_,
                )
            )
    return count


def _clarification_due(round_, today: date, horizon: date) -> int:
    """An agency's own clarification deadline (set by its assessor) approaching with items still unanswered."""
    from prongsai.web.oit.models import ClarificationWindow, EntryStatus, OITEntry

    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for window in ClarificationWindow.objects.filter(
            round=round_, deadline__gte=today, deadline__lte=horizon
        ).select_related("agency"):
            codes = sorted(
                OITEntry.objects.filter(round=round_, agency=window.agency, status=EntryStatus.CLARIFYING).values_list(
                    "code", flat=True
                )
            )
            if not codes:
                continue
            subject = _("Clarification due %(date)s (%(left)s): %(n)d OIT items unanswered") % {
                "date": _thai(window.deadline),
                "left": _left(window.deadline, today),
                "n": len(codes),
            }
            body = _("%(agency)s has not answered the assessor on OIT items %(items)s of %(round)s.") % {
                "agency": window.agency.display_name,
                "items": ", ".join(codes),
                "round": round_.name_th,
            }
            # who received the request itself within the warning period already knows the deadline
            told = set(
                Notification.objects.filter(
                    event__startswith=f"clarification:{window.pk}:{window.deadline.isoformat()}:",
                    created_at__gte=timezone.now() - timedelta(days=max(1, (horizon - today).days)),
                ).values_list("user_id", flat=True)
            )
            people = [u for u in recipients(window.agency) if u.pk not in told]
            count += len(
                notify(
                    people,
                    kind=NotificationKind.CLARIFICATION,
                    event=f"clarify-due:{window.pk}:{window.deadline.isoformat()}",
                    subject=subject,
                    body=body,
                    url=_oit_url(round_, window.agency),
                    agency=window.agency,
                    round_=round_,
                )
            )
    return count
