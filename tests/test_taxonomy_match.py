"""kg.extract.taxonomy_match: the shared concepts named in a sentence (quote-free, longest first,
short forms on token boundaries). End-to-end matching through reports is in test_initiatives.py.

The taxonomy is tests/fixtures/mini_taxonomy.ttl.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.taxonomy_match import _matcher, match_taxonomy
from kg.terms.taxonomy import load_taxonomy

FIXTURE = Path(__file__).parent / "fixtures" / "mini_taxonomy.ttl"


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(FIXTURE)


def test_quotes_inside_label(tax):
    hits = match_taxonomy("启动营养“改善”计划试点", tax)
    assert [h.concept for h in hits] == ["nutrition-plan"]


def test_longest_label_wins(tax):
    hits = match_taxonomy("推进农村学生营养改善计划", tax)
    assert [(h.concept, h.surface) for h in hits] == [("nutrition-plan", "农村学生营养改善计划")]


def test_short_label_needs_token_boundaries(tax):
    assert match_taxonomy("落实双减要求", tax)
    # 双 + 减少: "双减" is not a word here
    assert not [h for h in match_taxonomy("成本和能耗双双减少", tax) if h.concept == "double-reduction"]


def test_nested_and_overlapping_labels_are_all_candidates(tax):
    # the prefilter + trie scan must see 营养改善计划 inside 农村学生营养改善计划 and 双减 twice
    found = {(s, e, form) for s, e, form, _ in _matcher(tax).scan("农村学生营养改善计划和双减双减")}
    assert {(0, 10, "农村学生营养改善计划"), (4, 10, "营养改善计划"), (11, 13, "双减"), (13, 15, "双减")} <= found
