"""Parallel, cached and distributed builds give the same bytes as a plain serial build."""

from __future__ import annotations

import shutil

import pytest

from kg.config import Config
from kg.pipeline import build

OUTPUTS = ("graph.ttl", "facts.json")


@pytest.fixture(scope="module")
def serial(tmp_path_factory, examples_dir):
    out = tmp_path_factory.mktemp("serial")
    build([examples_dir], Config(outdir=out, progress=False, viewer=False, cache=False, jobs=1))
    return out


def _same(a, b):
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_two_workers_match_one(serial, tmp_path, examples_dir):
    build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=2))
    _same(serial, tmp_path)


def test_cache_hits_on_rebuild_and_misses_only_the_changed_file(serial, tmp_path, examples_dir):
    corpus = tmp_path / "in"
    shutil.copytree(examples_dir, corpus)
    cfg = Config(outdir=tmp_path / "out", progress=False, viewer=False, jobs=1)
    first = build([corpus], cfg)
    n = len(first.per_file)
    assert (first.cache_hits, first.cache_misses) == (0, n)
    second = build([corpus], cfg)
    assert (second.cache_hits, second.cache_misses) == (n, 0)
    _same(serial, tmp_path / "out")
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n另外,新建幼儿园3所。\n", encoding="utf-8")
    third = build([corpus], cfg)
    assert (third.cache_hits, third.cache_misses) == (n - 1, 1)


def test_no_cache_neither_reads_nor_writes(tmp_path, examples_dir):
    cfg = Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=1)
    result = build([examples_dir], cfg)
    assert (result.cache_hits, result.cache_misses) == (0, 0)
    assert not (tmp_path / ".cache").exists()


def test_dask_local_cluster_matches_serial(serial, tmp_path, examples_dir):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        build([examples_dir], Config(outdir=tmp_path, progress=False, viewer=False, cache=False,
                                     executor="dask", scheduler=cluster.scheduler_address))
    _same(serial, tmp_path)


def test_file_order_does_not_matter(serial, tmp_path, examples_dir):
    files = sorted(p for p in examples_dir.iterdir() if p.is_file())
    build(list(reversed(files)), Config(outdir=tmp_path, progress=False, viewer=False, cache=False, jobs=1))
    _same(serial, tmp_path)
