"""Opening, closing and scheduling assessment rounds (central admin only)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from prongsai.core.framework import FrameworkError, load_framework
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Role
from prongsai.web.audit.services import record
from prongsai.web.rounds.lifecycle import ROUND
from prongsai.web.rounds.models import AssessmentRound, Phase, RoundPhase, RoundStatus


def create_round(actor, framework_id: str, fiscal_year: int, name_th: str = "",
                 phases: dict[str, tuple[date, date]] | None = None, variant: str = "") -> AssessmentRound:
    """A round of one edition (built in, or an activated upload) and, optionally, one of its agency-type variants.

    Drafts, discarded and superseded editions are refused: a new round uses the version now in force."""
    from prongsai.web.editions.services import usable_editions

    if not access.is_central_admin(actor):
        raise PermissionDenied
    try:
        framework = load_framework(framework_id)
    except FrameworkError as exc:
        raise ValidationError(str(exc)) from None
    if fiscal_year not in framework.fiscal_years:
        raise ValidationError(f"{framework_id} assesses {', '.join(map(str, framework.fiscal_years))}, "
                              f"not {fiscal_year}")
    if framework_id not in {c.key for c in usable_editions()}:
        raise ValidationError(f"{framework_id} is not an edition in force (a draft, or superseded by a newer "
                              f"version): choose the active one")
    variant = (variant or "").strip()
    if variant and variant not in framework.variants:
        raise ValidationError(f"{framework_id} has no variant '{variant}' "
                              f"(variants: {', '.join(framework.variants) or 'none'})")
    if AssessmentRound.objects.filter(framework_id=framework_id, variant=variant, fiscal_year=fiscal_year).exists():
        raise ValidationError(f"a round for {framework_id} {variant} {fiscal_year} already exists".replace("  ", " "))
    shown = framework.with_variant(variant or None)
    with transaction.atomic():
        default_name = f"ITA ปีงบประมาณ พ.ศ. {fiscal_year} ({framework.name_th})"
        if variant:
            default_name = f"ITA {framework.variants[variant].name_th} ปีงบประมาณ พ.ศ. {fiscal_year}"
        round_ = AssessmentRound.objects.create(
            framework_id=framework_id, variant=variant, fiscal_year=fiscal_year,
            created_by=actor if actor.is_authenticated else None, name_th=(name_th or default_name)[:255])
        for phase, (starts, ends) in (phases or {}).items():
            if ends < starts:
                raise ValidationError(f"{phase}: ends before it starts")
            RoundPhase.objects.create(round=round_, phase=Phase(phase), starts_on=starts, ends_on=ends)
        record(actor, "create_round", f"created {round_.name_th}", obj=round_,
               changes={"framework_id": framework_id, "variant": variant, "fiscal_year": fiscal_year,
                        "provisional_items": shown.provisional_count})
    return round_


def set_round_status(actor, round_: AssessmentRound, status: str) -> AssessmentRound:
    if not access.is_central_admin(actor):
        raise PermissionDenied
    move = ROUND.move_to(round_.status, status)
    if move is None:
        raise ValidationError(f"cannot move a {round_.status} round to {status}")
    ROUND.check(round_.status, move.name, Role.CENTRAL_ADMIN)
    with transaction.atomic():
        before = round_.status
        round_.status = status
        if status == RoundStatus.OPEN:
            round_.opened_at = timezone.now()
        else:
            round_.closed_at = timezone.now()
        round_.save()
        record(actor, "set_round_status", f"{round_.name_th}: {before} → {status}", obj=round_,
               changes={"status": [before, status]})
    return round_
