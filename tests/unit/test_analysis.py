"""prongsai.core.analysis: the seed's analysis done right, what-if gains and the cheapest path to the next level."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from prongsai.core.analysis import NO_ITEM_DATA_TH, analyse, indicator_weight, item_weight, peer_position
from prongsai.core.framework import load_framework
from prongsai.core.gains import cheapest_path, next_level, what_if
from prongsai.core.scoring import combine, score_oit

SEED_2562 = {
    1: "99.08",
    2: "96.94",
    3: "99.30",
    4: "98.55",
    5: "98.72",
    6: "95.75",
    7: "91.75",
    8: "89.72",
    9: "86.81",
    10: "83.04",
}


def official(framework_id: str, scores: dict[int, str], **extra):
    framework = load_framework(framework_id)
    return framework, combine(framework, {n: Fraction(Decimal(v)) for n, v in scores.items()}, **extra)


@pytest.fixture(scope="module")
def seed():
    return official("ita-2562-esa", SEED_2562)


def test_seed_total_and_level(seed):
    _, score = seed
    assert score.total_rounded == Decimal("91.25")
    assert score.level == "A"


def test_indicators_truly_sorted_high_to_low(seed):
    framework, score = seed
    analysis = analyse(framework, score)
    assert [i.number for i in analysis.indicators] == [3, 1, 5, 4, 2, 6, 7, 8, 9, 10]
    assert [i.position for i in analysis.indicators] == list(range(1, 11))
    assert analysis.highest.name_th == "การใช้อำนาจ" and analysis.highest.rounded == Decimal("99.30")
    assert analysis.lowest_one.name_th == "การป้องกันการทุจริต" and analysis.lowest_one.rounded == Decimal("83.04")


def test_ties_sort_by_number():
    framework, score = official("ita-2562-esa", {**SEED_2562, 2: "99.30"})
    assert [i.number for i in analyse(framework, score).indicators][:3] == [2, 3, 1]


def test_weakest_four_are_exactly_the_seeds_list(seed):
    framework, score = seed
    analysis = analyse(framework, score)
    assert [(i.number, i.name_th, str(i.rounded)) for i in analysis.lowest] == [
        (10, "การป้องกันการทุจริต", "83.04"),
        (9, "การเปิดเผยข้อมูล", "86.81"),
        (8, "การปรับปรุงระบบการทำงาน", "89.72"),
        (7, "ประสิทธิภาพการสื่อสาร", "91.75"),
    ]
    assert [i.number for i in analysis.weak] == [10]  # only 83.04 is below the target 85
    assert [i.number for i in analysis.focus] == [10, 9, 8, 7]


def test_breakdown_without_item_data_says_so(seed):
    framework, score = seed
    analysis = analyse(framework, score)
    oit = analysis.breakdowns[10]
    assert oit.kind == "evidence" and not oit.has_item_data and oit.note_th == NO_ITEM_DATA_TH
    # the seed: "๒ ตัวชี้วัดย่อย (๑๕ ข้อมูล)" and "๕ ตัวชี้วัดย่อย (๓๓ ข้อ)"
    assert [s.code for s in oit.sub_indicators] == ["10.1", "10.2"] and oit.item_count == 15
    assert len(analysis.breakdowns[9].sub_indicators) == 5 and analysis.breakdowns[9].item_count == 33
    eit = analysis.breakdowns[8]
    assert eit.kind == "survey" and [q.code for q in eit.items] == ["E11", "E12", "E13", "E14", "E15"]
    assert [q.code for q in analysis.breakdowns[7].items] == ["E6", "E7", "E8", "E9", "E10"]
    assert [s.code for s in analysis.breakdowns[7].items[0].sub_items] == ["E6.1", "E6.2"]


def test_breakdown_with_item_data_lists_weakest_items():
    framework, score = official(
        "ita-2562-esa",
        SEED_2562,
        items={
            "E11": Fraction(70),
            "E12": Fraction(95),
            "E13": Fraction(100),
            "E14": Fraction(60),
            "E15": Fraction(99),
        },
    )
    breakdown = analyse(framework, score).breakdowns[8]
    assert breakdown.has_item_data and breakdown.note_th == ""
    assert [i.code for i in breakdown.weakest_items][:2] == ["E14", "E11"]


def test_change_against_last_year():
    framework, score = official("ita-2563-esa", {**SEED_2562, 10: "90.00", 9: "86.00"})
    _, before = official("ita-2562-esa", SEED_2562)
    analysis = analyse(framework, score, previous=before)
    assert analysis.indicator(10).change_rounded == Decimal("6.96")
    assert analysis.indicator(9).change_rounded == Decimal("-0.81")
    assert analysis.indicator(1).change == 0
    assert analysis.previous_level == "A"
    assert analysis.total_change_rounded == analysis.total_rounded - Decimal("91.25")


def test_peer_position_competition_rank():
    peers = [Decimal("95.00")] * 29 + [Decimal("91.25"), Decimal("90.00"), Decimal("80.00")]
    position = peer_position(Fraction(912474, 10000), peers)
    assert (position.rank, position.count) == (30, 33)
    # below: 2; tied: 2 (itself included) → (2 + 1) / 33
    assert position.percentile == Fraction(300, 33)
    assert peer_position(None, peers) is None


def test_seed_rank_31_among_peers(seed):
    framework, score = seed
    peers = [Decimal(95)] * 30 + [Decimal(80)] * 214
    analysis = analyse(framework, score, peers=peers)
    assert (analysis.peer.rank, analysis.peer.count) == (31, 245)


# ------------------------------------------------------------------------------------------- weights, gains


def test_weights_come_from_the_framework():
    framework = load_framework("ita-2563-esa")
    assert indicator_weight(framework, 1) == Fraction(6, 100)
    assert indicator_weight(framework, 6) == Fraction(10, 100)
    assert indicator_weight(framework, 9) == Fraction(20, 100)
    assert sum(indicator_weight(framework, i.number) for i in framework.indicators) == 1
    # one of 33 items under indicator 9: 40 % × 1/2 × 1/33 of the total
    assert item_weight(framework, None, "O1") == Fraction(40, 100) * Fraction(1, 2) * Fraction(1, 33)
    assert item_weight(framework, None, "O42") == Fraction(40, 100) * Fraction(1, 2) * Fraction(1, 10)


def test_indicator_gains_for_the_seed(seed):
    framework, score = seed
    gains = what_if(framework, score)
    assert [g.code for g in gains][:4] == ["10", "9", "8", "7"]
    assert gains[0].gain == Fraction(20, 100) * (100 - Fraction("83.04"))  # 3.392
    assert [str(g.gain_rounded) for g in gains][:4] == ["3.39", "2.64", "1.03", "0.83"]
    assert all(g.kind == "indicator" for g in gains)  # no item data in an official import
    assert gains[0].in_agency_hands and not gains[2].in_agency_hands
    # raising only to the AA minimum (95): indicators already at 95 or more give nothing
    to_aa = {g.code: g.gain for g in what_if(framework, score, target_level="AA")}
    assert to_aa["10"] == Fraction(20, 100) * (95 - Fraction("83.04"))
    assert "1" not in to_aa and "6" not in to_aa


def test_path_from_a_to_aa_for_the_seed(seed):
    framework, score = seed
    plan = cheapest_path(framework, score)
    assert plan.current_level == "A" and plan.target.label == "AA" and plan.reached
    assert [
        (s.code, str(s.to_score_rounded), str(s.total_after_rounded), s.level_after, s.partial) for s in plan.steps
    ] == [
        ("10", "100.00", "94.64", "A", False),
        ("9", "88.59", "95.00", "AA", True),  # only as far as needed: 88.58 would give 94.99
    ]
    trial = combine(framework, {**score.indicators, 10: Fraction(100), 9: Fraction("88.58")})
    assert trial.total_rounded == Decimal("94.99")


def test_next_level_and_top():
    framework = load_framework("ita-2562-esa")
    assert next_level(framework, "A").label == "AA"
    assert next_level(framework, "AA") is None
    _, top = official("ita-2562-esa", {n: "99.00" for n in SEED_2562})
    plan = cheapest_path(framework, top)
    assert plan.target is None and plan.steps == () and plan.reached


def oit_2563(failed: dict[str, int], eit: str | None = None):
    """ita-2563-esa with every OIT item passed except ``failed`` (code → score), surveys as the seed."""
    framework = load_framework("ita-2563-esa")
    items = {o.code: Fraction(failed.get(o.code, 100)) for o in framework.oit_items}
    indicators = {n: Fraction(Decimal(v)) for n, v in SEED_2562.items() if n <= 8}
    if eit is not None:
        indicators.update({6: Fraction(Decimal(eit)), 7: Fraction(Decimal(eit)), 8: Fraction(Decimal(eit))})
    indicators.update(score_oit(framework, items))
    return framework, combine(framework, indicators, items=items)


def test_item_level_oit_gains_on_2563():
    framework, score = oit_2563({"O12": 0, "O20": 0, "O40": 0, "O43": 0})
    gains = what_if(framework, score)
    by_code = {g.code: g for g in gains}
    assert by_code["O12"].gain == Fraction(40, 100) * Fraction(1, 2) * Fraction(1, 33) * 100  # 0.61
    assert by_code["O40"].gain == Fraction(2)  # one of 10 items under indicator 10
    assert str(by_code["O12"].gain_rounded) == "0.61" and by_code["O12"].in_agency_hands
    items = [g.code for g in gains if g.kind == "oit_item"]
    assert items == ["O40", "O43", "O12", "O20"]  # by gain, ties in framework order
    # the gains are exact: passing O40 moves the total by exactly 2 points
    fixed = oit_2563({"O12": 0, "O20": 0, "O43": 0})[1]
    assert fixed.total - score.total == Fraction(2)


def test_item_weight_counts_only_applicable_items():
    framework, score = oit_2563({"O43": 0})
    del score.items["O42"]  # not applicable (e.g. a first-time school)
    score.indicators[10] = score_oit(framework, score.items)[10]
    assert item_weight(framework, score, "O43") == Fraction(20, 100) / 9


def test_path_passes_oit_items_first_on_2563():
    framework, score = oit_2563({"O3": 0, "O36": 0, "O40": 0}, eit="80")
    assert score.level == "A"
    plan = cheapest_path(framework, score)
    assert plan.target.label == "AA" and plan.reached
    # the three OIT items first (largest gain first), then one survey indicator, raised only as far as needed
    assert [(s.kind, s.code) for s in plan.steps] == [
        ("oit_item", "O36"),
        ("oit_item", "O40"),
        ("oit_item", "O3"),
        ("indicator", "6"),
    ]
    assert [str(s.gain_rounded) for s in plan.steps[:3]] == ["2.00", "2.00", "0.61"]
    last = plan.steps[-1]
    assert last.partial and last.total_after_rounded == Decimal("95.00")
    totals = [s.total_after for s in plan.steps]
    assert totals == sorted(totals)
    # OIT indicators with item data are raised through their items, never as a whole
    assert not any(s.kind == "indicator" and s.indicator in (9, 10) for s in plan.steps)


def test_2566_tool_minimum_decides_the_path():
    # IIT 100, EIT 85 (indicator 8 at 55), OIT 84: total 89.10 passes (ผ่าน) but OIT is below the 85 that
    # ผ่านดี asks of every tool, so the path must raise the OIT even though indicator 8 gains more.
    scores = {1: "100", 2: "100", 3: "100", 4: "100", 5: "100", 6: "100", 7: "100", 8: "55", 9: "84", 10: "84"}
    framework, score = official("ita-2566", scores)
    assert score.total_rounded == Decimal("89.10") and score.level == "ผ่าน"
    assert what_if(framework, score)[0].code == "8"  # the largest single gain …
    plan = cheapest_path(framework, score)
    assert plan.target.label == "ผ่านดี" and plan.reached
    assert [(s.code, str(s.to_score_rounded), s.level_after) for s in plan.steps] == [("9", "85.99", "ผ่านดี")]


def test_2566_total_short_and_tool_short():
    scores = {1: "80", 2: "80", 3: "80", 4: "80", 5: "80", 6: "90", 7: "90", 8: "90", 9: "80", 10: "80"}
    framework, score = official("ita-2566", scores)
    assert score.level == "ต้องปรับปรุง"
    plan = cheapest_path(framework, score)
    assert plan.target.label == "ผ่าน" and plan.reached  # ผ่าน has no per-tool minimum
    plan_tools = {s.tool for s in plan.steps}
    assert plan_tools == {"OIT"}
    assert plan.steps[-1].total_after_rounded >= Decimal("85.00")
