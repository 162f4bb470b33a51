"""kg.text.segment on layouts real reports use: section kinds and years, report titles, compilations.

All fixture text is invented.
"""

from __future__ import annotations

import pytest
from test_segment import P1, P2, P3, reports_of


def sections_of(lines: list[str]):
    (r,) = reports_of("\n".join(lines))
    return [(s.kind, s.year) for s in r.sections], (r.summary_year, r.plan_year)


# --------------------------------------------------------------------------- sections and years


@pytest.mark.parametrize(
    ("lines", "kinds", "years"),
    [
        # a lead paragraph under the summary heading does not reset the outline
        (["一、2021年工作总结", "2021年,我局" + P1, "(一)学前教育", P1, "(二)教师队伍", P2,
          "二、2022年工作计划", "(一)新建公办幼儿园3所", P3],
         [("summary", 2021)] * 4 + [("plan", 2022)] * 2, (2021, 2022)),
        # the plan's own opening paragraph ("2022年,…要…") stays plan
        (["一、2021年工作总结", "(一)学前教育", P1, "二、2022年工作计划",
          "2022年,全县教育系统要坚持稳中求进。" + P2, "(一)扩充学位", P3],
         [("summary", 2021)] * 2 + [("plan", 2022)] * 2, (2021, 2022)),
        # lead paragraphs under deeper headings, then a problems section
        (["一、2020年工作回顾", "(一)学前教育", "2020年,全县" + P1, "1.新建园所", P1,
          "2.师资补充", P2, "(二)义务教育", P2, "二、存在的问题", P3, "三、2021年工作思路",
          "(一)扩充学位", "1.新建园所", P3],
         [("summary", 2020)] * 6 + [("problems", 2020)] + [("plan", 2021)] * 3, (2020, 2021)),
        # a plan lead (明年…将) after the problems switches to plan; its (一) is not a problem
        (["一、2019年工作总结", "(一)学前教育", P1, "二、存在的问题", P2,
          "明年,我局将重点抓好以下工作:", "(一)扩充学位", P3, "(二)提升质量", P3],
         [("summary", 2019)] * 2 + [("problems", 2019)] + [("plan", 2020)] * 3, (2019, 2020)),
    ],
    ids=["summary-lead", "plan-lead", "deep-leads", "switch-lead"],
)
def test_section_kinds_and_years(lines, kinds, years):
    got_kinds, got_years = sections_of(lines)
    assert got_kinds == kinds
    assert got_years == years


@pytest.mark.parametrize(
    ("title", "body", "years"),
    [
        # the title declares a plan the text does not hold (cut off): its year still counts
        ("某县教育局2022年工作总结及2023年工作计划", ["一、2022年工作总结", P1, P2], (2022, 2023)),
        ("某区教育局2022年工作总结和2023年工作思路", [P1, P2], (2022, 2023)),
        ("某县教育局2022年工作总结及明年工作打算", [P1, P2], (2022, 2023)),
        ("某镇教育办2019年度工作总结暨2020年工作安排", [P1, P2], (2019, 2020)),
        ("某区教育局基建科2010年工作小结和2011年工作计划", [P1, P2], (2010, 2011)),  # 小结 is a summary
        # a plan kind word without a year of its own gives none
        ("某县教育局2021年工作总结和工作计划", [P1, P2], (2021, None)),
        # quarterly and half-year reports
        ("某县教育局2024年第三季度工作总结", [P1, P2], (2024, None)),
        ("某县教育局2023年上半年工作总结", [P1, P2], (2023, None)),
        ("某县教育局2023年上半年工作总结和下半年工作计划", [P1, P2], (2023, 2023)),
        ("某县教育局上半年工作总结和下半年工作计划", ["2025年上半年,我局" + P1, P2], (2025, 2025)),
        # 工作要点 for a year is that year's plan
        ("某市教育局2021年工作要点", ["一、指导思想", P1, "二、主要任务", P2], (None, 2021)),
        # a comparison year is not the report year, in the body or against the title
        ("某县教育局2024年第三季度工作总结", [P1, "与2023年相比," + P2], (2024, None)),
        ("某县教育局工作总结", [P1 + "入园率比2022年提高五个百分点。", "较2020年增长一倍," + P2,
                         "同比2019年," + P3, "2023年," + P3], (2023, None)),
        # ... nor a founding date
        ("某县义务教育优质均衡发展自评报告", ["一、基本情况", "某县成立于1958年," + P1, P2], (None, None)),
        ("某县教育局工作总结", ["某县第一中学始建于1956年," + P1, "2030年," + P2], (2030, None)),
        # an explicit year in the report's own title beats years met in passing in the body
        ("某县教育局2021年工作总结", [P1, "2019年秋季开工的校舍已全部交付使用。", P2], (2021, None)),
        # a redacted title year is never guessed from the plan's relative word
        ("某县教育局20xx年工作总结及明年工作打算", [P1, P2], (None, None)),
        # a title's year in two digits (a content farm's 05年), but never a count of years
        ("某县教育局05年上半年工作总结", [P1, P2], (2005, None)),
        ("某县教育局98年度工作总结", [P1, P2], (1998, None)),
        ("某县教育局近10年工作总结", [P1, P2], (None, None)),
    ],
)
def test_title_years(title, body, years):
    (r,) = reports_of("\n".join([title, *body]))
    assert r.title == title
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # a site's notice issuing the report, its signature, 附件, then the report's own title
        (["关于印发《某县教育局2030年工作要点》的通知", "各中小学、幼儿园,局属各单位:",
          "现将《某县教育局2030年工作要点》印发给你们,请认真贯彻落实。", "某县教育局", "2030年1月8日",
          "附件", "某县教育局2030年工作要点", "2030年全县教育工作的总体要求是:" + P1,
          "一、深化教育改革", P2], "某县教育局2030年工作要点"),
        # the issued name broken across lines, and the report under a headline with a subtitle
        (["某县教育局关于印发2029年工作总结暨2030年工作思路的通知",
          "现将《某县教育局2029年工作总结\n暨2030年工作思路》印发给你们。",
          "提质增效 奋力谱写教育新篇章", "——某县教育局2029年工作总结暨2030年工作思路",
          "2029年,全县教育系统" + P1 * 6, "一、2030年工作思路", P2 * 6],
         "提质增效奋力谱写教育新篇章——某县教育局2029年工作总结暨2030年工作思路"),
    ],
)
def test_report_inside_the_notice_issuing_it(lines, title):
    """The notice is furniture: one report, titled as itself, with its years and no notice text."""
    (r,) = reports_of("\n".join(lines))
    assert r.title == title
    assert r.plan_year == 2030
    assert "印发给你们" not in r.clean.text[r.span[0]:r.span[1]]


def test_compilation_title_shared_by_items_gives_no_relative_plan_year():
    """"…总结与下半年工作计划篇一/篇二" names the collection, not what each excerpt holds."""
    text = "\n".join(["教育局工作总结与下半年工作计划篇一", "2020年,我局" + P1,
                      "教育局工作总结与下半年工作计划篇二", "2020年,全县" + P2])
    assert [(r.summary_year, r.plan_year) for r in reports_of(text)] == [(2020, None)] * 2


# --------------------------------------------------------------------------- compilations

J = "\n".join


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (a) title lines only: each report opens with a title naming a place/bureau and a year
        (J(["甲市教育局2017年工作总结", P1, P2, "乙县教育局2017年工作总结", P2, P3,
            "丙区教育和体育局2018年工作要点", P3, P1]),
         [("甲市教育局2017年工作总结", 2017, None), ("乙县教育局2017年工作总结", 2017, None),
          ("丙区教育和体育局2018年工作要点", None, 2018)]),
        # titles repeating with a changing year, another bureau's title between them
        (J(["甲市教育局2017年工作总结", P1, "乙县教育局2017年工作总结", P2, "甲市教育局2018年工作总结", P3]),
         [("甲市教育局2017年工作总结", 2017, None), ("乙县教育局2017年工作总结", 2017, None),
          ("甲市教育局2018年工作总结", 2018, None)]),
        # untitled page furniture before the first title is a preface, not a report
        (J(["教育频道 学校管理", "教学研究 德育天地", "安全教育 招生考试", "教师风采 家校共育",
            "甲市教育局2017年工作总结", P1, P2, "乙县教育局2017年工作总结", P2, P3]),
         [("甲市教育局2017年工作总结", 2017, None), ("乙县教育局2017年工作总结", 2017, None)]),
        # (b) speech openings, the line before one being its title
        (J(["在全县教育工作会议上的讲话", "各位领导、同志们:", P1, P2, "谢谢大家!",
            "在全市教育系统年度总结会上的报告", "各位代表、同志们:", "2019年," + P3, P1]),
         [("在全县教育工作会议上的讲话", None, None), ("在全市教育系统年度总结会上的报告", 2019, None)]),
        (J(["各位领导、同志们:", P1, P2, "尊敬的各位领导,各位来宾:", P3, P1]),
         [(None, None, None), (None, None, None)]),
        # (c) 一、 restarting after 三、 with a new year pair
        (J(["一、2019年工作总结", P1, "二、存在的问题", P2, "三、2020年工作计划", P3,
            "一、2020年工作总结", P1, "二、存在的问题", P3, "三、2021年工作计划", P2]),
         [(None, 2019, 2020), (None, 2020, 2021)]),
        # (d) markers doubled by PDF bold rendering
        (J(["篇篇一一", "某镇2021年工作总结", P1, "篇篇二二", "某乡2022年工作总结", P2]),
         [("某镇2021年工作总结", 2021, None), ("某乡2022年工作总结", 2022, None)]),
        (J(["范文( (一一) )", "2020年," + P1, P2, "范文( (二二) )", "2021年," + P2, P3]),
         [("范文(一)", 2020, None), ("范文(二)", 2021, None)]),
        (J(["学校工作总结篇篇一一", P1, P2, "学校工作总结篇篇二二", P2, P3]),
         [("学校工作总结篇一", None, None), ("学校工作总结篇二", None, None)]),
    ],
    ids=["titles", "numbered-and-other-titles", "furniture-preface", "speeches", "speeches-untitled", "restart", "doubled-pian", "doubled-fanwen",
         "doubled-title-marker"],
)
def test_compilation_split(text, expected):
    assert [(r.title, r.summary_year, r.plan_year) for r in reports_of(text)] == expected


@pytest.mark.parametrize(
    "lines",
    [
        # (e) sections restarting their numbering inside one report
        ["某县教育局2021年工作总结和2022年工作计划", "一、2021年工作总结", "一、学前教育", P1,
         "二、义务教育", P2, "三、教师队伍", P3, "二、2022年工作计划", "一、2022年主要目标", P1,
         "二、重点任务", P2],
        ["某县教育局工作报告", "一、2020年工作回顾", P1, "二、存在的问题", P2, "三、2021年工作计划",
         "一、2021年工作目标", P3, "二、主要措施", P1],
        # an un-numbered part title without a place name is a section, not a new report
        ["某区教育局2021年工作总结和2022年工作计划", "2021年全区教育工作总结", P1, P2,
         "2022年全区教育工作计划", P3, P1],
        # (f) another report's title quoted or named in a sentence
        ["某市教育局2021年工作总结", P1, "全年认真落实", "《某市教育局2021年工作要点》",
         "某市教育局2022年工作要点提出的任务已提前部署。", P2, P3],
        ["某市教育局2021年工作总结", P1, "按照某市教育局2021年工作要点,全面完成各项任务。", P2],
        # a notice issuing another document names no new report
        ["某县教育局2021年工作总结", P1, P2, "某县教育局关于印发2022年工作要点的通知", P3],
        # a tail of links to other reports' titles is no report
        ["某市教育局2021年工作总结", P1, P2, "甲县教育局2021年工作总结", "乙县教育局2020年工作计划",
         "丙区教育局2021年工作要点", "丁市教育局2019年工作总结"],
        # a speech salutation inside a speech, not at a line start with a colon
        ["在全县教育工作会议上的讲话", "各位领导、同志们:", P1, P2, "同志们,让我们携手奋进!", P3],
        ["在全县教育工作会议上的讲话", "各位领导、同志们:", P1, P2, "各位校长要做到:", P3,
         "全体老师要做到:", P1, "同志们!", P2],
        # a site repeating the title as a page header while the outline carries on
        ["某区教育局2021年工作总结", P1, "一、党建引领", "某区教育局2021年工作总结", "(一)" + P2,
         "(二)" + P3],
        ["某区教育局2021年工作总结", "一、党建引领", P1, "某区教育局2021年工作总结", "二、" + P2, P3],
        ["教育局工作总结", P1, "教育局工作总结", "(一)惠民实事", P2, "(二)队伍建设", P3],
        ["教育局工作总结", P1, "教育局工作总结", "一、惠民实事", P2, "二、队伍建设", P3],
    ],
    ids=["nested-restart", "plan-restart", "part-titles", "quoted-title", "named-title",
         "notice", "link-tail", "inner-salutation", "inner-addressing", "header-sub-heading",
         "header-next-number", "header-after-lead", "header-first-top-after-lead"],
)
def test_single_report_stays_one(lines):
    reps = reports_of(J(lines))
    assert len(reps) == 1
    assert reps[0].title == lines[0]


@pytest.mark.parametrize(
    ("lines", "kinds"),
    [
        # un-numbered part headings, numbered headings nested below them
        (["某区教育局2021年工作总结和2022年工作计划", "2021年工作总结", "一、学前教育", P1,
          "二、义务教育", P2, "2022年工作计划", "一、学前教育", P3, "二、义务教育", P1],
         [("summary", 2021)] * 3 + [("plan", 2022)] * 3),
        (["某区教育局2021年工作总结和2022年工作计划", "2021年全区教育工作总结", P1, P2,
          "2022年全区教育工作计划", P3, P1],
         [("summary", 2021), ("plan", 2022)]),
        (["某区教育局工作总结和计划", "2021年工作总结:", P1, P2, "2022年工作计划:", P3, P1],
         [("summary", 2021), ("plan", 2022)]),
        # a line naming both kinds is furniture, not a part
        (["某区教育局2021年工作总结和2022年工作计划", "一、2021年工作总结", P1, "二、2022年工作计划",
          P2, "年度工作总结和计划"],
         [("summary", 2021), ("plan", 2022)]),
        # below a numbered top level, a short kind line is body text: 二、 stays top-level
        (["某县教育局工作总结和计划", "一、2021年工作总结", "(一)学前教育", "主要做法", P1,
          "二、2022年工作计划", "(一)学前教育", P2],
         [("summary", 2021)] * 2 + [("plan", 2022)] * 2),
        # a bare 重点工作 line in a headless plan is body text, not a summary part
        (["某市教育局2022年工作要点", P1, "重点工作", P2, P3], [("plan", 2022)]),
        (["某县教育局2020年上半年工作总结", "上半年,全县" + P1, P2, "下半年工作打算", P3],
         [("summary", 2020), ("plan", 2020)]),
    ],
    ids=["parts-numbered", "parts-scoped", "parts-colon", "both-kinds-line", "kind-line-in-outline",
         "weak-kind-line", "half-year-part"],
)
def test_part_headings(lines, kinds):
    (r,) = reports_of(J(lines))
    assert [(s.kind, s.year) for s in r.sections] == kinds


def test_numbered_titles_that_differ_in_year_are_each_reports_own():
    text = J(["某县教育局2021年工作总结及明年工作打算", P1, P2,
              "某县教育局2022年工作总结及明年工作打算", P2, P3])
    assert [(r.summary_year, r.plan_year) for r in reports_of(text)] == [(2021, 2022), (2022, 2023)]


@pytest.mark.parametrize(
    ("lines", "kinds", "years"),
    [
        (["2024年第三季度,我局" + P1, P2, "下一季度,我局将" + P3],
         [("summary", 2024), ("plan", 2024)], (2024, 2024)),
        (["一、2023年前三季度工作总结", P1, "二、第四季度工作打算", P2],
         [("summary", 2023), ("plan", 2023)], (2023, 2023)),
        (["一、第一季度工作情况", "2022年第一季度,全县" + P1, "二、下一季度工作安排", P2],
         [("summary", 2022)] * 2 + [("plan", 2022)], (2022, 2022)),
    ],
    ids=["quarter-leads", "quarter-headings", "quarter-lead-under-heading"],
)
def test_quarterly_reports(lines, kinds, years):
    got_kinds, got_years = sections_of(lines)
    assert got_kinds == kinds
    assert got_years == years


@pytest.mark.parametrize(
    ("lines", "years"),
    [
        # relative comparison words do not pull the plan year back
        (["一、2021年工作总结", P1, "二、明年工作打算", "与去年相比,新增学位翻番。较去年同期再增三成。"
          "明年力争" + P2], (2021, 2022)),
        (["一、2021年工作总结", P1, "二、工作打算", "比上年多建三所幼儿园。比去年多培训一千人。明年" + P2],
         (2021, 2022)),
    ],
)
def test_relative_comparisons_are_not_years(lines, years):
    assert sections_of(lines)[1] == years


@pytest.mark.parametrize(
    ("lines", "years"),
    [
        # a template whose body hides its year: the title's year is the publishing site's
        (["2022年上半年教育局工作总结及下半年工作计划", "20__年,县教育局稳步推进各项工作。" + P1, P2], (None, None)),
        (["2020县教育局工作总结和2020年工作计划", "xxxx年,全县教育稳步发展。" + P1, P2], (None, None)),
        # …unless the document's own title, after the site's, names the years too
        (["区教育局2030年度工作总结范文及2031年度工作计划区教育局2030年工作总结及2031年度工作思路",
          "一、xx区教育局xxxx年工作基本情况xxxx年,xx区教育局以改革统领工作全局,各项工作取得较好成效。" + P1,
          "(一)以深化人事制度改革为动力,不断加强队伍建设。" + P2], (2030, 2031)),
        # the body writes the title's year too: the title stands, whatever else is hidden
        (["某县教育局2021年工作总结", "2021年,全县教育稳步发展,xx年来首次" + P1, P2], (2021, None)),
        (["某县教育局2021年工作总结", P1, P2], (2021, None)),
        # a lead that states what the year's work must do opens a plan
        (["2016年,全县学校工作总体要求是:深化改革,提高质量。", "一、坚持特色发展,推进课程改革", P1],
         (None, 2016)),
        # one that looks back at the targets set at the year's start opens a summary
        (["某县教育局2024年工作总结", "2024年,县教育局围绕年初确定的目标任务,统筹推进各项工作。",
          "一、学校建设", P1], (2024, None)),
        # a school year written by its year
        (["县教育局教育工作总结", P1, "2022学年全县教师学历达标率达到96%。" + P2], (2022, None)),
        # 完成情况 names the summary, so a lead before the headings is no plan
        (["区教育局2019年目标完成情况及2020年工作计划", "一年来,全区" + P1, "一、2019年目标完成情况", P2],
         (2019, 2020)),
    ],
    ids=["blank-year", "redacted-year", "own-title-after-the-sites", "title-year-in-body", "no-year-in-body", "requirements-lead",
         "targets-set-at-the-start", "school-year",
         "completion-and-plan"],
)
def test_site_year_on_a_template_title(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize(
    ("text", "title", "years", "head"),
    [
        # a 文库 export runs the title into the body's first line
        ("某市教育局2021年工作总结和2022年工作计划2021年,我局" + P1 + P2,
         "某市教育局2021年工作总结和2022年工作计划", (2021, 2022), "2021年,我局"),
        # written twice, with a site's tag, before a lead phrase
        ("区教育局2021年上半年工作总结及下半年工作计划范文区教育局2021年上半年工作总结及下半年工作计划范文"
         "今年以来,全区" + P1 + P2,
         "区教育局2021年上半年工作总结及下半年工作计划范文", (2021, 2021), "今年以来,全区"),
        # a redacted award year later in the body does not void the title's year
        ("县教育局2020年工作总结一、" + P1 + "先后被评为xxxx年度先进单位。" + P2,
         "县教育局2020年工作总结", (2020, None), "一、"),
        # a compilation's title run into its first item's marker: the heading after it stays
        ("学校工作总结三篇学校工作总结三篇【篇一】一、2019年工作总结(一)" + P1 + P2,
         "学校工作总结三篇", (2019, None), "【篇一】一、2019年工作总结"),
        # a template's title with its tag, run into a body whose year is a one-glyph blank
        ("某区教育局2030年度工作总结范本_年,全区" + P1 + P2, "某区教育局2030年度工作总结范本", (None, None),
         "_年,全区"),
    ],
    ids=["title-then-year", "title-twice-then-lead", "late-redacted-year", "title-before-pian-marker",
         "template-blank-year"],
)
def test_glued_title_leaves_the_body(text, title, years, head):
    (r,) = reports_of(text)
    assert r.title == title and (r.summary_year, r.plan_year) == years
    assert r.text.startswith(head)


def test_a_sentence_opening_with_a_report_word_is_no_glued_title():
    (r,) = reports_of("全县教育工作总结会议于3月召开,2021年新建学校三所。" + P1)
    assert r.title is None and r.text.startswith("全县教育工作总结会议")


def test_a_sites_teaser_before_the_full_report_is_no_report():
    # the page's heading, a teaser (title and the opening words), then the report in full
    teaser = "某县教育局2021年工作总结2021年,全县" + P1[:12] + "。"
    text = "\n".join(["20211218:某县教育局2021年工作总结", teaser, "某县教育局2021年工作总结",
                      "2021年,全县" + P1, "一、主要成效", P2, P3, P1 + P2])
    (r,) = reports_of(text)
    assert r.title == "某县教育局2021年工作总结" and P3 in r.text


def test_a_subtitle_goes_with_the_headline_above_it():
    text = "\n".join(["凝心聚力推动某地教育再上台阶", "——在2017年全市教育工作会议上的讲话", "同志们:", P1, P2])
    (r,) = reports_of(text)
    assert r.title == "凝心聚力推动某地教育再上台阶——在2017年全市教育工作会议上的讲话"


@pytest.mark.parametrize("first, second", [
    ("某市教育局2013年工作总结", "和2014年工作计划"),  # the second line opens with the joiner
    ("某市教育局2013年工作总结和2014年", "工作计划"),  # the first line is broken after it
    ("某市教育局2013年工作总结及", "2014年工作计划"),
])
def test_a_title_wrapped_onto_a_second_line(first, second):
    text = "\n".join([first, second, "一、2013年工作总结", P1, "二、2014年工作计划", P2])
    (r,) = reports_of(text)
    assert r.title == first + second and (r.summary_year, r.plan_year) == (2013, 2014)
    assert r.text.startswith("一、2013年工作总结")
    assert [s.kind for s in r.sections][:1] == ["summary"]


def test_a_line_after_a_complete_title_is_no_tail_of_it():
    """某市教育局2013年工作总结 / 工作要点: the title ends in no joiner, so 工作要点 starts the body."""
    text = "\n".join(["某市教育局2013年工作总结", "工作要点", P1, P2])
    (r,) = reports_of(text)
    assert r.title == "某市教育局2013年工作总结"


@pytest.mark.parametrize("opening", [
    "这次会议的主要任务是,总结2018年工作,安排部署2019年工作。",
    "会上回顾总结了2018年全县教育工作,安排部署了2019年教育工作。",  # a news report of the meeting
    # thanks first, and the agenda worded as the year's reform tasks
    "过去的一年,全县教育系统攻坚克难,取得了新的成绩。在此,我代表局领导班子向在座的各位,并通过你们"
    "向全县广大教职工表示衷心的感谢和崇高的敬意!今天召开全县教育工作会议,会议的主要任务是,回顾总结"
    "2018年教育工作,研究部署2019年教育改革发展任务。",
    "会议总结了2018年某县教育工作,对2019年教育工作作出了部署。",  # the year after 对, 部署 last
    "这次会议的主要任务是,总结2018年工作,安排部署2019年和今后一个时期的教育工作任务。",
])
def test_a_speech_plans_the_year_its_agenda_arranges(opening):
    text = "\n".join(["在2019年全县教育工作会议上的讲话", "同志们:", opening + P1,
                      "一、2018年教育工作回顾", P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2018, 2019)


@pytest.mark.parametrize("agenda, years", [
    ("总结“十五五”时期全县教育工作,安排部署2031年和今后一个时期的教育工作任务。", (2030, 2031)),
    ("回顾十五五期间的教育工作,部署2031年工作。", (2030, 2031)),
])
def test_a_speech_reviewing_a_five_year_period_reviews_its_last_year(agenda, years):
    text = "\n".join(["县长在全县教育工作会议上的讲话", "同志们:", "这次会议的主要任务是," + agenda,
                      "一、“十五五”时期教育事业发展回顾", "过去五年," + P1, "二、2031年工作任务", P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize("headline", ["某县召开2019年全县教育工作会议", "2019年全县教育工作会议召开"])
def test_a_meeting_report_reviews_the_year_its_agenda_names_not_the_meetings(headline):
    # news of the annual meeting: titled and dated with the meeting's year, reviewing the year before
    text = "\n".join([headline, "2月27日,某县2019年教育工作会议召开。会议全面总结回顾了2018年工作,"
                       "安排部署2019年任务。" + P1, P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2018, 2019)


@pytest.mark.parametrize("announce", [
    "下面,把我局2030年度各项工作的完成情况、不足以及2031年度的工作计划报告如下:",
    "按照2030年工作要点,现将全年工作总结及2031年工作打算报告如下:",  # the reviewed year's plan first
])
def test_a_report_that_announces_its_plan_part_plans_that_year_when_the_part_is_cut_off(announce):
    text = "\n".join(["某市教育局工作汇报", announce, "一、2030年度工作回顾", "2030年," + P1, P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2030, 2031)


@pytest.mark.parametrize("announce", [
    "现将2030年工作完成情况汇报如下,2030年工作计划确定的任务全部完成:",  # the reviewed year's own plan
    "现将2030年工作总结如下:",
])
def test_a_plan_named_for_the_reviewed_year_declares_no_plan(announce):
    text = "\n".join(["某市教育局工作汇报", announce, "一、2030年度工作回顾", "2030年," + P1, P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2030, None)


def test_a_years_work_opinion_is_that_years_plan():
    text = "\n".join(["某市2030年教育工作意见", "2030年,全市教育工作以提质增效为主线," + P1, P2])
    (r,) = reports_of(text)
    assert r.title == "某市2030年教育工作意见"
    assert (r.summary_year, r.plan_year) == (None, 2030) and {s.kind for s in r.sections} == {"plan"}


def test_a_plans_year_lead_after_a_line_of_page_furniture_is_still_the_plans_own():
    # a page line the cleaner keeps (打印本页) before "2030年,是…之年" does not make that a summary
    text = "\n".join(["某市2030年教育工作意见", "打印本页", "2030年,是落实规划的开局之年。全市教育系统要" + P1, P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (None, 2030) and {s.kind for s in r.sections} == {"plan"}


def test_a_title_cut_short_by_the_site_still_declares_its_plan():
    text = "\n".join(["某区教育局2030年工作总结暨2031年工作思", "2030年,全区" + P1, "一、重点工作成效", P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2030, 2031)


def test_a_half_year_summary_that_sets_out_to_plan_the_second_half():
    text = "\n".join(["区教委全面总结2030年上半年教育工作,谋划实施好下半年重点工作。具体情况如下:",
                      "一、2030年上半年工作总结", P1, P2])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2030, 2030)


@pytest.mark.parametrize(("title", "lead", "kinds", "years"), [
    # a plan opening by characterising its own year is the plan's lead, not a summary
    ("某市教育局2030年工作要点", "2030年,是实施规划承上启下的关键一年。全市教育工作的总体思路是:" + P1,
     ["plan", "plan"], (None, 2030)),
    # a plan titled for next year that opens on this year's work: that part is a summary
    ("某市教育局2030年工作计划", "2029年,全市教育系统" + P1, ["summary", "summary"], (2029, 2030)),
])
def test_a_plan_titled_report_opening_with_a_year(title, lead, kinds, years):
    (r,) = reports_of("\n".join([title, lead, "一、深化教育改革", P2]))
    assert [s.kind for s in r.sections] == kinds
    assert (r.summary_year, r.plan_year) == years


def test_a_title_repeated_before_any_body_is_furniture_not_a_second_report():
    text = "\n".join(["某局半年工作总结.docx", "某局半年工作总结.docx", "某局半年工作总结", "某局半年工作总结",
                      "同志们:", "这次会议的主要任务是总结上半年工作。" + P1, P2])
    (r,) = reports_of(text)
    assert r.title == "某局半年工作总结"  # the file's extension is no part of the title


@pytest.mark.parametrize(("lines", "years"), [
    # an untitled plan opening by naming what its year is to be (…之年), then its outline
    (["2030年是规划实施的关键之年,也是教育改革的攻坚之年。", "全省教育工作的总体要求是:" + P1,
      "一、深化教育改革", "1.推进集团化办学。" + P2], (None, 2030)),
    # a summary that opens so goes on to look back in the same paragraph: still a summary
    (["2030年是规划实施的开局之年。一年来,全区教育系统" + P1, "一、办学条件", P2], (2030, None)),
])
def test_a_report_opening_with_what_its_year_is_to_be(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize(("lines", "years"), [
    # a government work report's news: results told for one year, then what the next will do; a
    # plan lead (下一步) follows, naming no year
    (["2031年2月7日,某市市长作政府工作报告。2031年,某市将办好人民满意教育。",
      "报告指出,2030年全市新建学校12所、新增学位1.2万个。",
      "报告提出,2031年,某市将新建学校5所,新增学位3000个。",
      "下一步,某市将支持高校建设,推进职业教育发展。"], 2030),
    # a year a sentence plans is not the year an untitled text reviews
    (["报告显示,2030年全市新增学位3.4万个,今年将新增学位1.2万个。", "2031年,全市将新改扩建学校10所。",
      "全市计划于2031年新增学位8000个,缓解入学压力。", "一、办学条件", P1], 2030),
    # a date leading a clause that says it is done tells a result, though the sentence plans
    (["2030年3月4日,已成立某区教育集团,并将两所小学纳入集团管理,制定《集团化办学三年行动计划》。",
      "2031年,全区将新建学校2所。2031年全区计划新增学位900个。", "一、提升教育质量", P1], 2030),
])
def test_an_untitled_reports_summary_year_skips_years_its_sentences_plan(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert r.summary_year == years


def test_a_plan_part_naming_no_year_plans_the_year_the_text_plans():
    # a news write-up of a government work report: results of 2030, a plan lead (下一步) naming
    # no year; the year the earlier sentences plan (2031年,某市将…) is the plan's
    text = "\n".join(["报告指出,2030年全市新建学校12所、新增学位1.2万个。",
                      "市长说,2031年,某市将新建学校5所,新增学位3000个。",
                      "下一步,某市将支持高校建设,推进职业教育发展。"])
    (r,) = reports_of(text)
    assert (r.summary_year, r.plan_year) == (2030, 2031)


@pytest.mark.parametrize(("lines", "years"), [
    # a programme over several years (2027—2030年) is about no one of them: no plan year
    (["某市第三期学前教育行动计划(2027—2030年)", "为办好学前教育,制定《某市第三期学前教育行动计划(2027—2030年)》。",
      "一、主要目标", "2027—2030年,全市新增学位三万个,到2030年毛入园率达到92%。" + P1, "二、主要措施", P2], (None, None)),
    # an award's period (2028-2029年度先进单位) is not the year a summary reviews
    (["某市教育局工作总结", "一年来,全市教育系统在2030年" + P1, "市教育局被评为2028-2029年度先进单位。" + P2],
     (2030, None)),
    # a range named in passing does not outvote the year a summary reviews
    (["一、2030年工作总结", "2030年,全区" + P1, "落实《教育发展规划(2026—2030年)》," + P2,
      "二、2031年工作计划", P3], (2030, 2031)),
])
def test_a_programme_over_several_years_has_no_single_year(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize(("lines", "years"), [
    # a write-up of a meeting arranging a year's work, outlined 一是…二是…, reviews nothing
    (["新年上班第一天,某区教委召开职工会,聚焦目标任务,安排部署2031年教育重点工作。",
      "一是学习宣传贯彻会议精神。2031年是规划实施的关键之年,区教委将开展宣讲活动。", "二是推进学校建设。" + P1],
     (None, 2031)),
    # one that also sums up a year reviews it
    (["某区教委召开会议,总结回顾2030年工作,安排部署2031年教育重点工作。", "一是巩固成果。2030年全区" + P1,
      "二是推进学校建设。" + P2], (2030, 2031)),
])
def test_a_meeting_arranging_a_years_work_plans_it(lines, years):
    (r,) = reports_of("\n".join(lines))
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize(("title", "years"), [
    # a report to its year's work meeting reviews the year before and plans the meeting's
    ("2031年全省教育工作会议工作报告(摘要)", (2030, 2031)),
    # a title naming no meeting gives no plan year
    ("某省教育厅2030年工作总结", (2030, None)),
])
def test_a_report_to_its_years_work_meeting_plans_that_year(title, years):
    (r,) = reports_of("\n".join([title, "一、2030年工作回顾", "2030年,全省" + P1, "(一)办学条件", P2]))
    assert (r.summary_year, r.plan_year) == years


@pytest.mark.parametrize("word", ["计划", "打算", "思路", "设想", "安排"])
def test_every_plan_word_of_a_title_declares_its_plan(word):
    # the plan part is cut off: the title still gives its year
    (r,) = reports_of("\n".join([f"某区教育局2030年工作总结及2031年工作{word}", "2030年,全区" + P1, P2]))
    assert (r.summary_year, r.plan_year) == (2030, 2031)
