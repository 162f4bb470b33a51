"""Indicator matching: the shared indicator concept (ontology/indicators.ttl) a metric measures.

A metric's indicator as written (学前三年毛入园率, 新建幼儿园, 投入资金) is compared, normalised,
with the labels of the indicators whose quantity kind takes the metric's base unit, so 新增学位 in
个 is the places indicator while 幼儿园 in 所 is a school count. Chinese puts the head noun last, so
the label ending nearest the number wins (幼儿园学位: places), and of those the longest (新建幼儿园
over 幼儿园); when the indicator text names none, the quote is read the same way. No label, no
concept: the indicator stays text only. A build verb before a school's head noun (新改扩建初中,
开办幼儿园), or anywhere in the metric's clause (369所幼儿园投入使用), makes the count one of schools
built or opened. A label never starts inside a compound word (小学 in 中小学, 中小学 in 其中小学),
and a bare qualifier (幼儿园173所(81所民办): 民办) is read with the head noun of its quote (民办幼儿园).
A list item naming a kind of school right after a total of schools built or places added breaks
that total down (新建学校90所，其中幼儿园33所; 增加学位5000个，其中幼儿园420个): it counts the same thing;
places right after a level's figure are that level's (学前教育阶段项目6个，新增学位2880个). A kind of
school's projects in 个 count projects (普通高中项目1个). A rate right after a verb of change is the
growth rate (分别提升18.3%); a figure written as a change against an earlier figure (Metric.change:
比上年减少47所, 提高1.5个百分点) is read without the change's words, as the quantity that changed; a figure
after a comparison with no earlier figure (高出要求51万元) is a difference and measures no indicator. A unit only one indicator can measure names it (倍, 班). Given the report's
text, a figure naming nothing is read by what its paragraph names before it: an aid programme (in
its sentence or heading; it also replaces a stock count of students), the rate a list of bracketed
figures follows, the words before a colon (:meth:`IndicatorMatcher.programme`, ``named_by_lead``).
The verbs, compounds, qualifiers, breakdowns and these words are data: kg/data/indicators.toml.

Each way of reading a figure is a small mapping step registered under a stable name
(:func:`mapping_step`) in one of three stages (its own words, its paragraph, its list); [steps] of
kg/data/indicators.toml orders them, checked against the registry at load. :func:`trace_indicators`
says which step decided each figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from kg.core.chars import REDACTION_GLYPHS
from kg.core.datafiles import compile_pattern, positive_int, rule_file, text, word_list
from kg.core.errors import DataFileError, InternalError
from kg.core.patterns import LongestWords
from kg.core.records import Metric, evolve
from kg.extract.metric_rules import metric_rules
from kg.extract.metrics import ARABIC, CHINESE
from kg.terms.indicators import IndicatorScheme, default_path, load_indicators
from kg.terms.taxonomy import normalize

_BRACKETED = re.compile(r"[(（][^)）]*(?:[)）]|$)")
_CLOSED_BRACKET = re.compile(r"[(（][^)）]*[)）]")  # not one the figure stands in (…(不含…的二个项目)
_OPEN_BRACKET = re.compile(r"[(（]([^()（）]*)$")  # the words of a bracket the figure stands in


@lru_cache(maxsize=256)
def _head_then_number(label: str) -> re.Pattern:
    """A list item's head noun written right before its number (幼儿园33所), as a list writes it."""
    return re.compile(rf"{re.escape(label)}(?:\d|{CHINESE})")


@lru_cache(maxsize=256)
def _after(label: str) -> re.Pattern:
    """The number written right after a label (在园幼儿29098个: 29098)."""
    return re.compile(rf"{re.escape(label)}({ARABIC})")


def _arabic(written: str) -> Decimal:
    """An ARABIC number as written (1,122 or 1 122) as a value."""
    return Decimal(written.replace(",", "").replace(" ", ""))


_LIST_LEAD = re.compile(r"^[()（）]*(?:其中)?")  # 其中 opens a list item; it says nothing of what is counted
_PARAGRAPH_END = set("。！？!?：:\n")  # a line ending so ends its paragraph (and "": the text's start)
_SENTENCE_CUT = re.compile(r"[。！？!?；;]")  # where a sentence ends, in a figure's paragraph
_FULL_STOP = re.compile(r"[。！？!?]")  # ... and where it ends past its clauses (；)
# a paragraph's heading: its list number and words up to a colon (1、义务教育阶段免除学杂费:任务数…)
_LEAD = re.compile(r"^(.{2,40}?)[:：]")  # a sentence's words before a colon: what the list after it counts
_HEADING = re.compile(r"^\s*(?:[(（]?[0-9一二三四五六七八九十]+[、.．)）]\s*)?([^，,。；;:：]{2,30})[:：]")


_AFTER_NUMBER = re.compile(r"[^\d]*$")  # the text after the last digit
_OTHER_FIGURE = re.compile(r"\d[^\d、，,；;。]*[、，,；;。]")  # a figure's end, up to the separator after it
_ITEM_END = re.compile(r"[、，,；;。]")  # where a list item ends
_NEXT_ITEM = re.compile(r"[^\d、，,；;。]+\d")  # ... when the next names its thing before its own figure


_SCHOOL_KIND = "kind-schools"  # the quantity kind of school counts (ontology/indicators.ttl)


def _item_words(metric: Metric) -> str:
    """A list item's own words: its indicator text without the 其中 opening it or a bracket's mark."""
    return _BRACKETED.sub("", _LIST_LEAD.sub("", normalize(metric.indicator)))


_REDACTED_FIGURE = re.compile(rf"[{re.escape(REDACTION_GLYPHS)}]+\s*")


def _figure(metric: Metric, text: str, start: int = 0) -> tuple[int, int] | None:
    """Where ``text`` writes the metric's own figure (its value, spaces, its unit), from ``start``:
    (start, end). A string search: a pattern per value would refill the regex cache per metric."""
    if metric.value is None or not metric.unit:
        return None
    written = format(metric.value.normalize(), "f")
    at = text.find(written, start)
    while at >= 0:
        end = at + len(written)
        while end < len(text) and text[end].isspace():
            end += 1
        if text.startswith(metric.unit, end) and (at == 0 or not (text[at - 1].isdigit() or text[at - 1] == ".")):
            return at, end + len(metric.unit)
        at = text.find(written, at + 1)
    return None


def _written_figure(metric: Metric, text: str, start: int = 0) -> tuple[int, int] | None:
    """:func:`_figure`, or for a redacted metric its run of glyphs and its unit (XX名)."""
    if metric.value is not None or not metric.unit:
        return _figure(metric, text, start)
    m = _REDACTED_FIGURE.search(text, start)
    while m is not None and not text.startswith(metric.unit, m.end()):
        m = _REDACTED_FIGURE.search(text, m.end())
    return (m.start(), m.end() + len(metric.unit)) if m is not None else None


# --- the registry of mapping steps ----------------------------------------------------------------
# Each step reads one kind of wording and either decides (an indicator id, or NONE: no concept) or
# passes (None). It is registered under a stable name with its stage; [steps] of
# kg/data/indicators.toml orders them. Stages run in STAGES order over one figure.

STAGES = ("words", "paragraph", "list")
NONE = ""  # a step's decision that the figure measures no indicator (a difference, another head's count)


@dataclass(frozen=True)
class Step:
    """A registered mapping step. ``when``: "any", or only while the figure has no concept yet
    ("unmapped"), or only to refine one it has ("mapped")."""

    name: str
    stage: str
    when: str
    read: Callable[[IndicatorMatcher, Figure], str | None]


_REGISTRY: dict[str, Step] = {}


def mapping_step(name: str, stage: str, when: str = "any"):
    """Register the decorated ``read(matcher, figure)`` as the step ``name`` of ``stage``."""
    if stage not in STAGES or when not in ("any", "unmapped", "mapped"):
        raise InternalError(f"mapping step {name}: unknown stage {stage!r} or when {when!r}",
                            hint=f"stages {STAGES}; when any, unmapped or mapped")

    def register(read):
        if name in _REGISTRY:
            raise InternalError(f"mapping step {name} registered twice", hint="give each step its own name")
        _REGISTRY[name] = Step(name, stage, when, read)
        return read
    return register


def registered_steps() -> dict[str, Step]:
    """Every registered mapping step by name (a copy)."""
    return dict(_REGISTRY)


def check_steps(fname: str, table: object) -> dict[str, tuple[str, ...]]:
    """[steps]: stage -> step names; every registered step listed once, in its own stage."""
    if not isinstance(table, dict) or set(table) != set(STAGES):
        raise DataFileError(f"steps: needs a [steps] table listing the stages {', '.join(STAGES)}", path=fname,
                            hint="see the file's comments")
    order = {stage: word_list(fname, f"steps.{stage}", table[stage]) for stage in STAGES}
    listed = [n for stage in STAGES for n in order[stage]]
    unknown = sorted(set(listed) - set(_REGISTRY))
    missing = sorted(set(_REGISTRY) - set(listed))
    twice = sorted({n for n in listed if listed.count(n) > 1})
    misplaced = sorted(n for stage in STAGES for n in order[stage] if n in _REGISTRY and _REGISTRY[n].stage != stage)
    if unknown or missing or twice or misplaced:
        raise DataFileError(f"steps: unknown {unknown}, missing {missing}, listed twice {twice}, "
                            f"in another stage than registered {misplaced}", path=fname,
                            hint=f"list each of {sorted(_REGISTRY)} once, in its stage")
    return order


class Figure:
    """One metric being mapped and what its steps read around it, each read once, on first use;
    ``iid`` and ``step``: the concept decided so far and the step that decided it."""

    def __init__(self, matcher: IndicatorMatcher, metric: Metric, changes: bool = True, before: str = "",
                 out: list[Metric] | None = None, lead: Metric | None = None,
                 totals: Mapping[str | None, Metric] | None = None):
        if metric.change:
            # a change is read without its wording (小学图书比上年增加0.93万册: 小学图书), as the quantity
            # that changed; its verb is no build verb (幼儿园比上年增加12所: kindergartens, not ones added)
            strip = metric_rules().change.strip
            metric = evolve(metric, indicator=strip(metric.indicator), quote=strip(metric.quote))
        self.matcher, self.metric, self.changes, self.before = matcher, metric, changes, before
        self.out = out if out is not None else []
        self.lead, self.totals = lead, totals or {}
        self.iid: str | None = None
        self.step: str | None = None

    @property
    def unit(self) -> str | None:
        return self.metric.base_unit

    @cached_property
    def own(self) -> Metric:
        """The metric with only its own words (:meth:`IndicatorMatcher._own_words`)."""
        return self.matcher._own_words(self.metric)

    @cached_property
    def clause(self) -> str:
        """The quote without the brackets of other numbers: 幼儿园89所(新增25所) built none of the 89."""
        return _BRACKETED.sub("", self.metric.quote)

    @property
    def last(self) -> Metric:
        """The figure written before this one (the list stage runs only when there is one)."""
        return self.out[-1]

    @cached_property
    def prev(self) -> Metric:
        """The figure before, given what it would measure when it is written as a difference (公办园比
        2015年增加了3.1万所，达到10.8万所: the level continues the difference's indicator)."""
        prev = self.out[-1]
        if prev.indicator_concept is None and self.matcher.compared(prev):
            prev = evolve(prev, indicator_concept=self.matcher.match(prev, changes=False))
        return prev

    @property
    def total(self) -> Metric | None:
        """The list's last figure with a concept in this figure's unit."""
        return self.totals.get(self.unit)


@dataclass(frozen=True)
class Remap:
    """A build verb before a school count's head: the concept meant instead, by domain."""

    kind: str
    cues: tuple[str, ...]
    to: tuple[tuple[str, str], ...]  # (domain id or "*", indicator id)
    heads: tuple[str, ...] = ()  # the stock concepts it applies to (empty: every one of the kind)
    before: bool = False  # the cue counts only before the head, not elsewhere in the clause
    unless: tuple[str, ...] = ()  # words that, in the same place, undo the cue (中小学和幼儿园学位)

    def target(self, domain: str) -> str | None:
        table = dict(self.to)
        return table.get(domain, table.get("*"))


@dataclass(frozen=True)
class Breakdown:
    """A list item naming a kind of school, after a total of one of ``leads``: the concept it counts."""

    leads: tuple[str, ...]
    to: tuple[tuple[str, str], ...]  # (domain id of the item's school kind or "*", indicator id)

    def target(self, domain: str) -> str | None:
        table = dict(self.to)
        return table.get(domain, table.get("*"))


@dataclass(frozen=True)
class Follow:
    """A generic figure right after one of ``after`` counts the specific ``to`` (新建幼儿园40所，增加
    学位8000个: kindergarten places)."""

    after: tuple[str, ...]
    generic: str
    to: str
    bare: bool = False  # only a bare list item (建筑面积), not one that says what it counts (新增校舍面积)


def _domain_table(fname: str, where: str, to: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(to, dict) or not to:
        raise DataFileError(f"{where}.to: must map domains to indicator ids", path=fname)
    return tuple(sorted((text(fname, f"{where}.to", k), text(fname, f"{where}.to", v)) for k, v in to.items()))


def _entries(fname: str, name: str, entries: object) -> list[dict]:
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DataFileError(f"{name}: must be [[{name}]] entries", path=fname, hint="see the file's comments")
    return entries


def _flag(fname: str, where: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise DataFileError(f"{where}: must be true or false", path=fname)
    return value


def _generic(fname: str, table: object) -> dict[str, str]:
    """[generic]: generic indicator id -> the ids of its kinds, turned into kind -> generic."""
    if not isinstance(table, dict):
        raise DataFileError("generic: must map an indicator id to a list of ids", path=fname)
    out: dict[str, str] = {}
    for broad, kinds in sorted(table.items()):
        for k in word_list(fname, f"generic.{broad}", kinds):
            if out.setdefault(k, broad) != broad:
                raise DataFileError(f"generic: {k} is a kind of two indicators", path=fname)
    return out


def _domain_units(fname: str, table: object) -> dict[str, tuple[str, ...]]:
    """[domain_units]: domain id -> the indicators a figure of that domain in another unit counts."""
    if not isinstance(table, dict):
        raise DataFileError("domain_units: must map a domain id to a list of indicator ids", path=fname)
    return {d: word_list(fname, f"domain_units.{d}", ids) for d, ids in sorted(table.items())}


def _id_table(fname: str, name: str, table: object) -> dict[str, str]:
    """A table of words (a base unit, a stage, an indicator id) -> an indicator id."""
    if not isinstance(table, dict):
        raise DataFileError(f"{name}: must map words to an indicator id", path=fname)
    return {text(fname, name, k): text(fname, f"{name}.{k}", v) for k, v in sorted(table.items())}


@dataclass(frozen=True)
class IndicatorRules:
    """kg/data/indicators.toml: build-verb remaps, compound words labels may not start inside, and
    qualifiers read with the head noun of their quote."""

    remaps: tuple[Remap, ...]
    compounds: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    list_gap: int = 0  # characters between two metrics for the second to continue the first
    list_item_len: int = 0  # the longest indicator text that may continue the metric before it
    breakdowns: tuple[Breakdown, ...] = ()
    breakdown_prefix: int = 0  # the most characters before a breakdown item's kind of school (市县)
    people_unit: str = "人"  # the base unit of a count of people: a label it measures names people
    generic: dict[str, str] = field(default_factory=dict)  # indicator id -> the one it is a kind of
    follows: tuple[Follow, ...] = ()
    school_parts: str = ""  # written after a kind of school, it names part of a school (初中班, 小学部)
    change_before: re.Pattern | None = None  # a verb of change right before a rate: the change (提升18.3%)
    change: str = ""  # ... the indicator that change is (growth-rate)
    change_units: tuple[str, ...] = ()  # ... in these base units (metric_rules.toml [change] rate_units)
    compared_before: re.Pattern | None = None  # a comparison with no earlier figure (高出要求): no indicator's
    totals: tuple[str, ...] = ()  # a figure after these (共计) sums a list: it continues no item of it
    school_projects: tuple[str, ...] = ()  # written after a kind of school, these name its building projects
    projects: str = ""  # ... the indicator they count
    school_units: tuple[str, ...] = ()  # ... unless counted in these, which count the schools themselves
    ongoing: tuple[str, ...] = ()  # an item saying it is under way (正在) continues no figure before it
    domain_units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # domain -> its indicators by unit
    programme_replaces: tuple[str, ...] = ()  # stock counts a programme named before a figure replaces
    context_len: int = 0  # the most characters of a figure's paragraph read before it (0: none)
    completion_words: tuple[str, ...] = ()  # a bare rate of completion (完成率) right after a figure ...
    completion_rates: dict[str, str] = field(default_factory=dict)  # ... is the rate of its base unit's
    plan_share: re.Pattern | None = None  # ... and so is a share of the plan written before it (占全年指标的)
    stage_rates: dict[str, str] = field(default_factory=dict)  # ... or the rate of the stage the figure names
    share_of: re.Pattern | None = None  # a share written before a rate (占全市幼儿总数的) ...
    share_rates: dict[str, str] = field(default_factory=dict)  # ... in a list of a kind of school: its share
    verb_heads: tuple[str, ...] = ()  # a figure naming nothing in one of their units is read by its build verb
    steps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stage -> its step names, in order ([steps])


def parse_indicator_rules(data: dict, fname: str) -> IndicatorRules:
    """Check kg/data/indicators.toml (see its comments)."""
    entries = data.get("remap")
    if not isinstance(entries, list) or not entries:
        raise DataFileError("remap: needs [[remap]] entries", path=fname, hint="see the file's comments")
    out = []
    for i, e in enumerate(entries):
        where = f"remap[{i}]"
        to = _domain_table(fname, where, e.get("to") if isinstance(e, dict) else None)
        out.append(Remap(text(fname, f"{where}.kind", e.get("kind")),
                         tuple(sorted(word_list(fname, f"{where}.cues", e.get("cues")), key=len, reverse=True)),
                         to,
                         tuple(word_list(fname, f"{where}.heads", e["heads"])) if "heads" in e else (),
                         _flag(fname, f"{where}.before", e.get("before", False)),
                         tuple(word_list(fname, f"{where}.unless", e["unless"])) if "unless" in e else ()))
    words = data.get("words")
    if not isinstance(words, dict):
        raise DataFileError("words: needs a [words] table with compounds and qualifiers", path=fname,
                            hint="see the file's comments")
    breakdowns = _entries(fname, "breakdown", data.get("breakdown", []))
    return IndicatorRules(tuple(out), tuple(word_list(fname, "words.compounds", words.get("compounds"))),
                          tuple(word_list(fname, "words.qualifiers", words.get("qualifiers"))),
                          positive_int(fname, "words.list_gap", words.get("list_gap")),
                          positive_int(fname, "words.list_item_len", words.get("list_item_len")),
                          tuple(Breakdown(word_list(fname, f"breakdown[{i}].leads", e.get("leads")),
                                          _domain_table(fname, f"breakdown[{i}]", e.get("to")))
                                for i, e in enumerate(breakdowns)),
                          positive_int(fname, "words.breakdown_prefix", words.get("breakdown_prefix")),
                          text(fname, "words.people_unit", words.get("people_unit")),
                          _generic(fname, data.get("generic", {})),
                          tuple(Follow(word_list(fname, f"follow[{i}].after", e.get("after")),
                                       text(fname, f"follow[{i}].from", e.get("from")),
                                       text(fname, f"follow[{i}].to", e.get("to")),
                                       _flag(fname, f"follow[{i}].bare", e.get("bare", False)))
                                for i, e in enumerate(_entries(fname, "follow", data.get("follow", [])))),
                          "".join(word_list(fname, "words.school_parts", words.get("school_parts"))),
                          compile_pattern(fname, "words.change_before", words.get("change_before")),
                          text(fname, "words.change", words.get("change")),
                          tuple(sorted(metric_rules().change.rate_units)),  # metric_rules.toml [change]
                          compile_pattern(fname, "words.compared_before", words.get("compared_before")),
                          word_list(fname, "words.totals", words.get("totals")),
                          word_list(fname, "words.school_projects", words.get("school_projects")),
                          text(fname, "words.projects", words.get("projects")),
                          word_list(fname, "words.school_units", words.get("school_units")),
                          word_list(fname, "words.ongoing", words.get("ongoing")),
                          _domain_units(fname, data.get("domain_units", {})),
                          word_list(fname, "words.programme_replaces", words.get("programme_replaces")),
                          positive_int(fname, "words.context_len", words.get("context_len")),
                          word_list(fname, "words.completion_words", words.get("completion_words")),
                          _id_table(fname, "completion_rates", data.get("completion_rates", {})),
                          compile_pattern(fname, "words.plan_share", words.get("plan_share")),
                          _id_table(fname, "stage_rates", data.get("stage_rates", {})),
                          compile_pattern(fname, "words.share_of", words.get("share_of")),
                          _id_table(fname, "share_rates", data.get("share_rates", {})),
                          word_list(fname, "words.verb_heads", words.get("verb_heads")),
                          check_steps(fname, data.get("steps")))


@lru_cache(maxsize=1)
def indicator_rules() -> IndicatorRules:
    return parse_indicator_rules(*rule_file("indicators.toml"))


class IndicatorMatcher:
    """One scan over the labels of every indicator; per base unit, the labels that unit can measure."""

    def __init__(self, scheme: IndicatorScheme, remaps: tuple[Remap, ...] | None = None,
                 compounds: tuple[str, ...] | None = None, qualifiers: tuple[str, ...] | None = None,
                 breakdowns: tuple[Breakdown, ...] | None = None, generic: dict[str, str] | None = None,
                 follows: tuple[Follow, ...] | None = None, words: IndicatorRules | None = None,
                 steps: Mapping[str, tuple[str, ...]] | None = None):
        """Each rule group is kg/data/indicators.toml's unless given; ``words``: the rules of changes,
        totals and school projects (IndicatorRules(()) for none); ``steps``: the order of the mapping
        steps by stage (as [steps] writes it)."""
        owner = scheme.labels()
        units = {u for k in scheme.kinds.values() for u in k.units}
        self._scheme = scheme
        self._owner = owner
        # one pattern over every label; a unit's labels at a position are the ones it allows among
        # the labels written there (all prefixes of the longest): one compile, not one per unit
        self._by_unit = {u: frozenset(lab for lab, iid in owner.items() if scheme.allows(iid, u))
                         for u in sorted(units)}
        self._every = LongestWords(owner)
        self._nested = {lab: tuple(lab[:n] for n in range(len(lab), 0, -1) if lab[:n] in owner) for lab in owner}
        self._scans: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {}
        # a unit only one indicator can measure names it (倍: a multiple; 班: classes)
        self._only = {u: only[0] for u in units
                      if len(only := [i for i in sorted(scheme.indicators) if scheme.allows(i, u)]) == 1}
        rules = indicator_rules()
        self._remaps = rules.remaps if remaps is None else remaps
        self._compounds = LongestWords(rules.compounds if compounds is None else compounds)
        self._qualifiers = rules.qualifiers if qualifiers is None else qualifiers
        self._list_gap, self._list_item_len = rules.list_gap, rules.list_item_len
        self._breakdowns = rules.breakdowns if breakdowns is None else breakdowns
        self._breakdown_prefix = rules.breakdown_prefix
        self._people = rules.people_unit
        self._rules = rules if words is None else words
        order = rules.steps if steps is None else check_steps("steps", {k: list(v) for k, v in steps.items()})
        self._order = {stage: tuple(_REGISTRY[n] for n in names) for stage, names in order.items()}
        self._school_part = re.compile(rf"[{re.escape(rules.school_parts)}]+$") if rules.school_parts else None
        # the kinds of school a breakdown's item may name: the stock heads the school remaps replace
        self._school_heads = frozenset(h for r in self._remaps if r.kind == _SCHOOL_KIND for h in r.heads)
        self._built = frozenset(iid for r in self._remaps for _, iid in r.to)  # what a build verb makes of a count
        for r in self._remaps:
            unknown = sorted(({iid for _, iid in r.to} | set(r.heads)) - set(scheme.indicators))
            if r.kind not in scheme.kinds or unknown:
                raise DataFileError(f"a remap names what the indicator scheme lacks: {r.kind} {unknown}",
                                    path="indicators.toml", hint="use ids of ontology/indicators.ttl")
        generic = rules.generic if generic is None else generic
        self._generic = generic
        self._follows = rules.follows if follows is None else follows
        # a level's kind of a figure -> the generic figure (primary-teachers -> full-time-teachers), by
        # the follows after a kind of school
        self._follow_generic = {f.to: f.generic for f in self._follows if set(f.after) & self._school_heads}
        # the domains of schooling levels: those of the kinds of school a follow starts from
        self._level_domains = frozenset(scheme.indicators[a].domain for f in self._follows for a in f.after
                                        if a in self._school_heads)
        unknown = sorted((set(generic) | set(generic.values())
                          | {i for f in self._follows for i in (*f.after, f.generic, f.to)}) - set(scheme.indicators))
        if unknown:  # read by kg.pipeline.targets; checked here, where the scheme is at hand
            raise DataFileError(f"[generic] or [[follow]] names what the indicator scheme lacks: {unknown}",
                                path="indicators.toml", hint="use ids of ontology/indicators.ttl")
        for b in self._breakdowns:
            unknown = sorted(({iid for _, iid in b.to} | set(b.leads)) - set(scheme.indicators))
            if unknown:
                raise DataFileError(f"a breakdown names what the indicator scheme lacks: {unknown}",
                                    path="indicators.toml", hint="use ids of ontology/indicators.ttl")
        unknown = sorted(i for i in (self._rules.change, self._rules.projects, *self._rules.domain_units,
                                     *self._rules.programme_replaces, *self._rules.completion_rates.values(),
                                     *self._rules.stage_rates.values(), *self._rules.share_rates,
                                     *self._rules.share_rates.values(), *self._rules.verb_heads,
                                     *(x for ids in self._rules.domain_units.values() for x in ids))
                         if i and i not in scheme.indicators and i not in scheme.domains)
        if unknown:
            raise DataFileError(f"words.change, words.projects, words.programme_replaces, words.verb_heads, "
                                f"[domain_units], [completion_rates], [stage_rates] or [share_rates] names what "
                                f"the indicator scheme lacks: {unknown}",
                                path="indicators.toml", hint="use ids of ontology/indicators.ttl")

    def _label(self, form: str, base_unit: str | None) -> tuple[str, int] | None:
        """The label ending nearest the end of ``form`` (the longest of those) and its start, among
        those ``base_unit`` can measure (None: every label); never one that starts inside a compound
        word (compounds read leftmost first: 其中小学 is 其中 + 小学)."""
        allowed = None if base_unit is None else self._by_unit[base_unit]
        best: tuple[int, int, str] | None = None
        for start, labels in self._scan(form):
            label = labels[0] if allowed is None else next((lab for lab in labels if lab in allowed), None)
            if label is None:
                continue
            key = (start + len(label), len(label), label)
            if best is None or key > best:
                best = key
        return None if best is None else (best[2], best[0] - best[1])

    _SCANS_MAX = 4096  # forms remembered: a metric's few forms are read for several units

    def _scan(self, form: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """Each position of ``form`` where a label starts outside a compound word, with the labels
        written there, longest first (学位 at a compound's own start still counts)."""
        got = self._scans.get(form)
        if got is None:
            inside: set[int] = set()
            end = 0
            for start, compound in self._compounds.finditer(form):
                if start >= end:
                    end = start + len(compound)
                    inside.update(range(start + 1, end))
            got = tuple((start, self._nested[label]) for start, label in self._every.finditer(form)
                        if start not in inside)  # 中小学学位: not 小学学位
            if len(self._scans) >= self._SCANS_MAX:
                self._scans.clear()  # bounded: memory does not grow with the corpus
            self._scans[form] = got
        return got

    def _foreign_head(self, metric: Metric, written: str) -> bool:
        """Whether the head of ``written`` (the label ending last) names people, whom the metric's
        unit cannot measure, right before its number: 在园幼儿29098个 counts children, not schools
        in 个, so no label before it may answer (a kind of school is no head of that sort: 小学1200人
        are its pupils). (An indicator text may run past the number:
        30所幼儿园增加学位4505个 gives the 30 the text 幼儿园增加学位, and 学位 is the 4505's head.)"""
        base_unit = metric.base_unit or ""
        form = normalize(written)
        head = self._label(form, None)
        if head is None or self._scheme.allows(self._owner[head[0]], base_unit) \
                or not self._scheme.allows(self._owner[head[0]], self._people) \
                or not any(_arabic(n) == metric.value for n in _after(head[0]).findall(normalize(metric.quote))):
            return False
        fits = self._label(form, base_unit)
        return fits is None or fits[1] + len(fits[0]) < head[1] + len(head[0])

    def _best(self, written: str, base_unit: str, *context: str, lead: str = "") -> str | None:
        """The concept of the best label in ``written``; build verbs are looked for before that
        label (``lead``: the words written before ``written`` itself), then in each of
        ``context`` (the indicator text, the clause)."""
        form = normalize(written)
        # a bracket says what the words before it include (学校(幼儿园)555所: schools, kindergartens among
        # them): it never names the head the words outside it write (学校, which no label names alone)
        unbracketed = _CLOSED_BRACKET.sub("", form)
        if unbracketed != form and unbracketed:
            form = unbracketed
        found = self._label(form, base_unit)
        if found is None:
            return None
        label, start = found
        iid = self._of_level(self._owner[label], form[:start], base_unit)
        # a few words ending the text after the label qualify it as those before it do (新增公办学位学前教育)
        tail = form[start + len(label):]
        own = lead + form[:start] + (tail if len(tail) <= self._list_item_len else "")
        return self._remapped(iid, (own, *map(normalize, context)), base_unit)

    def _of_level(self, iid: str, before: str, base_unit: str) -> str:
        """A generic figure whose own words name a level's schools before it counts that level's, as
        it would in the list those schools open (see [[follow]]): 职业中等专业学校在校生 are vocational
        students, 普通高中就读学生数 senior students."""
        kinds = {a: f.to for f in self._follows if f.generic == iid and self._scheme.allows(f.to, base_unit)
                 for a in f.after}
        if not kinds:
            return iid
        # every school named there must be that one level's (新增中小学、公办园学位: places of all levels)
        levels = {kinds.get(self._owner[label]) for _, label in self._every.finditer(before)}
        return levels.pop() if len(levels) == 1 and None not in levels else iid

    def paragraph_level(self, iid: str, before: str, base_unit: str | None) -> str | None:
        """The kind a [[follow]] gives the generic ``iid`` after the one level's schools ``before``
        names (other labels aside), or None when it names none or several."""
        kinds = {a: f.to for f in self._follows if f.generic == iid and self._scheme.allows(f.to, base_unit)
                 for a in f.after}
        if not kinds:
            return None
        levels = {kinds.get(self._owner[label]) for _, label in self._every.finditer(before)
                  if self._owner[label] in self._school_heads}
        return levels.pop() if len(levels) == 1 and None not in levels else None

    @staticmethod
    def _lead(metric: Metric) -> str:
        """The quote's words before its indicator text, back to the last number: an indicator cut
        to its maximum length (拟交付使用的改建… → 付使用的改建…) keeps its verbs there."""
        quote, ind = normalize(metric.quote), normalize(metric.indicator)
        at = quote.find(ind) if ind else -1
        if at < 0 and len(ind) > 2:  # the indicator runs around its number (完成扩增6800个学位): its start
            at = next((quote.find(ind[:k]) for k in range(len(ind) - 1, 1, -1) if ind[:k] in quote), -1)
        return _AFTER_NUMBER.search(quote, 0, at).group(0) if at > 0 else ""

    def _uncut(self, metric: Metric, base_unit: str) -> str:
        """The indicator text, or, when its start was cut inside a longer label its quote writes
        (育巩固率 of 九年义务教育巩固率), the quote up to the indicator's end: the longest label wins."""
        quote, ind = normalize(metric.quote), normalize(metric.indicator)
        at = quote.find(ind) if ind else -1
        own = self._label(ind, base_unit) if at > 0 else None
        if own is None:
            return metric.indicator
        end = at + own[1] + len(own[0])
        longer = self._label(quote[:end], base_unit)
        if longer is None or longer[1] >= at or longer[1] + len(longer[0]) != end:
            return metric.indicator
        return quote[:at + len(ind)]

    def _remapped(self, iid: str, places: tuple[str, ...], base_unit: str) -> str:
        """The first place with a build verb decides (in it, the first remap entry wins); the first
        place is the text before the head."""
        ind = self._scheme.indicators[iid]
        for i, where in enumerate(places):
            for r in self._remaps:
                if (not r.before or i == 0) and ind.kind == r.kind and (not r.heads or iid in r.heads) and any(c in where for c in r.cues) \
                        and not any(u in where for u in r.unless):
                    target = r.target(ind.domain)
                    if target and self._scheme.allows(target, base_unit):
                        return target
        return iid

    @staticmethod
    def _before_figure(metric: Metric) -> str:
        """The quote's words before the metric's own figure, the first written after its indicator
        text (51万元(高出要求51万元): the second); "" when it is not found."""
        quote, ind = normalize(metric.quote), normalize(metric.indicator)
        at = quote.find(ind) if ind else -1
        found = _figure(metric, quote, max(at, 0)) or _figure(metric, quote)
        return quote[:found[0]] if found is not None else ""

    def _next_head(self, metric: Metric, ind: str) -> str:
        """The label an indicator text ends with when the quote writes it right after the figure and
        right before another number (中小学校16所幼儿园62所: 幼儿园 is the 62's), or ""."""
        quote = normalize(metric.quote)
        at = _figure(metric, quote)
        if at is None:
            return ""
        there = self._every.at(quote, at[1]) or ""  # the longest label written right after the figure
        head = there if ind.endswith(there) and len(there) < len(ind) else ""
        return head if head and re.match(r"\s*\d", quote[at[1] + len(head):]) else ""

    def _own_words(self, metric: Metric) -> Metric:
        """The metric with only its own words: an indicator text whose start is what the quote writes
        before the figure, back over a list separator (10所书香校园、10个优秀阅读项目: 香校园、优秀阅读项目),
        starts with the words of the figure before it: they are left out."""
        before = self._before_figure(metric)
        sep = before[-1:] if before else ""
        ind = normalize(metric.indicator)
        nxt = self._next_head(metric, ind)
        if nxt:
            return evolve(metric, indicator=ind[:-len(nxt)])
        if not sep or sep not in "、，,；;" or sep not in ind:
            return metric
        head, rest = ind.split(sep, 1)
        return evolve(metric, indicator=rest) if head and rest and before[:-1].endswith(head) else metric

    def compared(self, metric: Metric) -> bool:
        """Whether the figure is written as a difference (比上年增加了3.1万所)."""
        return self._changed(metric) == ""

    def _changed(self, metric: Metric) -> str | None:
        """What a figure written as a change decides here: a rate right after a verb of change
        (本科上线率分别提升18.3%、16.2%) or a comparison (在校生比上年增长3.2%) is the growth rate; a
        figure right after a comparison with something else than an earlier figure (高出要求51万元) is a
        difference measuring no indicator ("": none). A change against an earlier figure of anything
        but a rate (Metric.change: 比上年增加0.93万册, 提高1.5个百分点) measures the quantity that
        changed: the next steps read it (None), as they do a figure that is no change."""
        r, before = self._rules, self._before_figure(metric)
        if metric.change or not before:
            return None
        rate = metric.base_unit in r.change_units
        if not rate and r.change and self._scheme.allows(r.change, metric.base_unit):
            return None  # a rate's points (高出2个百分点) stay the rate's
        if rate and ((r.change_before is not None and r.change_before.search(before))
                     or metric_rules().change.before.search(before)):
            return r.change
        if r.compared_before is not None and r.compared_before.search(before):
            return ""
        return None

    def match(self, metric: Metric, changes: bool = True) -> str | None:
        """The indicator id ``metric`` measures by its own words, or None; ``changes=False``: what it
        would measure were it not written as a change (a difference's indicator, continued by a level
        after it: 公办园比2015年增加了3.1万所，达到10.8万所)."""
        fig = Figure(self, metric, changes=changes)
        self.run("words", fig)
        return fig.iid

    def run(self, stage: str, fig: Figure) -> None:
        """Try ``stage``'s steps on ``fig`` in [steps] order, each when its ``when`` holds, until one
        decides. The words of a figure whose base unit no indicator takes are not read: it gets none
        from them (the words steps index the labels by unit)."""
        if stage == "words" and fig.unit not in self._by_unit:
            return
        for step in self._order[stage]:
            if (step.when == "unmapped" and fig.iid is not None) or (step.when == "mapped" and fig.iid is None):
                continue
            found = step.read(self, fig)
            if found is not None:
                fig.iid, fig.step = found or None, step.name
                return

    def _built_unnamed(self, metric: Metric, unit: str) -> str | None:
        """A figure naming nothing known, in the unit of one of ``verb_heads``, whose own words hold a
        build verb, counts what that verb makes of it (新建食堂宿舍综合楼800平方米: new floor area;
        维修围墙2000平方米: renovated area); with no verb, none."""
        own = (self._lead(metric) + normalize(_BRACKETED.sub("", metric.indicator)),)
        for head in self._rules.verb_heads:
            if self._scheme.allows(head, unit):
                found = self._remapped(head, own, unit)
                if found != head:
                    return found
        return None

    def _of_domain(self, metric: Metric, unit: str) -> str | None:
        """A figure whose words name an indicator that cannot take its unit counts that indicator's
        domain's indicator of its unit, for the domains [domain_units] lists: 建档立卡学生26人3.9万元 is
        aid money, 学生免学杂费9196名 aided students."""
        head = self._label(normalize(_BRACKETED.sub("", metric.indicator)), None)
        if head is None or self._scheme.allows(self._owner[head[0]], unit):
            return None
        domain = self._scheme.indicators[self._owner[head[0]]].domain
        return next((i for i in self._rules.domain_units.get(domain, ()) if self._scheme.allows(i, unit)), None)

    def programme(self, metric: Metric, before: str, iid: str | None) -> str | None:
        """A figure naming nothing known, or only a stock count of ``programme_replaces`` (初中生951人),
        under a programme of a [domain_units] domain (免除学杂费, 寄宿生生活补助, 资助) counts that
        programme's indicator of its unit: the programme's own (免学杂费…其中初中238万元: fees waived)
        or its domain's (免学杂费:任务数19800人: aided students). ``before``: the paragraph's words
        before the figure; the programme is the last such label in the figure's sentence or, for a
        figure naming nothing, in its paragraph's heading (免除学杂费:任务数…; the paragraph's other
        sentences may speak of other things)."""
        r, unit = self._rules, metric.base_unit
        if not r.domain_units or unit not in self._by_unit or (iid is not None and iid not in r.programme_replaces):
            return iid
        sentence = _SENTENCE_CUT.split(before)[-1]
        head = _HEADING.match(before)
        found = self._programme_in(sentence, unit)
        if found is None and iid is None and head is not None:
            found = self._programme_in(head.group(1), unit)
        return found or iid

    def _programme_in(self, words: str, unit: str) -> str | None:
        """The indicator of ``unit`` the last programme label in ``words`` counts, or None."""
        last: tuple[int, str] | None = None
        covered = 0  # a label inside a longer one is no programme of its own (生活补助 of 乡村教师生活补助)
        for start, labels in self._scan(words):
            if start < covered:
                continue
            covered = start + len(labels[0])
            iid = self._owner[labels[0]]
            if self._scheme.indicators[iid].domain in self._rules.domain_units \
                    and (last is None or start + len(labels[0]) >= last[0]):
                last = (start + len(labels[0]), iid)
        if last is None:
            return None
        if self._scheme.allows(last[1], unit):
            return last[1]
        ids = self._rules.domain_units[self._scheme.indicators[last[1]].domain]
        return next((i for i in ids if self._scheme.allows(i, unit)), None)

    def named_by_lead(self, metric: Metric, before: str) -> str | None:
        """What a figure naming nothing known counts, by the words that lead its list: a rate written in
        brackets after a few words of its own (古田县(104.9%)、蕉城区(103.5%)) is the rate its sentence
        names before the list (按各县开工率排序,依次是…); any other figure, what the words before a
        colon name, in its sentence (生均公用经费基准定额为:普通小学每生每年600元) or else as its
        paragraph's heading (新建普通小学(所):任务数1所), read with their build verbs."""
        unit = metric.base_unit
        if unit not in self._by_unit:
            return None
        sentence = _SENTENCE_CUT.split(before)[-1]
        own = _item_words(metric)
        if unit in self._rules.change_units and len(own) <= self._list_item_len \
                and re.search(r"[(（]\s*$", self._before_figure(metric)):
            found = self._label(sentence, unit)
            return self._owner[found[0]] if found is not None else None
        for lead, after in ((_LEAD.match(sentence), True), (_HEADING.match(before), False)):
            # in its sentence, the list's own words after the colon may say its stage (其中:当年新增校舍
            # 小学…、幼儿园…); a heading's paragraph runs on too far to say one
            found = None if lead is None else \
                self._best(lead.group(1), unit, *((sentence[lead.end():],) if after else ()))
            if found is not None:
                return found
        return None

    def _head_after_figure(self, metric: Metric, unit: str, clause: str) -> str | None:
        """When the indicator names nothing known: a label written right after the figure names what
        it counts (将建设43所普惠性幼儿园列入十大民生实事: kindergartens, not 民生实事), read with the
        words before it for build verbs. Not for people: their count is named by what they do
        (选派12名骨干教师赴x县支教: teachers on 支教, whoever they are)."""
        if metric.value is None or not metric.unit or unit == self._people:
            return None
        form = normalize(metric.quote)
        at = _figure(metric, form)
        if at is None:
            return None
        allowed, head, end = self._by_unit[unit], None, at[1]
        while True:  # labels written one after the other name one thing, the last its head (中小学综合实践基地)
            there = self._every.at(form, end)
            label = next((lab for lab in self._nested[there] if lab in allowed), None) if there else None
            if label is None:
                break
            head, end = label, end + len(label)
        if head is None:
            return None
        return self._remapped(self._owner[head], (form[:at[1]], *map(normalize, (metric.indicator, clause))), unit)

    def _names_a_school(self, metric: Metric) -> bool:
        """Whether the indicator text names a kind of school (中小学 of 新增中小学学位)."""
        form = normalize(metric.indicator)
        return any(self._owner[label] in self._school_heads for _, label in self._every.finditer(form))

    def _part_of_a_school(self, metric: Metric, unit: str) -> bool:
        """Whether the indicator ends with a kind of school and a word naming part of one (附设初中班,
        一贯制小学部): classes or a section, no school."""
        form = normalize(_BRACKETED.sub("", metric.indicator))
        head = self._label(form, unit)
        return (self._school_part is not None and head is not None and self._owner[head[0]] in self._school_heads
                and self._school_part.fullmatch(form, head[1] + len(head[0])) is not None)

    def _school_projects(self, metric: Metric, unit: str) -> str | None:
        """A kind of school followed only by a word naming its building projects (幼儿园项目39个,
        普通高中项目1个) counts projects, read with the build verbs before it (建成: finished);
        counted in a school's own unit (126所…幼儿园项目) it counts the schools."""
        r = self._rules
        if not r.projects or unit in r.school_units or not self._scheme.allows(r.projects, unit):
            return None
        form = normalize(_BRACKETED.sub("", metric.indicator))
        word = next((w for w in r.school_projects if form.endswith(w)), None)
        head = self._label(form[:-len(word)], unit) if word else None
        if head is None or head[1] + len(head[0]) != len(form) - len(word) \
                or self._owner[head[0]] not in self._school_heads:
            return None
        return self._remapped(r.projects, (self._lead(metric) + form[:head[1]],), unit)

    @staticmethod
    def _own_clause(metric: Metric) -> str:
        """The quote from where the metric's own list item starts: after the last figure written before
        its indicator text (、中职学校66所、普通高校6所: 普通高校6所), whose words are that figure's;
        and up to the separator after its own figure (学前教育13万个、义务教育80万个、普通高中13万个:
        普通高中 is the next item's)."""
        quote, ind = metric.quote, metric.indicator
        at = quote.find(ind) if ind else -1
        if at < 0:  # an indicator running around its figure: its item starts before the figure
            own = _figure(metric, quote)
            at = own[0] if own is not None else -1
        cut = [m.end() for m in _OTHER_FIGURE.finditer(quote, 0, at)] if at > 0 else []
        start = cut[-1] if cut else 0
        own = _figure(metric, quote, start)
        end = _ITEM_END.search(quote, own[1]) if own is not None else None
        stop = len(quote) if end is None or not _NEXT_ITEM.match(quote, end.end()) else end.start()
        # (22所省一级、6所国家示范性普通高中: without a next item, the head after them is theirs too)
        own = own or _written_figure(metric, quote, start)
        if own is None or not start <= own[0] < own[1] <= stop:
            return quote[start:stop]
        # no word runs across the figure: 惠及XX名师生 names no 名师
        return quote[start:own[0]] + "，" + quote[own[1]:stop]


    def _same_quantity(self, prev: Metric, metric: Metric) -> bool:
        """Whether ``metric`` counts in ``prev``'s unit, or is a change in points of the rate ``prev``
        gives (毛入园率达到92%，比上年提高2.5个百分点: its concept takes points too)."""
        if prev.base_unit == metric.base_unit:
            return True
        return bool(metric.change and prev.indicator_concept
                    and metric.base_unit in metric_rules().change.point_units
                    and self._scheme.allows(prev.indicator_concept, metric.base_unit))

    def continued(self, prev: Metric, metric: Metric, far: bool = False) -> str | None:
        """A metric that names nothing the scheme knows, written right after one in the same unit
        that does, continues it (幼儿园36所，其中新建9所、改扩建27所; 新建学校30所，其中海港区5所):
        the previous concept, with this metric's own build verb. Only a short item does (a verb, a
        place, a level); a longer one says what it counts, and a qualifier (民办) changes it.
        ``far``: ``prev`` is the total in that unit of the list running on, past figures in other
        units; then only a share, written after 其中 in its sentence, continues it (新建学校16所，总建筑
        面积8.4万平方米，总投资2.46亿元。其中，桃城区3所)."""
        gap = metric.span[0] - prev.span[1]
        if far and not metric.part:  # only a share (Metric.part) reaches back to its total
            return None
        before = self._before_figure(metric)
        if self._changed(metric) is not None or any(w in before for w in self._rules.totals) \
                or any(w in metric.indicator for w in self._rules.ongoing):
            return None  # 共计拨付875万元 sums the list; 高出要求51万元 compares; 8所正在装修 says its own stage
        # an item opening a bracket (…(全市仅3个区县)) is read without the bracket's mark
        own = _item_words(metric)
        # a qualifier opens the item's words (民办3所), not a place's name (桃城区3所)
        if (len(own) > self._list_item_len or any(own.startswith(q) for q in self._qualifiers)
                or prev.indicator_concept is None or not self._same_quantity(prev, metric)
                or metric.base_unit not in self._by_unit or metric.span[0] < prev.span[0]
                or (gap > self._list_gap and not far)  # the same clause (gap < 0) or the next one
                or self._foreign_head(metric, own)):  # 在园幼儿 names what it counts
            return None
        # an item naming another level of the generic thing counts that level's (学前教育13万个、义务教育80万个)
        base = self._generic.get(prev.indicator_concept, prev.indicator_concept)
        level = self._remapped(base, (own,), metric.base_unit) if base in self._generic.values() else base
        if level != base and self._generic.get(level) == base:
            return level
        # an item naming a kind of school (初中2696人 after 专任教师…人) counts that school's kind of the
        # generic figure before it, as a [[follow]] reads it after that school (专任教师…人，其中幼儿园…人、
        # 小学…人: each level's teachers); after a figure of another level (小学8000人 after 在园幼儿…人)
        # it counts none; any other figure it shares (图书…册，其中小学…册)
        named = self._label(own, None)
        school = self._owner[named[0]] if named is not None else None
        generic = self._generic_before(prev)
        if school in self._school_heads:
            kind = self._level_kind(generic, school, metric.base_unit)
            domain = self._scheme.indicators[prev.indicator_concept].domain
            if kind is not None or (domain in self._level_domains
                                    and domain != self._scheme.indicators[school].domain):
                return kind
        # ... and an item naming nothing after such a level's item continues the generic figure, not
        # that level's (…初中2696人、工读学校31人: teachers)
        return self._remapped(generic, tuple(map(normalize, (metric.indicator, metric.quote))),
                              metric.base_unit)

    def _school_item(self, metric: Metric) -> str | None:
        """The kind of school a list item's own words name, and nothing else (小学, 幼儿园(含学前班))."""
        own = _item_words(metric)
        named = self._label(own, None)
        if named is None or named[1] != 0 or len(named[0]) != len(own):
            return None
        school = self._owner[named[0]]
        return school if school in self._school_heads else None

    def _generic_before(self, prev: Metric) -> str:
        """What the next item of a list counts by level: after a level's item (小学1200人 of teachers), the
        generic figure that level's is a kind of (teachers); after any other figure, that figure's concept
        (after 在园幼儿…人, children in kindergartens: no other level's figure is theirs)."""
        concept = prev.indicator_concept
        named = self._label(_item_words(prev), None)
        if named is not None and self._owner[named[0]] in self._school_heads:
            return self._follow_generic.get(concept, concept)
        return concept

    def _level_kind(self, generic: str, school: str, base_unit: str | None) -> str | None:
        """The kind of ``generic`` a [[follow]] gives it after ``school`` (students after 小学: primary
        students), when the unit can measure it."""
        return next((f.to for f in self._follows if f.generic == generic and school in f.after
                     and self._scheme.allows(f.to, base_unit or "")), None)


    def broken_down(self, prev: Metric, metric: Metric, iid: str, far: bool = False) -> str | None:
        """A metric whose indicator names only a kind of school (``iid``, a stock head), written right
        after a total of a breakdown's leads in the same unit, counts that total's thing for its kind
        of school: 新建学校90所，其中幼儿园33所 (new kindergartens); 增加学位5000个，其中幼儿园420个 and
        城东幼儿园240个、… (places). Its text must end with the head; an item that stays a count of
        schools must name its kind nearly alone (幼儿园, 市县中小学), one that becomes places may name
        the school in full (城东幼儿园240个 are its places there, not 240 kindergartens). ``far``: the
        total opens the list the item ends, past figures of other things (投入使用学校430所，新增学位3.9万个。
        按照办学层次划分，幼儿园153所): then the item must name its kind of school alone, with no verb of
        its own (计划新建中小学6所 says itself what it counts)."""
        if (iid not in self._school_heads or prev.indicator_concept is None or prev.base_unit != metric.base_unit
                or metric.span[0] < prev.span[0] or (not far and metric.span[0] - prev.span[1] > self._list_gap)
                or any(w in self._before_figure(metric) for w in self._rules.totals)):
            return None  # 。全县现有…学校56所: a stock of its own, no item of the list before
        lead = next((b for b in self._breakdowns if prev.indicator_concept in b.leads), None)
        # an item opening a bracket (共152所(中小学83所) is read without the bracket's mark
        own = _item_words(metric)
        head = self._label(own, metric.base_unit) if own else None
        if lead is None or head is None or head[1] + len(head[0]) != len(own) \
                or (far and (head[1] > 0 or iid in self._built)) \
                or not (_head_then_number(head[0]).search(normalize(metric.quote)) or self._opens_a_list(metric, head[0])):
            return None  # 市区3所公办园的格局: the head after the number reads a sentence, not a list
        target = lead.target(self._scheme.indicators[iid].domain)
        if not target or not self._scheme.allows(target, metric.base_unit):
            return None
        # still a count of schools: a long text before the head says more than a kind of school
        same_kind = self._scheme.indicators[target].kind == self._scheme.indicators[iid].kind
        return None if same_kind and head[1] > self._breakdown_prefix else target


    @staticmethod
    def _opens_a_list(metric: Metric, head: str) -> bool:
        """Whether the figure, its head after it, opens a list with 其中 (146所，其中74所中小学)."""
        if metric.value is None or not metric.unit:
            return False
        written = format(metric.value.normalize(), "f")
        return re.search(rf"其中\s*{re.escape(written)}\s*{re.escape(metric.unit)}{re.escape(head)}",
                         normalize(metric.quote)) is not None

    def leveled(self, prev: Metric, metric: Metric, iid: str | None, sibling: Metric | None = None) -> str | None:
        """A figure of a generic indicator (see [generic]) right after one whose own words name a level
        counts that level's kind of it, as a remap of the level's words would read it: 学前教育阶段项目
        6个，新增学位2880个 are kindergarten places; and a list item naming only a level after such a
        figure or a kind of it does too (新增公办学位…13万个、义务教育80万个: compulsory places). Not
        after the last of a list of items of one kind (``sibling``, the figure before ``prev``:
        中小学5所、幼儿园9所，增加学位10960个 are the places of all of them)."""
        if iid is None or prev.indicator_concept is None or not self.in_list(prev, metric):
            return None
        base = self._generic.get(prev.indicator_concept, prev.indicator_concept)
        generics = self._generic.values()
        if (base not in generics and iid not in generics) or self._names_a_school(metric):
            return None
        if sibling is not None and sibling.indicator_concept == prev.indicator_concept and self.in_list(sibling, prev) \
                and iid in generics:
            return None
        own = _item_words(metric)
        if base in generics and len(own) <= self._list_item_len \
                and prev.base_unit == metric.base_unit and self._scheme.indicators[iid].kind != \
                self._scheme.indicators[base].kind:  # 义务教育 read as schools, in a unit of places
            found = self._remapped(base, (own,), metric.base_unit)
            return found if self._generic.get(found) == base else None
        if iid not in generics or self._scheme.indicators[prev.indicator_concept].kind == \
                self._scheme.indicators[iid].kind:  # places after places: a figure of its own
            return None
        words = _BRACKETED.sub("", normalize(prev.indicator))
        found = self._remapped(iid, (words,), metric.base_unit)
        return found if self._generic.get(found) == iid else None

    def narrowed(self, prev: Metric, metric: Metric, iid: str | None) -> str | None:
        """A share (其中…) of a figure of a specific kind, naming only the generic indicator of that
        kind, is of that kind (中职学校招生909人，其中本县招生623人: vocational enrolment)."""
        kinds = {f.to for f in self._follows if f.generic == iid} | {k for k, g in self._generic.items() if g == iid}
        if iid is None or prev.indicator_concept not in kinds or not self.in_list(prev, metric) \
                or not _LIST_LEAD.match(normalize(metric.quote)).group(0).strip("()（）"):
            return None
        return prev.indicator_concept

    def completes(self, prev: Metric, metric: Metric) -> str | None:
        """A figure naming nothing, written right after a task (planned) in the same unit and saying it
        was done (任务数18000人。上半年完成19500人; 年初预算教育支出…万元，截至年底支出…万元), counts what
        the task counts: its completion."""
        if (prev.status != "planned" or metric.status != "achieved" or prev.indicator_concept is None
                or prev.base_unit != metric.base_unit or not self.in_list(prev, metric)):
            return None
        words = _BRACKETED.sub("", normalize(metric.indicator))
        rules = metric_rules()  # 实际完成…, or a figure closing the plan (截至年底支出…)
        done = rules.outcome_words.search(words) or rules.achieved_reset.search(words)
        return prev.indicator_concept if done else None

    def completion_of(self, prev: Metric, metric: Metric) -> str | None:
        """A bare rate of completion (完成率, 完成比例) right after a figure is that figure's: of the
        plan's money or people (投资…43.7亿元，完成率98.79%; 已完成8383人，完成比例102.23%: the
        investment completion rate), of its projects or schools (74项已经完成，完成率为82.2%: the
        construction completion rate); after figures of other units (places, 个) none. So is its share
        of the plan (…3891.5万元，占全年指标的61.1%)."""
        own = _item_words(metric)
        share = self._rules.plan_share
        if not (own in self._rules.completion_words or (share is not None and share.search(
                normalize(self._before_figure(metric))))) or not self.in_list(prev, metric):
            return None
        rules = metric_rules()  # works begun or finished: that stage's rate (开工…31万平方米，占规划…的92%)
        stage = "started" if rules.phase_started.search(prev.quote) else \
            "finished" if rules.phase_finished.search(prev.quote) else ""
        found = self._rules.stage_rates.get(stage) or self._rules.completion_rates.get(prev.base_unit or "")
        return found if found is not None and self._scheme.allows(found, metric.base_unit) else None

    def share_of(self, totals: Mapping[str | None, Metric], metric: Metric) -> str | None:
        """A share (占全市幼儿总数的88.1%) naming nothing, in a list a count of a kind of school opens
        (普惠性幼儿园399所，在园幼儿8.02万人，占…), is that kind's share ([share_rates]: inclusive
        coverage). ``totals``: per base unit, the list's last figure with a concept; the count of
        schools is the one in a school unit (``school_units``)."""
        total = next((totals[u] for u in self._rules.school_units if u in totals), None)
        share = self._rules.share_of
        if total is None or total.indicator_concept not in self._rules.share_rates or share is None \
                or not share.search(normalize(self._before_figure(metric))):
            return None
        found = self._rules.share_rates[total.indicator_concept]
        return found if self._scheme.allows(found, metric.base_unit) else None

    def in_list(self, prev: Metric, metric: Metric) -> bool:
        """Whether ``metric`` is written right after ``prev``, in the same list."""
        return prev.span[0] <= metric.span[0] and metric.span[0] - prev.span[1] <= self._list_gap

    def leads_a_follow(self, iid: str | None) -> bool:
        return any(iid in f.after for f in self._follows)

    def _bare(self, metric: Metric) -> bool:
        """Whether the metric's own words are a list item's few (招生, 在校生, 建筑面积)."""
        return len(_LIST_LEAD.sub("", _BRACKETED.sub("", normalize(metric.indicator)))) <= self._list_item_len

    def keeps_a_lead(self, lead: Metric, metric: Metric, iid: str | None) -> bool:
        """Whether a list the figure ``lead`` opens runs on over ``metric``: a bare generic figure
        that some [[follow]] reads (招生, 在校生, 专任教师), or one the lead's made specific."""
        return self._bare(metric) and any(
            iid == f.generic or (lead.indicator_concept in f.after and iid == f.to) for f in self._follows)

    def level_share(self, prev: Metric, metric: Metric, iid: str) -> str | None:
        """A share naming only a kind of school (其中小学173个、初中72个) right after a figure of
        something else in the same unit (教学班300个) counts that thing's, not the schools."""
        kind = self._scheme.indicators[iid].kind
        if (not metric.part or kind != _SCHOOL_KIND or prev.indicator_concept is None
                or self._scheme.indicators[prev.indicator_concept].kind == _SCHOOL_KIND
                or prev.base_unit != metric.base_unit or not self.in_list(prev, metric)
                or len(_item_words(metric)) > self._list_item_len):
            return None
        return prev.indicator_concept

    def level_item(self, prev: Metric, metric: Metric) -> str | None:
        """A share naming only a kind of school (在校生51789人，其中：小学22370人、初中12042人) right after
        a figure of a count of people that levels divide (students, teachers: a [[follow]]'s generic,
        or a level's kind of it, the share before) counts that level's, as the list the level's
        schools open would ([[follow]]): primary students, not all students nor schools."""
        if not metric.part or prev.indicator_concept is None or not self.in_list(prev, metric):
            return None
        school = self._school_item(metric)  # 小学 alone, not 小学教师 (its own words say what it counts)
        return self._level_kind(self._generic_before(prev), school, metric.base_unit) if school else None

    def followed(self, prev: Metric, metric: Metric, iid: str, lead: Metric | None = None) -> str | None:
        """The specific concept a generic figure counts right after a figure of a [[follow]]'s
        ``after`` (新建幼儿园40所，增加学位8000个: kindergarten places), or further on in the list
        that figure opens (``lead``: 普通高中1.42万所，招生876万人，在校生2494万人: its students)."""
        if not self.in_list(prev, metric) or (prev.part and not metric.part):
            return None  # a share (其中…职业中学1所) leads no figure outside its sentence's shares
        lead = lead or prev
        to = next((f.to for f in self._follows if f.generic == iid and lead.indicator_concept in f.after
                   and self._scheme.allows(f.to, metric.base_unit) and (not f.bare or self._bare(metric))), None)
        if to is None or self._names_a_school(metric):  # read only when a follow applies: a scan
            return None  # 新增中小学学位4000个 after preschool places: its own words name its level
        # a sum of people (全县共有在校学生…人) counts every level's, not those of the schools before it
        # (a sum of places after kindergartens built, 共计可新增学位, is theirs)
        return None if self.sums_people(metric) else to

    def sums_people(self, metric: Metric) -> bool:
        """Whether a count of people is written as a sum or a stock of its own (全县共有在校学生…人,
        现有专任教师…人): every level's, whatever level the words before it name."""
        return metric.base_unit == self._people and any(w in self._before_figure(metric) for w in self._rules.totals)


# --- the mapping steps, by stage; [steps] of kg/data/indicators.toml orders them ------------------
# words: the metric's own indicator text, quote and unit


@mapping_step("change", "words")
def _step_change(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A rate right after a verb of change, or a comparison with an earlier figure, is the growth rate
    (分别提升18.3%, 比上年增长3.2%); a figure after a comparison with no earlier figure (高出要求51万元) is
    a difference: it measures no indicator (NONE). A change against an earlier figure (Metric.change)
    passes: the next steps read it without its words (Figure), as the quantity that changed."""
    return matcher._changed(fig.metric) if fig.changes else None


@mapping_step("foreign-head", "words")
def _step_foreign_head(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A head naming people right before a figure in another unit (在园幼儿29098个) counts children,
    so no label before it may answer: NONE."""
    return NONE if matcher._foreign_head(fig.own, fig.own.indicator) else None


@mapping_step("school-part", "words")
def _step_school_part(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A kind of school ending with a word naming part of one (附设初中班, 小学部) is no school count: NONE."""
    return NONE if matcher._part_of_a_school(fig.own, fig.unit) else None


@mapping_step("school-projects", "words")
def _step_school_projects(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A kind of school's projects in 个 count projects (普通高中项目1个; 建成…: finished ones)."""
    return matcher._school_projects(fig.own, fig.unit)


@mapping_step("label", "words")
def _step_label(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """The label ending nearest the number in the indicator text (read whole when cut inside a longer
    label: 育巩固率), with the build verbs before it or in the clause (新建幼儿园, 369所幼儿园投入使用)."""
    own = fig.own
    inside = _OPEN_BRACKET.search(normalize(own.indicator))
    if inside and matcher._label(inside.group(1), fig.unit) is None \
            and any(q in inside.group(1) for q in matcher._qualifiers):
        return None  # 35所幼儿园(含公办33所: the figure's own words are the bracket's, a qualifier's
    return matcher._best(matcher._uncut(own, fig.unit), fig.unit, fig.clause, lead=matcher._lead(own))


@mapping_step("qualifier", "words")
def _step_qualifier(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A bare qualifier reads with its quote's head (幼儿园173所(81所民办): 民办幼儿园), when the scheme
    has a label for the pair."""
    own, unit = fig.own, fig.unit
    head = matcher._label(normalize(own.quote), unit)
    qualifier = next((q for q in matcher._qualifiers if q in own.indicator), None)
    if head is None or qualifier is None or qualifier in head[0]:
        return None
    qualified = matcher._label(normalize(qualifier + head[0]), unit)
    if qualified is None or qualified[0] == head[0]:
        return None
    return matcher._best(qualified[0], unit, own.indicator, fig.clause) or NONE


@mapping_step("head-after-figure", "words")
def _step_head_after_figure(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A label written right after the figure names what it counts (建设43所普惠性幼儿园)."""
    return matcher._head_after_figure(fig.own, fig.unit, fig.clause)


@mapping_step("own-clause", "words")
def _step_own_clause(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """The best label in the quote's words of this figure's own list item (、普通高校6所)."""
    return matcher._best(matcher._own_clause(fig.own), fig.unit, fig.own.indicator, fig.clause)


@mapping_step("only-unit", "words")
def _step_only_unit(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A unit only one indicator can measure names it (倍, 班); a redacted x班 is a class's name."""
    return matcher._only.get(fig.unit) if fig.own.value is not None else None


@mapping_step("domain-unit", "words")
def _step_domain_unit(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """Words naming an indicator of another unit count its domain's of this unit ([domain_units]:
    建档立卡学生26人3.9万元 is aid money)."""
    return matcher._of_domain(fig.own, fig.unit)


@mapping_step("built-unnamed", "words")
def _step_built_unnamed(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A figure naming nothing known is read by its own build verb (新建食堂综合楼800平方米: new floor area)."""
    return matcher._built_unnamed(fig.own, fig.unit)


# paragraph: what the figure's paragraph names before it

@mapping_step("programme", "paragraph")
def _step_programme(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """An aid programme in the figure's sentence or its paragraph's heading (免除学杂费：任务数18000人)
    names what a figure naming nothing, or a stock count of students, counts."""
    found = matcher.programme(fig.metric, fig.before, fig.iid)
    return found if found != fig.iid else None


@mapping_step("named-by-lead", "paragraph", when="unmapped")
def _step_named_by_lead(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """The rate a sentence names before a list of bracketed figures, or the words before a colon
    (生均公用经费基准定额为：普通小学每生每年650元)."""
    return matcher.named_by_lead(fig.metric, fig.before)


@mapping_step("paragraph-level", "paragraph", when="mapped")
def _step_paragraph_level(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A generic count (在校生, 专任教师) whose sentence, or its paragraph's short first sentence (a
    heading: ——初中。校数13所;…;在校生11012人), names one level's schools and no other's (初中共有教职工…,
    专任教师…) counts that level's, as in the list those schools open ([[follow]]). Not a longer
    paragraph's other sentences: they may speak of levels the scheme does not know (普通高等学校);
    nor a sum or stock of its own (全县现有专任教师…人: every level's)."""
    if matcher.sums_people(fig.metric):
        return None
    sentences = _FULL_STOP.split(fig.before)
    first = sentences[0] if len(sentences) > 1 and len(sentences[0]) <= _HEADING_LEN else ""
    return matcher.paragraph_level(fig.iid, first + "。" + sentences[-1], fig.unit)


# list: the figures before it in its list; "unmapped" steps map a figure naming nothing, "mapped"
# ones refine a concept


@mapping_step("continues", "list", when="unmapped")
def _step_continues(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A short item right after a figure in the same unit continues it (其中新建9所, 海港区5所)."""
    return matcher.continued(fig.prev, fig.metric)


@mapping_step("completes", "list", when="unmapped")
def _step_completes(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A figure saying it was done right after a task counts what the task counts (任务数18000人。
    上半年完成19500人)."""
    return matcher.completes(fig.prev, fig.metric)


@mapping_step("completion-rate", "list", when="unmapped")
def _step_completion_rate(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A bare completion rate, or share of the plan, right after a figure is that figure's
    (…43.7亿元，完成率98.79%)."""
    return matcher.completion_of(fig.last, fig.metric)


@mapping_step("share-of", "list", when="unmapped")
def _step_share_of(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A share in a list a kind of school opens is that kind's share (普惠性幼儿园…，占…的88.1%)."""
    return matcher.share_of(fig.totals, fig.metric)


@mapping_step("continues-total", "list", when="unmapped")
def _step_continues_total(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A share (其中…) reaches back to its list's total past figures in other units (…。其中，东城区3所)."""
    total = fig.total
    return matcher.continued(total, fig.metric, far=True) if total is not None and total is not fig.last else None


@mapping_step("level-share", "list", when="mapped")
def _step_level_share(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A share naming only a kind of school after a figure of something else in the same unit
    (教学班300个，其中小学173个) counts that thing's (classes), not the schools."""
    return matcher.level_share(fig.last, fig.metric, fig.iid)


@mapping_step("level-item", "list", when="mapped")
def _step_level_item(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A share naming only a kind of school after a count of people by level (在校生51789人，其中：
    小学22370人) counts that level's people (primary students)."""
    return matcher.level_item(fig.last, fig.metric)


@mapping_step("breakdown", "list", when="mapped")
def _step_breakdown(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A kind of school right after a total of schools built or places added breaks it down
    (新建学校90所，其中幼儿园33所: kindergartens built)."""
    return matcher.broken_down(fig.last, fig.metric, fig.iid)


@mapping_step("follow", "list", when="mapped")
def _step_follow(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A generic figure right after a [[follow]]'s figure counts its specific kind (新建幼儿园40所，
    增加学位8000个: kindergarten places)."""
    return matcher.followed(fig.last, fig.metric, fig.iid)


@mapping_step("follow-lead", "list", when="mapped")
def _step_follow_lead(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """... or further on in the list that figure opens (普通高中1.42万所，招生…，在校生…)."""
    lead, m = fig.lead, fig.metric
    if lead is None or lead is fig.last or not matcher.keeps_a_lead(lead, m, fig.iid):
        return None
    return matcher.followed(fig.last, m, fig.iid, lead)


@mapping_step("level", "list", when="mapped")
def _step_level(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A generic figure right after a level's words counts that level's (学前教育阶段项目6个，新增学位
    2880个; 学前教育13万个、义务教育80万个)."""
    return matcher.leveled(fig.last, fig.metric, fig.iid, fig.out[-2] if len(fig.out) > 1 else None)


@mapping_step("narrow", "list", when="mapped")
def _step_narrow(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A share naming only the generic indicator keeps its total's kind (招生909人，其中本县招生623人)."""
    return matcher.narrowed(fig.last, fig.metric, fig.iid)


@mapping_step("breakdown-total", "list", when="mapped")
def _step_breakdown_total(matcher: IndicatorMatcher, fig: Figure) -> str | None:
    """A kind of school alone breaks down the list's total past figures of other things (投入使用
    学校430所，新增学位3.9万个。…幼儿园153所)."""
    total = fig.total
    return matcher.broken_down(total, fig.metric, fig.iid, far=True) if total is not None else None


@lru_cache(maxsize=1)
def default_matcher() -> IndicatorMatcher | None:
    """The matcher over ontology/indicators.ttl; None when the file is absent (no concepts then)."""
    return IndicatorMatcher(load_indicators()) if default_path().is_file() else None


_HEADING_LEN = 32  # the most characters of a paragraph's heading (1、义务教育阶段免除学杂费:)


def _paragraph_before(text: str, metric: Metric, most: int) -> str:
    """The report's words before the metric's figure, back to its paragraph's start, normalised: a
    line break not after a sentence's end (下拨资金79.\n95万元, a page's cut) is inside the paragraph.
    Past ``most`` characters before the quote, only the paragraph's first words are kept before them
    (its heading), a sentence apart."""
    start = text.rfind("\n", 0, metric.span[0])
    while start > 0 and text[:start].rstrip(" \t\r")[-1:] not in _PARAGRAPH_END:
        start = text.rfind("\n", 0, start)
    start += 1
    own = IndicatorMatcher._before_figure(metric)
    if metric.span[0] - start <= most:
        return normalize(text[start:metric.span[0]]) + own
    return normalize(text[start:start + _HEADING_LEN]) + "。" + normalize(text[metric.span[0] - most:metric.span[0]]) + own


def trace_indicators(metrics: list[Metric], matcher: IndicatorMatcher | None = None,
                     text: str = "") -> list[tuple[Metric, str | None]]:
    """Each metric with the indicator concept it measures where one is found, and the name of the
    mapping step that decided it (None: none did); ``text``: the report's original text the metrics'
    spans point into, read for what a figure's paragraph names before it (a programme, a list's lead).
    A step deciding that a figure measures nothing (高出要求51万元) is named with no concept."""
    matcher = matcher or default_matcher()
    if matcher is None:
        return [(m, None) for m in metrics]
    most = matcher._rules.context_len
    out: list[Metric] = []
    steps: list[str | None] = []
    lead: Metric | None = None  # the last figure a [[follow]] starts from, while its list runs on
    # per base unit, the last figure with a concept in the list running on (each figure within the
    # list gap of the one before): a total its later items of a kind of school may break down
    totals: dict[str | None, Metric] = {}
    for m in metrics:
        fig = Figure(matcher, m, before=_paragraph_before(text, m, most) if text and most else "", out=out)
        matcher.run("words", fig)
        if fig.before:
            matcher.run("paragraph", fig)
        if not out or not matcher.in_list(out[-1], m):
            lead = None
            totals = {}
        if out:
            fig.lead, fig.totals = lead, totals
            matcher.run("list", fig)
        iid = fig.iid
        out.append(evolve(m, indicator_concept=iid) if iid else m)
        steps.append(fig.step)
        if iid:
            totals[m.base_unit] = out[-1]
        if matcher.leads_a_follow(iid):
            lead = out[-1]
        elif lead is not None and not matcher.keeps_a_lead(lead, m, iid):
            lead = None  # any other figure ends the lead's list
    return list(zip(out, steps, strict=True))


def map_indicators(metrics: list[Metric], matcher: IndicatorMatcher | None = None, text: str = "") -> list[Metric]:
    """The metrics, each with the indicator concept it measures where one is found (see
    :func:`trace_indicators`, which also says which step decided)."""
    return [m for m, _ in trace_indicators(metrics, matcher, text)]
