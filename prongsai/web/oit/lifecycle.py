"""The lifecycle of an OIT item (docs/oit.md): draft ⇄ ready → submitted → reviewed → (clarifying → clarified)
→ confirmed, and who makes each move.

The one place these moves are written.  The services check a move here before they write the new status
(``services.set_ready``/``submit_items``, ``review.record_review``/``open_clarification``/``submit_clarification``
/``confirm_review``); the item page offers the buttons ``ENTRY.moves_from(status, role)`` returns.  Conditions
that are not about the status (evidence attached, the clarification deadline, the review stage recorded) stay
in the services.  Roles: ``agency_admin`` stands for the agency's ITA officer (anyone managing the agency).

The three review moves name the review stage they record: ``review`` (round 1, again until confirmed),
``review_again`` (round 2, once the agency answered or the deadline passed) and ``correct`` (after confirmation,
with a reason).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop

from prongsai.core.lifecycle import Lifecycle, Move
from prongsai.web.agencies.models import Role
from prongsai.web.oit.models import EntryStatus as S

_OFFICER = frozenset({Role.AGENCY_ADMIN.value})
_EDITORS = frozenset({Role.AGENCY_ADMIN.value, Role.UNIT_STAFF.value})
_ASSESSOR = frozenset({Role.ASSESSOR.value})


def _move(name: str, source: str, target: str, label_en: str, roles: frozenset[str], **kwargs) -> Move:
    """A move whose ``label_th`` is its English label translated lazily (Thai by default, English when the page is
    in English); the English labels are the catalog's msgids."""
    return Move(name, source, target, gettext_lazy(label_en), label_en, roles, **kwargs)


ENTRY = Lifecycle(
    "oit_entry",
    S.values,
    [
        _move("ready", S.DRAFT, S.READY, gettext_noop("Mark as ready"), _EDITORS),
        _move("draft", S.READY, S.DRAFT, gettext_noop("Back to draft"), _EDITORS),
        _move("submit", S.READY, S.SUBMITTED, gettext_noop("Send to the assessor"), _OFFICER),
        _move("review", S.SUBMITTED, S.REVIEWED, gettext_noop("Record round 1"), _ASSESSOR),
        _move("review", S.REVIEWED, S.REVIEWED, gettext_noop("Record round 1"), _ASSESSOR),
        _move(
            "ask_clarification",
            S.REVIEWED,
            S.CLARIFYING,
            gettext_noop("Ask for clarification"),
            frozenset({Role.ASSESSOR.value, Role.CENTRAL_ADMIN.value}),
        ),
        _move("clarify", S.CLARIFYING, S.CLARIFIED, gettext_noop("Send the clarification"), _OFFICER),
        _move("review_again", S.CLARIFYING, S.CLARIFYING, gettext_noop("Record round 2"), _ASSESSOR),
        _move("review_again", S.CLARIFIED, S.CLARIFIED, gettext_noop("Record round 2"), _ASSESSOR),
        _move("confirm", S.REVIEWED, S.CONFIRMED, gettext_noop("Confirm the score"), _ASSESSOR, confirm=True),
        _move("confirm", S.CLARIFYING, S.CONFIRMED, gettext_noop("Confirm the score"), _ASSESSOR, confirm=True),
        _move("confirm", S.CLARIFIED, S.CONFIRMED, gettext_noop("Confirm the score"), _ASSESSOR, confirm=True),
        _move("correct", S.CONFIRMED, S.CONFIRMED, gettext_noop("Correct the confirmed score"), _ASSESSOR),
    ],
)

#: the review moves, by the review stage each records
REVIEW_MOVES = ("review", "review_again", "correct")
#: states in which the agency may still change the evidence: those its officer or units move the item from
AGENCY_EDITABLE = tuple(s for s in ENTRY.states if any(m.roles & _EDITORS for m in ENTRY.moves_from(s)))
#: states that have been submitted at least once (the assessor may see the item; it may be published)
SUBMITTED_STATES = tuple(s for s in ENTRY.states if s in ENTRY.reachable(S.SUBMITTED))

#: from ``clarifying`` the agency answers until the clarification deadline, and the assessor decides after it
#: (docs/oit.md "Clarification window"): the one statement of that rule, for the services and the item page
BEFORE_DEADLINE = ("clarify",)
AFTER_DEADLINE = ("review_again", "confirm")


def open_now(status: str, move: str, *, deadline_passed: bool, role: str | None = None) -> bool:
    """Whether ``move`` may be made now: the table allows it and, from ``clarifying``, the deadline agrees."""
    if not ENTRY.allows(status, move, role):
        return False
    if status != S.CLARIFYING:
        return True
    if move in BEFORE_DEADLINE:
        return not deadline_passed
    return deadline_passed or move not in AFTER_DEADLINE


def review_move(status: str):
    """The review move an assessor makes from ``status`` (None before submission)."""
    return next((m for m in ENTRY.moves_from(status) if m.name in REVIEW_MOVES), None)
