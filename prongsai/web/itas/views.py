"""The ITAS pages of one agency × round: the sheet to fill ITAS with (HTML to print, CSV, XLSX), and the import
of item results from ITAS with its template.

Who: the sheet is for the agency's own people (everyone who may see the agency) and the central admin; the
import is for those who manage the agency (ITA officer, central admin).  Anyone else gets 403; an unknown agency
or round 404.  Views parse, ask, call one service and render; they never write models.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from prongsai.core import itas
from prongsai.core.tabular import MAX_LISTED, InputError, read_table
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.exports import Sheet, csv_response, xlsx_response
from prongsai.web.itas import services
from prongsai.web.itas.forms import ItasImportForm
from prongsai.web.messages import english, localized
from prongsai.web.oit.models import EntryStatus, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound

#: The import file as the page shows it: its headers and words are the Thai the reader accepts
#: (prongsai.core.itas), so they stay Thai whatever the page's language.
FILE_WORDS = {  # thai-data: words of the import file, read by prongsai.core.itas
    "example": itas.EXAMPLE_MARKS[0],
    "result": itas.RESULT_COLUMNS[0],
    "pass": "ผ่าน",
    "fail": "ไม่ผ่าน",
    "na": "ไม่เกี่ยวข้อง",
}
FILE_SAMPLE = "\n".join(
    [  # thai-data: sample rows of the import file (an OIT item, a question, an indicator)
        ",".join(itas.TEMPLATE_HEADER),
        "o1,โครงสร้าง,ผ่าน,",
        "I1,,92.50,",
        "ตัวชี้วัดที่ 9,,86.81,",
    ]
)


def _agency_round(user, code: str, round_id: int, allowed) -> tuple[Agency, AssessmentRound]:
    agency = get_object_or_404(Agency, code=code)
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    if not allowed(user, agency):
        raise PermissionDenied
    return agency, round_


def _rows(request: HttpRequest, agency: Agency, round_: AssessmentRound) -> list[itas.SheetRow]:
    """The sheet's rows: every OIT item with the agency's public links (then public files) and explanation."""
    entries = {e.pk: e for e in OITEntry.objects.filter(round=round_, agency=agency)}
    urls: dict[int, list[str]] = {pk: [] for pk in entries}
    for link in EvidenceLink.objects.filter(entry_id__in=list(entries), is_public=True).order_by("id"):
        urls[link.entry_id].append(link.url)
    for file in EvidenceFile.objects.filter(entry_id__in=list(entries), is_public=True).order_by("id"):
        urls[file.entry_id].append(request.build_absolute_uri(reverse("oit_public_file", args=[file.pk])))
    evidence = {
        e.code: itas.Evidence(urls=tuple(urls[pk]), explanation=e.note, status=e.status) for pk, e in entries.items()
    }
    labels = {s.value: str(s.label) for s in EntryStatus}
    return itas.sheet_rows(round_.framework, round_.fiscal_year, evidence, labels)


@login_required
@require_GET
def sheet(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The sheet as a page that prints on A4 (the officer keeps it beside the ITAS form)."""
    agency, round_ = _agency_round(request.user, code, round_id, access.can_view_agency)
    rows = _rows(request, agency, round_)
    missing = sum(1 for r in rows if not r.url)
    shown = [(r, [localized(th, en) for th, en in zip(r.warnings_th, r.warnings_en)]) for r in rows]
    return render(
        request,
        "itas/sheet.html",
        {
            "agency": agency,
            "round": round_,
            "rows": shown,
            "missing": missing,
            "can_import": services.can_import(request.user, agency),
        },
    )


@login_required
@require_GET
def sheet_export(request: HttpRequest, code: str, round_id: int, fmt: str) -> HttpResponse:
    agency, round_ = _agency_round(request.user, code, round_id, access.can_view_agency)
    rows = [r.cells() for r in _rows(request, agency, round_)]
    name = f"itas-{agency.code}-{round_.fiscal_year}.{fmt}"
    if fmt == "csv":
        return csv_response(name, itas.SHEET_HEADER, rows)
    return xlsx_response(
        name,
        [
            Sheet(
                title=f"ITAS {round_.fiscal_year}",
                header=itas.SHEET_HEADER,
                rows=rows,
                widths=(8, 60, 30, 50, 60, 20, 40),
            )
        ],
    )


@login_required
@require_GET
def import_template(request: HttpRequest, code: str, round_id: int, fmt: str) -> HttpResponse:
    """The template to copy ITAS results into: an example row, then every indicator, question and OIT item."""
    agency, round_ = _agency_round(request.user, code, round_id, services.can_import)
    rows = itas.template_rows(round_.framework)
    name = f"itas-results-{agency.code}-{round_.fiscal_year}.{fmt}"
    if fmt == "csv":
        return csv_response(name, itas.TEMPLATE_HEADER, rows)
    return xlsx_response(
        name, [Sheet(title=_("ITAS results"), header=itas.TEMPLATE_HEADER, rows=rows, widths=(14, 70, 12, 40))]
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_results(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = _agency_round(request.user, code, round_id, services.can_import)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = ItasImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                table = read_table(upload.name, name=upload.name, data=data)
                batch = services.import_itas_results(request.user, round_, agency, table, data)
            except InputError as exc:
                thai = not english()
                errors = [p.message(thai=thai) for p in exc.problems[:MAX_LISTED]]
                status = 400
            else:
                messages.success(request, _("Imported %(count)d rows of ITAS results.") % {"count": batch.row_count})
                return redirect(reverse("itas_import", args=[agency.code, round_.pk]))
        else:
            status = 400
    else:
        form = ItasImportForm()
    result = AgencyResult.objects.filter(round=round_, agency=agency, source=ResultSource.OFFICIAL).first()
    stored = {k: v for k, v in (result.items or {}).items()} if result is not None else {}
    return render(
        request,
        "itas/import.html",
        {
            "agency": agency,
            "round": round_,
            "form": form,
            "errors": errors,
            "result": result,
            "stored_count": len(stored),
            "batch": result.items_batch if result is not None else None,
            "file_words": FILE_WORDS,
            "file_sample": FILE_SAMPLE,
        },
        status=status,
    )
