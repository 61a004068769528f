"""Pages of the sign-off and the emblem: a move on a document version (with a confirmation page for the moves the
table marks ``confirm``), the evidence pack of approved versions, and the emblem upload (national and per agency).

Views parse, check rights, call one service, and render; which moves exist is the table's business
(``prongsai.documents.signoff.SIGNOFF``), asked through ``signoff.available_moves``.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from prongsai.core.lifecycle import TransitionRefused
from prongsai.documents import emblem_image
from prongsai.documents.signoff import SIGNOFF
from prongsai.web.agencies.models import Agency
from prongsai.web.documents import emblems, services, signoff
from prongsai.web.documents.forms import EmblemForm
from prongsai.web.documents.models import DocumentVersion
from prongsai.web.measures import permissions
from prongsai.web.measures.views import agency_for, agency_round, error_messages
from prongsai.web.messages import localized


def _to_pack(version: DocumentVersion) -> HttpResponse:
    response = redirect("documents_pack", code=version.agency.code, round_id=version.round_id)
    response["Location"] += f"#doc-{version.kind}"
    return response


@login_required
@require_POST
def version_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Make ``move`` on a version.  A move the table marks ``confirm`` first answers with a page that says what will
    happen (the signed PDF, the name and date printed, the version frozen); its form posts again with ``confirmed``."""
    version = get_object_or_404(DocumentVersion.objects.select_related("agency", "round"), pk=pk)
    if move not in signoff.MOVES:
        raise Http404
    if not services.can_view_documents(request.user, version.agency) and not signoff.agency_roles(
        request.user, version.agency
    ):
        raise PermissionDenied
    names = {m.name for m in signoff.available_moves(request.user, version)}
    if move not in names:
        found = SIGNOFF.find(version.state, move)
        if found is not None:  # allowed from this state, but not to this user: a question of rights
            raise PermissionDenied
        messages.error(request, signoff.refusal_text(TransitionRefused(SIGNOFF.name, version.state, move)))
        return _to_pack(version)
    found = SIGNOFF.check(version.state, move)
    if found.confirm and request.POST.get("confirmed") != "1":
        stamp = signoff.approver_stamp(request.user, version.agency, signoff.timezone.localdate())
        return render(
            request,
            "documents/confirm_move.html",
            {
                "version": version,
                "move": found,
                "stamp": stamp,
                "agency": version.agency,
                "seen": signoff.content_mark(version),
            },
        )
    try:
        if move == "send_back":
            signoff.send_back(request.user, version, request.POST.get("note", ""))
        elif move == "approve":  # what the confirmation page showed must be what is approved
            signoff.approve(request.user, version, seen=request.POST.get("seen", ""))
        else:
            signoff.MOVES[move](request.user, version)
    except TransitionRefused as exc:  # someone else moved it meanwhile
        messages.error(request, signoff.refusal_text(exc))
        return _to_pack(version)
    except ValidationError as exc:  # its content changed meanwhile
        error_messages(request, exc)
        return _to_pack(version)
    messages.success(
        request,
        _("%(doc)s: %(move)s — done.")
        % {"doc": version.get_kind_display(), "move": localized(found.label_th, found.label_en)},
    )
    return _to_pack(version)


@login_required
@require_POST
def evidence_pack(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    """The evidence pack of approved versions, downloaded at once; or the Thai list of what is not approved."""
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    try:
        archive = signoff.build_evidence_pack(request.user, round_, agency)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("documents_pack", code=agency.code, round_id=round_.pk)
    return redirect("documents_download", pk=archive.pk)


# ------------------------------------------------------------------------------------------------ the emblem


def _emblem_scope(request: HttpRequest, code: str | None) -> Agency | None:
    if code is None:
        if not emblems.can_set_emblem(request.user, None):
            raise PermissionDenied
        return None
    return agency_for(request.user, code, emblems.can_set_emblem)


def _emblem_back(agency: Agency | None) -> HttpResponse:
    return redirect("documents_agency_emblem", code=agency.code) if agency else redirect("documents_emblem")


@login_required
@require_http_methods(["GET", "POST"])
def emblem_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Upload the Garuda emblem: national (central admin) or for one agency (its ITA officer)."""
    agency = _emblem_scope(request, code)
    form = EmblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            emblems.upload_emblem(request.user, agency, upload.name, upload.read(emblem_image.MAX_BYTES + 1))
            messages.success(request, _("Emblem saved: the next documents print it."))
            return _emblem_back(agency)
        except ValidationError as exc:
            form.add_error("file", exc)
    own = emblems.own_emblem(agency)
    used = emblems.emblem_for(agency) if agency else own
    preview = None
    if used is not None:
        with used.file.open("rb") as handle:
            preview = "data:image/png;base64," + base64.b64encode(handle.read()).decode("ascii")
    return render(
        request,
        "documents/emblem.html",
        {
            "agency": agency,
            "form": form,
            "own": own,
            "used": used,
            "preview": preview,
            "inherited": used is not None and own is None,
            "max_mb": emblem_image.MAX_BYTES // (1024 * 1024),
            "min_height": emblem_image.MIN_HEIGHT,
            "max_side": emblem_image.MAX_SIDE,
            "max_megapixels": emblem_image.MAX_PIXELS // 1_000_000,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def emblem_remove(request: HttpRequest, code: str | None = None) -> HttpResponse:
    agency = _emblem_scope(request, code)
    emblems.remove_emblem(request.user, agency)
    messages.success(request, _("Emblem removed."))
    return _emblem_back(agency)
