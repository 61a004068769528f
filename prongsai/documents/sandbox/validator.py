"""The first wall: the Jinja syntax tree of a template walked and refused, placeholder by placeholder."""

from __future__ import annotations

import html
import re

from jinja2 import nodes

from prongsai.documents.sandbox.rules import (
    ALLOWED_FILTERS,
    ALLOWED_NAMES,
    ALLOWED_TESTS,
    FILTERS_WITH_EXPRESSION_ARGUMENTS,
    LOOP_ATTRIBUTES,
    LOOP_CALLS,
    MAX_LOOP_DEPTH,
    MAX_NODES,
    OPAQUE_NAMES,
    OPERATORS,
    RESERVED_NAMES,
    SIMPLE,
    STATEMENTS,
    TAG,
    TemplateProblem,
    attribute_allowed,
    dotted_allowed,
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
        tags = TAG.findall(rest) or [token]
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
        if kind in STATEMENTS:
            keyword = STATEMENTS[kind]
            self.refuse(
                node,
                keyword,
                f"the {{% {keyword} %}} statement is not allowed",
                f"ห้ามใช้คำสั่ง {{% {keyword} %}} ในแม่แบบเอกสาร",
            )
            return
        if kind in OPERATORS:
            op = OPERATORS[kind]
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
        elif isinstance(node, SIMPLE) or kind is nodes.Template:
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
                and not dotted_allowed(keyword.value.value)
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
                and not dotted_allowed(attribute.value)
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
