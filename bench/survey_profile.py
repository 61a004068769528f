#!/usr/bin/env python
"""Where a survey submission's server time goes: N submissions through the WSGI application in this process
(production settings, PostgreSQL, every middleware), under cProfile, next to N bare "hello" requests.

    python bench/survey_profile.py [--database-url postgres://postgres@127.0.0.1:5432/prongsai_bench] [-n 2000]
                                   [--top 25] [--sort tottime|cumtime] [--callers PATTERN]

Prepares the same data as bench/survey_load.py (migrations, cache table, one office, fresh codes and the state
cookie each phone holds on its review page), then prints wall and CPU milliseconds per request for hello and for
submit, and the functions that take the most time during the submissions.  No network: this isolates the
application's own cost from gunicorn's and the clients'.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import survey_load


def environ(method: str, path: str, body: bytes = b"", cookie: str = "") -> dict:
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": survey_load.HOST,
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": survey_load.HOST,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        env.update({"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body))})
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prongsai_bench"),
    )
    parser.add_argument("-n", type=int, default=2000, help="requests of each kind")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", choices=("tottime", "cumtime"), default="tottime")
    parser.add_argument("--callers", default="", help="print the callers of functions matching this pattern")
    args = parser.parse_args()
    args.port = 8000
    survey_load.ensure_database(args.database_url)
    data_dir = tempfile.mkdtemp(prefix="prongsai-profile-")
    env = survey_load.server_env(args, data_dir, secrets.token_urlsafe(50))
    states = survey_load.prepare(args, env, args.n)

    sys.path.insert(0, str(survey_load.ROOT / "bench"))
    from survey_wsgi import application

    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def hello() -> None:
        for _chunk in application(environ("GET", "/bench/hello"), start_response):
            pass

    body = b"page=6&action=submit"

    def submit(path: str, state: str) -> None:
        for _chunk in application(environ("POST", path, body, f"pss={state}"), start_response):
            pass

    for _ in range(50):  # warm up: imports, the database connection, the framework's caches
        hello()
    figures = {}
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        hello()
    figures["hello"] = ((time.perf_counter() - t0) * 1000 / args.n, (time.process_time() - c0) * 1000 / args.n)
    statuses.clear()
    plain, profiled = states[: len(states) // 2], states[len(states) // 2 :]
    t0, c0 = time.perf_counter(), time.process_time()
    for path, state in plain:
        submit(path, state)
    figures["submit"] = ((time.perf_counter() - t0) * 1000 / len(plain), (time.process_time() - c0) * 1000 / len(plain))
    profiler = cProfile.Profile(time.process_time)  # CPU time: waiting for PostgreSQL is not the app's cost
    profiler.enable()
    for path, state in profiled:
        submit(path, state)
    profiler.disable()
    print(
        f"{'request':<8} {'wall ms':>8} {'CPU ms':>8}   (in-process, no profiler; the profile below is of "
        f"{len(profiled):,} further submissions)"
    )
    for name, (wall, cpu) in figures.items():
        print(f"{name:<8} {wall:>8.3f} {cpu:>8.3f}")
    print(f"submit answers: {statuses}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    if args.callers:  # who calls the functions matching this regular expression, and how often
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_callers(args.callers)
        print(out.getvalue())
    return 0 if set(statuses) == {"303 See Other"} else 1


if __name__ == "__main__":
    sys.exit(main())
