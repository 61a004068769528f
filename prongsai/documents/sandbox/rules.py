"""What a template may name, filter, test and call, the work a render may do, and the errors that say why a
template was refused (the list is explained in ``__init__``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError

#: the names a template may read (what ``render_docx`` passes)
ALLOWED_NAMES = frozenset({"c", "emblem", "chart"})
#: images: printed as they are, never looked into
OPAQUE_NAMES = frozenset({"emblem", "chart"})
#: filters a template may use (all pure, none reaches an attribute by a dynamic name or builds a huge string)
ALLOWED_FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "float",
        "int",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "reverse",
        "round",
        "sort",
        "string",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "wordcount",
    }
)
#: filters whose arguments may be any allowed expression (the others take constants only)
FILTERS_WITH_EXPRESSION_ARGUMENTS = frozenset({"d", "default"})
ALLOWED_TESTS = frozenset(
    {
        "boolean",
        "defined",
        "divisibleby",
        "eq",
        "equalto",
        "even",
        "false",
        "float",
        "ge",
        "greaterthan",
        "gt",
        "in",
        "integer",
        "iterable",
        "le",
        "lessthan",
        "lower",
        "lt",
        "mapping",
        "ne",
        "none",
        "number",
        "odd",
        "sameas",
        "sequence",
        "string",
        "true",
        "undefined",
        "upper",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
    }
)
LOOP_ATTRIBUTES = frozenset(
    {
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "depth",
        "depth0",
        "previtem",
        "nextitem",
        "cycle",
        "changed",
    }
)
LOOP_CALLS = frozenset({"cycle", "changed"})
#: attribute names refused even without a leading underscore (Python internals, string formatting, docxtpl's
#: back-references to the document being rendered)
DENIED_ATTRIBUTES = frozenset(
    {
        "mro",
        "format",
        "format_map",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_frame",
        "ag_code",
        "ag_await",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "func_globals",
        "func_code",
        "func_closure",
        "im_func",
        "im_self",
        "im_class",
        "tpl",
        "docx",
        "environment",
        "globals",
        "builtins",
        "subclasses",
        "func",
        "obj",
        "self",
    }
)
#: names a template may not bind (they would shadow something special to Jinja or to us)
RESERVED_NAMES = frozenset(
    {
        "c",
        "emblem",
        "chart",
        "loop",
        "self",
        "caller",
        "varargs",
        "kwargs",
        "super",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "range",
        "dict",
        "lipsum",
        "cycler",
        "joiner",
        "namespace",
        "prongsai_budget",
    }
)
MAX_LOOP_DEPTH = 4
MAX_NODES = 50_000
MAX_OPERATIONS = 1_000_000
MAX_OUTPUT_CHARS = 16_000_000
BUDGET_FILTER = "prongsai_budget"

STATEMENTS = {
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Block: "block",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
    nodes.ExprStmt: "do",
    nodes.Continue: "continue",
    nodes.Break: "break",
}
OPERATORS = {nodes.Mul: "*", nodes.Pow: "**", nodes.Mod: "%"}
SIMPLE = (
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.List,
    nodes.Tuple,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Add,
    nodes.Sub,
    nodes.Div,
    nodes.FloorDiv,
    nodes.If,
    nodes.Scope,
)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


@dataclass(frozen=True)
class TemplateProblem:
    tag: str  # the placeholder as the user wrote it (cleaned of Word's XML), shortened
    en: str
    th: str

    def thai(self) -> str:
        return f"แม่แบบใช้ {self.tag} ที่ไม่อนุญาต: {self.th}"

    def english(self) -> str:
        return f"the template uses {self.tag}, which is not allowed: {self.en}"


class UnsafeTemplate(jinja2.TemplateError):
    """A template the validator refuses; ``problems`` name each placeholder and the reason."""

    def __init__(self, problems: list[TemplateProblem]):
        self.problems = problems
        super().__init__("; ".join(p.english() for p in problems[:5]))

    def thai(self) -> str:
        lines = [p.thai() for p in self.problems[:10]]
        if len(self.problems) > 10:
            lines.append(f"… และอีก {len(self.problems) - 10} รายการ")
        return "\n".join(lines)


class TemplateBudgetExceeded(SecurityError):
    """A template did more work than a document may take (``MAX_OPERATIONS``, ``MAX_OUTPUT_CHARS``)."""


def attribute_allowed(name: object) -> bool:
    if not isinstance(name, str):
        return isinstance(name, int)
    return bool(name) and not name.startswith("_") and name not in DENIED_ATTRIBUTES and "." not in name


def dotted_allowed(name: object) -> bool:
    return isinstance(name, (str, int)) and all(
        attribute_allowed(part if not part.isdigit() else int(part)) for part in str(name).split(".")
    )
