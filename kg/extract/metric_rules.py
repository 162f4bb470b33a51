"""The metric rule tables: ``units.toml`` (scales and counters), ``comparators.toml`` (cue words
around a number) and ``metric_rules.toml`` (which quantities are metrics, and how to read them),
each read and checked once; :mod:`kg.extract.metrics` reads every word list, pattern and limit
from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from kg.core.datafiles import (
    compile_pattern,
    positive_int,
    rule_file,
    text,
    whole_number,
    word_list,
)
from kg.core.errors import DataFileError
from kg.core.patterns import alternation

COMPARATORS = {"=", ">=", ">", "<=", "<", "~"}


@dataclass(frozen=True)
class Units:
    scales: dict[str, Decimal]
    counters: dict[str, str]  # counter as written → base unit
    weak: frozenset[str]


def _number(fname: str, where: str, value: object) -> Decimal:
    try:
        return Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError) as e:
        raise DataFileError(f"{where}: must be a number string, not {value!r}", path=fname,
                            hint='e.g. "10000"') from e


@lru_cache(maxsize=1)
def units() -> Units:
    """``units.toml``, read and checked once."""
    return parse_units(*rule_file("units.toml"))


def parse_units(raw: dict, where: str) -> Units:
    """Check a parsed ``units.toml``."""
    try:
        scales = {k: _number(where, f"scales.{k}", v) for k, v in raw["scales"].items()}
        counters = {k: str(v) for k, v in raw["counters"].items()}
        weak = frozenset(word_list(where, "weak.counters", raw["weak"]["counters"]))
        if not counters or not scales or not weak <= set(counters):
            raise ValueError("empty tables, or a weak counter missing from [counters]")
    except (KeyError, TypeError, ValueError, InvalidOperation) as e:
        raise DataFileError(f"bad unit table: {e!r}", path=where,
                            hint="[scales] maps a scale word to a number string; [counters] to a base unit") from e
    return Units(scales, counters, weak)


@dataclass(frozen=True)
class Comparators:
    before: dict[str, str]
    between: dict[str, str]
    after: dict[str, str]
    gap_max: int  # Chinese characters a cue may stand before the number
    gap_min_cue: int  # how long a cue must be to stand apart from its number
    gap_stops: frozenset[str]  # characters that may not be in the gap


@lru_cache(maxsize=1)
def comparators() -> Comparators:
    """``comparators.toml``, read and checked once."""
    return parse_comparators(*rule_file("comparators.toml"))


def parse_comparators(raw: dict, where: str) -> Comparators:
    """Check a parsed ``comparators.toml``."""
    try:
        tables = [dict(raw[k]) for k in ("before", "between", "after")]
        bad = [v for t in tables for v in t.values() if v not in COMPARATORS]
        if bad:
            raise ValueError(f"unknown comparator(s) {bad}; use one of {sorted(COMPARATORS)}")
        gap = raw["gap"]
        return Comparators(*tables, gap_max=positive_int(where, "gap.max_len", gap["max_len"]),
                           gap_min_cue=positive_int(where, "gap.min_cue_len", gap["min_cue_len"]),
                           gap_stops=frozenset(text(where, "gap.stops", gap["stops"])))
    except (KeyError, TypeError, ValueError) as e:
        raise DataFileError(f"bad comparator table: {e}", path=where) from e


@dataclass(frozen=True)
class MetricRules:
    planned_before: re.Pattern
    horizon: re.Pattern  # a deadline among planned_before's cues (到2020年): its year in group 1
    planned_after: re.Pattern
    achieved_reset: re.Pattern
    achieved_in_plan: re.Pattern
    period_before: re.Pattern
    outcome_words: re.Pattern
    outcome_modal: re.Pattern  # a done-word that says what can or will be done (均可投入使用)
    outcome_near: int
    outcome_list_gap: int  # an achieved figure this close after a stated one continues its list
    part_of: re.Pattern  # a quote opening so is a share of a total written before it (其中…)
    part_in_bracket: re.Pattern  # a quote's text up to its figure ending so: a bracket's share
    part_in_sentence: re.Pattern  # written before a figure in its sentence: a share (Metric.part)
    opens_shares: re.Pattern  # written right after a figure: it is the total of a list of its own
    plan_goes_on: re.Pattern  # opens a sentence going on with the plan of the sentence before
    first_item: re.Pattern  # a list's first item, which a plan's cue before it governs with the next
    next_item: re.Pattern  # opens a sentence holding a list's next item
    phase_started: re.Pattern  # a count of works started (开工)
    phase_building: re.Pattern  # a count of works under way (在建)
    phase_finished: re.Pattern  # a count of works finished or opened (投入使用)
    compared_to_plan: re.Pattern  # a plan restated in comparison (较原计划152所): no target
    projects: re.Pattern  # a count of projects, not of schools
    year_rest: re.Pattern  # a plan for the rest of its year (年底前还将): its report is mid-year
    quote_prefix: re.Pattern
    nm_before: re.Pattern
    rank_before: re.Pattern
    rate_before: re.Pattern
    rate_counters: frozenset[str]
    nm_after: re.Pattern
    abstract_nouns: re.Pattern
    plan_names: re.Pattern
    spelled_counters: frozenset[str]
    spelled_max: int
    spelled_object_after: re.Pattern  # an object named after the count (两个学区)
    spelled_object_before: re.Pattern  # or right before it (实践基地三个)
    phase_counters: frozenset[str]  # 实验学校二期: a phase, whatever stands before it
    glue_before: re.Pattern
    glue_after: re.Pattern
    counter_words: re.Pattern  # a counter that is a word's first character (班子)
    year_like: re.Pattern
    name_brackets: tuple[tuple[str, str], ...]
    name_max_len: int
    strip_prefix: re.Pattern
    strip_suffix: re.Pattern
    cue_words: re.Pattern
    object_end: re.Pattern
    indicator_max_len: int
    window: int  # characters read around a quantity by the not-a-metric patterns
    year_range: tuple[int, int]
    quote_max: int
    object_max_len: int
    verb_len: int
    examples_end: re.Pattern  # the text before a number ending a list of examples (…等7所学校)
    examples_verb: re.Pattern  # the verb opening such a list
    respectively: str
    after_respectively: re.Pattern  # the word and the rest of its line
    list_separator: str
    list_last_separator: re.Pattern
    change: ChangeRules  # [change]: a figure written as a change against an earlier one


@dataclass(frozen=True)
class ChangeRules:
    """[change] of metric_rules.toml: when a figure is written as a change against an earlier figure
    (Metric.change), composed from its word lists."""

    before: re.Pattern  # written right before the figure (a comparison and its verb, 净增, 增长了)
    points: re.Pattern  # ... or, for a figure in ``point_units``, a bare verb of change
    words: re.Pattern  # the change's wording anywhere (the indicator matcher reads around it)
    verb: re.Pattern  # a verb of change, the last of which in the wording says the direction
    decrease: re.Pattern  # ... a decrease when it holds one of these
    point_units: frozenset[str]
    rate_units: frozenset[str]

    def direction(self, before: str, base_unit: str | None) -> str | None:
        """\"increase\" or \"decrease\" when a figure in ``base_unit`` written right after ``before``
        (its sentence up to the figure) is a change against an earlier figure, else None; a rate so
        written is a growth rate (``rate_units``), no change."""
        if base_unit in self.rate_units:
            return None
        m = self.before.search(before)
        if m is None and base_unit in self.point_units:
            m = self.points.search(before)
        if m is None:
            return None
        verbs = list(self.verb.finditer(m.group(0)))
        return "decrease" if verbs and self.decrease.search(verbs[-1].group(0)) else "increase"

    def strip(self, text: str) -> str:
        """``text`` without the change's wording (小学图书比上年增加 → 小学图书): what changed."""
        return self.words.sub("", text)


@lru_cache(maxsize=1)
def metric_rules() -> MetricRules:
    """``metric_rules.toml``, read and checked once."""
    return parse_metric_rules(*rule_file("metric_rules.toml"))


def parse_metric_rules(raw: dict, where: str) -> MetricRules:
    """Check a parsed ``metric_rules.toml``; a bad or missing key raises DataFileError naming it."""
    try:
        nm, ind = raw["not_metric"], raw["indicator"]

        def c(section: str, key: str) -> re.Pattern:
            return compile_pattern(where, f"{section}.{key}", raw[section][key])

        first_year, last_year = (whole_number(where, "not_metric.year_range", y) for y in nm["year_range"])
        respectively = text(where, "indicator.respectively", ind["respectively"])
        objects = alternation(word_list(where, "not_metric.spelled_objects", nm["spelled_objects"]))
        return MetricRules(
            planned_before=c("status", "planned_before"), horizon=c("status", "horizon"),
            planned_after=c("status", "planned_after"),
            achieved_reset=c("status", "achieved_reset"), achieved_in_plan=c("status", "achieved_in_plan"),
            period_before=c("status", "period_before"), outcome_words=c("status", "outcome_words"),
            outcome_modal=c("status", "outcome_modal"),
            outcome_near=positive_int(where, "status.outcome_near", raw["status"]["outcome_near"]),
            outcome_list_gap=positive_int(where, "status.outcome_list_gap", raw["status"]["outcome_list_gap"]),
            part_of=c("status", "part_of"), part_in_bracket=c("status", "part_in_bracket"),
            part_in_sentence=c("status", "part_in_sentence"), opens_shares=c("status", "opens_shares"),
            plan_goes_on=c("status", "plan_goes_on"), first_item=c("status", "first_item"),
            next_item=c("status", "next_item"),
            phase_started=c("status", "phase_started"),
            phase_finished=c("status", "phase_finished"), projects=c("status", "projects"),
            phase_building=c("status", "phase_building"), compared_to_plan=c("status", "compared_to_plan"),
            year_rest=c("status", "year_rest"),
            quote_prefix=c("not_metric", "quote_prefix"), nm_before=c("not_metric", "before"),
            rank_before=c("not_metric", "rank_before"), rate_before=c("not_metric", "rate_before"),
            rate_counters=frozenset(word_list(where, "not_metric.rate_counters", nm["rate_counters"])),
            nm_after=c("not_metric", "after"), abstract_nouns=c("not_metric", "abstract_nouns"),
            plan_names=c("not_metric", "plan_names"),
            spelled_counters=frozenset(word_list(where, "not_metric.spelled_counters", nm["spelled_counters"])),
            spelled_max=positive_int(where, "not_metric.spelled_max", nm["spelled_max"]),
            spelled_object_after=re.compile(f"^[^,,;;。、]{{0,8}}?(?:{objects})"),
            spelled_object_before=re.compile(f"(?:{objects})$"),
            phase_counters=frozenset(word_list(where, "not_metric.phase_counters", nm["phase_counters"])),
            glue_before=c("not_metric", "glue_before"), glue_after=c("not_metric", "glue_after"),
            counter_words=c("not_metric", "counter_words"),
            year_like=c("not_metric", "year_like"),
            name_brackets=tuple((a, b) for a, b in nm["name_brackets"]),
            name_max_len=positive_int(where, "not_metric.name_max_len", nm["name_max_len"]),
            strip_prefix=c("indicator", "strip_prefix"), strip_suffix=c("indicator", "strip_suffix"),
            cue_words=c("indicator", "cue_words"), object_end=c("indicator", "object_end"),
            indicator_max_len=positive_int(where, "indicator.max_len", ind["max_len"]),
            window=positive_int(where, "not_metric.window", nm["window"]), year_range=(first_year, last_year),
            quote_max=positive_int(where, "quote.max_len", raw["quote"]["max_len"]),
            object_max_len=positive_int(where, "indicator.object_max_len", ind["object_max_len"]),
            verb_len=positive_int(where, "indicator.verb_len", ind["verb_len"]),
            examples_end=c("indicator", "examples_end"), examples_verb=c("indicator", "examples_verb"),
            respectively=respectively, after_respectively=re.compile(re.escape(respectively) + ".*$"),
            list_separator=text(where, "indicator.list_separator", ind["list_separator"]),
            list_last_separator=c("indicator", "list_last_separator"),
            change=parse_change(raw["change"], where),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise DataFileError(f"bad metric rules: {e!r}", path=where,
                            hint="check the key names and regular expressions") from e


_STOPS = r"[^,，;；。、!！?？:：\d\s]"  # what may stand between a comparison and its verb
_LIST = r"(?:[\d.]+[^\d、,，;；。]{0,3}、)*"  # figures of a 分别 list before this one (分别增加3所、2所)
_AROUND = r"了?(?:约|近|达)?"  # between the verb and the figure


def parse_change(raw: dict, where: str) -> ChangeRules:
    """Check [change] of metric_rules.toml and compose its patterns."""
    def c(key: str) -> str:
        return compile_pattern(where, f"change.{key}", raw[key]).pattern

    compared, verbs, net, done = c("compared"), c("verbs"), c("net"), c("done")
    gap = positive_int(where, "change.gap", raw["gap"])
    compared_change = rf"(?:{compared}){_STOPS}{{0,{gap}}}?(?:{verbs}){_AROUND}"
    bare_change = rf"(?:{net}){_STOPS}{{0,{gap}}}?{_AROUND}|(?:{done})(?:约|近)?"
    return ChangeRules(
        before=re.compile(rf"(?:{compared_change}|{bare_change}){_LIST}$"),
        points=re.compile(rf"(?:{verbs}){_AROUND}$"),
        words=re.compile(rf"{compared_change}|{net}|{done}"),
        verb=re.compile(rf"{net}|{done}|{verbs}"),
        decrease=compile_pattern(where, "change.decrease", raw["decrease"]),
        point_units=frozenset(word_list(where, "change.point_units", raw["point_units"])),
        rate_units=frozenset(word_list(where, "change.rate_units", raw["rate_units"])),
    )
