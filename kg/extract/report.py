"""Report → ReportFacts: the stage's entry point (:func:`extract_report`).

The issuer (:mod:`kg.extract.bureau`), initiatives (:mod:`kg.extract.initiatives`) and metrics
(:mod:`kg.extract.metrics`) are read separately; here a metric repeated within a report is kept
once, each metric is attached to the initiative its sentence or section names, and mapped to its
shared indicator.
"""

from __future__ import annotations

import bisect
import re

from kg.core.records import InitiativeMention, Metric, Report, ReportFacts, SourceRef, evolve
from kg.extract.bureau import extract_bureau
from kg.extract.indicator_match import map_indicators
from kg.extract.initiatives import extract_initiatives
from kg.extract.metrics import extract_metrics
from kg.text.spans import SENTENCE_END
from kg.text.years import news_report

__all__ = ["extract_report", "attach_metrics", "drop_repeated_metrics", "source_ref"]


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
    present: dict[str, list[tuple[str, list[str]]]] = {}

    def named_in(text: str, before: int | None = None) -> str | None:
        # only the surfaces written somewhere in ``text`` can be found in any part of it
        if text not in present:
            present[text] = [(label, kept) for label, surfaces in forms
                             if (kept := [sf for sf in surfaces if sf in text])]
        best: tuple[int, str] | None = None
        for label, surfaces in present[text]:
            for sf in surfaces:
                pos = text.rfind(sf, 0, before) if before is not None else text.find(sf)
                if pos >= 0 and (best is None or pos > best[0]):
                    best = (pos, label)
                    break
        return best[1] if best else None

    # sentences in clean order, with their section's heading; a metric is placed by bisection
    # (offset_map is non-decreasing), so attaching stays linear in the report's size
    placed = [(sent.span[0], sent, sec.heading) for sec in report.sections for sent in sec.sentences]
    starts = [p[0] for p in placed]
    out = []
    for metric in metrics:
        at = bisect.bisect_left(clean.offset_map, metric.span[0])  # clean index of the metric
        k = bisect.bisect_right(starts, at) - 1
        label = None
        if k >= 0:
            _, sent, heading = placed[k]
            if at < sent.span[1]:
                rel = at - sent.span[0]
                label = named_in(sent.text, rel + len(metric.quote)) or named_in(sent.text)
            if label is None and heading:
                label = named_in(heading)
        out.append(evolve(metric, initiative=label) if label else metric)
    return out


REPEAT_CONTEXT = 12  # characters before a quote, within its sentence, that a repeat must share
_SENTENCE_END = re.compile(rf"[{SENTENCE_END}\n]")  # the sentence cut of kg.text.spans


def drop_repeated_metrics(metrics: list[Metric], original: str) -> list[Metric]:
    """The same statement written twice in one report (a repeated passage the cleaner could not
    see, e.g. inside one endless line) is one fact: keep its first occurrence. A repeat must
    match in the characters before the quote too, so two figures that a minimal quote writes
    alike (一本上线率xx%, 本科上线率xx%) stay two facts."""
    seen: set[tuple] = set()
    out = []
    for m in sorted(metrics, key=lambda m: m.span):
        before = _SENTENCE_END.split(original[max(0, m.span[0] - REPEAT_CONTEXT):m.span[0]])[-1]
        key = (before, m.quote, m.indicator, m.value, m.unit, m.comparator, m.status, m.year)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def extract_report(report: Report) -> ReportFacts:
    """Bureau, initiatives and metrics of one report, as records the graph stage can consume."""
    bureau = extract_bureau(report)
    mentions = extract_initiatives(report)
    metrics = attach_metrics(report, mentions, drop_repeated_metrics(extract_metrics(report), report.clean.source.text))
    metrics = map_indicators(metrics, text=report.clean.source.text)
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
        published=report.published,
        news=news_report(report),
    )
