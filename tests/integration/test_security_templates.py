"""Templates cannot run code, told with the cast (issue 9 §1, review C1).

The officer of สพป.สมุทรสาคร uploads DOCX templates carrying injection payloads through the templates page: each
is refused with a Thai message naming the placeholder, and nothing is stored.  A template planted directly in
storage and in the database (as if stored before the sandbox existed) is refused when the pack is generated,
on the page and in the central admin's national batch, where it fails only its own agency: the batch goes on
with the others.  No payload ever runs (a marker file it would write never appears).
"""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prongsai.web.documents import pack, services
from prongsai.web.documents.models import DocumentBatch, DocumentTemplate, GeneratedDocument
from prongsai.web.tasks import run_pending_tasks
from tests.shared import shared
from tests.unit.test_security_templates import with_paragraph, with_part

MARKER = "prongsai-ssti-marker"

#: payloads through the web upload (a different selection from the unit tests' list, same family)
WEB_PAYLOADS = [
    ("{{ lipsum.__globals__['os'].popen('touch " + MARKER + "').read() }}", "lipsum.__globals__"),
    ("{{ cycler.__init__.__globals__.__builtins__['open']('secret_key').read() }}", "cycler.__init__"),
    ("{{ joiner.__init__.__globals__ }}", "joiner.__init__"),
    ("{% set n = namespace() %}", "namespace()"),
    ("{{ c.__class__.__mro__[-1].__subclasses__() }}", "c.__class__"),
    ("{{ c|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", "|attr("),
    ("{{ self._TemplateReference__context.c }}", "self._TemplateReference__context"),
    ("{{ c.__init__.__globals__ }}", "c.__init__"),
    ("{{ '{0.__init__.__globals__}'.format(c) }}", ".format(c)"),
    ("{{ c.sections|map('attr', '__dict__')|list }}", "|map("),
    ("{% set a = c.subject %}{% set b = a.__class__ %}{{ b.__base__ }}", "a.__class__"),
    ("{{ request.META }}", "request.META"),
    ("{{ config }}", "{{ config }}"),
    ("{{ os.popen('id') }}", "os.popen"),
    ("{{ range(999999999)|list }}", "range(999999999)"),
    ("{{ c['__cl' ~ 'ass__'] }}", "c['__cl'"),
    ("{% include 'secret_key' %}", "{% include"),
    ("{% for s in c.sections %}{{ loop.__init__ }}{% endfor %}", "loop.__init__"),
]


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    return tmp_path / "files"


@shared
def demo(cast):
    """The cast with the demo measures (the other office has its 2562 result, so its pack can be made too), loaded
    once for the module (tests/shared.py): each test runs in its own rolled-back savepoint."""
    from prongsai.web.measures.demo import load_measures_demo

    out = io.StringIO()
    assert load_measures_demo(out), out.getvalue()
    return cast


@pytest.fixture
def seed(demo, storage, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a payload that ran would write MARKER here
    return demo


def officer_client(cast) -> Client:
    client = Client()
    client.force_login(cast.officer)
    return client


@pytest.mark.parametrize(("payload", "names"), WEB_PAYLOADS, ids=[p[:40] for p, _ in WEB_PAYLOADS])
def test_the_officer_uploads_a_hostile_template_and_is_refused_by_name(seed, payload, names, tmp_path):
    cast = seed
    response = officer_client(cast).post(
        reverse("documents_template_upload", args=[cast.samutsakhon.code]),
        {"kind": "memo", "file": SimpleUploadedFile("memo.docx", with_paragraph(payload))},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("แม่แบบใช้ {") and names in m and "ที่ไม่อนุญาต" in m for m in shown), shown
    assert "ที่ไม่อนุญาต" in page
    assert not DocumentTemplate.objects.filter(agency=cast.samutsakhon).exists()
    assert not (tmp_path / MARKER).exists()


def test_a_hostile_header_or_title_is_refused_too(seed):
    cast = seed
    for where in ("header", "title"):
        with pytest.raises(Exception) as refused:
            services.upload_template(
                cast.officer, cast.samutsakhon, "memo", "memo.docx", with_part("{{ lipsum.__globals__ }}", where)
            )
        assert "lipsum.__globals__" in " ".join(refused.value.messages)
    assert not DocumentTemplate.objects.filter(agency=cast.samutsakhon).exists()


def test_a_template_with_allowed_jinja_is_accepted_and_used(seed):
    cast = seed
    extra = (
        "{% for s in c.sections %}{{ loop.index }}. {{ s.heading|trim }}{% if not loop.last %}; {% endif %}"
        "{% endfor %} — {{ c.subject|default('-') }}"
    )
    services.upload_template(cast.officer, cast.samutsakhon, "memo", "memo.docx", with_paragraph(extra))
    result = services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    from prongsai.documents.render_docx import docx_text

    text = docx_text(next(d for d in result.documents if d.fmt == "docx").file.open("rb").read())
    assert "1. ๑. เรื่องเดิม; 2. ๒. ข้อเท็จจริง; 3." in text and "{{" not in text


def plant(agency, kind: str, data: bytes) -> DocumentTemplate:
    """A template stored without the upload check (as one stored before the sandbox existed)."""
    template = DocumentTemplate(agency=agency, kind=kind, original_name=f"{kind}.docx", sha256="planted")
    template.file.save(f"{kind}.docx", ContentFile(data), save=False)
    template.save()
    return template


@pytest.mark.parametrize(("payload", "names"), WEB_PAYLOADS, ids=[p[:40] for p, _ in WEB_PAYLOADS])
def test_every_payload_planted_without_the_upload_check_is_refused_at_render(seed, payload, names, tmp_path):
    cast = seed
    plant(cast.samutsakhon, "memo", with_paragraph(payload))
    with pytest.raises(pack.PackError, match="ถูกปฏิเสธ") as refused:
        services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon, kinds=["memo"], with_zip=False)
    assert names in str(refused.value)
    assert not GeneratedDocument.objects.exists()
    assert not (tmp_path / MARKER).exists()


def test_a_planted_template_is_refused_when_the_officer_generates(seed, tmp_path):
    cast = seed
    plant(
        cast.samutsakhon,
        "order",
        with_paragraph("{{ lipsum.__globals__['os'].popen('touch " + MARKER + "') }}", kind="order"),
    )
    with pytest.raises(pack.PackError, match="ถูกปฏิเสธ") as refused:
        services.generate_pack(cast.officer, cast.round_2563, cast.samutsakhon)
    assert "lipsum.__globals__" in str(refused.value)
    response = officer_client(cast).post(
        reverse("documents_generate", args=[cast.samutsakhon.code, cast.round_2563.pk]), follow=True
    )
    assert response.status_code == 200
    assert any("ถูกปฏิเสธ" in str(m) and "lipsum.__globals__" in str(m) for m in response.context["messages"])
    assert not GeneratedDocument.objects.filter(agency=cast.samutsakhon).exists()
    assert not (tmp_path / MARKER).exists()


def test_the_national_batch_renders_nothing_so_a_planted_template_never_runs_in_it(
    seed, tmp_path, django_capture_on_commit_callbacks
):
    """The batch publishes the versions the directors approved (documents/signoff.py): it renders no template,
    and an office with nothing approved fails with the Thai list of what is missing."""
    cast = seed
    plant(
        cast.samutsakhon, "memo", with_paragraph("{{ cycler.__init__.__globals__.os.popen('touch " + MARKER + "') }}")
    )
    agencies = services.batch_agencies(cast.round_2563, ["ESA-SKN", "ESA-OTHER"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(cast.central, cast.round_2563, agencies)
    run_pending_tasks()
    batch = DocumentBatch.objects.get(pk=batch.pk)
    assert (batch.total, batch.done, batch.failed) == (2, 0, 2), batch.errors
    assert all("ยังไม่ได้รับอนุมัติ" in batch.errors[code] for code in ("ESA-SKN", "ESA-OTHER"))
    assert not GeneratedDocument.objects.filter(batch=batch).exists()
    assert batch.finished_at is not None
    assert not (tmp_path / MARKER).exists()
