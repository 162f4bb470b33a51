"""Frozen records passed between pipeline stages.

Bottom floor: imports nothing of ours. Spans are half-open ``(start, end)`` character offsets.
Up to segmentation they are in *clean-text* coordinates; :meth:`CleanText.original_span` maps them
back into ``Source.text`` (the original, as decoded). Records that leave extraction
(:class:`Metric`, :class:`InitiativeMention`, :class:`Bureau`) carry spans in *original*
coordinates, so the graph stage never needs the clean text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeVar

Span = tuple[int, int]
R = TypeVar("R")
SectionKind = Literal["summary", "plan", "problems", "other"]
Status = Literal["achieved", "planned", "both"]
Comparator = Literal["=", ">=", ">", "<=", "<", "~"]
Level = Literal["province", "city", "county"]
Scope = Literal["national", "local"]
Change = Literal["increase", "decrease"]


@dataclass(frozen=True)
class Source:
    """One input file, decoded. ``text`` is the original text every offset points into."""

    path: str
    name: str  # file name without folders, as in facts.json "source"
    sha256: str  # of the raw bytes
    text: str
    encoding: str
    format: str  # txt | md | html | docx | pdf


@dataclass(frozen=True)
class Removal:
    """Something the cleaner dropped or rewrote, for ``kg inspect``."""

    rule: str
    span: Span  # in original coordinates
    text: str


@dataclass(frozen=True)
class CleanText:
    """Cleaned, simplified-script text with a per-character map back to the original.

    ``offset_map[i]`` is the index in ``source.text`` of clean character ``i``; it has
    ``len(text) + 1`` entries, the last one the end position, so spans map with two look-ups.
    """

    source: Source
    text: str
    offset_map: tuple[int, ...]
    removed: tuple[Removal, ...] = ()

    def original_span(self, span: Span) -> Span:
        start, end = span
        if end <= start:
            o = self.offset_map[start]
            return (o, o)
        return (self.offset_map[start], self.offset_map[end - 1] + 1)

    def original_text(self, span: Span) -> str:
        """The source text behind a clean span, in the original script."""
        s, e = self.original_span(span)
        return self.source.text[s:e]


@dataclass(frozen=True)
class Sentence:
    text: str  # simplified, cleaned
    span: Span  # clean coordinates


@dataclass(frozen=True)
class Section:
    kind: SectionKind
    year: int | None  # the year the section is about; None when absent or redacted
    heading: str | None
    span: Span  # clean coordinates
    sentences: tuple[Sentence, ...] = ()
    period: bool = False  # about a five-year period (二、“十三五”期间…): its figures are of no one year


@dataclass(frozen=True)
class Report:
    """One report inside a source (a compilation holds many)."""

    clean: CleanText
    index: int  # 1-based position in the source
    title: str | None
    span: Span  # clean coordinates of the body
    sections: tuple[Section, ...]
    summary_year: int | None = None
    plan_year: int | None = None
    duplicate_of: int | None = None  # index of an earlier report with the same body
    published: str | None = None  # the page's publication date, ISO (2023-08-30), when it gives one

    @property
    def source(self) -> Source:
        return self.clean.source

    @property
    def text(self) -> str:
        return self.clean.text[self.span[0] : self.span[1]]

    @property
    def head(self) -> str:
        """First 300 characters of the cleaned body (facts.json ``head``)."""
        return self.text[:300]


@dataclass(frozen=True)
class SourceRef:
    """What later stages need to know of a source, without its text."""

    path: str
    name: str
    sha256: str
    format: str
    encoding: str


@dataclass(frozen=True)
class Region:
    """Administrative path with jionlp/GB/T 2260 codes (6 digits) per level."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    county_code: str | None = None

    @property
    def level(self) -> Level | None:
        if self.county:
            return "county"
        if self.city:
            return "city"
        if self.province:
            return "province"
        return None

    @property
    def code(self) -> str | None:
        return self.county_code or self.city_code or self.province_code


@dataclass(frozen=True)
class Bureau:
    name: str | None  # as named (X区教育和体育局) or inferred; None when never named nor implied
    region: Region | None
    level: Level | None
    anonymized: bool
    evidence: str | None = None  # the phrase the name/region came from
    span: Span | None = None  # original coordinates of that phrase
    placeless: bool = False  # named as written without its place (县教育局, 教育体育局)

    @property
    def shared_name(self) -> str | None:
        """The name when it identifies one bureau across reports, else None: an anonymized
        (X区教育局) or placeless (县教育局) name may be any place's bureau, so it is its report's own."""
        return self.name if self.name and not (self.anonymized or self.placeless) else None


@dataclass(frozen=True)
class Metric:
    indicator: str
    value: Decimal | None  # as written, in ``unit``; None when redacted
    unit: str  # as written: 个 所 名 人次 万元 % ...
    base_value: Decimal | None  # in ``base_unit``: 元, 人, ratio (0..1) ...
    base_unit: str | None
    comparator: Comparator
    year: int | None
    status: Literal["achieved", "planned"]
    redacted: bool
    span: Span  # original coordinates of the quote
    quote: str  # minimal evidence phrase, simplified
    quote_original: str  # the same phrase in the original script
    initiative: str | None = None  # label of the InitiativeMention it belongs to
    indicator_concept: str | None = None  # id of the shared indicator it measures (ontology/indicators.ttl)
    period: bool = False  # a figure over several years (五年来, 十三五期间): no one year's target or outcome
    part: bool = False  # written after 其中 in its sentence: a share of a total, no answer to the total
    # written as a change against an earlier figure (比上年增加0.93万册, 较上年减少120人, 净增, 提高1.5个
    # 百分点): "increase" or "decrease", the value being the difference as written; None: a level (or a
    # growth rate, 增长3.2%, which is a level of the growth-rate indicator). The indicator concept is
    # the changed quantity's (图书册数), so a change is never compared with a level.
    change: Change | None = None


Verdict = Literal["met", "exceeded", "missed", "no-outcome", "not-comparable"]


@dataclass(frozen=True)
class TargetCheck:
    """A planned metric checked against what its bureau later reported for the same indicator and
    year (kg.pipeline.targets): the outcome metric's IRI, or None when the bureau's summary of that
    year reports none."""

    target: str  # IRI of the planned metric
    outcome: str | None  # IRI of the achieved metric
    verdict: Verdict


@dataclass(frozen=True)
class InitiativeMention:
    """One initiative in one report, all its surface forms folded together."""

    label: str  # canonical Chinese name (the concept's prefLabel, or the local name)
    concept: str | None  # taxonomy concept id (e.g. "county-managed-school-hiring"); None = local
    scope: Scope
    status: Status
    year: int | None
    span: Span  # original coordinates of the first quote
    quote: str
    quote_original: str
    aliases: tuple[str, ...] = ()  # surface forms seen, simplified


@dataclass(frozen=True)
class ReportFacts:
    """Everything extraction found in one report: what the graph stage consumes."""

    source: SourceRef
    index: int
    title: str | None
    head: str
    span: Span  # original coordinates of the body
    bureau: Bureau
    summary_year: int | None
    plan_year: int | None
    mentions: tuple[InitiativeMention, ...] = ()
    metrics: tuple[Metric, ...] = ()
    duplicate_of: int | None = None
    published: str | None = None  # the page's publication date, ISO (Report.published)
    news: bool = False  # a news item: no outline and no title of a kind (kg.text.years.news_report)

    @property
    def key(self) -> str:
        """Stable report key: content hash of the source + position."""
        return f"{self.source.sha256[:16]}-{self.index}"


@dataclass(frozen=True)
class Violation:
    focus: str  # IRI of the offending node
    path: str | None
    message: str
    severity: str
    shape: str | None = None
    quote: str | None = None  # evidence behind the node, when it has one


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...] = ()


@dataclass(frozen=True)
class FileResult:
    """Per input file line of build-report.json."""

    path: str
    reports: int = 0
    metrics: int = 0
    initiatives: int = 0
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # read fine but worth a look (no report found, encoding repaired)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mib: int | None = None  # peak RSS above the process's when the file started (Linux)


@dataclass(frozen=True)
class BuildResult:
    """What a build did: its outputs, per input file what was found, and how the graph fared."""

    outputs: dict[str, str]  # file name -> path
    per_file: tuple[FileResult, ...]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, nothing else
    validation: ValidationReport | None = None
    dropped: tuple[Violation, ...] = ()
    triples: int = 0  # in graph.ttl
    outputs_reused: bool = False  # nothing changed: the previous build's outputs were kept as they were
    conflicts_kept: int = 0  # cross-file conflicts left in a graph too big to repair (REPAIR_LIMIT)
    cache_hits: int = 0  # extraction pass, per file
    cache_misses: int = 0
    graph_cache_hits: int = 0  # graph + SHACL pass, per file
    graph_cache_misses: int = 0

    @property
    def totals(self) -> dict[str, int]:
        """Counts over every file, as build-report.json and the CLI's summary give them."""
        files = self.per_file
        return {"files": len(files), "failed_files": sum(bool(r.errors) for r in files),
                "reports": sum(r.reports for r in files), "metrics": sum(r.metrics for r in files),
                "initiatives": sum(r.initiatives for r in files), "triples": self.triples}


_PLAIN: dict[type, bool] = {}  # record class → may evolve() copy its __dict__


def evolve(record: R, **changes: object) -> R:
    """``dataclasses.replace`` for these records, for the hot paths of extraction (a metric gets
    its initiative, then its indicator: two copies each): the fields are copied as they are
    instead of passing each through the frozen ``__init__``'s ``object.__setattr__`` (a quarter
    of the time). Same fields in the same order, so the same pickle; a record with a
    ``__post_init__`` or without a ``__dict__`` (slots), or an unknown field, goes through
    ``dataclasses.replace``."""
    cls = type(record)
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = (dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__")
                               and "__slots__" not in cls.__dict__)
    if not plain or not changes.keys() <= record.__dict__.keys():
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    new = object.__new__(cls)
    new.__dict__.update(record.__dict__)
    new.__dict__.update(changes)
    return new
