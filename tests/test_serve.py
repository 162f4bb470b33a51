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
