"""Small in-memory triple sets: N-Triples lines and a read index with rdflib's Graph read API.

A build handles one file's triples at a time (a few thousand), so an rdflib ``Graph`` (≈30 µs per
added triple, three indexes and context bookkeeping) costs more than the work itself. Here a triple
set is a plain list of rdflib terms, or its N-Triples lines (:func:`nt_line`; the graph builder
writes them directly with :func:`nt_iri` and :func:`nt_literal`); :class:`TripleIndex` answers the ``value`` / ``objects`` / ``subjects`` / ``in`` questions of rdflib's Graph read API
that its readers ask: the graph reader (``kg.outputs.reader``), the taxonomy and indicator loaders
(through :func:`read_turtle`) and the quotes of SHACL messages (``kg.rdf.validate``); a build's
facts fragments read a file's lines through :meth:`TripleIndex.from_lines`. Imports nothing of
ours: rdflib, and pyoxigraph to parse files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.core.errors import DataFileError

__all__ = ["OXIGRAPH_LIMIT", "Triple", "nt_iri", "iri_text", "nt_literal", "nt_term", "nt_line", "nt_lines",
           "TripleIndex", "to_graph", "read_nt", "parse_nt", "read_turtle", "unescape"]

OXIGRAPH_LIMIT = 50_000  # triples in a graph above which pyoxigraph (load, query, Turtle) beats rdflib

Triple = tuple  # (subject, predicate, object) of rdflib terms

_XSD_STRING = str(XSD.string)
_IRI_ESCAPE = {c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ '}
_IRI_ESCAPE.update({chr(i): f"\\u{i:04X}" for i in range(0x21)})
_LIT_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_IRI_TABLE = str.maketrans(_IRI_ESCAPE)
_LIT_TABLE = str.maketrans(_LIT_ESCAPE)
_iri_cache: dict[str, str] = {}


# a character that needs escaping: translate() looks every character up in a dict, which costs
# more than the search, and almost no IRI or text of ours holds one
_IRI_SPECIAL = re.compile("[" + re.escape("".join(_IRI_ESCAPE)) + "]")
_LIT_SPECIAL = re.compile("[" + re.escape("".join(_LIT_ESCAPE)) + "]")


def nt_iri(iri: str) -> str:
    """N-Triples form of an IRI given as text."""
    return "<" + (iri.translate(_IRI_TABLE) if _IRI_SPECIAL.search(iri) else iri) + ">"


def nt_literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """N-Triples form of a literal given as text: a language-tagged string, a typed value
    (``datatype``: the datatype's IRI) or a plain string."""
    body = '"' + (text.translate(_LIT_TABLE) if _LIT_SPECIAL.search(text) else text) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype is not None and datatype != _XSD_STRING:
        return body + "^^" + nt_iri(datatype)
    return body


_IRI_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def iri_text(nt: str) -> str:
    """The IRI of its N-Triples form ``<...>`` (the inverse of :func:`nt_iri`)."""
    iri = nt[1:-1]
    return _IRI_UNESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri) if "\\" in iri else iri


def nt_term(t) -> str:
    """N-Triples form of one rdflib term (IRIs cached: a build repeats a few thousand of them)."""
    if type(t) is URIRef or isinstance(t, URIRef):
        s = _iri_cache.get(t)
        if s is None:
            s = nt_iri(str(t))
            if len(_iri_cache) < 200_000:
                _iri_cache[t] = s
        return s
    if isinstance(t, Literal):
        return nt_literal(str(t), t.language, None if t.datatype is None else str(t.datatype))
    if isinstance(t, BNode):
        return f"_:{t}"
    raise TypeError(f"not an RDF term: {t!r}")


def nt_line(t: Triple) -> str:
    return f"{nt_term(t[0])} {nt_term(t[1])} {nt_term(t[2])} .\n"


def nt_lines(triples: Iterable[Triple]) -> list[str]:
    """Sorted, duplicate-free N-Triples lines: the canonical text of a triple set."""
    return sorted({nt_line(t) for t in triples})


def to_graph(triples: Iterable[Triple], graph: Graph | None = None) -> Graph:
    g = graph if graph is not None else Graph(bind_namespaces="none")
    for t in triples:
        g.add(t)
    return g


class TripleIndex:
    """A read-only set of triples with the parts of rdflib's ``Graph`` read API the build uses.

    ``value`` returns the smallest of several values (by N-Triples text), so answers never depend
    on insertion order. Triples are keyed by subject and by predicate only: hashing whole triples
    of rdflib terms costs more than the short list scans that replace it."""

    def __init__(self, triples: Iterable[Triple] = ()):
        self._sp: dict = {}
        self._po: dict = {}
        self._po_done = True  # False: _po is filled per predicate on demand (from_lines)
        self._n = 0
        for t in triples:
            self.add(t)

    @classmethod
    def from_lines(cls, lines: Iterable[str], base: TripleIndex | None = None) -> TripleIndex:
        """The index of N-Triples ``lines`` as :func:`nt_line` writes them, each a distinct
        triple, best grouped by subject (the sorted unique lines a build keeps of a file).

        Faster than ``TripleIndex(parse_nt(...))``, where a build's facts fragments spent most of
        their time: each distinct term is made once (equal terms are one object, so dictionary
        look-ups stop at identity), a subject's lines are filed together, no duplicate is looked
        for, and the by-predicate side is filled only for the predicates asked (a literal as a
        dictionary key costs a Python-level hash).

        ``base``: an index whose triples this one also holds, shared, not copied (the shared nodes
        each batch of a big graph's reports is read beside); ``base`` is left as it was."""
        index = cls()
        index._po_done = False
        sp = index._sp
        shared = base._sp if base is not None else {}
        sp.update(shared)
        terms: dict[str, object] = {}
        last_s = last_p = objs = None
        n = base._n if base is not None else 0
        for line in lines:
            s, p, o = line[:-3].split(" ", 2)  # "<s> <p> o .\n"; only the object holds spaces
            if s != last_s:
                last_s, last_p = s, None
                s = terms[s] if s in terms else terms.setdefault(s, _nt_to_term(s))
                pos = sp.get(s)
                if pos is None:
                    pos = sp[s] = {}
                elif pos is shared.get(s):  # base's: copied before it changes
                    pos = sp[s] = {k: list(v) for k, v in pos.items()}
            if p != last_p:
                last_p = p
                p = terms[p] if p in terms else terms.setdefault(p, _nt_to_term(p))
                objs = pos.get(p)
                if objs is None:
                    objs = pos[p] = []
            objs.append(terms[o] if o in terms else terms.setdefault(o, _nt_to_term(o)))
            n += 1
        index._n = n
        return index

    def _by_object(self, p) -> dict:
        """object -> subjects of predicate ``p``."""
        found = self._po.get(p)
        if found is None and not self._po_done:
            found = self._po[p] = {}
            for s, pos in self._sp.items():
                for o in pos.get(p, ()):
                    found.setdefault(o, []).append(s)
        return found or {}

    def add(self, t: Triple) -> None:
        if not self._po_done:
            raise TypeError("an index made from lines is read-only")
        s, p, o = t
        objs = self._sp.setdefault(s, {}).setdefault(p, [])
        if o in objs:
            return
        objs.append(o)
        self._po.setdefault(p, {}).setdefault(o, []).append(s)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def has_subject(self, s) -> bool:
        return s in self._sp

    def __iter__(self) -> Iterator[Triple]:
        return ((s, p, o) for s, po in self._sp.items() for p, objs in po.items() for o in objs)

    def __contains__(self, t: Triple) -> bool:
        s, p, o = t
        if s is not None and p is not None and o is not None:
            return o in (self._sp.get(s) or {}).get(p, ())
        return next(self.triples(t), None) is not None

    def triples(self, pattern: Triple) -> Iterator[Triple]:
        s, p, o = pattern
        if s is not None:
            for pp, objs in (self._sp.get(s) or {}).items():
                if p is None or pp == p:
                    yield from ((s, pp, x) for x in objs if o is None or x == o)
        elif p is not None:
            for oo, subs in self._by_object(p).items():
                if o is None or oo == o:
                    yield from ((x, p, oo) for x in subs)
        else:
            yield from (t for t in self if o is None or t[2] == o)

    def objects(self, subject=None, predicate=None) -> Iterator:
        if subject is None:
            return (t[2] for t in self.triples((None, predicate, None)))
        return iter(list((self._sp.get(subject) or {}).get(predicate, ())))

    def subjects(self, predicate=None, object=None, unique: bool = False) -> Iterator:
        if predicate is not None and object is not None:
            return iter(list(self._by_object(predicate).get(object, ())))
        found = (t[0] for t in self.triples((None, predicate, object)))
        return iter(dict.fromkeys(found)) if unique else found

    def subject_objects(self, predicate=None) -> Iterator[tuple]:
        return ((s, o) for s, _, o in self.triples((None, predicate, None)))

    def value(self, subject=None, predicate=None, object=None, default=None, any=True):
        if subject is not None and predicate is not None:
            vals = (self._sp.get(subject) or {}).get(predicate)
        elif predicate is not None and object is not None:
            vals = self._by_object(predicate).get(object)
        else:
            raise ValueError("value() needs subject and predicate, or predicate and object")
        if not vals:
            return default
        return vals[0] if len(vals) == 1 else min(vals, key=nt_term)


_LIT_UNESCAPE = re.compile(r"""\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))""")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(m: re.Match) -> str:
    return _ECHAR[m.group(3)] if m.group(3) else chr(int(m.group(1) or m.group(2), 16))


def unescape(body: str) -> str:
    """A quoted string's text (N-Triples, Turtle, SPARQL TSV) with its escapes undone."""
    return _LIT_UNESCAPE.sub(_unescape, body) if "\\" in body else body


def _string_literal(text: str, lang: str | None) -> Literal:
    """``Literal(text, lang=lang)`` without rdflib's casting, which a plain or language-tagged
    string does not need (its value is itself): 0.3 µs instead of 4. Used only while it makes
    what rdflib makes (:data:`_FAST_STRINGS`, checked at import)."""
    lit = str.__new__(Literal, text)
    lit._language, lit._datatype, lit._value, lit._ill_typed = lang, None, text, None
    return lit


def _same_literal(a: Literal, b: Literal) -> bool:
    return all(getattr(a, k, None) == getattr(b, k, None) and type(getattr(a, k, None)) is type(getattr(b, k, None))
               for k in Literal.__slots__) and str(a) == str(b) and hash(a) == hash(b)


_FAST_STRINGS = set(Literal.__slots__) == {"_language", "_datatype", "_value", "_ill_typed"} and all(
    _same_literal(_string_literal(t, lang), Literal(t, lang=lang))
    for t in ("", "课后服务", 'a "b"\n', "98%") for lang in (None, "zh", "en"))

# IRIs and typed literals repeat from file to file (vocabulary, concepts, years, offsets): made
# once per process, up to a bound
_TERMS: dict[str, object] = {}
_TERMS_MAX = 200_000


def _nt_to_term(text: str):
    """The rdflib term of one N-Triples term: what :func:`_from_ox` makes of pyoxigraph's."""
    if text.startswith('"') and not text.endswith(">"):  # a plain or language-tagged string
        end = text.rindex('"')
        body, lang = text[1:end], text[end + 2:] or None
        if "\\" in body:  # inline, not unescape(): this runs once per literal of a graph read
            body = _LIT_UNESCAPE.sub(_unescape, body)
        return _string_literal(body, lang) if _FAST_STRINGS else Literal(body, lang=lang)
    term = _TERMS.get(text)
    if term is None:
        if len(_TERMS) >= _TERMS_MAX:
            _TERMS.clear()
        term = _TERMS[text] = _make_term(text)
    return term


def _make_term(text: str):
    if text.startswith("<"):
        return URIRef(iri_text(text))
    if text.startswith("_:"):
        return BNode(text[2:])
    end = text.rindex('"')
    body, datatype = unescape(text[1:end]), iri_text(text[end + 3:])
    return Literal(body) if datatype == _XSD_STRING else Literal(body, datatype=URIRef(datatype))


def _from_ox(t, cache: dict):
    import pyoxigraph as ox

    r = cache.get(t)
    if r is not None:
        return r
    if isinstance(t, ox.NamedNode):
        r = URIRef(t.value)
    elif isinstance(t, ox.BlankNode):
        r = BNode(t.value)
    elif t.language:
        r = Literal(t.value, lang=t.language)
    elif t.datatype.value == _XSD_STRING:
        r = Literal(t.value)
    else:
        r = Literal(t.value, datatype=URIRef(t.datatype.value))
    if len(cache) < 500_000:
        cache[t] = r
    return r


def _parse(path: str | None, fmt: str, text: str | None = None) -> Iterator[Triple]:
    """rdflib-term triples of an RDF file, or of ``text`` (``fmt``: a pyoxigraph RdfFormat
    name), parsed by pyoxigraph (≈15× rdflib's parser); each distinct term is converted once."""
    import pyoxigraph as ox

    cache: dict = {}
    for t in ox.parse(text, path=path, format=getattr(ox.RdfFormat, fmt)):
        yield (_from_ox(t.subject, cache), _from_ox(t.predicate, cache), _from_ox(t.object, cache))


def read_nt(path) -> Iterator[Triple]:
    """rdflib-term triples of an N-Triples file."""
    return _parse(str(path), "N_TRIPLES")


def parse_nt(text: str) -> Iterator[Triple]:
    """rdflib-term triples of N-Triples text."""
    return _parse(None, "N_TRIPLES", text)


def read_turtle(path) -> TripleIndex:
    """The triples of a Turtle file, parsed by pyoxigraph, in a TripleIndex (read-only: it is
    shared). The taxonomy is read in every process and worker by extraction (the matcher) and by
    graph building (the concept lookup); rdflib's parser and Graph took 0.23 s each time for its
    3.5k triples, this takes 0.03 s, once per file and modification time. Raises SyntaxError
    (naming the line) on bad Turtle and OSError on a file that cannot be read."""
    p = Path(path)
    return _read_turtle(str(p), p.stat().st_mtime_ns)


def file_version(path: Path, what: str) -> tuple[str, int]:
    """(path, modification time) of an ontology file, the key its loaders cache the built model
    by; a missing file raises DataFileError saying where the ontology folder is looked for."""
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError as e:
        raise DataFileError(f"{what} not found: {e}", path=str(path),
                            hint=f"restore {path.name} or point $KG_ONTOLOGY_DIR at the folder that holds it") from e


def read_ontology_turtle(path: str, what: str) -> TripleIndex:
    """:func:`read_turtle` for an ontology file, its errors as DataFileError naming the file."""
    try:
        return read_turtle(path)
    except SyntaxError as e:
        raise DataFileError(f"cannot parse the {what}: {e}", path=path,
                            hint="fix the Turtle at the line and column named") from e
    except OSError as e:
        raise DataFileError(f"cannot read the {what}: {e}", path=path) from e


@lru_cache(maxsize=8)
def _read_turtle(path: str, _mtime: int) -> TripleIndex:
    return TripleIndex(_parse(path, "TURTLE"))
