"""kg.tools.inspect: one file → Inspection record and its terminal rendering."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fixtures.makers import write_txt
from fixtures.reports import SINGLE

from kg.core.errors import InputError
from kg.tools.inspect import Inspection, format_inspection, format_traces, inspect_file, trace_file


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    lines = [SINGLE[0], "来源:青禾县教育局 发布日期:2022-01-05", *SINGLE[1:], "推荐访问:总结 计划"]
    return write_txt(tmp_path / "qinghe.txt", lines, "gbk")


def test_inspect_file_record(report_file: Path):
    ins = inspect_file(report_file)
    assert isinstance(ins, Inspection)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ins.name = "x"  # type: ignore[misc]
    assert (ins.name, ins.format, ins.encoding) == ("qinghe.txt", "txt", "gb18030")
    assert sorted(r.rule for r in ins.removals) == ["keyword_line", "site_meta"]
    (r,) = ins.reports
    assert (r.index, r.title, r.summary_year, r.plan_year) == (1, SINGLE[0], 2021, 2022)
    assert [s.kind for s in r.sections][:1] == ["summary"]
    assert r.sections[-1].kind == "plan" and r.sections[-1].year == 2022
    assert r.head.startswith("一、2021年工作总结")


def test_format_inspection_mentions_everything(report_file: Path):
    text = format_inspection(inspect_file(report_file))
    for expected in ("qinghe.txt", "gb18030", "site_meta", "keyword_line", SINGLE[0],
                     "summary year 2021", "plan year 2022", "二、存在的不足", "problems"):
        assert expected in text, expected


def test_inspect_missing_file(tmp_path: Path):
    with pytest.raises(InputError):
        inspect_file(tmp_path / "missing.txt")


def test_trace_file_names_each_metrics_concept_and_deciding_step(report_file: Path):
    traces = trace_file(report_file)
    got = {(t.value + t.unit, t.concept, t.step) for t in traces}
    # 新建幼儿园 by its label; 新增学位 of the plan's kindergarten paragraph by the paragraph's level
    assert {("1200个", "new-places", "label"), ("2所", "new-kindergartens", "label"),
            ("540个", "preschool-places", "paragraph-level")} <= got
    assert ("860人次", None, None) in got  # no step read it: no concept
    text = format_traces(traces)
    assert text.startswith(f"Indicators ({len(traces)} metrics, ")
    assert "preschool-places  [paragraph-level]" in text
