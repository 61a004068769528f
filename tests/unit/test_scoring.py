"""The plain scoring path: reversal, yes/no items, sub-item averaging, OIT partial credit, levels, rounding, ranks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from prongsai.core.framework import load_framework
from prongsai.core.scoring import (
    combine,
    combine_tools,
    competition_ranks,
    oit_item_score,
    ranks_within,
    respondent_indicator_scores,
    rounded,
    score_agency,
    score_oit,
)

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


def answers(fw, tool, index):
    """A respondent giving the same option index to every field of a tool."""
    return {f.code: index for f in fw.answer_fields(tool)}


def test_seed_indicator_scores_give_the_official_total_and_level():
    fw = load_framework("ita-2562-esa")
    score = combine(fw, {n: Fraction(Decimal(v)) for n, v in SEED_2562.items()})
    assert score.total_rounded == Decimal("91.25")
    assert score.level == "A"
    # The exact value is 91.2474: rounding only happens at the end.
    assert score.total == Fraction(912474, 10000)
    assert rounded(score.tools["IIT"]) == Decimal("98.52")
    assert rounded(score.tools["OIT"]) == Decimal("84.93")


def test_reversed_four_level_item_mirrors_the_scale(mini):
    # I3 is reversed: "น้อยที่สุดหรือไม่มีเลย" (index 0) is the best answer.
    field = next(f for f in mini.answer_fields("IIT") if f.code == "I3")
    assert [field.scale.score(i, field.reverse) for i in range(4)] == [100, Fraction("66.67"), Fraction("33.33"), 0]


def test_real_edition_reverses_the_items_the_instrument_reverses():
    fw = load_framework("ita-2563-esa")
    reversed_codes = {f.code for f in fw.answer_fields("IIT") if f.reverse}
    assert {"I9", "I10", "I16", "I17", "I18.1", "I18.2", "I18.3", "I19", "I22", "I11.2"} <= reversed_codes
    assert {"I4.1", "I5.2", "I6.3"} <= reversed_codes
    assert "I11.1" not in reversed_codes and "I26.1" not in reversed_codes
    assert "E4.1" in {f.code for f in fw.answer_fields("EIT") if f.reverse}


def test_yes_no_reversed_item_scores_no_as_full_marks(mini):
    # I4 asks whether staff demanded money: "ไม่มี" (index 1) is the good answer.
    only_i4 = {"I1": 0, "I2.1": 0, "I2.2": 3, "I2.3": 0, "I3": 3, "I4.1": 1, "I4.2": 1}
    assert respondent_indicator_scores(mini, only_i4, "IIT")[2] == 0 / 2 + Fraction(100, 2)
    only_i4["I4.1"] = 0
    assert respondent_indicator_scores(mini, only_i4, "IIT")[2] == Fraction(25)


def test_sub_items_are_averaged_into_their_item_before_the_indicator(mini):
    # I1 = 100; I2's sub-items: 0, reversed(0) = 100, 100 → I2 = 66.67 → indicator 1 = (100 + 200/3) / 2.
    response = {"I1": 3, "I2.1": 0, "I2.2": 0, "I2.3": 3, "I3": 0, "I4.1": 1, "I4.2": 1}
    assert respondent_indicator_scores(mini, response, "IIT")[1] == (100 + Fraction(200, 3)) / 2
    # A flat mean over the four fields would give 75 instead: the order matters.
    assert (100 + 0 + 100 + 100) / 4 == 75 != float((100 + Fraction(200, 3)) / 2)


def test_agency_indicator_is_the_mean_over_respondents(mini):
    best = {"I1": 3, "I2.1": 3, "I2.2": 0, "I2.3": 3, "I3": 0, "I4.1": 1, "I4.2": 1}
    worst = {"I1": 0, "I2.1": 0, "I2.2": 3, "I2.3": 0, "I3": 3, "I4.1": 0, "I4.2": 0}
    score = score_agency(mini, {"IIT": [best, worst, best]}, {})
    assert score.indicators[1] == Fraction(200, 3)
    assert score.respondents == {"IIT": 3, "EIT": 0}
    assert score.items["I2.2"] == Fraction(200, 3)
    assert score.tools["EIT"] is None and score.total is None and score.level is None


def test_oit_partial_credit_over_weighted_elements(mini):
    item = mini.oit_item("O2")  # elements a, b (weight 1) and c (weight 2)
    assert oit_item_score(item, elements=["a", "b"]) == 50
    assert oit_item_score(item, elements=["c"]) == 50
    assert oit_item_score(item, elements=["a", "c"]) == 75
    assert oit_item_score(item, elements=[]) == 0
    with pytest.raises(ValueError, match="unknown element"):
        oit_item_score(item, elements=["z"])


def test_oit_pass_fail_and_percent_items(mini):
    assert oit_item_score(mini.oit_item("O1"), passed=True) == 100
    assert oit_item_score(mini.oit_item("O1"), score=0) == 0
    with pytest.raises(ValueError, match="pass/fail"):
        oit_item_score(mini.oit_item("O1"), score=50)
    assert oit_item_score(mini.oit_item("O3"), score=Decimal("66.5")) == Fraction(133, 2)
    with pytest.raises(ValueError, match="outside"):
        oit_item_score(mini.oit_item("O3"), score=101)


def test_oit_indicator_leaves_out_items_that_do_not_apply(mini):
    assert score_oit(mini, {"O1": Fraction(100), "O2": Fraction(50), "O3": None}) == {4: 75}
    assert score_oit(mini, {"O1": None, "O2": None, "O3": None}) == {4: None}


def test_partial_credit_can_reach_the_seed_2562_oit_scores_pass_fail_cannot():
    # 86.81 over 33 items is not k/33 for any k, so the 2562 edition must score by elements.
    assert all(rounded(Fraction(100 * k, 33)) != Decimal("86.81") for k in range(34))
    fw = load_framework("ita-2562-esa")
    assert {o.method for o in fw.oit_items} == {"elements"}
    assert len([o for o in fw.oit_items if o.indicator == 9]) == 33
    assert len([o for o in fw.oit_items if o.indicator == 10]) == 15


@pytest.mark.parametrize(
    "total, level",
    [
        ("84.99", "B"),
        ("85.00", "A"),
        ("94.99", "A"),
        ("95.00", "AA"),
        ("100", "AA"),
        ("0", "F"),
        ("49.99", "F"),
        ("50.00", "E"),
        ("74.99", "C"),
    ],
)
def test_level_boundaries_2562(total, level):
    fw = load_framework("ita-2562-esa")
    assert (
        combine_tools(
            fw, {"IIT": Fraction(Decimal(total)), "EIT": Fraction(Decimal(total)), "OIT": Fraction(Decimal(total))}
        ).level
        == level
    )


def test_level_is_decided_on_the_total_rounded_half_up():
    fw = load_framework("ita-2562-esa")
    # 84.995 exactly rounds half-up to 85.00 → A; a hair below stays 84.99 → B.
    at_half = combine_tools(fw, {t: Fraction(84995, 1000) for t in ("IIT", "EIT", "OIT")})
    below = combine_tools(fw, {t: Fraction(84995, 1000) - Fraction(1, 10**9) for t in ("IIT", "EIT", "OIT")})
    assert (at_half.total_rounded, at_half.level) == (Decimal("85.00"), "A")
    assert (below.total_rounded, below.level) == (Decimal("84.99"), "B")


def test_half_up_rounding_is_not_bankers_rounding():
    assert rounded(Fraction(9124750, 100000)) == Decimal("91.25")  # 91.2475 → 91.25
    assert rounded(Fraction(8998500, 100000)) == Decimal("89.99")  # 89.985 → 89.99 (round() gives 89.98)
    assert round(89.985, 2) == 89.98


def test_2566_levels_need_every_tool_over_the_bar():
    fw = load_framework("ita-2566")
    high = {"IIT": Fraction(99), "EIT": Fraction(99), "OIT": Fraction(99)}
    assert combine_tools(fw, high).level == "ผ่านดีเยี่ยม"
    one_low = dict(high, EIT=Fraction(94))
    assert combine_tools(fw, one_low).total_rounded == Decimal("97.50")
    assert combine_tools(fw, one_low).level == "ผ่านดี"
    weak_tool = dict(high, OIT=Fraction(70))
    assert combine_tools(fw, weak_tool).level == "ผ่าน"  # total 87.40 but OIT under 85
    assert combine_tools(fw, {t: Fraction(70) for t in high}).level == "ต้องปรับปรุง"
    assert combine_tools(fw, {t: Fraction(6999, 100) for t in high}).level == "ต้องปรับปรุงโดยด่วน"


def test_competition_ranking_shares_ties_and_skips():
    totals = [Decimal("91.25"), Decimal("95.00"), Decimal("91.25"), None, Decimal("80.00")]
    assert competition_ranks(totals) == [2, 1, 2, None, 4]


def test_ranks_within_groups_are_independent():
    totals = [Decimal(90), Decimal(80), Decimal(85), Decimal(85)]
    assert ranks_within(totals, ["สพป.", "สพม.", "สพป.", "สพม."]) == [1, 2, 2, 1]
