"""SHACL validation (ontology/shapes.ttl) → readable ValidationReport; dropping what fails.

A build validates each file's triples on their own (the report-scoped nodes: :func:`validate_unit`,
in the worker that built them), then the shared nodes once on what every file said of them
(:func:`shared_lines`, :func:`validate_shared_lines`): every shape only looks at a node and its
direct neighbours, so this finds what validating the whole graph finds (tested on every
hand-broken case), at a cost linear in the number of files. :func:`validate` runs the whole graph
at once, for ``kg validate`` and the build's repair after a cross-file conflict.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import PROV, RDF, SH, SKOS

from kg.core.errors import DataFileError, KgError
from kg.core.records import ValidationReport, Violation
from kg.terms import vocab as V
from kg.terms.triples import TripleIndex, iri_text, nt_line, nt_term, parse_nt, to_graph

__all__ = ["validate", "drop_invalid", "format_violations", "load_shapes", "Shacl",
           "validate_unit", "validate_units", "validate_shared_lines", "shared_lines", "shape_paths", "merge_reports"]

SHAPES_FILE = "shapes.ttl"

FACT_TYPES = (V.Metric, V.InitiativeMention)
# links a node cannot live without: when their target is dropped, the node goes too
REQUIRED_LINKS = (PROV.wasDerivedFrom, V.bureau, V.concept, V.issuedBy, V.sourceFile)


@lru_cache(maxsize=4)
def _parse_shapes(path: str) -> Graph:
    p = Path(path)
    if not p.is_file():
        raise DataFileError("SHACL shapes file not found", path=path,
                            hint="run from a source checkout or set KG_ONTOLOGY_DIR")
    try:
        return Graph().parse(p, format="turtle")
    except Exception as e:  # rdflib raises several parser error types
        raise DataFileError(f"cannot parse SHACL shapes: {e}", path=path) from e


def load_shapes(shapes: Graph | str | Path | None = None) -> Graph:
    if isinstance(shapes, Graph):
        return shapes
    if shapes is None:
        from kg.core.config import ontology_dir

        shapes = ontology_dir() / SHAPES_FILE
    return _parse_shapes(str(shapes))


# --- running pySHACL ------------------------------------------------------------------------------

def _shape_name(shapes: Graph, shape) -> str | None:
    """An IRI, or for an anonymous property shape the named shape holding it."""
    if shape is None:
        return None
    if isinstance(shape, BNode):
        for parent in shapes.subjects(SH.property, shape):
            if not isinstance(parent, BNode):
                return _short(parent)
        return None
    return _short(shape)


def _short(term) -> str:
    s = str(term)
    for prefix, ns in (*V.PREFIXES.items(), ("shape", str(V.SHAPE)), ("sh", str(SH))):
        if s.startswith(str(ns)) and len(s) > len(str(ns)):
            return f"{prefix}:{s[len(str(ns)):]}"
    return s


def _violations(results: Graph, data: Graph, shapes: Graph) -> list[Violation]:
    out = []
    # top-level results only: sh:detail holds the nested results of sh:node / sh:or, said above
    top = [r for rep in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(rep, SH.result)]
    for res in top:
        focus = results.value(res, SH.focusNode)
        path = results.value(res, SH.resultPath)
        severity = results.value(res, SH.resultSeverity)
        shape = results.value(res, SH.sourceShape)
        messages = sorted(str(m) for m in results.objects(res, SH.resultMessage))
        value = results.value(res, SH.value)
        message = messages[0] if messages else "constraint violated"
        if (value is not None and value != focus and not isinstance(value, BNode)
                and str(value) not in message):
            message += f" (value: {_short(value) if isinstance(value, URIRef) else value})"
        quote = data.value(focus, V.quote) if focus is not None else None
        out.append(Violation(
            focus=str(focus),
            path=_short(path) if isinstance(path, URIRef) else None,
            message=message,
            severity=_short(severity).removeprefix("sh:") if severity is not None else "Violation",
            shape=_shape_name(shapes, shape),
            quote=str(quote) if quote is not None else None,
        ))
    return out


ENGINES = ("auto", "pyshacl", "turbo")


def _engine(name: str):
    """The SHACL engine: pyshacl-turbo (a Rust engine with pySHACL's API, ~15x faster on our
    shapes, same violations: tested) when installed, else pySHACL. KG_SHACL_ENGINE overrides."""
    name = os.environ.get("KG_SHACL_ENGINE", name) if name == "auto" else name
    if name not in ENGINES:  # a setting, not a data file: the CLI's plain coded error, as for --executor
        raise KgError(f"unknown SHACL engine {name!r}", hint=f"set KG_SHACL_ENGINE to one of {', '.join(ENGINES)}")
    if name in ("auto", "turbo"):
        try:
            import pyshacl_turbo

            return pyshacl_turbo
        except ImportError:
            if name == "turbo":
                raise
    import pyshacl

    return pyshacl


def _screen(name: str):
    """shacl-rust, when the engine is left to choose (``auto``) and it is installed: the build's
    screen (:func:`validate_units`), else None."""
    chosen = os.environ.get("KG_SHACL_ENGINE", name) if name == "auto" else name
    if chosen != "auto":  # an engine asked for by name judges every unit itself
        return None
    try:
        import shacl_rust
    except ImportError:
        return None
    return shacl_rust


class Shacl:
    """Shapes compiled once per process, run on plain triple lists (kg.terms.triples).

    With pyshacl-turbo the triples go to the engine as N-Triples text (its ``Input``), skipping
    rdflib entirely; with pySHACL they become a small rdflib Graph. ``screen``: shacl-rust, which
    only says which nodes fail (see :func:`validate_units`), or None."""

    def __init__(self, shapes: Graph | str | Path | None = None, engine: str = "auto"):
        self.shapes = load_shapes(shapes)
        self.module = _engine(engine)
        self.screen = _screen(engine)
        self._compiled = None
        self._input = None
        if self.module.__name__ == "pyshacl_turbo":
            try:
                from pyshacl_turbo.rdf import Input
            except ImportError:  # a later release moved it: go through rdflib
                Input = None
            if Input is not None:
                self._compiled = self.module.compile_shapes(self.shapes)
                self._input = Input

    @cached_property
    def _screen_parts(self) -> tuple[str | None, tuple[_ScreenSparql, ...]]:
        """The shapes as shacl-rust reads them, as text on each run (N-Triples parses fastest),
        without the SPARQL constraints it can leave to Oxigraph (see :meth:`failing`), and those.
        Prepared on first use, not with the shapes: judging the shared nodes needs no screen, and
        the rdflib query parser it takes is on the build's critical path there."""
        if self.screen is None:
            return None, ()
        screen_shapes, sparql = _split_sparql(self.shapes)
        return screen_shapes.serialize(format="nt"), sparql

    def prepare(self) -> Shacl:
        """This, with the screen's shapes prepared too: a process that forks workers does so first."""
        self._screen_parts  # noqa: B018 (a cached property: computed here, once)
        return self

    @property
    def _screen_shapes(self) -> str | None:
        return self._screen_parts[0]

    @property
    def _screen_sparql(self) -> tuple[_ScreenSparql, ...]:
        return self._screen_parts[1]

    @cached_property
    def sparql_predicates(self) -> frozenset[str]:
        """The predicates (N-Triples) whose lines the screen's SPARQL constraints read."""
        return frozenset(p for c in self._screen_sparql for p in c.predicates)

    def run(self, triples: list, focus: list | None = None) -> list[Violation]:
        """Violations of ``triples``; with ``focus`` only of those nodes (their neighbours'
        triples are there to be looked at, not judged)."""
        if not triples or (focus is not None and not focus):
            return []
        text = "".join(nt_line(t) for t in triples) if self.native else None
        return self._run(text, triples, focus)

    @property
    def native(self) -> bool:
        """True when the engine reads N-Triples text directly."""
        return self._compiled is not None

    def run_nt(self, text: str, focus: list | None = None) -> list[Violation]:
        """:meth:`run` on N-Triples text."""
        if not text or (focus is not None and not focus):
            return []
        return self._run(text, None, focus)

    def failing(self, text: str, focus: set[str], sparql_text: str | None = None) -> set[str]:
        """The IRIs of ``focus`` that the screen finds a result for in N-Triples ``text`` (it
        judges every target there; shared nodes, cut short in a unit, fail and are ignored).
        ``sparql_text``: the lines of ``text`` whose predicate is in :attr:`sparql_predicates`,
        when the caller has them (else they are searched for)."""
        got = self.screen.validate(text, self._screen_shapes, data_format="nt", shapes_format="nt",
                                   experimental_index=True)
        found = set() if got["conforms"] else {r["focusNode"][1:-1] for r in got["results"]}
        if self._screen_sparql and sparql_text is None:
            sparql_text = "".join(line for line in text.splitlines(keepends=True)
                                  if line.split(" ", 2)[1] in self.sparql_predicates)
        for constraint in self._screen_sparql:
            found |= constraint.failing(sparql_text)
        return found & focus

    def _run(self, text: str | None, triples: list | None, focus: list | None) -> list[Violation]:
        if self._compiled is not None and text is not None:
            conforms, results, _ = self._compiled.validate(self._input(text, "nt", None, {}),
                                                           focus_nodes=focus)
        else:
            # pySHACL's focus_nodes also aims nested sh:or shapes at the focus nodes (it reported
            # non-percentages as out of range): validate everything, keep the focus nodes' results
            data = to_graph(triples) if triples is not None else Graph().parse(data=text, format="nt")
            conforms, results, _ = self.module.validate(
                data, shacl_graph=self.shapes, inference="none", abort_on_first=False,
                meta_shacl=False, advanced=False, debug=False)
        if conforms:
            return []
        if triples is None:  # quotes for the messages: only report-scoped nodes have them
            triples = parse_nt(text) if text else []
        found = _violations(results, TripleIndex(triples), self.shapes)
        if focus is not None:
            wanted = {str(f) for f in focus}
            found = [v for v in found if v.focus in wanted]
        return found


# --- the screen's SPARQL constraints ----------------------------------------------------------------
# shacl-rust runs a SPARQL constraint once per focus node, which took half of the screen's time on
# our shapes. Run instead once over a batch, on the lines of the predicates the query names, in
# Oxigraph, each ?this it returns is a focus node that fails. That is the constraint's answer when
# $this is bound by the query's first triple pattern (so pre-binding it changes nothing) and no
# predicate is a variable (so no other line can matter); other constraints stay with shacl-rust.

@dataclass(frozen=True)
class _ScreenSparql:
    """A SHACL-SPARQL constraint run over a whole batch (see above)."""

    query: str
    predicates: frozenset[str]  # N-Triples of the predicates it reads

    def failing(self, text: str) -> set[str]:
        """The ?this of each solution on ``text``: N-Triples holding (at least) every line of
        :attr:`predicates` (the lines of other predicates match no triple pattern)."""
        import pyoxigraph as ox

        if not text:
            return set()
        store = ox.Store()
        store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return {row["this"].value for row in store.query(self.query) if row["this"] is not None}


_THIS_FIRST = re.compile(r"\bWHERE\s*\{\s*\$this\s", re.I)


def _split_sparql(shapes: Graph) -> tuple[Graph, tuple[_ScreenSparql, ...]]:
    """The shapes without the SPARQL constraints the screen runs itself, and those."""
    split, drop = [], set()
    for shape, c in shapes.subject_objects(SH.sparql):
        select = shapes.value(c, SH.select)
        targets = {p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(str(SH) + "target")}
        if (select is None or targets != {SH.targetClass} or next(shapes.subjects(None, shape), None) is not None
                or shapes.value(c, SH.prefixes) is not None or shapes.value(c, SH.deactivated) is not None
                or not _THIS_FIRST.search(str(select))):
            continue  # aimed at nodes another way, or a query this cannot judge: shacl-rust's
        predicates = _query_predicates(str(select))
        if predicates is None:
            continue
        split.append(_ScreenSparql(str(select), frozenset(nt_term(p) for p in predicates)))
        drop.add((shape, SH.sparql, c))
    if not drop:
        return shapes, ()
    rest = Graph()
    for t in shapes:
        if t not in drop:
            rest.add(t)
    return rest, tuple(split)


@lru_cache(maxsize=32)
def _query_predicates(select: str) -> frozenset[URIRef] | None:
    """Every predicate IRI a SPARQL query's triple patterns name (in paths too), or None when
    one is a variable or a negated path (then any line may matter)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery

    found: set[URIRef] = set()

    def predicate(p) -> bool:
        if isinstance(p, URIRef):
            found.add(p)
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(predicate(x) for x in p.args)
        if isinstance(p, InvPath):
            return predicate(p.arg)
        if isinstance(p, MulPath):
            return predicate(p.path)
        return False  # a variable, a negated path (any predicate but ...), or unknown

    def walk(node) -> bool:
        if isinstance(node, dict):
            return all(all(predicate(t[1]) for t in v) if k == "triples" else walk(v) for k, v in node.items())
        if isinstance(node, (list, tuple)):
            return all(walk(x) for x in node)
        return True

    try:
        algebra = prepareQuery(select).algebra
    except Exception:  # a query rdflib cannot read: leave it to shacl-rust
        return None
    return frozenset(found) if walk(algebra) else None


# --- report-scoped and shared nodes ----------------------------------------------------------------
# A build validates each file's triples on their own, then the shared nodes once. Report-scoped
# nodes (reports, mentions, metrics) are judged with their file; they look at their neighbours
# only through SUPPORT predicates.
# Shared nodes (bureaus, regions, concepts, themes, sources) are judged once on the union of what
# every file said of them, which also catches cross-report conflicts (two regions for a bureau).

REPORT_SCOPED = tuple(str(V.ID[k]) for k in ("report/", "mention/", "metric/"))
# sh:class needs rdf:type; the concept check skos:inScheme; the indicator shapes what an indicator
# concept says of its values (kind, kind units, growth rate)
SUPPORT = frozenset((RDF.type, SKOS.inScheme, V.quantityKind, V.kindUnit, V.growthRate, V.grossRate))


_REPORT_SCOPED_NT = tuple("<" + p for p in REPORT_SCOPED)
_SUPPORT_NT = frozenset(nt_term(p) for p in SUPPORT)


def shared_lines(lines: Sequence[str]) -> Iterator[str]:
    """The N-Triples lines of ``lines`` (sorted) whose subject is not report-scoped.

    In a sorted sequence the lines starting with one prefix form one block, found by bisection:
    a file's shared lines are a few dozen of its ~1,000, and the build's main process asks this
    of every file while the workers wait for it."""
    cuts = sorted((bisect.bisect_left(lines, p), bisect.bisect_left(lines, p[:-1] + chr(ord(p[-1]) + 1)))
                  for p in _REPORT_SCOPED_NT)
    start = 0
    for low, high in cuts:
        yield from lines[start:low]
        start = max(start, high)
    yield from lines[start:]


def validate_unit(triples: list | None = None, shacl: Shacl | None = None,
                  lines: Sequence[str] | None = None) -> ValidationReport:
    """Validate the report-scoped nodes of a self-contained triple set (kg.rdf.graph.report_lines),
    given as rdflib triples or as its N-Triples ``lines`` (then ``triples`` is not needed)."""
    shacl = shacl or Shacl()
    return _judge(_cut(lines if lines is not None else [nt_line(t) for t in triples or ()]), shacl)


def validate_units(units: Sequence[Sequence[str]], shacl: Shacl | None = None) -> list[ValidationReport]:
    """:func:`validate_unit` of each unit (its N-Triples lines), many at once where a screen is there.

    The screen (shacl-rust, indexed) runs once over the units that are judged in the union as
    on their own: no other unit has their report-scoped nodes, and every node they link to has
    the same SUPPORT triples (its types, its scheme) in every unit that names it, which in a
    build holds for all (they come from the ontology). A unit the screen finds no fault in
    conforms; one it faults is judged again alone by the engine, whose report (messages,
    warnings) is the one kept. So the screen only decides which units pass: shacl-rust agrees
    with pySHACL on every hand-broken case but one, where it sees no error in comparing a string
    with a number (sh:minInclusive on "98"^^xsd:string) and the value's sh:datatype fails the
    node anyway (tested)."""
    shacl = shacl or Shacl()
    cuts = [_cut(lines, shacl.sparql_predicates) for lines in units]
    if shacl.screen is None:
        return [_judge(c, shacl) for c in cuts]
    owners: dict[str, int] = {}
    variants: dict[str, set[frozenset[str]]] = {}
    supports = [c.support() for c in cuts]
    for c, support in zip(cuts, supports, strict=True):
        for f in c.focus:
            owners[f] = owners.get(f, 0) + 1
        for node, said in support.items():
            variants.setdefault(node, set()).add(said)
    batch = [i for i, c in enumerate(cuts) if c.focus and all(owners[f] == 1 for f in c.focus)
             and all(len(variants[n]) == 1 for n in supports[i])]
    failing = (shacl.failing("".join(cuts[i].text for i in batch), set(owners),
                             "".join(cuts[i].sparql for i in batch)) if len(batch) > 1 else set())
    passed = {i for i in batch if failing.isdisjoint(cuts[i].focus)} if len(batch) > 1 else set()
    return [_report([]) if i in passed else _judge(c, shacl) for i, c in enumerate(cuts)]


@dataclass(frozen=True)
class _Cut:
    """What SHACL looks at in a unit: the report-scoped nodes' triples and their SUPPORT ones."""

    text: str  # their N-Triples lines
    focus: tuple[str, ...]  # the report-scoped subjects (IRIs), sorted
    said: dict[str, frozenset[str]]  # each node named but not judged -> its SUPPORT lines here
    sparql: str = ""  # the lines of ``text`` the screen's SPARQL constraints read

    def support(self) -> dict[str, frozenset[str]]:
        """Each node the unit names but does not judge -> the SUPPORT lines it says of it here
        (maybe none)."""
        return self.said


def _cut(lines: Sequence[str], sparql_predicates: frozenset[str] = frozenset()) -> _Cut:
    """One pass over the lines' text (no rdflib term is made): the report-scoped lines, the
    SUPPORT lines, what they say of each other node they name, and those of them that the
    screen's SPARQL constraints read (``sparql_predicates``)."""
    keep: list[str] = []
    sparql: list[str] = []
    focus: set[str] = set()
    said: dict[str, set[str]] = {}
    named: set[str] = set()
    for line in lines:
        s, p, rest = line.split(" ", 2)
        if line.startswith(_REPORT_SCOPED_NT):
            focus.add(s)
        elif p in _SUPPORT_NT:
            said.setdefault(s, set()).add(line)
        else:
            continue
        keep.append(line)
        if p in sparql_predicates:
            sparql.append(line)
        if rest.startswith("<"):
            named.add(rest[:-3])  # "<o> .\n"
    support = {n: frozenset(said.get(n, ())) for n in named.union(said) - focus}
    return _Cut("".join(keep), tuple(sorted(iri_text(f) for f in focus)), support, "".join(sparql))


def _judge(cut: _Cut, shacl: Shacl) -> ValidationReport:
    """The engine's report on a unit's report-scoped nodes."""
    if not cut.focus:
        return _report([])
    return _report(shacl._run(cut.text, None, list(cut.focus)))


def shape_paths(shapes: Graph) -> frozenset:
    """Every predicate a shape looks at (in any path), plus rdf:type for targets and sh:class."""
    preds = {RDF.type}
    for path in shapes.objects(None, SH.path):
        if isinstance(path, URIRef):
            preds.add(path)
        else:  # a sequence path: an RDF list
            for cell in shapes.transitive_objects(path, RDF.rest):
                preds.update(x for x in shapes.objects(cell, RDF.first) if isinstance(x, URIRef))
    return frozenset(preds)


def validate_shared_lines(lines: list[str], shacl: Shacl | None = None) -> ValidationReport:
    """Validate the shared nodes, given as the N-Triples lines every file said of them
    (:func:`shared_lines`), once. Predicates no shape reads are left out: a bureau's many
    edu:implements links cost time and judge nothing."""
    shacl = shacl or Shacl()
    text = "".join(judged_shared_lines(lines, shacl))
    if not text:
        return _report([])
    import pyoxigraph as ox

    # each subject once before it becomes a URIRef: a node has a dozen lines (same order: by text)
    focus = [URIRef(s) for s in sorted({t.subject.value for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)})]
    return _report(shacl.run_nt(text, focus))


def judged_shared_lines(lines: Iterable[str], shacl: Shacl | None = None) -> list[str]:
    """The shared nodes' lines a shape reads (:func:`validate_shared_lines` judges no other): a
    build keeps only these for the end, not a bureau's many edu:implements links."""
    paths = {nt_term(p) for p in shape_paths((shacl or Shacl()).shapes)}
    return [ln for ln in lines if ln.split(" ", 2)[1] in paths]


def merge_reports(violations: list[Violation], *reports: ValidationReport) -> ValidationReport:
    return _report([*violations, *(v for r in reports for v in r.violations)])


def _report(violations: list[Violation]) -> ValidationReport:
    unique = sorted(set(violations), key=lambda v: (v.focus, v.path or "", v.shape or "", v.message))
    return ValidationReport(conforms=not any(v.severity == "Violation" for v in unique),
                            violations=tuple(unique))


def validate(graph: Graph, shapes: Graph | str | Path | None = None,
             engine: str = "auto") -> ValidationReport:
    """SHACL-validate a whole graph in one engine run: ``kg validate``, and the build's repair
    after dropping what a cross-file conflict broke (a build otherwise validates per file and
    then the shared nodes: :func:`validate_unit`, :func:`validate_shared_lines`)."""
    return _report(Shacl(shapes, engine).run(list(graph)))


# --- dropping what fails --------------------------------------------------------------------------

def _remove_node(g: Graph, node, removed: set) -> None:
    """Remove ``node`` and every triple mentioning it; nodes that required it go too."""
    todo = [node]
    while todo:
        n = todo.pop()
        if n in removed:
            continue
        removed.add(n)
        for p in REQUIRED_LINKS:
            todo.extend(s for s in g.subjects(p, n) if s not in removed)
        g.remove((n, None, None))
        g.remove((None, None, n))


def _prune_implements(g: Graph) -> None:
    """``bureau edu:implements concept`` stays only while a mention still says so."""
    for b, c in list(g.subject_objects(V.implements)):
        if not any((m, V.bureau, b) in g for m in g.subjects(V.concept, c)):
            g.remove((b, V.implements, c))


def drop_invalid(graph: Graph, report: ValidationReport,
                 inplace: bool = False) -> tuple[Graph, tuple[Violation, ...]]:
    """Remove the facts behind each violation so the rest conforms.

    A failing metric or mention goes whole (with the links to it). On another node (report, bureau,
    region) a bad value removes that property; a missing required one removes the node and the facts
    that depend on it. Returns the cleaned graph and the violations acted on.
    """
    g = graph if inplace else _copy(graph)
    acted = []
    removed: set = set()
    for v in report.violations:
        if v.severity != "Violation":
            continue
        focus = URIRef(v.focus) if not v.focus.startswith("_:") else None
        if focus is None:
            continue
        acted.append(v)
        if focus in removed:
            continue
        types = set(g.objects(focus, RDF.type))
        path = _expand(v.path)
        if types & set(FACT_TYPES) or path is None:
            _remove_node(g, focus, removed)
        elif (focus, path, None) in g:
            g.remove((focus, path, None))
        else:
            _remove_node(g, focus, removed)
    _prune_implements(g)
    return g, tuple(acted)


def _expand(short: str | None) -> URIRef | None:
    if not short:
        return None
    prefix, sep, local = short.partition(":")
    ns = dict(V.PREFIXES).get(prefix)
    if sep and ns is not None and not short.startswith(("http:", "https:")):
        return URIRef(str(ns) + local)
    return URIRef(short)


def _copy(graph: Graph) -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in graph.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    for t in graph:
        g.add(t)
    return g


# --- rendering ------------------------------------------------------------------------------------

def format_violations(report: ValidationReport, limit: int = 200) -> str:
    """Plain text for the CLI: one block per violation, grouped by severity count."""
    if report.conforms and not report.violations:
        return "conforms"
    n = len(report.violations)
    lines = [f"{n} SHACL result{'s' if n != 1 else ''} ({'conforms' if report.conforms else 'does not conform'}):"]
    for v in report.violations[:limit]:
        where = _short(v.focus)
        lines.append(f"- [{v.severity}] {where}" + (f"  {v.path}" if v.path else ""))
        lines.append(f"    {v.message}" + (f"  ({v.shape})" if v.shape else ""))
        if v.quote:
            lines.append(f"    quote: {v.quote}")
    if n > limit:
        lines.append(f"... and {n - limit} more")
    return "\n".join(lines)
