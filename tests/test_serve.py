"""kg serve: a read-only SPARQL endpoint with a time limit, a row limit and query workers in lanes
(kg push: tests/test_push.py)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.core.errors import GraphInputError
from kg.tools.query import is_update
from kg.tools.serve import Server

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
    (tmp_path / "graph.ttl").write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")  # no object
    with pytest.raises(GraphInputError, match="cannot load the graph: SyntaxError"):
        Server(tmp_path, port=0)


@pytest.fixture(scope="module")
def load(bench_script):
    return bench_script("load")


def test_many_clients_on_the_example_graph(load, example_build):
    """bench/load.py in small: 20 clients for a few seconds, cheap and heavy named queries, a query
    that never ends and updates, on `kg serve` in its own process."""
    r = load.run(example_build[0], clients=20, seconds=4, timeout=1.0, think=0.2, repeat=1)
    assert r["cheap"]["n"] >= 50 and r["heavy"]["n"] > 0 and r["update"]["n"] > 0, load.render(r)
    assert r["checks"] == dict.fromkeys(r["checks"], True), load.render(r)
    assert r["health_after"]["workers"] == {"general": 4, "heavy": 2}


SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
        "?p ?q ?r . ?s ?t ?u . ?v ?w ?x . ?y ?z ?aa . ?bb ?cc ?dd }")


def test_heavy_queries_do_not_hold_up_cheap_ones(outdir, load):
    from concurrent.futures import ThreadPoolExecutor

    def timed(q):
        t = time.monotonic()
        status = _status(urllib.request.Request(f"{srv.url}/sparql?query={urllib.parse.quote(q)}"))
        return status, time.monotonic() - t

    with Server(outdir, port=0, timeout=2, limit=10, workers=2) as srv:
        assert timed(SLOW)[0] == 503  # learnt: it used 0.25 s of CPU in an ordinary worker
        health = load.health(srv.url)
        assert health["heavy_queries_remembered"] == 1 and health["workers"] == {"general": 2, "heavy": 2}
        with ThreadPoolExecutor(8) as pool:
            heavy = [pool.submit(timed, SLOW) for _ in range(4)]  # more than the heavy lane holds
            time.sleep(0.2)
            cheap = [timed("ASK { ?s ?p ?o }") for _ in range(10)]
            done = [f.result() for f in heavy]
        assert all(s == 200 for s, _ in cheap) and max(dt for _, dt in cheap) < 1.0, cheap
        assert all(s == 503 and dt < 2 + 2 for s, dt in done), done  # waiting counts against the limit
        assert load.health(srv.url)["workers"] == {"general": 2, "heavy": 2}  # every killed worker replaced


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
