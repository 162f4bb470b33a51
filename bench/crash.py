"""Crash and resume at scale (issue 22): `kill -9` a large build at random points, then resume.

    python bench/crash.py                  # the 10k-report corpus of bench/run.py, -j 2 (about an hour)
    python bench/crash.py --size 1000      # a quicker look

An uninterrupted build gives the reference bytes. Then, in a folder holding an earlier build's
outputs, the same build is started again and again and killed: the main process at seeded random
moments (fractions of the reference's time), and once a worker. After each kill the outputs must
be the earlier ones or the new ones, never half of one, and no worker may outlive its build. The
last run goes to the end: its graph.ttl and facts.json must equal the reference, and it must
have reused every cache entry the killed runs completed (its misses: only the files no run
finished). Writes bench/results-crash.json and prints a summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUTPUTS = ("graph.ttl", "facts.json")
sys.path.insert(0, str(ROOT))  # this tree's kg, as the builds it starts use

from kg.pipeline.cache import entry_kinds  # noqa: E402


def _generate(n: int) -> Path:
    """bench/run.py's corpus of ``n`` reports (the same files the build figures use)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    return run.generate(n, BENCH / "corpus" / str(n))


def _start(corpus: Path, out: Path, jobs: int, cache: bool = True) -> psutil.Popen:
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-j", str(jobs), "--no-viewer",
           *([] if cache else ["--no-cache"])]
    return psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                        env=dict(os.environ, PYTHONPATH=str(ROOT)))


def _finish(p: psutil.Popen) -> float:
    t = time.perf_counter()
    _, err = p.communicate()
    if p.returncode:
        raise SystemExit(f"build failed ({p.returncode}): {err.decode()[-2000:]}")
    return time.perf_counter() - t


def _digests(out: Path) -> dict[str, str | None]:
    def sha(p: Path) -> str | None:
        if not p.is_file():
            return None
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    return {n: sha(out / n) for n in OUTPUTS}


def _entries(out: Path) -> dict[str, int]:
    return entry_kinds(out / ".cache")


def _kill(p: psutil.Popen, after: float, worker: bool) -> dict:
    """SIGKILL the build (or one of its workers) ``after`` seconds from now; what was killed."""
    deadline = time.perf_counter() + after
    while time.perf_counter() < deadline and p.poll() is None:
        time.sleep(0.1)
    if p.poll() is not None:
        return {"killed": None, "ended_first": True}
    children = p.children(recursive=True)
    workers = [c for c in children if not c.children() and "resource_tracker" not in " ".join(_cmdline(c))]
    if worker and workers:
        workers[0].send_signal(signal.SIGKILL)
        p.communicate()
        return {"killed": "worker", "exit": p.returncode}
    p.send_signal(signal.SIGKILL)
    p.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    for c in alive:
        c.kill()
    return {"killed": "main", "orphans": len(alive)}


def _cmdline(proc: psutil.Process) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def crash_resume(n: int, jobs: int, kills: int, seed: int) -> dict:
    corpus = _generate(n)
    work = BENCH / "out" / f"crash-{n}"
    shutil.rmtree(work, ignore_errors=True)
    ref, out = work / "reference", work / "out"
    p = _start(corpus, ref, jobs, cache=False)
    reference_s = _finish(p)
    reference = _digests(ref)
    # the earlier outputs a killed build must leave alone: a build of the first hundred files
    first = work / "first"
    first.mkdir(parents=True)
    for f in sorted(corpus.iterdir())[:100]:
        shutil.copy(f, first / f.name)
    _finish(_start(first, out, jobs, cache=False))
    earlier = _digests(out)
    rng = random.Random(seed)
    events, problems = [], []
    for k in range(kills + 1):  # the main process `kills` times, then one worker
        worker = k == kills
        at = round(rng.uniform(0.1, 0.5) * reference_s, 1)  # later runs start from the cache
        p = _start(corpus, out, jobs)
        event = {"after_s": at, **_kill(p, at, worker)}
        have = _digests(out)
        event["outputs"] = {name: ("earlier" if d == earlier[name] else "new" if d == reference[name] else "OTHER")
                            for name, d in have.items()}
        event["complete_cache_entries"] = _entries(out)
        events.append(event)
        if "OTHER" in event["outputs"].values():
            problems.append(f"kill {k}: an output is neither the earlier nor the new one")
        if event.get("orphans"):
            problems.append(f"kill {k}: {event['orphans']} worker(s) outlived the build")
    before = _entries(out)
    p = _start(corpus, out, jobs)
    resume_s = _finish(p)
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    cache = report["cache"]
    if _digests(out) != reference:
        problems.append("the resumed build's outputs differ from the uninterrupted build's")
    if cache["hits"] != before.get("FileOutcome", 0):
        problems.append(f"complete extraction entries {before.get('FileOutcome', 0)}, reused {cache['hits']}")
    if not cache["outputs_reused"] and cache["graph_hits"] != before.get("FileGraph", 0):
        problems.append(f"complete graph entries {before.get('FileGraph', 0)}, reused {cache['graph_hits']}")
    return {"reports": n, "jobs": jobs, "seed": seed, "reference_s": round(reference_s, 1),
            "resume_s": round(resume_s, 1), "kills": events, "resume_cache": cache,
            "complete_entries_before_resume": before, "same_bytes": _digests(out) == reference,
            "problems": problems}


def render(r: dict) -> str:
    lines = [f"crash/resume, {r['reports']} reports at -j {r['jobs']}: uninterrupted {r['reference_s']} s; "
             f"{len(r['kills'])} kills, then the resumed build {r['resume_s']} s"]
    for e in r["kills"]:
        lines.append(f"  kill {e.get('killed')} at {e['after_s']} s: outputs {e['outputs']}, complete cache "
                     f"entries {e['complete_cache_entries']}")
    c = r["resume_cache"]
    lines.append(f"  resumed: extraction hits {c['hits']} misses {c['misses']}, graph hits {c['graph_hits']} "
                 f"misses {c['graph_misses']}; same bytes as uninterrupted: {r['same_bytes']}")
    lines += [f"  PROBLEM {p}" for p in r["problems"]] or ["  every property held"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10_000, help="reports (bench/run.py's corpus)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--kills", type=int, default=3, help="kills of the main process (then one of a worker)")
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--out", type=Path, default=BENCH / "results-crash.json")
    args = ap.parse_args(argv)
    result = crash_resume(args.size, args.jobs, args.kills, args.seed)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render(result))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
