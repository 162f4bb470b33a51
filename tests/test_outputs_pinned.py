"""The bytes of graph.ttl and facts.json for the example and dev corpora, pinned.

A guard for refactoring (issue 18: same input, same bytes before and after moving the house
around): any change of output shows here. When a change is *meant* to change what is extracted or
how it is written, update the pins below with the hashes the failure prints, in the same commit,
and say why in its message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

PINNED = {
    "examples": {
        "graph.ttl": "c1f11383171c9d6fb24a6adc22dfb8601b0d33b06a8b9f3f42eb19e59383fbe6",
        "facts.json": "213b7e6eff041c44c9fe9fdb1b1df6094d39050a110881db589571cf0054e158",
    },
    "shared": {
        "graph.ttl": "7d99fcb62b1416d5cb06915c5478c2190fbbf753bf6d87e06c5a22e22161e2e4",
        "facts.json": "1de4799a14a14cb0097ed4abaa23ea6991aeeb0d0bacc1cbd6c58d61160ba072",
    },
}


def _hashes(outdir: Path) -> dict[str, str]:
    return {name: hashlib.sha256((outdir / name).read_bytes()).hexdigest() for name in PINNED["examples"]}


def test_example_outputs_are_the_pinned_bytes(example_build):
    outdir, _ = example_build
    assert _hashes(outdir) == PINNED["examples"], "outputs of examples/reports changed (see module doc)"


@pytest.mark.slow
def test_dev_corpus_outputs_are_the_pinned_bytes(shared_dir, tmp_path):
    from kg.core.config import Config
    from kg.pipeline.build import build

    build([shared_dir / "corpus"], Config(outdir=tmp_path, progress=False))
    assert _hashes(tmp_path) == PINNED["shared"], "outputs of ../shared/corpus changed (see module doc)"
