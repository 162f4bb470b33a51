"""Quantities and metrics: the number/unit/comparator grammar, then which quantities are metrics.

:func:`parse_quantities` is the pure grammar: Arabic numbers (1,234.5), Chinese numerals (两所, 十二个,
一百余), scales (2.92万名, 4.46亿元), ranges, 百分之X, 三分之一, X个百分点, %, and redacted numbers
(X, xx, x.xx, ×, *) with their comparators (以上 不低于 超过 近 约 余 多 左右 ...). It drops what is
not a count of work: dates and ages (no counter: 2022年, 5月, 3-5周岁), ordinals and rankings
(第一, 位列第二), numbers glued into names or codes (3+4, 2.0, “三会一课”, 《十四五规划》), and
Chinese-numeral idioms (一人担任, 四项原则).

Conventions (documented because eval and the graph depend on them):
- ``value``/``unit`` are as written: 2万余元 → value 2, unit 万元, comparator ~.
- ``base_value``/``base_unit``: the scale multiplied out; 名/人/位 → 人; % → ratio (value / 100);
  个百分点 → 百分点; 三分之一 → ratio 0.333333, unit 分之.
- A range 6—8所 gives two quantities over the same span: 6 with ``>=`` and 8 with ``<=``.

:func:`extract_metrics` turns the quantities of a report's sentences into :class:`kg.core.records.Metric`
with an indicator, status (planned by section kind or cue words), year and a minimal quote.
Rule data: ``kg/data/units.toml``, ``comparators.toml``, ``metric_rules.toml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from kg.core.chars import HAN_CHAR, REDACTION_GLYPHS
from kg.core.patterns import alternation
from kg.core.records import Comparator, Metric, Report, Sentence, Span
from kg.extract.metric_rules import comparators, metric_rules, units
from kg.text.segment_rules import segment_rules
from kg.text.years import compared, news_report, period_end_year

# --------------------------------------------------------------------------- numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# thousands grouped by commas (1,122) or, as print typesetting does, by a space (1 122)
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*"
REDACTED = rf"(?<![A-Za-z])[{re.escape(REDACTION_GLYPHS)}]+(?:\.[{re.escape(REDACTION_GLYPHS)}]+)?"


def chinese_to_int(s: str) -> int:
    """十二 → 12, 二十七 → 27, 一百零五 → 105, 三千 → 3000; a bare digit run (一二三) reads as digits."""
    if not any(ch in _CN_UNITS for ch in s):
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


_REDACTED_RE = re.compile(REDACTED)
_ARABIC_RE = re.compile(ARABIC)


def _number(text: str) -> tuple[Decimal | None, str]:
    """(value, kind) of one number token; kind is arabic, chinese or redacted."""
    if _REDACTED_RE.fullmatch(text):
        return None, "redacted"
    if _ARABIC_RE.fullmatch(text):
        return Decimal(text.replace(",", "").replace(" ", "")), "arabic"
    return Decimal(chinese_to_int(text)), "chinese"


def plain(v: Decimal) -> Decimal:
    """Drop trailing zeros without going to exponent form (29200, not 2.92E+4)."""
    v = v.normalize()
    return v.quantize(Decimal(1)) if v.as_tuple().exponent > 0 else v


class _ShadowTable(dict):
    """code point → its one-character NFKC form (or itself), filled on first sight, for str.translate."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        self[code] = value = n if len(n) == 1 else ch
        return value


_SHADOW = _ShadowTable()


def _shadow(text: str) -> str:
    """Same-length view with full-width digits, letters and signs folded (２０％ → 20%)."""
    return text.translate(_SHADOW)


@dataclass(frozen=True)
class Quantity:
    """One quantity as written. ``value`` None when redacted; ``unit`` = scale + counter (万元)."""

    span: Span
    value: Decimal | None
    unit: str
    scale: Decimal
    comparator: Comparator
    redacted: bool
    raw: str
    counter: str = ""  # unit without its scale (元 for 万元)
    base_unit: str = ""  # 人 for 名/人/位, ratio for %, 元 for 万元 ...
    kind: str = "arabic"  # arabic | chinese | redacted | fraction

    @property
    def base_value(self) -> Decimal | None:
        if self.value is None:
            return None
        v = self.value * self.scale
        if self.base_unit == "ratio" and self.counter == "%":
            v = v / 100
        return plain(v)


@lru_cache(maxsize=1)
def _grammar() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    u, c = units(), comparators()
    alt = alternation
    num = rf"(?:{ARABIC}|{CHINESE}|{REDACTED})"
    main = re.compile(
        rf"(?P<a>{num})(?:\s*(?P<sep>[-—–~～至到])\s*(?P<b>{num}))?"
        rf"(?P<bt1>{alt(c.between)})?(?P<scale>{alt(u.scales)})?(?P<bt2>{alt(c.between)})?"
        rf"(?P<counter>{alt(u.counters)})(?P<after>{alt(c.after)})?"
    )
    percent = re.compile(rf"百分之(?P<a>{CHINESE}|{ARABIC}|{REDACTED})(?P<after>{alt(c.after)})?")
    fraction = re.compile(rf"(?P<den>{CHINESE})分之(?P<num>{CHINESE})")
    return main, percent, fraction


@lru_cache(maxsize=1)
def _cue_lengths() -> tuple[int, ...]:
    """Lengths of the before-cues, longest first (the longest cue ending at a position wins)."""
    return tuple(sorted({len(c) for c in comparators().before}, reverse=True))


def _before_comparator(text: str, start: int) -> str | None:
    """The comparator cue written before a number: adjacent (超过800人), or for a two-character
    cue with a verb of one or two characters between (至少开设3门)."""
    c = comparators()
    cues = c.before
    for gap in range(c.gap_max + 1):
        end = start - gap
        if gap and (end < 0 or not all(HAN_CHAR.match(ch) and ch not in c.gap_stops
                                       for ch in text[end:start])):
            break
        for n in _cue_lengths():  # at most one cue of each length can end at ``end``
            if n <= end and (gap == 0 or n >= c.gap_min_cue):
                comp = cues.get(text[end - n:end])
                if comp is not None:
                    return comp
    return None


def _in_name(text: str, start: int, end: int) -> bool:
    """Inside a short bracketed name (“三会一课”, 《三年行动计划》)."""
    r = metric_rules()
    for a, b in r.name_brackets:
        o = text.rfind(a, 0, start)
        if o < 0:
            continue
        close = text.find(b, o + 1) if a == b else text.find(b, o + 1)
        if a == b:  # straight quotes: count how many before to know if we are inside
            if text.count(a, 0, start) % 2 == 0:
                continue
        if close >= end and text.rfind(b, o + 1, start) < 0 and close - o - 1 <= r.name_max_len:
            return True
    return False


def _not_metric(text: str, start: int, end: int, kind: str, counter: str, scale: str, value) -> bool:
    r = metric_rules()
    head, tail = text[max(0, start - r.window):start], text[end:end + r.window]
    if (r.nm_before.search(head) or r.rank_before.search(head) or r.nm_after.search(tail)
            or counter in r.rate_counters and r.rate_before.search(head)):
        return True
    if r.glue_before.search(head) or r.glue_after.search(tail) or r.counter_words.match(text, end - len(counter)):
        return True
    if kind == "chinese":
        if head[-1:] and (head[-1].isascii() and head[-1].isalnum() or head[-1] == "."):
            return True  # 工程2.0三所: the numeral is part of a name
        if value == 1:
            return True  # 一人担任, 一所学校
    if kind != "arabic" and r.abstract_nouns.search(tail):
        return True  # 四项原则, X项具体措施: a programme's shape, not a count of work
    if kind == "chinese" and r.plan_names.match(text, start):
        return True  # 十三五期间: a five-year plan's name
    if (kind == "chinese" and counter in r.spelled_counters and value is not None and value <= r.spelled_max
            and not r.spelled_object_after.search(tail)
            and (counter in r.phase_counters or not r.spelled_object_before.search(head))):
        return True  # 两个维护, 三支队伍, 二期工程: a slogan's or a name's number
    if counter in units().weak and not scale and kind != "arabic":
        return True  # 两类, 一批, xx届
    first_year, last_year = r.year_range
    if (kind == "arabic" and value is not None and first_year <= value <= last_year
            and r.year_like.search(text[end - len(counter):])):
        return True
    return _in_name(text, start, end)


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text`` that can be a metric, in order (see the module docstring)."""
    u = units()
    sh = _shadow(text)
    main, percent, fraction = _grammar()
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in percent.finditer(sh):
        value, kind = _number(m.group("a"))
        comp = comparators().after.get(m.group("after") or "") or _before_comparator(sh, m.start()) or "="
        if _not_metric(sh, m.start(), m.end(), "arabic", "%", "", None):
            continue
        out.append(Quantity((m.start(), m.end()), value, "%", Decimal(1), comp, kind == "redacted",
                            text[m.start():m.end()], "%", "ratio", kind))
        taken.append((m.start(), m.end()))
    for m in fraction.finditer(sh):
        if not free(m.start(), m.end()) or _in_name(sh, m.start(), m.end()):
            continue
        den, num = chinese_to_int(m.group("den")), chinese_to_int(m.group("num"))
        if den == 0:
            continue
        value = (Decimal(num) / Decimal(den)).quantize(Decimal("0.000001"))
        comp = _before_comparator(sh, m.start()) or "="
        out.append(Quantity((m.start(), m.end()), value, "分之", Decimal(1), comp, False,
                            text[m.start():m.end()], "分之", "ratio", "fraction"))
        taken.append((m.start(), m.end()))
    for m in main.finditer(sh):
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        a, b, sep, bt1, bt2, after, counter, scale = m.group("a", "b", "sep", "bt1", "bt2", "after",
                                                              "counter", "scale")
        scale = scale or ""
        a_val, a_kind = _number(a)
        if b and sep in "至到" and a_kind == "chinese":
            continue  # 一至三年级 and the like
        if _not_metric(sh, s, e, a_kind, counter, scale, a_val):
            continue
        unit = scale + counter
        mult = u.scales.get(scale, Decimal(1))
        between = bt1 or bt2
        comp = (comparators().after.get(after or "")
                or comparators().between.get(between or "")
                or _before_comparator(sh, s) or "=")
        base = u.counters[counter]
        raw = text[s:e]
        if b:
            b_val, b_kind = _number(b)
            out.append(Quantity((s, e), a_val, unit, mult, ">=", a_kind == "redacted", raw, counter, base, a_kind))
            out.append(Quantity((s, e), b_val, unit, mult, "<=", b_kind == "redacted", raw, counter, base, b_kind))
        else:
            out.append(Quantity((s, e), a_val, unit, mult, comp, a_kind == "redacted", raw, counter, base, a_kind))
        taken.append((s, e))
    out.sort(key=lambda q: (q.span, q.comparator != ">="))
    return out


# --------------------------------------------------------------------------- metrics

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_EDGE_PUNCT = re.compile(r"^[\s、,,]+|[\s、,,]+$")


_CHANGE_READ = 40  # characters before a figure read for the change it is written as (与上年相比，…)
_CLAUSE_END = re.compile(r"[,;。!?:\n]")  # what ends a clause (cleaned text has half-width , ; ! ? :)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from after the last clause mark before ``start`` (one
    search in the reversed prefix) to the first one at or after ``end``."""
    m = _CLAUSE_END.search(text[:start][::-1])
    s = start - m.start() if m else 0
    m = _CLAUSE_END.search(text, end)
    return s, m.start() if m else max(end, len(text))


def _status(sentence: str, q: Quantity, clause: tuple[int, int], kind: str, reviewed: int | None = None) -> str:
    """"planned" or "achieved"; ``reviewed``: the year a summary section reviews, by whose end a
    deadline (到2021年底) has passed."""
    r = metric_rules()
    before = sentence[:q.span[0]]
    if kind == "plan":
        # only its own clause can turn a quantity of a plan into a done one (已出台了5个文件)
        done = None
        for m in r.achieved_in_plan.finditer(sentence, clause[0], q.span[0]):
            done = m
        if done is not None and not r.planned_before.search(sentence, done.end(), q.span[0]):
            return "achieved"
        return "planned"
    cue = None
    for found in r.planned_before.finditer(before):
        deadline = r.horizon.fullmatch(found.group(0)) if kind == "summary" and reviewed is not None else None
        if deadline is None or int(deadline.group(1)) > reviewed:
            cue = found
    if cue is not None and not r.achieved_reset.search(before, cue.end()):
        return "planned"
    if r.planned_after.search(sentence, q.span[1], clause[1]):
        return "planned"
    return "achieved"


def _trim_quote(sentence: str, q: Quantity, clause: tuple[int, int]) -> tuple[int, int]:
    r = metric_rules()
    s, e = clause
    m = r.quote_prefix.match(sentence, s, q.span[0])
    # keep list markers and fillers out, but never the comparator written before the number
    if m and m.end() > s:
        s = min(m.end(), q.span[0])
    while s < q.span[0] and sentence[s] in " \t\u3000":
        s += 1
    if e - s > r.quote_max:
        # a bracket right after the figure holds other figures (共152所(中小学83所): cut it before
        # the words that say what this one counts
        bracket = re.match(r"\s*[(（]", sentence[q.span[1]:e])
        e = q.span[1] if bracket else e
    if e - s > r.quote_max:
        # about half on each side; what one side lacks goes to the other (a figure closing its
        # clause keeps the words before it: 共计可建成投入使用的…430所)
        s = max(s, min(q.span[0] - r.quote_max // 2, e - r.quote_max))
        e = min(e, max(q.span[1] + r.quote_max // 2, s + r.quote_max))
    return s, e


def _indicator(sentence: str, q: Quantity, clause: tuple[int, int], prev_end: int) -> str:
    r = metric_rules()
    left = sentence[max(clause[0], prev_end):q.span[0]]
    left = r.cue_words.sub("", left)
    left = r.strip_prefix.sub("", left)
    left = r.strip_suffix.sub("", left)
    cues = comparators().before
    for n in _cue_lengths():  # the longest cue the text ends with: at most one of each length
        if n <= len(left) and left[len(left) - n:] in cues:
            left = left[:-n]  # as left[:-len(cue)]
            break
    right = sentence[q.span[1]:clause[1]]
    m = r.object_end.search(right)
    right = right[: m.start()] if m else right
    if right and len(right) <= r.object_max_len:
        if r.examples_end.search(left):  # 新建城东小学、某幼儿园等7所学校: the verb, not an example's name
            opening = r.examples_verb.match(left)
            verb = opening.group(0) if opening else ""
        else:
            verb = left[-r.verb_len:] if left else ""
        ind = verb + right
    else:
        ind = left
    ind = _EDGE_PUNCT.sub("", ind)[-r.indicator_max_len:]
    return ind or q.counter


def _split_shared(indicators: list[str], sentence: str, qs: list[Quantity], clause: tuple[int, int]) -> list[str]:
    """幼儿园、小学教师本科率分别达到60%、85% → 幼儿园教师本科率, 小学教师本科率: one list item per number."""
    r = metric_rules()
    head = sentence[clause[0]:qs[0].span[0]]
    if r.respectively not in head or len(qs) < 2:
        return indicators
    items = r.after_respectively.sub("", head)
    items = r.strip_prefix.sub("", items).split(r.list_separator)
    if len(items) == len(qs) - 1:  # 覆盖率和占比分别达到75%和40%: the last item holds two
        cuts = list(r.list_last_separator.finditer(items[-1]))
        if cuts:
            last = items.pop()
            items += [last[: cuts[-1].start()], last[cuts[-1].end():]]
    if len(items) != len(qs) or not all(items):
        return indicators
    tail = items[-1][len(items[0]):] if len(items[-1]) > len(items[0]) else ""
    return [it + (tail if not it.endswith(tail) else "") for it in items]


def _sentences(report: Report):
    clean = report.clean
    for section in report.sections:
        sents = section.sentences or (Sentence(clean.text[section.span[0]:section.span[1]], section.span),)
        for sent in sents:
            yield section, sent


def _this_year(text: str, start: int, end: int, rules) -> bool:
    """Whether a relative word of the current year (今年, 年内) lies in ``text[start:end]``, no
    point of comparison."""
    return any(m.group(0) in rules.whole_year and not compared(m, rules)
               for m in rules.relative_re.finditer(text, start, end))


def _after_the_report(report: Report, year: int) -> bool:
    """Whether ``year`` is later than every year the report covers (known ones only)."""
    covered = [y for y in (report.summary_year, report.plan_year) if y is not None]
    return bool(covered) and year > max(covered)


def extract_metrics(report: Report) -> list[Metric]:
    """Every quantity of the bureau's work in ``report`` as a :class:`Metric` (initiative left None)."""
    clean = report.clean
    out: list[Metric] = []
    rules = metric_rules()
    period_before, part_in_sentence, part_in_bracket = rules.period_before, rules.part_in_sentence, rules.part_in_bracket
    opens_shares = rules.opens_shares
    change = rules.change
    news = news_report(report)
    seg_rules = segment_rules()
    # a news item that plans a year and reviews none announces a plan: its figures are planned
    # unless their own clause says done (目前已开工14所), as in a plan section
    plan_news = news and report.summary_year is None and report.plan_year is not None
    carried, last_section = False, None  # a share list (其中：…；…；…) runs on over its ；
    last_status = None  # of the previous sentence's figures: "planned" when all are
    plan_list = False  # the previous sentence planned a list's items (拟…，一是…), all its figures planned
    for section, sent in _sentences(report):
        text = sent.text
        carried = carried and section is last_section
        # a sentence going on with a plan's shares (其中…) after one all of whose figures are planned, or
        # with the items of a list a plan's cue opens (拟…，一是…；二是…)
        share_of_plan = section is last_section and (
            (last_status == "planned" and rules.plan_goes_on.match(text) is not None)
            or (plan_list and rules.next_item.match(text) is not None))
        last_section = section
        quantities = parse_quantities(text)
        shared: dict[int, str] = {}  # quantity index → indicator from a 分别 list
        by_clause: dict[tuple[int, int], list[int]] = {}
        clauses = [_clause(text, q.span[0], q.span[1]) for q in quantities]
        for i, clause in enumerate(clauses):
            by_clause.setdefault(clause, []).append(i)
        for clause, idx in by_clause.items():
            qs = [quantities[i] for i in idx]
            names = _split_shared([""] * len(qs), text, qs, clause)
            shared.update({i: n for i, n in zip(idx, names, strict=True) if n})
        for i, q in enumerate(quantities):
            clause = clauses[i]
            status = _status(text, q, clause, "plan" if plan_news else section.kind,
                             section.year if section.year is not None else report.summary_year)
            if status == "achieved" and share_of_plan and not metric_rules().achieved_reset.search(text, 0, q.span[0]):
                status = "planned"  # 2031年将新建学校12所。其中幼儿园6所…: the plan's breakdown (or next item)
            # a point of comparison (比2010年提高, 是2010年的2.5倍) is not the figure's year
            dated = [m for m in _YEAR.finditer(text, 0, q.span[0]) if not compared(m, seg_rules)]
            years = [int(m.group(1)) for m in dated]
            marks = [(m.start(), m.end()) for m in dated]
            ends = list(seg_rules.period_end.finditer(text, 0, q.span[0]))
            if ends and (not marks or ends[-1].start() > marks[-1][0]):
                # “十三五”末全旗入园率达到90%, 到“十四五”期末新增学位…: the period's last year
                years.append(period_end_year(ends[-1]))
                marks.append((ends[-1].start(), ends[-1].end()))
            this_year = news and status == "planned" and report.plan_year is not None and _this_year(
                text, marks[-1][1] if marks else 0, q.span[0], seg_rules)
            if this_year:
                year = report.plan_year  # 2022年新增…,今年将新增…: a news item's 今年 is the year it plans
            elif years:
                year = years[-1]
                # 2025年达到55% in a 2021 report: a target, whatever the verb (not a 2023年度课题's
                # figure: 年度 names a programme's round)
                if status == "achieved" and _after_the_report(report, year) and marks[-1][0] >= clause[0] \
                        and not text.startswith("度", marks[-1][1]) \
                        and not metric_rules().achieved_reset.search(text, marks[-1][1], q.span[0]):
                    status = "planned"
            elif section.period:
                year = None  # 二、“十三五”期间工作开展情况: figures over several years
            elif section.kind == "plan" and status == "achieved":
                year = report.summary_year  # done before the plan: not the plan section's year
            elif section.year is not None:
                year = section.year
            elif news:
                # a news item's sections have no year (kg.text.years.news_years): a plan is the plan
                # year's (a summary's, planning no year, its own year's), and so is the progress on
                # it of a news item that summarises no year
                first, second = (report.plan_year, report.summary_year) if status == "planned" \
                    else (report.summary_year, report.plan_year)
                year = first if first is not None else second
            else:
                year = report.plan_year if status == "planned" and section.kind == "plan" else report.summary_year
            prev = quantities[i - 1] if i else None
            prev_end = prev.span[1] if prev and prev.span[1] <= q.span[0] and prev.span[1] >= clause[0] else 0
            indicator = shared.get(i) or _indicator(text, q, clause, prev_end)
            if prev is not None and prev_end == q.span[0] and indicator == q.counter and prev.unit != q.unit:
                indicator = out[-1].indicator  # 建档立卡学生26人3.9万元: the money is those students'
            qs, qe = _trim_quote(text, q, clause)
            cspan = (sent.span[0] + qs, sent.span[0] + qe)
            out.append(Metric(
                indicator=indicator, value=q.value, unit=q.unit, base_value=q.base_value,
                base_unit=q.base_unit, comparator=q.comparator, year=year,
                status=status,  # type: ignore[arg-type]
                redacted=q.redacted, span=clean.original_span(cspan), quote=text[qs:qe],
                quote_original=clean.original_text(cspan),
                period=(section.period and not years) or any(
                    not seg_rules.period_end.match(text, m.start()) for m in period_before.finditer(text, 0, q.span[0])),
                part=((carried and not opens_shares.match(text, q.span[1]))
                      or part_in_sentence.search(text, 0, q.span[0]) is not None
                      or part_in_bracket.search(text, 0, q.span[0]) is not None),  # 共152所(…，幼儿园69所)
                # 比上年增加0.93万册, 净增1200人: a change against an earlier figure ([change])
                change=change.direction(text[max(0, q.span[0] - _CHANGE_READ):q.span[0]], q.base_unit),  # type: ignore[arg-type]
            ))
        carried = (carried or part_in_sentence.search(text) is not None) and text.rstrip().endswith(("；", ";"))
        if quantities:  # a sentence all of whose figures are planned
            last_status = "planned" if all(m.status == "planned" for m in out[-len(quantities):]) else "achieved"
            first = rules.first_item.search(text)
            plan_list = last_status == "planned" and (
                share_of_plan or (first is not None and rules.planned_before.search(text, 0, first.start()) is not None))
        elif share_of_plan:
            last_status, plan_list = None, False
    return out
