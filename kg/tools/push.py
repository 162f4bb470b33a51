"""`kg push`: load a graph file into any SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph, Apache
Jena Fuseki, QLever ...), unchanged: the Turtle `kg build` writes is plain RDF 1.1 that other stores
read as it is (tests/test_push.py runs every named query in Oxigraph and, where Java and its jars
are present, in Fuseki, and compares the rows).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg.core.errors import GraphInputError, ServeError

RDF_FORMATS = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json"}


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
    try:
        with path.open("rb") as body:  # streamed: a graph of millions of triples is not read into memory
            req = urllib.request.Request(f"{endpoint}{sep}{query}", data=body, method="PUT",
                                         headers={"Content-Type": ctype,
                                                  "Content-Length": str(path.stat().st_size)})
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status
    except urllib.error.HTTPError as e:
        raise ServeError(f"the endpoint answered {e.code}: {e.read()[:300].decode('utf-8', 'replace')}",
                         path=endpoint) from e
    except urllib.error.URLError as e:
        raise ServeError(f"cannot reach the endpoint: {e.reason}", path=endpoint,
                         hint="is the server running, and is this its Graph Store URL?") from e

__all__ = ["push", "RDF_FORMATS"]
