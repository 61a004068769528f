"""The pages of editions, agencies' import, documents and measures in English (issue 15 §2): with the
``django_language=en`` cookie the page text, form errors, import problems and flash messages are English, and the
only Thai left in the page's content is data (framework texts, agency and people names, the documents' wording).

The Thai side is the other test modules of these apps (test_editions, test_agencies_manage, test_documents*,
test_measures), which run in the default language and assert the Thai texts unchanged."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prongsai.core.edition_xlsx import HELP_SHEET
from prongsai.core.framework import load_framework
from prongsai.core.tabular import InputError
from prongsai.web.agencies import imports as agency_imports
from prongsai.web.agencies.models import Agency, Person, Unit
from prongsai.web.editions.models import StoredEdition
from prongsai.web.editions.preview import oit_rows, survey_sections
from prongsai.web.editions.services import usable_editions
from prongsai.web.measures.models import Committee, CommitteeMember
from prongsai.web.rounds.models import AssessmentRound
from tests.integration.test_documents_signoff import storage  # noqa: F401 - a fixture
from tests.integration.test_editions import workbook_with

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0E00-\u0E7F]")


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def thai_strings(*objects, _seen=None) -> set[str]:
    """Every Thai string inside ``objects`` (dataclasses, mappings, sequences, plain objects): data to strip."""
    seen = set() if _seen is None else _seen
    found: set[str] = set()
    for obj in objects:
        if isinstance(obj, str):
            if THAI.search(obj):
                found.add(obj)
            continue
        if obj is None or isinstance(obj, (int, float, bool)) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            values: Iterable = (getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif isinstance(obj, dict):
            values = [*obj.keys(), *obj.values()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            values = obj
        elif hasattr(obj, "__dict__") and not hasattr(obj, "_meta"):
            values = vars(obj).values()
        else:
            continue
        found |= thai_strings(*values, _seen=seen)
    return found


def database_strings() -> set[str]:
    """The Thai values stored for the cast: agency, unit, people, round and committee texts."""
    found: set[str] = set()
    for model in (Agency, Unit, Person, AssessmentRound, Committee, CommitteeMember):
        for row in model.objects.values():
            found |= thai_strings(list(row.values()))
    for person in Person.objects.all():  # names as pages print them: title and name together
        found.add(f"{person.title_th}{person.full_name_th}")
    return found


def thai_left(page: str, data: Iterable[str]) -> list[str]:
    """The lines of the page's content (``<main>``) that still carry Thai once the data values are removed (Thai
    digits too: an English page numbers in Arabic digits)."""
    content = re.search(r'<main id="main".*?</main>', page, re.S)
    assert content is not None
    text = html.unescape(re.sub(r"<[^>]+>", "\n", content.group(0)))
    for value in sorted((v for v in data if THAI.search(v)), key=len, reverse=True):
        text = text.replace(value, "\n")
    return [line.strip() for line in text.splitlines() if THAI.search(line)]


def framework_data(key: str, year: int | None = None) -> set[str]:
    fw = load_framework(key)
    year = year or fw.fiscal_years[0]
    # the agency types and data windows are not data: the pages show them in English
    return thai_strings(fw, oit_rows(fw, year), *(survey_sections(fw, t.code) for t in fw.tools if t.kind == "survey"))


def offered_editions_data() -> set[str]:
    """The texts of every edition the pages list (built-in and active): names, caveats, items …"""
    return set().union(*(framework_data(e.key) for e in usable_editions()))


# --------------------------------------------------------------------------------------------------- editions


def test_the_edition_pages_in_english(cast):
    client = english(cast.central)
    listing = client.get(reverse("editions")).content.decode()
    assert "Framework editions (versions)" in listing and "Editions shipped with the system" in listing
    assert thai_left(listing, offered_editions_data()) == []

    detail = client.get(reverse("edition_detail", args=["ita-2570"])).content.decode()
    assert "Previews for officers" in detail and "Result levels" in detail and "Activate" not in detail
    assert thai_left(detail, framework_data("ita-2570") | framework_data("ita-2569")) == []

    for part, english_text in (("oit", "Item and requirement"), ("iit", "Respondents:")):
        preview = client.get(reverse("edition_preview", args=["ita-2570", part])).content.decode()
        assert english_text in preview
        assert thai_left(preview, framework_data("ita-2570")) == []


def test_an_upload_refused_in_english_and_a_draft_activated_in_english(cast):
    client = english(cast.central)
    page = client.get(reverse("edition_upload")).content.decode()
    assert "Check and import as a draft" in page and "Compare with edition" in page
    assert thai_left(page, {HELP_SHEET} | offered_editions_data()) == []

    wrong = client.post(reverse("edition_upload"), {"file": SimpleUploadedFile("notes.txt", b"x")})
    assert wrong.status_code == 400 and "Only .xlsx or .yaml files are accepted." in wrong.content.decode()

    def edit(wb):
        wb["oit_items"]["D2"] = "nine"
        wb["questions"]["D3"] = "four_levels"

    refused = client.post(reverse("edition_upload"), {"file": SimpleUploadedFile("ita-2569.xlsx", workbook_with(edit))})
    text = refused.content.decode()
    assert refused.status_code == 400 and "Not imported: 2 problems found" in text
    assert "sheet &#x27;oit_items&#x27;, row 2, column &#x27;indicator&#x27; (D)" in text
    assert thai_left(text, {HELP_SHEET} | offered_editions_data()) == []
    assert not StoredEdition.objects.exists()

    from prongsai.web.editions import services

    draft = services.upload_edition(cast.central, "ita-2569.xlsx", workbook_with(lambda wb: None))
    done = client.post(reverse("edition_activate", args=[draft.key]), follow=True).content.decode()
    assert f"{draft.key} is active: new rounds use this version" in done
    again = client.post(reverse("edition_activate", args=[draft.key]), follow=True).content.decode()
    assert f"{draft.key} is “In use”, so it cannot be activated." in again


# --------------------------------------------------------------------------------------------------- agencies


def test_the_import_page_and_its_problems_in_english(cast):
    client = english(cast.central)
    page = client.get(reverse("agencies_manage_import")).content.decode()
    assert "One row per agency." in page and "or the region's name in Thai." in html.unescape(page)
    assert thai_left(page, set()) == []

    bad = (
        "code,name_th,short_name,kind,subkind,parent_code,province,region,website\n"
        "A1,หนึ่ง,,esa,,NO-SUCH,,,\nA2,สอง,,planet,,OBEC,,moon,\n"
    )
    response = client.post(
        reverse("agencies_manage_import"),
        {"what": "agencies", "file": SimpleUploadedFile("agencies.csv", bad.encode())},
    )
    text = html.unescape(response.content.decode())
    assert response.status_code == 400 and "Nothing was imported: 3 problems in the file" in text
    assert "agencies.csv, row 2, column 'parent_code': unknown parent agency 'NO-SUCH'" in text
    assert "row 3, column 'kind': unknown kind 'planet' (one of central, esa, school" in text
    assert "row 3, column 'region': unknown region 'moon' (one of north, northeast" in text
    assert thai_left(response.content.decode(), set()) == []


def test_an_import_problem_keeps_both_languages_for_the_command_line_and_the_web(cast, tmp_path):
    from prongsai.core.tabular import read_table

    path = tmp_path / "people.csv"
    path.write_text("username,full_name_th,agency_code,role\nnew.one,คนใหม่,ESA-SKN,assessor\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        agency_imports.import_people(cast.officer, read_table(path))
    (problem,) = refused.value.problems
    assert problem.en == "only a central admin may grant the role 'assessor'"
    assert problem.th == "เฉพาะผู้ดูแลระบบส่วนกลางเท่านั้นที่กำหนดบทบาท 'ผู้ตรวจประเมิน' ได้"


# -------------------------------------------------------------------------------------- documents and measures


def test_the_emblem_and_pack_pages_in_english(cast):
    emblem = english(cast.central).get(reverse("documents_emblem")).content.decode()
    assert "the documents print a stand-in, marked as such in Thai." in emblem
    assert thai_left(emblem, set()) == []

    officer = english(cast.officer)
    pack_url = reverse("documents_pack", args=[cast.samutsakhon.code, cast.round_2563.pk])
    pack = officer.get(pack_url).content.decode()
    assert "Memo requesting approval" in pack and "Order appointing the analysis committee" in pack
    assert thai_left(pack, database_strings()) == []
    refused = officer.post(
        reverse("documents_evidence_pack", args=[cast.samutsakhon.code, cast.round_2563.pk]), follow=True
    ).content.decode()
    assert "The evidence pack cannot be built yet: these documents are not approved by the director" in refused


def test_the_committee_and_measure_pages_in_english(cast):
    client = english(cast.officer)
    code, rid = cast.samutsakhon.code, cast.round_2563.pk
    client.post(reverse("measures_committee_suggest", args=[code, rid]))
    committee = client.get(reverse("measures_committee", args=[code, rid])).content.decode()
    assert "The committee order" in committee and "Member and secretary" in committee
    assert "e.g. 169 (the order prints it in Thai digits)" in committee
    assert thai_left(committee, database_strings()) == []  # numbers too: Arabic digits in English

    new = client.get(reverse("measures_new", args=[code, rid])).content.decode()
    assert "All units" in new and "e.g. the information disclosure area, written in Thai" in new
    assert re.search(r"Indicator \d+ ", new)
    data = database_strings() | thai_strings(cast.round_2562.framework)
    assert thai_left(new, data) == []


@pytest.fixture
def memo(cast, storage):  # noqa: F811 - the storage fixture is imported above
    """The officer's draft memo (version 1), as in test_documents_signoff."""
    from prongsai.web.documents import services

    return services.generate_pack(
        cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False
    ).versions[0]


def test_the_sign_off_moves_and_their_refusal_in_english(cast, memo):
    officer, director = english(cast.officer), english(cast.director)
    page = reverse("documents_pack", args=[cast.samutsakhon.code, cast.round_2563.pk])
    assert ">Propose to the director</button>" in officer.get(page).content.decode()
    done = officer.post(reverse("documents_version_move", args=[memo.pk, "propose"]), follow=True).content.decode()
    assert "Memo requesting approval: Propose to the director — done." in done
    confirm = director.post(reverse("documents_version_move", args=[memo.pk, "approve"])).content.decode()
    assert '<h1 id="confirm-title">Approve and sign: Memo requesting approval</h1>' in confirm
    seen = confirm.split('name="seen" value="')[1].split('"')[0]
    director.post(reverse("documents_version_move", args=[memo.pk, "approve"]), {"confirmed": "1", "seen": seen})
    refused = officer.post(reverse("documents_version_move", args=[memo.pk, "propose"]), follow=True)
    assert "Cannot “Propose to the director”: the document is “Approved”" in refused.content.decode()
