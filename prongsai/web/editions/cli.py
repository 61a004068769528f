"""``prongsai frameworks import FILE``: the upload service from the command line (Django is set up by the caller)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from prongsai.cli_base import CommandError
from prongsai.web.agencies.models import Membership, Role
from prongsai.web.editions.services import upload_edition


def import_edition_file(
    name: str, data: bytes, *, as_user: str | None, activate: bool, derived_from: str | None
) -> str:
    if as_user:
        actor = get_user_model().objects.filter(username=as_user).first()
        if actor is None:
            raise CommandError(f"no user '{as_user}'")
    else:
        membership = Membership.objects.filter(role=Role.CENTRAL_ADMIN).select_related("user").order_by("pk").first()
        if membership is None:
            raise CommandError("no central admin to import as: run 'prongsai createadmin USERNAME' or give --as")
        actor = membership.user
    try:
        stored = upload_edition(actor, name, data, derived_from=derived_from or "", activate=activate)
    except PermissionDenied:
        raise CommandError(f"user '{actor.username}' may not import editions (central admins only)") from None
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from None
    state = "active" if activate else "draft (review it on the platform, then activate it)"
    parent = f", compared with {stored.derived_from}" if stored.derived_from else ""
    return f"stored {name} as {stored.key}: {state}{parent}; as {actor.username}"
