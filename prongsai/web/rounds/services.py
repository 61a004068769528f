"""Opening, closing and scheduling assessment rounds (central admin only)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prongsai.core.framework import FrameworkError, load_framework, with_variant
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Role
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.rounds.lifecycle import ROUND
from prongsai.web.rounds.models import AssessmentRound, Phase, RoundPhase, RoundStatus


def create_round(
    actor,
    framework_id: str,
    fiscal_year: int,
    name_th: str = "",
    phases: dict[str, tuple[date, date]] | None = None,
    variant: str = "",
) -> AssessmentRound:
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
        raise ValidationError(
            _("%(edition)s assesses the fiscal years %(years)s, not %(year)s.")
            % {"edition": framework_id, "years": ", ".join(map(str, framework.fiscal_years)), "year": fiscal_year}
        )
    if framework_id not in {c.key for c in usable_editions()}:
        raise ValidationError(
            _(
                "%(edition)s is not an edition in force (a draft, or superseded by a newer version): "
                "choose the active one."
            )
            % {"edition": framework_id}
        )
    variant = (variant or "").strip()
    if variant and variant not in framework.variants:
        raise ValidationError(
            _("%(edition)s has no variant '%(variant)s' (variants: %(variants)s).")
            % {"edition": framework_id, "variant": variant, "variants": ", ".join(framework.variants) or "-"}
        )
    if AssessmentRound.objects.filter(framework_id=framework_id, variant=variant, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            _("A round of %(edition)s for %(year)s already exists.")
            % {"edition": f"{framework_id} {variant}".strip(), "year": fiscal_year}
        )
    shown = with_variant(framework, variant or None)
    with transaction.atomic():
        default_name = (  # thai-data: the round's stored Thai name (name_th), as its Thai documents give it
            f"ITA {framework.variants[variant].name_th} ปีงบประมาณ พ.ศ. {fiscal_year}"
            if variant
            else f"ITA ปีงบประมาณ พ.ศ. {fiscal_year} ({framework.name_th})"
        )
        round_ = AssessmentRound.objects.create(
            framework_id=framework_id,
            variant=variant,
            fiscal_year=fiscal_year,
            created_by=actor if actor.is_authenticated else None,
            name_th=(name_th or default_name)[:255],
        )
        for phase, (starts, ends) in (phases or {}).items():
            if ends < starts:
                raise ValidationError(_("%(phase)s: ends before it starts.") % {"phase": Phase(phase).label})
            RoundPhase.objects.create(round=round_, phase=Phase(phase), starts_on=starts, ends_on=ends)
        _seed_calendar(actor, round_)
        record(
            actor,
            AuditAction.CREATE_ROUND,
            f"created {round_.name_th}",
            obj=round_,
            changes={
                "framework_id": framework_id,
                "variant": variant,
                "fiscal_year": fiscal_year,
                "provisional_items": shown.provisional_count,
            },
        )
    return round_


def _seed_calendar(actor, round_: AssessmentRound) -> None:
    """The round's deadlines, copied from its edition's ITA calendar (when the deadlines feature is installed)."""
    from django.apps import apps

    if apps.is_installed("prongsai.web.notifications"):
        from prongsai.web.notifications.services import seed_round_calendar

        seed_round_calendar(actor, round_)


def set_round_status(actor, round_: AssessmentRound, status: str) -> AssessmentRound:
    if not access.is_central_admin(actor):
        raise PermissionDenied
    move = ROUND.move_to(round_.status, status)
    if move is None:
        raise ValidationError(
            _("A round cannot move from %(before)s to %(after)s.")
            % {
                "before": RoundStatus(round_.status).label,
                "after": RoundStatus(status).label if status in RoundStatus.values else status,
            }
        )
    ROUND.check(round_.status, move.name, Role.CENTRAL_ADMIN)
    with transaction.atomic():
        before = round_.status
        round_.status = status
        if status == RoundStatus.OPEN:
            round_.opened_at = timezone.now()
        else:
            round_.closed_at = timezone.now()
        round_.save()
        record(
            actor,
            AuditAction.SET_ROUND_STATUS,
            f"{round_.name_th}: {before} → {status}",
            obj=round_,
            changes={"status": [before, status]},
        )
    return round_
