"""What a page's layout leaves in a PDF text layer or a hard-wrapped text: characters doubled by
bold-by-overprint, sentences broken across lines, and titles wrapped early."""

from __future__ import annotations

import re

from kg.core.chars import HAN_WIDE, HAN_WIDE_CHAR
from kg.text.cleandoc import TERMINAL, Doc, Edit, apply_edits, line_spans, sub
from kg.text.segment_rules import segment_rules

_DOUBLED_HAN = re.compile(f"(?:([{HAN_WIDE}])\\1){{3,}}")
# (?<!\d)((?:19|20)\d\d)\1(?!\d), written to open with a literal digit so the regex engine
# skips ahead to a 1 or 2 instead of trying the lookbehind at every character
_DOUBLED_YEAR = re.compile(r"((?:1(?<!\d1)9|2(?<!\d2)0)\d\d)\1(?!\d)")


def step_doubled(doc: Doc) -> Doc:
    """PDF bold-by-overprint artifacts: 精精选选教教育育 → 精选教育, 20192019 → 2019."""
    doc = sub(doc, _DOUBLED_HAN, lambda m: m.group(0)[::2], "doubled_chars")
    return sub(doc, _DOUBLED_YEAR, r"\1", "doubled_year")


def step_join_broken_lines(doc: Doc) -> Doc:
    """Re-join sentences a PDF or hard-wrapped text broke across lines.

    Only in documents that look hard-wrapped (most long lines stop without end punctuation), and
    only between a near-full-width line ending in a character and a line that is not a heading.
    In PDF text the wrapped line may come after blank lines or spaces (pdfminer puts each line
    in its own box when the line spacing is wide): they go too; elsewhere a blank line or an
    indent starts a paragraph.
    """
    cues = segment_rules()  # heading and title cues (segment.toml)
    spans = line_spans(doc.text)
    lines = [doc.text[s:e].rstrip() for s, e in spans]
    long_lines = [ln for ln in lines if len(ln) >= 15]
    if len(long_lines) < 3:
        return doc
    open_ended = sum(1 for ln in long_lines if ln[-1] not in TERMINAL)
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
        if (joined + len(cur) >= max(15, int(0.75 * width)) and cur and cur[-1] not in TERMINAL and nxt
                and re.match(f"[{HAN_WIDE}\\d“‘《(]", nxt) and not cues.line_start.match(nxt)):
            edits.append((spans[i][0] + len(cur), spans[j][0] + len(lines[j]) - len(nxt), "", None))
            joined += len(cur)
        elif cur.strip() or not pdf:
            joined = 0
    return apply_edits(doc, edits)


_TITLE_TAIL_MAX = 12  # characters on the second line of a wrapped title


def step_join_title(doc: Doc) -> Doc:
    """PDF only: a title printed large wraps early (…2021年工作总结及2022年 / 工作计划), shorter
    than the body width that step_join_broken_lines needs: join a line that does not end a
    sentence to a short next line that ends the way titles end."""
    cues = segment_rules()  # heading and title cues (segment.toml)
    if doc.source.format != "pdf":
        return doc
    spans = line_spans(doc.text)
    edits: list[Edit] = []
    prev: int | None = None  # the last non-blank line
    for i, (s, e) in enumerate(spans):
        line = doc.text[s:e].strip()
        if not line:
            continue
        if prev is not None:
            ps, pe = spans[prev]
            head = doc.text[ps:pe].rstrip()
            if (len(line) <= _TITLE_TAIL_MAX and cues.title_line_end.search(line)
                    and not cues.line_start.match(line) and head.strip() and HAN_WIDE_CHAR.match(head[-1]) and not cues.title_line_end.search(head)
                    and not cues.line_start.match(head)):
                edits.append((ps + len(head), s + len(doc.text[s:e]) - len(doc.text[s:e].lstrip()), "", None))
        prev = i
    return apply_edits(doc, edits)
