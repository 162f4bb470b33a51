"""kg.text.segment: compilations → reports, sections with kinds and years, sentences."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.datafiles import parse_toml
from kg.core.errors import DataFileError
from kg.core.records import Source
from kg.text.clean import clean
from kg.text.segment import segment
from kg.text.segment_rules import parse_segment_rules
from kg.text.spans import sentences

P1 = "全县新建校舍三所,新增学位一千个,办学条件明显改善。"
P2 = "组织教师培训十二期,参训教师九百余人次,队伍素质稳步提升。"
P3 = "持续推进课后服务,参与学生比例达到百分之九十以上。"


def reports_of(text: str):
    src = Source(path="t.txt", name="t.txt", sha256="0" * 64, text=text, encoding="utf-8",
                 format="txt")
    return segment(clean(src))


def brief(text: str):
    return [(r.index, r.title, r.summary_year, r.plan_year) for r in reports_of(text)]


# --------------------------------------------------------------------------- report splitting


def test_compilation_with_preface_and_pian_markers():
    text = "\n".join([
        "工作总结是对过去一段时间的回顾,下面为大家带来几篇范文,欢迎阅读。",
        "学校工作总结篇一", P1,
        "学校工作总结篇二", P2,
        "学校工作总结篇三", P3,
    ])
    reps = reports_of(text)
    assert [r.title for r in reps] == ["学校工作总结篇一", "学校工作总结篇二", "学校工作总结篇三"]
    assert [r.text for r in reps] == [P1, P2, P3]
    assert [r.index for r in reps] == [1, 2, 3]


@pytest.mark.parametrize(
    "markers",
    [
        ["篇一", "篇二"],
        ["范文(一)", "范文(二)"],
        ["第1篇", "第2篇"],
        ["【篇1】", "【篇2】"],
        ["教育局年度总结1", "教育局年度总结2"],  # numbered titles of one pattern
        ["精选范文3:区教育局工作总结", "精选范文4:区教育局工作计划"],
    ],
)
def test_item_marker_styles(markers):
    text = f"{markers[0]}\n{P1}\n{markers[1]}\n{P2}"
    reps = reports_of(text)
    assert [r.text for r in reps] == [P1, P2]
    assert [r.title for r in reps] == markers


def test_bare_marker_followed_by_title_line():
    reps = reports_of(f"篇一\n某镇中心小学2021年工作总结\n{P1}\n篇二\n某镇中学2021年工作总结\n{P2}")
    assert [r.title for r in reps] == ["某镇中心小学2021年工作总结", "某镇中学2021年工作总结"]
    assert reps[0].text == P1


def test_duplicate_report_dropped_and_indices_consecutive():
    text = f"总结篇一\n{P1}\n{P2}\n总结篇二\n{P1}\n{P2}\n总结篇三\n{P3}"
    reps = reports_of(text)
    assert [(r.index, r.title) for r in reps] == [(1, "总结篇一"), (2, "总结篇三")]


def test_single_report_title_and_body():
    reps = reports_of(f"某区教育局2021年工作总结\n来源:某区政府网\n{P1}\n{P2}")
    assert len(reps) == 1
    assert reps[0].title == "某区教育局2021年工作总结"
    assert reps[0].text == f"{P1}\n{P2}"
    assert reps[0].head == reps[0].text[:300]


def test_reposted_copy_of_a_single_report_is_dropped():
    title = "某区教育局2021年工作总结"
    reps = reports_of(f"{title}\n{P1}\n{P2}\n栏目:工作总结\n{title}\n{P1}\n{P2}")
    assert len(reps) == 1


def test_report_without_title():
    reps = reports_of(f"{P1}\n{P2}")
    assert len(reps) == 1 and reps[0].title is None and reps[0].text.startswith(P1)


@pytest.mark.parametrize("after", [
    "校园安全总结 | 年度安全总结 | 安全个人总结",  # a site's links to other reports after the text
    "某区教育局2021年工作总结",
])
def test_a_title_like_line_closing_the_text_is_not_its_title(after):
    reps = reports_of(f"{P1}\n{P2}\n{after}")
    assert len(reps) == 1 and reps[0].title is None and reps[0].text.startswith(P1)


def test_empty_and_furniture_only():
    assert reports_of("") == []
    assert reports_of("篇一\n短\n篇二\n也短") == []


# --------------------------------------------------------------------------- sections, kinds, years


def test_sections_kinds_and_years():
    text = "\n".join([
        "某县教育局工作总结",
        "一、2021年工作总结", "(一)学前教育", P1, "(二)教师队伍", P2,
        "二、存在的问题", "一是师资不足。", "二是经费紧张。",
        "三、明年工作打算", "(一)扩充学位", P3,
    ])
    (r,) = reports_of(text)
    got = [(s.kind, s.year, s.heading) for s in r.sections]
    assert got == [
        ("summary", 2021, "一、2021年工作总结"),
        ("summary", 2021, "(一)学前教育"),
        ("summary", 2021, "(二)教师队伍"),
        ("problems", 2021, "二、存在的问题"),
        ("problems", 2021, "一是师资不足"),
        ("problems", 2021, "二是经费紧张"),
        ("plan", 2022, "三、明年工作打算"),
        ("plan", 2022, "(一)扩充学位"),
    ]
    assert (r.summary_year, r.plan_year) == (2021, 2022)


@pytest.mark.parametrize(
    ("lines", "years"),
    [
        # explicit years in headings
        (["一、2019年工作回顾", P1, "二、2020年工作思路", P2], (2019, 2020)),
        # redacted years are never guessed
        (["一、20xx年工作总结", P1, "二、20xx年工作计划", P2], (None, None)),
        (["xxxx年上半年,我局" + P1, "下半年,我局将" + P2], (None, None)),
        # a 下半年 plan has the summary's year
        (["一、2018年上半年工作总结", P1, "二、下半年工作安排", P2], (2018, 2018)),
        (["2018年上半年,全局" + P1, "下半年,我们将" + P2], (2018, 2018)),
        # headless summary: most frequent explicit year; no plan section → no plan year
        (["2017年度" + P1, "2017年" + P2, "与2016年相比" + P3], (2017, None)),
        # plan-only report: the year goes to the plan
        (["一、指导思想", P1, "二、工作目标", "2023年" + P2, "三、主要任务", P3], (None, 2023)),
        # a five-year plan reviewing the last one: a range and a period name give no single year
        (["某区“十六五”教育事业发展规划", "(2031年——2035年)", "“十五五”期间,全区教育取得显著成绩。",
          "一、“十五五”教育工作回顾", "一是办学条件日臻完善。2026年高标准通过国家评估。" + P1,
          "二是师资队伍不断优化。其中2029年引进教师30名。" + P2, "二、“十六五”发展目标", P3], (None, None)),
        # …but a heading's year still wins over a period named in another heading
        (["一、2030年工作总结", P1, "二、“十六五”开局之年的主要目标", P2, "三、2031年工作计划", P3], (2030, 2031)),
        # the report's own title, printed again above its text, names the year the text hides
        (["某市教育局2031上半年工作总结及下半年工作计划", "来源:某某范文网", "某市教育局2031上半年工作总结及下半年工作计划",
          "xxxx年上半年,我局" + P1, "一、上半年主要工作", P2, "二、下半年工作计划", P3], (2031, 2031)),
        # a title's year after the year the body reviews, with a plan declared: the year planned
        (["2032年某县教育局工作总结及工作计划", "2031年,全县教育工作" + P1, P2], (2031, 2032)),
        # a forum repost of the year's work meeting, held the year after the one it reviews
        (["主题:某县召开2031年教育和体育工作会议", "1.楼主", "2月3日上午,某县2031年教育和体育工作会议在县教体局召开。",
          "2030年,全县教体系统稳步推进各项工作。" + P1 + P2], (2030, 2031)),
    ],
)
def test_report_years(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert (r.summary_year, r.plan_year) == years


# Invented news items (no heading, no lead of a kind): their sentences say which year is planned.
@pytest.mark.parametrize(
    ("lines", "years"),
    [
        # a government work report told early in the year: last year's results, this year's plan,
        # 今年 dated by the page's publication date (a date line the cleaner removes)
        (["2031-01-16 09:30", "昨日,某区人大会议开幕,区长作政府工作报告。2030年,全区新增学位七千个。",
          "今年,全区将新建幼儿园三所,新增学位两千个。"], (2030, 2031)),
        # progress on this year's plan, in sentences naming no other year
        (["2031年,我市将新建普惠性幼儿园43所。目前,已有8所投入使用,其余正在装修。"], (2031, 2031)),
        # a plan only: a horizon (到2035年) is no plan year
        (["2032-03-01", "记者获悉,今年某市将新建学校五所。到2035年,力争新增学位三万个。"], (None, 2032)),
        # no page date: a relative plan year stays unknown rather than guessed
        (["记者获悉,今年某市将新建学校五所,新增学位三千个。"], (None, None)),
        # a meeting's write-up states its agenda
        (["日前,某县召开教育工作会议,总结回顾2030年工作,安排部署2031年工作。会议要求,全县要新建学校两所。"],
         (2030, 2031)),
        # a range's start and a comparison year are not the year of results
        (["从2025年至今,全市累计新增学位三万个。2030年全市新建学校十所,比2029年增加两所。"], (2030, None)),
        # a title run into the text and 以来 say results, though the sentence goes on to plan
        (["某区教育局2031年上半年工作总结2031年以来,我局确保各项工作有序推进,全区新建学校3所。",
          "结合2030年评估发现的问题,逐校整改薄弱环节。"], (2031, None)),
        # a page of 2031 plans no year before it (2029年10月启动…计划); 以来 starts a span, no year;
        # a clause saying it is done (已于2030年) tells a result though its sentence goes on to plan
        (["2031-01-18 17:20", "记者获悉,2029年以来,全市新建学校321所,其中195所已于2030年秋季投入使用,"
          "另外126所将于今年秋季投入使用。", "全市在2029年10月启动三年行动计划,计划到2033年新增学位39万个。"],
         (2030, 2031)),
        # a page date on a line of its own, day first, or opening the site's line
        (["某区今年将新建义务教育学位8000个", "30.06.2031  09:32",
          "6月29日,某区召开人代会。政府工作报告提出,今年某区将新建义务教育学位8000个。"], (None, 2031)),
        (["2031-12-10 15:32:21 某某网", "记者从县教育局获悉,今年全县将新建学校两所,新增学位三千个,缓解入学压力。"],
         (None, 2031)),
        # a year naming a meeting is the meeting's, not the year reviewed (盘点2030年)…
        (["2月27日,各区教委召开了2031年度工作会议,盘点2030年教育亮点。", "某区2031年度教育工作会议在某中学举行。",
          "局长在会上说,2031年,全区要推进重点项目30个,新建学校2所。"], (2030, 2031)),
        # …unless no result names a year
        (["今天,我们召开全县教育系统2031年秋季开学工作会议,主要任务是总结上学年工作,部署新学期重点工作。"
          "过去的一学年,全县教育事业取得显著成效。"], (2031, None)),
        # a year of a sentence telling no figure and nothing done (通报2031年主要工作) is no result
        # when it is the year the page plans…
        (["2031-03-01 16:43", "2月28日,某市教育局举行新闻发布会,通报2031年主要工作。据介绍,今年全市将新增学位5.9万个。",
          "2031年,某市将加快学校项目建设,推进120个项目。"], (None, 2031)),
        # …and yields to a year whose sentence tells a result (截至2030年…共有)
        (["2031-05-10", "记者获悉,2031年某市义务教育招生政策保持稳定。截至2030年,全市共有义务教育学校749所。",
          "据介绍,2031年某市计划新增学位3万个。"], (2030, 2031)),
        # results told naming no year are the page's year's (目前…共有, 今秋开学); 去年 the one before
        (["2031-08-30 08:20", "记者获悉,今秋开学,某市将新增公办幼儿园28所。目前,全市共有幼儿园1000余所,"
          "普惠率达到96%。"], (2031, None)),
        (["2031-01-20 10:00", "去年,全县新建学校3所,新增学位2000个。今年,全县将新增学位3000个。"],
         (2030, 2031)),
        # …but not when the year is the one the page plans: that stays the plan's alone
        (["2031-02-20", "记者从市教育局获悉,今年全市将新建学校5所,缓解入学压力。全市现有中小学300所。"], (None, 2031)),
        # a meeting's write-up says which year it arranges, before a goal its sentences set
        (["11月14日,某市召开全市2030年度教育为民办实事项目推进会,对今年项目建设情况进行通报,"
          "并针对2031年教育类项目建设工作进行部署。截止10月底,已完成2030年度项目投资7852.5万元。",
          "根据部署,2032年,某市将实现每个乡镇至少有一所公办幼儿园的目标。"], (2030, 2031)),
        # a year the text hides where results are told: never guessed
        (["20xx年,全县新建学校三所。20xx年,全县新增学位九百个,2030年秋季投入使用。"], (None, None)),
        # a plan of an older year that says how far it got (计划项目21个,目前完成11个) is reviewed:
        # never a plan before the year reviewed
        (["“十五五”期间,全市投入教育建设资金6亿元。2031年,计划投资3亿元。",
          "据悉,2030年我市教育建设计划项目21个,目前基本完成项目建设任务的有11个。"
          "2031年,安排实施的教育建设项目达46个。"], (2030, 2031)),
        # a quarter's progress item: results by part of the year outweigh an older year's named once
        (["某县新闻网讯 今年,我县共实施三项教育民生工程,确保做好2031年各项教育民生工程工作。",
          "截至3月中旬,拨付公用经费3891.5万元。2030年底,就完成了73个校舍维修项目的前期准备工作。",
          "1-3月份国家助学金已发放到位,共发放资金22.6万元。"], (2031, 2031)),
        # 截至今年10月底 names the page's year as 2031年 would, against a background year
        (["2031-12-05 10:29 来源:某网", "某市通报项目进展情况。截至今年10月底,已开工项目建设面积31.35万平方米。",
          "据悉,2027年,某市全面启动该项工作,累计投入2亿元。"], (2031, None)),
        # results naming no year are the page's year's before a year a sentence names with no figure
        (["日期:2032-12-30", "全县共有各级各类学校322所,在校生11万人。", "2029年成功创建全国义务教育发展基本均衡县。"],
         (2032, None)),
    ],
)
def test_news_item_years(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert (r.summary_year, r.plan_year) == years


def test_title_year_loses_to_body():
    text = "\n".join(["2024某区教育局工作总结和工作计划", "一、2022年工作总结", P1, "二、2023年工作计划", P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2022, 2023)


def test_title_year_used_when_body_has_none():
    (r,) = reports_of(f"某区教育局2021年工作总结\n{P1}\n{P2}")
    assert (r.summary_year, r.plan_year) == (2021, None)


def test_relative_lead_takes_the_title_year():
    text = f"某县教育局2020年上半年工作总结\n今年以来,{P1}\n一、下半年工作打算\n{P2}"
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2020, 2020)
    assert [s.year for s in r.sections] == [2020, 2020]


def test_plan_word_inside_a_task_heading_is_not_a_plan():
    text = f"某校工作总结篇一\n1.实施教师提升计划,成效明显。{P1}\n2.安排好假期值班。{P2}"
    (r,) = reports_of(text)
    assert {s.kind for s in r.sections} == {"summary"}  # from the title, not from 计划/安排


def test_sentences_have_clean_spans():
    text = "甲乙丙。丁戊;己庚!\n辛壬"
    got = sentences(text, (0, len(text)))
    assert [s.text for s in got] == ["甲乙丙。", "丁戊;", "己庚!", "辛壬"]
    assert all(text[s.span[0]:s.span[1]] == s.text for s in got)


def test_section_spans_cover_the_body_in_order():
    (r,) = reports_of("\n".join(["一、2021年工作总结", P1, "二、2022年工作计划", P2]))
    starts = [s.span[0] for s in r.sections]
    assert starts == sorted(starts) and starts[0] == r.span[0]
    assert r.sections[-1].span[1] == r.span[1]
    for s in r.sections:
        for sen in s.sentences:
            assert r.clean.text[sen.span[0]:sen.span[1]] == sen.text


def test_bad_segment_rules_raise():
    with pytest.raises(DataFileError, match="missing key"):
        parse_segment_rules(parse_toml("[items]\nmax_len = 3\n", "segment.toml"), "segment.toml")
    with pytest.raises(DataFileError, match="not valid TOML"):
        parse_segment_rules(parse_toml("[items", "segment.toml"), "segment.toml")


def test_segment_thresholds_are_checked_data():
    """The tuning numbers are read from segment.toml and checked: a share outside (0, 1] or a
    missing threshold names the key."""
    from kg.core.datafiles import rule_file

    data, fname = rule_file("segment.toml")
    rules = parse_segment_rules(data, fname)
    assert (rules.min_body_han, rules.teaser_share, rules.repeat_share) == (20, 0.6, 0.9)
    assert (rules.agenda_reach, rules.lead_chars, rules.cover_reach) == (300, 30, 2000)
    bad = {**data, "items": {**data["items"], "teaser_share": 1.5}}
    with pytest.raises(DataFileError, match="teaser_share"):
        parse_segment_rules(bad, fname)
    missing = {**data, "years": {k: v for k, v in data["years"].items() if k != "lead_chars"}}
    with pytest.raises(DataFileError, match="lead_chars"):
        parse_segment_rules(missing, fname)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([
    "篇一", "篇二", "一、2021年工作总结", "二、下半年工作计划", "(一)", "1.", "一是", P1, P2, P3,
    "20xx年", "明年", "下半年,将", "某校工作总结", "\n", "。", "x",
]), max_size=30).map("\n".join))
def test_segment_never_raises_and_spans_are_valid(text: str):
    for r in reports_of(text):
        assert 0 <= r.span[0] <= r.span[1] <= len(r.clean.text)
        assert r.index >= 1
        for s in r.sections:
            assert r.span[0] <= s.span[0] <= s.span[1] <= r.span[1]
            assert s.kind in ("summary", "plan", "problems", "other")


# --------------------------------------------------------------------------- dev corpus


def test_dev_corpus_reports_and_years(shared_dir):
    """Every gold report is found by its anchor, no extra reports, years as annotated."""
    from kg.text.ingest import read_source

    norm = lambda t: re.sub(r"\s+", "", unicodedata.normalize("NFKC", t or ""))  # noqa: E731
    for path in sorted((shared_dir / "corpus").glob("*.txt")):
        gold = json.loads((shared_dir / "gold" / f"{path.name[:3]}.json").read_text())["reports"]
        reps = segment(clean(read_source(path)))
        assert len(reps) <= len(gold) + 2, path.name
        for g in gold:
            match = [r for r in reps if norm(g["anchor"]) in norm(r.head)]
            assert match, (path.name, g["key"])
            assert (match[0].summary_year, match[0].plan_year) == (g["summary_year"], g["plan_year"]), g["key"]


@pytest.mark.parametrize(
    ("lines", "published"),
    [
        # a date line the cleaner removes, a 发布时间 line, a date opening the site's line
        (["2031-01-16 09:30", "记者获悉,今年某区将新建幼儿园三所,新增学位一千个,缓解入园压力。"], "2031-01-16"),
        (["某县教育局2031年工作总结", "发布时间:2031/12/7 10:08:36 点击率:0", "一、2031年工作总结", P1], "2031-12-07"),
        (["30.06.2031  09:32", "6月29日,某区召开人代会,今年将新建义务教育学位8000个。"], "2031-06-30"),
        # a date in the title, and none at all
        (["某区教育局2031年工作总结(2031年12月20日)", "一、2031年工作总结", P1], "2031-12-20"),
        (["某县教育局2031年工作总结", "一、2031年工作总结", P1], None),
        # an impossible month is no date
        (["2031-13-45", "记者获悉,今年某区将新建幼儿园三所,新增学位一千个,缓解入园压力。"], None),
    ],
    ids=["date-line", "published-line", "day-first", "title", "none", "impossible"],
)
def test_the_pages_date_is_carried_on_the_report(lines, published):
    (r,) = reports_of("\n".join(lines))
    assert r.published == published


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "2030年,全县新建学校3所。", "2031年,全县将新建学校5所。", "2029年计划新增学位800个,目前已完成500个。",
    "今年全县将新增学位3000个。", "截至3月底,已拨付资金200万元。", "去年全县新建学校2所。", "通报2031年主要工作。",
    "全县现有中小学300所。", "2032年,力争新建学校4所。", "2028年以来,累计投入2亿元。", "会议部署2031年工作。",
]), min_size=1, max_size=8), st.sampled_from(["", "2031-02-20 10:00\n", "2030-11-02\n"]))
def test_a_news_item_never_plans_before_the_year_it_reviews(sentences_, dateline):
    for r in reports_of(dateline + "".join(sentences_)):
        if r.summary_year is not None and r.plan_year is not None:
            assert r.plan_year >= r.summary_year


def test_a_heading_naming_a_five_year_period_dates_its_section_not_the_report():
    (r,) = reports_of("\n".join(["一、基本情况", "截至2030年底,全县共有中小学15所。" + P1,
                                 "二、“十五五”期间工作开展情况", "1、推进学校标准化建设", P2]))
    assert r.summary_year == 2030
    assert [(s.heading, s.year, s.period) for s in r.sections] == [
        ("一、基本情况", 2030, False), ("二、“十五五”期间工作开展情况", None, True), ("1、推进学校标准化建设", None, True)]
