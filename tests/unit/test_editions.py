"""The 2568, 2569 and provisional 2570 editions, the corrections to 2562–2567, variants and the parameters."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from prongsai.core.diff import diff_frameworks, lineage_map
from prongsai.core.framework import (
    AGENCY_TYPES,
    AGENCY_TYPES_EN,
    AGENCY_TYPES_TH,
    CONFIDENCE,
    CONFIDENCE_EN,
    CONFIDENCE_TH,
    FrameworkError,
    available_frameworks,
    framework_for_year,
    load_framework,
    load_framework_data,
    parse_yaml,
    with_variant,
)
from prongsai.core.scoring import combine, rounded
from prongsai.core.thai import truncated

NEW = ["ita-2568", "ita-2569", "ita-2570"]


def edition_data(edition_id: str) -> dict:
    """The edition's YAML as plain data, to change before loading it again."""
    with open(load_framework(edition_id).path, encoding="utf-8") as handle:
        return parse_yaml(handle.read(), edition_id)


def test_the_years_pick_the_new_editions():
    assert [framework_for_year(y).id for y in (2567, 2568, 2569, 2570)] == [
        "ita-2566",
        "ita-2568",
        "ita-2569",
        "ita-2570",
    ]


@pytest.mark.parametrize("fid, count", [("ita-2568", 28), ("ita-2569", 26), ("ita-2570", 26)])
def test_rebuilt_oit_is_pass_fail_with_lowercase_display_codes(fid, count):
    fw = load_framework(fid)
    assert len(fw.oit_items) == count
    assert [o.code for o in fw.oit_items] == [f"O{n}" for n in range(1, count + 1)]  # stable internal codes
    assert [o.shown_code for o in fw.oit_items] == [f"o{n}" for n in range(1, count + 1)]
    assert {o.method for o in fw.oit_items} == {"pass_fail"}
    assert all(o.key for o in fw.oit_items)
    assert [lv.label for lv in fw.levels] == ["ผ่านดีเยี่ยม", "ผ่านดี", "ผ่าน", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน"]


def test_every_item_of_every_edition_names_a_source_and_a_confidence():
    for fid in available_frameworks():
        fw = load_framework(fid)
        for thing in (*fw.questions, *fw.oit_items):
            assert thing.confidence in CONFIDENCE, (fid, thing.code)
            assert thing.source.strip(), (fid, thing.code)
            if thing.confidence == "provisional" and fid in NEW:
                assert thing.caveat.strip(), (fid, thing.code)  # a provisional fill says what is uncertain


def test_every_agency_type_and_confidence_has_its_thai_and_english_words():
    # a type or confidence without English would show its code on an English page
    assert set(AGENCY_TYPES_TH) == set(AGENCY_TYPES_EN) == set(AGENCY_TYPES)
    assert set(CONFIDENCE_TH) == set(CONFIDENCE_EN) == set(CONFIDENCE)


def test_data_windows_follow_the_items_as_published():
    fw68 = load_framework("ita-2568")
    windows = {o.shown_code: o.data_window for o in fw68.oit_items}
    assert windows["o6"] == "current" and windows["o7"] == "previous"  # plan of the year; report of the last
    assert windows["o13"] == "previous" and windows["o20"] == "previous"  # participation "ในปี พ.ศ. 2567"
    assert windows["o8"] is None  # a manual is not tied to a year
    item = fw68.oit_item("O7")
    assert item.window_year(2568) == 2567 and "2567" in item.window_th(2568)
    # the same window in English, for the English pages (the core keeps both languages as data)
    assert item.window_en(2568) == "Data of fiscal year B.E. 2567 (the fiscal year before the assessed one)"
    assert fw68.oit_item("O6").window_en(None) == "Data of the assessed fiscal year"
    assert fw68.oit_item("O8").window_en(2568) == fw68.oit_item("O8").window_th(2568)  # the edition's own words
    fw69 = load_framework("ita-2569")
    assert fw69.oit_item("O12").window_year(2569) == 2568 and fw69.oit_item("O11").window_year(2569) == 2569


def test_2568_o1_merges_structure_and_authority_and_quotes_the_manual():
    o1 = load_framework("ita-2568").oit_item("O1")
    assert o1.confidence == "confirmed" and o1.previous_codes == {"ita-2566": ("O1", "O3")}
    assert "ต้องไม่เป็นการแสดงกฎหมายทั้งฉบับ" in o1.requirement
    assert [e.code for e in o1.elements] == ["a", "b", "c"]


def test_the_participation_number_conflict_is_recorded_not_guessed():
    item = load_framework("ita-2568").oit_item("O20")
    assert item.key == "participation" and item.shown_code == "o20"
    assert "o25" in item.caveat and "spm-sk" in item.source
    assert len(item.elements) == 4


def test_2570_is_a_provisional_copy_of_2569_marked_everywhere():
    fw69, fw70 = load_framework("ita-2569"), load_framework("ita-2570")
    assert fw70.provisional and "2570" in fw70.caveat
    assert [o.title for o in fw70.oit_items] == [o.title for o in fw69.oit_items]
    assert all(o.provisional for o in fw70.oit_items) and all(q.provisional for q in fw70.questions)
    assert fw70.provisional_count == len(fw70.questions) + len(fw70.oit_items)
    assert all(v.confidence == "provisional" for v in fw70.variants.values())


def test_eit_minimums_per_agency_group_and_the_iit_stand_in():
    fw = load_framework("ita-2568")
    eit, iit = fw.sampling["EIT"], fw.sampling["IIT"]
    assert eit.method == "by_agency_group"
    assert eit.minimum(1000, "municipality_tambon_m") == 70 and eit.minimum(1000, "sao_s") == 30
    assert eit.minimum(50, "university") == 50  # never more than the population
    assert eit.minimum(1000) == 100  # no group: the fallback share (10 %, at least 30, at most 400)
    assert with_variant(fw, "university").sampling["EIT"].minimum(1000) == 400
    assert iit.confidence == "provisional" and iit.minimum(80) == 25


def test_variants_override_what_differs_only():
    fw = load_framework("ita-2569")
    esa = with_variant(fw, "esa")
    assert esa.agency_types == ("esa",) and esa.variant == "esa" and esa.id == "ita-2569"
    assert "หมายเลขโทรศัพท์" in esa.oit_item("O2").requirement and "อีเมล" in esa.oit_item("O2").requirement
    assert "หมายเลขโทรศัพท์" not in fw.oit_item("O2").requirement  # OBEC's demand is not NACC's
    assert [g.code for g in esa.tool("EIT").groups] == ["school_directors", "teachers", "other_service_users"]
    school = with_variant(fw, "school")
    assert school.oit_item("O5").title == "แผนกลยุทธ์หรือแผนพัฒนาคุณภาพการศึกษาของสถานศึกษา"
    assert [e.text for e in with_variant(fw, "local").oit_item("O1").elements][:2] == [
        "แผนผังโครงสร้างฝ่ายการเมือง",
        "แผนผังโครงสร้างฝ่ายข้าราชการประจำ",
    ]
    # weights, indicators and levels are never overridden: every agency is scored the same way
    for v in fw.variants:
        applied = with_variant(fw, v)
        assert [t.weight for t in applied.tools] == [t.weight for t in fw.tools]
        assert [lv.min for lv in applied.levels] == [lv.min for lv in fw.levels]
    assert with_variant(fw, "esa") is esa  # cached
    with pytest.raises(FrameworkError, match="unknown variant"):
        with_variant(fw, "hospital")


def test_a_variant_may_leave_an_item_out_of_the_list_and_the_score():
    raw = edition_data("ita-2569")
    raw["variants"].append(
        {
            "code": "tiny",
            "name_th": "ทดสอบ",
            "agency_types": ["general"],
            "confidence": "provisional",
            "source": "test",
            "oit_items": {"O22": {"applicable": False}},
        }
    )
    fw = with_variant(load_framework_data(raw, expected_id="ita-2569"), "tiny")
    assert "O22" not in {o.code for o in fw.oit_items} and len(fw.oit_items) == 25


def test_a_bad_variant_is_refused_with_its_path():
    raw = edition_data("ita-2569")
    raw["variants"][1]["oit_items"]["O99"] = {"title": "x"}  # school: an item the edition does not have
    raw["variants"][0]["oit_items"]["O2"]["elements"] = [{"code": "a"}]  # an element needs a text
    with pytest.raises(FrameworkError) as caught:
        load_framework_data(raw, expected_id="ita-2569")
    paths = [p for p, _ in caught.value.problems]
    assert "variants[1].oit_items.O99" in paths
    assert any(p.startswith("variants[0] (esa):") and "elements[0].text" in p for p in paths)


# --- corrections to 2562–2567 (review §8) ----------------------------------------------------------------------


def test_ita_2566_sub_indicator_tree_is_the_official_one():
    fw = load_framework("ita-2566")
    assert [s.code for s in fw.indicator(9).sub_indicators] == ["9.1", "9.2", "9.3", "9.4", "9.5"]
    assert [s.code for s in fw.indicator(10).sub_indicators] == ["10.1", "10.2"]
    spans = {}
    for o in fw.oit_items:
        spans.setdefault(o.sub_indicator, []).append(int(o.code[1:]))
    assert {k: (min(v), max(v)) for k, v in spans.items()} == {
        "9.1": (1, 10),
        "9.2": (11, 18),
        "9.3": (19, 22),
        "9.4": (23, 26),
        "9.5": (27, 30),
        "10.1": (31, 38),
        "10.2": (39, 43),
    }
    assert fw.oit_item("O31").group == "การป้องกันการทุจริต (No Gift Policy)"  # the old groups are kept


def test_ita_2566_no_gift_and_ethics_requirements_are_the_quoted_ones():
    fw = load_framework("ita-2566")
    assert "ลงนามโดยผู้บริหารสูงสุด" in fw.oit_item("O31").requirement
    assert "การประชุม การสัมมนา" in fw.oit_item("O32").requirement
    assert "ข้อกำหนดจริยธรรม (ถ้ามี)" in fw.oit_item("O39").requirement
    assert "Dos & Don’ts" in fw.oit_item("O40").requirement and len(fw.oit_item("O40").elements) == 3
    assert "5 แสนบาท" in fw.oit_item("O19").caveat


def test_o2_per_year_and_the_esa_demand_as_a_variant():
    o2_2562 = load_framework("ita-2562-esa").oit_item("O2")
    assert "รูปถ่าย" not in o2_2562.requirement and [e.code for e in o2_2562.elements] == ["a", "b"]
    o2_2563 = load_framework("ita-2563-esa").oit_item("O2")
    assert "ตำแหน่งว่าง" in o2_2563.requirement and "หมายเลขโทรศัพท์" not in o2_2563.requirement
    for fid in ("ita-2564", "ita-2566"):
        base = load_framework(fid)
        assert "หมายเลขโทรศัพท์" not in base.oit_item("O2").requirement
        assert "อีเมล" in with_variant(base, "esa").oit_item("O2").requirement


def test_iit_notes_follow_the_replica_and_unverified_texts_are_flagged():
    for fid in ("ita-2562-esa", "ita-2563-esa", "ita-2564", "ita-2566", "ita-2568"):
        fw = load_framework(fid)
        q = {x.code: x for x in fw.questions}
        assert q["I4"].note.startswith("เป็นการเรียกรับที่นอกเหนือจากที่กฎหมายกำหนดให้รับได้")
        assert q["I27"].note == "หากท่านเห็นว่าหน่วยงานของท่านไม่มีปัญหาการทุจริตให้ตอบ “มากที่สุด”"
        assert "จึงทำให้ไม่มีการลงโทษทางวินัย" in q["I28"].note
        assert "หน่วยงานที่มีอำนาจหน้าที่ตรวจสอบการดำเนินงานของหน่วยงานภาครัฐ" in q["I29"].note
        for code in ("I10", "E1", "E2", "E3", "E4", "E5"):
            assert q[code].provisional and q[code].caveat, (fid, code)
        assert "เคย/ไม่เคย" in q["E4"].caveat


def test_the_ovec_rule_left_the_school_edition():
    assert "EIT" not in load_framework("ita-2563-school").sampling


def test_declared_parameters_have_defaults_and_are_checked():
    for fid in available_frameworks():
        fw = load_framework(fid)
        assert (fw.option_scores, fw.rounding) == ("two_decimals", "half_up"), fid
    raw = edition_data("ita-2564")
    raw["option_scores"] = "integers"
    with pytest.raises(FrameworkError) as caught:  # 33.33 written, integers declared
        load_framework_data(raw, expected_id="ita-2564")
    assert (
        "scales.four_level.options[1].score",
        "33.33 does not follow option_scores 'integers' (expected 33)",
    ) in caught.value.problems
    for option in raw["scales"]["four_level"]["options"]:
        option.pop("score")  # left out: computed from the declared rule
    fw = load_framework_data(raw, expected_id="ita-2564")
    assert [o.score for o in fw.scales["four_level"].options] == [0, 33, 67, 100]


def test_truncation_is_a_declared_rule_and_half_up_the_default():
    assert rounded(Fraction(912474, 10000)) == Decimal("91.25")
    assert truncated(Fraction(912474, 10000)) == Decimal("91.24") == rounded(Fraction(912474, 10000), "truncate")
    assert truncated(Fraction(8499999, 100000)) == Decimal("84.99")
    raw = edition_data("ita-2566")
    raw["rounding"] = "truncate"
    fw = load_framework_data(raw, expected_id="ita-2566")
    scores = {n: Fraction(85) for n in range(1, 11)}
    scores[1] = Fraction(84999, 1000)  # IIT 84.9998 and a total of 84.99999: 84.99 truncated, 85.00 half-up
    truncating = combine(fw, scores)
    half_up = combine(load_framework("ita-2566"), scores)
    assert truncating.tools_rounded["IIT"] == Decimal("84.99") and half_up.tools_rounded["IIT"] == Decimal("85.00")
    assert (truncating.total_rounded, half_up.total_rounded) == (Decimal("84.99"), Decimal("85.00"))
    assert (truncating.level, half_up.level) == ("ต้องปรับปรุง", "ผ่านดี")


# --- the diff knows merges and renumbering, across editions -------------------------------------------------


def test_diff_2566_to_2568_shows_the_merges_and_the_renumbering():
    diff = diff_frameworks(load_framework("ita-2566"), load_framework("ita-2568"))
    merged = {c.new[0].code: [e.code for e in c.old] for c in diff.changes if c.kind == "merged"}
    assert merged["O1"] == ["O1", "O3"] and merged["O16"] == ["O39", "O40"] and merged["O21"] == ["O31", "O32"]
    survivors = diff.survivors()
    assert survivors["O20"] == ["O30"]  # participation renumbered O30 → o20
    assert "O22" not in survivors  # gifts received under ธรรมจรรยา: new
    removed = {c.old[0].code for c in diff.changes if c.kind == "removed" and c.old[0].code.startswith("O")}
    assert {"O6", "O8", "O9", "O10", "O17", "O20", "O24", "O25", "O37", "O41"} <= removed


def test_lineage_from_2566_reaches_2569_only_where_items_survived_every_step():
    mapping = lineage_map(load_framework("ita-2566"), load_framework("ita-2569"))
    assert mapping["O1"] == ["O1", "O3"]  # 2569 o1 ← 2568 o1 ← 2566 O1 + O3
    assert mapping["O19"] == ["O30"]  # participation O30 → o20 → o19
    assert mapping["O20"] == ["O31", "O32"]  # No Gift: 2568 o21 (+ the new o22) → 2569 o20
    assert mapping["O10"] == ["O18", "O16"]  # e-service absorbed the service statistics in 2569
    assert mapping["O25"] == ["O42"]
    assert not any("O6" in olds for olds in mapping.values())  # กฎหมายที่เกี่ยวข้อง did not survive 2568
    assert mapping == lineage_map(load_framework("ita-2566"), with_variant(load_framework("ita-2569"), "esa"))
