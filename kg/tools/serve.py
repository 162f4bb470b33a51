"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and the viewer on localhost (`kg push`, which
loads a graph into another store, is kg.tools.push).

Queries run in worker processes forked from one process that loaded the graph into Oxigraph (see
``QueryPool``): the HTTP threads only pass text along, so neither the GIL nor a heavy query holds up
cheap ones. The store only ever receives ``query()`` calls, whose parser accepts no SPARQL Update;
an update is answered 403 (recognised in the worker, after Oxigraph refused to parse it).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import queue
import shutil
import signal
import socket
import tempfile
import threading
import time
import urllib.parse
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.core.errors import GraphInputError, ServeError
from kg.outputs.viz import details_file as viewer_details

TEXT = "text/plain; charset=utf-8"
# general-lane workers: more than the cores, so a 10 ms lookup shares a core with a 0.3 s query
# instead of queueing behind it (forked copies of one store: each costs little memory)
WORKERS = 4
READ_ONLY = b"this endpoint is read-only: SPARQL Update is refused"


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
        from kg.tools.query import is_update  # rdflib's parser: slow, so only when Oxigraph refused

        if is_update(query):
            return 403, TEXT, READ_ONLY
        return 400, TEXT, f"query syntax error: {e}".encode()
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


def _worker_loop(store, conn, limit: int) -> None:
    while True:
        try:
            query, accept = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_readonly(store, query, accept, limit))


def _connect(address: str):
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(address)
    return mpc.Connection(sock.detach())


def _zygote(graph_path: str, address: str, token: bytes, ctl, limit: int) -> None:
    """Load the graph once, then fork query workers on request: a fork shares the loaded store
    copy-on-write, so replacing a worker killed at its time limit costs milliseconds, not a reload."""
    import pyoxigraph as ox

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers: no zombies
    store = ox.Store()
    fmt = ox.RdfFormat.from_extension(Path(graph_path).suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    try:
        store.bulk_load(path=graph_path, format=fmt)
    except (OSError, SyntaxError, ValueError) as e:  # said by the server as a coded error, no traceback
        ctl.send(("error", f"{type(e).__name__}: {e}"))
        return
    ctl.send(("ready", len(store)))
    while True:
        try:
            niceness = ctl.recv()
        except (EOFError, OSError):
            return
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                ctl.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                if niceness:
                    os.nice(niceness)
                conn = _connect(address)
                conn.send((token, os.getpid()))
                _worker_loop(store, conn, limit)
            except BaseException:  # noqa: BLE001 (the server times out waiting and says so)
                code = 1
            finally:
                os._exit(code)
        ctl.send(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _cpu_seconds(pid: int) -> float | None:
    """CPU seconds a process used (Linux /proc; None elsewhere, and wall time is used instead)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _used(pid: int, cpu0: float | None, t0: float) -> float:
    """Seconds of CPU the worker used since ``cpu0`` (wall time since ``t0`` where unknown)."""
    cpu = _cpu_seconds(pid)
    return cpu - cpu0 if cpu is not None and cpu0 is not None else time.monotonic() - t0


class _Worker:
    def __init__(self, pid: int, conn, lane: str):
        self.pid, self.conn, self.lane = pid, conn, lane

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()


class QueryPool:
    """Query workers in two lanes, each a forked copy of one process that loaded the store.

    Oxigraph cannot cancel a running query, so a query past its time limit costs its worker's life
    (SIGKILL) and a fresh fork takes its place. A query runs first in the general lane; one that
    uses ``heavy_after`` seconds of CPU there is stopped, remembered as heavy (by its text) and run
    again in the heavy lane, whose workers run at lower CPU priority: so a heavy query holds a
    general worker for at most ``heavy_after`` seconds once, and cheap queries keep their workers
    and most of the CPU. A remembered query that then finishes in the heavy lane on under half of
    ``heavy_after`` of CPU is forgotten again (where CPU time cannot be read, wall time stands in,
    and a busy machine can make a cheap query look heavy). The time
    limit counts from the request's arrival, queueing included.
    """

    HEAVY_NICENESS = 10
    REMEMBERED = 4096  # heavy query texts kept (least recently seen dropped first)

    # 0.25 s of CPU: above the cheap named queries on a 1M-triple graph (<= 0.16 s alone), below
    # the ones that list thousands of rows (bench/results-sparql.json)
    def __init__(self, graph_path: Path, timeout: float, limit: int, workers: int = WORKERS,
                 heavy_workers: int = 2, heavy_after: float = 0.25):
        self.timeout, self.limit = timeout, limit
        self.heavy_after = min(heavy_after, timeout)
        # workers connect back on a Unix socket in a private (0700) folder and prove who they are
        self._token = os.urandom(16)
        self._sockdir = tempfile.mkdtemp(prefix="kg-serve-")
        address = os.path.join(self._sockdir, "workers")
        self._listener = socket.socket(socket.AF_UNIX)
        self._listener.bind(address)
        self._listener.listen(64)
        self._listener.settimeout(30)
        ctx = mp.get_context("spawn")
        self._ctl, child = ctx.Pipe()
        self._zygote = ctx.Process(target=_zygote, daemon=True,
                                   args=(str(graph_path), address, self._token, child, limit))
        self._zygote.start()
        self._fork_lock = threading.Lock()
        self._heavy: OrderedDict[str, None] = OrderedDict()
        self._heavy_lock = threading.Lock()
        self._idle = {"general": queue.Queue(), "heavy": queue.Queue()}
        self._all: set[_Worker] = set()
        self._size = {"general": max(1, workers), "heavy": max(1, heavy_workers)}
        try:
            self.triples = self._loaded(graph_path)
            for lane, n in self._size.items():
                for _ in range(n):
                    self._idle[lane].put(self._fork(lane))
        except BaseException:
            self.close()
            raise

    def _loaded(self, graph_path: Path) -> int:
        """Wait for the store to be loaded: its size, or the reason it could not be."""
        if not self._ctl.poll(300):
            raise ServeError("the query process did not load the graph within 300 s", path=str(graph_path))
        try:
            state, detail = self._ctl.recv()
        except EOFError as e:
            raise ServeError("the query process died loading the graph", path=str(graph_path)) from e
        if state != "ready":
            raise GraphInputError(f"cannot load the graph: {detail}", path=str(graph_path),
                                  hint="check the file with `kg validate`")
        return detail

    def _fork(self, lane: str) -> _Worker:
        with self._fork_lock:
            self._ctl.send(self.HEAVY_NICENESS if lane == "heavy" else 0)
            pid = self._ctl.recv()
            try:
                sock, _ = self._listener.accept()
            except TimeoutError as e:
                raise ServeError("a query worker did not start within 30 s") from e
            sock.setblocking(True)
            conn = mpc.Connection(sock.detach())
            if not conn.poll(30) or conn.recv() != (self._token, pid):
                conn.close()
                raise ServeError("a query worker did not introduce itself")
            w = _Worker(pid, conn, lane)
            self._all.add(w)
            return w

    def _replace(self, w: _Worker) -> None:
        """Kill ``w`` and put a fresh fork in its lane, in the background: the request that killed
        it is answered now, not after the fork."""
        w.kill()
        self._all.discard(w)
        threading.Thread(target=self._refill, args=(w.lane,), daemon=True).start()

    def _refill(self, lane: str) -> None:
        try:
            self._idle[lane].put(self._fork(lane))
        except (ServeError, OSError, EOFError):  # the lane runs a worker short; /health shows it
            return

    def is_heavy(self, query: str) -> bool:
        with self._heavy_lock:
            if query in self._heavy:
                self._heavy.move_to_end(query)
                return True
            return False

    def _remember_heavy(self, query: str) -> None:
        with self._heavy_lock:
            self._heavy[query] = None
            self._heavy.move_to_end(query)
            while len(self._heavy) > self.REMEMBERED:
                self._heavy.popitem(last=False)

    def _forget_heavy(self, query: str) -> None:
        with self._heavy_lock:
            self._heavy.pop(query, None)

    def run(self, query: str, accept: str) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + self.timeout
        lane = "heavy" if self.is_heavy(query) else "general"
        while True:
            try:
                w = self._idle[lane].get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return self._timed_out(lane, waited=True)
            try:
                cpu0, t0 = _cpu_seconds(w.pid), time.monotonic()
                w.conn.send((query, accept))
                outcome = self._wait(w, lane, deadline, cpu0, t0)
                if outcome == "done":
                    answer = w.conn.recv()
                    self._idle[lane].put(w)
                    if lane == "heavy" and _used(w.pid, cpu0, t0) < self.heavy_after / 2:
                        self._forget_heavy(query)
                    return answer
            except (EOFError, OSError):  # the worker died (out of memory?): replace it, say so
                self._replace(w)
                return 500, TEXT, b"the query worker died while answering; it has been restarted"
            self._replace(w)
            self._remember_heavy(query)
            if outcome == "timeout":
                return self._timed_out(lane, waited=False)
            lane = "heavy"

    def _wait(self, w: _Worker, lane: str, deadline: float, cpu0: float | None, t0: float) -> str:
        """Until the worker answers ("done"), the deadline passes ("timeout") or, in the general lane,
        the query has used ``heavy_after`` seconds of CPU ("heavy"). CPU, not wall time: on a busy
        machine a cheap query waits for a core, and it must not be taken for a heavy one."""
        if lane == "heavy":
            return "done" if w.conn.poll(max(0.0, deadline - time.monotonic())) else "timeout"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            used = _used(w.pid, cpu0, t0)
            if used >= self.heavy_after:
                return "heavy"
            if w.conn.poll(min(left, max(0.02, self.heavy_after - used))):
                return "done"

    def _timed_out(self, lane: str, waited: bool) -> tuple[int, str, bytes]:
        why = " (waiting for a free worker)" if waited else ""
        return 503, TEXT, f"query timed out after {self.timeout:g} s{why}; lane: {lane}".encode()

    def health(self) -> dict:
        """What /health answers: the graph's size and the workers alive and idle in each lane."""
        alive = [w for w in list(self._all) if _alive(w.pid)]
        return {"status": "ok", "triples": self.triples,
                "workers": {lane: sum(w.lane == lane for w in alive) for lane in self._idle},
                "configured": dict(self._size),
                "idle": {lane: q.qsize() for lane, q in self._idle.items()},
                "heavy_queries_remembered": len(self._heavy)}

    def close(self) -> None:
        for w in list(self._all):
            w.kill()
        self._all.clear()
        self._zygote.kill()
        self._zygote.join()
        self._ctl.close()
        self._listener.close()
        shutil.rmtree(self._sockdir, ignore_errors=True)


# --- HTTP ---------------------------------------------------------------------------------------

def make_handler(worker: QueryPool, outdir: Path):
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
            self._send(*worker.run(query, self.headers.get("Accept", "")))

        def do_GET(self):  # noqa: N802 (http.server's naming)
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/sparql":
                self._query(urllib.parse.parse_qs(url.query).get("query", [None])[0])
            elif url.path == "/health":
                self._send(200, "application/json", json.dumps(worker.health()).encode())
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
                self._send(403, TEXT, READ_ONLY)
            elif ctype.startswith("application/sparql-query"):
                self._query(raw)
            else:
                form = urllib.parse.parse_qs(raw)
                if "update" in form:
                    self._send(403, TEXT, READ_ONLY)
                else:
                    self._query(form.get("query", [None])[0])

        def do_PUT(self):  # noqa: N802
            self._send(405, "text/plain; charset=utf-8", b"read-only")

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

    return Handler


class _HTTPServer(ThreadingHTTPServer):
    # the default listen backlog of 5 drops connections when tens of clients arrive at once, and a
    # dropped SYN is retried only after a second: that second would be every such client's latency
    request_queue_size = 128


class Server:
    """A running endpoint; ``url`` is where it listens. Use as a context manager or call close()."""

    def __init__(self, outdir: str | Path, host: str = "127.0.0.1", port: int = 7878,
                 timeout: float = 10.0, limit: int = 10_000, workers: int = WORKERS):
        self.outdir = Path(outdir)
        graph = self.outdir / "graph.ttl" if self.outdir.is_dir() else self.outdir
        if not graph.is_file():
            raise GraphInputError("no graph to serve", path=str(graph), hint="run `kg build` first")
        if self.outdir.is_file():
            self.outdir = self.outdir.parent
        self.worker = QueryPool(graph, timeout, limit, workers=workers)
        try:
            self.httpd = _HTTPServer((host, port), make_handler(self.worker, self.outdir))
        except OSError:
            self.worker.close()
            raise
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


__all__ = ["Server", "run_readonly"]
