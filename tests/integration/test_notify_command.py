"""``prongsai notify``, as the operator's daily timer runs it: once, again the same day (nothing new), bad input."""

from __future__ import annotations

import pytest

from prongsai.cli import main
from prongsai.web.notifications.models import Notification
from prongsai.web.notifications.services import seed_round_calendar

pytestmark = pytest.mark.django_db


def test_the_daily_command_is_idempotent(cast, capsys):
    seed_round_calendar(cast.central, cast.round_2563)
    assert main(["notify", "--today", "2020-07-24", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert "2020-07-24, deadlines within 7 days: 6 notifications (deadline 6)" in out
    assert main(["notify", "--today", "2020-07-24"]) == 0
    assert "0 notifications (none new)" in capsys.readouterr().out
    assert Notification.objects.count() == 6


@pytest.mark.parametrize(
    "args, message",
    [
        (["--today", "24/07/2563"], "is not a date"),
        (["--days", "365"], "between 0 and 90"),
    ],
)
def test_bad_input_is_refused_with_a_message(db, capsys, args, message):
    assert main(["notify", *args]) == 2
    assert message in capsys.readouterr().err
