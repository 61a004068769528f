#!/usr/bin/env python
"""Start-up benchmark (issue 14 §4): how long ``prongsai`` commands take as whole processes.

    python bench/startup.py [--runs 10] [--compare REF] [--json FILE]

Self-contained: it builds the demo (``prongsai demo --no-serve`` in a temporary data folder, SQLite), then times,
as separate processes, with hyperfine when it is installed (``apt-get install hyperfine``) and a plain timing
loop otherwise (same statistics):

- ``prongsai --help`` and ``prongsai frameworks list``: the core command line, no Django;
- ``prongsai token NOBODY``: a command that needs Django (settings, every app, one query), then exits 2;
- ``prongsai manage check``: Django's system checks, which also import every URL and view;
- ``prongsai documents ESA-SKN --round ita-2563-esa --out DIR``: one agency's whole document pack (five
  documents as DOCX and PDF, and the ZIP), the whole process.

Targets: ≤ 1.5 s for commands that need Django, ≤ 2 s for the document pack.  ``--compare REF`` also times the
same commands on another commit of this repository (exported with ``git archive`` into a temporary folder and
run with the same Python and packages), alternating the two run by run, for a ratio measured in the same run on
the same machine.  The load
average before and after is printed: the machine may be shared.  Exit 0 whether targets are met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"token": 1.5, "check": 1.5, "documents": 2.0}


def commands(out: Path) -> list[tuple[str, list[str], bool]]:
    """(name, arguments after ``python -m prongsai.cli``, may exit non-zero)."""
    return [
        ("help", ["--help"], False),
        ("frameworks", ["frameworks", "list"], False),
        ("token", ["token", "NOBODY"], True),
        ("check", ["manage", "check"], False),
        ("documents", ["documents", "ESA-SKN", "--round", "ita-2563-esa", "--out", str(out)], False),
    ]


def timed_loop(argv: list[str], env: dict, runs: int, warmup: int, failing_ok: bool, cwd: Path) -> list[float]:
    for _ in range(warmup):
        subprocess.run(
            argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=not failing_ok
        )
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=not failing_ok
        )
        times.append(time.perf_counter() - started)
    return times


def hyperfine(argv: list[str], env: dict, runs: int, warmup: int, failing_ok: bool, cwd: Path) -> list[float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as export:
        command = [
            "hyperfine",
            "--shell=none",
            "--style",
            "none",
            "--warmup",
            str(warmup),
            "--runs",
            str(runs),
            "--export-json",
            export.name,
        ]
        if failing_ok:
            command.append("--ignore-failure")
        subprocess.run(command + [" ".join(argv)], env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        return json.loads(Path(export.name).read_text())["results"][0]["times"]


def _env(source: Path, data: Path) -> dict:
    env = {
        **os.environ,
        "PRONGSAI_DATA": str(data),
        "PRONGSAI_ENV": "development",
        "PYTHONPATH": os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DATABASE_URL", None)
    return env


def _stats(times: list[float]) -> dict:
    return {
        "median": statistics.median(times),
        "mean": statistics.fmean(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
    }


def measure(sources: dict[str, Path], data: Path, out: Path, args) -> dict:
    """Every command of every source.  One source: hyperfine when installed.  Several (``--compare``): a timing
    loop that alternates the sources run by run (A B B A …), so that a shared machine's changing load falls on
    both alike; timed one after the other, a few minutes apart, they are not comparable."""
    use_hyperfine = shutil.which("hyperfine") is not None and not args.no_hyperfine and len(sources) == 1
    # run from the data folder's parent: ``python -m`` puts the working directory first on the path, and it must
    # not be this checkout when another one is timed
    cwd = data.parent
    results: dict[str, dict] = {label: {} for label in sources}
    for name, arguments, failing_ok in commands(out):
        argv = [sys.executable, "-m", "prongsai.cli", *arguments]
        if use_hyperfine:
            ((label, source),) = sources.items()
            results[label][name] = _stats(hyperfine(argv, _env(source, data), args.runs, args.warmup, failing_ok, cwd))
        else:
            times: dict[str, list[float]] = {label: [] for label in sources}
            order = list(sources)
            for _ in range(args.warmup):
                for label in order:
                    timed_loop(argv, _env(sources[label], data), 1, 0, failing_ok, cwd)
            for run in range(args.runs):
                for label in order if run % 2 == 0 else order[::-1]:
                    times[label] += timed_loop(argv, _env(sources[label], data), 1, 0, failing_ok, cwd)
            for label in sources:
                results[label][name] = _stats(times[label])
        for label in sources:
            r = results[label][name]
            print(
                f"  {label[:8]:<8} {name:<11} median {r['median']:6.3f} s   min {r['min']:6.3f} s"
                f"   max {r['max']:6.3f} s",
                flush=True,
            )
    tool = (
        "hyperfine"
        if use_hyperfine
        else "timing loop" + (" (sources alternated run by run)" if len(sources) > 1 else "")
    )
    return {label: {"tool": tool, "results": results[label]} for label in sources}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--compare", metavar="REF", help="also time this commit of the repository (e.g. 7ae9c5b)")
    parser.add_argument("--no-hyperfine", action="store_true", help="use the timing loop even with hyperfine")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()

    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="prongsai-startup-"))
    try:
        data, out = work / "data", work / "pack"
        demo_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        demo_env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-m", "prongsai.cli", "demo", "--no-serve", "--data", str(data)],
            env=demo_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        sources = {"this": ROOT}
        if args.compare:
            base = work / "base"
            base.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.compare], check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            sources[args.compare] = base
        runs = measure(sources, data, out, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    print()
    print(
        f"load average before {' '.join(f'{v:.2f}' for v in load_before)}, after "
        f"{' '.join(f'{v:.2f}' for v in load_after)}; nproc {os.cpu_count()}; {runs['this']['tool']}, "
        f"{args.runs} runs after {args.warmup} warm-up"
    )
    header = f"{'command':<12} {'median':>8} {'min':>8} {'max':>8} {'target':>8}"
    if args.compare:
        header += f" {args.compare[:8] + ' median':>16} {'ratio':>6}"
    print(header)
    for name, _argv, _ok in commands(Path("DIR")):
        r = runs["this"]["results"][name]
        target = TARGETS.get(name)
        line = (
            f"{name:<12} {r['median']:8.3f} {r['min']:8.3f} {r['max']:8.3f} "
            f"{('≤ ' + str(target)) if target else '–':>8}"
        )
        if args.compare:
            b = runs[args.compare]["results"][name]
            line += f" {b['median']:16.3f} {r['median'] / b['median']:6.2f}"
        if target:
            line += "  met" if r["median"] <= target else "  NOT met"
        print(line)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"runs": runs, "load_before": load_before, "load_after": load_after}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
