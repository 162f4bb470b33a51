"""Noise rules (kg/data/noise.toml) and the steps that drop what they match: site furniture
lines and lists, inline stamps, and paragraphs repeated whole. The page-marker rule is read here
and applied by :mod:`kg.text.pages`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.core.datafiles import compile_pattern, positive_int, rule_file, share
from kg.core.errors import DataFileError
from kg.core.patterns import by_identity
from kg.core.records import Source
from kg.text.cleandoc import Doc, drop_lines, line_spans, sub


@dataclass(frozen=True)
class _LineRule:
    rule: str
    pattern: re.Pattern
    max_len: int
    requires: str = ""  # a literal the line must contain before the pattern is tried (speed)


@dataclass(frozen=True)
class _BlockRule:
    rule: str
    head: re.Pattern
    item: re.Pattern
    max_items: int


@dataclass(frozen=True)
class PageRule:
    rule: str
    pattern: re.Pattern  # a candidate marker; group 1 is the page number
    min_share: float  # of the chain's members sitting where no sentence ended
    min_gap: int  # characters between consecutive members
    min_median_gap: int
    no_item_start: str  # characters a list item never opens with


@dataclass(frozen=True)
class NoiseRules:
    lines: tuple[_LineRule, ...]
    inline: tuple[tuple[str, re.Pattern, str], ...]  # rule, pattern, literal it requires (speed)
    blocks: tuple[_BlockRule, ...]
    page: PageRule | None = None
    repeat_min_len: int = 0  # a repeated run goes when a line of it is this long (letters, digits)


def _compile(fname: str, where: str, pattern: object) -> re.Pattern:
    return compile_pattern(fname, where, pattern, re.I)


@lru_cache(maxsize=1)
def noise_rules() -> NoiseRules:
    """``noise.toml``, read and checked once."""
    return parse_noise_rules(*rule_file("noise.toml"))


def parse_noise_rules(data: dict, fname: str) -> NoiseRules:
    """Check noise rules (a parsed noise.toml)."""
    unknown = set(data) - {"line", "inline", "block", "page_marker", "repeated_paragraph"}
    if unknown:
        raise DataFileError(f"unknown tables {sorted(unknown)}", path=fname,
                            hint="use [[line]], [[inline]], [[block]], [page_marker] "
                                 "or [repeated_paragraph]")
    lines, inline, blocks = [], [], []
    for i, r in enumerate(data.get("line", [])):
        where = f"line rule #{i + 1}"
        lines.append(_LineRule(_rule_name(fname, where, r), _compile(fname, f"{where}.pattern", r.get("pattern")),
                               positive_int(fname, f"{where}.max_len", r.get("max_len", 200)),
                               str(r.get("requires", ""))))
    for i, r in enumerate(data.get("inline", [])):
        where = f"inline rule #{i + 1}"
        inline.append((_rule_name(fname, where, r), _compile(fname, f"{where}.pattern", r.get("pattern")),
                       str(r.get("requires", ""))))
    for i, r in enumerate(data.get("block", [])):
        where = f"block rule #{i + 1}"
        blocks.append(_BlockRule(_rule_name(fname, where, r), _compile(fname, f"{where}.head", r.get("head")),
                                 _compile(fname, f"{where}.item", r.get("item")),
                                 positive_int(fname, f"{where}.max_items", r.get("max_items", 30))))
    page = _page_rule(fname, data["page_marker"]) if "page_marker" in data else None
    repeated = data.get("repeated_paragraph")
    min_len = repeated.get("min_len") if isinstance(repeated, dict) else None
    return NoiseRules(tuple(lines), tuple(inline), tuple(blocks), page,
                      positive_int(fname, "repeated_paragraph.min_len", min_len))


def _page_rule(fname: str, r: object) -> PageRule:
    name = _rule_name(fname, "page_marker", r)
    assert isinstance(r, dict)
    pattern = _compile(fname, "page_marker.pattern", r.get("pattern"))
    if pattern.groups < 1:
        raise DataFileError("page_marker.pattern: needs a group for the page number", path=fname,
                            hint="wrap the digits in (...)")
    return PageRule(name, pattern, share(fname, "page_marker.min_share", r.get("min_share")),
                    positive_int(fname, "page_marker.min_gap", r.get("min_gap")),
                    positive_int(fname, "page_marker.min_median_gap", r.get("min_median_gap")),
                    str(r.get("no_item_start", "")))


def _rule_name(fname: str, where: str, r: object) -> str:
    if not isinstance(r, dict) or not isinstance(r.get("rule"), str) or not r["rule"]:
        raise DataFileError(f"{where}: needs a 'rule' name", path=fname, hint="add rule = \"...\"")
    return r["rule"]


_RULES = ""  # the verdicts' key for the rules they were judged under (a judged line is never empty)


def step_inline_noise(doc: Doc) -> Doc:
    """Drop the spans [[inline]] rules match (read-more links, a site's stamp)."""
    for rule, pat, requires in noise_rules().inline:
        if requires in doc.text:
            doc = sub(doc, pat, "", rule)
    return doc


@by_identity(maxsize=2)
def _verdicts(source: Source) -> dict:
    """A file's judged lines → the line rule dropping each (None: kept). The clean loop passes
    over a file again whenever a step changed it (every text ending in a newline), and a line's
    verdict depends on its text alone, so each line is judged once a file."""
    return {}


def _line_rule(line: str, rules: NoiseRules) -> str | None:
    """The first [[line]] rule that drops ``line`` (stripped), or None."""
    for r in rules.lines:
        if len(line) <= r.max_len and r.requires in line and r.pattern.search(line):
            return r.rule
    return None


def step_noise_lines(doc: Doc) -> Doc:
    """Drop site furniture lines (metadata, footers, keyword lines, spam) and related lists."""
    rules = noise_rules()
    spans = line_spans(doc.text)
    drop: dict[int, str] = {}
    verdicts = _verdicts(doc.source)
    if verdicts.get(_RULES) is not rules:  # judged under other rules (a test swapped them)
        verdicts.clear()
        verdicts[_RULES] = rules
    for i, (s, e) in enumerate(spans):
        line = doc.text[s:e].strip()
        if not line:
            continue
        rule = verdicts[line] if line in verdicts else verdicts.setdefault(line, _line_rule(line, rules))
        if rule is not None:
            drop[i] = rule
    for b in rules.blocks:
        i = 0
        while i < len(spans):
            s, e = spans[i]
            if i not in drop and b.head.search(doc.text[s:e].strip()):
                drop[i] = b.rule
                j, n = i + 1, 0
                while j < len(spans) and n < b.max_items:
                    item = doc.text[spans[j][0]:spans[j][1]].strip()
                    if item and not b.item.search(item):
                        break
                    if item:
                        drop[j] = b.rule
                        n += 1
                    j += 1
                i = j
            else:
                i += 1
    return drop_lines(doc, drop)


_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+")


def step_dedupe(doc: Doc) -> Doc:
    """Keep repeated paragraphs once.

    A run of consecutive lines that all appeared before is dropped when it holds at least one
    long line (of [repeated_paragraph] min_len characters, 30): a reposted copy of a report or a
    paragraph pasted twice. Short repeats alone (headings such as 一、指导思想 in every report of a
    compilation) stay.
    """
    long_line = noise_rules().repeat_min_len
    spans = line_spans(doc.text)
    seen: set[str] = set()
    keys: list[str] = []
    dup: list[bool] = []
    for s, e in spans:
        key = _PUNCT_OR_SPACE.sub("", doc.text[s:e])
        keys.append(key)
        dup.append(bool(key) and key in seen)
        if key:
            seen.add(key)
    drop: dict[int, str] = {}
    i = 0
    while i < len(spans):
        if not dup[i]:
            i += 1
            continue
        j = i
        while j < len(spans) and (dup[j] or not keys[j]):
            j += 1
        run = range(i, j)
        if any(len(keys[k]) >= long_line for k in run):
            drop.update({k: "repeated_paragraph" for k in run if keys[k]})
        i = j
    return drop_lines(doc, drop)
