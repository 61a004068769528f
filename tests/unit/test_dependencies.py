"""The pinned constraints cover every dependency pyproject.toml declares (runtime and [test]), exactly."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pins() -> dict[str, str]:
    lines = (REPO / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines()
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert all("==" in e for e in entries), [e for e in entries if "==" not in e]
    return {_name(e): e.split("==", 1)[1] for e in entries}


def test_every_declared_dependency_is_pinned_exactly():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pinned = pins()
    missing = sorted({_name(r) for r in declared} - set(pinned))
    assert missing == [], f"pin these in requirements/constraints.txt (see its header): {missing}"


def test_the_pins_are_the_versions_the_reviewed_fixes_need():
    """Versions below these have known problems that matter here (docs/security.md, "Dependencies")."""
    pinned = pins()

    def version(name: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", pinned[name])[:3])

    assert version("jinja2") >= (3, 1, 6)  # sandbox escape CVE-2025-27516 (templates render in the sandbox)
    assert version("waitress") >= (3, 0, 1)  # request smuggling / DoS fixes
    assert version("django") >= (5, 2)
