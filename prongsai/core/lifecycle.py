"""Lifecycles as transition tables: one table per kind of record says which moves exist, who may make them and
what each is called, and services, views and templates all consult it — no status rule is written twice.

A table is plain data (no Django): states are strings (a model's ``TextChoices`` values), each move names the state
it leaves, the state it reaches and the roles allowed to make it.  A service calls :meth:`Lifecycle.check` before
it writes (raising :class:`TransitionRefused`, whose message names the record's state and the move in Thai and
English); a view or template asks :meth:`Lifecycle.moves_from` which buttons to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Move:
    """One allowed transition.  ``name`` is the stable identifier services and templates use (``"close"``);
    ``roles`` empty means any role the view already let in may make it (the access layer decides who sees the
    record at all)."""

    name: str
    source: str
    target: str
    label_th: str
    label_en: str
    roles: frozenset[str] = field(default_factory=frozenset)
    confirm: bool = False  # the UI asks for confirmation first (it changes what others see or cannot be undone)


class TransitionRefused(ValueError):
    """A move that the table does not allow from the record's current state (or not for this role)."""

    def __init__(self, lifecycle: str, state: str, move: str, *, role: str | None = None):
        self.lifecycle, self.state, self.move, self.role = lifecycle, state, move, role
        why = f" for role {role}" if role else ""
        super().__init__(f"{lifecycle}: '{move}' is not allowed from '{state}'{why}")

    @property
    def th(self) -> str:
        who = f" สำหรับบทบาท {self.role}" if self.role else ""
        return f"ทำ '{self.move}' ไม่ได้ขณะสถานะเป็น '{self.state}'{who}"

    @property
    def en(self) -> str:
        return str(self)


class Lifecycle:
    """A named set of moves between states.  Built once at import time; immutable afterwards."""

    def __init__(self, name: str, states: Iterable[str], moves: Iterable[Move]):
        self.name = name
        self.states = tuple(states)
        self.moves = tuple(moves)
        known = set(self.states)
        seen: set[tuple[str, str]] = set()
        for move in self.moves:
            if move.source not in known or move.target not in known:
                raise ValueError(f"{name}: move {move.name} joins unknown states {move.source}→{move.target}")
            if (move.name, move.source) in seen:
                raise ValueError(f"{name}: move {move.name} is defined twice from {move.source}")
            seen.add((move.name, move.source))

    def moves_from(self, state: str, role: str | None = None) -> tuple[Move, ...]:
        """The moves available from ``state`` (to ``role``, when given) — what a page offers as buttons."""
        return tuple(m for m in self.moves if m.source == state and (role is None or not m.roles or role in m.roles))

    def find(self, state: str, move: str) -> Move | None:
        return next((m for m in self.moves if m.source == state and m.name == move), None)

    def allows(self, state: str, move: str, role: str | None = None) -> bool:
        found = self.find(state, move)
        return found is not None and (role is None or not found.roles or role in found.roles)

    def sources(self, move: str) -> tuple[str, ...]:
        """The states a move may leave — what a bulk service filters its rows on (``status__in=…``)."""
        return tuple(m.source for m in self.moves if m.name == move)

    def move_to(self, state: str, target: str) -> Move | None:
        """The move from ``state`` that reaches ``target`` (for services whose callers name the wanted state)."""
        return next((m for m in self.moves if m.source == state and m.target == target), None)

    def check(self, state: str, move: str, role: str | None = None) -> Move:
        """The move, or :class:`TransitionRefused` — call before writing the new state."""
        found = self.find(state, move)
        if found is None:
            raise TransitionRefused(self.name, state, move)
        if role is not None and found.roles and role not in found.roles:
            raise TransitionRefused(self.name, state, move, role=role)
        return found

    def reachable(self, start: str) -> set[str]:
        """Every state reachable from ``start`` (used by tests and to document the table)."""
        seen, todo = {start}, [start]
        while todo:
            for move in self.moves_from(todo.pop()):
                if move.target not in seen:
                    seen.add(move.target)
                    todo.append(move.target)
        return seen

    def as_rows(self) -> list[tuple[str, str, str, str]]:
        """(move, from, to, roles) rows, for docs and the admin's view of the table."""
        return [(m.name, m.source, m.target, ",".join(sorted(m.roles)) or "*") for m in self.moves]
