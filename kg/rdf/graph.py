"""ReportFacts → rdflib Graph in the edu-kg ontology (ontology/edu.ttl), with deterministic IRIs.

IRIs are built from content, never from counters or run order, so the same facts give the same
graph in any order:

- region     ``id:region/<GB/T 2260 code>`` (``region/name-<hash>`` when only names are known or the
             gazetteer gives the code to several places)
- bureau     ``id:bureau/<region code>/<hash of name>``; an anonymized bureau, or one whose region is
             unknown, is scoped to its report: ``id:bureau/anon-<report key>/<hash of name>``, so two
             "X区教育局" of different reports are never merged
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

__all__ = ["build_graph", "report_triples", "concept_lookup", "ConceptInfo", "short_hash",
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
# build writes the same years, offsets, flags and statuses over and over.

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


def _bool(b) -> Literal:
    return _TRUE if b else _FALSE


@lru_cache(maxsize=4096)
def _word(s: str) -> Literal:
    """A plain string from a small vocabulary (status, scope, level, unit...)."""
    return Literal(s)


def _str(s: str) -> Literal:
    return Literal(s)


def _zh(s: str) -> Literal:
    return Literal(s, lang="zh")


# --- IRIs ----------------------------------------------------------------------------------------

def report_iri(f: ReportFacts) -> URIRef:
    return V.ID[f"report/{f.key}"]


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
    """``<region key>/<hash of name>``, report-scoped when anonymized, unnamed or region unknown."""
    levels = _region_levels(b.region) if b.region else []
    name_hash = short_hash(b.name or "")
    if b.anonymized or not b.name or not levels:
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

class _Builder:
    """Emits triples into a plain list (kg.terms.triples): adding to an rdflib Graph costs more than
    building the facts. Shared nodes (regions, concepts) are written once per builder."""

    def __init__(self, concepts: dict[URIRef, ConceptInfo] | None,
                 indicators: IndicatorScheme | None = None,
                 targets: Mapping[str, TargetCheck] | None = None):
        self.triples: list[tuple] = []
        self.concepts = concepts
        self.targets = targets or {}
        self.indicators = indicators if indicators is not None else default_indicators()
        self.concepts_done: set[URIRef] = set()
        self.regions_done: set[URIRef] = set()

    def add(self, s, p, o) -> None:
        self.triples.append((s, p, o))

    # regions
    def region(self, r: Region | None) -> URIRef | None:
        if r is None:
            return None
        levels = _region_levels(r)
        parent = None
        node = None
        for i, (level, name, code) in enumerate(levels):
            node = V.ID[f"region/{_region_key(levels, i)}"]
            if node not in self.regions_done:
                self.regions_done.add(node)
                self.add(node, RDF.type, V.Region)
                self.add(node, V.level, _word(level))
                if name:
                    self.add(node, RDFS.label, _zh(name))
                if code:
                    self.add(node, V.adminCode, _str(code))
            if parent is not None:
                self.add(node, V.partOf, parent)
            parent = node
        return node

    def bureau(self, b: Bureau, report_key: str) -> tuple[URIRef, str]:
        key = _bureau_key(b, report_key)
        node = V.ID[f"bureau/{key}"]
        self.add(node, RDF.type, V.Bureau)
        if b.name:
            self.add(node, RDFS.label, _zh(b.name))
        self.add(node, V.anonymized, _bool(b.anonymized))
        level = b.level or (b.region.level if b.region else None)
        if level:
            self.add(node, V.level, _word(level))
        reg = self.region(b.region)
        if reg is not None:
            self.add(node, V.region, reg)
            self.add(reg, V.hasBureau, node)
        elif not b.anonymized:
            self.add(node, V.regionUnknown, Literal(True))
        return node, key

    def concept(self, m: InitiativeMention, bureau_key: str) -> URIRef:
        if m.concept is None:
            node = V.LOCAL[f"{bureau_key}/{short_hash(m.label)}"]
            if node not in self.concepts_done:
                self.concepts_done.add(node)
                self.add(node, RDF.type, SKOS.Concept)
                self.add(node, RDF.type, V.LocalInitiative)
                self.add(node, SKOS.prefLabel, _zh(m.label))
                self.add(node, V.scope, _word("local"))
            return node
        node = _concept_iri(m.concept)
        if node in self.concepts_done:
            return node
        self.concepts_done.add(node)
        self.add(node, RDF.type, SKOS.Concept)
        if self.concepts is None:  # no taxonomy at hand: trust extraction's id
            self.add(node, SKOS.prefLabel, _zh(m.label))
            self.add(node, SKOS.inScheme, V.SCHEME)
            self.add(V.SCHEME, RDF.type, SKOS.ConceptScheme)
            return node
        info = self.concepts.get(node)
        if info is None:  # unknown id: left out of the scheme, so SHACL reports the mention
            self.add(node, SKOS.prefLabel, _zh(m.label))
            return node
        self.add(node, SKOS.inScheme, V.SCHEME)
        self.add(V.SCHEME, RDF.type, SKOS.ConceptScheme)
        self.add(node, SKOS.prefLabel, _zh(info.pref_label))
        if info.en_label:
            self.add(node, SKOS.prefLabel, Literal(info.en_label, lang="en"))
        if info.theme is not None:
            self.add(node, SKOS.broader, info.theme)
            self.add(info.theme, RDF.type, V.Theme)
            self.add(info.theme, RDF.type, SKOS.Concept)
            if info.theme_label:
                self.add(info.theme, SKOS.prefLabel, _zh(info.theme_label))
            if info.theme_en_label:
                self.add(info.theme, SKOS.prefLabel, Literal(info.theme_en_label, lang="en"))
        return node

    def evidence(self, node: URIRef, report: URIRef, span, quote: str, original: str) -> None:
        self.add(node, PROV.wasDerivedFrom, report)
        self.add(node, V.quote, _str(quote))
        self.add(node, V.quoteOriginal, _str(original))
        self.add(node, V.startOffset, _int(span[0]))
        self.add(node, V.endOffset, _int(span[1]))

    def report(self, f: ReportFacts) -> None:
        g_report = report_iri(f)
        src = V.ID[f"source/{f.source.sha256[:16]}"]
        self.add(src, RDF.type, V.SourceFile)
        self.add(src, V.fileName, _str(f.source.name))
        self.add(src, V.sha256, _str(f.source.sha256))
        if f.source.format:
            self.add(src, DCTERMS["format"], _word(f.source.format))

        bureau, bkey = self.bureau(f.bureau, f.key)
        r = g_report
        self.add(r, RDF.type, V.Report)
        self.add(r, V.sourceFile, src)
        self.add(r, V.issuedBy, bureau)
        self.add(r, V.reportIndex, _int(f.index))
        self.add(r, V.head, _str(f.head))
        if f.title:
            self.add(r, DCTERMS.title, _str(f.title))
        if f.summary_year is not None:
            self.add(r, V.summaryYear, year_literal(f.summary_year))
        if f.plan_year is not None:
            self.add(r, V.planYear, year_literal(f.plan_year))
        kind = {(True, True): "summary-plan", (True, False): "summary", (False, True): "plan",
                (False, False): "other"}[(f.summary_year is not None, f.plan_year is not None)]
        self.add(r, V.kind, _word(kind))
        self.add(r, V.startOffset, _int(f.span[0]))
        self.add(r, V.endOffset, _int(f.span[1]))

        by_label: dict[str, URIRef] = {}
        used: set[URIRef] = set()
        for m in f.mentions:
            node = _unique(V.ID[f"mention/{f.key}/{m.span[0]}-{m.span[1]}"], m.label, used)
            concept = self.concept(m, bkey)
            self.add(node, RDF.type, V.InitiativeMention)
            self.add(node, RDFS.label, _zh(m.label))
            self.add(node, V.bureau, bureau)
            self.add(node, V.concept, concept)
            self.add(node, V.status, _word(m.status))
            self.add(node, V.scope, _word("local" if m.concept is None else "national"))
            if m.year is not None:
                self.add(node, V.year, year_literal(m.year))
            for a in m.aliases:
                self.add(node, V.alias, _str(a))
            self.evidence(node, r, m.span, m.quote, m.quote_original)
            self.add(bureau, V.implements, concept)
            by_label.setdefault(m.label, node)
            for a in m.aliases:
                by_label.setdefault(a, node)

        for x, node in zip(f.metrics, metric_iris(f), strict=True):
            self.metric(node, x, bureau, r, by_label)

    def metric(self, node: URIRef, x: Metric, bureau: URIRef, report: URIRef,
               by_label: dict[str, URIRef]) -> None:
        self.add(node, RDF.type, V.Metric)
        self.add(node, V.indicator, _str(x.indicator))
        if x.value is not None:
            self.add(node, V.value, decimal_literal(x.value))
        self.add(node, V.unit, _word(x.unit))
        if x.base_value is not None:
            self.add(node, V.baseValue, decimal_literal(x.base_value))
        if x.base_unit:
            self.add(node, V.baseUnit, _str(x.base_unit))
        self.add(node, V.comparator, _word(x.comparator))
        if x.year is not None:
            self.add(node, V.year, year_literal(x.year))
        self.add(node, V.status, _word(x.status))
        self.add(node, V.redacted, _bool(x.redacted))
        self.add(node, V.bureau, bureau)
        if x.initiative and x.initiative in by_label:
            self.add(node, V.initiative, by_label[x.initiative])
        if x.indicator_concept:
            self.add(node, V.indicatorConcept, self.indicator(x.indicator_concept))
        check = self.targets.get(str(node))
        if check is not None:
            if check.outcome is not None:
                self.add(node, V.outcome, URIRef(check.outcome))
            self.add(node, V.verdict, _word(check.verdict))
        self.evidence(node, report, x.span, x.quote, x.quote_original)

    def indicator(self, iid: str) -> URIRef:
        """The indicator concept, described once with its quantity kind and domain; an id the
        scheme lacks is written bare, so SHACL reports (and drops) the metric that uses it."""
        node = V.INDICATOR[urlquote(iid, safe="-_.~")]
        if node in self.concepts_done:
            return node
        self.concepts_done.add(node)
        ind = self.indicators.indicators.get(iid) if self.indicators else None
        if ind is None:
            self.add(node, RDF.type, SKOS.Concept)
            return node
        kind, domain = self.indicators.kinds[ind.kind], self.indicators.domains[ind.domain]
        kind_node, domain_node = V.INDICATOR[kind.id], V.INDICATOR[domain.id]
        self.scheme_concept(node, V.Indicator, ind.pref_label, ind.en_label)
        self.add(V.INDICATOR_SCHEME, RDF.type, SKOS.ConceptScheme)
        self.add(node, V.quantityKind, kind_node)
        self.add(node, SKOS.broader, domain_node)
        if ind.growth_rate:
            self.add(node, V.growthRate, Literal(True))
        if kind_node not in self.concepts_done:
            self.concepts_done.add(kind_node)
            self.scheme_concept(kind_node, V.QuantityKind, kind.pref_label, kind.en_label, in_scheme=False)
            for u in sorted(kind.units):
                self.add(kind_node, V.kindUnit, _str(u))
        if domain_node not in self.concepts_done:
            self.concepts_done.add(domain_node)
            self.scheme_concept(domain_node, V.Theme, domain.pref_label, domain.en_label)
        return node

    def scheme_concept(self, node: URIRef, cls: URIRef, zh: str, en: str | None, in_scheme: bool = True) -> None:
        """A SKOS concept of the indicator scheme: its types and labels (once per builder)."""
        self.add(node, RDF.type, SKOS.Concept)
        self.add(node, RDF.type, cls)
        if in_scheme:
            self.add(node, SKOS.inScheme, V.INDICATOR_SCHEME)
        self.add(node, SKOS.prefLabel, _zh(zh))
        if en:
            self.add(node, SKOS.prefLabel, Literal(en, lang="en"))


def metric_iris(f: ReportFacts) -> list[URIRef]:
    """The IRIs of a report's metrics, in order: what another file's target check points to."""
    used: set[URIRef] = set()
    return [_unique(V.ID[f"metric/{f.key}/{x.span[0]}-{x.span[1]}"], f"{x.indicator}|{x.value}|{x.unit}", used)
            for x in f.metrics]


def _unique(node: URIRef, disambiguator: str, used: set[URIRef]) -> URIRef:
    """Two facts on the same span of one report get distinct, still deterministic, IRIs."""
    if node in used:
        node = URIRef(f"{node}-{short_hash(disambiguator, 6)}")
        while node in used:
            node = URIRef(f"{node}x")
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
    g = new_graph()
    for t in b.triples:
        g.add(t)
    return g


def report_triples(facts: Iterable[ReportFacts],
                   concepts: dict[URIRef, ConceptInfo] | None = None,
                   indicators: IndicatorScheme | None = None,
                   targets: Mapping[str, TargetCheck] | None = None) -> list[tuple]:
    """The triples of some reports (typically one file's), self-contained: every shared node they
    use (bureau, region chain, concepts, themes) is described in full, so the set can be
    validated, turned into facts.json and merged with other files' sets on its own. Duplicates
    between sets are expected; the merge removes them. ``concepts``: from :func:`concept_lookup`
    (computed once per process, not per file); None trusts extraction's concept ids.
    ``indicators``: the indicator scheme (None: ontology/indicators.ttl); ``targets``: the checks
    of planned metrics by their IRI (kg.pipeline.targets), written on the planned metric."""
    b = _Builder(concepts, indicators, targets)
    for f in facts:
        b.report(f)
    return b.triples
