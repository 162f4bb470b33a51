"""kg.extract.discovery: local programme names in one sentence, in sentence coordinates.
Discovery through whole reports (what becomes a mention) is in test_initiatives.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.discovery import discover
from kg.extract.initiative_rules import initiative_rules


def test_listed_spans_are_the_names():
    s = "全面实施青苗结伴工程、骨干班主任梯队培养计划。"
    assert sorted((s[a:b], n) for a, b, n in discover(s)) == [
        ("青苗结伴工程", "青苗结伴工程"), ("骨干班主任梯队培养计划", "骨干班主任梯队培养计划")]


def test_discover_returns_sentence_spans():
    s = "我们开展“七彩阅读”活动。"
    [(start, end, name)] = discover(s)
    assert name == "七彩阅读活动" and s[start:end] == "“七彩阅读”活动"


LIST_ALPHABET = "实施推进、（）()“”一是二是(1)2.工程计划行动青蓝结对骨干名师小学中学城东河西农村，。等十四五规划"


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=LIST_ALPHABET, min_size=0, max_size=60))
def test_discovered_names_never_span_items(text):
    rules = initiative_rules()
    for s, e, name in discover(text, rules):
        assert 0 <= s <= e <= len(text) and name
        # a name is one item: never across a 、 outside a gloss, never across an item marker
        assert "、" not in name and not rules.item_marker.search(name)


@pytest.mark.parametrize("sentence, names", [
    ("深入推进山歌文化进校园活动。", ["山歌文化进校园"]),
    ("推动新时代文明实践精神进教材、进课堂、进头脑。", ["新时代文明实践精神进教材、进课堂、进头脑"]),
    ("举办全市平安校园行暨书法进校园系列活动。", ["书法进校园"]),  # after the joiner
    ("推动体育、艺术和劳动教育进校园。", ["劳动教育进校园"]),
    ("严禁商业广告进校园。", []),  # kept out: no campaign
    ("组织专家走进校园开展讲座。", []),  # 走进 is a verb
    ("引进优秀人才进学校。", []),
    ("促进家校共育。", []),
])
def test_a_campaign_into_schools_is_named_by_its_subject(sentence, names):
    got = [n for _s, _e, n in discover(sentence) if "进" in n]
    assert got == names
    for s, e, n in discover(sentence):
        assert sentence[s:e] == n or "“" in sentence[s:e]


@pytest.mark.parametrize("sentence, names", [
    # a numeral-shaped quoted name after a verb of the report's own work, or framing its plan
    ("全镇学校共同实现“两个率先”。", ["两个率先"]),
    ("全面落实“五查三改”,整改到位。", ["五查三改"]),
    ("按照“2463”工作思路推进各项工作。", ["2463"]),
    ("着力“三抓两促”,提升管理水平。", ["三抓两促"]),
    # a stance, a goal, a demand or a congress is not one
    ("坚持“三个共识”不动摇。", []),
    ("确保“双优提升”目标。", []),
    ("认真学习“二十大”报告。", []),
    ("他们常说“三个字”。", []),  # no verb of the work, no plan word
])
def test_a_quoted_abbreviation_is_a_name_after_a_verb_or_before_a_plan_word(sentence, names):
    assert [n for _s, _e, n in discover(sentence)] == names


@pytest.mark.parametrize("sentence, names", [
    ("城东片区校舍加固改造工程全面推进,年底完工。", ["城东片区校舍加固改造工程"]),
    ("二是青苗培养计划进展顺利。", ["青苗培养计划"]),
    ("今年温暖校园工程成效明显。", ["温暖校园工程"]),  # the time word is not the name
    ("确保晨读润心工程如期完成。", ["晨读润心工程"]),
    ("各项工程顺利推进。", []),  # generic
    ("城东小学、河西中学智慧校园示范工程全面推进。", []),  # a list is left to the list rules
    ("校园改造工程的资金到位。", []),  # no progress reported
])
def test_a_clause_opening_with_a_programme_and_its_progress_names_it(sentence, names):
    assert [n for _s, _e, n in discover(sentence)] == names
    for s, e, n in discover(sentence):
        assert sentence[s:e] == n


@pytest.mark.parametrize("sentence, names", [
    # a quoted list its count follows: each item is its own programme, the count names none
    ("扎实推进“春晖育人工程、银杏名师工程、山区学校提质工程”三项工程。",
     ["春晖育人工程", "银杏名师工程", "山区学校提质工程"]),
    ("持续深化“教师退出机制改革、初中学业评价改革”两大改革。", ["教师退出机制改革", "初中学业评价改革"]),
    ("推进“春晖育人工程、银杏名师工程”等五项工程。", ["春晖育人工程", "银杏名师工程"]),
    ("推进“春晖育人工程、职业教育‘双优’工程”两项工程。", ["春晖育人工程", "职业教育双优工程", "双优工程"]),
    ("推进“校舍维修、操场改造”两项工程。", []),  # works, not names
])
def test_a_counted_quoted_list_names_each_item(sentence, names):
    got = discover(sentence)
    assert sorted({n for _s, _e, n in got}) == sorted(names)  # 等 lists are read by two rules
    for s, e, n in got:
        assert sentence[s:e].replace("‘", "").replace("’", "").strip("“”") == n
