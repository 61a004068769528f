"""The OIT pages' template text in English (issue 15 §2): the agency's evidence pages, the assessor's and the central
admin's pages, and the public page and its embeddable table.

The templates' own sentences are checked where they stand — headings, column headers, captions, the eyebrow
line — after taking out data: item titles (Thai only in the editions), the agency's and the round's names and
people.  The labels the OIT Python code hands the templates (statuses, verdicts, form labels) are converted
separately and are not what this file checks.  Thai remains the default.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from prongsai.core.framework import load_framework
from prongsai.web.oit import services
from prongsai.web.oit.review import assign_assessor

pytestmark = pytest.mark.django_db

#: the elements whose text the OIT templates write themselves
OWN = re.compile(
    r'<(h1|h2|caption|th scope="col"|p class="eyebrow"|p class="muted"|p class="small muted")[^>]*>'
    r"(.*?)</(?:h1|h2|caption|th|p)>",
    re.S,
)
THAI_WORD = re.compile(r"\S*[\u0E00-\u0E7F]\S*")
THAI_DATE = re.compile(r"\d{1,2} [\u0E00-\u0E7F.]+ \d{4}(?: \d{1,2}[:.]\d{2}(?: น\.)?)?")


@pytest.fixture(autouse=True)
def oit_settings(settings, tmp_path):
    settings.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


def english(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def data_of(cast) -> list[str]:
    """Thai-only data: the edition's item titles and groups, the cast's agency, round and people."""
    framework = load_framework(cast.round_2563.framework_id)
    values = {item.title for item in framework.oit_items} | {item.group for item in framework.oit_items}
    values |= {
        cast.samutsakhon.display_name,
        cast.samutsakhon.name_th,
        cast.round_2563.name_th,
        "https://www.example.go.th",
    }
    values |= {user.person.full_name_th for user in (cast.officer, cast.assessor, cast.central)}  # people
    return sorted(values, key=len, reverse=True)


def thai_in_own_text(html: str, cast) -> list[str]:
    """Thai words left in the templates' own elements once the data is taken out."""
    found = []
    for _tag, inner in OWN.findall(html):
        text = inner
        for value in data_of(cast):
            text = text.replace(value, " ")
        text = re.sub(r'<span class="tag provisional"[^>]*>.*?</span>', " ", text, flags=re.S)
        text = THAI_DATE.sub(" ", re.sub(r"<[^>]+>", " ", text))
        found += THAI_WORD.findall(text)
    return found


@pytest.fixture
def evidence(cast):
    """O1 with a public link, submitted; an assessor assigned; the story's officer and central admin."""
    round_, agency = cast.round_2563, cast.samutsakhon
    assign_assessor(cast.central, round_, agency, cast.assessor)
    services.add_link(cast.officer, round_, agency, "O1", "https://www.example.go.th/o1", is_public=True)
    services.set_ready(cast.officer, round_, agency, "O1")
    services.submit_items(cast.officer, round_, agency, ["O1"])
    return cast


def test_the_agency_and_item_pages_in_english(evidence):
    cast = evidence
    client = english(cast.officer)
    args = [cast.round_2563.pk, cast.samutsakhon.code]
    agency = client.get(reverse("oit_agency", args=args)).content.decode()
    assert "Public disclosure evidence of" in agency and "Readiness forecast before submitting" in agency
    assert "Indicator 9 Information disclosure" in agency and ">Public disclosure page</a>" in agency
    assert "Publish on the agency's website" in agency
    assert thai_in_own_text(agency, cast) == []

    item = client.get(reverse("oit_item", args=[*args, "O1"])).content.decode()
    assert "Evidence links" in item and "Evidence files" in item and "What is required" in item
    assert "Published on the public page" in item and "The assessor's review" in item
    assert thai_in_own_text(item, cast) == []

    audit = client.get(reverse("oit_audit", args=args)).content.decode()
    assert "Who did what, when and why" in audit and ">Done by</th>" in audit
    assert thai_in_own_text(audit, cast) == []

    home = client.get(reverse("oit_home")).content.decode()
    assert "OIT evidence" in home and "Your agencies" in home and thai_in_own_text(home, cast) == []


def test_the_central_admin_pages_in_english(evidence):
    cast = evidence
    client = english(cast.central)
    assignments = client.get(reverse("oit_assignments", args=[cast.round_2563.pk])).content.decode()
    assert "Assign assessors" in assignments and "New assignment" in assignments
    assert thai_in_own_text(assignments, cast) == []

    national = client.get(reverse("oit_national", args=[cast.round_2563.pk])).content.decode()
    assert "Which items do agencies fail most often?" in national and "Pass rate" in national
    assert thai_in_own_text(national, cast) == []


def test_the_public_page_and_the_embed_in_english(evidence):
    cast = evidence
    args = [cast.samutsakhon.code, cast.round_2563.pk]
    public = english().get(reverse("oit_public", args=args)).content.decode()
    assert "Fiscal year 2563" in public and "1 of" in public and "items published" in public
    assert ">Published information</th>" in public and thai_in_own_text(public, cast) == []

    embed = english().get(reverse("oit_embed", args=args)).content.decode()
    assert '<html lang="en">' in embed and "Public disclosure (OIT)" in embed and "Open the full page" in embed
    assert thai_in_own_text(embed, cast) == []


def test_thai_stays_the_default(evidence):
    cast = evidence
    embed = Client().get(reverse("oit_embed", args=[cast.samutsakhon.code, cast.round_2563.pk])).content.decode()
    assert '<html lang="th">' in embed and "การเปิดเผยข้อมูลสาธารณะ (OIT)" in embed and "Open the full page" not in embed
    assert thai_in_own_text(embed, cast)  # the check above finds Thai when there is some
