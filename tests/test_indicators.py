"""kg.terms.indicators: the indicator scheme model, loaded and checked (invented files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.errors import DataFileError
from kg.terms.indicators import load_indicators

SMALL = Path(__file__).parent / "fixtures" / "indicators_small.ttl"


def test_small_scheme_loads():
    s = load_indicators(SMALL)
    assert sorted(s.kinds) == ["kind-money", "kind-percentage", "kind-places", "kind-schools"]
    rate = s.indicators["preschool-gross-enrolment-rate"]
    assert (rate.kind, rate.domain, rate.growth_rate) == ("kind-percentage", "domain-preschool", False)
    assert s.indicators["funding-growth"].growth_rate is True
    assert s.allows("new-places", "个") and not s.allows("new-places", "人")
    assert not s.allows("no-such-indicator", "个")
    assert s.labels()["毛入园率"] == "preschool-gross-enrolment-rate"


@pytest.mark.parametrize("old, new, match", [
    ('skos:altLabel "新增学位"@zh', 'skos:altLabel "新增学位"@zh, "毛入园率"@zh', "claimed by"),
    ("edu:quantityKind ind:kind-places ;", "", "exactly one edu:quantityKind"),
    ("edu:quantityKind ind:kind-places ;", "edu:quantityKind ind:kind-people ;", "unknown quantity kind"),
    ('edu:kindUnit "元" .', ".", "no edu:kindUnit"),
    ('skos:prefLabel "幼儿园数"@zh, "Kindergartens"@en', 'skos:prefLabel "Kindergartens"@en', "prefLabel@zh"),
    ("ind:scheme a", "ind:scheme a a", "cannot parse the indicator scheme"),
])
def test_broken_schemes_name_the_problem(tmp_path, old, new, match):
    text = SMALL.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "indicators.ttl"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=match) as e:
        load_indicators(bad)
    assert str(bad) in str(e.value)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(DataFileError, match="KG_ONTOLOGY_DIR"):
        load_indicators(tmp_path / "indicators.ttl")
