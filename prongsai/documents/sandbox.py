"""The Jinja sandbox of document templates: what a DOCX template (ours or an agency's upload) may do, checked twice.

An agency's ITA officer may upload its own DOCX template; docxtpl compiles the Jinja in it.  A template is
untrusted code, so it is held by two walls, both applied at upload *and* at every render (a template stored
before this check existed, or planted in storage, is refused when it is rendered):

1. **The validator** walks the Jinja syntax tree of the exact text docxtpl compiles (body, headers, footers,
   footnotes, document properties, after docxtpl's own clean-up of Word's XML runs) and refuses, naming the
   placeholder: any name other than ``c``, ``emblem``, ``chart``, ``loop`` (inside a loop) and the names the
   template binds with ``{% for %}``/``{% set %}``/``{% with %}``; any attribute or key starting with ``_`` or
   naming Python internals (``mro``, ``format``, ``gi_frame`` …); any key that is not a constant (so no
   ``x['__' ~ 'class']``); any attribute or key of ``emblem``/``chart`` (images, printed as they are); any call
   except ``loop.cycle``/``loop.changed``; filters and tests outside the short lists below; ``*``, ``**`` and
   ``%`` (the ways to build a huge string or number); ``{% import %}``, ``{% include %}``, ``{% extends %}``,
   ``{% macro %}``, ``{% call %}``, ``{% block %}``, ``{% autoescape %}``, recursive loops, and loops nested
   deeper than ``MAX_LOOP_DEPTH``.
2. **The sandbox**: :class:`SandboxEnvironment`, a Jinja2 ``ImmutableSandboxedEnvironment`` (Jinja2 ≥ 3.1.6,
   which fixed the last known sandbox escape) with no globals at all (no ``range``, ``lipsum``, ``cycler``,
   ``joiner``, ``namespace``, ``dict``), only the allowed filters and tests, attribute and key reads refused for
   the same names, calls refused except ``loop.cycle``, ``*``/``**``/``%`` refused, and a budget per document:
   ``MAX_OPERATIONS`` loop iterations and lookups and ``MAX_OUTPUT_CHARS`` characters of output (a template
   that loops too much stops with an error instead of taking the worker with it).

Messages are in Thai (``UnsafeTemplate.thai()``) and English (``str()``); no Django import.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

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

_STATEMENTS = {
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
_OPERATORS = {nodes.Mul: "*", nodes.Pow: "**", nodes.Mod: "%"}
_SIMPLE = (
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
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


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


def _dotted_allowed(name: object) -> bool:
    return isinstance(name, (str, int)) and all(
        attribute_allowed(part if not part.isdigit() else int(part)) for part in str(name).split(".")
    )


# ------------------------------------------------------------------------------------------- the validator


def _bound_names(tree: nodes.Node) -> set[str]:
    names: set[str] = set()
    for node in tree.find_all((nodes.For, nodes.Assign, nodes.AssignBlock, nodes.With)):
        targets = node.targets if isinstance(node, nodes.With) else [node.target]  # type: ignore[attr-defined]  # For, Assign, AssignBlock
        for target in targets:
            for name in [target] if isinstance(target, nodes.Name) else target.find_all(nodes.Name):
                if name.ctx in ("store", "param"):
                    names.add(name.name)
    return names


class _Checker:
    def __init__(self, source: str):
        self.lines = source.split("\n")
        self.problems: list[TemplateProblem] = []
        self.bound: set[str] = set()

    def tag_at(self, node: nodes.Node, token: str) -> str:
        lineno = getattr(node, "lineno", None) or 1
        rest = "\n".join(self.lines[lineno - 1 : lineno + 20]) if 0 < lineno <= len(self.lines) else ""
        tags = _TAG.findall(rest) or [token]
        chosen = next((t for t in tags if token and token in t), tags[0])
        text = html.unescape(re.sub(r"<[^>]*>", "", chosen))
        text = re.sub(r"\s+", " ", text).strip()
        return text if len(text) <= 80 else text[:77] + "…"

    def refuse(self, node: nodes.Node, token: str, en: str, th: str) -> None:
        problem = TemplateProblem(self.tag_at(node, token), en, th)
        if problem not in self.problems:
            self.problems.append(problem)

    # -- statements and expressions
    def walk(self, node: nodes.Node, loops: int) -> None:
        kind = type(node)
        if kind in _STATEMENTS:
            keyword = _STATEMENTS[kind]
            self.refuse(
                node,
                keyword,
                f"the {{% {keyword} %}} statement is not allowed",
                f"ห้ามใช้คำสั่ง {{% {keyword} %}} ในแม่แบบเอกสาร",
            )
            return
        if kind in _OPERATORS:
            op = _OPERATORS[kind]
            self.refuse(
                node,
                op,
                f"the operator {op} is not allowed (it can build huge values)",
                f"ห้ามใช้ตัวดำเนินการ {op} ในแม่แบบ (อาจสร้างข้อมูลขนาดมหาศาลจนระบบล่ม)",
            )
            return
        handler = getattr(self, f"_{kind.__name__}", None)
        if handler is not None:
            handler(node, loops)
        elif isinstance(node, _SIMPLE) or kind is nodes.Template:
            for child in node.iter_child_nodes():
                self.walk(child, loops)
        else:
            self.refuse(
                node,
                "",
                f"{kind.__name__} is not allowed in a document template",
                f"ห้ามใช้โครงสร้าง {kind.__name__} ในแม่แบบเอกสาร",
            )

    def _Name(self, node: nodes.Name, loops: int) -> None:
        name = node.name
        if node.ctx in ("store", "param"):
            if name in RESERVED_NAMES or name.startswith("_"):
                self.refuse(node, name, f"the name '{name}' may not be assigned", f"ห้ามตั้งชื่อตัวแปรว่า “{name}”")
            return
        if name in ALLOWED_NAMES or name in self.bound or (name == "loop" and loops > 0):
            return
        self.refuse(
            node,
            name,
            f"the name '{name}' is not one a template may use (c, emblem, chart and the names bound by for/set)",
            f"ชื่อ “{name}” ไม่อยู่ในรายการที่แม่แบบใช้ได้ (c, emblem, chart และตัวแปรที่ตั้งด้วย {{% for %}} หรือ {{% set %}})",
        )

    def _For(self, node: nodes.For, loops: int) -> None:
        if node.recursive:
            self.refuse(node, "recursive", "recursive loops are not allowed", "ห้ามใช้ {% for … recursive %}")
        if loops + 1 > MAX_LOOP_DEPTH:
            self.refuse(
                node,
                "for",
                f"loops may be nested {MAX_LOOP_DEPTH} deep at most",
                f"ซ้อน {{% for %}} ได้ไม่เกิน {MAX_LOOP_DEPTH} ชั้น",
            )
        self.walk(node.target, loops)
        self.walk(node.iter, loops)
        if node.test is not None:
            self.walk(node.test, loops + 1)
        for child in node.body:
            self.walk(child, loops + 1)
        for child in node.else_:
            self.walk(child, loops)

    def _Assign(self, node: nodes.Assign, loops: int) -> None:
        if isinstance(node.target, nodes.NSRef):
            self.refuse(node, node.target.name, "namespace assignments are not allowed", "ห้ามใช้ namespace ในแม่แบบ")
            return
        self.walk(node.target, loops)
        self.walk(node.node, loops)

    def _AssignBlock(self, node: nodes.AssignBlock, loops: int) -> None:
        self.walk(node.target, loops)
        if node.filter is not None:
            self.walk(node.filter, loops)
        for child in node.body:
            self.walk(child, loops)

    def _With(self, node: nodes.With, loops: int) -> None:
        for child in (*node.targets, *node.values, *node.body):
            self.walk(child, loops)

    def _FilterBlock(self, node: nodes.FilterBlock, loops: int) -> None:
        self.walk(node.filter, loops)
        for child in node.body:
            self.walk(child, loops)

    def _Getattr(self, node: nodes.Getattr, loops: int) -> None:
        self._access(node, node.attr, loops)

    def _Getitem(self, node: nodes.Getitem, loops: int) -> None:
        arg = node.arg
        if isinstance(arg, nodes.Const) and isinstance(arg.value, (str, int)) and not isinstance(arg.value, bool):
            self._access(node, arg.value, loops)
            return
        if isinstance(arg, nodes.Neg) and isinstance(arg.node, nodes.Const) and type(arg.node.value) is int:
            self._access(node, -arg.node.value, loops)
            return
        if isinstance(arg, nodes.Slice) and all(
            part is None
            or (isinstance(part, nodes.Const) and type(part.value) is int)
            or (isinstance(part, nodes.Neg) and isinstance(part.node, nodes.Const) and type(part.node.value) is int)
            for part in (arg.start, arg.stop, arg.step)
        ):
            self._access(node, 0, loops)
            return
        if (
            isinstance(arg, nodes.Getattr)
            and isinstance(arg.node, nodes.Name)
            and arg.node.name == "loop"
            and loops > 0
            and arg.attr in ("index", "index0", "revindex", "revindex0")
        ):
            self._access(node, 0, loops)
            return
        self.refuse(
            node,
            "[",
            "a key in [...] must be a constant such as [0] or ['items']",
            "ใช้ [...] ได้เฉพาะค่าคงที่ เช่น [0] หรือ ['items']",
        )

    def _access(self, node: nodes.Getattr | nodes.Getitem, key: str | int, loops: int) -> None:
        target = node.node
        if isinstance(target, nodes.Name) and target.name in OPAQUE_NAMES:
            self.refuse(
                node,
                target.name,
                f"'{target.name}' is an image: print it as {{{{ {target.name} }}}}",
                f"“{target.name}” เป็นรูปภาพ ใช้ได้เฉพาะ {{{{ {target.name} }}}}",
            )
            return
        if isinstance(target, nodes.Name) and target.name == "loop" and loops > 0 and target.name not in self.bound:
            if key not in LOOP_ATTRIBUTES:
                self.refuse(node, str(key), f"loop.{key} is not allowed", f"ห้ามใช้ loop.{key}")
            return
        if not attribute_allowed(key):
            self.refuse(
                node,
                str(key),
                f"'{key}' names an internal part of the data",
                f"ห้ามเข้าถึงส่วน “{key}” ของข้อมูล (ชื่อที่ขึ้นต้นด้วย _ หรือส่วนภายในของ Python)",
            )
            return
        self.walk(target, loops)

    def _Call(self, node: nodes.Call, loops: int) -> None:
        callee = node.node
        if (
            isinstance(callee, nodes.Getattr)
            and isinstance(callee.node, nodes.Name)
            and callee.node.name == "loop"
            and loops > 0
            and callee.attr in LOOP_CALLS
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            for child in (*node.args, *node.kwargs):
                self.walk(child, loops)
            return
        token = callee.attr if isinstance(callee, nodes.Getattr) else getattr(callee, "name", "(")
        self.refuse(
            node,
            str(token),
            "calling functions or methods is not allowed (except loop.cycle)",
            "ห้ามเรียกฟังก์ชันหรือเมธอดในแม่แบบ (ยกเว้น loop.cycle)",
        )

    def _Filter(self, node: nodes.Filter, loops: int) -> None:
        if node.name not in ALLOWED_FILTERS:
            self.refuse(
                node,
                node.name,
                f"the filter |{node.name} is not allowed",
                f"ตัวกรอง “|{node.name}” ไม่อยู่ในรายการที่อนุญาต (ใช้ได้: " + ", ".join(sorted(ALLOWED_FILTERS)) + ")",
            )
            return
        self._arguments(node, loops, free=node.name in FILTERS_WITH_EXPRESSION_ARGUMENTS)
        if node.node is not None:
            self.walk(node.node, loops)

    def _Test(self, node: nodes.Test, loops: int) -> None:
        if node.name not in ALLOWED_TESTS:
            self.refuse(
                node,
                node.name,
                f"the test 'is {node.name}' is not allowed",
                f"การทดสอบ “is {node.name}” ไม่อยู่ในรายการที่อนุญาต",
            )
            return
        self._arguments(node, loops, free=True)
        self.walk(node.node, loops)

    def _arguments(self, node: nodes.Filter | nodes.Test, loops: int, free: bool) -> None:
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.refuse(node, "*", "*args and **kwargs are not allowed", "ห้ามใช้ *args หรือ **kwargs")
            return
        for value in (*node.args, *(k.value for k in node.kwargs)):
            constant = value.node if isinstance(value, nodes.Neg) else value
            if isinstance(constant, nodes.Const):
                continue
            if free:
                self.walk(value, loops)
            else:
                self.refuse(
                    node,
                    node.name,
                    f"the arguments of |{node.name} must be constants",
                    f"ค่าที่ส่งให้ตัวกรอง “|{node.name}” ต้องเป็นค่าคงที่",
                )
        for keyword in node.kwargs:
            if (
                keyword.key == "attribute"
                and isinstance(keyword.value, nodes.Const)
                and not _dotted_allowed(keyword.value.value)
            ):
                self.refuse(
                    node,
                    str(keyword.value.value),
                    f"'{keyword.value.value}' names an internal part",
                    f"ห้ามเข้าถึงส่วน “{keyword.value.value}” ของข้อมูล",
                )
        if node.name in ("sort", "join") and len(node.args) >= (3 if node.name == "sort" else 2):
            attribute = node.args[2 if node.name == "sort" else 1]
            if (
                isinstance(attribute, nodes.Const)
                and attribute.value is not None
                and not _dotted_allowed(attribute.value)
            ):
                self.refuse(
                    node,
                    str(attribute.value),
                    f"'{attribute.value}' names an internal part",
                    f"ห้ามเข้าถึงส่วน “{attribute.value}” ของข้อมูล",
                )


def check_tree(tree: nodes.Template, source: str) -> list[TemplateProblem]:
    """Every problem of a parsed template (empty: the template is allowed)."""
    checker = _Checker(source)
    count = sum(1 for _ in tree.find_all(nodes.Node))
    if count > MAX_NODES:
        checker.refuse(
            tree,
            "",
            f"the template has {count:,} parts (at most {MAX_NODES:,})",
            f"แม่แบบมีส่วนประกอบ {count:,} ส่วน มากเกินไป (ไม่เกิน {MAX_NODES:,})",
        )
        return checker.problems
    checker.bound = {n for n in _bound_names(tree) if n not in RESERVED_NAMES and not n.startswith("_")}
    checker.walk(tree, 0)
    return checker.problems


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


# ------------------------------------------------------------------------------------------ DOCX templates


def docx_sources(document) -> list[tuple[str, str]]:
    """(part, Jinja source) for every text docxtpl compiles when it renders ``document`` (a ``DocxTemplate``),
    made with docxtpl's own pre-processing (``patch_xml``) in the order of ``DocxTemplate.render``."""
    document.init_docx()
    sources = [("document", document.patch_xml(document.get_xml()))]
    for uri, label in ((document.HEADER_URI, "header"), (document.FOOTER_URI, "footer")):
        for _, part in document.get_headers_footers(uri):
            sources.append((label, document.patch_xml(document.get_part_xml(part))))
    properties = document.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        sources.append((f"property {prop}", getattr(properties, prop) or ""))
    footnotes = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    for part in document.docx.part.package.parts:
        if part.content_type == footnotes:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            sources.append(("footnotes", document.patch_xml(blob)))
    # docxtpl puts every <w:p on its own line before compiling (line numbers then point at paragraphs)
    return [
        (
            label,
            re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            if label in ("document", "header", "footer", "footnotes")
            else source,
        )
        for label, source in sources
    ]


#: Jinja tags in one part of a DOCX, and the characters docxtpl's clean-up may scan for them (its regular
#: expressions search from each opening ``{{``/``{%`` to the next closing one: quadratic on unclosed tags)
MAX_TAGS = 20_000
MAX_TAG_SCAN = 20_000_000
_OPEN = re.compile(r"\{[{%#]")
_CLOSE = re.compile(r"[}%#]\}")


def tag_scan_cost(xml: str) -> tuple[int, int]:
    """(opening tags, characters between each opening tag and the next closing one, or the end): an upper bound
    of the work of docxtpl's ``patch_xml`` on this part, computed in linear time before it runs."""
    import bisect

    opens = [m.start() for m in _OPEN.finditer(xml)]
    closes = [m.start() for m in _CLOSE.finditer(xml)]
    cost = 0
    for at in opens:
        i = bisect.bisect_left(closes, at + 2)
        cost += (closes[i] if i < len(closes) else len(xml)) - at
    return len(opens), cost


def raw_parts(document) -> list[tuple[str, str]]:
    """(part, raw XML) of the parts docxtpl cleans with ``patch_xml`` before compiling them."""
    document.init_docx()
    parts = [("document", document.get_xml())]
    for uri, label in ((document.HEADER_URI, "header"), (document.FOOTER_URI, "footer")):
        for _, part in document.get_headers_footers(uri):
            parts.append((label, document.get_part_xml(part)))
    footnotes = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    for part in document.docx.part.package.parts:
        if part.content_type == footnotes:
            parts.append(
                ("footnotes", part.blob.decode("utf-8", "replace") if isinstance(part.blob, bytes) else part.blob)
            )
    return parts


def check_raw(document) -> None:
    """Refuse a template whose tags would make docxtpl's own clean-up run for minutes (before it runs)."""
    for label, xml in raw_parts(document):
        tags, cost = tag_scan_cost(xml)
        if tags > MAX_TAGS or cost > MAX_TAG_SCAN:
            raise UnsafeTemplate(
                [
                    TemplateProblem(
                        f"({label})",
                        f"{tags:,} tags, many of them not closed: too much work to read",
                        f"มีแท็ก {tags:,} แท็ก และหลายแท็กเปิดแล้วไม่ปิด ({{{{ … }}}} หรือ {{% … %}}) จนอ่านแม่แบบไม่ได้ "
                        "กรุณาตรวจแท็กในแม่แบบ",
                    )
                ]
            )


def render(document, context: dict) -> None:
    """Render a ``DocxTemplate`` in a fresh sandbox: the raw tags are checked first (``check_raw``), then every
    text docxtpl compiles is validated (the environment's ``_parse``) and rendered within the budget."""
    check_raw(document)
    document.render(context, jinja_env=environment(), autoescape=True)


def check_docx_template(source) -> None:
    """Refuse a DOCX template (path, bytes or file) whose Jinja is not allowed: raises :class:`UnsafeTemplate`
    listing every problem.  The package's size limits are ``safefiles.check_docx``'s (checked first)."""
    import io

    from docxtpl import DocxTemplate

    from prongsai.core import safefiles

    data = source if isinstance(source, (bytes, bytearray)) else None
    safefiles.check_docx(data if data is not None else source)
    document = DocxTemplate(io.BytesIO(data) if data is not None else source)
    check_raw(document)
    problems: list[TemplateProblem] = []
    for _label, text in docx_sources(document):
        for problem in validate(text):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise UnsafeTemplate(problems)
