"""Audit actions are one enum (``prongsai.web.audit.actions.AuditAction``): services name a member, ``record``
refuses anything else, and every action the app writes or a page filters on is a member."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest

from prongsai.web.audit.actions import OIT_ACTIONS, AuditAction

ROOT = Path(__file__).resolve().parents[2]
VALUES = {a.value for a in AuditAction}


def _is_member(node: ast.AST, typed: frozenset[str] = frozenset()) -> bool:
    """``AuditAction.X``, ``AuditAction.X.value``, ``DEMO_ACTION`` (itself a member), a parameter of the enclosing
    function annotated ``AuditAction`` (``typed``: a helper whose callers pass members, checked where they call it
    by mypy) or ``a if c else b`` of those."""
    if isinstance(node, ast.IfExp):
        return _is_member(node.body, typed) and _is_member(node.orelse, typed)
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Name):
        return node.id == "DEMO_ACTION" or node.id in typed
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "AuditAction"
        and node.attr in AuditAction.__members__
    )


def _typed_parameters(tree: ast.AST) -> dict[int, frozenset[str]]:
    """For each call's id: the enclosing functions' parameters annotated ``AuditAction``."""
    typed: dict[int, frozenset[str]] = {}

    def visit(node: ast.AST, names: frozenset[str]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = names | {
                a.arg
                for a in node.args.args + node.args.kwonlyargs
                if isinstance(a.annotation, ast.Name) and a.annotation.id == "AuditAction"
            }
        if isinstance(node, ast.Call):
            typed[id(node)] = names
        for child in ast.iter_child_nodes(node):
            visit(child, names)

    visit(tree, frozenset())
    return typed


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typed = _typed_parameters(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            yield name, node, typed[id(node)]


def test_every_service_names_its_action_with_a_member():
    bare = []
    for path in sorted((ROOT / "prongsai").rglob("*.py")):
        for name, call, typed in _calls(path):
            if (
                name in ("record", "audit_entry")
                and len(call.args) >= 2
                and path.parent.name != "audit"
                and not _is_member(call.args[1], typed)
            ):
                bare.append(f"{path.relative_to(ROOT)}:{call.lineno}")
            if name == "AuditEntry" and path.parent.name != "audit":
                action = next((k.value for k in call.keywords if k.arg == "action"), None)
                if action is not None and not _is_member(action):
                    bare.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert bare == []


def test_every_demo_marker_is_a_member():
    from prongsai.web import demo
    from prongsai.web.editions import demo as editions_demo
    from prongsai.web.measures import demo as measures_demo
    from prongsai.web.oit import demo as oit_demo

    for module in (demo, editions_demo, measures_demo, oit_demo):
        assert isinstance(module.DEMO_ACTION, AuditAction), module.__name__


def test_every_action_a_test_or_page_filters_on_is_a_member():
    # a filter on a misspelt action would silently find nothing, and so pass
    pattern = re.compile(r"""action(?:__in)?=["']([a-z_]+)["']""")
    unknown = set()
    for folder in ("prongsai", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            unknown |= {m for m in pattern.findall(path.read_text(encoding="utf-8")) if m not in VALUES}
    argparse_actions = {"store_true", "store_false", "append", "count", "store"}
    assert unknown - argparse_actions == set()


def test_the_oit_audit_page_lists_only_members():
    assert set(AuditAction) >= OIT_ACTIONS


def test_values_are_the_stored_strings_and_unique():
    # the values are what rows hold since the first release: renaming a member is fine, changing a value is not
    assert AuditAction.ADD_OIT_LINK == "add_oit_link"
    assert AuditAction.SET_OIT_READY.value == "set_oit_ready"
    assert len(VALUES) == len(AuditAction)


@pytest.mark.django_db
def test_record_refuses_a_string_even_one_that_spells_a_member(cast):
    from prongsai.web.audit.models import AuditEntry
    from prongsai.web.audit.services import audit_entry, record

    with pytest.raises(TypeError, match="AuditAction"):
        record(cast.central, "create_round", "a bare string")
    with pytest.raises(TypeError, match="AuditAction"):
        audit_entry(cast.central, "no_such_action", "a typo")
    assert not AuditEntry.objects.filter(summary__in=["a bare string", "a typo"]).exists()
    entry = record(cast.central, AuditAction.CREATE_ROUND, "a member")
    entry.refresh_from_db()
    assert entry.action == "create_round"


@pytest.mark.django_db
def test_every_action_the_demo_records_is_a_member():
    from prongsai.web import demo
    from prongsai.web.audit.models import AuditEntry

    assert demo.load_demo(io.StringIO()) is True
    stored = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert AuditAction.LOAD_DEMO in stored
    assert stored <= VALUES
