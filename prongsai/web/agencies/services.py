"""State changes of agencies, units, people and roles.

Each function validates (``rules``), authorises (through ``access``), runs in one transaction and writes an audit
record; a change refused raises ``ValidationError`` keyed by field, in the active language.  Whole files (all rows
or none, ``InputError`` listing every bad row in both languages) are ``imports.import_agencies``/``import_people``,
which check with the same ``rules``.

Who may do what (docs/agencies.md):
- agencies (create, edit, move, import) and passwords: the central admin only;
- units, people and roles: the central admin anywhere, an agency admin (ITA officer) inside its subtree;
  an agency admin never grants or revokes ``central_admin`` or ``assessor``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from prongsai.web.agencies import access, rules
from prongsai.web.agencies.models import Agency, Membership, Person, Role, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record

# --- agencies ------------------------------------------------------------------------------------------------


def create_agency(
    actor,
    *,
    code: str,
    name_th: str,
    kind: str,
    parent: Agency | None = None,
    short_name: str = "",
    subkind: str = "",
    province: str = "",
    region: str = "",
    website: str = "",
    name_en: str = "",
) -> Agency:
    """Register an agency (central admin)."""
    rules.require_central(actor)
    code = (code or "").strip()
    clean, issues = rules.field_issues(
        {
            "name_th": name_th,
            "name_en": name_en,
            "short_name": short_name,
            "kind": kind,
            "subkind": subkind,
            "province": province,
            "region": region,
            "website": website,
        }
    )
    issues = rules.code_issues(code, Agency.objects.filter(code__iexact=code).exists()) + issues
    if clean["kind"]:
        issues += rules.parent_issues(clean["kind"], parent.kind if parent else None)
    rules.raise_issues(issues)
    with transaction.atomic():
        agency = Agency.objects.create(code=code, parent=parent, **clean)
        record(
            actor,
            AuditAction.CREATE_AGENCY,
            f"registered {agency.code} {agency.name_th}{' under ' + parent.code if parent else ''}",
            agency=agency,
            obj=agency,
            changes={"code": code, "parent": parent.code if parent else None, **clean},
        )
    return agency


EDITABLE = ("name_th", "name_en", "short_name", "kind", "subkind", "province", "region", "website", "is_active")


def update_agency(actor, agency: Agency, **values) -> Agency:
    """Change an agency's names, kind and details (central admin); the code and the parent do not change here."""
    rules.require_central(actor)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_agency: cannot change {', '.join(sorted(unknown))}")
    current = {k: getattr(agency, k) for k in EDITABLE}
    merged = {**current, **values}
    clean, issues = rules.field_issues(merged)
    if clean["kind"]:
        issues += rules.parent_issues(clean["kind"], agency.parent.kind if agency.parent_id else None)
        if clean["kind"] != agency.kind:
            for child in agency.children.all():
                if rules.parent_issues(child.kind, clean["kind"]):
                    issues.append(
                        rules.Issue(
                            "kind",
                            _("its child %(child)s could not stay under an agency of this kind"),
                            {"child": child.code},
                        )
                    )
                    break
    rules.raise_issues(issues)
    clean["is_active"] = bool(merged["is_active"])
    changes = {k: [current[k], clean[k]] for k in EDITABLE if current[k] != clean[k]}
    if not changes:
        return agency
    with transaction.atomic():
        for key, value in clean.items():
            setattr(agency, key, value)
        agency.save()
        record(
            actor,
            AuditAction.UPDATE_AGENCY,
            f"edited {agency.code}: {', '.join(changes)}",
            agency=agency,
            obj=agency,
            changes=changes,
        )
    return agency


def move_agency(actor, agency: Agency, new_parent: Agency | None) -> Agency:
    """Re-parent an agency with its whole subtree (central admin); never under itself or its descendants."""
    rules.require_central(actor)
    agency.refresh_from_db()
    issues: list[rules.Issue] = []
    if new_parent is not None:
        new_parent.refresh_from_db()
        if new_parent.pk == agency.pk or new_parent.path.startswith(agency.path):
            issues.append(
                rules.Issue("parent_code", _("an agency cannot move under itself or one of its own sub-agencies"))
            )
    issues = issues or rules.parent_issues(agency.kind, new_parent.kind if new_parent else None)
    rules.raise_issues(issues)
    old = agency.parent
    if (old.pk if old else None) == (new_parent.pk if new_parent else None):
        return agency
    with transaction.atomic():
        agency.parent = new_parent
        agency.save()
        record(
            actor,
            AuditAction.MOVE_AGENCY,
            f"moved {agency.code} from {old.code if old else '(top)'} to {new_parent.code if new_parent else '(top)'}",
            agency=agency,
            obj=agency,
            changes={"parent": [old.code if old else None, new_parent.code if new_parent else None]},
        )
    return agency


# --- units ---------------------------------------------------------------------------------------------------


def create_unit(actor, agency: Agency, name_th: str, short_name: str = "", order: int | None = None) -> Unit:
    rules.require_manage(actor, agency)
    name_th, short_name = (name_th or "").strip(), (short_name or "").strip()
    rules.raise_issues(rules.unit_name_issues(agency, name_th, short_name))
    with transaction.atomic():
        if order is None:
            order = (agency.units.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        unit = Unit.objects.create(agency=agency, name_th=name_th, short_name=short_name, order=order)
        record(
            actor,
            AuditAction.CREATE_UNIT,
            f"{agency.code}: added unit {name_th}",
            agency=agency,
            obj=unit,
            changes={"name_th": name_th, "short_name": short_name, "order": order},
        )
    return unit


def rename_unit(actor, unit: Unit, name_th: str, short_name: str | None = None) -> Unit:
    rules.require_manage(actor, unit.agency)
    name_th = (name_th or "").strip()
    short_name = unit.short_name if short_name is None else short_name.strip()
    rules.raise_issues(rules.unit_name_issues(unit.agency, name_th, short_name, exclude=unit.pk))
    changes = {
        k: [getattr(unit, k), v] for k, v in (("name_th", name_th), ("short_name", short_name)) if getattr(unit, k) != v
    }
    if not changes:
        return unit
    with transaction.atomic():
        unit.name_th, unit.short_name = name_th, short_name
        unit.save(update_fields=["name_th", "short_name"])
        record(
            actor,
            AuditAction.RENAME_UNIT,
            f"{unit.agency.code}: renamed unit to {name_th}",
            agency=unit.agency,
            obj=unit,
            changes=changes,
        )
    return unit


def unit_references(unit: Unit) -> list[tuple[str, int]]:
    """What still points at a unit (members, OIT items, measures, reports, documents): (what, how many).

    Found through the model's reverse relations, so a feature that adds a reference to units is covered."""
    found = []
    for relation in unit._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        model = relation.related_model
        if model._meta.auto_created:  # an M2M through table: its visible side is counted instead
            continue
        count = model._default_manager.filter(**{relation.field.name: unit}).count()
        if count:
            found.append((str(model._meta.verbose_name_plural), count))
    return found


def delete_unit(actor, unit: Unit) -> None:
    """Delete a unit nobody refers to any more; otherwise refuse, naming what refers to it."""
    rules.require_manage(actor, unit.agency)
    references = unit_references(unit)
    if references:
        listing = ", ".join(f"{what}: {count}" for what, count in references)
        rules.raise_issues(
            [
                rules.Issue(
                    "__all__", _("the unit is still in use (%(listing)s); reassign those first"), {"listing": listing}
                )
            ]
        )
    with transaction.atomic():
        agency, name = unit.agency, unit.name_th
        record(
            actor,
            AuditAction.DELETE_UNIT,
            f"{agency.code}: deleted unit {name}",
            agency=agency,
            obj=unit,
            changes={"name_th": name},
        )
        unit.delete()


# --- people and roles ----------------------------------------------------------------------------------------


def add_person(
    actor,
    username: str,
    full_name_th: str,
    title_th: str = "",
    position_th: str = "",
    email: str = "",
    *,
    agency: Agency | None = None,
    role: str | None = None,
    unit: Unit | None = None,
):
    """Create a user with an unusable password and their Person record; with ``agency`` and ``role`` also grant
    that role in the same transaction.  An agency admin must give an agency (people join its subtree)."""
    if not rules.may_add_people(actor):
        raise PermissionDenied
    if agency is None and not access.is_central_admin(actor):
        raise PermissionDenied
    if agency is not None and not access.can_manage_agency(actor, agency):
        raise PermissionDenied
    username, full_name_th = (username or "").strip(), (full_name_th or "").strip()
    title_th, position_th, email = (title_th or "").strip(), (position_th or "").strip(), (email or "").strip()
    User = get_user_model()
    issues = rules.person_issues(username, full_name_th, email, title_th, position_th)
    if username and User.objects.filter(username__iexact=username).exists():
        issues.append(rules.Issue("username", _("the username '%(username)s' is taken"), {"username": username}))
    if agency is not None:
        issues += rules.role_issues(actor, agency, role, unit)
    rules.raise_issues(issues)
    with transaction.atomic():
        user = _create_user(actor, username, full_name_th, title_th, position_th, email)
        if agency is not None:
            # (mypy) rules.raise_issues above refused a missing role
            grant_role(actor, user, agency, role, unit=unit, position_th=position_th)  # type: ignore[arg-type]
    return user


def _create_user(actor, username, full_name_th, title_th, position_th, email):
    user = get_user_model().objects.create_user(username=username, email=email, password=None)  # unusable
    person = Person.objects.create(user=user, title_th=title_th, full_name_th=full_name_th, position_th=position_th)
    record(
        actor,
        AuditAction.ADD_PERSON,
        f"added {username} ({person})",
        obj=user,
        changes={
            "username": username,
            "full_name_th": full_name_th,
            "title_th": title_th,
            "position_th": position_th,
            "email": email,
        },
    )
    return user


def grant_role(actor, user, agency: Agency, role: str, unit: Unit | None = None, position_th: str = "") -> Membership:
    """Give ``user`` a role in ``agency`` (reaching its subtree).  Granting a role already held updates its unit."""
    rules.raise_issues(rules.role_issues(actor, agency, role, unit))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, agency=agency, role=role, defaults={"unit": unit, "position_th": position_th}
        )
        if not created and membership.unit_id == (unit.pk if unit else None):
            return membership
        before = membership.unit.name_th if (not created and membership.unit_id) else None
        if not created:
            membership.unit = unit
            membership.save(update_fields=["unit"])
        record(
            actor,
            AuditAction.GRANT_ROLE,
            f"{user.username}: {role} at {agency.code}{' (' + unit.name_th + ')' if unit else ''}",
            agency=agency,
            obj=membership,
            changes={"user": user.username, "role": role, "unit": [before, unit.name_th if unit else None]},
        )
    _forget(user)
    return membership


def revoke_role(actor, membership: Membership) -> None:
    agency, role = membership.agency, membership.role
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied
    if role in rules.CENTRAL_ONLY_ROLES and not access.is_central_admin(actor):
        raise PermissionDenied
    if (
        role == Role.CENTRAL_ADMIN
        and not Membership.objects.filter(role=Role.CENTRAL_ADMIN).exclude(pk=membership.pk).exists()
    ):
        rules.raise_issues(
            [rules.Issue("__all__", _("this is the last central admin: grant the role to someone else first"))]
        )
    with transaction.atomic():
        user = membership.user
        record(
            actor,
            AuditAction.REVOKE_ROLE,
            f"{user.username}: {role} at {agency.code} revoked",
            agency=agency,
            obj=membership,
            changes={"user": user.username, "role": role},
        )
        membership.delete()
    _forget(user)


def _forget(user) -> None:
    if hasattr(user, "_prongsai_memberships"):
        del user._prongsai_memberships


def set_password(actor, user, password: str) -> None:
    """Set a user's password (central admin), checked by the project's password validators."""
    rules.require_central(actor)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(
            actor,
            AuditAction.SET_PASSWORD,
            f"set the password of {user.username}",
            obj=user,
            changes={"user": user.username},
        )


def ensure_central_admin(username: str, *, email: str = "", password: str | None = None):
    """The bootstrap of ``prongsai createadmin``: the command line itself is the authority (no actor).

    Creates or updates the user, makes them central admin at the central office; returns (user, created,
    office, role_created)."""
    from prongsai.web.demo import ensure_central_office

    User = get_user_model()
    username = username.strip()
    with transaction.atomic():
        office = ensure_central_office()
        existing = User.objects.filter(username=username).first()
        user = existing or User(username=username)
        if email:
            user.email = email
        if password is not None:
            user.set_password(password)
        elif existing is None:
            user.set_unusable_password()
        user.save()
        _, role_created = Membership.objects.get_or_create(user=user, agency=office, role=Role.CENTRAL_ADMIN)
        record(
            None,
            AuditAction.CREATEADMIN,
            f"{'created' if existing is None else 'updated'} central admin '{username}' at {office}",
            agency=office,
            obj=user,
            changes={"username": username, "role": Role.CENTRAL_ADMIN, "password_set": password is not None},
        )
    return user, existing is None, office, role_created
