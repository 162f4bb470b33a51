"""`kg suggest-concepts`: local initiatives that several bureaus run under similar names, as
candidates for a new shared concept in ontology/initiatives.ttl (a curator decides).

Two local labels are grouped when their cores (the label without quotes and programme suffixes
such as 工程/行动/活动) are similar as strings, or share a distinctive key word (the words and
thresholds: kg/data/suggest.toml). Only groups that
span at least ``min_bureaus`` different bureaus are suggested.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from kg.core.chars import QUOTE_CHARS
from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError

_QUOTES = re.compile(rf"[{re.escape(QUOTE_CHARS)}《》\s]")  # quote marks, title brackets, spaces


@dataclass(frozen=True)
class SuggestRules:
    """kg/data/suggest.toml: what a label's core drops, and when two cores are similar."""

    suffix: re.Pattern  # a run of programme words at the end of a label
    generic: frozenset[str]  # words too common to link two labels on their own
    min_ratio: float
    long_word: int
    shared_words: int


def parse_rules(data: dict, fname: str) -> SuggestRules:
    def words(table: str, key: str) -> list[str]:
        ws = data.get(table, {}).get(key)
        if not isinstance(ws, list) or not ws or not all(isinstance(w, str) and w for w in ws):
            raise DataFileError(f"[{table}] {key} must be a non-empty list of words", path=fname)
        return ws

    def count(key: str) -> int:
        n = data.get("similar", {}).get(key)
        if type(n) is not int or n < 1:
            raise DataFileError(f"[similar] {key} must be a positive whole number", path=fname)
        return n

    ratio = data.get("similar", {}).get("min_ratio")
    if type(ratio) not in (int, float) or not 0 < ratio <= 1:
        raise DataFileError("[similar] min_ratio must be a number above 0 and at most 1", path=fname)
    suffix = re.compile("(" + "|".join(map(re.escape, words("core", "suffixes"))) + ")+$")
    return SuggestRules(suffix, frozenset(words("similar", "generic")), ratio,
                        count("long_word"), count("shared_words"))


@lru_cache(maxsize=1)
def load_rules() -> SuggestRules:
    return parse_rules(*rule_file("suggest.toml"))


@dataclass(frozen=True)
class Suggestion:
    label: str  # the most frequent member label
    bureaus: tuple[str, ...]
    members: tuple[str, ...]  # the local labels grouped


def core(label: str) -> str:
    bare = _QUOTES.sub("", label)
    return load_rules().suffix.sub("", bare) or bare


def _key_words(text: str) -> set[str]:
    import jieba

    from kg.extract.nlp import add_words  # noqa: F401  (kg.extract.nlp quiets jieba's start-up log)

    generic = load_rules().generic
    return {w for w in jieba.lcut(text) if len(w) >= 2 and w not in generic}


def _similar(a: str, b: str, ka: set[str], kb: set[str]) -> bool:
    """Close as strings, or sharing one long distinctive word or a few shorter ones."""
    rules = load_rules()
    shared = ka & kb
    return (SequenceMatcher(None, a, b).ratio() >= rules.min_ratio
            or any(len(w) >= rules.long_word for w in shared) or len(shared) >= rules.shared_words)


def suggest_concepts(facts: dict, min_bureaus: int = 2) -> list[Suggestion]:
    """Groups of local initiatives shared by ``min_bureaus`` or more bureaus, most shared first."""
    owners: dict[str, set[str]] = {}
    for i, r in enumerate(facts.get("reports", [])):
        bureau = r.get("bureau") or f"{r.get('source')}#{i}"
        for ini in r.get("initiatives", []):
            if ini.get("scope") == "local" and ini.get("label"):
                owners.setdefault(ini["label"], set()).add(bureau)
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
