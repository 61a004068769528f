"""Thai everywhere (issue 11 §2, issue 15 §2): every form of the app, posted empty and with malformed values by a
role that can open it, answers with messages in Thai — field errors, form errors and flash messages — and, posted
again in English, with no Thai but its data.

The pages come from the project-wide access matrix (every named URL with the cast's objects); each GET page that
a role may open is read for its ``<form method="post">``s, and each distinct form (action and field names) is
posted twice (empty, then malformed) in each language, by the first role in ``ORDER`` that may open its page,
inside a savepoint that is rolled back.  A Thai message fails when it holds an ASCII word of four letters or more
outside ``ALLOWED`` (codes and names that stay Latin in Thai text); an English one when Thai is left once the data
is struck out (``test_english_walk.thai_left_in``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import NoReverseMatch

from tests.cast import Cast
from tests.integration.test_access_matrix import MATRIX, build_url, client_for
from tests.integration.test_english_walk import ALWAYS_THAI, database_strings, framework_strings, thai_left_in

pytestmark = pytest.mark.django_db

#: Latin words a Thai message may carry: file formats, protocols, product and code names, the cast's usernames
ALLOWED = {
    "docx",
    "xlsx",
    "http",
    "https",
    "word",
    "excel",
    "email",
    "e-mail",
    "mailto",
    "uuid",
    "csrf",
    "null",
    "prongsai",
    "itas",
    "json",
    "html",
    "utf-8",
    "officer",
    "central",
    "director",
    "staff",
    "assessor",
    "viewer",
    "other_officer",
    "utf",
    "yaml",
    "jpeg",
    "png",
}
#: the roles in the order they try each page: the first who reaches a form posts it
ORDER = ("officer", "central", "staff", "assessor", "director", "viewer", "other_officer", "anonymous")
#: malformed in every way a field can be: not a number, date, choice, e-mail or web address (and no Latin word)
BAD = "-1x%"
#: forms not posted here: generating the document pack renders every DOCX and PDF (seconds each); its only input is
#: which documents to make (checkboxes of the known kinds), nothing a user types
SKIPPED = re.compile(r"^/documents/[^/]+/\d+/generate/$")
WORD = re.compile(r"[A-Za-z][A-Za-z_-]{3,}")
THAI = re.compile(r"[\u0e00-\u0e7f]")


class _Forms(HTMLParser):
    """The post forms of a page: (action, field names, file field names)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list[str], list[str]]] = []
        self._current: tuple[str, list[str], list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = (a.get("action") or "", [], [])
        elif self._current is not None and tag in ("input", "select", "textarea") and a.get("name"):
            if a.get("type") == "file":
                self._current[2].append(a["name"])
            elif a["name"] != "csrfmiddlewaretoken":
                self._current[1].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.found.append(self._current)
            self._current = None


def visible_messages(response) -> list[str]:
    """What the user reads as a refusal: the errors of every form in the page's context, and flash messages."""
    texts: list[str] = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, forms.BaseForm):
                texts += [str(m) for msgs in value.errors.values() for m in msgs]
            elif isinstance(value, forms.BaseFormSet):
                texts += [str(m) for f in value.forms for msgs in f.errors.values() for m in msgs]
                texts += [str(m) for m in value.non_form_errors()]
    texts += [str(m) for m in get_messages(response.wsgi_request)]
    if response.context is None and response.status_code == 400:
        texts.append(response.content.decode(errors="replace"))
    return list(dict.fromkeys(texts))


def latin_words(text: str) -> set[str]:
    text = re.sub(r"\S+@\S+|https?://\S+|\S+\.(?:pdf|docx|xlsx|csv|png|jpe?g|exe|yaml)\b", " ", text, flags=re.I)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


def _pages(cast: Cast):
    for name, entry in MATRIX.items():
        for case in entry if isinstance(entry, tuple) else (entry,):
            if case.method != "get" or case.query:
                continue
            try:
                url = build_url(cast, name, case)
            except NoReverseMatch:
                continue
            yield name, url, [r for r in ORDER if case.expect.get(r) == 200][:1]


def _post(client, url, fields, files, bad: bool):
    data = {f: BAD for f in fields} if bad else {}
    for f in files:
        data[f] = SimpleUploadedFile("bad.exe", b"MZ not a document") if bad else ""
    return client.post(url, data, follow=True)


def thai_outside_data(text: str) -> set[str]:
    """The Thai snippets of an English message once its data is struck out, as the English walk strikes it from a
    page: a form error may name a respondent group or an agency, which are Thai in every language."""
    if not THAI.search(text):
        return set()
    data = sorted(database_strings() | framework_strings() | ALWAYS_THAI(), key=len, reverse=True)
    return set(thai_left_in([text], data))


#: what each language's messages may not hold: a Latin word in Thai, Thai outside the data in English
CHECKS = {"th": latin_words, "en": thai_outside_data}


def walk(cast: Cast) -> tuple[dict[str, list[str]], int]:
    """(problems by language, forms posted) for every form of the app, each posted in Thai and in English (the
    pages are read once: their forms are the same in both)."""
    problems: dict[str, list[str]] = {language: [] for language in CHECKS}
    seen = set()
    for name, url, roles in _pages(cast):
        for role in roles:
            client = client_for(cast, role)
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(page.content.decode(errors="replace"))
            for action, fields, files in parser.found:
                target = action or url
                key = (target.split("?")[0], tuple(sorted(fields)), tuple(files))
                if key in seen or target.startswith(("http", "/i18n/")) or "logout" in target or SKIPPED.match(key[0]):
                    continue
                seen.add(key)
                for language, check in CHECKS.items():
                    client.cookies["django_language"] = language
                    for bad in (False, True) if fields or files else (False,):  # a lone button: nothing to garble
                        savepoint = transaction.savepoint()
                        try:
                            response = _post(client, target, fields, files, bad)
                            for text in visible_messages(response):
                                if wrong := check(text):
                                    problems[language].append(
                                        f"{name} as {role}: POST {target} ({'malformed' if bad else 'empty'})"
                                        f" → {text[:200]!r} ({', '.join(sorted(wrong))})"
                                    )
                        finally:
                            transaction.savepoint_rollback(savepoint)
                client.cookies.pop("django_language")
    return problems, len(seen)


def test_every_form_answers_bad_input_in_the_users_language(cast):
    problems, posted = walk(cast)
    assert posted > 40  # the walk really found the app's forms
    assert problems["th"] == [], "messages that are not Thai:\n" + "\n".join(problems["th"])
    assert problems["en"] == [], "Thai in English mode:\n" + "\n".join(problems["en"])


def test_the_checker_catches_english_and_lets_codes_through():
    assert latin_words("This password is too short.") == {"This", "password", "short"}
    assert latin_words("ไฟล์ bad.exe ไม่ใช่ PDF หรือ DOCX ดูที่ https://www.example.go.th/ita") == set()
    assert latin_words("officer ไม่ได้มีบทบาทผู้ตรวจประเมิน") == set()
