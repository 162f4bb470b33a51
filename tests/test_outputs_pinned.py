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
        "graph.ttl": "a40a8edc7af6ef1c283cdd50b3d541ef5ea055d268f4fee91f1cd0ab83ff1420",
        "facts.json": "65aef3b757d169b9d977257b3cdb1c9be22b6617892107a48fd4b356752394e5",
    },
    "shared": {
        "graph.ttl": "9d75fc8e06e26a49ac5f3180964bfe7f4a296dc8ba2d256f354d905a977cfa33",
        "facts.json": "2ccbd6619271d24132292534550c4b132b116c6683e49e8a2e0dbb7729f2eb2a",
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
