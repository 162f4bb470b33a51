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
        "graph.ttl": "cc51d94997bb12b31070ba95a95f94cf1e95f6f6bc18bcc453be32523760c451",
        "facts.json": "56572705849d0126ad613d1695d8f109939b1fd8854380515dc31c8316ee0078",
    },
    "shared": {
        "graph.ttl": "086f9881c55274a49d9626edec03a84c5a2fb6a4d912bb16748170a52d818ade",
        "facts.json": "c88927cc55cfa8dc18234e9205ef087bf209e7b82f1935e8a5944b03be2803f5",
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
