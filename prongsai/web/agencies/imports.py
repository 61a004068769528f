"""Imports of agencies and people from CSV/XLSX files (web and ``prongsai import-agencies`` / ``import-people``).

Both are all-or-nothing and list every bad row at once (each problem a gettext message, kept in English and
Thai: the command line prints English, the web page the active language).  They are built for national size
(30,000 schools, their directors) and for SQLite's single writer:

1. every row is read and checked first, against data loaded in a few queries (no query per row), outside any
   transaction, so nothing is locked while a large file is validated;
2. the writes then go in bulk (``bulk_create``; materialised paths by one ``UPDATE`` per tree level) inside one
   short transaction, which re-checks what another writer could have taken meanwhile (codes, usernames), so a
   crash or ``kill -9`` leaves all rows or none, and other writers wait a fraction of a second, not the length
   of the import.

The checks are the ones of the single-change services (``rules.field_issues``, ``_role_issues`` …), so a row
is accepted exactly when the matching form would accept it.  Audit entries are those the services write:
one per imported file for agencies; one per person added and one per role granted, plus one per file, for people.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from prongsai.core.tabular import Collector, Table
from prongsai.web import bulk
from prongsai.web.agencies import rules, services
from prongsai.web.agencies.models import Agency, Membership, Person, Unit
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import audit_entry, record

CHUNK = 5000  # ids or names per IN (...) list: far below SQLite's limit on bound parameters


@dataclass
class ImportedPeople:
    users_created: int
    roles_granted: int


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """Header and example rows of the import templates (``agencies`` or ``people``)."""
    if kind == "agencies":
        return rules.AGENCY_COLUMNS, [  # thai-data: example rows (agencies as officers type them)
            [
                "ESA-EXAMPLE",
                "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1",
                "สพป.ตัวอย่าง 1",
                "esa",
                "สพป.",
                "OBEC",
                "นครปฐม",
                "ภาคกลาง",
                "https://www.example.go.th",
            ],
            ["SCH-EXAMPLE-001", "โรงเรียนบ้านตัวอย่าง", "", "school", "", "ESA-EXAMPLE", "นครปฐม", "central", ""],
        ]
    return rules.PEOPLE_COLUMNS, [  # thai-data: example rows (people and units as officers type them)
        [
            "somchai.j",
            "นาย",
            "สมชาย ใจดี",
            "นักวิชาการศึกษาชำนาญการ",
            "somchai@example.go.th",
            "ESA-EXAMPLE",
            "agency_admin",
            "",
        ],
        ["suda.r", "นางสาว", "สุดา รักงาน", "นักจัดการงานทั่วไป", "", "ESA-EXAMPLE", "บุคลากรกลุ่ม/หน่วย", "กลุ่มอำนวยการ"],
    ]


def _cells(table: Table, columns: list[str], required: list[str]):
    index = table.require(required)
    present = table.column_index()
    for column in columns:
        if column.casefold() in present:
            index[column] = present[column.casefold()]
    for n, row in enumerate(table.rows, start=2):
        yield n, {c: (row[i] if i < len(row) else "") for c, i in index.items()}


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --------------------------------------------------------------------------------------------------- agencies


def import_agencies(actor, table: Table) -> list[Agency]:
    """Register the agencies of a file (central admin): all rows or none.  A parent may be an agency already
    registered or one on an earlier row of the same file."""
    rules.require_central(actor)
    problems = Collector(table.file)
    existing = {a.code.casefold(): a for a in Agency.objects.only("pk", "code", "kind", "path")}
    planned: dict[str, tuple[int, dict]] = {}  # code (casefolded) → (row, values)
    later = {
        cells.get("code", "").strip().casefold(): n
        for n, cells in _cells(table, rules.AGENCY_COLUMNS, rules.AGENCY_REQUIRED)
    }
    for n, cells in _cells(table, rules.AGENCY_COLUMNS, rules.AGENCY_REQUIRED):
        code = cells["code"].strip()
        key = code.casefold()
        issues: list[rules.Issue] = []
        if key in planned:
            issues.append(
                rules.Issue(
                    "code", _("the code '%(code)s' is also on row %(row)s"), {"code": code, "row": planned[key][0]}
                )
            )
        else:
            issues += rules.code_issues(code, key in existing)
        clean, field_issues = rules.field_issues(cells)
        issues += field_issues
        parent_code = cells.get("parent_code", "").strip()
        parent_kind = None
        if parent_code:
            pkey = parent_code.casefold()
            if pkey in existing:
                parent_kind = existing[pkey].kind
            elif pkey in planned:
                parent_kind = planned[pkey][1]["kind"]
            elif pkey in later and later[pkey] > n:
                issues.append(
                    rules.Issue(
                        "parent_code",
                        _(
                            "the parent '%(parent)s' comes later in the file (row %(row)s); "
                            "put parents before their children"
                        ),
                        {"parent": parent_code, "row": later[pkey]},
                    )
                )
                parent_code = None
            else:
                issues.append(
                    rules.Issue("parent_code", _("unknown parent agency '%(parent)s'"), {"parent": parent_code})
                )
                parent_code = None
        if clean["kind"] and parent_code is not None:
            issues += rules.parent_issues(clean["kind"], parent_kind)
        for issue in issues:
            problems.add(n, issue.field, issue.en, issue.th)
        if key not in planned and code:
            planned[key] = (n, {**clean, "code": code, "parent_code": (parent_code or "").casefold()})
    problems.check()

    with transaction.atomic():
        taken = {c.casefold() for c in Agency.objects.values_list("code", flat=True)}
        for key, (n, values) in planned.items():  # registered by someone else since the checks
            if key in taken and key not in existing:
                late = rules.Issue("code", _("the code '%(code)s' was registered meanwhile"), {"code": values["code"]})
                problems.add(n, late.field, late.en, late.th)
        problems.check()
        created = _create_tree(planned, existing)
        record(
            actor,
            AuditAction.IMPORT_AGENCIES,
            f"imported {len(created)} agencies from {table.file}",
            changes={"file": table.file, "codes": [a.code for a in created]},
        )
    return created


def _create_tree(planned: dict[str, tuple[int, dict]], existing: dict[str, Agency]) -> list[Agency]:
    """Insert the planned agencies level by level (a parent before its children, to know its id), then fill
    their materialised paths in the database, one UPDATE per level."""
    depth: dict[str, int] = {}
    for key, (_n, values) in planned.items():  # file order: a parent in the file comes before its children
        parent = values["parent_code"]
        depth[key] = depth[parent] + 1 if parent in planned else 0
    ids = {key: a.pk for key, a in existing.items()}
    paths = {key: a.path for key, a in existing.items()}
    made: dict[str, Agency] = {}
    for level in range(max(depth.values(), default=-1) + 1):
        batch = []
        for key, (_n, values) in planned.items():
            if depth[key] != level:
                continue
            values = dict(values)
            parent = values.pop("parent_code")
            batch.append((key, parent, Agency(parent_id=ids[parent] if parent else None, path="", **values)))
        bulk.insert_objects([agency for _key, _parent, agency in batch])
        new_ids = {code.casefold(): pk for code, pk in Agency.objects.filter(path="").values_list("code", "pk")}
        for key, parent, agency in batch:
            agency.pk = ids[key] = new_ids[key]
            agency.path = paths[key] = (paths[parent] if parent else "/") + f"{agency.pk}/"
            agency._state.adding, agency._state.db = False, "default"
            made[key] = agency
        _fill_paths()  # this level's paths, before the next level is read back by its empty path
    return [made[key] for key in planned]


def _fill_paths() -> None:
    """Set ``path`` of every agency inserted without one: the top level first, then each level below."""
    own_id = Cast("pk", output_field=CharField())
    Agency.objects.filter(path="", parent__isnull=True).update(path=Concat(Value("/"), own_id, Value("/")))
    parent_path = Subquery(Agency.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
    for _level in range(64):  # each pass fills one level; trees are a few levels deep
        if (
            not Agency.objects.filter(path="", parent__isnull=False)
            .exclude(parent__path="")
            .update(path=Concat(parent_path, own_id, Value("/"), output_field=CharField()))
        ):
            break


# ----------------------------------------------------------------------------------------------------- people


def import_people(actor, table: Table) -> ImportedPeople:
    """Add people and their roles from a file: all rows or none.  A username seen for the first time (in the
    database and the file) creates the user (unusable password) and their Person; every row grants one role.
    Rows of a username already registered only grant the role (their name is not changed)."""
    if not rules.may_add_people(actor):
        raise PermissionDenied
    problems = Collector(table.file)
    User = get_user_model()
    rows = list(_cells(table, rules.PEOPLE_COLUMNS, rules.PEOPLE_REQUIRED))
    agencies = {a.code.casefold(): a for a in Agency.objects.only("pk", "code", "kind", "path")}
    users = {u.casefold(): pk for pk, u in User.objects.values_list("pk", "username")}
    wanted = sorted(
        {
            agencies[c["agency_code"].strip().casefold()].pk
            for _n, c in rows
            if c.get("unit", "").strip() and c["agency_code"].strip().casefold() in agencies
        }
    )
    units: dict[tuple[int, str], Unit] = {}
    for ids in _chunks(wanted):
        for unit in Unit.objects.filter(agency_id__in=ids).order_by("pk"):
            for name in (unit.name_th, unit.short_name):
                if name:
                    units.setdefault((unit.agency_id, name), unit)
    new_users: dict[str, dict] = {}
    grants: list[tuple[int, str, Agency, str, Unit | None, str]] = []
    seen: dict[tuple, int] = {}
    for n, cells in rows:
        username = cells["username"].strip()
        ukey = username.casefold()
        person = {k: cells.get(k, "").strip() for k in ("full_name_th", "title_th", "position_th", "email")}
        issues: list[rules.Issue] = []
        exists = bool(username) and ukey in users
        if not exists and ukey not in new_users:
            issues += rules.person_issues(username, **person)
        code = cells["agency_code"].strip()
        agency = agencies.get(code.casefold())
        role_text = cells["role"].strip()
        role = rules.parse_role(role_text)
        unit = None
        if agency is None:
            issues.append(rules.Issue("agency_code", _("unknown agency '%(code)s'"), {"code": code}))
        else:
            unit_name = cells.get("unit", "").strip()
            if unit_name:
                unit = units.get((agency.pk, unit_name))
                if unit is None:
                    issues.append(
                        rules.Issue(
                            "unit", _("%(code)s has no unit '%(unit)s'"), {"code": agency.code, "unit": unit_name}
                        )
                    )
            if not any(i.field == "unit" for i in issues):
                issues += [
                    replace(i, field="agency_code") if i.field == "agency" else i
                    for i in rules.role_issues(actor, agency, role, unit, role_text)
                ]
            key = (ukey, agency.pk, role)
            if key in seen:
                issues.append(
                    rules.Issue("role", _("the same person, agency and role as row %(row)s"), {"row": seen[key]})
                )
            seen.setdefault(key, n)
        for issue in issues:
            problems.add(n, issue.field, issue.en, issue.th)
        if not issues:
            if not exists and ukey not in new_users:
                new_users[ukey] = {"username": username, "row": n, **person}
            # (mypy) values checked by the validation above: no None reaches here
            grants.append((n, ukey, agency, role, unit, person["position_th"]))  # type: ignore[arg-type]
    problems.check()

    with transaction.atomic():
        taken = {u.casefold(): pk for pk, u in User.objects.values_list("pk", "username")}
        for ukey, values in new_users.items():  # registered by someone else since the checks
            if ukey in taken:
                late = rules.Issue(
                    "username", _("the username '%(username)s' was taken meanwhile"), {"username": values["username"]}
                )
                problems.add(values["row"], late.field, late.en, late.th)
        problems.check()
        created = _create_users(actor, new_users)
        ids = {**taken, **{ukey: user.pk for ukey, user in created.items()}}
        granted = _grant_roles(actor, grants, ids, created)
        record(
            actor,
            AuditAction.IMPORT_PEOPLE,
            f"imported {len(created)} people and {granted} roles from {table.file}",
            changes={"file": table.file, "users": [u.username for u in created.values()], "roles": granted},
        )
    if any(g[1] == getattr(actor, "username", "").casefold() for g in grants):
        services._forget(actor)  # the actor's own roles changed: drop the copy cached for this request
    return ImportedPeople(users_created=len(created), roles_granted=granted)


def _create_users(actor, new_users: dict[str, dict]) -> dict:
    """Users (unusable password, as ``add_person``), their Person records and one audit entry each."""
    User = get_user_model()
    users = []
    for values in new_users.values():
        user = User(
            username=User.normalize_username(values["username"]), email=User.objects.normalize_email(values["email"])
        )
        user.set_unusable_password()
        users.append(user)
    bulk.insert_objects(users)
    if users:
        by_name = {u.casefold(): pk for pk, u in User.objects.values_list("pk", "username")}
        for user in users:
            user.pk = by_name[user.username.casefold()]
            user._state.adding, user._state.db = False, "default"
    bulk.insert_objects(
        [
            Person(user=user, title_th=v["title_th"], full_name_th=v["full_name_th"], position_th=v["position_th"])
            for user, v in zip(users, new_users.values())
        ]
    )
    bulk.insert_objects(
        [
            audit_entry(
                actor,
                AuditAction.ADD_PERSON,
                f"added {v['username']} ({v['title_th']}{v['full_name_th']})",
                obj=user,
                changes={
                    "username": v["username"],
                    "full_name_th": v["full_name_th"],
                    "title_th": v["title_th"],
                    "position_th": v["position_th"],
                    "email": v["email"],
                },
            )
            for user, v in zip(users, new_users.values())
        ]
    )
    return dict(zip(new_users, users))


def _grant_roles(actor, grants, ids: dict[str, int], created: dict) -> int:
    """The roles of the file, as ``grant_role`` gives them: a new membership, or a new unit for one already held;
    one held as it is changes nothing.  Returns how many memberships were created or changed."""
    User = get_user_model()
    user_ids = sorted({ids[g[1]] for g in grants})
    held: dict[tuple[int, int, str], Membership] = {}
    for chunk in _chunks(user_ids):
        for m in Membership.objects.filter(user_id__in=chunk).select_related("unit"):
            held[(m.user_id, m.agency_id, m.role)] = m
    names = dict(created)
    missing = sorted({ids[g[1]] for g in grants if g[1] not in names})
    for chunk in _chunks(missing):
        for user in User.objects.filter(pk__in=chunk).only("pk", "username"):
            names[user.username.casefold()] = user
    new, moved, audits = [], [], []
    for _n, ukey, agency, role, unit, position in grants:
        user = names[ukey]
        membership = held.get((user.pk, agency.pk, role))
        unit_id = unit.pk if unit else None
        if membership is not None and membership.unit_id == unit_id:
            continue
        before = membership.unit.name_th if membership is not None and membership.unit_id else None
        if membership is None:
            membership = Membership(user_id=user.pk, agency_id=agency.pk, role=role, unit=unit, position_th=position)
            new.append(membership)
        else:
            membership.unit = unit
            moved.append(membership)
        audits.append((membership, user, agency, role, unit, before))
    bulk.insert_objects(new)
    bulk.update(Membership, ["unit"], [(m.pk, m.unit_id) for m in moved])
    if new:  # their ids, for the audit entries
        new_ids = {(m.user_id, m.agency_id, m.role): m.pk for m in new}
        for chunk in _chunks(sorted({m.user_id for m in new})):
            for pk, user_id, agency_id, role in Membership.objects.filter(user_id__in=chunk).values_list(
                "pk", "user_id", "agency_id", "role"
            ):
                if (user_id, agency_id, role) in new_ids:
                    new_ids[(user_id, agency_id, role)] = pk
        for m in new:
            m.pk = new_ids[(m.user_id, m.agency_id, m.role)]
    bulk.insert_objects(
        [
            audit_entry(
                actor,
                AuditAction.GRANT_ROLE,
                f"{user.username}: {role} at {agency.code}{' (' + unit.name_th + ')' if unit else ''}",
                agency=agency,
                obj=membership,
                changes={"user": user.username, "role": role, "unit": [before, unit.name_th if unit else None]},
            )
            for membership, user, agency, role, unit, before in audits
        ]
    )
    return len(audits)
