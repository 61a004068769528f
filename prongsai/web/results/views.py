"""Results pages: an agency's dashboard, the national dashboard and its exports, and the import of official results.

Views parse the request, ask ``agencies.access`` who may see what, read through ``results.queries`` (a fixed
number of queries per page), call one service for a change, and render.  They never write models themselves.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from statistics import median

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from prongsai.core.framework import Framework, FrameworkError
from prongsai.core.tabular import InputError, read_table
from prongsai.core.thai import format_score
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, AgencyKind, Region
from prongsai.web.results import charts, exports, queries
from prongsai.web.results.forms import ImportForm, NationalFilterForm
from prongsai.web.results.models import AgencyResult
from prongsai.web.results.services import import_official_results
from prongsai.web.rounds.models import AssessmentRound


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def _name(obj) -> str:
    """Thai name, or the English one after the language switch when the object has it."""
    if _english() and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name_th


def _level_label(framework: Framework | None, label: str) -> str:
    if not label or framework is None or not _english():
        return label
    for level in framework.levels:
        if level.label == label:
            return level.label_en or label
    return label


def _framework(round_: AssessmentRound) -> Framework | None:
    try:
        return round_.framework
    except FrameworkError:
        return None


def _round_from(request: HttpRequest, choices: list[AssessmentRound]) -> AssessmentRound | None:
    """The round named by ``?round=`` (404 when unknown), else the first of ``choices``."""
    raw = request.GET.get("round", "")
    if raw:
        try:
            pk = int(raw)
        except ValueError:
            raise Http404 from None
        return get_object_or_404(AssessmentRound, pk=pk)
    return choices[0] if choices else None


def _d(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# ---------------------------------------------------------------------------------------------- agency


@login_required
@require_GET
def agency_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    if not access.can_view_agency(request.user, agency):
        raise PermissionDenied
    rounds = queries.rounds_with_results(agency)
    round_ = _round_from(request, rounds)
    context: dict = {"agency": agency, "rounds": rounds, "round": round_,
                     "can_import": access.can_import_results(request.user)
                     and access.can_manage_agency(request.user, agency)}
    result = queries.effective_result(round_, agency) if round_ else None
    framework = _framework(round_) if round_ else None
    if result is None or framework is None:
        return render(request, "results/agency_dashboard.html", context)
    # A computed result may be partial (surveys scored, OIT still under review, or the reverse): show what
    # exists; total, level and rank wait until every tool has a score.

    rank, peers = queries.peer_rank(round_, agency)
    previous = queries.previous_year_results(round_.fiscal_year, agency=agency).get(agency.pk)
    prev_indicators = {int(k): Decimal(str(v)) for k, v in (previous or {}).get("indicators", {}).items()
                       if v not in (None, "")}
    target = framework.pass_target
    scores = result.indicator_scores()

    indicators = []
    for ind in framework.indicators:
        value = scores.get(ind.number)
        before = prev_indicators.get(ind.number)
        indicators.append({
            "number": ind.number, "name": ind.name_en if _english() and ind.name_en else ind.name_th,
            "tool": ind.tool, "score": value, "previous": before,
            "change": value - before if value is not None and before is not None else None,
            "weak": value is not None and value < target,
            "gap": target - value if value is not None and value < target else None,
        })
    weak = [i for i in indicators if i["weak"]]

    tools = []
    for tool in framework.tools:
        value = _d(getattr(result, tool.code.lower(), None))
        before = _d(previous.get(tool.code.lower())) if previous else None
        tools.append({"code": tool.code, "name": tool.name_en if _english() and tool.name_en else tool.name_th,
                      "weight": format_score(tool.weight, 0), "score": value, "previous": before,
                      "change": value - before if value is not None and before is not None else None})

    chart = None
    if scores:
        bars = [charts.Bar(label=f"{i['number']}. {i['name']}", value=i["score"], weak=i["weak"],
                           note="▼" if i["weak"] else "") for i in indicators]
        chart = charts.indicator_bars(
            bars, target=target, target_label=_("Target %(target)s") % {"target": format_score(target, 0)},
            title=_("Indicator scores of %(agency)s") % {"agency": agency.display_name},
            desc=_("Scores of the %(n)d indicators out of 100; the dashed line is the target of %(target)s; "
                   "%(weak)d indicator(s) below the target.") % {
                "n": len(indicators), "target": format_score(target, 0), "weak": len(weak)})

    previous_total = _d(previous["total"]) if previous else None
    try:  # the analysis and what-if planner of the measures feature, when installed
        analysis_url = reverse("measures_analysis", kwargs={"code": agency.code, "round_id": round_.pk})
    except NoReverseMatch:
        analysis_url = None
    context.update({
        "analysis_url": analysis_url,
        "result": result, "framework": framework, "framework_name": _name(framework),
        "level_label": _level_label(framework, result.level),
        "rank": rank, "peers": peers, "kind_label": exports.kind_label(agency.kind),
        "tools": tools, "indicators": indicators, "weak": weak, "chart": chart, "target": target,
        "previous": previous, "previous_total": previous_total, "previous_year": round_.fiscal_year - 1,
        "total_change": (result.total - previous_total
                         if result.total is not None and previous_total is not None else None),
        "item_groups": _item_groups(framework, result.items or {}),
        "unpublished": not round_.results_published,
    })
    return render(request, "results/agency_dashboard.html", context)


def _item_groups(framework: Framework, items: dict) -> list[dict]:
    """Item-level scores grouped by indicator, with the framework's wording; empty when there are none."""
    if not items:
        return []

    def value(code):
        raw = items.get(code)
        return None if raw in (None, "") else Decimal(str(raw))

    target = framework.pass_target
    groups = []
    for ind in framework.indicators:
        rows = []
        for q in framework.questions:
            if q.indicator != ind.number:
                continue
            v = value(q.code)
            subs = []
            if q.has_sub_items:
                subs = [{"code": f.code, "text": f.text, "score": value(f.code),
                         "weak": value(f.code) is not None and value(f.code) < target} for f in q.fields]
            if v is None and not any(s["score"] is not None for s in subs):
                continue
            rows.append({"code": q.code, "text": q.text, "score": v, "weak": v is not None and v < target,
                         "subs": subs})
        for o in framework.oit_items:
            if o.indicator != ind.number:
                continue
            v = value(o.code)
            if v is None:
                continue
            rows.append({"code": o.code, "text": o.title, "score": v, "weak": v < 100, "subs": []})
        if rows:
            groups.append({"number": ind.number, "name": ind.name_en if _english() and ind.name_en else ind.name_th,
                           "tool": ind.tool, "rows": rows})
    return groups


@login_required
def no_agency(request: HttpRequest) -> HttpResponse:
    """Shown to a signed-in person who holds no role in any agency yet."""
    return render(request, "no_agency.html")


# -------------------------------------------------------------------------------------------- national


def _national_data(request: HttpRequest) -> dict:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    all_rounds = list(AssessmentRound.objects.order_by("-fiscal_year", "framework_id"))
    with_results = set(AgencyResult.objects.order_by().values_list("round_id", flat=True).distinct())
    default = [r for r in all_rounds if r.pk in with_results] or all_rounds
    round_ = _round_from(request, default)
    framework = _framework(round_) if round_ else None
    rows = queries.round_table(round_) if round_ else []

    kinds_present = {r.kind for r in rows}
    kind = request.GET.get("kind", "")
    if kind not in AgencyKind.values or kind == AgencyKind.CENTRAL:
        preferred = [k for k in (framework.agency_types if framework else ()) if k in kinds_present]
        kind = preferred[0] if preferred else (min(kinds_present) if kinds_present else
                                               (framework.agency_types[0] if framework else AgencyKind.ESA))
    peers = [r for r in rows if r.kind == kind]
    subkinds = sorted({r.subkind for r in peers if r.subkind})
    subkind = request.GET.get("subkind", "")
    subkind = subkind if subkind in subkinds else ""
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    shown = [r for r in peers if (not subkind or r.subkind == subkind) and (not region or r.region == region)]

    form = NationalFilterForm(initial={"round": round_.pk if round_ else None, "kind": kind, "subkind": subkind,
                                       "region": region},
                              rounds=AssessmentRound.objects.order_by("-fiscal_year", "framework_id"),
                              subkinds=subkinds)
    params = {"round": round_.pk if round_ else "", "kind": kind, "subkind": subkind, "region": region}
    return {"round": round_, "framework": framework, "rows": shown, "peers_count": len(peers), "kind": kind,
            "subkind": subkind, "region": region, "form": form,
            "query": "&".join(f"{k}={v}" for k, v in params.items() if v != "")}


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    data = _national_data(request)
    rows, framework = data["rows"], data["framework"]
    totals = [r.total for r in rows if r.total is not None]
    for r in rows:
        r.level_display = _level_label(framework, r.level)
        r.kind_display = exports.kind_label(r.kind)
        r.region_display = exports.region_label(r.region)
    labels = [lv.label for lv in framework.levels] if framework else []
    counts = [{"label": _level_label(framework, label), "raw": label, "count": count,
               "share": (Decimal(count) * 100 / len(rows)).quantize(Decimal("0.1")) if rows else Decimal(0)}
              for label, count in queries.level_counts(rows, labels)]
    bins = queries.histogram(totals)
    chart = charts.histogram(
        bins, title=_("Distribution of total scores"),
        desc=_("Number of agencies per 5-point band of the total score, %(n)d agencies.") % {"n": len(totals)},
        x_label=_("Total score"), y_label=_("Agencies")) if bins else None
    risers, fallers = queries.movers(rows)
    summary = None
    if totals:
        summary = {"count": len(totals), "mean": sum(totals) / len(totals), "median": median(totals),
                   "max": max(totals), "min": min(totals),
                   "pass": sum(1 for t in totals if framework and t >= framework.pass_target)}
    data.update({"level_counts": counts, "chart": chart, "risers": risers, "fallers": fallers, "summary": summary,
                 "bins": bins, "kind_label": exports.kind_label(data["kind"]),
                 "has_previous": any(r.previous_total is not None for r in rows)})
    return render(request, "results/national.html", data)


@login_required
@require_GET
def national_export(request: HttpRequest, fmt: str) -> HttpResponse:
    data = _national_data(request)
    header, body = exports.ranking_table(data["rows"])
    round_ = data["round"]
    stem = f"prongsai-ranking-{round_.fiscal_year if round_ else 'none'}-{data['kind']}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(header, body), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(header, body, title=_("Ranking"), footer=round_.name_th if round_ else ""),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# ---------------------------------------------------------------------------------------------- import


@login_required
@require_http_methods(["GET", "POST"])
def results_import(request: HttpRequest) -> HttpResponse:
    if not access.can_import_results(request.user):
        raise PermissionDenied
    rounds = queries.importable_rounds(request.user)
    initial_round = None
    if request.GET.get("round", "").isdigit():
        initial_round = next((r for r in rounds if r.pk == int(request.GET["round"])), None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, rounds=rounds)
        if form.is_valid():
            round_ = form.cleaned_data["round"]
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                table = read_table(upload.name, name=upload.name, data=data)
                batch = import_official_results(request.user, round_, table, data)
            except InputError as exc:
                errors = [p.message(thai=not _english()) for p in exc.problems]
                status = 400
            else:
                messages.success(request, ngettext(
                    "Imported %(count)d result into %(round)s.", "Imported %(count)d results into %(round)s.",
                    batch.row_count) % {"count": batch.row_count, "round": round_.name_th})
                return redirect(_after_import(request.user, round_))
        else:
            status = 400
    else:
        form = ImportForm(rounds=rounds, initial={"round": initial_round or (rounds[0] if rounds else None)})
    return render(request, "results/import.html", {"form": form, "errors": errors, "rounds": rounds,
                                                   "max_listed": 50}, status=status)


def _after_import(user, round_: AssessmentRound) -> str:
    if access.is_central_admin(user):
        return f"{reverse('national')}?round={round_.pk}"
    agency = access.home_agency(user)
    if agency is None:
        return reverse("home")
    return f"{reverse('agency_dashboard', kwargs={'code': agency.code})}?round={round_.pk}"


@login_required
@require_GET
def results_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV to fill in: the columns the round's framework expects, one row per agency the user may import."""
    if not access.can_import_results(request.user):
        raise PermissionDenied
    rounds = queries.importable_rounds(request.user)
    round_ = _round_from(request, rounds)
    if round_ is None or round_ not in rounds:
        raise Http404
    framework = _framework(round_)
    if framework is None:
        raise Http404
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["agency", "year"] + [f"i{i.number}" for i in framework.indicators])
    for agency in queries.template_agencies(request.user, round_):
        writer.writerow([agency.code, round_.fiscal_year] + [""] * len(framework.indicators))
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="results-{round_.framework_id}-{round_.fiscal_year}.csv"'
    return response
