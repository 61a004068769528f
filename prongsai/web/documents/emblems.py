"""The Garuda emblem the documents print: uploaded in the web UI by the central admin (for every agency) or by an
agency (for its own documents); the bundled stand-in ("ตราแทน") only until one is given.

Which one prints (:func:`emblem_for`): the agency's own, else the national one, else the stand-in (or
``PRONGSAI_GARUDA`` when an operator set it, as before).  Uploads are hostile input: ``emblem_image`` refuses what is
not a sane PNG/JPEG and re-encodes what it keeps.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from prongsai.core.safefiles import FileTooComplex
from prongsai.documents import emblem_image
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.documents.models import Emblem
from prongsai.web.messages import localized
from prongsai.web.ops.storage import delete_on_commit


def can_set_emblem(user, agency: Agency | None) -> bool:
    """The national emblem: central admins; an agency's own: those who manage the agency (and central admins)."""
    if agency is None:
        return access.is_central_admin(user)
    return access.can_manage_agency(user, agency)


def own_emblem(agency: Agency | None) -> Emblem | None:
    return Emblem.objects.filter(agency=agency).first() if agency else Emblem.objects.filter(agency=None).first()


def emblem_for(agency: Agency) -> Emblem | None:
    """The emblem ``agency``'s documents print: its own, else the national one; None means the stand-in."""
    found = {e.agency_id: e for e in Emblem.objects.filter(agency__isnull=True) | Emblem.objects.filter(agency=agency)}
    return found.get(agency.pk) or found.get(None)


def emblem_bytes(agency: Agency) -> bytes | None:
    chosen = emblem_for(agency)
    if chosen is None:
        return None
    with chosen.file.open("rb") as handle:
        return handle.read()


@contextlib.contextmanager
def emblem_file(agency: Agency) -> Iterator[Path | None]:
    """A file path of the emblem to print (the renderers take a path), or None for the default."""
    data = emblem_bytes(agency)
    if data is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="prongsai-emblem-") as tmp:
        path = Path(tmp) / "emblem.png"
        path.write_bytes(data)
        yield path


def upload_emblem(actor, agency: Agency | None, name: str, data: bytes) -> Emblem:
    """Check, re-encode and store the emblem (national when ``agency`` is None); replaces the previous one."""
    if not can_set_emblem(actor, agency):
        raise PermissionDenied
    try:
        checked = emblem_image.check_and_reencode(data, name)
    except FileTooComplex as exc:
        raise ValidationError(localized(exc.th, exc.en), code=exc.code) from None
    digest = hashlib.sha256(checked.png).hexdigest()
    with transaction.atomic():
        emblem = (
            Emblem.objects.select_for_update().filter(agency=agency).first()
            if agency
            else Emblem.objects.select_for_update().filter(agency=None).first()
        )
        before, old_file = (emblem.sha256, emblem.file.name) if emblem else ("", "")
        emblem = emblem or Emblem(agency=agency)
        emblem.original_name = name.rsplit("/", 1)[-1][:255]
        emblem.sha256, emblem.width, emblem.height = digest, checked.width, checked.height
        emblem.uploaded_by = actor
        emblem.file.save("emblem.png", ContentFile(checked.png), save=False)
        emblem.save()
        if old_file and old_file != emblem.file.name:
            delete_on_commit(emblem.file.storage, old_file)
        scope = str(agency) if agency else "national"
        record(
            actor,
            AuditAction.UPLOAD_EMBLEM,
            f"Garuda emblem ({scope}): {emblem.original_name}",
            agency=agency,
            obj=emblem,
            changes={
                "sha256": [before, digest],
                "size": [checked.width, checked.height],
                "format": checked.source_format,
            },
        )
    return emblem


def remove_emblem(actor, agency: Agency | None) -> None:
    """Back to the national emblem (an agency's) or to the stand-in (the national one)."""
    if not can_set_emblem(actor, agency):
        raise PermissionDenied
    with transaction.atomic():
        emblem = own_emblem(agency)
        if emblem is None:
            return
        record(
            actor,
            AuditAction.REMOVE_EMBLEM,
            f"Garuda emblem ({agency or 'national'}) removed",
            agency=agency,
            obj=emblem,
            changes={"sha256": emblem.sha256},
        )
        delete_on_commit(emblem.file.storage, emblem.file.name)
        emblem.delete()
