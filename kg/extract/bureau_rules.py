"""The issuing-bureau rules: ``kg/data/bureau.toml`` read, checked and compiled once.

The other bureau modules (:mod:`kg.extract.places`, :mod:`kg.extract.bureau_mentions`,
:mod:`kg.extract.bureau`) read every word list, pattern and threshold from :func:`rules`, so a
broken file fails on first use, naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError

LEVELS = ("province", "city", "county")  # highest first


@dataclass(frozen=True)
class Rules:
    suffixes: tuple[str, ...]
    default_suffix: str
    default_suffix_by_level: dict[str, str]
    default_suffix_by_place: dict[str, str]
    admin_levels: dict[str, str]
    glyphs: str
    hidden_own: re.Pattern
    hidden_school: re.Pattern
    renamed_counties: tuple[tuple[str, str], ...]
    office_infixes: tuple[str, ...]
    province_cues: dict[str, re.Pattern]
    self_refs: dict[str, tuple[str, int]]
    parent_before: tuple[str, ...]
    parent_after: tuple[str, ...]
    subdivisions: re.Pattern
    grant_before: re.Pattern
    quotes: str
    alias_followed: re.Pattern
    alias_before: tuple[str, ...]
    short_name_max: int
    common_words: frozenset[str]
    peer_before: tuple[str, ...]
    peer_after: tuple[str, ...]
    pairs: tuple[Pair, ...]
    level_only_after: tuple[str, ...]
    source_line: re.Pattern
    source_line_start: re.Pattern
    portal: re.Pattern
    tail_han_max: int
    head_window: int  # how many characters before a mention the context words can span


@dataclass(frozen=True)
class Pair:
    """A word before a bureau that makes it a peer only with one of ``after`` following it."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    window: int


def _longest_first(words: list[str]) -> tuple[str, ...]:
    if not words or not all(isinstance(w, str) and w for w in words):
        raise ValueError(f"expected a non-empty list of words, got {words!r}")
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=2)
def rules(path: str | None = None) -> Rules:
    """Read and check ``bureau.toml`` (or the file at ``path``) once."""
    raw, where = rule_file("bureau.toml", path)
    try:
        suffixes = tuple(raw["suffixes"])
        levels = dict(raw["admin_levels"])
        if not suffixes or any(v not in LEVELS for v in levels.values()):
            raise ValueError("empty suffixes or an unknown level in admin_levels")
        self_refs = {k: (v[0], int(v[1])) for k, v in raw["self"].items()}
        if any(v[0] not in LEVELS for v in self_refs.values()):
            raise ValueError("unknown level in [self]")
        if any(k not in LEVELS for k in raw["default_suffix_by_level"]):
            raise ValueError("unknown level in [default_suffix_by_level]")
        peer = raw["peer"]
        pairs = tuple(Pair(_longest_first(p["before"]), _longest_first(p["after"]), int(p["window"]))
                      for p in peer["pair"])
        parent_before = tuple(sorted(raw["parent"]["before"], key=len, reverse=True))
        peer_before = _longest_first(peer["before"])
        return Rules(
            suffixes=suffixes,
            default_suffix=raw["default_suffix"],
            default_suffix_by_level=dict(raw["default_suffix_by_level"]),
            default_suffix_by_place=dict(raw["default_suffix_by_place"]),
            admin_levels=levels,
            glyphs=raw["redaction"]["glyphs"],
            hidden_own=re.compile(raw["redaction"]["hidden_own"]),
            hidden_school=re.compile(raw["redaction"]["hidden_school"]),
            renamed_counties=tuple((str(a), str(b)) for a, b in raw["renamed_counties"]),
            office_infixes=_longest_first(raw["office_infixes"]),
            province_cues={prov: re.compile("|".join(map(re.escape, cues)))
                           for prov, cues in raw["province_cues"].items() if cues},
            self_refs=self_refs,
            parent_before=parent_before,
            parent_after=tuple(raw["parent"]["after"]),
            subdivisions=re.compile("|".join(map(re.escape, raw["parent"]["subdivisions"]))),
            grant_before=re.compile(f'(?:{"|".join(map(re.escape, raw["parent"]["grant_before"]))})(?:了)?$'),
            quotes=str(raw["parent"]["quotes"]),
            alias_followed=re.compile(raw["alias"]["followed_by"]),
            alias_before=tuple(raw["alias"]["before"]),
            short_name_max=int(raw["alias"]["short_name_max"]),
            common_words=frozenset(raw["alias"]["common_words"]),
            peer_before=peer_before,
            peer_after=tuple(peer["after"]),
            pairs=pairs,
            level_only_after=_longest_first(raw["level_only"]["after"]),
            source_line=re.compile(raw["source_line"]["pattern"]),
            source_line_start=re.compile(raw["source_line"]["line_start"]),
            portal=re.compile(raw["source_line"]["portal"]),
            tail_han_max=int(raw["compilation"]["tail_han_max"]),
            head_window=max(map(len, (*parent_before, *peer_before, *(w for p in pairs for w in p.before)))),
        )
    except (KeyError, TypeError, ValueError, IndexError, re.error) as e:
        raise DataFileError(f"bad bureau rules: {e!r}", path=where,
                            hint="fix the TOML keys described in the file's comments") from e
