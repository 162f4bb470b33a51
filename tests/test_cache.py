"""kg.pipeline.cache: what a file's graph-pass entry and a build's outputs are keyed by, and when
the outputs are reused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg.core.config import Config
from kg.pipeline.cache import Cache, fingerprint, graph_key, remember_outputs, reusable_outputs
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


BASE = Config(outdir="out")


@pytest.mark.parametrize("keys, config, same", [
    (["a", "b"], BASE, True),
    (["b", "a"], BASE, False),  # another order: the files' records may link otherwise
    (["a", "c"], BASE, False),  # a file's content or path changed
    (["a"], BASE, False),  # a file removed
    (["a", "b"], replace(BASE, validate=False), False),
    (["a", "b"], replace(BASE, viewer=False), False),
    (["a", "b"], replace(BASE, formats=("nt",)), False),
    (["a", "b"], replace(BASE, jobs=7), True),  # same outputs whatever -j
], ids=["same", "order", "content", "removed", "validate", "viewer", "formats", "jobs"])
def test_inputs_fingerprint_follows_every_file_and_output_setting(keys, config, same):
    base = fingerprint(["a", "b"], BASE, kind="inputs")
    assert (fingerprint(keys, config, kind="inputs") == base) is same
    assert fingerprint(["a", "b"], BASE) != base  # another kind of entry


def test_inputs_fingerprint_is_none_when_a_file_is_not_cached():
    assert fingerprint(["a", None], BASE, kind="inputs") is None
    assert fingerprint([], BASE, kind="inputs") is None


@pytest.mark.parametrize("damage, reused", [
    (lambda cache, out: None, True),
    (lambda cache, out: cache._path("e2").unlink(), False),  # an extraction entry gone
    (lambda cache, out: (out / "graph.ttl").write_text("edited", encoding="utf-8"), False),
    (lambda cache, out: (out / "facts.json").unlink(), False),
], ids=["intact", "entry-removed", "output-edited", "output-removed"])
def test_outputs_are_reused_only_with_every_entry_and_output_intact(tmp_path, damage, reused):
    cache = Cache(tmp_path / ".cache", version="v")
    out = tmp_path / "out"
    out.mkdir()
    for name in ("graph.ttl", "facts.json"):
        (out / name).write_text(name, encoding="utf-8")
    for key in ("e1", "e2"):
        cache.put(key, "outcome")
    remember_outputs(cache, {"k": ("per file", "outputs"), None: "never stored"}, ["graph.ttl", "facts.json"], out)
    damage(cache, out)
    got = reusable_outputs(cache, "k", out, entries=["e1", "e2"])
    assert got == (("per file", "outputs") if reused else None)
    assert cache.hits == (2 if reused else 0)  # the entries count as reused only when they are
    assert reusable_outputs(cache, "k", out, entries=["e1", None]) is None  # an uncached file
