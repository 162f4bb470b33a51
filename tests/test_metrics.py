"""Quantity grammar and metric extraction, on invented sentences."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.records import CleanText, Report, Section, Sentence, Source
from kg.extract.metrics import chinese_to_int, extract_metrics, parse_quantities

D = Decimal


def one(text):
    qs = parse_quantities(text)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize("text, value, unit, comparator", [
    ("今年新建校舍7所", D(7), "所", "="),
    ("招录新教师1,250名", D(1250), "名", "="),
    ("在2 083所农村小学增设附属幼儿园", D(2083), "所", "="),  # print typesetting groups thousands by a space
    ("设立1 122 500个保教班", D(1122500), "个", "="),
    ("发放奖学金12.5万元", D("12.5"), "万元", "="),
    ("服务家长3.16万名", D("3.16"), "万名", "="),
    ("总投入8.2亿元", D("8.2"), "亿元", "="),
    ("新增三所公办园", D(3), "所", "="),
    ("配备十二个功能室", D(12), "个", "="),
    ("新建两所寄宿制学校", D(2), "所", "="),
    ("培训一百余人次", D(100), "人次", "~"),
    ("接送学生300余人", D(300), "人", "~"),
    ("募集资金5万余元", D(5), "万元", "~"),
    ("惠及学生200多万人", D(200), "万人", "~"),
    ("合格率达到95%以上", D(95), "%", ">="),
    ("覆盖率不低于90%", D(90), "%", ">="),
    ("参与教师超过800人", D(800), "人", ">"),
    ("逾40所学校参加", D(40), "所", ">"),
    ("近60个社团", D(60), "个", "~"),
    ("约1500名志愿者", D(1500), "名", "~"),
    ("报名200人左右", D(200), "人", "~"),
    ("班额控制在45人以内", D(45), "人", "<="),
    ("缺口不足20间", D(20), "间", "<"),
    ("至少开设3门课程", D(3), "门", ">="),
    ("优秀率提高3个百分点", D(3), "个百分点", "="),
    ("达标率百分之九十八", D(98), "%", "="),
    ("新建操场6500平方米", D(6500), "平方米", "="),
    ("征地45亩", D(45), "亩", "="),
    ("购置校车12辆", D(12), "辆", "="),
    ("新购图书3万册", D(3), "万册", "="),
    ("发放明白纸2万份", D(2), "万份", "="),
    ("更新课桌椅800套", D(800), "套", "="),
    ("电脑１５０台", D(150), "台", "="),
])
def test_parse_value_unit_comparator(text, value, unit, comparator):
    q = one(text)
    assert (q.value, q.unit, q.comparator, q.redacted) == (value, unit, comparator, False)
    assert text[q.span[0]:q.span[1]] == q.raw


@pytest.mark.parametrize("text, unit, comparator", [
    ("新建学校X所", "所", "="),
    ("补充教师xx名", "名", "="),
    ("投入xxxx万元", "万元", "="),
    ("资助金额x.xx万元", "万元", "="),
    ("上传课件X万余件", "万件", "~"),
    ("巩固率达×%以上", "%", ">="),
    ("参训＊＊人次", "人次", "="),
    ("建成*个实验室", "个", "="),
])
def test_parse_redacted(text, unit, comparator):
    q = one(text)
    assert q.value is None and q.redacted
    assert (q.unit, q.comparator) == (unit, comparator)


def test_range_gives_lower_and_upper_bound():
    lo, hi = parse_quantities("新增示范校4—6所")
    assert (lo.value, lo.comparator, hi.value, hi.comparator) == (D(4), ">=", D(6), "<=")
    assert lo.unit == hi.unit == "所"


def test_fraction_and_base_values():
    q = one("约三分之一的教师参加")
    assert q.base_unit == "ratio" and abs(q.value - D(1) / D(3)) < D("0.00001")
    assert one("补助38.5万元").base_value == D(385000)
    assert one("招生1200名").base_unit == "人"
    assert one("入学率99.5%").base_value == D("0.995")


@pytest.mark.parametrize("text", [
    "2021年3月完成验收",  # dates
    "5月底前全部到位",
    "截至12月31日",
    "3-6周岁幼儿",  # ages qualify, they are not counts
    "第一中学",  # ordinals and names
    "第三十二小学",
    "荣获第二名",
    "全县排名保持第一",
    "位列第三",
    "一是加强领导",  # list markers
    "1.完善制度",
    "(二)强化保障",
    "推进“一校一品”建设",  # quoted programme names
    "落实“五育并举”要求",
    "实施《三年行动计划》",
    "“3+2”贯通培养",
    "数字校园2.0版",
    "智慧教育3.0两所试点校之一",
    "坚持三项原则",  # Chinese numeral + abstract noun
    "建立五项机制",
    "校长一人担任",  # 一 idiom
    "联系电话87654321",
    "文件编号〔2021〕15号",
    "2019届毕业生",
    "每周锻炼2小时",
    "每学年至少开展2次演练",  # a frequency: a requirement, not a count of work
    "每月组织1场家长讲座",
    "坚决做到两个维护",  # a small spelled-out count with a slogan's counter
    "加强两支队伍建设",
    "构建家校社三位一体格局",
    "启动实验学校二期建设",  # 二期: the phase of a project, not a count
    "防止两张皮现象",
    "十三五期间",  # a five-year plan's name
    "十四五规划",
])
def test_not_a_metric(text):
    assert parse_quantities(text) == []


@pytest.mark.parametrize("text, value, unit", [
    ("小学生每生每年补助1000元", "1000", "元"),  # a rate of money is a standard the report sets
    ("寄宿生每天补助生活费3元", "3", "元"),
    ("每校建成15亩实践基地", "15", "亩"),
    ("目前21个工程均已开工", "21", "个"),  # 目前 is a time word, not the 前 of 排名前十
    ("此前已完成8所", "8", "所"),
])
def test_rates_and_time_words_before_a_number(text, value, unit):
    assert [(q.value, q.unit) for q in parse_quantities(text)] == [(D(value), unit)]


@pytest.mark.parametrize("text, value, unit", [
    ("新设两个学区", "2", "个"),  # a spelled-out count of things the work made stays a metric
    ("建成三个区级示范点", "3", "个"),
    ("举办两期骨干教师培训", "2", "期"),
    ("新建十二个教学点", "12", "个"),  # above the slogan range
    ("新建县级研学基地三个", "3", "个"),  # the object named before the count
])
def test_spelled_counts_of_things_stay_metrics(text, value, unit):
    assert [(q.value, q.unit) for q in parse_quantities(text)] == [(D(value), unit)]


def test_chinese_numerals():
    assert [chinese_to_int(s) for s in ["三", "十", "十二", "二十", "一百零五", "三千二百", "两"]] == \
        [3, 10, 12, 20, 105, 3200, 2]


def test_several_quantities_in_order():
    qs = parse_quantities("资助学生45人2.25万元")
    assert [(q.value, q.unit) for q in qs] == [(D(45), "人"), (D("2.25"), "万元")]


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["所", "名", "万元", "人次", "%", "个"]),
       st.booleans())
@settings(max_examples=150, deadline=None)
def test_formatted_number_parses_back(n, unit, thousands):
    written = f"{n:,}" if thousands else str(n)
    q = one(f"今年新增{written}{unit}。")
    assert q.value == n and q.unit == unit


@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False))
@settings(max_examples=100, deadline=None)
def test_decimal_parses_back(d):
    q = one(f"投入{d}万元")
    assert q.value == d


@given(st.text(alphabet=st.sampled_from(list("0123456789.,xX×*万亿余多以上超过第年月所名人个%一二两三十百千之分-—")) |
               st.characters(), max_size=60))
@settings(max_examples=300, deadline=None)
def test_arbitrary_text_never_raises_and_spans_are_inside(text):
    for q in parse_quantities(text):
        s, e = q.span
        assert 0 <= s < e <= len(text) and text[s:e] == q.raw
        assert q.comparator in {"=", ">=", ">", "<=", "<", "~"}
        assert (q.value is None) == q.redacted


# --------------------------------------------------------------------------- extract_metrics


def make_report(paragraphs, kinds=None, years=None, summary_year=None, plan_year=None):
    """A Report with an identity offset map, one Section per paragraph, one Sentence per 。."""
    text = "\n".join(paragraphs)
    src = Source(path="t.txt", name="t.txt", sha256="0" * 64, text=text, encoding="utf-8", format="txt")
    clean = CleanText(source=src, text=text, offset_map=tuple(range(len(text) + 1)))
    sections, pos = [], 0
    for i, p in enumerate(paragraphs):
        sents, start = [], 0
        for part in p.split("。"):
            if part:
                end = start + len(part) + (1 if start + len(part) < len(p) else 0)
                sents.append(Sentence(p[start:end], (pos + start, pos + end)))
                start = end
        kind = (kinds or ["summary"] * len(paragraphs))[i]
        year = (years or [None] * len(paragraphs))[i]
        sections.append(Section(kind, year, None, (pos, pos + len(p)), tuple(sents)))
        pos += len(p) + 1
    return Report(clean=clean, index=1, title=None, span=(0, len(text)), sections=tuple(sections),
                  summary_year=summary_year, plan_year=plan_year)


def test_extract_status_year_quote():
    r = make_report(["全年新建幼儿园3所,预计新增学位900个。2020年共招聘教师120名。",
                     "力争新增省级示范校2所。"],
                    kinds=["summary", "plan"], years=[2021, 2022])
    ms = extract_metrics(r)
    got = [(m.value, m.unit, m.status, m.year) for m in ms]
    assert got == [(D(3), "所", "achieved", 2021), (D(900), "个", "planned", 2021),
                   (D(120), "名", "achieved", 2020), (D(2), "所", "planned", 2022)]
    assert ms[1].quote == "预计新增学位900个"
    text = r.clean.source.text
    for m in ms:
        assert text[m.span[0]:m.span[1]] == m.quote_original
        assert m.initiative is None


def test_extract_indicator_and_shared_list():
    r = make_report(["资助困难学生350人,发放助学金17.5万元。"], summary_year=2022)
    a, b = extract_metrics(r)
    assert a.indicator == "资助困难学生" and b.indicator == "发放助学金"
    assert a.base_unit == "人" and b.base_value == D(175000) and b.base_unit == "元"
    assert a.year == 2022


@pytest.mark.parametrize("sentence, statuses", [
    # what can be done is not done yet
    ("新建学校3所,建成后可新增学位1200个。", ["achieved", "planned"]),
    ("秋季开学时152所均可投入使用。", ["planned"]),
    # what cannot is no plan either
    ("新建学校3所,不可新增学位。", ["achieved"]),
])
def test_what_can_be_done_is_planned(sentence, statuses):
    assert [m.status for m in extract_metrics(make_report([sentence], summary_year=2030))] == statuses


def test_plan_section_past_tense_stays_achieved():
    r = make_report(["局里已出台了5个配套文件,明年新建学校4所。"], kinds=["plan"], plan_year=2024)
    a, b = extract_metrics(r)
    assert (a.status, b.status, b.year) == ("achieved", "planned", 2024)


def test_news_item_plans_get_the_plan_year():
    # a news item's section has no year (kg.text.years.news_years): a plan is the plan year's,
    # results the summary year's, and progress of an item that summarises no year the plan year's
    r = make_report(["2030年,全区新增学位7000个。今年全区将新建幼儿园3所。"], kinds=["other"],
                    summary_year=2030, plan_year=2031)
    assert [(m.status, m.year) for m in extract_metrics(r)] == [("achieved", 2030), ("planned", 2031)]
    r = make_report(["今年全市将新建幼儿园43所。目前已有8所投入使用。"], kinds=["other"], plan_year=2031)
    assert [(m.status, m.year) for m in extract_metrics(r)] == [("planned", 2031), ("achieved", 2031)]


def test_a_comparison_year_is_not_the_figures_year():
    r = make_report(["2030年,全市毛入园率为85.2%,比2020年提高28.6个百分点,幼儿园数是2020年的1.9倍。"],
                    summary_year=2030)
    assert [(m.value, m.year) for m in extract_metrics(r)] == [(D("85.2"), 2030), (D("28.6"), 2030),
                                                               (D("1.9"), 2030)]


def test_a_news_item_announcing_a_plan_plans_its_figures():
    # it plans a year and reviews none: a breakdown without a cue is the plan's, what its own
    # clause says is done is progress
    r = make_report(["今年全市将新建学校16所。其中东区3所、西区2所,总建筑面积8.4万平方米。目前已开工建设14所。"],
                    kinds=["other"], plan_year=2031)
    got = [(m.value, m.status, m.year) for m in extract_metrics(r)]
    assert got == [(D(16), "planned", 2031), (D(3), "planned", 2031), (D(2), "planned", 2031),
                   (D("8.4"), "planned", 2031), (D(14), "achieved", 2031)]
    # one that reviews a year too keeps its cues
    r = make_report(["2030年全市新建学校12所。今年全市将新建学校16所。"], kinds=["other"],
                    summary_year=2030, plan_year=2031)
    assert [m.status for m in extract_metrics(r)] == ["achieved", "planned"]


@pytest.mark.parametrize("sentence, years, statuses", [
    # a figure dated after every year the report covers is a target, whatever its verb
    ("城乡学校共同体覆盖率2030年达到35%、2031年达到50%、2032年达到65%。", (2030, None),
     [("achieved", 2030), ("planned", 2031), ("planned", 2032)]),
    ("2032年新建学校3所。", (2030, 2031), [("planned", 2032)]),
    # ... unless it says it is done already (a report written early next year) or the year is
    # another clause's
    ("截至2031年2月,已新建学校3所。", (2030, None), [("achieved", 2031)]),
    ("2031年1月召开总结会,全年新建学校3所。", (2030, None), [("achieved", 2031)]),
    # no report year known: nothing to compare with
    ("2031年新建学校3所。", (None, None), [("achieved", 2031)]),
    # the end of a five-year plan's period is its last year: told at it, that year's figure; a
    # plan's target for it, a target
    ("“十三五”末全县学前三年毛入园率达到91%。", (2020, None), [("achieved", 2020)]),
    ("到“十四五”期末全县新增学位8000个。", (2021, 2022), [("planned", 2025)]),
    ("十一五末全县共有学校80所。", (2010, None), [("achieved", 2010)]),
])
def test_a_figure_dated_after_the_report_is_a_target(sentence, years, statuses):
    ms = extract_metrics(make_report([sentence], summary_year=years[0], plan_year=years[1]))
    assert [(m.status, m.year) for m in ms] == statuses


@pytest.mark.parametrize("sentence, statuses", [
    # a year's target and its result in one sentence of a summary
    ("当年目标新增学位5000个，全年完成新增学位5600个。", ["planned", "achieved"]),
    ("学前教育专项资金预算800万元，实际拨付750万元。", ["planned", "achieved"]),
    # 目标 of what was reached, and spending of the budget, are no target
    ("全面完成市目标任务98%。", ["achieved"]),
    ("预算内教育经费投入4.8亿元。", ["achieved"]),
    # a plan's own clause that says when it ends (年底前) is still the plan
    ("目标新增学位500个，年底前完成300个。", ["planned", "planned"]),
    # 目标 with the figure's words before its verb, a target's value, and what can be reached: targets
    ("我县目标普惠率达到85%。全县学前三年毛入园率达到92%。", ["planned", "achieved"]),
    ("按照市下达的目标任务新增学位3000个，实际完成3600个。", ["planned", "achieved"]),
    ("普惠率目标值85%。", ["planned"]),
    ("经测算今年能够实现85%的普及目标。", ["planned"]),
    # ... but not a target in a clause of its own, nor one reached
    ("确定全年目标，毛入园率达到92%。", ["achieved"]),
    ("去年实现了85%的普及目标。", ["achieved"]),
    # a task named before or after its figure, and a year's opening budget, are targets; their
    # completion is not
    ("其中县内招生任务900人，完成1100人。", ["planned", "achieved"]),
    ("下达给我县的6000人的招生任务，现已完成6200人。", ["planned", "achieved"]),
    ("全年一般公共预算年初预算教育支出9000万元，截至年底支出9500万元。", ["planned", "achieved"]),
])
def test_targets_and_results_in_one_summary_sentence(sentence, statuses):
    ms = extract_metrics(make_report([sentence], kinds=["summary"], summary_year=2022))
    assert [m.status for m in ms] == statuses


def test_redacted_metric():
    (m,) = extract_metrics(make_report(["全区共新增学位X个。"]))
    assert m.redacted and m.value is None and m.base_value is None and "X个" in m.quote


GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


@pytest.mark.skipif(not GOLD.exists(), reason="shared gold not present")
def test_gold_metric_quotes_parse():
    """Every gold metric quote holds a quantity with the gold value and comparator."""
    from kg.tools.evaluate import scaled_value
    miss = []
    for f in sorted(GOLD.glob("*.json")):
        for rep in json.loads(f.read_text(encoding="utf-8")).get("reports", []):
            for g in rep.get("metrics", []):
                qs = parse_quantities(g["quote"])
                want = scaled_value(g["value"], g["unit"])
                ok = any((q.value is None) == (g["value"] is None)
                         and (want is None or scaled_value(q.value, q.unit) == want) for q in qs)
                miss += [] if ok else [g["quote"]]
    assert not miss, miss[:10]


@pytest.mark.parametrize("sentence, period", [
    ("十三五期间全县新增学位9000个。", True),
    ("五年来共新建学校12所。", True),
    ("2016年至2020年全县新增学位8000个。", True),
    ("2019年至今全县新改扩建学校52所。", True),  # since a past year: several years
    ("今年以来新增学位900个。", False),  # since the start of this year: one year
    ("扩容工程启动以来,全区累计新增学位3.2万个。", True),  # since a programme began: several years
    ("行动计划实施以来共建成幼儿园21所。", True),
    ("全年新增学位900个。", False),
    ("“十三五”末全县学前三年毛入园率达到91%。", False),  # the period's last year: one year
])
def test_figures_over_several_years_are_marked(sentence, period):
    r = make_report([sentence], kinds=["summary"], summary_year=2020)
    assert [m.period for m in extract_metrics(r)] == [period]


def test_a_figure_written_right_after_another_shares_its_indicator():
    r = make_report(["资助建档立卡学生26人3.9万元。"], kinds=["summary"], summary_year=2022)
    assert [(m.indicator, m.unit) for m in extract_metrics(r)] == [("资助建档立卡学生", "人"),
                                                                   ("资助建档立卡学生", "万元")]
    first = make_report(["3.9万元用于资助。"], kinds=["summary"], summary_year=2022)  # nothing before it
    assert [m.unit for m in extract_metrics(first)] == ["万元"]


def test_shared_list_whose_last_items_are_joined_by_and():
    r = make_report(["全县毛入园率、普惠率和公办率分别达到91%、82%和55%。"], kinds=["summary"], summary_year=2023)
    assert [(m.indicator, m.value) for m in extract_metrics(r)] == [
        ("毛入园率", D(91)), ("普惠率", D(82)), ("公办率", D(55))]


def test_shared_indicator_split():
    r = make_report(["初中、高中优秀率分别达到40%、55%。"], kinds=["plan"], plan_year=2025)
    a, b = extract_metrics(r)
    assert (a.indicator, a.value, b.indicator, b.value) == ("初中优秀率", D(40), "高中优秀率", D(55))
    assert a.status == b.status == "planned" and a.year == 2025


@pytest.mark.parametrize("paragraphs, kept", [
    # a passage pasted twice is one fact
    (["全年新建幼儿园3所。", "全年新建幼儿园3所。"], 1),
    # two figures a minimal quote writes alike, after different words, are two facts
    (["初中学考合格xx人,合格率xx%,高中学考合格xxx人,合格率xx%。"], 4),
])
def test_drop_repeated_metrics_needs_the_context_to_repeat(paragraphs, kept):
    from kg.extract.report import drop_repeated_metrics

    r = make_report(paragraphs)
    assert len(drop_repeated_metrics(extract_metrics(r), r.clean.source.text)) == kept


@pytest.mark.parametrize("sentence, expected", [
    ("工程规划新建幼儿园12所。", "planned"),  # 规划 and what it plans
    ("全区公办园学位建设任务900个。", "planned"),  # a task, right before its number
    ("其中东湖镇任务数是4所。", "planned"),
    ("全市将建设6所学校。", "planned"),  # 将 建设
    ("参加“十四五”规划2023年度课题的学校5个。", "achieved"),  # a five-year plan's name
    ("依照《学校布局规划》新建学校3所已经全部完工。", "achieved"),  # a plan's name in 《》
    ("按照中小学建设规划,成立专班,全面推进30个重点项目。", "achieved"),  # a plan referred to
    ("比规划的2800个增加300个。", "planned"),
    ("完成市目标任务109.8%。", "achieved"),  # not right before the number: done
    ("到2023年年底,全区毛入园率达到91%。", "planned"),  # a deadline
    ("到2021年底,全区已建成幼儿园15所。", "achieved"),  # ... unless 已 says it is met
    ("到2022年底,全区毛入园率达到91%。", "achieved"),  # ... or the summary reviews that year: where it stood
    ("到2020年,全区通过义务教育均衡评估学校28所。", "achieved"),
    ("计划到2022年底新建幼儿园3所。", "planned"),  # ... but another cue still plans
    ("原计划完成17所,实际完成19所。", "planned"),  # the plan restated ...
    ("全年争取上级项目资金4612万元。", "achieved"),  # funds 争取'd in a summary were obtained
    ("共争取中央和省级专项经费1223万元,用于改造校舍。", "achieved"),
    ("争取新建幼儿园3所。", "planned"),  # 争取 of anything else is an aim
    # 计划 ending a programme's name is the programme, not a plan
    ("农村学生营养改善计划项目覆盖全县学校702所。", "achieved"),
    ("薄弱学校改造计划建设项目开工建设14所。", "achieved"),
    ("“红山领航人”人才培养计划79人。", "achieved"),
    ("“强师计划”培训教师300人。", "achieved"),
    ("全年计划新建学校3所。", "planned"),  # … a plan still
])
def test_plan_and_task_words_make_a_figure_planned(sentence, expected):
    m = extract_metrics(make_report([sentence], summary_year=2022))[0]
    assert m.status == expected


def test_what_was_actually_done_closes_the_plan():
    """原计划完成17所，实际完成19所，新增学位2800个: the 19 and the places were done."""
    ms = extract_metrics(make_report(["原计划完成17所,实际完成19所,新增学位2800个。"], summary_year=2022))
    assert [m.status for m in ms] == ["planned", "achieved", "achieved"]


def test_a_share_list_runs_on_over_its_semicolons():
    """Every figure after 其中 in its sentence is a share, and the list runs on over ；: the last
    sentence's figure is a total again."""
    text = "全区建成项目30个,其中:小学项目12个,新增学位6000个；幼儿园项目18个,新增学位3000个。全年新增学位2.2万个。"
    r = make_report([text], summary_year=2022)
    sents, start = [], 0
    for cut in (text.index("；") + 1, text.index("。") + 1, len(text)):
        sents.append(Sentence(text[start:cut], (start, cut)))
        start = cut
    r = Report(clean=r.clean, index=1, title=None, span=r.span,
               sections=(Section("summary", None, None, r.span, tuple(sents)),), summary_year=2022, plan_year=None)
    assert [(m.value, m.part) for m in extract_metrics(r)] == [
        (D(30), False), (D(12), True), (D(6000), True), (D(18), True), (D(3000), True), (D("2.2"), False)]


def test_every_figure_inside_a_bracket_after_a_total_is_a_share():
    ms = extract_metrics(make_report(["计划投入使用学校共15所(中小学9所,幼儿园6所),新增学位9000个。"], summary_year=2022))
    assert [(m.value, m.part) for m in ms] == [(D(15), False), (D(9), True), (D(6), True), (D(9000), False)]


def test_a_bracket_after_the_figure_is_cut_from_a_long_quote_first():
    """The words before the figure say what it counts; another figure's bracket after it does not."""
    (total, *_) = extract_metrics(make_report(["今秋计划投入使用的新建、扩建中小学及幼儿园共15所(中小学9所,幼儿园6所)。"],
                                              summary_year=2022))
    assert total.quote == "今秋计划投入使用的新建、扩建中小学及幼儿园共15所"


def test_a_figure_closing_a_long_clause_keeps_the_words_before_it():
    """About half the quote on each side of the figure; what the right lacks goes to the left."""
    (total, _) = extract_metrics(make_report(["全市三年内共计可建成投入使用的新建、改扩建中小学及幼儿园43所,新增学位9000个。"],
                                             summary_year=2022))
    assert total.quote == "年内共计可建成投入使用的新建、改扩建中小学及幼儿园43所" and len(total.quote) == 28


def test_a_news_items_this_year_after_another_years_result_is_the_plan_year():
    # 今年 in the figure's own clause beats the year an earlier clause named
    r = make_report(["报告显示,2030年全市新增学位3.4万个,今年将新增学位1.2万个。"], kinds=["other"],
                    summary_year=2030, plan_year=2031)
    assert [(m.status, m.year) for m in extract_metrics(r)] == [("achieved", 2030), ("planned", 2031)]


@pytest.mark.parametrize("paragraph, statuses", [
    # 其中… right after a sentence that only plans is the plan's breakdown (将新改扩建: planned too)
    ("2031年,全市将新改扩建学校项目12个。其中幼儿园项目6个,新增学位2880个。",
     ["planned", "planned", "planned"]),
    # …not after one that tells a result
    ("全年投入使用学校181所,较原计划152所增加29所。其中幼儿园81所。", ["achieved", "planned", "planned", "achieved"]),
    # the next item of a plan's list (一是…；二是…) is planned too, in a summary's text
    ("此外,2031年拟实施民生项目两项,一是新建幼儿园6所,新增学位1800个;二是新建小学4所,总投资9000万元。",
     ["planned", "planned", "planned", "planned", "planned"]),
    # ... unless its own words say it was done
    ("2031年拟新建幼儿园6所;二是已完成改造学校3所。", ["planned", "achieved"]),
    # an item after a result is no plan's
    ("全年新建幼儿园6所;二是新建小学4所。", ["achieved", "achieved"]),
    # ... nor after a list opening with its first item, the cue inside it
    ("一是完善招生办法,力争毕业生就业率达到95%。二是在12所社区学校开展了培训。", ["planned", "achieved"]),
    # the list's third item goes on too
    ("2031年拟实施三项,一是新建幼儿园6所;二是新建小学4所;三是新增学位900个。", ["planned"] * 3),
])
def test_a_share_after_a_plan_is_planned(paragraph, statuses):
    r = make_report([paragraph], kinds=["other"], summary_year=2030, plan_year=2031)
    assert [m.status for m in extract_metrics(r)] == statuses


def test_a_section_about_a_five_year_period_dates_no_figure():
    """二、“十五五”期间工作开展情况: its figures are over several years (no year, no target or outcome of
    one), unless their sentence names a year."""
    from dataclasses import replace

    r = make_report(["累计新建学校12所。2030年新增学位900个。"], summary_year=2030)
    r = replace(r, sections=(replace(r.sections[0], period=True),))
    schools, places = extract_metrics(r)
    assert (schools.year, schools.period) == (None, True)
    assert (places.year, places.period) == (2030, False)


def test_a_deadline_passed_is_planned_only_in_a_plan_section():
    """到2022年底 in the 2022 summary tells where things stood; in the 2022 plan it is the target."""
    r = make_report(["到2022年底,全县学前三年毛入园率达到92%。", "到2022年底,全县学前三年毛入园率达到92%。"],
                    kinds=["summary", "plan"], years=[2022, 2022], summary_year=2022, plan_year=2022)
    assert [(m.status, m.year) for m in extract_metrics(r)] == [("achieved", 2022), ("planned", 2022)]


@pytest.mark.parametrize("sentence, indicator", [
    # examples listed before the number (…等7所学校): the opening verb and the counted noun
    ("新建改扩建城东小学、某某第二幼儿园等7所城乡学校。", "新建改扩建城乡学校"),
    ("甲小学、乙中学等5所学校。", "学校"),
    ("新建幼儿园3所。", "新建幼儿园"),  # no examples: as before
])
def test_examples_listed_before_a_number_are_not_its_indicator(sentence, indicator):
    (m,) = extract_metrics(make_report([sentence], summary_year=2030))
    assert m.indicator == indicator
