"""The surveys part of ``prongsai demo``: headcounts and unused codes for สพป.สมุทรสาคร in the 2563 round.

``load_survey_demo(stdout)`` returns two plaintext codes (one IIT, one EIT) for the demo to print with their
links.  Codes are never stored in clear in the database, so the demo keeps the plaintext of its own demo batches
in a file beside the slips (``survey-codes.txt``, in the demo's private data folder, like the slips PDF that
prints them anyway): a restart shows the same codes while they are unused, and makes a new batch only for a tool
whose demo codes are all used or gone.  Restarting the demo therefore does not pile up codes.  The headcounts are
ILLUSTRATIVE (the seed does not give them) and are entered only when none exist.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TextIO

DEMO_AGENCY = "ESA-SKN"
DEMO_FRAMEWORK, DEMO_YEAR = "ita-2563-esa", 2563
#: illustrative headcounts: office staff ≥ 1 year; school directors and teachers of the office's schools; others
DEMO_HEADCOUNTS = {
    ("IIT", "staff"): 68,
    ("EIT", "school_directors"): 96,
    ("EIT", "teachers"): 1250,
    ("EIT", "other_service_users"): 300,
}
DEMO_BATCH = {("IIT", "staff"): 20, ("EIT", "teachers"): 20}


def _actor():
    from django.contrib.auth import get_user_model

    from prongsai.web.agencies.models import Membership, Role

    User = get_user_model()
    officer = User.objects.filter(username="officer").first()
    if officer is not None:
        return officer
    membership = (
        Membership.objects.filter(role=Role.AGENCY_ADMIN, agency__code=DEMO_AGENCY).first()
        or Membership.objects.filter(role=Role.CENTRAL_ADMIN).first()
    )
    if membership is not None:
        return membership.user
    return User.objects.filter(is_superuser=True).first()


CODES_FILE = "survey-codes.txt"


def _kept_codes(path: Path | None) -> dict[tuple[str, str], list[str]]:
    """(tool, group) → plaintext codes of the demo batches, from the file the demo keeps (empty when none)."""
    kept: dict[tuple[str, str], list[str]] = {}
    if path is None or not path.is_file():
        return kept
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            kept.setdefault((parts[0], parts[1]), []).append(parts[2])
    return kept


def _unused(round_, agency, tool: str, group: str, codes: list[str]) -> str | None:
    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys.models import CodeStatus, RespondentCode

    digests = {codemod.digest(c): c for c in codes}
    unused = set(
        RespondentCode.objects.filter(
            round=round_, agency=agency, tool=tool, group=group, digest__in=list(digests), status=CodeStatus.UNUSED
        ).values_list("digest", flat=True)
    )
    return next((c for d, c in digests.items() if d in unused), None)


def load_survey_demo(stdout: TextIO | None = None, slips_path: Path | None = None) -> list[str]:
    """Headcounts (when missing) and the demo's IIT and EIT codes; returns one unused code of each.

    With ``slips_path``, the sheet of slips of the two returned codes is written there as a PDF (kept as it is when
    it already prints them: :func:`_write_slips`), and the plaintext of the demo batches is kept beside it
    (``survey-codes.txt``) so that the next start reuses them.
    """
    from prongsai.web.agencies.models import Agency
    from prongsai.web.rounds.models import AssessmentRound
    from prongsai.web.surveys import codes as codemod
    from prongsai.web.surveys.models import CodeBatch, SurveyPopulation
    from prongsai.web.surveys.services import generate_codes, set_headcounts

    out = stdout or sys.stdout
    agency = Agency.objects.get(code=DEMO_AGENCY)
    round_ = AssessmentRound.objects.get(framework_id=DEMO_FRAMEWORK, fiscal_year=DEMO_YEAR)
    actor = _actor()
    if not SurveyPopulation.objects.filter(round=round_, agency=agency).exists():
        set_headcounts(actor, round_, agency, DEMO_HEADCOUNTS)
    codes_path = slips_path.parent / CODES_FILE if slips_path is not None else None
    kept = _kept_codes(codes_path)
    picked, batches, made = [], [], 0
    for (tool, group), count in DEMO_BATCH.items():
        code = _unused(round_, agency, tool, group, kept.get((tool, group), []))
        if code is not None:
            batch = CodeBatch.objects.filter(
                round=round_, agency=agency, tool=tool, group=group, codes__digest=codemod.digest(code)
            ).get()
        else:
            generated = generate_codes(actor, round_, agency, tool, group, count, note="prongsai demo")
            code, batch = generated.codes[0], generated.batch
            kept[(tool, group)] = generated.codes
            made += count
        picked.append(code)
        batches.append(batch)
    if codes_path is not None:
        codes_path.parent.mkdir(parents=True, exist_ok=True)
        codes_path.write_text(
            "".join(f"{tool} {group} {c}\n" for (tool, group), codes in kept.items() for c in codes), encoding="utf-8"
        )
    reused = "reused (unused since the last start)" if made == 0 else f"{made} new"
    print(
        f"  surveys: headcounts and demo codes for {agency.display_name} ({round_.fiscal_year}): {reused}; "
        f"two of them:",
        file=out,
        flush=True,
    )
    for code, batch in zip(picked, batches):
        print(f"    {batch.tool}  {codemod.grouped(code)}  {codemod.short_link(code)}", file=out, flush=True)
    if slips_path is not None:
        from prongsai.web.surveys.slips import sheet_html

        _write_slips(slips_path, sheet_html([(batch, [code]) for code, batch in zip(picked, batches)]))
    return picked


def _write_slips(path: Path, html: str) -> None:
    """The slips PDF at ``path``, unless the one there was made from this very HTML: a restart that prints the
    same codes under the same address keeps its file (laying the sheet out was half of a restart's time).

    Beside it, ``<name>.source`` holds the digest of the HTML (and the versions of Prongsai and WeasyPrint) the PDF
    was made from and the digest of the PDF itself.  The PDF is kept only when both match: a stamp left by a start
    killed before it wrote the new PDF's stamp, or by another start writing the same folder at the same time, names
    other bytes and the PDF is made again.  An unreadable stamp counts as none."""
    from importlib.metadata import version

    from prongsai.core.atomicfile import atomic_write
    from prongsai.web.surveys.slips import pdf_of

    stamp = path.with_name(path.name + ".source")
    # the page, and the versions that lay it out (fonts and styles ship with Prongsai)
    made_by = f"prongsai {version('prongsai')} weasyprint {version('weasyprint')}"
    page = hashlib.sha256(f"{made_by}\n{html}".encode()).hexdigest()
    try:
        if stamp.read_bytes().split() == [page.encode(), hashlib.sha256(path.read_bytes()).hexdigest().encode()]:
            return
    except OSError:  # no stamp or no PDF yet (or one that cannot be read): make them
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = pdf_of(html)
    atomic_write(path, pdf, mode=0o666)  # as a plain write: the umask (0077) makes it the owner's
    atomic_write(stamp, f"{page} {hashlib.sha256(pdf).hexdigest()}\n".encode(), mode=0o666)
