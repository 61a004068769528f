"""State changes of agencies, units, people and roles.

Each function validates, authorises (through ``access``), runs in one transaction and writes an audit record.
Validation produces problems as gettext messages (English msgids, Thai in the app's catalog); a single change
raises ``ValidationError`` keyed by field (in the active language), an import raises ``InputError`` listing every
bad row at once (each problem in both languages: the command line prints English, the web picks).

Who may do what (docs/agencies.md):
- agencies (create, edit, move, import) and passwords: the central admin only;
- units, people and roles: the central admin anywhere, an agency admin (ITA officer) inside its subtree;
  an agency admin never grants or revokes ``central_admin`` or ``assessor``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from prongsai.core.tabular import InputError
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Person, Region, Role, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.messages import localized

RESERVED_CODES = {"new", "import"}  # /manage/agencies/new/ and /manage/agencies/import/
CODE_RE = re.compile(r"^[^\s/?#%\\]{1,32}$")
#: roles only a central admin may grant or revoke
CENTRAL_ONLY_ROLES = (Role.CENTRAL_ADMIN, Role.ASSESSOR)

AGENCY_COLUMNS = ["code", "name_th", "short_name", "kind", "subkind", "parent_code", "province", "region", "website"]
AGENCY_REQUIRED = ["code", "name_th", "kind"]
PEOPLE_COLUMNS = ["username", "title_th", "full_name_th", "position_th", "email", "agency_code", "role", "unit"]
PEOPLE_REQUIRED = ["username", "full_name_th", "agency_code", "role"]

# The Thai names below are what officers type in import files and forms (parse_kind/region/role accept them),
# and the Thai lists of accepted values in the Thai error messages.
KIND_TH = {  # thai-data: agency-kind names accepted as input
    AgencyKind.CENTRAL: "หน่วยงานส่วนกลาง", AgencyKind.ESA: "สำนักงานเขตพื้นที่การศึกษา",
    AgencyKind.SCHOOL: "สถานศึกษา", AgencyKind.LOCAL: "องค์กรปกครองส่วนท้องถิ่น",
    AgencyKind.UNIVERSITY: "สถาบันอุดมศึกษา", AgencyKind.GENERAL: "หน่วยงานภาครัฐ"}
KIND_SYNONYMS = {  # thai-data: agency-kind synonyms accepted as input
    "สพท.": AgencyKind.ESA, "สพป.": AgencyKind.ESA, "สพม.": AgencyKind.ESA, "โรงเรียน": AgencyKind.SCHOOL,
    "ส่วนกลาง": AgencyKind.CENTRAL}
REGION_TH = {  # thai-data: region names accepted as input
    Region.NORTH: "ภาคเหนือ", Region.NORTHEAST: "ภาคตะวันออกเฉียงเหนือ", Region.CENTRAL: "ภาคกลาง",
    Region.EAST: "ภาคตะวันออก", Region.WEST: "ภาคตะวันตก", Region.SOUTH: "ภาคใต้",
    Region.BANGKOK: "กรุงเทพมหานคร"}
REGION_SYNONYMS = {  # thai-data: other spellings of the regions accepted as input
    **{"ภาค" + v.removeprefix("ภาค"): k for k, v in REGION_TH.items()},
    "กรุงเทพฯ": Region.BANGKOK, "ภาคตะวันออกเฉียงเหนือ (อีสาน)": Region.NORTHEAST, "อีสาน": Region.NORTHEAST}
ROLE_TH = {  # thai-data: role names accepted as input
    Role.CENTRAL_ADMIN: "ผู้ดูแลระบบส่วนกลาง", Role.AGENCY_ADMIN: "ผู้ดูแลระบบหน่วยงาน",
    Role.DIRECTOR: "ผู้อำนวยการ", Role.UNIT_STAFF: "บุคลากรกลุ่ม/หน่วย", Role.ASSESSOR: "ผู้ตรวจประเมิน",
    Role.VIEWER: "ผู้ดูข้อมูล"}
ROLE_SYNONYMS = {  # thai-data: role synonyms accepted as input
    "เจ้าหน้าที่ ita": Role.AGENCY_ADMIN, "ผู้ดูแลระบบหน่วยงาน (เจ้าหน้าที่ ita)": Role.AGENCY_ADMIN,
    "บุคลากร": Role.UNIT_STAFF, "กรรมการ": Role.VIEWER}


def _lookup(choices, thai: dict, synonyms: dict | None = None) -> dict[str, str]:
    table = {}
    for value, label in choices.choices:
        table[value.casefold()] = value
        table[str(label).casefold()] = value
        table[thai[value].casefold()] = value
    for text, value in (synonyms or {}).items():
        table[text.casefold()] = value
    return table


def parse_kind(text: str) -> str | None:
    return _lookup(AgencyKind, KIND_TH, KIND_SYNONYMS).get(text.strip().casefold())


def parse_region(text: str) -> str | None:
    """A Region value, its English label or its Thai name (ภาคเหนือ …); '' for an empty cell."""
    if not text.strip():
        return ""
    return _lookup(Region, REGION_TH, REGION_SYNONYMS).get(text.strip().casefold())


def parse_role(text: str) -> str | None:
    return _lookup(Role, ROLE_TH, ROLE_SYNONYMS).get(text.strip().casefold())


# --- problems: a gettext message and its values, keyed by field/column -------------------------------------

#: a value that differs by language (a list of accepted names), chosen when the message is rendered
_either = lazy(localized, str)


@dataclass(frozen=True)
class Issue:
    """A problem with one field: an English msgid (``gettext_lazy``, ``%(name)s`` placeholders) and its values,
    rendered in the active language (``text``) or in each language for an import's problem list (``en``/``th``)."""

    field: str
    message: Promise
    params: dict = dataclasses.field(default_factory=dict)

    def text(self) -> str:
        return str(self.message) % self.params

    @property
    def en(self) -> str:
        with override("en"):
            return self.text()

    @property
    def th(self) -> str:
        with override("th"):
            return self.text()


def _raise(issues: list[Issue]) -> None:
    """Raise the issues of one change as a ``ValidationError`` keyed by field, in the active language."""
    if issues:
        errors: dict[str, list[str]] = {}
        for issue in issues:
            errors.setdefault(issue.field or "__all__", []).append(issue.text())
        raise ValidationError(errors)


def _parent_issues(kind: str, parent_kind: str | None) -> list[Issue]:
    """Where an agency of ``kind`` may sit: an ESA office under a central-kind agency, a school under an ESA
    office or a general agency, a central office at the top or under another central agency; a general agency
    anywhere but under a school."""
    where = "parent_code"
    if kind == AgencyKind.ESA and parent_kind != AgencyKind.CENTRAL:
        return [Issue(where, _("an ESA office's parent must be the central office (or another central agency)"))]
    if kind == AgencyKind.SCHOOL and parent_kind not in (AgencyKind.ESA, AgencyKind.GENERAL):
        return [Issue(where, _("a school's parent must be an ESA office or a public agency"))]
    if kind == AgencyKind.CENTRAL and parent_kind not in (None, AgencyKind.CENTRAL):
        return [Issue(where, _("a central office sits at the top or under another central agency"))]
    if kind == AgencyKind.GENERAL and parent_kind == AgencyKind.SCHOOL:
        return [Issue(where, _("a school cannot have child agencies"))]
    return []


def _field_issues(values: dict) -> tuple[dict, list[Issue]]:
    """Check and normalise the agency fields other than code and parent (kind, names, region, website)."""
    issues: list[Issue] = []
    clean = {k: (values.get(k) or "").strip() for k in ("name_th", "name_en", "short_name", "subkind", "province",
                                                         "website")}
    if not clean["name_th"]:
        issues.append(Issue("name_th", _("the Thai name is empty")))
    for key, limit in (("name_th", 255), ("name_en", 255), ("short_name", 100), ("subkind", 32), ("province", 64)):
        if len(clean[key]) > limit:
            issues.append(Issue(key, _("longer than %(limit)s characters"), {"limit": limit}))
    kind_text = (values.get("kind") or "").strip()
    kind = parse_kind(kind_text)
    if kind is None:
        issues.append(Issue("kind", _("unknown kind '%(kind)s' (one of %(choices)s)"),
                            {"kind": kind_text, "choices": ", ".join(AgencyKind.values)}))
    clean["kind"] = kind
    region_text = values.get("region") or ""
    region = parse_region(region_text)
    if region is None:
        issues.append(Issue("region", _("unknown region '%(region)s' (one of %(choices)s or its Thai name)"),
                            {"region": region_text,
                             "choices": _either(", ".join(REGION_TH.values()), ", ".join(Region.values))}))
    clean["region"] = region or ""
    if clean["website"]:
        if "://" not in clean["website"]:
            clean["website"] = "https://" + clean["website"]
        try:
            URLValidator(schemes=["http", "https"])(clean["website"])
        except ValidationError:
            issues.append(Issue("website", _("'%(website)s' is not a web address"),
                                {"website": values.get("website")}))
    return clean, issues


def _code_issues(code: str, taken: bool) -> list[Issue]:
    if not code:
        return [Issue("code", _("the code is empty"))]
    if not CODE_RE.match(code):
        return [Issue("code", _("'%(code)s' is not a valid code (up to 32 characters, no spaces or / ? # %%)"),
                      {"code": code})]
    if code.casefold() in RESERVED_CODES:
        return [Issue("code", _("'%(code)s' is reserved by the platform's addresses"), {"code": code})]
    if taken:
        return [Issue("code", _("the code '%(code)s' is already registered"), {"code": code})]
    return []


def _require_central(actor) -> None:
    if not access.is_central_admin(actor):
        raise PermissionDenied


# --- agencies ------------------------------------------------------------------------------------------------

def create_agency(actor, *, code: str, name_th: str, kind: str, parent: Agency | None = None, short_name: str = "",
                  subkind: str = "", province: str = "", region: str = "", website: str = "",
                  name_en: str = "") -> Agency:
    """Register an agency (central admin)."""
    _require_central(actor)
    code = (code or "").strip()
    clean, issues = _field_issues({"name_th": name_th, "name_en": name_en, "short_name": short_name, "kind": kind,
                                   "subkind": subkind, "province": province, "region": region, "website": website})
    issues = _code_issues(code, Agency.objects.filter(code__iexact=code).exists()) + issues
    if clean["kind"]:
        issues += _parent_issues(clean["kind"], parent.kind if parent else None)
    _raise(issues)
    with transaction.atomic():
        agency = Agency.objects.create(code=code, parent=parent, **clean)
        record(actor, AuditAction.CREATE_AGENCY, f"registered {agency.code} {agency.name_th}"
               f"{' under ' + parent.code if parent else ''}", agency=agency, obj=agency,
               changes={"code": code, "parent": parent.code if parent else None, **clean})
    return agency


EDITABLE = ("name_th", "name_en", "short_name", "kind", "subkind", "province", "region", "website", "is_active")


def update_agency(actor, agency: Agency, **values) -> Agency:
    """Change an agency's names, kind and details (central admin); the code and the parent do not change here."""
    _require_central(actor)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_agency: cannot change {', '.join(sorted(unknown))}")
    current = {k: getattr(agency, k) for k in EDITABLE}
    merged = {**current, **values}
    clean, issues = _field_issues(merged)
    if clean["kind"]:
        issues += _parent_issues(clean["kind"], agency.parent.kind if agency.parent_id else None)
        if clean["kind"] != agency.kind:
            for child in agency.children.all():
                if _parent_issues(child.kind, clean["kind"]):
                    issues.append(Issue("kind", _("its child %(child)s could not stay under an agency of this kind"),
                                        {"child": child.code}))
                    break
    _raise(issues)
    clean["is_active"] = bool(merged["is_active"])
    changes = {k: [current[k], clean[k]] for k in EDITABLE if current[k] != clean[k]}
    if not changes:
        return agency
    with transaction.atomic():
        for key, value in clean.items():
            setattr(agency, key, value)
        agency.save()
        record(actor, AuditAction.UPDATE_AGENCY,
               f"edited {agency.code}: {', '.join(changes)}", agency=agency, obj=agency,
               changes=changes)
    return agency


def move_agency(actor, agency: Agency, new_parent: Agency | None) -> Agency:
    """Re-parent an agency with its whole subtree (central admin); never under itself or its descendants."""
    _require_central(actor)
    agency.refresh_from_db()
    issues: list[Issue] = []
    if new_parent is not None:
        new_parent.refresh_from_db()
        if new_parent.pk == agency.pk or new_parent.path.startswith(agency.path):
            issues.append(Issue("parent_code",
                                _("an agency cannot move under itself or one of its own sub-agencies")))
    issues = issues or _parent_issues(agency.kind, new_parent.kind if new_parent else None)
    _raise(issues)
    old = agency.parent
    if (old.pk if old else None) == (new_parent.pk if new_parent else None):
        return agency
    with transaction.atomic():
        agency.parent = new_parent
        agency.save()
        record(actor, AuditAction.MOVE_AGENCY, f"moved {agency.code} from {old.code if old else '(top)'} to "
               f"{new_parent.code if new_parent else '(top)'}", agency=agency, obj=agency,
               changes={"parent": [old.code if old else None, new_parent.code if new_parent else None]})
    return agency


# --- units ---------------------------------------------------------------------------------------------------

def _require_manage(actor, agency: Agency) -> None:
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied


def _unit_name_issues(agency: Agency, name_th: str, short_name: str, exclude: int | None = None) -> list[Issue]:
    issues = []
    if not name_th:
        issues.append(Issue("name_th", _("the unit's name is empty")))
    elif len(name_th) > 255 or len(short_name) > 100:
        issues.append(Issue("name_th", _("the name is too long")))
    elif Unit.objects.filter(agency=agency, name_th=name_th).exclude(pk=exclude).exists():
        issues.append(Issue("name_th", _("%(agency)s already has a unit named '%(name)s'"),
                            {"agency": agency.display_name, "name": name_th}))
    return issues


def create_unit(actor, agency: Agency, name_th: str, short_name: str = "", order: int | None = None) -> Unit:
    _require_manage(actor, agency)
    name_th, short_name = (name_th or "").strip(), (short_name or "").strip()
    _raise(_unit_name_issues(agency, name_th, short_name))
    with transaction.atomic():
        if order is None:
            order = (agency.units.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        unit = Unit.objects.create(agency=agency, name_th=name_th, short_name=short_name, order=order)
        record(actor, AuditAction.CREATE_UNIT, f"{agency.code}: added unit {name_th}", agency=agency, obj=unit,
               changes={"name_th": name_th, "short_name": short_name, "order": order})
    return unit


def rename_unit(actor, unit: Unit, name_th: str, short_name: str | None = None) -> Unit:
    _require_manage(actor, unit.agency)
    name_th = (name_th or "").strip()
    short_name = unit.short_name if short_name is None else short_name.strip()
    _raise(_unit_name_issues(unit.agency, name_th, short_name, exclude=unit.pk))
    changes = {k: [getattr(unit, k), v] for k, v in (("name_th", name_th), ("short_name", short_name))
               if getattr(unit, k) != v}
    if not changes:
        return unit
    with transaction.atomic():
        unit.name_th, unit.short_name = name_th, short_name
        unit.save(update_fields=["name_th", "short_name"])
        record(actor, AuditAction.RENAME_UNIT,
               f"{unit.agency.code}: renamed unit to {name_th}", agency=unit.agency, obj=unit,
               changes=changes)
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
    _require_manage(actor, unit.agency)
    references = unit_references(unit)
    if references:
        listing = ", ".join(f"{what}: {count}" for what, count in references)
        _raise([Issue("__all__", _("the unit is still in use (%(listing)s); reassign those first"),
                      {"listing": listing})])
    with transaction.atomic():
        agency, name = unit.agency, unit.name_th
        record(actor, AuditAction.DELETE_UNIT, f"{agency.code}: deleted unit {name}", agency=agency, obj=unit,
               changes={"name_th": name})
        unit.delete()


# --- people and roles ----------------------------------------------------------------------------------------

def _person_issues(username: str, full_name_th: str, email: str, title_th: str = "",
                   position_th: str = "") -> list[Issue]:
    User = get_user_model()
    issues = []
    if not username:
        issues.append(Issue("username", _("the username is empty")))
    else:
        try:
            User.username_validator(username)
            if len(username) > 150:
                raise ValidationError("too long")
        except ValidationError:
            issues.append(Issue("username", _("'%(username)s' is not a valid username (letters, digits and "
                                              "@.+-_, up to 150)"), {"username": username}))
    if not full_name_th:
        issues.append(Issue("full_name_th", _("the full name is empty")))
    for key, value, limit in (("full_name_th", full_name_th, 255), ("title_th", title_th, 32),
                              ("position_th", position_th, 255)):
        if len(value) > limit:
            issues.append(Issue(key, _("longer than %(limit)s characters"), {"limit": limit}))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            issues.append(Issue("email", _("'%(email)s' is not an e-mail address"), {"email": email}))
    return issues


def _role_issues(actor, agency: Agency, role: str | None, unit: Unit | None, role_text: str = "") -> list[Issue]:
    """Whether ``actor`` may grant ``role`` in ``agency`` (with ``unit``): the rules of grant_role."""
    if role is None or role not in Role.values:
        return [Issue("role", _("unknown role '%(role)s' (one of %(choices)s)"),
                      {"role": role_text or role,
                       "choices": _either(", ".join(ROLE_TH.values()), ", ".join(Role.values))})]
    if not access.can_manage_agency(actor, agency):
        return [Issue("agency", _("%(code)s is outside your agencies"), {"code": agency.code})]
    if role in CENTRAL_ONLY_ROLES and not access.is_central_admin(actor):
        return [Issue("role", _("only a central admin may grant the role '%(role)s'"),
                      # (mypy) Role is a str enum: a role's value indexes the same entry
                      {"role": _either(ROLE_TH[role], role)})]  # type: ignore[index]
    if role == Role.CENTRAL_ADMIN and agency.kind != AgencyKind.CENTRAL:
        return [Issue("agency", _("the central admin role is held in a central office"))]
    if role == Role.UNIT_STAFF and unit is None:
        return [Issue("unit", _("unit staff need a unit of the agency"))]
    if unit is not None and unit.agency_id != agency.pk:
        return [Issue("unit", _("the unit '%(unit)s' is not a unit of %(code)s"),
                      {"unit": unit.name_th, "code": agency.code})]
    return []


def _may_add_people(actor) -> bool:
    return access.is_central_admin(actor) or access.has_role(actor, Role.AGENCY_ADMIN)


def add_person(actor, username: str, full_name_th: str, title_th: str = "", position_th: str = "",
               email: str = "", *, agency: Agency | None = None, role: str | None = None,
               unit: Unit | None = None):
    """Create a user with an unusable password and their Person record; with ``agency`` and ``role`` also grant
    that role in the same transaction.  An agency admin must give an agency (people join its subtree)."""
    if not _may_add_people(actor):
        raise PermissionDenied
    if agency is None and not access.is_central_admin(actor):
        raise PermissionDenied
    if agency is not None and not access.can_manage_agency(actor, agency):
        raise PermissionDenied
    username, full_name_th = (username or "").strip(), (full_name_th or "").strip()
    title_th, position_th, email = (title_th or "").strip(), (position_th or "").strip(), (email or "").strip()
    User = get_user_model()
    issues = _person_issues(username, full_name_th, email, title_th, position_th)
    if username and User.objects.filter(username__iexact=username).exists():
        issues.append(Issue("username", _("the username '%(username)s' is taken"), {"username": username}))
    if agency is not None:
        issues += _role_issues(actor, agency, role, unit)
    _raise(issues)
    with transaction.atomic():
        user = _create_user(actor, username, full_name_th, title_th, position_th, email)
        if agency is not None:
            # (mypy) _raise above refused a missing role
            grant_role(actor, user, agency, role, unit=unit, position_th=position_th)  # type: ignore[arg-type]
    return user


def _create_user(actor, username, full_name_th, title_th, position_th, email):
    user = get_user_model().objects.create_user(username=username, email=email, password=None)  # unusable
    person = Person.objects.create(user=user, title_th=title_th, full_name_th=full_name_th, position_th=position_th)
    record(actor, AuditAction.ADD_PERSON, f"added {username} ({person})", obj=user,
           changes={"username": username, "full_name_th": full_name_th, "title_th": title_th,
                    "position_th": position_th, "email": email})
    return user


def grant_role(actor, user, agency: Agency, role: str, unit: Unit | None = None,
               position_th: str = "") -> Membership:
    """Give ``user`` a role in ``agency`` (reaching its subtree).  Granting a role already held updates its unit."""
    _raise(_role_issues(actor, agency, role, unit))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, agency=agency, role=role, defaults={"unit": unit, "position_th": position_th})
        if not created and membership.unit_id == (unit.pk if unit else None):
            return membership
        before = membership.unit.name_th if (not created and membership.unit_id) else None
        if not created:
            membership.unit = unit
            membership.save(update_fields=["unit"])
        record(actor, AuditAction.GRANT_ROLE, f"{user.username}: {role} at {agency.code}"
               f"{' (' + unit.name_th + ')' if unit else ''}", agency=agency, obj=membership,
               changes={"user": user.username, "role": role, "unit": [before, unit.name_th if unit else None]})
    _forget(user)
    return membership


def revoke_role(actor, membership: Membership) -> None:
    agency, role = membership.agency, membership.role
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied
    if role in CENTRAL_ONLY_ROLES and not access.is_central_admin(actor):
        raise PermissionDenied
    if role == Role.CENTRAL_ADMIN and not Membership.objects.filter(role=Role.CENTRAL_ADMIN) \
            .exclude(pk=membership.pk).exists():
        _raise([Issue("__all__", _("this is the last central admin: grant the role to someone else first"))])
    with transaction.atomic():
        user = membership.user
        record(actor, AuditAction.REVOKE_ROLE, f"{user.username}: {role} at {agency.code} revoked", agency=agency,
               obj=membership, changes={"user": user.username, "role": role})
        membership.delete()
    _forget(user)


def _forget(user) -> None:
    if hasattr(user, "_prongsai_memberships"):
        del user._prongsai_memberships


def set_password(actor, user, password: str) -> None:
    """Set a user's password (central admin), checked by the project's password validators."""
    _require_central(actor)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(actor, AuditAction.SET_PASSWORD, f"set the password of {user.username}", obj=user,
               changes={"user": user.username})


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
        record(None, AuditAction.CREATEADMIN,
               f"{'created' if existing is None else 'updated'} central admin '{username}' at {office}",
               agency=office, obj=user,
               changes={"username": username, "role": Role.CENTRAL_ADMIN, "password_set": password is not None})
    return user, existing is None, office, role_created


# --- imports -------------------------------------------------------------------------------------------------

def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """Header and example rows of the import templates (``agencies`` or ``people``)."""
    if kind == "agencies":
        return AGENCY_COLUMNS, [  # thai-data: example rows (agencies as officers type them)
            ["ESA-EXAMPLE", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1", "สพป.ตัวอย่าง 1", "esa", "สพป.",
             "OBEC", "นครปฐม", "ภาคกลาง", "https://www.example.go.th"],
            ["SCH-EXAMPLE-001", "โรงเรียนบ้านตัวอย่าง", "", "school", "", "ESA-EXAMPLE", "นครปฐม", "central", ""],
        ]
    return PEOPLE_COLUMNS, [  # thai-data: example rows (people and units as officers type them)
        ["somchai.j", "นาย", "สมชาย ใจดี", "นักวิชาการศึกษาชำนาญการ", "somchai@example.go.th", "ESA-EXAMPLE",
         "agency_admin", ""],
        ["suda.r", "นางสาว", "สุดา รักงาน", "นักจัดการงานทั่วไป", "", "ESA-EXAMPLE", "บุคลากรกลุ่ม/หน่วย",
         "กลุ่มอำนวยการ"],
    ]


# --- imports: in their own module (bulk writes at national size), with the checks above --------------------

@dataclass
class ImportedPeople:
    users_created: int
    roles_granted: int


def import_agencies(actor, table) -> list[Agency]:
    """Register the agencies of a file (central admin): all rows or none (``imports.import_agencies``)."""
    from prongsai.web.agencies.imports import import_agencies as run

    return run(actor, table)


def import_people(actor, table) -> ImportedPeople:
    """Add people and their roles from a file: all rows or none (``imports.import_people``)."""
    from prongsai.web.agencies.imports import import_people as run

    return run(actor, table)


__all__ = [
    "ImportedPeople",
    "InputError",
    "add_person",
    "create_agency",
    "create_unit",
    "delete_unit",
    "ensure_central_admin",
    "grant_role",
    "import_agencies",
    "import_people",
    "move_agency",
    "rename_unit",
    "revoke_role",
    "set_password",
    "update_agency",
]
