"""The respondent's form as pages: an introduction, one page per indicator, a review page; no JavaScript.

Answers travel between pages in one hidden, signed field (``state``), never on the server: no session, no
table, no cache entry holds a code together with answers.  The state is signed (so a respondent cannot swap
the code or tool) and expires after ``STATE_MAX_AGE``; the code stays unused until the final submit, so an
expired form is simply started again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.core import signing

from prongsai.core.framework import AnswerField, Framework, Indicator, Question
from prongsai.web.surveys.services import Ticket

STATE_SALT = "prongsai.surveys.form"
STATE_MAX_AGE = 24 * 3600


class StateError(Exception):
    """The hidden state is missing, altered or too old."""


@dataclass
class State:
    """The form's state: the ticket (which code or link, for which round, agency, tool and group), the page, and
    the answers so far (answer-field code → option index)."""

    ticket: Ticket
    page: int = 0
    answers: dict[str, int] = field(default_factory=dict)

    def dumps(self) -> str:
        return signing.dumps(
            {"t": self.ticket.as_dict(), "p": self.page, "a": self.answers}, salt=STATE_SALT, compress=True
        )

    @classmethod
    def loads(cls, text: str | None) -> State:
        if not text:
            raise StateError("missing")
        try:
            raw = signing.loads(text, salt=STATE_SALT, max_age=STATE_MAX_AGE)
        except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
            raise StateError(type(exc).__name__) from None
        try:
            answers = {str(k): int(v) for k, v in dict(raw["a"]).items()}
            return cls(ticket=Ticket.from_dict(raw["t"]), page=int(raw["p"]), answers=answers)
        except (KeyError, TypeError, ValueError):
            raise StateError("malformed") from None


@dataclass(frozen=True)
class Page:
    number: int  # 1-based among the indicator pages
    indicator: Indicator
    questions: tuple[Question, ...]

    @functools.cached_property  # (a frozen dataclass still has a __dict__ for it)
    def fields(self) -> tuple[AnswerField, ...]:
        return tuple(f for q in self.questions for f in q.fields)

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.fields)


@dataclass(frozen=True)
class Flow:
    """Page 0 is the introduction, pages 1..n the indicators, page n+1 the review."""

    framework: Framework
    tool: str
    pages: tuple[Page, ...]

    @property
    def review(self) -> int:
        return len(self.pages) + 1

    @functools.cached_property
    def fields(self) -> tuple[AnswerField, ...]:
        return tuple(f for p in self.pages for f in p.fields)

    def page(self, number: int) -> Page:
        return self.pages[number - 1]

    def clamp(self, number: int) -> int:
        return max(0, min(self.review, number))

    def missing(self, answers: dict[str, int], number: int | None = None) -> list[AnswerField]:
        fields = self.page(number).fields if number else self.fields
        return [f for f in fields if f.code not in answers]

    def first_incomplete(self, answers: dict[str, int]) -> int | None:
        for page in self.pages:
            if not page.codes <= answers.keys():
                return page.number
        return None

    def take(self, number: int, posted) -> dict[str, int]:
        """Valid answers of page ``number`` from a POST (option indexes in range), ignoring anything else."""
        taken = {}
        for f in self.page(number).fields:
            raw = posted.get(f.code)
            if raw is None:
                continue
            try:
                index = int(raw)
            except ValueError:
                continue
            if 0 <= index < len(f.scale.options):
                taken[f.code] = index
        return taken


@functools.lru_cache(maxsize=64)
def flow_for(framework: Framework, tool: str) -> Flow:
    pages: list = []
    for indicator in framework.indicators_of(tool):
        questions = tuple(q for q in framework.questions if q.indicator == indicator.number)
        if questions:
            pages.append(Page(number=len(pages) + 1, indicator=indicator, questions=questions))
    return Flow(framework=framework, tool=tool, pages=tuple(pages))
