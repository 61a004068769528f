"""The rules every change of agencies, units, people and roles is checked against, and the words officers type.

``services`` (one change at a time) and ``imports`` (a whole file, all rows or none) both check with these, so
neither imports the other for them.  A problem is an :class:`Issue`: a gettext message (English msgid, Thai in
the app's catalog) and its values, keyed by field or column.  Who may do what: docs/agencies.md.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency, AgencyKind, Region, Role, Unit
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
    AgencyKind.CENTRAL: "หน่วยงานส่วนกลาง",
    AgencyKind.ESA: "สำนักงานเขตพื้นที่การศึกษา",
    AgencyKind.SCHOOL: "สถานศึกษา",
    AgencyKind.LOCAL: "องค์กรปกครองส่วนท้องถิ่น",
    AgencyKind.UNIVERSITY: "สถาบันอุดมศึกษา",
    AgencyKind.GENERAL: "หน่วยงานภาครัฐ",
}


KIND_SYNONYMS = {  # thai-data: agency-kind synonyms accepted as input
    "สพท.": AgencyKind.ESA,
    "สพป.": AgencyKind.ESA,
    "สพม.": AgencyKind.ESA,
    "โรงเรียน": AgencyKind.SCHOOL,
    "ส่วนกลาง": AgencyKind.CENTRAL,
}


REGION_TH = {  # thai-data: region names accepted as input
    Region.NORTH: "ภาคเหนือ",
    Region.NORTHEAST: "ภาคตะวันออกเฉียงเหนือ",
    Region.CENTRAL: "ภาคกลาง",
    Region.EAST: "ภาคตะวันออก",
    Region.WEST: "ภาคตะวันตก",
    Region.SOUTH: "ภาคใต้",
    Region.BANGKOK: "กรุงเทพมหานคร",
}


REGION_SYNONYMS = {  # thai-data: other spellings of the regions accepted as input
    **{"ภาค" + v.removeprefix("ภาค"): k for k, v in REGION_TH.items()},
    "กรุงเทพฯ": Region.BANGKOK,
    "ภาคตะวันออกเฉียงเหนือ (อีสาน)": Region.NORTHEAST,
    "อีสาน": Region.NORTHEAST,
}


ROLE_TH = {  # thai-data: role names accepted as input
    Role.CENTRAL_ADMIN: "ผู้ดูแลระบบส่วนกลาง",
    Role.AGENCY_ADMIN: "ผู้ดูแลระบบหน่วยงาน",
    Role.DIRECTOR: "ผู้อำนวยการ",
    Role.UNIT_STAFF: "บุคลากรกลุ่ม/หน่วย",
    Role.ASSESSOR: "ผู้ตรวจประเมิน",
    Role.VIEWER: "ผู้ดูข้อมูล",
}


ROLE_SYNONYMS = {  # thai-data: role synonyms accepted as input
    "เจ้าหน้าที่ ita": Role.AGENCY_ADMIN,
    "ผู้ดูแลระบบหน่วยงาน (เจ้าหน้าที่ ita)": Role.AGENCY_ADMIN,
    "บุคลากร": Role.UNIT_STAFF,
    "กรรมการ": Role.VIEWER,
}


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


def raise_issues(issues: list[Issue]) -> None:
    """Raise the issues of one change as a ``ValidationError`` keyed by field, in the active language."""
    if issues:
        errors: dict[str, list[str]] = {}
        for issue in issues:
            errors.setdefault(issue.field or "__all__", []).append(issue.text())
        raise ValidationError(errors)


def parent_issues(kind: str, parent_kind: str | None) -> list[Issue]:
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


def field_issues(values: dict) -> tuple[dict, list[Issue]]:
    """Check and normalise the agency fields other than code and parent (kind, names, region, website)."""
    issues: list[Issue] = []
    clean = {
        k: (values.get(k) or "").strip() for k in ("name_th", "name_en", "short_name", "subkind", "province", "website")
    }
    if not clean["name_th"]:
        issues.append(Issue("name_th", _("the Thai name is empty")))
    for key, limit in (("name_th", 255), ("name_en", 255), ("short_name", 100), ("subkind", 32), ("province", 64)):
        if len(clean[key]) > limit:
            issues.append(Issue(key, _("longer than %(limit)s characters"), {"limit": limit}))
    kind_text = (values.get("kind") or "").strip()
    kind = parse_kind(kind_text)
    if kind is None:
        issues.append(
            Issue(
                "kind",
                _("unknown kind '%(kind)s' (one of %(choices)s)"),
                {"kind": kind_text, "choices": ", ".join(AgencyKind.values)},
            )
        )
    clean["kind"] = kind
    region_text = values.get("region") or ""
    region = parse_region(region_text)
    if region is None:
        issues.append(
            Issue(
                "region",
                _("unknown region '%(region)s' (one of %(choices)s or its Thai name)"),
                {"region": region_text, "choices": _either(", ".join(REGION_TH.values()), ", ".join(Region.values))},
            )
        )
    clean["region"] = region or ""
    if clean["website"]:
        if "://" not in clean["website"]:
            clean["website"] = "https://" + clean["website"]
        try:
            URLValidator(schemes=["http", "https"])(clean["website"])
        except ValidationError:
            issues.append(Issue("website", _("'%(website)s' is not a web address"), {"website": values.get("website")}))
    return clean, issues


def code_issues(code: str, taken: bool) -> list[Issue]:
    if not code:
        return [Issue("code", _("the code is empty"))]
    if not CODE_RE.match(code):
        return [
            Issue(
                "code", _("'%(code)s' is not a valid code (up to 32 characters, no spaces or / ? # %%)"), {"code": code}
            )
        ]
    if code.casefold() in RESERVED_CODES:
        return [Issue("code", _("'%(code)s' is reserved by the platform's addresses"), {"code": code})]
    if taken:
        return [Issue("code", _("the code '%(code)s' is already registered"), {"code": code})]
    return []


def require_central(actor) -> None:
    if not access.is_central_admin(actor):
        raise PermissionDenied


def require_manage(actor, agency: Agency) -> None:
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied


def unit_name_issues(agency: Agency, name_th: str, short_name: str, exclude: int | None = None) -> list[Issue]:
    issues = []
    if not name_th:
        issues.append(Issue("name_th", _("the unit's name is empty")))
    elif len(name_th) > 255 or len(short_name) > 100:
        issues.append(Issue("name_th", _("the name is too long")))
    elif Unit.objects.filter(agency=agency, name_th=name_th).exclude(pk=exclude).exists():
        issues.append(
            Issue(
                "name_th",
                _("%(agency)s already has a unit named '%(name)s'"),
                {"agency": agency.display_name, "name": name_th},
            )
        )
    return issues


def person_issues(
    username: str, full_name_th: str, email: str, title_th: str = "", position_th: str = ""
) -> list[Issue]:
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
            issues.append(
                Issue(
                    "username",
                    _("'%(username)s' is not a valid username (letters, digits and @.+-_, up to 150)"),
                    {"username": username},
                )
            )
    if not full_name_th:
        issues.append(Issue("full_name_th", _("the full name is empty")))
    for key, value, limit in (
        ("full_name_th", full_name_th, 255),
        ("title_th", title_th, 32),
        ("position_th", position_th, 255),
    ):
        if len(value) > limit:
            issues.append(Issue(key, _("longer than %(limit)s characters"), {"limit": limit}))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            issues.append(Issue("email", _("'%(email)s' is not an e-mail address"), {"email": email}))
    return issues


def role_issues(actor, agency: Agency, role: str | None, unit: Unit | None, role_text: str = "") -> list[Issue]:
    """Whether ``actor`` may grant ``role`` in ``agency`` (with ``unit``): the rules of grant_role."""
    if role is None or role not in Role.values:
        return [
            Issue(
                "role",
                _("unknown role '%(role)s' (one of %(choices)s)"),
                {"role": role_text or role, "choices": _either(", ".join(ROLE_TH.values()), ", ".join(Role.values))},
            )
        ]
    if not access.can_manage_agency(actor, agency):
        return [Issue("agency", _("%(code)s is outside your agencies"), {"code": agency.code})]
    if role in CENTRAL_ONLY_ROLES and not access.is_central_admin(actor):
        return [
            Issue(
                "role",
                _("only a central admin may grant the role '%(role)s'"),
                # (mypy) Role is a str enum: a role's value indexes the same entry
                {"role": _either(ROLE_TH[role], role)},  # type: ignore[index]  # Role is a str enum
            )
        ]
    if role == Role.CENTRAL_ADMIN and agency.kind != AgencyKind.CENTRAL:
        return [Issue("agency", _("the central admin role is held in a central office"))]
    if role == Role.UNIT_STAFF and unit is None:
        return [Issue("unit", _("unit staff need a unit of the agency"))]
    if unit is not None and unit.agency_id != agency.pk:
        return [
            Issue(
                "unit", _("the unit '%(unit)s' is not a unit of %(code)s"), {"unit": unit.name_th, "code": agency.code}
            )
        ]
    return []


def may_add_people(actor) -> bool:
    return access.is_central_admin(actor) or access.has_role(actor, Role.AGENCY_ADMIN)
