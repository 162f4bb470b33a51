"""Years of a report and its sections.

Explicit (2022年) → that year, unless a point of comparison (比2022年, 与2019年相比); redacted
(20xx年, xxxx年, X年) → None, never a guess; relative words (今年, 明年, 下半年 …) count from the
year summarised. Headings decide first, then the report's own title (which also gives the year of
a plan it declares but the text cuts off), then the most frequent explicit year in the sections of
that kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from kg.core.records import Report, Span
from kg.text.segment_rules import SegmentRules, segment_rules
from kg.text.spans import sentences


@dataclass
class RawSection:
    """A section as the outline scan (kg.text.sections) finds it, before its span and year are
    settled; defined here, where its year is settled, so years does not import sections."""

    heading: str | None
    start: int
    kind: str  # summary | plan | problems | other
    explicit_kind: bool
    year_token: str | None  # first year expression in the heading
    depth: int
    parent: int | None  # index into the raw list


# 2022年, and a school year written by its year: 2022学年(度)
# 2021年, 2021学年, and 2021 written straight before a part of the year (2021上半年, 2021第三季度)
EXPLICIT_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:学?年(?!代|级)|(?=[上下]半年|第[一二三四]季度))")


def compared(m: re.Match, rules: SegmentRules) -> bool:
    """Whether a year match is a point of comparison (比2022年提高, 与2019年相比, 是2010年的2.5倍) or a
    founding date (成立于1954年): no year a report or a figure is about."""
    text = m.string
    return bool(rules.comparison_before.search(text, max(0, m.start() - 4), m.start())
                or rules.founded_before.search(text, max(0, m.start() - 4), m.start())
                or rules.comparison_after.match(text, m.end(), m.end() + 6))


def _uncompared(matches: Iterator[re.Match], rules: SegmentRules) -> Iterator[re.Match]:
    """Year matches that are no point of comparison."""
    return (m for m in matches if not compared(m, rules))


def _explicit_years(text: str, rules: SegmentRules) -> Iterator[re.Match]:
    return _uncompared(EXPLICIT_YEAR.finditer(text), rules)


def year_token(text: str, rules: SegmentRules, period: bool = False) -> str | None:
    """The first year expression in ``text``: '2022', 'REDACTED' or a relative word; else, with
    ``period`` (a title or a heading), 'SPAN' when it names a five-year plan's period (某区“十四五”
    教育事业发展规划, 二、“十三五”期间工作开展情况: several years, none of them). A heading's SPAN
    dates its section's figures (none of one year) but not the report, which reviews the period's
    last year unless its title names the period."""
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
    if found:
        return min(found)[1]
    return "SPAN" if period and rules.period_name.search(text) else None


_PLAN_NUMBER = "一二三四五六七八九"


def period_end_year(m: re.Match, group: int = 1) -> int:
    """The last year of the five-year plan a ``period_end`` match names (its number in ``group``):
    the third plan ran 1966–1970 and every one since five years (十一五 2010, 十三五 2020, 十四五 2025)."""
    plan = 11 + _PLAN_NUMBER.index(m.group(group))  # 十一五 is the 11th
    return 1970 + 5 * (plan - 3)


def agenda_summary_year(m: re.Match) -> int:
    """The year an ``agenda_summary`` match reviews: the one it names, or its period's last."""
    return int(m.group(1)) if m.group(1) else period_end_year(m, 2)


def _short_title_year(text: str, rules: SegmentRules) -> str | None:
    """A title's two-digit year (05年上半年工作总结 → '2005'; from 50 on, the last century's)."""
    m = rules.short_title_year.search(text)
    if m is None:
        return None
    yy = int(m.group(1))
    return str((1900 if yy >= 50 else 2000) + yy)


def resolve(token: str | None, base: int | None, rules: SegmentRules) -> tuple[bool, int | None]:
    """(decided, year) for a year token; relative words need the base year."""
    if token is None:
        return False, None
    if token in ("REDACTED", "SPAN"):
        return True, None
    if token.isdigit():
        return True, int(token)
    if base is None:
        return True, None
    return True, base + rules.relative.get(token, 0)


def _vote(texts: list[str], rules: SegmentRules, told: list[bool] | None = None) -> tuple[bool, int | None]:
    """Most frequent explicit year in ``texts``; redactions, or ranges' ends (a programme of
    2027—2030年 is about several years), outvoting it give None. Where
    ``told[k]`` (text k has no kind of its own), a year a sentence plans (2025年,某市将…) is not
    one it tells about."""
    years: Counter[int] = Counter()
    redacted = spans = 0
    for k, t in enumerate(texts):
        for m in _explicit_years(t, rules):
            if told and told[k] and _planned(t, m, rules):
                continue
            if _RANGE_END.search(t, max(0, m.start() - 8), m.start()) or _RANGE_START.match(t, m.end()):
                spans += 1  # 行动计划(2027—2030年): several years, none of them the report's
                continue
            years[int(m.group(1))] += 1
        redacted += len(rules.redacted.findall(t))
    if not years:
        return (True, None) if redacted or spans else (False, None)
    year, n = max(years.items(), key=lambda kv: (kv[1], -kv[0]))
    if redacted > n or spans > n:
        return True, None  # a text about several years (2027—2030年) is about no one of them
    return True, year


def title_years(title: str | None, rules: SegmentRules) -> dict[str, str]:
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
        token = year_token(title[prev:start], rules, period=True)
        if token is None or not token.isdigit():
            token = _short_title_year(title[prev:start], rules) or token
        if token and kind not in out:
            out[kind] = token
        prev = max(prev, end)
    return out


def title_kind(title: str | None, rules: SegmentRules) -> str | None:
    if not title:
        return None
    plan = bool(rules.title_kind["plan"].search(title))
    summary = bool(rules.title_kind["summary"].search(title))
    if plan and not summary:
        return "plan"
    if summary and not plan:
        return "summary"
    return None


_CLAUSE_MARKS = ",;:，；：、"
_DATE_REST = re.compile(r"[\d月日号初底末上中下旬度]*")  # what may follow a year in a bare date


def _clause_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(ch, pos) for ch in _CLAUSE_MARKS) if i >= 0]
    return min(ends, default=len(text))


def _done_clause(text: str, m: re.Match, rules: SegmentRules) -> bool:
    """Whether the clause of a year in a sentence that plans tells a result instead: it says it
    is done (195所已于2020年投入使用), or it states a figure with no word of planning and the
    sentence plans only after it (报告显示,2022年新增学位3.4万个,今年将新增学位1万个). A year
    or a date leading its clause alone (2023年,全县将新建…; 2021年2月4日,已成立…) is the next
    clause's."""
    start = max(text.rfind(ch, 0, m.start()) for ch in _CLAUSE_MARKS) + 1
    end = _clause_end(text, m.end())
    if _DATE_REST.fullmatch(text, m.end(), end):
        end = _clause_end(text, end + 1)  # 2021年2月4日,已成立…: the date leads the next clause
    if rules.news_done.search(text, start, end):
        return True
    return (end - m.end() > 2 and rules.news_figure.search(text, m.end(), end) is not None
            and rules.news_plan.search(text, start, end) is None
            and rules.news_plan.search(text, 0, start) is None)  # the plan comes after the result


def _progressed(text: str, m: re.Match, rules: SegmentRules) -> bool:
    """Whether a clause after the year's own one, planning nothing, tells progress on it
    (2015年计划项目21个,目前基本完成11个)."""
    start = _clause_end(text, m.end())
    return (start < len(text) and rules.news_plan.search(text, start) is None
            and rules.news_progress.search(text, start) is not None)


# a range of years (2021—2025年, 2021年——2025年, 2021年至2025年): its ends are no year of their own
_RANGE_END = re.compile(r"(?:19|20)\d{2}\s*年?\s*(?:[—–~-]+|至)\s*$")
_RANGE_START = re.compile(r"\s*(?:[—–~-]+|至)\s*(?:19|20)\d{2}")
_SENTENCE_ENDS = "。!?！？\n"


def _planned(text: str, m: re.Match, rules: SegmentRules) -> bool:
    """Whether the year ``m`` of ``text`` is one its sentence plans (2023年,全县将新建…), as
    :func:`news_years` reads a news item's sentences."""
    start = max(text.rfind(ch, 0, m.start()) for ch in _SENTENCE_ENDS) + 1
    ends = [i for i in (text.find(ch, m.end()) for ch in _SENTENCE_ENDS) if i >= 0]
    sent = text[start:min(ends, default=len(text))]
    if rules.news_plan.search(sent) is None:
        return False
    own = EXPLICIT_YEAR.match(sent, m.start() - start)
    return (own is not None and not rules.news_title_after.match(sent, own.end())
            and not _done_clause(sent, own, rules))  # 2018年上半年工作总结: a title, reviewing


def is_news(raws: list[RawSection], tokens: dict[str, str]) -> bool:
    """A text whose title gives no year, with no heading and no lead of a kind: a news item (an
    outline of other kinds, 1.提升教育规模工作 …, is a report's, perhaps a progress report's)."""
    return bool(raws) and not tokens and all(r.kind == "other" and r.heading is None for r in raws)


def news_report(report: Report) -> bool:
    """Whether a segmented report was read as a news item (:func:`is_news`)."""
    return (bool(report.sections) and not title_years(report.title, segment_rules())
            and all(s.kind == "other" and s.heading is None for s in report.sections))


def news_years(text: str, spans: list[Span], dateline: int | None,
               rules: SegmentRules) -> tuple[int | None, int | None]:
    """(summary, plan) year of a news item, a text with no heading or lead of a kind: the most
    frequent year of the sentences saying what is to be done (今年将…, 2021年计划…) is planned,
    that of the others summarised (ties: the latest, older ones being background); the page's date
    bounds both (no plan before it, no result after it). A horizon (到2025年) or a span's start
    (从2011年至今, 2019年以来) counts for neither, nor does a meeting's name (2015年度工作会议)
    unless no result names a year; a sentence telling no figure and nothing done (通报2023年主要
    工作) gives the reviewed year only when no result does, and never the year planned; relative words of a plan (今年将…) count from the
    page's date when it has one.
    A title run into the text (…2019年上半年工作总结) makes it a summary: it plans no year.
    Progress reported in sentences naming no year (目前已开工14所) is the plan year's, and so is a
    quarter's (截至3月中旬, 1-3月份) told more often than an older year's result; other results
    naming no year (目前全市共有幼儿园1000余所) are the page's year's (截至今年10月, 去年… as a year
    would date them), unless that is the year planned. A year planned and told with its progress
    (2015年计划项目21个,目前完成11个) is reviewed, and planned only when no other year is; results
    after the year planned are a schedule, and those of the year planned told no more often than an
    earlier year's are progress on it. A year is read only when its sentences or the page's date
    give one: a news item dates nothing else."""
    plan: Counter[int] = Counter()
    done: Counter[int] = Counter()
    relative: Counter[int] = Counter()
    undated: Counter[int] = Counter()  # results told naming no year, dated by the page
    dated: Counter[int] = Counter()  # results dated by a relative word (截至今年10月底) and the page
    progressed: Counter[int] = Counter()  # years planned and told with their progress
    meeting: Counter[int] = Counter()  # years naming a meeting: only when no result has one
    bare: Counter[int] = Counter()  # years of sentences telling no figure and nothing done
    progress = False
    partial = 0  # results of a part of the year naming no year (截至3月中旬, 1-3月份): this year's
    summary_title = False
    hidden = 0  # years the text hides (20xx年) where results are told
    for span in spans:
        for sent in sentences(text, span):
            is_plan = rules.news_plan.search(sent.text) is not None
            progress = progress or (not is_plan and rules.news_progress.search(sent.text) is not None)
            hidden += 0 if is_plan else len(rules.redacted.findall(sent.text))
            if not is_plan and EXPLICIT_YEAR.search(sent.text) is None and rules.news_figure.search(sent.text):
                partial += rules.news_partial.search(sent.text) is not None
                if dateline is not None:
                    word = next(_uncompared(rules.relative_re.finditer(sent.text), rules), None)
                    # 截至今年10月底,已开工… names its year as 2017年 would; 目前共有… is only dated
                    (dated if word else undated)[dateline + (rules.relative[word.group(0)] if word else 0)] += 1
            for m in _explicit_years(sent.text, rules):
                if rules.news_skip_before.search(sent.text, max(0, m.start() - 6), m.start()):
                    continue
                if rules.news_title_after.match(sent.text, m.end()):
                    summary_title = True  # the text's own title says it reviews this year
                    done[int(m.group(1))] += 1
                elif rules.news_since.match(sent.text, m.end()):
                    continue  # 2019年以来: a span up to the item's own time, like 从2011年至今
                elif rules.news_meeting_after.match(sent.text, m.end()):
                    meeting[int(m.group(1))] += 1  # 2015年度工作会议: the meeting's, not a result
                else:
                    # a done clause in a sentence going on to plan tells a result
                    planned = is_plan and not _done_clause(sent.text, m, rules)
                    told = planned or rules.news_figure.search(sent.text) or rules.news_done.search(sent.text)
                    if planned and _progressed(sent.text, m, rules):
                        # 2015年计划项目21个,目前基本完成11个: reviewed, planned only if no other year is
                        progressed[int(m.group(1))] += 1
                        done[int(m.group(1))] += 1
                        continue
                    (plan if planned else done if told else bare)[int(m.group(1))] += 1
            if is_plan and dateline is not None:
                for m in _uncompared(rules.relative_re.finditer(sent.text), rules):
                    relative[dateline + rules.relative[m.group(0)]] += 1

    def top(votes: Counter[int], latest: bool = False) -> int | None:
        return max(votes.items(), key=lambda kv: (kv[1], kv[0] if latest else -kv[0]))[0] if votes else None

    plan = plan or progressed
    if dateline is not None:  # a page of 2021 plans no year before it and tells no result after it
        plan = Counter({y: n for y, n in plan.items() if y >= dateline})
        done = Counter({y: n for y, n in done.items() if y <= dateline})
    plan_year = None if summary_title else top(plan) or top(relative)
    # results dated by the page alone (截至今年10月底…, 目前共有…) are not of the year it plans, which
    # stays the plan's; a relative word dates them as a year would, a page's date only failing others
    done.update({y: n for y, n in dated.items() if y != plan_year})
    if plan_year is not None:  # as a page's date does, the year planned bounds the results: later
        done = Counter({y: n for y, n in done.items() if y <= plan_year})  # ones are a schedule
    if not done and not hidden and undated:
        done = Counter({y: n for y, n in undated.items() if plan_year is None or y < plan_year})
    # 通报2023年主要工作 tells nothing done: the year a page planning it reviews only if another
    done = done or Counter({y: n for y, n in bare.items() if (dateline is None or y <= dateline) and y != plan_year})
    done = done or Counter({y: n for y, n in meeting.items() if dateline is None or y <= dateline})
    if plan_year in done and any(n >= done[plan_year] for y, n in done.items() if y < plan_year):
        # results of the year planned, told no more than an earlier year's, are progress on the plan
        done = Counter({y: n for y, n in done.items() if y < plan_year})
    summary_year = top(done, latest=True)  # results told with older ones for background
    if summary_year is not None and hidden > done[summary_year]:
        return None, plan_year  # the text hides the year it reviews (2022年XX年工作总结)
    if progress and not hidden and (summary_year is None or (
            plan_year is not None and summary_year < plan_year and partial > done[summary_year])):
        # progress on the year's plan (目前已开工14所), or a quarter's (截至3月中旬…, 1-3月份…)
        # outweighing an older year's result (2016年底完成了前期准备)
        summary_year = plan_year
    return summary_year, plan_year


def _iso(m: re.Match) -> str | None:
    """The date a dateline match names, ISO (2023-08-30); None for an impossible month or day."""
    g = m.groupdict()
    y, mo, d = (g.get("y") or g.get("y2")), (g.get("m") or g.get("m2")), (g.get("d") or g.get("d2"))
    if y is None or mo is None or d is None or not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


def page_date(removed_texts: Iterator[str], text: str, rules: SegmentRules, title: str | None = None) -> str | None:
    """The page's publication date, ISO: the first among what the cleaner removed (date lines, a
    site's meta line), else the first line near the top of ``text`` that opens with a date in
    figures (2020-12-10 15:32 央视网, 发布时间: 2019-05-06), else a date in the title; else None."""
    for t in removed_texts:
        for m in rules.dateline.finditer(t):
            if (date := _iso(m)) is not None:
                return date
    for m in re.finditer(r"^.+$", text[:rules.cover_reach], re.M):
        d = rules.dateline_line.match(m.group(0))
        if d and (date := _iso(d)) is not None:
            return date
    for m in rules.dateline.finditer(title or ""):
        if (date := _iso(m)) is not None:
            return date
    return None


def report_years(text: str, raws: list[RawSection], spans: list[Span], tokens: dict[str, str],
                 own_title: bool, rules: SegmentRules,
                 dateline: int | None = None, title: str | None = None) -> tuple[int | None, int | None]:
    """(summary, plan) year of a report (:func:`_read_years`), never a plan before the year reviewed:
    a plan of a year already reviewed is one told in passing (2015年计划… in a review of 2016), so
    the plan year is then unknown."""
    summary_year, plan_year = _read_years(text, raws, spans, tokens, own_title, rules, dateline, title)
    if summary_year is not None and plan_year is not None and plan_year < summary_year:
        return summary_year, None
    return summary_year, plan_year


def _read_years(text: str, raws: list[RawSection], spans: list[Span], tokens: dict[str, str],
                own_title: bool, rules: SegmentRules,
                dateline: int | None, title: str | None) -> tuple[int | None, int | None]:
    """Headings of a kind decide its year; then the report's own title, when it states the year
    (it also gives the plan year of a plan cut off or never written: …及明年工作打算); then the
    most frequent explicit year in the sections of that kind. A title shared by every item of a
    compilation (…总结篇一, …总结篇二) names the collection: it only fills in explicit years.
    ``tokens`` are the title's years (:func:`title_years`)."""
    news = is_news(raws, tokens)  # as kg.text.segment decided, before the title's years are weighed
    if any(t.isdigit() for t in tokens.values()):
        body = "".join(text[s:e] for s, e in spans)
        if (rules.redacted.search(body[:rules.lead_chars])
                and not any(m.group(1) in tokens.values() for m in EXPLICIT_YEAR.finditer(body))
                and not all((title or "").count(t + "年") > 1 for t in tokens.values() if t.isdigit())):
            # the body opens by hiding its year (20xx年, 20__年) and never writes the title's: a
            # year the publishing site put on a template's title, not the report's (unless the
            # document's own title, after the site's, names it too: …2021年度工作总结范文及2022年度
            # 工作计划区教育局2021年工作总结及2022年度工作思路)
            tokens = {k: t for k, t in tokens.items() if not t.isdigit()}
    if news:
        summary_year, plan_year = news_years(text, spans, dateline, rules)
        m = rules.agenda_summary.search(text, spans[0][0], spans[0][0] + rules.agenda_reach) if spans else None
        if m:  # a meeting's write-up says which year it reviews (总结回顾2021年工作)
            summary_year = agenda_summary_year(m)
            plan_year = plan_year if plan_year is not None and plan_year > summary_year else None
        # the year a meeting's write-up says it arranges outweighs a goal its sentences set
        # (针对2017年…工作进行部署 before 2018年,某市将实现…的目标)
        return summary_year, _agenda_plan_year(text, spans, summary_year, None, rules) or plan_year
    s_secs = [k for k, r in enumerate(raws) if r.kind in ("summary", "problems", "other")]
    p_secs = [k for k, r in enumerate(raws) if r.kind == "plan"]

    def from_title(kind: str, base: int | None, explicit_only: bool) -> tuple[bool, int | None]:
        token = tokens.get(kind)
        if token is None or (explicit_only and not token.isdigit()):
            return False, None
        return resolve(token, base, rules)

    def decide(idx: list[int], kind: str, base: int | None) -> tuple[bool, int | None]:
        for k in idx:  # headings and leads of that kind first, outermost first
            r = raws[k]
            if r.explicit_kind and r.year_token and (r.year_token.isdigit() or r.year_token == "REDACTED"):
                if r.year_token == "REDACTED" and own_title:  # the report's own title still names it
                    decided, year = from_title(kind, base, explicit_only=True)
                    if decided:
                        return decided, year
                return resolve(r.year_token, base, rules)
        if base is not None:  # relative words (下半年, 明年) count from the summary year
            for k in idx:
                r = raws[k]
                if r.explicit_kind and r.year_token and r.year_token != "SPAN":
                    return resolve(r.year_token, base, rules)
        if own_title:
            decided, year = from_title(kind, base, explicit_only=True)
            if decided:
                return decided, year
        if kind == "summary" and spans:
            m = rules.agenda_summary.search(text, spans[0][0], spans[0][0] + rules.agenda_reach)
            if m:  # the meeting says which year it reviews (总结回顾2021年工作)
                return True, agenda_summary_year(m)
        if "SPAN" in tokens.values() and not any(t.isdigit() for t in tokens.values()):
            return True, None  # a five-year plan (某区“十四五”教育事业发展规划) and its review of the last
        decided, year = _vote([text[spans[k][0]:spans[k][1]] for k in idx], rules,
                              [raws[k].kind == "other" for k in idx])
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
        if plan_year is None:  # 下一步,某市将… after 2031年,某市将…: the year the text plans
            plan_year = _planned_year(text, [spans[k] for k in s_secs if raws[k].kind == "other"],
                                      summary_year, rules)
    elif own_title:  # the title declares a plan the text does not hold
        _, plan_year = from_title("plan", summary_year, explicit_only=False)
    if (plan_year is None and own_title and summary_year is not None and title
            and tokens.get("summary") == str(summary_year + 1) and rules.title_kind["plan"].search(title)):
        plan_year = summary_year + 1  # 2023年…工作总结及工作计划 reviewing 2022: the title's year is planned
    if not tokens and plan_year is None and summary_year is not None and all(r.kind == "other" for r in raws) \
            and _arranges(text, spans, summary_year, rules):
        return None, summary_year  # 召开职工会,安排部署2031年重点工作。一是…: no review, a plan
    plan_year = _agenda_plan_year(text, spans, summary_year, plan_year, rules)
    if plan_year is None and summary_year is not None and title:
        m = rules.meeting_title.search(title)  # 在2031年全市教育工作会议上的讲话: the meeting plans
        if m and int(m.group(1)) >= summary_year:  # its own year, reviewing the one before
            plan_year = int(m.group(1))
    return summary_year, plan_year


def _arranges(text: str, spans: list[Span], year: int, rules: SegmentRules) -> bool:
    """Whether the opening of a text says it arranges ``year``'s work (安排部署2031年重点工作)
    and reviews none (总结回顾…)."""
    start, end = spans[0][0], min(spans[0][0] + rules.agenda_reach, spans[-1][1])
    if rules.agenda_summary.search(text, start, end):
        return False
    m = rules.agenda_plan.search(text, start, end)
    return m is not None and m.group(1) == f"{year}年"


def _agenda_plan_year(text: str, spans: list[Span], summary_year: int | None, plan_year: int | None,
                      rules: SegmentRules) -> int | None:
    """``plan_year``, or when it is unknown the year a speech says its meeting arranges:
    总结2013年工作,安排部署2014年工作 (the first that names a later year: 根据2013年工作要点
    before it is the reviewed year's plan), or the year of the work meeting it reports, held the
    year after the one reviewed (召开2014年教育工作会议)."""
    if plan_year is not None or summary_year is None or not spans:
        return plan_year
    # within this report: the next one's title may follow within reach
    for m in rules.agenda_plan.finditer(text, spans[0][0], min(spans[0][0] + rules.agenda_reach, spans[-1][1])):
        token = next((g for g in m.groups() if g), None)
        if token and token[0].isdigit() and int(token[:4]) > summary_year:
            return int(token[:4])
        if token and token in rules.relative:
            return summary_year + rules.relative[token]  # 下半年 plans the summary's own year
    # the year's work meeting held one after the year reviewed (龙山县召开2023年教育和体育工作会议,
    # reviewing 2022) arranges its own year
    for m in _explicit_years(text[spans[0][0]:min(spans[0][0] + rules.agenda_reach, spans[-1][1])], rules):
        if int(m.group(1)) == summary_year + 1 and rules.news_meeting_after.match(m.string, m.end()):
            return summary_year + 1
    return None


def _planned_year(text: str, spans: list[Span], summary_year: int | None,
                  rules: SegmentRules) -> int | None:
    """The most frequent year the sentences of ``spans`` plan (:func:`_planned`), when after the
    summary year."""
    votes: Counter[int] = Counter()
    for s, e in spans:
        part = text[s:e]
        votes.update(int(m.group(1)) for m in _explicit_years(part, rules) if _planned(part, m, rules))
    votes = Counter({y: n for y, n in votes.items() if summary_year is None or y > summary_year})
    return max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0] if votes else None


def _relative_plan_year(text: str, spans: list[Span], base: int, rules: SegmentRules) -> int | None:
    words: Counter[int] = Counter()
    for s, e in spans:
        for m in _uncompared(rules.relative_re.finditer(text, s, e), rules):
            words[rules.relative[m.group(0)]] += 1
    if not words:
        return None
    return base + max(words.items(), key=lambda kv: (kv[1], -abs(kv[0])))[0]
