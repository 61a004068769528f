"""Framework editions stored in the database: the versions a central admin uploaded (docs/frameworks.md).

The packaged YAML files are the built-in editions (version 1 of their id, never stored here).  Every upload is a
new ``StoredEdition`` version, named ``id@version`` (``ita-2570@2``), immutable once it leaves the draft state:
a version a round uses can only be superseded by a newer one, never changed.  ``status``:

- ``draft``: uploaded and valid, open to preview and diff, not offered for rounds; may be replaced or discarded;
- ``active``: offered for new rounds, and the default of its fiscal years (``prongsai score``) over a built-in
  edition of the same years;
- ``superseded``: a newer version of the same id was activated; rounds that use it keep it;
- ``retired``: withdrawn from new rounds without a successor (rounds that use it keep it);
- ``discarded``: a draft thrown away (kept for the record, never loadable).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft version")
    ACTIVE = "active", _("In use")
    SUPERSEDED = "superseded", _("Superseded by a newer version")
    RETIRED = "retired", _("Retired")
    DISCARDED = "discarded", _("Draft discarded")


#: statuses whose content may be loaded (drafts for preview; the others because rounds may use them)
LOADABLE = (EditionStatus.DRAFT, EditionStatus.ACTIVE, EditionStatus.SUPERSEDED, EditionStatus.RETIRED)
#: statuses offered in lists of editions usable by rounds
LISTED = (EditionStatus.ACTIVE, EditionStatus.SUPERSEDED, EditionStatus.RETIRED)


class EditionLocked(ValidationError):
    """An attempt to change the content of an edition that is no longer a draft (or that a round uses)."""


class StoredEdition(models.Model):
    edition_id = models.CharField(_("Edition id"), max_length=64, db_index=True)
    version = models.PositiveIntegerField(_("Version"))
    key = models.CharField(_("Version key"), max_length=80, unique=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT, db_index=True
    )
    name_th = models.CharField(_("Name"), max_length=255)
    fiscal_years = models.JSONField(_("Fiscal years"), default=list)
    default_years = models.JSONField(_("Default edition of the years"), default=list)
    #: the edition's data as house-style YAML (canonical), whatever the upload's format was
    source_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    upload_name = models.CharField(_("Imported file"), max_length=255)
    upload_kind = models.CharField(max_length=8)  # yaml | xlsx
    derived_from = models.CharField(_("Adapted from"), max_length=80, blank=True)
    note = models.TextField(_("Change note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition_id", "version"], name="one_stored_edition_version")]
        ordering = ["edition_id", "-version"]
        verbose_name = _("Imported framework edition")

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs) -> None:
        """Content is frozen once a version leaves the draft state: a used edition is superseded, never edited."""
        if self.pk:
            before = StoredEdition.objects.filter(pk=self.pk).values("source_text", "status").first()
            if before and before["source_text"] != self.source_text and before["status"] != EditionStatus.DRAFT:
                raise EditionLocked(
                    f"{self.key} is {before['status']}: its content cannot change; upload a new version"
                )
        super().save(*args, **kwargs)
