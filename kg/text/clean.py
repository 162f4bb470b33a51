"""Source → :class:`kg.core.records.CleanText`: small pure steps, each keeping a map back to the original.

Every step takes a :class:`_Doc` (text, offset map, removals) and returns a new one; edits are
(start, end, replacement) triples applied by :func:`_apply`, which keeps ``offset_map[i]`` = the
index in ``source.text`` of clean character ``i``. The step list runs to a fixed point, so
``clean`` is idempotent even when one step exposes work for an earlier one.

Punctuation choice: full-width ASCII forms (U+FF01–FF5E: ，；：（）！？０-９Ａ-Ｚ) become
half-width, as most report sites already print them, so parsers see one form. Chinese-only
marks with no ASCII twin (。、“”‘’《》【】—…) are kept as they are. The full-width asterisk ＊
is kept: it is a redaction glyph and must survive unchanged.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kg.core.chars import converter
from kg.core.datafiles import compile_pattern, rule_file
from kg.core.errors import DataFileError
from kg.core.records import CleanText, Removal, Source

MAX_PASSES = 4

# --------------------------------------------------------------------------- offset-mapped edits


@dataclass(frozen=True)
class _Doc:
    source: Source
    text: str
    omap: tuple[int, ...]  # len(text) + 1 entries
    removed: tuple[Removal, ...] = ()


Edit = tuple[int, int, str, "str | None"]  # start, end, replacement, rule to record (or None)


def _apply(doc: _Doc, edits: list[Edit]) -> _Doc:
    """Apply non-overlapping edits (in current coordinates); recorded ones become Removals."""
    if not edits:
        return doc
    edits = sorted(edits, key=lambda e: (e[0], e[1]))
    parts: list[str] = []
    omap: list[int] = []
    removed = list(doc.removed)
    pos = 0
    for start, end, repl, rule in edits:
        if start < pos:  # overlapping edit: skip, the next pass will see it again
            continue
        parts.append(doc.text[pos:start])
        omap.extend(doc.omap[pos:start])
        omap.extend(doc.omap[j] for j in _align(doc.text, start, end, repl))
        parts.append(repl)
        if rule is not None and end > start:
            o_start, o_end = doc.omap[start], doc.omap[end - 1] + 1
            removed.append(Removal(rule, (o_start, o_end), doc.source.text[o_start:o_end]))
        pos = end
    parts.append(doc.text[pos:])
    omap.extend(doc.omap[pos:])
    text = "".join(parts)
    assert len(omap) == len(text) + 1
    return _Doc(doc.source, text, tuple(omap), tuple(removed))


def _align(text: str, start: int, end: int, repl: str) -> list[int]:
    """Position in ``text`` for each character of ``repl`` replacing ``text[start:end]``.

    Characters kept from the old span (a prefix, every other one of a doubled run) map to
    themselves, found greedily in order; new characters map proportionally into the span.
    """
    width = end - start
    out: list[int] = []
    j = start
    for k, ch in enumerate(repl):
        found = text.find(ch, j, end)
        if found >= 0:
            out.append(found)
            j = found + 1
        else:
            out.append(start + (min(k * width // len(repl), width - 1) if width else 0))
    return out


def _sub(doc: _Doc, pattern: re.Pattern, repl: str | Callable[[re.Match], str],
         rule: str | None = None) -> _Doc:
    edits: list[Edit] = []
    for m in pattern.finditer(doc.text):
        r = repl(m) if callable(repl) else m.expand(repl)
        if r != m.group(0):
            edits.append((m.start(), m.end(), r, rule))
    return _apply(doc, edits)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, end excluding the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _drop_lines(doc: _Doc, idx_rules: dict[int, str]) -> _Doc:
    """Drop whole lines (with their newline) by line index."""
    spans = _lines(doc.text)
    edits: list[Edit] = []
    for i, rule in idx_rules.items():
        s, e = spans[i]
        end = e + 1 if e < len(doc.text) else e
        if end > s:
            edits.append((s, end, "", rule))
    return _apply(doc, edits)


# --------------------------------------------------------------------------- rule data


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
class _PageRule:
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
    page: _PageRule | None = None


def _compile(fname: str, where: str, pattern: object) -> re.Pattern:
    return compile_pattern(fname, where, pattern, re.I)


def load_noise_rules(data: dict, fname: str = "noise.toml") -> NoiseRules:
    """Check noise rules (a parsed noise.toml)."""
    unknown = set(data) - {"line", "inline", "block", "page_marker"}
    if unknown:
        raise DataFileError(f"unknown tables {sorted(unknown)}", path=fname,
                            hint="use [[line]], [[inline]], [[block]] or [page_marker]")
    lines, inline, blocks = [], [], []
    for i, r in enumerate(data.get("line", [])):
        where = f"line rule #{i + 1}"
        lines.append(_LineRule(_rule_name(fname, where, r), _compile(fname, where, r.get("pattern")),
                               int(r.get("max_len", 200)), str(r.get("requires", ""))))
    for i, r in enumerate(data.get("inline", [])):
        where = f"inline rule #{i + 1}"
        inline.append((_rule_name(fname, where, r), _compile(fname, where, r.get("pattern")),
                       str(r.get("requires", ""))))
    for i, r in enumerate(data.get("block", [])):
        where = f"block rule #{i + 1}"
        blocks.append(_BlockRule(_rule_name(fname, where, r), _compile(fname, where, r.get("head")),
                                 _compile(fname, where, r.get("item")), int(r.get("max_items", 30))))
    page = _page_rule(fname, data["page_marker"]) if "page_marker" in data else None
    return NoiseRules(tuple(lines), tuple(inline), tuple(blocks), page)


def _page_rule(fname: str, r: object) -> _PageRule:
    where = "[page_marker]"
    name = _rule_name(fname, where, r)
    assert isinstance(r, dict)
    pattern = _compile(fname, where, r.get("pattern"))
    if pattern.groups < 1:
        raise DataFileError(f"{where}: pattern needs a group for the page number", path=fname,
                            hint="wrap the digits in (...)")
    try:
        share, gap, median = float(r["min_share"]), int(r["min_gap"]), int(r["min_median_gap"])
    except (KeyError, TypeError, ValueError) as e:
        raise DataFileError(f"{where}: min_share, min_gap and min_median_gap must be numbers ({e})",
                            path=fname, hint="e.g. min_share = 0.6, min_gap = 30") from e
    if not 0 < share <= 1:
        raise DataFileError(f"{where}: min_share must be in (0, 1]", path=fname, hint="e.g. 0.6")
    return _PageRule(name, pattern, share, gap, median, str(r.get("no_item_start", "")))


def _rule_name(fname: str, where: str, r: object) -> str:
    if not isinstance(r, dict) or not isinstance(r.get("rule"), str) or not r["rule"]:
        raise DataFileError(f"{where}: needs a 'rule' name", path=fname, hint="add rule = \"...\"")
    return r["rule"]


@lru_cache(maxsize=1)
def noise_rules() -> NoiseRules:
    return load_noise_rules(*rule_file("noise.toml"))


def load_radicals(data: dict, fname: str = "radicals.toml") -> dict[str, str]:
    """Check the radical → character table (a parsed radicals.toml)."""
    table = data.get("radicals")
    if not isinstance(table, dict) or set(data) != {"radicals"}:
        raise DataFileError("needs exactly one [radicals] table", path=fname,
                            hint='write [radicals] then "⻓" = "长" lines')
    for k, v in table.items():
        if not (len(k) == 1 and "\u2e80" <= k <= "\u2eff" and isinstance(v, str) and len(v) == 1
                and _is_han(v)):
            raise DataFileError(f"bad entry {k!r} = {v!r}", path=fname,
                                hint="one radical (U+2E80–U+2EFF) = one Chinese character")
    return dict(table)


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


@lru_cache(maxsize=1)
def radicals() -> dict[str, str]:
    return load_radicals(*rule_file("radicals.toml"))




# --------------------------------------------------------------------------- steps

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014"
_TERMINAL = "。!?！？;；:：”\"')）】」』…"
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b]")
_NEWLINES = re.compile(r"\r\n?|\x0c")


_EDGE_LINES = 2  # lines at the top and at the foot of a page where running headers sit
_RUNNING_MAX = 60
_DIGITS = re.compile(r"\d+")


def step_running_lines(doc: _Doc) -> _Doc:
    """PDF only: lines printed at the top or foot of most pages (the page title and date a
    browser adds, a document header) interrupt the text at every page break. Pages are the form
    feeds pdfminer writes, so this runs before they become newlines; digits count as equal
    (page 1/3, 2/3). Numbered headings and sentences are never running lines."""
    text = doc.text
    if doc.source.format != "pdf" or "\x0c" not in text:
        return doc
    zones: dict[str, list[tuple[int, int]]] = {}
    pages = 0
    pos = 0
    for part in text.split("\x0c"):
        spans = [(pos + s, pos + e) for s, e in _lines(part) if part[s:e].strip()]
        pos += len(part) + 1
        if not spans:
            continue
        pages += 1
        seen: set[str] = set()
        for s, e in dict.fromkeys(spans[:_EDGE_LINES] + spans[-_EDGE_LINES:]):
            line = text[s:e].strip()
            key = _DIGITS.sub("#", line)
            if (key not in seen and len(key) <= _RUNNING_MAX and key[-1] not in _TERMINAL
                    and not _HEADING_START.match(line)):
                seen.add(key)
                zones.setdefault(key, []).append((s, e))
    if pages < 2:
        return doc
    edits: list[Edit] = []
    for spans in zones.values():
        if len(spans) >= max(2, (pages + 1) // 2):
            edits.extend((s, e + 1 if text[e:e + 1] == "\n" else e, "", "running_line") for s, e in spans)
    return _apply(doc, edits)


def step_controls(doc: _Doc) -> _Doc:
    """Unify newlines (CR, CRLF, form feed) and spaces; drop zero-width and control characters
    and U+FFFD (the mark of a character cut in half by the publisher)."""
    doc = _sub(doc, _NEWLINES, "\n")
    doc = _sub(doc, _ZERO_WIDTH, "")
    return _sub(doc, _ODD_SPACE, " ")


# radicals, squared forms, compatibility ideographs, and the Latin ligatures (ﬁ ﬂ) pdfminer emits
_COMPAT = re.compile("[\u2e80-\u2fdf\u3300-\u33ff\uf900-\ufaff\ufb00-\ufb06]")


@lru_cache(maxsize=1024)
def _compat_char(ch: str) -> str:
    """The character a radical or compatibility form stands for, or ``ch`` itself.

    Squared forms (U+3300–U+33FF) change only when they hold Chinese (㍻ → 平成): ㎡ and ㎏ stay,
    they are units the metric rules know as written.
    """
    out = radicals().get(ch) or unicodedata.normalize("NFKC", ch)
    if "\u3300" <= ch <= "\u33ff" and not any(_is_han(c) for c in out):
        return ch
    return out


def step_compat_forms(doc: _Doc) -> _Doc:
    """PDF text layers: Kangxi and supplement radicals, compatibility ideographs → characters
    (⼀、2020年⼯作总结 → 一、2020年工作总结), so headings, years and words are seen. Runs before
    simplification, which does not know these code points."""
    if not _COMPAT.search(doc.text):
        return doc
    return _sub(doc, _COMPAT, lambda m: _compat_char(m.group(0)))


def step_simplify(doc: _Doc) -> _Doc:
    """Traditional → simplified (OpenCC t2s), keeping a character-exact map.

    The whole text converts in one call; where a phrase conversion changes a line's length,
    that line is converted character by character instead (losing only the rare
    multi-character phrase conversions, never the alignment).
    """
    cc = converter("t2s")
    text = doc.text
    if text.isascii():
        return doc
    conv = cc.convert(text)
    if len(conv) != len(text):
        lines = []
        for line in text.split("\n"):
            c = cc.convert(line)
            if len(c) != len(line):
                c = "".join(x if len(x := cc.convert(ch)) == 1 else ch for ch in line)
            lines.append(c)
        conv = "\n".join(lines)
    edits: list[Edit] = []
    step = 256
    for base in range(0, len(text), step):  # compare in blocks: most text is already simplified
        a, b = text[base:base + step], conv[base:base + step]
        if a != b:
            edits.extend((base + k, base + k + 1, y, None)
                         for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    return _apply(doc, edits)


_FULLWIDTH = re.compile("[\uff01-\uff09\uff0b-\uff5e]")  # all but ＊ (U+FF0A, a redaction glyph)


def step_width(doc: _Doc) -> _Doc:
    """Full-width ASCII forms → half-width (，→, （→( ０→0 Ａ→A); ＊ is left alone."""
    return _sub(doc, _FULLWIDTH, lambda m: chr(ord(m.group(0)) - 0xFEE0))


def step_inline_noise(doc: _Doc) -> _Doc:
    for rule, pat, requires in noise_rules().inline:
        if requires in doc.text:
            doc = _sub(doc, pat, "", rule)
    return doc


def step_noise_lines(doc: _Doc) -> _Doc:
    """Drop site furniture lines (metadata, footers, keyword lines, spam) and related lists."""
    rules = noise_rules()
    spans = _lines(doc.text)
    drop: dict[int, str] = {}
    for i, (s, e) in enumerate(spans):
        line = doc.text[s:e].strip()
        if not line:
            continue
        for r in rules.lines:
            if len(line) <= r.max_len and r.requires in line and r.pattern.search(line):
                drop[i] = r.rule
                break
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
    return _drop_lines(doc, drop)


_DOUBLED_HAN = re.compile(f"(?:([{_HAN}])\\1){{3,}}")
# (?<!\d)((?:19|20)\d\d)\1(?!\d), written to open with a literal digit so the regex engine
# skips ahead to a 1 or 2 instead of trying the lookbehind at every character
_DOUBLED_YEAR = re.compile(r"((?:1(?<!\d1)9|2(?<!\d2)0)\d\d)\1(?!\d)")


def step_doubled(doc: _Doc) -> _Doc:
    """PDF bold-by-overprint artifacts: 精精选选教教育育 → 精选教育, 20192019 → 2019."""
    doc = _sub(doc, _DOUBLED_HAN, lambda m: m.group(0)[::2], "doubled_chars")
    return _sub(doc, _DOUBLED_YEAR, r"\1", "doubled_year")


@dataclass(frozen=True)
class _Marker:
    value: int
    start: int  # first digit
    end: int  # after the 、 and the spaces that follow it
    gap_start: int  # after the last non-space character before the marker (0 at the text start)
    resume: int  # the first non-space character after it
    mid: bool  # sits where no sentence ended
    join: bool  # the text around it is one sentence: drop the break before it too


def _page_markers(text: str, rule: _PageRule) -> list[_Marker]:
    """Candidate markers, each judged by its surroundings (a regex and a few index lookups)."""
    out: list[_Marker] = []
    for m in rule.pattern.finditer(text):
        start, end = m.start(), m.end()
        while end < len(text) and text[end] == " ":
            end += 1
        after = end  # the text the marker interrupted resumes here
        while after < len(text) and text[after].isspace():
            after += 1
        gap_start = start
        while gap_start and text[gap_start - 1].isspace():
            gap_start -= 1
        nxt = text[after:after + 1]
        if gap_start == 0:  # the first marker opens the text
            out.append(_Marker(int(m.group(1)), start, end, 0, after, True, False))
            continue
        prev = text[gap_start - 1]
        line = text[text.rfind("\n", 0, gap_start) + 1:gap_start].strip()
        ended = (prev in _TERMINAL or _TITLE_END.search(line) is not None
                 or (len(line) <= 40 and _HEADING_START.match(line) is not None))
        continues = bool(nxt) and nxt in rule.no_item_start
        mid = continues or not ended
        # page 1 opens the body (after the export's title line at most): never joined to it
        join = (mid and not ended and bool(nxt) and m.group(1) != "1"
                and not _HEADING_START.match(text[after:after + 24]))
        out.append(_Marker(int(m.group(1)), start, end, gap_start, after, mid, join))
    return out


def _best_chain(markers: list[_Marker], min_gap: int) -> list[_Marker]:
    """The chain 1, 2, 3 … in text order scoring most (+1 a member mid-sentence, -1 one at a
    sentence end, so list items join only to bridge two pages), starting mid-sentence or at the
    text start, consecutive members at least ``min_gap`` apart. Dynamic programming over the
    values, each a sorted prefix maximum."""
    by_value: dict[int, list[int]] = {}
    for i, mk in enumerate(markers):
        by_value.setdefault(mk.value, []).append(i)
    score: dict[int, int] = {}
    back: dict[int, int | None] = {}
    prev_ids: list[int] = []
    v = 1
    while v in by_value:
        ids = by_value[v]
        if v == 1:  # page 1 opens the text or breaks a sentence; a list's 1、 follows an end
            ids = [i for i in ids if markers[i].mid]
            for i in ids:
                score[i], back[i] = 1, None
        else:
            # prefix maximum of the previous value's scores in text order
            best_i: int | None = None
            k = 0
            for i in ids:  # both lists are in text order
                while k < len(prev_ids) and markers[prev_ids[k]].start + min_gap <= markers[i].start:
                    p = prev_ids[k]
                    if best_i is None or score[p] > score[best_i]:
                        best_i = p
                    k += 1
                if best_i is not None:
                    score[i] = score[best_i] + (1 if markers[i].mid else -1)
                    back[i] = best_i
            ids = [i for i in ids if i in score]
            if not ids:
                break
        prev_ids = ids
        v += 1
    if not score:
        return []
    end = max(score, key=lambda i: (score[i], markers[i].value))
    chain: list[_Marker] = []
    cur: int | None = end
    while cur is not None:
        chain.append(markers[cur])
        cur = back[cur]
    return chain[::-1]


def step_page_chain(doc: _Doc) -> _Doc:
    """Document-sharing exports: remove the run of page markers 1、 2、 3、 … (rules in noise.toml).

    A real numbered list restarts in each section and its items follow a sentence end; page
    markers count through the whole file, a page apart, mostly mid-sentence. Where a marker split
    a sentence (or a number: 3\n\n7、26.5万元), the break before it goes too and the text joins.
    """
    rule = noise_rules().page
    if rule is None or "、" not in doc.text:
        return doc
    chain = _best_chain(_page_markers(doc.text, rule), rule.min_gap)
    mids = sum(mk.mid for mk in chain)
    if len(chain) < 2 or mids < 2 or mids < rule.min_share * len(chain):
        return doc
    gaps = sorted(b.start - a.start for a, b in itertools.pairwise(chain))
    if gaps[len(gaps) // 2] < rule.min_median_gap:
        return doc
    edits: list[Edit] = [(mk.gap_start, mk.resume, "", rule.rule) if mk.join else (mk.start, mk.end, "", rule.rule)
                         for mk in chain]
    return _apply(doc, edits)


# a page number between two halves of a word: 部\n\n18、署 → 部署 (only after a long, unfinished
# line); without 、 the number must stand alone on its line, or 参训\n\n860人次 would lose its 860
_PAGE_MARK = re.compile(f"(?<=[{_HAN}])\\n[ ]*\\n[\\n ]*(\\d{{1,4}})(?:[、.．][ ]*\\n*|[ ]*\\n[\\n ]*)(?=[{_HAN}])")


def step_page_marks(doc: _Doc) -> _Doc:
    edits: list[Edit] = []
    for m in _PAGE_MARK.finditer(doc.text):
        line_start = doc.text.rfind("\n", 0, m.start()) + 1
        prev = doc.text[line_start:m.start()]
        if (int(m.group(1)) >= 2 and len(prev) >= 20 and not _HEADING_START.match(prev)
                and not _TITLE_END.search(prev)):
            edits.append((m.start(), m.end(), "", "page_number"))
    return _apply(doc, edits)


_TITLE_END = re.compile(r"(?:总结|计划|报告|要点|打算|汇报|方案|意见|通知|规划|篇[一二三四五六七八九十\d]+)$")
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|"
    r"[一二三四五六七八九十]+是|第[一二三四五六七八九十\d]+[章节部分篇条]|篇[一二三四五六七八九十\d]+|"
    r"范文|[①-⑳])"
)


def step_join_broken_lines(doc: _Doc) -> _Doc:
    """Re-join sentences a PDF or hard-wrapped text broke across lines.

    Only in documents that look hard-wrapped (most long lines stop without end punctuation), and
    only between a near-full-width line ending in a character and a line that is not a heading.
    In PDF text the wrapped line may come after blank lines or spaces (pdfminer puts each line
    in its own box when the line spacing is wide): they go too; elsewhere a blank line or an
    indent starts a paragraph.
    """
    spans = _lines(doc.text)
    lines = [doc.text[s:e].rstrip() for s, e in spans]
    long_lines = [ln for ln in lines if len(ln) >= 15]
    if len(long_lines) < 3:
        return doc
    open_ended = sum(1 for ln in long_lines if ln[-1] not in _TERMINAL)
    if open_ended / len(long_lines) < 0.5:
        return doc
    width = sorted(len(ln) for ln in long_lines)[int(0.8 * (len(long_lines) - 1))]
    if sum(len(ln) > 1.5 * width for ln in long_lines) > 0.1 * len(long_lines):
        return doc  # paragraphs far longer than the "width": lines end where paragraphs do
    pdf = doc.source.format == "pdf"
    edits: list[Edit] = []
    joined = 0  # length of what the lines before line i were joined into (0: line i starts a line)
    for i in range(len(lines) - 1):
        cur = lines[i]
        j = i + 1
        if pdf:
            while j < len(lines) - 1 and not lines[j].strip():
                j += 1
        nxt = lines[j].lstrip() if pdf else lines[j]
        # the line being judged is everything joined so far plus this one, so a chain of short
        # pieces after a long line joins in one pass, as it would over repeated passes
        if (joined + len(cur) >= max(15, int(0.75 * width)) and cur and cur[-1] not in _TERMINAL and nxt
                and re.match(f"[{_HAN}\\d“‘《(]", nxt) and not _HEADING_START.match(nxt)):
            edits.append((spans[i][0] + len(cur), spans[j][0] + len(lines[j]) - len(nxt), "", None))
            joined += len(cur)
        elif cur.strip() or not pdf:
            joined = 0
    return _apply(doc, edits)


_TITLE_TAIL_MAX = 12  # characters on the second line of a wrapped title
_HAN_CHAR = re.compile(f"[{_HAN}]")


def step_join_title(doc: _Doc) -> _Doc:
    """PDF only: a title printed large wraps early (…2021年工作总结及2022年 / 工作计划), shorter
    than the body width that step_join_broken_lines needs: join a line that does not end a
    sentence to a short next line that ends the way titles end."""
    if doc.source.format != "pdf":
        return doc
    spans = _lines(doc.text)
    edits: list[Edit] = []
    prev: int | None = None  # the last non-blank line
    for i, (s, e) in enumerate(spans):
        line = doc.text[s:e].strip()
        if not line:
            continue
        if prev is not None:
            ps, pe = spans[prev]
            head = doc.text[ps:pe].rstrip()
            if (len(line) <= _TITLE_TAIL_MAX and _TITLE_END.search(line) and not _HEADING_START.match(line)
                    and head.strip() and _HAN_CHAR.match(head[-1]) and not _TITLE_END.search(head)
                    and not _HEADING_START.match(head)):
                edits.append((ps + len(head), s + len(doc.text[s:e]) - len(doc.text[s:e].lstrip()), "", None))
        prev = i
    return _apply(doc, edits)


# spaces between Chinese text and Chinese text, digits or ASCII punctuation: each branch is
# (?<=[before])[ ]+(?=[after]), written to open with the space itself (the lookbehind then checks
# the character before it) so the regex engine jumps from space to space
_SPACE_CJK = re.compile(
    f"[ ](?:(?<=[{_HAN}{_CJK_PUNCT}][ ])[ ]*(?=[{_HAN}{_CJK_PUNCT}\\d])|(?<=[\\d][ ])[ ]*(?=[{_HAN}{_CJK_PUNCT}])"
    f"|(?<=[{_HAN}{_CJK_PUNCT}][ ])[ ]*(?=[%(),.:;])|(?<=[%(),.:;][ ])[ ]*(?=[{_HAN}]))"
)
_EDGE_SPACE = re.compile(r"^[ ]+|[ ]+$", re.M)
_MULTI_SPACE = re.compile(r"[ ]{2,}")
_BLANK_RUN = re.compile(r"\n[ ]*\n(?:[ ]*\n)+")
_DOC_EDGES = re.compile(r"^\s+|\s+$")


# spaces around a redaction token written inside Chinese text (在校学生 x 人, 投入 xx 万元): a
# run of x/X/×/* that is a word of its own, next to a Chinese character or %
_REDACTION_TOKEN = "[xX×*＊]{1,4}(?:\\.[xX×*＊]{1,3})?"
_SPACE_BEFORE_REDACTION = re.compile(f"(?<=[{_HAN}])[ ]+(?={_REDACTION_TOKEN}(?![A-Za-z]))")
_SPACE_AFTER_REDACTION = re.compile(f"(?<![A-Za-z])({_REDACTION_TOKEN})[ ]+(?=[{_HAN}%])")


def step_spaces(doc: _Doc) -> _Doc:
    """Drop spaces inside Chinese text (2017 年 → 2017年, 学生 x 人 → 学生x人), at line ends, and
    extra blank lines."""
    if " " in doc.text:  # the first four patterns only ever match spaces
        doc = _sub(doc, _EDGE_SPACE, "")
        doc = _sub(doc, _SPACE_CJK, "")
        doc = _sub(doc, _SPACE_BEFORE_REDACTION, "")
        doc = _sub(doc, _SPACE_AFTER_REDACTION, r"\1")
        doc = _sub(doc, _MULTI_SPACE, " ")
    if "\n" in doc.text:
        doc = _sub(doc, _BLANK_RUN, "\n\n")
    return _strip_doc(doc)


def _strip_doc(doc: _Doc) -> _Doc:
    """What _sub(doc, _DOC_EDGES, "") does (leading and trailing whitespace dropped, same edits),
    without scanning every whitespace run of the text for the end."""
    text = doc.text
    lead = len(text) - len(text.lstrip())  # str.strip and the regex's \s agree (str.isspace)
    edits: list[Edit] = [(0, lead, "", None)] if lead else []
    if lead < len(text):
        tail = len(text.rstrip())
        if tail < len(text):
            edits.append((tail, len(text), "", None))
    return _apply(doc, edits)


_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+")
LONG_LINE = 30


def step_dedupe(doc: _Doc) -> _Doc:
    """Keep repeated paragraphs once.

    A run of consecutive lines that all appeared before is dropped when it holds at least one
    long line (>= 30 characters): a reposted copy of a report or a paragraph pasted twice.
    Short repeats alone (headings such as 一、指导思想 in every report of a compilation) stay.
    """
    spans = _lines(doc.text)
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
        if any(len(keys[k]) >= LONG_LINE for k in run):
            drop.update({k: "repeated_paragraph" for k in run if keys[k]})
        i = j
    return _drop_lines(doc, drop)


STEPS: tuple[Callable[[_Doc], _Doc], ...] = (
    step_running_lines,
    step_controls,
    step_compat_forms,
    step_simplify,
    step_width,
    step_inline_noise,
    step_noise_lines,
    step_doubled,
    step_page_chain,
    step_page_marks,
    step_join_broken_lines,
    step_join_title,
    step_spaces,
    step_dedupe,
    step_spaces,
)


def clean_text(source: Source, steps: tuple[Callable[[_Doc], _Doc], ...] = STEPS) -> CleanText:
    """Run ``steps`` over ``source.text`` until nothing changes (at most MAX_PASSES passes)."""
    doc = _Doc(source, source.text, tuple(range(len(source.text) + 1)))
    for _ in range(MAX_PASSES):
        before = doc.text
        for step in steps:
            doc = step(doc)
        if doc.text == before:
            break
    return CleanText(source=source, text=doc.text, offset_map=doc.omap, removed=doc.removed)


def clean(source: Source) -> CleanText:
    """Cleaned, simplified text of ``source`` with its offset map and what was removed."""
    return clean_text(source)
