"""The Thai catalogs: compiled from their sources, and one Thai for one English string across the app.

Django merges every catalog into one: the project's (``prongsai/web/locale``, in ``LOCALE_PATHS``) wins, then the
apps' in ``INSTALLED_APPS`` order.  So a msgid that two catalogs translate differently shows the winner's Thai on
the loser's pages ("Title" of a deadline read "คำนำหน้าชื่อ", a person's title).  A word whose meaning differs
takes a context (``pgettext``/``{% translate "…" context "…" %}``); otherwise one catalog keeps the entry.
"""

from __future__ import annotations

import ast
import gettext
from collections import defaultdict
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "prongsai" / "web"
CATALOGS = sorted(WEB.rglob("locale/th/LC_MESSAGES/django.po"))


def read_po(path: Path) -> dict[str, str]:
    """msgid (``context\\x04msgid`` with a context; plural forms as ``msgid``, index 0) → msgstr, as the .mo keys
    them; fuzzy and obsolete entries are left out, as msgfmt leaves them out."""
    entries: dict[str, str] = {}
    block: dict[str, str] = {}
    fuzzy = False
    current = None

    def flush():
        nonlocal block, fuzzy
        if "msgid" in block and not fuzzy and block["msgid"]:
            key = block["msgid"] if "msgctxt" not in block else f"{block['msgctxt']}\x04{block['msgid']}"
            value = block.get("msgstr", block.get("msgstr[0]", ""))
            if value:
                entries[key] = value
        block, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            flush()
            current = None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            block[current] += ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            # a new entry may follow the last without a blank line (msgfmt accepts that)
            if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in block):
                flush()
            current = keyword
            block[current] = ast.literal_eval(rest)
    return entries


def read_mo(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    result = {}
    for key, value in catalog.items():
        if isinstance(key, tuple):  # plural: (msgid, n)
            if key[1] == 0:
                result[key[0]] = value
        elif key:
            result[key] = value
    return result


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(WEB)))
def test_the_compiled_catalog_matches_its_source(po):
    # A .po edited without running msgfmt would leave the old Thai (or none) in the running app.
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: msgfmt -c -o django.mo django.po"
    source, compiled = read_po(po), read_mo(mo)
    stale = sorted(k for k in source.keys() | compiled.keys() if source.get(k) != compiled.get(k))
    assert not stale, f"{po.parent}: django.mo differs from django.po for {stale[:5]}: run msgfmt -c"


def test_one_thai_for_one_english_string():
    translations: dict[str, dict[str, str]] = defaultdict(dict)
    for po in CATALOGS:
        for msgid, msgstr in read_po(po).items():
            translations[msgid][str(po.relative_to(WEB).parents[2])] = msgstr
    clashes = [
        f"{msgid!r}: " + "; ".join(f"{where} → {thai}" for where, thai in sorted(by.items()))
        for msgid, by in sorted(translations.items())
        if len(set(by.values())) > 1
    ]
    assert not clashes, (
        "the same msgid has different Thai in two catalogs (only one wins everywhere); give the "
        "word a context or keep one entry:\n" + "\n".join(clashes)
    )


def test_the_reader_reads_contexts_plurals_and_skips_fuzzy(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "deadline"\nmsgid "Title"\nmsgstr "ชื่อ"\n\n'
        'msgid "Title"\nmsgstr "คำนำหน้า"\n"ชื่อ"\nmsgid "Next"\nmsgstr "ถัดไป"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "เก่า"\n\n'
        'msgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "%(n)s ข้อ"\n',
        encoding="utf-8",
    )
    assert read_po(po) == {"deadline\x04Title": "ชื่อ", "Title": "คำนำหน้าชื่อ", "Next": "ถัดไป", "%(n)s item": "%(n)s ข้อ"}
