"""The official document pack of one agency for one (working) round, its templates and its stored outputs.

- ``DocumentDetails``: the header facts of the pack that are not data elsewhere (memo number and date, the unit
  that writes the memo and its phone, the announcement date, who signs): one row per round × agency.
- ``DocumentTemplate``: an agency's own DOCX replacing the default template of one kind of document.
- ``GeneratedDocument``: one stored output (DOCX, PDF or the evidence-pack ZIP) with its SHA-256.
- ``DocumentBatch``: a central admin's batch (many agencies) run on the task queue.
- ``DocumentVersion``: one numbered version of one document, draft → proposed → approved (``documents.signoff``).
- ``Emblem``: the uploaded Garuda emblem, national or an agency's own (``documents.emblems``).

Every write goes through ``prongsai.web.documents.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    # the values are the document names of ``prongsai.documents`` (context.DOCUMENTS)
    MEMO = "memo", _("Memo requesting approval")
    ORDER = "order", _("Order appointing the analysis committee")
    ANNOUNCEMENT = "announcement", _("Announcement of the integrity and transparency measures")
    ANALYSIS = "analysis", _("Analysis of the assessment results (O42)")
    IMPLEMENTATION = "implementation", _("Report on carrying out the measures (O43)")


class OutputFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"
    ZIP = "zip", "ZIP"


#: the pack's ZIP is stored as a GeneratedDocument of this kind
PACK_KIND = "pack"


class DocumentDetails(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="document_details")
    #: memo (บันทึกข้อความ) header: ส่วนราชการ = agency + this unit, โทร., ที่, วันที่
    memo_unit = models.ForeignKey("agencies.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    memo_number = models.CharField(_("memo number"), max_length=64, blank=True)  # "ศธ 04152/"
    memo_date = models.DateField(_("memo date"), null=True, blank=True)
    announcement_date = models.DateField(_("announcement date"), null=True, blank=True)
    report_date = models.DateField(_("implementation report date"), null=True, blank=True)
    #: who writes the memo (the ITA officer) and who signs the order and the announcement (the director)
    author = models.ForeignKey("agencies.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signer = models.ForeignKey("agencies.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signer_position = models.CharField(_("signer's position"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="one_details_per_round")]


def _template_path(instance: DocumentTemplate, filename: str) -> str:
    return f"documents/templates/{instance.agency_id}/{instance.kind}-{instance.sha256[:12]}.docx"


class DocumentTemplate(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="document_templates")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(upload_to=_template_path, max_length=500)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="one_template_per_kind")]
        ordering = ["agency", "kind"]


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Finished with errors")


class DocumentBatch(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    #: agency code → error message, for the agencies whose pack failed
    errors = models.JSONField(default=dict, blank=True)
    #: the agencies of the batch (ids), so that failed or stuck ones can be queued again (documents/batches.py)
    agency_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def status(self) -> str:
        if self.done + self.failed >= self.total:
            return BatchStatus.FAILED if self.failed else BatchStatus.DONE
        return BatchStatus.RUNNING if self.done + self.failed else BatchStatus.QUEUED


def _output_path(instance: GeneratedDocument, filename: str) -> str:
    return f"documents/{instance.agency_id}/{instance.round_id}/{instance.sha256[:16]}/{filename}"


class GeneratedDocument(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="generated_documents")
    kind = models.CharField(max_length=32)  # a DocumentKind or PACK_KIND
    fmt = models.CharField(max_length=8, choices=OutputFormat.choices)
    file = models.FileField(upload_to=_output_path, max_length=500)
    name = models.CharField(max_length=255)  # the download file name
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    #: the agency template used (None: the default template)
    template = models.ForeignKey(DocumentTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey(DocumentBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="outputs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["round", "agency", "kind", "fmt"])]

    def __str__(self) -> str:
        return self.name


class VersionState(models.TextChoices):
    # the states of prongsai.documents.signoff.SIGNOFF (the one transition table)
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the director")
    APPROVED = "approved", _("Approved")


class ApprovedVersionIsImmutable(Exception):
    """Something tried to change an approved version (the services never do; this guards against new code)."""


class DocumentVersion(models.Model):
    """One version of one document of the pack, moving draft → proposed → approved (``documents.signoff``).

    ``context`` is the document's rendering context as JSON, kept so that the signed PDF printed at approval is
    exactly what the director was shown (the data may have changed since).  Generating a document again
    replaces the files of its draft version, returns a proposed one to draft, and starts a new draft version
    next to an approved one: an approved version never changes."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="document_versions")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=16, choices=VersionState.choices, default=VersionState.DRAFT)
    context = models.JSONField(default=dict)
    docx = models.ForeignKey(GeneratedDocument, null=True, on_delete=models.RESTRICT, related_name="+")
    pdf = models.ForeignKey(GeneratedDocument, null=True, on_delete=models.RESTRICT, related_name="+")
    signed_pdf = models.ForeignKey(
        GeneratedDocument, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    #: the approver's name and position as printed (kept even if the user is renamed or removed later)
    approver_name = models.CharField(max_length=255, blank=True)
    approver_position = models.CharField(max_length=255, blank=True)
    #: why the director sent it back, or empty
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["round", "agency", "kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["round", "agency", "kind", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number} ({self.state})"

    def save(self, *args, **kwargs):
        if self.pk and DocumentVersion.objects.filter(pk=self.pk, state=VersionState.APPROVED).exists():
            raise ApprovedVersionIsImmutable(f"version {self.pk} is approved and cannot change")
        super().save(*args, **kwargs)


def _emblem_path(instance: Emblem, filename: str) -> str:
    owner = instance.agency_id or "national"
    return f"documents/emblem/{owner}/{instance.sha256[:16]}.png"


class Emblem(models.Model):
    """The Garuda emblem printed on the memo, the order and the announcement: the central admin's for everyone
    (``agency`` empty), or an agency's own for its documents.  Stored re-encoded as PNG (``emblem_image``)."""

    agency = models.OneToOneField(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="emblem"
    )
    file = models.FileField(upload_to=_emblem_path, max_length=500)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)
