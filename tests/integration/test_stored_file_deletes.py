"""A stored file is deleted only when the transaction that deleted its row commits.

Services delete rows inside ``transaction.atomic``.  Deleting the bytes there and then (as measures, document
templates and emblems did) left a row pointing at nothing when the transaction rolled back: a progress report
whose evidence file was gone.  ``ops.storage.delete_on_commit`` is the one way they delete now.
"""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from prongsai.web.documents import emblems
from prongsai.web.measures import services
from prongsai.web.measures.models import ProgressFile


class Abort(Exception):
    """Raised after the delete, inside the service's outer transaction: everything must roll back."""


def a_reported_measure(cast):
    measure = services.create_measure(
        cast.officer,
        cast.round_2563,
        cast.samutsakhon,
        services.MeasureInput(
            title="ด้านการเปิดเผยข้อมูล",
            units=[cast.unit],
            starts_on=date(2019, 10, 1),
            ends_on=date(2020, 9, 30),
        ),
    )
    report = services.submit_progress(
        cast.staff, measure, cast.unit, 6, "เผยแพร่แล้ว", files=[SimpleUploadedFile("หลักฐาน.pdf", b"%PDF-1.4 x")]
    )
    return measure, report.files.get()


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 360), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_rolled_back_delete_keeps_the_progress_file_and_its_bytes(cast, django_capture_on_commit_callbacks):
    measure, stored = a_reported_measure(cast)
    path, pk = stored.file.path, stored.pk
    for delete in (
        lambda: services.delete_progress_file(cast.staff, ProgressFile.objects.get(pk=pk)),
        lambda: services.delete_measure(cast.officer, measure),
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abort), transaction.atomic():
            delete()
            raise Abort
        stored = ProgressFile.objects.get(pk=pk)  # the row is back, and still points at the bytes
        assert stored.file.path == path
        with open(path, "rb") as handle:
            assert handle.read() == b"%PDF-1.4 x"


def test_a_committed_delete_removes_the_bytes(cast, django_capture_on_commit_callbacks):
    measure, stored = a_reported_measure(cast)
    path = stored.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_measure(cast.officer, measure)
    assert not ProgressFile.objects.filter(pk=stored.pk).exists()
    assert not os.path.exists(path)


def test_an_emblem_replaced_or_removed_in_a_rolled_back_transaction_keeps_its_file(
    cast, django_capture_on_commit_callbacks
):
    first = emblems.upload_emblem(cast.officer, cast.samutsakhon, "skn.png", png())
    path = first.file.path
    for change in (
        lambda: emblems.upload_emblem(cast.officer, cast.samutsakhon, "new.png", png()),
        lambda: emblems.remove_emblem(cast.officer, cast.samutsakhon),
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abort), transaction.atomic():
            change()
            raise Abort
        first.refresh_from_db()
        assert first.file.path == path
        with open(path, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with django_capture_on_commit_callbacks(execute=True):
        emblems.remove_emblem(cast.officer, cast.samutsakhon)
    assert not os.path.exists(path)
