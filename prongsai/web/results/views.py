"""Results pages: an agency's dashboard, the national dashboard and its exports, and the import of official results.

Views parse the request, ask ``agencies.access`` who may see what, read through ``results.queries`` (a fixed
number of queries per page), call one service for a change, and render.  They never write models themselves.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from prongsai.core.framework import Framework, FrameworkError
from prongsai.core.tabular import InputError, read_table
from prongsai.core.thai import format_score
from prongsai.web import exports as web_exports
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, AgencyKind, Region
from prongsai.web.messages import english, error_texts
from prongsai.web.results import charts, exports, queries, standings
from prongsai.web.results.forms import ImportForm, NationalFilterForm
from prongsai.web.results.models import AgencyResult, Standing, StandingState
from prongsai.web.results.services import import_official_results
from prongsai.web.rounds.models import AssessmentRound


def _name(obj) -> str:
    """Thai name, or the English one after the language switch when the object has it."""
    if english() and getattr(obj, "name_en", None):
        return obj.name_en
    return obj.name_th


def _level_label(framework: Framework | None, label: str) -> str:
    if not label or framework is None or not english():
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
        # one of the choices (already read) in the common case, else any round by its id
        return next((r for r in choices if r.pk == pk), None) or get_object_or_404(AssessmentRound, pk=pk)
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
    context: dict = {
        "agency": agency,
        "rounds": rounds,
        "round": round_,
        "can_import": access.can_import_results(request.user) and access.can_manage_agency(request.user, agency),
    }
    result = queries.effective_result(round_, agency) if round_ else None
    framework = _framework(round_) if round_ else None
    if result is None or framework is None:
        return render(request, "results/agency_dashboard.html", context)
    assert round_ is not None  # a result was found for it
    # A computed result may be partial (surveys scored, OIT still under review, or the reverse): show what
    # exists; total, level and rank wait until every tool has a score.

    # Before publication a rank would compare the agency with others' unpublished results (an oracle: re-import
    # chosen totals, read the rank): only central admins see it then (access.can_see_ranks).
    show_ranks = access.can_see_ranks(request.user, round_)
    standing = standings.agency_standing(round_, agency) if show_ranks else None
    rank, peers = (standing.rank, standing.peers) if standing is not None else (None, 0)
    previous = queries.previous_year_results(round_.fiscal_year, agency=agency).get(agency.pk)
    prev_indicators = {
        int(k): Decimal(str(v)) for k, v in (previous or {}).get("indicators", {}).items() if v not in (None, "")
    }
    target = framework.pass_target
    scores = result.indicator_scores()

    indicators = []
    for ind in framework.indicators:
        value = scores.get(ind.number)
        before = prev_indicators.get(ind.number)
        indicators.append(
            {
                "number": ind.number,
                "name": ind.name_en if english() and ind.name_en else ind.name_th,
                "tool": ind.tool,
                "score": value,
                "previous": before,
                "change": value - before if value is not None and before is not None else None,
                "weak": value is not None and value < target,
                "gap": target - value if value is not None and value < target else None,
            }
        )
    weak = [i for i in indicators if i["weak"]]

    tools = []
    for tool in framework.tools:
        value = _d(getattr(result, tool.code.lower(), None))
        before = _d(previous.get(tool.code.lower())) if previous else None
        tools.append(
            {
                "code": tool.code,
                "name": tool.name_en if english() and tool.name_en else tool.name_th,
                "weight": format_score(tool.weight, 0),
                "score": value,
                "previous": before,
                "change": value - before if value is not None and before is not None else None,
            }
        )

    chart = None
    if scores:
        # (mypy) the context dicts hold these types
        bars = [
            charts.Bar(
                label=f"{i['number']}. {i['name']}",
                value=i["score"],  # type: ignore[arg-type]  # the context dicts hold these types
                weak=i["weak"],  # type: ignore[arg-type]  # the same
                note="▼" if i["weak"] else "",
            )
            for i in indicators
        ]
        chart = charts.indicator_bars(
            bars,
            target=target,
            target_label=_("Target %(target)s") % {"target": format_score(target, 0)},
            title=_("Indicator scores of %(agency)s") % {"agency": agency.display_name},
            desc=_(
                "Scores of the %(n)d indicators out of 100; the dashed line is the target of %(target)s; "
                "%(weak)d indicator(s) below the target."
            )
            % {"n": len(indicators), "target": format_score(target, 0), "weak": len(weak)},
        )

    previous_total = _d(previous["total"]) if previous else None
    try:  # the analysis and what-if planner of the measures feature, when installed
        analysis_url = reverse("measures_analysis", kwargs={"code": agency.code, "round_id": round_.pk})
    except NoReverseMatch:
        analysis_url = None
    context.update(
        {
            "analysis_url": analysis_url,
            "result": result,
            "framework": framework,
            "framework_name": _name(framework),
            "level_label": _level_label(framework, result.level),
            "rank": rank,
            "peers": peers,
            "kind_label": exports.kind_label(agency.kind),
            "tools": tools,
            "indicators": indicators,
            "weak": weak,
            "chart": chart,
            "target": target,
            "previous": previous,
            "previous_total": previous_total,
            "previous_year": round_.fiscal_year - 1,
            "total_change": (
                result.total - previous_total if result.total is not None and previous_total is not None else None
            ),
            "item_groups": _item_groups(framework, result.items or {}),
            "unpublished": not round_.results_published,
            "show_ranks": show_ranks,
        }
    )
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
                subs = [
                    {
                        "code": f.code,
                        "text": f.text,
                        "score": value(f.code),
                        "weak": value(f.code) is not None and value(f.code) < target,
                    }
                    for f in q.fields
                ]
            if v is None and not any(s["score"] is not None for s in subs):
                continue
            rows.append(
                {"code": q.code, "text": q.text, "score": v, "weak": v is not None and v < target, "subs": subs}
            )
        for o in framework.oit_items:
            if o.indicator != ind.number:
                continue
            v = value(o.code)
            if v is None:
                continue
            rows.append({"code": o.code, "text": o.title, "score": v, "weak": v < 100, "subs": []})
        if rows:
            groups.append(
                {
                    "number": ind.number,
                    "name": ind.name_en if english() and ind.name_en else ind.name_th,
                    "tool": ind.tool,
                    "rows": rows,
                }
            )
    return groups


@login_required
def no_agency(request: HttpRequest) -> HttpResponse:
    """Shown to a signed-in person who holds no role in any agency yet."""
    return render(request, "no_agency.html")


# -------------------------------------------------------------------------------------------- national

PER_PAGE = (50, 100)


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


def _national_data(request: HttpRequest) -> dict:
    """Round, peer group (kind), filters and the filtered ranking query of the national pages: a fixed number of
    queries whatever the number of agencies (the ranks come from ``standings``, rebuilt only after a change)."""
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    all_rounds = list(AssessmentRound.objects.order_by("-fiscal_year", "framework_id"))
    raw = request.GET.get("round", "")
    if raw:
        round_ = next((r for r in all_rounds if str(r.pk) == raw), None)
        if round_ is None:
            raise Http404
    else:
        round_ = _latest_with_results(all_rounds)
    framework = _framework(round_) if round_ else None
    state = standings.ensure(round_) if round_ is not None else None
    facets: dict = state.facets if state is not None else {}
    kinds_present = set(facets)
    kind = request.GET.get("kind", "")
    if kind not in AgencyKind.values or kind == AgencyKind.CENTRAL:
        preferred = [k for k in (framework.agency_types if framework else ()) if k in kinds_present]
        kind = (
            preferred[0]
            if preferred
            else (min(kinds_present) if kinds_present else (framework.agency_types[0] if framework else AgencyKind.ESA))
        )
    facet = facets.get(kind, {})
    subkinds, provinces = facet.get("subkinds", []), facet.get("provinces", [])
    parents = [tuple(p) for p in facet.get("parents", [])]
    levels = [lv.label for lv in framework.levels] if framework else []
    filters = standings.Filters(
        region=_choice(request.GET.get("region", ""), Region.values),
        province=_choice(request.GET.get("province", ""), provinces),
        subkind=_choice(request.GET.get("subkind", ""), subkinds),
        parent=_choice(request.GET.get("parent", ""), {code for code, _label in parents}),
        level=_choice(request.GET.get("level", ""), levels),
        q=" ".join(request.GET.get("q", "").replace("\x00", "").split())[:100],
    )  # NUL: PostgreSQL refuses it
    try:
        per_page = int(request.GET.get("per_page", PER_PAGE[0]))
    except ValueError:
        per_page = PER_PAGE[0]
    per_page = per_page if per_page in PER_PAGE else PER_PAGE[0]
    query = standings.ranking(round_, kind, filters) if round_ else Standing.objects.none()
    form = NationalFilterForm(
        initial={
            "round": round_.pk if round_ else None,
            "kind": kind,
            "subkind": filters.subkind,
            "region": filters.region,
            "province": filters.province,
            "parent": filters.parent,
            "level": filters.level,
            "q": filters.q,
            "per_page": str(per_page),
        },
        rounds=all_rounds,
        subkinds=subkinds,
        provinces=provinces,
        parents=parents,
        levels=levels,
    )
    # the filters as plain data for the template: Django's widget templates took half the page's time to render
    # 300-odd options (225 parent offices, 77 provinces)
    fields = [
        {
            "name": name,
            "label": field.label,
            "value": str(form.initial.get(name) or ""),
            "choices": [(str(value), str(text)) for value, text in field.choices]
            if hasattr(field, "choices")
            else None,
        }
        for name, field in form.fields.items()
    ]
    params = {
        "round": round_.pk if round_ else "",
        "kind": kind,
        "subkind": filters.subkind,
        "region": filters.region,
        "province": filters.province,
        "parent": filters.parent,
        "level": filters.level,
        "q": filters.q,
    }
    return {
        "round": round_,
        "framework": framework,
        "query_set": query,
        "kind": kind,
        "filters": filters,
        "peers_count": facet.get("rows", 0),
        "state": state,
        "form": form,
        "fields": fields,
        "per_page": per_page,
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v != ""}),
    }


def _latest_with_results(rounds: list[AssessmentRound]) -> AssessmentRound | None:
    """The newest round that has results (the default of the national page), else the newest round.

    The standings' state knows it in one small query; a round whose standings were never built is asked
    directly, newest first (an EXISTS over a big results table can be planned as a long scan)."""
    with_rows = set(StandingState.objects.filter(rows__gt=0).values_list("round_id", flat=True))
    known = next((r for r in rounds if r.pk in with_rows), None)
    if known is not None:
        return known
    return next((r for r in rounds if AgencyResult.objects.filter(round=r).exists()), rounds[0] if rounds else None)


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    data = _national_data(request)
    framework, query, round_ = data["framework"], data["query_set"], data["round"]
    labels = [lv.label for lv in framework.levels] if framework else []
    total = None
    if round_ is not None:  # the unfiltered summary was computed with the standings; a filtered one is read now
        total = (
            standings.summary(query, labels, framework.pass_target if framework else None)
            if data["filters"].active()
            else standings.stored_summary(data["state"], data["kind"])
        )
    count = total.count if total else 0
    per_page = data["per_page"]
    pages = max(1, -(-count // per_page))
    try:
        page = max(1, min(pages, int(request.GET.get("page", 1))))
    except ValueError:
        page = 1
    rows = standings.page(query, page, per_page, filtered=data["filters"].active()) if count else []
    for r in rows:
        r.level_display = _level_label(framework, r.level)  # type: ignore[attr-defined]  # for the template
        r.kind_display = exports.kind_label(r.kind)  # type: ignore[attr-defined]  # for the template
        r.region_display = exports.region_label(r.region)  # type: ignore[attr-defined]  # for the template
    risers: list = []
    fallers: list = []
    counts, chart, summary = [], None, None
    if total and total.count:
        counts = [
            {
                "label": _level_label(framework, label),
                "raw": label,
                "count": n,
                "share": (Decimal(n) * 100 / total.count).quantize(Decimal("0.1")),
            }
            for label, n in total.levels.items()
        ]
        if total.bins:
            chart = charts.histogram(
                total.bins,
                title=_("Distribution of total scores"),
                desc=_("Number of agencies per 5-point band of the total score, %(n)d agencies.") % {"n": total.ranked},
                x_label=_("Total score"),
                y_label=_("Agencies"),
            )
        if total.ranked:
            summary = {
                "count": total.ranked,
                "mean": total.mean,
                "median": total.median,
                "max": total.max,
                "min": total.min,
                "pass": total.passed,
            }
        if total.with_previous:
            risers, fallers = standings.movers(query)
    page_query = urlencode({k: v for k, v in {**data["params"], "per_page": per_page}.items() if v != ""})
    data.update(
        {
            "rows": rows,
            "count": count,
            "page": page,
            "pages": pages,
            "first_row": (page - 1) * per_page + 1 if count else 0,
            "last_row": min(page * per_page, count),
            "page_query": page_query,
            "level_counts": counts,
            "chart": chart,
            "risers": risers,
            "fallers": fallers,
            "summary": summary,
            "bins": total.bins if total else [],
            "kind_label": exports.kind_label(data["kind"]),
            "has_previous": bool(total and total.with_previous),
        }
    )
    return render(request, "results/national.html", data)


@login_required
@require_GET
def national_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every row of the filtered ranking (not one page), streamed: CSV row by row, XLSX from a write-only
    workbook spooled to a temporary file."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = _national_data(request)
    round_ = data["round"]
    stem = f"prongsai-ranking-{round_.fiscal_year if round_ else 'none'}-{data['kind']}"
    rows = standings.iter_rows(data["query_set"])
    if fmt == "csv":
        return exports.csv_response(f"{stem}.csv", rows)
    return exports.xlsx_response(f"{stem}.xlsx", rows, title=_("Ranking"), footer=round_.name_th if round_ else "")


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
                errors = error_texts(exc)
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "Imported %(count)d result into %(round)s.",
                        "Imported %(count)d results into %(round)s.",
                        batch.row_count,
                    )
                    % {"count": batch.row_count, "round": round_.name_th},
                )
                return redirect(_after_import(request.user, round_))
        else:
            status = 400
    else:
        form = ImportForm(rounds=rounds, initial={"round": initial_round or (rounds[0] if rounds else None)})
    return render(
        request,
        "results/import.html",
        {"form": form, "errors": errors, "rounds": rounds, "max_listed": 50},
        status=status,
    )


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
    header = ["agency", "year"] + [f"i{i.number}" for i in framework.indicators]
    rows = [
        [agency.code, round_.fiscal_year] + [""] * len(framework.indicators)
        for agency in queries.template_agencies(request.user, round_)
    ]
    response = HttpResponse(web_exports.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="results-{round_.framework_id}-{round_.fiscal_year}.csv"'
    return response
