#!/usr/bin/env python
"""National dashboards benchmark (issue 14 §2): 30,245 agencies with three years of results in PostgreSQL.

    python bench/national.py [--database-url postgres://postgres@127.0.0.1:5432/prongsai_bench_national]
                             [--schools 30020] [--offices 225] [--requests 40] [--workers 2] [--port 18711]
                             [--quick] [--json FILE]

Everything is set up on an empty database, so the command is self-contained and repeatable:

1. drops and re-creates the bench database (its name must contain "bench"; loopback servers only), migrates it;
2. registers the agencies as OBEC would: one CSV of 225 ESA offices (183 สพป. + 42 สพม.) and 30,020 schools
   spread over them, through ``import_agencies`` (timed);
3. loads three fiscal years of results (2562–2564) for every agency: the two older years by PostgreSQL ``COPY``
   (fast bulk load), the newest through the real import, ``import_official_results`` (timed: the create path,
   then a re-import in which every school's scores change, the update path), publishes the six rounds
   (each publication makes sure its standings, the stored ranks, are current) and times one full rebuild of
   the standings of the 30,020-school round;
4. starts gunicorn (``--workers`` sync workers, production settings: DEBUG off, persistent connections) on
   loopback, signs in as the central admin (session cookie) and takes an API token;
5. times ``--requests`` sequential requests (after one warm-up) of each page: the national ranking (pages of 50
   and 100 rows, a deep page, each filter: region, province, parent office, kind, level, search, and a
   combination), its CSV and XLSX exports (the whole 30,020 rows, downloaded to the last byte), the API's
   ranking (``limit=100``, a region, a deep offset) and agency dashboards (a school and an ESA office, as
   the central admin and as the office's ITA officer, who also sees the checklist of what is due in the
   offices' next round, open, in which the office has begun), and prints p50/p95/max against the targets:
   p95 ≤ 300 ms for national pages and the API, ≤ 100 ms for an agency page; exports are measured, not bound.

The school edition in the repository is ``ita-2563-school``; the bench applies it to the three school years
(synthetic data, labelled so).  Scores are drawn from a seeded generator, so two runs load the same data.
The output states the load average before and after: the machine may be shared.  Exit 1 only when a page
answers anything but 200 or the export misses rows (a bug, not a slow machine).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
YEARS = (2562, 2563, 2564)
ESA_EDITIONS = {2562: "ita-2562-esa", 2563: "ita-2563-esa", 2564: "ita-2564"}
SCHOOL_EDITION = "ita-2563-school"
PASSWORD = "bench-national-2564"
WORDS = ("บ้าน", "วัด", "หนอง", "โคก", "ดอน", "นา", "ห้วย", "ท่า", "บึง", "ทุ่ง", "ป่า", "เขา", "คลอง", "บาง", "สระ")
PLACES = (
    "แก้ว",
    "ใหญ่",
    "น้อย",
    "ใต้",
    "เหนือ",
    "กลาง",
    "ทอง",
    "งาม",
    "สามัคคี",
    "พัฒนา",
    "ศรี",
    "ไทร",
    "โพธิ์",
    "มะขาม",
    "ยาง",
    "ตาล",
    "จันทร์",
    "สวรรค์",
    "เจริญ",
    "ราษฎร์",
)


# ------------------------------------------------------------------------------------------------ database


def reset_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback databases only")
    if "bench" not in name or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to drop '{name}': the bench database's name must contain 'bench'")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(database_url: str, data_dir: str, port: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PRONGSAI_DATA": data_dir,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PRONGSAI_ENV": "production",
        "PRONGSAI_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "PRONGSAI_BASE_URL": "https://ita.bench.example",  # production refuses http:// links; never requested
        "DJANGO_SETTINGS_MODULE": "prongsai.web.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("PRONGSAI_DEBUG", None)
    return env


# ---------------------------------------------------------------------------------------------------- data


def agencies_csv(offices: int, schools: int, rng: random.Random) -> tuple[str, list[dict]]:
    """The registration file: ESA offices first (parents before children), then the schools."""
    from prongsai.web.demo import PROVINCE_REGION

    provinces = sorted(PROVINCE_REGION)
    primary = round(offices * 183 / 225)
    rows = []
    for i in range(offices):
        subkind, number = ("สพป.", i + 1) if i < primary else ("สพม.", i - primary + 1)
        province = provinces[i % len(provinces)]
        long = "ประถมศึกษา" if subkind == "สพป." else "มัธยมศึกษา"
        rows.append(
            {
                "code": f"ESA-{i + 1:03d}",
                "name_th": f"สำนักงานเขตพื้นที่การศึกษา{long}{province} เขต {number}",
                "short_name": f"{subkind}{province} เขต {number}",
                "kind": "esa",
                "subkind": subkind,
                "parent_code": "OBEC",
                "province": province,
                "region": PROVINCE_REGION[province],
            }
        )
    for i in range(schools):
        office = rows[i % offices]
        name = f"โรงเรียน{rng.choice(WORDS)}{rng.choice(PLACES)}{rng.choice(PLACES)} {i + 1}"
        rows.append(
            {
                "code": f"SCH-{i + 1:05d}",
                "name_th": name,
                "short_name": "",
                "kind": "school",
                "subkind": "",
                "parent_code": office["code"],
                "province": office["province"],
                "region": office["region"],
            }
        )
    header = ["code", "name_th", "short_name", "kind", "subkind", "parent_code", "province", "region", "website"]
    lines = [",".join(header)] + [",".join([r[k] for k in header[:-1]] + [""]) for r in rows]
    return "\n".join(lines) + "\n", rows


def draw_scores(rng: random.Random, quality: float) -> list[str]:
    """Ten indicator scores around an agency's quality (most agencies do well, as in the real results)."""
    out = []
    for _ in range(10):
        value = min(100.0, max(20.0, rng.gauss(quality, 6.0)))
        out.append(f"{value:.2f}")
    return out


def results_csv(codes: list[str], year: int, qualities: dict[str, float], rng: random.Random) -> str:
    lines = ["agency,year," + ",".join(f"i{n}" for n in range(1, 11))]
    for code in codes:
        lines.append(f"{code},{year}," + ",".join(draw_scores(rng, qualities[code])))
    return "\n".join(lines) + "\n"


def copy_results(round_, codes: list[str], ids: dict[str, int], csv_text: str) -> int:
    """Score a results file with the core (as the import does) and COPY the rows in: the fast bulk load of the
    older years."""
    from django.db import connection
    from django.utils import timezone

    from prongsai.core.results import read_results
    from prongsai.core.tabular import read_table
    from prongsai.web.results.services import _values

    rows = read_results(read_table("bench.csv", data=csv_text.encode()), round_.framework_id)
    now = timezone.now()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(
            "COPY results_agencyresult (round_id, agency_id, source, indicators, iit, eit, oit, total, "
            "level, respondents, items, updated_at) FROM STDIN"
        ) as copy:
            for row in rows:
                v = _values(row)
                copy.write_row(
                    (
                        round_.pk,
                        ids[row.agency],
                        "official",
                        json.dumps(v["indicators"]),
                        v["iit"],
                        v["eit"],
                        v["oit"],
                        v["total"],
                        v["level"],
                        "{}",
                        "{}",
                        now,
                    )
                )
    return len(rows)


def load(args) -> dict:
    """Steps 2–3: agencies, users, rounds, results, standings.  Returns timings and the ids the pages need."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from prongsai.core.tabular import read_table
    from prongsai.web.agencies.imports import import_agencies
    from prongsai.web.agencies.models import Agency, Membership, Role
    from prongsai.web.api.services import issue_api_token
    from prongsai.web.demo import ensure_central_office
    from prongsai.web.results import standings
    from prongsai.web.results.services import import_official_results, publish_results
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus

    rng = random.Random(args.seed)
    timings: dict[str, float] = {}
    User = get_user_model()
    office = ensure_central_office()
    central = User.objects.create_user("bench-central", password=PASSWORD)
    Membership.objects.create(user=central, agency=office, role=Role.CENTRAL_ADMIN)

    text, rows = agencies_csv(args.offices, args.schools, rng)
    table = read_table("agencies.csv", data=text.encode())
    t = time.perf_counter()
    import_agencies(central, table)
    timings["import_agencies"] = time.perf_counter() - t
    ids = dict(Agency.objects.values_list("code", "pk"))
    esa_codes = [r["code"] for r in rows if r["kind"] == "esa"]
    school_codes = [r["code"] for r in rows if r["kind"] == "school"]
    officer = User.objects.create_user("bench-officer", password=PASSWORD)
    Membership.objects.create(user=officer, agency_id=ids[esa_codes[0]], role=Role.AGENCY_ADMIN)

    qualities = {code: rng.uniform(72.0, 97.0) for code in esa_codes + school_codes}
    rounds = {}
    for year in YEARS:
        for kind, edition in (("esa", ESA_EDITIONS[year]), ("school", SCHOOL_EDITION)):
            rounds[(kind, year)] = AssessmentRound.objects.create(
                framework_id=edition,
                fiscal_year=year,
                status=RoundStatus.CLOSED,
                name_th=f"ITA {'สำนักงานเขตพื้นที่การศึกษา' if kind == 'esa' else 'สถานศึกษา'} {year} (ข้อมูลสมมติ)",
            )
    for year in YEARS[:-1]:
        for kind, codes in (("esa", esa_codes), ("school", school_codes)):
            t = time.perf_counter()
            copy_results(rounds[(kind, year)], codes, ids, results_csv(codes, year, qualities, rng))
            timings[f"copy_{kind}_{year}"] = time.perf_counter() - t
    last = YEARS[-1]
    for kind, codes in (("esa", esa_codes), ("school", school_codes)):
        data = results_csv(codes, last, qualities, rng).encode()
        t = time.perf_counter()
        import_official_results(central, rounds[(kind, last)], read_table(f"{kind}.csv", data=data), data)
        timings[f"import_results_{kind}_create"] = time.perf_counter() - t
    data = results_csv(school_codes, last, qualities, rng).encode()  # every school's scores change
    t = time.perf_counter()
    import_official_results(central, rounds[("school", last)], read_table("school-again.csv", data=data), data)
    timings["import_results_school_update"] = time.perf_counter() - t
    for (kind, year), round_ in rounds.items():
        t = time.perf_counter()
        publish_results(central, round_)
        timings[f"publish_{kind}_{year}"] = time.perf_counter() - t
    t = time.perf_counter()
    count = standings.rebuild(rounds[("school", last)], force=True)
    timings["standings_rebuild_school"] = time.perf_counter() - t
    open_checklist(central, officer, Agency.objects.get(pk=ids[esa_codes[0]]), last + 1)
    token = issue_api_token(central, central, "bench")
    school = Agency.objects.get(code=school_codes[0])
    return {
        "timings": timings,
        "token": token,
        "rounds": {f"{k}-{y}": r.pk for (k, y), r in rounds.items()},
        "esa": esa_codes[0],
        "school": school.code,
        "school_row_count": count,
        "parent": esa_codes[1],
        "province": rows[5]["province"],
        "schools": len(school_codes),
        "offices": len(esa_codes),
    }


def open_checklist(central, officer, office, fiscal_year: int) -> None:
    """The ESA offices' next round, open: the officer's dashboard then shows the checklist of what is due in it,
    which reads the office's OIT entries, deadlines (the edition's calendar), headcounts and responses, measures
    with their reports and approved documents (the office has begun: ten items in draft, four measures)."""
    from prongsai.web.measures.models import Measure
    from prongsai.web.oit.models import OITEntry
    from prongsai.web.rounds.models import AssessmentRound, RoundStatus
    from prongsai.web.rounds.services import create_round
    from prongsai.web.surveys.services import set_headcounts

    round_ = create_round(central, ESA_EDITIONS[YEARS[-1]], fiscal_year, name_th=f"ITA {fiscal_year} (ข้อมูลสมมติ)")
    AssessmentRound.objects.filter(pk=round_.pk).update(status=RoundStatus.OPEN)
    round_.refresh_from_db()
    set_headcounts(officer, round_, office, {("IIT", "staff"): 120, ("EIT", "teachers"): 900})
    OITEntry.objects.bulk_create(
        OITEntry(round=round_, agency=office, code=item.code) for item in round_.framework.oit_items[:10]
    )
    Measure.objects.bulk_create(
        Measure(round=round_, agency=office, title=f"มาตรการที่ {n + 1} (ข้อมูลสมมติ)", order=n) for n in range(4)
    )


# ------------------------------------------------------------------------------------------------- serving


def start_server(args, env: dict) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [
        gunicorn,
        "-b",
        f"{HOST}:{args.port}",
        "-w",
        str(args.workers),
        "-k",
        "sync",
        "--log-level",
        "warning",
        "--keep-alive",
        "5",
        "--timeout",
        "120",
        "prongsai.web.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection((HOST, args.port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


class Client:
    """A browser-like client on one keep-alive connection: cookies, CSRF, the whole body read."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port, self.cookies, self.headers = port, {}, dict(headers or {})
        self.conn = http.client.HTTPConnection(HOST, port, timeout=300)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, dict]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=300)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=300)
        return response.status, data, dict(response.getheaders())

    def login(self, username: str) -> None:
        self.request("GET", "/login/")
        status, _body, _ = self.request(
            "POST",
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
        )
        if status != 302:
            raise SystemExit(f"login as {username} failed ({status})")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure(client: Client, path: str, n: int) -> dict:
    status, body, _ = client.request("GET", path)  # warm-up: caches, the first rebuild if any
    if status != 200:
        return {"path": path, "error": f"HTTP {status}: {body[:200]!r}"}
    times = []
    for _ in range(n):
        t = time.perf_counter()
        status, body, _ = client.request("GET", path)
        times.append(time.perf_counter() - t)
        if status != 200:
            return {"path": path, "error": f"HTTP {status}"}
    return {
        "path": path,
        "n": n,
        "bytes": len(body),
        "p50": 1000 * _percentile(times, 50),
        "p95": 1000 * _percentile(times, 95),
        "max": 1000 * max(times),
        "body": body,
    }


def scenarios(info: dict) -> list[tuple[str, str, str, float | None]]:
    """(group, label, path, target ms): ``group`` picks the client (central, officer, api)."""
    school, esa = info["rounds"][f"school-{YEARS[-1]}"], info["rounds"][f"esa-{YEARS[-1]}"]
    q = urllib.parse.quote
    n = f"/national/?round={school}"
    deep = max(1, info["schools"] // 50 - 5)
    return [
        ("central", "national: schools, page 1 (50 rows)", n, 300),
        ("central", "national: 100 rows a page", f"{n}&per_page=100", 300),
        ("central", f"national: page {deep} of 50 rows", f"{n}&page={deep}", 300),
        ("central", "national: region", f"{n}&region=northeast", 300),
        ("central", "national: province", f"{n}&province={q(info['province'])}", 300),
        ("central", "national: parent office", f"{n}&parent={info['parent']}", 300),
        ("central", "national: level", f"{n}&level=A", 300),
        ("central", "national: search (name)", f"{n}&q={q('หนองแก้ว')}", 300),
        ("central", "national: search (code)", f"{n}&q=SCH-0123", 300),
        ("central", "national: region + level + search", f"{n}&region=north&level=A&q={q('บ้าน')}", 300),
        ("central", "national: ESA offices (kind)", f"/national/?round={esa}&kind=esa", 300),
        ("api", "API ranking, limit=100", f"/api/rounds/{school}/rankings?kind=school&limit=100", 300),
        (
            "api",
            "API ranking, region, limit=100",
            f"/api/rounds/{school}/rankings?kind=school&region=south&limit=100",
            300,
        ),
        (
            "api",
            "API ranking, offset 29,900",
            f"/api/rounds/{school}/rankings?kind=school&limit=100&offset={max(0, info['schools'] - 120)}",
            300,
        ),
        ("api", "API results, limit=100", f"/api/rounds/{school}/results?limit=100", 300),
        ("central", "agency page: a school (central)", f"/agencies/{info['school']}/?round={school}", 100),
        ("central", "agency page: an ESA office (central)", f"/agencies/{info['esa']}/?round={esa}", 100),
        ("officer", "agency page: its office (officer)", f"/agencies/{info['esa']}/?round={esa}", 100),
        ("officer", "agency page: its school (officer)", f"/agencies/{info['school']}/?round={school}", 100),
        ("central", "export CSV, all schools", f"/national/export.csv/?round={school}", None),
        ("central", "export XLSX, all schools", f"/national/export.xlsx/?round={school}", None),
    ]


def check_export(result: dict, schools: int) -> str:
    body = result.get("body", b"")
    if result["path"].startswith("/national/export.csv"):
        lines = body.decode("utf-8-sig").strip().splitlines()
        return "" if len(lines) == schools + 1 else f"CSV has {len(lines) - 1} rows, expected {schools}"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = sum(1 for _ in sheet.iter_rows(values_only=True))
    return "" if rows == schools + 1 else f"XLSX has {rows - 1} rows, expected {schools}"


# ---------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prongsai_bench_national"),
    )
    parser.add_argument("--schools", type=int, default=30020)
    parser.add_argument("--offices", type=int, default=225)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (after one warm-up)")
    parser.add_argument("--exports", type=int, default=5, help="timed downloads per export format")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=18711)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 schools, 10 requests a page")
    parser.add_argument("--json", metavar="FILE", help="write every figure to FILE")
    args = parser.parse_args()
    if args.quick:
        args.schools, args.requests, args.exports = 2000, 10, 2

    load_before = os.getloadavg()
    started = time.perf_counter()
    reset_database(args.database_url)
    data_dir = tempfile.mkdtemp(prefix="prongsai-bench-national-")
    env = server_env(args.database_url, data_dir, args.port)
    subprocess.run([sys.executable, "-m", "prongsai.web.manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [sys.executable, "-m", "prongsai.web.manage", "createcachetable", "-v0"], env=env, check=True, cwd=ROOT
    )
    os.environ.update(env)
    info = load(args)
    from django.db import connections

    connections.close_all()
    print(
        f"loaded {info['offices']} ESA offices and {info['schools']:,} schools, three years of results, "
        f"in {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    for name, seconds in info["timings"].items():
        print(f"  {name:<34} {seconds:7.2f} s")

    server = start_server(args, env)
    failures = []
    results = []
    try:
        central, officer = Client(args.port), Client(args.port)
        central.login("bench-central")
        officer.login("bench-officer")
        api = Client(args.port, {"Authorization": f"Bearer {info['token']}"})
        clients = {"central": central, "officer": officer, "api": api}
        for group, label, path, target in scenarios(info):
            n = args.exports if target is None else args.requests
            result = measure(clients[group], path, n)
            result.update(label=label, target=target)
            if "error" in result:
                failures.append(f"{label}: {result['error']}")
            elif target is None:
                problem = check_export(result, info["schools"])
                if problem:
                    failures.append(f"{label}: {problem}")
            result.pop("body", None)
            results.append(result)
            print(
                f"  {label:<42} "
                + (
                    result.get("error")
                    or f"p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  max {result['max']:7.1f} ms  "
                    f"{result['bytes'] / 1024:8.0f} KB"
                ),
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    load_after = os.getloadavg()

    print()
    print(
        f"load average before {' '.join(f'{v:.2f}' for v in load_before)}, "
        f"after {' '.join(f'{v:.2f}' for v in load_after)}; nproc {os.cpu_count()}"
    )
    print(f"{'what':<44} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>8}  ")
    for r in results:
        if "error" in r:
            print(f"{r['label']:<44} {r['error']}")
            continue
        target = f"≤ {r['target']}" if r["target"] else "–"
        verdict = "" if r["target"] is None else ("met" if r["p95"] <= r["target"] else "NOT met")
        print(f"{r['label']:<44} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {target:>8}  {verdict}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "info": {k: v for k, v in info.items() if k != "token"},
                    "results": results,
                    "load_before": load_before,
                    "load_after": load_after,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
