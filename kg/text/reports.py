"""A clean text → the reports in it (title and body span each).

A compilation is split at its item markers (篇一, 范文(二), 第3篇, "…篇十四", also as PDF bold
rendering doubles them: 篇篇一一; or titles that repeat with a changing number); text before the
first item is a preface and goes. Without markers, the first report starts after its title line
(or after the notice that issues it) and a new one needs strong evidence once the current one has
a body: a title line naming a place or bureau with a year, a speech opening, or 一、 restarting
after 三、 with a new year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kg.core.chars import HAN_CHAR, SPACE_RUN
from kg.core.records import Span
from kg.text.sections import heading_text, kind_of
from kg.text.segment_rules import NUM, SegmentRules
from kg.text.spans import Line, line_list
from kg.text.years import EXPLICIT_YEAR, year_token

_TERMINAL = "。!?！？"
_TERMINAL_RE = re.compile(f"[{_TERMINAL}]")


def _undouble(line: str, rules: SegmentRules) -> str:
    """篇篇一一 → 篇一, 范文( (一一) ) → 范文(一): a marker as PDF bold rendering doubles it."""
    return rules.doubled.sub(r"\1", SPACE_RUN.sub("", line))


def _marker_line(line: str, rules: SegmentRules) -> str | None:
    """The marker line, undoubled when that form is a marker too (篇篇一一 also matches as
    篇+一一), else None."""
    if len(line) > rules.item_max_len:
        return None
    for form in (_undouble(line, rules), line):
        if any(p.search(form) for p in rules.item_markers):
            return form
    return None


def _is_marker(line: str, rules: SegmentRules) -> bool:
    return _marker_line(line, rules) is not None


def _is_heading(line: str, rules: SegmentRules) -> bool:
    return any(p.match(line) for p in rules.heading_styles)


def _is_title(line: str, rules: SegmentRules) -> bool:
    """A short line without sentence punctuation that names a report (…工作总结)."""
    return (len(line) <= 60 and not any(c in line[:-1] for c in _TERMINAL + ",;")
            and bool(rules.title_cue.search(line)) and not _is_heading(line, rules))


def _is_report_title(line: str, rules: SegmentRules) -> bool:
    """A title strong enough to start a report mid-text: it names a place or bureau and a year."""
    return _is_title(line, rules) and bool(rules.report_title.search(line))


def _numbered_titles(lines: list[Line], rules: SegmentRules) -> list[int]:
    """Indices of title lines that repeat with a changing number (…总结1, …总结2)."""
    groups: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        if _is_title(ln.text, rules) and re.search(NUM, ln.text):
            groups.setdefault(re.sub(NUM, "#", ln.text), []).append(i)
    out: list[int] = []
    for idx in groups.values():
        numbers = {tuple(re.findall(NUM, lines[i].text)) for i in idx}
        if len(idx) >= 2 and len(numbers) == len(idx):
            out.extend(idx)
    return sorted(out)


@dataclass(frozen=True)
class Item:
    """A report's title and the span of its body in the clean text."""

    title: str | None
    body: Span
    own_title: bool = True  # False: the compilation's title, repeated with each item's number


def split_items(text: str, rules: SegmentRules) -> list[Item]:
    lines = line_list(text)
    if not lines:
        return []
    starts = [i for i, ln in enumerate(lines) if _is_marker(ln.text, rules)]
    if not starts:
        starts = _numbered_titles(lines, rules)
        if starts:  # other reports' own titles may sit between them (乙县… among 甲市…2017/2018)
            starts = sorted({*starts, *(i for i in range(starts[0] + 1, len(lines))
                                        if _is_report_title(lines[i].text, rules))})
    if not starts:
        return _sequence(lines, text, rules)
    items: list[Item] = []
    for k, i in enumerate(starts):
        stop = lines[starts[k + 1]].start if k + 1 < len(starts) else len(text)
        title = _marker_line(lines[i].text, rules) or lines[i].text
        body_line = i + 1
        # a bare marker (篇一) followed by a title line: that line is the title
        if (body_line < len(lines) and lines[body_line].start < stop
                and len(_marker_rest(title, rules)) < 4 and _is_title(lines[body_line].text, rules)):
            title = lines[body_line].text
            body_line += 1
        body_start = lines[body_line].start if body_line < len(lines) else len(text)
        items.append(Item(title, (min(body_start, stop), stop)))
    if len(items) > 1 and len({_shared_key(it.title or "") for it in items}) == 1:
        items = [replace(it, own_title=False) for it in items]
    return items


def _shared_key(title: str) -> tuple[str, tuple[str, ...]]:
    """Titles with equal keys differ at most in their item number: one collection title
    (…总结篇一, …总结篇二). Years count: 某县2021年工作总结 and 某县2022年工作总结 are two titles."""
    return re.sub(NUM, "#", title), tuple(EXPLICIT_YEAR.findall(title))


def _marker_rest(line: str, rules: SegmentRules) -> str:
    rest = line
    for p in rules.item_markers:
        rest = p.sub("", rest)
    return rest.strip()


@dataclass
class _Run:
    """What the scan knows of the report being read: enough to tell a new report's start."""

    first: int  # line index of its first line (title or body)
    han: int = 0  # Chinese characters in its body so far
    top: int = 0  # highest top-level number (一、 二、 …) so far
    top_kind: str | None = None  # kind and explicit year of its first top-level heading
    top_year: str | None = None


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_DIGITS["〇"] = 0
_CN_DIGITS["两"] = 2


def _cn_int(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 7 → 7; None for anything else."""
    if numeral.isdigit():
        return int(numeral)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        t = _CN_DIGITS.get(tens) if tens else 1
        o = _CN_DIGITS.get(ones) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return _CN_DIGITS.get(numeral) if len(numeral) == 1 else None


_TOP_NUMBER = re.compile(r"([一二三四五六七八九十]+)\s*[、.]")


def _top_heading(line: str, rules: SegmentRules) -> tuple[int, str | None, str | None] | None:
    """(number, kind, explicit year) of a top-level 一、-style heading line, else None."""
    m = _TOP_NUMBER.match(line)
    if not m or not rules.heading_styles[0].match(line):
        return None
    n = _cn_int(m.group(1))
    if n is None:
        return None
    head = heading_text(line, rules)
    token = year_token(head, rules)
    return n, kind_of(head, rules), token if token and token.isdigit() else None


def _new_report(lines: list[Line], i: int, run: _Run, first_title: str | None,
                rules: SegmentRules) -> tuple[int | None, int] | None:
    """(title line, first body line) when line ``i`` starts a new report, else None.

    Strong evidence only: an exact repeat of the first title (a reposted copy); once the current
    report has a body, a title line naming a place or bureau with a year; a speech opening; or
    一、 restarting after at least 三、 with the report's first heading kind and a new year. A
    title line after which the outline carries on is a page header, not a start.
    """
    text = lines[i].text
    if first_title is not None and text == first_title:
        if run.han < rules.min_body_han:
            return None  # the title written again before any body: a page's furniture, no copy
        return None if _continues_outline(lines, i, run, rules) else (i, i + 1)
    if run.han < rules.min_body_han:
        return None
    if _is_report_title(text, rules):
        return None if _continues_outline(lines, i, run, rules) else (i, i + 1)
    title = i - 1 if i - 1 > run.first and _is_title(lines[i - 1].text, rules) else None
    if rules.speech.match(text):
        return title, i
    top = _top_heading(text, rules) if run.top >= rules.restart_after else None
    if (top and top[0] == 1 and top[1] is not None and top[1] == run.top_kind
            and top[2] is not None and run.top_year is not None and top[2] != run.top_year):
        return title, i
    return None


def _continues_outline(lines: list[Line], i: int, run: _Run, rules: SegmentRules) -> bool:
    """The title repeated mid-text is a page header when the text after it carries on the
    outline: a sub-heading ((一), 1.), the next top-level number (二、), or a first 一、 after a
    lead alone. A reposted copy starts over as the first one did: its lead paragraph, or 一、
    again when the first already had one."""
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    top = _top_heading(nxt, rules)
    if top is not None:
        return top[0] > 1 or run.top == 0
    return any(p.match(nxt) for p in rules.heading_styles[1:])




def _cover_title(lines: list[Line], text: str, rules: SegmentRules) -> int | None:
    """The line where a report posted inside the notice issuing it starts: its own title, written
    after the notice (现将《X》印发给你们 … 附件 … X)."""
    m = rules.cover_notice.search(text, 0, rules.cover_reach)
    if m is None:
        return None
    name = SPACE_RUN.sub("", m.group(1))
    return next((i for i, ln in enumerate(lines) if ln.start >= m.end()
                 and _SUBTITLE.sub("", SPACE_RUN.sub("", ln.text)) == name), None)


def _sequence(lines: list[Line], text: str, rules: SegmentRules) -> list[Item]:
    """Reports one after another without item markers (usually just one): each opens with its
    title (one of the first lines for the first report, or the one after a notice issuing it),
    a speech opening or a restarted outline."""
    title_idx = _cover_title(lines, text, rules)
    if title_idx is None:
        title_idx = next((i for i, ln in enumerate(lines[:3]) if _is_title(ln.text, rules)), None)
        if (title_idx is not None and any(_is_body_line(ln.text, rules) for ln in lines[:title_idx])
                and sum(len(HAN_CHAR.findall(ln.text)) for ln in lines[title_idx + 1:]) < rules.min_body_han):
            title_idx = None  # a title-like line closing the text (links to other reports) is not its title
    first_title = lines[title_idx].text if title_idx is not None else None
    begin = title_idx + 1 if title_idx is not None else 0
    if title_idx is not None and _title_goes_on(lines, title_idx, rules):
        begin += 1  # the title's second line (…2013年工作总结 / 和2014年工作计划) is no body
    bounds: list[tuple[int | None, int]] = [(title_idx, begin)]  # (title line, first body line)
    run = _Run(begin)
    for i in range(begin, len(lines)):
        cut = _new_report(lines, i, run, first_title, rules)
        if cut is not None:
            bounds.append(cut)
            run = _Run(cut[1] if cut[0] is None else cut[0])
            if cut[1] > i:  # a title line: nothing of it goes into the body
                continue
        line = lines[i].text
        if run.han < rules.min_body_han and not _is_title(line, rules):  # only "has a body yet" matters,
            run.han += len(HAN_CHAR.findall(line))  # and title lines written again are no body
        top = _top_heading(line, rules)
        if top:
            run.top = max(run.top, top[0])
            if run.top_kind is None and top[0] == 1:
                run.top_kind, run.top_year = top[1], top[2]
    # a "report" of nothing but title lines is a list of links to other reports: not a start;
    # untitled lines without a full stop before the first title are page furniture: a preface
    firsts = [min(x for x in bound if x is not None) for bound in bounds] + [len(lines)]
    bounds = [bound for k, bound in enumerate(bounds)
              if (k > 0 and not all(_is_title(ln.text, rules) for ln in lines[bound[1]:firsts[k + 1]]))
              or (k == 0 and (bound[0] is not None or len(bounds) == 1
                              or any(_TERMINAL_RE.search(ln.text) for ln in lines[:firsts[1]])))]
    items = []
    for k, (t, b) in enumerate(bounds):
        stop = (lines[min(x for x in bounds[k + 1] if x is not None)].start
                if k + 1 < len(bounds) else len(text))
        start = lines[b].start if b < len(lines) else len(text)
        items.append(Item(_full_title(lines, t, rules), (min(start, stop), stop)))
    return items


def _is_body_line(line: str, rules: SegmentRules) -> bool:
    """A line of running text: a sentence's end and a body's worth of Chinese (not 欢迎光临!)."""
    return bool(_TERMINAL_RE.search(line)) and len(HAN_CHAR.findall(line)) >= rules.min_body_han


_SUBTITLE = re.compile(r"^[—-]{1,2}")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|pdf|wps|txt|pptx?)$", re.I)  # 某某总结.docx, a file's name


def _title_goes_on(lines: list[Line], t: int, rules: SegmentRules) -> bool:
    """A title wrapped onto the next line, which opens with a joiner and names a report too
    (某市教育局2013年工作总结 / 和2014年工作计划), or which completes a first line broken after its
    joiner (某县2017年教育工作总结及2018年 / 工作要点)."""
    if t + 1 >= len(lines):
        return False
    after = lines[t + 1].text
    if rules.title_joiner.match(after):
        return _is_title(after, rules)
    return bool(rules.title_open_end.search(lines[t].text) and rules.title_tail.match(after)
                and rules.title_line_end.search(after))


def _full_title(lines: list[Line], t: int | None, rules: SegmentRules) -> str | None:
    """A subtitle (——在全市教育工作会议上的报告) goes with the headline above it, which names
    what the report is about (全面提升某地教育的整体水平); a wrapped title with its second line."""
    if t is None:
        return None
    title = _FILE_EXTENSION.sub("", lines[t].text)
    if _title_goes_on(lines, t, rules):
        title += lines[t + 1].text
    if t > 0 and _SUBTITLE.match(title):
        head = lines[t - 1].text
        if len(head) <= 40 and not _TERMINAL_RE.search(head):
            return head + title
    return title
