"""CleanText → reports → sections → sentences, with section kinds and years.

The stage's entry point: :mod:`kg.text.reports` splits a compilation into report items,
:mod:`kg.text.sections` reads each body's outline, :mod:`kg.text.years` settles the years and
:mod:`kg.text.spans` cuts sentences. Here a report whose body repeats an earlier one, or a short
teaser of a later one, is dropped, so the pipeline sees each report once.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from kg.core.chars import HAN_CHAR
from kg.core.records import CleanText, Report, Section, SectionKind
from kg.text.reports import Item, split_items
from kg.text.sections import raw_sections
from kg.text.segment_rules import SegmentRules, segment_rules
from kg.text.spans import sentences, trim
from kg.text.years import is_news, page_date, report_years, resolve, title_kind, title_years

__all__ = ["segment"]


_NOT_WORD = re.compile(r"[\W_]+")


def _shingles(text: str, n: int = 8) -> set[str]:
    t = _NOT_WORD.sub("", text)
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def _duplicate_of(sh: set[str], earlier: list[tuple[int, set[str]]], share: float) -> int | None:
    """The earlier report whose shingles hold at least ``share`` of ``sh``: a copy of it."""
    for index, other in earlier:
        if sh and len(sh & other) >= share * len(sh):
            return index
    return None


def _build_report(clean: CleanText, item: Item, index: int, rules: SegmentRules) -> Report:
    text = clean.text
    body = trim(text, item.body)
    default_kind = title_kind(item.title, rules)
    tokens = title_years(item.title, rules)
    raws = raw_sections(text, body, default_kind, rules, tokens.get("plan"))
    starts = [r.start for r in raws] + [body[1]]
    spans = [trim(text, (starts[k], starts[k + 1])) for k in range(len(raws))]
    news = is_news(raws, tokens)
    published = page_date((r.text for r in clean.removed), text, rules, item.title)
    # only a news item's years are read against its page's date: a report states its own
    dateline = int(published[:4]) if news and published else None
    summary_year, plan_year = report_years(text, raws, spans, tokens, item.own_title, rules, dateline,
                                           item.title)

    years: list[int | None] = []
    periods: list[bool] = []  # about a five-year period (二、“十三五”期间…) and no year of it
    sections: list[Section] = []
    for k, r in enumerate(raws):
        base = plan_year if r.kind == "plan" else summary_year
        decided, y = resolve(r.year_token, summary_year, rules)
        period = r.year_token == "SPAN" or (not decided and r.parent is not None and periods[r.parent])
        if news:
            y = None  # a news item's sentences have their own years (kg.extract.metrics)
        elif not decided:
            y = years[r.parent] if r.parent is not None else base
        years.append(y)
        periods.append(period)
        kind: SectionKind = r.kind  # type: ignore[assignment]
        sections.append(Section(kind=kind, year=y, heading=r.heading, span=spans[k],
                                sentences=sentences(text, spans[k]), period=period))
    return Report(clean=clean, index=index, title=item.title, span=body, sections=tuple(sections),
                  summary_year=summary_year, plan_year=plan_year, published=published)


def _peel_glued_title(text: str, item: Item, rules: SegmentRules) -> Item:
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
    items = [_peel_glued_title(clean.text, replace(item, body=trim(clean.text, item.body)), rules)
             for item in split_items(clean.text, rules)]
    # shingles only matter when another item is there (most files hold one report)
    shingles = [_shingles(clean.text[slice(*it.body)]) for it in items] if len(items) > 1 else [set()]
    for k, item in enumerate(items):
        body_text = clean.text[item.body[0]:item.body[1]]
        if not _has_han(body_text, rules.min_body_han):
            continue
        sh = shingles[k]
        if _duplicate_of(sh, earlier, rules.repeat_share) is not None:
            continue
        if any(len(shingles[j]) >= 2 * len(sh) and len(sh & shingles[j]) >= rules.teaser_share * len(sh)
               for j in range(k + 1, len(items))):
            continue  # a site's teaser of a report printed in full after it (文章导读)
        report = _build_report(clean, item, len(reports) + 1, rules)
        earlier.append((report.index, sh))
        reports.append(report)
    return reports


def _has_han(text: str, n: int) -> bool:
    """At least ``n`` Chinese characters (stops counting there)."""
    return sum(1 for _ in itertools.islice(HAN_CHAR.finditer(text), n)) >= n
