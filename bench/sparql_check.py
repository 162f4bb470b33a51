"""Each named query on a big graph: Oxigraph p50 versus rdflib, and whether both give the same rows.

    .venv/bin/python bench/sparql_check.py /tmp/sparql1300/graph.ttl
    .venv/bin/python bench/sparql_check.py GRAPH --only evidence,reports_overview --no-rdflib
    .venv/bin/python bench/sparql_check.py GRAPH --rdflib-timeout 60 --json out.json

The graph is bulk-loaded into pyoxigraph (Store.bulk_load) and parsed by rdflib once. Every query
runs through ``kg.tools.query.run_query`` (so the timings include loading the query text and the read-only
check) ``--runs`` times on Oxigraph; the median is reported. rdflib runs each query once in a forked
child process, which shares the parsed graph copy-on-write and is killed after ``--rdflib-timeout``
seconds, so one slow query cannot eat the whole budget. Where rdflib finishes, its rows are compared
with Oxigraph's (same columns, same rows in the same order).

Parameterized queries get realistic values from the graph (``--param NAME=VALUE`` overrides): the
bureau that mentions the most shared initiatives for ``bureaus_sharing_with``, for example, since the
placeholder default names no bureau and would measure an empty answer.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.tools.query import list_queries, run_query  # noqa: E402

TARGET_P50 = 0.5  # seconds
TARGET_SPEEDUP = 10.0


def realistic_params(store) -> dict[str, dict]:
    """Parameter values that exist in the graph (the headers' defaults are placeholders)."""
    import pyoxigraph as ox

    prefixes = {"edu": "https://w3id.org/edu-kg/ontology#", "skos": "http://www.w3.org/2004/02/skos/core#",
                "ini": "https://w3id.org/edu-kg/initiative/",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    out: dict[str, dict] = {}
    res = list(store.query(
        "SELECT ?n (COUNT(?i) AS ?c) WHERE { ?b a edu:Bureau ; rdfs:label ?l ; edu:implements ?i . "
        "?i skos:inScheme ini:scheme BIND(STR(?l) AS ?n) } GROUP BY ?n ORDER BY DESC(?c) ?n LIMIT 1",
        prefixes=prefixes))
    if res:
        out["bureaus_sharing_with"] = {"bureau_name": res[0]["n"].value}
    res = list(store.query(
        "SELECT ?y (COUNT(*) AS ?c) WHERE { ?m a edu:Metric ; edu:status \"planned\" ; edu:year ?y } "
        "GROUP BY ?y ORDER BY DESC(?c) LIMIT 1", prefixes=prefixes))
    if res:
        out["targets_for_year"] = {"year": int(res[0]["y"].value[:4])}
    del ox
    return out


# --- rdflib in a forked child ---------------------------------------------------------------------

_RDF_GRAPH = None  # set before forking; the child inherits it


def _rdflib_child(name: str, params: dict | None, out_path: str) -> None:
    t = time.perf_counter()
    try:
        res = run_query(name, _RDF_GRAPH, store="rdflib", params=params)
        payload = {"seconds": time.perf_counter() - t, "columns": res.columns, "rows": res.rows}
    except Exception as e:  # report, do not crash the parent
        payload = {"seconds": time.perf_counter() - t, "error": f"{type(e).__name__}: {e}"}
    with open(out_path, "wb") as f:
        pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)


def run_rdflib(name: str, params: dict | None, timeout: float) -> dict:
    ctx = mp.get_context("fork")
    fd, out_path = tempfile.mkstemp(suffix=".pickle", prefix="sparql_check_")
    os.close(fd)
    try:
        proc = ctx.Process(target=_rdflib_child, args=(name, params, out_path))
        t = time.perf_counter()
        proc.start()
        proc.join(timeout)
        if proc.is_alive():
            proc.kill()
            proc.join()
            return {"timeout": True, "seconds": time.perf_counter() - t}
        if os.path.getsize(out_path) == 0:
            return {"error": f"child exited with {proc.exitcode}", "seconds": time.perf_counter() - t}
        with open(out_path, "rb") as f:
            return pickle.load(f)
    finally:
        os.unlink(out_path)


# --- main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    global _RDF_GRAPH
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path, help="a Turtle file")
    ap.add_argument("--runs", type=int, default=5, help="Oxigraph runs per query (median reported)")
    ap.add_argument("--rdflib-timeout", type=float, default=120.0, help="seconds per rdflib query")
    ap.add_argument("--no-rdflib", action="store_true", help="Oxigraph timings only")
    ap.add_argument("--only", default="", help="comma-separated query names")
    ap.add_argument("--param", "-p", action="append", default=[], help="QUERY.NAME=VALUE")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    import pyoxigraph as ox

    names = sorted(list_queries())
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = set(wanted) - set(names)
        if unknown:
            ap.error(f"unknown queries: {', '.join(sorted(unknown))}")
        names = wanted

    store = ox.Store()
    t = time.perf_counter()
    store.bulk_load(path=str(args.graph), format=ox.RdfFormat.TURTLE)
    ox_load = time.perf_counter() - t
    triples = len(store)
    print(f"{args.graph}: {triples:,} triples; Oxigraph bulk load {ox_load:.1f} s", flush=True)

    params = realistic_params(store)
    for spec in args.param:
        key, _, value = spec.partition("=")
        q, _, pname = key.partition(".")
        params.setdefault(q, {})[pname] = value
    for q, p in params.items():
        if q in names:
            print(f"  params for {q}: {p}", flush=True)

    results: dict[str, dict] = {}
    ox_rows = {}
    for name in names:
        p = params.get(name)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            res = run_query(name, store, store="oxigraph", params=p)
            times.append(time.perf_counter() - t)
        ox_rows[name] = res
        results[name] = {"rows": len(res.rows), "oxigraph_p50_s": round(statistics.median(times), 4),
                         "oxigraph_max_s": round(max(times), 4)}
        print(f"  oxigraph {name}: {len(res.rows)} rows, p50 {statistics.median(times):.3f} s", flush=True)

    rdf_load = None
    if not args.no_rdflib:
        import rdflib

        t = time.perf_counter()
        _RDF_GRAPH = rdflib.Graph().parse(args.graph, format="turtle")
        rdf_load = time.perf_counter() - t
        print(f"rdflib parse {rdf_load:.1f} s ({len(_RDF_GRAPH):,} triples)", flush=True)
        for name in names:
            r = run_rdflib(name, params.get(name), args.rdflib_timeout)
            entry = results[name]
            if r.get("timeout"):
                entry["rdflib_s"] = None
                entry["rdflib"] = f"> {args.rdflib_timeout:g} s (killed)"
                entry["speedup"] = f"> {args.rdflib_timeout / max(entry['oxigraph_p50_s'], 1e-6):.0f}"
            elif "error" in r:
                entry["rdflib"] = "error: " + r["error"]
            else:
                entry["rdflib_s"] = round(r["seconds"], 3)
                entry["speedup"] = round(r["seconds"] / max(entry["oxigraph_p50_s"], 1e-6), 1)
                ox_res = ox_rows[name]
                same = tuple(r["columns"]) == ox_res.columns and tuple(r["rows"]) == ox_res.rows
                entry["same_rows"] = same
                if not same:
                    entry["same_rows_unordered"] = sorted(map(repr, r["rows"])) == sorted(map(repr, ox_res.rows))
            print(f"  rdflib {name}: {entry.get('rdflib_s', entry.get('rdflib'))}"
                  f" same rows: {entry.get('same_rows', '-')}", flush=True)

    # --- table
    print()
    head = f"{'query':36} {'rows':>7} {'ox p50 s':>9} {'rdflib s':>12} {'speed-up':>9} {'same':>5}  ok"
    print(head)
    print("-" * len(head))
    failures = 0
    for name in names:
        e = results[name]
        rd = e.get("rdflib_s")
        rd_txt = f"{rd:.2f}" if isinstance(rd, float) else (e.get("rdflib", "-") if rd is None else str(rd))
        if isinstance(rd_txt, str) and rd_txt.startswith(">"):
            rd_txt = rd_txt.split(" (")[0]
        sp = e.get("speedup", "-")
        fast = e["oxigraph_p50_s"] <= TARGET_P50
        speed_ok = sp == "-" or (isinstance(sp, str) and sp.startswith(">")) or (
            isinstance(sp, float) and sp >= TARGET_SPEEDUP)
        same = e.get("same_rows", "-")
        ok = fast and speed_ok and same is not False
        failures += not ok
        print(f"{name:36} {e['rows']:>7} {e['oxigraph_p50_s']:>9.3f} {rd_txt:>12} {str(sp):>9} "
              f"{str(same)[:5]:>5}  {'yes' if ok else 'NO'}")
    print(f"\n{triples:,} triples; target p50 <= {TARGET_P50} s on Oxigraph and >= {TARGET_SPEEDUP:g}x rdflib")
    if args.json:
        args.json.write_text(json.dumps({"graph": str(args.graph), "triples": triples,
                                         "load_oxigraph_s": round(ox_load, 2),
                                         "load_rdflib_s": None if rdf_load is None else round(rdf_load, 2),
                                         "params": params, "queries": results},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
