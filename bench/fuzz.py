"""The mutation fuzzer (issue 22): mangled copies of the example reports built in one batch.

    python bench/fuzz.py                 # 1,100 mutants at -j 2 (about a quarter of an hour on 2 cores)
    python bench/fuzz.py --files 200     # a quick look

Each file is a mutation from tests/fixtures/mutate.py (truncated anywhere, flipped bytes, mixed
encodings, NULs and control characters, duplicated or shuffled paragraphs, wrapped in HTML nested
thousands deep, zip bombs and huge single lines as .txt/.docx/.pdf), beside a few clean invented
reports. The properties checked (:func:`check`): the build exits 0 without a traceback; every
file is either built or reported with a coded error, never E999 (a bug); the clean reports' facts
are the same as when they are built alone; no file used more than the per-file budget (CPU
seconds, wall seconds, peak RSS). Writes bench/results-fuzz.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this tree's kg; the mutations are test fixtures

from fixtures.mutate import mutants, seeds  # noqa: E402

from kg.core.config import Config  # noqa: E402
from kg.pipeline.budget import TICK, WALL_FACTOR  # noqa: E402

# invented clean reports, with bureaus no seed names: building them with the mutants must not
# change a byte of their facts
CLEAN = {
    f"clean-{i}.txt": (f"{county}教育局{2019 + i}年工作总结\n一、{2019 + i}年工作总结\n"
                       f"全县新建幼儿园{i + 2}所，新增学位{(i + 3) * 110}个，组织教师培训{i + 4}期。\n"
                       f"二、{2020 + i}年工作计划\n计划新建学校{i + 1}所，课后服务覆盖率达到9{i}%。\n")
    for i, county in enumerate(["青禾县", "云溪县", "石门县"])
}
CODE = re.compile(r"^\[(E\d{3})\]")


def make_corpus(dest: Path, n: int, seed: int = 22) -> Path:
    """``n`` mutants and the clean reports under ``dest`` (rewritten each time)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name, data in mutants(seeds(ROOT / "examples" / "reports"), n, seed):
        (dest / name).write_bytes(data)
    for name, text in CLEAN.items():
        (dest / name).write_text(text, encoding="utf-8")
    return dest


def build(corpus: Path, out: Path, jobs: int) -> tuple[subprocess.CompletedProcess, dict, float]:
    """`kg build` in a child process (no cache: every file is read); its run, report, seconds."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-j", str(jobs), "--no-viewer",
           "--no-cache"]
    t = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    seconds = time.perf_counter() - t
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8")) if run.returncode == 0 else {}
    return run, report, seconds


def clean_facts(out: Path) -> list[dict]:
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))["reports"]
    return sorted((r for r in facts if r["source"] in CLEAN), key=lambda r: r["id"])


def summarize(report: dict) -> dict:
    files = report["files"]
    codes = Counter(CODE.match(e).group(1) if CODE.match(e) else "uncoded" for f in files for e in f["errors"][:1])
    return {"files": len(files), "built": sum(not f["errors"] for f in files),
            "with_reports": sum(f["reports"] > 0 for f in files), "errors_by_code": dict(sorted(codes.items())),
            "max_seconds": max(f["seconds"] for f in files),
            "max_cpu_seconds": max(f["cpu_seconds"] for f in files),
            "max_peak_mib": max((f["peak_mib"] or 0) for f in files),
            "slowest": max(files, key=lambda f: f["cpu_seconds"])["path"].rsplit("/", 1)[-1]}


def check(run: subprocess.CompletedProcess, report: dict, corpus: Path, alone: list[dict], batch: list[dict],
          config: Config | None = None) -> list[str]:
    """What went wrong, one line each (empty: every property holds)."""
    config = config or Config()  # the budget the build ran with: the defaults
    if run.returncode != 0:
        return [f"the build exited {run.returncode}: {run.stderr[-2000:]}"]
    bad = []
    if "Traceback" in run.stdout + run.stderr:
        bad.append("a traceback was printed")
    files = {Path(f["path"]).name: f for f in report["files"]}
    missing = {p.name for p in corpus.iterdir()} - set(files)
    if missing:
        bad.append(f"no entry for {sorted(missing)[:5]}")
    for name, f in sorted(files.items()):
        for e in f["errors"]:
            if not CODE.match(e) or e.startswith("[E999]"):
                bad.append(f"{name}: {e[:300]}")
        if f["cpu_seconds"] > config.file_seconds + 2 * TICK:
            bad.append(f"{name}: {f['cpu_seconds']} s of CPU, over the budget")
        if f["seconds"] > config.file_seconds * WALL_FACTOR + 2 * TICK:
            bad.append(f"{name}: {f['seconds']} s, over the wall-clock budget")
        if (f["peak_mib"] or 0) > config.file_memory_mb:
            bad.append(f"{name}: {f['peak_mib']} MiB, over the budget")
    if batch != alone:
        bad.append("the clean reports' facts differ from building them alone")
    return bad


def fuzz(n: int, jobs: int, work: Path, seed: int = 22) -> dict:
    """Build ``n`` mutants with the clean reports, and the clean reports alone; the summary."""
    corpus = make_corpus(work / "corpus", n, seed)
    only = work / "clean"
    shutil.rmtree(only, ignore_errors=True)
    only.mkdir(parents=True)
    for name in CLEAN:
        shutil.copy(corpus / name, only / name)
    run, report, seconds = build(corpus, work / "out", jobs)
    alone_run, _, _ = build(only, work / "out-clean", jobs)
    assert alone_run.returncode == 0, alone_run.stderr
    problems = check(run, report, corpus, clean_facts(work / "out-clean"),
                     clean_facts(work / "out") if run.returncode == 0 else [])
    summary = summarize(report) if report else {}
    return {"mutants": n, "seed": seed, "jobs": jobs, "build_s": round(seconds, 1), **summary,
            "problems": problems}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=1100, help="mutants to build (default 1,100)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--out", type=Path, default=BENCH / "results-fuzz.json")
    args = ap.parse_args(argv)
    result = fuzz(args.files, args.jobs, BENCH / "out" / "fuzz", args.seed)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render(result))
    return 1 if result["problems"] else 0


def render(r: dict) -> str:
    lines = [f"fuzz: {r['mutants']} mutants + {len(CLEAN)} clean files at -j {r['jobs']} in {r['build_s']} s: "
             f"{r.get('built')} built ({r.get('with_reports')} with reports), errors by code {r.get('errors_by_code')}",
             f"  per file: max {r.get('max_seconds')} s wall, {r.get('max_cpu_seconds')} s CPU "
             f"({r.get('slowest')}), max peak {r.get('max_peak_mib')} MiB above the worker's"]
    lines += [f"  PROBLEM {p}" for p in r["problems"]] or ["  every property held"]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
