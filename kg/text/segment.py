"""CleanText → reports → sections → sentences, with section kinds and years.

Reports: a compilation is split at its item markers (篇一, 范文(二), 第3篇, "…篇十四", also as PDF
bold rendering doubles them: 篇篇一一; or titles that repeat with a changing number); text before
the first item is a preface and goes. Without markers, the first report starts after its title
line and a new one needs strong evidence once the current one has a body: a title line naming a
place or bureau with a year, a speech opening, or 一、 restarting after 三、 with a new year. A
report whose body repeats an earlier one is dropped, so the pipeline sees each report once.

Sections: headings are recognised by numbering style (一、 (一) 1. (1) ① 一是 第一部分), plus
un-numbered part headings (2022年工作计划) above them; nesting follows the order in which styles
first appear, as in a word-processor outline, and body paragraphs between headings do not change
it. A heading's own cue words give its kind (summary / plan / problems); without one it inherits
its parent's kind, or the kind of the last top-level cue. Paragraphs that open with a time lead
("下半年, …将…") start a section too, which is how headless reports switch to their plan.

Years: explicit (2022年) → that year, unless a point of comparison (比2022年, 与2019年相比);
redacted (20xx年, xxxx年, X年) → None, never a guess; relative words (今年, 明年, 下半年 …) count
from the year summarised. Headings decide first, then the report's own title (which also gives
the year of a plan it declares but the text cuts off), then the most frequent explicit year in
the sections of that kind.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.core.chars import HAN_CHAR, SPACE_RUN
from kg.core.datafiles import compile_pattern, rule_file
from kg.core.errors import DataFileError
from kg.core.records import CleanText, Report, Section, SectionKind, Sentence, Span

_NUM = "[一二三四五六七八九十百零〇两\\d]+"
_TERMINAL = "。!?！？"
_TERMINAL_RE = re.compile(f"[{_TERMINAL}]")
# 2022年, and a school year written by its year: 2022学年(度)
_EXPLICIT_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*学?年(?!代|级)")
LEAD_AGENDA = 300  # where a speech states its agenda (这次会议的主要任务是…)
LEAD_CHARS = 30  # where a report opens with its own year: xxxx年,我局… | 一、20xx年工作总结
TEASER_SHARE = 0.6  # of a short item's shingles found in a later item twice its size: its teaser
MIN_BODY_HAN = 20  # a "report" with less Chinese text than this is furniture, not a report


# --------------------------------------------------------------------------- rule data


@dataclass(frozen=True)
class SegmentRules:
    item_markers: tuple[re.Pattern, ...]
    item_max_len: int
    title_cue: re.Pattern
    doubled: re.Pattern  # a doubled marker character (篇篇), written once before matching again
    report_title: re.Pattern
    glued_title: re.Pattern
    speech: re.Pattern
    restart_after: int
    heading_styles: tuple[re.Pattern, ...]
    heading_max_len: int
    part_max_len: int
    kind_order: tuple[str, ...]
    kind_cues: dict[str, re.Pattern]
    kind_max_len: int
    lead_cues: dict[str, re.Pattern]
    title_kind: dict[str, re.Pattern]
    relative: dict[str, int]
    redacted: re.Pattern
    relative_re: re.Pattern
    comparison_before: re.Pattern
    comparison_after: re.Pattern
    agenda_plan: re.Pattern
    cover_notice: re.Pattern
    cover_reach: int


_YEAR = "(?:\\d{4}学?|(?:19|20)[xX×*＊_]{1,2}|[xX×*＊_]{2,4})年"


def _rx(fname: str, where: str, pattern: object, cue: str = "") -> re.Pattern:
    if isinstance(pattern, str):
        pattern = pattern.replace("NUM", _NUM).replace("YEAR", _YEAR).replace("CUE", cue)
    return compile_pattern(fname, where, pattern)


def load_segment_rules(d: dict, fname: str = "segment.toml") -> SegmentRules:
    """Check the segmentation cues (a parsed segment.toml)."""
    try:
        items, heads, kinds, leads = d["items"], d["headings"], d["kinds"], d["leads"]
        titles, years, starts = d["titles"], d["years"], d["starts"]
        order = tuple(kinds["order"])
        cue = kinds["cue"]
        if not set(order) <= {"summary", "plan", "problems"}:
            raise DataFileError(f"kinds.order has unknown kinds {order}", path=fname,
                                hint="use summary, plan, problems")
        relative = {str(k): int(v) for k, v in years["relative"].items()}
        return SegmentRules(
            item_markers=tuple(_rx(fname, f"items.markers[{i}]", p)
                               for i, p in enumerate(items["markers"])),
            item_max_len=int(items["max_len"]),
            title_cue=_rx(fname, "items.title_cues", items["title_cues"]),
            doubled=_rx(fname, "items.doubled", f"({items['doubled']})\\1"),
            report_title=_rx(fname, "starts.report_title", starts["report_title"]),
            glued_title=_rx(fname, "starts.glued_title", starts["glued_title"]),
            speech=_rx(fname, "starts.speech", starts["speech"]),
            cover_notice=_rx(fname, "starts.cover_notice", starts["cover_notice"]),
            cover_reach=int(starts["cover_reach"]),
            restart_after=int(starts["restart_after"]),
            heading_styles=tuple(_rx(fname, f"headings.styles[{i}]", p)
                                 for i, p in enumerate(heads["styles"])),
            heading_max_len=int(heads["max_len"]),
            part_max_len=int(heads["part_max_len"]),
            kind_order=order,
            kind_cues={k: _rx(fname, f"kinds.{k}", kinds[k], cue) for k in order},
            kind_max_len=int(kinds["max_len"]),
            lead_cues={k: _rx(fname, f"leads.{k}", leads[k]) for k in ("plan", "summary")},
            title_kind={k: _rx(fname, f"titles.{k}", titles[k]) for k in ("plan", "summary")},
            relative=relative,
            redacted=_rx(fname, "years.redacted", years["redacted"]),
            relative_re=re.compile("|".join(sorted(map(re.escape, relative), key=len, reverse=True))),
            comparison_before=_rx(fname, "years.comparison_before", years["comparison_before"]),
            comparison_after=_rx(fname, "years.comparison_after", years["comparison_after"]),
            agenda_plan=_rx(fname, "years.agenda_plan", years["agenda_plan"]),
        )
    except KeyError as e:
        raise DataFileError(f"missing key {e}", path=fname,
                            hint="compare with the shipped kg/data/segment.toml") from e
    except (TypeError, ValueError, AttributeError) as e:
        raise DataFileError(f"malformed value ({e})", path=fname,
                            hint="compare with the shipped kg/data/segment.toml") from e


@lru_cache(maxsize=1)
def segment_rules() -> SegmentRules:
    return load_segment_rules(*rule_file("segment.toml"))


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str  # stripped


def _line_list(text: str, start: int = 0, end: int | None = None) -> list[_Line]:
    end = len(text) if end is None else end
    out: list[_Line] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        raw = text[pos:stop]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos = stop + 1
    return out


# --------------------------------------------------------------------------- reports


def _undouble(line: str, rules: SegmentRules) -> str:
    """篇篇一一 → 篇一, 范文( (一一) ) → 范文(一): a marker as PDF bold rendering doubles it."""
    return rules.doubled.sub(r"\1", re.sub(r"\s+", "", line))


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


def _numbered_titles(lines: list[_Line], rules: SegmentRules) -> list[int]:
    """Indices of title lines that repeat with a changing number (…总结1, …总结2)."""
    groups: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        if _is_title(ln.text, rules) and re.search(_NUM, ln.text):
            groups.setdefault(re.sub(_NUM, "#", ln.text), []).append(i)
    out: list[int] = []
    for idx in groups.values():
        numbers = {tuple(re.findall(_NUM, lines[i].text)) for i in idx}
        if len(idx) >= 2 and len(numbers) == len(idx):
            out.extend(idx)
    return sorted(out)


@dataclass(frozen=True)
class _Item:
    title: str | None
    body: Span
    own_title: bool = True  # False: the compilation's title, repeated with each item's number


def _split_items(text: str, rules: SegmentRules) -> list[_Item]:
    lines = _line_list(text)
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
    items: list[_Item] = []
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
        items.append(_Item(title, (min(body_start, stop), stop)))
    if len(items) > 1 and len({_shared_key(it.title or "") for it in items}) == 1:
        items = [replace(it, own_title=False) for it in items]
    return items


def _shared_key(title: str) -> tuple[str, tuple[str, ...]]:
    """Titles with equal keys differ at most in their item number: one collection title
    (…总结篇一, …总结篇二). Years count: 某县2021年工作总结 and 某县2022年工作总结 are two titles."""
    return re.sub(_NUM, "#", title), tuple(_EXPLICIT_YEAR.findall(title))


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
    head = _heading_text(line, rules)
    token = _year_token(head, rules)
    return n, _kind_of(head, rules), token if token and token.isdigit() else None


def _new_report(lines: list[_Line], i: int, run: _Run, first_title: str | None,
                rules: SegmentRules) -> tuple[int | None, int] | None:
    """(title line, first body line) when line ``i`` starts a new report, else None.

    Strong evidence only: an exact repeat of the first title (a reposted copy); once the current
    report has a body, a title line naming a place or bureau with a year; a speech opening; or
    一、 restarting after at least 三、 with the report's first heading kind and a new year. A
    title line after which the outline carries on is a page header, not a start.
    """
    text = lines[i].text
    if first_title is not None and text == first_title:
        if run.han < MIN_BODY_HAN:
            return None  # the title written again before any body: a page's furniture, no copy
        return None if _continues_outline(lines, i, run, rules) else (i, i + 1)
    if run.han < MIN_BODY_HAN:
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


def _continues_outline(lines: list[_Line], i: int, run: _Run, rules: SegmentRules) -> bool:
    """The title repeated mid-text is a page header when the text after it carries on the
    outline: a sub-heading ((一), 1.), the next top-level number (二、), or a first 一、 after a
    lead alone. A reposted copy starts over as the first one did: its lead paragraph, or 一、
    again when the first already had one."""
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    top = _top_heading(nxt, rules)
    if top is not None:
        return top[0] > 1 or run.top == 0
    return any(p.match(nxt) for p in rules.heading_styles[1:])




def _cover_title(lines: list[_Line], text: str, rules: SegmentRules) -> int | None:
    """The line where a report posted inside the notice issuing it starts: its own title, written
    after the notice (现将《X》印发给你们 … 附件 … X)."""
    m = rules.cover_notice.search(text, 0, rules.cover_reach)
    if m is None:
        return None
    name = SPACE_RUN.sub("", m.group(1))
    return next((i for i, ln in enumerate(lines) if ln.start >= m.end()
                 and _SUBTITLE.sub("", SPACE_RUN.sub("", ln.text)) == name), None)


def _sequence(lines: list[_Line], text: str, rules: SegmentRules) -> list[_Item]:
    """Reports one after another without item markers (usually just one): each opens with its
    title (one of the first lines for the first report, or the one after a notice issuing it),
    a speech opening or a restarted outline."""
    title_idx = _cover_title(lines, text, rules)
    if title_idx is None:
        title_idx = next((i for i, ln in enumerate(lines[:3]) if _is_title(ln.text, rules)), None)
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
        if run.han < MIN_BODY_HAN and not _is_title(line, rules):  # only "has a body yet" matters,
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
        items.append(_Item(_full_title(lines, t, rules), (min(start, stop), stop)))
    return items


_SUBTITLE = re.compile(r"^[—-]{1,2}")


_TITLE_JOINER = re.compile(r"^(?:和|及|与|暨|以及|并)")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|pdf|wps|txt|pptx?)$", re.I)  # 某某总结.docx, a file's name


def _title_goes_on(lines: list[_Line], t: int, rules: SegmentRules) -> bool:
    """A title wrapped onto the next line, which opens with a joiner and names a report too
    (某市教育局2013年工作总结 / 和2014年工作计划)."""
    return (t + 1 < len(lines) and bool(_TITLE_JOINER.match(lines[t + 1].text))
            and _is_title(lines[t + 1].text, rules))


def _full_title(lines: list[_Line], t: int | None, rules: SegmentRules) -> str | None:
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


def _trim(text: str, span: Span) -> Span:
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e)


_NOT_WORD = re.compile(r"[\W_]+")


def _shingles(text: str, n: int = 8) -> set[str]:
    t = _NOT_WORD.sub("", text)
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def _duplicate_of(sh: set[str], earlier: list[tuple[int, set[str]]]) -> int | None:
    for index, other in earlier:
        if sh and len(sh & other) >= 0.9 * len(sh):
            return index
    return None


# --------------------------------------------------------------------------- sections


@dataclass
class _RawSection:
    heading: str | None
    start: int
    kind: str  # summary | plan | problems | other
    explicit_kind: bool
    year_token: str | None  # first year expression in the heading
    depth: int
    parent: int | None  # index into the raw list


def _heading_text(line: str, rules: SegmentRules) -> str:
    m = re.search("[。;:!?]", line)
    head = line[: m.start()] if m else line
    return head[: rules.heading_max_len].rstrip(",、 ")


def _strip_numbering(head: str, rules: SegmentRules) -> str:
    for p in rules.heading_styles:
        m = p.match(head)
        if m:
            return head[m.end():].strip()
    return head


def _kind_of(head: str, rules: SegmentRules) -> str | None:
    clause = re.split("[,，]", _strip_numbering(head, rules), maxsplit=1)[0]
    if len(clause) > rules.kind_max_len:
        return None
    for kind in rules.kind_order:
        if rules.kind_cues[kind].search(clause):
            return kind
    return None


def _uncompared(matches: Iterator[re.Match], rules: SegmentRules) -> Iterator[re.Match]:
    """Year matches that are no point of comparison (比2022年提高, 与2019年相比, 较去年同期)."""
    for m in matches:
        text = m.string
        if (rules.comparison_before.search(text, max(0, m.start() - 4), m.start())
                or rules.comparison_after.match(text, m.end(), m.end() + 6)):
            continue
        yield m


def _explicit_years(text: str, rules: SegmentRules) -> Iterator[re.Match]:
    return _uncompared(_EXPLICIT_YEAR.finditer(text), rules)


def _year_token(text: str, rules: SegmentRules) -> str | None:
    """The first year expression in ``text``: '2022', 'REDACTED' or a relative word."""
    found: list[tuple[int, str]] = []
    m = next(_explicit_years(text, rules), None)
    if m:
        found.append((m.start(), m.group(1)))
    m = rules.redacted.search(text)
    if m:
        found.append((m.start(), "REDACTED"))
    m = next(_uncompared(rules.relative_re.finditer(text), rules), None)
    if m:
        found.append((m.start(), m.group(0)))
    return min(found)[1] if found else None


_PART = -1  # style index of an un-numbered part heading (always outermost)
_PUNCT = re.compile(r"[。,，;；:：!！?？、()（）《》“”\"]")


def _part_kind(line: str, rules: SegmentRules) -> str | None:
    """The kind an un-numbered part heading (2022年工作计划, 下半年工作打算) names, else None.
    It must say 总结/计划/… ([titles]): a bare 重点工作 line is too weak to re-kind what follows;
    a line naming both kinds (年度工作总结和计划) is a title, not a part."""
    line = line.rstrip(":")  # 2022年工作计划: is the same heading
    if len(line) > rules.part_max_len or _PUNCT.search(line):
        return None
    plan, summary = (bool(rules.title_kind[k].search(line)) for k in ("plan", "summary"))
    return _kind_of(line, rules) if plan != summary else None


def _raw_sections(text: str, body: Span, default_kind: str | None,
                  rules: SegmentRules, plan_token: str | None = None) -> list[_RawSection]:
    """Sections of one report body.

    A heading's depth is the rank of its numbering style among the styles open above it (the
    order they first appear); its parent is the nearest shallower heading still open. Body
    paragraphs, lead paragraphs included, never close a heading: "一、2021年工作总结 / 2021年,
    我局… / (一)… / 二、2022年工作计划" keeps 二、 at the top. Only a lead that switches kind
    against its top-level section (下一步,我局将… after a summary) closes the open headings; the
    style ranks stay, so a later 二、 is still top-level.
    """
    raws: list[_RawSection] = []
    styles: list[int] = []  # style index per nesting depth
    stack: list[int] = []  # open headings, outermost first (raw indices, depths increasing)
    context = default_kind or "other"
    first = True
    for ln in _line_list(text, *body):
        style = next((k for k, p in enumerate(rules.heading_styles) if p.match(ln.text)), None)
        if style is not None:
            if style in styles:
                depth = styles.index(style)
                del styles[depth + 1:]
            else:
                styles.append(style)
                depth = len(styles) - 1
            while stack and raws[stack[-1]].depth >= depth:
                stack.pop()
            parent = stack[-1] if stack else None
            head = _heading_text(ln.text, rules)
            own = _kind_of(head, rules)
            if parent is not None and raws[parent].kind != "other":
                kind, explicit = raws[parent].kind, False
            elif own:
                kind, explicit = own, True
                if depth == 0:
                    context = own
            else:
                kind, explicit = context, False
            raws.append(_RawSection(head, ln.start, kind, explicit, _year_token(head, rules),
                                    depth, parent))
            stack.append(len(raws) - 1)
            first = False
            continue
        # a part heading opens a top-level part and numbered headings nest below it; once the
        # outline is numbered from the top it is body text (it could not be placed safely)
        part = _part_kind(ln.text, rules) if not styles or styles[0] == _PART else None
        if part:
            styles, stack, context = [_PART], [len(raws)], part
            raws.append(_RawSection(ln.text, ln.start, part, True, _year_token(ln.text, rules),
                                    0, None))
            first = False
            continue
        lead = next((k for k in ("plan", "summary") if rules.lead_cues[k].search(ln.text)), None)
        outer = raws[stack[0]].kind if stack else "other"
        if lead == "summary" and outer == "plan":
            lead = None  # "2023年,全县…" opening a plan section is the plan's own lead
        elif (lead == "summary" and not raws and default_kind == "plan" and plan_token is not None
              and _year_token(ln.text.split(",", 1)[0], rules) == plan_token):
            lead = None  # 某局2018年工作要点 opening "2018年,是…之年": the plan's own lead
        if lead:
            if outer not in ("other", lead):
                stack = []  # the kind switches: the open headings end here
            context = lead
            m = re.search("[,:]", ln.text)
            raws.append(_RawSection(None, ln.start, lead, True,
                                    _year_token(ln.text[: m.start()] if m else ln.text, rules),
                                    -1, stack[-1] if stack else None))
            first = False
            continue
        if first:
            raws.append(_RawSection(None, ln.start, context, False, None, -1, None))
            first = False
    return raws


def outline(text: str) -> list[tuple[str, int]]:
    """(heading, depth) of every numbered heading in ``text`` read as one report body: the
    nesting the section kinds and years follow (``kg inspect`` and tests)."""
    raws = _raw_sections(text, (0, len(text)), None, segment_rules())
    return [(r.heading, r.depth) for r in raws if r.heading is not None]


# --------------------------------------------------------------------------- years


def _resolve(token: str | None, base: int | None, rules: SegmentRules) -> tuple[bool, int | None]:
    """(decided, year) for a year token; relative words need the base year."""
    if token is None:
        return False, None
    if token == "REDACTED":
        return True, None
    if token.isdigit():
        return True, int(token)
    if base is None:
        return True, None
    return True, base + rules.relative.get(token, 0)


def _vote(texts: list[str], rules: SegmentRules) -> tuple[bool, int | None]:
    """Most frequent explicit year in ``texts``; redactions outvoting it give None."""
    years: Counter[int] = Counter()
    redacted = 0
    for t in texts:
        for m in _explicit_years(t, rules):
            years[int(m.group(1))] += 1
        redacted += len(rules.redacted.findall(t))
    if not years:
        return (True, None) if redacted else (False, None)
    year, n = max(years.items(), key=lambda kv: (kv[1], -kv[0]))
    if redacted > n:
        return True, None
    return True, year


def _title_years(title: str | None, rules: SegmentRules) -> dict[str, str]:
    """Year token the title gives each kind, read from the text between one kind word and the
    previous: 2022年工作总结及2023年工作计划, 2022年工作总结及明年工作打算 (明年), 2023年上半年工作
    总结和下半年工作计划 (下半年). A kind word with no year before it gives none (no guessing)."""
    out: dict[str, str] = {}
    if not title:
        return out
    words = sorted((m.start(), m.end(), kind) for kind in ("summary", "plan")
                   for m in rules.title_kind[kind].finditer(title))
    prev = 0
    for start, end, kind in words:
        token = _year_token(title[prev:start], rules)
        if token and kind not in out:
            out[kind] = token
        prev = max(prev, end)
    return out


def _title_kind(title: str | None, rules: SegmentRules) -> str | None:
    if not title:
        return None
    plan = bool(rules.title_kind["plan"].search(title))
    summary = bool(rules.title_kind["summary"].search(title))
    if plan and not summary:
        return "plan"
    if summary and not plan:
        return "summary"
    return None


def _report_years(text: str, raws: list[_RawSection], spans: list[Span], title: str | None,
                  own_title: bool, rules: SegmentRules) -> tuple[int | None, int | None]:
    """Headings of a kind decide its year; then the report's own title, when it states the year
    (it also gives the plan year of a plan cut off or never written: …及明年工作打算); then the
    most frequent explicit year in the sections of that kind. A title shared by every item of a
    compilation (…总结篇一, …总结篇二) names the collection: it only fills in explicit years."""
    tokens = _title_years(title, rules)
    if any(t.isdigit() for t in tokens.values()):
        body = "".join(text[s:e] for s, e in spans)
        if (rules.redacted.search(body[:LEAD_CHARS])
                and not any(t + "年" in body for t in tokens.values() if t.isdigit())):
            # the body opens by hiding its year (20xx年, 20__年) and never writes the title's: a
            # year the publishing site put on a template's title, not the report's
            tokens = {k: t for k, t in tokens.items() if not t.isdigit()}
    s_secs = [k for k, r in enumerate(raws) if r.kind in ("summary", "problems", "other")]
    p_secs = [k for k, r in enumerate(raws) if r.kind == "plan"]

    def from_title(kind: str, base: int | None, explicit_only: bool) -> tuple[bool, int | None]:
        token = tokens.get(kind)
        if token is None or (explicit_only and not token.isdigit()):
            return False, None
        return _resolve(token, base, rules)

    def decide(idx: list[int], kind: str, base: int | None) -> tuple[bool, int | None]:
        for k in idx:  # headings and leads of that kind first, outermost first
            r = raws[k]
            if r.explicit_kind and r.year_token and (r.year_token.isdigit() or r.year_token == "REDACTED"):
                return _resolve(r.year_token, base, rules)
        if base is not None:  # relative words (下半年, 明年) count from the summary year
            for k in idx:
                r = raws[k]
                if r.explicit_kind and r.year_token:
                    return _resolve(r.year_token, base, rules)
        if own_title:
            decided, year = from_title(kind, base, explicit_only=True)
            if decided:
                return decided, year
        decided, year = _vote([text[spans[k][0]:spans[k][1]] for k in idx], rules)
        if decided:
            return decided, year
        return from_title(kind, base, explicit_only=not own_title)

    summary_year = None
    if s_secs:
        _, summary_year = decide(s_secs, "summary", None)
    plan_year = None
    if p_secs:
        decided, plan_year = decide(p_secs, "plan", summary_year)
        if not decided and summary_year is not None:
            plan_year = _relative_plan_year(text, [spans[k] for k in p_secs], summary_year, rules)
    elif own_title:  # the title declares a plan the text does not hold
        _, plan_year = from_title("plan", summary_year, explicit_only=False)
    if plan_year is None and summary_year is not None:
        # a speech says what its meeting is for: 总结2013年工作,安排部署2014年工作
        m = rules.agenda_plan.search(text, spans[0][0], spans[0][0] + LEAD_AGENDA) if spans else None
        token = m.group(1) if m else None
        if token and token[0].isdigit() and int(token[:4]) > summary_year:
            plan_year = int(token[:4])
        elif token and token in rules.relative:
            plan_year = summary_year + rules.relative[token]  # 下半年 plans the summary's own year
    return summary_year, plan_year


def _relative_plan_year(text: str, spans: list[Span], base: int, rules: SegmentRules) -> int | None:
    words: Counter[int] = Counter()
    for s, e in spans:
        for m in _uncompared(rules.relative_re.finditer(text, s, e), rules):
            words[rules.relative[m.group(0)]] += 1
    if not words:
        return None
    return base + max(words.items(), key=lambda kv: (kv[1], -abs(kv[0])))[0]


# --------------------------------------------------------------------------- sentences

_SENTENCE = re.compile(r"[^。!?！？;；\n]+[。!?！？;；]*")


MAX_SENTENCE = 400  # longer "sentences" are artifacts (lost punctuation, spam): cut them
_CLAUSE_BREAK = re.compile(r"[,，、:：]")


def _bounded(text: str, s: int, e: int) -> list[Span]:
    """Cut an over-long run at its last clause mark before MAX_SENTENCE (else at the limit), so
    per-sentence work stays linear in the file size."""
    out: list[Span] = []
    while e - s > MAX_SENTENCE:
        cut = s + MAX_SENTENCE
        marks = [m.end() for m in _CLAUSE_BREAK.finditer(text, s + MAX_SENTENCE // 2, cut)]
        cut = marks[-1] if marks else cut
        out.append((s, cut))
        s = cut
    out.append((s, e))
    return out


def sentences(text: str, span: Span) -> tuple[Sentence, ...]:
    """Sentences of ``text[span]`` split on 。！？； and newlines, with clean-text spans."""
    out: list[Sentence] = []
    for m in _SENTENCE.finditer(text, span[0], span[1]):
        for piece in _bounded(text, m.start(), m.end()):
            s, e = _trim(text, piece)
            if e > s:
                out.append(Sentence(text[s:e], (s, e)))
    return tuple(out)


# --------------------------------------------------------------------------- entry point


def _build_report(clean: CleanText, item: _Item, index: int, rules: SegmentRules) -> Report:
    text = clean.text
    body = _trim(text, item.body)
    default_kind = _title_kind(item.title, rules)
    raws = _raw_sections(text, body, default_kind, rules, _title_years(item.title, rules).get("plan"))
    starts = [r.start for r in raws] + [body[1]]
    spans = [_trim(text, (starts[k], starts[k + 1])) for k in range(len(raws))]
    summary_year, plan_year = _report_years(text, raws, spans, item.title, item.own_title, rules)

    years: list[int | None] = []
    sections: list[Section] = []
    for k, r in enumerate(raws):
        base = plan_year if r.kind == "plan" else summary_year
        decided, y = _resolve(r.year_token, summary_year, rules)
        if not decided:
            y = years[r.parent] if r.parent is not None else base
        years.append(y)
        kind: SectionKind = r.kind  # type: ignore[assignment]
        sections.append(Section(kind=kind, year=y, heading=r.heading, span=spans[k],
                                sentences=sentences(text, spans[k])))
    return Report(clean=clean, index=index, title=item.title, span=body, sections=tuple(sections),
                  summary_year=summary_year, plan_year=plan_year)


def _peel_glued_title(text: str, item: _Item, rules: SegmentRules) -> _Item:
    """A title run into the first line of the body (文库 exports) leaves the body and, when the
    item has none, becomes its title; written twice in a row it counts once."""
    s, e = item.body
    m = rules.glued_title.match(text[s:min(e, s + 200)])  # ^ anchors at a slice's start only
    if not m:
        return item
    title = m.group(1)
    half = len(title) // 2
    if len(title) % 2 == 0 and title[:half] == title[half:]:
        title = title[:half]
    return replace(item, title=item.title or title, body=(s + m.end(1), e))


def segment(clean: CleanText) -> list[Report]:
    """Reports in ``clean`` (1-based ``index``), each once, with sections and years."""
    rules = segment_rules()
    reports: list[Report] = []
    earlier: list[tuple[int, set[str]]] = []
    items = [_peel_glued_title(clean.text, replace(item, body=_trim(clean.text, item.body)), rules)
             for item in _split_items(clean.text, rules)]
    # shingles only matter when another item is there (most files hold one report)
    shingles = [_shingles(clean.text[slice(*it.body)]) for it in items] if len(items) > 1 else [set()]
    for k, item in enumerate(items):
        body_text = clean.text[item.body[0]:item.body[1]]
        if not _has_han(body_text, MIN_BODY_HAN):
            continue
        sh = shingles[k]
        if _duplicate_of(sh, earlier) is not None:
            continue
        if any(len(shingles[j]) >= 2 * len(sh) and len(sh & shingles[j]) >= TEASER_SHARE * len(sh)
               for j in range(k + 1, len(items))):
            continue  # a site's teaser of a report printed in full after it (文章导读)
        report = _build_report(clean, item, len(reports) + 1, rules)
        earlier.append((report.index, sh))
        reports.append(report)
    return reports


def _has_han(text: str, n: int) -> bool:
    """At least ``n`` Chinese characters (stops counting there)."""
    return sum(1 for _ in itertools.islice(HAN_CHAR.finditer(text), n)) >= n
