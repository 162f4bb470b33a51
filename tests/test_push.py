"""kg push (Graph Store Protocol), and the exported Turtle in other stores: pushed unchanged into an
Oxigraph server and into Apache Jena Fuseki, every named query gives the rows it gives in the
embedded Oxigraph store. Fuseki needs Java and its jars (`bash bench/fuseki.sh` fetches them with
mvn); the Fuseki case skips, saying which is missing, where they are absent."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from kg.core.errors import GraphInputError
from kg.tools.push import push
from kg.tools.query import apply_params, list_queries, load_query

ROOT = Path(__file__).resolve().parent.parent
TTL = """@prefix ex: <http://example.org/> .
ex:a ex:p "一" . ex:b ex:p "二" . ex:c ex:p "三" .
ex:a ex:q ex:b . ex:b ex:q ex:c .
"""
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt")}
FUSEKI_VERSION = "5.6.0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, accept: str = "application/sparql-results+json", timeout: float = 60) -> bytes:
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def _wait(url: str, proc: subprocess.Popen, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode} before answering")
        try:
            _get(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"no answer from {url} within {seconds:g} s")


def _count(query_url: str, where: str = "?s ?p ?o") -> int:
    q = urllib.parse.quote(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(json.loads(_get(f"{query_url}?query={q}"))["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def small_graph(tmp_path) -> Path:
    p = tmp_path / "graph.ttl"
    p.write_text(TTL, encoding="utf-8")
    return p


# --- the stores -----------------------------------------------------------------------------------

def _oxigraph_server(tmp_path):
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _wait(f"{url}/query?query=ASK%7B%7D", proc, 30)
    return proc, {"store": f"{url}/store", "query": f"{url}/query"}


def fuseki_lib() -> Path:
    """Where bench/fuseki.sh puts the Fuseki jars (KG_FUSEKI_LIB overrides)."""
    default = Path.home() / ".cache" / "edu-kg" / f"fuseki-{FUSEKI_VERSION}"
    return Path(os.environ.get("KG_FUSEKI_LIB") or default)


def _fuseki_server(tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: Fuseki needs it (Debian: openjdk-17-jre-headless)")
    lib = fuseki_lib()
    if not (lib / ".complete").is_file() or not list(lib.glob("jena-fuseki-main-*.jar")):
        pytest.skip(f"no Fuseki jars in {lib}: `bash bench/fuseki.sh` fetches them with mvn "
                    "(it needs the Maven registry)")
    port = _free_port()
    log = (tmp_path / "fuseki.log").open("wb")
    proc = subprocess.Popen([java, "-Xmx1g", "-cp", f"{lib}/*", "org.apache.jena.fuseki.main.cmds.FusekiMainCmd",
                             "--localhost", f"--port={port}", "--mem", "--update", "/ds"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/ds"
    _wait(f"{url}/query?query=ASK%7B%7D", proc, 120)
    return proc, {"store": f"{url}/data", "query": f"{url}/query"}


STORES = {"oxigraph-server": _oxigraph_server, "fuseki": _fuseki_server}


@pytest.fixture(params=sorted(STORES))
def store(request, tmp_path):
    proc, urls = STORES[request.param](tmp_path)
    yield request.param, urls
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# --- push ------------------------------------------------------------------------------------------

def test_push_loads_and_replaces_a_graph(small_graph, store):
    _, urls = store
    assert push(small_graph, urls["store"]) in (200, 201, 204)
    assert _count(urls["query"]) == 5
    g = "http://example.org/g"
    for _ in range(2):  # the second push replaces the named graph: still 5 triples there
        assert push(small_graph, urls["store"], named_graph=g) in (200, 201, 204)
    assert _count(urls["query"], f"GRAPH <{g}> {{ ?s ?p ?o }}") == 5


def test_push_errors_are_clear(small_graph, tmp_path):
    with pytest.raises(GraphInputError):
        push(tmp_path / "none.ttl", "http://127.0.0.1:9/store")
    odd = tmp_path / "graph.xyz"
    odd.write_text(TTL, encoding="utf-8")
    with pytest.raises(GraphInputError, match="unknown graph format"):
        push(odd, "http://127.0.0.1:9/store")
    with pytest.raises(Exception, match="cannot reach"):
        push(small_graph, f"http://127.0.0.1:{_free_port()}/store")


def test_kg_push_command(small_graph, store):
    _, urls = store
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "kg", "push", str(small_graph), "--endpoint", urls["store"]],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "HTTP 20" in done.stdout
    assert _count(urls["query"]) == 5


# --- every named query, the same rows in the other store ------------------------------------------

def term_key(term: dict | None) -> tuple:
    """One SPARQL JSON result term, compared by meaning: numbers by value (engines write 2.50 and
    2.5, or 1.0E0, differently), strings with xsd:string as plain ones, blank nodes all alike."""
    if term is None:
        return ("unbound",)
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return ("uri", value)
    if kind == "bnode":
        return ("bnode",)
    dt = term.get("datatype")
    if dt in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            return ("literal", value, dt)
    if "xml:lang" in term:
        return ("literal", value, "@" + term["xml:lang"].lower())
    return ("literal", value, "" if dt in (None, XSD + "string") else dt)


def rows_of(doc: dict) -> Counter:
    names = doc["head"]["vars"]
    return Counter(tuple(term_key(b.get(n)) for n in names) for b in doc["results"]["bindings"])


def _embedded_rows(graph: Path, query: str) -> Counter:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    body = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
    return rows_of(json.loads(body))


@pytest.fixture(scope="module")
def named(example_build):
    """Each named query's text with parameters that the example graph answers, and its rows in the
    embedded Oxigraph store (as kg query runs it)."""
    import pyoxigraph as ox

    graph = example_build[0] / "graph.ttl"
    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    top = ("PREFIX edu: <https://w3id.org/edu-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
           "SELECT ?name (COUNT(?i) AS ?n) WHERE { ?b edu:implements ?i ; rdfs:label ?name } "
           "GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 1")
    bureau = next(iter(store.query(top)))["name"].value
    params = {"bureaus_sharing_with": {"bureau_name": bureau}, "bureau_timeline": {"bureau_name": bureau}}
    out = {}
    for name in sorted(list_queries()):
        text = apply_params(*load_query(name), params.get(name))
        doc = json.loads(store.query(text).serialize(format=ox.QueryResultsFormat.JSON))
        out[name] = (text, rows_of(doc))
    return graph, out


def test_named_queries_answer_on_the_example_graph(named):
    _, queries = named
    empty = [n for n, (_, rows) in queries.items() if not rows]
    assert len(empty) <= len(queries) // 3, f"too many named queries without rows to compare: {empty}"


def test_every_named_query_gives_the_same_rows_in_another_store(named, store):
    kind, urls = store
    graph, queries = named
    assert push(graph, urls["store"]) in (200, 201, 204)
    differ = {}
    for name, (text, want) in queries.items():
        got = rows_of(json.loads(_get(f"{urls['query']}?query={urllib.parse.quote(text)}")))
        if got != want:
            differ[name] = {"only_there": list((got - want).elements())[:3],
                            "only_embedded": list((want - got).elements())[:3]}
    assert not differ, f"{kind} answers differently: {differ}"


@pytest.mark.parametrize("a, b, same", [
    ({"type": "literal", "value": "2.50", "datatype": XSD + "decimal"},
     {"type": "literal", "value": "2.5", "datatype": XSD + "decimal"}, True),
    ({"type": "literal", "value": "1.0E0", "datatype": XSD + "double"},
     {"type": "literal", "value": "1", "datatype": XSD + "integer"}, True),
    ({"type": "literal", "value": "x", "datatype": XSD + "string"}, {"type": "literal", "value": "x"}, True),
    ({"type": "literal", "value": "教育", "xml:lang": "zh"}, {"type": "literal", "value": "教育", "xml:lang": "ZH"}, True),
    ({"type": "literal", "value": "教育", "xml:lang": "zh"}, {"type": "literal", "value": "教育"}, False),
    ({"type": "uri", "value": "http://e/a"}, {"type": "literal", "value": "http://e/a"}, False),
    ({"type": "bnode", "value": "b0"}, {"type": "bnode", "value": "x9"}, True),
    (None, {"type": "literal", "value": ""}, False),
])
def test_terms_compare_by_meaning(a, b, same):
    assert (term_key(a) == term_key(b)) is same
