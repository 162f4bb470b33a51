"""SHACL on a worker's report units: the engine once per unit, or kg.rdf.validate.validate_units
(shacl-rust screens the units in one indexed run; the engine judges only what it faults), and
both against pySHACL per unit.

    python bench/shacl_batch.py [CORPUS_DIR] [--units 100] [--batch 32] [--repeat 3]

The units are what a build validates per file (kg.rdf.graph.report_triples), from the first
``--units`` files of CORPUS_DIR (default: bench/run.py's 1k corpus), in batches of ``--batch``
files as the build hands them to a worker (kg.pipeline.build.BATCH_FILES)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def units(corpus: Path, n: int) -> list[list[str]]:
    """The N-Triples lines of each of the first ``n`` files, linked as a build links them."""
    from kg.pipeline import stages
    from kg.pipeline.link import Linker, LinkKeys
    from kg.rdf.graph import report_lines

    outcomes = [stages.process_file(p) for p in sorted(corpus.glob("*.txt"))[:n]]
    linker = Linker()
    for o in outcomes:
        linker.add(o.facts)
    plan = linker.plan()
    out = []
    for o in outcomes:
        job = stages.GraphJob(stages.PackedFacts.pack(o.facts), plan.for_keys(LinkKeys.of(o.facts)))
        out.append(report_lines(stages.link(job), stages.lookup(), targets=job.plan.targets))
    return out


def _best(run, repeat: int) -> tuple[float, object]:
    """The fastest of ``repeat`` calls (this machine is shared) and the last result."""
    times, got = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        got = run()
        times.append(time.perf_counter() - t)
    return min(times), got


def main(argv: list[str] | None = None) -> int:
    import run as bench_run

    from kg.rdf import validate as va

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    corpus = args.corpus or bench_run.generate(1000, bench_run.corpus_dir(1000))
    us = units(corpus, args.units)
    print(f"{len(us)} units, mean {statistics.mean(len(set(lines)) for lines in us):.0f} triples", flush=True)
    batches = [us[i:i + args.batch] for i in range(0, len(us), args.batch)]
    ref = [va.validate_unit(shacl=va.Shacl(engine="pyshacl"), lines=lines) for lines in us]
    ways = {"turbo, per unit": lambda: [va.validate_unit(shacl=va.Shacl(engine="turbo"), lines=lines) for lines in us],
            "validate_units (screen)": lambda: [r for b in batches for r in va.validate_units(b)]}
    for name, way in ways.items():
        seconds, got = _best(way, args.repeat)
        print(f"{name:<24} {seconds / len(us) * 1000:6.2f} ms a unit; same reports as pySHACL: {got == ref}",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
