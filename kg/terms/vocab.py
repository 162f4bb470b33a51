"""rdflib namespaces for the edu-kg ontology and the W3C vocabularies it reuses.

Bottom floor: the only place IRIs are spelled out. Every term used in code goes through these
namespaces; ``ontology/edu.ttl`` declares each EDU term (a test checks that they agree).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/edu-kg/"

EDU = Namespace(BASE + "ontology#")  # classes and properties (ontology/edu.ttl)
ID = Namespace(BASE + "id/")  # data: bureaus, regions, reports, mentions, metrics
CONCEPT = Namespace(BASE + "initiative/")  # shared SKOS concepts (ontology/initiatives.ttl)
LOCAL = Namespace(BASE + "initiative/local/")  # per-bureau local initiative concepts
INDICATOR = Namespace(BASE + "indicator/")  # shared indicator concepts (ontology/indicators.ttl)
SCHEMA = Namespace("https://schema.org/")
SHAPE = Namespace(BASE + "shapes#")  # SHACL shapes (ontology/shapes.ttl)

SCHEME = CONCEPT["scheme"]  # the skos:ConceptScheme of shared initiatives
INDICATOR_SCHEME = INDICATOR["scheme"]  # the skos:ConceptScheme of standard indicators

PREFIXES = {
    "edu": EDU,
    "id": ID,
    "ini": CONCEPT,
    "local": LOCAL,
    "ind": INDICATOR,
    "schema": SCHEMA,
    "skos": SKOS,
    "org": ORG,
    "prov": PROV,
    "dcterms": DCTERMS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}
# the same map as plain strings, which pyoxigraph's parsers, writers and queries take
PREFIX_IRIS: dict[str, str] = {k: str(v) for k, v in PREFIXES.items()}

# --- classes -----------------------------------------------------------------------------
Bureau = EDU.Bureau  # rdfs:subClassOf org:Organization
Region = EDU.Region  # an administrative division
Report = EDU.Report  # rdfs:subClassOf prov:Entity, a document
SourceFile = EDU.SourceFile  # the input file a report came from
InitiativeMention = EDU.InitiativeMention  # n-ary: bureau + concept + report + year + status
Metric = EDU.Metric  # rdfs:subClassOf schema:QuantitativeValue
LocalInitiative = EDU.LocalInitiative  # rdfs:subClassOf skos:Concept, scope local
Theme = EDU.Theme  # rdfs:subClassOf skos:Concept, the skos:broader of shared initiatives
Fact = EDU.Fact  # superclass of InitiativeMention and Metric: an extracted statement with evidence
Indicator = EDU.Indicator  # rdfs:subClassOf skos:Concept, a standard education indicator
QuantityKind = EDU.QuantityKind  # rdfs:subClassOf skos:Concept: percentage, money, area, schools ...

# --- properties --------------------------------------------------------------------------
# Region
adminCode = EDU.adminCode  # xsd:string, GB/T 2260 code
level = EDU.level  # "province" | "city" | "county"
partOf = EDU.partOf  # Region -> parent Region (subPropertyOf dcterms:isPartOf)
hasBureau = EDU.hasBureau  # Region -> Bureau (convenience, inverse of region)
# Bureau
region = EDU.region  # Bureau -> Region
anonymized = EDU.anonymized  # xsd:boolean
regionUnknown = EDU.regionUnknown  # xsd:boolean true: named bureau whose region was not resolved
implements = EDU.implements  # Bureau -> skos:Concept (convenience)
# Report
issuedBy = EDU.issuedBy  # Report -> Bureau (subPropertyOf dcterms:creator)
summaryYear = EDU.summaryYear  # xsd:gYear
planYear = EDU.planYear  # xsd:gYear
reportIndex = EDU.reportIndex  # xsd:integer, position in the source file
sourceFile = EDU.sourceFile  # Report -> SourceFile (subPropertyOf dcterms:source)
kind = EDU.kind  # "summary" | "plan" | "summary-plan" | "other" (from the years found)
head = EDU.head  # first 300 characters of the cleaned body
sha256 = EDU.sha256  # SourceFile content hash
fileName = EDU.fileName  # SourceFile name without folders
# InitiativeMention
bureau = EDU.bureau  # Mention/Metric -> Bureau
concept = EDU.concept  # Mention -> skos:Concept (shared or local)
year = EDU.year  # xsd:gYear
status = EDU.status  # "achieved" | "planned" | "both"
scope = EDU.scope  # "national" | "local"
alias = EDU.alias  # surface form seen in the text
# Metric
indicator = EDU.indicator  # what is measured
unit = SCHEMA.unitText  # unit as written
value = SCHEMA.value  # xsd:decimal, as written
baseValue = EDU.baseValue  # xsd:decimal, in baseUnit
baseUnit = EDU.baseUnit  # "元" | "人" | "ratio" | ...
comparator = EDU.comparator  # "=" ">=" ">" "<=" "<" "~"
redacted = EDU.redacted  # xsd:boolean
change = EDU.change  # "increase" | "decrease": a change against an earlier figure (none: a level)
initiative = EDU.initiative  # Metric -> InitiativeMention
indicatorConcept = EDU.indicatorConcept  # Metric -> Indicator (the shared concept it measures)
outcome = EDU.outcome  # planned Metric -> the achieved Metric its bureau reported for that year
verdict = EDU.verdict  # on a planned Metric: "met" | "exceeded" | "missed" | "no-outcome" | "not-comparable"
# Indicator (ontology/indicators.ttl)
quantityKind = EDU.quantityKind  # Indicator -> QuantityKind
kindUnit = EDU.kindUnit  # QuantityKind -> a base unit its values may take ("元", "ratio", "所" ...)
growthRate = EDU.growthRate  # xsd:boolean true on a percentage that may pass 100 (a growth rate)
grossRate = EDU.grossRate  # xsd:boolean true on a gross ratio (毛入学率): may pass 100, never negative
statisticalDefinition = EDU.statisticalDefinition  # the national statistical definition it follows
# Evidence (on mentions and metrics); prov:wasDerivedFrom points to the Report
quote = EDU.quote  # simplified
quoteOriginal = EDU.quoteOriginal  # in the original script
startOffset = EDU.startOffset  # xsd:integer, into the original source text
endOffset = EDU.endOffset  # xsd:integer
