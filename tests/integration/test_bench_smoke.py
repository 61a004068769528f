"""The benchmarks still run: a tiny run of each one that needs no server of its own (a broken bench is found here,
not on the day its figures are wanted).  They measure nothing here; their figures are in docs/benchmarks.md."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import types
from pathlib import Path

from tests.live import copy_migrated_sqlite

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_link_check_bench_runs_and_both_paths_agree(tmp_path):
    # The checker's modules are imported before Django is set up (the concurrent path needs no database), and the
    # database path sets up a SQLite installation of its own (from a copy of a migrated database).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRONGSAI_", "DJANGO_")) and k != "DATABASE_URL"}
    env["TMPDIR"] = str(tmp_path)
    data = tmp_path / "data"
    copy_migrated_sqlite(data)  # the database path's migrate then has nothing left to do (tests/live.py)
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "linkcheck.py"),
            "--urls",
            "40",
            "--hosts",
            "4",
            "--latency",
            "5",
            "--sequential",
            "10",
            "--tasks",
            "40",
            "--batch",
            "20",
            "--port",
            str(free_port()),
            "--data",
            str(data),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "outcomes of the 10 URLs checked both ways: identical" in result.stdout
    assert "40 checks recorded, 0 links left pending" in result.stdout


def _bench(name: str):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(REPO / "bench"))


def test_every_server_bench_runs_under_the_production_settings_it_names(tmp_path):
    # The benches that start a server need PostgreSQL and minutes, so CI does not run them; what rots without
    # notice is their environment (a production rule added later refused their http:// PRONGSAI_BASE_URL and all
    # three failed before measuring anything).  Each bench's environment must pass the settings' own checks.
    args = types.SimpleNamespace(database_url="postgres://bench@127.0.0.1:5432/bench", port=free_port())
    environments = {
        "survey_load": _bench("survey_load").server_env(args, str(tmp_path / "s"), "x" * 50),
        "national": _bench("national").server_env(args.database_url, str(tmp_path / "n"), args.port),
        "agency_pages": {**os.environ, **_bench("agency_pages").server_env(args.database_url)},
    }
    for name, env in environments.items():
        env = {k: v for k, v in env.items() if k != "PRONGSAI_DEBUG"}
        result = subprocess.run(
            [sys.executable, "-c", "import prongsai.web.settings as s; assert not s.DEBUG and s.PRODUCTION"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"bench/{name}.py: {result.stderr[-1500:]}"
