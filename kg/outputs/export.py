"""Graph files (Turtle, N-Triples, JSON-LD), facts.json from the graph, and atomic JSON writes.

Every writer is deterministic (same graph, same bytes) and atomic (temp file + os.replace), so a
crashed build never leaves half a file behind. facts.json is a walk over the graph, never over the
extraction records: it cannot say more than the validated graph does.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import XSD

from kg.core.atomic import atomic_open
from kg.outputs.reader import BureauRecord, GraphReader, MentionRecord, MetricRecord, json_number
from kg.terms import vocab as V
from kg.terms.triples import (  # above the limit Turtle goes through pyoxigraph
    OXIGRAPH_LIMIT,
    nt_lines,
)

__all__ = ["write_graph", "serialize_graph", "facts_from_graph", "write_json", "OXIGRAPH_LIMIT",
           "report_fragment", "report_sort_key", "LineSpool", "FragmentSpool", "turtle_from_nt",
           "write_facts_fragments"]

FORMATS = ("turtle", "nt", "jsonld")


def _atomic_write(path: str | Path, data: bytes) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_json(obj, path: str | Path) -> Path:
    """UTF-8 JSON, keys sorted, indent 1, non-ASCII kept; written atomically."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)
    return _atomic_write(path, (text + "\n").encode("utf-8"))


def _json_default(o):
    if isinstance(o, Decimal):
        return json_number(o)
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return sorted(o) if isinstance(o, (set, frozenset)) else list(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


# --- graph serialization --------------------------------------------------------------------------

def _sorted_nt(graph: Graph) -> str:
    return "".join(nt_lines(graph))  # sorted and unique: the one canonical N-Triples text


def _prefixes(graph: Graph) -> dict[str, str]:
    out = dict(V.PREFIX_IRIS)
    for prefix, ns in graph.namespaces():
        if prefix and prefix not in out:
            out[prefix] = str(ns)
    return out


def _turtle_rdflib(graph: Graph) -> bytes:
    g = Graph(bind_namespaces="none")
    for prefix, ns in _prefixes(graph).items():
        g.bind(prefix, ns, override=True, replace=True)
    g += graph
    return g.serialize(format="turtle", encoding="utf-8")


def _to_ox(t):
    import pyoxigraph as ox

    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if t.language:
        return ox.Literal(str(t), language=t.language)
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))


def _turtle_oxigraph(graph: Graph) -> bytes:
    """Sorted triples through pyoxigraph's Turtle writer: same prefixes, grouped by subject."""
    import pyoxigraph as ox

    triples = sorted(graph, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    ox_triples = [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in triples]
    return ox.serialize(ox_triples, format=ox.RdfFormat.TURTLE, prefixes=_prefixes(graph)) or b""


def _jsonld(graph: Graph) -> bytes:
    context = {k: str(v) for k, v in _prefixes(graph).items()}
    raw = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = raw.get("@graph", [raw] if "@id" in raw else [])
    for n in nodes:
        for k, v in n.items():
            if isinstance(v, list):
                n[k] = sorted(v, key=lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True))
    doc = {"@context": raw.get("@context", context),
           "@graph": sorted(nodes, key=lambda n: str(n.get("@id", "")))}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def serialize_graph(graph: Graph, fmt: str = "turtle") -> bytes:
    """Deterministic bytes of ``graph`` in ``fmt`` (turtle | nt | jsonld)."""
    if fmt in ("ttl", "turtle"):
        if len(graph) > OXIGRAPH_LIMIT:
            return _turtle_oxigraph(graph)
        return _turtle_rdflib(graph)
    if fmt in ("nt", "ntriples", "n-triples"):
        return _sorted_nt(graph).encode("utf-8")
    if fmt in ("jsonld", "json-ld"):
        return _jsonld(graph)
    raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")


def write_graph(graph: Graph, path: str | Path, fmt: str = "turtle") -> Path:
    """Write ``graph`` to ``path`` atomically; same graph, same bytes."""
    return _atomic_write(path, serialize_graph(graph, fmt))


# --- facts.json from the graph --------------------------------------------------------------------

def _region(bureau: BureauRecord | None) -> dict:
    """The region chain as facts.json writes it: the lowest named place of each level."""
    out = {"province": None, "city": None, "county": None}
    for step in reversed(bureau.path if bureau is not None else ()):
        if step.level in out and out[step.level] is None:
            out[step.level] = step.label
    if out["province"] and out["province"].endswith("市") and out["city"] is None:
        # a municipality (北京市, the only province-level names ending in 市) is its own city,
        # as the national division tables write it: 北京市 / 北京市 / 东城区
        out["city"] = out["province"]
    return out


def _initiative(r: GraphReader, m: MentionRecord) -> dict:
    local = m.concept is None or r.is_local(m.concept)
    return {
        "label": m.label or (r.concept(m.concept).label if m.concept is not None else None),
        "concept": None if local else str(m.concept),
        "aliases": list(m.aliases),
        "quote": m.quote,
        "status": m.status,
        "scope": "local" if local else "national",
    }


def _metric(r: GraphReader, x: MetricRecord) -> dict:
    return {
        "quote": x.quote,
        "indicator": x.indicator,
        "value": x.number,
        "unit": x.unit,
        "comparator": x.comparator,
        "year": x.year,
        "status": x.status,
        "redacted": x.redacted,
        "initiative": r.mention(x.initiative).label if x.initiative is not None else None,
        # beyond ../shared/FACTS_FORMAT.md (README: facts.json): the shared indicator and the
        # normalised value, so one figure compares across reports
        "indicator_concept": x.indicator_concept,
        "base_value": x.base_number,
        "base_unit": x.base_unit,
    }


def facts_from_graph(graph: Graph) -> dict:
    """The facts.json document (../shared/FACTS_FORMAT.md) read off the graph.

    Reports sorted by source file then index; initiatives and metrics by offset."""
    r = GraphReader(graph)
    reports = []
    for rep in r.reports():
        b = r.bureau(rep.bureau) if rep.bureau is not None else None
        level = b.level if b is not None else None
        if level is None and b is not None and b.path:
            level = b.path[-1].level  # the bureau's own region
        reports.append({
            "source": rep.file_name,
            "id": str(rep.iri),
            "head": rep.head,
            "bureau": b.label if b is not None else None,
            "bureau_anonymized": b.anonymized if b is not None else False,
            "region": _region(b),
            "level": level,
            "summary_year": rep.summary_year,
            "plan_year": rep.plan_year,
            "initiatives": [_initiative(r, m) for m in rep.mentions],
            "metrics": [_metric(r, x) for x in rep.metrics],
            "_index": rep.index or 0,
        })
    reports.sort(key=lambda d: (d["source"] or "", d["_index"], d["id"]))
    for d in reports:
        del d["_index"]
    return {"reports": reports}


# --- streamed outputs -----------------------------------------------------------------------------
# A build never holds the whole graph: each file's triples arrive as sorted N-Triples lines, are
# spooled into sorted runs, and merged (duplicates dropped) into one sorted N-Triples file, which
# pyoxigraph turns into Turtle in a single streaming pass. facts.json is assembled the same way
# from per-report fragments. Both give the bytes serialize_graph / write_json would give.

RUN_LINES = 200_000  # lines held in memory before a sorted run is written


def report_fragment(report: dict) -> str:
    """One report of facts.json as it appears inside the document (indented two levels)."""
    text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default)
    return "\n".join("  " + line for line in text.split("\n"))


def report_sort_key(report: dict) -> tuple:
    """facts.json order (see facts_from_graph): source file, report index, IRI."""
    index = report.get("id", "").rsplit("-", 1)[-1]
    return (report.get("source") or "", int(index) if index.isdigit() else 0, report.get("id", ""))


def _unique_sorted(lines: list[str]) -> Iterator[str]:
    """Sorted, without repeats. Sorting the list as it is, not a set of it: a build adds each file's
    lines already sorted, and Timsort merges such runs ~20x faster than it sorts a shuffled set."""
    return _without_repeats(sorted(lines))


def _without_repeats(lines: Iterable[str]) -> Iterator[str]:
    """Sorted ``lines`` with each line once."""
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


class LineSpool:
    """Collects N-Triples lines (in any order, with duplicates) into sorted run files under ``dir``;
    :func:`merge_runs` yields them sorted and unique, holding one line per run in memory.

    :meth:`bounds` cuts the merged order into parts of similar size at subject boundaries, so the
    parts can be merged and serialized side by side and simply concatenated."""

    SAMPLE_EVERY = 1024  # lines; every run keeps this share of its lines to place the cuts

    def __init__(self, dir: str | Path):
        self.dir = Path(dir)
        self.runs: list[Path] = []
        self._buf: list[str] = []
        self._samples: list[str] = []

    def add(self, lines: list[str]) -> None:
        self._buf.extend(lines)
        if len(self._buf) >= RUN_LINES:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered as a sorted run."""
        if not self._buf:
            return
        path = self.dir / f"run-{len(self.runs):05d}.nt"
        lines = list(_unique_sorted(self._buf))
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
        self._samples.extend(lines[:: self.SAMPLE_EVERY])
        self.runs.append(path)
        self._buf = []

    def bounds(self, parts: int) -> list[tuple[str | None, str | None]]:
        """(low, high) line ranges, ``low <= line < high`` (None: open), of about equal size.

        A cut is the "<subject>" of a sampled line: every line of one subject starts with the same
        "<subject> ", so it compares the same way with the cut and the subject stays in one part."""
        self.flush()
        subjects = sorted({line[: line.index(" ")] for line in self._samples})
        cuts = sorted({subjects[len(subjects) * i // parts] for i in range(1, parts) if subjects})
        return list(itertools.pairwise([None, *cuts, None]))


def merge_runs(runs: list[Path], low: str | None = None, high: str | None = None) -> Iterator[str]:
    """Sorted unique lines of sorted run files, ``low <= line < high``; usable in another process."""
    import heapq

    files = [open(p, encoding="utf-8", newline="\n") for p in runs]
    try:
        yield from _without_repeats(heapq.merge(*(_in_range(f, low, high) for f in files)))
    finally:
        for f in files:
            f.close()


def _in_range(lines: Iterable[str], low: str | None, high: str | None) -> Iterator[str]:
    """The part of sorted ``lines`` in [low, high)."""
    if low is not None:
        lines = itertools.dropwhile(lambda line: line < low, lines)
    if high is not None:
        lines = itertools.takewhile(lambda line: line < high, lines)
    return iter(lines)


def turtle_head(prefixes: dict[str, str] | None = None) -> str:
    prefixes = prefixes if prefixes is not None else V.PREFIX_IRIS
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(prefixes.items()))


def serialize_turtle(nt_path: str | Path, out_path: str | Path,
                     prefixes: dict[str, str] | None = None) -> int:
    """pyoxigraph's Turtle of a sorted N-Triples file (subjects grouped, one streaming pass);
    returns where its body starts, after the writer's own prefix lines."""
    import pyoxigraph as ox

    prefixes = prefixes if prefixes is not None else V.PREFIX_IRIS
    triples = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, str(out_path), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    offset = 0
    with open(out_path, "rb") as f:
        for line in f:
            if not line.startswith(b"@prefix "):
                break
            offset += len(line)
    return offset


def join_turtle(bodies: list[tuple[Path, int]], ttl_path: str | Path,
                prefixes: dict[str, str] | None = None) -> Path:
    """One Turtle file: the prefixes sorted (the writer lists them in its own map's order), then
    the bodies of :func:`serialize_turtle` outputs, in order; written atomically. Parts cut at
    subject boundaries give the bytes of serializing everything at once (tested)."""
    with atomic_open(ttl_path, "wb") as dst:
        dst.write(turtle_head(prefixes).encode("utf-8"))
        copy_files(bodies, dst)
    return Path(ttl_path)


def copy_files(sources: Iterable[tuple[str | Path, int]], dst) -> None:
    """Append each (file, byte offset) source's bytes from its offset to the open binary ``dst``."""
    import shutil

    for path, offset in sources:
        with open(path, "rb") as src:
            src.seek(offset)
            shutil.copyfileobj(src, dst, 1 << 20)


def turtle_from_nt(nt_path: str | Path, ttl_path: str | Path, prefixes: dict[str, str] | None = None) -> Path:
    """Turtle of a sorted N-Triples file in one streaming pyoxigraph pass; written atomically."""
    ttl_path = Path(ttl_path)
    body = ttl_path.with_name(f".{ttl_path.name}.body")
    try:
        offset = serialize_turtle(nt_path, body, prefixes)
        return join_turtle([(body, offset)], ttl_path, prefixes)
    finally:
        body.unlink(missing_ok=True)


def write_facts_fragments(fragments: Iterable[str], path: str | Path) -> Path:
    """facts.json from report fragments already in order (see report_fragment)."""
    with atomic_open(path) as f:
        first = True
        for frag in fragments:
            f.write('{\n "reports": [\n' if first else ",\n")
            f.write(frag)
            first = False
        f.write('{\n "reports": []\n}\n' if first else "\n ]\n}\n")
    return path


class FragmentSpool:
    """facts.json fragments spooled to a file under ``dir``; :meth:`ordered` reads them back in
    facts.json order, one at a time."""

    def __init__(self, dir: str | Path):
        self.path = Path(dir) / ".facts-fragments"
        self._f = open(self.path, "w+b")
        self._index: list[tuple[tuple, int, int]] = []

    def add(self, key: tuple, fragment: str) -> None:
        data = fragment.encode("utf-8")
        self._index.append((key, self._f.tell(), len(data)))
        self._f.write(data)

    def ordered(self) -> Iterator[str]:
        self._f.flush()
        for _, offset, length in sorted(self._index):
            self._f.seek(offset)
            yield self._f.read(length).decode("utf-8")
        self._f.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._f.close()
        self.path.unlink(missing_ok=True)
