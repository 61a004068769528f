"""Agency management pages (/manage/): the central admin registers agencies and manages everything; an agency
admin (ITA officer) manages the units, people and roles of its subtree.  Views parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.core.tabular import InputError, read_table
from prongsai.web import exports
from prongsai.web.agencies import access, imports, rules, services
from prongsai.web.agencies.forms import (
    AgencyEditForm,
    AgencyFilterForm,
    AgencyForm,
    GrantForm,
    ImportForm,
    PasswordForm,
    PersonForm,
    UnitForm,
)
from prongsai.web.agencies.models import Agency, Membership, Role, Unit
from prongsai.web.messages import error_texts, report_error

PAGE_SIZE = 100


def _may_open(user) -> bool:
    """The management pages are for the central admin and agency admins."""
    return access.is_central_admin(user) or access.has_role(user, Role.AGENCY_ADMIN)


def _managed(request: HttpRequest, code: str) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not access.can_manage_agency(request.user, agency):
        raise PermissionDenied
    return agency


def _apply(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError onto the form's fields (the others on the form as a whole)."""
    report_error(form, exc, aliases=aliases)


def _depth(agency: Agency) -> int:
    return max(agency.path.count("/") - 2, 0)


# --- list ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    if not _may_open(request.user):
        raise PermissionDenied
    central = access.is_central_admin(request.user)
    agencies = access.agencies_for(request.user, access.MANAGE_ROLES)
    form = AgencyFilterForm(request.GET or None)
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            agencies = agencies.filter(
                Q(code__icontains=q)
                | Q(name_th__icontains=q)
                | Q(short_name__icontains=q)
                | Q(name_en__icontains=q)
                | Q(province__icontains=q)
            )
        if data["kind"]:
            agencies = agencies.filter(kind=data["kind"])
        if data["region"]:
            agencies = agencies.filter(region=data["region"])
        filtered = any(data.values())
    agencies = agencies.annotate(
        child_count=Count("children", distinct=True),
        unit_count=Count("units", distinct=True),
        member_count=Count("memberships", distinct=True),
    ).order_by("path")
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    top = min((_depth(a) for a in page.object_list), default=0)
    for agency in page.object_list:
        agency.indent = _depth(agency) - top
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/list.html",
        {
            "form": form,
            "page": page,
            "filtered": filtered,
            "central": central,
            "query": query.urlencode(),
        },
    )


# --- detail and edits ----------------------------------------------------------------------------------------


def _detail(request: HttpRequest, agency: Agency, status: int = 200, **forms) -> HttpResponse:
    central = access.is_central_admin(request.user)
    ancestors: list[Agency] = []
    parent = agency.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    children = agency.children.annotate(child_count=Count("children")).order_by("kind", "name_th")
    memberships = (
        Membership.objects.filter(agency=agency)
        .select_related("user", "user__person", "unit")
        .order_by("role", "user__username")
    )
    units = agency.units.annotate(member_count=Count("members"))
    if central:
        forms.setdefault(
            "edit_form",
            AgencyEditForm(
                initial={
                    **{k: getattr(agency, k) for k in services.EDITABLE},
                    "code": agency.code,
                    "parent_code": agency.parent.code if agency.parent_id else "",
                }
            ),
        )
    forms.setdefault("unit_form", UnitForm())
    forms.setdefault("grant_form", GrantForm(agency=agency, central=central))
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "ancestors": ancestors,
            "children": children[:200],
            "child_count": children.count(),
            "memberships": memberships,
            "units": units,
            "central": central,
            "revocable": {m.pk for m in memberships if central or m.role not in rules.CENTRAL_ONLY_ROLES},
            "password_form": PasswordForm() if central else None,
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, _managed(request, code))


@login_required
@require_POST
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    form = AgencyEditForm(request.POST, initial={"code": agency.code})
    if form.is_valid():
        data = form.cleaned_data
        parent_code = data["parent_code"].strip()
        parent = Agency.objects.filter(code=parent_code).first() if parent_code else None
        if parent_code and parent is None:
            form.add_error("parent_code", _("No agency has the code %(code)s.") % {"code": parent_code})
        else:
            try:
                with transaction.atomic():
                    services.update_agency(request.user, agency, **{k: data[k] for k in services.EDITABLE})
                    services.move_agency(request.user, agency, parent)
            except ValidationError as exc:
                agency.refresh_from_db()
                _apply(form, exc)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": agency.display_name})
                return redirect("agencies_manage_detail", code=agency.code)
    return _detail(request, agency, status=400, edit_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def agency_new(request: HttpRequest) -> HttpResponse:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    initial = {"parent_code": request.GET.get("parent", "")}
    form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent_code = data.pop("parent_code").strip()
        parent = Agency.objects.filter(code=parent_code).first() if parent_code else None
        if parent_code and parent is None:
            form.add_error("parent_code", _("No agency has the code %(code)s.") % {"code": parent_code})
        else:
            try:
                agency = services.create_agency(request.user, parent=parent, **data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Registered %(name)s.") % {"name": agency.display_name})
                return redirect("agencies_manage_detail", code=agency.code)
    return render(request, "agencies/agency_form.html", {"form": form}, status=400 if form.errors else 200)


# --- units ---------------------------------------------------------------------------------------------------


@login_required
@require_POST
def unit_new(request: HttpRequest, code: str) -> HttpResponse:
    agency = _managed(request, code)
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            unit = services.create_unit(
                request.user, agency, form.cleaned_data["name_th"], form.cleaned_data["short_name"]
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Added the unit %(name)s.") % {"name": unit.name_th})
            return redirect("agencies_manage_detail", code=agency.code)
    return _detail(request, agency, status=400, unit_form=form)


def _unit(request: HttpRequest, code: str, pk: int) -> tuple[Agency, Unit]:
    agency = _managed(request, code)
    return agency, get_object_or_404(Unit, pk=pk, agency=agency)


@login_required
@require_POST
def unit_rename(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency, unit = _unit(request, code, pk)
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            services.rename_unit(request.user, unit, form.cleaned_data["name_th"], form.cleaned_data["short_name"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Renamed the unit to %(name)s.") % {"name": unit.name_th})
            return redirect("agencies_manage_detail", code=agency.code)
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _detail(request, agency, status=400)


@login_required
@require_POST
def unit_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency, unit = _unit(request, code, pk)
    try:
        services.delete_unit(request.user, unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, agency, status=400)
    messages.success(request, _("Deleted the unit %(name)s.") % {"name": unit.name_th})
    return redirect("agencies_manage_detail", code=agency.code)


# --- people and roles ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest, code: str) -> HttpResponse:
    agency = _managed(request, code)
    central = access.is_central_admin(request.user)
    form = PersonForm(request.POST or None, agency=agency, central=central)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.add_person(
                request.user,
                data["username"],
                data["full_name_th"],
                data["title_th"],
                data["position_th"],
                data["email"],
                agency=agency,
                role=data["role"],
                unit=data["unit"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Added %(name)s. Their password is not set yet: the central administrator "
                    "sets it, or they sign in another way."
                )
                % {"name": user.person},
            )
            return redirect("agencies_manage_detail", code=agency.code)
    return render(
        request, "agencies/person_form.html", {"form": form, "agency": agency}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def grant(request: HttpRequest, code: str) -> HttpResponse:
    agency = _managed(request, code)
    central = access.is_central_admin(request.user)
    form = GrantForm(request.POST, agency=agency, central=central)
    if form.is_valid():
        data = form.cleaned_data
        user = get_user_model().objects.filter(username=data["username"].strip()).first()
        if user is None:
            form.add_error("username", _("No user has the username %(name)s.") % {"name": data["username"]})
        else:
            try:
                services.grant_role(request.user, user, agency, data["role"], unit=data["unit"])
            except ValidationError as exc:
                _apply(form, exc, {"agency": "role"})
            else:
                messages.success(request, _("Granted the role."))
                return redirect("agencies_manage_detail", code=agency.code)
    return _detail(request, agency, status=400, grant_form=form)


@login_required
@require_POST
def revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agency = _managed(request, code)
    membership = get_object_or_404(Membership, pk=pk, agency=agency)
    try:
        services.revoke_role(request.user, membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, agency, status=400)
    messages.success(request, _("Revoked the role."))
    return redirect("agencies_manage_detail", code=agency.code)


@login_required
@require_POST
def password(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    membership = Membership.objects.filter(agency=agency, user_id=user_id).select_related("user").first()
    if membership is None:
        raise Http404
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.set_password(request.user, membership.user, form.cleaned_data["password"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Set the password of %(name)s.") % {"name": membership.user.username})
            return redirect("agencies_manage_detail", code=agency.code)
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _detail(request, agency, status=400)


# --- imports -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    if not _may_open(request.user):
        raise PermissionDenied
    central = access.is_central_admin(request.user)
    errors: list[str] = []
    status = 200
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"what": "agencies" if central else "people"}
    )
    if not central:
        form.fields["what"].choices = [c for c in form.fields["what"].choices if c[0] == "people"]
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                table = read_table(upload.name, name=upload.name, data=data)
                if form.cleaned_data["what"] == "agencies":
                    created = imports.import_agencies(request.user, table)
                    messages.success(request, _("Registered %(count)d agencies.") % {"count": len(created)})
                else:
                    result = imports.import_people(request.user, table)
                    messages.success(
                        request,
                        _("Added %(people)d people and %(roles)d roles.")
                        % {"people": result.users_created, "roles": result.roles_granted},
                    )
            except InputError as exc:
                errors = error_texts(exc)
                status = 400
            else:
                return redirect("agencies_manage")
        else:
            status = 400
    return render(request, "agencies/import.html", {"form": form, "errors": errors, "central": central}, status=status)


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ("agencies", "people"):
        raise Http404
    if not _may_open(request.user) or (kind == "agencies" and not access.is_central_admin(request.user)):
        raise PermissionDenied
    header, rows = imports.template_rows(kind)
    response = HttpResponse(exports.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prongsai-{kind}.csv"'
    return response
