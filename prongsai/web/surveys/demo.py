"""The surveys part of ``prongsai demo``: headcounts and unused codes for สพป.สมุทรสาคร in the 2563 round.

``load_survey_demo(stdout)`` returns two plaintext codes (one IIT, one EIT) for the demo to print with their
links; every call makes a fresh batch, because codes are never stored in clear and earlier ones cannot be shown
again.  The headcounts are ILLUSTRATIVE (the seed does not give them) and are entered only when none exist.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

DEMO_AGENCY = "ESA-SKN"
DEMO_FRAMEWORK, DEMO_YEAR = "ita-2563-esa", 2563
#: illustrative headcounts: office staff ≥ 1 year; school directors and teachers of the office's schools; others
DEMO_HEADCOUNTS = {("IIT", "staff"): 68, ("EIT", "school_directors"): 96, ("EIT", "teachers"): 1250,
                   ("EIT", "other_service_users"): 300}
DEMO_BATCH = {("IIT", "staff"): 20, ("EIT", "teachers"): 20}


def _actor():
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Membership, Role

    User = get_user_model()
    officer = User.objects.filter(username="officer").first()
    if officer is not None:
        return officer
    membership = (Membership.objects.filter(role=Role.AGENCY_ADMIN, agency__code=DEMO_AGENCY).first()
                  or Membership.objects.filter(role=Role.CENTRAL_ADMIN).first())
    if membership is not None:
        return membership.user
    return User.objects.filter(is_superuser=True).first()


def load_survey_demo(stdout: TextIO | None = None, slips_path: Path | None = None) -> list[str]:
    """Headcounts (when missing) and a fresh batch of IIT and EIT codes; returns one IIT and one EIT code.

    With ``slips_path``, the sheet of slips of the two returned codes is written there as a PDF.
    """
    from prongsai.web.agencies.models import Agency
    from prongsai.web.rounds.models import AssessmentRound
    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys.models import SurveyPopulation
    from prongsai.web.surveys.services import generate_codes, set_headcounts

    out = stdout or sys.stdout
    agency = Agency.objects.get(code=DEMO_AGENCY)
    round_ = AssessmentRound.objects.get(framework_id=DEMO_FRAMEWORK, fiscal_year=DEMO_YEAR)
    actor = _actor()
    if not SurveyPopulation.objects.filter(round=round_, agency=agency).exists():
        set_headcounts(actor, round_, agency, DEMO_HEADCOUNTS)
    picked = []
    batches = []
    for (tool, group), count in DEMO_BATCH.items():
        generated = generate_codes(actor, round_, agency, tool, group, count, note="prongsai demo")
        picked.append(generated.codes[0])
        batches.append(generated.batch)
    print(f"  surveys: headcounts and {sum(DEMO_BATCH.values())} unused codes for {agency.display_name} "
          f"({round_.fiscal_year}); two of them:", file=out, flush=True)
    for code, batch in zip(picked, batches):
        print(f"    {batch.tool}  {codemod.grouped(code)}  {codemod.short_link(code)}", file=out, flush=True)
    if slips_path is not None:
        from prongsai.web.surveys.slips import render_sheet

        slips_path.parent.mkdir(parents=True, exist_ok=True)
        slips_path.write_bytes(render_sheet([(batch, [code]) for code, batch in zip(picked, batches)]))
    return picked
