"""`kg suggest-concepts`: local initiatives that several bureaus run under similar names, as
candidates for a new shared concept in ontology/initiatives.ttl (a curator decides); with
``--indicators``, the indicators several bureaus report that no concept of ontology/indicators.ttl
names yet, grouped per base unit, as candidates for a new indicator or altLabel.

Two local labels are grouped when their cores (the label without quotes and programme suffixes
such as 工程/行动/活动) are similar as strings, or share a distinctive key word (the words and
thresholds: kg/data/suggest.toml). Only groups that
span at least ``min_bureaus`` different bureaus are suggested.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from kg.core.chars import QUOTE_CHARS
from kg.core.datafiles import positive_int, rule_file, share, word_list
from kg.core.patterns import alternation

_QUOTES = re.compile(rf"[{re.escape(QUOTE_CHARS)}《》\s]")  # quote marks, title brackets, spaces


@dataclass(frozen=True)
class SuggestRules:
    """kg/data/suggest.toml: what a label's core drops, and when two cores are similar."""

    suffix: re.Pattern  # a run of programme words at the end of a label
    generic: frozenset[str]  # words too common to link two labels on their own
    min_ratio: float
    long_word: int
    shared_words: int


@lru_cache(maxsize=1)
def suggest_rules() -> SuggestRules:
    """``suggest.toml``, read and checked once."""
    return parse_suggest_rules(*rule_file("suggest.toml"))


def parse_suggest_rules(data: dict, fname: str) -> SuggestRules:
    """Check a parsed ``suggest.toml``."""
    suffixes, similar = data.get("core", {}).get("suffixes"), data.get("similar", {})
    suffix = re.compile(alternation(word_list(fname, "core.suffixes", suffixes)) + "+$")  # trailing suffixes, all
    return SuggestRules(suffix, frozenset(word_list(fname, "similar.generic", similar.get("generic"))),
                        share(fname, "similar.min_ratio", similar.get("min_ratio")),
                        positive_int(fname, "similar.long_word", similar.get("long_word")),
                        positive_int(fname, "similar.shared_words", similar.get("shared_words")))


@dataclass(frozen=True)
class Suggestion:
    label: str  # the most frequent member label
    bureaus: tuple[str, ...]
    members: tuple[str, ...]  # the local labels (or indicator wordings) grouped
    unit: str | None = None  # the base unit of an indicator group


def core(label: str) -> str:
    bare = _QUOTES.sub("", label)
    return suggest_rules().suffix.sub("", bare) or bare


def _key_words(text: str) -> set[str]:
    from kg.extract.nlp import words  # here: the other commands need not load extraction

    generic = suggest_rules().generic
    return {w for w in words(text) if len(w) >= 2 and w not in generic}


def _similar(a: str, b: str, ka: set[str], kb: set[str]) -> bool:
    """Close as strings, or sharing one long distinctive word or a few shorter ones."""
    rules = suggest_rules()
    shared = ka & kb
    return (SequenceMatcher(None, a, b).ratio() >= rules.min_ratio
            or any(len(w) >= rules.long_word for w in shared) or len(shared) >= rules.shared_words)


def _bureau(r: dict, i: int) -> str:
    return r.get("bureau") or f"{r.get('source')}#{i}"


def suggest_concepts(facts: dict, min_bureaus: int = 2) -> list[Suggestion]:
    """Groups of local initiatives shared by ``min_bureaus`` or more bureaus, most shared first."""
    owners: dict[str, set[str]] = {}
    for i, r in enumerate(facts.get("reports", [])):
        for ini in r.get("initiatives", []):
            if ini.get("scope") == "local" and ini.get("label"):
                owners.setdefault(ini["label"], set()).add(_bureau(r, i))
    return _groups(owners, min_bureaus)


def suggest_indicators(facts: dict, min_bureaus: int = 2) -> list[Suggestion]:
    """Indicator wordings no shared indicator names (non-redacted metrics without
    ``indicator_concept``), grouped per base unit, reported by ``min_bureaus`` or more bureaus."""
    by_unit: dict[str, dict[str, set[str]]] = {}
    for i, r in enumerate(facts.get("reports", [])):
        for m in r.get("metrics", []):
            if m.get("indicator") and m.get("base_unit") and not m.get("indicator_concept"):
                by_unit.setdefault(m["base_unit"], {}).setdefault(m["indicator"], set()).add(_bureau(r, i))
    found = [replace(s, unit=unit) for unit, owners in sorted(by_unit.items())
             for s in _groups(owners, min_bureaus)]
    return sorted(found, key=lambda s: (-len(s.bureaus), s.label, s.unit or ""))


def _groups(owners: dict[str, set[str]], min_bureaus: int) -> list[Suggestion]:
    """Similar labels joined (union-find), kept when they span ``min_bureaus`` bureaus."""
    labels = sorted(owners)
    cores = {lb: core(lb) for lb in labels}
    keys = {lb: _key_words(cores[lb]) for lb in labels}
    parent = {lb: lb for lb in labels}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if _similar(cores[a], cores[b], keys[a], keys[b]):
                parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for lb in labels:
        groups.setdefault(find(lb), []).append(lb)
    out = []
    for members in groups.values():
        bureaus = sorted(set().union(*(owners[m] for m in members)))
        if len(bureaus) < min_bureaus:
            continue
        counts = Counter({m: len(owners[m]) for m in members})
        label = min(counts, key=lambda m: (-counts[m], len(m), m))
        out.append(Suggestion(label, tuple(bureaus), tuple(sorted(members))))
    return sorted(out, key=lambda s: (-len(s.bureaus), s.label))
