"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and the viewer on localhost; `kg push`: load
a graph into any SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph, Fuseki, QLever ...).

Queries run in a worker process that holds an Oxigraph store: pyoxigraph cannot cancel a running
query, so a query past its time limit costs the worker its life and a fresh one is started. The
store only ever receives `query()` calls: SPARQL Update is refused before it reaches it.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.core.errors import GraphInputError, ServeError
from kg.outputs.viz import details_file as viewer_details
from kg.tools.query import is_update

RDF_FORMATS = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json"}


# --- the query worker --------------------------------------------------------------------------

def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _csv_cell(term) -> str:
    if term is None:
        return ""
    v = term.value
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v


def run_readonly(store, query: str, accept: str, limit: int) -> tuple[int, str, bytes]:
    """Execute one query on ``store``: (HTTP status, content type, body). Results past ``limit``
    rows/triples are cut and the cut is said in a header-like comment (JSON: ``"truncated": true``)."""
    import pyoxigraph as ox

    try:
        result = store.query(query)
    except SyntaxError as e:
        return 400, "text/plain; charset=utf-8", f"query syntax error: {e}".encode()
    except Exception as e:  # evaluation errors from Oxigraph come back as their own types
        return 400, "text/plain; charset=utf-8", f"query failed: {type(e).__name__}: {e}".encode()
    if isinstance(result, ox.QueryBoolean):
        return 200, "application/sparql-results+json", json.dumps({"head": {}, "boolean": bool(result)}).encode()
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows, truncated = [], False
        for i, sol in enumerate(result):
            if i >= limit:
                truncated = True
                break
            rows.append([sol[n] for n in names])
        if "text/csv" in accept:
            lines = [",".join(names)] + [",".join(_csv_cell(t) for t in r) for r in rows]
            return 200, "text/csv; charset=utf-8", ("\r\n".join(lines) + "\r\n").encode()
        bindings = [{n: _term_json(t) for n, t in zip(names, r, strict=True) if t is not None} for r in rows]
        doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
        if truncated:
            doc["truncated"] = True
        return 200, "application/sparql-results+json", json.dumps(doc, ensure_ascii=False).encode()
    triples = []
    for i, t in enumerate(result):
        if i >= limit:
            break
        triples.append(t)
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return 200, "application/n-triples", body


def _worker(graph_path: str, conn, limit: int) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    fmt = ox.RdfFormat.from_extension(Path(graph_path).suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    store.bulk_load(path=graph_path, format=fmt)
    conn.send(("ready", len(store)))
    while True:
        try:
            query, accept = conn.recv()
        except EOFError:
            return
        conn.send(run_readonly(store, query, accept, limit))


class QueryWorker:
    """One process holding the store; restarted when a query runs past ``timeout`` seconds."""

    def __init__(self, graph_path: Path, timeout: float, limit: int):
        self.graph_path, self.timeout, self.limit = str(graph_path), timeout, limit
        self._lock = threading.Lock()
        self.triples = 0
        self._start()

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_worker, args=(self.graph_path, child, self.limit), daemon=True)
        self._proc.start()
        if not self._conn.poll(120):
            raise ServeError("the query worker did not load the graph within 120 s", path=self.graph_path)
        _, self.triples = self._conn.recv()

    def run(self, query: str, accept: str) -> tuple[int, str, bytes]:
        with self._lock:
            self._conn.send((query, accept))
            if self._conn.poll(self.timeout):
                return self._conn.recv()
            self._proc.kill()
            self._proc.join()
            self._start()
            return 503, "text/plain; charset=utf-8", f"query timed out after {self.timeout:g} s".encode()

    def close(self) -> None:
        self._proc.kill()
        self._proc.join()


# --- HTTP ---------------------------------------------------------------------------------------

def make_handler(worker: QueryWorker, outdir: Path):
    class Handler(BaseHTTPRequestHandler):
        server_version = "edu-kg"

        def log_message(self, fmt, *args):  # quiet by default; the CLI prints the address
            pass

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _query(self, query: str | None) -> None:
            if not query:
                self._send(400, "text/plain; charset=utf-8", b"missing 'query' parameter")
                return
            if is_update(query):
                self._send(403, "text/plain; charset=utf-8", b"this endpoint is read-only: SPARQL Update is refused")
                return
            self._send(*worker.run(query, self.headers.get("Accept", "")))

        def do_GET(self):  # noqa: N802 (http.server's naming)
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/sparql":
                self._query(urllib.parse.parse_qs(url.query).get("query", [None])[0])
            elif url.path in ("/", "/viewer.html") and (outdir / "viewer.html").is_file():
                self._send(200, "text/html; charset=utf-8", (outdir / "viewer.html").read_bytes())
            elif (details := viewer_details(outdir, url.path)) is not None:  # a big graph's viewer-data/
                self._send(200, "text/javascript; charset=utf-8", details.read_bytes())
            elif url.path == "/graph.ttl" and (outdir / "graph.ttl").is_file():
                self._send(200, "text/turtle; charset=utf-8", (outdir / "graph.ttl").read_bytes())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found: try /sparql?query=... or /")

        def do_POST(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                self._send(404, "text/plain; charset=utf-8", b"not found")
                return
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n).decode("utf-8", "replace")
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("application/sparql-update"):
                self._send(403, "text/plain; charset=utf-8", b"this endpoint is read-only: SPARQL Update is refused")
            elif ctype.startswith("application/sparql-query"):
                self._query(raw)
            else:
                form = urllib.parse.parse_qs(raw)
                if "update" in form:
                    self._send(403, "text/plain; charset=utf-8", b"this endpoint is read-only: SPARQL Update is refused")
                else:
                    self._query(form.get("query", [None])[0])

        def do_PUT(self):  # noqa: N802
            self._send(405, "text/plain; charset=utf-8", b"read-only")

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

    return Handler


class Server:
    """A running endpoint; ``url`` is where it listens. Use as a context manager or call close()."""

    def __init__(self, outdir: str | Path, host: str = "127.0.0.1", port: int = 7878,
                 timeout: float = 10.0, limit: int = 10_000):
        self.outdir = Path(outdir)
        graph = self.outdir / "graph.ttl" if self.outdir.is_dir() else self.outdir
        if not graph.is_file():
            raise GraphInputError("no graph to serve", path=str(graph), hint="run `kg build` first")
        if self.outdir.is_file():
            self.outdir = self.outdir.parent
        self.worker = QueryWorker(graph, timeout, limit)
        self.httpd = ThreadingHTTPServer((host, port), make_handler(self.worker, self.outdir))
        self.url = f"http://{host}:{self.httpd.server_address[1]}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> Server:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.worker.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


# --- push -------------------------------------------------------------------------------------

def push(graph: str | Path, endpoint: str, *, named_graph: str | None = None,
         timeout: float = 600.0) -> int:
    """PUT ``graph`` into a Graph Store Protocol endpoint (replacing the target graph); returns the
    HTTP status. ``endpoint`` is the store URL (Oxigraph: http://host:7878/store)."""
    path = Path(graph)
    if not path.is_file():
        raise GraphInputError("no such graph file", path=str(path))
    ctype = RDF_FORMATS.get(path.suffix)
    if ctype is None:
        raise GraphInputError(f"unknown graph format {path.suffix!r}", path=str(path),
                              hint="give a .ttl, .nt or .jsonld file")
    query = urllib.parse.urlencode({"graph": named_graph}) if named_graph else "default"
    sep = "&" if "?" in endpoint else "?"
    req = urllib.request.Request(f"{endpoint}{sep}{query}", data=path.read_bytes(), method="PUT",
                                 headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        raise ServeError(f"the endpoint answered {e.code}: {e.read()[:300].decode('utf-8', 'replace')}",
                         path=endpoint) from e
    except urllib.error.URLError as e:
        raise ServeError(f"cannot reach the endpoint: {e.reason}", path=endpoint,
                         hint="is the server running, and is this its Graph Store URL?") from e


__all__ = ["Server", "push", "run_readonly"]
