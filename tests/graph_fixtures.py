"""Hand-made ReportFacts (invented places and figures) shared by the graph/validate/export/query tests.

Four reports in three files: two named district bureaus of one (fictional) city that share
"教师交流轮岗", and two anonymized "X县教育局" from different reports that must stay apart.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from kg.core.records import Bureau, InitiativeMention, Metric, Region, ReportFacts, SourceRef
from kg.terms.taxonomy import Taxonomy, load_taxonomy

CONCEPTS_TTL = Path(__file__).parent / "fixtures" / "graph_concepts.ttl"


def concepts() -> Taxonomy:
    """tests/fixtures/graph_concepts.ttl, the taxonomy the graph tests build with."""
    return load_taxonomy(CONCEPTS_TTL)

SHA_A = "a" * 64
SHA_B = "b" * 64
SHA_C = "c" * 64

CITY = dict(province="东海省", city="临江市", province_code="910000", city_code="910100")
QINGSHAN = Region(county="青山区", county_code="910102", **CITY)
BAISHA = Region(county="白沙区", county_code="910103", **CITY)


def src(sha: str, name: str) -> SourceRef:
    return SourceRef(path=f"/in/{name}", name=name, sha256=sha, format="txt", encoding="utf-8")


def mention(label, concept, status, year, span, quote, aliases=()) -> InitiativeMention:
    return InitiativeMention(label=label, concept=concept,
                             scope="national" if concept else "local", status=status, year=year,
                             span=span, quote=quote, quote_original=quote, aliases=tuple(aliases))


def metric(indicator, value, unit, comparator, year, status, span, quote, *, redacted=False,
           initiative=None, base_value=None, base_unit=None) -> Metric:
    return Metric(indicator=indicator, value=None if value is None else Decimal(value), unit=unit,
                  base_value=None if base_value is None else Decimal(base_value), base_unit=base_unit,
                  comparator=comparator, year=year, status=status, redacted=redacted, span=span,
                  quote=quote, quote_original=quote, initiative=initiative)


def sample_facts() -> list[ReportFacts]:
    r1 = ReportFacts(
        source=src(SHA_A, "qingshan.txt"), index=1, title="青山区教育局2022年工作总结",
        head="一、主要工作。全年推进教师交流轮岗,课后服务实现全覆盖。", span=(0, 400),
        bureau=Bureau(name="青山区教育局", region=QINGSHAN, level="county", anonymized=False,
                      evidence="青山区教育局", span=(0, 6)),
        summary_year=2022, plan_year=2023,
        mentions=(
            mention("教师交流轮岗", "teacher-rotation", "achieved", 2022, (20, 26), "推进教师交流轮岗",
                    aliases=("教师交流轮岗", "校长教师交流")),
            mention("课后服务", "after-school-care", "both", 2022, (30, 34), "课后服务实现全覆盖"),
            mention("四点半课堂", None, "achieved", 2022, (60, 65), "开办四点半课堂"),
        ),
        metrics=(
            metric("课后服务覆盖率", "98", "%", "=", 2022, "achieved", (40, 48), "课后服务覆盖率达98%",
                   initiative="课后服务", base_value="0.98", base_unit="ratio"),
            metric("参训教师", None, "名", "=", 2022, "achieved", (80, 86), "培训教师X名", redacted=True),
            metric("新增学位", "540", "个", ">=", 2023, "planned", (300, 310), "力争新增学位540个以上",
                   base_value="540", base_unit="个"),
        ),
    )
    r2 = ReportFacts(
        source=src(SHA_B, "compilation.txt"), index=1, title=None,
        head="白沙区教育局工作计划。明年继续推进教师交流轮岗。", span=(0, 500),
        bureau=Bureau(name="白沙区教育局", region=BAISHA, level="county", anonymized=False),
        summary_year=None, plan_year=2023,
        mentions=(
            mention("教师交流轮岗", "teacher-rotation", "planned", 2023, (15, 21), "继续推进教师交流轮岗"),
            mention("智慧校园", "smart-campus", "achieved", None, (100, 104), "建成智慧校园"),
        ),
        metrics=(
            metric("教育投入", "1.5", "亿元", "~", 2023, "planned", (200, 212), "计划投入约1.5亿元",
                   base_value="150000000", base_unit="元"),
            metric("轮岗教师", "120", "名", "=", 2023, "planned", (30, 40), "交流轮岗教师120名",
                   initiative="教师交流轮岗"),
        ),
    )
    r3 = ReportFacts(
        source=src(SHA_B, "compilation.txt"), index=2, title=None,
        head="X县教育局2021年工作总结。", span=(500, 900),
        bureau=Bureau(name="X县教育局", region=None, level="county", anonymized=True),
        summary_year=2021, plan_year=None,
        mentions=(mention("课后服务", "after-school-care", "achieved", 2021, (520, 524), "课后服务"),),
        metrics=(
            metric("入学率", "100", "%", "=", 2021, "achieved", (600, 608), "入学率达到100%"),
            metric("新建学校", None, "所", "=", 2021, "achieved", (610, 616), "新建学校X所",
                   redacted=True),
        ),
    )
    r4 = ReportFacts(
        source=src(SHA_C, "other.txt"), index=1, title=None, head="X县教育局工作总结。", span=(0, 100),
        bureau=Bureau(name="X县教育局", region=None, level="county", anonymized=True),
        summary_year=None, plan_year=None,
        mentions=(), metrics=(metric("本科上线人数", None, "人", "~", None, "achieved", (10, 20), "本科上线X人",
                                     redacted=True),),
    )
    return [r1, r2, r3, r4]



SMALL_INDICATORS = Path(__file__).parent / "fixtures" / "indicators_small.ttl"


def small_indicators():
    """The invented indicator scheme of tests/fixtures (kg.terms.indicators.IndicatorScheme)."""
    from kg.terms.indicators import load_indicators

    return load_indicators(SMALL_INDICATORS)


def with_indicators(facts: list[ReportFacts]) -> list[ReportFacts]:
    """The facts with their metrics mapped to the invented scheme, as extraction maps them."""
    from kg.extract.indicator_match import IndicatorMatcher, IndicatorRules, map_indicators

    # the shipped rules name the shipped scheme's ids: none of them for the invented one
    matcher = IndicatorMatcher(small_indicators(), remaps=(), breakdowns=(), generic={}, follows=(),
                            words=IndicatorRules(()))
    return [replace(f, metrics=tuple(map_indicators(list(f.metrics), matcher))) for f in facts]
