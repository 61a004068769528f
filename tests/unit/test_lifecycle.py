"""The generic transition table (prongsai.core.lifecycle) that every record's lifecycle is declared with."""

import pytest

from prongsai.core.lifecycle import Lifecycle, Move, TransitionRefused

DOOR = Lifecycle(
    "door",
    ["shut", "open", "locked"],
    [
        Move("open", "shut", "open", "เปิด", "open"),
        Move("shut", "open", "shut", "ปิด", "shut"),
        Move("lock", "shut", "locked", "ล็อก", "lock", roles=frozenset({"director"}), confirm=True),
    ],
)


def test_moves_from_a_state_are_what_the_page_offers():
    assert [m.name for m in DOOR.moves_from("shut")] == ["open", "lock"]
    assert [m.name for m in DOOR.moves_from("shut", role="staff")] == ["open"]
    assert DOOR.moves_from("locked") == ()


def test_check_refuses_a_move_from_the_wrong_state_or_role():
    assert DOOR.check("shut", "lock", role="director").target == "locked"
    with pytest.raises(TransitionRefused) as wrong_state:
        DOOR.check("open", "lock")
    assert "open" in wrong_state.value.th and wrong_state.value.role is None
    with pytest.raises(TransitionRefused) as wrong_role:
        DOOR.check("shut", "lock", role="staff")
    assert wrong_role.value.role == "staff"
    assert not DOOR.allows("shut", "lock", role="staff")
    assert DOOR.allows("shut", "lock", role="director")


def test_a_table_with_unknown_states_or_duplicate_moves_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        Lifecycle("bad", ["a"], [Move("go", "a", "b", "ไป", "go")])
    with pytest.raises(ValueError, match="twice"):
        Lifecycle("bad", ["a", "b"], [Move("go", "a", "b", "ไป", "go"), Move("go", "a", "a", "ไป", "go")])


def test_reachable_states_and_rows():
    assert DOOR.reachable("open") == {"open", "shut", "locked"}
    assert DOOR.reachable("locked") == {"locked"}
    assert ("lock", "shut", "locked", "director") in DOOR.as_rows()


def test_sources_and_move_to_answer_bulk_services_and_callers_that_name_the_state():
    assert DOOR.sources("open") == ("shut",)
    assert DOOR.move_to("shut", "locked").name == "lock"
    assert DOOR.move_to("locked", "open") is None
