#!/usr/bin/env python
"""How long the national imports hold SQLite's write lock (issue 13 §4), on a fresh SQLite file.

    python bench/import_lock.py

Registers 30,245 agencies (``import_agencies``), then imports the results of the 30,020 schools twice (new rows,
then every row changed: ``import_official_results``), with the same generator as bench/national.py, and prints
each import's whole time and the time spent inside its write transaction, which is what other writers (survey
respondents, officers) wait for.  Before this change each import was one transaction from the first row written
to the last (security-reliability.md M8: 17.7 s for 20,000 agencies).
"""

import contextlib
import os
import random
import sys
import tempfile
import time

data = tempfile.mkdtemp(prefix="prongsai-lock-")
os.environ.update({"PRONGSAI_DATA": data, "DJANGO_SETTINGS_MODULE": "prongsai.web.settings"})
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
import national
from django.contrib.auth import get_user_model
from django.db import transaction

from prongsai.core.tabular import read_table
from prongsai.web.agencies import imports
from prongsai.web.agencies.models import Membership, Role
from prongsai.web.demo import ensure_central_office
from prongsai.web.results import services
from prongsai.web.rounds.models import AssessmentRound

held = []
real = transaction.atomic


@contextlib.contextmanager
def timed(*a, **k):
    t = time.perf_counter()
    with real(*a, **k):
        yield
    held.append(time.perf_counter() - t)


imports.transaction.atomic = timed
services.transaction.atomic = timed
office = ensure_central_office()
central = get_user_model().objects.create_user("c", password="x" * 12)
Membership.objects.create(user=central, agency=office, role=Role.CENTRAL_ADMIN)
rng = random.Random(1)
text, rows = national.agencies_csv(225, 30020, rng)
t = time.perf_counter()
imports.import_agencies(central, read_table("a.csv", data=text.encode()))
total = time.perf_counter() - t
print(f"import_agencies 30,245: {total:.1f} s in all, write transaction {max(held):.2f} s")
held.clear()
r = AssessmentRound.objects.create(framework_id="ita-2563-school", fiscal_year=2563, name_th="x")
codes = [x["code"] for x in rows if x["kind"] == "school"]
for label in ("new", "changed"):
    data_ = national.results_csv(codes, 2563, {c: 85.0 for c in codes}, rng).encode()
    t = time.perf_counter()
    services.import_official_results(central, r, read_table("r.csv", data=data_), data_)
    total = time.perf_counter() - t
    print(f"import_official_results 30,020 {label}: {total:.1f} s in all, write transaction {held[0]:.2f} s")
    held.clear()
