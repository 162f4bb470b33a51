"""The rules of initiative extraction: ``kg/data/initiatives.toml`` read and checked once
(:func:`initiative_rules`), the patterns built from its word lists (:func:`patterns`), and the few text
shapes the initiative modules share (clause marks, brackets, redaction glyphs), which are
punctuation and not wording, so they stay here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import get_type_hints

from kg.core.chars import (
    CLOSE_QUOTES,
    HAN_RANGE,
    OPEN_QUOTES,
    QUOTE_CHARS,
    REDACTION_GLYPHS,
    REDACTION_GLYPHS_HALF,
)
from kg.core.datafiles import compile_pattern, positive_int, rule_file, text, word_list
from kg.core.errors import DataFileError
from kg.core.patterns import alternation, by_identity, longest_first

CLAUSE_MARKS = "，,；;。：:！!？?\n"
CLAUSE_MARK = re.compile(f"[{CLAUSE_MARKS}]")
REDACTED = re.compile(f"[{re.escape(REDACTION_GLYPHS)}]")
QUOTE_OR_SPACE = re.compile(rf"[{re.escape(QUOTE_CHARS)}\s]")  # \s is str.isspace
BRACKETED = re.compile(r"[（(][^（()）]*[)）]")  # a gloss or a note: (2014-2016), (试行)

Words = tuple[str, ...]  # sorted longest first: an alternation built from it prefers the longest
_SECTIONS = ("discovery", "status", "matching")


@dataclass(frozen=True)
class Rules:
    """One field a key of ``initiatives.toml`` (whichever its section); the file says what each is."""

    # [discovery] what opens a candidate name, and what is peeled off its front
    triggers: Words
    ceremony_nouns: Words
    quote_triggers: Words
    adverbs: Words
    own_place_determiners: Words
    own_place_units: Words
    # what a name ends with
    programme_nouns: Words  # the file's programme_nouns and zone_nouns
    zone_nouns: Words
    quoted_tail_nouns: Words
    heading_nouns: Words
    clause_end_nouns: Words
    clause_end_fillers: Words
    # what is no name
    generic_words: Words
    joined_words: Words
    count_measures: Words
    enumerated_measures: Words
    enumeration_nouns: Words
    list_total_measures: Words
    min_core: int
    long_core: int
    quantifiers: Words
    max_len: int
    slogans: frozenset[str]
    generic_quotes: frozenset[str]
    period_quotes: Words
    quoted_tail_stops: Words
    institution_suffixes: Words
    school_suffixes: Words
    school_categories: Words
    coordinators: Words
    item_marker: re.Pattern
    award_before: Words
    award_after: Words
    document_after: Words
    frame_after: Words
    abbreviation_verbs: Words
    abbreviation_after: Words
    title_endings: Words
    about_adverbs: Words
    about_verbs: Words
    title_place_suffixes: Words
    title_place_not_before: Words
    title_rounds: Words
    strategy: re.Pattern
    led_by_group: re.Pattern
    designation_verbs: Words
    designation_levels: Words
    designation_nouns: Words
    into_places: Words
    into_not_after: Words
    into_banned: Words
    grant_levels: Words
    numeral_chars: str
    # [status]
    future: Words
    future_weak: Words
    not_modal_yao: Words
    past: Words
    # [matching]
    strong_before: Words
    strong_after: Words
    progress_words: Words
    modifier_heads: Words
    long_label: int
    min_weak_occurrences: int


@lru_cache(maxsize=4)
def initiative_rules(path: str | None = None) -> Rules:
    """``initiatives.toml`` (or the file at ``path``), read and checked once."""
    return parse_initiative_rules(*rule_file("initiatives.toml", path))


def parse_initiative_rules(data: dict, where: str) -> Rules:
    """Check a parsed ``initiatives.toml``; a malformed key raises DataFileError naming it."""
    table: dict[str, object] = {}
    section_of: dict[str, str] = {}
    for section in _SECTIONS:
        part = data.get(section, {})
        if not isinstance(part, dict):
            raise DataFileError(f"[{section}] must be a table", path=where)
        table.update(part)
        section_of.update(dict.fromkeys(part, section))

    def words(fname: str, rule: str, value: object) -> Words:
        return longest_first(word_list(fname, rule, value))

    readers = {Words: words, frozenset[str]: lambda *a: frozenset(words(*a)), int: positive_int, str: text,
               re.Pattern: compile_pattern}
    hints = get_type_hints(Rules)
    # a key missing from the file is None here, which every checker rejects as missing
    got = {f.name: readers[hints[f.name]](where, f"{section_of[f.name]}.{f.name}" if f.name in table else f.name,
                                          table.get(f.name))
           for f in fields(Rules)}
    got["programme_nouns"] = longest_first(got["programme_nouns"] + got["zone_nouns"])
    if any(len(w) != 2 or (w[0] == "要") == (w[1] == "要") for w in got["not_modal_yao"]):
        raise DataFileError("'not_modal_yao' words are two characters, 要 first or last", path=where)
    if any(len(w) != 1 for w in got["into_not_after"]):
        raise DataFileError("'into_not_after' holds single characters (the 走 of 走进)", path=where)
    return Rules(**got)


# --------------------------------------------------------------------------- compiled patterns

@by_identity(maxsize=8)
def patterns(rules: Rules) -> dict[str, re.Pattern]:
    """The compiled patterns of ``rules``, cached by identity: hashing the whole rule set (an
    lru_cache key) on every call cost more than the matching it serves."""
    return _compile_patterns(rules)


def _compile_patterns(rules: Rules) -> dict[str, re.Pattern]:
    alt = alternation
    q_open, q_close = OPEN_QUOTES + '"', CLOSE_QUOTES + '"'  # a straight " may open or close a name
    han, glyph = HAN_RANGE, re.escape(REDACTION_GLYPHS_HALF)
    listed_item = rf"(?:[^{OPEN_QUOTES}{CLOSE_QUOTES}]|[{OPEN_QUOTES}][^{OPEN_QUOTES}{CLOSE_QUOTES}]{{1,12}}[{CLOSE_QUOTES}])"
    # a one-character tail (…年, …节) must follow the quote directly: “X”节, not “X”情况进行
    multi = [w for w in rules.quoted_tail_nouns if len(w) > 1]
    single = [w for w in rules.quoted_tail_nouns if len(w) == 1]
    # 要 as a modal verb: not the 要 of 主要 or 要求 (single characters, so the lookbehind is fixed)
    yao_before = "".join(w[0] for w in rules.not_modal_yao if w[1] == "要")
    yao_after = "".join(w[1] for w in rules.not_modal_yao if w[0] == "要")
    modal_yao = (f"(?<![{re.escape(yao_before)}])" if yao_before else "") + "要" + \
        (f"(?![{re.escape(yao_after)}])" if yao_after else "")

    def cues(words: Words) -> re.Pattern:  # any of the words, 要 only as a modal verb
        return re.compile(alternation(w for w in words if w != "要") + ("|" + modal_yao if "要" in words else ""))

    return {
        "quoted": re.compile(
            rf"[{q_open}]([^{q_open}{q_close}\n，,。；;！？!?]{{1,24}})[{q_close}]"
            rf"((?:(?!{alt(rules.quoted_tail_stops)})[{han}]){{0,6}}?{alt(multi)}|{alt(single)})?"),
        # a quoted plan period opening a programme's name: “十四五”教育发展规划 (group 1 the period)
        "period_quote": re.compile(rf"[{q_open}]({alt(rules.period_quotes)})[{q_close}]"),
        "trigger": re.compile(rf"{alt(rules.triggers)}(?!{alt(rules.ceremony_nouns)})"),
        "quote_trigger": re.compile(alt(rules.quote_triggers)),
        "abbreviation_verb": re.compile(alt(rules.abbreviation_verbs)),
        "abbreviation_after": re.compile(alt(rules.abbreviation_after)),
        "tail_noun_end": re.compile(rf"{alt(rules.quoted_tail_nouns)}$"),
        "noun_end": re.compile(alt(rules.programme_nouns)),
        "programme_end": re.compile(rf"{alt(rules.programme_nouns)}$"),
        # one school's name opening a candidate: 河西中学智慧校园… (shortest, so one school at a time)
        "school_head": re.compile(rf"^[{han}\dA-Za-z]{{2,8}}?{alt(rules.school_suffixes)}"),
        "school_end": re.compile(rf"{alt(rules.school_suffixes)}$"),
        "school_category": re.compile(alt(rules.school_categories)),
        # a bracketed gloss or a quote is skipped whole; group 1 is a separator between list items
        "separator": re.compile(rf"{BRACKETED.pattern}|[{OPEN_QUOTES}][^{CLOSE_QUOTES}]*[{CLOSE_QUOTES}]|(、|{alt(rules.coordinators)})"),
        "heading_noun_end": re.compile(rf"{alt(rules.heading_nouns + rules.programme_nouns)}$"),
        # group 1 ends the name: a filler (…创建工作) may close the clause after it
        "clause_noun_end": re.compile(rf"({alt(rules.clause_end_nouns)}){alt(rules.clause_end_fillers)}?$"),
        "title": re.compile(r"《([^《》\n]{2,40})》"),
        # any(text.startswith(w)) / any(w in text) over a word list, as one alternation each
        "modifier_head": re.compile(alt(rules.modifier_heads)),
        # 大班额有效化解: an adverb of two or more characters may sit between label and word
        "strong_after": re.compile(rf"{alt([w for w in rules.adverbs if len(w) > 1])}?"
                                   rf"{alt(rules.strong_after + rules.progress_words)}"),
        # a clause opening with a programme's name and its progress: …改造工程全面推进 (group 1)
        "progress_subject": re.compile(
            rf"^([^{re.escape(QUOTE_CHARS)}《》()（）、]{{3,{rules.max_len}}}?{alt(rules.programme_nouns)})"
            rf"(?:工作)?{alt([w for w in rules.adverbs if len(w) > 1])}?{alt(rules.progress_words)}"),
        "strong_before": re.compile(alt(rules.strong_before)),
        "list_after": re.compile(rf"等[{han}]{{0,3}}?{alt(rules.strong_after)}"),
        "enumeration": re.compile(
            rf"{alt(rules.quote_triggers)}{alt(rules.adverbs)}*"
            rf"((?:[^、，,。；;：:]{{2,14}}、)+[^、，,。；;：:]{{2,14}})等[{han}]{{0,4}}?"
            rf"{alt(rules.enumeration_nouns)}"),
        # two things joined (A和B机制) or a descriptive phrase (…的…) is not one programme name
        "joined": re.compile(alt(rules.joined_words)),
        "count": re.compile(rf"[\d{glyph}一二三四五六七八九十百千万]+{alt(rules.count_measures)}"),
        "own_place": re.compile(
            rf"^(?:{alt(rules.own_place_determiners)}|[{glyph}])+{alt(rules.own_place_units)}(?:级)?"),
        # 甲小学等4所学校操场改造… : the programme starts after the enumeration of places
        "enumerated": re.compile(rf"^.*等[\d{glyph}一二三四五六七八九十百千]+{alt(rules.enumerated_measures)}"),
        # “A工程、B工程”三项工程: group 1 is the list inside the quote marks its count follows (an
        # item may quote a short name of its own: 高等教育‘双一流’工程)
        "counted_list": re.compile(rf"[{OPEN_QUOTES}]({listed_item}+、{listed_item}+)[{CLOSE_QUOTES}]"
                                   rf"等?[\d一二三四五六七八九十两]+{alt(rules.list_total_measures)}"),
        # group 1 is the designation: 获批省职业教育创新发展实验区
        "designation": re.compile(
            rf"{alt(rules.designation_verbs)}(?:了)?(?:首批|第[一二三四五六七八九十]批)?"
            rf"({alt(rules.designation_levels)}?级?(?:以上)?[^,.;:。,;:、“”《》()（）]{{2,20}}?"
            rf"{alt(rules.zone_nouns + rules.designation_nouns)})"),
        # a campaign into schools: the chain 进校园、进课堂 (its subject is found by the caller);
        # 走进 and the like are verbs
        "into": re.compile(
            rf"(?<![{re.escape(''.join(rules.into_not_after))}])进{alt(rules.into_places)}"
            rf"(?:[、,]?进{alt(rules.into_places)})*"),
        "into_banned": re.compile(alt(rules.into_banned)),
        # the level or region a designation is granted at (any province's name: 广东省)
        "grant_level": re.compile(rf"^(?:[{han}]{{2,3}}省|{alt(rules.grant_levels)})(?:以上)?"),
        "about": re.compile(
            rf"^关于{alt(rules.about_adverbs)}?{alt(rules.about_verbs)}?|的$"),
        "title_place": re.compile(
            rf"^[{han}{glyph}]{{1,6}}?{alt(rules.title_place_suffixes)}"
            rf"(?!{alt(rules.title_place_not_before)})"
            rf"(?:第[一二三四五六七八九十\d]{{1,2}}{alt(rules.title_rounds)})?"),
        "modal_yao": re.compile(modal_yao),
        # a sentence's status cues (kg.extract.initiatives)
        "cues_past": cues(rules.past),
        "cues_future": cues(rules.future),
        "cues_future_weak": cues(rules.future_weak),
    }
