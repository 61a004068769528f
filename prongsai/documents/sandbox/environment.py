"""The second wall: the Jinja sandbox every document template renders in, with its budget."""

from __future__ import annotations

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from prongsai.documents.sandbox.rules import (
    ALLOWED_FILTERS,
    ALLOWED_TESTS,
    BUDGET_FILTER,
    LOOP_CALLS,
    MAX_OPERATIONS,
    MAX_OUTPUT_CHARS,
    TemplateBudgetExceeded,
    TemplateProblem,
    UnsafeTemplate,
    attribute_allowed,
)
from prongsai.documents.sandbox.validator import check_tree

# ---------------------------------------------------------------------------------------------- the sandbox


class BudgetedTemplate(jinja2.Template):
    """Counts the characters it renders against the environment's budget, chunk by chunk."""

    def render(self, *args, **kwargs) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        # (mypy) templates are made by SandboxEnvironment
        environment: SandboxEnvironment = self.environment  # type: ignore[assignment]
        out: list[str] = []
        try:
            for chunk in self.root_render_func(ctx):
                environment.spend_output(len(chunk))
                out.append(chunk)
        except Exception:
            environment.handle_exception()
        return environment.concat(out)


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """The environment every document template renders in; one per document (its budget is per document)."""

    template_class = BudgetedTemplate
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options):
        options.setdefault("autoescape", True)
        super().__init__(**options)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in ALLOWED_FILTERS}
        self.filters[BUDGET_FILTER] = self._budgeted
        self.tests = {name: t for name, t in self.tests.items() if name in ALLOWED_TESTS}
        self.operations = 0
        self.output_chars = 0

    # -- the first wall, at every compile
    def parse_unchecked(self, source: str) -> nodes.Template:
        return super()._parse(source, None, None)

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        problems = check_tree(tree, source)
        if problems:
            raise UnsafeTemplate(problems)
        for loop in tree.find_all(nodes.For):  # every iteration of every loop is counted
            loop.iter = nodes.Filter(loop.iter, BUDGET_FILTER, [], [], None, None, lineno=loop.lineno)
        return tree

    # -- the budget
    def spend(self, n: int = 1) -> None:
        self.operations += n
        if self.operations > MAX_OPERATIONS:
            raise TemplateBudgetExceeded(f"the template did more than {MAX_OPERATIONS:,} operations")

    def spend_output(self, n: int) -> None:
        self.output_chars += n
        if self.output_chars > MAX_OUTPUT_CHARS:
            raise TemplateBudgetExceeded(f"the template wrote more than {MAX_OUTPUT_CHARS:,} characters")

    def _budgeted(self, iterable):
        for item in iterable:
            self.spend()
            yield item

    # -- the second wall, at every step
    def is_safe_attribute(self, obj, attr, value) -> bool:
        return attribute_allowed(attr) and super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj, attribute):
        self.spend()
        if not attribute_allowed(attribute):
            raise SecurityError(f"access to {attribute!r} is not allowed in a document template")
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.spend()
        if isinstance(argument, str) and not attribute_allowed(argument):
            raise SecurityError(f"access to {argument!r} is not allowed in a document template")
        return super().getitem(obj, argument)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self.spend()
        owner = getattr(__obj, "__self__", None)
        if not (isinstance(owner, LoopContext) and getattr(__obj, "__name__", "") in LOOP_CALLS):
            raise SecurityError(f"{__obj!r} may not be called from a document template")
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        raise SecurityError(f"the operator {operator} is not allowed in a document template")


def environment() -> SandboxEnvironment:
    """A fresh sandbox for one document (docxtpl turns autoescape on; it is on from the start here)."""
    return SandboxEnvironment()


def validate(source: str) -> list[TemplateProblem]:
    """Problems of one Jinja source (as docxtpl compiles it); a syntax error is a problem too."""
    try:
        tree = SandboxEnvironment().parse_unchecked(source)
    except jinja2.TemplateSyntaxError as exc:
        return [
            TemplateProblem(
                f"(บรรทัด {exc.lineno})", f"broken tag: {exc.message}", f"แท็กของแม่แบบผิดรูปแบบ ({exc.message})"
            )
        ]
    return check_tree(tree, source)
