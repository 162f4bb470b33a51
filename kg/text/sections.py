"""Sections of one report body: headings, their nesting and kinds.

Headings are recognised by numbering style (一、 (一) 1. (1) ① 一是 第一部分), plus un-numbered part
headings (2022年工作计划) above them; nesting follows the order in which styles first appear, as
in a word-processor outline, and body paragraphs between headings do not change it. A heading's
own cue words give its kind (summary / plan / problems); without one it inherits its parent's
kind, or the kind of the last top-level cue. Paragraphs that open with a time lead ("下半年,
…将…") start a section too, which is how headless reports switch to their plan.
"""

from __future__ import annotations

import re

from kg.core.records import Span
from kg.text.segment_rules import SegmentRules, segment_rules
from kg.text.spans import line_list
from kg.text.years import RawSection, year_token


def heading_text(line: str, rules: SegmentRules) -> str:
    """A heading line up to its first full stop, at most ``heading_max_len`` characters."""
    m = re.search("[。;:!?]", line)
    head = line[: m.start()] if m else line
    return head[: rules.heading_max_len].rstrip(",、 ")


def _strip_numbering(head: str, rules: SegmentRules) -> str:
    for p in rules.heading_styles:
        m = p.match(head)
        if m:
            return head[m.end():].strip()
    return head


def kind_of(head: str, rules: SegmentRules) -> str | None:
    """The kind a heading's first clause names by its cue words (the first of kinds.order)."""
    clause = re.split("[,，]", _strip_numbering(head, rules), maxsplit=1)[0]
    if len(clause) > rules.kind_max_len:
        return None
    for kind in rules.kind_order:
        if rules.kind_cues[kind].search(clause):
            return kind
    return None


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
    return kind_of(line, rules) if plan != summary else None


def raw_sections(text: str, body: Span, default_kind: str | None,
                  rules: SegmentRules, plan_token: str | None = None) -> list[RawSection]:
    """Sections of one report body.

    A heading's depth is the rank of its numbering style among the styles open above it (the
    order they first appear); its parent is the nearest shallower heading still open. Body
    paragraphs, lead paragraphs included, never close a heading: "一、2021年工作总结 / 2021年,
    我局… / (一)… / 二、2022年工作计划" keeps 二、 at the top. Only a lead that switches kind
    against its top-level section (下一步,我局将… after a summary) closes the open headings; the
    style ranks stay, so a later 二、 is still top-level.
    """
    raws: list[RawSection] = []
    styles: list[int] = []  # style index per nesting depth
    stack: list[int] = []  # open headings, outermost first (raw indices, depths increasing)
    context = default_kind or "other"
    first = True
    for ln in line_list(text, *body):
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
            head = heading_text(ln.text, rules)
            own = kind_of(head, rules)
            if parent is not None and raws[parent].kind != "other":
                kind, explicit = raws[parent].kind, False
            elif own:
                kind, explicit = own, True
                if depth == 0:
                    context = own
            else:
                kind, explicit = context, False
            raws.append(RawSection(head, ln.start, kind, explicit, year_token(head, rules, period=True),
                                    depth, parent))
            stack.append(len(raws) - 1)
            first = False
            continue
        # a part heading opens a top-level part and numbered headings nest below it; once the
        # outline is numbered from the top it is body text (it could not be placed safely)
        part = _part_kind(ln.text, rules) if not styles or styles[0] == _PART else None
        if part:
            styles, stack, context = [_PART], [len(raws)], part
            raws.append(RawSection(ln.text, ln.start, part, True, year_token(ln.text, rules, period=True),
                                    0, None))
            first = False
            continue
        lead = next((k for k in ("plan", "summary") if rules.lead_cues[k].search(ln.text)), None)
        outer = raws[stack[0]].kind if stack else "other"
        if lead == "summary" and outer == "plan":
            lead = None  # "2023年,全县…" opening a plan section is the plan's own lead
        elif (lead == "summary" and not any(r.explicit_kind for r in raws) and default_kind == "plan"
              and plan_token is not None
              and year_token(ln.text.split(",", 1)[0], rules) == plan_token):
            lead = None  # 某局2018年工作要点 opening "2018年,是…之年": the plan's own lead
        if lead:
            if outer not in ("other", lead):
                stack = []  # the kind switches: the open headings end here
            context = lead
            m = re.search("[,:]", ln.text)
            raws.append(RawSection(None, ln.start, lead, True,
                                    year_token(ln.text[: m.start()] if m else ln.text, rules),
                                    -1, stack[-1] if stack else None))
            first = False
            continue
        if first:
            raws.append(RawSection(None, ln.start, context, False, None, -1, None))
            first = False
    return raws


def outline(text: str) -> list[tuple[str, int]]:
    """(heading, depth) of every numbered heading in ``text`` read as one report body: the
    nesting the section kinds and years follow (``kg inspect`` and tests)."""
    raws = raw_sections(text, (0, len(text)), None, segment_rules())
    return [(r.heading, r.depth) for r in raws if r.heading is not None]
