"""Throughput of the per-file stages (ingest → clean → segment → extract) in one process.

Warms up first, then times ``kg.pipeline.stages.process_file`` over every input file and prints chars/s.
``--dump`` pickles ``[o.facts for o in outcomes]`` and ``--compare`` checks them against an earlier
dump for exact equality, so an optimisation can be shown to change no output.

    python bench/profile_extract.py bench/corpus/1000 --dump /tmp/base-1000.pkl
    python bench/profile_extract.py bench/corpus/1000 --compare /tmp/base-1000.pkl
    python bench/profile_extract.py bench/corpus/1000 --cprofile 25    # top functions by own time
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.pipeline import stages  # noqa: E402
from kg.pipeline.build import warm_up  # noqa: E402
from kg.text import ingest  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="files or folders")
    ap.add_argument("--dump", type=Path, help="pickle the facts of every file here")
    ap.add_argument("--compare", type=Path, help="fail unless the facts equal this earlier dump")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes (the best is reported)")
    ap.add_argument("--cprofile", type=int, metavar="N", help="print the top N functions (tottime)")
    args = ap.parse_args(argv)

    paths = ingest.discover(args.inputs)
    chars = sum(len(ingest.read_source(p).text) for p in paths)
    warm_up()  # jieba, gazetteer, taxonomy: loaded before the timed loop

    best = cpu = float("inf")
    outcomes: list = []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        if args.cprofile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            outcomes = prof.runcall(lambda: [stages.process_file(p) for p in paths])
        else:
            outcomes = [stages.process_file(p) for p in paths]
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)  # steadier than wall time on a shared machine
    print(f"{len(paths)} files, {chars} chars, {best:.2f} s, {chars / best:,.0f} chars/s "
          f"(CPU {cpu:.2f} s, {chars / cpu:,.0f} chars/s)")
    if args.cprofile:
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.cprofile)

    facts = [o.facts for o in outcomes]
    errors = [e for o in outcomes for e in o.result.errors]
    if errors:
        print(f"{len(errors)} file errors, first: {errors[0]}")
    if args.dump:
        args.dump.write_bytes(pickle.dumps(facts))
        print(f"facts of {len(facts)} files written to {args.dump}")
    if args.compare:
        base = pickle.loads(args.compare.read_bytes())
        if base == facts:
            print(f"facts identical to {args.compare}")
        else:
            diff = [str(p) for p, a, b in zip(paths, base, facts, strict=False) if a != b]
            print(f"FACTS DIFFER from {args.compare}: {len(diff)} files (of {len(paths)}), "
                  f"first: {diff[:3]}; lengths {len(base)} vs {len(facts)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
