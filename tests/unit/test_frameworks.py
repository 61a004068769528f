"""The framework editions as data, and the one loader that refuses a wrong file with file, path and problem."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from prongsai.core.diff import diff_frameworks
from prongsai.core.framework import (
    FrameworkError,
    available_frameworks,
    framework_for_year,
    load_framework,
    load_framework_file,
)

EDITIONS = [
    "ita-2562-esa",
    "ita-2563-esa",
    "ita-2563-school",
    "ita-2564",
    "ita-2566",
    "ita-2568",
    "ita-2569",
    "ita-2570",
]
MINI = Path(__file__).parent.parent / "fixtures" / "mini.yaml"


def test_every_edition_loads_and_is_listed():
    assert set(EDITIONS) <= set(available_frameworks())
    for fid in EDITIONS:
        fw = load_framework(fid)
        assert [i.number for i in fw.indicators] == list(range(1, 11))
        assert [t.code for t in fw.tools] == ["IIT", "EIT", "OIT"]
        assert [float(t.weight) for t in fw.tools] == [30, 30, 40]


@pytest.mark.parametrize(
    "fid, oit_9, oit_10",
    [
        ("ita-2562-esa", 33, 15),
        ("ita-2563-esa", 33, 10),
        ("ita-2563-school", 33, 10),
        ("ita-2564", 33, 10),
        ("ita-2566", 30, 13),
    ],
)
def test_oit_item_counts_per_indicator(fid, oit_9, oit_10):
    fw = load_framework(fid)
    assert len([o for o in fw.oit_items if o.indicator == 9]) == oit_9
    assert len([o for o in fw.oit_items if o.indicator == 10]) == oit_10


def test_2563_instrument_has_30_iit_questions_with_51_answer_fields():
    fw = load_framework("ita-2563-esa")
    assert len(fw.questions_of("IIT")) == 30 and len(fw.answer_fields("IIT")) == 51
    assert len(fw.questions_of("EIT")) == 15 and len(fw.answer_fields("EIT")) == 19
    assert [q.code for q in fw.questions_of("IIT")][:3] == ["I1", "I2", "I3"]
    assert fw.oit_item("O42").title == "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    # coefficients of each indicator's fields add up to one
    for indicator in fw.indicators_of("IIT"):
        total = sum(
            c
            for code, c in fw.field_coefficients.items()
            if next(f for f in fw.answer_fields("IIT") + fw.answer_fields("EIT") if f.code == code).indicator
            == indicator.number
        )
        assert total == 1


def test_2564_titles_add_misconduct_and_2566_has_new_labels():
    assert "ประพฤติมิชอบ" in load_framework("ita-2564").oit_item("O29").title
    assert "ประพฤติมิชอบ" not in load_framework("ita-2563-esa").oit_item("O29").title
    assert [lv.label for lv in load_framework("ita-2566").levels] == [
        "ผ่านดีเยี่ยม",
        "ผ่านดี",
        "ผ่าน",
        "ต้องปรับปรุง",
        "ต้องปรับปรุงโดยด่วน",
    ]


def test_year_picks_the_default_edition():
    assert framework_for_year(2562).id == "ita-2562-esa"
    assert framework_for_year(2563).id == "ita-2563-esa"
    assert framework_for_year(2565).id == "ita-2564"
    assert framework_for_year(2567).id == "ita-2566"
    assert framework_for_year(2550) is None


def test_sampling_rules_are_data():
    school = load_framework("ita-2563-school")
    assert school.sampling["IIT"].minimum(12) == 12  # everyone when fewer than 25
    assert school.sampling["IIT"].minimum(80) == 25
    # Updated after the framework-fidelity review (§5.3, §8.7): the school edition's EIT rule (10 %, at least 30,
    # 400 above 4,000) was OVEC's vocational-college rule, not OBEC's, so the school edition no longer sets one.
    assert "EIT" not in school.sampling
    eit = load_framework("ita-2566").sampling["EIT"]  # the same share rule, kept there as a marked stand-in
    assert (eit.minimum(20), eit.minimum(250), eit.minimum(1200), eit.minimum(9000)) == (20, 30, 120, 400)
    assert eit.confidence == "provisional"


def _broken(tmp_path, mutate) -> Path:
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "mutate, path, problem",
    [
        (
            lambda d: d["questions"][1]["sub_items"][1].update(scale="four_levels"),
            "questions[1].sub_items[1].scale",
            "unknown scale 'four_levels'",
        ),
        (lambda d: d["questions"][0].update(reverese=True), "questions[0].reverese", "unknown key"),
        (
            lambda d: d["scales"]["four_level"]["options"][1].update(score=33.333),
            "scales.four_level.options[1].score",
            "more than 2 decimal places",
        ),
        (
            lambda d: d["oit_items"][1]["scoring"].update(method="partial"),
            "oit_items[1].scoring.method",
            "'partial' is not one of",
        ),
        (lambda d: d["oit_items"][0].update(indicator=1), "oit_items[0].indicator", "not an indicator of an evidence"),
        (lambda d: d["levels"].pop(), "levels[2]", "last level must have min 0"),
        (lambda d: d["questions"][4].update(code="I1"), "questions[4].code", "duplicate"),
        (lambda d: d.update(id="other"), "id", "does not match the file name"),
        (lambda d: d["tools"][0].pop("weight"), "tools[0].weight", "required"),
    ],
)
def test_a_wrong_file_is_refused_naming_file_path_and_problem(tmp_path, mutate, path, problem):
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(_broken(tmp_path, mutate))
    message = str(caught.value)
    assert message.startswith("mini.yaml: ")
    assert any(p == path and problem in m for p, m in caught.value.problems), message


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nquestions: [\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"bad.yaml: line \d+, column \d+: not valid YAML"):
        load_framework_file(path)


def test_unknown_framework_lists_the_known_ones():
    with pytest.raises(FrameworkError, match="unknown framework 'ita-2099'.*ita-2563-esa"):
        load_framework("ita-2099")


def test_extra_framework_directory_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("PRONGSAI_FRAMEWORKS", str(tmp_path))
    assert "mini" in available_frameworks()


def test_diff_2563_to_2564_retitles_the_complaint_items():
    diff = diff_frameworks(load_framework("ita-2563-esa"), load_framework("ita-2564"))
    retitled = {c.new[0].code for c in diff.changes if c.kind == "retitled"}
    assert {"O29", "O30", "O31"} <= retitled
    assert not [c for c in diff.changes if c.kind in ("added", "removed")]


def test_diff_2564_to_2566_finds_merges_moves_additions_and_removals():
    diff = diff_frameworks(load_framework("ita-2564"), load_framework("ita-2566"))
    kinds = {}
    for change in diff.changes:
        for entry in change.new or change.old:
            kinds.setdefault(change.kind, set()).add(entry.code)
    assert "O11" in kinds["merged"]  # annual plan and budget plan merged
    assert {"O10", "O31", "O32", "O33", "O39", "O40", "O41"} <= kinds["added"]
    assert "O34" in kinds["removed"]  # เจตจำนงสุจริตของผู้บริหาร gave way to No Gift items
    assert diff.survivors()["O14"] == ["O13"]  # the work manual moved from O13 to O14
    assert diff.survivors()["O1"] == ["O1"]  # unchanged items survive too
    assert "O32" not in diff.survivors()  # a reused code with a declared empty lineage is new
    assert any("levels" in note for note in diff.settings)


def test_diff_2562_to_2563_merges_the_seven_measures_into_o42():
    diff = diff_frameworks(load_framework("ita-2562-esa"), load_framework("ita-2563-esa"))
    merged = next(c for c in diff.changes if c.kind == "merged")
    assert merged.new[0].code == "O42" and len(merged.old) == 7


def test_an_edition_is_its_own_copy():
    """Editions are frozen and compared by identity: a copy of anything holding one (a round, a test's shared
    fixture) keeps the very same edition, so ``is`` comparisons and the edition cache still hold after copying."""
    edition = load_framework("ita-2563-esa")
    holder = {"edition": edition, "again": [edition]}
    copied = copy.deepcopy(holder)
    assert copied is not holder and copied["again"] is not holder["again"]
    assert copied["edition"] is edition and copied["again"][0] is edition
    assert copy.copy(edition) is edition
