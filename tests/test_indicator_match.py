"""kg.extract.indicator_match: a metric → the shared indicator it measures (invented scheme)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_fixtures import metric

from kg.extract.indicator_match import IndicatorMatcher, map_indicators
from kg.terms.indicators import load_indicators

SMALL = Path(__file__).parent / "fixtures" / "indicators_small.ttl"


@pytest.fixture(scope="module")
def matcher() -> IndicatorMatcher:
    return IndicatorMatcher(load_indicators(SMALL), remaps=())


def m(indicator, unit, base_unit, quote=None, value="1"):
    return metric(indicator, value, unit, "=", 2022, "achieved", (0, 5), quote or indicator + value + unit,
                  base_value=value, base_unit=base_unit)


@pytest.mark.parametrize("indicator, unit, base_unit, quote, expected", [
    ("学前三年毛入园率", "%", "ratio", None, "preschool-gross-enrolment-rate"),
    ("全县学前教育毛入园率", "%", "ratio", None, "preschool-gross-enrolment-rate"),
    ("毛入園率", "%", "ratio", None, "preschool-gross-enrolment-rate"),  # traditional script
    ("学 前 三 年 毛 入 园 率", "%", "ratio", None, "preschool-gross-enrolment-rate"),  # spaced out
    ("新建幼儿园", "所", "所", None, "new-kindergartens"),  # the longest label wins
    ("幼儿园", "所", "所", None, "kindergartens"),
    ("新增学位", "个", "个", None, "new-places"),
    ("幼儿园学位", "个", "个", None, "new-places"),  # the head noun, last, names what is counted
    ("投入资金", "万元", "元", None, "education-investment"),
    ("经费增长", "%", "ratio", None, "funding-growth"),
    ("元", "万元", "元", "全年教育经费投入1200万元", "education-investment"),  # from the quote
    ("毛入园率", "所", "所", None, None),  # a rate in 所: the unit does not fit
    ("新增学位", "人", "人", None, None),  # no persons kind in this scheme
    ("课后服务", "%", "ratio", None, None),  # no label
    ("新增学位", "个", None, None, None),  # no base unit
])
def test_match(matcher, indicator, unit, base_unit, quote, expected):
    assert matcher.match(m(indicator, unit, base_unit, quote)) == expected


def test_the_label_nearer_the_number_wins(matcher):
    # 幼儿园 and 学位 both fit 个: the one written last (the head noun) is what is counted
    assert matcher.match(m("学位幼儿园", "个", "个")) == "kindergartens"


def test_map_indicators_keeps_unmapped_metrics_as_they_are(matcher):
    a, b = m("新增学位", "个", "个"), m("课后服务", "%", "ratio")
    out = map_indicators([a, b], matcher)
    assert [x.indicator_concept for x in out] == ["new-places", None]
    assert out[1] is b and out[0].indicator == a.indicator  # the text as written is kept


# --- the shipped scheme and kg/data/indicators.toml: a build verb before a school's head noun ------

@pytest.fixture(scope="module")
def shipped() -> IndicatorMatcher:
    return IndicatorMatcher(load_indicators())


@pytest.mark.parametrize("indicator, unit, expected", [
    ("新改扩建初中", "所", "new-schools"),  # built, not the stock of 初中
    ("今年改扩建小学", "所", "new-schools"),
    ("新建公办幼儿园", "所", "new-kindergartens"),
    ("秋季开办幼儿园", "所", "schools-opened"),
    ("建成投用初中", "所", "schools-opened"),
    ("新建成幼儿园", "所", "schools-opened"),  # finished, not begun
])
def test_a_build_verb_makes_a_school_count_one_of_schools_built(shipped, indicator, unit, expected):
    assert shipped.match(m(indicator, unit, unit)) == expected


@pytest.mark.parametrize("indicator, unit, quote, expected", [
    ("新增城区中小学学位", "个", None, "new-places"),  # 小学学位 does not start inside 中小学
    ("新增学位", "座", None, "new-places"),  # places counted in 座, as some cities write them
    ("小学", "所", "其中小学40所", "primary-schools"),  # 其中小学 is 其中 + 小学, not 中小学
    ("中小学和幼儿园", "所", "12所中小学和30所幼儿园投入使用", "schools-opened"),  # verb after the head
    ("完成中小学改扩建任务", "所", None, "new-schools"),
    ("新增义务教育学校", "所", None, "new-schools"),  # 新增: a flow, not the stock
    ("新建智慧校园", "所", None, "smart-campuses"),  # a rated school is not a school built
    ("(民办", "所", "幼儿园60所(25所民办)", "private-kindergartens"),  # qualifier + the quote's head
    ("(民办", "人", "初中生3200人(民办410人)", "private-school-students"),
    ("(公办", "所", "初中12所(8所公办)", "junior-schools"),  # no label for the pair: the quote's head
    ("全区幼儿园", "所", "全区幼儿园89所(新增25所)", "kindergartens"),  # the bracket's verb is the 25's
    ("(新增", "所", "全区幼儿园89所(新增25所)", "new-kindergartens"),
])
def test_compounds_clauses_and_qualifiers(shipped, indicator, unit, quote, expected):
    assert shipped.match(m(indicator, unit, unit, quote)) == expected


def test_a_list_item_naming_nothing_continues_the_metric_before_it(shipped):
    from dataclasses import replace as with_

    def at(metric, start, end):
        return with_(metric, span=(start, end))
    total = at(m("新建幼儿园", "所", "所", "全市新建幼儿园36所"), 0, 10)
    new, district, far = (at(m("其中新建", "所", "所", "其中新建9所"), 11, 17),
                          at(m("海港区", "所", "所", "海港区5所"), 18, 23),
                          at(m("海港区", "所", "所", "海港区5所"), 60, 65))
    places = at(m("海港区", "个", "个", "海港区500个"), 18, 25)
    out = map_indicators([total, new, district], shipped)
    assert [x.indicator_concept for x in out] == ["new-kindergartens"] * 3
    assert [x.indicator_concept for x in map_indicators([total, far], shipped)] == ["new-kindergartens", None]
    assert [x.indicator_concept for x in map_indicators([total, places], shipped)] == ["new-kindergartens", None]
    # only a leading 其中 is dropped before the length check: 中期评估校 keeps its 中 and is too long
    long_item = at(m("中期评估校", "所", "所", "中期评估校5所"), 11, 18)
    assert [x.indicator_concept for x in map_indicators([total, long_item], shipped)] == ["new-kindergartens", None]
    stock = at(m("全县幼儿园", "所", "所", "全县幼儿园40所"), 0, 9)
    built = at(m("新建", "所", "所", "新建3所"), 10, 14)  # continues the stock with its own verb
    assert [x.indicator_concept for x in map_indicators([stock, built], shipped)] == ["kindergartens",
                                                                                       "new-kindergartens"]


def test_without_a_build_verb_the_head_names_the_stock(shipped):
    stock = shipped.match(m("全县初中", "所", "所"))
    assert stock not in (None, "new-schools", "schools-opened")


def test_remaps_must_name_the_schemes_ids():
    from kg.core.errors import DataFileError
    from kg.extract.indicator_match import Remap

    with pytest.raises(DataFileError, match="lacks"):
        IndicatorMatcher(load_indicators(SMALL), remaps=(Remap("kind-schools", ("新建",), (("*", "nope"),)),))


@pytest.mark.parametrize("table, match", [
    ({}, "remap"), ({"remap": [{"kind": "kind-schools", "cues": [], "to": {"*": "x"}}]}, "cues"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {}}]}, "to"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}, "heads": []}]}, "heads"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}]}, "words"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}],
      "words": {"compounds": ["中小学"], "qualifiers": "民办"}}, "qualifiers"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}],
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": -1}}, "list_gap"),
])
def test_bad_indicator_rules_name_the_key(table, match):
    from kg.core.errors import DataFileError
    from kg.extract.indicator_match import parse_indicator_rules

    with pytest.raises(DataFileError, match=match):
        parse_indicator_rules(table, "indicators.toml")
