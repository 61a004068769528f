"""The lifecycle of an assessment round: draft → open ⇄ closed, moved only by the central admin.

The one place these moves are written: ``services.set_round_status`` checks its move here before writing, and the
round page offers the buttons ``ROUND.moves_from(status)`` returns.  The English labels are the msgids the page
translates (``gettext_noop`` keeps them in the catalog); docs/architecture.md "Lifecycles" shows the table.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from prongsai.core.lifecycle import Lifecycle, Move
from prongsai.web.agencies.models import Role
from prongsai.web.rounds.models import RoundStatus

_CENTRAL = frozenset({Role.CENTRAL_ADMIN.value})

ROUND = Lifecycle("round", RoundStatus.values, [
    Move("open", RoundStatus.DRAFT, RoundStatus.OPEN, "เปิดรอบการประเมิน", gettext_noop("Open round"), _CENTRAL),
    Move("close", RoundStatus.OPEN, RoundStatus.CLOSED, "ปิดรอบการประเมิน", gettext_noop("Close round"), _CENTRAL),
    Move("reopen", RoundStatus.CLOSED, RoundStatus.OPEN, "เปิดรอบอีกครั้ง", gettext_noop("Reopen round"), _CENTRAL),
])
