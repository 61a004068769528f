"""Pages of the analysis, the committee, the measures and the units' progress reports.

Views parse, ask ``measures.permissions``, call one service for a change, and render.  They never write models.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.core.thai import fiscal_year_bounds, format_score
from prongsai.web.agencies.models import Agency
from prongsai.web.measures import analysis as analysis_view
from prongsai.web.measures import committees, permissions, services
from prongsai.web.measures.forms import (
    PERIODS,
    ActionFormSet,
    MeasureForm,
    NoteForm,
    ProgressForm,
    StatusForm,
)
from prongsai.web.measures.models import (
    Measure,
    MeasureAction,
    MeasureStatus,
    ProgressFile,
    ProgressReport,
    ReportPeriod,
)
from prongsai.web.messages import report_error
from prongsai.web.results import charts
from prongsai.web.rounds.models import AssessmentRound


def agency_for(user, code: str, allowed: Callable[[object, Agency], bool]) -> Agency:
    """The agency ``code`` (404 if unknown), if ``allowed(user, agency)`` (else 403)."""
    agency = get_object_or_404(Agency, code=code)
    if not allowed(user, agency):
        raise PermissionDenied
    return agency


def agency_round(
    user, code: str, round_id: int, allowed: Callable[[object, Agency], bool]
) -> tuple[Agency, AssessmentRound]:
    """The agency ``code`` and the round ``round_id`` (404 if either is unknown), if ``allowed(user, agency)``."""
    agency = get_object_or_404(Agency, code=code)
    round_ = get_object_or_404(AssessmentRound, pk=round_id)
    if not allowed(user, agency):
        raise PermissionDenied
    return agency, round_


def error_messages(request: HttpRequest, exc: ValidationError) -> None:
    report_error(request, exc)


def _today() -> date:
    return timezone.localdate()


def nav(agency: Agency, round_: AssessmentRound, user, current: str) -> dict:
    """The workspace tabs shared by the pages of one agency × working round."""
    analysed = analysis_view.analysed_round(round_)
    return {
        "agency": agency,
        "round": round_,
        "analysed_round": analysed,
        "tab": current,
        "can_manage": permissions.can_manage(user, agency),
        "can_view_analysis": permissions.can_view_analysis(user, agency),
    }


# ----------------------------------------------------------------------------------------------- index


@login_required
@require_GET
def index(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's measures workspace of the latest round (open first)."""
    agency = agency_for(request.user, code, permissions.can_view_measures)
    rounds = [
        r
        for r in AssessmentRound.objects.order_by("-fiscal_year", "-pk")
        if (fw := analysis_view.framework_of(r)) is not None and agency.kind in fw.agency_types
    ]
    if not rounds:
        return render(request, "measures/no_round.html", {"agency": agency})
    current = next((r for r in rounds if r.is_open), rounds[0])
    return redirect("measures_list", code=agency.code, round_id=current.pk)


# -------------------------------------------------------------------------------------------- analysis


@login_required
@require_GET
def analysis(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The analysis of the agency's result in round ``round_id`` (the analysed round, e.g. 2562)."""
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_view_analysis)
    try:
        lowest_n = max(1, min(10, int(request.GET.get("n", analysis_view.DEFAULT_LOWEST))))
    except ValueError:
        lowest_n = analysis_view.DEFAULT_LOWEST
    data = analysis_view.build(round_, agency, lowest_n=lowest_n, viewer=request.user)
    working = analysis_view.working_round(round_)
    can_manage = permissions.can_manage(request.user, agency)
    context = {
        "agency": agency,
        "round": round_,
        "a": data,
        "lowest_n": lowest_n,
        "working_round": working,
        "can_manage": can_manage,
        "chart": _chart(data) if data else None,
    }
    return render(request, "measures/analysis.html", context)


def _chart(data) -> str:
    bars = [
        charts.Bar(label=f"{r.number}. {r.name}", value=r.score, weak=r.weak, note="▼" if r.weak else "")
        for r in data.indicators
    ]
    return charts.indicator_bars(
        bars,
        target=data.target,
        target_label=_("Target %(t)s") % {"t": format_score(data.target, 0)},
        title=_("Indicator scores, highest first"),
        desc=_("%(n)d indicators sorted by score; %(w)d below the target of %(t)s.")
        % {"n": len(data.indicators), "w": len(data.weak), "t": format_score(data.target, 0)},
    )


@login_required
@require_POST
def analysis_note(request: HttpRequest, code: str, round_id: int, indicator: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.save_analysis_note(request.user, round_, agency, indicator, form.cleaned_data["text"])
            messages.success(request, _("Analysis of indicator %(n)d saved.") % {"n": indicator})
        except ValidationError as exc:
            error_messages(request, exc)
    else:
        messages.error(request, _("The analysis could not be saved."))
    return redirect(reverse("measures_analysis", args=[agency.code, round_.pk]) + f"#indicator-{indicator}")


# ---------------------------------------------------------------------------------------------- measures


def _measures(agency: Agency, round_: AssessmentRound, pk: int | None = None) -> list[Measure]:
    """The round's measures of ``agency`` (only measure ``pk`` if given) with what their rows show."""
    measures = Measure.objects.filter(agency=agency, round=round_)
    if pk is not None:
        measures = measures.filter(pk=pk)
    return list(
        measures.select_related("agency", "round").prefetch_related(
            "units",
            Prefetch("actions", MeasureAction.objects.select_related("unit")),
            Prefetch(
                "reports", ProgressReport.objects.select_related("unit", "submitted_by").prefetch_related("files")
            ),
        )
    )


def _measure_rows(request, agency: Agency, measures: list[Measure]) -> list[dict]:
    today = _today()
    all_units = list(agency.units.order_by("order", "name_th"))
    mine = permissions.staff_units(request.user, agency)
    manage = permissions.can_manage(request.user, agency)
    rows = []
    for m in measures:
        responsible = all_units if m.all_units else services.responsible_units(m)
        states = services.period_states(m, today, responsible)
        is_mine = any(u.pk in mine for u in responsible)
        rows.append(
            {
                "measure": m,
                "responsible": responsible,
                "states": states,
                "overdue": [s for s in states if s.overdue],
                "can_report": manage or is_mine,
                "mine": is_mine,
            }
        )
    return rows


@login_required
@require_GET
def measure_list(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_view_measures)
    rows = _measure_rows(request, agency, _measures(agency, round_))
    mine_only = request.GET.get("mine") == "1"
    if mine_only:
        rows = [r for r in rows if r["mine"]]
    context = nav(agency, round_, request.user, "measures")
    committee = committees.committee_for(round_, agency)
    context.update(
        {
            "rows": rows,
            "labels": services.valid_target_codes(round_, context["analysed_round"]),
            "today": _today(),
            "overdue_count": sum(1 for r in rows if r["overdue"]),
            "committee_size": committee.members.count() if committee else 0,
            "mine_only": mine_only,
            "is_staff_member": bool(permissions.staff_units(request.user, agency)),
        }
    )
    return render(request, "measures/list.html", context)


def _weak_choices(round_: AssessmentRound, agency: Agency) -> list[tuple[str, str]]:
    """Checkbox choices: the weak and lowest indicators of the analysed result, with their scores."""
    analysed = analysis_view.analysed_round(round_)
    if analysed is None:
        return []
    data = analysis_view.build(analysed, agency)
    if data is None:  # no result to analyse: the free-text field still works
        return []
    # weak and lowest indicators are the scored ones
    scored = {r.number: (r, r.score) for r in data.weak + data.lowest if r.score is not None}
    return [
        (
            str(r.number),
            _("Indicator %(number)s %(name)s (%(score)s)")
            % {"number": r.number, "name": r.name, "score": format_score(score)},
        )
        for r, score in sorted(scored.values(), key=lambda pair: pair[1])
    ]


def _measure_form_page(request, agency, round_, measure: Measure | None) -> HttpResponse:
    choices = _weak_choices(round_, agency)
    choice_codes = {c for c, _ in choices}
    if request.method == "POST":
        form = MeasureForm(agency, choices, request.POST)
        actions = ActionFormSet(request.POST, prefix="actions", form_kwargs={"agency": agency})
        if form.is_valid() and actions.is_valid():
            data = services.MeasureInput(
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                targets=form.all_targets(),
                units=list(form.cleaned_data["units"]),
                all_units=form.cleaned_data["all_units"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                outcome=form.cleaned_data["outcome"],
                actions=[
                    (f.cleaned_data.get("text", ""), f.cleaned_data.get("unit"))
                    for f in actions.forms
                    if f.cleaned_data.get("text")
                ],
            )
            try:
                if measure is None:
                    measure = services.create_measure(request.user, round_, agency, data)
                    messages.success(request, _("Measure created."))
                else:
                    services.update_measure(request.user, measure, data)
                    messages.success(request, _("Measure saved."))
                return redirect("measures_detail", code=agency.code, round_id=round_.pk, pk=measure.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    else:
        if measure is None:
            starts, ends = fiscal_year_bounds(round_.fiscal_year)
            form = MeasureForm(agency, choices, initial={"starts_on": starts, "ends_on": ends})
            actions = ActionFormSet(prefix="actions", form_kwargs={"agency": agency})
        else:
            form = MeasureForm(
                agency,
                choices,
                initial={
                    "title": measure.title,
                    "purpose": measure.purpose,
                    "targets": [t for t in measure.targets if t in choice_codes],
                    "other_targets": ", ".join(t for t in measure.targets if t not in choice_codes),
                    "units": [u.pk for u in measure.units.all()],
                    "all_units": measure.all_units,
                    "starts_on": measure.starts_on,
                    "ends_on": measure.ends_on,
                    "outcome": measure.outcome,
                },
            )
            actions = ActionFormSet(
                prefix="actions",
                form_kwargs={"agency": agency},
                initial=[{"text": a.text, "unit": a.unit_id} for a in measure.actions.all()],
            )
    context = nav(agency, round_, request.user, "measures")
    context.update({"form": form, "actions": actions, "measure": measure})
    return render(request, "measures/measure_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    return _measure_form_page(request, agency, round_, None)


def _measure(agency: Agency, round_: AssessmentRound, pk: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("agency", "round"), pk=pk, agency=agency, round=round_)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    return _measure_form_page(request, agency, round_, _measure(agency, round_, pk))


@login_required
@require_GET
def measure_detail(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_view_measures)
    found = _measures(agency, round_, pk)
    if not found:
        raise Http404
    row = _measure_rows(request, agency, found)[0]
    measure = row["measure"]
    context = nav(agency, round_, request.user, "measures")
    context.update(
        {
            "row": row,
            "measure": measure,
            "labels": services.valid_target_codes(round_, context["analysed_round"]),
            "status_form": StatusForm(initial={"status": measure.status}),
            "reportable": permissions.reportable_units(request.user, measure, row["responsible"]),
        }
    )
    return render(request, "measures/detail.html", context)


@login_required
@require_POST
def measure_delete(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    services.delete_measure(request.user, _measure(agency, round_, pk))
    messages.success(request, _("Measure deleted."))
    return redirect("measures_list", code=agency.code, round_id=round_.pk)


@login_required
@require_POST
def measure_status(request: HttpRequest, code: str, round_id: int, pk: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    measure = _measure(agency, round_, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.set_measure_status(request.user, measure, form.cleaned_data["status"])
        messages.success(request, _("Status saved."))
    return redirect("measures_detail", code=agency.code, round_id=round_.pk, pk=measure.pk)


@login_required
@require_http_methods(["GET", "POST"])
def measure_report(request: HttpRequest, code: str, round_id: int, pk: int, period: int) -> HttpResponse:
    if period not in ReportPeriod.values:
        raise Http404
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_view_measures)
    measure = _measure(agency, round_, pk)
    responsible = services.responsible_units(measure)
    units = permissions.reportable_units(request.user, measure, responsible)
    if not units:
        raise PermissionDenied
    existing = {r.unit_id: r for r in measure.reports.filter(period=period).prefetch_related("files")}
    if request.method == "POST":
        form = ProgressForm(units, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_progress(
                    request.user,
                    measure,
                    data["unit"],
                    period,
                    data["text"],
                    links=data["links"],
                    status=data["status"],
                    files=data["files"],
                )
                messages.success(request, _("Report saved."))
                return redirect("measures_detail", code=agency.code, round_id=round_.pk, pk=measure.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    else:
        try:
            unit_id = int(request.GET.get("unit", units[0].pk))
        except ValueError:
            unit_id = units[0].pk
        unit = next((u for u in units if u.pk == unit_id), units[0])
        report = existing.get(unit.pk)
        form = ProgressForm(
            units,
            initial={
                "unit": unit.pk,
                "text": report.text if report else "",
                "links": "\n".join(report.links) if report else "",
                "status": report.status if report else MeasureStatus.IN_PROGRESS,
            },
        )
    context = nav(agency, round_, request.user, "measures")
    context.update(
        {
            "measure": measure,
            "form": form,
            "period": period,
            "period_label": PERIODS[period],
            "due": measure.due_date(period),
            "existing": existing,
            "units": units,
        }
    )
    return render(request, "measures/report_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def progress_file(request: HttpRequest, pk: int) -> FileResponse:
    pf = get_object_or_404(ProgressFile.objects.select_related("report__measure__agency"), pk=pk)
    if not permissions.can_view_measures(request.user, pf.report.measure.agency):
        raise PermissionDenied
    try:
        handle = pf.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=pf.name)
