"""``prongsai manage survey_release``: release the survey ballot box (docs/surveys.md, "The ballot box").

Submissions release their own scope as soon as it is full, and closing a round releases the rest, so this
command is a safety net for cron: it releases every full scope of an open round (one left behind by a crash
between a submit's commit and its release) and everything held for rounds that are no longer open, deletes
rate-limit counters of past windows, and on SQLite truncates the WAL.  ``--loop SECONDS`` keeps running.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Release held survey responses (full batches; everything of rounds that are no longer open)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="repeat every SECONDS seconds until stopped (default: run once)",
        )

    def handle(self, *args, loop: float = 0, **options) -> None:
        from django.db import close_old_connections

        from prongsai.web.surveys import ballot, ratelimit

        while True:
            released = ballot.sweep()
            pruned = ratelimit.prune()
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"released {released['ready']} (full batches) + {released['closed']} "
                    f"(rounds no longer open); {pruned} old rate counters deleted"
                )
            if not loop:
                return
            close_old_connections()
            time.sleep(loop)
