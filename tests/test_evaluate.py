"""kg.tools.evaluate: matching rules of FACTS_FORMAT.md on hand-made facts and gold."""

from __future__ import annotations

import json

import pytest

from kg.core.errors import GoldFormatError
from kg.tools.evaluate import (
    evaluate,
    evaluate_files,
    format_scores,
    initiatives_match,
    labels_match,
    load_gold,
    metrics_match,
    norm_bureau,
    partial_ratio,
    scaled_value,
)


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (138.075, "万元", ("1380750", "元")),
        (1380750, "元", ("1380750", "元")),
        (2.92, "万名", ("29200", "人")),
        (12, "名", ("12", "人")),
        (12, "位", ("12", "人")),
        (4.46, "亿元", ("446000000", "元")),
        (95, "%", ("95", "%")),
        (None, "个", None),
    ],
)
def test_scaled_value(value, unit, expected):
    got = scaled_value(value, unit)
    if expected is None:
        assert got is None
    else:
        assert (format(got[0], "f"), got[1]) == expected


@pytest.mark.parametrize(
    "a, b, same",
    [("X区教育局", "xx区教育局", True), ("×县教育局", "*县教育局", True),
     ("X区教育局", "X县教育局", False), ("武义县教育局", "武义县教育局", True)],
)
def test_norm_bureau(a, b, same):
    assert (norm_bureau(a) == norm_bureau(b)) is same


@pytest.mark.parametrize(
    "a, b, ok",
    [
        ("县管校聘", "县管校聘", True),
        ("集团化办学", "教育集团化办学", True),  # contained, 5 of 7 characters
        ("课后服务", "课后服务全覆盖", True),  # contained, 4 of 7: at least half
        ("教育", "教育扶贫精准资助", False),  # contained but under half the longer
        ("集团化", "推进集团化办学改革", False),  # 3 of 9
        ("县管校聘", "区管校聘", False),  # overlapping is not contained
        ("课后服务全覆盖", "全面推进课后服务", False),  # a shared run, neither inside the other
        ("教育扶贫", "教育现代化", False),
        ("学生资助", "资助学生", False),
        ("", "双减", False),
    ],
)
def test_labels_match(a, b, ok):
    assert labels_match(a, b) is ok


def test_initiatives_match_uses_aliases_and_strips_quotes():
    pred = {"label": "“区管校聘”", "aliases": []}
    gold = {"label": "县管校聘", "aliases": ["区管校聘"]}
    assert initiatives_match(pred, gold)
    assert not initiatives_match({"label": "双减"}, gold)


def test_metrics_match_by_scaled_value_or_redacted_quote():
    assert metrics_match({"value": 1380750, "unit": "元"}, {"value": 138.075, "unit": "万元"})
    assert not metrics_match({"value": 13, "unit": "所"}, {"value": 12, "unit": "所"})
    red_gold = {"value": None, "redacted": True, "quote": "新建X所幼儿园"}
    assert metrics_match({"value": None, "redacted": True, "quote": "新建X所幼儿园,新增"}, red_gold)
    assert not metrics_match({"value": 3, "redacted": False, "quote": "新建X所幼儿园"}, red_gold)


@pytest.mark.parametrize(
    "pred, gold, ok",
    [
        ({"value": 12, "unit": "所"}, {"value": 12, "unit": "所"}, True),
        ({"value": 12, "unit": "所"}, {"value": 12, "unit": "人"}, False),  # same number, other class
        ({"value": 95, "unit": "人"}, {"value": 95, "unit": "%"}, False),
        ({"value": 1.2, "unit": "万名"}, {"value": 12000, "unit": "人"}, True),  # 名 = 人 after scaling
        ({"value": 3.5, "unit": "万平方米"}, {"value": 35000, "unit": "平方米"}, True),
        ({"value": 300, "unit": "人次"}, {"value": 300, "unit": "人"}, False),
        ({"value": 40, "unit": "个"}, {"value": 40, "unit": None}, False),
    ],
)
def test_metrics_match_needs_the_same_base_unit(pred, gold, ok):
    assert metrics_match(pred, gold) is ok


@pytest.mark.parametrize(
    "quote, ok",
    [
        ("新建X所幼儿园", True),
        ("全年新建XX所幼儿园", True),  # contained, the redaction run written otherwise
        ("新建xx座幼儿园", True),  # one of seven characters differs: ratio 0.86
        ("全年新建xx所公办幼儿园", False),  # two inserted: best window 0.71
        ("新建X所中学", False),
        ("改造X所薄弱学校", False),
    ],
)
def test_redacted_metrics_match_by_fuzzy_quote(quote, ok):
    gold = {"value": None, "redacted": True, "quote": "新建xx所幼儿园"}
    assert metrics_match({"value": None, "redacted": True, "quote": quote}, gold) is ok


@pytest.mark.parametrize("a, b, ratio", [("abc", "xxabcxx", 1.0), ("abcd", "abxd", 0.75), ("", "abc", 0.0)])
def test_partial_ratio(a, b, ratio):
    assert partial_ratio(a, b) == pytest.approx(ratio)


def _gold():
    return [
        {"key": "a-1", "source": "a.txt", "anchor": "今年我县", "bureau": "某县教育局",
         "bureau_anonymized": False, "region": {"province": "甲省", "city": "乙市", "county": "某县"},
         "level": "county", "summary_year": 2022, "plan_year": 2023,
         "initiatives": [{"label": "双减", "aliases": []}, {"label": "县管校聘", "aliases": ["区管校聘"]}],
         "metrics": [
             {"quote": "新增540个学位", "value": 540, "unit": "个", "comparator": "=", "year": 2022,
              "status": "achieved", "redacted": False},
             {"quote": "投入1.2亿元", "value": 1.2, "unit": "亿元", "comparator": "=", "year": 2022,
              "status": "achieved", "redacted": False},
         ]},
        {"key": "b-1", "source": "b.txt", "anchor": "全区教育", "bureau": "X区教育局",
         "bureau_anonymized": True, "region": {"province": None, "city": None, "county": None},
         "level": "county", "summary_year": None, "plan_year": 2021,
         "initiatives": [{"label": "双减", "aliases": []}]},
    ]


def _pred():
    return {"reports": [
        {"source": "a.txt", "head": "今年我县教育工作……", "bureau": "某县教育局", "bureau_anonymized": False,
         "region": {"province": "甲省", "city": "乙市", "county": "某县"}, "level": "county",
         "summary_year": 2022, "plan_year": 2024,
         "initiatives": [{"label": "双减", "concept": "C:dr", "scope": "national", "aliases": []},
                         {"label": "平安校园", "concept": "C:ps", "scope": "national", "aliases": []}],
         "metrics": [{"quote": "新增540个学位", "value": 540, "unit": "个", "comparator": "=",
                      "year": 2022, "status": "planned", "redacted": False},
                     {"quote": "投入12000万元", "value": 12000, "unit": "万元", "comparator": "~",
                      "year": 2022, "status": "achieved", "redacted": False},
                     {"quote": "3所", "value": 3, "unit": "所", "comparator": "=", "year": 2022,
                      "status": "achieved", "redacted": False}]},
        {"source": "b.txt", "head": "全区教育工作", "bureau": "xx区教育局", "bureau_anonymized": True,
         "region": {"province": None, "city": None, "county": None}, "level": "county",
         "summary_year": None, "plan_year": 2021,
         "initiatives": [{"label": "“双减”", "concept": "C:dr", "scope": "national", "aliases": []}]},
        {"source": "b.txt", "head": "spurious", "bureau": None},
        {"source": "other.txt", "head": "not scored"},
    ]}


def test_evaluate_counts_every_field():
    shared = [{"label": "双减", "reports": ["a-1", "b-1"]}]
    s = evaluate(_pred(), _gold(), shared)
    assert (s.reports.tp, s.reports.pred, s.reports.gold) == (2, 3, 2)
    assert s.extra_reports == 1
    assert s.bureau.value == 1.0 and s.region.value == 1.0
    assert (s.summary_year.value, s.plan_year.value) == (1.0, 0.5)
    assert (s.metrics.tp, s.metrics.pred, s.metrics.gold) == (2, 3, 2)
    assert s.metric_status.value == 0.5 and s.metric_comparator.value == 0.5
    assert (s.initiatives.tp, s.initiatives.pred, s.initiatives.gold) == (2, 3, 3)
    assert (s.shared_links.tp, s.shared_links.gold) == (1, 1)
    table = format_scores(s)
    assert "metrics" in table and "0.667" in table


def test_evaluate_files_and_gold_loading(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "a.json").write_text(
        json.dumps({"source": "a.txt", "reports": _gold()[:1]}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "gold" / "shared.json").write_text(json.dumps({"shared_initiatives": []}), encoding="utf-8")
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(_pred(), ensure_ascii=False), encoding="utf-8")
    reports, shared = load_gold([tmp_path / "gold"])
    assert len(reports) == 1 and shared == []
    s = evaluate_files(facts, [tmp_path / "gold"])
    assert s.reports.recall == 1.0


def test_bad_gold_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="bad.json"):
        load_gold([bad])
    other = tmp_path / "other.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="neither"):
        load_gold([other])


def _mapped(concept, value=540, unit="个", change=None, gold=None):
    """One-metric report: the tool's metric mapped to ``concept``; the gold's to ``gold``."""
    metric = {"quote": f"q{value}", "value": value, "unit": unit, "comparator": "=", "year": 2022,
              "status": "achieved", "redacted": False}
    pred = {**metric, "indicator_concept": concept, **({"change": change} if change is not None else {})}
    gold_metric = {**metric, **({"indicator_concept": gold} if gold is not None else {})}
    return pred, gold_metric


@pytest.mark.parametrize("pred_concept, gold_concepts, right, found", [
    ("new-places", ["new-places"], (1, 1), (1, 1)),  # mapped as the gold says
    ("https://w3id.org/edu-kg/indicator/new-places", ["new-places", "places"], (1, 1), (1, 1)),  # IRI or id
    ("schools", ["new-places"], (0, 1), (0, 1)),  # mapped wrong: counts against both
    (None, ["new-places"], (0, 0), (0, 1)),  # not mapped: a miss of the gold's, no wrong mapping
    ("schools", [], (0, 1), (0, 0)),  # the gold says no concept fits
])
def test_indicator_mapping_scores(pred_concept, gold_concepts, right, found):
    p, g = _mapped(pred_concept, gold=gold_concepts)
    gold = [{**_gold()[0], "metrics": [g]}]
    pred = {"reports": [{**_pred()["reports"][0], "metrics": [p]}]}
    s = evaluate(pred, gold)
    assert (s.indicator_right.right, s.indicator_right.total) == right
    assert (s.indicator_found.right, s.indicator_found.total) == found
    assert (s.indicator_coverage.right, s.indicator_coverage.total) == (int(pred_concept is not None), 1)
    assert "indicator_found" in format_scores(s)
    assert bool(s.misses.get("indicators")) == (right != (1, 1))  # every mapping not the gold's is listed


def test_change_flag_and_unannotated_gold():
    p, g = _mapped("books", change=True, gold=["books"])
    g["change"] = True
    p2, g2 = _mapped("books", value=7, change=False, gold=["books"])
    gold = [{**_gold()[0], "metrics": [g, g2]}]
    pred = {"reports": [{**_pred()["reports"][0], "metrics": [p, p2]}]}
    assert evaluate(pred, gold).metric_change.value == 1.0
    g2["change"] = True
    assert evaluate(pred, gold).metric_change.value == 0.5
    # gold without indicator_concept: no indicator rows at all, and the table leaves them out
    s = evaluate(_pred(), _gold())
    assert s.indicator_coverage.total == 0 and "indicator_right" not in format_scores(s)


def test_misses_listed_on_request():
    p, g = _mapped("schools", gold=["new-places"])
    s = evaluate({"reports": [{**_pred()["reports"][0], "metrics": [p]}]}, [{**_gold()[0], "metrics": [g]}])
    assert "q540: schools (gold: new-places)" in format_scores(s, misses=True)
    assert "q540" not in format_scores(s)
