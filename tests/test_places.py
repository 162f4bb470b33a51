"""The place gazetteer (kg/extract/places.py): jionlp's table loaded once, one code per place."""

from __future__ import annotations

import pytest

from kg.extract.places import gazetteer


def test_gazetteer_loads_once_with_codes():
    g = gazetteer()
    assert g is gazetteer()
    (p,) = g.by_name["萧山区"]
    assert p.region.county_code == "330109" and p.level == "county"


@pytest.mark.parametrize("name, codes", [
    ("萧山区", ("330000", "330100", "330109")),  # a code names one place: kept at every level
    ("东城区", ("110000", "110000", "110101")),  # a municipality is its own city (one place)
    ("南区", ("810000", None, None)),  # Hong Kong districts all carry their region's code
    ("平顶山高新技术产业开发区", ("410000", "410400", None)),  # two zones, one code in jionlp
])
def test_gazetteer_gives_a_code_only_to_the_one_place_it_names(name, codes):
    (p,) = [p for p in gazetteer().by_name[name] if p.level == "county"]
    r = p.region
    assert (r.province_code, r.city_code, r.county_code) == codes


def test_every_gazetteer_code_names_one_place():
    """The graph mints region IRIs from codes: two places with one code would become one node."""
    owner: dict[tuple[str, str], tuple] = {}
    for places in gazetteer().by_name.values():
        for p in places:
            r = p.region
            for level, name, code in (("province", r.province, r.province_code),
                                      ("city", r.city, r.city_code), ("county", r.county, r.county_code)):
                if code and name:
                    path = (r.province, r.city, r.county)[: ("province", "city", "county").index(level) + 1]
                    if level == "city" and r.city == r.province:
                        path = path[:1]  # municipality: the province itself
                    assert owner.setdefault(code, path) == path, (code, path, owner[code])
