"""Document templates cannot run code (issue 9 §1, review C1).

A family of server-side template injection payloads (globals, dunder attributes, attribute filters, format-string
tricks, computed keys, statements, resource exhaustion) is refused three ways: by the validator on the Jinja
text, by ``check_docx_template`` on a DOCX whose body, split XML runs, header, footer, footnotes or document
properties carry the payload, and at render time by ``render_docx`` (a template planted without the upload
check).  Independently, the sandbox itself refuses the same operations when the validator is switched off, and
it stops a template that loops or writes too much.  Our own five templates still render, byte for byte as
before the sandbox.
"""

from __future__ import annotations

import io
import os
import re
import zipfile

import jinja2
import pytest
from jinja2.exceptions import SecurityError

from prongsai.core import safefiles
from prongsai.documents import example, render_docx, sandbox
from prongsai.documents.context import DOCUMENTS, pack_context

MARKER = "prongsai-ssti-marker"

#: (payload, text that names the placeholder, a fragment of the Thai reason)
PAYLOADS = [
    ("{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}", "lipsum.__globals__", "ห้ามเรียกฟังก์ชัน"),
    ("{{ lipsum.__globals__.__builtins__ }}", "lipsum.__globals__", "“__builtins__”"),
    ("{{ lipsum }}", "{{ lipsum }}", "ชื่อ “lipsum”"),
    ("{{ cycler.__init__.__globals__.os }}", "cycler.__init__", "“__globals__”"),
    ("{{ joiner }}", "{{ joiner }}", "ชื่อ “joiner”"),
    ("{{ namespace }}", "{{ namespace }}", "ชื่อ “namespace”"),
    ("{% set ns = namespace(x=c) %}{{ ns.x }}", "namespace(x=c)", "ห้ามเรียกฟังก์ชัน"),
    ("{{ range(10**9)|list|length }}", "range(10**9)", "ห้ามเรียกฟังก์ชัน"),
    ("{{ c.__class__.__mro__[1] }}", "c.__class__.__mro__", "“__mro__”"),
    ("{{ c.subject.__class__ }}", "c.subject.__class__", "“__class__”"),
    ("{{ c|attr('__globals__') }}", "|attr(", "“|attr”"),
    ("{{ c|attr('_' ~ '_init_' ~ '_') }}", "|attr(", "“|attr”"),
    ("{{ self._TemplateReference__context }}", "self._TemplateReference__context", "“_TemplateReference__context”"),
    ("{{ self }}", "{{ self }}", "ชื่อ “self”"),
    ("{{ c.__init__ }}", "c.__init__", "“__init__”"),
    ("{{ '{0.__class__}'.format(c) }}", ".format(c)", "ห้ามเรียกฟังก์ชัน"),
    ("{{ c.subject.format_map(c) }}", "format_map", "ห้ามเรียกฟังก์ชัน"),
    ("{{ c|map('attr', '__class__')|list }}", "|map(", "“|map”"),
    ("{{ c.sections|selectattr('__class__')|list }}", "selectattr", "“|selectattr”"),
    ("{% set x = c %}{% set y = x.__class__ %}{% set z = y.__base__ %}{{ z }}", "x.__class__", "“__class__”"),
    ("{% set k = '__cla' ~ 'ss__' %}{{ c[k] }}", "c[k]", "ค่าคงที่"),
    ("{{ c['__' ~ 'class' ~ '__'] }}", "c['__' ~ 'class'", "ค่าคงที่"),
    ("{{ c['_' ~ '_class__'] }}", "c['_'", "ค่าคงที่"),
    ("{{ c[('x_'[1] ~ 'x_'[1] ~ 'class' ~ 'x_'[1] ~ 'x_'[1])] }}", "'x_'[1]", "ค่าคงที่"),
    ("{{ c['__class__'] }}", "c['__class__']", "“__class__”"),
    ("{% for s in c.sections %}{{ loop.__class__ }}{% endfor %}", "loop.__class__", "loop.__class__"),
    ("{{ loop.cycle }}", "{{ loop.cycle }}", "ชื่อ “loop”"),
    ("{{ request.environ }}", "request.environ", "ชื่อ “request”"),
    ("{{ config.SECRET_KEY }}", "config.SECRET_KEY", "ชื่อ “config”"),
    ("{{ os.system('id') }}", "os.system", "ห้ามเรียกฟังก์ชัน"),
    ("{{ settings }}", "{{ settings }}", "ชื่อ “settings”"),
    ("{% import 'os' as os %}", "{% import 'os' as os %}", "{% import %}"),
    ("{% from 'x' import y %}", "{% from 'x' import y %}", "{% from … import %}"),
    ("{% include 'memo.html' %}", "{% include", "{% include %}"),
    ("{% extends 'memo.html' %}", "{% extends", "{% extends %}"),
    ("{% macro m() %}x{% endmacro %}", "{% macro m() %}", "{% macro %}"),
    ("{% call c.subject() %}x{% endcall %}", "{% call", "{% call %}"),
    ("{% block b %}x{% endblock %}", "{% block b %}", "{% block %}"),
    ("{% autoescape false %}{{ c.subject }}{% endautoescape %}", "{% autoescape false %}", "{% autoescape %}"),
    ("{{ 'A' * 1000000000 }}", "'A' * 1000000000", "ตัวดำเนินการ *"),
    ("{{ 9 ** 9 ** 9 }}", "9 ** 9 ** 9", "ตัวดำเนินการ **"),
    ("{{ '%0999999999d' % 1 }}", "'%0999999999d' % 1", "ตัวดำเนินการ %"),
    ("{{ c.subject|replace('', 'AAAAAAAAAAAAAAAA')|replace('', 'AAAAAAAAAAAAAAAA') }}", "|replace(", "“|replace”"),
    ("{{ c.subject|format(c) }}", "|format(c)", "“|format”"),
    ("{{ c.subject|center(999999999) }}", "|center(", "“|center”"),
    ("{{ c.sections|sort(attribute='__class__') }}", "sort(attribute=", "“__class__”"),
    ("{{ c.sections|join(', ', attribute='heading.__class__') }}", "join(', '", "“heading.__class__”"),
    ("{{ c.sections|sort(false, false, '__class__') }}", "sort(false", "“__class__”"),
    ("{{ c.subject|truncate(c.number) }}", "truncate(c.number)", "ต้องเป็นค่าคงที่"),
    ("{{ emblem.tpl }}", "emblem.tpl", "รูปภาพ"),
    ("{{ emblem['image_descriptor'] }}", "emblem['image_descriptor']", "รูปภาพ"),
    ("{{ c.subject.mro }}", "c.subject.mro", "“mro”"),
    ("{{ c.subject is callable }}", "is callable", "“is callable”"),
    ("{% set lipsum = c %}{{ lipsum }}", "{% set lipsum = c %}", "ห้ามตั้งชื่อตัวแปรว่า “lipsum”"),
    ("{% for s in c.sections recursive %}{{ loop(s.paragraphs) }}{% endfor %}", "recursive", "recursive"),
    (
        (
            "{% for a in c.sections %}{% for b in c.sections %}{% for d in c.sections %}{% for e in c.sections %}"
            "{% for f in c.sections %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
        ),
        "{% for",
        "ไม่เกิน 4 ชั้น",
    ),
]


@pytest.fixture(scope="module")
def contexts():
    return pack_context(example.seed_pack())


def _template(kind: str = "memo") -> bytes:
    return render_docx.template_path(kind).read_bytes()


def _rewrite(data: bytes, changes: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a DOCX package with some members replaced (``changes``) or added (``extra``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, changes.get(info.filename, source.read(info.filename)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def with_paragraph(payload: str, kind: str = "memo", split: bool = False) -> bytes:
    """Our template with one more paragraph holding ``payload``; ``split`` cuts it into three XML runs, as Word
    does when formatting changes inside a word (docxtpl joins them before compiling)."""
    data = _template(kind)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    if split:
        third = max(1, len(payload) // 3)
        pieces = [payload[:third], payload[third : 2 * third], payload[2 * third :]]
        runs = "".join(
            f'<w:r><w:rPr>{"<w:b/>" if i == 1 else ""}</w:rPr><w:t xml:space="preserve">{_escape(p)}</w:t></w:r>'
            for i, p in enumerate(pieces)
        )
    else:
        runs = f'<w:r><w:t xml:space="preserve">{_escape(payload)}</w:t></w:r>'
    at = xml.rindex("<w:sectPr")
    xml = xml[:at] + f"<w:p>{runs}</w:p>" + xml[at:]
    return _rewrite(data, {"word/document.xml": xml.encode("utf-8")})


def with_part(payload: str, where: str) -> bytes:
    """Our memo template with ``payload`` in its header, footer, title property or a footnotes part."""
    import docx

    document = docx.Document(io.BytesIO(_template("memo")))
    if where == "header":
        document.sections[0].header.add_paragraph(payload)
    elif where == "footer":
        document.sections[0].footer.add_paragraph(payload)
    elif where == "title":
        document.core_properties.title = payload
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if where != "footnotes":
        return data
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{_escape(payload)}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFoot1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        "</Relationships>",
    )
    return _rewrite(
        data,
        {"[Content_Types].xml": types.encode(), "word/_rels/document.xml.rels": rels.encode()},
        {"word/footnotes.xml": footnotes},
    )


# ------------------------------------------------------------------------------------------- the validator


def test_the_payload_family_is_large():
    assert len(PAYLOADS) >= 15 and len({p for p, _, _ in PAYLOADS}) == len(PAYLOADS)


@pytest.mark.parametrize(("payload", "names", "reason"), PAYLOADS, ids=[p[:40] for p, _, _ in PAYLOADS])
def test_validator_refuses_and_names_the_placeholder(payload, names, reason):
    problems = sandbox.validate(payload)
    assert problems, payload
    messages = [p.thai() for p in problems]
    assert any(m.startswith("แม่แบบใช้ {") and names in m and reason in m for m in messages), messages


@pytest.mark.parametrize(("payload", "names", "reason"), PAYLOADS, ids=[p[:40] for p, _, _ in PAYLOADS])
def test_a_docx_carrying_the_payload_is_refused_at_upload_and_at_render(
    payload, names, reason, contexts, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a payload that ran would leave MARKER here
    payload = payload.replace("MARKER", MARKER)
    data = with_paragraph(payload)
    with pytest.raises(sandbox.UnsafeTemplate) as refused:
        sandbox.check_docx_template(data)
    assert any(names in p.thai() and reason in p.thai() for p in refused.value.problems), refused.value.thai()
    path = tmp_path / "planted.docx"
    path.write_bytes(data)
    with pytest.raises(sandbox.UnsafeTemplate) as at_render:
        render_docx.render_docx("memo", contexts["memo"], template=path)
    assert any(names in p.thai() for p in at_render.value.problems)
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize(
    "payload", ["{{ lipsum.__globals__ }}", "{{ c.__class__ }}", "{{ c|attr('__dict__') }}", "{% import 'os' as os %}"]
)
def test_a_payload_split_across_xml_runs_is_still_refused(payload):
    data = with_paragraph(payload, split=True)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert payload not in package.read("word/document.xml").decode()  # really split by XML tags
    with pytest.raises(sandbox.UnsafeTemplate):
        sandbox.check_docx_template(data)


@pytest.mark.parametrize("where", ["header", "footer", "title", "footnotes"])
def test_every_part_docxtpl_compiles_is_checked(where, contexts, tmp_path):
    data = with_part("{{ cycler.__init__.__globals__ }}", where)
    with pytest.raises(sandbox.UnsafeTemplate, match="__globals__"):
        sandbox.check_docx_template(data)
    path = tmp_path / "planted.docx"
    path.write_bytes(data)
    with pytest.raises(sandbox.UnsafeTemplate):
        render_docx.render_docx("memo", contexts["memo"], template=path)


def test_the_upload_check_sees_exactly_what_docxtpl_compiles(contexts, monkeypatch, tmp_path):
    """docx_sources mirrors DocxTemplate.render: compare with the texts the sandbox is asked to compile."""
    compiled: list[str] = []

    class Recording(sandbox.SandboxEnvironment):
        def _parse(self, source, name, filename):
            compiled.append(source)
            return super()._parse(source, name, filename)

    monkeypatch.setattr("prongsai.documents.sandbox.docx.environment", Recording)  # what render() calls
    from docxtpl import DocxTemplate

    for kind in DOCUMENTS:
        data = with_part("{{ c.subject }}", "footnotes") if kind == "memo" else _template(kind)
        compiled.clear()
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(data)
        render_docx.render_docx(kind, contexts[kind], template=path)
        expected = [text for _, text in sandbox.docx_sources(DocxTemplate(io.BytesIO(data)))]
        assert sorted(set(compiled)) == sorted(set(expected)), kind


def test_unclosed_tags_are_refused_before_docxtpl_scans_them():
    """docxtpl's clean-up is quadratic in unclosed tags: counted first, in linear time."""
    xml = "<w:body>" + "<w:p><w:r><w:t>{{ c</w:t></w:r></w:p>" * 30_000 + "</w:body>"
    tags, cost = sandbox.tag_scan_cost(xml)
    assert tags == 30_000 and cost > sandbox.MAX_TAG_SCAN
    data = _template("memo")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        document = package.read("word/document.xml").decode()
    at = document.rindex("<w:sectPr")
    # random words keep the package from compressing like a zip bomb (that is refused by another rule)
    filler = "".join(f"<w:p><w:r><w:t>{{{{ c {os.urandom(12).hex()}</w:t></w:r></w:p>" for _ in range(30_000))
    bomb = document[:at] + filler + document[at:]
    with pytest.raises(sandbox.UnsafeTemplate, match="not closed"):
        sandbox.check_docx_template(_rewrite(data, {"word/document.xml": bomb.encode()}))


@pytest.mark.parametrize(
    ("inflated", "code"), [(40 * safefiles.MiB, "zip_entry_size"), (10 * safefiles.MiB, "zip_ratio")]
)
def test_a_template_package_beyond_the_limits_is_refused_before_python_docx_reads_it(inflated, code):
    data = _rewrite(_template("memo"), {}, {"word/media/huge.xml": b"<a/>" + b" " * inflated})
    with pytest.raises(safefiles.FileTooComplex) as refused:
        sandbox.check_docx_template(data)
    assert refused.value.code == code and refused.value.th.startswith("ไฟล์ซับซ้อนเกินไป")


# -------------------------------------------------------------------------------------------- the sandbox


class _Unvalidated(sandbox.SandboxEnvironment):
    """The sandbox with the validator switched off: the second wall alone."""

    def _parse(self, source, name, filename):
        return jinja2.Environment._parse(self, source, name, filename)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ lipsum.__globals__ }}",
        "{{ range(3)|list }}",
        "{{ lipsum() }}",
        "{{ c.__class__ }}",
        "{{ c.subject.__class__.__mro__ }}",
        "{{ '{0.__class__}'.format(c) }}",
        "{{ c.items() }}",
        "{{ c.subject.upper() }}",
        "{{ c['__class__'] }}",
        "{{ 'a' * 10 }}",
        "{{ 2 ** 8 }}",
        "{{ '%s' % 1 }}",
        "{{ c.subject.mro }}",
        "{{ self._TemplateReference__context }}",
        "{% for x in c.rows %}{{ loop.__class__ }}{% endfor %}",
    ],
)
def test_the_sandbox_alone_refuses_what_the_validator_refuses(payload):
    template = _Unvalidated().from_string(payload)
    with pytest.raises(SecurityError, match="not allowed|may not be called"):
        template.render(c={"subject": "เรื่อง", "items": [1], "rows": [1]})


def test_the_sandbox_alone_knows_no_global_and_no_unsafe_filter():
    assert _Unvalidated().from_string("{{ cycler }}{{ joiner }}{{ namespace }}{{ lipsum }}").render() == ""
    for payload in ("{{ c|attr('__class__') }}", "{{ c|map('upper') }}", "{{ c|format(1) }}"):
        with pytest.raises(jinja2.TemplateAssertionError, match="No filter named"):
            _Unvalidated().from_string(payload)


def test_the_sandbox_has_no_globals_and_only_the_allowed_filters_and_tests():
    env = sandbox.environment()
    assert dict(env.globals) == {}
    assert set(env.filters) == sandbox.ALLOWED_FILTERS | {sandbox.BUDGET_FILTER}
    assert set(env.tests) <= sandbox.ALLOWED_TESTS
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    assert tuple(int(x) for x in jinja2.__version__.split(".")[:3]) >= (3, 1, 6)


def test_a_template_that_loops_too_much_stops():
    env = sandbox.environment()
    template = env.from_string(
        "{% for a in c.rows %}{% for b in c.rows %}{% for d in c.rows %}{% endfor %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(sandbox.TemplateBudgetExceeded, match="operations"):
        template.render(c={"rows": list(range(200))})  # 8 million iterations


def test_a_template_that_writes_too_much_stops():
    env = sandbox.environment()
    template = env.from_string("{% for a in c.rows %}{% for b in c.rows %}{{ c.text }}{% endfor %}{% endfor %}")
    with pytest.raises(sandbox.TemplateBudgetExceeded, match="characters"):
        template.render(c={"rows": list(range(300)), "text": "ก" * 1000})  # 90 million characters


def test_allowed_constructs_render():
    env = sandbox.environment()
    template = env.from_string(
        "{% for r in c.rows %}{{ loop.index }}.{{ r.name|upper }}{{ loop.cycle('a', 'b') }}"
        "{% if not loop.last %}, {% endif %}{% endfor %}|{{ c.rows|length }}|{{ c.missing|default('-') }}"
        "|{% set t = c.total %}{{ t|round(1) }}|{{ c.rows[0]['name'] }}|{{ c.names[1:]|join('/') }}"
        "|{{ c.total is number }}|{{ c.text|e }}"
    )
    out = template.render(
        c={"rows": [{"name": "x"}, {"name": "y"}], "total": 91.249, "names": ["a", "b", "c"], "text": "<w:t>"}
    )
    assert out == "1.Xa, 2.Yb|2|-|91.2|x|b/c|True|&lt;w:t&gt;"


def test_our_templates_pass_and_render_as_before_the_sandbox(contexts):
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from prongsai.documents import charts
    from prongsai.documents.render_pdf import emblem_path

    for kind in DOCUMENTS:
        sandbox.check_docx_template(render_docx.template_path(kind))
        ours = render_docx.render_docx(kind, contexts[kind])
        plain = DocxTemplate(str(render_docx.template_path(kind)))
        values = {"c": render_docx.breakable(contexts[kind]), "emblem": ""}  # the same words bound as ours
        if kind in render_docx.EMBLEM_HEIGHT_MM:
            values["emblem"] = InlineImage(plain, str(emblem_path(None)), height=Mm(render_docx.EMBLEM_HEIGHT_MM[kind]))
        if kind == "analysis":
            chart = charts.png(contexts[kind]["chart"], render_docx.CHART_FONT)
            values["chart"] = InlineImage(plain, io.BytesIO(chart), width=Mm(160))
        plain.render(values, autoescape=True)
        buffer = io.BytesIO()
        plain.save(buffer)
        body = [zipfile.ZipFile(io.BytesIO(d)).read("word/document.xml") for d in (ours, buffer.getvalue())]
        assert body[0] == body[1], kind
        assert re.search(r"\{\{|\{%", render_docx.docx_text(ours)) is None


def test_data_that_looks_like_jinja_stays_text(contexts):
    context = dict(contexts["memo"])
    context["subject"] = "{{ lipsum.__globals__ }} {% import 'os' as os %}"
    text = render_docx.docx_text(render_docx.render_docx("memo", context))
    assert "{{ lipsum.__globals__ }} {% import 'os' as os %}" in text
