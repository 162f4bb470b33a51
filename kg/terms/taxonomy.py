"""Load and check the shared initiative taxonomy (``ontology/initiatives.ttl``, SKOS) into an index.

rdflib only: the graph stage imports this module and must never pull in spaCy. The index maps
*normalised* surface forms (simplified script, no quotes or spaces, NFKC) to concept ids, plus
suffix-stripped variants (县管校聘工作 → 县管校聘) where that is unambiguous, plus synonym keys
(``kg/data/synonyms.toml``: 变革 → 改革, 平衡 → 均衡) so re-worded copies still find their concept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.core.chars import QUOTE_CHARS, SPACE_RUN, to_simplified
from kg.core.config import ontology_dir
from kg.core.datafiles import positive_int, rule_file, word_list
from kg.core.errors import DataFileError
from kg.core.patterns import alternation
from kg.terms.triples import TripleIndex, file_version, read_ontology_turtle
from kg.terms.vocab import CONCEPT, EDU, SCHEME

DEFAULT_FILE = "initiatives.ttl"

_QUOTES = re.compile(f"[{re.escape(QUOTE_CHARS)}]")


@lru_cache(maxsize=65536)
def normalize(surface: str) -> str:
    """Comparison form of a label: NFKC, simplified script, quotes and spaces dropped.
    Memoised: extraction normalises the same candidate names over and over."""
    text = unicodedata.normalize("NFKC", surface or "")
    text = _QUOTES.sub("", SPACE_RUN.sub("", text))
    return to_simplified(text)


@dataclass(frozen=True)
class Synonyms:
    """The rules of kg/data/synonyms.toml: variant word → canonical word with one regex over all
    variants, and what stripping a name may drop."""
    canonical: dict[str, str]
    pattern: re.Pattern
    institution_end: re.Pattern  # a stripped label ending so names an institution (see build_taxonomy)
    suffixes: tuple[str, ...]  # filler words dropped from a name's end, tried in this order
    min_stripped: int  # a stripped form shorter than this is too ambiguous to index
    fillers: re.Pattern  # intensifiers inside a name (专项, 全面 …), dropped when comparing

    def key(self, text: str) -> str:
        """``text`` with each variant replaced by its canonical word; same length, same offsets."""
        return self.substitutions(text)[0]

    def substitutions(self, text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
        """The key of ``text`` and the (start, end) of every variant replaced in it.

        A swap that writes a new variant across its edge (展开开 → 开展开) is undone, so a key is
        its own key: text and taxonomy labels keyed once compare as keyed twice would.
        """
        if not self.pattern.search(text):
            return text, ()  # the common case, one C call
        spans = [m.span() for m in self.pattern.finditer(text)]
        while True:
            parts, pos = [], 0
            for a, b in spans:
                parts += (text[pos:a], self.canonical[text[a:b]])
                pos = b
            parts.append(text[pos:])
            key = "".join(parts)
            new = [m.span() for m in self.pattern.finditer(key)]
            undo = {sp for sp in spans if any(sp[0] < e and s < sp[1] for s, e in new)}
            if not undo:  # every variant in a key overlaps a swap (finditer takes each leftmost)
                return key, tuple(spans)
            spans = [sp for sp in spans if sp not in undo]


def parse_synonyms(data: dict, fname: str) -> Synonyms:
    """Check the ``[synonyms]`` groups (see the rules atop synonyms.toml)."""
    groups = data.get("synonyms")
    if not isinstance(groups, dict):
        raise DataFileError("a [synonyms] table is required", path=fname)
    canonical: dict[str, str] = {}
    seen: set[str] = set()
    for canon, variants in groups.items():
        word_list(fname, f"synonyms.{canon}", variants)  # checked as written: a padded word is refused below
        for w in (canon, *variants):
            if len(w) < 2 or w != w.strip():
                raise DataFileError(f"synonyms {canon!r}: {w!r} must be a word of two or more characters",
                                    path=fname, hint="single characters are too ambiguous to swap")
            if w in seen:
                raise DataFileError(f"synonyms {canon!r}: {w!r} is in two groups", path=fname)
            seen.add(w)
        for v in variants:
            if len(v) != len(canon):
                raise DataFileError(f"synonyms {canon!r}: {v!r} differs in length from its canonical word",
                                    path=fname, hint="the comparison key must keep every offset")
            canonical[v] = canon
    stripping = data.get("stripping", {})
    ends, suffixes, fillers = (word_list(fname, f"stripping.{key}", stripping.get(key))
                               for key in ("institution_endings", "suffixes", "fillers"))
    least = positive_int(fname, "stripping.min_stripped", stripping.get("min_stripped"))
    return Synonyms(canonical, re.compile(alternation(canonical)), re.compile(alternation(ends) + "$"),
                    tuple(suffixes), least, re.compile(alternation(fillers)))


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    """``synonyms.toml``, read and checked once."""
    return parse_synonyms(*rule_file("synonyms.toml"))


def strip_suffixes(form: str) -> str:
    """Drop trailing filler words (…的工作, …建设) repeatedly; keeps at least ``min_stripped``
    characters (both from synonyms.toml [stripping])."""
    rules = synonyms()
    changed = True
    while changed:
        changed = False
        for suf in rules.suffixes:
            if form.endswith(suf) and len(form) - len(suf) >= rules.min_stripped:
                form = form[: -len(suf)]
                changed = True
                break
    return form


@dataclass(frozen=True)
class Theme:
    id: str
    pref_label: str
    en_label: str | None = None
    definition: str | None = None


@dataclass(frozen=True)
class Concept:
    id: str
    pref_label: str
    en_label: str | None
    alt_labels: tuple[str, ...]
    theme: str
    definition: str | None = None
    # What the graph copies of the concept (kg.rdf.graph): its first direct skos:broader (the
    # theme, or a parent concept that leads to it; None: the theme), and whether the file puts it
    # in the scheme (a concept outside it stays outside, so validation reports its mentions).
    broader: str | None = None
    in_scheme: bool = True

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.pref_label, *self.alt_labels)


@dataclass(frozen=True)
class Taxonomy:
    concepts: dict[str, Concept]
    themes: dict[str, Theme]
    path: str = ""
    # normalised surface → concept id (exact labels), and suffix-stripped variants
    _exact: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _stripped: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # synonym keys (kg/data/synonyms.toml) of the exact and stripped forms, where unambiguous
    _keyed: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def lookup(self, surface: str) -> Concept | None:
        """The concept a surface form names, tolerant of script, quotes, filler suffixes and
        synonym swaps (县管校聘变革 = 县管校聘改革)."""
        form = normalize(surface)
        if not form:
            return None
        rules = synonyms()
        forms = dict.fromkeys((form, rules.fillers.sub("", form)))
        for f in forms:
            cid = self._exact.get(f) or self._stripped.get(strip_suffixes(f))
            if cid:
                return self.concepts[cid]
        if self._keyed:
            for f in forms:
                k = rules.key(f)
                cid = self._keyed.get(k) or self._keyed.get(strip_suffixes(k))
                if cid:
                    return self.concepts[cid]
        return None

    def labels(self) -> dict[str, str]:
        """Every normalised label and alias → concept id (what the matcher scans for)."""
        return dict(self._exact)

    def variants(self) -> dict[str, str]:
        """Suffix-stripped label forms → concept id (only those no other concept claims)."""
        return dict(self._stripped)


def default_path() -> Path:
    return ontology_dir() / DEFAULT_FILE


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load (once per path and modification time) and check the taxonomy file."""
    return _load(*file_version(Path(path) if path is not None else default_path(), "taxonomy file"))


@lru_cache(maxsize=8)
def _load(path: str, _mtime: int) -> Taxonomy:
    return build_taxonomy(read_ontology_turtle(path, "taxonomy"), path)


def _local_id(node: URIRef, path: str) -> str:
    s = str(node)
    if not s.startswith(str(CONCEPT)):
        raise DataFileError(f"concept {s} is outside the namespace {CONCEPT}", path=path,
                            hint="use the ini: prefix for every taxonomy concept")
    return s[len(str(CONCEPT)):]


def labels_of(g: Graph | TripleIndex, node, pred, lang: str) -> list[str]:
    out = []
    for o in g.objects(node, pred):
        if isinstance(o, Literal) and (o.language or "").lower().startswith(lang):
            out.append(str(o).strip())
    return sorted(out)


def label_of(g: Graph | TripleIndex, node, pred, lang: str) -> str | None:
    vals = labels_of(g, node, pred, lang)
    return vals[0] if vals else None


def build_taxonomy(g: Graph | TripleIndex, path: str = "<graph>") -> Taxonomy:
    """Check the SKOS graph and index it. Every violation names the file, the concept and the problem."""
    theme_nodes = set(g.subjects(RDF.type, EDU.Theme)) | set(g.subjects(SKOS.topConceptOf, None))
    themes: dict[str, Theme] = {}
    for node in sorted(theme_nodes, key=str):
        tid = _local_id(node, path)
        pref = label_of(g, node, SKOS.prefLabel, "zh")
        if not pref:
            raise DataFileError(f"theme {tid} has no Chinese skos:prefLabel", path=path)
        themes[tid] = Theme(tid, pref, label_of(g, node, SKOS.prefLabel, "en"), label_of(g, node, SKOS.definition, "zh"))

    concept_nodes = sorted(set(g.subjects(RDF.type, SKOS.Concept)) - theme_nodes, key=str)
    concepts: dict[str, Concept] = {}
    for node in concept_nodes:
        cid = _local_id(node, path)
        zh = labels_of(g, node, SKOS.prefLabel, "zh")
        if len(zh) != 1:
            raise DataFileError(f"concept {cid} has {len(zh)} Chinese skos:prefLabel (need exactly 1)", path=path)
        broader = [b for b in g.objects(node, SKOS.broader)]
        in_themes = set()
        for b in broader:
            if b in theme_nodes:
                in_themes.add(_local_id(b, path))
            elif (b, RDF.type, SKOS.Concept) not in g:
                raise DataFileError(f"concept {cid}: skos:broader {b} does not exist", path=path,
                                    hint="declare the theme (a skos:Concept, edu:Theme) or fix the id")
        # a sub-concept inherits its parent's theme
        for b in broader:
            if b not in theme_nodes:
                in_themes |= {_local_id(t, path) for t in g.objects(b, SKOS.broader) if t in theme_nodes}
        if len(in_themes) != 1:
            raise DataFileError(
                f"concept {cid} is in {len(in_themes)} themes {sorted(in_themes)} (need exactly 1)",
                path=path, hint="give it one skos:broader pointing at an edu:Theme")
        alts = tuple(a for a in labels_of(g, node, SKOS.altLabel, "zh") if a != zh[0])
        concepts[cid] = Concept(cid, zh[0], label_of(g, node, SKOS.prefLabel, "en"), alts,
                                in_themes.pop(), label_of(g, node, SKOS.definition, "zh"),
                                broader=_local_id(min(broader, key=str), path),
                                in_scheme=(node, SKOS.inScheme, SCHEME) in g)

    exact: dict[str, str] = {}
    pref_owner: dict[str, str] = {}
    for cid, c in concepts.items():
        p = normalize(c.pref_label)
        if p in pref_owner:
            raise DataFileError(f"concept {cid}: prefLabel {c.pref_label!r} is also the prefLabel of "
                                f"{pref_owner[p]}", path=path, hint="prefLabels must be unique")
        pref_owner[p] = cid
    for cid, c in concepts.items():
        for label in c.surfaces:
            form = normalize(label)
            if not form:
                raise DataFileError(f"concept {cid} has an empty label", path=path)
            owner = exact.get(form)
            if owner and owner != cid:
                raise DataFileError(f"concept {cid}: label {label!r} is already claimed by {owner}",
                                    path=path, hint="an alias may belong to one concept only")
            exact[form] = cid

    stripped: dict[str, str] = {}
    clash: set[str] = set()
    institution = synonyms().institution_end
    for form, cid in exact.items():
        s = strip_suffixes(form)
        if s != form and institution.search(s):
            continue  # 特殊教育学校建设 is a programme, 特殊教育学校 an institution
        if s in exact and exact[s] != cid:
            continue  # the bare form is another concept's label: not ours to claim
        if stripped.get(s, cid) != cid:
            clash.add(s)
        stripped[s] = cid
    for s in clash:
        del stripped[s]
    return Taxonomy(concepts=concepts, themes=themes, path=path, _exact=exact, _stripped=stripped,
                    _keyed=keyed_forms({**stripped, **exact}))


def keyed_forms(forms: dict[str, str], rules: Synonyms | None = None) -> dict[str, str]:
    """Synonym key → concept id of ``forms`` (form → concept id); a key two concepts share is
    left out (their labels differ only by synonyms, so only the exact wording can tell them)."""
    key = (rules or synonyms()).key
    out: dict[str, str] = {}
    clash: set[str] = set()
    for form, cid in forms.items():
        k = key(form)
        if out.setdefault(k, cid) != cid:
            clash.add(k)
    for k in clash:
        del out[k]
    return out
