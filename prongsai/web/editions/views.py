"""Framework editions: everyone signed in may read an edition, its diff and its previews; only a central admin
uploads, replaces a draft, activates, retires or discards (each through its service function)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.core.diff import diff_frameworks
from prongsai.core.edition_io import export_edition
from prongsai.core.edition_xlsx import HELP_SHEET, EditionImportError
from prongsai.core.framework import (
    Framework,
    FrameworkError,
    file_frameworks,
    load_framework,
    with_variant,
)
from prongsai.web.agencies import access
from prongsai.web.editions import services
from prongsai.web.editions.forms import ReplaceForm, UploadForm
from prongsai.web.editions.models import EditionLocked, EditionStatus, StoredEdition
from prongsai.web.editions.preview import agency_types_text, oit_rows, survey_sections

PARTS = {"iit": "IIT", "eit": "EIT", "oit": "OIT"}


def _central(request: HttpRequest) -> None:
    if not access.is_central_admin(request.user):
        raise PermissionDenied


def _load(key: str) -> Framework:
    try:
        return load_framework(key)
    except FrameworkError:
        raise Http404 from None


def _stored(key: str) -> StoredEdition | None:
    return StoredEdition.objects.filter(key=key).first()


@login_required
@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    built_in = []
    replaced = set(StoredEdition.objects.filter(status=EditionStatus.ACTIVE).values_list("edition_id", flat=True))
    usage: dict = {}
    from prongsai.web.rounds.models import AssessmentRound

    for key in AssessmentRound.objects.values_list("framework_id", flat=True):
        usage[key] = usage.get(key, 0) + 1
    for fid in file_frameworks():
        try:
            fw = load_framework(fid)
        except FrameworkError:
            continue
        built_in.append({"key": fid, "fw": fw, "rounds": usage.get(fid, 0), "superseded": fid in replaced})
    built_in.sort(key=lambda e: (-max(e["fw"].fiscal_years), e["key"]))
    stored = list(StoredEdition.objects.exclude(status=EditionStatus.DISCARDED).select_related("created_by"))
    for s in stored:
        s.rounds = usage.get(s.key, 0)
    return render(
        request,
        "editions/list.html",
        {"built_in": built_in, "stored": stored, "can_manage": access.is_central_admin(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edition_upload(request: HttpRequest) -> HttpResponse:
    _central(request)
    choices = [(c.key, c.label) for c in services.usable_editions()]
    form = UploadForm(request.POST or None, request.FILES or None, choices=choices)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored = services.upload_edition(
                request.user,
                upload.name,
                upload.read(),
                derived_from=form.cleaned_data["derived_from"],
                note=form.cleaned_data["note"],
            )
        except EditionImportError as exc:
            problems = exc
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(key)s was imported as a draft; check the differences and the previews before activating it.")
                % {"key": stored.key},
            )
            return redirect("edition_detail", key=stored.key)
    status = 400 if (problems or form.errors) else 200
    return render(
        request, "editions/upload.html", {"form": form, "problems": problems, "help_sheet": HELP_SHEET}, status=status
    )


@login_required
@require_GET
def edition_detail(request: HttpRequest, key: str) -> HttpResponse:
    fw = _load(key)
    stored = _stored(key)
    parent_key = stored.derived_from if stored else (fw.previous or "")
    diff = None
    if parent_key:
        try:
            diff = diff_frameworks(load_framework(parent_key), fw)
        except FrameworkError:
            diff = None
    rounds = list(services.rounds_using(key).order_by("-fiscal_year"))
    variants = [{"v": v, "types": agency_types_text(v.agency_types)} for v in fw.variants.values()]
    central = access.is_central_admin(request.user)
    context = {
        "fw": fw,
        "key": key,
        "stored": stored,
        "parent_key": parent_key,
        "diff": diff,
        "rounds": rounds,
        "variants": variants,
        "can_manage": central,
        "built_in": stored is None,
        "superseded_by": StoredEdition.objects.filter(edition_id=fw.family, status=EditionStatus.ACTIVE)
        .exclude(key=key)
        .first(),
        "replace_form": ReplaceForm() if central and stored and stored.status == EditionStatus.DRAFT else None,
        "counts": {"questions": len(fw.questions), "oit": len(fw.oit_items), "provisional": fw.provisional_count},
    }
    return render(request, "editions/detail.html", context)


@login_required
@require_GET
def edition_preview(request: HttpRequest, key: str, part: str) -> HttpResponse:
    """The IIT or EIT form, or the OIT list, as an officer of a round of this edition will see them."""
    base = _load(key)
    if part not in PARTS or PARTS[part] not in {t.code for t in base.tools}:
        raise Http404
    variant = request.GET.get("variant") or ""
    if variant and variant not in base.variants:
        raise Http404
    fw = with_variant(base, variant or None)
    try:
        year = int(request.GET.get("year") or fw.fiscal_years[0])
    except ValueError:
        year = fw.fiscal_years[0]
    tool = fw.tool(PARTS[part])
    context = {
        "fw": fw,
        "base": base,
        "key": key,
        "part": part,
        "tool": tool,
        "variant": variant,
        "year": year,
        "variant_obj": base.variants.get(variant),
        "parts": [(p, code) for p, code in PARTS.items() if code in {t.code for t in base.tools}],
    }
    if tool.kind == "survey":
        context["sections"] = survey_sections(fw, tool.code)
        context["sampling"] = fw.sampling.get(tool.code)
    else:
        context["blocks"] = oit_rows(fw, year)
    return render(request, "editions/preview.html", context)


@login_required
@require_GET
def edition_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "yaml"):
        raise Http404
    fw = _load(key)
    data = export_edition(fw, fmt)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "application/yaml; charset=utf-8"
    )
    response = HttpResponse(data, content_type=content_type)
    filename = key.replace("@", "-v")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _act(request: HttpRequest, key: str, action, done: str) -> HttpResponse:
    _central(request)
    stored = _stored(key)
    if stored is None:
        raise Http404
    try:
        action(request.user, stored)
    except (ValidationError, EditionLocked) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"key": key})
    return redirect("edition_detail", key=key)


@login_required
@require_POST
def edition_activate(request: HttpRequest, key: str) -> HttpResponse:
    return _act(
        request,
        key,
        services.activate_edition,
        _("%(key)s is active: new rounds use this version; existing rounds keep theirs until they are moved."),
    )


@login_required
@require_POST
def edition_discard(request: HttpRequest, key: str) -> HttpResponse:
    return _act(request, key, services.discard_draft, _("The draft %(key)s was discarded."))


@login_required
@require_POST
def edition_retire(request: HttpRequest, key: str) -> HttpResponse:
    return _act(request, key, services.retire_edition, _("%(key)s is retired for new rounds."))


@login_required
@require_POST
def edition_replace(request: HttpRequest, key: str) -> HttpResponse:
    _central(request)
    stored = _stored(key)
    if stored is None:
        raise Http404
    form = ReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("edition_detail", key=key)
    upload = form.cleaned_data["file"]
    try:
        services.replace_draft(request.user, stored, upload.name, upload.read())
    except EditionImportError as exc:
        return render(request, "editions/upload.html", {"form": None, "problems": exc, "replacing": stored}, status=400)
    except (ValidationError, EditionLocked) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The draft %(key)s was replaced.") % {"key": key})
    return redirect("edition_detail", key=key)
