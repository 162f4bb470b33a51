"""The indicator scheme (ontology/indicators.ttl): standard education indicators as shared concepts.

One figure — 毛入园率, 新增学位, 教育经费投入 — compares across regions and years once every metric
that measures it points to one concept. Each indicator has a quantity kind, which names the base
units its values may take (percentage: ratio; money: 元; schools: 所 …), and a domain (preschool,
teachers, funding …). Loaded once per file and modification time, and checked: a broken file raises
DataFileError naming what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.core.config import ontology_dir
from kg.core.errors import DataFileError
from kg.terms import vocab as V
from kg.terms.taxonomy import label_of, labels_of, normalize
from kg.terms.triples import file_version, read_ontology_turtle

DEFAULT_FILE = "indicators.ttl"


@dataclass(frozen=True)
class QuantityKind:
    id: str
    pref_label: str
    en_label: str | None
    units: frozenset[str]  # base units (kg/data/units.toml) its values may take


@dataclass(frozen=True)
class Domain:
    id: str
    pref_label: str
    en_label: str | None


@dataclass(frozen=True)
class Indicator:
    id: str
    pref_label: str
    en_label: str | None
    alt_labels: tuple[str, ...]
    kind: str  # QuantityKind id
    domain: str  # Domain id
    growth_rate: bool = False  # a percentage that may pass 100% or fall below 0
    gross_rate: bool = False  # a gross ratio (毛入学率): may pass 100%, never below 0

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.pref_label, *self.alt_labels)


@dataclass(frozen=True)
class IndicatorScheme:
    indicators: dict[str, Indicator]
    kinds: dict[str, QuantityKind]
    domains: dict[str, Domain]
    path: str = ""

    def allows(self, indicator_id: str, base_unit: str | None) -> bool:
        """Whether a value in ``base_unit`` can measure the indicator (its kind takes that unit)."""
        ind = self.indicators.get(indicator_id)
        return ind is not None and base_unit in self.kinds[ind.kind].units

    def labels(self) -> dict[str, str]:
        """Every normalised label → indicator id (the file guarantees one owner per label)."""
        return {normalize(s): i.id for i in self.indicators.values() for s in i.surfaces if normalize(s)}


def default_path() -> Path:
    return ontology_dir() / DEFAULT_FILE


def load_indicators(path: str | Path | None = None) -> IndicatorScheme:
    """Load (once per path and modification time) and check the indicator scheme."""
    return _load(*file_version(Path(path) if path is not None else default_path(), "indicator scheme"))


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> IndicatorScheme:
    g = read_ontology_turtle(path, "indicator scheme")

    def local(node, what: str) -> str:
        s = str(node)
        if not s.startswith(str(V.INDICATOR)):
            raise DataFileError(f"{what} {s} is outside the namespace {V.INDICATOR}", path=path,
                                hint="use the ind: prefix")
        return s[len(str(V.INDICATOR)):]

    def zh(node) -> str:
        label = label_of(g, node, SKOS.prefLabel, "zh")
        if not label:
            raise DataFileError(f"{node} has no skos:prefLabel@zh", path=path)
        return label

    def one(node, pred, what: str) -> URIRef:
        vals = sorted(o for o in g.objects(node, pred) if isinstance(o, URIRef))
        if len(vals) != 1:
            raise DataFileError(f"{node} needs exactly one {what}, has {len(vals)}", path=path)
        return vals[0]

    kinds = {}
    for k in sorted(set(g.subjects(RDF.type, V.QuantityKind))):
        units = frozenset(str(u) for u in g.objects(k, V.kindUnit) if isinstance(u, Literal))
        if not units:
            raise DataFileError(f"quantity kind {k} lists no edu:kindUnit", path=path)
        kinds[local(k, "quantity kind")] = QuantityKind(local(k, "quantity kind"), zh(k),
                                                        label_of(g, k, SKOS.prefLabel, "en"), units)
    domains = {local(d, "domain"): Domain(local(d, "domain"), zh(d), label_of(g, d, SKOS.prefLabel, "en"))
               for d in sorted(set(g.subjects(RDF.type, V.Theme)))}
    indicators = {}
    for node in sorted(set(g.subjects(RDF.type, V.Indicator))):
        iid = local(node, "indicator")
        kind, domain = local(one(node, V.quantityKind, "edu:quantityKind"), "kind"), \
            local(one(node, SKOS.broader, "skos:broader domain"), "domain")
        if kind not in kinds or domain not in domains:
            raise DataFileError(f"indicator {iid}: unknown quantity kind {kind!r} or domain {domain!r}",
                                path=path, hint="declare it as an edu:QuantityKind / edu:Theme")
        growth, gross = (any(o.toPython() is True for o in g.objects(node, p) if isinstance(o, Literal))
                         for p in (V.growthRate, V.grossRate))
        indicators[iid] = Indicator(iid, zh(node), label_of(g, node, SKOS.prefLabel, "en"),
                                    tuple(labels_of(g, node, SKOS.altLabel, "zh")), kind, domain, growth, gross)
    owners: dict[str, str] = {}
    for ind in indicators.values():
        for s in ind.surfaces:
            other = owners.setdefault(normalize(s), ind.id)
            if other != ind.id:
                raise DataFileError(f"label {s!r} is claimed by {other} and {ind.id}", path=path,
                                    hint="keep each wording on one indicator")
    return IndicatorScheme(indicators, kinds, domains, path)
