"""Named SPARQL queries (ontology/queries/*.rq) and read-only query execution on rdflib or Oxigraph.

Query files start with header comments::

    # title: Initiatives shared by the most regions
    # description: ...
    # params: bureau_name (string) = "某区教育局": the bureau to compare with

A parameter is a ``VALUES ?name { <default> }`` clause in the query body; ``params`` replace its
value (strings escaped, integers checked), so a parameter can never inject SPARQL.

Every query also takes ``limit`` and ``offset`` (``kg query NAME -p limit=N -p offset=M``): the rows
from M on, at most N of them (0 for all). They replace the query's own trailing ``LIMIT``/``OFFSET``
or add them. Every named query is a listing in a stable order (literals and numbers first, an IRI
only to break ties) that ends with ``LIMIT 1000`` (PAGE_SIZE): its first page.

A listing whose rows are costly to join may first find the keys of its page's rows (the files, the
labels ...) in a subquery, so that only those rows are joined to their details. That subquery is
the block between two lines marked ``# page keys`` (the opening and the closing brace); its
``LIMIT`` line, marked ``# page``, is given the page's end (offset + limit), and a full listing
drops the block. Its rows must be the outer query's rows (one key each), and the outer order must
start with the key.

Both engines give the same rows for the named queries (a test checks every one); years are compared
as integers (``xsd:integer(str(?y))``) because rdflib silently drops gYear comparisons.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.core.errors import GraphInputError, QueryError
from kg.terms import vocab as V
from kg.terms.triples import (  # above it (or ~5 MB of file) "auto" uses pyoxigraph
    OXIGRAPH_LIMIT,
    iri_text,
    nt_lines,
    unescape,
)

__all__ = ["QueryInfo", "QueryResult", "list_queries", "run_query", "format_result", "load_graph",
           "load_query"]

OXIGRAPH_FILE_BYTES = 5_000_000
SUFFIX_FORMAT = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".jsonld": "json-ld",
                 ".json": "json-ld", ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".n3": "n3"}
SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in V.PREFIXES.items())


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # string | integer | iri
    default: str | None
    description: str = ""


@dataclass(frozen=True)
class QueryInfo:
    name: str
    title: str
    description: str
    path: Path
    params: tuple[Param, ...] = ()


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...] = field(default_factory=tuple)

    def as_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


# --- query files ----------------------------------------------------------------------------------

_HEADER = re.compile(r"^#\s*(title|description|params?)\s*:\s*(.*)$", re.I)
_PARAM = re.compile(r"^\s*(\w+)\s*(?:\((\w+)\))?\s*(?:=\s*(\"[^\"]*\"|\S+))?\s*(?::\s*(.*))?$")


def _parse_header(text: str) -> tuple[dict[str, str], list[Param]]:
    meta: dict[str, str] = {}
    params: list[Param] = []
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            key = m.group(1).lower().rstrip("s")
            if key == "param":
                if m.group(2).strip():
                    params.append(_param(m.group(2)))
                last = "param"
            else:
                meta[key] = m.group(2).strip()
                last = key
        elif last in ("title", "description"):  # continuation lines
            meta[last] = (meta[last] + " " + line.lstrip("#").strip()).strip()
        elif last == "param" and line.lstrip("#").strip().startswith("-"):
            params.append(_param(line.lstrip("#").strip()[1:]))
    return meta, params


def _param(spec: str) -> Param:
    m = _PARAM.match(spec.strip())
    if not m:
        raise QueryError(f"bad params line {spec!r}", hint="write NAME (TYPE) = DEFAULT: description")
    default = m.group(3)
    if default and default.startswith('"'):
        default = default[1:-1]
    return Param(m.group(1), (m.group(2) or "string").lower(), default, (m.group(4) or "").strip())


def _queries_dir() -> Path:
    from kg.core.config import ontology_dir

    return ontology_dir() / "queries"


@lru_cache(maxsize=4)
def _list(dirpath: str) -> dict[str, QueryInfo]:
    out = {}
    for p in sorted(Path(dirpath).glob("*.rq")):
        meta, params = _parse_header(p.read_text(encoding="utf-8"))
        out[p.stem] = QueryInfo(name=p.stem, title=meta.get("title", p.stem),
                                description=meta.get("description", ""), path=p, params=tuple(params))
    return out


def list_queries() -> dict[str, QueryInfo]:
    """Named queries: {name: QueryInfo} from ontology/queries/*.rq."""
    return dict(_list(str(_queries_dir())))


def load_query(name_or_file: str | Path) -> tuple[str, QueryInfo]:
    """The text and header of a named query or a query file."""
    named = list_queries()
    if str(name_or_file) in named:
        info = named[str(name_or_file)]
        return info.path.read_text(encoding="utf-8"), info
    p = Path(name_or_file)
    if p.suffix in (".rq", ".sparql") or p.exists():
        if not p.is_file():
            raise QueryError(f"query file not found: {p}", path=str(p))
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(f"cannot read query file: {e}", path=str(p)) from e
        meta, params = _parse_header(text)
        return text, QueryInfo(p.stem, meta.get("title", p.stem), meta.get("description", ""), p,
                               tuple(params))
    raise QueryError(f"no named query {str(name_or_file)!r} and no such file",
                     hint="see `kg queries` for the names, or give a path to a .rq file")


# --- parameters and read-only check ---------------------------------------------------------------

def _sparql_value(p: Param, value) -> str:
    if p.type in ("integer", "int", "year"):
        try:
            return str(int(str(value).strip()))
        except ValueError as e:
            raise QueryError(f"parameter {p.name} must be an integer, not {value!r}") from e
    if p.type == "iri":
        s = str(value)
        if re.search(r"[\s<>\"{}|^`\\]", s):
            raise QueryError(f"parameter {p.name} is not a valid IRI: {value!r}")
        return f"<{s}>"
    s = str(value)
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{s}"'


PAGE_PARAMS = ("limit", "offset")  # taken by every query (unless it declares a parameter of that name)
PAGE_SIZE = 1000  # the rows a named query lists by default: its trailing LIMIT
_SLICE = re.compile(r"(?:\b(?:LIMIT|OFFSET)\s+\d+\s*){1,2}\Z", re.I)
_PAGE_BLOCK = re.compile(r"^[ \t]*\{[ \t]*#[ \t]*page keys\b.*?^[ \t]*\}[ \t]*#[ \t]*page keys\b[^\n]*\n?",
                         re.I | re.M | re.S)
_PAGE_LIMIT = re.compile(r"\bLIMIT\s+\d+(?=[ \t]*#[ \t]*page\b)", re.I)


def _whole(name: str, value) -> int:
    try:
        n = int(str(value).strip())
    except ValueError as e:
        raise QueryError(f"{name} must be a whole number, not {value!r}", hint="0 means no limit") from e
    if n < 0:
        raise QueryError(f"{name} must not be negative, not {n}", hint="0 means no limit")
    return n


def with_page(text: str, limit=None, offset=None) -> str:
    """The query's rows from ``offset`` on, at most ``limit`` (0 = all): its own trailing LIMIT and
    OFFSET replaced (None keeps the query's own), and its ``# page`` subqueries sized to match."""
    text = text.rstrip()
    own = _SLICE.search(text)
    body, clause = (text[:own.start()].rstrip(), own.group()) if own else (text, "")
    own_limit = re.search(r"LIMIT\s+(\d+)", clause, re.I)
    own_offset = re.search(r"OFFSET\s+(\d+)", clause, re.I)
    n = _whole("limit", limit) if limit is not None else int(own_limit.group(1)) if own_limit else 0
    o = _whole("offset", offset) if offset is not None else int(own_offset.group(1)) if own_offset else 0

    # the page-keys subquery must reach the page's end; a full listing needs no keys
    body = _PAGE_LIMIT.sub(f"LIMIT {n + o}", body) if n else _PAGE_BLOCK.sub("", body)
    return body + (f"\nLIMIT {n}" if n else "") + (f"\nOFFSET {o}" if o else "") + "\n"


def apply_params(text: str, info: QueryInfo, params: dict | None) -> str:
    if not params:
        return text
    known = {p.name: p for p in info.params}
    page = {}
    for name, value in params.items():
        p = known.get(name)
        if p is None and name in PAGE_PARAMS:
            page[name] = value
            continue
        if p is None:
            raise QueryError(f"query {info.name!r} has no parameter {name!r}",
                             hint=f"its parameters: {', '.join([*known, *PAGE_PARAMS])}")
        pattern = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}")
        if not pattern.search(text):
            raise QueryError(f"query {info.name!r} declares {name!r} but has no VALUES ?{name} clause")
        clause = f"VALUES ?{name} {{ {_sparql_value(p, value)} }}"
        text = pattern.sub(lambda _m, c=clause: c, text)
    return with_page(text, **page) if page else text


def _parse_error(kind: str, text: str) -> Exception | None:
    from rdflib.plugins.sparql import parser

    try:
        (parser.parseQuery if kind == "query" else parser.parseUpdate)(SPARQL_PREFIXES + text)
    except Exception as e:  # pyparsing raises several types; any means "not this kind"
        return e
    return None


def is_update(text: str) -> bool:
    """True for SPARQL Update (INSERT, DELETE, DROP, LOAD ...), false for queries and for garbage."""
    return _parse_error("query", text) is not None and _parse_error("update", text) is None


def check_read_only(text: str) -> None:
    """Parse as a query; SPARQL Update (or anything else) is refused with a QueryError."""
    error = _parse_error("query", text)
    if error is None:
        return
    if _parse_error("update", text) is None:
        raise QueryError("SPARQL Update is not allowed: queries are read-only",
                         hint="use SELECT, ASK, CONSTRUCT or DESCRIBE")
    raise QueryError(f"SPARQL syntax error: {error}",
                     hint="check the query against the SPARQL 1.1 grammar") from error


# --- graphs and stores ----------------------------------------------------------------------------

def load_graph(path: str | Path) -> Graph:
    """Parse a graph file (format from the suffix); GraphInputError when missing or malformed."""
    p = Path(path)
    if not p.is_file():
        raise GraphInputError("graph file not found", path=str(p), hint="run `kg build` first")
    fmt = SUFFIX_FORMAT.get(p.suffix.lower(), "turtle")
    g = Graph()
    try:
        g.parse(p, format=fmt)
    except Exception as e:  # rdflib's parsers raise many different error types
        raise GraphInputError(f"cannot parse the graph as {fmt}: {e}", path=str(p),
                              hint="give a Turtle (.ttl), N-Triples (.nt) or JSON-LD (.jsonld) file") from e
    return g


def _ox_store_from_file(p: Path):
    import pyoxigraph as ox

    fmt = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
           ".rdf": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML}.get(p.suffix.lower(),
                                                                           ox.RdfFormat.TURTLE)
    store = ox.Store()
    try:
        store.bulk_load(path=str(p), format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise GraphInputError(f"cannot parse the graph: {e}", path=str(p)) from e
    return store


def _ox_store_from_graph(g: Graph):
    """Through N-Triples text: one bulk parse is much faster than building terms one by one."""
    import pyoxigraph as ox

    data = "".join(nt_lines(g)).encode("utf-8")
    store = ox.Store()
    store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    return store


# --- result values --------------------------------------------------------------------------------

_INT_TYPES = frozenset(str(XSD[t]) for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                               "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                               "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"))
# plain strings, not rdflib terms: _plain runs once per result cell, and a Namespace lookup is slow
_XSD_STRING, _XSD_DECIMAL, _XSD_BOOLEAN, _XSD_GYEAR = (str(XSD[t]) for t in ("string", "decimal", "boolean", "gYear"))
_XSD_FLOATS = frozenset((str(XSD.double), str(XSD.float)))


def _plain(lexical: str, datatype: str | None, language: str | None):
    """An engine-independent Python value: int, float (non-integral decimals), bool, or str."""
    if datatype == _XSD_STRING or language or datatype is None:
        return lexical
    try:
        if datatype in _INT_TYPES:
            return int(lexical)
        if datatype == _XSD_DECIMAL:
            d = Decimal(lexical)
            return int(d) if d == d.to_integral_value() else float(d)
        if datatype in _XSD_FLOATS:
            f = float(lexical)
            return int(f) if f.is_integer() else f
        if datatype == _XSD_BOOLEAN:
            return lexical.strip().lower() in ("true", "1")
        if datatype == _XSD_GYEAR and lexical[:4].isdigit() and len(lexical) == 4:
            return int(lexical)
    except (ValueError, ArithmeticError):
        return lexical
    return lexical


def _from_rdflib(t):
    if t is None:
        return None
    if isinstance(t, URIRef):
        return str(t)
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, Literal):
        return _plain(str(t), str(t.datatype) if t.datatype else None, t.language)
    return str(t)


def _from_ox(t):
    import pyoxigraph as ox

    kind = type(t)  # exact types: this runs once per result cell
    if kind is ox.Literal:
        dt = t.datatype
        return _plain(t.value, dt.value if dt is not None else None, t.language)
    if kind is ox.NamedNode:
        return t.value
    if t is None:
        return None
    if kind is ox.BlankNode:
        return f"_:{t.value}"
    return str(t)


def _run_rdflib(g: Graph, text: str) -> QueryResult:
    res = g.query(text, initNs=dict(V.PREFIXES))
    if res.type == "ASK":
        return QueryResult(("ask",), ((bool(res.askAnswer),),))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        rows = sorted((str(s), str(p), _from_rdflib(o)) for s, p, o in res.graph)
        return QueryResult(("subject", "predicate", "object"), tuple(rows))
    cols = tuple(str(v) for v in res.vars)
    return QueryResult(cols, tuple(tuple(_from_rdflib(r[c]) for c in cols) for r in res))


def _run_ox(store, text: str) -> QueryResult:
    """Oxigraph's ``Store.query`` parses SPARQL queries only (updates are syntax errors there), so the
    read-only check costs nothing here; rdflib's parser, which is slow, only explains a refusal."""
    import pyoxigraph as ox

    try:
        res = store.query(text, prefixes=V.PREFIX_IRIS)
    except SyntaxError as e:
        check_read_only(text)  # an update, or a syntax error rdflib describes
        raise QueryError(f"SPARQL syntax error: {e}") from e
    if isinstance(res, ox.QueryBoolean):
        return QueryResult(("ask",), ((bool(res),),))
    if isinstance(res, ox.QueryTriples):
        rows = sorted((t.subject.value, t.predicate.value, _from_ox(t.object)) for t in res)
        return QueryResult(("subject", "predicate", "object"), tuple(rows))
    cols = tuple(v.value for v in res.variables)
    # the solutions as TSV, written by the engine, and read back in bulk (one split, each distinct
    # cell converted once, rows cut by zip), not as a Python term per cell: a 66k-row listing
    # spent half as long as the engine's own work making those
    body = res.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8").partition("\n")[2]
    if not cols:  # a row of no cell per line
        return QueryResult(cols, ((),) * body.count("\n"))
    cells = body.replace("\n", "\t").split("\t")
    cells.pop()  # after the last line's end
    value = dict.fromkeys(cells)
    for cell in value:
        value[cell] = _from_tsv(cell)
    return QueryResult(cols, tuple(zip(*[map(value.__getitem__, cells)] * len(cols), strict=True)))


_XSD = str(XSD)


def _from_tsv(cell: str):
    """:func:`_from_ox` of a term as SPARQL TSV writes it: Turtle syntax, so a number or boolean
    of its canonical form is bare (5, 1.5, 1.5E0, true); empty when unbound."""
    if not cell:
        return None
    head = cell[0]
    if head == "<" and not cell.startswith("<<"):
        return iri_text(cell)
    if head == '"':
        end = cell.rindex('"')
        body, rest = unescape(cell[1:end]), cell[end + 1:]
        if not rest:
            return body
        if rest[0] == "@":
            return _plain(body, None, rest[1:])
        return _plain(body, iri_text(rest[2:]), None)
    if cell.startswith("_:"):
        return cell
    if cell in ("true", "false"):
        return cell == "true"
    if head in "+-.0123456789":
        kind = "double" if "e" in cell or "E" in cell else "decimal" if "." in cell else "integer"
        return _plain(cell, _XSD + kind, None)
    return cell  # a quoted triple (RDF-star), which our graphs never hold: its TSV text


def run_query(name_or_file: str | Path, graph: Graph | str | Path, store: str = "auto",
              params: dict | None = None) -> QueryResult:
    """Run a named query or a .rq file, read-only, on a graph (object or file).

    store: "rdflib", "oxigraph", or "auto" (Oxigraph above OXIGRAPH_LIMIT triples / ~5 MB files).
    """
    if store not in ("auto", "rdflib", "oxigraph"):
        raise QueryError(f"unknown store {store!r}", hint="use auto, rdflib or oxigraph")
    text, info = load_query(name_or_file)
    text = apply_params(text, info, params)
    if type(graph).__module__ == "pyoxigraph":  # an open Oxigraph store: query it in place
        if store == "rdflib":
            raise QueryError("an Oxigraph store cannot be queried with rdflib", hint="use store='oxigraph'")
        return _run_ox(graph, text)  # read-only by construction (see _run_ox)
    check_read_only(text)  # before loading a graph for nothing
    if isinstance(graph, (str, Path)):
        p = Path(graph)
        if not p.is_file():
            raise GraphInputError("graph file not found", path=str(p), hint="run `kg build` first")
        use_ox = store == "oxigraph" or (store == "auto" and p.stat().st_size > OXIGRAPH_FILE_BYTES)
        if use_ox:
            return _run_ox(_ox_store_from_file(p), text)
        graph = load_graph(p)
    use_ox = store == "oxigraph" or (store == "auto" and len(graph) > OXIGRAPH_LIMIT)
    if use_ox:
        return _run_ox(_ox_store_from_graph(graph), text)
    try:
        return _run_rdflib(graph, text)
    except Exception as e:  # rdflib evaluation errors have no common base class
        raise QueryError(f"query failed: {type(e).__name__}: {e}") from e


# --- rendering ------------------------------------------------------------------------------------

def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        for prefix, ns in V.PREFIXES.items():
            if v.startswith(str(ns)) and prefix in ("id", "ini", "local", "edu"):
                return f"{prefix}:{v[len(str(ns)):]}"
    return str(v)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """table (aligned, CJK-aware), csv (header row first) or json (a list of objects)."""
    if fmt == "json":
        return json.dumps(result.as_dicts(), ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(result.columns)
        for r in result.rows:
            w.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v)
                        for v in r])
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise QueryError(f"unknown result format {fmt!r}", hint="use table, csv or json")
    cells = [[_cell(v) for v in r] for r in result.rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    sep = "  "
    lines = [sep.join(_pad(c, widths[i]) for i, c in enumerate(result.columns)).rstrip(),
             sep.join("-" * w for w in widths)]
    lines += [sep.join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
