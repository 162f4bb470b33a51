"""One reading of a built graph: the records facts.json (``export``) and the viewer (``network``)
are made from.

Both outputs used to walk the RDF graph with their own helpers for years, strings, booleans and
labels; here is the one place that decides how a graph value becomes a Python value:

* one value of a property: the smallest N-Triples text when there are several (SHACL allows
  one; the choice must not depend on the store's order);
* a label: Chinese first, then untagged, then any other language, ties by text;
* a year: the four digits a gYear starts with ("2021", "2021Z", "2021+08:00");
* a boolean: ``true`` / ``1`` in any case;
* a number: a JSON number (423.0 → 423, 31.60 → 31.6), None when not a number;
* a report's file: its source's edu:fileName, else the last segment of the source's IRI;
* a bureau's level: its own edu:level, else that of its region.

Works on an rdflib ``Graph`` and on ``kg.terms.triples.TripleIndex`` alike (a build worker reads
one file's triples, the viewer the whole graph): only ``subject_objects`` and ``subjects`` are
asked, once per predicate. rdflib's ``Graph.value`` costs a store lookup per call and a
10k-report graph would ask it hundreds of thousands of times, so each predicate is indexed on
first use. Records are built on demand and cached, one per node.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.terms import vocab as V
from kg.terms.triples import TripleIndex, nt_term

__all__ = ["GraphReader", "RegionStep", "BureauRecord", "ReportRecord", "FactRecord",
           "MentionRecord", "MetricRecord", "ConceptRecord", "local_name", "json_number"]


@dataclass(frozen=True, slots=True)
class RegionStep:
    """One region on a bureau's chain: its IRI, name (None: unnamed) and level word."""

    iri: Node
    label: str | None
    level: str | None


@dataclass(frozen=True, slots=True)
class BureauRecord:
    iri: Node
    label: str | None  # rdfs:label or skos:prefLabel; None: the report never named its issuer
    anonymized: bool
    level: str | None  # the bureau's own edu:level, else that of its region (the last step of path)
    region: Node | None
    path: tuple[RegionStep, ...]  # province first, down to ``region``; () without a region


@dataclass(frozen=True, slots=True)
class FactRecord:
    """What every extracted fact carries: where it came from and the evidence."""

    iri: Node
    report: Node | None  # prov:wasDerivedFrom (a metric: else that of its initiative mention)
    bureau: Node | None  # edu:bureau, else its report's issuer
    status: str | None
    year: int | None
    quote: str | None
    quote_original: str | None
    offset: int  # edu:startOffset; -1 when absent
    end: int  # edu:endOffset; -1 when absent


@dataclass(frozen=True, slots=True)
class MentionRecord(FactRecord):
    concept: Node | None
    label: str | None  # the words the report used (rdfs:label)
    aliases: tuple[str, ...]  # sorted, each once


@dataclass(frozen=True, slots=True)
class MetricRecord(FactRecord):
    initiative: Node | None  # the InitiativeMention it measures (edu:initiative)
    indicator: str | None
    value: str | None  # schema:value as written ("31.60")
    number: int | float | None  # schema:value as a JSON number (31.6); None when not a number
    unit: str | None
    comparator: str | None
    redacted: bool
    base_number: int | float | None  # edu:baseValue as a JSON number, in base_unit
    base_unit: str | None
    indicator_concept: str | None  # the shared indicator's id (ind:<id>), when it maps to one
    indicator_label: str | None  # that indicator's skos:prefLabel (Chinese first); None: unmapped
    outcome: Node | None  # a target's achieved metric (edu:outcome), possibly of another report
    verdict: str | None  # a checked target's edu:verdict ("met", "missed", …); None: no target
    change: str | None = None  # edu:change: "increase" | "decrease" against an earlier figure; None: a level


@dataclass(frozen=True, slots=True)
class ReportRecord:
    iri: Node
    source: Node | None  # the SourceFile (edu:sourceFile, else the dcterms:source super-property)
    file_name: str | None  # its edu:fileName, else the last segment of its IRI; None: no source
    index: int | None  # 1-based place in its file (edu:reportIndex)
    head: str
    summary_year: int | None
    plan_year: int | None
    bureau: Node | None  # edu:issuedBy
    mentions: tuple[MentionRecord, ...]  # typed InitiativeMentions derived from it, by offset
    metrics: tuple[MetricRecord, ...]  # typed Metrics derived from it, by offset


@dataclass(frozen=True, slots=True)
class ConceptRecord:
    iri: Node
    label: str | None  # skos:prefLabel or rdfs:label
    local: bool  # an edu:LocalInitiative (or scope "local")
    themes: tuple[Node, ...]  # ancestors typed edu:Theme; without any, the direct broader ones


# --------------------------------------------------------------------------- literal values
_YEAR = re.compile(r"\s*(\d{4})")


def year_of(lit: Any) -> int | None:
    """gYear literal ("2021", "2021Z", "2021+08:00") → 2021; None when absent or malformed."""
    if lit is None:
        return None
    m = _YEAR.match(str(lit))
    return int(m.group(1)) if m else None


def text_of(lit: Any) -> str | None:
    return None if lit is None else str(lit)


def bool_of(lit: Any) -> bool:
    if lit is None:
        return False
    value = lit.toPython() if isinstance(lit, Literal) else lit
    return value is True or str(value).lower() in ("true", "1")


def int_of(lit: Any) -> int | None:
    try:
        return int(str(lit)) if lit is not None else None
    except ValueError:
        return None


def json_number(v: Any) -> int | float:
    """A number as JSON writes it: integral values as int (423.0 → 423), others as float."""
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _number_of(lit: Any) -> int | float | None:
    if not isinstance(lit, Literal):
        return None
    try:
        return json_number(lit.toPython())
    except (InvalidOperation, ValueError, OverflowError):  # ill-typed: SHACL reports it, no number
        return None


def local_name(node: Any) -> str:
    """The last segment of an IRI, for nodes without a label."""
    text = str(node)
    return re.split(r"[/#]", text.rstrip("/#"))[-1] or text


# rdflib's closed namespaces resolve attributes on every access: look them up once
_TYPE, _LABEL, _PREF, _BROADER = RDF.type, RDFS.label, SKOS.prefLabel, SKOS.broader
_DERIVED, _DC_SOURCE = PROV.wasDerivedFrom, DCTERMS.source


def _label_rank(lit: Literal) -> tuple[int, str]:
    lang = (lit.language or "").lower()
    return (0 if lang.startswith("zh") else 1 if not lang else 2, str(lit))


# --------------------------------------------------------------------------- the reader
class GraphReader:
    """Typed records of a built graph (rdflib ``Graph`` or ``TripleIndex``), built on demand.

    A ``TripleIndex`` answers ``objects(s, p)`` with two dictionary look-ups, so it is asked
    directly; an rdflib ``Graph`` pays a store lookup per call, so each predicate is scanned once
    (through rdflib's predicate index) into a dictionary on first use."""

    def __init__(self, graph: Any):
        self.g = graph
        self._direct = isinstance(graph, TripleIndex)
        self._all: dict[Node, dict[Node, list[Node]]] = {}
        self._typed: dict[Node, set[Node]] = {}
        self._derived: dict[Node, list[Node]] | None = None
        self._records: dict[str, dict[Node, Any]] = defaultdict(dict)  # kind → node → record
        # the record builders ask ``_get`` (never with a None subject) a dozen times per fact
        self._get = graph.value if self._direct else self._indexed_value

    # ----- raw access
    def objects(self, subject: Node | None, pred: Node) -> list[Node]:
        if subject is None:
            return []
        if self._direct:
            return list(self.g.objects(subject, pred))
        index = self._all.get(pred)
        if index is None:
            index = self._all[pred] = defaultdict(list)
            for s, o in self.g.subject_objects(pred):
                index[s].append(o)
        return index.get(subject, [])

    def value(self, subject: Node | None, pred: Node) -> Node | None:
        """The object of ``subject pred``; of several, the smallest N-Triples text (the rule of
        ``TripleIndex.value``, so the choice never depends on the store's order)."""
        return None if subject is None else self._get(subject, pred)

    def _indexed_value(self, subject: Node, pred: Node) -> Node | None:
        found = self.objects(subject, pred)
        if len(found) < 2:
            return found[0] if found else None
        return min(found, key=nt_term)

    def describes(self, node: Node) -> bool:
        """Whether the graph says anything of ``node`` (as a subject)."""
        return self.g.has_subject(node) if self._direct else (node, None, None) in self.g

    def typed(self, cls: Node) -> set[Node]:
        """Every node of rdf:type ``cls``."""
        found = self._typed.get(cls)
        if found is None:
            found = self._typed[cls] = set(self.g.subjects(_TYPE, cls))
        return found

    def label(self, node: Node | None, *preds: Node) -> str | None:
        """Chinese label first, then untagged, then any; ties by text. None without a literal."""
        labels = [o for p in preds for o in self.objects(node, p) if isinstance(o, Literal)]
        return str(min(labels, key=_label_rank)) if labels else None

    def _derived_from(self, report: Node) -> list[Node]:
        if self._direct:
            return list(self.g.subjects(_DERIVED, report))
        if self._derived is None:
            self._derived = defaultdict(list)
            for s, o in self.g.subject_objects(_DERIVED):
                self._derived[o].append(s)
        return self._derived.get(report, [])

    def _cached(self, kind: str, node: Node, make) -> Any:
        done = self._records[kind]
        rec = done.get(node)
        if rec is None:
            rec = done[node] = make(node)
        return rec

    # ----- records
    def issuers(self) -> dict[Node, Node]:
        """Report (anything with an edu:issuedBy) → its bureau."""
        reports = dict.fromkeys(s for s, _ in self.g.subject_objects(V.issuedBy))
        return {r: self.value(r, V.issuedBy) for r in reports}

    def reports(self) -> list[ReportRecord]:
        """Every typed edu:Report, in no particular order."""
        return [self.report(r) for r in self.typed(V.Report)]

    def report(self, node: Node) -> ReportRecord:
        return self._cached("report", node, self._report)

    def _report(self, r: Node) -> ReportRecord:
        src = self._get(r, V.sourceFile)
        if src is None:  # older graphs / other producers: the dcterms super-property
            src = self._get(r, _DC_SOURCE)
        facts = self._derived_from(r)
        by_offset = lambda rec: (rec.offset, str(rec.iri))  # noqa: E731
        mentions = self.typed(V.InitiativeMention)
        metrics = self.typed(V.Metric)
        return ReportRecord(
            iri=r, source=src,
            file_name=self._file_name(src),
            index=int_of(self._get(r, V.reportIndex)),
            head=text_of(self._get(r, V.head)) or "",
            summary_year=year_of(self._get(r, V.summaryYear)),
            plan_year=year_of(self._get(r, V.planYear)),
            bureau=self._get(r, V.issuedBy),
            mentions=tuple(sorted((self.mention(f) for f in set(facts) if f in mentions), key=by_offset)),
            metrics=tuple(sorted((self.metric(f) for f in set(facts) if f in metrics), key=by_offset)),
        )

    def _file_name(self, src: Node | None) -> str | None:
        if src is None:
            return None
        name = self._get(src, V.fileName)
        return text_of(name) if name is not None else local_name(src)

    def _fact(self, node: Node, report: Node | None) -> dict[str, Any]:
        """The fields every fact shares (see FactRecord)."""
        start = int_of(self._get(node, V.startOffset))
        end = int_of(self._get(node, V.endOffset))
        return {"iri": node, "report": report,
                "bureau": self._get(node, V.bureau) or self.value(report, V.issuedBy),
                "status": text_of(self._get(node, V.status)),
                "year": year_of(self._get(node, V.year)),
                "quote": text_of(self._get(node, V.quote)),
                "quote_original": text_of(self._get(node, V.quoteOriginal)),
                "offset": -1 if start is None else start, "end": -1 if end is None else end}

    def mentions(self) -> list[MentionRecord]:
        """Every typed edu:InitiativeMention, by IRI."""
        return [self.mention(m) for m in sorted(self.typed(V.InitiativeMention), key=str)]

    def mention(self, node: Node) -> MentionRecord:
        return self._cached("mention", node, self._mention)

    def _mention(self, m: Node) -> MentionRecord:
        return MentionRecord(
            **self._fact(m, self._get(m, _DERIVED)),
            concept=self._get(m, V.concept),
            label=self.label(m, _LABEL),
            aliases=tuple(sorted({str(a) for a in self.objects(m, V.alias)})),
        )

    def metrics(self) -> list[MetricRecord]:
        """Every typed edu:Metric, by IRI."""
        return [self.metric(x) for x in sorted(self.typed(V.Metric), key=str)]

    def metric(self, node: Node) -> MetricRecord:
        return self._cached("metric", node, self._metric)

    def _metric(self, x: Node) -> MetricRecord:
        ini = self._get(x, V.initiative)
        rep = self._get(x, _DERIVED)
        if rep is None and ini in self.typed(V.InitiativeMention):
            rep = self.mention(ini).report
        value = self._get(x, V.value)
        concept = self._get(x, V.indicatorConcept)
        return MetricRecord(
            **self._fact(x, rep),
            initiative=ini,
            indicator=text_of(self._get(x, V.indicator)),
            value=text_of(value), number=_number_of(value),
            unit=text_of(self._get(x, V.unit)),
            comparator=text_of(self._get(x, V.comparator)),
            redacted=bool_of(self._get(x, V.redacted)),
            base_number=_number_of(self._get(x, V.baseValue)),
            base_unit=text_of(self._get(x, V.baseUnit)),
            indicator_concept=str(concept).removeprefix(str(V.INDICATOR)) if concept is not None else None,
            indicator_label=self.label(concept, _PREF, _LABEL),
            outcome=self._get(x, V.outcome),
            verdict=text_of(self._get(x, V.verdict)),
            change=text_of(self._get(x, V.change)),
        )

    def bureau(self, node: Node) -> BureauRecord:
        return self._cached("bureau", node, self._bureau)

    def _bureau(self, b: Node) -> BureauRecord:
        region = self._get(b, V.region)
        path = self.region_path(region)
        level = self._get(b, V.level)
        return BureauRecord(
            iri=b, label=self.label(b, _LABEL, _PREF),
            anonymized=bool_of(self._get(b, V.anonymized)),
            level=text_of(level) if level is not None else path[-1].level if path else None,
            region=region, path=path,
        )

    def region_path(self, region: Node | None) -> tuple[RegionStep, ...]:
        """Top-down steps from the province to ``region`` (edu:partOf upwards)."""
        if region is None:
            return ()
        return self._cached("path", region, self._region_path)

    def _region_path(self, region: Node) -> tuple[RegionStep, ...]:
        chain: list[RegionStep] = []
        seen: set[Node] = set()
        node: Node | None = region
        while node is not None and node not in seen:  # partOf cycles must not hang us
            seen.add(node)
            chain.append(RegionStep(node, self.label(node, _LABEL), text_of(self._get(node, V.level))))
            node = self._get(node, V.partOf)
        return tuple(reversed(chain))

    def concept(self, node: Node) -> ConceptRecord:
        return self._cached("concept", node, self._concept)

    def _concept(self, c: Node) -> ConceptRecord:
        return ConceptRecord(
            iri=c, label=self.label(c, _PREF, _LABEL),
            local=self.is_local(c),
            themes=self._themes(c),
        )

    def is_local(self, concept: Node) -> bool:
        """An edu:LocalInitiative (or a concept of scope "local"): one bureau's own initiative."""
        return concept in self.typed(V.LocalInitiative) or text_of(self._get(concept, V.scope)) == "local"

    def _themes(self, concept: Node) -> tuple[Node, ...]:
        broader = self.objects(concept, _BROADER)
        ancestors: set[Node] = set()
        frontier = set(broader)
        while frontier:  # breadth first; what was seen is never walked again (cycles end)
            ancestors |= frontier
            frontier = {p for n in frontier for p in self.objects(n, _BROADER)} - ancestors
        themes = ancestors & self.typed(V.Theme)
        return tuple(sorted(themes or set(broader), key=str))
