"""Initiatives in one report: taxonomy matching plus discovery of local programmes.

1. Taxonomy matching: every label, alias and suffix-stripped variant of the shared taxonomy is
   searched in a quote-free copy of each sentence (so “县管校聘”工作 and 教师“强师”计划 match).
   Short forms (<= 3 chars) must also sit on jieba token boundaries (the taxonomy labels are in the
   jieba user dictionary, so a real mention is one token) to keep 双减 out of unrelated words.
   Labels and sentence are compared through a synonym key (``kg/data/synonyms.toml``: 平衡 → 均衡),
   so re-worded copies match; spans and surfaces stay the text's own.
2. Discovery from wording and structure: quoted names (“…”活动), trigger verb + programme noun
   (实施…工程, 深化…改革) and item headings (1.稳步推进…改革). Names listed after one verb
   (实施A工程、B计划) are one mention each, schools listed before a name are not part of it, and no
   name runs across an item marker (一是…二是). Rule data lives in ``kg/data/initiatives.toml``.
   A discovered name the taxonomy knows becomes national.
3. One mention per concept (or per local name) per report, with status, year and evidence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from kg.core.chars import HAN_CHAR, QUOTE_CHARS
from kg.core.datafiles import compile_pattern, rule_file
from kg.core.errors import DataFileError
from kg.core.records import InitiativeMention, Report, Section, Span, Status
from kg.terms.taxonomy import (
    Taxonomy,
    load_synonyms,
    load_taxonomy,
    longest_pattern,
    normalize,
    strip_suffixes,
)

_CLAUSE_SPLIT = re.compile(r"[，,；;。：:！!？?\n]")
_ENUM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[一二三四五六七八九十]是)")
_COUNT = re.compile(r"[\dXx×*一二三四五六七八九十百千万]+(?:个|所|项|名|次|人|万|元|家|批|期|场|支|门|节|类|条|件|篇|届)")
_YEAR = re.compile(r"(?:19|20)(?:\d\d|[xX×*]{2})年(?:度)?")
_PLACE_YEAR = re.compile(r"^[\u4e00-\u9fffXx×*]{1,8}?[省市区县州旗](?=(?:19|20)\d\d年)")
_OWN_PLACE = re.compile(r"^(?:全|我|本|各|该|x|X|×|\*)+(?:省|市|区|县|镇|乡|州|旗|校|园)(?:级)?")
# the level or region a designation is granted at: 省级, 国家, 全省, 广东省 (not part of its name)
_LEVEL = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省|国家级?|全国|全省|全市|省级?|市级?|自治区级?)(?:以上)?")
# 甲小学等4所学校操场改造… : the programme starts after the enumeration of places
_ENUMERATED = re.compile(r"^.*等[\dXx×*一二三四五六七八九十百千]+[所个家项处]")
# two things joined (A和B机制) or a descriptive phrase (…的…) is not one programme name
_JOINED = re.compile(r"[的和及与、暨或]|进行|开展|实施|推进|加强|落实|组织")
_REDACTED = re.compile(r"[xX×*＊]")
MAX_QUOTE = 40


# --------------------------------------------------------------------------- rule data

@dataclass(frozen=True)
class Rules:
    triggers: tuple[str, ...]
    quote_triggers: tuple[str, ...]
    adverbs: tuple[str, ...]
    programme_nouns: tuple[str, ...]
    quoted_tail_nouns: tuple[str, ...]
    heading_nouns: tuple[str, ...]
    clause_end_nouns: tuple[str, ...]
    generic_words: tuple[str, ...]
    quantifiers: tuple[str, ...]
    min_core: int
    long_core: int
    max_len: int
    slogans: frozenset[str]
    generic_quotes: frozenset[str]
    institution_suffixes: tuple[str, ...]
    school_suffixes: tuple[str, ...]
    school_categories: tuple[str, ...]
    coordinators: tuple[str, ...]
    item_marker: re.Pattern
    strategy: re.Pattern
    led_by_group: re.Pattern
    designation: re.Pattern
    award_before: tuple[str, ...]
    award_after: tuple[str, ...]
    frame_after: tuple[str, ...]
    title_endings: tuple[str, ...]
    numeral_chars: str
    future: tuple[str, ...]
    future_weak: tuple[str, ...]
    past: tuple[str, ...]
    strong_before: tuple[str, ...]
    strong_after: tuple[str, ...]
    modifier_heads: tuple[str, ...]
    long_label: int
    min_weak: int


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """Read and check ``initiatives.toml`` once; a malformed file raises DataFileError."""
    data, p = rule_file("initiatives.toml", path)
    d, s, m = data.get("discovery", {}), data.get("status", {}), data.get("matching", {})

    def words(section: dict, key: str) -> tuple[str, ...]:
        v = section.get(key)
        if not isinstance(v, list) or not v or not all(isinstance(w, str) and w.strip() for w in v):
            raise DataFileError(f"'{key}' must be a non-empty list of non-empty strings", path=str(p))
        return _longest_first(w.strip() for w in v)

    def number(section: dict, key: str) -> int:
        v = section.get(key)
        if not isinstance(v, int) or v <= 0:
            raise DataFileError(f"'{key}' must be a positive integer", path=str(p))
        return v

    numerals = d.get("numeral_chars")
    if not isinstance(numerals, str) or not numerals:
        raise DataFileError("'numeral_chars' must be a non-empty string", path=str(p))
    return Rules(
        triggers=words(d, "triggers"), quote_triggers=words(d, "quote_triggers"), adverbs=words(d, "adverbs"),
        programme_nouns=words(d, "programme_nouns"), quoted_tail_nouns=words(d, "quoted_tail_nouns"),
        heading_nouns=words(d, "heading_nouns"), clause_end_nouns=words(d, "clause_end_nouns"),
        generic_words=words(d, "generic_words"), quantifiers=words(d, "quantifiers"),
        min_core=number(d, "min_core"), long_core=number(d, "long_core"), max_len=number(d, "max_len"),
        slogans=frozenset(words(d, "slogans")), generic_quotes=frozenset(words(d, "generic_quotes")),
        institution_suffixes=words(d, "institution_suffixes"), award_before=words(d, "award_before"),
        school_suffixes=words(d, "school_suffixes"), school_categories=words(d, "school_categories"),
        coordinators=words(d, "coordinators"),
        item_marker=compile_pattern(str(p), "discovery.item_marker", d.get("item_marker")),
        strategy=compile_pattern(str(p), "discovery.strategy", d.get("strategy")),
        led_by_group=compile_pattern(str(p), "discovery.led_by_group", d.get("led_by_group")),
        designation=compile_pattern(str(p), "discovery.designation", d.get("designation")),
        award_after=words(d, "award_after"), frame_after=words(d, "frame_after"),
        title_endings=words(d, "title_endings"),
        numeral_chars=numerals, future=words(s, "future"),
        future_weak=words(s, "future_weak"), past=words(s, "past"),
        strong_before=words(m, "strong_before"), strong_after=words(m, "strong_after"),
        modifier_heads=words(m, "modifier_heads"), long_label=number(m, "long_label"),
        min_weak=number(m, "min_weak_occurrences"),
    )


_PATTERNS: dict[int, tuple[Rules, dict[str, re.Pattern]]] = {}


def _patterns(rules: Rules) -> dict[str, re.Pattern]:
    """The compiled patterns of ``rules``, cached by identity: hashing the whole rule set (an
    lru_cache key) on every call cost more than the matching it serves."""
    got = _PATTERNS.get(id(rules))
    if got is None or got[0] is not rules:
        if len(_PATTERNS) >= 8:
            _PATTERNS.clear()
        got = _PATTERNS[id(rules)] = (rules, _compile_patterns(rules))
    return got[1]


def _compile_patterns(rules: Rules) -> dict[str, re.Pattern]:
    alt = lambda ws: "|".join(map(re.escape, ws))  # noqa: E731
    q_open, q_close = "“「‘\"『", "”」’\"』"
    # a one-character tail (…年, …节) must follow the quote directly: “X”节, not “X”情况进行
    multi = [w for w in rules.quoted_tail_nouns if len(w) > 1]
    single = [w for w in rules.quoted_tail_nouns if len(w) == 1]
    return {
        "quoted": re.compile(
            rf"[{q_open}]([^{q_open}{q_close}\n，,。；;！？!?]{{1,24}})[{q_close}]"
            rf"((?:(?![的和与及暨等])[\u4e00-\u9fff]){{0,6}}?(?:{alt(multi)})|(?:{alt(single)}))?"),
        "trigger": re.compile(rf"(?:{alt(rules.triggers)})(?!仪式|大会|会议|会|典礼)"),
        "quote_trigger": re.compile(rf"(?:{alt(rules.quote_triggers)})"),
        "tail_noun_end": re.compile(rf"(?:{alt(rules.quoted_tail_nouns)})$"),
        "noun_end": re.compile(rf"(?:{alt(rules.programme_nouns)})"),
        "programme_end": re.compile(rf"(?:{alt(rules.programme_nouns)})$"),
        # one school's name opening a candidate: 河西中学智慧校园… (shortest, so one school at a time)
        "school_head": re.compile(rf"^[\u4e00-\u9fff\dA-Za-z]{{2,8}}?(?:{alt(rules.school_suffixes)})"),
        "school_end": re.compile(rf"(?:{alt(rules.school_suffixes)})$"),
        "school_category": re.compile(alt(rules.school_categories)),
        # a bracketed gloss or a quote is skipped whole; group 1 is a separator between list items
        "separator": re.compile(rf"[（(][^（()）]*[)）]|[“‘「『][^”’」』]*[”’」』]|(、|{alt(rules.coordinators)})"),
        "heading_noun_end": re.compile(rf"(?:{alt(rules.heading_nouns + rules.programme_nouns)})$"),
        "clause_noun_end": re.compile(rf"(?:{alt(rules.clause_end_nouns)})$"),
        "title": re.compile(r"《([^《》\n]{2,40})》"),
        # any(text.startswith(w)) / any(w in text) over a word list, as one alternation each
        "modifier_head": re.compile(alt(rules.modifier_heads)),
        # 大班额有效化解: an adverb of two or more characters may sit between label and word
        "strong_after": re.compile(rf"(?:{alt([w for w in rules.adverbs if len(w) > 1])})?"
                                   rf"(?:{alt(rules.strong_after)})"),
        "strong_before": re.compile(alt(rules.strong_before)),
        "list_after": re.compile(rf"等[\u4e00-\u9fff]{{0,3}}?(?:{alt(rules.strong_after)})"),
        "enumeration": re.compile(
            rf"(?:{alt(rules.quote_triggers)})(?:{alt(rules.adverbs)})*"
            r"((?:[^、，,。；;：:]{2,14}、)+[^、，,。；;：:]{2,14})等[\u4e00-\u9fff]{0,4}?"
            r"(?:工程|项目|行动|计划|改革)"),
    }


# --------------------------------------------------------------------------- taxonomy matching

@dataclass(frozen=True, order=True)
class Hit:
    start: int  # clean coordinates
    end: int
    surface: str  # as written, simplified, quotes dropped
    concept: str | None
    label: str


class _Forms:
    """Surface forms found in one regex pass: at each position the regex gives the longest form
    starting there, and the forms nested in it (its prefixes) come from a table."""

    def __init__(self, forms: list[tuple[str, tuple[str, str]]]):
        self.values: dict[str, list[tuple[str, str]]] = {}
        for key, value in forms:
            self.values.setdefault(key, []).append(value)
        self.pattern = longest_pattern(self.values)
        # every form, shortest first, that is a prefix of the key (the key included)
        self.nested = {key: [key[:n] for n in range(1, len(key) + 1) if key[:n] in self.values]
                       for key in self.values}

    def find(self, text: str) -> Iterator[tuple[int, int, tuple[str, str]]]:
        """(start, end, value) of every occurrence, overlapping ones included; values of one key
        in the order given."""
        values, nested = self.values, self.nested
        for m in self.pattern.finditer(text):
            i = m.start()
            for key in nested[m.group(1)]:
                for value in values[key]:
                    yield i, i + len(key), value


class _Matcher:
    """All taxonomy surface forms, found in a sentence in one regex pass (thousands of labels).

    Forms are indexed by their synonym key (kg/data/synonyms.toml) and searched in the sentence's
    key, so a re-worded mention (优质平衡发展) finds its label (优质均衡发展) at the same offsets."""

    def __init__(self, taxonomy: Taxonomy):
        from kg.extract.nlp import add_words

        self.synonyms = load_synonyms()
        forms = {**taxonomy.variants(), **taxonomy.labels()}
        key = self.synonyms.key
        owners: dict[str, set[str]] = {}
        for form, cid in forms.items():
            owners.setdefault(key(form), set()).add(cid)
        # a key two concepts share matches only as written (see scan_keyed)
        self.shared = frozenset(k for k, cids in owners.items() if len(cids) > 1)
        self.forms = _Forms([(key(form), (form, cid)) for form, cid in forms.items()])
        add_words(forms, freq=None)  # jieba keeps each label whole, so boundaries can be checked

        # labels with digits (体育艺术2+1) also match where a report redacts them (体育艺术x+x)
        masked = [(re.sub(r"\d", "x", form), (form, cid)) for form, cid in forms.items() if re.search(r"\d", form)]
        self.masked = _Forms(masked) if masked else None

    def scan(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, form, concept id) of every form occurrence in ``text`` (quote-free); a form
        found through a synonym swap comes with its swaps inside the match (see ``scan_keyed``)."""
        for s, e, form, cid, _swaps in self.scan_keyed(text):
            yield s, e, form, cid

    def scan_keyed(self, text: str) -> Iterator[tuple[int, int, str, str, tuple[tuple[int, int], ...]]]:
        """As ``scan``, plus the spans of the variant words swapped inside each match: empty when
        the text names the form as written. A match cutting through a swapped word is no match."""
        key, swaps = self.synonyms.substitutions(text)
        for s, e, (form, cid) in self.forms.find(key):
            said = text[s:e]
            if said == form:
                yield s, e, form, cid, ()
                continue
            if key[s:e] in self.shared or any(a < e and s < b and not (s <= a and b <= e) for a, b in swaps):
                continue  # concepts told apart only by a synonym, or a swapped word cut through
            # the words swapped on either side (text or label) where the two differ
            spans = {(a, b) for a, b in swaps if s <= a and b <= e}
            spans |= {(s + a, s + b) for a, b in self.synonyms.substitutions(form)[1]}
            yield s, e, form, cid, tuple(sorted((a, b) for a, b in spans if said[a - s:b - s] != form[a - s:b - s]))
        if self.masked and _REDACTED.search(text):
            masked = _REDACTED.sub(lambda m: "x" * len(m.group(0)), text)
            for s, e, (form, cid) in self.masked.find(masked):
                yield s, e, form, cid, ()


_MATCHERS: dict[int, tuple[Taxonomy, _Matcher]] = {}


def _matcher(taxonomy: Taxonomy) -> _Matcher:
    got = _MATCHERS.get(id(taxonomy))
    if got is None or got[0] is not taxonomy:
        got = (taxonomy, _Matcher(taxonomy))
        _MATCHERS[id(taxonomy)] = got
    return got[1]


_DROPPED = re.compile(rf"[{re.escape(QUOTE_CHARS)}\s]")  # \s is str.isspace


def _dequote(text: str) -> tuple[str, list[int] | range]:
    """Text without quote marks or spaces, and the index of each kept char in ``text``."""
    if not _DROPPED.search(text):
        return text, range(len(text))  # the common case: nothing to drop
    keep = [i for i, c in enumerate(text) if c not in QUOTE_CHARS and not c.isspace()]
    return "".join(text[i] for i in keep), keep


def match_taxonomy(text: str, taxonomy: Taxonomy, offset: int = 0) -> list[Hit]:
    """Non-overlapping concept hits in ``text`` (longest first), spans shifted by ``offset``.
    A hit found through a synonym swap has the text's own wording as its surface."""
    m = _matcher(taxonomy)
    plain, keep = _dequote(text)
    cands = list(m.scan_keyed(plain))
    if not cands:
        return []
    bounds: tuple[set[int], set[int]] | None = None

    def token_bounds() -> tuple[set[int], set[int]]:
        nonlocal bounds
        if bounds is None:
            from kg.extract.nlp import (
                token_bounds as tb,  # here: most sentences never need the tokenizer
            )

            starts, ends = tb(plain)
            # where a quote mark was removed the writer drew a boundary (“双减”政策)
            if isinstance(keep, list):
                cuts = {i for i in range(1, len(keep)) if keep[i] - keep[i - 1] > 1}
                starts, ends = starts | cuts, ends | cuts
            bounds = (starts, ends)
        return bounds

    accepted = []
    for s, e, form, cid, swaps in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0], c[4])):
        if any(s < ae and as_ < e for as_, ae, *_ in accepted):
            continue
        if swaps:
            starts, ends = token_bounds()
            if not all(a in starts and b in ends for a, b in swaps):
                continue  # a swapped word must be a whole word (中学员工 holds no 学员)
        if len(form) <= 3:
            starts, ends = token_bounds()
            ok_s, ok_e = s in starts, e in ends
            if not (ok_s and ok_e) if len(form) <= 2 else not (ok_s or ok_e):
                continue
        accepted.append((s, e, plain[s:e] if swaps else form, cid))
    return sorted(
        Hit(offset + keep[s], offset + keep[e - 1] + 1, surface, cid, taxonomy.concepts[cid].pref_label)
        for s, e, surface, cid in accepted)


# --------------------------------------------------------------------------- discovery

def _reworded(text: str) -> str:
    """The synonym key of ``text`` (施行 → 实施, 展开 → 开展; same length): verbs and joiners are
    looked for in it, so re-worded copies read as the original; names are cut from the text."""
    return load_synonyms().key(text)


def _joined(name: str) -> bool:
    return _JOINED.search(_reworded(name)) is not None


def _peel(label: str, rules: Rules) -> str:
    """Drop leading adverbs, verbs, own-place words and years: 全面推进2022年… → …"""
    prev = None
    while prev != label:
        prev = label
        label = _OWN_PLACE.sub("", label)
        label = _PLACE_YEAR.sub("", label)
        label = _YEAR.sub("", label, count=1) if _YEAR.match(label) else label
        key = _reworded(label)
        for w in rules.triggers + rules.adverbs:
            if key.startswith(w) and len(label) > len(w) + 1:
                label = label[len(w):]
                break
    return label


_ALNUM = re.compile(r"[A-Za-z0-9+]")


def _core_len(core: str, rules: Rules) -> int:
    for w in rules.generic_words:
        core = core.replace(w, "")
    return len(HAN_CHAR.findall(core)) + len(_ALNUM.findall(core))


def is_generic(label: str, rules: Rules, noun: str = "") -> bool:
    """A slogan, a school, a count or a phrase made only of generic words is not a programme name."""
    if not label or label in rules.slogans or label in rules.generic_quotes:
        return True
    if any(label.endswith(s) for s in rules.institution_suffixes):
        return True
    if _COUNT.search(label) or len(label) > rules.max_len:
        return True
    core = label[: len(label) - len(noun)] if noun and label.endswith(noun) else label
    stripped = strip_suffixes(core)
    if stripped in rules.slogans:
        return True
    if _core_len(core, rules) >= rules.min_core:
        return False
    # a long name made of common words (教学质量评价制度改革) is still one reform; a quantified
    # one (各项管理制度改革) is the report's own work in general
    return len(core) < rules.long_core or core.startswith(rules.quantifiers)


def _is_abbreviation(content: str, rules: Rules) -> bool:
    """Numeral-structured names (三X三Y, 四个一, 333) are how local programmes are branded."""
    n = sum(c in rules.numeral_chars for c in content)
    return n >= 1 and len(content) <= 10 and (n >= 2 or content[0] in rules.numeral_chars)


_WINDOW_SPLIT = re.compile(r"[，,。；;：:！!？?、]")
_CLAUSE = re.compile(r"[^，,；;。：:！!？?\n]+")


def _quoted(text: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    pats = _patterns(rules)
    for m in pats["quoted"].finditer(text):
        content = m.group(1).strip()
        tail = m.group(2) or ""
        verb = pats["trigger"].match(_reworded(tail)) if tail else None
        if verb and verb.end() < len(tail):
            continue  # “甲地”组建…联盟: a verb and its object follow, so the quote names a place
        if not content or _REDACTED.search(content):
            continue  # a redacted name (“X+X”) can be neither read nor linked
        before = text[max(0, m.start() - 6): m.start()]
        after = text[m.end(1) + 1: m.end(1) + 6]
        if any(before.endswith(w) or w in before[-4:] for w in rules.award_before) and not tail:
            continue
        if any(after.startswith(w) for w in rules.award_after):
            continue
        if "、" in content and len(content) > 8:
            continue
        label = content + tail
        if content in rules.generic_quotes or content in rules.slogans:
            continue
        if not tail and any(content.endswith(s) for s in rules.institution_suffixes):
            continue
        if any(after.startswith(w) for w in ("期间", "意见", "规划", "精神", "讲话")):
            continue
        window = _WINDOW_SPLIT.split(text[max(0, m.start() - 10): m.start()])[-1]
        trig = pats["quote_trigger"].search(window)
        # 以“双创”为契机: the report names the quote as what its work turns on
        framed = window.endswith("以") and any(after.startswith(w) for w in rules.frame_after)
        named = bool(tail) or bool(pats["tail_noun_end"].search(content)) or trig is not None or framed
        if not named or len(content) < 2:
            continue
        label = label.replace("、", "")
        if is_generic(label, rules) and not _is_abbreviation(content, rules):
            continue
        yield m.start(), m.end(), label


def _object_name(obj: str, rules: Rules, nouns_at_end: bool) -> tuple[str, str] | None:
    """The longest prefix of ``obj`` ending with a programme noun: (name, noun)."""
    pats = _patterns(rules)
    best = None
    for m in pats["noun_end"].finditer(obj[: rules.max_len + 2]):
        best = (obj[: m.end()], m.group(0))
    if best is None:
        return None
    if nouns_at_end and len(obj) - len(best[0]) > 4:
        return None
    return best


def _strip_schools(name: str, rules: Rules) -> str:
    """Drop the schools a programme name opens with (…、河西中学智慧校园示范工程 → 智慧校园示范工程):
    one school's name, never a kind of school (农村学校提质工程), and only when a real programme
    name is left. Used after a list of schools only: alone, 现代学校治理… is too often a kind."""
    pats = _patterns(rules)
    while (m := pats["school_head"].match(name)) and not pats["school_category"].search(m.group(0)):
        rest = name[m.end():]
        noun = pats["programme_end"].search(rest)
        if not noun or len(rest) < 4 or is_generic(rest, rules, noun.group(0)):
            break
        name = rest
    return name


def _top_items(text: str, rules: Rules) -> list[tuple[int, int]]:
    """(start, end) of the items of a list: split at 、 outside brackets and quotes (the gloss
    of “三名”(名校、名师、名校长)培育行动 is one item's), and at 和/及… only after a programme
    noun or a school."""
    pats = _patterns(rules)
    items, start = [], 0
    for m in pats["separator"].finditer(text):
        sep = m.group(1)
        if not sep:
            continue
        if sep != "、":
            left = _GLOSS.sub("", text[start:m.start()]).rstrip(QUOTE_CHARS)
            if not (pats["programme_end"].search(left) or pats["school_end"].search(left)):
                continue  # 创新教育和实践工程: the joiner is inside one phrase
        items.append((start, m.start()))
        start = m.end()
    items.append((start, len(text)))
    return items


_GLOSS = re.compile(r"[（(][^（()）]{1,24}[)）]")
_QUOTED_PART = re.compile(rf"[{re.escape(QUOTE_CHARS)}]([^{re.escape(QUOTE_CHARS)}]{{1,12}})[{re.escape(QUOTE_CHARS)}]")


def _listed(rest: str, rules: Rules) -> list[tuple[int, int, str]] | None:
    """Names coordinated after one verb (实施A工程、B计划、“三名”(…)培育行动): each item that ends
    with a programme noun is its own programme, and leading school names (城东小学、河西中学智慧
    校园示范工程) say where the programme after them runs. None when ``rest`` is no such list:
    an item that is neither (校舍维修、操场改造工程) leaves the whole to the single-name rule."""
    pats = _patterns(rules)
    items = _top_items(rest, rules)
    if len(items) < 2:
        return None
    out: list[tuple[int, int, str]] = []
    schools = 0
    for k, (a, b) in enumerate(items):
        item = rest[a:b]
        if _DROPPED.search(item) or _GLOSS.search(item):  # the item without quote marks and gloss
            dropped = {i for g in _GLOSS.finditer(item) for i in range(g.start(), g.end())}
            keep: list[int] | range = [i for i, c in enumerate(item) if i not in dropped and c not in QUOTE_CHARS]
            plain = "".join(item[i] for i in keep)
        else:
            keep, plain = range(len(item)), item
        if k == len(items) - 1:
            plain = plain.split("等", 1)[0]  # …、C工程等重点工程: the list ends at 等
            got = _object_name(plain, rules, nouns_at_end=True)
        else:
            noun_m = pats["programme_end"].search(plain)
            got = (plain, noun_m.group(0)) if noun_m else None
        if got is None:
            if out and k == len(items) - 1 and rest[a - 1] != "、":
                break  # 实施甲工程并纳入考核: what follows the joiner is another verb phrase
            if out and any(o[2] for o in out) and k < len(items) - 1:
                out.append((0, 0, None))  # 实施甲行动、乙培训、丙工程: an unnamed item between names
                continue
            if out or not pats["school_end"].search(plain) or pats["school_category"].search(plain):
                return None  # schools come first, and are one school each
            schools += 1
            continue
        raw, noun = got
        name = _peel(raw, rules)
        if schools and not out:
            name = _strip_schools(name, rules)  # the first name after the schools
        quoted = _QUOTED_PART.search(item)
        abbreviation = quoted is not None and _is_abbreviation(quoted.group(1), rules)
        if len(name) < 3 or _joined(name) or name in rules.slogans \
                or (is_generic(name, rules, noun) and not abbreviation):
            out.append((0, 0, ""))  # not a name, but the list stays a list
            continue
        start = len(raw) - len(name)
        out.append((a + keep[start], a + keep[len(raw) - 1] + 1, name))
    if any(o[2] is None for o in out) and sum(bool(o[2]) for o in out) < 2:
        return None  # one name among works (校舍维修、操场改造工程): no list of names
    return [o for o in out if o[2]] if out else None


def _distributed(rest: str, rules: Rules) -> list[tuple[int, int, str]] | None:
    """Names sharing the last one's tail (实施甲地教学名师、乙地教学名师培养计划): an item without a
    programme noun whose ending recurs in the last name takes the last name's tail after it.
    None unless every item does (校舍维修、操场改造工程 shares nothing: no list of names)."""
    pats = _patterns(rules)
    items = _top_items(rest, rules)
    if len(items) < 2 or any(c in rest for c in QUOTE_CHARS + "《》()（）"):
        return None
    last_raw = rest[items[-1][0]:items[-1][1]]
    got = _object_name(last_raw, rules, nouns_at_end=True)
    if got is None:
        return None
    last, noun = got
    out: list[tuple[int, int, str]] = []
    for a, b in items[:-1]:
        item = rest[a:b]
        if pats["programme_end"].search(item) or len(item) < 3:
            return None
        # the longest ending of the item (>= 2 characters) found in the last name before its noun
        shared = next((k for k in range(len(item), 1, -1)
                       if item[-k:] in last[: len(last) - len(noun)]), 0)
        if not shared:
            return None
        tail = last[last.index(item[-shared:]) + shared:]
        name = _peel(item, rules) + tail
        if len(tail) < len(noun) or is_generic(name, rules, noun):
            return None
        out.append((a, b, name))
    name = _peel(last, rules)
    start = items[-1][0] + len(last) - len(name)
    return out + [(start, items[-1][0] + len(last), name)]


def _triggered(clause: str, rules: Rules, key: str | None = None) -> Iterator[tuple[int, int, str]]:
    """trigger verb + programme name; ``key`` is the clause's synonym key, where verbs are found."""
    pats = _patterns(rules)
    for m in pats["trigger"].finditer(key if key is not None else _reworded(clause)):
        rest = clause[m.end():]
        cut = rules.item_marker.search(rest)
        if cut:
            rest = rest[: cut.start()]  # 一是…二是…: a name never runs into the next item
        if pats["separator"].search(rest):
            listed = _distributed(rest, rules) or _listed(rest, rules)
            if listed is not None:
                yield from ((m.end() + s, m.end() + e, n) for s, e, n in listed)
                continue
        if any(c in rest[:1] for c in QUOTE_CHARS):
            continue  # a quoted name: the quote rule reads it
        got = _object_name(rest, rules, nouns_at_end=True)
        if not got:
            # 实施校舍改造项目: a broader noun makes a name only right where the verb's clause ends
            end = pats["clause_noun_end"].search(rest.rstrip())
            if not end:
                continue
            got = (rest.rstrip(), end.group(0))
        raw, noun = got
        if any(c in raw for c in QUOTE_CHARS + "《》()（）"):
            continue
        name = _peel(_ENUMERATED.sub("", raw), rules)
        if len(name) < 3 or _joined(name) or is_generic(name, rules, noun):
            continue
        start = m.end() + raw.rfind(name) if name in raw else m.end()
        yield start, m.end() + len(raw), name


def _heading(clause: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """1.深入推进教师管理制度改革 → 教师管理制度改革 (heading nouns are broader: …建设)."""
    pats = _patterns(rules)
    body = _ENUM.sub("", clause)
    shift = len(clause) - len(body)
    m = pats["trigger"].search(_reworded(body))
    if not m or m.start() > 6:
        return
    obj = body[m.end():]
    cut = rules.item_marker.search(obj)
    if cut:
        obj = obj[: cut.start()]
    if not pats["heading_noun_end"].search(obj) or any(c in obj for c in QUOTE_CHARS + "《》"):
        return
    name = _peel(_ENUMERATED.sub("", obj), rules)
    noun = pats["heading_noun_end"].search(name)
    if len(name) < 4 or _joined(name) or is_generic(name, rules, noun.group(0) if noun else ""):
        return
    yield shift + m.end() + (len(obj) - len(name)), shift + len(body), name


_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")  # (2014-2016), (试行)
_ABOUT = re.compile(r"^关于(?:进一步|全面|深入|加快)?(?:推进|实施|开展|加强|推动|做好|建立|完善)?|的$")
_TITLE_PLACE = re.compile(r"^[\u4e00-\u9fffXx×*]{1,6}?(?:省|自治区|市|区|县|旗)(?![级域])(?:第[一二三四五六七八九十\d]{1,2}[期轮批])?")


def _titles(text: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """《…师德建设年活动方案》 names the programme before 方案, 《某县X行动计划》 is the programme
    itself (after its issuer's place); other titles are documents."""
    pats = _patterns(rules)
    for m in pats["title"].finditer(text):
        t = _BRACKETED.sub("", m.group(1))
        for end in rules.title_endings:
            if t.endswith(end):
                t = _ABOUT.sub("", t[: -len(end)])  # 《关于推进X行动的实施方案》 → X行动
                break
        else:
            if t.startswith("关于"):
                continue  # 《关于…计划的通知》-like: a document about the programme
            # 《某区学前教育三年行动计划》: the title is the programme, after the issuer's place
            t = _TITLE_PLACE.sub("", t)
        t = _peel(t, rules)
        noun = pats["programme_end"].search(_reworded(t))  # 规划 reads as 计划
        if noun and not is_generic(t, rules, noun.group(0)):
            yield m.start(), m.end(), t


def _enumerated(clause: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """实施A、B、C等重点工程: each listed item is a programme of that kind."""
    for m in _patterns(rules)["enumeration"].finditer(clause):
        pos = m.start(1)
        for item in m.group(1).split("、"):
            name = _peel(item.strip(QUOTE_CHARS), rules)
            if 2 <= len(name) <= rules.max_len and not _joined(name) and not rules.item_marker.search(name) \
                    and name not in rules.slogans and not any(name.endswith(s) for s in rules.institution_suffixes):
                yield pos, pos + len(item), name.replace("“", "").replace("”", "")
            pos += len(item) + 1


_ITEM_NAME_MAX = 14  # an item that is only a name is short: 一是中小学人事制度改革。
_ITEM_END = re.compile(r"[。.;；!！\s]+$")


def _item_name(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """An enumerated item that is only a programme's name: 一是中小学人事制度改革。"""
    body = _ITEM_END.sub("", _ENUM.sub("", sentence))
    noun = _patterns(rules)["programme_end"].search(body)
    if not noun or len(body) > _ITEM_NAME_MAX or _CLAUSE_SPLIT.search(body):
        return
    name = _peel(body, rules)
    if len(name) >= 4 and not _joined(name) and not is_generic(name, rules, noun.group(0)):
        start = sentence.index(body) + len(body) - len(name)
        yield start, start + len(name), name


def _led(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """成立民办园规范整治领导小组: a campaign is named by the group set up to lead it."""
    for m in rules.led_by_group.finditer(sentence):
        name = _peel(m.group(1), rules)
        noun = _patterns(rules)["heading_noun_end"].search(name)
        if len(name) >= 4 and noun and not _joined(name) and not is_generic(name, rules, noun.group(0)):
            yield m.start(1) + len(m.group(1)) - len(name), m.end(1), name


def _designated(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """获批省职业教育创新发展实验区: a zone the bureau was approved for or bids for is a programme."""
    for m in rules.designation.finditer(sentence):
        name = _peel(_LEVEL.sub("", m.group(1)), rules)
        noun = _patterns(rules)["noun_end"].search(name[-4:])
        if len(name) >= 5 and noun and not _joined(name) and not is_generic(name, rules, noun.group(0)):
            yield m.end(1) - len(name), m.end(1), name


def discover(sentence: str, rules: Rules | None = None, heading: bool = False
             ) -> list[tuple[int, int, str]]:
    """Candidate local names in one sentence: (start, end, name) in sentence coordinates."""
    rules = rules or load_rules()
    pats = _patterns(rules)
    out = list(_led(sentence, rules)) if "成立" in sentence else []
    out += _designated(sentence, rules)
    if _DROPPED.search(sentence):  # the quote pattern opens with a quote mark
        out += _quoted(sentence, rules)
    if "《" in sentence:
        out += _titles(sentence, rules)
    if "、" in sentence and "等" in sentence:  # an enumeration needs both
        for clause_m in _CLAUSE.finditer(sentence):
            out += [(clause_m.start() + s, clause_m.start() + e, n)
                    for s, e, n in _enumerated(clause_m.group(0), rules)]
    out += [(m.start(), m.end(), m.group(0)) for m in rules.strategy.finditer(sentence)]
    if _ENUM.match(sentence):
        out += _item_name(sentence, rules)
    key = _reworded(sentence)  # same offsets; a variant never spans a clause mark
    if not pats["trigger"].search(key):
        return out  # both rules below start at a trigger verb, which never spans a clause mark
    pos = 0
    for i, clause in enumerate(_CLAUSE_SPLIT.split(sentence)):
        out += [(pos + s, pos + e, n) for s, e, n in _triggered(clause, rules, key[pos:pos + len(clause)])]
        if i == 0 and (heading or _ENUM.match(clause)):
            out += [(pos + s, pos + e, n) for s, e, n in _heading(clause, rules)]
        pos += len(clause) + 1
    return out


# --------------------------------------------------------------------------- status, year, quote

_MODAL_YAO = re.compile(r"(?<![主重需必只摘纲])要(?![求素点闻])")


_CUE_RES: dict[int, tuple[tuple[str, ...], re.Pattern | None]] = {}


def _cues(sentence: str, words: tuple[str, ...]) -> bool:
    """Does the sentence hold one of ``words`` (要 only as a modal verb)?"""
    got = _CUE_RES.get(id(words))
    if got is None or got[0] is not words:  # one alternation per word list, cached by identity
        if len(_CUE_RES) >= 64:
            _CUE_RES.clear()
        plain = [w for w in words if w != "要"]
        got = _CUE_RES[id(words)] = (words, re.compile("|".join(map(re.escape, plain))) if plain else None)
    return (got[1] is not None and got[1].search(sentence) is not None) \
        or ("要" in words and bool(_MODAL_YAO.search(sentence)))


def _sentence_status(sentence: str, rules: Rules) -> str | None:
    """achieved / planned from the sentence's own cue words, None when it has none."""
    past, fut = _cues(sentence, rules.past), _cues(sentence, rules.future)
    if fut and not past:
        return "planned"
    if past and not fut:
        return "achieved"
    return None


def report_default_status(report: Report, rules: Rules | None = None) -> str:
    """What an uncued sentence outside summary/plan sections most likely reports."""
    rules = rules or load_rules()
    if report.summary_year and not report.plan_year:
        return "achieved"
    if report.plan_year and not report.summary_year:
        return "planned"
    past = fut = 0
    for _sec, _base, text, _h in _units(report):
        p = _cues(text, rules.past)
        f = _cues(text, rules.future) or _cues(text, rules.future_weak)
        past += p and not f
        fut += f and not p
    return "planned" if fut > past else "achieved"


_QUOTE_MARK = re.compile("[，,；;。：:！!？?\n]")
_STRONG_MARK = re.compile("[，,；;。：:！!？?、\n]")


def _last_mark(pattern: re.Pattern, text: str, lo: int, hi: int) -> int:
    """Index of the last ``pattern`` character in text[lo:hi], or -1 (one C search, reversed)."""
    m = pattern.search(text[lo:hi][::-1])
    return hi - 1 - m.start() if m else -1


def _clause_quote(sentence: str, s: int, e: int) -> str:
    """The clause around [s, e) of the sentence, at most MAX_QUOTE chars."""
    left = _last_mark(_QUOTE_MARK, sentence, 0, s) + 1
    m = _QUOTE_MARK.search(sentence, e)
    right = m.start() if m else len(sentence)
    if right - left > MAX_QUOTE:
        pad = max(0, (MAX_QUOTE - (e - s)) // 2)
        left = max(left, s - pad)
        right = min(right, max(e, left + MAX_QUOTE))
    return sentence[left:right].strip()


# --------------------------------------------------------------------------- the report

@dataclass
class _Occ:
    key: str
    label: str
    concept: str | None
    surface: str
    span: Span  # clean coordinates of the match
    quote: str
    quote_span: Span
    status: str
    year: int | None
    strong: bool = True  # worded as an initiative (quoted, after a verb, in a heading…), not a topic


def _units(report: Report) -> Iterator[tuple[Section, int, str, bool]]:
    """(section, clean start, sentence text, is heading) over the report."""
    for sec in report.sections:
        if sec.heading:
            hs = report.clean.text.find(sec.heading, sec.span[0], sec.span[1]) if sec.heading else -1
            if hs >= 0:
                yield sec, hs, sec.heading, True
        if sec.sentences:
            for sent in sec.sentences:
                yield sec, sent.span[0], sent.text, False
        else:
            yield sec, sec.span[0], report.clean.text[sec.span[0]: sec.span[1]], False


def _local_key(label: str) -> str:
    """One key for a local name however it is worded (青蓝工程 / 青蓝项目 / 青蓝工程建设)."""
    return strip_suffixes(_reworded(normalize(label)))


def extract_initiatives(report: Report, taxonomy: Taxonomy | None = None) -> list[InitiativeMention]:
    """One InitiativeMention per concept or local name in the report, sorted by span."""
    tax = taxonomy if taxonomy is not None else load_taxonomy()
    rules = load_rules()
    occs: list[_Occ] = []
    seen_spans: set[tuple[int, int]] = set()
    default = functools.cache(lambda: report_default_status(report, rules))  # only outside summary/plan
    hit_occs: dict[Span, _Occ] = {}
    for sec, base, text, is_heading in _units(report):
        year = sec.year

        hits = match_taxonomy(text, tax, offset=base)
        for h in hits:
            if (h.start, h.end) in seen_spans or h.label in rules.slogans:
                continue  # a taxonomy may keep a slogan (全面从严治党) as a theme marker
            seen_spans.add((h.start, h.end))
            q = _clause_quote(text, h.start - base, h.end - base)
            strong = is_heading or _is_strong(text, h.start - base, h.end - base, h.surface, rules)
            occ = _Occ(h.concept, h.label, h.concept, h.surface, (h.start, h.end), q,
                       _quote_span(text, base, q, h.start), _status_at(sec, text, h.start - base, h.end - base, rules, default),
                       year, strong)
            occs.append(occ)
            hit_occs[(h.start, h.end)] = occ
        for s, e, name in discover(text, rules, heading=is_heading):
            span = (base + s, base + e)
            if span in hit_occs:
                hit_occs[span].strong = True  # a listed programme, not a passing topic
            if span in seen_spans:
                continue
            name = normalize(name)
            concept = tax.lookup(name)
            overlap = [h for h in hits if h.start < span[1] and span[0] < h.end]
            if concept is None and overlap:
                # a local name around a concept label is that concept when the label is most of
                # the name (普惠性幼儿园认定) or the rest is generic (防溺水专项行动)
                h = max(overlap, key=lambda h: h.end - h.start)
                rest = name.replace(h.surface, "")
                if len(h.surface) >= 0.5 * len(name) or _core_len(rest, rules) == 0:
                    concept = tax.concepts[h.concept]
            seen_spans.add(span)
            status = _status_at(sec, text, s, e, rules, default)
            q = _clause_quote(text, s, e)
            if concept is not None:
                occs.append(_Occ(concept.id, concept.pref_label, concept.id, name, span, q,
                                 _quote_span(text, base, q, span[0]), status, year))
            else:
                occs.append(_Occ("local:" + _local_key(name), name, None, name, span, q,
                                 _quote_span(text, base, q, span[0]), status, year))
    return _aggregate(report, _merge_locals(_drop_weak(occs, rules)))


def _status_at(sec: Section, text: str, s: int, e: int, rules: Rules, default: Callable[[], str]) -> str:
    """Status of the occurrence at [s, e): the name itself (银杏计划) is not a cue word.
    A summary section's is achieved, a plan's planned; elsewhere the sentence's cue words decide,
    then the report default, computed only when a sentence needs it."""
    if sec.kind == "summary":
        return "achieved"
    if sec.kind == "plan":
        return "planned"
    return _sentence_status(text[:s] + "＿" + text[e:], rules) or default()


def _drop_weak(occs: list[_Occ], rules: Rules) -> list[_Occ]:
    """A concept only ever named in passing, once (in a list, a title, as a modifier), is a topic."""
    by_key: dict[str, list[_Occ]] = {}
    for o in occs:
        by_key.setdefault(o.key, []).append(o)
    keep = {k for k, g in by_key.items() if any(o.strong for o in g) or len(g) >= rules.min_weak}
    return [o for o in occs if o.key in keep]


def _is_strong(text: str, s: int, e: int, surface: str, rules: Rules) -> bool:
    """Is the match at [s, e) of the sentence worded as an initiative rather than a passing topic?"""
    opened = text.rfind("《", 0, s)
    if opened >= 0 and text.rfind("》", opened, s) < 0:
        return False  # inside a document title
    after = _reworded(text[e:e + 6])
    pats = _patterns(rules)
    if pats["modifier_head"].match(after):
        return False  # 社区教育中心: the label qualifies a place or a system
    if (s > 0 and text[s - 1] in QUOTE_CHARS) or (after[:1] and after[0] in QUOTE_CHARS):
        return True
    if len(surface) >= rules.long_label or pats["strong_after"].match(after):
        return True
    if pats["programme_end"].search(surface):
        return True  # the label names itself a programme (营养改善计划, 薄弱学校改造工程)
    # the clause's text before the match, at most 8 characters of it
    lo = max(0, s - 8)
    mark = _last_mark(_STRONG_MARK, text, lo, s)
    before = _reworded(text[mark + 1 if mark >= 0 else lo: s])
    if pats["strong_before"].search(before):
        return True
    return pats["list_after"].match(after) is not None  # 甲、乙等工作: the list names programmes


def _quote_span(text: str, base: int, quote: str, at: int) -> Span:
    i = text.find(quote, max(0, at - base - len(quote)))
    if i < 0:
        i = text.find(quote)
    return (base + i, base + i + len(quote)) if i >= 0 else (at, at + 1)


def _merge_locals(occs: list[_Occ]) -> list[_Occ]:
    """Fold local names that are the same programme written shorter or longer (X工程 / X)."""
    keys = sorted({o.key for o in occs if o.concept is None}, key=len)
    alias: dict[str, str] = {}
    for i, k in enumerate(keys):
        for shorter in keys[:i]:
            a, b = shorter[6:], k[6:]
            if len(a) >= 2 and a in b and len(a) >= 0.6 * len(b):
                alias[k] = alias.get(shorter, shorter)
                break
    for o in occs:
        if o.key in alias:
            o.key = alias[o.key]
    return occs


def _aggregate(report: Report, occs: list[_Occ]) -> list[InitiativeMention]:
    groups: dict[str, list[_Occ]] = {}
    for o in sorted(occs, key=lambda o: o.span):
        groups.setdefault(o.key, []).append(o)
    out = []
    for group in groups.values():
        first = group[0]
        statuses = {o.status for o in group}
        status: Status = statuses.pop() if len(statuses) == 1 else "both"  # type: ignore[assignment]
        if first.concept:
            label = first.label
        else:
            counts = Counter(o.label for o in group)
            label = min(counts, key=lambda n: (-counts[n], len(n), n))
        year = first.year
        if year is None:
            year = report.plan_year if status == "planned" and report.plan_year else report.summary_year
        aliases = tuple(sorted({normalize(o.surface) for o in group} - {label}))
        span = report.clean.original_span(first.quote_span)
        out.append(InitiativeMention(
            label=label, concept=first.concept, scope="national" if first.concept else "local",
            status=status, year=year, span=span, quote=first.quote,
            quote_original=report.clean.original_text(first.quote_span), aliases=aliases))
    return sorted(out, key=lambda m: (m.span, m.label))
