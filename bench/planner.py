#!/usr/bin/env python
"""What-if planner benchmark: how long the cheapest-path search takes on realistic, random results.

    python bench/planner.py [--trials 4] [--seed 7]

For ita-2562-esa (48 OIT items, item-mean) and ita-2568 (per-tool minimums), ``--trials`` random results: each OIT
item failed with probability 1/3, survey indicators 70–99; every default fix (failed items, indicators without
item data) offered with a random cost 1–5; the two best levels as targets.  Prints fixes offered, steps, whether
the search finished (proven) and the time, and the load average (the machine is shared).  Pure Python, no
database.  Figures: docs/itas.md, "The what-if planner".
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prongsai.core import planner  # noqa: E402
from prongsai.core.framework import load_framework  # noqa: E402
from prongsai.core.scoring import combine, score_oit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for key in ("ita-2562-esa", "ita-2568"):
        framework = load_framework(key)
        rnd = random.Random(args.seed)
        for trial in range(args.trials):
            items = {o.code: Fraction(rnd.choice([0, 100, 100])) for o in framework.oit_items}
            indicators = {
                i.number: Fraction(rnd.randint(7000, 9900), 100)
                for i in framework.indicators
                if framework.tool(i.tool).kind != "evidence"
            }
            indicators.update({n: v for n, v in score_oit(framework, items).items() if v is not None})
            score = combine(framework, indicators, items=items)
            fixes = [
                planner.Fix(f.kind, f.code, f.to, Fraction(rnd.randint(1, 5)))
                for f in planner.default_fixes(framework, score)
            ]
            for label in [lv.label for lv in framework.levels][:2]:
                start = time.perf_counter()
                plan = planner.plan(framework, score, planner.Target("level", level=label), fixes)
                print(
                    f"{key} trial {trial} {label}: {len(fixes)} fixes, {len(plan.steps)} steps, "
                    f"reachable={plan.reachable} proven={plan.proven} {time.perf_counter() - start:.3f} s"
                )
    print("load average:", " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
