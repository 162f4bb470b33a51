"""The issuing bureau of a report: name, region (province → city → county with GB/T 2260 codes), level.

Order of evidence, strongest first:
1. a bureau written with its place (城东区教育局, X区教育和体育局): the title's or a 来源:/发布单位:
   line's wins over any number of body mentions. Bodies named in passing are skipped: a superior
   (在某某市教育局的指导下, 转发/根据某市教育局《…》, 迎接…检查, 受到…表彰), a peer (赴某区教育局考察,
   某县教育局一行, 与某市教育局签订…协议, 对口帮扶), and, unless in the title, a bureau above the
   level the text speaks from (湖州市教育局 in a report that says 我县);
2. a redacted place of the issuer's own level (xx区 when the text says 全区/我局) + the title's suffix;
   with no 我县/全市, a bureau named by level alone (市教育局) gives the level;
3. gazetteer places the report names (德清县, 走进德清, 德清三中) at the level the text implies
   (我县/全县 → county), named ``<full name>教育局``.
Only the report's own title and text are read (and the file name when the report is alone in its
file), so a compilation's reports never borrow each other's bureau. Redacted places never resolve
to a region. Rule data: ``kg/data/bureau.toml``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kg.core.chars import HAN_CHAR, SPACE_RUN, to_simplified
from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError
from kg.core.records import Bureau, Level, Region, Report
from kg.terms.taxonomy import longest_pattern

_LEVELS = ("province", "city", "county")


# --------------------------------------------------------------------------- rule data


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
        if not suffixes or any(v not in _LEVELS for v in levels.values()):
            raise ValueError("empty suffixes or an unknown level in admin_levels")
        self_refs = {k: (v[0], int(v[1])) for k, v in raw["self"].items()}
        if any(v[0] not in _LEVELS for v in self_refs.values()):
            raise ValueError("unknown level in [self]")
        if any(k not in _LEVELS for k in raw["default_suffix_by_level"]):
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


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Place:
    """One administrative unit: its path and codes."""

    name: str  # full name
    level: Level
    region: Region


@dataclass(frozen=True)
class Gazetteer:
    by_name: dict[str, tuple[Place, ...]]  # full names
    by_alias: dict[str, tuple[Place, ...]]  # short aliases (德清 → 德清县)
    max_len: int
    short_forms: frozenset[str] = frozenset()  # names in by_name that shorten an official one
    municipalities: frozenset[str] = frozenset()  # provinces that are also their own city (重庆市)
    renamed: frozenset[str] = frozenset()  # new names made from renamed_counties (无为市)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """jionlp's admin-division table (province → city → county, 6-digit codes), loaded once."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

        table = jionlp.china_location_loader()
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_alias: dict[str, list[Place]] = defaultdict(list)
    short_names: dict[str, list[Place]] = defaultdict(list)

    def aliases(node) -> list[str]:
        a = node.get("_alias") or []
        return [a] if isinstance(a, str) else list(a)

    def add(place: Place, node) -> None:
        by_name[place.name].append(place)
        for a in aliases(node):
            if len(a) >= 2 and a != place.name:
                by_alias[a].append(place)
        # an autonomous unit is written by its short name and kind: 张家川县 for 张家川回族自治县,
        # 恩施州 for 恩施土家族苗族自治州
        for kind in ("自治县", "自治州", "自治旗"):
            if place.name.endswith(kind):
                for a in aliases(node):
                    if len(a) >= 2 and not a.endswith(kind[-1]):
                        short_names[a + kind[-1]].append(place)

    owners = _code_owners(table)
    codes: dict[tuple[str, ...], str | None] = {}  # the code each place keeps, by path
    for level, path, node in _walk(table):
        c = node["_admin_code"]
        keeps = owners.get(c) == (level, path) or (_municipal(level, path) and owners.get(c) == (0, path[:1]))
        codes[path] = c if keeps else None
        names = (*path, None, None)[:3]
        keys = [codes[path[: i + 1]] if i <= level else None for i in range(3)]
        region = Region(province=names[0], city=names[1], county=names[2],
                        province_code=keys[0], city_code=keys[1], county_code=keys[2])
        if not _municipal(level, path):  # jionlp repeats a municipality as its city (北京市/北京市)
            add(Place(path[-1], _LEVELS[level], region), node)
    # a county made a county-level city or a district after the table was drawn (无为县 → 无为市):
    # its new name, where no other place has it, is the same unit under that name (without the
    # table's code, which names the old one: one code, one region node)
    renamed: set[str] = set()
    for name, found in list(by_name.items()):
        for old_kind, new_kind in rules().renamed_counties:
            new = name[: -len(old_kind)] + new_kind
            if name.endswith(old_kind) and len(new) >= 3 and new not in by_name:
                by_name[new] = [replace(p, name=new, region=replace(p.region, county=new, county_code=None))
                                for p in found if p.level == "county"]
                renamed.add(new)
    by_name = defaultdict(list, {k: v for k, v in by_name.items() if v})
    short_forms = frozenset(name for name in short_names if name not in by_name)
    for name in short_forms:  # a real place of that name wins (no 自治 unit shadows it)
        by_name[name] = short_names[name]
    if not by_name:
        raise DataFileError("jionlp's china_location table is empty", path="jionlp",
                            hint="reinstall jionlp")
    return Gazetteer(by_name={k: tuple(v) for k, v in by_name.items()},
                     by_alias={k: tuple(v) for k, v in by_alias.items()},
                     max_len=max(map(len, by_name)), short_forms=short_forms,
                     municipalities=frozenset(path[0] for level, path, _ in _walk(table)
                                              if _municipal(level, path)),
                     renamed=frozenset(renamed))


def _walk(table) -> Iterator[tuple[int, tuple[str, ...], dict]]:
    """Every place of jionlp's table, parents first: (level 0/1/2, full names from the province
    down, its node)."""
    for pnode in table.values():
        ppath = (pnode["_full_name"],)
        yield 0, ppath, pnode
        for cname, cnode in pnode.items():
            if cname.startswith("_"):
                continue
            cpath = (*ppath, cnode["_full_name"])
            yield 1, cpath, cnode
            for kname, knode in cnode.items():
                if not kname.startswith("_"):
                    yield 2, (*cpath, knode["_full_name"]), knode


def _municipal(level: int, path: tuple[str, ...]) -> bool:
    """A municipality listed again as its own city."""
    return level == 1 and path[0] == path[1]


def _code_owners(table) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Admin code → the one place it identifies: (level 0/1/2, names from the province down).

    jionlp gives some codes to several places (every Hong Kong and Macau district carries its
    region's code; two zones of one city can share one). A code goes to its highest-level user
    when that user is alone at that level; other users get no code, so the graph names them by
    their path instead of merging different places into one node."""
    uses: dict[str, set] = defaultdict(set)
    seen: dict[tuple[str, ...], str] = {}
    for level, path, node in _walk(table):
        c = seen[path] = node["_admin_code"]
        if not (_municipal(level, path) and c == seen[path[:1]]):  # the province itself again
            uses[c].add((level, path))
    owners = {}
    for c, users in uses.items():
        top = min(level for level, _ in users)
        at_top = [u for u in users if u[0] == top]
        if len(at_top) == 1:
            owners[c] = at_top[0]
    return owners


@dataclass(frozen=True)
class _GazetteerIndex:
    longest: re.Pattern  # where a name or alias starts; group 1 = the longest one there
    nested: dict[str, tuple[str, ...]]  # a name/alias → the names/aliases it starts with, longest first
    name_lens_by_end: dict[str, tuple[int, ...]]  # last two chars → lengths of full names, longest first


@lru_cache(maxsize=1)
def _index() -> _GazetteerIndex:
    """Where to look in a text, so a scan tries only names that are written there."""
    gz = gazetteer()
    words = {w for w in (*gz.by_name, *gz.by_alias) if len(w) >= 2}
    by_end: dict[str, set[int]] = defaultdict(set)
    for w in gz.by_name:
        if len(w) >= 2:
            by_end[w[-2:]].add(len(w))
    return _GazetteerIndex(
        longest=longest_pattern(sorted(words)),
        nested={w: tuple(w[:n] for n in range(len(w), 1, -1) if w[:n] in words) for w in words},
        name_lens_by_end={k: tuple(sorted(v, reverse=True)) for k, v in by_end.items()})


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    place: str  # as written (城东区, X区)
    suffix: str | None  # bureau suffix, None for a bare place
    start: int  # in the scanned text
    end: int
    in_title: bool
    parent: bool  # reads as a superior body
    redacted: bool
    places: tuple[Place, ...] = ()  # gazetteer candidates (empty when redacted)
    alias: bool = False
    peer: bool = False  # named in passing as a peer: visited, visiting, a partner
    source: bool = False  # on a 来源: / 发布单位: line

    @property
    def passing(self) -> bool:
        """Named in passing (a superior or a peer), not as the issuer."""
        return self.parent or self.peer


@dataclass(frozen=True)
class LevelMention:
    """A bureau named by its level alone (市教育局, 省教育厅, 我县教育局)."""

    level: Level
    suffix: str
    start: int
    end: int
    in_title: bool
    parent: bool
    peer: bool


def _glyph_run() -> str:
    """A run of redaction glyphs (not inside a Latin word): the pattern every hidden place opens with."""
    return rf"(?<![A-Za-z])[{re.escape(rules().glyphs)}]+"


def _redacted_place_re() -> re.Pattern:
    admin = "|".join(sorted(map(re.escape, rules().admin_levels), key=len, reverse=True))
    return re.compile(rf"{_glyph_run()}(?:{admin})")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(bureau suffixes, a redacted place with its kind, a bare glyph run), compiled once."""
    r = rules()
    sfx = "|".join(map(re.escape, sorted(r.suffixes, key=len, reverse=True)))
    return re.compile(sfx), _redacted_place_re(), re.compile(_glyph_run())


_GOVERNING = re.compile(r"(?:委|政府|人民政府|教育|财政|局)")
_GOVERNMENT = re.compile(r"(?:委|政府|人民政府)")  # a place's own party committee or government




def _skip_places(text: str, pos: int) -> int:
    """Where the chain of place names ending at ``pos`` starts (浙江省|杭州市|萧山区 → 浙)."""
    for _ in range(3):
        got = _place_before(text, pos)
        if not got:
            break
        pos -= len(got[0])
    return pos


def _alternation(words: tuple[str, ...], end: str = "") -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")" + end)


@dataclass(frozen=True)
class _Cues:
    """The context words as regexes: one search per mention instead of a loop over the words."""

    parent_head: re.Pattern  # searched on the characters before a mention (ends there)
    parent_tail: re.Pattern  # matched right after it
    peer_head: re.Pattern
    peer_tail: re.Pattern
    pairs: tuple[tuple[re.Pattern, re.Pattern, int], ...]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    r = rules()
    return _Cues(_alternation(r.parent_before, r"\Z"), _alternation(r.parent_after),
                 _alternation(r.peer_before, r"\Z"), _alternation(r.peer_after),
                 tuple((_alternation(p.before, r"\Z"), _alternation(p.after), p.window) for p in r.pairs))


def _context(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(superior, peer): how the words around ``text[start:end]`` read it. Context words may sit
    before a longer place chain (根据浙江省杭州市教育局, 赴杭州市萧山区教育局)."""
    r, c = rules(), _cues()
    s = _skip_places(text, start)
    if s > 0 and text[s - 1] in r.quotes:
        s -= 1
    head = text[max(0, s - r.head_window):s]
    if c.parent_head.search(head) or c.parent_tail.match(text, end):
        return True, False
    if c.peer_head.search(head) or c.peer_tail.match(text, end):
        return False, True
    paired = any(h.search(head) and a.search(text, end, end + w) for h, a, w in c.pairs)
    return False, paired


def _place_context(text: str, start: int, end: int) -> tuple[bool, bool]:
    """A bare place's context; a place written with a bureau suffix is read past the suffix
    (萧山区教育局一行: 一行 follows the bureau, not the place)."""
    sfx = _patterns()[0].match(text, end)
    return _context(text, start, sfx.end() if sfx else end)


def _on_source_line(text: str, start: int) -> bool:
    """The mention is what a 来源: / 发布单位: line names."""
    s = _skip_places(text, start)
    return bool(rules().source_line.search(text[text.rfind("\n", 0, s) + 1:s]))  # ^ is the line start


def _place_before(text: str, pos: int) -> tuple[str, tuple[Place, ...], bool] | None:
    """The place written right before ``pos``: a redacted one (X区) or the longest gazetteer name."""
    gz = gazetteer()
    redacted = _patterns()[1]
    for m in redacted.finditer(text, max(0, pos - 12), pos):
        if m.end() == pos:
            return m.group(0), (), True
    for n in _index().name_lens_by_end.get(text[pos - 2:pos], ()) if pos >= 2 else ():
        if n <= pos and text[pos - n:pos] in gz.by_name:
            return text[pos - n:pos], gz.by_name[text[pos - n:pos]], False
    return None


def bureau_mentions(text: str, title_end: int) -> list[Mention]:
    """Every ``<place><bureau suffix>`` in ``text`` (title first, then body)."""
    sfx_re = _patterns()[0]
    out = []
    for m in sfx_re.finditer(text):
        got, gap = _place_before(text, m.start()), 0
        if not got and m.start() >= 2 and text[m.start() - 1] == text[m.start() - 2] in rules().admin_levels:
            # 长寿区区教育委员会: the 区 written twice (not 其中城区 / 区教育局…, two pieces run together)
            twice = _place_before(text, m.start() - 1)
            if twice and twice[0] not in rules().common_words:
                got, gap = twice, 1
        suffix = m.group(0)
        if not got:  # 大兴安岭地区行政公署教育局: an office between the place and the suffix
            office = next((w for w in rules().office_infixes if text.endswith(w, 0, m.start())), None)
            if office:
                got, gap, suffix = _place_before(text, m.start() - len(office)), len(office), office + suffix
        if not got:
            continue
        place, places, red = got
        start = m.start() - gap - len(place)
        parent, peer = _context(text, start, m.end())
        out.append(Mention(place, suffix, start, m.end(), start < title_end, parent, red, places,
                           peer=peer, source=_on_source_line(text, start)))
    return out


def level_mentions(text: str, title_end: int) -> list[LevelMention]:
    """Bureaus named by their level alone (按照市教育局要求, 我县教育局): no place before the level."""
    r = rules()
    sfx_re = _patterns()[0]
    after = (*r.level_only_after, *r.parent_before, *r.peer_before, *(w for p in r.pairs for w in p.before))
    out = []
    for m in sfx_re.finditer(text):
        pos = m.start()
        level = r.admin_levels.get(text[pos - 1]) if pos >= 1 else None
        if level is None or _place_before(text, pos):
            continue
        lead = text[max(0, pos - 1 - r.head_window):pos - 1]
        if lead and HAN_CHAR.match(lead[-1]) and not any(lead.endswith(w) for w in after):
            continue  # 各县教育局, 县区教育局, or a place the gazetteer lacks
        parent, peer = _context(text, pos - 1, m.end())
        out.append(LevelMention(level, m.group(0), pos - 1, m.end(), pos - 1 < title_end,  # type: ignore[arg-type]
                                parent, peer))
    return out


def place_mentions(text: str, title_end: int) -> list[Mention]:
    """Bare places: redacted (xx区), gazetteer full names (德清县), aliases in school/education contexts."""
    r = rules()
    gz = gazetteer()
    out = []
    for m in _patterns()[1].finditer(text):
        # a bare place is a superior only as a governing body (按x市政府安排), not as a school's prefix
        gov = bool(_GOVERNING.match(text, m.end()))
        parent, peer = _place_context(text, m.start(), m.end())
        out.append(Mention(m.group(0), None, m.start(), m.end(), m.start() < title_end,
                           gov and parent, True, peer=peer))
    # gazetteer names: longest match first at each position where a name or alias starts
    idx = _index()
    i, n = 0, len(text)
    while i < n:
        found = idx.longest.search(text, i)
        if found is None:
            break
        i = found.start()
        hit = None
        for cand in idx.nested[found.group(1)]:  # every name or alias written at i, longest first
            L = len(cand)
            named, aliased = cand in gz.by_name, cand in gz.by_alias
            in_context = bool(r.alias_followed.match(text[i + L:i + L + 4])
                              or any(text[max(0, i - 4):i].endswith(b) for b in r.alias_before))
            # a made-up new name (会同市 in 会同市人事局) counts only in context, as an alias does
            plain = cand not in r.common_words and cand not in gz.renamed
            if named and (L > r.short_name_max and plain or in_context):
                hit = (cand, gz.by_name[cand], False)
                break
            if aliased and in_context and cand not in r.common_words:
                hit = (cand, gz.by_alias[cand], True)
                break
        if hit:
            cand, places, alias = hit
            gov = bool(_GOVERNING.match(text, i + len(cand)))
            parent, peer = _place_context(text, i, i + len(cand))
            # 潍坊市各县市区: the issuer's city; 争创镇江市现代化学校: the level granting a title
            above = bool(r.subdivisions.match(text, i + len(cand))
                         or r.grant_before.search(text, max(0, i - 4), i))
            out.append(Mention(cand, None, i, i + len(cand), i < title_end,
                               gov and parent or above, False, places, alias, peer=peer))
            i += len(cand)
        else:
            i += 1
    return out


# --------------------------------------------------------------------------- decisions


def _admin_level(place: str) -> Level | None:
    levels = rules().admin_levels
    for suf in sorted(levels, key=len, reverse=True):
        if place.endswith(suf):
            return levels[suf]  # type: ignore[return-value]
    return None


def self_level(text: str) -> tuple[Level | None, Counter]:
    """The level the text speaks from (我县 → county), by weighted self-references."""
    votes: Counter = Counter()
    for word, (level, weight) in rules().self_refs.items():
        votes[level] += weight * text.count(word)
    if not votes or max(votes.values()) == 0:
        return None, votes
    return votes.most_common(1)[0][0], votes


def _norm_redacted(place: str) -> str:
    g = re.escape(rules().glyphs)
    return re.sub(rf"[{g}]+", "X", place)


def _resolve(places: tuple[Place, ...], context: list[Mention]) -> Place | None:
    """Pick among same-named units by the ancestors the text also names (鼓楼区 in 福州市)."""
    if not places:
        return None
    if len(places) == 1:
        return places[0]
    named = {p.name for m in context for p in m.places if not m.alias}

    def support(p: Place) -> int:
        reg = p.region
        return (reg.city in named) * 2 + (reg.province in named)

    best = max(places, key=support)
    return best if support(best) > 0 else None


def _contains(outer: Place, inner: Place) -> bool:
    """``inner`` lies in (or is) ``outer``."""
    o, i = outer.region, inner.region
    return all(getattr(o, f) in (None, getattr(i, f)) for f in ("province_code", "city_code", "county_code"))


def _context_region(places: list[Mention], level: Level | None, text: str = "") -> Region | None:
    """Where an unnamed or anonymized issuer sits, from the places above its level that the
    text names (a 全市 report naming 广东省, a district report naming 娄底市): the province
    most named, and its city most named; else its own counties' city; else the province the
    text's words give away (来川视察, 南粤). Peers (visits, partners) do not count; a tie between
    two provinces or two cities leaves that level unknown, never a guess."""
    if level is None or level == "province":
        return None
    return _named_region(places, level) or _cued_province(text)


def _cued_province(text: str) -> Region | None:
    """The one province whose nickname words (bureau.toml [province_cues]) the text uses."""
    hits = {prov for prov, cue in rules().province_cues.items() if cue.search(text)}
    if len(hits) != 1:
        return None
    (province,) = hits
    place = next((p for p in gazetteer().by_name.get(province, ()) if p.level == "province"), None)
    return place.region if place else None


def _named_region(places: list[Mention], level: Level) -> Region | None:
    named = [m for m in places if not m.redacted and m.places and not m.peer]
    above: list[Place] = []
    for m in named:
        p = _resolve(m.places, named)
        if p is not None and _above(p.level, level):
            above.append(p)
    provinces = Counter(p.region.province for p in above).most_common(2)
    if not provinces or len(provinces) == 2 and provinces[0][1] == provinces[1][1]:
        return _parent_of_named(named, level)
    province = provinces[0][0]
    in_province = [p for p in above if p.region.province == province]
    code = in_province[0].region.province_code
    cities = Counter((p.region.city, p.region.city_code) for p in in_province if p.level == "city").most_common(2)
    if cities and not (len(cities) == 2 and cities[0][1] == cities[1][1]):
        (city, city_code), _ = cities[0]
        return Region(province=province, city=city, province_code=code, city_code=city_code)
    return Region(province=province, province_code=code)


MIN_CHILDREN = 2  # distinct named places below a city issuer that make their city its city


def _parent_of_named(named: list[Mention], level: Level) -> Region | None:
    """A city report that names no place above it but several of its own counties (舒城县,
    金寨县, 霍邱县): the city they all belong to. Only when at least MIN_CHILDREN distinct
    counties are named and every one of them lies in that city."""
    if level != "city":
        return None
    below = {p for m in named if (p := _resolve(m.places, named)) is not None and p.level == "county"}
    cities = {(p.region.province, p.region.province_code, p.region.city, p.region.city_code) for p in below}
    if len(below) < MIN_CHILDREN or len(cities) != 1:
        return None
    ((province, pcode, city, ccode),) = cities
    return Region(province=province, city=city, province_code=pcode, city_code=ccode) if city else None


def _level_of(place: Place | None, written: str) -> Level | None:
    if place is not None:
        return place.level
    return _admin_level(written)


def _above(level: Level | None, than: Level) -> bool:
    """``level`` is a higher administrative level than ``than`` (city above county)."""
    return level is not None and _LEVELS.index(level) < _LEVELS.index(than)


def _group_level(ms: list[Mention], context: list[Mention]) -> Level | None:
    """The gazetteer level of a named bureau's place (都江堰市: county), when it resolves."""
    p = _resolve(ms[0].places, context)
    return p.level if p else None


SIGNATURE_MAX = 20  # characters of a line that only signs a bureau's name


def _alone_in_file(report: Report) -> bool:
    """The first report, with (next to) no Chinese text after it: not part of a compilation."""
    if report.index != 1:
        return False
    limit = rules().tail_han_max
    tail = HAN_CHAR.finditer(report.clean.text, report.span[1])
    return sum(1 for _ in itertools.islice(tail, limit)) < limit


def _source_lines(report: Report) -> list[str]:
    """The publisher lines the cleaner removed from the report's file, simplified: 来源/发布单位
    lines, and a local government portal's tagline (某县人民政府门户网站)."""
    r = rules()
    out = []
    for removal in report.clean.removed:
        line = to_simplified(removal.text.strip())
        if removal.rule == "site_meta" and r.source_line_start.match(line):
            out.append(line)
        elif removal.rule == "site_tagline" and (m := r.portal.match(line)):
            out.append(m.group(0))
    return out


def _signature_lines(report: Report) -> list[str]:
    """Lines before the report's body that are nothing but a bureau's name: the signature of a
    notice that issued the report (现将《…工作要点》印发给你们 / 上海市某区教育局 / 日期)."""
    out = []
    for line in report.clean.text[:report.span[0]].splitlines():
        name = SPACE_RUN.sub("", line)
        ms = bureau_mentions(name, 0) if len(name) <= SIGNATURE_MAX else []
        if len(ms) == 1 and ms[0].end == len(name) and _skip_places(name, ms[0].start) == 0:
            out.append(name)
    return out


def _hidden_place(body: str, schools: bool) -> re.Match | None:
    """The first run of redaction glyphs written as the issuer's place without its kind: before
    教育 (xxx教育), after a word that opens a place (美丽xx), or, when ``schools``, before a
    school's number (*四中)."""
    r = rules()
    for m in _patterns()[2].finditer(body):
        if (r.hidden_own.match(body, m.end()) or any(body.endswith(w, 0, m.start()) for w in r.alias_before)
                or schools and r.hidden_school.match(body, m.end())):
            return m
    return None


def _self_kind(text: str) -> tuple[str, Level] | None:
    """The kind of place (县, 区, 市) the text refers to itself by most (我区, 全区 → 区)."""
    r = rules()
    votes: Counter = Counter()
    for word, (_level, weight) in r.self_refs.items():
        if word[-1] in r.admin_levels:
            votes[word[-1]] += weight * text.count(word)
    if not votes or max(votes.values()) == 0:
        return None
    kind = votes.most_common(1)[0][0]
    return kind, r.admin_levels[kind]  # type: ignore[return-value]


def _place_at_level(named: list[Mention], lvl: Level | None,
                    superiors: Collection[str] = ()) -> tuple[Place, Mention | None] | None:
    """The named place that is the issuer at level ``lvl`` (any level when None): the most named,
    never in passing and never one of ``superiors`` (a place that once reads as a superior is one
    wherever it is written); counties support their city (建湖 → 盐城市 for a city bureau)."""
    score: Counter = Counter()
    first: dict[Place, Mention] = {}
    for m in named:
        cands = m.places
        if len(cands) > 1:
            r = _resolve(cands, named)
            if r is None:
                continue
            cands = (r,)
        p = cands[0]
        w = 1 if m.alias else 2
        if m.passing or m.place in superiors:
            continue
        # a municipality's own report says 全市 (重庆市 is a province that is its own city)
        if lvl is None or p.level == lvl or (lvl == "city" and p.name in gazetteer().municipalities):
            score[p] += w
            first.setdefault(p, m)
        if p.level == "county" and lvl == "city":
            anc = _resolve(gazetteer().by_name.get(p.region.city or "", ()), named)
            if anc and anc.level == "city":  # a municipality (重庆市) is no district's city bureau
                score[anc] += w / 2
    if not score:
        return None
    top = max(score.values())
    best_places = [p for p, s in score.items() if s == top]
    # places on one path (浙江省 ⊃ 德清县): the most specific one is the issuer
    deepest = max(best_places, key=lambda p: _LEVELS.index(p.level))
    if all(_contains(p, deepest) for p in best_places):
        best_places = [deepest]
    if len(best_places) != 1:
        return None
    return best_places[0], first.get(best_places[0])


def extract_bureau(report: Report) -> Bureau:
    """The issuing bureau of ``report`` (see the module docstring for the order of evidence)."""
    clean = report.clean
    # the file name often carries the bureau (城东区教育局2021年工作总结.docx): read it with the title,
    # but only for a report alone in its file (a compilation's reports each have their own)
    alone = _alone_in_file(report)
    stem = Path(report.source.name).stem if alone else ""
    title = " ".join(t for t in (report.title, stem) if t)
    if alone:  # the page's 来源:/发布单位: lines, which the cleaner drops as furniture, name the publisher,
        # and so does the signature of a notice the report was issued with
        title = "\n".join([title, *_source_lines(report), *_signature_lines(report)])
    # title first (its positions are < title_end), then the body; offsets map back via `base`
    body_start = report.span[0]
    text = title + "\n" + report.text
    title_end = len(title)

    def orig(m: Mention) -> tuple[int, int] | None:
        return orig_at(m.start - title_end - 1, m.end - title_end - 1) if m.start >= title_end + 1 else None

    def orig_at(start: int, end: int) -> tuple[int, int]:
        """Original span of body[start:end] (the title is not necessarily inside the body)."""
        return clean.original_span((body_start + start, body_start + end))

    said_level, _votes = self_level(report.text)
    bureaus = bureau_mentions(text, title_end)
    places = place_mentions(text, title_end)
    by_level = [m for m in level_mentions(text, title_end) if not (m.parent or m.peer)]
    titled_levels = {m.level for m in by_level if m.in_title}
    if len(titled_levels) == 1:
        # the title names the issuer by its level (市教育局…工作总结): that is the level it
        # speaks from, whatever a few 全县/县区 in the body vote
        said_level = next(iter(titled_levels))
    lvl = said_level
    if lvl is None and by_level:
        # no 我县/全市: a bureau named by its level alone (市教育局) tells the level
        lvl = Counter(m.level for m in by_level).most_common(1)[0][0]

    def strong(m: Mention) -> bool:
        return (m.in_title or m.source) and not m.passing

    # a redacted place that ever reads as a superior body is the superior, wherever it is written;
    # but the party committee and government of a place (在xx县委、县政府的领导下) lead the bureau
    # of that same place, so such a mention makes no place a superior
    # nor is a redacted place at the issuer's own level opening a document's title a superior
    # (落实《XX县…实施方案》 in a 全县 report: its own document, the place hidden)
    parent_keys = {(_norm_redacted(m.place) if m.redacted else m.place)
                   for m in bureaus + places
                   if m.parent and not m.in_title and not (m.suffix is None and _GOVERNMENT.match(text, m.end))
                   and not (m.redacted and said_level and _admin_level(m.place) == said_level
                            and text[m.start - 1:m.start] == "《")}
    # a superior place counts too (潍坊市各县市区 in a 全市 report of a county-level city), but not
    # a place's committee or government, which may lead the issuer's own city (在某市委领导下)
    parent_levels = {_admin_level(m.place) for m in bureaus if m.parent} | {
        _admin_level(m.place) for m in places if m.parent and not _GOVERNMENT.match(text, m.end)}
    if lvl == "city" and "city" in parent_levels:
        lvl = "county"  # a 市 under a superior 市: a county-level city

    # 1. bureaus written with their place
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in bureaus:
        key = _norm_redacted(m.place) if m.redacted else m.place
        groups[key].append(m)
    scored = []
    for key, ms in groups.items():
        titled = any(strong(m) for m in ms)
        if not titled and (key in parent_keys or all(m.passing for m in ms)):
            continue
        level = _admin_level(ms[0].place)
        if not titled and said_level and _above(_group_level(ms, places) or level, said_level):
            continue  # 湖州市教育局 in a report that says 我县: a superior, however it is named
        if titled_levels and all(_above(_group_level(ms, places) or level, t) for t in titled_levels):
            continue  # 区教育体育局…总结 (a site's label: 洛阳市教育局): the title's own level is lower
        score = sum(5 if strong(m) else 1 for m in ms if not m.passing)
        if lvl and level == lvl:
            score += 2
        scored.append((titled, score, key, ms))
    if scored:
        # the title's (or 来源 line's) bureau wins over any number of body mentions
        scored.sort(key=lambda t: (not t[0], -t[1]))
        _, _, key, ms = scored[0]
        ms = [m for m in ms if not m.passing] or ms
        order = {s: i for i, s in enumerate(rules().suffixes)}
        best = min(ms, key=lambda m: (order.get(m.suffix or "", 99), not m.in_title))
        name = best.place + (best.suffix or "")
        evidence = next((m for m in ms if not m.in_title), best)
        span = orig(evidence)
        ev_text = text[evidence.start:evidence.end]
        if best.redacted:
            return Bureau(name=name, region=_context_region(places, _admin_level(best.place), text),
                          level=_admin_level(best.place), anonymized=True, evidence=ev_text, span=span)
        place = _resolve(best.places, places)
        region = place.region if place else None
        level = _level_of(place, best.place)
        if place is not None and best.place in gazetteer().short_forms:
            name = place.name + (best.suffix or "")  # 张家川县教体局: named by the official name
        return Bureau(name=name, region=region, level=level, anonymized=False, evidence=ev_text, span=span)

    def suffix_for(place: str, level: Level | None) -> str:
        """The suffix the issuer writes: the title's, else the first one at its level not of a
        body named in passing (按省教育厅要求 in a county report says nothing about the county
        bureau's name), else the one its place or level is usually named with (海南省教育厅)."""
        r = rules()
        own = sorted([(m.start, m.suffix) for m in bureaus if not m.passing]
                     + [(m.start, m.suffix) for m in by_level if level is None or m.level == level])
        return (next((s for s in r.suffixes if s in title), None) or next((x for _, x in own), None)
                or r.default_suffix_by_place.get(place)
                or r.default_suffix_by_level.get(level or "", r.default_suffix))

    # 2. a redacted place at the issuer's level
    red = [m for m in places if m.redacted and not m.peer and _norm_redacted(m.place) not in parent_keys]
    if lvl:
        red_lvl = [m for m in red if _admin_level(m.place) == lvl and (lvl != "city" or "city" not in parent_levels)]
    else:
        red_lvl = red
    if red_lvl:
        counts = Counter(_norm_redacted(m.place) for m in red_lvl)
        key = counts.most_common(1)[0][0]
        m = next(m for m in red_lvl if _norm_redacted(m.place) == key)
        level = _admin_level(m.place)
        return Bureau(name=m.place + suffix_for(m.place, level), region=_context_region(places, level, text),
                      level=level, anonymized=True, evidence=text[m.start:m.end], span=orig(m))

    # 2b. a place hidden by glyphs alone (新建*四中, xxx教育) when no place is named: the anonymized
    # bureau of the kind the issuer is named with by its level (区教育局…) or refers to itself by
    if not any(m.places for m in places if not m.passing):
        titled = [m for m in by_level if m.in_title]  # by_level holds no superior or peer
        hidden = _hidden_place(report.text, schools=bool(titled))
        named_by = titled or by_level
        kind = (text[named_by[0].start], named_by[0].level) if named_by else _self_kind(report.text)
        if hidden is not None and kind is not None:
            char, level = kind
            name = hidden.group(0) + char + suffix_for(hidden.group(0) + char, level)
            return Bureau(name=name, region=_context_region(places, level, text), level=level, anonymized=True,
                          evidence=hidden.group(0), span=orig_at(hidden.start(), hidden.end()))

    # 3. gazetteer places at the issuer's level; when none is named at the level its 全市/我县
    # words give, the level its own body is written with (区教委 in a district of a municipality,
    # where 全市 is the municipality)
    named = [m for m in places if not m.redacted and m.places]
    levels = [lvl] + [lv for lv, _ in Counter(m.level for m in by_level).most_common(1) if lv != lvl]
    for level in levels:
        got = _place_at_level(named, level, parent_keys)
        if got is not None:
            p, m = got
            return Bureau(name=p.name + suffix_for(p.name, p.level), region=p.region, level=p.level, anonymized=False,
                          evidence=text[m.start:m.end] if m else p.name, span=orig(m) if m else None)

    # nothing named: still anonymized when the text hides its places (x市, xx区)
    anonymized = any(m.redacted for m in places)
    return Bureau(name=None, region=_context_region(places, lvl, text), level=lvl, anonymized=anonymized)
