"""Page furniture a PDF or a document-sharing (文库) export leaves in the text: lines printed at
the top or foot of every page, and the page numbers where pages began."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from kg.core.chars import HAN_WIDE
from kg.text.cleandoc import TERMINAL, Doc, Edit, apply_edits, line_spans
from kg.text.noise import PageRule, noise_rules
from kg.text.segment_rules import segment_rules

_EDGE_LINES = 2  # lines at the top and at the foot of a page where running headers sit
_RUNNING_MAX = 60
_DIGITS = re.compile(r"\d+")


def step_running_lines(doc: Doc) -> Doc:
    """PDF only: lines printed at the top or foot of most pages (the page title and date a
    browser adds, a document header) interrupt the text at every page break. Pages are the form
    feeds pdfminer writes, so this runs before they become newlines; digits count as equal
    (page 1/3, 2/3). Numbered headings and sentences are never running lines."""
    cues = segment_rules()  # heading and title cues (segment.toml)
    text = doc.text
    if doc.source.format != "pdf" or "\x0c" not in text:
        return doc
    zones: dict[str, list[tuple[int, int]]] = {}
    pages = 0
    pos = 0
    for part in text.split("\x0c"):
        spans = [(pos + s, pos + e) for s, e in line_spans(part) if part[s:e].strip()]
        pos += len(part) + 1
        if not spans:
            continue
        pages += 1
        seen: set[str] = set()
        for s, e in dict.fromkeys(spans[:_EDGE_LINES] + spans[-_EDGE_LINES:]):
            line = text[s:e].strip()
            key = _DIGITS.sub("#", line)
            if (key not in seen and len(key) <= _RUNNING_MAX and key[-1] not in TERMINAL
                    and not cues.line_start.match(line)):
                seen.add(key)
                zones.setdefault(key, []).append((s, e))
    if pages < 2:
        return doc
    edits: list[Edit] = []
    for spans in zones.values():
        if len(spans) >= max(2, (pages + 1) // 2):
            edits.extend((s, e + 1 if text[e:e + 1] == "\n" else e, "", "running_line") for s, e in spans)
    return apply_edits(doc, edits)


@dataclass(frozen=True)
class _Marker:
    value: int
    start: int  # first digit
    end: int  # after the 、 and the spaces that follow it
    gap_start: int  # after the last non-space character before the marker (0 at the text start)
    resume: int  # the first non-space character after it
    mid: bool  # sits where no sentence ended
    join: bool  # the text around it is one sentence: drop the break before it too


def _page_markers(text: str, rule: PageRule) -> list[_Marker]:
    """Candidate markers, each judged by its surroundings (a regex and a few index lookups)."""
    cues = segment_rules()  # heading and title cues (segment.toml)
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
        ended = (prev in TERMINAL or cues.title_line_end.search(line) is not None
                 or (len(line) <= 40 and cues.line_start.match(line) is not None))
        continues = bool(nxt) and nxt in rule.no_item_start
        mid = continues or not ended
        # page 1 opens the body (after the export's title line at most): never joined to it
        join = (mid and not ended and bool(nxt) and m.group(1) != "1"
                and not cues.line_start.match(text[after:after + 24]))
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


def step_page_chain(doc: Doc) -> Doc:
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
    return apply_edits(doc, edits)


# a page number between two halves of a word: 部\n\n18、署 → 部署 (only after a long, unfinished
# line); without 、 the number must stand alone on its line, or 参训\n\n860人次 would lose its 860
_PAGE_MARK = re.compile(f"(?<=[{HAN_WIDE}])\\n[ ]*\\n[\\n ]*(\\d{{1,4}})(?:[、.．][ ]*\\n*|[ ]*\\n[\\n ]*)(?=[{HAN_WIDE}])")


def step_page_marks(doc: Doc) -> Doc:
    """A page number left between two halves of a word (_PAGE_MARK) goes, the halves join."""
    cues = segment_rules()  # heading and title cues (segment.toml)
    edits: list[Edit] = []
    for m in _PAGE_MARK.finditer(doc.text):
        line_start = doc.text.rfind("\n", 0, m.start()) + 1
        prev = doc.text[line_start:m.start()]
        if (int(m.group(1)) >= 2 and len(prev) >= 20 and not cues.line_start.match(prev)
                and not cues.title_line_end.search(prev)):
            edits.append((m.start(), m.end(), "", "page_number"))
    return apply_edits(doc, edits)
