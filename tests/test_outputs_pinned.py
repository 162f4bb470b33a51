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
        "graph.ttl": "d429f1ed922c9137254e1f7ddd5d2a0f6553b16bdc2f4fa1d2c414e3d2154c4d",
        "facts.json": "99a1161e0956c1a6182ebf30258b61d5532d6b1771fb8f86d86b03e02e0c0bc4",
    },
    "shared": {
        "graph.ttl": "dd7c06bb2e16633ace5a64c95db309e60c52e739d54e239c0fccd0cc53c42444",
        "facts.json": "4b64a122f768e7dfe6e0795e89bc79a5f23015554f972dea4048634e7fed461e",
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
