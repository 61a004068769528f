"""The public transparency page of an agency's O-items (no login): HTML, the embeddable twin, JSON and the files
the agency marked public; also the demo's synthetic evidence pages."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from prongsai.core.thai import format_thai_datetime
from prongsai.web.agencies.models import Agency
from prongsai.web.oit import permissions, queries
from prongsai.web.oit.models import EvidenceFile
from prongsai.web.oit.views import file_response, round_agency
from prongsai.web.rounds.models import AssessmentRound


def _public_data(code: str, round_id: int) -> tuple[AssessmentRound, Agency, list[dict]]:
    round_, agency = round_agency(round_id, code)
    return round_, agency, queries.public_index(round_, agency)


def _public_context(request, code, round_id) -> dict:
    round_, agency, rows = _public_data(code, round_id)
    framework = round_.framework
    indicators = [
        {"indicator": ind, "rows": [r for r in rows if r["indicator"] == ind.number]}
        for t in framework.evidence_tools
        for ind in framework.indicators_of(t)
    ]
    dates = [r["last_checked"] for r in rows if r["last_checked"]]
    return {
        "round": round_,
        "agency": agency,
        "indicators": indicators,
        "published_count": sum(1 for r in rows if r["status"] != "not_submitted"),
        "total": len(rows),
        "last_checked": max(dates) if dates else None,
        "scores_public": round_.results_published,
        "json_url": reverse("oit_public_json", args=[agency.code, round_.pk]),
        "page_url": reverse("oit_public", args=[agency.code, round_.pk]),
    }


@require_GET
def oit_public(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The agency's public O-item index (no login)."""
    return render(request, "oit/public.html", _public_context(request, code, round_id))


@xframe_options_exempt
@require_GET
def oit_embed(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The same index as a bare page the agency embeds on its own website in an iframe (framing allowed here
    only)."""
    return render(request, "oit/embed.html", _public_context(request, code, round_id))


def _score_json(value: Decimal | None):
    return None if value is None else str(value)


@require_GET
def oit_public_json(request: HttpRequest, code: str, round_id: int) -> JsonResponse:
    round_, agency, rows = _public_data(code, round_id)
    data = {
        "agency": {"code": agency.code, "name_th": agency.name_th, "short_name": agency.short_name},
        "round": {
            "id": round_.pk,
            "fiscal_year": round_.fiscal_year,
            "framework": round_.framework_id,
            "name_th": round_.name_th,
        },
        "generated_at": timezone.now().isoformat(),
        "items": [
            {
                "code": r["code"],
                "title": r["title"],
                "indicator": r["indicator"],
                "sub_indicator": r["sub_indicator"],
                "status": r["status"],
                "status_th": r["status_label"],
                "submitted_at": r["submitted_at"].isoformat() if r["submitted_at"] else None,
                "last_checked": r["last_checked"].isoformat() if r["last_checked"] else None,
                "last_checked_th": format_thai_datetime(r["last_checked"]) if r["last_checked"] else None,
                "links": [
                    {
                        "url": link["url"],
                        "label": link["label"],
                        "last_checked": link["last_checked"].isoformat() if link["last_checked"] else None,
                    }
                    for link in r["links"]
                ],
                "files": [
                    {
                        "name": f["name"],
                        "label": f["label"],
                        "sha256": f["sha256"],
                        "size": f["size"],
                        "url": request.build_absolute_uri(reverse("oit_public_file", args=[f["id"]])),
                    }
                    for f in r["files"]
                ],
                "score": _score_json(r["score"]),
            }
            for r in rows
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def oit_public_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A file the agency marked public, only once the item was submitted with it (it is in the snapshot)."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("entry"), pk=pk, is_public=True)
    if not permissions.is_published_file(evidence):
        raise Http404
    return file_response(evidence)


@require_GET
def oit_demo_site(request: HttpRequest, page: str) -> HttpResponse:
    """Synthetic evidence pages for the demo (``prongsai.web.oit.demo``); never served in production."""
    from prongsai.web.oit.demo_site import page_html

    html = None if getattr(settings, "PRODUCTION", False) else page_html(page)
    if html is None:
        raise Http404
    return HttpResponse(html, content_type="text/html; charset=utf-8")
