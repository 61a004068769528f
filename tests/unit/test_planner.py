"""The what-if planner: the officer of สพป.สมุทรสาคร marks what they can fix and asks for the cheapest way to a
target.  Paths must reach the target exactly as the scorer computes it, and no cheaper set may exist."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prongsai.core.framework import load_framework
from prongsai.core.planner import Fix, Target, default_fixes, moves, plan, reaches
from prongsai.core.scoring import combine, rounded, score_oit

ESA = load_framework("ita-2562-esa")
NEW = load_framework("ita-2568")  # per-tool minimums for ผ่านดี / ผ่านดีเยี่ยม


def result(framework, indicators: dict[int, Fraction], items: dict[str, Fraction]):
    """A result whose OIT indicators are the mean of the given items, as ITAS computes them."""
    values = dict(indicators)
    values.update({n: v for n, v in score_oit(framework, items).items() if v is not None})
    return combine(framework, values, items=dict(items))


def oit_numbers(framework) -> list[int]:
    return [i.number for i in framework.indicators if framework.tool(i.tool).kind == "evidence"]


def seed_like():
    """2562's figures with OIT indicator 9 from its 33 items: 28 passed, 5 failed."""
    items9 = [o.code for o in ESA.oit_items if o.indicator == 9]
    items = {c: Fraction(100) if k < 28 else Fraction(0) for k, c in enumerate(items9)}
    items.update({o.code: Fraction(100) for o in ESA.oit_items if o.indicator != 9})
    indicators = {
        1: Fraction("99.08"),
        2: Fraction("96.94"),
        3: Fraction("99.30"),
        4: Fraction("98.55"),
        5: Fraction("98.72"),
        6: Fraction("95.75"),
        7: Fraction("91.75"),
        8: Fraction("89.72"),
    }
    return result(ESA, indicators, items), items9


def test_one_failed_item_moves_its_indicator_by_one_item_share_and_the_total_by_its_weight():
    score, items9 = seed_like()
    (move,), skipped = moves(ESA, score, [Fix("oit_item", items9[-1])])
    assert not skipped
    assert move.indicator_gain == Fraction(100, 33)  # one of 33 items of indicator 9
    assert move.total_gain == Fraction(40, 100) * Fraction(1, 2) * Fraction(100, 33)  # 40 % × ½ × 100/33


def test_an_item_of_an_indicator_with_unknown_items_cannot_be_placed():
    score, items9 = seed_like()
    del score.items[items9[0]]
    _, (skipped,) = moves(ESA, score, [Fix("oit_item", items9[-1])])
    assert skipped.th == "นำเข้าผลทุกข้อของตัวชี้วัดที่ 9 ก่อน (ผ่าน ไม่ผ่าน หรือไม่เกี่ยวข้อง)"


def test_the_cheapest_path_to_a_total_takes_the_fewest_items_and_lands_where_the_scorer_says():
    score, items9 = seed_like()
    fixes = [Fix("oit_item", c) for c in items9[28:]] + [Fix("indicator", "8")]
    goal = rounded(score.total) + 1  # one point more
    answer = plan(ESA, score, Target("total", value=Fraction(goal)), fixes)
    assert answer.reachable and answer.proven and not answer.already
    assert answer.cost == len(answer.steps)
    assert rounded(answer.final_total) >= goal
    assert reaches(ESA, score, answer.target, [s.move for s in answer.steps])
    totals = [s.total_after for s in answer.steps]
    assert totals == sorted(totals)  # largest gain first, the running total only rises


def test_an_unreachable_target_says_so_and_shows_everything_offered():
    score, items9 = seed_like()
    answer = plan(ESA, score, Target("level", level="AA"), [Fix("oit_item", items9[-1])])
    assert not answer.reachable
    assert [s.move.fix.code for s in answer.steps] == [items9[-1]]


def test_a_target_already_met_needs_nothing():
    score, items9 = seed_like()
    answer = plan(ESA, score, Target("indicator", value=Fraction(90), indicator=1), [Fix("indicator", "8")])
    assert answer.already and answer.reachable and answer.steps == () and answer.cost == 0


def test_costs_are_data_an_expensive_item_is_avoided_when_a_cheaper_pair_reaches_the_target():
    score, items9 = seed_like()
    fixes = [Fix("oit_item", items9[28], cost=Fraction(5)), Fix("oit_item", items9[29]), Fix("oit_item", items9[30])]
    goal = rounded(score.total + Fraction(1))  # needs two items (0.61 points each)
    answer = plan(ESA, score, Target("total", value=Fraction(goal)), fixes)
    assert sorted(s.move.fix.code for s in answer.steps) == sorted(items9[29:31])
    assert answer.cost == 2


def test_unusable_fixes_are_listed_with_a_thai_reason():
    score, items9 = seed_like()
    _, skipped = moves(
        ESA,
        score,
        [
            Fix("oit_item", "O999"),
            Fix("indicator", "9"),
            Fix("oit_item", items9[0]),
            Fix("question", "I1"),
            Fix("indicator", "8", cost=Fraction(0)),
        ],
    )
    reasons = {s.code: s.th for s in skipped}
    assert reasons["O999"] == "ไม่ใช่ข้อ OIT ของกรอบการประเมินนี้"
    assert reasons["9"] == "ตัวชี้วัดนี้มีผลรายข้อ ให้เลือกปรับรายข้อแทน"
    assert reasons[items9[0]] == "คะแนนเป้าหมายไม่สูงกว่าคะแนนปัจจุบัน"  # already passed
    assert reasons["I1"] == "ไม่มีผลคะแนนรายข้อคำถาม (นำเข้าผลจาก ITAS ก่อน)"
    assert reasons["8"] == "ต้นทุนต้องมากกว่า 0"


def test_a_target_is_described_in_thai_and_in_english():
    targets = (
        Target("level", level="AA"),
        Target("total", value=Fraction(95)),
        Target("indicator", value=Fraction(90), indicator=3),
    )
    assert [t.describe_th() for t in targets] == ["ระดับ AA", "คะแนนรวม 95.00", "ตัวชี้วัดที่ 3 ได้ 90.00"]
    assert [t.describe_en() for t in targets] == ["level AA", "total score 95.00", "indicator 3 at 90.00"]


def test_a_question_raises_its_indicator_by_its_share():
    questions = [q for q in ESA.questions if q.indicator == 1]
    items = {q.code: Fraction(80) for q in questions}
    score = combine(ESA, {i.number: Fraction(90) for i in ESA.indicators} | {1: Fraction(80)}, items=items)
    (move,), _ = moves(ESA, score, [Fix("question", questions[0].code, to=Fraction(90))])
    assert move.indicator_gain == Fraction(10, len(questions))


def test_a_level_with_tool_minimums_needs_every_tool_over_its_minimum():
    """ita-2568 ผ่านดี needs a total of 85 and each tool at 85: OIT fixes alone cannot lift a low IIT."""
    indicators = {i.number: Fraction(90) for i in NEW.indicators}
    iit = [i.number for i in NEW.indicators if i.tool == "IIT"]
    indicators.update({n: Fraction(80) for n in iit})
    score = combine(NEW, indicators)
    only_oit = [Fix("indicator", str(n)) for n in oit_numbers(NEW)]
    assert not plan(NEW, score, Target("level", level="ผ่านดี"), only_oit).reachable
    with_iit = only_oit + [Fix("indicator", str(n)) for n in iit]
    answer = plan(NEW, score, Target("level", level="ผ่านดี"), with_iit)
    assert answer.reachable and answer.proven
    assert any(s.move.tool == "IIT" for s in answer.steps)
    assert answer.steps[-1].level_after == "ผ่านดี"


def test_default_fixes_offer_failed_items_and_indicators_without_item_data():
    score, items9 = seed_like()
    fixes = default_fixes(ESA, score)
    assert {f.code for f in fixes if f.kind == "oit_item"} == set(items9[28:])
    assert "9" not in {f.code for f in fixes if f.kind == "indicator"}
    assert "1" in {f.code for f in fixes if f.kind == "indicator"}


# --- properties ---------------------------------------------------------------------------------------------


def _brute_force(framework, score, target, usable):
    """The least (cost, count) of any subset that reaches the target, by trying them all."""
    best = None
    for size in range(len(usable) + 1):
        for subset in combinations(usable, size):
            if reaches(framework, score, target, subset):
                key = (sum((m.cost for m in subset), Fraction(0)), size)
                best = key if best is None or key < best else best
    return best


scores = st.integers(min_value=0, max_value=10000).map(lambda v: Fraction(v, 100))


@st.composite
def cases(draw):
    framework = draw(st.sampled_from([ESA, NEW]))
    oit = oit_numbers(framework)
    indicators = {i.number: draw(scores) for i in framework.indicators if i.number not in oit}
    pool = [o.code for o in framework.oit_items if o.indicator in oit]
    failed = draw(st.lists(st.sampled_from(pool), max_size=6, unique=True))
    items = {c: Fraction(0) if c in failed else Fraction(100) for c in pool}
    score = result(framework, indicators, items)
    fixes = [Fix("oit_item", c, cost=Fraction(draw(st.integers(1, 4)))) for c in failed]
    others = draw(st.lists(st.sampled_from(sorted(indicators)), max_size=3, unique=True))
    fixes += [
        Fix(
            "indicator",
            str(n),
            to=min(Fraction(100), indicators[n] + draw(scores) / 4),
            cost=Fraction(draw(st.integers(1, 4))),
        )
        for n in others
    ]
    kind = draw(st.sampled_from(["total", "level", "indicator"]))
    if kind == "total":
        target = Target("total", value=Fraction(draw(st.integers(0, 10000)), 100))
    elif kind == "level":
        target = Target("level", level=draw(st.sampled_from([lv.label for lv in framework.levels])))
    else:
        target = Target(
            "indicator",
            indicator=draw(st.sampled_from(sorted(score.indicators))),
            value=Fraction(draw(st.integers(0, 10000)), 100),
        )
    return framework, score, target, fixes, items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_plan_is_the_cheapest_and_reaches_the_target_as_the_scorer_computes_it(case):
    framework, score, target, fixes, items = case
    answer = plan(framework, score, target, fixes)
    usable, _ = moves(framework, score, fixes)
    best = _brute_force(framework, score, target, usable)
    assert answer.proven
    assert answer.reachable == (best is not None)
    if best is None:
        return
    assert (answer.cost, len(answer.steps)) == best
    # rescore from scratch: the passed items make the OIT indicators their mean again, as ITAS does
    after = dict(items)
    indicators = {n: v for n, v in score.indicators.items()}
    for step in answer.steps:
        if step.move.fix.kind == "oit_item":
            after[step.move.fix.code] = step.move.fix.to
        else:
            indicators[step.move.indicator] = step.move.fix.to
    rescored = result(framework, {n: v for n, v in indicators.items() if n not in oit_numbers(framework)}, after)
    assert answer.final_total == rescored.total
    assert reaches(framework, score, target, [s.move for s in answer.steps])


@pytest.mark.parametrize("count", [40])
def test_a_large_unit_cost_plan_finishes_proven(count):
    """Forty failed items of equal cost: the bound proves the greedy answer without trying every subset."""
    items = {o.code: Fraction(0) for o in ESA.oit_items[:count]}
    items.update({o.code: Fraction(100) for o in ESA.oit_items[count:]})
    indicators = {i.number: Fraction(90) for i in ESA.indicators if i.tool != "OIT"}
    score = result(ESA, indicators, items)
    answer = plan(ESA, score, Target("level", level="A"), default_fixes(ESA, score))
    assert answer.reachable and answer.proven
