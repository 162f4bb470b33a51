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
        "graph.ttl": "938c3ea22e69f7848fb869315b41179ae1e2c0bd252abcdf7ec32e54b3618fd4",
        "facts.json": "b5a4c54d2c138fa2337313e5716937b2ddd21b0c24965923cbf02904e2e7454c",
    },
    "shared": {
        "graph.ttl": "feff039dcf30dd37725f21642ece43cde121243d40da0c40583c8ae418a5e799",
        "facts.json": "d8911ee533f0fd0088d6819ca2ab182876f6a02c8dfb31c95868712a2681b619",
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
