"""ReportFacts → rdflib Graph in the edu-kg ontology (ontology/edu.ttl), with deterministic IRIs.

IRIs are built from content, never from counters or run order, so the same facts give the same
graph in any order:

- region     ``id:region/<GB/T 2260 code>`` (``region/name-<hash>`` when only names are known or the
             gazetteer gives the code to several places)
- bureau     ``id:bureau/<region code>/<hash of name>``; an anonymized bureau, or one whose region is
             unknown, is scoped to its report: ``id:bureau/anon-<report key>/<hash of name>``, so two
             "X区教育局" of different reports are never merged; so is a placeless one (县教育局)
- report     ``id:report/<sha256[:16] of the source>-<index>``; source ``id:source/<sha256[:16]>``
- mention    ``id:mention/<report key>/<start>-<end>``; metric ``id:metric/<report key>/<start>-<end>``
- concept    ``ini:<taxonomy id>``; local concept ``local:<bureau key>/<hash of label>``
- indicator  ``ind:<indicator id>`` (ontology/indicators.ttl), with its quantity kind and domain

No spaCy/jieba here (nor any kg.extract module): the graph stage only reads records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote as urlquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.core.records import Bureau, InitiativeMention, Metric, Region, ReportFacts, TargetCheck
from kg.terms import vocab as V
from kg.terms.indicators import IndicatorScheme, load_indicators
from kg.terms.indicators import default_path as indicators_path
from kg.terms.taxonomy import Taxonomy, default_path, load_taxonomy
from kg.terms.triples import nt_iri, nt_literal, nt_term, parse_nt, to_graph

__all__ = ["build_graph", "report_lines", "report_triples", "concept_lookup", "ConceptInfo", "short_hash",
           "report_iri", "decimal_literal", "year_literal", "new_graph"]


def short_hash(text: str, n: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def new_graph() -> Graph:
    """An empty graph with every vocab prefix bound (and rdflib's defaults left out)."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in V.PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


# --- literals ------------------------------------------------------------------------------------

# Typed literals are cached: rdflib parses the lexical form of every new one (≈20 µs), and a
# build writes the same years, offsets, flags and statuses over and over. The builder writes
# their N-Triples text (below), made from these so that both agree.

@lru_cache(maxsize=4096)
def year_literal(year: int) -> Literal:
    return Literal(f"{int(year):04d}", datatype=XSD.gYear)


@lru_cache(maxsize=16384)
def decimal_literal(value: Decimal | int | float) -> Literal:
    """Canonical xsd:decimal lexical form (XSD 1.0: no exponent, no trailing zeros, at least one
    digit after the point): same value, same bytes, and Turtle's ``540.0`` reads back unchanged."""
    d = Decimal(str(value)).normalize()
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("", "-0"):
        text = "0"
    return Literal(text + ".0" if "." not in text else text, datatype=XSD.decimal)


@lru_cache(maxsize=65536)
def _int(n: int) -> Literal:
    return Literal(str(int(n)), datatype=XSD.integer)


_TRUE, _FALSE = Literal(True), Literal(False)


# --- IRIs ----------------------------------------------------------------------------------------

def report_iri(f: ReportFacts) -> URIRef:
    return URIRef(_report_iri(f))


def _report_iri(f: ReportFacts) -> str:
    return f"{V.ID}report/{f.key}"


def _region_levels(r: Region) -> list[tuple[str, str, str | None]]:
    """(level, name, code) from province down, for the levels the region names."""
    out = []
    for level, name, code in (("province", r.province, r.province_code),
                              ("city", r.city, r.city_code), ("county", r.county, r.county_code)):
        if level == "city" and name and name == r.province and code in (None, r.province_code):
            continue  # a municipality repeated as its own city (北京市/北京市): one place, one node
        if name or code:
            out.append((level, name or "", code))
    return out


def _region_key(levels: list[tuple[str, str, str | None]], i: int) -> str:
    _, _, code = levels[i]
    if code:
        return urlquote(code, safe="")
    return "name-" + short_hash("/".join(n for _, n, _ in levels[: i + 1]))


def _bureau_key(b: Bureau, report_key: str) -> str:
    """``<region key>/<hash of name>``, report-scoped when anonymized, placeless, unnamed or region
    unknown."""
    levels = _region_levels(b.region) if b.region else []
    name_hash = short_hash(b.name or "")
    if b.shared_name is None or not levels:
        return f"anon-{report_key}/{name_hash}"
    return f"{_region_key(levels, len(levels) - 1)}/{name_hash}"


# --- taxonomy ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ConceptInfo:
    """What the graph copies of a shared concept so that it is self-describing."""

    pref_label: str
    en_label: str | None = None
    theme: URIRef | None = None  # the concept's skos:broader, written as an edu:Theme
    theme_label: str | None = None
    theme_en_label: str | None = None


def _concept_iri(cid: str) -> URIRef:
    if cid.startswith(("http://", "https://")):
        return URIRef(cid)
    return V.CONCEPT[urlquote(cid.removeprefix("ini:"), safe="-_.~")]


@lru_cache(maxsize=4096)
def _concept_text(cid: str) -> str:
    return str(_concept_iri(cid))


def concept_lookup(taxonomy: Taxonomy | None = None) -> dict[URIRef, ConceptInfo] | None:
    """Concept IRI → what the graph copies of it, for the concepts ``taxonomy`` puts in the scheme
    (by default the taxonomy at ontology/initiatives.ttl). None when there is no default taxonomy
    file: then the graph trusts the concept ids extraction produced."""
    if taxonomy is None:
        path = default_path()
        if not path.is_file():
            return None
        taxonomy = load_taxonomy(path)
    out: dict[URIRef, ConceptInfo] = {}
    for cid, c in taxonomy.concepts.items():
        if not c.in_scheme:
            continue
        up = c.broader or c.theme
        parent = taxonomy.themes.get(up) or taxonomy.concepts.get(up)
        out[_concept_iri(cid)] = ConceptInfo(
            pref_label=c.pref_label, en_label=c.en_label, theme=_concept_iri(up),
            theme_label=parent.pref_label if parent else None,
            theme_en_label=parent.en_label if parent else None)
    return out


# --- building ------------------------------------------------------------------------------------
# The builder writes N-Triples text, not rdflib terms: a build needs the lines (SHACL, the merge),
# and an rdflib Literal costs ~4 µs to make and a URIRef key a Python-level comparison in every
# dictionary, more than the facts themselves (the graph stage took 2.4 of every 6.6 s of the
# graph pass). :func:`build_graph` and :func:`report_triples` parse the lines back.

class _NT:
    """The N-Triples text of the vocabulary terms the builder writes, computed once."""

    def __init__(self, **terms):
        self.__dict__.update({k: nt_term(v) for k, v in terms.items()})


T = _NT(
    type=RDF.type, label=RDFS.label, prefLabel=SKOS.prefLabel, inScheme=SKOS.inScheme,
    broader=SKOS.broader, Concept=SKOS.Concept, ConceptScheme=SKOS.ConceptScheme,
    derivedFrom=PROV.wasDerivedFrom, format=DCTERMS["format"], title=DCTERMS.title,
    Region=V.Region, Bureau=V.Bureau, Report=V.Report, SourceFile=V.SourceFile,
    InitiativeMention=V.InitiativeMention, Metric=V.Metric, LocalInitiative=V.LocalInitiative,
    Theme=V.Theme, Indicator=V.Indicator, QuantityKind=V.QuantityKind,
    SCHEME=V.SCHEME, INDICATOR_SCHEME=V.INDICATOR_SCHEME,
    level=V.level, adminCode=V.adminCode, partOf=V.partOf, hasBureau=V.hasBureau, region=V.region,
    anonymized=V.anonymized, regionUnknown=V.regionUnknown, implements=V.implements,
    issuedBy=V.issuedBy, summaryYear=V.summaryYear, planYear=V.planYear, reportIndex=V.reportIndex,
    sourceFile=V.sourceFile, kind=V.kind, head=V.head, sha256=V.sha256, fileName=V.fileName,
    bureau=V.bureau, concept=V.concept, year=V.year, status=V.status, scope=V.scope, alias=V.alias,
    indicator=V.indicator, unit=V.unit, value=V.value, baseValue=V.baseValue, baseUnit=V.baseUnit,
    comparator=V.comparator, redacted=V.redacted, change=V.change, initiative=V.initiative,
    indicatorConcept=V.indicatorConcept, outcome=V.outcome, verdict=V.verdict,
    quantityKind=V.quantityKind, kindUnit=V.kindUnit, growthRate=V.growthRate, grossRate=V.grossRate,
    quote=V.quote, quoteOriginal=V.quoteOriginal, startOffset=V.startOffset, endOffset=V.endOffset,
    true=_TRUE, false=_FALSE,
)
_ID, _LOCAL = str(V.ID), str(V.LOCAL)


@lru_cache(maxsize=65536)
def _nt_int(n: int) -> str:
    return nt_term(_int(n))


@lru_cache(maxsize=4096)
def _nt_year(year: int) -> str:
    return nt_term(year_literal(year))


@lru_cache(maxsize=16384)
def _nt_decimal(value) -> str:
    return nt_term(decimal_literal(value))


@lru_cache(maxsize=4096)
def _nt_word(s: str) -> str:
    """A plain string from a small vocabulary (status, scope, level, unit...)."""
    return nt_literal(s)


def _nt_zh(s: str) -> str:
    return nt_literal(s, "zh")


class _Builder:
    """Emits N-Triples lines into a plain list (duplicates included: the merge removes them).
    Shared nodes (regions, concepts) are written once per builder."""

    def __init__(self, concepts: dict[URIRef, ConceptInfo] | None,
                 indicators: IndicatorScheme | None = None,
                 targets: Mapping[str, TargetCheck] | None = None):
        self.lines: list[str] = []
        # by IRI text: a URIRef key costs a Python-level comparison on every look-up
        self.concepts = None if concepts is None else {str(k): v for k, v in concepts.items()}
        self.targets = targets or {}
        self.indicators = indicators if indicators is not None else default_indicators()
        self.concepts_done: set[str] = set()
        self.regions_done: set[str] = set()

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    # regions
    def region(self, r: Region | None) -> str | None:
        if r is None:
            return None
        levels = _region_levels(r)
        parent = None
        node = None
        for i, (level, name, code) in enumerate(levels):
            node = nt_iri(f"{_ID}region/{_region_key(levels, i)}")
            if node not in self.regions_done:
                self.regions_done.add(node)
                self.add(node, T.type, T.Region)
                self.add(node, T.level, _nt_word(level))
                if name:
                    self.add(node, T.label, _nt_zh(name))
                if code:
                    self.add(node, T.adminCode, nt_literal(code))
            if parent is not None:
                self.add(node, T.partOf, parent)
            parent = node
        return node

    def bureau(self, b: Bureau, report_key: str) -> tuple[str, str]:
        key = _bureau_key(b, report_key)
        node = nt_iri(f"{_ID}bureau/{key}")
        self.add(node, T.type, T.Bureau)
        if b.name:
            self.add(node, T.label, _nt_zh(b.name))
        self.add(node, T.anonymized, T.true if b.anonymized else T.false)
        level = b.level or (b.region.level if b.region else None)
        if level:
            self.add(node, T.level, _nt_word(level))
        reg = self.region(b.region)
        if reg is not None:
            self.add(node, T.region, reg)
            self.add(reg, T.hasBureau, node)
        elif not b.anonymized:
            self.add(node, T.regionUnknown, T.true)
        return node, key

    def concept(self, m: InitiativeMention, bureau_key: str) -> str:
        if m.concept is None:
            node = nt_iri(f"{_LOCAL}{bureau_key}/{short_hash(m.label)}")
            if node not in self.concepts_done:
                self.concepts_done.add(node)
                self.add(node, T.type, T.Concept)
                self.add(node, T.type, T.LocalInitiative)
                self.add(node, T.prefLabel, _nt_zh(m.label))
                self.add(node, T.scope, _nt_word("local"))
            return node
        iri = _concept_text(m.concept)
        node = nt_iri(iri)
        if node in self.concepts_done:
            return node
        self.concepts_done.add(node)
        self.add(node, T.type, T.Concept)
        if self.concepts is None:  # no taxonomy at hand: trust extraction's id
            self.add(node, T.prefLabel, _nt_zh(m.label))
            self.add(node, T.inScheme, T.SCHEME)
            self.add(T.SCHEME, T.type, T.ConceptScheme)
            return node
        info = self.concepts.get(iri)
        if info is None:  # unknown id: left out of the scheme, so SHACL reports the mention
            self.add(node, T.prefLabel, _nt_zh(m.label))
            return node
        self.add(node, T.inScheme, T.SCHEME)
        self.add(T.SCHEME, T.type, T.ConceptScheme)
        self.add(node, T.prefLabel, _nt_zh(info.pref_label))
        if info.en_label:
            self.add(node, T.prefLabel, nt_literal(info.en_label, "en"))
        if info.theme is not None:
            theme = nt_iri(str(info.theme))
            self.add(node, T.broader, theme)
            self.add(theme, T.type, T.Theme)
            self.add(theme, T.type, T.Concept)
            if info.theme_label:
                self.add(theme, T.prefLabel, _nt_zh(info.theme_label))
            if info.theme_en_label:
                self.add(theme, T.prefLabel, nt_literal(info.theme_en_label, "en"))
        return node

    def evidence(self, node: str, report: str, span, quote: str, original: str) -> None:
        self.add(node, T.derivedFrom, report)
        self.add(node, T.quote, nt_literal(quote))
        self.add(node, T.quoteOriginal, nt_literal(original))
        self.add(node, T.startOffset, _nt_int(span[0]))
        self.add(node, T.endOffset, _nt_int(span[1]))

    def report(self, f: ReportFacts) -> None:
        src = nt_iri(f"{_ID}source/{f.source.sha256[:16]}")
        self.add(src, T.type, T.SourceFile)
        self.add(src, T.fileName, nt_literal(f.source.name))
        self.add(src, T.sha256, nt_literal(f.source.sha256))
        if f.source.format:
            self.add(src, T.format, _nt_word(f.source.format))

        bureau, bkey = self.bureau(f.bureau, f.key)
        r = nt_iri(_report_iri(f))
        self.add(r, T.type, T.Report)
        self.add(r, T.sourceFile, src)
        self.add(r, T.issuedBy, bureau)
        self.add(r, T.reportIndex, _nt_int(f.index))
        self.add(r, T.head, nt_literal(f.head))
        if f.title:
            self.add(r, T.title, nt_literal(f.title))
        if f.summary_year is not None:
            self.add(r, T.summaryYear, _nt_year(f.summary_year))
        if f.plan_year is not None:
            self.add(r, T.planYear, _nt_year(f.plan_year))
        kind = {(True, True): "summary-plan", (True, False): "summary", (False, True): "plan",
                (False, False): "other"}[(f.summary_year is not None, f.plan_year is not None)]
        self.add(r, T.kind, _nt_word(kind))
        self.add(r, T.startOffset, _nt_int(f.span[0]))
        self.add(r, T.endOffset, _nt_int(f.span[1]))

        by_label: dict[str, str] = {}
        used: set[str] = set()
        for m in f.mentions:
            node = nt_iri(_unique(f"{_ID}mention/{f.key}/{m.span[0]}-{m.span[1]}", m.label, used))
            concept = self.concept(m, bkey)
            self.add(node, T.type, T.InitiativeMention)
            self.add(node, T.label, _nt_zh(m.label))
            self.add(node, T.bureau, bureau)
            self.add(node, T.concept, concept)
            self.add(node, T.status, _nt_word(m.status))
            self.add(node, T.scope, _nt_word("local" if m.concept is None else "national"))
            if m.year is not None:
                self.add(node, T.year, _nt_year(m.year))
            for a in m.aliases:
                self.add(node, T.alias, nt_literal(a))
            self.evidence(node, r, m.span, m.quote, m.quote_original)
            self.add(bureau, T.implements, concept)
            by_label.setdefault(m.label, node)
            for a in m.aliases:
                by_label.setdefault(a, node)

        for x, iri in zip(f.metrics, _metric_iris(f), strict=True):
            self.metric(iri, x, bureau, r, by_label)

    def metric(self, iri: str, x: Metric, bureau: str, report: str, by_label: dict[str, str]) -> None:
        node = nt_iri(iri)
        self.add(node, T.type, T.Metric)
        self.add(node, T.indicator, nt_literal(x.indicator))
        if x.value is not None:
            self.add(node, T.value, _nt_decimal(x.value))
        self.add(node, T.unit, _nt_word(x.unit))
        if x.base_value is not None:
            self.add(node, T.baseValue, _nt_decimal(x.base_value))
        if x.base_unit:
            self.add(node, T.baseUnit, nt_literal(x.base_unit))
        self.add(node, T.comparator, _nt_word(x.comparator))
        if x.year is not None:
            self.add(node, T.year, _nt_year(x.year))
        self.add(node, T.status, _nt_word(x.status))
        self.add(node, T.redacted, T.true if x.redacted else T.false)
        if x.change:
            self.add(node, T.change, _nt_word(x.change))
        self.add(node, T.bureau, bureau)
        if x.initiative and x.initiative in by_label:
            self.add(node, T.initiative, by_label[x.initiative])
        if x.indicator_concept:
            self.add(node, T.indicatorConcept, self.indicator(x.indicator_concept))
        check = self.targets.get(iri)
        if check is not None:
            if check.outcome is not None:
                self.add(node, T.outcome, nt_iri(check.outcome))
            self.add(node, T.verdict, _nt_word(check.verdict))
        self.evidence(node, report, x.span, x.quote, x.quote_original)

    def indicator(self, iid: str) -> str:
        """The indicator concept, described once with its quantity kind and domain; an id the
        scheme lacks is written bare, so SHACL reports (and drops) the metric that uses it."""
        node = _indicator_nt(iid)
        if node in self.concepts_done:
            return node
        self.concepts_done.add(node)
        ind = self.indicators.indicators.get(iid) if self.indicators else None
        if ind is None:
            self.add(node, T.type, T.Concept)
            return node
        kind, domain = self.indicators.kinds[ind.kind], self.indicators.domains[ind.domain]
        kind_node, domain_node = nt_term(V.INDICATOR[kind.id]), nt_term(V.INDICATOR[domain.id])
        self.scheme_concept(node, T.Indicator, ind.pref_label, ind.en_label)
        self.add(T.INDICATOR_SCHEME, T.type, T.ConceptScheme)
        self.add(node, T.quantityKind, kind_node)
        self.add(node, T.broader, domain_node)
        if ind.growth_rate:
            self.add(node, T.growthRate, T.true)
        if ind.gross_rate:
            self.add(node, T.grossRate, T.true)
        if kind_node not in self.concepts_done:
            self.concepts_done.add(kind_node)
            self.scheme_concept(kind_node, T.QuantityKind, kind.pref_label, kind.en_label, in_scheme=False)
            for u in sorted(kind.units):
                self.add(kind_node, T.kindUnit, nt_literal(u))
        if domain_node not in self.concepts_done:
            self.concepts_done.add(domain_node)
            self.scheme_concept(domain_node, T.Theme, domain.pref_label, domain.en_label)
        return node

    def scheme_concept(self, node: str, cls: str, zh: str, en: str | None, in_scheme: bool = True) -> None:
        """A SKOS concept of the indicator scheme: its types and labels (once per builder)."""
        self.add(node, T.type, T.Concept)
        self.add(node, T.type, cls)
        if in_scheme:
            self.add(node, T.inScheme, T.INDICATOR_SCHEME)
        self.add(node, T.prefLabel, _nt_zh(zh))
        if en:
            self.add(node, T.prefLabel, nt_literal(en, "en"))


@lru_cache(maxsize=1024)
def _indicator_nt(iid: str) -> str:
    return nt_term(V.INDICATOR[urlquote(iid, safe="-_.~")])


def metric_iris(f: ReportFacts) -> list[URIRef]:
    """The IRIs of a report's metrics, in order: what another file's target check points to."""
    return [URIRef(i) for i in _metric_iris(f)]


def _metric_iris(f: ReportFacts) -> list[str]:
    used: set[str] = set()
    return [_unique(f"{_ID}metric/{f.key}/{x.span[0]}-{x.span[1]}", f"{x.indicator}|{x.value}|{x.unit}", used)
            for x in f.metrics]


def _unique(node: str, disambiguator: str, used: set[str]) -> str:
    """Two facts on the same span of one report get distinct, still deterministic, IRIs."""
    if node in used:
        node = f"{node}-{short_hash(disambiguator, 6)}"
        while node in used:
            node = f"{node}x"
    used.add(node)
    return node


@lru_cache(maxsize=1)
def default_indicators() -> IndicatorScheme | None:
    """The indicator scheme at ontology/indicators.ttl, or None when there is none."""
    return load_indicators() if indicators_path().is_file() else None


def build_graph(facts: Iterable[ReportFacts], taxonomy: Taxonomy | None = None,
                indicators: IndicatorScheme | None = None,
                targets: Mapping[str, TargetCheck] | None = None) -> Graph:
    """The RDF graph of every report's facts.

    ``taxonomy``: by default the one at ``ontology/initiatives.ttl`` when present (see
    :func:`concept_lookup`). Shared concepts absent from it are written outside the scheme so that
    validation reports (and drops) the mentions that use them.
    """
    b = _Builder(concept_lookup(taxonomy), indicators, targets)
    for f in facts:
        b.report(f)
    return to_graph(parse_nt("".join(b.lines)), new_graph())


def report_lines(facts: Iterable[ReportFacts],
                 concepts: dict[URIRef, ConceptInfo] | None = None,
                 indicators: IndicatorScheme | None = None,
                 targets: Mapping[str, TargetCheck] | None = None) -> list[str]:
    """The N-Triples lines of some reports (typically one file's), self-contained: every shared
    node they use (bureau, region chain, concepts, themes) is described in full, so the set can
    be validated, turned into facts.json and merged with other files' sets on its own. Lines
    repeat, within a set and between sets; the merge removes them. ``concepts``: from
    :func:`concept_lookup` (computed once per process, not per file); None trusts extraction's
    concept ids. ``indicators``: the indicator scheme (None: ontology/indicators.ttl);
    ``targets``: the checks of planned metrics by their IRI (kg.pipeline.targets), written on the
    planned metric."""
    b = _Builder(concepts, indicators, targets)
    for f in facts:
        b.report(f)
    return b.lines


def report_triples(facts: Iterable[ReportFacts],
                   concepts: dict[URIRef, ConceptInfo] | None = None,
                   indicators: IndicatorScheme | None = None,
                   targets: Mapping[str, TargetCheck] | None = None) -> list[tuple]:
    """:func:`report_lines` as rdflib-term triples, each once."""
    return list(parse_nt("".join(dict.fromkeys(report_lines(facts, concepts, indicators, targets)))))
