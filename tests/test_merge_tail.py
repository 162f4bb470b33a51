"""The end of a parallel build (issue 21: -j 2 at least 1.7x -j 1): the runs merged by blocks, the
merge's share of the workers."""

from __future__ import annotations

import heapq
import os
import random
from pathlib import Path

import pytest

from kg.core.config import Config
from kg.outputs import spool
from kg.pipeline.build import merge_parts
from kg.pipeline.executors import Executor, ProcessPool


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
