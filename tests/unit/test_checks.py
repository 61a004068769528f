"""The project's rule for silencing the type checker: every ``# type: ignore`` names its error code and says why.

mypy itself refuses an ignore without a code (``enable_error_code = ["ignore-without-code"]``) and one that no
longer silences anything (``warn_unused_ignores``); the reason is checked here: a comment after the ignore, or a
``# (mypy) …`` comment on the line just above when the line has no room left (docs/architecture.md, "Checks").
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "prongsai"
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[\w,-]+\])?(?P<rest>.*)$")


def unexplained_ignores(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        match = IGNORE.search(line)
        if match is None:
            continue
        reason_after = re.match(r"\s+#\s*\S", match["rest"]) is not None
        reason_above = number > 1 and lines[number - 2].strip().startswith("# (mypy) ")
        if match["codes"] is None or not (reason_after or reason_above):
            found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_every_type_ignore_names_its_code_and_its_reason():
    offenders = [entry for path in sorted(PACKAGE.rglob("*.py")) for entry in unexplained_ignores(path)]
    assert offenders == [], "\n".join(offenders)


def test_the_rule_catches_a_bare_ignore_and_one_without_a_reason(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = 1  # type: ignore\nb = 2  # type: ignore[misc]\n"
        "c = 3  # type: ignore[misc]  # the value is checked above\n"
        "# (mypy) the long line below has its reason here\nd = 4  # type: ignore[misc]\n",
        encoding="utf-8",
    )
    assert [entry.split(":")[1] for entry in unexplained_ignores(sample, tmp_path)] == ["1", "2"]
