"""A graph with checked targets (invented figures) for the reader, viewer-data and browser tests.

The sample reports (tests/graph_fixtures.py) plus two targets of 青山区 for 2023 in its 2022 report
and its summary of 2023 in another file: 新增学位 540个以上 against 560 reported (exceeded), and
新建幼儿园 3所以上 that the summary never mentions (no-outcome)."""

from __future__ import annotations

from dataclasses import replace

from graph_fixtures import concepts, metric, sample_facts, small_indicators, src, with_indicators
from rdflib import Graph

from kg.core.records import ReportFacts
from kg.pipeline.targets import check_targets
from kg.rdf.graph import build_graph

QINGSHAN = "青山区教育局"


def target_facts() -> list[ReportFacts]:
    r1, *rest = sample_facts()
    kindergartens = metric("新建幼儿园", "3", "所", ">=", 2023, "planned", (320, 330), "新建幼儿园3所以上",
                           base_value="3", base_unit="所")
    r1 = replace(r1, metrics=(*r1.metrics, kindergartens))
    summary = replace(r1, source=src("d" * 64, "qingshan-2023.txt"), summary_year=2023, plan_year=None,
                      head="青山区教育局2023年工作总结。", mentions=(),
                      metrics=(metric("新增学位", "560", "个", "=", 2023, "achieved", (50, 60), "新增学位560个",
                                      base_value="560", base_unit="个"),))
    return with_indicators([r1, *rest, summary])


def target_graph() -> Graph:
    facts = target_facts()
    return build_graph(facts, taxonomy=concepts(), indicators=small_indicators(), targets=check_targets(facts))
