"""Agency management: the services (agencies, units, people, roles, imports), the commands and the pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from prongsai.cli import main
from prongsai.core.tabular import InputError, read_table
from prongsai.web.agencies import imports, services
from prongsai.web.agencies.models import Agency, AgencyKind, Membership, Role, Unit
from prongsai.web.audit.models import AuditEntry

STRONG = "Kh0ngTh0ngTh@ngKhem!"


def table(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_table(path)


# --- services ------------------------------------------------------------------------------------------------


def test_central_builds_an_esa_office_with_a_school_units_people_and_roles(cast):
    esa = services.create_agency(
        cast.central,
        code="ESA-NPT1",
        name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครปฐม เขต 1",
        short_name="สพป.นครปฐม 1",
        kind="esa",
        subkind="สพป.",
        parent=cast.central_office,
        province="นครปฐม",
        region="ภาคกลาง",
        website="www.nptpeo1.go.th",
    )
    school = services.create_agency(
        cast.central, code="SCH-NPT-001", name_th="โรงเรียนวัดพระปฐมเจดีย์", kind=AgencyKind.SCHOOL, parent=esa
    )
    assert esa.path == f"{cast.central_office.path}{esa.pk}/"
    assert school.path == f"{esa.path}{school.pk}/"
    assert esa.region == "central" and esa.website == "https://www.nptpeo1.go.th"
    assert set(esa.subtree()) == {esa, school}

    unit = services.create_unit(cast.central, esa, "กลุ่มอำนวยการ")
    services.rename_unit(cast.central, unit, "กลุ่มอำนวยการ (ปรับปรุง)", "กอ.")
    user = services.add_person(
        cast.central,
        "somchai",
        "สมชาย ใจดี",
        "นาย",
        "นักวิชาการศึกษา",
        "s@example.go.th",
        agency=esa,
        role=Role.UNIT_STAFF,
        unit=unit,
    )
    assert not user.has_usable_password() and str(user.person) == "นายสมชาย ใจดี"
    assert Membership.objects.get(user=user).unit == unit
    admin = services.add_person(cast.central, "npt.admin", "สุดา รักงาน", agency=esa, role=Role.AGENCY_ADMIN)
    services.set_password(cast.central, admin, STRONG)
    admin.refresh_from_db()
    assert admin.check_password(STRONG)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"create_agency", "create_unit", "rename_unit", "add_person", "grant_role", "set_password"} <= actions


def test_agency_rules(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_agency(cast.central, code="ESA-SKN", name_th="ซ้ำ", kind="esa", parent=cast.central_office)
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # an ESA office under an ESA office
        services.create_agency(cast.central, code="X1", name_th="x", kind="esa", parent=cast.samutsakhon)
    assert "parent_code" in exc.value.message_dict
    with pytest.raises(ValidationError):  # a school under the central office
        services.create_agency(cast.central, code="X2", name_th="x", kind="school", parent=cast.central_office)
    with pytest.raises(ValidationError) as exc:
        services.create_agency(cast.central, code="X3", name_th="x", kind="ministry")
    assert "kind" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # registering agencies is the central admin's
        services.create_agency(cast.officer, code="X4", name_th="x", kind="school", parent=cast.samutsakhon)


def test_move_keeps_paths_and_refuses_cycles(cast):
    esa2 = services.create_agency(cast.central, code="ESA-2", name_th="เขต 2", kind="esa", parent=cast.central_office)
    services.move_agency(cast.central, cast.school, esa2)
    cast.school.refresh_from_db()
    assert cast.school.path == f"{esa2.path}{cast.school.pk}/"
    with pytest.raises(ValidationError):  # the central office under one of its own ESA offices
        services.move_agency(cast.central, cast.central_office, cast.samutsakhon)
    services.update_agency(cast.central, esa2, name_th="เขต 2 (ใหม่)", region="north")
    assert Agency.objects.get(pk=esa2.pk).name_th == "เขต 2 (ใหม่)"


def test_a_unit_in_use_is_not_deleted(cast):
    with pytest.raises(ValidationError) as exc:
        services.delete_unit(cast.officer, cast.unit)  # the staff member belongs to it
    [message] = exc.value.messages  # in Thai, the project's language (LANGUAGE_CODE "th")
    assert message.startswith("กลุ่ม/หน่วยนี้ยังถูกใช้อยู่ (") and message.endswith(") กรุณาย้ายไปกลุ่มอื่นก่อน")
    spare = services.create_unit(cast.officer, cast.samutsakhon, "กลุ่มว่าง")
    services.delete_unit(cast.officer, spare)
    assert not Unit.objects.filter(pk=spare.pk).exists()


def test_an_agency_admin_manages_only_its_subtree_and_never_grants_central_admin(cast):
    # inside: a unit at the school of its office, a person there, a role
    unit = services.create_unit(cast.officer, cast.school, "ฝ่ายบริหารทั่วไป")
    teacher = services.add_person(
        cast.officer, "teacher1", "ครูตัวอย่าง", agency=cast.school, role=Role.UNIT_STAFF, unit=unit
    )
    services.grant_role(cast.officer, teacher, cast.school, Role.VIEWER)
    # outside its subtree: refused
    with pytest.raises(PermissionDenied):
        services.create_unit(cast.officer, cast.other_office, "กลุ่มนอก")
    with pytest.raises(ValidationError):
        services.grant_role(cast.officer, teacher, cast.other_office, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.add_person(cast.officer, "outsider", "คนนอก", agency=cast.other_office, role=Role.VIEWER)
    # never central admin (nor assessor), anywhere
    with pytest.raises(ValidationError) as exc:
        services.grant_role(cast.officer, teacher, cast.samutsakhon, Role.CENTRAL_ADMIN)
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.grant_role(cast.officer, teacher, cast.samutsakhon, Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        services.set_password(cast.officer, teacher, STRONG)
    # unit staff need a unit of that agency
    with pytest.raises(ValidationError) as exc:
        services.grant_role(cast.officer, teacher, cast.samutsakhon, Role.UNIT_STAFF)
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.grant_role(cast.officer, teacher, cast.samutsakhon, Role.UNIT_STAFF, unit=unit)  # the school's
    # revoking: inside yes, the central admin's role no
    services.revoke_role(cast.officer, Membership.objects.get(user=teacher, role=Role.VIEWER))
    with pytest.raises(PermissionDenied):
        services.revoke_role(cast.officer, Membership.objects.get(user=cast.central))
    # directors and unit staff manage nothing
    with pytest.raises(PermissionDenied):
        services.create_unit(cast.director, cast.samutsakhon, "กลุ่มใหม่")
    with pytest.raises(PermissionDenied):
        services.add_person(cast.staff, "x", "x", agency=cast.samutsakhon, role=Role.VIEWER)


def test_the_last_central_admin_stays(cast):
    with pytest.raises(ValidationError):
        services.revoke_role(cast.central, Membership.objects.get(user=cast.central, role=Role.CENTRAL_ADMIN))


# --- imports -------------------------------------------------------------------------------------------------

AGENCIES_HEADER = "code,name_th,short_name,kind,subkind,parent_code,province,region,website\n"
GOOD_AGENCIES = (
    AGENCIES_HEADER
    + "ESA-KBI,สำนักงานเขตพื้นที่การศึกษาประถมศึกษากระบี่,สพป.กระบี่,esa,สพป.,OBEC,กระบี่,ภาคใต้,\n"
    + "SCH-KBI-001,โรงเรียนบ้านอ่าวนาง,,school,,ESA-KBI,กระบี่,south,https://www.aonang.ac.th\n"
    + "SCH-KBI-002,โรงเรียนบ้านคลองม่วง,,สถานศึกษา,,ESA-KBI,กระบี่,south,\n"
)


def test_import_agencies_with_parents_earlier_in_the_file(cast, tmp_path):
    created = imports.import_agencies(cast.central, table(tmp_path, "agencies.csv", GOOD_AGENCIES))
    assert [a.code for a in created] == ["ESA-KBI", "SCH-KBI-001", "SCH-KBI-002"]
    esa = Agency.objects.get(code="ESA-KBI")
    assert esa.region == "south" and esa.parent == cast.central_office
    assert {a.code for a in esa.subtree()} == {"ESA-KBI", "SCH-KBI-001", "SCH-KBI-002"}
    assert AuditEntry.objects.filter(action="import_agencies").count() == 1


def test_import_agencies_lists_every_bad_row_and_writes_nothing(cast, tmp_path):
    bad = (
        AGENCIES_HEADER
        + "ESA-KBI,สพป.กระบี่,,esa,,OBEC,กระบี่,ภาคใต้,\n"  # fine
        + "SCH-X-1,โรงเรียนหนึ่ง,,school,,NO-SUCH,กระบี่,south,\n"  # unknown parent
        + "SCH-X-2,โรงเรียนสอง,,ministry,,ESA-KBI,กระบี่,south,\n"  # bad kind
        + "ESA-KBI,สพป.กระบี่ซ้ำ,,esa,,OBEC,,,\n"  # duplicate in the file
        + "ESA-SKN,ซ้ำกับในระบบ,,esa,,OBEC,,,\n"  # already registered
        + "SCH-X-3,โรงเรียนสาม,,school,,SCH-X-9,,อวกาศ,\n"  # parent later + bad region
        + "SCH-X-9,โรงเรียนเก้า,,school,,ESA-KBI,,,\n"
    )
    before = Agency.objects.count()
    with pytest.raises(InputError) as exc:
        imports.import_agencies(cast.central, table(tmp_path, "bad.csv", bad))
    found = {(p.row, p.column) for p in exc.value.problems}
    assert {(3, "parent_code"), (4, "kind"), (5, "code"), (6, "code"), (7, "parent_code"), (7, "region")} <= found
    assert not any(row == 2 or row == 8 for row, _ in found)
    texts = exc.value.render(thai=True)
    assert "แถวที่ 3, คอลัมน์ 'parent_code': ไม่พบหน่วยงานแม่รหัส 'NO-SUCH'" in texts
    assert "unknown kind 'ministry'" in exc.value.render()
    assert "also on row 2" in exc.value.render()
    assert Agency.objects.count() == before
    with pytest.raises(PermissionDenied):
        imports.import_agencies(cast.officer, table(tmp_path, "agencies.csv", GOOD_AGENCIES))


PEOPLE_HEADER = "username,title_th,full_name_th,position_th,email,agency_code,role,unit\n"


def test_import_people(cast, tmp_path):
    text = (
        PEOPLE_HEADER + "wanna.s,นาง,วรรณา สุขใจ,นักวิชาการศึกษา,wanna@example.go.th,ESA-SKN,บุคลากรกลุ่ม/หน่วย,"
        "กลุ่มส่งเสริมการจัดการศึกษา\n"
        + "wanna.s,นาง,วรรณา สุขใจ,,,SCH-SKN-001,viewer,\n"
        + "director,,,,,SCH-SKN-001,ผู้อำนวยการ,\n"
    )  # an existing user: only the role is added
    result = imports.import_people(cast.officer, table(tmp_path, "people.csv", text))
    assert (result.users_created, result.roles_granted) == (1, 3)
    wanna = get_user_model().objects.get(username="wanna.s")
    assert wanna.person.full_name_th == "วรรณา สุขใจ" and not wanna.has_usable_password()
    assert set(Membership.objects.filter(user=wanna).values_list("role", flat=True)) == {"unit_staff", "viewer"}
    assert Membership.objects.filter(user=cast.director, agency=cast.school, role="director").exists()


def test_import_people_lists_every_bad_row_and_writes_nothing(cast, tmp_path):
    text = (
        PEOPLE_HEADER
        + "ok.person,,คนดี,,,ESA-SKN,viewer,\n"
        + "boss,,หัวหน้า,,,ESA-SKN,central_admin,\n"  # an agency admin never grants it
        + "far,,คนไกล,,,ESA-OTHER,viewer,\n"  # outside the subtree
        + "ghost,,ผี,,,NO-SUCH,viewer,\n"  # unknown agency
        + "wrong,,ผิด,,not-an-email,ESA-SKN,พระราชา,\n"  # bad e-mail and unknown role
        + "unitless,,ไม่มีกลุ่ม,,,ESA-SKN,unit_staff,\n"  # unit staff need a unit
        + "badunit,,กลุ่มผิด,,,ESA-SKN,unit_staff,กลุ่มไม่มีจริง\n"
        + "ok.person,,คนดี,,,ESA-SKN,viewer,\n"
    )  # the same as row 2
    users = get_user_model().objects.count()
    with pytest.raises(InputError) as exc:
        imports.import_people(cast.officer, table(tmp_path, "people.csv", text))
    found = {(p.row, p.column) for p in exc.value.problems}
    assert {
        (3, "role"),
        (4, "agency_code"),
        (5, "agency_code"),
        (6, "email"),
        (6, "role"),
        (7, "unit"),
        (8, "unit"),
        (9, "role"),
    } <= found
    assert not any(row == 2 for row, _ in found)
    assert get_user_model().objects.count() == users


# --- commands ------------------------------------------------------------------------------------------------


def test_import_commands(cast, tmp_path, capsys):
    agencies = tmp_path / "agencies.csv"
    agencies.write_text(GOOD_AGENCIES, encoding="utf-8")
    assert main(["import-agencies", str(agencies)]) == 0
    assert "imported 3 agencies" in capsys.readouterr().out
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE_HEADER + "krabi.admin,นาย,กระบี่ ดีงาม,,,ESA-KBI,agency_admin,\n", encoding="utf-8")
    assert main(["import-people", str(people), "--as", "central"]) == 0
    assert "imported 1 people and 1 role(s)" in capsys.readouterr().out
    assert Membership.objects.filter(user__username="krabi.admin", agency__code="ESA-KBI").exists()


def test_import_commands_print_every_problem_and_exit_2(cast, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(AGENCIES_HEADER + "A1,หนึ่ง,,esa,,NO-SUCH,,,\nA2,สอง,,planet,,OBEC,,,\n", encoding="utf-8")
    before = Agency.objects.count()
    assert main(["import-agencies", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "2 problem(s); nothing was imported" in err
    assert "bad.csv, row 2, column 'parent_code'" in err and "bad.csv, row 3, column 'kind'" in err
    assert Agency.objects.count() == before
    assert main(["import-agencies", str(bad), "--as", "officer"]) == 2
    assert "may not import agencies" in capsys.readouterr().err
    assert main(["import-people", str(tmp_path / "missing.csv")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["import-people", str(bad), "--as", "nobody"]) == 2
    assert "no user 'nobody'" in capsys.readouterr().err


# --- pages (who may open each one: tests/integration/test_access_matrix.py) ----------------------------------


def test_the_officer_sees_only_its_subtree_in_the_list(cast):
    client = Client()
    client.force_login(cast.officer)
    page = client.get(reverse("agencies_manage")).content.decode()
    assert "ESA-SKN" in page and "SCH-SKN-001" in page
    assert "ESA-OTHER" not in page and "OBEC" not in page
    assert client.get(reverse("agencies_manage_detail", kwargs={"code": "ESA-OTHER"})).status_code == 403
    assert client.get(reverse("agencies_manage_template", kwargs={"kind": "agencies"})).status_code == 403
    # the role choices offered never include central admin
    form = client.get(reverse("agencies_manage_person_new", kwargs={"code": cast.samutsakhon.code})).content.decode()
    assert 'value="central_admin"' not in form and 'value="agency_admin"' in form


def test_pages_central_story(cast):
    client = Client()
    client.force_login(cast.central)
    listing = client.get(reverse("agencies_manage"), {"kind": "school", "q": "วัด"}).content.decode()
    assert "SCH-SKN-001" in listing and "ESA-OTHER" not in listing
    response = client.post(
        reverse("agencies_manage_new"),
        {
            "code": "ESA-CM1",
            "name_th": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1",
            "kind": "esa",
            "parent_code": "OBEC",
            "region": "north",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "agencies_manage_detail", kwargs={"code": "ESA-CM1"}
    )
    bad = client.post(
        reverse("agencies_manage_new"), {"code": "SCH-1", "name_th": "x", "kind": "school", "parent_code": "OBEC"}
    )
    assert bad.status_code == 400
    assert "หน่วยงานแม่ของสถานศึกษาต้องเป็น" in bad.content.decode() and not Agency.objects.filter(code="SCH-1").exists()
    response = client.post(
        reverse("agencies_manage_person_new", kwargs={"code": "ESA-CM1"}),
        {"username": "cm.admin", "full_name_th": "เชียงใหม่ ดีใจ", "role": "agency_admin"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("agencies_manage_detail", kwargs={"code": "ESA-CM1"})).content.decode()
    assert "cm.admin" in detail and "เชียงใหม่ ดีใจ" in detail


def test_import_page_shows_every_problem_and_imports_nothing(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(cast.central)
    before = Agency.objects.count()
    upload = SimpleUploadedFile(
        "agencies.csv", (AGENCIES_HEADER + "A1,หนึ่ง,,esa,,NO-SUCH,,,\nA2,สอง,,planet,,OBEC,,,\n").encode()
    )
    response = client.post(reverse("agencies_manage_import"), {"what": "agencies", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "แถวที่ 2" in page and "แถวที่ 3" in page and Agency.objects.count() == before
    good = SimpleUploadedFile("agencies.csv", GOOD_AGENCIES.encode())
    response = client.post(reverse("agencies_manage_import"), {"what": "agencies", "file": good})
    assert response.status_code == 302 and Agency.objects.filter(code="ESA-KBI").exists()
    template = client.get(reverse("agencies_manage_template", kwargs={"kind": "agencies"}))
    assert template.content.decode("utf-8-sig").startswith("code,name_th,short_name,kind")


def test_a_file_with_many_bad_rows_lists_the_first_fifty_and_counts_the_rest(cast):
    # one include for every all-or-nothing import page (agencies, ITAS, results): a 30,000-school file with a
    # systematic mistake must not become a page of 30,000 list items
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(cast.central)
    rows = "".join(f"B{n},โรงเรียน {n},,planet,,OBEC,,,\n" for n in range(120))
    upload = SimpleUploadedFile("agencies.csv", (AGENCIES_HEADER + rows).encode())
    response = client.post(reverse("agencies_manage_import"), {"what": "agencies", "file": upload})
    assert response.status_code == 400
    section = re.search(r'id="import-errors".*?</section>', response.content.decode(), re.DOTALL).group(0)
    assert section.count("<li>") == 50
    assert "120" in section and "… และอีก 70 รายการ" in section
