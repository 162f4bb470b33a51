"""The end of a parallel build (issue 21: -j 2 at least 1.7x -j 1): the runs merged by blocks, the
merge's share of the workers, the shared nodes judged beside the viewer, the warm server started early."""

from __future__ import annotations

import heapq
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kg.core.config import Config
from kg.outputs import spool
from kg.pipeline.build import build, merge_parts
from kg.pipeline.executors import Executor, ProcessPool, prestart


def _reference(runs: list[Path], low: str | None, high: str | None) -> list[str]:
    """The merge as it was written first: heapq over the decoded lines, a range test per line."""
    files = [open(p, encoding="utf-8", newline="\n") for p in runs]
    try:
        out: list[str] = []
        for line in heapq.merge(*files):
            if (low is None or line >= low) and (high is None or line < high) and (not out or out[-1] != line):
                out.append(line)
        return out
    finally:
        for f in files:
            f.close()


def _runs(tmp_path: Path, seed: int) -> tuple[list[Path], list[str]]:
    """Sorted unique run files of random N-Triples-like lines (Chinese literals, shared subjects,
    lines repeated across runs) and the subjects they use."""
    rng = random.Random(seed)
    subjects = [f"<https://w3id.org/edu-kg/id/{rng.choice('abc')}/{i:04d}>" for i in range(60)]
    words = ["教育局", "幼儿园", "学位", "a", "Z", "\\u00e9", "é", "𠀀"]
    runs = []
    for r in range(rng.randrange(1, 7)):
        lines = {f"{rng.choice(subjects)} <p{rng.randrange(4)}> \"{rng.choice(words)}{rng.randrange(30)}\" .\n"
                 for _ in range(rng.randrange(0, 400))}
        path = tmp_path / f"run-{seed}-{r}.nt"
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(sorted(lines))
        runs.append(path)
    return runs, sorted(subjects)


@pytest.mark.parametrize("seed", range(12))
def test_merged_blocks_give_the_lines_of_a_line_by_line_merge(tmp_path, seed):
    runs, subjects = _runs(tmp_path, seed)
    rng = random.Random(seed)
    ranges = [(None, None), (rng.choice(subjects), None), (None, rng.choice(subjects)),
              tuple(sorted(rng.sample(subjects, 2))), ("<zzz", None), (None, "<")]
    for low, high in ranges:
        want = _reference(runs, low, high)
        for block in (1, 64, 1000, spool.MERGE_BLOCK):
            got = [b.decode("utf-8") for chunk in spool.merged_blocks(runs, low, high, block=block) for b in chunk]
            assert got == want, (low, high, block)
        assert list(spool.merge_runs(runs, low, high)) == want
        out = tmp_path / "merged.nt"
        assert spool.write_merged(runs, out, low, high) == len(want)
        assert out.read_bytes() == "".join(want).encode("utf-8")


def test_ranges_cut_by_the_spool_bounds_concatenate_to_the_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "RUN_LINES", 50)
    monkeypatch.setattr(spool.LineSpool, "SAMPLE_EVERY", 3)
    rng = random.Random(7)
    lines = [f"<s{rng.randrange(90):03d}> <p> \"值{rng.randrange(40)}\" .\n" for _ in range(700)]
    runs = spool.LineSpool(tmp_path)
    for i in range(0, len(lines), 37):
        runs.add(sorted(lines[i:i + 37]))
    whole = sorted(set(lines))
    for parts in (1, 2, 3, 5):
        pieces = []
        for i, (low, high) in enumerate(runs.bounds(parts)):
            out = tmp_path / f"part-{parts}-{i}.nt"
            spool.write_merged(runs.runs, out, low, high)
            pieces.append(out.read_text(encoding="utf-8"))
        assert "".join(pieces) == "".join(whole)


def test_the_merge_leaves_the_main_process_a_core_while_it_draws_the_viewer():
    assert merge_parts(ProcessPool(2), Config(viewer=True)) == 1
    assert merge_parts(ProcessPool(2), Config(viewer=False)) == 2
    assert merge_parts(ProcessPool(4), Config(viewer=True)) == 3
    assert merge_parts(Executor(), Config(viewer=True)) == 1
    assert merge_parts(Executor(), Config(viewer=False)) == 1


def _pid(_) -> int:
    return os.getpid()


@pytest.mark.slow
def test_one_merge_part_runs_in_a_worker_not_in_this_process():
    with ProcessPool(2) as ex:
        pending = ex.later(_pid, [None])
        assert pending() != [os.getpid()]
    assert Executor().later(_pid, [None])() == [os.getpid()]


@pytest.mark.slow
def test_renewed_pool_runs_the_next_work_on_fresh_workers():
    """After the per-file passes the pool's workers are replaced (forkserver: forked warm in
    milliseconds), so the merge and the judging of shared nodes do not start with what the passes
    left in them; spawned workers are kept (they would load everything again)."""
    with ProcessPool(2, "forkserver") as ex:
        before = set(ex.map(_pid, range(4)))
        ex.renew()
        after = set(ex.map(_pid, range(4)))
        assert before and after and before.isdisjoint(after)
    with ProcessPool(2, "spawn") as ex:
        ex.map(_pid, range(4))
        pool = ex._pool
        ex.renew()
        assert ex._pool is pool


class _Threads(Executor):
    """A pool in threads of this process: ``later`` runs beside the caller, as a pool's workers do,
    and sees what a test patched."""

    parts = 2

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(2)

    def later(self, func, items):
        futures = [self._pool.submit(func, i) for i in items]
        return lambda: [f.result() for f in futures]

    def close(self) -> None:
        self._pool.shutdown()


def _conflict(monkeypatch) -> None:
    """The shared-node pass reports a (made-up) conflict on the first bureau's level."""
    from kg.core.records import ValidationReport, Violation
    from kg.rdf import validate

    real = validate.validate_shared_lines

    def conflicting(lines, shacl=None):
        assert real(lines, shacl).conforms
        bureau = min(ln.split(" ")[0][1:-1] for ln in lines
                     if "/id/bureau/" in ln.split(" ")[0] and ln.split(" ")[1].endswith("#level>"))
        v = Violation(focus=bureau, path="edu:level", message="a bureau has at most one level",
                      severity="Violation", shape="shape:Bureau")
        return ValidationReport(conforms=False, violations=(v,))

    monkeypatch.setattr(validate, "validate_shared_lines", conflicting)


@pytest.mark.parametrize("conflict", [False, True])
def test_shared_nodes_judged_beside_the_viewer_give_the_bytes_of_one_process(monkeypatch, tmp_path, examples_dir,
                                                                               conflict):
    """With a pool, the shared nodes are judged while the viewer is drawn from the files' parts; after
    a conflict that is repaired, the page is drawn again from the repaired graph: the same outputs
    as judging first in one process."""
    from kg.pipeline import build as build_module
    from kg.pipeline import stages

    if conflict:
        _conflict(monkeypatch)
    judged = []
    real_judge = stages.judge_shared
    monkeypatch.setattr(stages, "judge_shared", lambda lines: judged.append(1) or real_judge(lines))
    one = build([examples_dir], Config(outdir=tmp_path / "one", progress=False, cache=False, jobs=1))
    assert judged == []
    monkeypatch.setattr(build_module, "executor_for", lambda config: _Threads())
    pool = build([examples_dir], Config(outdir=tmp_path / "pool", progress=False, cache=False, jobs=2))
    assert judged == [1]
    assert [v.path for v in pool.dropped] == [v.path for v in one.dropped] == (["edu:level"] if conflict else [])
    assert pool.validation == one.validation
    for name in ("graph.ttl", "facts.json", "viewer.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "pool").iterdir()) == sorted(p.name for p in (tmp_path / "one").iterdir())
    # without a viewer every worker merges: this process judges the shared nodes itself
    build([examples_dir], Config(outdir=tmp_path / "bare", progress=False, cache=False, jobs=2, viewer=False))
    assert judged == [1]
    for name in ("graph.ttl", "facts.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "bare" / name).read_bytes(), name


def test_the_warm_server_is_started_early_only_for_a_pool_without_a_cache_to_reuse(tmp_path):
    (tmp_path / "cached" / ".cache").mkdir(parents=True)
    assert not prestart(Config(outdir=tmp_path / "a", jobs=1))
    assert not prestart(Config(outdir=tmp_path / "b", jobs=2, executor="dask"))
    assert not prestart(Config(outdir=tmp_path / "cached", jobs=2))


@pytest.mark.slow
def test_the_warm_server_started_early_serves_the_build(tmp_path, examples_dir):
    """In a fresh process (this one may have a server already): the CLI starts the server before
    it imports the build, and the build's pool forks from it; the bytes are those of -j 1."""
    code = ("import sys; from pathlib import Path; from kg.core.config import Config;"
            "from kg.pipeline import executors as E;"
            f"print(E.prestart(Config(outdir=Path({str(tmp_path / 'j2')!r}), jobs=2)));"
            "from kg.pipeline.build import build;"
            f"build([{str(examples_dir)!r}], Config(outdir=Path({str(tmp_path / 'j2')!r}), jobs=2, progress=False));"
            "print(E._server_env is not None)")
    env = {k: v for k, v in os.environ.items() if k != "KG_START_METHOD"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    started = "True\nTrue" if sys.platform.startswith("linux") else "False\nFalse"
    assert res.stdout.split() == started.split()
    build([examples_dir], Config(outdir=tmp_path / "j1", jobs=1, progress=False))
    for name in ("graph.ttl", "facts.json", "viewer.html"):
        assert (tmp_path / "j1" / name).read_bytes() == (tmp_path / "j2" / name).read_bytes(), name


def test_embedded_json_escapes_as_the_regex_did():
    import json
    import re

    from kg.outputs import viz

    def by_regex(data):
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return re.sub("[<>&\u2028\u2029]", lambda m: viz._JSON_ESCAPES[m.group(0)], text)

    rng = random.Random(3)
    for _ in range(500):
        s = "".join(rng.choice("<>&\u2028\u2029ab教\\\"u0/") for _ in range(rng.randrange(30)))
        data = {"k" + s: [s, {"x": s, "n": len(s)}]}
        assert viz.embed_json(data) == by_regex(data)
    assert "<" not in viz.embed_json({"a": "</script><!--"})
