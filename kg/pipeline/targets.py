"""Targets checked against outcomes: a bureau's planned metric for a year, linked to what the same
bureau reported as achieved for that indicator and year, in the same report or a later file.

Like bureau linking this needs every report but only a few fields of each metric, so a build feeds
the reports to a :class:`TargetLinker` as they stream in and hands each file its checks. Same
bureau means the same name, never an anonymized or placeless one: X区教育局 (or 县教育局) in two files may be two bureaus, and
a guess would invent a verdict. A verdict follows the target's comparator: 力争/确保 …以上 (>=)
is met at the target and exceeded above it, 控制在…以内 (<=) is met at or under it, 约 (~) within
5 %. A target whose year the bureau summarised in another report without that indicator has
"no-outcome" (a projection inside that year's own summary is not a missing answer); a target whose
year no other summary of the bureau covers has no check at all. A mid-year report (上半年总结,
下半年计划: it summarises and plans the same year) holds partial figures: they are no year's
outcome, and such a report is no summary of its year. A news item published inside the year it
tells about (厦门今秋新增学位1.16万个 on 2023-08-30: ReportFacts.published) tells that year's
progress: its figures answer only a target they already reach (普惠园占比达96% in September against
2020年底达到80%), and a target it does not report at all has no outcome reported. In one report, an outcome must follow its
target closely and say it was done (实际建成…: kg/data/metric_rules.toml, [status]). A figure over several years (五年来新增学位,
十四五期间, Metric.period) is neither a target nor an outcome of one year. Both sides must count the
same thing at the same stage: works started (开工) answer only works started, a count of projects only
projects, a share (其中…) only a share, unless the outcome is written right after it in its report
(其中招生任务1200人，完成1580人); a level only a level, a change against an earlier figure (比上年增加
5所, Metric.change) only a change the same way; a report that plans the rest of a year (年底前还将…) is a
mid-year report of that year. A forecast (建成后可新增540个学位) is no outcome in any report.
When in doubt, no outcome: a wrong verdict is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kg.core.chars import to_simplified
from kg.core.records import Metric, ReportFacts, TargetCheck, Verdict
from kg.extract.indicator_match import indicator_rules
from kg.extract.metric_rules import metric_rules
from kg.rdf.graph import metric_iris

__all__ = ["TargetLinker", "verdict", "check_targets", "target_iris"]

APPROXIMATE = Decimal("0.05")  # 约/左右 (~): within 5 % of the target is met


@dataclass(frozen=True, slots=True)
class _Side:
    """What a check needs of one metric."""

    iri: str
    value: Decimal | None  # base value; None when redacted
    unit: str | None  # base unit
    comparator: str
    initiative: str | None
    order: tuple  # (file name, content hash, report index, start): the first candidate wins
    # from another report, only its year's own full-year summary answers: a figure a report of
    # another year (or a news item) gives in passing may be progress (截至11月) or a restated plan
    from_summary: bool = False
    end: int = 0  # where the quote ends, in the original text
    stated: bool = False  # its quote says it was done (实际建成6所)
    part: bool = False  # its quote opens with 其中: a share of a total written before it
    phase: str | None = None  # "started" (开工) or "finished" (投入使用): the stage its quote names
    projects: bool = False  # a count of projects (项目), not of schools
    forecast: bool = False  # it says what can be done (建成后可新增540个学位): no result in any report
    item: str = ""  # a share's own words (中小学 of 共152所(中小学83所): a share answers the same item
    opens_share: bool = False  # its own quote says it is a share (其中…, a bracket), not only its sentence
    progress: bool = False  # the year's progress, told by a news item inside it: answers only once it reaches the target
    change: str | None = None  # a change against an earlier figure (Metric.change): answers, and is answered by, only the same


def verdict(target: _Side, outcome: _Side | None) -> Verdict:
    """The target judged by its comparator against the outcome's value."""
    if outcome is None:
        return "no-outcome"
    t, a = target.value, outcome.value
    if t is None or a is None or target.unit != outcome.unit:
        return "not-comparable"
    c = target.comparator
    if c in ("<=", "<"):
        return "met" if (a <= t if c == "<=" else a < t) else "missed"
    if c == "~":
        tolerance = abs(t) * APPROXIMATE
        return "exceeded" if a > t + tolerance else "missed" if a < t - tolerance else "met"
    if a > t:
        return "exceeded"
    return "met" if a == t and c != ">" else "missed"


def target_iris(f: ReportFacts) -> list[str]:
    """The IRIs of the report's metrics a check can be written on: planned, mapped, with a year."""
    if _bureau(f) is None:
        return []
    return [str(i) for x, i in zip(f.metrics, metric_iris(f), strict=True) if _target(x)]


def _target(x: Metric) -> bool:
    """Whether a check can be written on ``x``: planned, mapped, of one year, not a plan restated
    in comparison (较原计划152所增加29所)."""
    return (x.status == "planned" and bool(x.indicator_concept) and x.year is not None and not x.period
            and not metric_rules().compared_to_plan.search(x.quote))


def _bureau(f: ReportFacts) -> str | None:
    b = f.bureau
    return to_simplified(b.shared_name) if b.shared_name else None


def _stated(metrics: Iterable[Metric]) -> list[bool]:
    """Per metric, whether its quote says it was done (实际建成6所), or it is an achieved figure that
    continues, a few characters on, a list one of those heads (实际完成新建幼儿园30所；新建校舍22.46万
    平方米，超额完成12.3%；新建运动场56.17万平方米: all three were done)."""
    rules = metric_rules()
    out: list[bool] = []
    prev: Metric | None = None
    for x in metrics:
        modal = rules.outcome_modal.search(x.quote) is not None  # 均可投入使用: a forecast
        said = bool(rules.outcome_words.search(x.quote)) and not modal
        if not said and not modal and prev is not None and out[-1] and prev.status == x.status == "achieved":
            said = 0 <= x.span[0] - prev.span[1] <= rules.outcome_list_gap
        out.append(said)
        prev = x
    return out


def _forecast(metrics: Iterable[Metric]) -> list[bool]:
    """Per metric, whether it says what can or will be done (建成后可新增12个班), or continues, a few
    characters on, a list one of those heads (…12个班,540个学位): a forecast, no outcome anywhere."""
    rules = metric_rules()
    out: list[bool] = []
    prev: Metric | None = None
    for x in metrics:
        said = rules.outcome_modal.search(x.quote) is not None
        if not said and prev is not None and out[-1] and prev.status == x.status:
            said = 0 <= x.span[0] - prev.span[1] <= rules.outcome_list_gap
        out.append(said)
        prev = x
    return out


def _share(x: Metric, sentence: bool = True) -> bool:
    """Whether ``x`` is a share of a total written before it: its quote opens with 其中, or its
    figure stands in a bracket after another figure (共36所(东区11所)); ``sentence``: or it is
    written after 其中 in its sentence (Metric.part)."""
    rules = metric_rules()
    if (x.part and sentence) or rules.part_of.match(x.quote):
        return True
    if x.value is None or x.unit is None or not ("(" in x.quote or "（" in x.quote):
        return False  # (most quotes hold no bracket: no pattern made for them)
    written = format(x.value.normalize(), "f")
    at = [m.start() for m in re.finditer(rf"(?<![\d.]){re.escape(written)}\s*{re.escape(x.unit)}", x.quote)]
    return bool(at) and rules.part_in_bracket.search(x.quote, 0, at[-1]) is not None


def _phase(x: Metric) -> str | None:
    """The stage of building the quote names: works started or finished, or None."""
    rules = metric_rules()
    if rules.phase_started.search(x.quote):
        return "started"
    if rules.phase_building.search(x.quote):
        return "building"
    return "finished" if rules.phase_finished.search(x.quote) else None


def _item(x: Metric) -> str:
    """What a share names, without the marks that open it: 中小学 of (中小学83所 and of 其中：中小学100所."""
    return re.sub(r"^[(（)）\s]*(?:其中[:：]?)?", "", to_simplified(x.indicator))


def _same_stage(target: str | None, outcome: str | None) -> bool:
    """Works started or under way answer only the same stage; finished or unnamed stages answer
    each other (新建学校5所 is answered by 建成5所)."""
    return target == outcome or {target, outcome} <= {None, "finished"}


def _in_progress(f: ReportFacts) -> bool:
    """Whether ``f`` is a news item published inside the year it reviews (厦门今秋新增学位1.16万个 on
    2023-08-30): its figures are that year's progress, no full-year outcome."""
    return f.news and f.published is not None and f.summary_year == int(f.published[:4])


def _reached(target: _Side, outcome: _Side) -> bool:
    """Whether a figure told part-way through the year already reaches the target: a share of 96 % in
    September meets 达到80% by the year's end; 1.16万 places by autumn judge no plan of 5.9万 yet, nor
    does a figure under a ceiling (控制在…以内) before the year is over."""
    t, a = target.value, outcome.value
    return (t is not None and a is not None and target.unit == outcome.unit
            and target.comparator not in ("<=", "<") and a >= t)


def _rest_of_year(f: ReportFacts) -> set[int]:
    """Years the report plans the rest of (年底前还将建成12个项目): it was written inside them."""
    rest = metric_rules().year_rest
    return {x.year for x in f.metrics if x.status == "planned" and x.year is not None and rest.search(x.quote)}


class TargetLinker:
    """Collects planned and achieved metrics with an indicator and a year, per named bureau."""

    def __init__(self) -> None:
        # (bureau, indicator, year) -> sides; bureau -> years its summaries cover
        self._planned: dict[tuple[str, str, int], list[_Side]] = {}
        self._achieved: dict[tuple[str, str, int], list[_Side]] = {}
        self._summaries: dict[tuple[str, int], set[tuple[str, int]]] = {}  # (bureau, year) -> reports
        self._reports: dict[str, tuple[str, int]] = {}  # a side's metric IRI -> its report id

    def add(self, facts: Iterable[ReportFacts]) -> None:
        for f in facts:
            bureau = _bureau(f)
            if bureau is None:
                continue
            rid = (f.source.path, f.index)
            mid_year = f.summary_year is not None and f.summary_year == f.plan_year
            # a news item of the year it tells about: its figures are progress, though what it does
            # not report at all is still no outcome reported
            progress = _in_progress(f)
            rest = _rest_of_year(f)  # years the report was written inside of: progress, no outcome
            if f.summary_year is not None and not mid_year and f.summary_year not in rest:
                self._summaries.setdefault((bureau, f.summary_year), set()).add(rid)
            projects = metric_rules().projects
            for x, iri, stated, forecast in zip(f.metrics, metric_iris(f), _stated(f.metrics), _forecast(f.metrics),
                                                strict=True):
                if (not x.indicator_concept or x.year is None or x.period
                        or (x.status == "achieved" and (mid_year or x.year in rest))
                        or (x.status == "planned" and not _target(x))):
                    continue
                side = _Side(str(iri), None if x.redacted else x.base_value, x.base_unit, x.comparator,
                             x.initiative, (f.source.name, f.source.sha256, f.index, x.span[0]),
                             f.summary_year == x.year, x.span[1], stated, _share(x), _phase(x),
                             bool(projects.search(x.indicator) or projects.search(x.quote)),
                             forecast, _item(x) if x.part or _share(x) else "", _share(x, sentence=False),
                             progress and x.year == f.summary_year, x.change)
                table = self._planned if x.status == "planned" else self._achieved
                table.setdefault((bureau, x.indicator_concept, x.year), []).append(side)
                self._reports[str(iri)] = rid

    def merge(self, other: TargetLinker) -> None:
        """Take in what ``other`` collected, as if its reports were added here after these: a
        build's workers collect each file's (kg.pipeline.link.LinkPart), the build merges them."""
        for table, more in ((self._planned, other._planned), (self._achieved, other._achieved)):
            for key, sides in more.items():
                table.setdefault(key, []).extend(sides)
        for key, reports in other._summaries.items():
            self._summaries.setdefault(key, set()).update(reports)
        self._reports.update(other._reports)

    def plan(self, left_out: frozenset[tuple[str, int]] = frozenset()) -> dict[str, TargetCheck]:
        """Target IRI → its check; ``left_out``: reports the graph leaves out (duplicates)."""
        kept = lambda s: self._reports[s.iri] not in left_out  # noqa: E731
        checks: dict[str, TargetCheck] = {}
        generic = indicator_rules().generic
        for key, targets in sorted(self._planned.items()):
            bureau, concept, year = key
            summaries = self._summaries.get((bureau, year), set()) - left_out
            outcomes = sorted((s for s in self._achieved.get(key, ()) if kept(s)),
                              key=lambda s: (not s.from_summary, s.progress, s.order))
            # the report's own answer may drop the target's qualifier (学位建设任务1467个, 实际完成1695个学位)
            broader = sorted((s for s in self._achieved.get((bureau, generic.get(concept, ""), year), ())
                              if kept(s)), key=lambda s: s.order)
            for t in (s for s in targets if kept(s)):
                # the same initiative when both name one; a count of projects (个) is no answer to a
                # count of schools (所); a share (其中…) answers only a share; works started only
                # works started
                def fit(o: _Side) -> bool:
                    return (not (t.initiative and o.initiative and o.initiative != t.initiative)  # noqa: B023
                            and o.unit == t.unit  # noqa: B023
                            # a level is never answered by a change (比上年增加6所), nor a planned
                            # change by a level or a change the other way
                            and o.change == t.change  # noqa: B023
                            and ((o.part == t.part and o.item == t.item)  # noqa: B023
                                 or (t.part and not o.opens_share and self._right_after(t, o)))  # noqa: B023
                            and o.projects == t.projects  # noqa: B023
                            and _same_stage(t.phase, o.phase) and self._answers(t, o)  # noqa: B023
                            # what a plan says can be done (共可新增学位1200个) is a capacity, which
                            # the figures after it in its own report do not answer (共提供720个学位)
                            and not (t.forecast and self._same_report(t, o))  # noqa: B023
                            # progress (今秋新增学位1.16万个) answers only a target it already reaches
                            and (not o.progress or _reached(t, o)))  # noqa: B023
                # the report's own answer, right after the target, first; then the year's summary
                own = sorted((o for o in (*outcomes, *broader) if self._same_report(t, o) and fit(o)),
                             key=lambda s: s.order)
                fits = own or [o for o in outcomes if fit(o)]
                outcome = fits[0] if fits else None
                if outcome is None and (t.part or not summaries - {self._reports[t.iri]}):
                    # no other summary of that year: nothing to judge by; a share the summary does not
                    # break down the same way (its total may be answered) is no missing answer either
                    continue
                checks[t.iri] = TargetCheck(t.iri, outcome.iri if outcome else None, verdict(t, outcome))
        return checks


    def outcomes_by_report(self, checks: Mapping[str, TargetCheck]) -> dict[tuple[str, int], tuple[str, ...]]:
        """(source path, report index) → the IRIs of its metrics that ``checks`` name as an outcome."""
        found: dict[tuple[str, int], set[str]] = {}
        for c in checks.values():
            if c.outcome is not None:
                found.setdefault(self._reports[c.outcome], set()).add(c.outcome)
        return {r: tuple(sorted(iris)) for r, iris in sorted(found.items())}

    def _same_report(self, target: _Side, outcome: _Side) -> bool:
        return self._reports[outcome.iri] == self._reports[target.iri]

    def _right_after(self, target: _Side, outcome: _Side) -> bool:
        """Whether the outcome is written right after the target in its report, a list's gap on: a
        figure that is no share there answers a share (其中县内招生任务1200人，完成1580人)."""
        return self._same_report(target, outcome) and \
            0 <= outcome.order[-1] - target.end <= metric_rules().outcome_list_gap

    def _answers(self, target: _Side, outcome: _Side) -> bool:
        """Another report's outcome may answer when that report is its year's own summary (a figure
        another report gives in passing may be progress or a restated plan); one of the same report
        only right after the target, saying it was done."""
        if self._reports[outcome.iri] != self._reports[target.iri]:
            return outcome.from_summary and not outcome.forecast
        return outcome.stated and 0 <= outcome.order[-1] - target.end <= metric_rules().outcome_near


def check_targets(facts: Iterable[ReportFacts]) -> Mapping[str, TargetCheck]:
    """Plan in one go, for facts already in memory (tests, small graphs)."""
    linker = TargetLinker()
    linker.add(facts)
    return linker.plan()
