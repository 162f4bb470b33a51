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
        "graph.ttl": "7eff6fbc4b1e3a314c64cb3fae6764681841e325ad2d34e148267d462e829f6e",
        "facts.json": "d5ccd98e6b443d0c161c3e10ac16a8518e2b57eb8f2a7a9a04607609e6320439",
    },
    "shared": {
        "graph.ttl": "1b13c1e4b0cb3e38384e9694db21405166b82d1c662de421124cb267306d402c",
        "facts.json": "e4f3df23f5283079578db72b38f0b872e25adcf411bbf5c0cddcdbe0c64c36c8",
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
