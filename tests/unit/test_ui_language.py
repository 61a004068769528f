"""Every string the web app shows goes through gettext (issue 15 §2; docs/architecture.md "Messages and languages").

The msgids are English and the Thai lives in the catalogs, so a Thai literal in the web layer's code or templates
is a string that the English switch cannot translate. This test reads the source (Python with ``ast``, templates as
text) and counts the Thai literals that are not one of the kinds that may stay Thai:

- docstrings and comments (``#``, ``{# #}``, ``{% comment %}``);
- audit summaries (``record``/``audit_entry``): a stored record written once, like a paper log, in Thai;
- Thai *data*: input synonyms, official document wording, demo people and places — a line marked
  ``# thai-data: <reason>`` (the mark covers the statement it stands in), or a file in
  ``THAI_DATA_FILES`` with its reason;
- migrations (history; they follow the models).

Every module and template of ``prongsai/web`` was converted in issue 15: none may add a Thai literal again.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "prongsai" / "web"
THAI = re.compile(r"[\u0E00-\u0E7F]")

THAI_DATA_FILES = {
    "demo.py": "the demo's Thai offices, people and answers",
    "measures/demo.py": "the demo's measures and reports, written as an officer would",
    "editions/demo.py": "the demo's edition notes",
    "oit/demo.py": "the demo's OIT evidence descriptions",
    "oit/demo_site.py": "the demo's synthetic evidence pages (an office's own Thai web site)",
    "oit/testing.py": "evidence fixtures used by tests and the demo",
    "templates/500.html": "standalone error page: Thai first with one English line (no context to translate with)",
}


AUDIT_CALLS = {"record", "audit_entry", "_audit"}


def _thai_data_lines(source: str) -> set[int]:
    """Lines carrying a ``# thai-data:`` comment."""
    marked = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and tok.string.lstrip("# ").startswith("thai-data:"):
            marked.add(tok.start[0])
    return marked


def _covered_lines(tree: ast.AST, marked: set[int]) -> set[int]:
    """Every line of a simple statement that carries a ``# thai-data:`` mark on any of its lines (the formatter
    may move the mark from the first line to the bracket it opens)."""
    covered = set(marked)
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)
        ):
            lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
            if marked.intersection(lines):
                covered.update(lines)
    return covered


def python_thai_literals(path: Path) -> list[int]:
    """Line numbers of Thai string constants that are not a docstring, an audit summary or marked data."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    covered = _covered_lines(tree, _thai_data_lines(source))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and THAI.search(node.value)):
            continue
        parent = parents.get(node)
        while isinstance(parent, (ast.JoinedStr, ast.BinOp, ast.FormattedValue)):
            parent = parents.get(parent)
        if isinstance(parent, ast.Expr):
            continue  # a docstring
        if _inside_audit_call(node, parents):
            continue
        if node.lineno in covered:
            continue
        found.append(node.lineno)
    return found


def _inside_audit_call(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Call):
            func = parent.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in AUDIT_CALLS:
                return True
        if isinstance(parent, ast.stmt):
            return False
        parent = parents.get(parent)
    return False


_TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def template_thai_lines(path: Path) -> list[int]:
    text = path.read_text(encoding="utf-8")
    # Blank out comments but keep the line count, so the numbers point at the file's lines.
    text = _TEMPLATE_COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [n for n, line in enumerate(text.splitlines(), 1) if THAI.search(line)]


def current_counts() -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for path in sorted(WEB.rglob("*")):
        rel = path.relative_to(WEB).as_posix()
        if "migrations" in path.parts or "locale" in path.parts or rel in THAI_DATA_FILES:
            continue
        if path.suffix == ".py":
            lines = python_thai_literals(path)
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            lines = template_thai_lines(path)
        else:
            continue
        if lines:
            counts[rel] = lines
    return counts


def test_no_thai_literal_outside_the_catalogs():
    problems = []
    for rel, lines in current_counts().items():
        if lines:
            problems.append(
                f"{rel}: {len(lines)} Thai literal(s) on lines "
                f"{', '.join(map(str, lines[:12]))}: use _() / {{% translate %}} with an English msgid "
                f"and the Thai in the app's catalog, or mark real data '# thai-data: <reason>'"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rel", sorted(THAI_DATA_FILES))
def test_data_files_exist(rel):
    # A renamed data file must not silently widen the exemption to nothing (or leave a stale entry).
    assert (WEB / rel).is_file(), rel


def test_the_scanner_sees_what_it_must(tmp_path):
    # The counting itself: a literal is found; a docstring, an audit summary and a marked line are not.
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""เอกสาร"""\n'
        "def f():\n"
        '    """คำอธิบาย"""\n'
        '    x = "ข้อความ"\n'
        '    record(None, "a", "สรุป %s" % x)\n'
        '    y = {"ก": 1,  # thai-data: input synonym\n'
        '         "ข": 2}\n'
        '    return f"ค่า {x}", y\n',
        encoding="utf-8",
    )
    assert python_thai_literals(sample) == [4, 8]
    page = tmp_path / "page.html"
    page.write_text(
        "{# ความเห็น #}\n<p>{% translate 'Hello' %}</p>\n<p>สวัสดี</p>\n{% comment %}\nไทย\n{% endcomment %}\n",
        encoding="utf-8",
    )
    assert template_thai_lines(page) == [3]
