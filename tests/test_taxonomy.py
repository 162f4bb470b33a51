"""kg.terms.taxonomy: loading, integrity checks, normalised look-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core.errors import DataFileError
from kg.terms.taxonomy import (
    default_path,
    load_taxonomy,
    normalize,
    parse_synonyms,
    strip_suffixes,
    synonyms,
)

FIXTURE = Path(__file__).parent / "fixtures" / "mini_taxonomy.ttl"
REAL = default_path()

HEAD = """@prefix ini: <https://w3id.org/edu-kg/initiative/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix edu: <https://w3id.org/edu-kg/ontology#> .
ini:scheme a skos:ConceptScheme .
ini:theme-a a skos:Concept, edu:Theme ; skos:prefLabel "甲主题"@zh ; skos:topConceptOf ini:scheme .
ini:theme-b a skos:Concept, edu:Theme ; skos:prefLabel "乙主题"@zh ; skos:topConceptOf ini:scheme .
"""


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "t.ttl"
    p.write_text(HEAD + body, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(FIXTURE)


def test_fixture_counts(tax):
    assert len(tax.themes) == 3
    assert len(tax.concepts) == 12
    c = tax.concepts["county-managed-school-hiring"]
    assert c.pref_label == "县管校聘" and c.theme == "theme-teachers"
    assert set(c.alt_labels) == {"区管校聘", "县管校用"}
    assert c.en_label.startswith("County")


@pytest.mark.parametrize("surface,expected", [
    ("县管校聘", "county-managed-school-hiring"),
    ("“县管校用”", "county-managed-school-hiring"),
    ("縣管校聘", "county-managed-school-hiring"),  # traditional script
    ("区管校聘工作", "county-managed-school-hiring"),  # filler suffix
    ("国培项目", "national-training-plan"),  # alias written traditional in the file
    ("國培計劃", "national-training-plan"),
    ("师德师风", "ethics-year"),  # label minus 建设
    ("平安和谐校园建设活动", "safe-campus"),
    ("防溺水专项工作", "drowning-prevention"),  # 专项 is a filler inside a name
    ("校园足球", None),
    ("", None),
])
def test_lookup(tax, surface, expected):
    got = tax.lookup(surface)
    assert (got.id if got else None) == expected


def test_labels_are_normalised(tax):
    labels = tax.labels()
    assert labels["国培项目"] == "national-training-plan"
    assert all(normalize(k) == k for k in labels)


@pytest.mark.parametrize("form,expected", [
    ("清廉学校建设工作", "清廉学校"), ("双减工作", "双减工作"), ("课后服务的", "课后服务"), ("工程", "工程"),
])
def test_strip_suffixes(form, expected):
    assert strip_suffixes(form) == expected


def test_cached(tax):
    assert load_taxonomy(FIXTURE) is tax


def test_env_dir(tmp_path, monkeypatch):
    (tmp_path / "initiatives.ttl").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("KG_ONTOLOGY_DIR", str(tmp_path))
    assert default_path() == tmp_path / "initiatives.ttl"
    assert len(load_taxonomy().concepts) == 12


BROKEN = {
    "duplicate prefLabel": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader ini:theme-a .
ini:b a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader ini:theme-b .
""", "also the prefLabel"),
    "alias claimed twice": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:altLabel "共用名"@zh ; skos:broader ini:theme-a .
ini:b a skos:Concept ; skos:prefLabel "乙举措"@zh ; skos:altLabel "共用名"@zh ; skos:broader ini:theme-b .
""", "already claimed"),
    "alias is another's prefLabel": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader ini:theme-a .
ini:b a skos:Concept ; skos:prefLabel "乙举措"@zh ; skos:altLabel "甲举措"@zh ; skos:broader ini:theme-b .
""", "already claimed"),
    "no theme": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh .
""", "0 themes"),
    "two themes": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader ini:theme-a, ini:theme-b .
""", "2 themes"),
    "missing theme": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader ini:theme-missing .
""", "does not exist"),
    "no prefLabel": ("""
ini:a a skos:Concept ; skos:altLabel "甲举措"@zh ; skos:broader ini:theme-a .
""", "prefLabel"),
    "bad turtle": ("""
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader
""", "parse"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_raise(tmp_path, case):
    body, needle = BROKEN[case]
    p = write(tmp_path, body)
    with pytest.raises(DataFileError) as e:
        load_taxonomy(p)
    msg = str(e.value)
    assert needle in msg and str(p) in msg
    if case not in ("bad turtle",):
        assert "concept a" in msg or "concept b" in msg


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        load_taxonomy(tmp_path / "nope.ttl")


def test_subconcept_inherits_theme(tmp_path):
    p = write(tmp_path, """
ini:a a skos:Concept ; skos:prefLabel "甲举措"@zh ; skos:broader ini:theme-a .
ini:a1 a skos:Concept ; skos:prefLabel "甲举措子项"@zh ; skos:broader ini:a .
""")
    assert load_taxonomy(p).concepts["a1"].theme == "theme-a"


def test_no_spacy_import():
    code = "import sys, kg.terms.taxonomy as t; t.normalize('县管校聘'); print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not REAL.exists(), reason="ontology/initiatives.ttl not present")
def test_real_taxonomy_integrity():
    tax = load_taxonomy(REAL)
    assert len(tax.concepts) >= 50 and tax.themes
    for c in tax.concepts.values():
        assert c.theme in tax.themes
        assert tax.lookup(c.pref_label) is c
        for alt in c.alt_labels:
            assert tax.lookup(alt) is c, (c.id, alt)


# --------------------------------------------------------------------------- synonym keys

@pytest.mark.parametrize("surface,expected", [
    ("县管校聘变革", "county-managed-school-hiring"),  # 变革 → 改革, then the stripped suffix
    ("區管校聘變革", "county-managed-school-hiring"),  # traditional script and a synonym at once
    ("国培工程", "national-training-plan"),  # label 國培項目: 项目 and 工程 share a key
    ("师德师风修建", "ethics-year"),  # 修建 → 建设
    ("学员资助", "student-aid"),  # 学员 → 学生
    ("平安和谐院校", None),  # 学校 is a key, but the label says 校园
    ("县管院聘", None),  # 院 alone is never swapped
])
def test_lookup_through_synonyms(tax, surface, expected):
    got = tax.lookup(surface)
    assert (got.id if got else None) == expected


def test_synonym_key_keeps_offsets():
    syn = synonyms()
    text = "推动义务教育优质平衡发展，老师"
    key, spans = syn.substitutions(text)
    assert key == "推进义务教育优质均衡发展，教师" and len(key) == len(text)
    assert [text[a:b] for a, b in spans] == ["推动", "平衡", "老师"]
    assert syn.substitutions("县管校聘") == ("县管校聘", ())


@given(st.text(alphabet="提升高推动进开展学院校教老师员生均平衡变改革项目工程县管聘，", max_size=40))
def test_synonym_key_is_idempotent_and_same_length(text):
    syn = synonyms()
    key, spans = syn.substitutions(text)
    assert len(key) == len(text) and syn.key(key) == key
    # only the swapped words change, each into its canonical word
    changed = {i for i, (a, b) in enumerate(zip(text, key, strict=True)) if a != b}
    assert changed <= {i for a, b in spans for i in range(a, b)}
    assert all(syn.canonical[text[a:b]] == key[a:b] for a, b in spans)


@pytest.mark.parametrize("groups,needle", [
    ({"提高": ["提升高"]}, "differs in length"),
    ({"提高": ["升"]}, "two or more characters"),
    ({"提高": ["提升"], "推进": ["提升"]}, "two groups"),
    ({"提高": []}, "non-empty list"),
    ({"提高": "提升"}, "non-empty list"),
])
def test_broken_synonyms(groups, needle):
    with pytest.raises(DataFileError, match=needle):
        parse_synonyms({"synonyms": groups}, "synonyms.toml")
    with pytest.raises(DataFileError, match="synonyms"):
        parse_synonyms({}, "synonyms.toml")


def test_synonyms_shared_by_two_concepts_are_not_keyed(tmp_path):
    # two concepts whose labels differ only by a synonym: only the exact wording tells them apart
    p = write(tmp_path, """
ini:a a skos:Concept ; skos:prefLabel "甲乙提升工程"@zh ; skos:broader ini:theme-a .
ini:b a skos:Concept ; skos:prefLabel "甲乙提高工程"@zh ; skos:broader ini:theme-b .
""")
    t = load_taxonomy(p)
    assert t.lookup("甲乙提升工程").id == "a" and t.lookup("甲乙提高工程").id == "b"
    assert t.lookup("甲乙提升项目") is None


def test_stripped_institution_is_not_indexed(tmp_path):
    # 乙类学校建设 is a programme; its stripped form 乙类学校 names an institution, and is left out
    p = write(tmp_path, """
ini:a a skos:Concept ; skos:prefLabel "乙类学校建设"@zh ; skos:broader ini:theme-a .
ini:b a skos:Concept ; skos:prefLabel "丙丁联动工作"@zh ; skos:broader ini:theme-b .
""")
    t = load_taxonomy(p)
    assert t.lookup("乙类学校建设").id == "a" and t.lookup("乙类学校") is None
    assert "乙类学校" not in t.variants()
    assert t.lookup("丙丁联动").id == "b"  # other stripped forms stay


def test_broken_stripping_table():
    with pytest.raises(DataFileError, match="institution_endings"):
        parse_synonyms({"synonyms": {"提高": ["提升"]}, "stripping": {"institution_endings": []}}, "synonyms.toml")


@pytest.mark.parametrize("change, needle", [({"suffixes": []}, "suffixes"), ({"fillers": ["专项", 3]}, "fillers"),
                                            ({"min_stripped": 0}, "min_stripped"),
                                            ({"min_stripped": "3"}, "min_stripped")])
def test_broken_stripping_words(change, needle):
    stripping = {"institution_endings": ["学校"], "suffixes": ["工作"], "fillers": ["专项"], "min_stripped": 3}
    with pytest.raises(DataFileError, match=needle):
        parse_synonyms({"synonyms": {"提高": ["提升"]}, "stripping": {**stripping, **change}}, "synonyms.toml")
