"""The read-only JSON API (docs/api.md): agencies, rounds, results and rankings.

Every endpoint needs a caller (bearer token or session; otherwise 401) and asks ``prongsai.web.agencies.access``
what that caller may see:

- agencies: those in the subtrees of the caller's memberships (``access.agencies_for``); all for a central admin;
- rounds: every round, for everyone signed in (as on the rounds pages);
- results: those of agencies in the caller's scope, plus every agency's result of a round whose results are
  published; all for a central admin.  An office never sees another office's unpublished results.
"""

import json
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from prongsai.core.thai import round_half_up
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, AgencyKind, Region
from prongsai.web.api.auth import AUTH
from prongsai.web.api.schemas import AgencyOut, ErrorOut, RankingOut, ResultOut, RoundOut
from prongsai.web.results import standings
from prongsai.web.results.models import AgencyResult, ResultSource, Standing
from prongsai.web.rounds.models import AssessmentRound, RoundPhase

DESCRIPTION = """Read-only access to Prongsai's agencies, assessment rounds, results and rankings.

Authenticate with `Authorization: Bearer <token>` (tokens are issued by `issue_api_token`) or with the web
session.  Each caller sees exactly what their roles reach: their agencies' subtrees, plus published results of
every agency.  Scores are JSON numbers with 2 decimals.  Lists are paginated: `?limit=&offset=`, answer
`{"items": [...], "count": N}`.  See docs/api.md.
"""


class LocalSwagger(Swagger):
    """Swagger UI rendered from django-ninja's template and static files, which settings add to the template
    and static folders.  django-ninja itself does so only when it is an installed app, and otherwise falls back
    to a CDN; being an installed app would import it (and pydantic) at every start of every command."""

    def render_page(self, request, api, **kwargs):
        from django.shortcuts import render

        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": False}
        return render(request, self.template, context)  # a read-only API: the docs page posts nothing


class API(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # "round_rankings", not "prongsai_web_api_api_round_rankings"

    def get_openapi_schema(self, *args, **kwargs):
        """The schema, plus the two answers every operation can give besides its own: 400 for a malformed request
        (a control character in the URL, refused before the API by RequestGuardMiddleware) and 422 for parameters
        that fail validation.  Documented so that clients, and the Schemathesis run in the tests, expect them."""
        schema = super().get_openapi_schema(*args, **kwargs)
        problem = {"type": "object", "properties": {"detail": {"title": "Detail"}}, "required": ["detail"]}
        extra = {
            400: "Malformed request (e.g. a control character in the URL)",
            422: "A parameter failed validation; `detail` lists each problem",
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    _no_control_characters(parameter)
                for status, description in extra.items():
                    operation.setdefault("responses", {}).setdefault(
                        status, {"description": description, "content": {"application/json": {"schema": problem}}}
                    )
        return schema


api = API(
    title="Prongsai API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    # Swagger UI from django-ninja's own files (settings.NINJA_DIR), never from a CDN; without them the page is
    # switched off and only the schema is served.
    docs_url="/docs" if getattr(settings, "NINJA_DIR", None) else None,
    # no "online validator" badge: it would send the schema's URL to validator.swagger.io
    docs=LocalSwagger(settings={"validatorUrl": None}),
)


#: what RequestGuardMiddleware lets through: no C0 control character or DEL (tab, LF, CR allowed in a query)
_PATH_TEXT = "^[^\\u0000-\\u001f\\u007f]*$"
_QUERY_TEXT = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def _no_control_characters(parameter: dict) -> None:
    """Say in the schema that text parameters carry no control characters (the request guard answers 400)."""
    pattern = _PATH_TEXT if parameter.get("in") == "path" else _QUERY_TEXT
    schema = parameter.get("schema", {})
    for alternative in [schema, *schema.get("anyOf", [])]:
        if alternative.get("type") == "string" and "pattern" not in alternative and "enum" not in alternative:
            alternative["pattern"] = pattern


class Pages(LimitOffsetPagination):
    """``?limit=`` (default 1000, at most 10000) and ``?offset=``; answers ``{"items": [...], "count": N}``."""

    class Input(Schema):
        limit: int = Field(1000, ge=1, le=10000)
        offset: int = Field(0, ge=0)


class Mapped:
    """A queryset seen through a conversion, paginated in the database: only the page's rows are converted."""

    def __init__(self, queryset: QuerySet, convert):
        self.queryset, self.convert = queryset, convert

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        return self.queryset.count()

    __len__ = count

    def __getitem__(self, index: slice) -> list:
        return [self.convert(row) for row in self.queryset[index]]


class KeyedPages(Mapped):
    """A large list paged in two steps: the page's ids in order (one sort of the round's rows, no join), then
    those rows with their agency and round.  PostgreSQL otherwise joins all 30,000 rows before taking 100."""

    def __getitem__(self, index: slice) -> list:
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        rows = {row.pk: row for row in self.queryset.model.objects.select_related("agency", "round").filter(pk__in=ids)}
        return [self.convert(rows[pk]) for pk in ids]


# --- conversions ------------------------------------------------------------------------------------------

TWO_DECIMALS = re.compile(r"\d{1,3}(\.\d{1,2})?")


def score(value: Any) -> float | None:
    """A stored score (Decimal or text with 2 decimals) as a JSON number with 2 decimals (half-up)."""
    if value is None or value == "":
        return None
    # (mypy) is_finite() is checked first: the exponent is an int
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent >= -2:  # type: ignore[operator]
        return float(value)  # a stored score: already 2 decimals, nothing to round
    if isinstance(value, str) and TWO_DECIMALS.fullmatch(value):
        return float(value)  # an indicator score as stored in JSON ("91.25")
    return float(round_half_up(value, 2))


def _scores(mapping: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (mapping or {}).items():
        try:
            out[str(key)] = score(value) if isinstance(value, (str, int, float, Decimal)) else value
        except (TypeError, ValueError):  # not a number (text, a bool): passed through as stored
            out[str(key)] = value
    return out


def agency_out(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name_th": agency.name_th,
        "name_en": agency.name_en,
        "short_name": agency.short_name,
        "display_name": agency.display_name,
        "kind": agency.kind,
        "subkind": agency.subkind,
        "parent": agency.parent.code if agency.parent_id else None,
        "province": agency.province,
        "region": agency.region,
        "website": agency.website,
        "is_synthetic": agency.is_synthetic,
        "is_active": agency.is_active,
    }


def round_out(round_: AssessmentRound) -> dict:
    return {
        "id": round_.pk,
        "framework_id": round_.framework_id,
        "fiscal_year": round_.fiscal_year,
        "name_th": round_.name_th,
        "status": round_.status,
        "results_published": round_.results_published,
        "agency_kinds": list(round_.agency_kinds),
        "opened_at": round_.opened_at,
        "closed_at": round_.closed_at,
        "phases": [{"phase": p.phase, "starts_on": p.starts_on, "ends_on": p.ends_on} for p in round_.phases.all()],
    }


def result_out(result: AgencyResult) -> dict:
    agency, round_ = result.agency, result.round
    return {
        "round": round_.pk,
        "fiscal_year": round_.fiscal_year,
        "framework_id": round_.framework_id,
        "agency": agency.code,
        "agency_name": agency.display_name,
        "kind": agency.kind,
        "region": agency.region,
        "source": result.source,
        "published": round_.results_published,
        "total": score(result.total),
        "level": result.level,
        "iit": score(result.iit),
        "eit": score(result.eit),
        "oit": score(result.oit),
        "indicators": _scores(result.indicators),
        "items": _scores(result.items),
        "respondents": result.respondents or {},
        "updated_at": result.updated_at,
    }


# --- what the caller may see ---------------------------------------------------------------------------------


def _user(request: HttpRequest):
    return request.auth


def visible_rounds(user) -> QuerySet[AssessmentRound]:
    """Every round: a round's framework, year, status and calendar are not confidential."""
    return AssessmentRound.objects.prefetch_related(Prefetch("phases", queryset=RoundPhase.objects.all()))


def visible_results(user) -> QuerySet[AgencyResult]:
    """Results in the user's scope, plus every result of a round whose results are published (``access``)."""
    return access.visible_results(user, AgencyResult.objects.select_related("agency", "round"))


def _round(user, round_id: int) -> AssessmentRound:
    round_ = visible_rounds(user).filter(pk=round_id).first()
    if round_ is None:
        raise Http404(f"no round {round_id}")
    return round_


def _agency(code: str) -> Agency:
    agency = Agency.objects.select_related("parent").filter(code=code).first()
    if agency is None:
        raise Http404(f"no agency '{code}'")
    return agency


# --- endpoints -----------------------------------------------------------------------------------------------

ERRORS = {401: ErrorOut, 404: ErrorOut}


@api.get("/agencies", response={200: list[AgencyOut], 401: ErrorOut}, url_name="agencies", tags=["agencies"])
@paginate(Pages)
def list_agencies(
    request,
    kind: AgencyKind | None = None,
    region: Region | None = None,
    parent: str | None = Query(None, description="only the direct children of this agency code"),
    q: str | None = Query(None, description="part of the code or name"),
):
    """Agencies the caller may see: the subtrees of their memberships (all of them for a central admin)."""
    agencies = access.agencies_for(_user(request)).select_related("parent").order_by("kind", "code")
    if kind:
        agencies = agencies.filter(kind=kind)
    if region:
        agencies = agencies.filter(region=region)
    if parent:
        agencies = agencies.filter(parent__code=parent)
    if q:
        agencies = agencies.filter(
            Q(code__icontains=q) | Q(name_th__icontains=q) | Q(short_name__icontains=q) | Q(name_en__icontains=q)
        )
    return Mapped(agencies, agency_out)


@api.get("/agencies/{code}", response={200: AgencyOut, 403: ErrorOut, **ERRORS}, url_name="agency", tags=["agencies"])
def get_agency(request, code: str):
    """One agency; 403 when it is outside the caller's scope."""
    agency = _agency(code)
    if not access.can_view_agency(_user(request), agency):
        raise HttpError(403, "this agency is outside your scope")
    return agency_out(agency)


@api.get(
    "/agencies/{code}/results", response={200: list[ResultOut], **ERRORS}, url_name="agency_results", tags=["results"]
)
@paginate(Pages)
def agency_results(request, code: str):
    """An agency's results, newest year first: all of them within the caller's scope; otherwise only the
    results of rounds whose results are published."""
    agency = _agency(code)
    results = (
        visible_results(_user(request))
        .filter(agency=agency)
        .order_by("-round__fiscal_year", "round__framework_id", "source")
    )
    return Mapped(results, result_out)


@api.get("/rounds", response={200: list[RoundOut], 401: ErrorOut}, url_name="rounds", tags=["rounds"])
@paginate(Pages)
def list_rounds(request):
    """Assessment rounds, newest first."""
    return [round_out(r) for r in visible_rounds(_user(request)).order_by("-fiscal_year", "framework_id")]


@api.get("/rounds/{round_id}", response={200: RoundOut, **ERRORS}, url_name="round", tags=["rounds"])
def get_round(request, round_id: int):
    return round_out(_round(_user(request), round_id))


@api.get(
    "/rounds/{round_id}/results", response={200: list[ResultOut], **ERRORS}, url_name="round_results", tags=["results"]
)
@paginate(Pages)
def round_results(
    request,
    round_id: int,
    kind: AgencyKind | None = None,
    region: Region | None = None,
    source: ResultSource | None = None,
):
    """The round's results the caller may see, highest total first: their own scope's, plus every agency's
    when the round's results are published (all of them for a central admin)."""
    user = _user(request)
    round_ = _round(user, round_id)
    results = visible_results(user).filter(round=round_)
    if kind:
        results = results.filter(agency__kind=kind)
    if region:
        results = results.filter(agency__region=region)
    if source:
        results = results.filter(source=source)
    # ties by agency id, not code: the order then needs no join, so a page is a top-N of this round's rows
    results = results.order_by(F("total").desc(nulls_last=True), "agency_id", "source")
    return KeyedPages(results, result_out)


@api.get(
    "/rounds/{round_id}/rankings",
    response={200: list[RankingOut], **ERRORS},
    url_name="round_rankings",
    tags=["results"],
)
@paginate(Pages)
def round_rankings(
    request,
    round_id: int,
    kind: AgencyKind | None = None,
    region: Region | None = None,
    source: ResultSource | None = Query(None, description="only agencies whose effective result has this source"),
):
    """Competition ranks (1, 2, 2, 4) by total within a peer group: agencies of the same kind, and of the same
    region when ``region`` is given.  Each agency is ranked on its effective result (the official one, else the
    one Prongsai computed), as on every page.

    Before the round's results are published a non-central caller receives only the rows of their own agencies,
    without a rank (a rank would compare them with others' unpublished results); a central admin sees every row
    and rank.  Ranks are stored per round and recomputed once after its results change, not per request.
    """
    user = _user(request)
    round_ = _round(user, round_id)
    state = standings.ensure(round_)
    rows = Standing.objects.filter(round=round_)
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        rows = rows.filter(region=region)
    if source:
        rows = rows.filter(source=source)
    if not access.is_central_admin(user) and not round_.results_published:
        rows = rows.filter(agency__in=access.agencies_for(user))
    show_ranks = access.can_see_ranks(user, round_)

    def convert(row: dict) -> dict:
        return {
            "rank": (row["region_rank"] if region else row["rank"]) if show_ranks else None,
            "agency": row["code"],
            "agency_name": row["short_name"] or row["name_th"],
            "kind": row["kind"],
            "subkind": row["subkind"],
            "region": row["region"],
            "province": row["province"],
            "total": score(row["total"]),
            "level": row["level"],
            "iit": score(row["iit"]),
            "eit": score(row["eit"]),
            "oit": score(row["oit"]),
        }

    rows = rows.order_by("kind", "position").values(
        "rank",
        "region_rank",
        "code",
        "short_name",
        "name_th",
        "kind",
        "subkind",
        "region",
        "province",
        "total",
        "level",
        "iit",
        "eit",
        "oit",
    )
    if kind and not region and not source and (round_.results_published or access.is_central_admin(user)):
        return Positions(rows, convert, (state.facets.get(kind) or {}).get("rows", 0))
    return Mapped(rows, convert)


class Positions(Mapped):
    """One kind's whole ranking: its rows hold positions 1…n without gaps, so a page is a range of positions
    read straight from the index (no OFFSET to walk), and the count is known from the standings' state."""

    def __init__(self, queryset: QuerySet, convert, total: int):
        super().__init__(queryset, convert)
        self.total = total

    def count(self) -> int:
        return self.total

    __len__ = count

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop if index.stop is not None else self.total
        return [self.convert(row) for row in self.queryset.filter(position__gt=start, position__lte=stop)]
