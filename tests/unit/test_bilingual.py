"""Operator messages in English and Thai (prongsai/web/bilingual.py): the Thai comes from the catalogs, and reads
the same whether Django is set up or not (several are raised before it is)."""

from __future__ import annotations

import pytest

from prongsai.web import bilingual
from prongsai.web.ops.preflight import PreflightError, check_data_dir


def test_the_catalog_read_without_django_gives_the_thai_django_gives():
    catalog = bilingual._ops_catalog()._catalog  # the compiled .mo as the standard library reads it
    entries = {msgid: msgstr for msgid, msgstr in catalog.items() if isinstance(msgid, str) and msgid}
    assert len(entries) > 20 and "The data folder cannot be used." in entries
    for msgid, msgstr in entries.items():
        assert bilingual.thai(msgid) == msgstr  # through Django (the apps are loaded under pytest)


def test_an_operator_message_is_english_then_thai(settings):
    settings.LANGUAGE_CODE = "en"  # the Thai half does not follow the active language
    text = bilingual.both("the %(where)s is empty (no Prongsai tables).", where="db.sqlite3")
    assert text == "the db.sqlite3 is empty (no Prongsai tables).\nฐานข้อมูล db.sqlite3 ยังว่างอยู่ (ไม่มีตารางของระบบ)"
    assert bilingual.pair("Not in any catalog") == ("Not in any catalog", "Not in any catalog")
    assert bilingual.both("Not in any catalog") == "Not in any catalog"  # no translation: said once


def test_the_data_folder_message_carries_its_thai(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PreflightError) as caught:
        check_data_dir(blocker / "data")
    english, thai = str(caught.value).split("\n")
    assert english.startswith(f"the data folder {blocker / 'data'} is not usable: cannot create it")
    assert thai.startswith(f"ใช้โฟลเดอร์ข้อมูล {blocker / 'data'} ไม่ได้ (cannot create it")
