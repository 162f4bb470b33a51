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
        "graph.ttl": "da1500310283cef3c82f6478e480bdca582b2f25cd0cfc885132368a02122a34",
        "facts.json": "4efebf7cf3140a6dbc6b868b5eadc7860e0ad14d9f397dbdfdb3cd364b63b287",
    },
    "shared": {
        "graph.ttl": "3f1a127edd957d7fa1c9b745fc34408dc0b8c3aa51b12436b9dbcf2f0ccb68be",
        "facts.json": "489b760454d4fabab4f223471564ced3ec7fe8ca4e0f5d6dffc3bde734227abf",
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
