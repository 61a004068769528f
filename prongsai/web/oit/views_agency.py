"""The agency's changes to its OIT items: links, files, note, unit, ready/draft/submit, link re-checks,
carry-over from last year, and answers to the assessor (clarification).  Every view is a POST that calls one
service function and goes back to the item (or the item table); an invalid form re-renders the item page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from prongsai.web.confirm import Confirmation, confirmation_page, confirmed
from prongsai.web.oit import permissions, queries, services
from prongsai.web.oit.forms import ClarificationForm, LinkForm, NoteForm, UnitForm, UploadForm, first_error
from prongsai.web.oit.models import EntryStatus, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.oit.views import act, back_to, post_guard, render_item


def recheck_queued(n: int) -> str:
    return ngettext(
        "Sent %(n)s link to be checked again; the result shows when the check is done",
        "Sent %(n)s links to be checked again; the results show when the check is done",
        n,
    ) % {"n": n}


@login_required
@require_POST
def oit_link_add(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.add_link(
                request.user,
                round_,
                agency,
                item,
                form.cleaned_data["url"],
                form.cleaned_data["label"],
                form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            form.add_error("url", first_error(exc))
        else:
            messages.success(request, _("Link added; the system is checking it automatically"))
            return back_to(round_, agency, item, "links")
    return render_item(request, round_, agency, item, status=400, link_form=form)


@login_required
@require_POST
def oit_link_remove(request: HttpRequest, round_id: int, code: str, item: str, pk: int) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    link = get_object_or_404(EvidenceLink, pk=pk, entry__round=round_, entry__agency=agency, entry__code=item)
    return act(
        request,
        back_to(round_, agency, item, "links"),
        lambda: services.remove_link(request.user, link, request.POST.get("reason", "")),
        _("Link removed"),
    )


@login_required
@require_POST
def oit_upload(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    entry = OITEntry.objects.filter(round=round_, agency=agency, code=item).first()
    if not permissions.can_edit_item(request.user, agency, entry.unit_id if entry else None):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_file(
                request.user,
                round_,
                agency,
                item,
                form.cleaned_data["file"],
                form.cleaned_data["label"],
                form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            form.add_error("file", first_error(exc))
        else:
            messages.success(request, _("File uploaded"))
            return back_to(round_, agency, item, "files")
    return render_item(request, round_, agency, item, status=400, upload_form=form)


@login_required
@require_POST
def oit_file_remove(request: HttpRequest, round_id: int, code: str, item: str, pk: int) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    evidence = get_object_or_404(EvidenceFile, pk=pk, entry__round=round_, entry__agency=agency, entry__code=item)
    return act(
        request,
        back_to(round_, agency, item, "files"),
        lambda: services.remove_file(request.user, evidence, request.POST.get("reason", "")),
        _("File removed"),
    )


@login_required
@require_POST
def oit_note(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.update_note(request.user, round_, agency, item, form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error("note", first_error(exc))
        else:
            messages.success(request, _("Description saved"))
            return back_to(round_, agency, item)
    return render_item(request, round_, agency, item, status=400, note_form=form)


@login_required
@require_POST
def oit_set_unit(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    if not permissions.can_manage(request.user, agency):
        raise PermissionDenied
    form = UnitForm(request.POST, agency=agency)
    if not form.is_valid():
        messages.error(request, _("Choose a unit from the list"))
        return back_to(round_, agency, item)
    return act(
        request,
        back_to(round_, agency, item),
        lambda: services.assign_unit(request.user, round_, agency, item, form.cleaned_data["unit"]),
        _("Unit assigned"),
    )


@login_required
@require_POST
def oit_set_status(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    """``action``: ready, draft (officer or the item's unit) or submit (officer)."""
    round_, agency = post_guard(request, round_id, code, item)
    action = request.POST.get("action", "")
    back = back_to(round_, agency, item)
    if action == "ready":
        return act(
            request,
            back,
            lambda: services.set_ready(request.user, round_, agency, item, True),
            _("Item %(item)s is ready to submit") % {"item": item},
        )
    if action == "draft":
        return act(
            request,
            back,
            lambda: services.set_ready(request.user, round_, agency, item, False),
            _("Item %(item)s is back to draft") % {"item": item},
        )
    if action == "submit":
        return act(
            request,
            back,
            lambda: services.submit_items(request.user, round_, agency, [item]),
            _("Item %(item)s sent to the assessor") % {"item": item},
        )
    messages.error(request, _("Unknown command"))
    return back


@login_required
@require_http_methods(["GET", "POST"])
def oit_submit_ready(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """Submission cannot be taken back, so it first shows which items go and which still have problems; the
    confirming POST submits exactly the items that page listed."""
    round_, agency = post_guard(request, round_id, code)
    if not permissions.can_manage(request.user, agency):
        raise PermissionDenied
    if not confirmed(request):
        return confirmation_page(request, submit_confirmation(round_, agency))
    codes = [c for c in request.POST.get("items", "").split(",") if c]
    return act(
        request,
        back_to(round_, agency),
        lambda: services.submit_items(request.user, round_, agency, codes),
        lambda codes: (
            ngettext(
                "Sent %(n)s item to the assessor: %(items)s", "Sent %(n)s items to the assessor: %(items)s", len(codes)
            )
            % {"n": len(codes), "items": ", ".join(codes)}
        ),
    )


def submit_confirmation(round_, agency) -> Confirmation:
    rows = [r for r in queries.item_rows(round_, agency) if r.status == EntryStatus.READY]
    troubled = [r for r in rows if r.verdict in ("fail", "missing", "pending") or r.reasons]
    warnings = (
        [
            _("%(n)s of these items still have problems; the assessor will judge them as they are:")
            % {"n": len(troubled)}
        ]
        + [f"{r.code} · {r.verdict_label}: {'; '.join(r.reasons)}" for r in troubled]
        if troubled
        else []
    )
    return Confirmation(
        title=_("Submit %(n)s item(s) to the assessor?") % {"n": len(rows)},
        lead=_("%(agency)s sends these OIT items of %(round)s to the assessor.")
        % {"agency": agency.display_name, "round": round_.name_th},
        warnings=warnings,
        effects=[
            _("The items become read-only for the agency and visible to the assessor."),
            _("The evidence as it is now is what the public page shows for these items."),
        ],
        names_title=_("Items to submit"),
        names=[f"{r.code} · {r.item.title}" for r in rows],
        undo=_(
            "No: a submitted item cannot be taken back. The agency can change it again only if the assessor "
            "asks for a clarification."
        ),
        action=reverse("oit_submit_ready", args=[round_.pk, agency.code]),
        hidden={"items": ",".join(r.code for r in rows)},
        button=_("Submit to the assessor"),
        cancel_url=reverse("oit_agency", args=[round_.pk, agency.code]),
    )


@login_required
@require_POST
def oit_recheck(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    return act(
        request,
        back_to(round_, agency, item, "links"),
        lambda: services.request_recheck(request.user, round_, agency, item),
        recheck_queued,
    )


@login_required
@require_POST
def oit_recheck_all(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code)
    return act(
        request, back_to(round_, agency), lambda: services.request_recheck(request.user, round_, agency), recheck_queued
    )


@login_required
@require_POST
def oit_carry_over(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code)
    return act(
        request,
        back_to(round_, agency),
        lambda: services.carry_over_evidence(request.user, round_, agency),
        _carried_over,
    )


def _carried_over(codes: list[str]) -> str:
    if not codes:
        return _("There is no evidence from last year that can be used")
    return ngettext(
        "Took last year's evidence for %(n)s item (as a draft: check it before submitting)",
        "Took last year's evidence for %(n)s items (as drafts: check them before submitting)",
        len(codes),
    ) % {"n": len(codes)}


@login_required
@require_POST
def oit_clarify(request: HttpRequest, round_id: int, code: str, item: str) -> HttpResponse:
    round_, agency = post_guard(request, round_id, code, item)
    entry = get_object_or_404(OITEntry, round=round_, agency=agency, code=item)
    form = ClarificationForm(request.POST)
    if form.is_valid():
        try:
            services.submit_clarification(request.user, entry, form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", first_error(exc))
        else:
            messages.success(request, _("Clarification of item %(item)s sent") % {"item": item})
            return back_to(round_, agency, item)
    elif not permissions.can_manage(request.user, agency):
        raise PermissionDenied
    return render_item(request, round_, agency, item, status=400, clarify_form=form)
