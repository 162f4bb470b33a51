"""kg.extract.discovery: local programme names in one sentence, in sentence coordinates.
Discovery through whole reports (what becomes a mention) is in test_initiatives.py.
"""

from __future__ import annotations

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


LIST_ALPHABET = "实施推进、（）()“”一是二是(1)2.工程计划行动青蓝结对骨干名师小学中学城东河西农村，。等"


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=LIST_ALPHABET, min_size=0, max_size=60))
def test_discovered_names_never_span_items(text):
    rules = initiative_rules()
    for s, e, name in discover(text, rules):
        assert 0 <= s <= e <= len(text) and name
        # a name is one item: never across a 、 outside a gloss, never across an item marker
        assert "、" not in name and not rules.item_marker.search(name)
