"""Where a report names a bureau or a place, and how the words around each one read it.

:func:`bureau_mentions` finds ``<place><bureau suffix>`` (城东区教育局, X区教育和体育局),
:func:`level_mentions` a bureau named by its level alone (市教育局, 我县教育局), :func:`place_mentions`
bare places (xx区, 德清县, 走进德清). Each mention says whether it is on the title or a 来源: line,
and whether its context makes it a superior (在某某市教育局的指导下) or a peer (赴某区教育局考察):
:mod:`kg.extract.bureau` weighs them to choose the issuer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kg.core.chars import HAN_CHAR
from kg.core.patterns import alternation
from kg.core.records import Level
from kg.extract.bureau_rules import LEVELS, bureau_rules
from kg.extract.places import Place, gazetteer, gazetteer_index


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
    source: bool = False  # on a 来源: / 发布机构: line


def _glyph_run() -> str:
    """A run of redaction glyphs (not inside a Latin word): the pattern every hidden place opens with."""
    r = bureau_rules()
    return rf"(?<![A-Za-z])(?:[{re.escape(r.glyphs)}]+|[{re.escape(r.blanks)}]{{2,}})"


def _redacted_place_re() -> re.Pattern:
    return re.compile(_glyph_run() + alternation(bureau_rules().admin_levels))


class Patterns(NamedTuple):
    suffix: re.Pattern  # a bureau suffix, longest first
    redacted_place: re.Pattern  # a redacted place with its kind (xx区)
    glyph_run: re.Pattern  # a bare run of redaction glyphs


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """The bureau's scanning patterns, compiled once."""
    r = bureau_rules()
    return Patterns(re.compile(alternation(r.suffixes)), _redacted_place_re(), re.compile(_glyph_run()))


def skip_places(text: str, pos: int) -> int:
    """Where the chain of place names ending at ``pos`` starts (浙江省|杭州市|萧山区 → 浙)."""
    for _ in LEVELS:  # province, city, county at the most
        got = _place_before(text, pos)
        if not got:
            break
        pos -= len(got[0])
    return pos


@dataclass(frozen=True)
class _Cues:
    """The context words as regexes: one search per mention instead of a loop over the words."""

    parent_head: re.Pattern  # searched on the characters before a mention (ends there)
    parent_tail: re.Pattern  # matched right after it
    peer_head: re.Pattern
    peer_tail: re.Pattern
    venue_tail: re.Pattern
    pairs: tuple[tuple[re.Pattern, re.Pattern, int], ...]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    r = bureau_rules()
    def ending(words: tuple[str, ...]) -> re.Pattern:  # searched on the text before a mention
        return re.compile(alternation(words) + r"\Z")

    def starting(words: tuple[str, ...]) -> re.Pattern:  # matched right after it
        return re.compile(alternation(words))

    return _Cues(ending(r.parent_before), starting(r.parent_after), ending(r.peer_before), starting(r.peer_after),
                 starting(r.venue_after),
                 tuple((ending(p.before), starting(p.after), p.window) for p in r.pairs))


def _context(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(superior, peer): how the words around ``text[start:end]`` read it. Context words may sit
    before a longer place chain (根据浙江省杭州市教育局, 赴杭州市萧山区教育局)."""
    r, c = bureau_rules(), _cues()
    s = skip_places(text, start)
    if s > 0 and text[s - 1] in r.quotes:
        s -= 1
    head = text[max(0, s - r.head_window):s]
    if c.venue_tail.match(text, end):
        return False, False  # 在某市教育局召开: where a meeting sat
    if c.parent_head.search(head) or c.parent_tail.match(text, end):
        return True, False
    if c.peer_head.search(head) or c.peer_tail.match(text, end):
        return False, True
    paired = any(h.search(head) and a.search(text, end, end + w) for h, a, w in c.pairs)
    return False, paired


def _place_context(text: str, start: int, end: int) -> tuple[bool, bool]:
    """A bare place's context; a place written with a bureau suffix is read past the suffix
    (萧山区教育局一行: 一行 follows the bureau, not the place)."""
    sfx = patterns().suffix.match(text, end)
    return _context(text, start, sfx.end() if sfx else end)


def _on_source_line(text: str, start: int) -> bool:
    """The mention is what a 来源: / 发布单位: line names."""
    s = skip_places(text, start)
    return bool(bureau_rules().source_line.search(text[text.rfind("\n", 0, s) + 1:s]))  # ^ is the line start


def _place_before(text: str, pos: int) -> tuple[str, tuple[Place, ...], bool] | None:
    """The place written right before ``pos``: a redacted one (X区) or the longest gazetteer name."""
    gz = gazetteer()
    redacted = patterns().redacted_place
    for m in redacted.finditer(text, max(0, pos - bureau_rules().redacted_max), pos):
        if m.end() == pos:
            return m.group(0), (), True
    for n in gazetteer_index().name_lens_by_end.get(text[pos - 2:pos], ()) if pos >= 2 else ():
        if n <= pos and text[pos - n:pos] in gz.by_name:
            return text[pos - n:pos], gz.by_name[text[pos - n:pos]], False
    return None


def bureau_mentions(text: str, title_end: int) -> list[Mention]:
    """Every ``<place><bureau suffix>`` in ``text`` (title first, then body)."""
    sfx_re = patterns().suffix
    out = []
    for m in sfx_re.finditer(text):
        got, gap = _place_before(text, m.start()), 0
        if not got and m.start() >= 2 and text[m.start() - 1] == text[m.start() - 2] in bureau_rules().admin_levels:
            # 长寿区区教育委员会: the 区 written twice (not 其中城区 / 区教育局…, two pieces run together)
            twice = _place_before(text, m.start() - 1)
            if twice and twice[0] not in bureau_rules().common_words:
                got, gap = twice, 1
        suffix = m.group(0)
        if not got:  # 大兴安岭地区行政公署教育局: an office between the place and the suffix
            office = next((w for w in bureau_rules().office_infixes if text.endswith(w, 0, m.start())), None)
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
    r = bureau_rules()
    sfx_re = patterns().suffix
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
                                parent, peer, _on_source_line(text, pos - 1)))
    return out


def place_mentions(text: str, title_end: int) -> list[Mention]:
    """Bare places: redacted (xx区), gazetteer full names (德清县), aliases in school/education contexts."""
    r = bureau_rules()
    gz = gazetteer()
    out = []
    for m in patterns().redacted_place.finditer(text):
        # a bare place is a superior only as a governing body (按x市政府安排), not as a school's prefix
        gov = bool(r.governing.match(text, m.end()))
        parent, peer = _place_context(text, m.start(), m.end())
        out.append(Mention(m.group(0), None, m.start(), m.end(), m.start() < title_end,
                           gov and parent, True, peer=peer))
    # gazetteer names: longest match first at each position where a name or alias starts
    idx = gazetteer_index()
    after = 0  # the end of the last name found: no name starts inside it
    for i, longest in idx.longest.finditer(text):
        if i < after:
            continue
        hit = None
        for cand in idx.nested[longest]:  # every name or alias written at i, longest first
            L = len(cand)
            named, aliased = cand in gz.by_name, cand in gz.by_alias
            in_context = bool(r.alias_followed.match(text[i + L:i + L + r.alias_window])
                              or any(text[max(0, i - r.alias_window):i].endswith(b) for b in r.alias_before))
            # a made-up new name (会同市 in 会同市人事局) counts only in context, as an alias does
            plain = cand not in r.common_words and cand not in gz.renamed
            short_named = named and plain and bool(r.short_name_followed.match(text, i + L))
            if named and (L > r.short_name_max and plain or in_context or short_named):
                hit = (cand, gz.by_name[cand], False)
                break
            if aliased and in_context and cand not in r.common_words:
                hit = (cand, gz.by_alias[cand], True)
                break
        if hit:
            cand, places, alias = hit
            gov = bool(r.governing.match(text, i + len(cand)))
            parent, peer = _place_context(text, i, i + len(cand))
            # 潍坊市各县市区: the issuer's city; 争创镇江市现代化学校: the level granting a title
            above = bool(r.subdivisions.match(text, i + len(cand))
                         or r.grant_before.search(text, max(0, i - r.grant_window), i))
            out.append(Mention(cand, None, i, i + len(cand), i < title_end,
                               gov and parent or above, False, places, alias, peer=peer))
            after = i + len(cand)
    return out
