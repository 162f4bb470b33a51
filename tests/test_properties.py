"""Property tests of the text layer and the quantity grammar on arbitrary Unicode.

KG_PROPERTY_EXAMPLES sets the number of examples (2,000 by default, as in CI; `make test-deep` runs
20,000).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core.records import Source
from kg.extract.metrics import parse_quantities
from kg.text.clean import clean
from kg.text.sections import outline
from kg.text.segment import segment

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


# --------------------------------------------------------------------------- outlines
# A random outline of 一、/(一)/1./一是 headings under top-level summary / problems / plan
# sections, with body and lead paragraphs between headings: every section must carry the kind and
# year of its top-level ancestor, and the headings must come back at their outline depth.

_CN = "一二三四五六七八九十"
_MARK = (lambda i: f"{_CN[i]}、", lambda i: f"({_CN[i]})", lambda i: f"{i + 1}.", lambda i: f"{_CN[i]}是")
_TOPICS = ["扩大学前教育资源", "均衡发展义务教育", "建设教师队伍", "守护校园安全", "丰富课后服务"]
_BODY = ["全县新建校舍三所,新增学位一千个。", "组织教师培训十二期,参训九百余人次。"]
_TOP = {"summary": "{y}年工作总结", "problems": "存在的问题", "plan": "{y}年工作计划"}
_LEAD = {"summary": "{y}年,我局紧紧围绕立德树人根本任务,扎实推进各项工作。",
         "plan": "{y}年,全县教育系统要坚持稳中求进,办好人民满意的教育。"}

_subtree = st.recursive(
    st.just(()),
    lambda kids: st.lists(kids, min_size=1, max_size=3).map(tuple),
    max_leaves=6,
)


@st.composite
def outlines(draw):
    """(text, expected [(heading, depth, kind, year)]) of one rendered outline."""
    year = draw(st.integers(2015, 2030))
    tops = ["summary"] + draw(st.sampled_from([[], ["problems"], ["plan"], ["problems", "plan"]]))
    lines: list[str] = []
    expected: list[tuple[str, int, str, int]] = []

    def body(kind: str, y: int) -> None:
        choice = draw(st.sampled_from(["none", "body", "lead"]))
        if choice == "body" or (choice == "lead" and kind == "problems"):
            lines.append(draw(st.sampled_from(_BODY)))
        elif choice == "lead":
            lines.append(_LEAD[kind].format(y=y))

    def render(children, depth: int, kind: str, y: int) -> None:
        for i, grand in enumerate(children[:len(_CN)]):
            head = _MARK[depth](i) + _TOPICS[(i + depth) % len(_TOPICS)]
            lines.append(head)
            expected.append((head, depth, kind, y))
            body(kind, y)
            if depth + 1 < len(_MARK):
                render(grand, depth + 1, kind, y)

    for i, kind in enumerate(tops):
        y = year + 1 if kind == "plan" else year
        head = _MARK[0](i) + _TOP[kind].format(y=y)
        lines.append(head)
        expected.append((head, 0, kind, y))
        body(kind, y)
        render(draw(_subtree), 1, kind, y)
    lines.append(_BODY[0] + _BODY[1])  # enough text to be a report even for a bare outline
    return "\n".join(lines), expected


@settings(PROFILE, max_examples=max(50, EXAMPLES // 4))  # each example cleans a whole report
@given(outlines())
def test_outline_levels_kinds_and_years_survive_lead_paragraphs(case):
    text, expected = case
    (r,) = segment(clean(_source(text)))
    assert outline(r.text) == [(h, d) for h, d, _, _ in expected]
    headed = [(s.heading, s.kind, s.year) for s in r.sections if s.heading is not None]
    assert headed == [(h, k, y) for h, _, k, y in expected]
    tops = {k: y for _, d, k, y in expected if d == 0}
    for s in r.sections:  # lead and body sections too
        assert (s.kind, s.year) in tops.items()
    assert (r.summary_year, r.plan_year) == (tops["summary"], tops.get("plan"))


# --------------------------------------------------------------------------- compilations
# 1-4 invented reports strung together without item markers, each opened by its own title line,
# a speech opening or (after a report that reached 三、) a restart at 一、 with a new year pair:
# each must come back as its own report with its years.

_PLACES = ["甲县", "乙市", "丙区", "丁旗"]


@st.composite
def compilations(draw):
    k = draw(st.integers(1, 4))
    year = draw(st.integers(2010, 2025))
    lines: list[str] = []
    expected: list[tuple[str | None, int, int]] = []
    for i in range(k):
        place, y = _PLACES[i], year + i
        opening = draw(st.sampled_from(["title", "speech", "restart"]))
        title = None
        if opening == "title":
            title = f"{place}教育局{y}年工作总结"
            lines.append(title)
        elif opening == "speech":
            lines.append("各位领导、同志们:")
        for n, head in enumerate([f"{y}年工作总结", "存在的问题", f"{y + 1}年工作计划"]):
            lines.append(f"{_CN[n]}、{head}")
            for m in range(draw(st.integers(1, 3))):
                lines.append(f"{place}第{_CN[m]}项工作稳步推进,{place}投入资金{y}{m}万元。")
        expected.append((title, y, y + 1))
    return "\n".join(lines), expected


@settings(PROFILE, max_examples=max(50, EXAMPLES // 4))
@given(compilations())
def test_compilations_without_markers_split_into_their_reports(case):
    text, expected = case
    got = [(r.title, r.summary_year, r.plan_year) for r in segment(clean(_source(text)))]
    assert got == expected
