"""The issuing-bureau rules: ``kg/data/bureau.toml`` read, checked and compiled once.

The other bureau modules (:mod:`kg.extract.places`, :mod:`kg.extract.bureau_mentions`,
:mod:`kg.extract.bureau`) read every word list, pattern and threshold from :func:`bureau_rules`, so a
broken file fails on first use, naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.core.datafiles import (
    compile_pattern,
    positive_int,
    rule_file,
    text,
    whole_number,
    word_list,
)
from kg.core.errors import DataFileError
from kg.core.patterns import alternation, longest_first

LEVELS = ("province", "city", "county")  # highest first


@dataclass(frozen=True)
class Weights:
    """How mentions score as the issuer (bureau.toml [weights])."""

    strong: int  # a bureau on the title or a 来源 line
    body: int  # a bureau elsewhere
    own_level: int  # a bureau at the level the text speaks from (once)
    full_name: int  # a place named in full
    alias: int  # a place named by an alias
    county_to_city: int  # a county gives its city its score divided by this


@dataclass(frozen=True)
class Pair:
    """A word before a bureau that makes it a peer only with one of ``after`` following it."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    window: int


@dataclass(frozen=True)
class Rules:
    """``bureau.toml``, checked: word lists sorted as the matching needs, patterns compiled."""

    suffixes: tuple[str, ...]
    default_suffix: str
    default_suffix_by_level: dict[str, str]
    default_suffix_by_place: dict[str, str]
    county_suffix_by_province: dict[str, str]
    admin_levels: dict[str, str]
    glyphs: str
    blanks: str  # a run of two or more hides a place too
    hidden_own: re.Pattern
    hidden_school: re.Pattern
    redacted_max: int  # characters of a redacted place written before a bureau
    renamed_counties: tuple[tuple[str, str], ...]
    office_infixes: tuple[str, ...]
    province_cues: dict[str, re.Pattern]
    self_refs: dict[str, tuple[str, int]]
    parent_before: tuple[str, ...]
    parent_after: tuple[str, ...]
    venue_after: tuple[str, ...]
    subdivisions: re.Pattern
    grant_before: re.Pattern
    grant_window: int
    governing: re.Pattern  # after a bare place: it is a governing body (x市政府)
    government: re.Pattern  # after a place: its own party committee or government (县委)
    quotes: str
    alias_followed: re.Pattern
    alias_before: tuple[str, ...]
    alias_window: int
    short_name_max: int
    short_name_followed: re.Pattern
    common_words: frozenset[str]
    peer_before: tuple[str, ...]
    peer_after: tuple[str, ...]
    pairs: tuple[Pair, ...]
    level_only_after: tuple[str, ...]
    source_line: re.Pattern
    source_line_start: re.Pattern
    portal: re.Pattern
    tail_han_max: int
    signature_max: int
    min_children: int
    weights: Weights
    autonomous_kinds: tuple[str, ...]
    alias_min_len: int
    renamed_min_len: int
    government_cues: re.Pattern  # the government acting: it issued a text naming no bureau
    education_words: re.Pattern  # any bureau suffix or a word of its own bureau (我局)
    government_suffix: str
    government_title: re.Pattern  # a title opening with a government as its author; group 1 its place
    national_speaking: re.Pattern  # group 1: a national body the text names as the one speaking
    head_window: int  # how many characters before a mention the context words can span
    outlet: re.Pattern  # group 1: the place a news outlet is named after (砀山新闻网讯)
    department: re.Pattern  # a government department other than education (统计局, 发改委)
    sentence_ends: str  # after one of these a department opens a sentence: its subject


@lru_cache(maxsize=2)
def bureau_rules(path: str | None = None) -> Rules:
    """``bureau.toml`` (or the file at ``path``), read and checked once."""
    return parse_bureau_rules(*rule_file("bureau.toml", path))


def parse_bureau_rules(raw: dict, where: str) -> Rules:
    """Check a parsed ``bureau.toml``; a bad or missing key raises DataFileError naming it."""

    def words(section: dict, key: str, name: str) -> tuple[str, ...]:
        return word_list(where, name, section[key])

    def longest(section: dict, key: str, name: str) -> tuple[str, ...]:
        return longest_first(words(section, key, name))

    def any_of(section: dict, key: str, name: str) -> re.Pattern:  # for a yes/no match
        return re.compile(alternation(words(section, key, name)))

    try:
        suffixes = words(raw, "suffixes", "suffixes")
        levels = dict(raw["admin_levels"])
        if any(v not in LEVELS for v in levels.values()):
            raise ValueError("unknown level in admin_levels")
        self_refs = {k: (v[0], positive_int(where, f"self.{k}[1]", v[1])) for k, v in raw["self"].items()}
        if any(v[0] not in LEVELS for v in self_refs.values()):
            raise ValueError("unknown level in [self]")
        if any(k not in LEVELS for k in raw["default_suffix_by_level"]):
            raise ValueError("unknown level in [default_suffix_by_level]")
        parent, peer, alias, red, gz = raw["parent"], raw["peer"], raw["alias"], raw["redaction"], raw["gazetteer"]
        gov = raw["government_issuer"]
        pairs = tuple(Pair(longest(p, "before", "peer.pair.before"), longest(p, "after", "peer.pair.after"),
                           positive_int(where, "peer.pair.window", p["window"]))
                      for p in peer["pair"])
        parent_before = longest(parent, "before", "parent.before")
        peer_before = longest(peer, "before", "peer.before")
        wt = raw["weights"]
        return Rules(
            suffixes=suffixes,
            default_suffix=text(where, "default_suffix", raw["default_suffix"]),
            default_suffix_by_level=dict(raw["default_suffix_by_level"]),
            default_suffix_by_place=dict(raw["default_suffix_by_place"]),
            county_suffix_by_province=dict(raw["county_suffix_by_province"]),
            admin_levels=levels,
            glyphs=text(where, "redaction.glyphs", red["glyphs"]),
            blanks=text(where, "redaction.blanks", red["blanks"]),
            hidden_own=compile_pattern(where, "redaction.hidden_own", red["hidden_own"]),
            hidden_school=compile_pattern(where, "redaction.hidden_school", red["hidden_school"]),
            redacted_max=positive_int(where, "redaction.place_max_len", red["place_max_len"]),
            renamed_counties=tuple((str(a), str(b)) for a, b in raw["renamed_counties"]),
            office_infixes=longest(raw, "office_infixes", "office_infixes"),
            province_cues={prov: re.compile(alternation(word_list(where, f"province_cues.{prov}", cues)))
                           for prov, cues in raw["province_cues"].items() if cues},
            self_refs=self_refs,
            parent_before=parent_before,
            parent_after=words(parent, "after", "parent.after"),
            venue_after=words(parent, "venue_after", "parent.venue_after"),
            subdivisions=any_of(parent, "subdivisions", "parent.subdivisions"),
            grant_before=re.compile(alternation(words(parent, "grant_before", "parent.grant_before")) + "(?:了)?$"),
            grant_window=positive_int(where, "parent.grant_window", parent["grant_window"]),
            governing=any_of(parent, "governing", "parent.governing"),
            government=any_of(parent, "government", "parent.government"),
            quotes=text(where, "parent.quotes", parent["quotes"]),
            alias_followed=compile_pattern(where, "alias.followed_by", alias["followed_by"]),
            alias_before=words(alias, "before", "alias.before"),
            alias_window=positive_int(where, "alias.window", alias["window"]),
            short_name_max=whole_number(where, "alias.short_name_max", alias["short_name_max"]),
            short_name_followed=compile_pattern(where, "alias.short_name_followed_by", alias["short_name_followed_by"]),
            common_words=frozenset(words(alias, "common_words", "alias.common_words")),
            peer_before=peer_before,
            peer_after=words(peer, "after", "peer.after"),
            pairs=pairs,
            level_only_after=longest(raw["level_only"], "after", "level_only.after"),
            source_line=compile_pattern(where, "source_line.pattern", raw["source_line"]["pattern"]),
            source_line_start=compile_pattern(where, "source_line.line_start", raw["source_line"]["line_start"]),
            portal=compile_pattern(where, "source_line.portal", raw["source_line"]["portal"]),
            tail_han_max=whole_number(where, "compilation.tail_han_max", raw["compilation"]["tail_han_max"]),
            signature_max=positive_int(where, "signature.max_len", raw["signature"]["max_len"]),
            min_children=positive_int(where, "region.min_children", raw["region"]["min_children"]),
            weights=Weights(*(positive_int(where, f"weights.{k}", wt[k])
                              for k in ("strong", "body", "own_level", "full_name", "alias", "county_to_city"))),
            autonomous_kinds=words(gz, "autonomous_kinds", "gazetteer.autonomous_kinds"),
            alias_min_len=positive_int(where, "gazetteer.alias_min_len", gz["alias_min_len"]),
            renamed_min_len=positive_int(where, "gazetteer.renamed_min_len", gz["renamed_min_len"]),
            government_cues=re.compile(
                alternation(words(gov, "cues", "government_issuer.cues"))
                + "|" + compile_pattern(where, "government_issuer.head", gov["head"]).pattern
                + f"(?!{alternation(words(gov, 'head_not_before', 'government_issuer.head_not_before'))})",
                re.MULTILINE),
            education_words=re.compile(alternation(
                suffixes + words(gov, "bureau_words", "government_issuer.bureau_words"))),
            government_suffix=text(where, "government_issuer.suffix", gov["suffix"]),
            government_title=compile_pattern(where, "government_issuer.title_author", gov["title_author"]),
            national_speaking=re.compile(
                f"({alternation(words(raw['national_issuer'], 'bodies', 'national_issuer.bodies'))})"
                + compile_pattern(where, "national_issuer.speaking", raw["national_issuer"]["speaking"]).pattern),
            outlet=compile_pattern(where, "placeless.outlet", raw["placeless"]["outlet"]),
            department=re.compile(alternation(words(raw["department"], "kinds", "department.kinds"))),
            sentence_ends=text(where, "department.sentence_ends", raw["department"]["sentence_ends"]),
            head_window=max(map(len, (*parent_before, *peer_before, *(w for p in pairs for w in p.before)))),
        )
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise DataFileError(f"bad bureau rules: {e!r}", path=where,
                            hint="fix the TOML keys described in the file's comments") from e
