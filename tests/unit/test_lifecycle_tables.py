"""The three lifecycles declared with ``prongsai.core.lifecycle``: round, OIT item and respondent code.

Each table is the only place its moves are written (services, views and templates consult it), so these tests pin
the tables themselves, the states derived from them, and docs/architecture.md "Lifecycles", which must show
exactly the rows the code holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prongsai.core.lifecycle import Lifecycle, TransitionRefused
from prongsai.web.oit.lifecycle import AGENCY_EDITABLE, ENTRY, SUBMITTED_STATES, open_now, review_move
from prongsai.web.rounds.lifecycle import ROUND
from prongsai.web.surveys.lifecycle import CODE

DOCS = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
TABLES = (ROUND, ENTRY, CODE)


def markdown(lifecycle: Lifecycle) -> str:
    """The table as docs/architecture.md shows it (one row per ``as_rows()`` row, in the table's order)."""
    lines = [f"`{lifecycle.name}`:", "", "| move | from | to | roles |", "|---|---|---|---|"]
    lines += [f"| {move} | {source} | {target} | {roles} |" for move, source, target, roles in lifecycle.as_rows()]
    return "\n".join(lines)


@pytest.mark.parametrize("lifecycle", TABLES, ids=lambda t: t.name)
def test_the_docs_show_each_table_as_the_code_declares_it(lifecycle):
    # regenerate with: print(markdown(TABLE)) — the docs block must match row for row
    assert markdown(lifecycle) in DOCS.read_text(encoding="utf-8"), markdown(lifecycle)


def test_a_round_opens_closes_and_reopens_only_by_the_central_admin():
    assert [(m.name, m.target) for m in ROUND.moves_from("draft", "central_admin")] == [("open", "open")]
    assert [(m.name, m.target) for m in ROUND.moves_from("closed", "central_admin")] == [("reopen", "open")]
    assert ROUND.moves_from("open", "agency_admin") == ()  # an officer sees no round buttons
    assert ROUND.move_to("draft", "closed") is None  # a draft round is opened before it can be closed
    with pytest.raises(TransitionRefused):
        ROUND.check("open", "close", role="agency_admin")


def test_the_oit_states_the_agency_edits_and_the_submitted_ones_follow_from_the_table():
    # the agency changes evidence where its officer or units make a move; after submission only by clarifying
    assert AGENCY_EDITABLE == ("draft", "ready", "clarifying")
    assert SUBMITTED_STATES == ("submitted", "reviewed", "clarifying", "clarified", "confirmed")
    assert ENTRY.sources("submit") == ("ready",)
    assert ENTRY.sources("confirm") == ("reviewed", "clarifying", "clarified")


def test_each_oit_state_has_the_review_stage_the_assessor_records():
    assert review_move("draft") is None and review_move("ready") is None
    assert review_move("submitted").name == review_move("reviewed").name == "review"
    assert review_move("clarified").name == review_move("clarifying").name == "review_again"
    assert review_move("confirmed").name == "correct"
    assert review_move("submitted").target == "reviewed"  # round 1 moves the item; later reviews keep its state


def test_unit_staff_mark_items_ready_but_only_the_officer_submits():
    assert [m.name for m in ENTRY.moves_from("ready", "unit_staff")] == ["draft"]
    assert [m.name for m in ENTRY.moves_from("ready", "agency_admin")] == ["draft", "submit"]
    assert not ENTRY.allows("clarifying", "ready")  # an item being clarified is answered, not marked ready


def test_a_respondent_code_is_used_or_revoked_once_and_then_final():
    assert CODE.sources("use") == CODE.sources("revoke") == ("unused",)
    assert CODE.moves_from("used") == CODE.moves_from("revoked") == ()
    assert CODE.reachable("unused") == {"unused", "used", "revoked"}


def test_from_clarifying_the_agency_answers_before_the_deadline_and_the_assessor_decides_after():
    assert open_now("clarifying", "clarify", deadline_passed=False)
    assert not open_now("clarifying", "clarify", deadline_passed=True)
    for move in ("review_again", "confirm"):
        assert not open_now("clarifying", move, deadline_passed=False)
        assert open_now("clarifying", move, deadline_passed=True)
    assert open_now("clarified", "confirm", deadline_passed=False)  # the deadline matters only while clarifying
    assert not open_now("draft", "confirm", deadline_passed=True)  # and never opens a move the table lacks
