#!/usr/bin/env python
"""Scoring benchmark: the bulk (Polars) path on a synthetic national dataset.

    python bench/scoring.py [--agencies 30245] [--responses 3000000] [--seed 1] [--data-dir DIR] [--quick]

1. Generates, deterministically from ``--seed``, a national dataset for one framework edition: 225 ESA offices and
   30,020 schools, 3,000,000 IIT + EIT responses spread unevenly over them (about 40 % IIT, 60 % EIT, every agency a
   few respondents at least), answers that are mostly good with some weaker agencies, and OIT item scores for every
   agency.  It is written as Parquet (``iit.parquet``, ``eit.parquet``, ``oit.parquet``, ``agencies.parquet``) and
   reused while the parameters stay the same.
2. Times the bulk path end to end (read Parquet → ``score_bulk`` → totals, levels, ranks; best of 3 after one
   warm-up) and measures the peak RSS of a fresh process that only reads and scores.
3. Times the plain per-agency scorer (``prongsai.core.scoring.score_agency``, fed row by row from Python dicts)
   and the bulk path on a 100,000-response sample, checks that totals, levels and ranks agree, and prints the
   speed-up.
4. Times a hand-written DuckDB SQL aggregate over the same Parquet files, checks its totals against the bulk path
   (within 0.01) and prints bulk time / DuckDB time.

Targets: ≤ 3 s and ≤ 2 GB for the full dataset, ≥ 30× over row-by-row Python, ≤ 2× DuckDB.  A benchmark reports:
it exits 0 whether or not a target is met (unless the paths disagree, which is a bug, exit 1).
The random numbers come from a counter-based generator (SplitMix64) evaluated by Polars, so no NumPy is needed
and the same seed gives the same files on every machine.  See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from prongsai.core.bulk import AGENCY, score_bulk  # noqa: E402
from prongsai.core.framework import Framework, load_framework, load_framework_file  # noqa: E402
from prongsai.core.scoring import ranks_within, score_agency  # noqa: E402

#: bump when the generator changes, so that cached data sets are regenerated
GENERATOR_VERSION = 1
FULL_AGENCIES, FULL_RESPONSES = 30_245, 3_000_000
QUICK_AGENCIES, QUICK_RESPONSES, QUICK_SAMPLE = 2_000, 100_000, 10_000
#: OBEC 2563: 183 primary (สพป.) + 42 secondary (สพม.) service-area offices; the rest of the agencies are schools
ESA_OFFICES, PRIMARY_OFFICES = 225, 183
IIT_SHARE = 0.4
MIN_IIT, MIN_EIT = 3, 5
TARGET_SECONDS, TARGET_BYTES, TARGET_SPEEDUP, TARGET_RATIO = 3.0, 2_000_000_000, 30.0, 2.0
GROUP = "type"  # peer group for ranks: ESA offices and schools are ranked separately


# ------------------------------------------------------------------------------------------- random numbers

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _splitmix64(x: int) -> int:
    x = (x + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _u64(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.UInt64)


def uniform(key: pl.Expr, seed: int, stream: int) -> pl.Expr:
    """A uniform float in [0, 1) per row: SplitMix64 of (row key, seed, stream), in wrapping UInt64 arithmetic."""
    z = key.cast(pl.UInt64) * _u64(_GOLDEN) + _u64(_splitmix64(seed * 1_000_003 + stream))
    z = z.xor(z // _u64(1 << 30)) * _u64(0xBF58476D1CE4E5B9)
    z = z.xor(z // _u64(1 << 27)) * _u64(0x94D049BB133111EB)
    z = z.xor(z // _u64(1 << 31))
    return (z // _u64(1 << 11)).cast(pl.Float64) * (1.0 / (1 << 53))


# ------------------------------------------------------------------------------------------------ framework


def resolve_framework(spec: str) -> Framework:
    """An edition id (``ita-2563-esa``) or the path of a framework YAML file."""
    if spec.endswith((".yaml", ".yml")) or os.sep in spec:
        return load_framework_file(spec)
    return load_framework(spec)


# ------------------------------------------------------------------------------------------------ data set


def allocate(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split ``total`` respondents over agencies: ``minimum`` each, the rest in proportion to ``weights``."""
    minimum = min(minimum, total // len(weights))
    rest = total - minimum * len(weights)
    scale = rest / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    left = rest - sum(counts)
    by_fraction = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in by_fraction[:left]:
        counts[i] += 1
    return [minimum + c for c in counts]


def agency_table(n_agencies: int, seed: int) -> dict[str, list]:
    """Names, peer groups, answer quality and OIT pass rate of every agency (Python's seeded Mersenne Twister)."""
    rng = random.Random(seed)
    n_esa = max(1, min(n_agencies - 1, round(ESA_OFFICES * n_agencies / FULL_AGENCIES))) if n_agencies > 1 else 1
    n_primary = round(n_esa * PRIMARY_OFFICES / ESA_OFFICES)
    names = [f"สพป.ตัวอย่าง {i:03d}" for i in range(1, n_primary + 1)]
    names += [f"สพม.ตัวอย่าง {i:03d}" for i in range(1, n_esa - n_primary + 1)]
    names += [f"โรงเรียนตัวอย่าง {i:05d}" for i in range(1, n_agencies - n_esa + 1)]
    types = ["esa"] * n_esa + ["school"] * (n_agencies - n_esa)
    quality, pass_rate, iit_weight, eit_weight = [], [], [], []
    for kind in types:
        # q = chance that an answer is the best option; most agencies do well, about one in seven is weaker.
        quality.append(rng.uniform(0.35, 0.65) if rng.random() < 0.15 else rng.uniform(0.65, 0.95))
        tier = rng.random()
        pass_rate.append(
            rng.uniform(0.92, 1.0) if tier < 0.6 else rng.uniform(0.65, 0.9) if tier < 0.9 else rng.uniform(0.3, 0.6)
        )
        # ESA offices have many more staff and service users than a school; sizes vary a lot (log-normal).
        size = 6.0 if kind == "esa" else 1.0
        iit_weight.append(size * rng.lognormvariate(0.0, 0.6))
        eit_weight.append(size * 1.3 * rng.lognormvariate(0.0, 0.7))
    return {
        "agency": names,
        GROUP: types,
        "quality": quality,
        "pass_rate": pass_rate,
        "iit_weight": iit_weight,
        "eit_weight": eit_weight,
    }


def survey_frame(
    framework: Framework, tool: str, counts: list[int], names: pl.Series, quality: pl.Series, seed: int
) -> pl.DataFrame:
    """One row per response, rows in random order (as a national export interleaves agencies)."""
    stream = 1_000 if tool == "IIT" else 2_000
    index = pl.DataFrame({"a": pl.Series(range(len(counts)), dtype=pl.UInt32), "n": pl.Series(counts, dtype=pl.UInt32)})
    rows = index.select(pl.col("a").repeat_by("n").explode())
    rows = rows.sort(uniform(pl.int_range(pl.len()), seed, stream)).with_row_index("r")
    rows = rows.with_columns(names.gather(rows["a"]).alias(AGENCY), quality.gather(rows["a"]).alias("q"))
    # A respondent is a little kinder or harsher than their agency's average; p = chance of a worse answer.
    respondent_q = (pl.col("q") + (uniform(pl.col("r"), seed, stream + 1) - 0.5) * 0.3).clip(0.02, 0.98)
    rows = rows.with_columns((1.0 - respondent_q).alias("p"))
    columns = []
    for j, f in enumerate(framework.answer_fields(tool)):
        k = len(f.scale.options)
        scores = [f.scale.score(i, f.reverse) for i in range(k)]
        best_first = sorted(range(k), key=lambda i: (-scores[i], i))  # 0-based options, best score first
        u = uniform(pl.col("r"), seed, stream + 2 + j)
        # rank 0 = best option; P(rank ≥ t) = p^t, so good agencies answer mostly the best option.
        rank = pl.sum_horizontal([(u < pl.col("p").pow(t)).cast(pl.UInt32) for t in range(1, k)])
        option = pl.lit(pl.Series([i + 1 for i in best_first], dtype=pl.Int8)).gather(rank)
        columns.append(option.alias(f.code))
    return rows.select(pl.col(AGENCY), *columns)


def oit_frame(framework: Framework, names: pl.Series, pass_rate: pl.Series, seed: int) -> pl.DataFrame:
    """One row per agency, one Int64 column per OIT item: its score in hundredths (0..10000)."""
    frame = pl.DataFrame({AGENCY: names, "pr": pass_rate}).with_row_index("r")
    columns = []
    for j, item in enumerate(framework.oit_items):
        stream = 3_000 + 100 * j
        if item.method == "pass_fail":
            value = pl.when(uniform(pl.col("r"), seed, stream) < pl.col("pr")).then(10_000).otherwise(0)
        elif item.method == "elements":
            total = sum(e.weight for e in item.elements)
            passed = pl.sum_horizontal(
                [
                    pl.when(uniform(pl.col("r"), seed, stream + 1 + i) < pl.col("pr"))
                    .then(float(e.weight / total))
                    .otherwise(0.0)
                    for i, e in enumerate(item.elements)
                ]
            )
            value = (passed * 10_000).round(0)
        else:  # percent: whole points around the agency's pass rate
            noisy = (pl.col("pr") + (uniform(pl.col("r"), seed, stream) - 0.5) * 0.3).clip(0.0, 1.0)
            value = (noisy * 100).round(0) * 100
        columns.append(value.cast(pl.Int64).alias(item.code))
    return frame.select(pl.col(AGENCY), *columns)


def dataset_params(framework: Framework, agencies: int, responses: int, seed: int) -> dict[str, Any]:
    return {
        "generator": GENERATOR_VERSION,
        "framework": framework.id,
        "agencies": agencies,
        "responses": responses,
        "seed": seed,
        "fields": {t: [f.code for f in framework.answer_fields(t)] for t in framework.survey_tools},
        "oit": [f"{o.code}:{o.method}" for o in framework.oit_items],
    }


def ensure_dataset(framework: Framework, data_dir: Path, agencies: int, responses: int, seed: int) -> dict:
    """Write the data set into ``data_dir`` unless it is there already for the same parameters."""
    params = dataset_params(framework, agencies, responses, seed)
    meta_path = data_dir / "meta.json"
    files = ["iit.parquet", "eit.parquet", "oit.parquet", "agencies.parquet"]
    if meta_path.exists() and all((data_dir / f).exists() for f in files):
        meta = json.loads(meta_path.read_text())
        if meta.get("params") == params:
            print(f"data: reusing {data_dir}")
            return meta
    if set(framework.survey_tools) != {"IIT", "EIT"}:
        raise SystemExit(f"{framework.id}: this benchmark expects the survey tools IIT and EIT")
    print(f"data: generating {responses:,} responses for {agencies:,} agencies into {data_dir} …", flush=True)
    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    table = agency_table(agencies, seed)
    names = pl.Series(AGENCY, table["agency"], dtype=pl.String)
    quality = pl.Series("q", table["quality"], dtype=pl.Float64)
    n_iit = round(responses * IIT_SHARE)
    counts = {
        "IIT": allocate(n_iit, table["iit_weight"], MIN_IIT),
        "EIT": allocate(responses - n_iit, table["eit_weight"], MIN_EIT),
    }
    for tool in ("IIT", "EIT"):
        frame = survey_frame(framework, tool, counts[tool], names, quality, seed)
        frame.write_parquet(data_dir / f"{tool.lower()}.parquet")
        del frame
    oit_frame(framework, names, pl.Series(table["pass_rate"]), seed).write_parquet(data_dir / "oit.parquet")
    pl.DataFrame({AGENCY: names, GROUP: table[GROUP]}).write_parquet(data_dir / "agencies.parquet")
    meta = {
        "params": params,
        "counts": {t: sum(c) for t, c in counts.items()},
        "esa_offices": table[GROUP].count("esa"),
        "schools": table[GROUP].count("school"),
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    print(f"data: generated in {time.perf_counter() - started:.1f} s")
    return meta


# ----------------------------------------------------------------------------------------------- bulk path


def read_and_score(framework: Framework, data_dir: Path) -> pl.DataFrame:
    """What is timed: read the Parquet files and score every agency (totals, levels, ranks within peer group)."""
    surveys = {tool: pl.read_parquet(data_dir / f"{tool.lower()}.parquet") for tool in framework.survey_tools}
    oit = pl.read_parquet(data_dir / "oit.parquet")
    groups = pl.read_parquet(data_dir / "agencies.parquet")
    return score_bulk(framework, surveys, oit, group_by=GROUP, groups=groups)


def best_of(fn: Callable[[], Any], runs: int, warmup: bool = True) -> tuple[float, list[float], Any]:
    """Best wall time of ``runs`` calls (after one untimed warm-up call) and the last result."""
    result = fn() if warmup else None
    times = []
    for _ in range(runs):
        del result
        gc.collect()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def alternating_best(fns: dict[str, Callable[[], Any]], runs: int) -> dict[str, tuple[float, list[float], Any]]:
    """Like ``best_of`` for several contenders, run in turns (a, b, a, b …) after one warm-up each.

    Taking turns spreads any background load on a shared machine over both contenders, so their ratio is
    fairer than when one is timed entirely before the other.
    """
    results = {name: fn() for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            results[name] = None
            gc.collect()
            started = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - started)
    return {name: (min(times[name]), times[name], results[name]) for name in fns}


def _vm_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child_read_and_score(framework_spec: str, data_dir: str) -> None:
    """Run in a fresh process: read + score once, then print peak RSS (VmHWM) as JSON."""
    framework = resolve_framework(framework_spec)
    baseline = _vm_kib("VmHWM")
    started = time.perf_counter()
    frame = read_and_score(framework, Path(data_dir))
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"vmhwm_kib": _vm_kib("VmHWM"), "baseline_kib": baseline, "seconds": seconds, "agencies": frame.height}
        )
    )


def measure_peak_memory(framework_spec: str, data_dir: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child-read-score",
        str(data_dir),
        "--framework",
        framework_spec,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # The child's own high-water mark.  getrusage(RUSAGE_CHILDREN).ru_maxrss is not used: on Linux it also
    # counts the moment between fork and exec, when the child still maps this (large) parent process.
    report["peak_bytes"] = report["vmhwm_kib"] * 1024
    return report


# --------------------------------------------------------------------------------------- the plain scorer


def pick_sample(
    frames: dict[str, pl.DataFrame], oit: pl.DataFrame, size: int, seed: int
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Whole agencies in a seeded random order until ``size`` responses (the last agency is cut to fit)."""
    counts: dict[str, dict[str, int]] = {}
    for tool, frame in frames.items():
        for name, n in frame.group_by(AGENCY).len().iter_rows():
            counts.setdefault(name, {})[tool] = n
    names = sorted(counts)
    random.Random(seed + 7).shuffle(names)
    chosen: list[str] = []
    limits: dict[str, dict[str, int]] = {}
    taken = 0
    for name in names:
        if taken >= size:
            break
        have = counts[name]
        need = size - taken
        if sum(have.values()) <= need:
            limit = dict(have)
        else:  # cut the last agency: its IIT first, then EIT, to land exactly on ``size``
            limit = {}
            for tool in frames:
                limit[tool] = min(have.get(tool, 0), need)
                need -= limit[tool]
        chosen.append(name)
        limits[name] = limit
        taken += sum(limit.values())
    sample = {}
    for tool, frame in frames.items():
        limit_frame = pl.DataFrame({AGENCY: chosen, "__limit": [limits[n].get(tool, 0) for n in chosen]})
        sample[tool] = (
            frame.join(limit_frame, on=AGENCY, how="inner", maintain_order="left")
            .filter(pl.int_range(pl.len()).over(AGENCY) < pl.col("__limit"))
            .drop("__limit")
        )
    return sample, oit.filter(pl.col(AGENCY).is_in(chosen))


def plain_inputs(
    framework: Framework, sample: dict[str, pl.DataFrame], oit: pl.DataFrame
) -> tuple[dict[str, dict[str, list[dict[str, int]]]], dict[str, dict[str, Fraction | None]]]:
    """Python dicts for the plain path: per agency and tool, responses as {field: 0-based option index}."""
    surveys: dict[str, dict[str, list[dict[str, int]]]] = {}
    for tool, frame in sample.items():
        fields = [f.code for f in framework.answer_fields(tool)]
        for row in frame.select(AGENCY, *fields).iter_rows():
            surveys.setdefault(row[0], {t: [] for t in sample})[tool].append(
                {code: value - 1 for code, value in zip(fields, row[1:])}
            )
    items = {}
    for row in oit.iter_rows(named=True):
        name = row.pop(AGENCY)
        items[name] = {code: None if v is None else Fraction(v, 100) for code, v in row.items()}
    return surveys, items


def plain_score(framework: Framework, surveys, items, types: dict[str, str]) -> dict[str, tuple]:
    """Row-by-row: score_agency per agency from Python dicts, then rounded totals, levels and ranks."""
    names = sorted(set(surveys) | set(items))
    scores = [score_agency(framework, surveys.get(n, {}), items.get(n)) for n in names]
    totals = [s.total_rounded for s in scores]
    ranks = ranks_within(totals, [types[n] for n in names])
    return {n: (None if t is None else int(t * 100), s.level, r) for n, s, t, r in zip(names, scores, totals, ranks)}


# -------------------------------------------------------------------------------------------------- DuckDB


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def duckdb_sql(framework: Framework, data_dir: Path) -> str:
    """The same scores written directly in SQL: option index → score, sums per agency, coefficients, weights.

    Sums are exact integers (hundredths); the rest is DOUBLE, rounded half-up at the end with no exact
    fallback.  The per-field CASE lists and coefficients are read from the edition, the query shape is fixed.
    """
    coefficients = framework.field_coefficients
    ctes, joins = [], []
    for tool in framework.survey_tools:
        sums = []
        for f in framework.answer_fields(tool):
            # DuckDB lists are 1-based, like the option index: [0, 3333, 6667, 10000][answer] is its score.
            # (Measured about twice as fast as the equivalent CASE answer WHEN 1 THEN 0 … END.)
            scores = ", ".join(str(int(f.scale.score(i, f.reverse) * 100)) for i in range(len(f.scale.options)))
            sums.append(f"sum([{scores}][{_q(f.code)}]) AS {_q('s_' + f.code)}")
        ctes.append(
            f"{tool.lower()} AS (SELECT agency, count(*) AS n_{tool}, {', '.join(sums)}\n"
            f"  FROM read_parquet({_sql_path(data_dir / (tool.lower() + '.parquet'))}) GROUP BY agency)"
        )
        joins.append(tool.lower())
    evidence = []
    for tool in framework.evidence_tools:
        for indicator in framework.indicators_of(tool):
            codes = [o.code for o in framework.oit_items if o.indicator == indicator.number]
            evidence.append(" + ".join(f"coalesce({_q(c)}, 0)" for c in codes) + f" AS os_{indicator.number}")
            evidence.append(" + ".join(f"({_q(c)} IS NOT NULL)::INTEGER" for c in codes) + f" AS oc_{indicator.number}")
    if evidence:
        ctes.append(
            f"oit AS (SELECT agency, {', '.join(evidence)}\n  FROM read_parquet({_sql_path(data_dir / 'oit.parquet')}))"
        )
        joins.append("oit")

    def weighted(pairs: list[tuple[str, Fraction]]) -> str:
        total = sum(w for _, w in pairs)
        return "(" + " + ".join(f"{float(w / total)!r}::DOUBLE * {v}" for v, w in pairs) + ")"

    indicator_sql = {}
    for indicator in framework.indicators:
        number = indicator.number
        if framework.tool(indicator.tool).kind == "evidence":
            indicator_sql[number] = f"CASE WHEN oc_{number} > 0 THEN os_{number}::DOUBLE / oc_{number} / 100 END"
            continue
        fields = [f for q in framework.questions if q.indicator == number for f in q.fields]
        n = f"coalesce(n_{indicator.tool}, 0)"
        body = " + ".join(f"{float(coefficients[f.code])!r}::DOUBLE * {_q('s_' + f.code)}" for f in fields)
        indicator_sql[number] = f"CASE WHEN {n} > 0 THEN ({body}) / {n} / 100 END"
    tool_sql = {
        t.code: weighted([(f"i{i.number}", i.weight) for i in framework.indicators_of(t.code)]) for t in framework.tools
    }
    total_sql = weighted([(_q("t_" + t.code), t.weight) for t in framework.tools])

    def half_up(expr: str) -> str:
        return f"floor({expr} * 100 + 0.5)::BIGINT"

    level = ["CASE WHEN total_h IS NULL THEN NULL"]
    for lv in framework.levels[:-1]:
        condition = [f"total_h >= {int(lv.min * 100)}"]
        condition += [f"{_q('h_' + code)} >= {int(m * 100)}" for code, m in lv.tool_min.items()]
        level.append(f"WHEN {' AND '.join(condition)} THEN '{lv.label}'")
    level.append(f"ELSE '{framework.levels[-1].label}' END")
    survey_counts = ", ".join(f"coalesce(n_{t}, 0) AS n_{t}" for t in framework.survey_tools)
    # fmt: off
    # (ruff format 0.17 rewrites the nested quotes below into a form only Python 3.12 parses)
    return f"""
WITH {(',' + chr(10)).join(ctes)},
joined AS (SELECT * FROM {' FULL JOIN '.join(joins[:1] + [j + ' USING (agency)' for j in joins[1:]])}),
indicators AS (SELECT agency, {survey_counts},
  {', '.join(f'{sql} AS i{n}' for n, sql in indicator_sql.items())} FROM joined),
tools AS (SELECT *, {', '.join(f'{sql} AS {_q("t_" + code)}' for code, sql in tool_sql.items())} FROM indicators),
totals AS (SELECT *, {total_sql} AS total_f,
  {', '.join(f'{half_up(_q("t_" + t.code))} AS {_q("h_" + t.code)}' for t in framework.tools)},
  {half_up(total_sql)} AS total_h FROM tools),
levels AS (SELECT totals.*, {' '.join(level)} AS level, g.{GROUP}
  FROM totals LEFT JOIN read_parquet({_sql_path(data_dir / 'agencies.parquet')}) g USING (agency))
SELECT agency, {', '.join(f'n_{t}' for t in framework.survey_tools)},
  {', '.join(f'{half_up(f"i{i.number}")} AS i{i.number}' for i in framework.indicators)},
  {', '.join(f'{_q("h_" + t.code)} AS {_q(t.code)}' for t in framework.tools)},
  total_h AS total, total_f, level,
  CASE WHEN total_h IS NOT NULL THEN rank() OVER (PARTITION BY {GROUP} ORDER BY total_h DESC) END AS rank
FROM levels ORDER BY agency
"""
    # fmt: on


def duckdb_run(connection, sql: str) -> pl.DataFrame:
    return pl.DataFrame(connection.sql(sql))  # Arrow C stream: no pyarrow needed


# -------------------------------------------------------------------------------------------------- report


def machine() -> dict[str, str]:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    ram = ""
    try:
        with open("/proc/meminfo") as info:
            kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
            ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        import duckdb

        duckdb_version = duckdb.__version__
    except ImportError:
        duckdb_version = "not installed"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "load": load,
        "python": platform.python_version(),
        "polars": pl.__version__,
        "duckdb": duckdb_version,
        "polars_threads": str(pl.thread_pool_size()),
    }


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, help=f"number of agencies (default {FULL_AGENCIES:,})")
    parser.add_argument("--responses", type=int, help=f"IIT + EIT responses (default {FULL_RESPONSES:,})")
    parser.add_argument("--sample", type=int, help="responses scored by both paths for the speed-up (100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, help="where the Parquet files go (default under /tmp/prongsai-bench)")
    parser.add_argument("--framework", default="ita-2563-esa", help="edition id or framework YAML file")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the warm-up; the best counts")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small smoke run: {QUICK_AGENCIES:,} agencies, {QUICK_RESPONSES:,} responses",
    )
    parser.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB comparison")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--child-read-score", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_read_score:
        child_read_and_score(args.framework, args.child_read_score)
        return 0

    agencies = args.agencies or (QUICK_AGENCIES if args.quick else FULL_AGENCIES)
    responses = args.responses or (QUICK_RESPONSES if args.quick else FULL_RESPONSES)
    sample_size = min(args.sample or (QUICK_SAMPLE if args.quick else 100_000), responses)
    framework = resolve_framework(args.framework)
    data_dir = args.data_dir or Path("/tmp/prongsai-bench") / (
        f"scoring-{framework.id}-a{agencies}-r{responses}-s{args.seed}"
    )
    info = machine()
    print(
        f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM; python {info['python']}, "
        f"polars {info['polars']} ({info['polars_threads']} threads), duckdb {info['duckdb']}; "
        f"load average {info['load']}"
    )
    print(
        f"framework: {framework.id}: {len(framework.answer_fields('IIT'))} IIT + "
        f"{len(framework.answer_fields('EIT'))} EIT answer fields, {len(framework.oit_items)} OIT items"
    )
    meta = ensure_dataset(framework, data_dir, agencies, responses, args.seed)
    print(
        f"data: {meta['esa_offices']:,} ESA offices + {meta['schools']:,} schools; "
        f"{meta['counts']['IIT']:,} IIT + {meta['counts']['EIT']:,} EIT responses; "
        f"{sum((data_dir / f).stat().st_size for f in os.listdir(data_dir) if f.endswith('.parquet')) / 1e6:.0f}"
        f" MB of Parquet"
    )
    results: dict[str, Any] = {"machine": info, "dataset": meta, "command": " ".join(sys.argv)}
    disagree = False

    # 1. bulk, end to end (timed in turns with the DuckDB query of step 3) -------------------------------
    duckdb = None
    if not args.no_duckdb:
        try:
            import duckdb
        except ImportError:
            print("duckdb is not installed (pip install -e '.[bench]'): the DuckDB comparison is skipped")
    contenders: dict[str, Callable[[], Any]] = {"bulk": lambda: read_and_score(framework, data_dir)}
    if duckdb is not None:
        connection = duckdb.connect()
        sql = duckdb_sql(framework, data_dir)
        contenders["duckdb"] = lambda: duckdb_run(connection, sql)
    print(
        "\n[1] bulk path: read Parquet → score_bulk → totals, levels, ranks"
        + (" (timed in turns with DuckDB, see [3])" if duckdb is not None else ""),
        flush=True,
    )
    timings = alternating_best(contenders, args.runs)
    bulk_seconds, bulk_times, bulk = timings["bulk"]
    print(
        f"    runs: {', '.join(f'{t:.3f}' for t in bulk_times)} s → best {bulk_seconds:.3f} s; "
        f"{bulk.height:,} agencies scored"
    )
    memory = measure_peak_memory(args.framework, data_dir)
    peak = memory["peak_bytes"]
    print(
        f"    fresh process (read + score once, {memory['seconds']:.2f} s): peak RSS {peak / 1e9:.2f} GB "
        f"(after imports {memory['baseline_kib'] * 1024 / 1e9:.2f} GB)"
    )
    results["bulk"] = {"seconds": bulk_seconds, "runs": bulk_times, "peak_bytes": peak, "memory": memory}

    # 2. row by row vs bulk on a sample -------------------------------------------------------------------
    print(f"\n[2] row-by-row plain path vs bulk on a {sample_size:,}-response sample", flush=True)
    frames = {tool: pl.read_parquet(data_dir / f"{tool.lower()}.parquet") for tool in framework.survey_tools}
    oit_all = pl.read_parquet(data_dir / "oit.parquet")
    groups = pl.read_parquet(data_dir / "agencies.parquet")
    types = dict(groups.iter_rows())
    sample, sample_oit = pick_sample(frames, oit_all, sample_size, args.seed)
    del frames
    sample_groups = groups.filter(pl.col(AGENCY).is_in(sample_oit[AGENCY].implode()))
    surveys, items = plain_inputs(framework, sample, sample_oit)
    n_sample = sum(f.height for f in sample.values())
    print(f"    {n_sample:,} responses from {sample_oit.height:,} agencies", flush=True)
    plain_runs = 1
    # noqa F821: ruff counts the `del` further down; best_of calls these lambdas before it.
    plain_seconds, _, plain = best_of(
        lambda: plain_score(framework, surveys, items, types),  # noqa: F821
        plain_runs,
        warmup=False,
    )
    sample_seconds, sample_times, sample_bulk = best_of(
        lambda: score_bulk(framework, sample, sample_oit, group_by=GROUP, groups=sample_groups),  # noqa: F821
        args.runs,
    )
    speedup = plain_seconds / sample_seconds
    print(f"    plain (score_agency per agency, exact Fractions): {plain_seconds:.2f} s (one run)")
    print(f"    bulk (score_bulk on the same in-memory frames): {sample_seconds:.4f} s (best of {args.runs})")
    bulk_rows = {r[AGENCY]: (r["total"], r["level"], r["rank"]) for r in sample_bulk.iter_rows(named=True)}
    mismatched = [n for n in plain if plain[n] != bulk_rows.get(n)]
    if mismatched or len(bulk_rows) != len(plain):
        disagree = True
        print(
            f"    DISAGREE on {len(mismatched)} of {len(plain)} agencies, e.g. "
            + "; ".join(f"{n}: plain {plain[n]} bulk {bulk_rows.get(n)}" for n in mismatched[:3])
        )
    else:
        print(f"    agree: totals, levels and ranks identical for all {len(plain):,} agencies")
    results["sample"] = {
        "responses": n_sample,
        "agencies": len(plain),
        "plain_seconds": plain_seconds,
        "bulk_seconds": sample_seconds,
        "speedup": speedup,
        "agree": not mismatched,
    }
    del surveys, items, sample, plain

    # 3. DuckDB -----------------------------------------------------------------------------------------
    ratio = None
    if duckdb is not None:
        print("\n[3] hand-written DuckDB SQL over the same Parquet files (timed in turns with [1])", flush=True)
        duck_seconds, duck_times, duck = timings["duckdb"]
        ratio = bulk_seconds / duck_seconds
        threads = connection.execute("SELECT current_setting('threads')").fetchone()[0]
        print(
            f"    runs: {', '.join(f'{t:.3f}' for t in duck_times)} s → best {duck_seconds:.3f} s ({threads} threads)"
        )
        both = bulk.select(AGENCY, pl.col("total").alias("bulk_total")).join(
            duck.select(AGENCY, "total", "total_f"), on=AGENCY, how="full", coalesce=True
        )
        gap = both.select((pl.col("bulk_total") / 100 - pl.col("total_f")).abs().max()).item()
        missing = both.filter(pl.col("bulk_total").is_null() | pl.col("total_f").is_null()).height
        rounded_diff = both.filter(pl.col("bulk_total") != pl.col("total")).height
        if missing or gap is None or gap > 0.01:
            disagree = True
            print(f"    DISAGREE: largest total difference {gap}, {missing} agencies missing on one side")
        else:
            print(
                f"    agree: totals within {gap:.4f} (≤ 0.01) for all {both.height:,} agencies; "
                f"{rounded_diff} rounded totals differ (DuckDB has no exact fallback)"
            )
        results["duckdb"] = {
            "seconds": duck_seconds,
            "runs": duck_times,
            "ratio": ratio,
            "max_total_gap": gap,
            "rounded_totals_differing": rounded_diff,
        }

    # summary --------------------------------------------------------------------------------------------
    counts = meta["counts"]
    total_responses = sum(counts.values())
    lines = [
        f"bulk {total_responses:,} responses / {bulk.height:,} agencies: {bulk_seconds:.2f} s, "
        f"peak {peak / 1e9:.2f} GB  (target ≤ {TARGET_SECONDS:g} s, ≤ {TARGET_BYTES / 1e9:g} GB)  "
        f"{verdict(bulk_seconds <= TARGET_SECONDS and peak <= TARGET_BYTES)}",
        f"speed-up over row-by-row Python on {n_sample:,} responses: {speedup:,.0f}×  "
        f"(target ≥ {TARGET_SPEEDUP:g}×)  {verdict(speedup >= TARGET_SPEEDUP)}",
    ]
    if ratio is not None:
        lines.append(
            f"bulk vs DuckDB SQL: {ratio:.2f}×  (target ≤ {TARGET_RATIO:g}×)  {verdict(ratio <= TARGET_RATIO)}"
        )
    print(
        f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"(other work on the machine slows every figure)"
    )
    print("\n" + "\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
