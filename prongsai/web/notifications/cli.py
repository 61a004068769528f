"""``prongsai notify``: the daily run of deadline and report-due notifications (docs/operations.md, a timer)."""

from __future__ import annotations

import argparse
from datetime import date

from prongsai.cli_base import CommandError


def cmd_notify(args: argparse.Namespace) -> str:
    from prongsai.web.setup import setup_django

    setup_django()
    from django.conf import settings

    from prongsai.web.bilingual import gettext_noop, thai
    from prongsai.web.notifications.services import run_daily

    today = None
    if args.today:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            raise CommandError(
                f"--today {args.today!r} is not a date such as 2020-07-24 "
                f"/ {thai(gettext_noop('The date is not valid.'))}"
            ) from None
    days = settings.PRONGSAI_NOTIFY_DAYS if args.days is None else args.days
    if not 0 <= days <= 90:
        raise CommandError(
            f"--days must be between 0 and 90 / {thai(gettext_noop('The number of days must be between 0 and 90.'))}"
        )
    run = run_daily(today=today, days=days)
    total = sum(run.created.values())
    details = ", ".join(f"{kind} {n}" for kind, n in sorted(run.created.items()) if n) or "none new"
    return (
        f"prongsai notify: {run.today.isoformat()}, deadlines within {run.days} days: {total} notifications "
        f"({details}); e-mail via {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}"
    )


def register(sub: argparse._SubParsersAction) -> None:
    notify = sub.add_parser(
        "notify",
        help="send the day's deadline and report-due notifications (run daily; running it twice sends nothing twice)",
    )
    notify.add_argument(
        "--days", type=int, metavar="N", help="warn of deadlines due within N days (default PRONGSAI_NOTIFY_DAYS, 7)"
    )
    notify.add_argument("--today", metavar="YYYY-MM-DD", help="act as if today were this date (tests, catch-up)")
    notify.set_defaults(run=cmd_notify)
