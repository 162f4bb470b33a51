"""`kill -9` of a build, of its main process or a worker, at chosen points: no half-written output is
ever in place, and the next build reuses every complete cache entry and writes the same bytes as an
uninterrupted build."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.pipeline import recovery
from kg.pipeline.cache import entry_kinds
from kg.pipeline.recovery import CRASH_ENV, recover, staging

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("graph.ttl", "facts.json", "build-report.json")

# invented reports, so that the corpus has more files than the examples
EXTRA = [
    "{county}教育局{year}年工作总结\n一、{year}年工作总结\n全县新建幼儿园{n}所，新增学位{m}个。"
    "组织教师培训{n}期，参训{m}人次。\n二、{next}年工作计划\n计划新建学校{n}所，课后服务覆盖率达到95%。\n"
]
COUNTIES = ["青禾县", "白鹭县", "云溪县", "石门县"]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _stage(out: Path, owner: int, files: dict[str, bytes], commit: list[str] | None) -> Path:
    stage = out / f"{recovery.STAGE_PREFIX}test"
    stage.mkdir(parents=True)
    (stage / ".owner").write_text(str(owner), encoding="utf-8")
    for name, data in files.items():
        (stage / name).write_bytes(data)
    if commit is not None:
        (stage / ".commit").write_text(json.dumps(commit), encoding="utf-8")
    return stage


def test_staging_renames_the_outputs_and_nothing_else(tmp_path):
    with staging(tmp_path) as stage:
        for name in OUTPUTS:
            (stage / name).write_text(name, encoding="utf-8")
        (stage / ".part-0.nt").write_text("scratch", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUTS)
    assert all((tmp_path / n).read_text(encoding="utf-8") == n for n in OUTPUTS)


def test_staging_keeps_the_old_outputs_on_failure(tmp_path):
    (tmp_path / "graph.ttl").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), staging(tmp_path) as stage:
        (stage / "graph.ttl").write_text("new", encoding="utf-8")
        raise RuntimeError("a failure mid-build")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
    assert (tmp_path / "graph.ttl").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize("commit, renamed_already, expect", [
    # killed during the renames: graph.ttl is in place, facts.json not yet: rolled forward
    (["graph.ttl", "facts.json", "build-report.json"], ["graph.ttl"], "new"),
    (["graph.ttl", "facts.json", "build-report.json"], [], "new"),
    # killed before the outputs were complete: removed, the old outputs stay
    (None, [], "old"),
])
def test_recover_finishes_or_removes_a_dead_builds_folder(tmp_path, commit, renamed_already, expect):
    for name in OUTPUTS:
        (tmp_path / name).write_bytes(b"old")
    for name in renamed_already:
        (tmp_path / name).write_bytes(b"new")
    _stage(tmp_path, _dead_pid(), {n: b"new" for n in OUTPUTS if n not in renamed_already}, commit)
    cache = tmp_path / ".cache" / "v"
    (cache / "ab").mkdir(parents=True)
    (cache / "ab" / "abc.pickle").write_bytes(b"entry")
    (cache / "ab" / ".abd.pickle.x1.tmp").write_bytes(b"half an ent")
    done = recover(tmp_path, cache)
    assert len(done) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*OUTPUTS, ".cache"])
    assert {(tmp_path / n).read_bytes() for n in OUTPUTS} == {expect.encode()}
    assert [p.name for p in (cache / "ab").iterdir()] == ["abc.pickle"]


def test_recover_leaves_a_running_builds_folder(tmp_path):
    stage = _stage(tmp_path, os.getpid(), {"graph.ttl": b"new"}, ["graph.ttl"])
    assert recover(tmp_path) == []
    assert (stage / "graph.ttl").is_file() and not (tmp_path / "graph.ttl").exists()


def test_crash_point_kills_on_the_chosen_pass():
    code = "from kg.pipeline.recovery import crash_point\nfor i in range(5):\n    crash_point('x'); print(i, flush=True)\n"
    env = dict(os.environ, **{CRASH_ENV: "main:x:3"}, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == -signal.SIGKILL
    assert p.stdout.split() == ["0", "1"]


# --- kill -9 of real builds -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory, examples_dir) -> Path:
    d = tmp_path_factory.mktemp("crash-corpus")
    for p in examples_dir.iterdir():
        shutil.copy(p, d / p.name)
    for i, county in enumerate(COUNTIES):
        (d / f"extra-{i}.txt").write_text(EXTRA[0].format(county=county, year=2020 + i, next=2021 + i,
                                                          n=i + 2, m=100 * (i + 3)), encoding="utf-8")
    return d


MARK = "KG_TEST_BUILD_INTO"  # tells this test's build processes (and their workers) apart


def _build(corpus: Path, out: Path, jobs: int, crash: str | None = None, cache: bool = True):
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{MARK: str(out)})
    env.pop(CRASH_ENV, None)
    if crash:
        env[CRASH_ENV] = crash
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-j", str(jobs), "--no-viewer",
           *([] if cache else ["--no-cache"])]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict[str, bytes]:
    """An uninterrupted build's graph.ttl and facts.json."""
    out = tmp_path_factory.mktemp("crash-reference")
    p = _build(corpus, out, 1, cache=False)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err.decode()
    return {n: (out / n).read_bytes() for n in ("graph.ttl", "facts.json")}


@pytest.fixture(scope="module")
def previous(corpus, tmp_path_factory) -> Path:
    """The outputs of an earlier build (of two of the files): what a killed build must not damage."""
    src = tmp_path_factory.mktemp("crash-previous-in")
    for p in sorted(corpus.iterdir())[:2]:
        shutil.copy(p, src / p.name)
    out = tmp_path_factory.mktemp("crash-previous")
    p = _build(src, out, 1, cache=False)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err.decode()
    return out


def _survivors(out: Path, timeout: float = 30) -> list[str]:
    """Processes of the builds into ``out`` still running ``timeout`` s after the build died
    (killed, so that they do not linger): its workers must exit with it."""
    psutil = pytest.importorskip("psutil")
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for proc in psutil.process_iter():
            try:
                if proc.environ().get(MARK) == str(out):
                    found.append(proc)
            except psutil.Error:
                continue
        if not found or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    names = [" ".join(p.cmdline())[-80:] for p in found]
    for proc in found:
        proc.kill()
    return names


def _entries(out: Path) -> dict[str, int]:
    return entry_kinds(out / ".cache")


def _no_half_outputs(out: Path, previous: Path, reference: dict[str, bytes]) -> None:
    for name in ("graph.ttl", "facts.json"):
        have = (out / name).read_bytes()
        assert have in ((previous / name).read_bytes(), reference[name]), f"{name} is neither old nor new"
    json.loads((out / "build-report.json").read_text(encoding="utf-8"))  # complete JSON


def _resume_and_compare(corpus: Path, out: Path, reference: dict[str, bytes], jobs: int) -> dict:
    before = _entries(out)
    p = _build(corpus, out, jobs)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err.decode()
    assert b"Traceback" not in err
    for name, data in reference.items():
        assert (out / name).read_bytes() == data, f"{name} differs from an uninterrupted build"
    assert not list(out.glob(recovery.STAGE_PREFIX + "*"))
    assert not list((out / ".cache").rglob("*.tmp"))
    cache = json.loads((out / "build-report.json").read_text(encoding="utf-8"))["cache"]
    files = len(list(corpus.iterdir()))
    # every complete entry was reused, nothing else was
    assert cache["hits"] == before.get("FileOutcome", 0), (cache, before)
    assert cache["misses"] == files - before.get("FileOutcome", 0)
    if not cache["outputs_reused"]:
        assert cache["graph_hits"] == before.get("FileGraph", 0), (cache, before)
    return cache


@pytest.mark.slow
@pytest.mark.parametrize("crashes, jobs", [
    (["main:extracted:3"], 1),  # mid extraction
    (["main:graphed:2"], 2),  # mid graph pass
    # then again, now that every file's extraction is cached: the workers start in the graph pass
    (["main:graphed:1", "main:graphed:2"], 2),
    (["main:committed:1"], 1),  # outputs complete, none renamed yet
    (["main:renamed:1"], 1),  # graph.ttl renamed, the others not
    (["worker:file:2"], 2),  # a worker, on its second file
], ids=["extracting", "graphing", "graphing-from-cache", "committed", "renaming", "worker"])
def test_kill_9_at_a_point_then_resume(corpus, reference, previous, tmp_path, crashes, jobs):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    for crash in crashes:
        p = _build(corpus, out, jobs, crash=crash)
        _, err = p.communicate(timeout=600)
        if crash.startswith("main:"):
            assert p.returncode == -signal.SIGKILL, err.decode()
        else:  # the build sees its worker die: a coded error, the outputs untouched
            assert p.returncode == 2 and b"[E040]" in err and b"Traceback" not in err, err.decode()
            assert not list(out.glob(recovery.STAGE_PREFIX + "*"))
        assert _survivors(out) == []
        _no_half_outputs(out, previous, reference)
    cache = _resume_and_compare(corpus, out, reference, jobs)
    if crashes[-1] in ("main:committed:1", "main:renamed:1"):  # recovered, then found unchanged
        assert cache["outputs_reused"]


@pytest.mark.slow
def test_kill_9_of_the_main_process_ends_its_workers(corpus, reference, previous, tmp_path):
    """A timed `kill -9` of the main process of a -j 2 build: its workers exit too, and the next
    build resumes."""
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    p = _build(corpus, out, 2)
    deadline = time.monotonic() + 300
    workers: list = []
    while time.monotonic() < deadline and p.poll() is None:
        workers = psutil.Process(p.pid).children(recursive=True)
        if workers and len(list((out / ".cache").rglob("*.pickle"))) >= 2:
            break
        time.sleep(0.05)
    assert workers, "the build ended before it could be killed"
    p.send_signal(signal.SIGKILL)
    p.wait(60)
    gone, alive = psutil.wait_procs(workers, timeout=30)
    for w in alive:
        w.kill()
    assert not alive, "workers outlived their build"
    _no_half_outputs(out, previous, reference)
    _resume_and_compare(corpus, out, reference, 2)


def test_entry_kinds_counts_complete_entries_by_record(tmp_path):
    import pickle

    from kg.pipeline.cache import Cache

    cache = Cache(tmp_path / ".cache", version="v")
    cache.put("ab01", {"a": 1})
    cache.put("ab02", {"b": 2})
    cache.put("cd01", [1])
    (tmp_path / ".cache" / "v" / "cd" / "cd02.pickle").write_bytes(pickle.dumps([2])[:5])  # cut short
    assert entry_kinds(tmp_path / ".cache") == {"dict": 2, "list": 1}


_IDLE_POOL = """
import os, signal, sys, time
from kg.pipeline.executors import ProcessPool

pool = ProcessPool(2, method=sys.argv[2])
list(pool.map(time.sleep, [0.2, 0.2]))  # both workers run a task that never guards itself
with open(sys.argv[1], "w") as f:
    f.write(" ".join(str(pid) for pid in pool._local()._processes))
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("method", ["forkserver", pytest.param("spawn", marks=pytest.mark.slow)])
def test_pool_workers_end_with_a_killed_build_even_before_a_task_guards_them(tmp_path, method):
    """A `kill -9` of the build while its workers wait for work (the 10k crash bench left two
    such workers alive): each worker watches the build from its start, not from its first task."""
    psutil = pytest.importorskip("psutil")
    pids = tmp_path / "pids"
    p = subprocess.run([sys.executable, "-c", _IDLE_POOL, str(pids), method], timeout=120,
                       env={**os.environ, "KG_START_METHOD": method})
    assert p.returncode == -signal.SIGKILL
    workers = [psutil.Process(int(pid)) for pid in pids.read_text().split()
               if psutil.pid_exists(int(pid))]
    gone, alive = psutil.wait_procs(workers, timeout=30)
    for w in alive:
        w.kill()
    assert not alive, "workers outlived their build"
