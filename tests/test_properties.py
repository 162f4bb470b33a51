"""Property tests of the text layer and the quantity grammar on arbitrary Unicode.

KG_PROPERTY_EXAMPLES sets the number of examples (2,000 by default, as in CI; `make test-deep` runs
20,000).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.clean import clean
from kg.extract.metrics import parse_quantities
from kg.segment import segment
from kg.types import Source

EXAMPLES = int(os.environ.get("KG_PROPERTY_EXAMPLES", "2000"))
PROFILE = settings(max_examples=EXAMPLES, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Arbitrary Unicode, biased towards what reports are made of: CJK, digits, headings, redaction
# glyphs, noise words, full-width forms and line breaks.
_report_chars = st.sampled_from(list(
    "一二三四五六七八九十百千万亿第篇年月日县区市局教育总结计划工作新增所名人个%.,。，、；;：:\n“”（）()Xx×*＊0123456789"
    "展开阅读全文点击查看更多相关搜索来源备案号ICP"))
texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=_report_chars, max_size=400),
    st.lists(st.sampled_from(["一、2022年工作总结\n", "二、2023年工作计划\n", "篇一\n", "篇二\n",
                              "(一)推进双减。", "新增学位540个,", "投入X万元。", "20xx年", "下半年,",
                              "展开阅读全文\n", "教育局工作总结\n", "\n\n18、",
                              # page markers of sharing-site exports, and list items
                              "1、", "\n2、", "\n\n3、", " 4、", "推进工作" * 40]),
             max_size=30).map("".join),
)


def _source(text: str) -> Source:
    return Source(path="p.txt", name="p.txt", sha256="0" * 64, text=text, encoding="utf-8", format="txt")


@PROFILE
@given(texts)
def test_clean_is_total_idempotent_and_maps_into_the_original(text):
    c = clean(_source(text))
    assert len(c.offset_map) == len(c.text) + 1
    assert all(0 <= o <= len(text) for o in c.offset_map)
    assert list(c.offset_map[:-1]) == sorted(c.offset_map[:-1])  # order is kept
    again = clean(_source(c.text))
    assert again.text == c.text


@PROFILE
@given(texts)
def test_segment_is_total_and_spans_nest(text):
    c = clean(_source(text))
    for r in segment(c):
        s, e = r.span
        assert 0 <= s <= e <= len(c.text)
        for sec in r.sections:
            assert s <= sec.span[0] <= sec.span[1] <= e
            for sent in sec.sentences:
                assert sec.span[0] <= sent.span[0] < sent.span[1] <= sec.span[1]
                assert c.text[sent.span[0]:sent.span[1]] == sent.text
        for y in (r.summary_year, r.plan_year):
            assert y is None or 1949 <= y <= 2100
        os_, oe = c.original_span(r.span)
        assert 0 <= os_ <= oe <= len(text)


@PROFILE
@given(texts)
def test_quantity_parser_is_total_with_spans_inside(text):
    for q in parse_quantities(text):
        assert 0 <= q.span[0] < q.span[1] <= len(text)
        assert q.redacted == (q.value is None)
        assert q.comparator in ("=", ">=", ">", "<=", "<", "~")
