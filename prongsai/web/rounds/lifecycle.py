"""The lifecycle of an assessment round: draft → open ⇄ closed, moved only by the central admin.

The one place these moves are written: ``services.set_round_status`` checks its move here before writing, and the
round page offers the buttons ``ROUND.moves_from(status)`` returns.  The English labels are the msgids the page
translates (``gettext_noop`` keeps them in the catalog) and ``label_th`` is the same msgid translated lazily (Thai
by default); docs/architecture.md "Lifecycles" shows the table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop

from prongsai.core.lifecycle import Lifecycle, Move
from prongsai.web.agencies.models import Role
from prongsai.web.rounds.models import RoundStatus

_CENTRAL = frozenset({Role.CENTRAL_ADMIN.value})


def _move(name: str, source: str, target: str, label: str) -> Move:
    return Move(name, source, target, gettext_lazy(label), label, _CENTRAL)


ROUND = Lifecycle(
    "round",
    RoundStatus.values,
    [
        _move("open", RoundStatus.DRAFT, RoundStatus.OPEN, gettext_noop("Open round")),
        _move("close", RoundStatus.OPEN, RoundStatus.CLOSED, gettext_noop("Close round")),
        _move("reopen", RoundStatus.CLOSED, RoundStatus.OPEN, gettext_noop("Reopen round")),
    ],
)
