"""Database state built once per test module and shared by its tests, each test in a rolled-back savepoint.

Django's ``TestCase.setUpTestData`` for pytest: a fixture made with :func:`shared` is built the first time a test
of the module asks for it, inside one outer transaction that stays open across the module's tests; every test then
runs in its own savepoint (pytest-django's ``db``), rolled back at its end, and gets a deep copy of the built objects
(so a test that changes ``cast.round_2563.status`` in memory changes nothing for the next test).

The outer transaction is rolled back — and everything built in it forgotten — when the module ends, and before any
test that must see a database without it: a test that uses the database but none of these fixtures, and a
transactional test (``transactional_db``, ``live_server``, ``django_db(transaction=True)``), whose data has to be
committed for other connections and is flushed afterwards.  Such a test gets the fixture built afresh, committed,
as before.  Building (a) cast and (b) a rendered document pack once per module instead of once per test is what
makes the suite cheaper (docs/benchmarks.md, "Test suite duration").
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import pytest

#: builders by (module that defined them, fixture name)
_BUILDERS: dict[tuple[str, str], Callable[..., Any]] = {}
TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server", "django_db_reset_sequences")


def shared(build: Callable[..., Any]):
    """A fixture named like ``build`` whose value ``build(**dependencies)`` is made once per module (see above).

    ``build``'s parameters name other shared fixtures of the same module or of tests/conftest.py (e.g. ``cast``);
    it is called with the database unblocked, and must leave only database rows and files behind."""
    name = build.__name__
    _BUILDERS[(build.__module__, name)] = build

    @pytest.fixture(name=name)
    def fixture(request, _shared_state):
        return _shared_state.get(request, name)

    fixture.__doc__ = build.__doc__
    return fixture


def builder(module: str, name: str) -> Callable[..., Any] | None:
    return _BUILDERS.get((module, name)) or _BUILDERS.get(("tests.conftest", name))


def is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return any(name in request.fixturenames for name in TRANSACTIONAL_FIXTURES)


class SharedState:
    """The open outer transaction (if any), the module it belongs to, and what was built in it."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.atomic = None
        self.connection = None  # the connection object the transaction was opened on
        self.owner = ""
        self.built: dict[str, Any] = {}
        self.copies: dict[str, Any] = {}  # this test's deep copies of what it asked for from ``built``
        self.memo: dict[int, Any] = {}  # their one deepcopy memo: objects shared between fixtures stay shared
        self.fresh: dict[str, Any] = {}  # a transactional test's own values, built inside its test

    def _names(self, request) -> list[str]:
        module = request.node.module.__name__
        return [n for n in request.fixturenames if builder(module, n) is not None]

    def before_test(self, request) -> None:
        """Runs before pytest-django opens the test's transaction: open, keep or roll back the outer one."""
        self.fresh, self.copies, self.memo = {}, {}, {}
        names = self._names(request)
        module = request.node.module.__name__
        if not names or is_transactional(request):
            self.leave()
            return
        if self.atomic is not None:
            from django.db import DEFAULT_DB_ALIAS, connections

            if self.owner != module or connections[DEFAULT_DB_ALIAS] is not self.connection:
                self.leave()
        if self.atomic is None:
            from django.db import DEFAULT_DB_ALIAS, connections, transaction

            with self.blocker.unblock():
                self.connection = connections[DEFAULT_DB_ALIAS]
                self.atomic = transaction.atomic()
                self.atomic._from_testcase = True  # what Django's TestCase marks its own blocks with (durable=)
                self.atomic.__enter__()
            self.owner = module
        with self.blocker.unblock():
            for name in names:
                self._build(module, name, self.built)

    def _build(self, module: str, name: str, into: dict[str, Any]) -> Any:
        if name not in into:
            build = builder(module, name)
            assert build is not None, name
            arguments = {dep: self._build(module, dep, into) for dep in inspect.signature(build).parameters}
            into[name] = build(**arguments)
        return into[name]

    def get(self, request, name: str) -> Any:
        if self.atomic is not None and name in self.built:
            # copied when asked for, not all at once: a test that takes the cast does not pay for the module's
            # rendered pack
            if name not in self.copies:
                self.copies[name] = copy.deepcopy(self.built[name], self.memo)
            return self.copies[name]
        # a transactional test: built now, committed, flushed after the test like everything else
        return self._build(request.node.module.__name__, name, self.fresh)

    def leave(self) -> None:
        if self.atomic is None:
            return
        from django.db import DEFAULT_DB_ALIAS, connections, transaction

        # Django keeps connections per thread *and* per asyncio context: while Playwright's event loop runs (the
        # browser tests), ``connections["default"]`` is another object than the one holding this transaction
        current = connections[DEFAULT_DB_ALIAS]
        connections[DEFAULT_DB_ALIAS] = self.connection
        try:
            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
        finally:
            connections[DEFAULT_DB_ALIAS] = current
        self.atomic, self.owner, self.built, self.connection = None, "", {}, None
