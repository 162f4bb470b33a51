"""Figures written as a change against an earlier figure (issue 19, Metric.change): read from a
whole invented report, each quote gives the change's direction (or None: a level) and the concept of
the quantity that changed. Invented text only."""

from __future__ import annotations

import pytest

from kg.pipeline.stages import extract_source
from kg.text.ingest import read_source

TITLE = "某县教育局2030年工作总结\n\n一、主要工作\n"
FILLER = "\n过去一年，全县教育系统坚持立德树人，深化教育改革，办学条件持续改善，教育质量稳步提升。\n"


def _metrics(tmp_path, sentence: str):
    path = tmp_path / "report.txt"
    path.write_text(TITLE + sentence + FILLER, encoding="utf-8")
    (facts,) = extract_source(read_source(path))
    return facts.metrics


def _one(tmp_path, sentence: str, figure: str):
    """The metric of ``figure`` (its number and unit as written)."""
    metrics = _metrics(tmp_path, sentence)
    found = [x for x in metrics if f"{x.value.normalize():f}{x.unit}" == figure]
    assert len(found) == 1, [x.quote for x in metrics]
    return found[0]


@pytest.mark.parametrize("sentence, figure, change, concept", [
    # a change against last year, an earlier year, the same period: the stock's concept
    ("2030年，全县小学图书比上年增加0.93万册。", "0.93万册", "increase", "books"),
    ("2030年，全县专任教师较上年减少120人。", "120人", "decrease", "full-time-teachers"),
    ("2030年，全县幼儿园比2029年增加12所。", "12所", "increase", "kindergartens"),
    ("2030年，全县普惠性幼儿园比去年增加5所。", "5所", "increase", "inclusive-kindergartens"),
    ("2030年，全县在园幼儿同比减少300人。", "300人", "decrease", "kindergarten-children"),
    # (the head noun in the clause before the comparison is not in the figure's quote: no concept)
    ("2030年，全县在园幼儿与上年相比，减少300人。", "300人", "decrease", None),
    ("2030年，全县在园幼儿净增1200人。", "1200人", "increase", "kindergarten-children"),
    ("2030年，全县专任教师增长了80人。", "80人", "increase", "full-time-teachers"),
    ("2030年，全县在园幼儿下降300人。", "300人", "decrease", "kindergarten-children"),
    # a percentage-point change is the rate's change (its points: base unit 百分点)
    ("2030年，全县中小学生近视率比上年下降2个百分点。", "2个百分点", "decrease", "myopia-rate"),
    ("2030年，全县学前三年毛入园率提高1.5个百分点。", "1.5个百分点", "increase",
     "preschool-gross-enrolment-rate"),
    # a growth rate is a level of the growth-rate indicator, as before: no change flag
    ("2030年，全县在校生比上年增长3.2%。", "3.2%", None, "growth-rate"),
    ("2030年，全县教育经费同比增长12%。", "12%", None, "growth-rate"),
    # not a change: a level reached, a flow of its own, a total, a comparison with no earlier figure
    ("2030年，全县学前三年毛入园率比上年提高到92%。", "92%", None, "preschool-gross-enrolment-rate"),
    ("2030年，全县新增学位5000个。", "5000个", None, "new-places"),
    ("2030年，全县新建幼儿园3所。", "3所", None, "new-kindergartens"),
    ("2030年，全县增加学位800个。", "800个", None, "new-places"),
    ("2030年，全县累计培训教师2000人次。", "2000人次", None, "teacher-training"),
    ("2030年，全县在园幼儿达到9000人。", "9000人", None, "kindergarten-children"),
    ("2030年，全县共有幼儿园80所。", "80所", None, "kindergartens"),
    ("2030年，全县投入资金1200万元(高出要求50万元)。", "50万元", None, None),
])
def test_a_quote_gives_its_change_and_the_concept_of_what_changed(tmp_path, sentence, figure, change, concept):
    x = _one(tmp_path, sentence, figure)
    assert (x.change, x.indicator_concept) == (change, concept)


def test_a_level_after_a_change_keeps_the_changed_quantitys_concept(tmp_path):
    """幼儿园比上年增加3所，达到60所: the change and the level it reached count the same thing."""
    sentence = "2030年，全县公办幼儿园比上年增加3所，达到60所。"
    added, level = _one(tmp_path, sentence, "3所"), _one(tmp_path, sentence, "60所")
    assert (added.change, level.change) == ("increase", None)
    assert added.indicator_concept == level.indicator_concept == "public-kindergartens"


def test_a_change_written_after_a_level_continues_its_concept(tmp_path):
    """全县小学30所，比上年减少2所: the change names nothing; it continues the level before it."""
    sentence = "2030年，全县小学30所，比上年减少2所。"
    level, fewer = _one(tmp_path, sentence, "30所"), _one(tmp_path, sentence, "2所")
    assert (level.change, fewer.change) == (None, "decrease")
    assert level.indicator_concept == fewer.indicator_concept == "primary-schools"


def test_a_planned_change_is_a_planned_change(tmp_path):
    x = _one(tmp_path, "2031年，力争全县专任教师比上年增加200人。", "200人")
    assert (x.status, x.change, x.indicator_concept) == ("planned", "increase", "full-time-teachers")


def test_a_share_of_a_change_is_a_change(tmp_path):
    """专任教师较上年减少120人，其中小学减少80人: the share is a change too, of primary teachers."""
    sentence = "2030年，全县专任教师较上年减少120人，其中小学减少80人。"
    total, share = _one(tmp_path, sentence, "120人"), _one(tmp_path, sentence, "80人")
    assert (total.change, share.change) == ("decrease", "decrease")
    assert (total.indicator_concept, share.indicator_concept) == ("full-time-teachers", "primary-teachers")


def test_points_right_after_a_rate_are_that_rates_change(tmp_path):
    """毛入园率达到92%，比上年提高2.5个百分点: the points name nothing; they change the rate before them."""
    sentence = "2030年，全县学前三年毛入园率达到92%，比上年提高2.5个百分点。"
    level, points = _one(tmp_path, sentence, "92%"), _one(tmp_path, sentence, "2.5个百分点")
    assert (level.change, points.change) == (None, "increase")
    assert level.indicator_concept == points.indicator_concept == "preschool-gross-enrolment-rate"


def test_places_added_are_no_change(tmp_path):
    """学位增加5000个: 增加 right before a count of places is mostly what was added (a flow)."""
    x = _one(tmp_path, "2030年，全县学位增加5000个。", "5000个")
    assert (x.change, x.indicator_concept) == (None, "new-places")
