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
        "graph.ttl": "437b5ed5e38def9c8b949da48475b07f2e89ece7347c133e7b4ca526a7be6cb0",
        "facts.json": "5364399ba3d4be7d56818718840319782ee77951a56dce523154509618b26eb8",
    },
    "shared": {
        "graph.ttl": "e6fd289bc1b155d56571dedd85c5837a6a4d037dc7e8cc92e0fb7bf152f7cf18",
        "facts.json": "55c868dae4a668bbe894760bcece5c90ebbde01a7b5876185198b8425872b656",
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
