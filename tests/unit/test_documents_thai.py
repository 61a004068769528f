"""Documents an officer signs without retyping (issue 12): Thai line breaks, a text layer every reader gets right,
the O43 report written as the seed's, and a DOCX that keeps its layout in LibreOffice.

Two packs are rendered once per module: the seed's (สพป.สมุทรสาคร) and a second agency with long names (a สพม.
of two provinces, long unit names, people with long surnames and a title "ว่าที่ร้อยตรี").  PDF text comes from
poppler, MuPDF, pdfminer.six and pypdf; the DOCX is converted by LibreOffice.  Without poppler or LibreOffice
the tests that need them skip, except under PRONGSAI_CI=1, where they fail.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from prongsai.documents import DOCUMENTS, pack_file_name, render_pack
from prongsai.documents.context import (
    AgencyInfo,
    CommitteeMember,
    MeasureAction,
    Person,
    ProgressReport,
    implementation_report_context,
    pack_context,
)
from prongsai.documents.example import AGENCY, COMMITTEE, MEASURES, seed_pack
from prongsai.documents.pdf_thai import continuation
from prongsai.documents.render_pdf import render_html
from prongsai.documents.thaibreak import WORD_JOINER, ZWSP, Lexicon, lexicon_of, strip_invisible
from tests.docs_check import (
    DECORATION,
    READERS,
    docx_to_pdfs,
    html_blocks,
    page_count,
    pdf_lines,
    require,
    split_words,
    squash,
    unsegmented_breaks,
    without_decoration,
)

LONG_AGENCY = AgencyInfo(
    name_th="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาพระนครศรีอยุธยา อ่างทอง",
    short_name="สพม.พระนครศรีอยุธยา อ่างทอง",
    unit="กลุ่มส่งเสริมการจัดการศึกษาและพัฒนาระบบการประกันคุณภาพการศึกษา",
    phone="๐ ๓๕๒๔ ๑๐๐๐",
    doc_prefix="ศธ ๐๔๒๔๓/",
    website="www.secondaryayutthaya.go.th",
    parent_name="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
    parent_short="สพฐ.",
    kind_th="สำนักงานเขตพื้นที่การศึกษา",
)
LONG_UNITS = (
    "กลุ่มส่งเสริมการจัดการศึกษาและพัฒนาระบบการประกันคุณภาพการศึกษา",
    "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษาขั้นพื้นฐานและการศึกษาพิเศษ",
    "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
)
LONG_SIGNER = Person(
    "ว่าที่ร้อยตรีประพันธ์ศักดิ์ เกียรติวงศ์ไพบูลย์",
    "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาพระนครศรีอยุธยา อ่างทอง รักษาราชการแทน "
    "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาพระนครศรีอยุธยา อ่างทอง",
)
LONG_PEOPLE = (
    Person("นางสาวกัลยาณีรัตน์ ศรีสุวรรณวิเชียรโชติ", "นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ"),
    Person("นายธนพัฒน์ภูมินทร์ จันทร์ประเสริฐสุขสันต์", "ศึกษานิเทศก์ชำนาญการพิเศษ"),
)


def long_names_pack():
    """The seed's facts, told by an agency whose names fill whole lines."""
    committee = [
        CommitteeMember(m.role, title=m.title.replace(AGENCY.name_th, LONG_AGENCY.name_th))
        if m.person is None
        else CommitteeMember(m.role, person=LONG_PEOPLE[0])
        for m in COMMITTEE
    ]
    committee.insert(3, CommitteeMember("กรรมการ", person=LONG_PEOPLE[1]))
    measures = [
        replace(
            m,
            units=tuple(LONG_UNITS[i % 3] for i, _ in enumerate(m.units)),
            actions=tuple(
                MeasureAction(a.text, (LONG_UNITS[k % 3],) if a.units else ()) for k, a in enumerate(m.action_list)
            ),
        )
        for m in MEASURES
    ]
    progress = [
        ProgressReport(
            m.id,
            months,
            unit=LONG_UNITS[n % 3],
            text=f"ดำเนินการตามมาตรการ{m.area}ร่วมกับสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาพระนครศรีอยุธยา "
            f"อ่างทอง และสถานศึกษาในสังกัด ครบทุกกิจกรรมตามแผน",
            links=("https://www.secondaryayutthaya.go.th/ita/o43",),
        )
        for n, m in enumerate(MEASURES)
        for months in (6, 12)
    ]
    return seed_pack(
        agency=LONG_AGENCY,
        signer=LONG_SIGNER,
        memo_author=LONG_PEOPLE[0],
        memo_reviewers=(LONG_PEOPLE[1],),
        reporter=LONG_PEOPLE[0],
        committee=committee,
        measures=measures,
        progress=progress,
        units=LONG_UNITS,
    )


@pytest.fixture(scope="module", params=["seed", "long-names"])
def rendered(request, tmp_path_factory):
    pack = seed_pack() if request.param == "seed" else long_names_pack()
    contexts = pack_context(pack)
    out = tmp_path_factory.mktemp(request.param)
    render_pack(contexts, out)
    return request.param, contexts, out


@pytest.fixture(scope="module")
def libreoffice_pdfs(rendered, tmp_path_factory) -> dict[str, Path]:
    """Each DOCX of ``rendered`` converted to PDF by LibreOffice, by kind: one LibreOffice start per pack for the
    module's tests that read what LibreOffice prints."""
    name, _, out = rendered
    require("soffice", "libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp(f"libreoffice-{name}")
    return dict(zip(DOCUMENTS, docx_to_pdfs([out / pack_file_name(kind, "docx") for kind in DOCUMENTS], folder)))


# ------------------------------------------------------------------------------------------- segmentation


def test_the_segmenter_keeps_terms_names_and_abbreviations_whole():
    lexicon = Lexicon.from_names(agency=AGENCY.name_th, short_name=AGENCY.short_name, people=["นายพิศุทธิ์ พงศ์ศรีนิธิศ"])
    text = (
        "ตัวชี้วัดของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร ประจำปีงบประมาณ พ.ศ. ๒๕๖๒ "
        "ของ สพป.สมุทรสาคร ลงนามโดยนายพิศุทธิ์ พงศ์ศรีนิธิศ รักษาราชการแทน (Anti-Corruption Education)"
    )
    tokens = lexicon.tokens(text)
    assert "".join(tokens) == text
    for word in (
        "ตัวชี้วัด",
        "ประถมศึกษา",
        "สมุทรสาคร",
        "พ.ศ. ๒๕๖๒",
        "สพป.สมุทรสาคร",
        "นายพิศุทธิ์",
        "พงศ์ศรีนิธิศ",
        "รักษาราชการแทน",
        "Anti-Corruption",
    ):
        assert word in tokens, (word, tokens)
    # a line may end only between two words: never inside one
    for start, end in lexicon.word_spans(text):
        assert not any(start < offset < end for offset in lexicon.break_offsets(text))


def test_names_from_the_data_join_the_dictionary():
    lexicon = Lexicon.from_names(
        agency=LONG_AGENCY.name_th,
        short_name=LONG_AGENCY.short_name,
        people=[p.name for p in LONG_PEOPLE] + [LONG_SIGNER.name],
    )
    assert {"นางสาวกัลยาณีรัตน์", "ศรีสุวรรณวิเชียรโชติ", "เกียรติวงศ์ไพบูลย์", "จันทร์ประเสริฐสุขสันต์"} <= lexicon.words
    assert "ว่าที่ร้อยตรีประพันธ์ศักดิ์" in lexicon.words  # the title stays with the given name
    text = "คำสั่งของนายธนพัฒน์ภูมินทร์ จันทร์ประเสริฐสุขสันต์"
    assert "จันทร์ประเสริฐสุขสันต์" in lexicon.tokens(text)


def test_the_word_index_answers_newmm_as_pythainlps_trie_does():
    """The pack's dictionary is a set with lengths, not PyThaiNLP's Trie (built in a tenth of the time): for every
    position of the documents' text it must give the same words, and newmm the same segmentation."""
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import Trie

    from prongsai.documents.thaibreak import _base_words, official_terms, word_index

    words = set(_base_words()) | official_terms() | {" padded ", ""}
    trie, index = Trie(words), word_index(words)
    assert set(index) == set(trie) - {""} and "padded" in index and "" not in index  # stripped as Trie.add does
    contexts = pack_context(long_names_pack())
    texts = [re.sub(r"<[^>]+>", " ", render_html(kind, contexts[kind])) for kind in DOCUMENTS]
    text = " ".join(" ".join(texts).split())
    assert len(text) > 5000
    assert all(index.prefixes(text, i) == trie.prefixes(text, i) for i in range(len(text)))
    for paragraph in text.split(" "):
        assert word_tokenize(paragraph, custom_dict=index, engine="newmm", keep_whitespace=True) == word_tokenize(
            paragraph, custom_dict=trie, engine="newmm", keep_whitespace=True
        )
    with pytest.raises(TypeError):
        index.add("คำใหม่")


def test_docx_text_carries_the_same_breaks_invisibly():
    lexicon = lexicon_of(pack_context(seed_pack())["memo"]["words"])
    text = "ตัวชี้วัดการป้องกันการทุจริต ของ สพป.สมุทรสาคร ได้ร้อยละ ๘๓.๐๔ น้ำ ทำ"
    marked = lexicon.for_docx(text)
    assert strip_invisible(marked) == text
    # a joiner never separates a letter from its marks (ต|ั|ว would break the shaping)
    assert not re.search(f"{WORD_JOINER}[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]", marked)
    # words are separated by zero-width spaces (or spaces), their letters joined: "ตัวชี้วัด" is one piece
    pieces = [strip_invisible(piece) for chunk in marked.split(" ") for piece in chunk.split(ZWSP)]
    assert "ตัวชี้วัด" in pieces and "สพป.สมุทรสาคร" in pieces and "๘๓.๐๔" in pieces
    assert f"ต{WORD_JOINER}ั" not in marked


# ------------------------------------------------------------------------------------------ line breaks


def test_no_pdf_line_ends_inside_a_word(rendered):
    name, contexts, out = rendered
    lexicon = lexicon_of(contexts["memo"]["words"])
    for kind in DOCUMENTS:
        lines = pdf_lines(out / pack_file_name(kind, "pdf"))
        assert len(lines) > 10
        assert split_words(lines, lexicon) == [], (name, kind)
        assert unsegmented_breaks(lines, lexicon) == [], (name, kind)


def test_no_docx_line_ends_inside_a_word_in_libreoffice(rendered, libreoffice_pdfs):
    name, contexts, out = rendered
    lexicon = lexicon_of(contexts["memo"]["words"])
    for kind, converted in libreoffice_pdfs.items():
        lines = pdf_lines(converted)
        assert split_words(lines, lexicon) == [], (name, kind)
        # the DOCX keeps the PDF's layout: same number of pages with the embedded fonts
        assert page_count(converted) == page_count(out / pack_file_name(kind, "pdf")), (name, kind)


# ------------------------------------------------------------------------------------------- text layer

MARKS = set("\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d")


def thai_profile(text: str) -> tuple[Counter, Counter]:
    """The Thai characters of a text, and each mark with the character before it (order of marks)."""
    flat = squash(text)
    letters = Counter(ch for ch in flat if "\u0e01" <= ch <= "\u0e5b")
    pairs = Counter(flat[i - 1 : i + 1] for i, ch in enumerate(flat) if ch in MARKS and i)
    return letters, pairs


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_reads_the_intended_thai(rendered, reader):
    """poppler, MuPDF, pdfminer.six and pypdf: no character lost or doubled, every mark after its letter, SARA AM
    whole, the agency's name spelled exactly (table cells may come in another order: that is layout)."""
    name, contexts, out = rendered
    agency = squash(contexts["order"]["heading"].removeprefix("คำสั่ง"))
    for kind in DOCUMENTS:
        pdf = out / pack_file_name(kind, "pdf")
        # what the reader should find: the document's text, and the page numbers and continuation words as
        # printed (MuPDF's lines, which keep them apart; readers may join them to a line of text)
        printed_extras = [line for line in pdf_lines(pdf) if DECORATION.match(line)]
        intended = " ".join(html_blocks(render_html(kind, contexts[kind])) + printed_extras)
        got = READERS[reader](pdf)
        want_letters, want_pairs = thai_profile(intended)
        got_letters, got_pairs = thai_profile(got)
        assert got_letters == want_letters, (name, kind, (got_letters - want_letters), (want_letters - got_letters))
        assert got_pairs == want_pairs, (name, kind, (got_pairs - want_pairs), (want_pairs - got_pairs))
        if kind not in ("order", "analysis"):  # (in tables a wrapped cell is read interleaved with its row)
            assert squash(got).count(agency) == squash(intended).count(agency), (name, kind)
        assert "ำ" in got and "สานักงาน" not in squash(got) and "\u0e4d\u0e32" not in got


def test_poppler_reads_every_paragraph_whole(rendered):
    """Outside tables, pdftotext gives each paragraph's text exactly, in order."""
    name, contexts, out = rendered
    for kind in ("memo", "announcement", "implementation"):
        text = squash(without_decoration(READERS["poppler"](out / pack_file_name(kind, "pdf"))))
        position = -1
        for block in html_blocks(render_html(kind, contexts[kind])):
            found = text.find(squash(block), position + 1)
            assert found >= 0, (name, kind, block)
            position = found


# --------------------------------------------------------------------------------------- the regulation


def test_continuation_words_at_each_page_foot(rendered):
    name, _, out = rendered
    import pymupdf

    for kind in DOCUMENTS:
        with pymupdf.open(str(out / pack_file_name(kind, "pdf"))) as document:
            feet = []
            for page in document:
                bottom = [line for line in page.get_text().splitlines() if line.strip()]
                feet.append(bottom[-1] if bottom else "")
            for number, (foot, _page) in enumerate(zip(feet, document)):
                if number == len(feet) - 1:
                    assert not re.match(r"^/.*\.\.\.$", foot.strip()), (name, kind)
                    continue
                assert re.match(r"^/.+\.\.\.$", foot.strip()), (name, kind, number, foot)
                # the words are those that open the next page
                words = foot.strip()[1:-3].split()
                following = squash(without_decoration(document[number + 1].get_text()))
                assert following.startswith(squash("".join(words))), (name, kind, foot)


def test_the_seed_fits_the_seed_pages():
    """Memo and announcement 2 pages each, as the seed; the order 2."""
    contexts = pack_context(seed_pack())
    import pymupdf

    from prongsai.documents.render_pdf import render_pdf

    for kind, pages in (("memo", 2), ("order", 2), ("announcement", 2)):
        with pymupdf.open(stream=render_pdf(kind, contexts[kind]), filetype="pdf") as document:
            assert document.page_count == pages, kind


def test_announcement_is_one_size_without_label_lines(rendered):
    _, _, out = rendered
    import pymupdf

    with pymupdf.open(str(out / pack_file_name("announcement", "pdf"))) as document:
        sizes = {
            round(span["size"])
            for page in document
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
            for span in line["spans"]
            if span["text"].strip()
        }
        text = "".join(page.get_text() for page in document)
    assert sizes == {16}, sizes
    assert "สอดคล้องกับผลการวิเคราะห์:" not in text and "ระยะเวลาดำเนินการ" not in text


def test_signer_position_in_two_lines_with_the_name_whole(rendered):
    name, contexts, out = rendered
    agency = contexts["order"]["heading"].removeprefix("คำสั่ง")
    for kind in ("order", "announcement"):
        signature = contexts[kind]["signature"]
        assert len(signature["lines"]) <= 2, signature
        assert any(line.endswith(agency) for line in signature["lines"]), signature
        # printed: each line of the position on one line of the PDF
        lines = pdf_lines(out / pack_file_name(kind, "pdf"))
        for line in signature["lines"]:
            assert any(squash(line) == squash(printed) for printed in lines), (name, kind, line)


def test_memo_has_both_signatures_and_no_rule(rendered):
    _, contexts, out = rendered
    memo = contexts["memo"]
    assert memo["signature"] and memo["reviewers"], "the preparer's and the author's signatures"
    html = render_html("memo", memo)
    assert 'class="rule"' not in html and "border-top" not in html
    from docx import Document

    document = Document(str(out / pack_file_name("memo", "docx")))
    assert "w:pBdr" not in document.element.body.xml  # no solid line under the header in the DOCX either


# ------------------------------------------------------------------------------------------------- O43


def test_o43_is_one_numbered_list_per_measure_written_in_sentences():
    pack = seed_pack()
    from prongsai.documents import example

    reports = (
        [
            ProgressReport(
                "disclosure",
                6,
                unit=unit,
                links=("https://www.skn.go.th",),
                text=f"จัดทำข้อมูลพื้นฐานของหน่วยงานเผยแพร่บนเว็บไซต์ ให้สาธารณชนรับทราบ: ({n}) {topic}",
            )
            for unit, n, topic in (
                (example.UNITS["admin"], 1, "ข้อมูลพื้นฐาน"),
                (example.UNITS["policy"], 2, "การบริหารงาน"),
                (example.UNITS["personnel"], 5, "การส่งเสริมความโปร่งใส"),
                (example.UNITS["teacher_dev"], 4, "การบริหารและพัฒนาทรัพยากรบุคคล"),
            )
        ]
        + [
            ProgressReport(
                "disclosure", 12, unit=unit, links=("https://www.skn.go.th/",), text="ปรับปรุงข้อมูลบนเว็บไซต์ให้เป็นปัจจุบัน"
            )
            for unit in (example.UNITS["admin"], example.UNITS["policy"])
        ]
        + [
            ProgressReport(
                "prevention",
                6,
                unit=example.UNITS["promotion"],
                links=("https://www.skn.go.th/o36",),
                text="1.1 ประกาศเจตจำนงสุจริต\n1.2 จัดทำนโยบาย\n- จัดทำมาตรการ\n(1) กิจกรรม ก\n(2) กิจกรรม ข",
            ),
            ProgressReport("prevention", 12, unit=example.UNITS["promotion"], text="1.3 กิจกรรมโรงเรียนสุจริต"),
        ]
    )
    context = implementation_report_context(pack.agency, year=2563, measures=MEASURES[:2], progress=reports)
    prevention, disclosure = context["areas"]
    texts = [line["text"] for line in prevention["lines"]]
    assert [t for t in texts if re.match(r"^๑\.[๐-๙]+ ", t)] == [
        "๑.๑ ประกาศเจตจำนงสุจริต",
        "๑.๒ จัดทำนโยบาย",
        "๑.๓ กิจกรรมโรงเรียนสุจริต",
    ]  # numbered across periods
    assert texts[texts.index("๑.๒ จัดทำนโยบาย") + 1 : texts.index("๑.๒ จัดทำนโยบาย") + 4] == [
        "(๑) กิจกรรม ก",
        "(๒) กิจกรรม ข",
        "- จัดทำมาตรการ",
    ]
    assert texts[0] == "รอบ ๖ เดือน (๑ ตุลาคม ๒๕๖๒ - ๓๑ มีนาคม ๒๕๖๓) กลุ่มส่งเสริมการจัดการศึกษา ได้ดำเนินการ ดังนี้"
    lines = [line["text"] for line in disclosure["lines"]]
    # four units' near-identical lines: one item, its parts in number order, each with the unit that did it
    assert lines[1] == "๒.๑ จัดทำข้อมูลพื้นฐานของหน่วยงานเผยแพร่บนเว็บไซต์ ให้สาธารณชนรับทราบ ดังนี้"
    assert lines[2:6] == [
        "(๑) ข้อมูลพื้นฐาน (กลุ่มอำนวยการ)",
        "(๒) การบริหารงาน (กลุ่มนโยบายและแผน)",
        "(๓) การบริหารและพัฒนาทรัพยากรบุคคล (กลุ่มพัฒนาครูและบุคลากรทางการศึกษา)",
        "(๔) การส่งเสริมความโปร่งใส (กลุ่มบริหารงานบุคคล)",
    ]
    # the same sentence from two units: printed once, the units named once in the period's sentence
    assert sum("ปรับปรุงข้อมูลบนเว็บไซต์ให้เป็นปัจจุบัน" in t for t in lines) == 1
    assert "กลุ่มอำนวยการ และกลุ่มนโยบายและแผน ได้ดำเนินการ ดังนี้" in lines[-2]
    # every link once, short, labelled
    assert disclosure["evidence"] == "หลักฐานการดำเนินการ: www.skn.go.th"
    assert prevention["evidence"] == "หลักฐานการดำเนินการ: www.skn.go.th/o36"
    all_lines = [line["text"] for area in context["areas"] for line in area["lines"]]
    assert len(all_lines) == len(set(all_lines))


def test_o43_headings_stay_with_what_follows(rendered):
    name, contexts, out = rendered
    import pymupdf

    headings = [area["heading"] for area in contexts["implementation"]["areas"]]
    leads = [
        line["text"] for area in contexts["implementation"]["areas"] for line in area["lines"] if line["kind"] == "lead"
    ]
    with pymupdf.open(str(out / pack_file_name("implementation", "pdf"))) as document:
        for page in document:
            text = [
                line
                for line in page.get_text().splitlines()
                if line.strip() and not re.match(r"^\s*(?:-\s*[๐-๙]+\s*-|/.*\.\.\.)\s*$", line)
            ]
            last = squash(text[-1]) if text else ""
            assert not any(last == squash(h) for h in headings), (name, page.number, last)
            assert not any(squash(lead).startswith(last) and last for lead in leads), (name, page.number, last)


# ------------------------------------------------------------------------------------------------- DOCX


def test_docx_layout_holds_in_word_and_libreoffice(rendered):
    _, _, out = rendered
    from docx import Document
    from docx.oxml.ns import qn

    memo = Document(str(out / pack_file_name("memo", "docx")))
    date_line = next(p for p in memo.paragraphs if "วันที่" in p.text and "ที่" in p.text[:3])
    stops = date_line._p.findall(".//" + qn("w:tab"))
    first = stops[0]
    assert first.get(qn("w:val")) == "left" and first.get(qn("w:leader")) == "dot"
    assert int(first.get(qn("w:pos"))) == round(8.0 / 2.54 * 1440)

    order = Document(str(out / pack_file_name("order", "docx")))
    number_column = int(order.tables[0]._tbl.find(qn("w:tblGrid"))[0].get(qn("w:w")))
    assert number_column / 1440 * 2.54 >= 1.2  # "๑๐." needs 0.6 cm plus the cell's margins
    for kind in DOCUMENTS:
        document = Document(str(out / pack_file_name(kind, "docx")))
        for table in document.tables:
            for row in table.rows:
                assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None, kind
        with zipfile.ZipFile(out / pack_file_name(kind, "docx")) as package:
            fonts = package.read("word/fontTable.xml").decode()
            names = package.namelist()
            settings = package.read("word/settings.xml").decode()
        entry = re.search(r'<w:font w:name="TH Sarabun New">(.*?)</w:font>', fonts, re.DOTALL).group(1)
        assert 'w:altName w:val="TH SarabunIT๙,TH SarabunPSK"' in entry
        assert "w:embedRegular" in entry and "w:embedBold" in entry
        assert "<w:embedTrueTypeFonts/>" in settings and sum(n.startswith("word/fonts/") for n in names) == 3
        header = document.sections[0].header._element.xml
        assert " PAGE " in header and "ThaiArabic" not in header and "Prongsai Thai Digits" in header


def test_embedded_font_is_the_pdf_font_obfuscated_as_the_format_says():
    from prongsai.documents.docx_fonts import KEYS, obfuscate
    from prongsai.documents.fontbuild import pdf_font_path

    data = pdf_font_path("Regular").read_bytes()
    hidden = obfuscate(data, KEYS["regular"])
    assert hidden[32:] == data[32:] and hidden[:32] != data[:32]
    assert obfuscate(hidden, KEYS["regular"]) == data


def test_libreoffice_prints_thai_page_numbers(libreoffice_pdfs):
    converted = libreoffice_pdfs["memo"]
    import pymupdf

    with pymupdf.open(str(converted)) as document:
        fonts = {font[3] for page in document for font in page.get_fonts()}
    assert any("ProngsaiThaiDigits" in f for f in fonts), fonts  # "2" drawn with the Thai-digit glyphs


def test_continuation_words_rule():
    assert continuation("๕. ข้อเสนอ") == "/๕. ข้อเสนอ..."
    assert continuation("๓. ด้านการปรับปรุงระบบการทำงาน") == "/๓. ด้านการปรับปรุง..."
    assert continuation("๖ เดือน และ ๑๒ เดือน เพื่อรวบรวม") == "/๖ เดือน และ..."
    assert continuation("") == ""


def test_docx_text_helper_hides_the_breaking_characters(rendered):
    from prongsai.documents.render_docx import docx_text

    _, _, out = rendered
    data = (out / pack_file_name("memo", "docx")).read_bytes()
    text = docx_text(data)
    assert WORD_JOINER not in text and ZWSP not in text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode()
    assert WORD_JOINER in body and ZWSP in body  # … but the document carries them for Word and LibreOffice


def test_pdf_title_metadata_has_no_invisible_characters(rendered):
    _, _, out = rendered
    from pypdf import PdfReader

    for kind in DOCUMENTS:
        title = PdfReader(str(out / pack_file_name(kind, "pdf"))).metadata.title or ""
        assert WORD_JOINER not in title and "\u00a0" not in title, kind
