"""The English switch switches whole pages (issue 15 §2): every page of the access matrix, opened in English by each
role that may open it, shows no Thai outside its data.

Each role of the cast opens every GET page the matrix gives it (200) with the ``django_language=en`` cookie.  The
page's readable text (text nodes, plus the ``title``/``aria-label``/``placeholder``/``alt`` attributes and the
labels of submit inputs) is taken apart from the HTML, and everything that is *data* is struck out first:

- every Thai string stored in the test database (agency and unit names, people, round names, notifications,
  uploaded file names, measures, audit summaries …), found by walking every text, file and JSON column;
- every Thai string of the bundled framework editions and calendars (edition names, item titles, question
  texts, level labels), which have no English;
- the few fixed strings that are Thai in every language: the product's wordmark, the Thai language's own name
  in the switch, the words of the ITAS import file and of the edition workbook's explanation sheet, the duties a
  new committee's order starts with, and the title of the OIT snippet an agency pastes on its Thai web site
  (``ALWAYS_THAI``).

What Thai remains is a string the English switch did not reach; the failure lists it per page and role.  Pages of
the apps still being converted are in ``PENDING``: they are opened and checked too, and a pending page that has
become clean fails as well, so the set can only shrink.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import NoReverseMatch

from tests.cast import Cast
from tests.integration.test_access_matrix import MATRIX, ROLES, build_url, build_world, client_for, sign_in_all
from tests.shared import shared

THAI = re.compile(r"[\u0E00-\u0E7F]")
#: where a struck-out datum was: keeps the words on either side apart
STRUCK = "\x00"

# Pages (test ids: the URL name and its case) whose English still shows Thai that is not data.  None is left: a
# page that regresses fails the walk; one added here while it is being converted fails as soon as it is clean.
PENDING: set[str] = set()

#: Pages that are data as a whole, Thai in every language, with the reason.
DATA_PAGES = {
    "oit_demo_site": "the demo's stand-in for an office's own web site (its OIT evidence pages), written in Thai",
}


def _always_thai() -> set[str]:
    from django.conf.locale import LANG_INFO

    from prongsai.core import itas
    from prongsai.core.edition_xlsx import HELP_SHEET
    from prongsai.web.itas.views import FILE_SAMPLE, FILE_WORDS
    from prongsai.web.measures.models import DEFAULT_DUTIES
    from prongsai.web.oit.views import EMBED_TITLE_WORDS
    from prongsai.web.results.templatetags.prongsai_tags import WORDMARK

    # HELP_SHEET: the name of a sheet of the workbook the page tells to download; DEFAULT_DUTIES: the Thai text a
    # new committee's duties field starts with (printed in the order); EMBED_TITLE_WORDS: in code to copy
    return {
        WORDMARK,
        LANG_INFO["th"]["name_local"],
        *FILE_WORDS.values(),
        *FILE_SAMPLE.splitlines(),
        *itas.TEMPLATE_HEADER,
        HELP_SHEET,
        *DEFAULT_DUTIES,
        *EMBED_TITLE_WORDS,
    }


ALWAYS_THAI = _always_thai


# --- the page's readable text --------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The pieces of text a reader meets on a page: text nodes and the attributes read out or shown."""

    SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        for name in self.SHOWN_ATTRIBUTES & set(values):
            self.pieces.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.pieces.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.pieces.append(data)


def readable_pieces(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [" ".join(p.split()) for p in parser.pieces if THAI.search(p)]


def thai_left(html: str, data: list[str]) -> list[str]:
    """The Thai snippets of the page once the data (longest first) is struck out."""
    return thai_left_in(readable_pieces(html), data)


def thai_left_in(pieces: list[str], data: list[str]) -> list[str]:
    """The Thai snippets of these texts once the data (longest first) is struck out.

    A datum is struck out only where it stands apart from other Thai letters: a short datum ("ผ่าน", "ไม่มี")
    inside an untranslated Thai sentence leaves that sentence to be reported, not a harmless-looking remnant."""
    left = []
    for piece in pieces:
        for datum in data:
            if datum in piece:
                piece = re.sub(rf"(?<![\u0E00-\u0E7F]){re.escape(datum)}(?![\u0E00-\u0E7F])", STRUCK, piece)
        left += [" ".join(s.split()) for s in piece.split(STRUCK) if THAI.search(s)]
    return left


# --- the data ------------------------------------------------------------------------------------------------


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _forms(text: str) -> set[str]:
    """A datum as pages may show it: whole, line by line, a file by its name, with its spaces collapsed."""
    forms = {text, " ".join(text.split()), Path(text).name}
    forms.update(line.strip() for line in text.splitlines())
    return {f for f in forms if THAI.search(f)}


#: the last ``database_strings`` and the database it read, on SQLite (``_changes_so_far``)
_last_strings: tuple[int, set[str]] | None = None


def _changes_so_far() -> int | None:
    """How many rows this process's SQLite connection has inserted, updated or deleted since it opened (a count
    that only grows, rolled-back changes included): the same count means the same rows.  The test database is in
    memory, reachable only through that connection.  None on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    return connection.connection.total_changes


def database_strings() -> set[str]:
    """The Thai text of every row (in the forms a page may show it).  Read again whenever a row may have changed:
    a page's test first makes what it shows; most make nothing new and share the last reading (8 readings for
    the module's 106 pages instead of 106)."""
    global _last_strings
    changes = _changes_so_far()
    if changes is not None and _last_strings is not None and _last_strings[0] == changes:
        return _last_strings[1]
    found = _read_database_strings()
    if changes is not None:
        _last_strings = (changes, found)
    return found


def _read_database_strings() -> set[str]:
    from django.apps import apps

    kinds = {"CharField", "TextField", "JSONField", "FileField", "ImageField", "SlugField", "EmailField"}
    found: set[str] = set()
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() in kinds]
        if not names:
            continue
        for row in model._base_manager.values_list(*names):
            for value in row:
                for text in _strings(value):
                    if THAI.search(text):
                        found |= _forms(text)
    return found


def framework_strings() -> set[str]:
    from prongsai.core.framework import BUNDLED_DIR, parse_yaml

    found: set[str] = set()
    for path in sorted(Path(BUNDLED_DIR).rglob("*.yaml")):
        for text in _strings(parse_yaml(path.read_text(encoding="utf-8"), path.name)):
            if THAI.search(text):
                found |= _forms(text)
    return found


# --- the walk ------------------------------------------------------------------------------------------------


def _get_pages() -> list:
    params = []
    for name, entry in MATRIX.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            if case.method == "get" and 200 in case.expect.values() and name not in DATA_PAGES:
                case_id = f"{name}[{case.label}]" if case.label else name
                params.append(pytest.param(name, case, id=case_id.replace(" ", "_")))
    return params


@shared
def cast():
    """The access matrix's world, made once for the module: each page then finds what it shows already made."""
    return build_world()


@shared
def sessions(cast) -> dict[str, str]:
    return sign_in_all(cast)


def english_client(cast: Cast, role: str, sessions: dict[str, str] | None = None):
    client = client_for(cast, role, sessions)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(scope="module")
def frameworks() -> set[str]:
    return framework_strings()


@pytest.mark.parametrize(("name", "case"), _get_pages())
def test_page_in_english_has_no_thai_outside_data(request, cast, sessions, frameworks, name, case):
    try:
        url = build_url(cast, name, case)  # makes the objects the page shows, before the data is collected
    except NoReverseMatch:
        pytest.skip(f"URL name {name!r} does not exist (yet)")
    data = sorted(database_strings() | frameworks | ALWAYS_THAI(), key=len, reverse=True)
    found: dict[str, list[str]] = {}
    pages = 0
    for role in ROLES:
        if case.expect[role] != 200:
            continue
        savepoint = transaction.savepoint()
        try:
            response = english_client(cast, role, sessions).get(url)
        finally:
            transaction.savepoint_rollback(savepoint)
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            continue  # a file (CSV, XLSX, PDF, JSON): data, in the language of the documents
        pages += 1
        html = response.content.decode()
        left = thai_left(html, data)
        if '<html lang="th"' in html:
            left.append('<html lang="th">')  # a page that does not follow the switch at all
        if left:
            found[role] = sorted(set(left))
    if request.node.callspec.id in PENDING:
        assert found, (
            f"{name} ({url}) shows no Thai in English {'any more' if pages else '(it is no HTML page)'}: "
            f"remove it from PENDING in {Path(__file__).name}"
        )
        return
    report = "\n".join(f"  {role}: " + " | ".join(snippets[:15]) for role, snippets in found.items())
    assert not found, f"GET {url} in English still shows Thai outside its data:\n{report}"


def test_pending_names_exist():
    # a renamed page must not linger in PENDING (or hide there)
    names = {page.split("[")[0] for page in PENDING} | set(DATA_PAGES)
    assert names <= set(MATRIX), sorted(names - set(MATRIX))


def test_the_check_sees_thai_outside_data():
    # The stripping itself: data goes, a Thai label in the page's own text stays, attributes count too, scripts
    # do not; a page that is not pending fails the walk on what stays.
    html = (
        '<html lang="en"><body><h1>สพป.สมุทรสาคร</h1><p>Results of สพป.สมุทรสาคร: ผ่าน</p>'
        '<button aria-label="ปิด">x</button><script>var s = "ไทย";</script><p>All done</p></body></html>'
    )
    assert thai_left(html, ["สพป.สมุทรสาคร"]) == [": ผ่าน", "ปิด"]
    assert thai_left(html, ["สพป.สมุทรสาคร", "ผ่าน", "ปิด"]) == []
    # a datum glued to other Thai letters is part of an untranslated sentence: it stays
    assert thai_left("<p>ยังไม่มีคำอธิบาย</p>", ["ไม่มี", "คำอธิบาย"]) == ["ยังไม่มีคำอธิบาย"]


def test_english_shows_converted_text_and_a_form_error_in_english(cast):
    """A page of this branch in English: its converted strings are English, and a form error too."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = english_client(cast, "officer")
    url = reverse("itas_import", args=[cast.samutsakhon.code, cast.round_2563.pk])
    page = client.get(url).content.decode()
    assert "Rows left empty are skipped" in page and "Columns: รหัสข้อ (item, question or indicator code)" in page
    assert ">English</button>" in page and ">ภาษาไทย</button>" in page
    refused = client.post(url, {"file": SimpleUploadedFile("results.txt", b"x")})
    assert refused.status_code == 400 and "Upload a .csv or .xlsx file." in refused.content.decode()
    thai = client_for(cast, "officer").get(url).content.decode()
    assert "แถวที่ไม่กรอกผลจะถูกข้าม แถวที่รหัสขึ้นต้นด้วย ‘ตัวอย่าง’" in thai  # Thai stays the default, unchanged
    # the ITAS sheet's to-do column (two-language data of the core) follows the switch
    sheet = reverse("itas_sheet", args=[cast.samutsakhon.code, cast.round_2563.pk])
    assert "No public URL yet" in client.get(sheet).content.decode()
    assert "ยังไม่มี URL สาธารณะ" in client_for(cast, "officer").get(sheet).content.decode()


# The labels the pure core keeps in both languages (agency types, data windows, plan targets, analysis notes) and
# the numbering of a page: each follows the switch, and the Thai page keeps its words.
CORE_LABELS = [
    ("measures_plan", 0, "Target: level AA", "เป้าหมาย: ระดับ AA"),
    ("measures_plan", 1, "Target: total score 95.00", "เป้าหมาย: คะแนนรวม 95.00"),
    ("measures_analysis", 0, "No item-level data: item scores", "ไม่ทราบผลคะแนนรายข้อ: "),
    ("edition_detail", 0, "(Educational service area office)", "(สำนักงานเขตพื้นที่การศึกษา)"),
    (
        "edition_preview",
        0,
        "Data of fiscal year B.E. 2568 (the fiscal year before the assessed one)",
        "ข้อมูลปีงบประมาณ พ.ศ. 2568 (ปีงบประมาณก่อนปีที่ประเมิน)",
    ),
    ("measures_detail", 0, "<h2>1. ", "<h2>๑. "),
    ("measures_committee", 0, "<li>Director of ", "<li>ผู้อำนวยการ"),
]


@pytest.mark.parametrize(("name", "index", "english", "thai"), CORE_LABELS)
def test_core_labels_and_numbers_follow_the_switch(cast, name, index, english, thai):
    entry = MATRIX[name]
    url = build_url(cast, name, (entry if isinstance(entry, tuple) else (entry,))[index])
    assert english in english_client(cast, "officer").get(url).content.decode()
    assert thai in client_for(cast, "officer").get(url).content.decode()
