"""Pages of the document pack: generate, download, replace templates, and the central batch.

Views parse, check rights, call one service, and render; downloads are allowed only within the agency's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.documents import emblems, pack, services, signoff
from prongsai.web.documents.forms import BatchForm, DetailsForm, TemplateForm
from prongsai.web.documents.models import PACK_KIND, DocumentBatch, DocumentKind, GeneratedDocument, VersionState
from prongsai.web.measures import permissions
from prongsai.web.measures.views import agency_for, agency_round, error_messages, nav
from prongsai.web.messages import form_error_texts


def _details_initial(details) -> dict:
    if details is None:
        return {}
    return {
        "memo_unit": details.memo_unit_id,
        "phone": details.phone,
        "memo_number": details.memo_number,
        "memo_date": details.memo_date,
        "announcement_date": details.announcement_date,
        "report_date": details.report_date,
        "author": details.author_id,
        "signer": details.signer_id,
        "signer_position": details.signer_position,
    }


@login_required
@require_GET
def pack_page(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, services.can_view_documents)
    context = nav(agency, round_, request.user, "documents")
    can_manage = context["can_manage"]
    latest = services.latest_outputs(round_, agency)
    templates = {t.kind: t for t in agency.document_templates.all()}
    versions = signoff.versions_of(round_, agency)
    docs = []
    for kind, label in DocumentKind.choices:
        mine = versions.get(kind, [])
        current = mine[0] if mine else None
        for v in mine:
            v.agency = agency  # already loaded: the moves ask who the user is for this agency
        approved = next((v for v in mine if v.state == VersionState.APPROVED), None)
        docs.append(
            {
                "kind": kind,
                "label": label,
                "template": templates.get(kind),
                "current": current,
                "approved": approved if approved is not current else None,
                # the buttons: the moves the table allows this user from the version's state
                "moves": signoff.available_moves(request.user, current) if current else [],
            }
        )
    details = services.details_for(round_, agency)
    emblem = emblems.emblem_for(agency)
    context.update(
        {
            "docs": docs,
            "zip": latest.get((PACK_KIND, "zip")),
            "details": details,
            "missing": signoff.missing_approvals(round_, agency),
            "emblem": emblem,
            "can_set_emblem": emblems.can_set_emblem(request.user, agency),
            "details_form": DetailsForm(agency, initial=_details_initial(details)) if can_manage else None,
            "template_form": TemplateForm() if can_manage else None,
            "history": GeneratedDocument.objects.filter(round=round_, agency=agency).select_related("created_by")[:30],
            "problems": pack.readiness(round_, agency, context["analysed_round"], details),
        }
    )
    return render(request, "documents/pack.html", context)


@login_required
@require_POST
def details(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    form = DetailsForm(agency, request.POST)
    if form.is_valid():
        try:
            services.save_details(request.user, round_, agency, **form.cleaned_data)
            messages.success(request, _("Document details saved."))
        except ValidationError as exc:
            error_messages(request, exc)
    else:
        messages.error(request, _("Check the document details: %(e)s") % {"e": " ".join(form_error_texts(form))})
    return redirect("documents_pack", code=agency.code, round_id=round_.pk)


@login_required
@require_POST
def generate(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    agency, round_ = agency_round(request.user, code, round_id, permissions.can_manage)
    kind = request.POST.get("kind", "")
    kinds = [kind] if kind in DocumentKind.values else None
    try:
        result = services.generate_pack(request.user, round_, agency, kinds=kinds, with_zip=kinds is None)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("documents_pack", code=agency.code, round_id=round_.pk)
    except pack.PackError as exc:  # e.g. an agency template the sandbox refuses at render time
        messages.error(request, str(exc))
        return redirect("documents_pack", code=agency.code, round_id=round_.pk)
    messages.success(
        request,
        _("%(n)d file(s) generated in %(s).1f s.")
        % {"n": len(result.documents) + (1 if result.zip else 0), "s": result.seconds},
    )
    if request.POST.get("download") == "zip":
        if result.zip is not None:
            return redirect("documents_download", pk=result.zip.pk)
        messages.error(request, signoff.missing_text(result.missing))
    return redirect("documents_pack", code=agency.code, round_id=round_.pk)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(GeneratedDocument.objects.select_related("agency"), pk=pk)
    if not services.can_download(request.user, doc):
        raise PermissionDenied
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
        "zip": "application/zip",
    }
    response = FileResponse(handle, as_attachment=True, filename=doc.name, content_type=types.get(doc.fmt))
    response["X-Content-SHA256"] = doc.sha256
    return response


def _back(request: HttpRequest, agency: Agency) -> HttpResponse:
    """To the page named by ``next`` if it is a documents page, else to the agency's templates."""
    back = request.POST.get("next") or ""
    return redirect(back) if back.startswith("/documents/") else redirect("documents_templates", code=agency.code)


@login_required
@require_POST
def template_upload(request: HttpRequest, code: str) -> HttpResponse:
    agency = agency_for(request.user, code, permissions.can_manage)
    form = TemplateForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.upload_template(request.user, agency, form.cleaned_data["kind"], upload.name, upload.read())
            messages.success(request, _("Template saved: the next documents use it."))
        except ValidationError as exc:
            error_messages(request, exc)
    else:
        messages.error(request, _("Choose a document and a .docx file."))
    return _back(request, agency)


@login_required
@require_POST
def template_delete(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    agency = agency_for(request.user, code, permissions.can_manage)
    if kind not in DocumentKind.values:
        raise Http404
    services.delete_template(request.user, agency, kind)
    messages.success(request, _("Back to the default template."))
    return _back(request, agency)


@login_required
@require_GET
def template_download(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The template in use for ``kind``: the agency's own, else the default one (to edit in Word)."""
    agency = agency_for(request.user, code, services.can_view_documents)
    if kind not in DocumentKind.values:
        raise Http404
    own = services.template_for(agency, kind)
    data = own.file.read() if own else pack.default_template(kind)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}{"" if own else "-default"}.docx"'
    return response


@login_required
@require_GET
def templates_page(request: HttpRequest, code: str) -> HttpResponse:
    agency = agency_for(request.user, code, services.can_view_documents)
    own = {t.kind: t for t in agency.document_templates.select_related("uploaded_by")}
    rows = [
        {"kind": k, "label": label, "template": own.get(k), "placeholders": pack.placeholders(k)}
        for k, label in DocumentKind.choices
    ]
    return render(
        request,
        "documents/templates.html",
        {
            "agency": agency,
            "rows": rows,
            "can_manage": permissions.can_manage(request.user, agency),
            "form": TemplateForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest) -> HttpResponse:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.cleaned_data["round"]
        agencies = services.batch_agencies(round_, form.agency_codes() or None)
        try:
            b = services.start_batch(request.user, round_, agencies)
            messages.success(
                request, _("%(n)d packs queued; a worker (prongsai manage db_worker) generates them.") % {"n": b.total}
            )
            return redirect("documents_batch_detail", pk=b.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "documents/batch.html",
        {"form": form, "batches": DocumentBatch.objects.select_related("round", "created_by")[:20]},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    b = get_object_or_404(DocumentBatch.objects.select_related("round", "created_by"), pk=pk)
    zips = GeneratedDocument.objects.filter(batch=b, kind=PACK_KIND).select_related("agency").order_by("agency__code")
    from prongsai.web.documents.batches import item_tasks

    tasks = list(item_tasks(b).values())
    pending = {"queued": tasks.count("READY"), "running": tasks.count("RUNNING")}
    return render(request, "documents/batch_detail.html", {"batch": b, "zips": zips, "pending": pending})


@login_required
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """The central admin's "retry failed and stuck" action (documents/batches.py)."""
    if not access.is_central_admin(request.user):
        raise PermissionDenied
    from prongsai.web.documents.batches import retry_batch

    b = get_object_or_404(DocumentBatch, pk=pk)
    count = retry_batch(request.user, b)
    if count:
        messages.success(request, _("%(n)d packs queued again.") % {"n": count})
    else:
        messages.info(request, _("Nothing to retry: every pack is done, queued or running."))
    return redirect("documents_batch_detail", pk=b.pk)
