"""``kg inspect FILE``: what the text layer made of one file (removals, reports, sections, years);
with ``--indicators``, each metric's indicator concept and the mapping step that decided it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.core.records import Removal, Span, evolve
from kg.extract.indicator_match import trace_indicators
from kg.pipeline.stages import extract_source
from kg.text.clean import clean
from kg.text.ingest import read_source
from kg.text.segment import segment


@dataclass(frozen=True)
class SectionInfo:
    kind: str
    year: int | None
    heading: str | None
    span: Span
    sentences: int


@dataclass(frozen=True)
class ReportInfo:
    index: int
    title: str | None
    summary_year: int | None
    plan_year: int | None
    span: Span  # clean coordinates of the body
    original_span: Span
    head: str
    sections: tuple[SectionInfo, ...]


@dataclass(frozen=True)
class Inspection:
    path: str
    name: str
    format: str
    encoding: str
    sha256: str
    original_chars: int
    clean_chars: int
    removals: tuple[Removal, ...]
    reports: tuple[ReportInfo, ...]


def inspect_file(path: str | Path) -> Inspection:
    """Run ingest → clean → segment on one file and keep what a person needs to check it."""
    source = read_source(path)
    ct = clean(source)
    reports = segment(ct)
    infos = tuple(
        ReportInfo(
            index=r.index, title=r.title, summary_year=r.summary_year, plan_year=r.plan_year,
            span=r.span, original_span=ct.original_span(r.span), head=r.head,
            sections=tuple(SectionInfo(s.kind, s.year, s.heading, s.span, len(s.sentences))
                           for s in r.sections),
        )
        for r in reports
    )
    removals = tuple(sorted(ct.removed, key=lambda x: x.span))
    return Inspection(path=source.path, name=source.name, format=source.format,
                      encoding=source.encoding, sha256=source.sha256,
                      original_chars=len(source.text), clean_chars=len(ct.text),
                      removals=removals, reports=infos)


@dataclass(frozen=True)
class IndicatorTrace:
    """One metric as the indicator matcher read it: the concept and the step that decided it
    (None: no step did; a step with no concept decided the figure measures none)."""

    report: int
    quote: str
    value: str  # as written ("x" when redacted)
    unit: str
    indicator: str
    concept: str | None
    step: str | None
    change: str | None = None  # "increase" | "decrease": written as a change against an earlier figure


def trace_file(path: str | Path) -> tuple[IndicatorTrace, ...]:
    """Extract one file and trace each metric's indicator mapping. The mapping is read again from
    the extracted metrics, without their concepts, as the extract stage read them (same result)."""
    source = read_source(path)
    out = []
    for facts in extract_source(source):
        metrics = [evolve(m, indicator_concept=None) for m in facts.metrics]
        for m, step in trace_indicators(metrics, text=source.text):
            value = "x" if m.value is None else format(m.value.normalize(), "f")
            out.append(IndicatorTrace(facts.index, m.quote, value, m.unit, m.indicator, m.indicator_concept, step,
                                      m.change))
    return tuple(out)


def format_traces(traces: tuple[IndicatorTrace, ...]) -> str:
    """One line per metric: report, figure (+/- before it: a change against an earlier figure,
    Metric.change), concept, [step], the indicator as written."""
    mapped = sum(1 for t in traces if t.concept)
    out = [f"Indicators ({len(traces)} metrics, {mapped} with a concept):"]
    for t in traces:
        sign = {"increase": "+", "decrease": "-"}.get(t.change or "", "")
        out.append(f"  #{t.report} {sign}{t.value}{t.unit}  {t.concept or '-'}  [{t.step or '-'}]  {_short(t.indicator, 30)}"
                   f"  | {_short(t.quote, 40)}")
    return "\n".join(out)


def _short(text: str | None, n: int = 60) -> str:
    if text is None:
        return "-"
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def _year(y: int | None) -> str:
    return "-" if y is None else str(y)


def format_inspection(ins: Inspection) -> str:
    """Readable multi-line report for the terminal."""
    out = [
        f"{ins.path}",
        f"  format {ins.format}, encoding {ins.encoding}, sha256 {ins.sha256[:16]}…",
        f"  {ins.original_chars} characters → {ins.clean_chars} after cleaning",
        "",
    ]
    by_rule = Counter(r.rule for r in ins.removals)
    out.append(f"Removed ({len(ins.removals)}): "
               + (", ".join(f"{k} ×{v}" for k, v in sorted(by_rule.items())) or "nothing"))
    for r in ins.removals:
        out.append(f"  [{r.span[0]}:{r.span[1]}] {r.rule:<18} {_short(r.text)}")
    out.append("")
    out.append(f"Reports ({len(ins.reports)}):")
    for r in ins.reports:
        out.append(f"  #{r.index} {_short(r.title) if r.title else '(no title)'}")
        out.append(f"     summary year {_year(r.summary_year)}, plan year {_year(r.plan_year)}, "
                   f"body [{r.original_span[0]}:{r.original_span[1]}] of the original")
        out.append(f"     head: {_short(r.head, 70)}")
        for s in r.sections:
            out.append(f"     - {s.kind:<8} {_year(s.year):>4}  {_short(s.heading, 50) if s.heading else '(lead)'}"
                       f"  [{s.sentences} sentences]")
    return "\n".join(out)
