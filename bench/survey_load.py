#!/usr/bin/env python
"""Survey load benchmark (issues 4, 14): valid IIT submissions against a real server on loopback, with PostgreSQL.

    python bench/survey_load.py [--database-url postgres://postgres@127.0.0.1:5432/prongsai_bench]
                                [--workers 4] [--worker-class sync|gthread] [--threads 4] [--clients 64]
                                [--duration 20]
                                [--rate 300] [--flows 0] [--max-codes 60000] [--port 0] [--control] [--json]

Self-contained: on an empty PostgreSQL server it creates the database, migrates it and creates the cache table.

1. Prepares one agency and an open 2563 round with fresh single-use IIT codes (through ``generate_codes``, as an
   officer would).  For each code it builds what a phone holds on the review page: the form's address
   ``/surveys/form/<fid>/`` and its state cookie ``pss`` (the answers of all 51 fields, ``flow.State``), so a
   submission is exactly the request the respondent's last tap sends: ``POST /surveys/form/<fid>/`` with
   ``page=6&action=submit`` and that cookie.  The answer is a 303 to ``…/done/`` (post/redirect/get).
2. Starts gunicorn (``--workers`` sync processes, production settings: DEBUG off, persistent DB connections)
   with ``bench/survey_wsgi.py``, which adds the bench-only ``/bench/hello`` page to the project's URLs.
   ``--worker-class gthread --threads N`` compares threaded workers (keep-alive; about as fast, but they serve
   hot connections first, so the closed loop's p99 is 3–4× worse).
3. Drives ``--clients`` concurrent scripted clients (threads spread over 4 client processes, one ``http.client``
   connection each, kept alive when the server allows it):
   a. hello: ``GET /bench/hello`` as fast as possible: the ceiling of the Django stack on this server;
   b. submit, closed loop: every client posts its next valid submission as soon as the last one is answered:
      the sustained submissions/s the server can take;
   c. submit, paced at ``--rate``/s over all clients on a fixed schedule (latency counted from the scheduled
      time, so a slow server cannot hide its queue: no coordinated omission): p50/p99 at the target rate;
   with ``--control``, between a. and b.: the same submissions (same request, cookie, lean path, checks, answer
   validation, sealing and 303) with the database statement left out (``survey_wsgi.py``, a bench-only header):
   how far the submit's own request handling is from hello, apart from its one durable write; no code is used,
   so the same states serve b. and c. afterwards;
   d. with ``--flows N``: N complete respondent journeys as a browser makes them (short link → 303 → intro, then
      for each of the 5 indicator pages, the review and the submit a POST → 303 → GET: 16 requests each),
      reported as journeys/s.
4. Proves nothing was lost or duplicated: the answers stored (released by the ballot box in batches of 5, plus
   those still held), the codes marked used and the "thank you" redirects received must be the same number, no
   released response may share a key, and no request may fail.
5. Accounts CPU per phase from /proc: cores used by gunicorn, by PostgreSQL, by the clients and by the whole
   machine (other work included), and the server's CPU milliseconds per successful request: a figure that stays
   comparable when the shared machine is busy.

Loopback only; every phase is bounded in time and in codes.  Exit 0 when the counts agree (a benchmark reports
its figures whether or not the target is met), 1 otherwise.  Figures: docs/benchmarks.md, "Survey load".
Where the time goes inside one submission: ``bench/survey_profile.py``.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import multiprocessing as mp
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: what production settings need as PRONGSAI_BASE_URL (https only); no request of the bench goes there
PUBLIC_URL = "https://ita.bench.example"
CLIENT_PROCESSES = 4
BENCH_AGENCY = "BENCH-SURVEY"


# ------------------------------------------------------------------------------------------------ preparation


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(args, data_dir: str, secret: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "PRONGSAI_DATA": data_dir,
        "SECRET_KEY": secret,
        "PRONGSAI_ENV": "production",
        "PRONGSAI_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        # the public address a TLS proxy would serve (production refuses http:// links); the bench talks to
        # gunicorn directly over http, as such a proxy would, with the HTTPS redirect off
        "PRONGSAI_BASE_URL": PUBLIC_URL,
        "DJANGO_SETTINGS_MODULE": "prongsai.web.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("PRONGSAI_DEBUG", None)
    return env


def prepare(args, env: dict, count: int) -> list[tuple[str, str]]:
    """Migrate, create the cache table, reset the bench agency's surveys, generate ``count`` codes; returns, for
    each, the review page's form address and the form's state cookie (what the phone holds before "ส่งคำตอบ")."""
    os.environ.update(env)
    subprocess.run([sys.executable, "-m", "prongsai.web.manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([sys.executable, "-m", "prongsai.web.manage", "createcachetable"], env=env, check=True, cwd=ROOT)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Role
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus
    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys.flow import State, flow_for
    from prongsai.web.surveys.models import (
        CodeBatch,
        HeldResponse,
        OpenLink,
        RespondentCode,
        SurveyPopulation,
        SurveyResponse,
    )
    from prongsai.web.surveys.services import MAX_BATCH, generate_codes, make_ticket

    agency, _ = Agency.objects.get_or_create(
        code=BENCH_AGENCY,
        defaults={
            "name_th": "สำนักงานเขตพื้นที่การศึกษาทดสอบภาระงาน (ข้อมูลสมมติ)",
            "short_name": "สพป.ทดสอบภาระงาน",
            "kind": AgencyKind.ESA,
            "is_synthetic": True,
        },
    )
    round_, _ = AssessmentRound.objects.get_or_create(
        framework_id="ita-2563-esa", fiscal_year=2563, defaults={"name_th": "ITA 2563 (bench)"}
    )
    if round_.status != RoundStatus.OPEN:
        round_.status = RoundStatus.OPEN
        round_.save()
    user, _ = get_user_model().objects.get_or_create(username="bench-officer")
    Membership.objects.get_or_create(user=user, agency=agency, role=Role.AGENCY_ADMIN)
    for model in (SurveyResponse, HeldResponse, RespondentCode, CodeBatch, SurveyPopulation, OpenLink):
        model.objects.filter(agency=agency).delete()

    framework = round_.framework
    flow = flow_for(framework, "IIT")
    states = []
    rng = secrets.SystemRandom()
    made = 0
    while made < count:
        batch = generate_codes(user, round_, agency, "IIT", "staff", min(MAX_BATCH, count - made), note="bench")
        pks = dict(RespondentCode.objects.filter(batch=batch.batch).values_list("digest", "pk"))
        for code in batch.codes:
            answers = {f.code: rng.randrange(len(f.scale.options)) for f in flow.fields}
            ticket = make_ticket("code", pks[codemod.digest(code)], round_, agency, "IIT", "staff")
            fid = secrets.token_urlsafe(12)
            states.append((f"/surveys/form/{fid}/", State(ticket=ticket, answers=answers).dumps()))
        made += len(batch.codes)
    vacuum()
    return states


def vacuum() -> None:
    """VACUUM ANALYZE the survey tables after the reset: each run deletes the last run's rows, and a server whose
    autovacuum is off (this one's, to speed up test suites) would otherwise keep every dead row of every earlier
    run in the tables and indexes the submissions touch, so that runs would not be comparable."""
    import psycopg
    from django.db import connection

    tables = [
        "surveys_respondentcode",
        "surveys_heldresponse",
        "surveys_surveyresponse",
        "surveys_codebatch",
        "rounds_assessmentround",
        "agencies_agency",
    ]
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def counts(env: dict) -> dict:
    """Responses released and still held in the ballot box, codes used, and proof that no answer is stored twice."""
    from prongsai.web.surveys.models import HeldResponse, RespondentCode, SurveyResponse

    released = SurveyResponse.objects.filter(agency__code=BENCH_AGENCY)
    held = HeldResponse.objects.filter(agency__code=BENCH_AGENCY).count()
    return {
        "responses": released.count() + held,
        "released": released.count(),
        "held": held,
        "distinct_ids": released.values("id").distinct().count(),
        "codes_used": RespondentCode.objects.filter(agency__code=BENCH_AGENCY, status="used").count(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(args, env: dict) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [
        gunicorn,
        "--pythonpath",
        str(ROOT / "bench"),
        "-b",
        f"{HOST}:{args.port}",
        "-w",
        str(args.workers),
        "-k",
        args.worker_class,
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--keep-alive",
        "5",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    command.append("survey_wsgi:application")
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection((HOST, args.port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise SystemExit("gunicorn did not start")
    # warm every worker (imports, first DB connection)
    for _ in range(args.workers * 8):
        Client(args.port).request("GET", "/bench/hello")
    return server


# ------------------------------------------------------------------------------------------- CPU accounting

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields after "(comm)": state is [0], pgrp [2], utime [11]


def _postgres_pids(database_url: str) -> set[str]:
    """PostgreSQL's own background processes and the backends connected to the bench database (not the
    backends of other people's databases on the same server)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR backend_type <> 'client backend'"
        ).fetchall()
    return {str(pid) for (pid,) in rows}


def cpu_snapshot(server_pgid: int, database_url: str) -> dict:
    """CPU seconds so far, per process, of the server and of PostgreSQL (bench database), and the machine's."""
    server: dict[str, float] = {}
    postgres: dict[str, float] = {}
    pg_pids = _postgres_pids(database_url)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(entry.name)
        if fields is None:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / CLK_TCK
        if int(fields[2]) == server_pgid:
            server[entry.name] = seconds
        elif entry.name in pg_pids:
            postgres[entry.name] = seconds
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return {"server": server, "postgres": postgres, "busy": (sum(values) - idle) / CLK_TCK, "wall": time.time()}


def cpu_delta(before: dict, after: dict, clients: float, done: int) -> dict:
    wall = after["wall"] - before["wall"]
    # per process: one that appeared during the phase counts from zero, one that vanished is left out
    d = {k: sum(v - before[k].get(pid, 0.0) for pid, v in after[k].items()) for k in ("server", "postgres")}
    d["busy"] = after["busy"] - before["busy"]
    per = 1000 / max(1, done)
    return {
        "server_cores": d["server"] / wall,
        "postgres_cores": d["postgres"] / wall,
        "client_cores": clients / wall,
        "machine_cores": d["busy"] / wall,
        "server_ms_each": d["server"] * per,
        "postgres_ms_each": d["postgres"] * per,
    }


# ---------------------------------------------------------------------------------------------------- clients


class Client:
    """One browser-like client: one keep-alive connection, reconnecting when the server closes it, and the form's
    state cookie (``pss``) as the server last set it (the respondent's pages use no other cookie)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.state = ""

    def request(
        self, method: str, path: str, body: dict | None = None, extra: dict | None = None
    ) -> tuple[int, bytes, str]:
        """Status, body and Location of one request (redirects are not followed)."""
        headers = {"Host": HOST, **(extra or {})}
        data = None
        if self.state:
            headers["Cookie"] = f"pss={self.state}"
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close" or response.will_close:
                    self.conn.close()
                    self.conn = None
                cookie = response.getheader("Set-Cookie", "")
                if "pss=" in cookie:
                    self.state = cookie.split("pss=", 1)[1].split(";", 1)[0].strip('"')
                return response.status, payload, response.getheader("Location", "")
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                # the server closed an idle keep-alive connection between two requests: reconnect, once
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _client_process(
    port: int, phase: str, threads: int, duration: float, work: list, interval: float, start_at: float, out: mp.Queue
) -> None:
    """One client process running ``threads`` clients; puts (latencies, statuses, completed) on ``out``."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    pool_of_work = collections.deque(work or ())  # shared by this process's threads: a fast client takes more

    def run(index: int) -> None:
        client = Client(port)

        def take():
            try:
                return pool_of_work.popleft()
            except IndexError:
                return None

        local_lat, local_status = [], {}
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + duration
        # paced: this thread's n-th request is due at start + offset + n × interval (an open schedule)
        offset = interval * index / threads if interval else 0.0
        n = 0
        while True:
            now = time.time()
            if now >= end:
                break
            due = None
            if interval:
                due = start_at + offset + n * interval
                if due >= end:
                    break
                if due > now:
                    time.sleep(due - now)
            n += 1
            if phase == "hello":
                t0 = time.perf_counter()
                status, _, _ = client.request("GET", "/bench/hello")
                key = str(status)
            elif phase in ("submit", "control"):
                work_item = take()
                if work_item is None:
                    local_status["out of codes"] = local_status.get("out of codes", 0) + 1
                    break
                path, client.state = work_item
                t0 = time.perf_counter()
                status, _body, location = client.request(
                    "POST", path, {"page": "6", "action": "submit"}, CONTROL_HEADER if phase == "control" else None
                )
                key = "thanks" if status == 303 and location.endswith("/done/") else str(status)
            else:  # flow: a whole journey through the pages
                code = take()
                if code is None:
                    break
                t0 = time.perf_counter()
                key = _journey(client, code)
            elapsed = time.perf_counter() - t0
            if due is not None:  # count the wait behind a late schedule, too
                elapsed += max(0.0, now - due)
            local_lat.append(elapsed)
            local_status[key] = local_status.get(key, 0) + 1
        with lock:
            latencies.extend(local_lat)
            for k, v in local_status.items():
                statuses[k] = statuses.get(k, 0) + v

    clients = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    cpu_before = time.process_time()
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    out.put((latencies, statuses, time.process_time() - cpu_before))


#: what makes bench/survey_wsgi.py leave the database statement out of a submission (the control phase)
CONTROL_HEADER = {"X-Bench-Control": "no-database"}

FORM = re.compile(rb'<form method="post" action="(/surveys/form/[^"]+)"')
PAGE = re.compile(rb'name="page" value="(\d+)"')
RADIO = re.compile(rb'type="radio" name="([^"]+)" value="(\d+)"')


def _journey(client: Client, code: str) -> str:
    """A respondent from the slip's link to the thank-you page, as a browser does it: every step is a POST
    answered by a redirect (303) and the GET of the next page (post/redirect/get)."""
    client.state = ""
    status, body, location = client.request("GET", f"/surveys/s/{code}")
    if status != 303:
        return f"start {status}"
    status, body, _ = client.request("GET", location)
    action = "next"
    for _ in range(12):
        if status != 200:
            return f"page {status}"
        fields: dict[str, str] = {}
        for name, value in RADIO.findall(body):
            fields.setdefault(name.decode(), value.decode())  # the first option of every field
        if b'value="submit"' in body:
            action = "submit"
        form = unescape(FORM.search(body).group(1).decode())
        status, body, location = client.request(
            "POST", form, {"page": PAGE.search(body).group(1).decode(), "action": action, **fields}
        )
        if status != 303:
            return f"{action} {status}"
        status, body, _ = client.request("GET", location)
        if action == "submit":
            return "thanks" if status == 200 and "ขอบคุณที่ร่วมตอบแบบวัด".encode() in body else f"thanks {status}"
    return "lost in the form"


def run_phase(args, phase: str, duration: float, work: list | None = None, rate: float = 0.0) -> dict:
    threads = args.clients // CLIENT_PROCESSES
    interval = (args.clients / rate) if rate else 0.0  # per client thread
    queue: mp.Queue = mp.Queue()
    start_at = time.time() + 1.5
    chunks = [(work or [])[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    procs = [
        mp.Process(
            target=_client_process, args=(args.port, phase, threads, duration, chunks[i], interval, start_at, queue)
        )
        for i in range(CLIENT_PROCESSES)
    ]
    for p in procs:
        p.start()
    latencies, statuses, client_cpu = [], {}, 0.0
    while time.time() < start_at:
        time.sleep(0.01)
    before = cpu_snapshot(args.server_pgid, args.database_url)
    for _ in procs:
        lat, st, cpu = queue.get(timeout=duration + 120)
        client_cpu += cpu
        latencies += lat
        for k, v in st.items():
            statuses[k] = statuses.get(k, 0) + v
    elapsed = time.time() - start_at
    after = cpu_snapshot(args.server_pgid, args.database_url)
    for p in procs:
        p.join()
    done = len(latencies)
    ok = statuses.get("thanks", 0) if phase != "hello" else statuses.get("200", 0)
    wall = duration if phase != "flow" else min(duration, elapsed)  # journeys: until the last one ends
    return {
        "phase": phase,
        "requests": done,
        "ok": ok,
        "per_second": ok / wall,
        "statuses": statuses,
        "cpu": cpu_delta(before, after, client_cpu, ok),
        "p50_ms": 1000 * _percentile(latencies, 50),
        "p99_ms": 1000 * _percentile(latencies, 99),
        "max_ms": 1000 * max(latencies) if latencies else float("nan"),
    }


# ------------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prongsai_bench"),
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with --worker-class gthread")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--rate", type=float, default=300.0, help="paced submissions per second")
    parser.add_argument("--flows", type=int, default=0, help="complete respondent journeys to time (0: skip)")
    parser.add_argument("--max-codes", type=int, default=60000, help="bound on the codes generated")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--control", action="store_true", help="also time the submissions without their database statement"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args()
    if args.clients % CLIENT_PROCESSES:
        parser.error(f"--clients must be a multiple of {CLIENT_PROCESSES}")
    if urllib.parse.urlparse(args.database_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback databases only")
    args.port = args.port or free_port()

    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    ensure_database(args.database_url)
    data_dir = tempfile.mkdtemp(prefix="prongsai-bench-")
    env = server_env(args, data_dir, secrets.token_urlsafe(50))
    # enough codes for the closed loop (each client process may take up to 400/s of them), the paced phase and
    # the journeys; bounded by --max-codes
    closed = int(args.duration * 400 * CLIENT_PROCESSES)
    need = min(args.max_codes, closed + int(args.duration * args.rate * 1.2) + 100)
    t0 = time.perf_counter()
    states = prepare(args, env, need)
    print(f"prepared {len(states):,} codes and their review-page states in {time.perf_counter() - t0:.1f}s", flush=True)
    flow_codes: list[str] = []
    if args.flows:
        from prongsai.web.agencies.models import Agency
        from prongsai.web.rounds.models import AssessmentRound
        from prongsai.web.surveys.services import MAX_BATCH, generate_codes

        agency = Agency.objects.get(code=BENCH_AGENCY)
        round_ = AssessmentRound.objects.get(framework_id="ita-2563-esa", fiscal_year=2563)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="bench-officer")
        while len(flow_codes) < args.flows:
            flow_codes += generate_codes(
                user,
                round_,
                agency,
                "IIT",
                "staff",
                min(MAX_BATCH, args.flows - len(flow_codes)),
                note="bench journeys",
            ).codes
    from django.db import connections

    connections.close_all()

    server = start_server(args, env)
    args.server_pgid = server.pid  # start_new_session: the workers share the master's process group
    results = []
    try:
        results.append(run_phase(args, "hello", args.duration))
        if args.control:  # nothing is stored, so the same states may be posted again and again, then used below
            enough = int(args.duration * 1500 * CLIENT_PROCESSES)  # hello's pace and more: never out of work
            reuse = states * (1 + enough // max(1, len(states)))
            control = run_phase(args, "control", args.duration, reuse[:enough])
            results.append({**control, "phase": "submit, no statement"})
        closed_states, paced_states = states[:closed], states[closed:]
        results.append(run_phase(args, "submit", args.duration, closed_states))
        results.append(
            {
                **run_phase(args, "submit", args.duration, paced_states, rate=args.rate),
                "phase": f"submit @ {args.rate:g}/s",
            }
        )
        if args.flows:
            results.append({**run_phase(args, "flow", args.duration * 3, flow_codes), "phase": "journey (16 requests)"})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    stored = counts(env)
    thanked = sum(r["ok"] for r in results if r["phase"] not in ("hello", "submit, no statement"))
    failures = {k: v for r in results for k, v in r["statuses"].items() if k not in ("thanks", "200", "out of codes")}

    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; server: gunicorn -w {args.workers} -k {args.worker_class}"
        f"{f' --threads {args.threads}' if args.worker_class == 'gthread' else ''}; "
        f"{args.clients} clients in {CLIENT_PROCESSES} processes; {args.duration:g}s per phase"
    )
    print(f"load average before the run: {load_before}; after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(
        f"{'phase':<22} {'ok/s':>8} {'ok':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  "
        f"{'CPU cores: server':>17} {'postgres':>8} {'clients':>7} {'machine':>7}  "
        f"{'CPU ms each: server':>19} {'postgres':>8}"
        f"  statuses"
    )
    for r in results:
        c = r["cpu"]
        print(
            f"{r['phase']:<22} {r['per_second']:>8.1f} {r['ok']:>7} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
            f"{r['max_ms']:>8.1f}  {c['server_cores']:>17.2f} {c['postgres_cores']:>8.2f} {c['client_cores']:>7.2f} "
            f"{c['machine_cores']:>7.2f}  {c['server_ms_each']:>19.2f} {c['postgres_ms_each']:>8.2f}  "
            f"{r['statuses']}"
        )
    by_phase = {r["phase"]: r for r in results}
    if "hello" in by_phase and "submit" in by_phase:
        hello, submit = by_phase["hello"], by_phase["submit"]
        cpu_hello = hello["cpu"]["server_ms_each"] + hello["cpu"]["postgres_ms_each"]
        cpu_submit = submit["cpu"]["server_ms_each"] + submit["cpu"]["postgres_ms_each"]
        ratio = 100 * submit["per_second"] / max(hello["per_second"], 1e-9)
        print(
            f"in-run ratios: submit/hello throughput {ratio:.1f} % (target >= 50 %); server + PostgreSQL CPU per "
            f"request: submit {cpu_submit:.2f} ms = {cpu_submit / max(cpu_hello, 1e-9):.2f} x hello's "
            f"{cpu_hello:.2f} ms"
        )
        if "submit, no statement" in by_phase:
            control = by_phase["submit, no statement"]
            cpu_control = control["cpu"]["server_ms_each"]
            print(
                f"control: without its database statement a submission runs at "
                f"{100 * control['per_second'] / max(hello['per_second'], 1e-9):.1f} % of hello "
                f"({cpu_control:.2f} ms of server CPU); the statement and its durable commit add "
                f"{cpu_submit - cpu_control:.2f} ms of server + PostgreSQL CPU"
            )
    print(
        f"stored responses: {stored['responses']:,} ({stored['released']:,} released in batches, "
        f"{stored['held']:,} held in the ballot box)  codes used: {stored['codes_used']:,}  "
        f"thank-you answers: {thanked:,}  other answers: {failures or 'none'}"
    )
    consistent = (
        stored["responses"] == stored["codes_used"] == thanked
        and not failures
        and stored["distinct_ids"] == stored["released"]
    )
    print("no response lost or duplicated" if consistent else "MISMATCH: responses lost, duplicated or failed")
    if args.json:
        print(json.dumps({"results": results, "stored": stored, "thanked": thanked, "consistent": consistent}))
    return 0 if consistent else 1


if __name__ == "__main__":
    sys.exit(main())
