"""ontology/indicators.ttl: the standard indicator scheme keeps the rules its header states."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg.core.chars import to_simplified
from kg.terms import vocab as V

ROOT = Path(__file__).resolve().parent.parent
ONTO = ROOT / "ontology"
PATH = ONTO / "indicators.ttl"
UNITS = ROOT / "kg" / "data" / "units.toml"
DECLARED_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}

# generic words that cannot tell one indicator from another (header rule)
GENERIC = {"学校", "学生", "教师", "资金", "投入", "投资", "项目", "工程", "数量", "经费", "人数", "设备",
           "活动", "教育", "建设", "培训"}


def key(label: str) -> str:
    return re.sub(r"\s+", "", to_simplified(str(label)))


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph().parse(PATH, format="turtle")


@pytest.fixture(scope="module")
def indicators(g) -> list[URIRef]:
    return sorted(g.subjects(RDF.type, V.Indicator))


@pytest.fixture(scope="module")
def domains(g) -> set[URIRef]:
    return {d for d in g.subjects(RDF.type, V.Theme) if (d, SKOS.topConceptOf, V.INDICATOR_SCHEME) in g}


def zh_en(g, s, p) -> tuple[list, list]:
    vals = list(g.objects(s, p))
    return [v for v in vals if v.language == "zh"], [v for v in vals if v.language == "en"]


def base_units() -> set[str]:
    counters = tomllib.loads(UNITS.read_text(encoding="utf-8"))["counters"]
    return set(counters.values()) | {"ratio"}


def test_scheme(g):
    s = V.INDICATOR_SCHEME
    assert (s, RDF.type, SKOS.ConceptScheme) in g
    zh, en = zh_en(g, s, SKOS.prefLabel)
    assert len(zh) == 1 and len(en) == 1
    assert [d for d in g.objects(s, DCTERMS.description) if d.language == "zh"]


def test_every_concept_is_in_the_scheme_and_namespace(g):
    for c in g.subjects(RDF.type, SKOS.Concept):
        assert str(c).startswith(str(V.INDICATOR)), c
        assert (c, SKOS.inScheme, V.INDICATOR_SCHEME) in g, c
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(c)[len(str(V.INDICATOR)):]), c


def test_counts(indicators, domains, g):
    assert len(indicators) >= 120
    assert len(domains) >= 14
    assert len(set(g.subjects(RDF.type, V.QuantityKind))) >= 10


def test_indicator_shape(g, indicators, domains):
    kinds = set(g.subjects(RDF.type, V.QuantityKind))
    for c in indicators:
        assert (c, RDF.type, SKOS.Concept) in g, c
        zh, en = zh_en(g, c, SKOS.prefLabel)
        assert len(zh) == 1 and len(en) == 1, c
        qk = list(g.objects(c, V.quantityKind))
        assert len(qk) == 1 and qk[0] in kinds, c
        assert list(g.objects(qk[0], V.kindUnit)), qk[0]
        broader = list(g.objects(c, SKOS.broader))
        assert len(broader) == 1 and broader[0] in domains, c
        dzh, _ = zh_en(g, c, SKOS.definition)
        assert len(dzh) == 1, c
        assert all(a.language == "zh" for a in g.objects(c, SKOS.altLabel)), c
        for sd in g.objects(c, V.statisticalDefinition):
            assert sd.language == "zh", c


def test_domains_and_kinds_are_labelled(g, domains):
    for d in domains:
        zh, en = zh_en(g, d, SKOS.prefLabel)
        assert len(zh) == 1 and len(en) == 1, d
        assert zh_en(g, d, SKOS.definition)[0], d
        assert (d, SKOS.inScheme, V.INDICATOR_SCHEME) in g, d
        for m in g.objects(d, SKOS.closeMatch):
            assert str(m).startswith(str(V.CONCEPT) + "theme-"), m
    for k in g.subjects(RDF.type, V.QuantityKind):
        zh, en = zh_en(g, k, SKOS.prefLabel)
        assert len(zh) == 1 and len(en) == 1, k
        assert (k, RDF.type, V.Indicator) not in g


def test_close_matches_name_initiative_themes(g):
    ini = Graph().parse(ONTO / "initiatives.ttl", format="turtle")
    themes = set(ini.subjects(RDF.type, V.Theme))
    matched = set(g.objects(None, SKOS.closeMatch))
    assert matched and matched <= themes


def test_no_label_claimed_twice(g, indicators):
    owner: dict[str, URIRef] = {}
    clashes = []
    for c in indicators:
        mine = {key(lab) for p in (SKOS.prefLabel, SKOS.altLabel) for lab in g.objects(c, p)
                if lab.language == "zh"}
        for k in mine:
            if k in owner:
                clashes.append((k, owner[k], c))
            owner[k] = c
    assert not clashes


def test_labels_are_specific(g, indicators):
    for c in indicators:
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for lab in g.objects(c, p):
                if lab.language == "zh":
                    assert key(lab) not in GENERIC, (c, str(lab))
                    assert len(key(lab)) >= 2, (c, str(lab))


def test_some_traditional_labels_simplify_to_their_concept(g):
    owner = {key(lab): c for c in g.subjects(RDF.type, V.Indicator)
             for p in (SKOS.prefLabel, SKOS.altLabel) for lab in g.objects(c, p)}
    assert owner[key("毛入園率")] == V.INDICATOR["preschool-gross-enrolment-rate"]
    assert owner[key("義務教育鞏固率")] == V.INDICATOR["compulsory-retention-rate"]


def test_kind_units_are_base_units():
    g = Graph().parse(PATH, format="turtle")
    bases = base_units()
    units = {str(u) for u in g.objects(None, V.kindUnit)}
    assert units and units <= bases, units - bases


@pytest.mark.parametrize("kind,units", [
    ("percentage", {"ratio", "百分点"}),
    ("money", {"元"}),
    ("area", {"平方米", "亩", "平方公里", "公顷"}),
    ("schools", {"所", "个"}),
    ("places", {"个"}),
    ("persons", {"人"}),
    ("person-times", {"人次"}),
    ("classes", {"个", "班"}),
    ("multiple", {"倍"}),
    ("items", {"个", "项", "件", "台", "套", "台套", "间", "处", "场", "场次", "次", "期", "份", "册", "本",
               "节", "节次", "篇", "支", "家", "辆", "户"}),
])
def test_required_kinds(g, kind, units):
    k = V.INDICATOR["kind-" + kind]
    assert (k, RDF.type, V.QuantityKind) in g
    assert units <= {str(u) for u in g.objects(k, V.kindUnit)}


def test_gross_rate_only_on_gross_enrolment_percentages(g):
    pct = V.INDICATOR["kind-percentage"]
    flagged = set(g.subjects(V.grossRate, None))
    assert V.INDICATOR["preschool-gross-enrolment-rate"] in flagged
    for c in flagged:
        assert g.value(c, V.grossRate).toPython() is True and g.value(c, V.quantityKind) == pct, c
        assert (c, V.growthRate, None) not in g, c  # a gross ratio is never negative
        assert any("毛入" in str(lab) for lab in g.objects(c, SKOS.altLabel)) or "毛入" in str(
            g.value(c, SKOS.prefLabel)), c


def test_growth_rate_only_on_percentages(g):
    pct = V.INDICATOR["kind-percentage"]
    flagged = list(g.subjects(V.growthRate, None))
    assert flagged
    for c in flagged:
        assert g.value(c, V.growthRate).toPython() is True, c
        assert g.value(c, V.quantityKind) == pct, c


@pytest.mark.parametrize("slug", [
    "preschool-gross-enrolment-rate", "compulsory-retention-rate", "senior-gross-enrolment-rate",
    "junior-progression-rate", "inclusive-kindergarten-coverage", "public-kindergarten-enrolment-share",
    "large-class-share", "teacher-qualification-rate", "per-student-public-funds", "student-teacher-ratio",
])
def test_national_indicators_state_their_definition(g, slug):
    c = V.INDICATOR[slug]
    assert (c, RDF.type, V.Indicator) in g
    assert [d for d in g.objects(c, V.statisticalDefinition) if d.language == "zh"]


def test_every_edu_term_used_is_declared():
    onto = Graph().parse(ONTO / "edu.ttl", format="turtle")
    declared = {s for t in DECLARED_TYPES for s in onto.subjects(RDF.type, t)}
    used = {V.EDU[t] for t in re.findall(r"\bedu:([A-Za-z]\w*)", PATH.read_text(encoding="utf-8"))}
    assert used and used - declared == set()


def longest(g, text: str, unit: str) -> str | None:
    """The matcher's rule in small: longest label contained in the text among kinds allowing unit."""
    t = key(text)
    best: tuple[int, str] | None = None
    for c in g.subjects(RDF.type, V.Indicator):
        if unit not in {str(u) for u in g.objects(g.value(c, V.quantityKind), V.kindUnit)}:
            continue
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for lab in g.objects(c, p):
                k = key(lab)
                if k in t and (best is None or len(k) > best[0]):
                    best = (len(k), str(c)[len(str(V.INDICATOR)):])
    return best[1] if best else None


@pytest.mark.parametrize("text,unit,expected", [
    ("学前三年毛入园率", "ratio", "preschool-gross-enrolment-rate"),
    ("學前三年毛入園率", "ratio", "preschool-gross-enrolment-rate"),
    ("公办园在园幼儿占比", "ratio", "public-kindergarten-enrolment-share"),
    ("在园幼儿", "人", "kindergarten-children"),
    ("幼儿园", "所", "kindergartens"),
    ("新建幼儿园", "所", "new-kindergartens"),
    ("民办幼儿园", "所", "private-kindergartens"),
    ("新增学位", "个", "new-places"),
    ("新增义务教育学位", "个", "compulsory-places"),
    ("九年义务教育巩固率", "ratio", "compulsory-retention-rate"),
    ("高考本科上线人数", "人", "gaokao-bachelor"),
    ("高考一本上线率", "ratio", "gaokao-first-tier-rate"),
    ("小学专任教师", "人", "primary-teachers"),
    ("培训教师", "人次", "teacher-training"),
    ("投入资金", "元", "project-investment"),
    ("生均公用经费", "元", "per-student-public-funds"),
    ("小学生均公用经费", "元", "per-student-public-funds"),
    ("小学生", "人", "primary-students"),
    ("校舍建筑面积", "平方米", "building-area"),
    ("资助学生", "人次", "aided-students"),
    ("公共财政教育支出增长", "ratio", "education-spending-growth"),
    ("信访件办结率", "ratio", "complaint-closure-rate"),
    ("体质健康达标率", "ratio", "fitness-pass-rate"),
    ("新发展党员", "人", "new-party-members"),
    ("校园", "所", None),
])
def test_longest_label_examples(g, text, unit, expected):
    assert longest(g, text, unit) == expected

