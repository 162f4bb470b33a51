"""kg.pipeline.cache: what a file's graph-pass entry is keyed by."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg.pipeline.cache import graph_key
from kg.pipeline.link import LinkPlan


@pytest.mark.parametrize("change", [
    lambda p: (replace(p, outcomes={("/in/b.txt", 1): ("https://example.org/id/metric/x",)}), True, True),
    lambda p: (replace(p, duplicates=frozenset({("/in/b.txt", 2)})), True, True),
    lambda p: (p, False, True),
    lambda p: (p, True, False),  # --no-viewer's entries hold no viewer parts
], ids=["outcomes", "duplicates", "validate", "viewer"])
def test_graph_key_changes_with_what_the_entry_holds(change):
    plan = LinkPlan()
    base = graph_key("k", plan, True, True)
    assert graph_key("k", *change(plan)) != base
    assert graph_key("k", plan, True, True) == base
    assert graph_key(None, plan, True, True) is None
