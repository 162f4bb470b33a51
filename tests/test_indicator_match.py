"""kg.extract.indicator_match: a metric → the shared indicator it measures (invented scheme)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from graph_fixtures import metric

from kg.extract.indicator_match import IndicatorMatcher, IndicatorRules, map_indicators
from kg.terms.indicators import load_indicators

SMALL = Path(__file__).parent / "fixtures" / "indicators_small.ttl"


@pytest.fixture(scope="module")
def matcher() -> IndicatorMatcher:
    return IndicatorMatcher(load_indicators(SMALL), remaps=(), breakdowns=(), generic={}, follows=(),
                            words=IndicatorRules(()))


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
    ("(民办", "所", "完全中学5所(3所民办)", "private-schools"),
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
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}, "before": "yes"}]}, "before"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}], "generic": {"a": ["b"], "c": ["b"]},
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": 1, "list_item_len": 1,
                "breakdown_prefix": 1, "people_unit": "人"}}, "two indicators"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}],
      "words": {"compounds": ["中小学"], "qualifiers": "民办"}}, "qualifiers"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}],
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": -1}}, "list_gap"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}],
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": 1, "list_item_len": 1}},
     "breakdown_prefix"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}],
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": 1, "list_item_len": 1,
                "breakdown_prefix": 1}}, "people_unit"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}], "breakdown": {"leads": ["x"]},
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": 1, "list_item_len": 1,
                "breakdown_prefix": 1, "people_unit": "人"}}, "breakdown"),
    ({"remap": [{"kind": "kind-schools", "cues": ["新建"], "to": {"*": "x"}}], "breakdown": [{"leads": ["x"]}],
      "words": {"compounds": ["中小学"], "qualifiers": ["民办"], "list_gap": 1, "list_item_len": 1,
                "breakdown_prefix": 1, "people_unit": "人"}},
     r"breakdown\[0\]\.to"),
])
def test_bad_indicator_rules_name_the_key(table, match):
    from kg.core.errors import DataFileError
    from kg.extract.indicator_match import parse_indicator_rules

    with pytest.raises(DataFileError, match=match):
        parse_indicator_rules(table, "indicators.toml")


# --- breakdowns: a list item naming a kind of school after a total (invented sentences) -----------

def _listed(*items):
    """Metrics (indicator, unit, quote) written one after another, each quote starting one character
    after the previous one ends, as a list separated by 、 or ，."""
    from dataclasses import replace as with_
    out, start = [], 0
    for indicator, unit, quote in items:
        out.append(with_(m(indicator, unit, unit, quote), span=(start, start + len(quote))))
        start += len(quote) + 1
    return out


@pytest.mark.parametrize("items, expected", [
    # a total of schools built, then its kinds: each counts schools built
    ([("全镇新建学校", "所", "全镇新建学校12所"), ("其中幼儿园", "所", "其中幼儿园5所"),
      ("初中", "所", "初中2所"), ("村完小", "所", "村完小5所")],
     ["new-schools", "new-kindergartens", "new-schools", "new-schools"]),
    # schools opened stay schools opened
    ([("投入使用学校", "所", "投入使用学校9所"), ("其中中小学", "所", "其中中小学4所"),
      ("幼儿园", "所", "幼儿园5所")], ["schools-opened"] * 3),
    # a total of places, then its kinds: places, by level
    ([("增加学位", "个", "增加学位3600个"), ("其中幼儿园", "个", "其中幼儿园600个"),
      ("小学", "个", "小学1800个"), ("普通高中", "个", "普通高中1200个")],
     ["new-places", "preschool-places", "compulsory-places", "senior-places"]),
    # after places, a school named in full is that school's places, not a count of schools
    ([("新增学前学位", "个", "新增学前学位450个"), ("分别是青岭镇中心幼儿园", "个", "分别是青岭镇中心幼儿园180个"),
      ("石桥小学附属幼儿园", "个", "石桥小学附属幼儿园270个")], ["preschool-places"] * 3),
    # projects counted by kind of school are schools being built, also past an aside on the total
    ([("学校建设项目", "个", "学校建设项目9个"), ("竣工", "个", "计划竣工2个"),
      ("其中幼儿园", "个", "其中幼儿园5个"), ("小学", "个", "小学4个")],
     ["construction-projects", "projects-completed", "new-kindergartens", "new-schools"]),
    # a stock total lists its stock
    ([("全县幼儿园", "所", "全县幼儿园60所"), ("其中公办幼儿园", "所", "其中公办幼儿园25所")],
     ["kindergartens", "public-kindergartens"]),
    # the head after the number reads a sentence, not a list item
    ([("建成公办园", "所", "今年建成6所公办园"), ("城区公办园", "所", "城区2所公办园的格局")],
     ["schools-opened", "public-kindergartens"]),
    # after a total of the same kind, a long text before the head says more than a kind of school
    ([("新建学校", "所", "新建学校8所"), ("全县现有幼儿园", "所", "全县现有幼儿园80所")],
     ["new-schools", "kindergartens"]),
])
def test_a_list_item_naming_a_kind_of_school_breaks_down_the_total_before_it(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_listed(*items), shipped)] == expected


def test_a_breakdown_far_from_its_total_does_not_apply(shipped):
    from dataclasses import replace as with_
    total, item = _listed(("新建学校", "所", "新建学校8所"), ("幼儿园", "所", "幼儿园3所"))
    far = with_(item, span=(total.span[1] + 40, total.span[1] + 45))
    assert [x.indicator_concept for x in map_indicators([total, far], shipped)] == ["new-schools", "kindergartens"]


@pytest.mark.parametrize("indicator, unit, quote, expected", [
    ("新建、改建校舍", "平方米", "新建、改建校舍3.2万平方米", "new-building-area"),  # built area, not the stock
    ("校舍", "平方米", "全县校舍12万平方米", "building-area"),
    ("改建运动场", "平方米", "改建运动场8000平方米", "sports-ground-area"),
    ("将建设学校", "所", "全区将建设6所学校", "new-schools"),
    ("普惠性幼儿园", "所", "新建改扩建普惠性幼儿园6所", "new-kindergartens"),
    ("新增普惠性民办幼儿园", "所", "全区新增3所普惠性民办幼儿园", "new-inclusive-kindergartens"),  # recognised
    ("公办普高", "所", "推进4所公办普高建设", "new-schools"),  # 建设 after the head
    ("新建中小学和幼儿园", "所", "新建中小学和幼儿园20所", "new-schools"),  # both heads: all schools
    # works begun or finished are projects at that stage, of any kind of school
    ("开工建设中小学和幼儿园", "所", "开工建设中小学和幼儿园20所", "projects-started"),
    ("新开工建设幼儿园", "所", "新开工建设幼儿园4所", "projects-started"),
    ("完工中小学校", "所", "完工中小学校16所", "projects-completed"),
    ("已竣工幼儿园", "所", "已竣工幼儿园9所", "projects-completed"),
    ("建成投用幼儿园", "所", "建成投用幼儿园5所", "schools-opened"),  # opened, not only finished
    ("在建幼儿园", "所", "在建幼儿园7所", "construction-projects"),  # under way
    # floor area repaired, begun or finished: the stage the verb says, not the stock
    ("维修宿舍等校舍", "平方米", "维修宿舍等校舍1500平方米", "renovated-area"),
    ("开工建设校舍", "平方米", "开工建设校舍12500平方米", "new-building-area"),
    ("已开工校舍面积", "平方米", "已开工校舍面积8800平方米", "new-building-area"),
    ("规划建设校舍面积", "平方米", "规划建设校舍面积6100平方米", "new-building-area"),
    ("竣工校舍", "平方米", "全省竣工校舍4000平方米", "new-building-area"),
    ("校舍建筑面积", "平方米", "全县校舍建筑面积5000平方米，维修围墙", "building-area"),  # the stock: repairs elsewhere
    # an area naming nothing known is read by its own build verb, and without one stays unread
    ("新建学生食堂综合楼", "平方米", "新建学生食堂综合楼900平方米", "new-building-area"),
    ("维修围墙", "平方米", "维修围墙1200平方米", "renovated-area"),
    ("绿化", "平方米", "校园绿化1200平方米", None),
])
def test_build_verbs_on_area_and_more_school_heads(shipped, indicator, unit, quote, expected):
    assert shipped.match(m(indicator, unit, unit, quote)) == expected


@pytest.mark.parametrize("indicator, unit, base_unit, expected", [
    ("重本上线率", "%", "ratio", "gaokao-first-tier-rate"), ("重本率", "%", "ratio", "gaokao-first-tier-rate"),
    ("在园幼儿普惠覆盖率", "%", "ratio", "inclusive-kindergarten-coverage"),
    ("初中毕业生升入高中的比例", "%", "ratio", "junior-progression-rate"),
    ("公办园和民办园幼儿园幼儿", "人", "人", "kindergarten-children"),
    ("省级骨干园", "所", "所", "quality-rated-kindergartens"),
    ("示范幼儿园三分园", "所", "所", "kindergartens"),  # a branch campus is a kindergarten
    ("区县自建园", "所", "所", "new-kindergartens"),
    ("带动社会投入资金", "亿元", "元", "social-investment"),
    ("农村学生营养改善惠及学生", "万人", "人", "nutrition-beneficiaries"),
    ("规划投资", "亿元", "元", "project-investment"), ("累计投资", "万元", "元", "project-investment"),
    ("公办及普惠性民办幼儿园在园幼儿占比", "%", "ratio", "inclusive-kindergarten-coverage"),
    ("全市重点推动的项目", "个", "个", "key-projects"),
    ("招生任务完成比例", "%", "ratio", "investment-completion-rate"),
    ("完成年初预算", "%", "ratio", "investment-completion-rate"),
    ("购置教学设备", "亿元", "元", "equipment-investment"),
    # a level's retention counted over its years, and compulsory enrolment of the age group
    ("小学六年巩固率", "%", "ratio", "primary-retention-rate"), ("初中三年巩固率", "%", "ratio", "junior-retention-rate"),
    ("义务教育阶段适龄人口入学率", "%", "ratio", "compulsory-enrolment-rate"),
    ("上半年完成教育投资", "亿元", "元", "education-investment"),  # 投资 as 投入
    # a statistics bulletin's and a review's own wordings
    ("小学校数", "所", "所", "primary-schools"),  # not 学校数: the level's schools
    ("辖区共有学校", "所", "所", "schools-total"),
    ("毕业", "人", "人", "graduates"),
    ("幼儿园园舍总面积", "万平方米", "平方米", "building-area"),
    ("免除教科书费", "万元", "元", "free-textbooks"),
    ("补助住宿生生活费", "万元", "元", "boarding-allowance"),
    ("化解“普九”债务", "万元", "元", "debt-resolution"),  # quoted inside
])
def test_new_alt_labels(shipped, indicator, unit, base_unit, expected):
    assert shipped.match(m(indicator, unit, base_unit, indicator + "达到21")) == expected


@pytest.mark.parametrize("quote, unit, expected", [
    ("48个项目已经全部启动", "个", "projects-started"),  # the verb after the number names what is counted
    ("31项已经完成", "项", "projects-completed"),
    ("9所主体已经完成", "所", "projects-completed"),
])
def test_a_verb_after_the_number(shipped, quote, unit, expected):
    assert shipped.match(m(quote.split("已")[0].strip("0123456789个项所"), unit, unit, quote)) == expected


@pytest.mark.parametrize("indicator, quote, expected", [
    ("公办园学位建设任务", "全县公办园学位建设任务1200个", "preschool-places"),  # a kindergarten word before
    ("学前教育新增学位", "学前教育新增学位800个", "preschool-places"),
    ("新增中小学学位", "新增中小学学位3000个、学前教育学位900个", "new-places"),  # only before the head
    ("学位建设任务", "学位建设任务1200个", "new-places"),
])
def test_places_a_kindergarten_word_qualifies_before_the_head(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "个", "个", quote)) == expected


@pytest.mark.parametrize("indicator, quote, value, unit, expected", [
    ("在园幼儿", "全镇共有在园幼儿3,120个", "3120", "个", None),  # children written in 个: no count of schools
    ("公办幼儿园在园幼儿", "其中公办幼儿园在园幼儿1800个", "1800", "个", None),
    # the text may run past the number: 学位 is the head of the 900, not of the 12
    ("改扩建的幼儿园增加学位", "改扩建的12所幼儿园增加学位900个", "12", "所", "new-kindergartens"),
    # a kind of school before a count of people is its level, not a head naming people: 中职 entrants
    ("完成今年全县中职", "完成今年全县中职1200人以上的招生任务", "1200", "人", "vocational-enrolment"),
])
def test_a_head_naming_people_in_another_unit_gets_no_concept(shipped, indicator, quote, value, unit, expected):
    assert shipped.match(m(indicator, unit, unit, quote, value=value)) == expected


@pytest.mark.parametrize("indicator, quote, expected", [
    # an indicator cut to its maximum length lost the start of its verb: the quote still has it
    ("付使用的新建、改建中小学和幼儿园", "全区拟交付使用的新建、改建中小学和幼儿园共64所", "schools-opened"),
    ("扩建中小学及幼儿园", "今年新建、扩建中小学及幼儿园共40所", "new-schools"),
    # words before an earlier number are that number's
    ("幼儿园", "投入使用学校3所、新建幼儿园5所", "new-kindergartens"),
])
def test_a_verb_before_a_cut_indicator_still_counts(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "所", "所", quote)) == expected


@pytest.mark.parametrize("indicator, quote, expected", [
    # an indicator cut inside a longer label its quote writes: the longer label wins
    ("育巩固率", "全县九年义务教育巩固率为99.2%", "compulsory-retention-rate"),
    ("巩固率", "全县巩固率为99.2%", "retention-rate"),  # nothing cut
])
def test_a_label_cut_at_the_indicators_start_is_read_whole_from_the_quote(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "%", "ratio", quote, value="99.2")) == expected


@pytest.mark.parametrize("items, expected", [
    ([("小学", "所", "全市有小学320所"), ("在校生", "人", "在校生21.5万人")], ["primary-schools", "primary-students"]),
    ([("普通高中", "所", "普通高中12所"), ("在校生", "人", "在校生2.1万人")], ["senior-high-schools", "senior-students"]),
    ([("中等职业学校", "所", "中等职业学校5所"), ("在校生", "人", "在校生6800人")],
     ["vocational-schools", "vocational-students"]),
    # schools of several levels: the students stay all students
    ([("中小学", "所", "全县中小学86所"), ("在校生", "人", "在校生5.2万人")],
     ["primary-secondary-schools", "students-total"]),
])
def test_students_right_after_a_levels_schools_are_that_levels(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_listed(*items), shipped)] == expected


@pytest.mark.parametrize("items, expected", [
    # the list a level's schools open runs on: its entrants, students and teachers
    ([("普通高中", "所", "普通高中12所"), ("招生", "人", "招生7000人"), ("在校生", "人", "在校生2.1万人"),
      ("专任教师", "人", "专任教师1800人")],
     ["senior-high-schools", "new-entrants", "senior-students", "senior-teachers"]),
    ([("中等职业学校", "所", "中等职业学校5所"), ("招生", "人", "招生2000人"), ("在校生", "人", "在校生6800人")],
     ["vocational-schools", "vocational-enrolment", "vocational-students"]),
])
def test_a_levels_schools_open_a_list_of_that_levels_figures(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_listed(*items), shipped)] == expected


def test_a_levels_list_ends_where_the_figures_stop_following_each_other(shipped):
    school, entrants, students = _listed(("普通高中", "所", "普通高中12所"), ("招生", "人", "招生7000人"),
                                         ("在校生", "人", "在校生2.1万人"))
    far = replace(students, span=(students.span[0] + 40, students.span[1] + 40))
    assert [x.indicator_concept for x in map_indicators([school, entrants, far], shipped)][2] == "students-total"


@pytest.mark.parametrize("items, expected", [
    # places added right after kindergartens built are kindergarten places
    ([("新建幼儿园", "所", "全县新建幼儿园12所"), ("增加学位", "个", "增加学位2400个")],
     ["new-kindergartens", "preschool-places"]),
    # after schools built they stay places of any level
    ([("新建学校", "所", "新建学校12所"), ("增加学位", "个", "增加学位2400个")], ["new-schools", "new-places"]),
])
def test_places_right_after_kindergartens_built_are_kindergarten_places(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_listed(*items), shipped)] == expected


def test_an_item_naming_what_it_counts_in_another_unit_continues_nothing(shipped):
    total, item = _listed(("幼儿班", "个", "附设幼儿班40个"), ("在园幼儿", "个", "在园幼儿1200个"))
    item = replace(item, value=Decimal("1200"))
    assert [x.indicator_concept for x in map_indicators([total, item], shipped)] == ["kindergartens", None]


def test_breakdowns_and_generics_must_name_the_schemes_ids():
    from kg.core.errors import DataFileError
    from kg.extract.indicator_match import Breakdown, Follow

    with pytest.raises(DataFileError, match="breakdown"):
        IndicatorMatcher(load_indicators(SMALL), remaps=(), breakdowns=(Breakdown(("new-places",), (("*", "x"),)),),
                         generic={}, follows=())
    with pytest.raises(DataFileError, match="generic"):
        IndicatorMatcher(load_indicators(SMALL), remaps=(), breakdowns=(), generic={"kind-of-x": "new-places"},
                         follows=())
    with pytest.raises(DataFileError, match="follow"):
        IndicatorMatcher(load_indicators(SMALL), remaps=(), breakdowns=(), generic={},
                         follows=(Follow(("nope",), "new-places", "new-places"),))


def test_an_item_opening_a_bracket_breaks_its_total_down(shipped):
    """共15所(中小学9所，幼儿园6所): the items count what the total counts (schools opened)."""
    items = _listed(("计划投入使用的学校", "所", "计划投入使用的学校共15所"), ("(中小学", "所", "学校共15所(中小学9所"),
                    ("幼儿园", "所", "幼儿园6所)"))
    assert [x.indicator_concept for x in map_indicators(items, shipped)] == ["schools-opened"] * 3


def test_a_floor_area_right_after_a_land_area_is_the_stock(shipped):
    items = _listed(("全县中小学占地面积", "平方米", "全县中小学占地面积145万平方米"), ("建筑面积", "平方米", "建筑面积80万平方米"))
    assert [x.indicator_concept for x in map_indicators(items, shipped)] == ["land-area", "building-area"]
    (alone,) = _listed(("建筑面积", "平方米", "新建教学楼建筑面积8000平方米"))
    assert map_indicators([alone], shipped)[0].indicator_concept == "new-building-area"
    new = _listed(("新增教育用地", "平方米", "新增教育用地12万平方米"), ("新增校舍面积", "平方米", "新增校舍面积9万平方米"))
    assert [x.indicator_concept for x in map_indicators(new, shipped)] == ["land-area", "new-building-area"]


def test_an_item_opening_a_bracket_continues_a_figure_only_when_short(shipped):
    """组建教育集团12个，通过评审(全市仅3个区县): the 3 names what it counts (区县): no continuation."""
    total, item = _listed(("组建教育集团", "个", "组建教育集团12个"), ("(全市仅区县", "个", "通过评审(全市仅3个区县)"))
    assert [x.indicator_concept for x in map_indicators([total, item], shipped)] == ["education-groups", None]


def test_works_under_way_after_works_finished_are_projects_under_way(shipped):
    """全县新建幼儿园30所，其中已竣工20所，在建8所: the 8 are under way, not finished nor new kindergartens."""
    total, done, building = _listed(("全县新建幼儿园", "所", "全县新建幼儿园30所"), ("竣工", "所", "其中已竣工20所"),
                                    ("在建", "所", "在建8所"))
    assert [x.indicator_concept for x in map_indicators([total, done, building], shipped)][2] == "construction-projects"


def _run(*items):
    """Metrics written one after the other, ``gap`` characters apart: (indicator, unit, quote, gap)."""
    from dataclasses import replace as with_
    out, start = [], 0
    for indicator, unit, quote, gap in items:
        start += gap
        out.append(with_(m(indicator, unit, unit, quote), span=(start, start + len(quote))))
        start += len(quote)
    return out


@pytest.mark.parametrize("items, expected", [
    # the list the total opens runs on past other figures to its kinds of school: schools opened
    ([("投入使用学校", "所", "投入使用学校120所", 0), ("新增学位", "个", "新增学位3500个", 1),
      ("幼儿园", "所", "幼儿园40所", 10), ("小学", "所", "小学50所", 1)], ["schools-opened", "new-places"] + ["schools-opened"] * 2),
    # ... past items of its own that name nothing known (新建83所、改扩建33所)
    ([("投入使用学校", "所", "投入使用学校116所", 0), ("新增学位", "个", "新增学位9000个", 1), ("新建", "所", "新建83所", 8),
      ("改扩建", "所", "改扩建33所", 1), ("幼儿园", "所", "幼儿园39所", 10)],
     ["schools-opened", "new-places", None, None, "schools-opened"]),
    # the list broke off (a figure farther than the list gap): the kind stays the stock
    ([("投入使用学校", "所", "投入使用学校120所", 0), ("新增学位", "个", "新增学位3500个", 1),
      ("幼儿园", "所", "幼儿园40所", 30)], ["schools-opened", "new-places", "kindergartens"]),
    # ... nor one with a verb of its own (新建中小学6所 counts schools built)
    ([("投入使用学校", "所", "投入使用学校120所", 0), ("新增学位", "个", "新增学位3500个", 1),
      ("新建中小学", "所", "计划新建中小学6所", 1)], ["schools-opened", "new-places", "new-schools"]),
    # an item saying more than its kind of school is no item of that total
    ([("投入使用学校", "所", "投入使用学校120所", 0), ("新增学位", "个", "新增学位3500个", 1),
      ("全县有幼儿园", "所", "全县有幼儿园40所", 2)], ["schools-opened", "new-places", "kindergartens"]),
])
def test_a_total_breaks_down_over_the_list_it_opens(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_run(*items), shipped)] == expected


@pytest.mark.parametrize("indicator, unit, quote, expected", [
    ("小学附设初中班", "处", "另有小学附设初中班8处", None),  # classes of a school, no school
    ("一贯制小学部", "处", "一贯制小学部6处", None),  # a section of one
    ("普通高中附设中职班班", "处", "普通高中附设中职班班1处", None),
    ("初中", "所", "初中12所", "junior-schools"),  # the kind alone is still a count of schools
    ("本科院校", "所", "本科院校30所(含本科层次职业学校2所)", None),  # a university is no 职业学校
    ("(含本科层次职业学校", "所", "本科院校30所(含本科层次职业学校2所)", None),
    ("职业学校", "所", "职业学校5所", "vocational-schools"),
    # the quote's words before another figure are that figure's (中职学校66所): 普通高校 names nothing known
    ("普通高校", "所", "、特殊学校9所、普通高校6所", None),
])
def test_parts_of_schools_universities_and_other_figures_words_name_no_school(shipped, indicator, unit, quote, expected):
    assert shipped.match(m(indicator, unit, unit, quote)) == expected


def test_places_after_preschool_places_that_name_their_own_level_keep_it(shipped):
    """增加学前教育学位1500个；新增中小学学位4000个: the 4000 say whose places they are."""
    items = _run(("增加学前教育学位", "个", "增加学前教育学位1500个", 0), ("新增中小学学位", "个", "新增中小学学位4000个", 1))
    assert [x.indicator_concept for x in map_indicators(items, shipped)] == ["preschool-places", "new-places"]
    bare = _run(("增加学前教育学位", "个", "增加学前教育学位1500个", 0), ("增加学位", "个", "增加学位400个", 1))
    assert [x.indicator_concept for x in map_indicators(bare, shipped)] == ["preschool-places"] * 2


@pytest.mark.parametrize("indicator, quote, expected", [
    # an indicator running around its number keeps the words before it: 学前教育 makes them kindergarten places
    ("完成扩增学位", "海淀区学前教育完成扩增6800个学位", "preschool-places"),
    ("完成扩增学位", "2019年完成扩增8200个学位", "new-places"),
    # a kindergarten word with a school level before the head: places of all levels
    ("新增中小学、公办园学位", "新增中小学、公办园学位9000个", "new-places"),
    ("新增公办园学位", "新增公办园学位9000个", "preschool-places"),
])
def test_words_before_places_that_make_them_kindergarten_places(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "个", "个", quote)) == expected


@pytest.mark.parametrize("indicator, quote, expected", [
    # the label right after the figure names what it counts, read with the verbs before it
    ("将建设", "我市将建设43所普惠性幼儿园列入十大民生实事之一", "new-kindergartens"),
    ("所", "23所普惠性民办幼儿园认定工作已经完成", "new-inclusive-kindergartens"),
    ("全市", "全市共有幼儿园60所", "kindergartens"),  # the head before the figure still reads
])
def test_a_label_right_after_the_figure_names_what_it_counts(shipped, indicator, quote, expected):
    value = next(n for n in ("43", "23", "60") if n in quote)
    assert shipped.match(m(indicator, "所", "所", quote, value=value)) == expected


def test_an_item_of_works_begun_that_says_its_own_are_opened_counts_schools_opened(shipped):
    items = _run(("新开工建设幼儿园", "所", "新开工建设幼儿园30所", 0), ("建成", "所", "建成25所", 1))
    assert [x.indicator_concept for x in map_indicators(items, shipped)] == ["projects-started", "schools-opened"]


def test_people_are_named_by_what_they_do_not_by_the_label_after_their_figure(shipped):
    assert shipped.match(m("选派", "名", "人", "选派12名骨干教师赴x县支教一年", value="12")) == "volunteer-teachers"


@pytest.mark.parametrize("items, expected", [
    # works begun, by kind of school, are works begun
    ([("集中开工的项目学校", "所", "集中开工的项目学校53所", 0), ("包括幼儿园", "所", "包括幼儿园13所", 0),
      ("小学", "所", "小学26所", 1)], ["projects-started"] * 3),
    # a figure whose head follows it, opening a list with 其中, breaks its total down too
    ([("建成投入使用学校", "所", "建成投入使用学校1所", 0), ("中小学", "所", "其中1所中小学", 1)], ["schools-opened"] * 2),
    # places right after kindergartens (their projects, counted as projects) are kindergarten places
    ([("幼儿园项目", "个", "幼儿园项目39个", 0), ("新增学位", "个", "新增学位15000个", 1)],
     ["construction-projects", "preschool-places"]),
])
def test_breakdowns_of_works_begun_lists_opened_by_qizhong_and_places_after_kindergartens(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_run(*items), shipped)] == expected


@pytest.mark.parametrize("indicator, unit, base_unit, expected", [
    ("组建名师研修共同体", "个", "个", "education-groups"),
    ("全年预算内教育经费投入", "亿元", "元", "general-budget-education-spending"),
])
def test_labels_of_study_communities_and_in_budget_spending(shipped, indicator, unit, base_unit, expected):
    assert shipped.match(m(indicator, unit, base_unit)) == expected


@pytest.mark.parametrize("indicator, quote, expected", [
    ("建的镇公办幼儿园将于9月", "目前在建的镇3所公办幼儿园将于9月投入使用", "schools-opened"),  # 在建的: a description
    ("在建幼儿园", "在建幼儿园3所", "construction-projects"),
])
def test_works_under_way_described_by_what_they_will_be(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "所", "所", quote, value="3")) == expected


def test_figure_is_the_regex_it_replaces():
    """``(?<![\\d.])N\\s*U`` found without a pattern per figure: the same end on random texts of
    digits, points, full-width digits, spaces and units."""
    import random
    import re

    from kg.extract.indicator_match import _figure

    rnd = random.Random(11)
    pieces = ["1", "12", "2", ".", "３", " ", "\u3000", "所", "万元", "个", "新建", "x"]
    for _ in range(3000):
        form = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        written, unit = rnd.choice(["1", "12", "2", "1.2"]), rnd.choice(["所", "万元", "个"])
        found = re.search(rf"(?<![\d.]){re.escape(written)}\s*{re.escape(unit)}", form)
        at = _figure(m("x", unit, unit, value=written), form)
        assert at == (found.span() if found else None), (form, written, unit)


# --- issue 19, unseen pages: labels, school projects, levels, changes and totals ------------------

def _seq(*items):
    """Metrics one after the other, ``gap`` characters apart: (indicator, unit, base_unit, quote, value, gap)."""
    out, start = [], 0
    for indicator, unit, base_unit, quote, value, gap in items:
        start += gap
        out.append(replace(m(indicator, unit, base_unit, quote, value=value), span=(start, start + len(quote))))
        start += len(quote)
    return out


@pytest.mark.parametrize("indicator, unit, base_unit, expected", [
    ("全县幼儿园公办率", "%", "ratio", "public-kindergarten-enrolment-share"),
    ("公办园就读幼儿比例", "%", "ratio", "public-kindergarten-enrolment-share"),
    ("残疾儿童少年义务教育入学安置率", "%", "ratio", "disabled-enrolment-rate"),
    ("标准化考场", "个", "个", "standardised-exam-rooms"),
    ("高考设考场", "个", "个", "standardised-exam-rooms"),
    ("拨付教学楼建设工程款", "万元", "元", "project-investment"),
    ("实施教改项目", "个", "个", "research-projects"),
    ("公办学校标准化覆盖率", "%", "ratio", "standardisation-rate"),
    ("实施办学条件改善项目", "个", "个", "construction-projects"),
    ("推进教育补短板项目", "个", "个", "construction-projects"),
    ("学前教育阶段项目", "个", "个", "construction-projects"),
    ("职业学校新建扩建项目", "个", "个", "construction-projects"),  # not schools built: projects
    ("年底前还将建成项目", "个", "个", "projects-completed"),
])
def test_labels_of_wording_variants(shipped, indicator, unit, base_unit, expected):
    assert shipped.match(m(indicator, unit, base_unit)) == expected


@pytest.mark.parametrize("indicator, unit, quote, expected", [
    ("普通高中项目", "个", "普通高中项目1个", "construction-projects"),  # a kind of school's projects
    ("中小学项目", "个", "中小学项目12个", "construction-projects"),
    ("秋季前建成幼儿园项目", "个", "秋季前建成幼儿园项目9个", "projects-completed"),  # finished ones
    ("新开工中小学项目", "个", "新开工中小学项目9个", "projects-started"),
    ("新建中小学", "所", "完成16所新建中小学项目", "new-schools"),  # in 所: the schools themselves
    ("幼儿园", "个", "幼儿园12个", "kindergartens"),  # no project word: still the schools
])
def test_a_kind_of_schools_projects_count_projects(shipped, indicator, unit, quote, expected):
    assert shipped.match(m(indicator, unit, unit, quote, value=next(d for d in ("12", "16", "9", "1") if d in quote))) \
        == expected


@pytest.mark.parametrize("items, expected", [
    # places right after a level's projects are that level's places
    ([("学前教育阶段项目", "个", "个", "其中学前教育阶段项目4个", "4", 0), ("新增学位", "个", "个", "新增学位1800个", "1800", 1),
      ("义务教育阶段项目", "个", "个", "义务教育阶段项目3个", "3", 1), ("新增学位", "个", "个", "新增学位2700个", "2700", 1),
      ("普通高中项目", "个", "个", "普通高中项目2个", "2", 1), ("新增学位", "个", "个", "新增学位900个", "900", 1)],
     ["construction-projects", "preschool-places", "construction-projects", "compulsory-places",
      "construction-projects", "senior-places"]),
    # 中小学 spans two levels: places of all levels
    ([("中小学项目", "个", "个", "中小学项目7个", "7", 0), ("新增学位", "个", "个", "新增学位3600个", "3600", 1)],
     ["construction-projects", "new-places"]),
    # places after the last item of a list of kinds of school are the places of them all
    ([("投入使用学校", "所", "所", "投入使用学校11所", "11", 0), ("中小学", "所", "所", "其中中小学4所", "4", 1),
      ("幼儿园", "所", "所", "幼儿园7所", "7", 1), ("增加学位", "个", "个", "增加学位5200个", "5200", 1)],
     ["schools-opened"] * 3 + ["new-places"]),
    # a list of levels after places added, the first level written after the head: each level's places
    ([("新增公办学位学前教育", "万个", "个", "新增公办学位学前教育3万个、义务教育9万个、普通高中2万个", "3", 0),
      ("义务教育", "万个", "个", "学位学前教育3万个、义务教育9万个、普通高中2万个", "9", 1),
      ("普通高中", "万个", "个", "学位学前教育3万个、义务教育9万个、普通高中2万个", "2", 1)],
     ["preschool-places", "compulsory-places", "senior-places"]),
    # places after places are a figure of their own, not of the level before (，全县新增学位5000个)
    ([("新增公办学位学前教育", "万个", "个", "新增公办学位学前教育3万个、义务教育9万个", "3", 0),
      ("义务教育", "万个", "个", "学位学前教育3万个、义务教育9万个", "9", 1),
      ("新增学位", "个", "个", "新增学位5000个", "5000", 2)], ["preschool-places", "compulsory-places", "new-places"]),
])
def test_places_take_the_level_their_list_names(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_seq(*items), shipped)] == expected


@pytest.mark.parametrize("indicator, quote, expected", [
    ("公办义务教育阶段学校学位", "公办义务教育阶段学校学位6000个", "compulsory-places"),
    ("公办普高学位", "公办普高学位900个", "senior-places"),
    ("新增中小学学位", "新增中小学学位4000个", "new-places"),  # two levels
])
def test_a_level_before_places_names_whose_places(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "个", "个", quote, value=quote[len(indicator):-1])) == expected


def test_the_quote_after_a_figures_own_item_names_other_figures(shipped):
    """学前教育3万个、义务教育9万个、普通高中2万个: 普通高中 is the next item's, not the 9's."""
    item = m("义务教育", "万个", "个", "学位学前教育3万个、义务教育9万个、普通高中2万个", value="9")
    assert shipped.match(item) != "senior-high-schools"
    # ... but a head written after several figures is all of theirs
    shared = m("建成省一级", "所", "所", "建成12所省一级、3所国家示范性普通高中", value="12")
    assert shipped.match(shared) == "model-senior-high-schools"


def test_labels_written_one_after_the_other_after_a_figure_name_one_thing(shipped):
    item = m("个", "个", "个", "全区有1个中小学综合实践基地将于年底建成", value="1")
    assert shipped.match(item) == "practice-bases"


@pytest.mark.parametrize("indicator, unit, base_unit, quote, value, expected", [
    # a rate right after a verb of change is the change
    ("高考本科上线率", "%", "ratio", "本科上线率、艺术本科上线率分别提升12.5%、6.4%", "12.5", "growth-rate"),
    ("艺术本科上线率", "%", "ratio", "本科上线率、艺术本科上线率分别提升12.5%、6.4%", "6.4", "growth-rate"),
    ("入学率", "%", "ratio", "入学率比上年提高2%", "2", "growth-rate"),
    # ... not a level it rose to, nor a year's level
    ("毛入园率", "%", "ratio", "毛入园率提高到92%", "92", "preschool-gross-enrolment-rate"),
    ("公办园在园幼儿占比", "%", "ratio", "公办园在园幼儿占比2019年底达到40%", "40", "public-kindergarten-enrolment-share"),
    # ... and a rate's points stay the rate's
    ("优良率比上年提高", "个百分点", "百分点", "优良率比上年提高1.5个百分点", "1.5", "fitness-excellent-rate"),
    # a figure after a comparison with no earlier figure is a difference: no indicator
    ("(高出要求", "万元", "元", "列支300万元(高出要求50万元)", "50", None),
])
def test_a_figure_written_as_a_change(shipped, indicator, unit, base_unit, quote, value, expected):
    assert shipped.match(m(indicator, unit, base_unit, quote, value=value)) == expected


@pytest.mark.parametrize("indicator, unit, quote, value, change, expected", [
    # a change against an earlier figure (Metric.change, set by extraction) measures what changed,
    # read without the change's words: its verb is no build verb (幼儿园 stock, not ones added)
    ("幼儿园比上年减少", "所", "全县幼儿园比上年减少12所", "12", "decrease", "kindergartens"),
    ("普惠性幼儿园比上年增加", "所", "全县普惠性幼儿园比上年增加5所", "5", "increase", "inclusive-kindergartens"),
    ("小学图书比上年增加", "万册", "全县小学图书比上年增加0.93万册", "0.93", "increase", "books"),
    ("600分以上的学生人数比去年多", "人", "600分以上的学生人数比去年多120人", "120", "increase", "students-total"),
    ("优良率比上年提高", "个百分点", "优良率比上年提高1.5个百分点", "1.5", "increase", "fitness-excellent-rate"),
])
def test_a_change_against_an_earlier_figure_measures_what_changed(shipped, indicator, unit, quote, value,
                                                                   change, expected):
    base_unit = "百分点" if unit == "个百分点" else unit[-1]
    x = replace(m(indicator, unit, base_unit, quote, value=value), change=change)
    assert shipped.match(x) == expected


def test_a_total_and_a_difference_continue_no_item_but_a_level_continues_a_difference(shipped):
    paid = _seq(("拨付教师工资", "万元", "元", "拨付教师工资300万元", "300", 0),
                ("拨付", "万元", "元", "共计拨付520万元", "520", 1))
    assert [x.indicator_concept for x in map_indicators(paid, shipped)] == ["teacher-salaries", None]
    rose = _seq(("全国公办园比2015年增加", "万所", "所", "全国公办园比2015年增加了2.1万所", "2.1", 0),
                ("所", "万所", "所", "达到9.8万所", "9.8", 1))
    rose[0] = replace(rose[0], change="increase")  # as extraction flags it: the change of the level
    assert [x.indicator_concept for x in map_indicators(rose, shipped)] == ["public-kindergartens"] * 2


@pytest.mark.parametrize("indicator, quote, expected", [
    # who runs a school says nothing of when it opened; 增加 before inclusive ones counts them added
    ("区将增加区属国企开办", "某区将增加3所区属国企开办的普惠性幼儿园", "new-inclusive-kindergartens"),
    ("新开办", "秋季新开办3所幼儿园", "schools-opened"),
    ("全区普惠性幼儿园增加至", "全区普惠性幼儿园增加至3所", "inclusive-kindergartens"),  # a level reached
    # 扩容 and 改造 are build verbs
    ("还公办园扩容", "还有3所公办园扩容", "new-kindergartens"),
    ("改造提升中小学", "改造提升中小学3所", "new-schools"),
])
def test_who_runs_a_school_and_expanded_schools(shipped, indicator, quote, expected):
    assert shipped.match(m(indicator, "所", "所", quote, value="3")) == expected


@pytest.mark.parametrize("indicator, unit, expected", [
    # a generic count of people after one level's schools, in its own words, is that level's
    ("我县职业中等专业学校在校生", "人", "vocational-students"),
    ("本地普通高中就读学生数", "人", "senior-students"),
    ("在县外就读中职学校新生", "人", "vocational-enrolment"),
    ("小学专任教师", "人", "primary-teachers"),
    # two levels, or none: the generic count
    ("幼儿园和小学学生人数", "人", "students-total"),
    ("全县在校生", "人", "students-total"),
    ("新增中小学、公办园学位", "个", "new-places"),
])
def test_a_generic_count_after_a_levels_schools_in_its_own_words(shipped, indicator, unit, expected):
    assert shipped.match(m(indicator, unit, unit)) == expected


@pytest.mark.parametrize("indicator, unit, quote, value, expected", [
    # words before a figure, back over a list separator, are the figure before it's
    ("香校园、优秀阅读项目", "个", "宣传推广8所书香校园、6个优秀阅读项目、4名阅读推广人", "6", None),
    ("宣传推广书香校园", "所", "宣传推广8所书香校园、6个优秀阅读项目、4名阅读推广人", "8", "civilised-campuses"),
])
def test_words_of_the_figure_before_are_not_a_figures_own(shipped, indicator, unit, quote, value, expected):
    assert shipped.match(m(indicator, unit, unit, quote, value=value)) == expected


@pytest.mark.parametrize("indicator, unit, base_unit, quote, value, expected", [
    # a unit only one indicator can measure names it
    ("幼儿园数是2010年的", "倍", "倍", "全县幼儿园数是2010年的1.6倍", "1.6", "growth-multiple"),
    ("将初中现改扩建", "班", "班", "将初中现有24班改扩建为36班", "24", "classes"),
    ("抓好教育硕士班", "班", "班", "抓好教育硕士x班的集中学习", None, None),  # x班: a class's name
    # ... and wording variants
    ("后可新增班", "个", "个", "建成后可新增18个班", "18", "classes"),
    ("普惠性学前教育资源覆盖率", "%", "ratio", "普惠性学前教育资源覆盖率达到88%", "88", "inclusive-kindergarten-coverage"),
    ("各级投入财政资金", "亿元", "元", "各级投入财政资金1.2亿元", "1.2", "education-investment"),
    ("中职学生发放生活补贴", "万元", "元", "向900名中职学生发放生活补贴60万元", "60", "student-aid-funds"),
    ("校舍加固项目", "个", "个", "校舍加固项目7个", "7", "construction-projects"),
])
def test_a_unit_one_indicator_measures_and_more_wording_variants(shipped, indicator, unit, base_unit, quote, value,
                                                                 expected):
    metric = replace(m(indicator, unit, base_unit, quote, value=value or "1"),
                     **({} if value else {"value": None, "base_value": None, "redacted": True}))
    assert shipped.match(metric) == expected


@pytest.mark.parametrize("items, expected", [
    # a share naming only the generic indicator of the kind before it is of that kind
    ([("职业中等专业学校招生", "人", "人", "我县职业中等专业学校招生共计700人", "700", 0),
      ("招生", "人", "人", "其中本县招生500人", "500", 1)], ["vocational-enrolment"] * 2),
    ([("新增幼儿园学位", "个", "个", "全县新增幼儿园学位3000个", "3000", 0),
      ("公办学位", "个", "个", "其中公办学位2000个", "2000", 1)], ["preschool-places"] * 2),
    # ... not without 其中
    ([("职业中等专业学校招生", "人", "人", "我县职业中等专业学校招生共计700人", "700", 0),
      ("招生", "人", "人", "全县招生500人", "500", 1)], ["vocational-enrolment", "new-entrants"]),
    # an item saying it is under way continues no stage reached before it; projects continued are under way
    ([("投入使用", "所", "所", "已有8所投入使用", "8", 0), ("正在进行室内外装修", "所", "所", "11所正在进行室内外装修", "11", 1)],
     ["schools-opened", None]),
    ([("建成项目", "个", "个", "全县建成项目20个", "20", 0), ("续建", "个", "个", "续建33个", "33", 1)],
     ["projects-completed", "construction-projects"]),
    # a label right after the figure and right before another number is the next figure's
    ([("完成新改扩建中小学校幼儿园", "所", "所", "完成新改扩建中小学校16所幼儿园62所", "16", 0),
      ("幼儿园", "所", "所", "完成新改扩建中小学校16所幼儿园62所", "62", 0)], ["new-schools", "new-kindergartens"]),
])
def test_shares_stages_and_the_next_figures_head(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_seq(*items), shipped)] == expected


def test_a_share_continues_the_total_of_its_list_past_figures_in_other_units(shipped):
    """新建学校16所，总建筑面积8万平方米，总投资2亿元。其中，东城区3所、西城区1所: the total's schools."""
    items = _seq(("新改扩建中小学、幼儿园", "所", "所", "将完成新改扩建中小学、幼儿园16所", "16", 0),
                 ("总建筑面积", "万平方米", "平方米", "总建筑面积8万平方米", "8", 1),
                 ("总投资", "亿元", "元", "预计总投资2亿元", "2", 1),
                 ("东城区", "所", "所", "东城区3所、西城区1所", "3", 4), ("西城区", "所", "所", "东城区3所、西城区1所", "1", 0))
    shares = [replace(x, part=True) if i > 2 else x for i, x in enumerate(items)]
    assert [x.indicator_concept for x in map_indicators(shares, shipped)][3:] == ["new-schools"] * 2
    # not a peer of the total (no 其中 before it in its sentence): it says nothing of what it counts
    assert [x.indicator_concept for x in map_indicators(items, shipped)][3] is None


@pytest.mark.parametrize("indicator, unit, base_unit, quote, value, expected", [
    # words naming a student-aid indicator that cannot take the unit: the domain's indicator of the unit
    ("资助高中建档立卡学生", "万元", "元", "资助高中建档立卡学生30人4.5万元", "4.5", "student-aid-funds"),
    ("教育阶段学生免学杂费", "名", "人", "为全区义务教育阶段8000名学生免学杂费400万元", "8000", "aided-students"),
    ("贫困寄宿生生活费", "万元", "元", "补助150名贫困寄宿生生活费9.5万元", "9.5", "boarding-allowance"),
    # ... not another domain's (在园幼儿 in 个: children, no count of schools)
    ("在园幼儿", "个", "个", "全县共有在园幼儿21000个", "21000", None),
    ("统一公开招聘", "名", "人", "统一公开招聘180名", "180", "teacher-recruitment"),
])
def test_a_student_aid_figure_in_another_unit_counts_the_domains_indicator_of_its_unit(
        shipped, indicator, unit, base_unit, quote, value, expected):
    assert shipped.match(m(indicator, unit, base_unit, quote, value=value)) == expected


@pytest.mark.parametrize("indicator, unit, base_unit, expected", [
    ("获评省级德育工作典型案例", "个", "个", "awards"),
    ("教师获评全省", "名", "人", "commended-teachers"),  # teachers commended, not a count of awards
    ("获优秀奖", "篇", "篇", "awards"),
])
def test_commendations(shipped, indicator, unit, base_unit, expected):
    assert shipped.match(m(indicator, unit, base_unit)) == expected


def _shipped_rules(**words):
    """kg/data/indicators.toml as data, with ``words`` replaced in its [words] table (None: removed)."""
    from kg.core.datafiles import rule_file

    data, _ = rule_file("indicators.toml")
    new = {k: v for k, v in {**data["words"], **words}.items() if v is not None}
    return {**data, "words": new}


@pytest.mark.parametrize("words, match", [
    ({"change_before": "(unclosed"}, "words.change_before"),
    ({"compared_before": None}, "words.compared_before"),
    ({"totals": []}, "words.totals"),
    ({"school_projects": "项目"}, "words.school_projects"),
    ({"ongoing": None}, "words.ongoing"),
    ({"programme_replaces": "students-total"}, "words.programme_replaces"),
    ({"context_len": 0}, "words.context_len"),
    ({"completion_words": "完成率"}, "words.completion_words"),
    ({"plan_share": "占("}, "words.plan_share"),
    ({"share_of": ""}, "words.share_of"),
    ({"verb_heads": "building-area"}, "words.verb_heads"),
])
def test_bad_change_total_and_project_words_name_the_key(words, match):
    from kg.core.errors import DataFileError
    from kg.extract.indicator_match import parse_indicator_rules

    with pytest.raises(DataFileError, match=match):
        parse_indicator_rules(_shipped_rules(**words), "indicators.toml")


def test_change_project_and_domain_rules_must_name_the_schemes_ids():
    from dataclasses import replace as with_

    from kg.core.errors import DataFileError
    from kg.extract.indicator_match import indicator_rules

    for bad in ({"change": "no-such-rate"}, {"projects": "no-such-projects"},
                {"domain_units": {"domain-student-aid": ("no-such-funds",)}},
                {"programme_replaces": ("no-such-students",)}, {"completion_rates": {"元": "no-such-rate"}},
                {"stage_rates": {"started": "no-such-rate"}}, {"share_rates": {"no-such-schools": "inclusive-kindergarten-coverage"}},
                {"verb_heads": ("no-such-area",)}):
        with pytest.raises(DataFileError, match="lacks"):
            IndicatorMatcher(load_indicators(), words=with_(indicator_rules(), **bad))
    with pytest.raises(DataFileError, match="domain_units"):
        from kg.extract.indicator_match import parse_indicator_rules
        parse_indicator_rules({**_shipped_rules(), "domain_units": ["x"]}, "indicators.toml")


def _in_text(text: str, *figures: tuple[str, str, str, str]) -> list:
    """Metrics (indicator, value, unit, base unit) found in ``text`` at their own figure, in order."""
    out, at = [], 0
    for indicator, value, unit, base_unit in figures:
        start = text.index(value + unit, at)
        begin = max(text.rfind(c, 0, start) for c in "，,。；;:：\n") + 1
        at = start + len(value + unit)
        out.append(replace(metric(indicator, value, unit, "=", 2022, "achieved", (begin, at), text[begin:at],
                                  base_value=value, base_unit=base_unit)))
    return out


@pytest.mark.parametrize("text, figures, expected", [
    # the programme its paragraph's heading names: people aided, money of that programme
    ("3、免除学杂费：任务数18000人。上半年完成19500人(其中初中6100人,小学13400人),下拨资金52.\n"
     "3万元(其中初中20万元、小学32.3万元)。",
     [("任务数", "18000", "人", "人"), ("上半年完成", "19500", "人", "人"), ("其中初中", "6100", "人", "人"),
      ("小学", "13400", "人", "人"), ("其中初中", "20", "万元", "元"), ("小学", "32.3", "万元", "元")],
     ["aided-students"] * 4 + ["fees-waived"] * 2),
    # ... and named in its sentence, it replaces a stock count of students
    ("六月完成寄宿生生活补助1600人，其中初中生900人。", [("其中初中生", "900", "人", "人")], ["aided-students"]),
    ("资助普通高中学生420名。", [("资助普通高中学生", "420", "名", "人")], ["aided-students"]),
    ("资助中小学教师60名。", [("资助中小学教师", "60", "名", "人")], ["difficult-staff-support"]),
    # no programme in the sentence: students stay students, a figure naming nothing stays so
    ("发放助学金30万元。全县有初中生9000人，投入300万元。",
     [("全县有初中生", "9000", "人", "人"), ("投入", "300", "万元", "元")], ["junior-students", None]),
    # a rate in brackets after a place: the rate the sentence names before the list
    ("各县开工率从高到低依次是东山县(98.5%)、西河区(90%)。",
     [("东山县(", "98.5", "%", "ratio"), (")、西河区(", "90", "%", "ratio")], ["construction-start-rate"] * 2),
    ("全县义务教育巩固率达98%，其中各镇(80%)。", [("其中各镇(", "80", "%", "ratio")], ["compulsory-retention-rate"]),
    # what the words before a colon name: the list's items, the heading's figure
    ("生均公用经费基准定额为：普通小学每生每年650元、普通初中每生每年850元。",
     [("普通小学每生每年", "650", "元", "元"), ("普通初中每生每年", "850", "元", "元")],
     ["per-student-public-funds"] * 2),
    ("7、新建普通小学(所)：任务数2所。", [("任务数", "2", "所", "所")], ["new-schools"]),
    # a programme label inside a longer label is no programme: 生活补助 of 乡村教师生活补助 is no student aid
    ("乡村教师生活补助人均月标准380元，全年共发放1500万元。",
     [("乡村教师生活补助人均月标准", "380", "元", "元"), ("全年共发放", "1500", "万元", "元")],
     ["rural-teacher-allowance", None]),
    ("发放寄宿生生活补助，小学每生每年1000元。", [("小学每生每年", "1000", "元", "元")], ["boarding-allowance"]),
    # floor area added (当年新增校舍), item by item, is new floor area, not the stock the sentence opens with
    ("校舍建筑面积达30万平方米，其中：当年新增校舍小学3.2万平方米、幼儿园1.1万平方米。",
     [("校舍建筑面积", "30", "万平方米", "平方米"), ("当年新增校舍小学", "3.2", "万平方米", "平方米"),
      ("幼儿园", "1.1", "万平方米", "平方米")], ["building-area", "new-building-area", "new-building-area"]),
])
def test_what_a_figures_paragraph_names_before_it(shipped, text, figures, expected):
    assert [x.indicator_concept for x in map_indicators(_in_text(text, *figures), shipped, text)] == expected


def test_a_completion_right_after_a_task_counts_what_the_task_counts(shipped):
    """年初预算教育支出9000万元，全年实际完成支出9500万元: the 9500 are that spending; not when the task is no plan,
    nor a figure that does not say it was done."""
    text = "年初预算教育支出9000万元，全年实际完成支出9500万元。"
    budget, spent = _in_text(text, ("年初预算教育支出", "9000", "万元", "元"), ("全年实际完成支出", "9500", "万元", "元"))
    budget = replace(budget, status="planned")
    assert [x.indicator_concept for x in map_indicators([budget, spent], shipped)] == \
        ["general-budget-education-spending"] * 2
    assert map_indicators([replace(budget, status="achieved"), spent], shipped)[1].indicator_concept is None
    assert map_indicators([budget, replace(spent, indicator="全年财政总支出")], shipped)[1].indicator_concept is None
    # a figure closing the plan (截至年底) was done too
    assert map_indicators([budget, replace(spent, indicator="截至2023年底支出")], shipped)[1].indicator_concept == \
        "general-budget-education-spending"


@pytest.mark.parametrize("text, figures, expected", [
    ("购置设备2.5亿元，完成率97.2%。", [("购置设备", "2.5", "亿元", "元"), ("完成率", "97.2", "%", "ratio")],
     "investment-completion-rate"),
    ("现已完成6200人，完成比例103.3%。", [("现已完成", "6200", "人", "人"), ("完成比例", "103.3", "%", "ratio")],
     "investment-completion-rate"),
    ("52项已经完成，完成率为86.7%。", [("项", "52", "项", "项"), ("完成率", "86.7", "%", "ratio")],
     "construction-completion-rate"),
    ("新增学位3000个，完成率110%。", [("新增学位", "3000", "个", "个"), ("完成率", "110", "%", "ratio")], None),
    ("购置设备2.5亿元，学校课表完成率97.2%。", [("购置设备", "2.5", "亿元", "元"), ("学校课表完成率", "97.2", "%", "ratio")],
     None),  # words of its own: not the figure's rate
    # a share of the plan right after a figure is its completion rate; a share of another total is not
    ("拨付公用经费3000万元，占全年指标的60.5%。", [("拨付公用经费", "3000", "万元", "元"),
                                            ("占全年指标的", "60.5", "%", "ratio")], "investment-completion-rate"),
    ("拨付公用经费3000万元，占全县教育经费的20%。", [("拨付公用经费", "3000", "万元", "元"),
                                              ("占全县教育经费的", "20", "%", "ratio")], None),
    # after works begun or finished: that stage's rate, whatever the unit
    ("已开工项目建设面积12万平方米，占规划建设校舍总面积的88%。",
     [("已开工项目建设面积", "12", "万平方米", "平方米"), ("占规划建设校舍总面积的", "88", "%", "ratio")],
     "construction-start-rate"),
    ("已竣工项目面积10万平方米，占五年规划校舍建设总面积的75%。",
     [("已竣工项目面积", "10", "万平方米", "平方米"), ("占五年规划校舍建设总面积的", "75", "%", "ratio")],
     "construction-completion-rate"),
    # a share in a list a kind of school opens: that kind's share
    ("全市普惠性幼儿园300所，在园幼儿6万人，占全市幼儿总数的85%。",
     [("全市普惠性幼儿园", "300", "所", "所"), ("在园幼儿", "6", "万人", "人"),
      ("占全市幼儿总数的", "85", "%", "ratio")], "inclusive-kindergarten-coverage"),
    ("全市幼儿园500所，在园幼儿9万人，占全市人口的8%。",
     [("全市幼儿园", "500", "所", "所"), ("在园幼儿", "9", "万人", "人"), ("占全市人口的", "8", "%", "ratio")], None),
])
def test_a_bare_completion_rate_is_the_figure_befores(shipped, text, figures, expected):
    assert map_indicators(_in_text(text, *figures), shipped)[-1].indicator_concept == expected


# --- the registry of mapping steps and their order ([steps] of kg/data/indicators.toml) ----------

def _shipped_order() -> dict[str, tuple[str, ...]]:
    from kg.extract.indicator_match import indicator_rules
    return dict(indicator_rules().steps)


def test_the_shipped_order_lists_every_registered_step_once_in_its_stage():
    from kg.extract.indicator_match import STAGES, registered_steps
    order = _shipped_order()
    steps = registered_steps()
    assert sorted(n for s in STAGES for n in order[s]) == sorted(steps)
    assert all(steps[n].stage == s for s in STAGES for n in order[s])
    assert all(steps[n].read.__doc__ for n in steps)  # each says what wording it reads


@pytest.mark.parametrize("edit, problem", [
    (lambda o: {**o, "words": (*o["words"], "no-such-step")}, "unknown \\['no-such-step'\\]"),
    (lambda o: {**o, "words": o["words"][1:]}, "missing \\['change'\\]"),
    (lambda o: {**o, "words": (*o["words"], "change")}, "listed twice \\['change'\\]"),
    (lambda o: {**o, "words": (*o["words"], "programme"),
                "paragraph": tuple(n for n in o["paragraph"] if n != "programme")},
     "another stage than registered \\['programme'\\]"),
    (lambda o: {k: v for k, v in o.items() if k != "list"}, "stages"),
])
def test_an_order_naming_unknown_missing_or_misplaced_steps_is_a_coded_error(edit, problem):
    from kg.core.errors import DataFileError
    with pytest.raises(DataFileError, match=problem) as err:
        IndicatorMatcher(load_indicators(SMALL), steps=edit(_shipped_order()))
    assert err.value.code == "E010"


def test_the_order_decides_which_step_wins(shipped):
    """学位高出要求500个 is a difference with no quantity of its own: no concept while the change step
    comes first; moved after the label step, the label 学位 decides first."""
    diff = m("学位高出要求", "个", "个", "学位高出要求500个", value="500")
    assert shipped.match(diff) is None
    order = _shipped_order()
    words = [n for n in order["words"] if n != "change"]
    words.insert(words.index("label") + 1, "change")
    later = IndicatorMatcher(load_indicators(), steps={**order, "words": tuple(words)})
    assert later.match(diff) == "new-places"


@pytest.mark.parametrize("items, expected", [
    ([("新建幼儿园", "所", "新建幼儿园36所")], [("new-kindergartens", "label")]),
    ([("新建学校", "所", "新建学校90所"), ("其中幼儿园", "所", "其中幼儿园33所")],
     [("new-schools", "label"), ("new-kindergartens", "breakdown")]),
    ([("新建幼儿园", "所", "新建幼儿园36所"), ("其中新建", "所", "其中新建9所")],
     [("new-kindergartens", "label"), ("new-kindergartens", "continues")]),
    ([("课后服务", "%", "课后服务1%")], [(None, None)]),
])
def test_the_trace_names_the_step_that_decided(shipped, items, expected):
    from kg.extract.indicator_match import trace_indicators
    listed = [replace(x, base_unit="ratio") if x.unit == "%" else x for x in _listed(*items)]
    assert [(x.indicator_concept, step) for x, step in trace_indicators(listed, shipped)] == expected


@pytest.mark.parametrize("items, expected", [
    # a list of levels after a generic count: each level's kind ([[follow]]), a level's kind not running on
    ([("专任教师", "人", "全县专任教师3000人"), ("(幼儿园", "人", "(幼儿园400人"), ("小学", "人", "小学1200人"),
      ("初中", "人", "初中800人"), ("特殊教育", "人", "特殊教育30人")],
     ["full-time-teachers", "kindergarten-teachers", "primary-teachers", "junior-teachers", "full-time-teachers"]),
    ([("在校生", "人", "全县在校生9000人"), ("其中小学", "人", "其中小学5000人"), ("初中", "人", "初中3000人")],
     ["students-total", "primary-students", "junior-students"]),
    # after a count of one level's people, another level's figure is not theirs: no concept
    ([("在园幼儿", "人", "在园幼儿5000人"), ("小学", "人", "小学8000人"), ("初中", "人", "初中3000人")],
     ["kindergarten-children", None, None]),
    # a figure of no level: a school's share of it is still of it
    ([("图书", "册", "全县图书50000册"), ("其中小学", "册", "其中小学30000册")], ["books", "books"]),
    # an item naming no school still continues (其中新建9所)
    ([("新建幼儿园", "所", "新建幼儿园36所"), ("其中新建", "所", "其中新建9所")], ["new-kindergartens"] * 2),
])
def test_a_list_item_naming_a_kind_of_school_counts_that_schools_figure(shipped, items, expected):
    assert [x.indicator_concept for x in map_indicators(_listed(*items), shipped)] == expected


def _placed(text: str, *items):
    """Metrics (indicator, unit, quote) at their quotes' places in ``text`` (each quote found after the last)."""
    out, at = [], 0
    for indicator, unit, quote in items:
        at = text.index(quote, at)
        out.append(replace(m(indicator, unit, unit, quote), span=(at, at + len(quote))))
        at += len(quote)
    return out


@pytest.mark.parametrize("text, items, expected", [
    # the paragraph's heading names one level: its generic counts are that level's
    ("——初中。校数13所;毕业3500人;在校生12000人,比上年增加300人。\n",
     [("在校生", "人", "在校生12000人")], ["junior-students"]),
    # the figure's sentence names one level's schools
    ("其中普通小学40所。小学共有教职工3000人,专任教师2800人。\n",
     [("专任教师", "人", "专任教师2800人")], ["primary-teachers"]),
    # two levels, or a level in another sentence of a longer paragraph: the generic count stays
    ("全县小学和初中共有专任教师5000人。\n", [("专任教师", "人", "专任教师5000人")], ["full-time-teachers"]),
    ("全县教育事业稳步发展,各类学校办学条件持续改善。今年初中教学质量提升。全县专任教师5000人。\n",
     [("全县专任教师", "人", "全县专任教师5000人")], ["full-time-teachers"]),
])
def test_a_generic_count_reads_the_level_its_sentence_or_heading_names(shipped, text, items, expected):
    metrics = _placed(text, *items)
    assert [x.indicator_concept for x in map_indicators(metrics, shipped, text)] == expected


@pytest.mark.parametrize("items, expected", [
    ([("小学", "所", "全县小学30所"), ("在校生", "人", "在校生9000人")], ["primary-schools", "primary-students"]),
    # a sum of people after a level's schools counts every level's
    ([("小学", "所", "全县小学30所"), ("共有在校生", "人", "共有在校生20000人")], ["primary-schools", "students-total"]),
    # a sum of places after kindergartens built is theirs
    ([("新建幼儿园", "所", "新建幼儿园8所"), ("可新增学位", "个", "共计可新增学位2400个")],
     ["new-kindergartens", "preschool-places"]),
])
def test_a_sum_of_people_after_a_levels_schools_counts_every_level(shipped, items, expected):
    # each figure's value as its quote writes it: what is written before it is read
    listed = [replace(x, value=Decimal(re.search(r"\d+", x.quote).group(0))) for x in _listed(*items)]
    assert [x.indicator_concept for x in map_indicators(listed, shipped)] == expected


def test_a_step_registered_twice_or_in_no_stage_is_an_internal_error():
    from kg.core.errors import InternalError
    from kg.extract.indicator_match import mapping_step
    with pytest.raises(InternalError, match="registered twice"):
        mapping_step("label", "words")(lambda matcher, fig: None)
    with pytest.raises(InternalError, match="unknown stage"):
        mapping_step("new-step", "sentences")


@pytest.mark.parametrize("value, quote", [("12", "惠及12名师生"), (None, "惠及XX名师生")])
def test_no_label_runs_across_the_figure(shipped, value, quote):
    # the unit 名 and the 师 after it are no 名师 (master teachers), redacted or not
    metric_ = m("惠及师生", "名", "人", quote, value=value)
    assert shipped.match(metric_) != "master-teachers"


def test_a_share_leads_no_figure_after_its_sentence(shipped):
    """…其中小学20所、职业中学1所。有在校学生19164人: all students, not the vocational school's."""
    share = replace(m("职业中学", "所", "所", "职业中学1所"), span=(0, 6), part=True)
    students = replace(m("有在校学生", "人", "人", "有在校学生19164人"), span=(7, 17))
    assert [x.indicator_concept for x in map_indicators([share, students], shipped)] == [
        "vocational-schools", "students-total"]
    # … while a share's own list runs on (其中新建职业中学1所、在校生300人)
    own = replace(students, part=True)
    assert map_indicators([share, own], shipped)[1].indicator_concept == "vocational-students"


def test_a_share_naming_a_kind_of_school_after_another_thing_counts_that_thing(shipped):
    """教学班300个，其中小学173个、初中72个: classes, not schools; after a school count, schools."""
    total = replace(m("全县共有教学班", "个", "个", "全县共有教学班300个"), span=(0, 10))
    primary = replace(m("其中小学", "个", "个", "其中小学173个"), span=(11, 19), part=True)
    junior = replace(m("初中", "个", "个", "初中72个"), span=(20, 25), part=True)
    assert [x.indicator_concept for x in map_indicators([total, primary, junior], shipped)] == ["classes"] * 3
    points = replace(m("全县共有学校", "个", "个", "全县共有学校30个"), span=(0, 10))
    assert map_indicators([points, primary], shipped)[1].indicator_concept == "primary-schools"


# --- a statistics paragraph read end to end (extraction, then mapping) ---------------------------

def _concepts_of(tmp_path, paragraph: str) -> dict[str, str | None]:
    """Each figure (number and unit as written) of an invented report holding ``paragraph``, with
    the indicator concept the build gives it."""
    from kg.pipeline.stages import extract_source
    from kg.text.ingest import read_source

    path = tmp_path / "report.txt"
    path.write_text("某县教育局2031年工作总结\n\n一、基本情况\n" + paragraph
                    + "\n二、主要工作\n全县教育系统坚持立德树人，办学条件持续改善，教育质量稳步提升。\n", encoding="utf-8")
    (facts,) = extract_source(read_source(path))
    return {f"{x.value.normalize():f}{x.unit}": x.indicator_concept for x in facts.metrics if x.value is not None}


@pytest.mark.parametrize("paragraph, expected", [
    # a count of people, then its shares by level: each level's people, whatever the lead's words
    ("全镇有各类学校60所，其中：幼儿园20所，小学30所，初级中学10所；在校学生21000人，其中：幼儿园（含学前班）"
     "3000人，小学12000人，初中5000人，普高1000人。",
     {"60所": "schools-total", "20所": "kindergartens", "30所": "primary-schools", "10所": "junior-schools",
      "21000人": "students-total", "3000人": "kindergarten-children", "12000人": "primary-students",
      "5000人": "junior-students", "1000人": "senior-students"}),
    # a stock of teachers (现有教师) and its shares by level; 职业高中 is a vocational school
    ("现有教师1800人，其中：幼儿园300人、小学900人、初中400人、职业高中200人。",
     {"1800人": "full-time-teachers", "300人": "kindergarten-teachers", "900人": "primary-teachers",
      "400人": "junior-teachers", "200人": "vocational-teachers"}),
    # 学前 before a number is the preschool level, not a rank (前10名)
    ("现有学生（幼儿）30000名，其中：学前8000名、小学15000名、初中5000名、普通高中2000名。",
     {"30000名": "students-total", "8000名": "students-total", "15000名": "primary-students",
      "5000名": "junior-students", "2000名": "senior-students"}),
    # a share after an item that names no kind of school keeps the item's concept (no level's kind)
    ("全县图书60000册，其中小学35000册。", {"60000册": "books", "35000册": "books"}),
])
def test_shares_by_level_after_a_count_of_people_are_that_levels(tmp_path, paragraph, expected):
    assert _concepts_of(tmp_path, paragraph) == expected


def test_a_stock_after_a_levels_list_starts_a_list_of_its_own(tmp_path):
    """幼儿园16所，在园幼儿3000人。全县现有专任教师900人: every level's teachers, not the kindergartens'."""
    got = _concepts_of(tmp_path, "中心幼儿园16所，在园幼儿3000人。全县现有专任教师900人，其中高级教师100人。")
    assert got["16所"] == "kindergartens" and got["3000人"] == "kindergarten-children"
    assert got["900人"] == "full-time-teachers"


def test_a_figure_opening_its_own_shares_is_no_share_of_the_list_before(tmp_path):
    """…特殊教育学校1所；在校生5000人，其中…: all students, not the special school's (a total of its own)."""
    from kg.pipeline.stages import extract_source
    from kg.text.ingest import read_source

    path = tmp_path / "report.txt"
    path.write_text("某县教育局2031年工作总结\n\n一、基本情况\n全县有学校40所，其中：小学30所，特殊教育学校1所；"
                    "在校生5000人，其中：小学3000人。\n", encoding="utf-8")
    (facts,) = extract_source(read_source(path))
    parts = {f"{x.value.normalize():f}{x.unit}": (x.part, x.indicator_concept) for x in facts.metrics}
    assert parts["1所"] == (True, "special-schools")
    assert parts["5000人"] == (False, "students-total")
    assert parts["3000人"] == (True, "primary-students")


@pytest.mark.parametrize("paragraph, expected", [
    # a bracket says what the words before it include; it names no head of its own
    ("全县现有学校（幼儿园）412所，其中：幼儿园230所，盲人学校1所。",
     {"412所": "schools-total", "230所": "kindergartens", "1所": "special-schools"}),
    ("全县职业教育在校（在籍）学生人数达0.9万人。", {"0.9万人": "vocational-students"}),
    # ... and a qualifier inside the bracket the figure stands in reads with the head before it
    ("全县有42所幼儿园（含公办37所、民办5所）。",
     {"42所": "kindergartens", "37所": "public-kindergartens", "5所": "private-kindergartens"}),
    # projects finished (完成建设项目), then begun (动工), or begun as a task finished (完成开工建设)
    ("全市纳入民生实事的教育项目15个，已按计划完成建设项目9个，动工项目6个已全部动工建设。",
     {"15个": "livelihood-projects", "9个": "projects-completed", "6个": "projects-started"}),
    ("推动城东初中等5个项目完成开工建设任务。", {"5个": "projects-started"}),
    # small rural schools upgraded are schools built or renovated; a stock after the list is its own
    ("①提质改造乡村小规模学校24所、乡镇寄宿制学校11所。全县现有乡村小规模学校56所。",
     {"24所": "new-schools", "11所": "new-schools", "56所": "small-rural-schools"}),
    # media reports are counted in 次 too
    ("全年获得省级媒体报道12次。", {"12次": "publicity-reports"}),
    # 县级四班子 (the county's leading bodies) is no count of classes
    ("县级四班子高度重视，全县新增教学班20个。", {"20个": "classes"}),
])
def test_brackets_stages_of_projects_and_words_that_are_no_counts(tmp_path, paragraph, expected):
    assert _concepts_of(tmp_path, paragraph) == expected
