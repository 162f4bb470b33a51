"""Discovery of local (non-taxonomy) initiative names in one sentence, from wording and structure.

Quoted names (“…”活动), trigger verb + programme noun (实施…工程, 深化…改革), item headings
(1.稳步推进…改革), document titles (《…行动方案》), designations (获批…实验区), campaigns named by
their leading group, and lists (实施A、B、C等重点工程). Names listed after one verb (实施A工程、B计划)
are one mention each, schools listed before a name are not part of it, and no name runs across an
item marker (一是…二是). The words are rule data (``kg/data/initiatives.toml``, see
:mod:`kg.extract.initiative_rules`); the patterns here are punctuation, numbering and years.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.core.chars import HAN_CHAR, HAN_RANGE, OPEN_QUOTES, QUOTE_CHARS, REDACTION_GLYPHS_HALF
from kg.extract.initiative_rules import (
    BRACKETED,
    CLAUSE_MARK,
    CLAUSE_MARKS,
    QUOTE_OR_SPACE,
    REDACTED,
    Rules,
    initiative_rules,
    patterns,
)
from kg.terms.taxonomy import strip_suffixes, synonyms

_ENUM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[一二三四五六七八九十]是)")
_GLYPH = re.escape(REDACTION_GLYPHS_HALF)
_YEAR = re.compile(rf"(?:19|20)(?:\d\d|[{_GLYPH}]{{2}})年(?:度)?")
_ROUND = re.compile(r"^第[一二三四五六七八九十\d]{1,3}[个期轮批](?=[\u4e00-\u9fff]{4})")  # 第二个…行动计划: the round
_PLACE_YEAR = re.compile(rf"^[{HAN_RANGE}{_GLYPH}]{{1,8}}?[省市区县州旗](?=(?:19|20)\d\d年)")


def reworded(text: str) -> str:
    """The synonym key of ``text`` (施行 → 实施, 展开 → 开展; same length): verbs and joiners are
    looked for in it, so re-worded copies read as the original; names are cut from the text."""
    return synonyms().key(text)


def _joined(name: str, rules: Rules) -> bool:
    """Two things joined (A和B机制) or a descriptive phrase (…的…) is not one programme name."""
    return patterns(rules)["joined"].search(reworded(name)) is not None


def _peel(label: str, rules: Rules, min_word: int = 1) -> str:
    """Drop leading adverbs, verbs, own-place words, years and rounds (第二个, 第三期): 全面推进2022年… → …; with
    ``min_word`` 2, no one-character word (新 of 新时代 stays)."""
    own_place = patterns(rules)["own_place"]
    prev = None
    while prev != label:
        prev = label
        label = own_place.sub("", label)
        label = _PLACE_YEAR.sub("", label)
        label = _ROUND.sub("", label)
        label = _YEAR.sub("", label, count=1) if _YEAR.match(label) else label
        key = reworded(label)
        for w in rules.triggers + rules.adverbs:
            if len(w) >= min_word and key.startswith(w) and len(label) > len(w) + 1:
                label = label[len(w):]
                break
    return label


_ALNUM = re.compile(r"[A-Za-z0-9+]")


def core_len(core: str, rules: Rules) -> int:
    for w in rules.generic_words:
        core = core.replace(w, "")
    return len(HAN_CHAR.findall(core)) + len(_ALNUM.findall(core))


def is_generic(label: str, rules: Rules, noun: str = "") -> bool:
    """A slogan, a school, a count or a phrase made only of generic words is not a programme name."""
    if not label or label in rules.slogans or label in rules.generic_quotes:
        return True
    if any(label.endswith(s) for s in rules.institution_suffixes):
        return True
    if patterns(rules)["count"].search(label) or len(label) > rules.max_len:
        return True
    core = label[: len(label) - len(noun)] if noun and label.endswith(noun) else label
    stripped = strip_suffixes(core)
    if stripped in rules.slogans:
        return True
    if core_len(core, rules) >= rules.min_core:
        return False
    # a long name made of common words (教学质量评价制度改革) is still one reform; a quantified
    # one (各项管理制度改革) is the report's own work in general
    return len(core) < rules.long_core or core.startswith(rules.quantifiers)


def _is_abbreviation(content: str, rules: Rules) -> bool:
    """Numeral-structured names (三X三Y, 四个一, 333) are how local programmes are branded."""
    n = sum(c in rules.numeral_chars for c in content)
    return n >= 1 and len(content) <= 10 and (n >= 2 or content[0] in rules.numeral_chars)


_WINDOW_SPLIT = re.compile(r"[，,。；;：:！!？?、]")
_CLAUSE = re.compile(f"[^{CLAUSE_MARKS}]+")  # a clause: the text between two CLAUSE_MARKs


def _quoted(text: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    pats = patterns(rules)
    for m in pats["quoted"].finditer(text):
        content = m.group(1).strip()
        tail = m.group(2) or ""
        verb = pats["trigger"].match(reworded(tail)) if tail else None
        if verb and verb.end() < len(tail):
            continue  # “甲地”组建…联盟: a verb and its object follow, so the quote names a place
        if not content or REDACTED.search(content):
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
        if any(after.startswith(w) for w in rules.document_after):
            continue
        window = _WINDOW_SPLIT.split(text[max(0, m.start() - 10): m.start()])[-1]
        trig = pats["quote_trigger"].search(window)
        # 以“双创”为契机: the report names the quote as what its work turns on
        framed = window.endswith("以") and any(after.startswith(w) for w in rules.frame_after)
        named = bool(tail) or bool(pats["tail_noun_end"].search(content)) or trig is not None or framed
        if not named and _is_abbreviation(content, rules):
            # 实现“两个率先”, “1358”工作思路: a numeral-shaped name the report works by
            named = pats["abbreviation_verb"].search(reworded(window)) is not None \
                or pats["abbreviation_after"].match(after) is not None
        if not named or len(content) < 2:
            continue
        label = label.replace("、", "")
        if is_generic(label, rules) and not _is_abbreviation(content, rules):
            continue
        yield m.start(), m.end(), label


def _object_name(obj: str, rules: Rules, nouns_at_end: bool) -> tuple[str, str] | None:
    """The longest prefix of ``obj`` ending with a programme noun: (name, noun)."""
    pats = patterns(rules)
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
    pats = patterns(rules)
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
    pats = patterns(rules)
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
    pats = patterns(rules)
    items = _top_items(rest, rules)
    if len(items) < 2:
        return None
    out: list[tuple[int, int, str]] = []
    schools = 0
    for k, (a, b) in enumerate(items):
        item = rest[a:b]
        if QUOTE_OR_SPACE.search(item) or _GLOSS.search(item):  # the item without quote marks and gloss
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
        if len(name) < 3 or _joined(name, rules) or name in rules.slogans \
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
    pats = patterns(rules)
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
    pats = patterns(rules)
    for m in pats["trigger"].finditer(key if key is not None else reworded(clause)):
        rest = clause[m.end():]
        cut = rules.item_marker.search(rest)
        if cut:
            rest = rest[: cut.start()]  # 一是…二是…: a name never runs into the next item
        counted = pats["counted_list"].match(rest)
        if counted is not None:
            # 推进“A工程、B工程”两项工程: the quoted list is read as a list, its count names nothing
            listed = _listed(counted.group(1), rules)
            if listed is not None:
                at = m.end() + counted.start(1)
                yield from ((at + s, at + e, n) for s, e, n in listed)
                continue
        if pats["separator"].search(rest):
            listed = _distributed(rest, rules) or _listed(rest, rules)
            if listed is not None:
                yield from ((m.end() + s, m.end() + e, n) for s, e, n in listed)
                continue
        period = pats["period_quote"].match(rest)
        if period is not None:
            # 实施“十四五”教育事业发展规划: the plan's name reads through its period's quote marks
            yield from _period_named(m.end(), rest, period, rules)
            continue
        if any(c in rest[:1] for c in QUOTE_CHARS):
            continue  # a quoted name: the quote rule reads it
        got = _object_name(rest, rules, nouns_at_end=True)
        if not got:
            # 实施校舍改造项目: a broader noun makes a name only right where the verb's clause ends
            end = pats["clause_noun_end"].search(rest.rstrip())
            if not end:
                continue
            got = (rest[: end.end(1)], end.group(1))
        raw, noun = got
        if any(c in raw for c in QUOTE_CHARS + "《》()（）"):
            continue
        name = _peel(pats["enumerated"].sub("", raw), rules)
        if len(name) < 3 or _joined(name, rules) or is_generic(name, rules, noun):
            continue
        start = m.end() + raw.rfind(name) if name in raw else m.end()
        yield start, m.end() + len(raw), name


def _period_named(at: int, rest: str, period: re.Match, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """“十四五”教育事业发展规划 after a trigger verb at ``at``: the name without the quote marks,
    spanning them; it ends with a programme noun or, where the clause ends, a clause-end noun."""
    pats = patterns(rules)
    plain = period.group(1) + rest[period.end():]
    got = _object_name(plain, rules, nouns_at_end=True)
    if not got:
        end = pats["clause_noun_end"].search(plain.rstrip())
        if not end:
            return
        got = (plain[: end.end(1)], end.group(1))
    raw, noun = got
    if any(c in raw for c in QUOTE_CHARS + "《》()（）") or _joined(raw, rules) \
            or is_generic(raw[len(period.group(1)):], rules, noun):
        return
    yield at, at + len(raw) + 2, raw


def _heading(clause: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """1.深入推进教师管理制度改革 → 教师管理制度改革 (heading nouns are broader: …建设)."""
    pats = patterns(rules)
    body = _ENUM.sub("", clause)
    shift = len(clause) - len(body)
    m = pats["trigger"].search(reworded(body))
    if not m or m.start() > 6:
        return
    obj = body[m.end():]
    cut = rules.item_marker.search(obj)
    if cut:
        obj = obj[: cut.start()]
    if not pats["heading_noun_end"].search(obj) or any(c in obj for c in QUOTE_CHARS + "《》"):
        return
    name = _peel(pats["enumerated"].sub("", obj), rules)
    noun = pats["heading_noun_end"].search(name)
    if len(name) < 4 or _joined(name, rules) or is_generic(name, rules, noun.group(0) if noun else ""):
        return
    yield shift + m.end() + (len(obj) - len(name)), shift + len(body), name


def _titles(text: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """《…师德建设年活动方案》 names the programme before 方案, 《某县X行动计划》 is the programme
    itself (after its issuer's place); other titles are documents."""
    pats = patterns(rules)
    for m in pats["title"].finditer(text):
        t = BRACKETED.sub("", m.group(1))
        for end in rules.title_endings:
            if t.endswith(end):
                t = pats["about"].sub("", t[: -len(end)])  # 《关于推进X行动的实施方案》 → X行动
                break
        else:
            if t.startswith("关于"):
                continue  # 《关于…计划的通知》-like: a document about the programme
            # 《某区学前教育三年行动计划》: the title is the programme, after the issuer's place
            t = pats["title_place"].sub("", t)
        t = _peel(t, rules)
        noun = pats["programme_end"].search(reworded(t))  # 规划 reads as 计划
        if noun and not is_generic(t, rules, noun.group(0)):
            yield m.start(), m.end(), t


def _enumerated(clause: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """实施A、B、C等重点工程: each listed item is a programme of that kind."""
    for m in patterns(rules)["enumeration"].finditer(clause):
        pos = m.start(1)
        for item in m.group(1).split("、"):
            name = _peel(item.strip(QUOTE_CHARS), rules)
            if 2 <= len(name) <= rules.max_len and not _joined(name, rules) and not rules.item_marker.search(name) \
                    and name not in rules.slogans and not any(name.endswith(s) for s in rules.institution_suffixes):
                yield pos, pos + len(item), name.replace("“", "").replace("”", "")
            pos += len(item) + 1


_ITEM_NAME_MAX = 14  # an item that is only a name is short: 一是中小学人事制度改革。
_ITEM_END = re.compile(r"[。.;；!！\s]+$")


def _item_name(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """An enumerated item that is only a programme's name: 一是中小学人事制度改革。"""
    body = _ITEM_END.sub("", _ENUM.sub("", sentence))
    noun = patterns(rules)["programme_end"].search(body)
    if not noun or len(body) > _ITEM_NAME_MAX or CLAUSE_MARK.search(body):
        return
    name = _peel(body, rules)
    if len(name) >= 4 and not _joined(name, rules) and not is_generic(name, rules, noun.group(0)):
        start = sentence.index(body) + len(body) - len(name)
        yield start, start + len(name), name


def _led(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """成立民办园规范整治领导小组: a campaign is named by the group set up to lead it."""
    for m in rules.led_by_group.finditer(sentence):
        name = _peel(m.group(1), rules)
        noun = patterns(rules)["heading_noun_end"].search(name)
        if len(name) >= 4 and noun and not _joined(name, rules) and not is_generic(name, rules, noun.group(0)):
            yield m.start(1) + len(m.group(1)) - len(name), m.end(1), name


def _designated(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """获批省职业教育创新发展实验区: a zone the bureau was approved for or bids for is a programme."""
    pats = patterns(rules)
    for m in pats["designation"].finditer(sentence):
        name = _peel(pats["grant_level"].sub("", m.group(1)), rules)
        noun = pats["noun_end"].search(name[-4:])
        if len(name) >= 5 and noun and not _joined(name, rules) and not is_generic(name, rules, noun.group(0)):
            yield m.end(1) - len(name), m.end(1), name


_INTO_SUBJECT_MAX = 20  # 习近平新时代中国特色社会主义思想 is 17 characters


def _into(sentence: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """推动红旗渠精神进校园 → 红旗渠精神进校园: a campaign bringing its subject into schools (the
    chain 进教材、进课堂、进头脑 stays in the name). The subject starts after the clause's last
    trigger verb, list mark, joiner (平安校园行暨法治进校园) or opening quote; one kept out
    (严禁…进校园) is no campaign."""
    pats = patterns(rules)
    key = reworded(sentence)
    for m in pats["into"].finditer(sentence):
        marks = [sentence.rfind(c, 0, m.start()) for c in CLAUSE_MARKS + "、暨和及与" + OPEN_QUOTES]
        lo = max(marks) + 1
        if pats["into_banned"].search(sentence, lo, m.start()):
            continue
        verbs = list(pats["trigger"].finditer(key, lo, m.start()))
        if verbs:
            lo = verbs[-1].end()
        subject = _peel(sentence[lo:m.start()], rules, min_word=2)
        if not 2 <= core_len(subject, rules) or len(subject) > _INTO_SUBJECT_MAX:
            continue
        start = m.start() - len(subject)
        yield start, m.end(), sentence[start:m.end()]


def _progress_subject(clause: str, rules: Rules) -> Iterator[tuple[int, int, str]]:
    """学前教育校舍改建工程全面推进: a clause opening with a programme's name and its progress."""
    pats = patterns(rules)
    body = _ENUM.sub("", clause)
    m = pats["progress_subject"].match(body)
    if not m:
        return
    raw = m.group(1)
    name = _peel(pats["enumerated"].sub("", raw), rules)
    noun = pats["programme_end"].search(name)
    if len(name) >= 4 and noun and not _joined(name, rules) and not is_generic(name, rules, noun.group(0)):
        end = len(clause) - len(body) + len(raw)
        yield end - len(name), end, name


def discover(sentence: str, rules: Rules | None = None, heading: bool = False
             ) -> list[tuple[int, int, str]]:
    """Candidate local names in one sentence: (start, end, name) in sentence coordinates."""
    rules = rules or initiative_rules()
    pats = patterns(rules)
    out = list(_led(sentence, rules)) if "成立" in sentence else []
    out += _designated(sentence, rules)
    if QUOTE_OR_SPACE.search(sentence):  # the quote pattern opens with a quote mark
        out += _quoted(sentence, rules)
    if "《" in sentence:
        out += _titles(sentence, rules)
    if "、" in sentence and "等" in sentence:  # an enumeration needs both
        for clause_m in _CLAUSE.finditer(sentence):
            out += [(clause_m.start() + s, clause_m.start() + e, n)
                    for s, e, n in _enumerated(clause_m.group(0), rules)]
    out += [(m.start(), m.end(), m.group(0)) for m in rules.strategy.finditer(sentence)]
    if "进" in sentence:
        out += _into(sentence, rules)
    if _ENUM.match(sentence):
        out += _item_name(sentence, rules)
    pos = 0
    for clause in CLAUSE_MARK.split(sentence):
        out += [(pos + s, pos + e, n) for s, e, n in _progress_subject(clause, rules)]
        pos += len(clause) + 1
    key = reworded(sentence)  # same offsets; a variant never spans a clause mark
    if not pats["trigger"].search(key):
        return out  # both rules below start at a trigger verb, which never spans a clause mark
    pos = 0
    for i, clause in enumerate(CLAUSE_MARK.split(sentence)):
        out += [(pos + s, pos + e, n) for s, e, n in _triggered(clause, rules, key[pos:pos + len(clause)])]
        if i == 0 and (heading or _ENUM.match(clause)):
            out += [(pos + s, pos + e, n) for s, e, n in _heading(clause, rules)]
        pos += len(clause) + 1
    return out

