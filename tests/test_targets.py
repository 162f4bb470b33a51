"""kg.pipeline.targets: planned metrics checked against what the same bureau later reported."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from graph_fixtures import QINGSHAN, SHA_A, SHA_B, SHA_C, metric, src

from kg.core.records import Bureau, ReportFacts
from kg.pipeline.targets import _Side, check_targets, verdict
from kg.rdf.graph import metric_iris

QING = Bureau(name="青山区教育局", region=QINGSHAN, level="county", anonymized=False)
ANON = Bureau(name="X区教育局", region=None, level="county", anonymized=True)


def places(value, status, year, span, *, comparator="=", redacted=False, initiative=None, quote=None):
    return replace(metric("新增学位", value, "个", comparator, year, status, span, quote or f"新增学位{value}个",
                          base_value=value, base_unit="个", redacted=redacted, initiative=initiative),
                   indicator_concept="new-places")


def report(sha, name, bureau, metrics, *, summary=None, plan=None, index=1):
    return ReportFacts(source=src(sha, name), index=index, title=None, head=name, span=(0, 999),
                       bureau=bureau, summary_year=summary, plan_year=plan, metrics=tuple(metrics))


def iri(f: ReportFacts, i: int = 0) -> str:
    return str(metric_iris(f)[i])


def test_plan_in_one_file_outcome_in_the_next():
    plan = report(SHA_A, "2021.txt", QING, [places("500", "planned", 2022, (10, 20), comparator=">=")],
                  summary=2021, plan=2022)
    outcome = report(SHA_B, "2022.txt", QING, [places("520", "achieved", 2022, (30, 40))], summary=2022)
    checks = check_targets([outcome, plan])
    assert list(checks) == [iri(plan)]
    c = checks[iri(plan)]
    assert (c.outcome, c.verdict) == (iri(outcome), "exceeded")


def test_the_plan_names_each_outcome_under_its_report_and_a_files_slice_holds_its_own():
    """The viewer's parts of the file holding an outcome carry its record: the link plan names
    the outcome under its report, and the slice of each file holds only its own reports'."""
    from kg.pipeline.link import Linker, LinkKeys

    plan = report(SHA_A, "2021.txt", QING, [places("500", "planned", 2022, (10, 20), comparator=">=")],
                  summary=2021, plan=2022)
    outcome = report(SHA_B, "2022.txt", QING, [places("480", "planned", 2023, (5, 9)),
                                               places("520", "achieved", 2022, (30, 40))], summary=2022)
    linker = Linker()
    linker.add([plan])
    linker.add([outcome])
    whole = linker.plan()
    assert whole.outcomes == {(outcome.source.path, 1): (iri(outcome, 1),)}
    assert whole.for_keys(LinkKeys.of([outcome])).outcomes == whole.outcomes
    assert whole.for_keys(LinkKeys.of([plan])).outcomes == {}


def test_target_and_outcome_in_one_report():
    f = report(SHA_A, "2022.txt", QING, [places("500", "planned", 2022, (10, 20)),
                                         places("500", "achieved", 2022, (40, 50), quote="实际新增学位500个")],
               summary=2022)
    assert check_targets([f])[iri(f, 0)].verdict == "met" and check_targets([f])[iri(f, 0)].outcome == iri(f, 1)


@pytest.mark.parametrize("bureau", [
    ANON,
    # a placeless name (县教育局, 省教育厅) may be any county's, even with a region above it known
    Bureau(name="县教育局", region=replace(QINGSHAN, county=None, county_code=None), level="county",
           anonymized=False, placeless=True),
])
def test_anonymized_or_placeless_bureaus_never_link(bureau):
    plan = report(SHA_A, "a.txt", bureau, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    outcome = report(SHA_B, "b.txt", bureau, [places("520", "achieved", 2022, (30, 40))], summary=2022)
    assert check_targets([plan, outcome]) == {}


def test_other_bureau_or_indicator_or_year_is_no_outcome_when_the_year_was_summarised():
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    other_bureau = report(SHA_B, "b.txt", replace(QING, name="白沙区教育局"),
                          [places("520", "achieved", 2022, (30, 40))], summary=2022)
    other_year = report(SHA_C, "c.txt", QING, [places("520", "achieved", 2021, (30, 40))], summary=2022)
    checks = check_targets([plan, other_bureau, other_year])
    assert {k: (c.outcome, c.verdict) for k, c in checks.items()} == {iri(plan): (None, "no-outcome")}


def test_no_summary_of_the_year_means_no_check():
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2023, (10, 20))], summary=2022, plan=2023)
    assert check_targets([plan]) == {}


def test_initiatives_must_agree_when_both_name_one():
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20), initiative="学前教育行动计划")],
                  summary=2021, plan=2022)
    outcome = report(SHA_B, "b.txt", QING, [places("90", "achieved", 2022, (30, 40), initiative="课后服务"),
                                            places("510", "achieved", 2022, (50, 60), initiative="学前教育行动计划")],
                     summary=2022)
    assert check_targets([plan, outcome])[iri(plan)].outcome == iri(outcome, 1)


def test_a_redacted_side_is_not_comparable():
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    outcome = report(SHA_B, "b.txt", QING, [places(None, "achieved", 2022, (30, 40), redacted=True)], summary=2022)
    assert check_targets([plan, outcome])[iri(plan)].verdict == "not-comparable"


def side(value, comparator="=", unit="个"):
    return _Side("x", None if value is None else Decimal(value), unit, comparator, None, ())


@pytest.mark.parametrize("comparator, target, achieved, expected", [
    ("=", "500", "500", "met"), ("=", "500", "520", "exceeded"), ("=", "500", "480", "missed"),
    (">=", "95", "95", "met"), (">=", "95", "97", "exceeded"), (">=", "95", "94.9", "missed"),
    (">", "95", "95", "missed"), (">", "95", "96", "exceeded"),
    ("<=", "5", "5", "met"), ("<=", "5", "3", "met"), ("<=", "5", "6", "missed"),
    ("<", "5", "5", "missed"), ("<", "5", "4", "met"),
    ("~", "100", "104", "met"), ("~", "100", "96", "met"), ("~", "100", "106", "exceeded"),
    ("~", "100", "94", "missed"),
])
def test_verdict_follows_the_comparator(comparator, target, achieved, expected):
    assert verdict(side(target, comparator), side(achieved)) == expected


def test_verdict_edges():
    assert verdict(side("5"), None) == "no-outcome"
    assert verdict(side("5"), side("5", unit="人")) == "not-comparable"
    assert verdict(side(None), side("5")) == "not-comparable"


def test_duplicate_reports_are_left_out():
    from kg.pipeline.targets import TargetLinker

    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    outcome = report(SHA_B, "b.txt", QING, [places("520", "achieved", 2022, (30, 40))], summary=2022)
    linker = TargetLinker()
    linker.add([plan, outcome])
    # a report left out (a duplicate) answers nothing and summarises nothing; its kept twin would
    assert linker.plan(frozenset({(outcome.source.path, outcome.index)})) == {}
    assert linker.plan(frozenset({(plan.source.path, plan.index)})) == {}
    assert linker.plan()[iri(plan)].verdict == "exceeded"


def test_checks_in_the_graph_validate_per_file_and_whole():
    from graph_fixtures import concepts, small_indicators
    from rdflib import Literal, URIRef
    from test_graph_indicators import _split

    from kg.rdf.graph import build_graph
    from kg.rdf.validate import validate
    from kg.terms import vocab as V

    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20), comparator=">=")],
                  summary=2021, plan=2022)
    outcome = report(SHA_B, "b.txt", QING, [places("520", "achieved", 2022, (30, 40))], summary=2022)
    checks = check_targets([plan, outcome])
    g = build_graph([plan, outcome], taxonomy=concepts(), indicators=small_indicators(), targets=checks)
    target = URIRef(iri(plan))
    assert g.value(target, V.outcome) == URIRef(iri(outcome)) and g.value(target, V.verdict) == Literal("exceeded")
    assert validate(g).conforms and _split(g).conforms
    # per file, the outcome lives elsewhere: the target's file validates without it
    alone = build_graph([plan], taxonomy=concepts(), indicators=small_indicators(), targets=checks)
    assert validate(alone).conforms
    g.set((target, V.verdict, Literal("great")))
    assert any("verdict" in v.message for v in validate(g).violations)
    g.set((target, V.verdict, Literal("met")))
    g.set((URIRef(iri(outcome)), V.verdict, Literal("met")))  # on an achieved metric
    assert any("only a planned metric" in v.message for v in validate(g).violations)


PLAN_2022 = """长兴县教育局2022年工作总结和2023年工作计划

一、2022年工作总结
2022年，我县新建幼儿园3所，学前三年毛入园率达到92%。

二、2023年工作计划
2023年，力争新增学位500个以上，学前三年毛入园率达到95%以上。
"""
SUMMARY_2023 = """长兴县教育局2023年工作总结

一、主要工作
2023年，全县新增学位520个，学前三年毛入园率达到94%。
"""


def test_a_build_checks_one_files_targets_against_the_next_files_outcomes(tmp_path):
    """Invented reports: a county's 2023 plan in one file, its 2023 summary in the next; the same
    two reports with the bureau anonymized (X县教育局) must not link."""
    import json

    from kg.core.config import Config
    from kg.pipeline.build import build
    from kg.tools.query import run_query

    src_dir = tmp_path / "in"
    src_dir.mkdir()
    (src_dir / "plan.txt").write_text(PLAN_2022, encoding="utf-8")
    (src_dir / "summary.txt").write_text(SUMMARY_2023, encoding="utf-8")
    (src_dir / "anon-plan.txt").write_text(PLAN_2022.replace("长兴县", "X县").replace("我县", "全县") + "\n（匿名）",
                                           encoding="utf-8")
    (src_dir / "anon-summary.txt").write_text(SUMMARY_2023.replace("长兴县", "X县") + "\n（匿名）",
                                              encoding="utf-8")
    out = tmp_path / "out"
    build([src_dir], Config(outdir=out, progress=False, viewer=False, jobs=1))
    rows = run_query("targets_and_outcomes", out / "graph.ttl").as_dicts()
    got = sorted((r["bureau_name"], r["indicator_label"], r["target_value"], r["outcome_value"], r["verdict"])
                 for r in rows)
    assert got == [("长兴县教育局", "学前三年毛入园率", 95, 94, "missed"),
                   ("长兴县教育局", "新增学位", 500, 520, "exceeded")]
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    anon = [m for r in facts["reports"] if r["bureau_anonymized"] for m in r["metrics"]]
    assert anon and all(m["indicator_concept"] for m in anon)  # mapped, yet never linked


SAME_REPORT = """青山区教育局2022年工作总结

一、2022年主要工作完成情况
2022年，全区计划新改扩建幼儿园40所，实际完成新改扩建幼儿园40所。当年目标新增学位5000个，全年完成新增学位5600个。
学前教育专项资金预算800万元，实际拨付750万元。全区计划新建中小学6所，新建校舍面积2万平方米。

二、2023年工作打算
2023年计划新建幼儿园10所，新增学位3000个。
"""


def test_a_build_checks_a_target_against_its_outcome_in_the_same_report(tmp_path):
    """Invented summary: the issue's same-report pairs (计划…完成, 当年目标…全年完成, 预算…实际拨付)
    link with their verdicts; a target its own summary does not answer (新建中小学6所, after it only
    floor area) is no missing answer there, and next year's plan gets no check (no summary of 2023).
    Another stage (开工 ↔ 建成), window (五年来) or item (中小学 ↔ 幼儿园) links nothing."""
    from kg.core.config import Config
    from kg.pipeline.build import build
    from kg.tools.query import run_query

    src_dir = tmp_path / "in"
    src_dir.mkdir()
    (src_dir / "qingshan-2022.txt").write_text(SAME_REPORT, encoding="utf-8")
    # another bureau's summary: each outcome counts another stage, window or item than its target
    (src_dir / "baisha-2022.txt").write_text(
        "白沙区教育局2022年工作总结\n\n一、2022年主要工作完成情况\n全区计划新开工建设幼儿园8所，实际建成幼儿园8所。"
        "当年目标新增学位1000个，五年来累计新增学位8000个。计划新建中小学6所，实际完成新建幼儿园6所。\n",
        encoding="utf-8")
    out = tmp_path / "out"
    build([src_dir], Config(outdir=out, progress=False, viewer=False, jobs=1))
    rows = run_query("targets_and_outcomes", out / "graph.ttl").as_dicts()
    got = sorted((r["target_quote"], r["target_value"], r["outcome_value"], r["verdict"]) for r in rows)
    assert got == [("全区计划新改扩建幼儿园40所", 40, 40, "met"),
                   ("学前教育专项资金预算800万元", 800, 750, "missed"),
                   ("当年目标新增学位5000个", 5000, 5600, "exceeded")]


def test_a_mid_year_report_holds_no_outcome_and_summarises_no_year():
    """上半年 figures are partial: a mid-year report (summary and plan of one year) neither answers
    a target of that year nor makes a missing answer a no-outcome."""
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2023, (10, 20))], summary=2022, plan=2023)
    mid = report(SHA_B, "b.txt", QING, [places("300", "achieved", 2023, (30, 40))], summary=2023, plan=2023)
    assert check_targets([plan, mid]) == {}
    full = report(SHA_C, "c.txt", QING, [places("510", "achieved", 2023, (30, 40))], summary=2023)
    assert check_targets([plan, mid, full])[iri(plan)].outcome == iri(full)


def test_a_projection_inside_its_years_own_summary_is_no_missing_answer():
    f = report(SHA_A, "2022.txt", QING, [places("540", "planned", 2022, (10, 20))], summary=2022, plan=2023)
    assert check_targets([f]) == {}


def test_the_years_own_summary_answers_before_a_figure_given_in_passing():
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    news = report(SHA_B, "a-news.txt", QING, [places("300", "achieved", 2022, (30, 40))])  # no summary year
    summary = report(SHA_C, "b.txt", QING, [places("520", "achieved", 2022, (50, 60))], summary=2022)
    c = check_targets([plan, news, summary])[iri(plan)]
    assert (c.outcome, c.verdict) == (iri(summary), "exceeded")


def test_a_figure_over_several_years_is_no_years_target_or_outcome():
    five_years = replace(places("9000", "achieved", 2022, (30, 40)), period=True)  # 五年来新增学位9000个
    plan = report(SHA_A, "2021.txt", QING, [places("500", "planned", 2022, (10, 20)),
                                            replace(places("3000", "planned", 2022, (50, 60)), period=True)],
                  summary=2021, plan=2022)
    outcome = report(SHA_B, "2022.txt", QING, [five_years], summary=2022)
    checks = check_targets([plan, outcome])
    assert list(checks) == [iri(plan)]  # the 十四五 target is not checked against 2022
    assert (checks[iri(plan)].outcome, checks[iri(plan)].verdict) == (None, "no-outcome")


def test_in_one_report_only_an_outcome_right_after_the_target_answers_it():
    near = report(SHA_A, "2022.txt", QING, [places("500", "planned", 2022, (10, 20)),
                                            places("520", "achieved", 2022, (24, 34), quote="实际新增学位520个")],
                  summary=2022)
    assert check_targets([near])[iri(near, 0)].outcome == iri(near, 1)
    breakdown = report(SHA_A, "2022.txt", QING, [places("500", "planned", 2022, (10, 20)),
                                                 places("200", "achieved", 2022, (24, 34))], summary=2022)
    before = report(SHA_A, "2022.txt", QING, [places("520", "achieved", 2022, (10, 20)),
                                              places("500", "planned", 2022, (40, 50))], summary=2022)
    far = report(SHA_A, "2022.txt", QING, [places("500", "planned", 2022, (10, 20)),
                                           places("520", "achieved", 2022, (400, 410))], summary=2022)
    for f in (before, far, breakdown):  # last year's result, a district's or the plan's own share
        assert check_targets([f]) == {}


def test_a_list_says_it_was_done_once_at_its_head():
    """实际完成新建幼儿园30所；新增学位2800个，超额完成12%；…: each figure of the list answers its target."""
    area = replace(metric("新建校舍", "3", "万平方米", "=", 2022, "planned", (22, 34), "新建校舍3万平方米",
                          base_value="30000", base_unit="平方米"), indicator_concept="new-building-area")
    done_area = replace(area, value=Decimal("3.5"), base_value=Decimal("35000"), status="achieved", span=(62, 76),
                        quote="新建校舍3.5万平方米")
    f = report(SHA_A, "2022.txt", QING, [
        places("2500", "planned", 2022, (10, 20)), area,
        places("2800", "achieved", 2022, (40, 60), quote="实际完成新增学位2800个"), done_area])
    checks = check_targets([f])
    assert checks[iri(f, 1)].outcome == iri(f, 3) and checks[iri(f, 1)].verdict == "exceeded"
    # a figure further on, or after one that says nothing, is not in the list
    far = replace(done_area, span=(90, 104))
    assert check_targets([replace(f, metrics=(*f.metrics[:3], far))]).get(iri(f, 1)) is None


def _kindergarten_places(value, status, span, quote):
    return replace(places(value, status, 2022, span, quote=quote), indicator_concept="preschool-places")


def test_the_reports_own_answer_may_drop_the_targets_qualifier_and_comes_first():
    """学位建设任务1467个 (kindergarten places), 实际完成1695个学位 (places): the report answers its target."""
    f = report(SHA_A, "2022.txt", QING, [
        _kindergarten_places("1400", "planned", (10, 26), "全县公办园学位建设任务1400个"),
        places("1600", "achieved", 2022, (28, 38), quote="实际完成1600个学位"),
        _kindergarten_places("700", "achieved", (40, 56), "实际建设增加公办幼儿园学位700个")], summary=2022)
    other = report(SHA_B, "2022-news.txt", QING, [_kindergarten_places("1500", "achieved", (5, 15), "新增学位1500个")],
                   summary=2022)
    c = check_targets([f, other])[iri(f, 0)]
    assert (c.outcome, c.verdict) == (iri(f, 1), "exceeded")
    # another report's figure in the generic indicator is no answer: it may be a total of all levels
    plan = report(SHA_A, "2021.txt", QING, [_kindergarten_places("1400", "planned", (10, 26), "学前学位1400个")],
                  summary=2021, plan=2022)
    total = report(SHA_B, "2022.txt", QING, [places("9000", "achieved", 2022, (5, 15))], summary=2022)
    assert check_targets([plan, total])[iri(plan)].outcome is None


def test_a_share_answers_only_a_share():
    total = places("156", "planned", 2022, (10, 20), quote="新建学校156所")
    share = places("100", "achieved", 2022, (22, 40), quote="其中新建、改扩建100所中小学校列为实事")
    f = report(SHA_A, "2022.txt", QING, [total, replace(share, quote="其中实际完成100所")])
    assert check_targets([f]) == {}  # the 100 is part of the 156, not its outcome
    part = places("30", "planned", 2022, (10, 20), quote="(其中公办30所以上)")
    done = places("36", "achieved", 2022, (22, 32), quote="(其中公办实际建成36所)")
    g = report(SHA_A, "2022.txt", QING, [part, done])
    assert check_targets([g])[iri(g, 0)].verdict == "exceeded"


@pytest.mark.parametrize("share_quote", ["新增学位2800个(其中新区900个)", "新增学位2800个(新区900个、老城区600个)"])
def test_a_figure_in_a_bracket_after_a_total_is_a_share_of_it(share_quote):
    total = places("2800", "planned", 2022, (10, 30), quote=share_quote)
    share = places("900", "planned", 2022, (10, 30), quote=share_quote)
    plan = report(SHA_A, "2021.txt", QING, [total, replace(share, span=(20, 30))], summary=2021, plan=2022)
    done = report(SHA_B, "2022.txt", QING, [places("3000", "achieved", 2022, (5, 15))], summary=2022)
    checks = check_targets([plan, done])
    assert (checks[iri(plan, 0)].outcome, checks[iri(plan, 0)].verdict) == (iri(done), "exceeded")
    # the district's share is not answered by the total, nor said unanswered: the summary may split
    # its total another way
    assert iri(plan, 1) not in checks


def test_a_figure_another_report_gives_in_passing_is_no_outcome():
    """Only the year's own summary answers from another file: a later report's look back (2022年新增学位
    300个 in a 2023 summary) may be progress or the plan restated."""
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    later = report(SHA_B, "c.txt", QING, [places("500", "achieved", 2022, (30, 40))], summary=2023)
    assert check_targets([plan, later]) == {}


def schools(value, status, quote, span, concept="new-schools", unit="所"):
    return replace(metric("学校", value, unit, "=", 2022, status, span, quote, base_value=value, base_unit=unit),
                   indicator_concept=concept)


@pytest.mark.parametrize("outcome_quote, verdict", [
    ("全年新开工学校42所", "exceeded"),  # works started answer works started
    ("全年建成投入使用学校42所", "no-outcome"),  # schools opened are not the works begun
    ("全年新建学校42所", "no-outcome"),  # nor a figure that names no stage
])
def test_works_started_answer_only_works_started(outcome_quote, verdict):
    plan = report(SHA_A, "a.txt", QING, [schools("40", "planned", "计划新开工建设学校40所", (10, 20))],
                  summary=2021, plan=2022)
    done = report(SHA_B, "b.txt", QING, [schools("42", "achieved", outcome_quote, (30, 40))], summary=2022)
    assert check_targets([plan, done])[iri(plan)].verdict == verdict


def test_a_stage_left_unnamed_is_answered_by_schools_finished():
    plan = report(SHA_A, "a.txt", QING, [schools("40", "planned", "明年新建学校40所", (10, 20))],
                  summary=2021, plan=2022)
    done = report(SHA_B, "b.txt", QING, [schools("40", "achieved", "全年建成学校40所", (30, 40))], summary=2022)
    assert check_targets([plan, done])[iri(plan)].verdict == "met"


def test_a_count_of_projects_answers_only_projects():
    plan = report(SHA_A, "a.txt", QING, [schools("20", "planned", "明年建设幼儿园20个", (10, 20), "kindergartens", "个")],
                  summary=2021, plan=2022)
    projects = report(SHA_B, "b.txt", QING, [schools("25", "achieved", "幼儿园项目25个", (30, 40), "kindergartens", "个")],
                      summary=2022)
    assert (check_targets([plan, projects])[iri(plan)].outcome, check_targets([plan, projects])[iri(plan)].verdict) \
        == (None, "no-outcome")


def test_a_report_that_plans_the_rest_of_its_year_holds_progress_only():
    """年底前还将…: the report was written inside its year; its achieved figures of that year are
    progress, and it is no summary of that year."""
    plan = report(SHA_A, "a.txt", QING, [places("500", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    autumn = report(SHA_B, "b.txt", QING, [places("300", "achieved", 2022, (30, 40), quote="已新增学位300个"),
                                           places("200", "planned", 2022, (50, 60), quote="年底前还将新增学位200个")],
                    summary=2022)
    assert check_targets([plan, autumn]) == {}


def test_a_share_answers_only_the_share_of_the_same_item():
    """共152所(中小学83所，幼儿园69所) against 其中：幼儿园81所；中小学100所: each item its own."""
    def item(name, value, status, span, quote):
        return replace(schools(value, status, quote, span, "schools-opened"), indicator=name, part=True)
    plan = report(SHA_A, "a.txt", QING, [item("(中小学", "83", "planned", (10, 20), "共152所(中小学83所"),
                                         item("幼儿园", "69", "planned", (21, 30), "幼儿园69所)")],
                  summary=2021, plan=2022)
    done = report(SHA_B, "b.txt", QING, [item("幼儿园", "81", "achieved", (30, 40), "幼儿园81所"),
                                         item("中小学", "100", "achieved", (41, 50), "中小学100所")], summary=2022)
    checks = check_targets([plan, done])
    assert (checks[iri(plan, 0)].outcome, checks[iri(plan, 1)].outcome) == (iri(done, 1), iri(done, 0))


def test_what_can_be_done_is_no_outcome():
    """秋季开学15所均可投入使用: a forecast in the target's own report, not a result."""
    target = schools("15", "planned", "计划投入使用学校15所", (10, 20), "schools-opened")
    f = report(SHA_A, "a.txt", QING, [target, schools("15", "achieved", "秋季开学15所均可投入使用", (30, 40),
                                                      "schools-opened")], summary=2022)
    assert check_targets([f]) == {}
    done = replace(f, metrics=(target, schools("15", "achieved", "秋季开学15所已投入使用", (30, 40), "schools-opened")))
    assert check_targets([done])[iri(done)].verdict == "met"


def test_what_a_higher_level_assigned_is_no_outcome():
    """任务数100人 … 上级实际下达的名额120人: the places assigned, not the task's completion (完成118人)."""
    def aided(value, status, quote, span):
        return replace(metric("资助学生", value, "人", "=", 2022, status, span, quote, base_value=value,
                              base_unit="人"), indicator_concept="aided-students")
    target = aided("100", "planned", "任务数100人", (10, 17))
    f = report(SHA_A, "a.txt", QING, [target, aided("120", "achieved", "上级实际下达的名额120人", (20, 34))],
               summary=2022)
    assert check_targets([f]) == {}
    done = replace(f, metrics=(target, aided("118", "achieved", "实际完成118人", (20, 29))))
    assert check_targets([done])[iri(done)].verdict == "exceeded"


@pytest.mark.parametrize("in_the_share_sentence", [False, True])
def test_the_completion_right_after_a_share_answers_it(in_the_share_sentence):
    """其中县内招生任务900人，完成1100人: the completion written right after a share answers that share;
    written farther on, a figure that is no share answers only a total."""
    def enrol(value, status, quote, span, part=False):
        return replace(metric("招生", value, "人", "=", 2022, status, span, quote, base_value=value,
                              base_unit="人"), indicator_concept="vocational-enrolment", part=part)
    target = replace(enrol("900", "planned", "其中县内招生任务900人", (10, 22), part=True), indicator="县内招生任务")
    done = enrol("1100", "achieved", "完成1100人", (23, 30), part=in_the_share_sentence)
    f = report(SHA_A, "a.txt", QING, [target, done], summary=2022)
    assert check_targets([f])[iri(f)].verdict == "exceeded"
    far = replace(f, metrics=(target, replace(done, span=(60, 67))))
    assert check_targets([far]) == {}


@pytest.mark.parametrize("quote, linked", [
    ("截至2022年底支出9500万元", True), ("截至11月底支出9500万元", False),
    # done by part of the year: progress, however 已完成 it says
    ("上半年已完成支出9500万元", False), ("1-6月已完成支出9500万元", False), ("截至10月已完成支出9500万元", False),
    ("前三季度已完成支出9500万元", False), ("全年已完成支出9500万元", True),
])
def test_a_figure_at_the_years_end_answers_its_budget(quote, linked):
    """年初预算教育支出9000万元，截至2022年底支出9500万元: the year's outcome (exceeded); 截至11月底 is progress."""
    def spend(value, status, quote, span):
        return replace(metric("教育支出", value, "万元", "=", 2022, status, span, quote, base_value=value + "0000",
                              base_unit="元"), indicator_concept="general-budget-education-spending")
    f = report(SHA_A, "a.txt", QING, [spend("9000", "planned", "年初预算教育支出9000万元", (10, 24)),
                                      spend("9500", "achieved", quote, (25, 40))], summary=2022)
    checks = check_targets([f])
    assert (checks[iri(f)].verdict == "exceeded") if linked else checks == {}


@pytest.mark.parametrize("target_quote, linked", [("共可新增学位1200个", False), ("可增加学位1200个", False), ("计划新增学位1200个", True)])
def test_a_capacity_a_plan_forecasts_is_no_target_of_its_own_reports_figures(target_quote, linked):
    """共可新增学位1200个 … 共提供学位720个: what the projects can add, not a target the report's next
    figure answers; 计划新增学位1200个 … 共提供学位720个 is (missed)."""
    f = report(SHA_A, "a.txt", QING, [places("1200", "planned", 2022, (10, 20), quote=target_quote),
                                      places("720", "achieved", 2022, (22, 30), quote="共提供学位720个")], summary=2022)
    checks = check_targets([f])
    assert (checks[iri(f)].verdict == "missed") if linked else iri(f) not in checks or checks[iri(f)].outcome is None


def test_a_forecast_in_the_years_summary_is_no_outcome():
    """建成后可新增540个学位: one project's capacity, a forecast, even in the year's own summary."""
    plan = report(SHA_A, "a.txt", QING, [places("1200", "planned", 2022, (10, 20))], summary=2021, plan=2022)
    done = report(SHA_B, "b.txt", QING, [places("540", "achieved", 2022, (30, 40), quote="建成后可新增540个学位")],
                  summary=2022)
    listed = replace(done, metrics=(replace(done.metrics[0], quote="建成后可新增12个班", unit="个", value=Decimal(12),
                                            base_value=Decimal(12), indicator_concept=None, span=(20, 29)),
                                    replace(done.metrics[0], quote="540个学位")))
    assert check_targets([plan, listed])[iri(plan)].verdict == "no-outcome"
    assert (check_targets([plan, done])[iri(plan)].outcome, check_targets([plan, done])[iri(plan)].verdict) \
        == (None, "no-outcome")


def test_works_under_way_answer_no_plan_to_build():
    plan = report(SHA_A, "a.txt", QING, [schools("30", "planned", "明年新建学校30所", (10, 20))], summary=2021, plan=2022)
    done = report(SHA_B, "b.txt", QING, [schools("25", "achieved", "25所在建", (30, 40))], summary=2022)
    assert check_targets([plan, done])[iri(plan)].verdict == "no-outcome"


def test_a_plan_restated_in_comparison_is_no_target():
    """实际投入使用181所，较原计划152所增加29所: neither 152 nor 29 is a plan of its own."""
    f = report(SHA_A, "b.txt", QING, [schools("152", "planned", "较原计划152所增加29所", (30, 40)),
                                      schools("29", "planned", "较原计划152所增加29所", (30, 41))], summary=2022)
    other = report(SHA_B, "c.txt", QING, [schools("140", "achieved", "全年新建学校140所", (30, 40))], summary=2022)
    assert check_targets([f, other]) == {}


def rate(value, status, year, span, *, comparator="=", quote=None):
    return replace(metric("普惠率", value, "%", comparator, year, status, span, quote or f"普惠率达{value}%",
                          base_value=Decimal(value) / 100, base_unit="ratio"),
                   indicator_concept="inclusive-coverage")


@pytest.mark.parametrize(
    ("published", "news", "target", "told", "verdict"),
    [
        # a news item of the year's autumn: places added so far judge no plan for the whole year
        ("2031-08-30", True, places("59000", "planned", 2031, (10, 20)),
         places("11600", "achieved", 2031, (30, 40), quote="今秋新增学位11600个"), "no-outcome"),
        # …but a share it already reaches meets the year's target early
        ("2031-09-01", True, rate("80", "planned", 2031, (10, 20), comparator=">="),
         rate("96", "achieved", 2031, (30, 40)), "exceeded"),
        # …nor does a figure under a ceiling before the year is over
        ("2031-08-30", True, places("500", "planned", 2031, (10, 20), comparator="<="),
         places("300", "achieved", 2031, (30, 40)), "no-outcome"),
        # a news item published after the year, or a dated report with an outline, tells the year
        ("2032-01-20", True, places("59000", "planned", 2031, (10, 20)),
         places("11600", "achieved", 2031, (30, 40)), "missed"),
        ("2031-12-20", False, places("59000", "planned", 2031, (10, 20)),
         places("11600", "achieved", 2031, (30, 40)), "missed"),
    ],
    ids=["autumn-places", "share-reached", "under-a-ceiling", "after-the-year", "dated-report"],
)
def test_a_news_item_inside_its_year_tells_progress(published, news, target, told, verdict):
    plan = report(SHA_A, "plan.txt", QING, [target], summary=2030, plan=2031)
    item = replace(report(SHA_B, "news.txt", QING, [told], summary=2031), published=published, news=news)
    c = check_targets([plan, item])[iri(plan)]
    assert c.verdict == verdict
    assert c.outcome == (None if verdict == "no-outcome" else iri(item))


def _changed(x, change):
    return replace(x, change=change, quote=f"新增学位比上年{'增加' if change == 'increase' else '减少'}{x.value}个")


def test_a_planned_level_is_not_answered_by_a_change():
    """The 2022 summary says places rose by 520 on the year before (a change), not that 520 were
    reached: the target of a level has no outcome there, so "no-outcome" and no link."""
    plan = report(SHA_A, "2021.txt", QING, [places("500", "planned", 2022, (10, 20), comparator=">=")],
                  summary=2021, plan=2022)
    outcome = report(SHA_B, "2022.txt", QING, [_changed(places("520", "achieved", 2022, (30, 40)), "increase")],
                     summary=2022)
    c = check_targets([plan, outcome])[iri(plan)]
    assert (c.outcome, c.verdict) == (None, "no-outcome")


def test_a_planned_change_is_answered_by_a_change_the_same_way_only():
    planned = _changed(places("500", "planned", 2022, (10, 20), comparator=">="), "increase")
    plan = report(SHA_A, "2021.txt", QING, [planned], summary=2021, plan=2022)
    rose = report(SHA_B, "2022.txt", QING, [places("9000", "achieved", 2022, (5, 15)),
                                            _changed(places("520", "achieved", 2022, (30, 40)), "increase")],
                  summary=2022)
    c = check_targets([plan, rose])[iri(plan)]
    assert (c.outcome, c.verdict) == (iri(rose, 1), "exceeded")  # the change, not the level 9000
    fell = report(SHA_B, "2022.txt", QING, [_changed(places("520", "achieved", 2022, (30, 40)), "decrease")],
                  summary=2022)
    c = check_targets([plan, fell])[iri(plan)]
    assert (c.outcome, c.verdict) == (None, "no-outcome")
