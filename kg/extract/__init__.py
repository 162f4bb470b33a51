"""Extraction: one Report in, one ReportFacts out. The spaCy Doc never leaves this package."""

from __future__ import annotations

from dataclasses import replace

from ..types import InitiativeMention, Metric, Report, ReportFacts, SourceRef
from .bureau import extract_bureau
from .initiatives import extract_initiatives
from .metrics import extract_metrics

__all__ = ["extract_report", "attach_metrics", "drop_repeated_metrics"]


def source_ref(report: Report) -> SourceRef:
    s = report.source
    return SourceRef(path=s.path, name=s.name, sha256=s.sha256, format=s.format, encoding=s.encoding)


def attach_metrics(report: Report, mentions: list[InitiativeMention],
                   metrics: list[Metric]) -> list[Metric]:
    """A metric belongs to the initiative named in its sentence (the nearest one before it), else to
    the one named in its section heading; otherwise to none. Surface forms are the mention's aliases."""
    if not mentions:
        return metrics
    clean = report.clean
    forms = [(m.label, sorted({m.label, *m.aliases}, key=len, reverse=True)) for m in mentions]

    def named_in(text: str, before: int | None = None) -> str | None:
        best: tuple[int, str] | None = None
        for label, surfaces in forms:
            for sf in surfaces:
                pos = text.rfind(sf, 0, before) if before is not None else text.find(sf)
                if pos >= 0 and (best is None or pos > best[0]):
                    best = (pos, label)
                    break
        return best[1] if best else None

    out = []
    for metric in metrics:
        label = None
        for section in report.sections:
            s_orig = clean.original_span(section.span)
            if not (s_orig[0] <= metric.span[0] < s_orig[1]):
                continue
            for sent in section.sentences:
                o = clean.original_span(sent.span)
                if o[0] <= metric.span[0] < o[1]:
                    # position of the metric inside the sentence, in clean coordinates
                    rel = next((i for i in range(sent.span[0], sent.span[1])
                                if clean.offset_map[i] >= metric.span[0]), sent.span[1]) - sent.span[0]
                    label = named_in(sent.text, rel + len(metric.quote)) or named_in(sent.text)
                    break
            if label is None and section.heading:
                label = named_in(section.heading)
            break
        out.append(replace(metric, initiative=label) if label else metric)
    return out


def drop_repeated_metrics(metrics: list[Metric]) -> list[Metric]:
    """The same statement written twice in one report (a repeated passage the cleaner could not
    see, e.g. inside one endless line) is one fact: keep its first occurrence."""
    seen: set[tuple] = set()
    out = []
    for m in sorted(metrics, key=lambda m: m.span):
        key = (m.quote, m.indicator, m.value, m.unit, m.comparator, m.status, m.year)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def extract_report(report: Report) -> ReportFacts:
    """Bureau, initiatives and metrics of one report, as records the graph stage can consume."""
    bureau = extract_bureau(report)
    mentions = extract_initiatives(report)
    metrics = attach_metrics(report, mentions, drop_repeated_metrics(extract_metrics(report)))
    span = report.clean.original_span(report.span)
    return ReportFacts(
        source=source_ref(report),
        index=report.index,
        title=report.title,
        head=report.head,
        span=span,
        bureau=bureau,
        summary_year=report.summary_year,
        plan_year=report.plan_year,
        mentions=tuple(mentions),
        metrics=tuple(metrics),
        duplicate_of=report.duplicate_of,
    )
