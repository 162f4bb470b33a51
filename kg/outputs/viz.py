"""Graph → interactive viewer: an offline HTML page, with its details beside it for big graphs.

The bureau network and the region projection (``kg.outputs.network``), placed by
``kg.outputs.layout``, become plain JSON (``viewer_data``) rendered into our own template
(``kg/templates/viewer.html``) with everything inlined. The template draws the bureau view, the
region view and the regions × initiatives matrix, places the labels itself (most-shared
initiatives first, never overlapping) and aggregates a big graph's bureaus by region.

A big graph (``BIG_GRAPH_NODES``) keeps only what the views and filters need in the page and
writes quotes, metrics, reports, targets, local initiatives and the region view to
``viewer-data/*.js`` beside it (``split_details``): scripts the page adds when a panel needs them,
which load under ``file://`` and offline, where ``fetch`` would be refused.

Why not pyvis's own HTML: its template loads CDNs, does not escape, and ``add_edge`` is
quadratic. We only borrow the vis-network build shipped inside the pyvis package. Report text
travels as JSON (in a ``<script type="application/json">`` block, or a details file) with
``< > & U+2028 U+2029`` escaped and reaches the DOM only through ``textContent``; a
Content-Security-Policy admits only our own inline scripts (and the details files). Everything is
sorted, so the same graph gives byte-identical files.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import os
import re
import shutil
import tempfile
import webbrowser
from collections import defaultdict
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import rdflib

from kg.core.atomic import atomic_open
from kg.core.bulk import gc_paused
from kg.core.chars import converter
from kg.core.errors import DataFileError, InputError
from kg.outputs.layout import bureau_layout, region_layout
from kg.outputs.network import UNKNOWN, build_network, region_projection
from kg.terms.triples import TripleIndex

__all__ = ["viewer_data", "network_data", "split_details", "details_file", "embed_json", "render_html",
           "write_viewer", "write_network_viewer", "open_viewer"]

BIG_GRAPH_NODES = 1500  # above this the bureau view opens on aggregated regions, details load on demand
REGION_NEIGHBORS = 8  # region view keeps each region's strongest links only
VIS_LIB = ("templates", "lib", "vis-9.1.2")  # inside the installed pyvis package

# Okabe-Ito (colour-blind safe) without black (node borders) and yellow (shared initiatives),
# then the same hues lighter: provinces cycle through them, and the legend names them.
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
    "#F3CF80", "#AAD9F4", "#80CEB9", "#80B8D8", "#EAAE80", "#E5BCD3",
)
GREY = "#bab0ac"


# --------------------------------------------------------------------------- viewer data


def _search_key(*texts: str) -> str:
    """Every text in its own, simplified and traditional form, so either script finds it."""
    forms: set[str] = set()
    for text in texts:
        if text:
            forms.update((text, converter("t2s").convert(text), converter("s2t").convert(text)))
    return "\n".join(sorted(forms)).lower()


def _years_label(years: list[int]) -> str:
    if not years:
        return ""
    if len(years) >= 3 and years[-1] - years[0] == len(years) - 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _shared_label(labels: dict[tuple[int, ...], str], years: list[int]) -> str:
    key = tuple(years)
    found = labels.get(key)
    if found is None:
        found = labels[key] = _years_label(years)
    return found


def _colour_map(names: list[str]) -> dict[str, str]:
    known = [n for n in names if n != UNKNOWN]
    out = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(sorted(known))}
    out[UNKNOWN] = GREY
    return out


def _pt(xy: tuple[float, float]) -> tuple[float, float]:
    return round(xy[0], 1), round(xy[1], 1)


def viewer_data(graph: rdflib.Graph | TripleIndex, *, title: str = "edu-kg") -> dict[str, Any]:
    """Everything the template needs, as plain JSON-able data (sorted, no timestamps)."""
    return network_data(build_network(graph), title=title)


def network_data(G: nx.Graph, *, title: str = "edu-kg") -> dict[str, Any]:
    """``viewer_data`` from a bureau network as ``build_network`` makes it (the bench feeds it
    synthetic networks of 10k reports without building their graphs)."""
    big = G.number_of_nodes() > BIG_GRAPH_NODES
    P = region_projection(G, max_neighbors=REGION_NEIGHBORS)
    pos, rpos = bureau_layout(G), region_layout(P)

    kinds: dict[str, list[str]] = defaultdict(list)
    for node, d in G.nodes(data=True):
        kinds[d["kind"]].append(node)
    short = {}
    for prefix, kind in (("b", "bureau"), ("c", "initiative"), ("t", "theme")):
        for i, node in enumerate(sorted(kinds[kind])):
            short[node] = f"{prefix}{i}"
    rshort = {k: f"r{i}" for i, k in enumerate(sorted(P.nodes))}

    provinces = sorted({d["province"] for _, d in G.nodes(data=True) if d["kind"] == "bureau"})
    pcol = _colour_map(provinces)
    nodes, edges = [], []
    for node in sorted(G.nodes, key=lambda n: short[n]):
        d = G.nodes[node]
        x, y = _pt(pos[node])
        item: dict[str, Any] = {"id": short[node], "iri": node, "kind": d["kind"],
                                "label": d["label"], "x": x, "y": y}
        if d["kind"] == "bureau":
            item.update(province=d["province"], path=d["path"], anonymized=d["anonymized"], level=d.get("level", ""),
                        reports=d["reports"], metrics=d["metrics"], n=d["n_initiatives"],
                        color=pcol[d["province"]], size=round(10 + min(20.0, 5 * math.sqrt(d["n_initiatives"])), 1),
                        search=_search_key(d["label"], *d["path"]),
                        title=f"{d['label']}\n{' › '.join(d['path']) or UNKNOWN}\n"
                              f"{d['n_initiatives']} initiative(s)")
            if d["n_targets"]:  # most bureaus state none: no empty list per node on big graphs
                item.update(targets=d["targets"], nTargets=d["n_targets"])
        elif d["kind"] == "initiative":
            item.update(local=d["local"], themes=[short[t] for t in d["themes"]],
                        aliases=d["aliases"], n=d["n_regions"], nBureaus=d["n_bureaus"],
                        size=round(8 + min(40.0, 6 * math.sqrt(d["n_regions"])), 1),
                        search=_search_key(d["label"], *d["aliases"]),
                        title=f"{d['label']}\n{'local initiative' if d['local'] else 'shared initiative'}"
                              f" · {d['n_regions']} region(s)")
        else:
            item.update(size=22, search=_search_key(d["label"]), title=f"{d['label']}\ntheme")
        nodes.append(item)
    labels: dict[tuple[int, ...], str] = {}  # one text per run of years, not one per edge
    # by their ends' short ids (each pair once: the ids alone order them)
    ends = sorted((min(short[u], short[v]), max(short[u], short[v]), u, v) for u, v in G.edges)
    for i, (a, b, u, v) in enumerate(ends):
        d = G.edges[u, v]
        item = {"id": f"e{i}", "from": a, "to": b, "kind": d["kind"]}
        if d["kind"] == "implements":
            item.update(status=d["status"], years=d["years"], metrics=d["metrics"],
                        evidence=d["evidence"], reports=d["reports"],
                        label=_shared_label(labels, d["years"]))
        edges.append(item)

    del ends, labels
    communities = P.graph["communities"]
    rnodes, redges = [], []
    for k in sorted(P.nodes, key=lambda n: rshort[n]):
        d = P.nodes[k]
        x, y = _pt(rpos[k])
        com = d["community"]
        rnodes.append({"id": rshort[k], "iri": k, "kind": "region", "label": d["label"],
                       "path": d["path"], "province": d["province"], "community": com,
                       "bureaus": [short[b] for b in d["bureaus"]],
                       "initiatives": [short[c] for c in d["initiatives"]],
                       "color": PALETTE[com % len(PALETTE)] if com >= 0 else GREY,
                       "size": round(10 + min(20.0, 4 * math.sqrt(len(d["initiatives"]))), 1),
                       "search": _search_key(d["label"], *d["path"],
                                             *(G.nodes[b]["label"] for b in d["bureaus"])),
                       "title": f"{' › '.join(d['path']) or d['label']}\n"
                                f"{len(d['bureaus'])} bureau(s) · {len(d['initiatives'])} shared initiative(s)",
                       "x": x, "y": y})
    for i, (u, v) in enumerate(sorted(P.edges, key=lambda e: tuple(sorted((rshort[e[0]], rshort[e[1]]))))):
        d = P.edges[u, v]
        a, b = sorted((rshort[u], rshort[v]))
        redges.append({"id": f"re{i}", "from": a, "to": b, "kind": "shares", "weight": d["weight"],
                       "shared": [short[c] for c in d["shared"]]})

    P.clear()  # a networkx graph is a reference cycle (its cached views): freed now, not at a full collection
    years = sorted({y for e in edges for y in e.get("years", [])})
    themes = sorted((n for n in nodes if n["kind"] == "theme"), key=lambda n: (n["label"], n["id"]))
    return {
        "lod": big,
        "title": title,
        "big": big,
        "initialView": "bureau",
        "provinces": [{"name": p, "color": pcol[p]} for p in provinces],
        "themes": [{"id": t["id"], "label": t["label"]} for t in themes],
        "years": years,
        "communities": len(communities),
        "bureau": {"nodes": nodes, "edges": edges},
        "region": {"nodes": rnodes, "edges": redges},
    }


# --------------------------------------------------------------------------- big graphs: page + details
DETAILS_DIR = "viewer-data"  # beside viewer.html: the details of big graphs, loaded on demand
CHUNK_BUREAUS = 48  # bureaus per details file (a bureau panel loads one)
CHUNK_EDGES = 120  # an initiative's links per details file, in the panel's order (a panel loads one)
STATUS_CODES = {"": 0, "achieved": 1, "planned": 2, "both": 3}


def split_details(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(page, details) of a big graph's viewer data: the page keeps what the level-of-detail
    network, the matrix and the filters need; quotes, metrics, reports, targets, local initiatives
    and the region view go to details files, named in the page and fetched when a panel or view
    needs them. Small graphs keep everything in the page (one self-contained file)."""
    nodes = data["bureau"]["nodes"]
    by_id = {n["id"]: n for n in nodes}
    bureaus = [n for n in nodes if n["kind"] == "bureau"]
    shared = [n for n in nodes if n["kind"] == "initiative" and not n["local"]]
    themes = [n for n in nodes if n["kind"] == "theme"]
    bidx = {n["id"]: i for i, n in enumerate(bureaus)}
    cidx = {n["id"]: i for i, n in enumerate(shared)}
    details: dict[str, Any] = {}

    def chunk(name: str) -> _Chunk:
        found = details.get(name)
        if found is None:
            found = details[name] = _Chunk()
        return found

    for n in bureaus:
        chunk(f"b{bidx[n['id']] // CHUNK_BUREAUS}").bureaus.append(n)
    links: list[list[Any]] = []
    per_initiative: dict[str, int] = defaultdict(int)
    # an initiative's links are listed by region and bureau (the panel's order), so the first
    # details file of an initiative holds the bureaus its panel shows first
    rank: dict[str, int] = {}
    ordered: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    where = {n["id"]: " › ".join(n["path"]) for n in bureaus}
    for e in data["bureau"]["edges"]:
        if e["kind"] == "implements":
            b, c = (e["from"], e["to"]) if by_id[e["from"]]["kind"] == "bureau" else (e["to"], e["from"])
            ordered[c].append((where[b], by_id[b]["label"], e["id"]))
    for items in ordered.values():
        for i, (_, _, eid) in enumerate(sorted(items)):
            rank[eid] = i
    del ordered, where
    for e in data["bureau"]["edges"]:
        if e["kind"] != "implements":
            continue
        b, c = (e["from"], e["to"]) if by_id[e["from"]]["kind"] == "bureau" else (e["to"], e["from"])
        home = chunk(f"b{bidx[b] // CHUNK_BUREAUS}")
        if c in cidx:
            eid, part = f"e{len(links)}", rank[e["id"]] // CHUNK_EDGES
            links.append([bidx[b], cidx[c], STATUS_CODES.get(e["status"], 0), e["years"], part])
            home.edges.append((eid, e))
            chunk(f"c{cidx[c]}.{part}").edges.append((eid, e))
            per_initiative[c] += 1
        else:  # a local initiative: one bureau's, listed in its panel only
            home.local.append((b, by_id[c]["label"], e))
    keep = ("id", "kind", "label", "x", "y", "size", "color", "province", "path", "anonymized", "level", "n",
            "search", "local", "themes", "aliases", "nBureaus")
    page = dict(data)
    page["bureau"] = {
        "nodes": [{k: n[k] for k in keep if k in n} for n in (*bureaus, *shared, *themes)],
        "links": links,
        "broader": [[e["from"], e["to"]] for e in data["bureau"]["edges"] if e["kind"] == "broader"
                    and (e["from"] in cidx or e["to"] in cidx)],
        "nLocal": sum(1 for n in nodes if n["kind"] == "initiative" and n["local"]),
    }
    page["region"] = None
    details["regions"] = {"region": data["region"]}
    page["details"] = {"dir": DETAILS_DIR, "chunkBureaus": CHUNK_BUREAUS, "chunkEdges": CHUNK_EDGES,
                       "perInitiative": {c: per_initiative[c] for c in sorted(per_initiative)}}
    return page, details


class _Chunk(Mapping):
    """One details file's data, made when it is written (``as_dict``) from the page data's bureaus
    and links it names: made up front, every file's data at once would hold a second copy of each
    quote and metric list (half a million records at 10k reports) until the last file is written.
    Reads as the dict it stands for: ``bureaus``, ``edges`` (a shared initiative's links, by id)
    and ``local`` (a bureau's local initiatives)."""

    __slots__ = ("bureaus", "edges", "local")

    def __init__(self) -> None:
        self.bureaus: list[dict[str, Any]] = []  # bureau nodes
        self.edges: list[tuple[str, dict[str, Any]]] = []  # (link id, edge)
        self.local: list[tuple[str, str, dict[str, Any]]] = []  # (bureau id, initiative label, edge)

    def as_dict(self) -> dict[str, Any]:
        local: dict[str, list[dict[str, Any]]] = {}
        for b, label, e in self.local:
            local.setdefault(b, []).append({"label": label, "status": e["status"], "years": e["years"], **_info(e)})
        return {"bureaus": {n["id"]: {"reports": n["reports"], "metrics": n["metrics"],
                                      "targets": n.get("targets", []), "nTargets": n.get("nTargets", 0)}
                            for n in self.bureaus},
                "edges": {eid: _info(e) for eid, e in self.edges}, "local": local}

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("bureaus", "edges", "local"))

    def __len__(self) -> int:
        return 3


def _info(e: dict[str, Any]) -> dict[str, Any]:
    """A link's evidence, metrics and reports as its details list them."""
    return {"evidence": [_lean(q) for q in e["evidence"]], "metrics": [_lean(m) for m in e["metrics"]],
            "reports": e["reports"]}


def _lean(record: Mapping[str, Any]) -> dict[str, Any]:
    """A quote record without its simplified quote when it reads as the original (the panel
    shows the original): details files hold every quote twice over otherwise."""
    d = record if isinstance(record, dict) else record.as_dict()  # a compact record (kg.outputs.network)
    quote = d.get("quote")
    if quote and quote == d.get("quoteOriginal"):
        if d is record:
            d = dict(d)
        del d["quote"]
    return d


def _as_dict(record: Any) -> dict[str, Any]:
    """The dict a compact record stands for (json's ``default``: called for what JSON lacks)."""
    try:
        as_dict = record.as_dict
    except AttributeError:
        raise TypeError(f"Object of type {type(record).__name__} is not JSON serializable") from None
    return as_dict()


def details_script(name: str, data: Any) -> str:
    """One details file: a script that hands its data to the page (script tags load under file://,
    where fetch() is refused, and need no server)."""
    return "".join(_details_pieces(name, data))


def _details_pieces(name: str, data: Any) -> tuple[str, str, str]:
    """``details_script`` in pieces, written one after the other: the data's text is not copied."""
    return f"window.__kgChunk({json.dumps(name)},", embed_json(data), ");\n"


_DETAILS_NAME = re.compile(r"[a-z0-9][a-z0-9.]*\.js")


def details_file(outdir: str | Path, url_path: str) -> Path | None:
    """The details file a served viewer asks for (``/viewer-data/<name>.js``), or None: only
    names this module writes, so no path can leave the folder."""
    folder, _, name = url_path.lstrip("/").partition("/")
    if folder != DETAILS_DIR or not _DETAILS_NAME.fullmatch(name):
        return None
    path = Path(outdir) / DETAILS_DIR / name
    return path if path.is_file() else None


# --------------------------------------------------------------------------- HTML
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def embed_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no tag, entity or line-separator chars."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_as_dict)
    for char, escaped in _JSON_ESCAPES.items():  # str.replace: a regex calls back per match
        if char in text:
            text = text.replace(char, escaped)
    return text


@functools.lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """(template, vis-network JS, vis-network CSS), read once and checked for inlining."""
    template_file = resources.files("kg") / "templates" / "viewer.html"
    try:
        template = template_file.read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(f"cannot read the viewer template: {e}", path=str(template_file),
                            hint="reinstall edu-kg (pip install -e .)") from e
    lib = resources.files("pyvis").joinpath(*VIS_LIB)
    try:
        js = lib.joinpath("vis-network.min.js").read_text(encoding="utf-8")
        css = lib.joinpath("vis-network.css").read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(f"vis-network is missing from the pyvis package: {e}", path=str(lib),
                            hint="install pyvis 0.3.2 (pip install 'pyvis>=0.3.2,<0.4')") from e
    # DevTools would try to fetch source maps: drop the references, we ship none
    js = re.sub(r"^//# sourceMappingURL=\S*\s*$", "", js, flags=re.M)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    for name, text, closer in (("vis-network.min.js", js, "</script"), ("vis-network.css", css, "</style")):
        if closer in text.lower() or "<!--" in text:
            raise DataFileError(f"{name} cannot be inlined: it contains {closer!r} or '<!--'",
                                path=str(lib / name), hint="use the vis-network 9.1.2 build of pyvis 0.3.2")
    for slot in ("/*__VIS_CSS__*/", "/*__VIS_JS__*/", "__TITLE__", "__DATA__", "__CSP__"):
        if slot not in template:
            raise DataFileError(f"the viewer template lacks the {slot} slot", path=str(template_file))
    return template, js, css


def _csp(*scripts: str, files: bool = False) -> str:
    """Content-Security-Policy allowing exactly our inline scripts (by hash) and no network.

    Defence in depth behind textContent: an injected inline handler or <script> would not run,
    and nothing (fonts, images, fetches) may leave the page."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
                      + "'" for s in scripts)
    # details files beside a big graph's page load as scripts of the page's own origin ('self')
    own = "'self' " if files else ""
    return (f"default-src 'none'; script-src {own}{hashes}; style-src 'unsafe-inline'; "
            "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def render_html(graph: rdflib.Graph | TripleIndex, *, title: str = "edu-kg") -> str:
    """The viewer page as a string: template + inlined vis-network + escaped JSON data."""
    return _page(viewer_data(graph, title=title), title)


def _write(data: dict[str, Any], path: Path, title: str) -> Path:
    """viewer.html, and for a big graph its details folder beside it (each file atomic; the
    folder is replaced as a whole, so no stale file of an earlier build is left)."""
    details: dict[str, Any] = {}
    if data.get("lod"):
        data, details = split_details(data)
    folder = path.parent / DETAILS_DIR
    path.parent.mkdir(parents=True, exist_ok=True)
    if details:
        tmp = Path(tempfile.mkdtemp(prefix=".viewer-data-", dir=path.parent))
        tmp.chmod(0o755)  # mkdtemp's 0700 would hide the folder from a web server or another user
        try:
            for name in sorted(details):
                with atomic_open(tmp / f"{name}.js") as fh:
                    for piece in _details_pieces(name, details.pop(name)):  # written: its room takes the next
                        fh.write(piece)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    elif folder.is_dir():
        shutil.rmtree(folder)  # an earlier big build's details: this viewer needs none
    text = _page(data, title)
    with atomic_open(path) as fh:
        fh.write(text)
    return path


def _page(data: dict[str, Any], title: str) -> str:
    template, js, css = _assets()
    app = re.search(r'<script id="kg-app">(.*?)</script>', template, re.S)
    if app is None:
        raise DataFileError('the viewer template lacks <script id="kg-app">',
                            path="kg/templates/viewer.html")
    parts = {"/*__VIS_CSS__*/": css, "/*__VIS_JS__*/": js, "__TITLE__": html.escape(title),
             "__DATA__": embed_json(data),
             "__CSP__": _csp(js, app.group(1), files=data.get("details") is not None)}  # base64 and fixed words: attribute-safe
    # one pass over the template: inserted text is never rescanned for slots
    return re.sub(r"/\*__VIS_CSS__\*/|/\*__VIS_JS__\*/|__TITLE__|__DATA__|__CSP__",
                  lambda m: parts[m.group(0)], template)


def write_viewer(graph: rdflib.Graph | TripleIndex, path: str | Path, *, title: str = "edu-kg") -> Path:
    """Write the self-contained viewer to ``path`` atomically (temp file + os.replace)."""
    with gc_paused():
        return _write(viewer_data(graph, title=title), Path(path), title)


def write_network_viewer(G: nx.Graph, path: str | Path, *, title: str = "edu-kg") -> Path:
    """``write_viewer`` from a bureau network (``build_network``'s shape) instead of a graph."""
    with gc_paused():
        return _write(network_data(G, title=title), Path(path), title)


def open_viewer(outdir: str | Path) -> Path:
    """Open OUTDIR/viewer.html in the default browser; returns its path."""
    path = Path(outdir) / "viewer.html"
    if not path.is_file():
        raise InputError("no viewer.html in this folder", path=str(outdir),
                         hint="run `kg build` first (without --no-viewer)")
    webbrowser.open(path.resolve().as_uri())
    return path
