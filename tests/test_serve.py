"""kg serve (read-only SPARQL endpoint, timeout, limit) and kg push (Graph Store Protocol)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.core.errors import GraphInputError
from kg.tools.query import is_update
from kg.tools.serve import Server, push

TTL = """@prefix ex: <http://example.org/> .
ex:a ex:p "一" . ex:b ex:p "二" . ex:c ex:p "三" .
ex:a ex:q ex:b . ex:b ex:q ex:c .
"""


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("serve")
    (d / "graph.ttl").write_text(TTL, encoding="utf-8")
    (d / "viewer.html").write_text("<html><body>viewer</body></html>", encoding="utf-8")
    return d


def _get(url: str, accept: str = "application/sparql-results+json"):
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read().decode("utf-8")


def _status(req) -> int:
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("q, update", [
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("PREFIX ex: <http://e/>\nINSERT DATA { ex:a ex:b ex:c }", True),
    ("# comment\nDELETE WHERE { ?s ?p ?o }", True),
    ("drop all", True),
    ("ASK { ?s ?p ?o }", False),
])
def test_is_update(q, update):
    assert is_update(q) is update


def test_endpoint_answers_queries_and_refuses_updates(outdir):
    with Server(outdir, port=0, timeout=5, limit=2) as srv:
        assert srv.url.startswith("http://127.0.0.1:")
        q = urllib.parse.quote("SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o")
        status, body = _get(f"{srv.url}/sparql?query={q}")
        doc = json.loads(body)
        assert status == 200 and doc["head"]["vars"] == ["o"]
        assert len(doc["results"]["bindings"]) == 2 and doc["truncated"] is True  # limit 2 of 3
        status, body = _get(f"{srv.url}/sparql?query={q}", accept="text/csv")
        assert body.splitlines()[0] == "o"
        upd = urllib.request.Request(f"{srv.url}/sparql", method="POST",
                                     data=b"INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
                                     headers={"Content-Type": "application/sparql-update"})
        assert _status(upd) == 403
        form = urllib.request.Request(f"{srv.url}/sparql", method="POST",
                                      data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert _status(form) == 403
        count = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert json.loads(_get(f"{srv.url}/sparql?query={count}")[1])["results"]["bindings"][0]["n"]["value"] == "5"
        assert _get(f"{srv.url}/")[1].startswith("<html>")
        bad = urllib.parse.quote("SELECT WHERE {")
        assert _status(urllib.request.Request(f"{srv.url}/sparql?query={bad}")) == 400


def test_slow_query_times_out_and_server_recovers(outdir):
    with Server(outdir, port=0, timeout=0.5, limit=10) as srv:
        slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
                "?p ?q ?r . ?s ?t ?u . ?v ?w ?x . ?y ?z ?aa . ?bb ?cc ?dd }")
        req = urllib.request.Request(f"{srv.url}/sparql?query={urllib.parse.quote(slow)}")
        t0 = time.monotonic()
        assert _status(req) == 503
        assert time.monotonic() - t0 < 10
        ask = urllib.parse.quote("ASK { ?s ?p ?o }")
        assert json.loads(_get(f"{srv.url}/sparql?query={ask}")[1])["boolean"] is True


def test_server_needs_a_graph(tmp_path):
    with pytest.raises(GraphInputError, match="kg build"):
        Server(tmp_path, port=0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph') is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_push_loads_a_graph_into_oxigraph(outdir, oxigraph_server):
    assert push(outdir / "graph.ttl", f"{oxigraph_server}/store") in (200, 201, 204)
    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    _, body = _get(f"{oxigraph_server}/query?query={q}")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "5"
    # a named graph, replaced on a second push
    assert push(outdir / "graph.ttl", f"{oxigraph_server}/store", named_graph="http://example.org/g") in (200, 201, 204)
    assert push(outdir / "graph.ttl", f"{oxigraph_server}/store", named_graph="http://example.org/g") in (200, 201, 204)
    q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } }")
    assert json.loads(_get(f"{oxigraph_server}/query?query={q}")[1])["results"]["bindings"][0]["n"]["value"] == "5"


def test_push_errors_are_clear(outdir, tmp_path):
    with pytest.raises(GraphInputError):
        push(tmp_path / "none.ttl", "http://127.0.0.1:9/store")
    with pytest.raises(Exception, match="cannot reach"):
        push(outdir / "graph.ttl", f"http://127.0.0.1:{_free_port()}/store")


def test_serves_the_viewer_details_beside_it(tmp_path):
    """A big graph's viewer loads viewer-data/*.js: served as scripts, and nothing else under it."""
    (tmp_path / "graph.ttl").write_text(TTL, encoding="utf-8")
    (tmp_path / "viewer.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "viewer-data").mkdir()
    (tmp_path / "viewer-data" / "b0.js").write_text('window.__kgChunk("b0",{});\n', encoding="utf-8")
    with Server(tmp_path, port=0, timeout=5, limit=10) as srv:
        assert _get(f"{srv.url}/viewer-data/b0.js")[1].startswith('window.__kgChunk("b0"')
        for bad in ("/viewer-data/../graph.ttl", "/viewer-data/%2e%2e%2fgraph.ttl", "/viewer-data/c9.js",
                    "/viewer-data/B0.JS", "/other/b0.js"):
            assert _status(urllib.request.Request(f"{srv.url}{bad}")) == 404, bad
