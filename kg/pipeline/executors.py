"""Where the per-file work runs: in this process, a local process pool, or a Dask cluster.

Every executor has the same small interface: :meth:`Executor.map` (results in input order),
:meth:`Executor.later` (start work on the output folder now, wait for it later), ``parts`` (how
many ranges the merge is cut into) and :meth:`Executor.close`. :func:`executor_for` picks one
from the config.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from kg.core.config import Config
from kg.core.errors import KgError, WorkerError
from kg.pipeline import recovery


class Executor:
    """Runs everything here, in this process (``-j 1``)."""

    parts = 1  # ranges the merged graph is cut into, one per worker

    def map(self, func: Callable, items: list) -> Iterator:
        """``func`` over ``items``, results in input order."""
        return map(func, items)

    def later(self, func: Callable, items: list) -> Callable[[], list]:
        """Start ``func`` over ``items`` and return a call that waits for the results. Used for
        work on files in the output folder, which only a local pool can see; here the call runs
        the work itself, when it is made."""
        return lambda: [func(i) for i in items]

    def close(self) -> None:
        """Release the workers (after a failure: drop the queued work, wait for the running)."""

    def renew(self) -> None:
        """Let the next work start on fresh workers: the per-file passes leave each worker holding
        memory it freed but keeps, which the build's last stage, run beside the viewer, would add
        to its peak. Nothing to do here."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ProcessPool(Executor):
    """A local pool, started on first use. It serves both passes (files, then graphs). On Linux
    its workers are forked from a server that has loaded jieba, the gazetteer, the taxonomy and
    the shapes once (:func:`start_method`), so none of them loads anything; elsewhere they are
    spawned and each loads them on its first item.

    The pool is a ProcessPoolExecutor, not multiprocessing.Pool: Pool's worker-handler thread
    also waits on the result pipe, so it spins while a result waits to be read; that took 1.5 s
    of the main process's CPU in a 1k-report build, CPU the two workers of a 2-core machine
    need. (The executor also fails with BrokenProcessPool if a worker is killed, where Pool hangs.)"""

    def __init__(self, jobs: int, method: str | None = None):
        self.parts = jobs
        self.method = method or start_method()
        self._pool: ProcessPoolExecutor | None = None

    def map(self, func: Callable, items: list) -> Iterator:
        if len(items) <= 1:  # not worth a worker's start-up
            return super().map(func, items)
        try:  # submitting fails too once a worker died (a forked one can die that fast)
            results = self._local().map(func, items)
        except BrokenProcessPool as e:
            raise _died() from e
        return _checked(results)

    def later(self, func: Callable, items: list) -> Callable[[], list]:
        if not items:  # one item goes to a worker too: the caller goes on with its own work
            return super().later(func, items)
        try:
            futures = [self._local().submit(func, i) for i in items]
        except BrokenProcessPool as e:
            raise _died() from e
        return lambda: list(_checked(f.result() for f in futures))

    def _local(self) -> ProcessPoolExecutor:
        if self._pool is None:  # never a plain fork: the parent may hold threads (progress bar)
            # each worker watches the build from its start: one killed with the build before its
            # first task (a task guards too) would wait on its queue for ever
            self._pool = ProcessPoolExecutor(self.parts, mp_context=_context(self.method),
                                             initializer=recovery.guard_worker)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def renew(self) -> None:
        """Forked from the warm server, new workers start in milliseconds with nothing to load;
        spawned ones (not Linux) would load everything again, so they are kept."""
        if self._pool is not None and self.method == "forkserver":
            self._pool.shutdown(wait=True)
            self._pool = None


class Dask(Executor):
    """A Dask cluster, connected on first use. Work on the output folder (``later``) runs here:
    the cluster's workers may not see that folder, so the merge is one part."""

    def __init__(self, scheduler: str | None):
        self.scheduler = scheduler
        self._client = None

    def map(self, func: Callable, items: list) -> Iterator:
        if not items:
            return iter(())
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as e:
                raise KgError("the dask executor needs the 'distributed' package",
                              hint="pip install 'edu-kg[dask]'") from e
            if not self.scheduler:
                raise KgError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
            self._client = Client(self.scheduler)
        futures = self._client.map(func, items, pure=False)
        return (f.result() for f in futures)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


# The module a forkserver imports before forking any worker: importing it warms the server.
WARM_MODULE = "kg.pipeline.warm"
START_METHODS = ("forkserver", "spawn")
_server_env: dict[str, str] | None = None  # the KG_* settings the warm server was started under


def start_method() -> str:
    """How pool workers start: ``forkserver`` (forked from a warm server) where the platform has
    it, else ``spawn``; KG_START_METHOD chooses. A server warmed under other KG_* settings
    (KG_ONTOLOGY_DIR, KG_SHACL_ENGINE: a test or notebook changed them) would hand its workers
    stale rules, so the pool spawns then: a forkserver lives as long as this process and its
    environment is the one it started with."""
    method = os.environ.get("KG_START_METHOD") or (
        "forkserver" if sys.platform.startswith("linux") else "spawn")
    if method not in START_METHODS:
        raise KgError(f"unknown start method {method!r}",
                      hint=f"set KG_START_METHOD to one of {', '.join(START_METHODS)}")
    if method == "forkserver" and _server_env is not None and _server_env != _kg_env():
        return "spawn"
    return method


def prestart(config: Config) -> bool:
    """Start the warm worker server now, when the build will fork its workers from one (a local
    pool of two or more, forkserver; ``kg build`` calls this first thing): the server warms up
    (about 2 s on one core, before the first worker exists) while this process imports the
    pipeline (about 0.5 s), instead of after it. Not when the output folder already has a cache:
    that build may well need no worker (an unchanged corpus), and a server warming for nothing
    would take a core from it. Returns whether it started one."""
    if config.executor != "process" or (config.jobs or os.cpu_count() or 1) <= 1:
        return False
    if config.cache and (config.cache_dir or config.outdir / ".cache").is_dir():
        return False
    if start_method() != "forkserver" or _server_env is not None:
        return False
    from multiprocessing import forkserver

    _context("forkserver")
    forkserver.ensure_running()
    return True


def _kg_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("KG_") and k != "KG_START_METHOD"}


def _context(method: str):
    global _server_env
    ctx = mp.get_context(method)
    if method == "forkserver" and _server_env is None:  # the first pool starts the server
        ctx.set_forkserver_preload([WARM_MODULE])
        _start_server()
        _server_env = _kg_env()
    return ctx


def _start_server() -> None:
    """Start the forkserver now, in safe-path mode. Python runs it with ``-c``, which puts the
    working directory first on its sys.path (3.11 and 3.12 ignore the parent's path): a folder
    there named ``kg`` (or ``jieba``, ``rdflib`` …) would be what every worker imports. Only the
    server's start sees the variable; this process's environment is left as it was."""
    from multiprocessing import forkserver

    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


def executor_for(config: Config) -> Executor:
    """The executor ``config`` asks for: Dask, a local pool of ``jobs`` (0: one per core), or this
    process alone."""
    if config.executor == "dask":
        return Dask(config.scheduler)
    jobs = config.jobs or os.cpu_count() or 1
    return ProcessPool(jobs) if jobs > 1 else Executor()


def _checked(results: Iterable) -> Iterator:
    """Results of the local pool; a worker killed under it (by the out-of-memory killer, say)
    becomes a WorkerError that says what to do."""
    try:
        yield from results
    except BrokenProcessPool as e:
        raise _died() from e


def _died() -> WorkerError:
    return WorkerError("a worker process died during the build (killed by the system: out of memory?)",
                       hint="run again with fewer jobs (-j 1) or more memory; the cache keeps the "
                            "files already done")


def progress(total: int, enabled: bool, what: str):
    """A rich progress bar on a terminal, as a context giving ``tick(name)``; a no-op elsewhere."""
    if not enabled or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda *a, **k: None)
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(transient=True) as p:
            task = p.add_task(what, total=total)
            yield lambda name: p.update(task, advance=1, description=f"{what} {name[:40]}")

    return bar()
