"""The segmentation cues and thresholds (kg/data/segment.toml), checked once and cached.

Patterns may use NUM (a Chinese or Arabic numeral), YEAR (a year written out or redacted) and, in
[kinds], CUE; they are expanded here before compiling. The heading and title cues that cleaning
uses to tell a heading or title line from a broken one live here too, next to the ones segmenting
uses, so each kind of cue has one home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.core.chars import REDACTION_GLYPHS
from kg.core.datafiles import (
    compile_pattern,
    positive_int,
    rule_file,
    share,
    text,
    whole_number,
    word_list,
)
from kg.core.errors import DataFileError
from kg.core.patterns import alternation

NUM = "[一二三四五六七八九十百零〇两\\d]+"
_BLANK = f"[{re.escape(REDACTION_GLYPHS)}_]"  # a redacted or blanked-out digit (20XX年, 20__年)
_YEAR = f"(?:\\d{{4}}学?|(?:19|20){_BLANK}{{1,2}}|{_BLANK}{{1,4}})年"


@dataclass(frozen=True)
class SegmentRules:
    item_markers: tuple[re.Pattern, ...]
    item_max_len: int
    title_cue: re.Pattern
    doubled: re.Pattern  # a doubled marker character (篇篇), written once before matching again
    teaser_share: float  # of a short item's shingles in a later item twice its size: a teaser
    repeat_share: float  # of an item's shingles in an earlier report: a copy of it
    report_title: re.Pattern
    glued_title: re.Pattern
    speech: re.Pattern
    restart_after: int
    min_body_han: int  # Chinese characters a report's body needs
    heading_styles: tuple[re.Pattern, ...]
    heading_max_len: int
    part_max_len: int
    line_start: re.Pattern  # cleaning: a line that opens a heading or a compilation's item
    kind_order: tuple[str, ...]
    kind_cues: dict[str, re.Pattern]
    kind_max_len: int
    lead_cues: dict[str, re.Pattern]
    title_kind: dict[str, re.Pattern]
    title_line_end: re.Pattern  # cleaning: how a title line ends
    title_joiner: re.Pattern  # opens a wrapped title's second line
    title_open_end: re.Pattern  # ends a title's first line broken after its joiner
    title_tail: re.Pattern  # the shape of a short second line completing such a title
    relative: dict[str, int]
    whole_year: frozenset[str]  # relative words naming the whole current year (今年, 年内)
    redacted: re.Pattern
    relative_re: re.Pattern
    comparison_before: re.Pattern
    founded_before: re.Pattern  # before a year: a founding date (成立于1954年), not a year reported on
    comparison_after: re.Pattern
    agenda_plan: re.Pattern
    agenda_summary: re.Pattern
    agenda_reach: int  # characters from a report's start where it states its agenda
    meeting_title: re.Pattern  # a title naming its year's meeting; group 1 the year
    lead_chars: int  # characters from a report's start where it opens with its own year
    news_plan: re.Pattern  # a sentence of a news item that says what is to be done
    news_progress: re.Pattern  # a sentence of a news item reporting progress
    news_partial: re.Pattern  # a part of the year a result is told by (截至3月中旬, 1-3月份)
    period_name: re.Pattern  # a five-year plan's period (十三五): several years, none of them
    period_end: re.Pattern  # the end of a five-year plan's period (“十三五”末): its last year
    short_title_year: re.Pattern  # a title's two-digit year (05年上半年工作总结)
    news_since: re.Pattern  # after a year: a span up to now (2019年以来)
    news_meeting_after: re.Pattern  # after a year: the name of a meeting (2015年度工作会议)
    news_done: re.Pattern  # a clause of a news item saying it is done
    news_figure: re.Pattern  # a quantity stated in a clause (a result, where nothing plans it)
    news_title_after: re.Pattern  # after a year: a summary's title run into the text
    news_skip_before: re.Pattern  # before a year that is a horizon or a range's start
    dateline: re.Pattern  # a publication date; group 1 its year
    dateline_line: re.Pattern  # a line opening with a date in figures; group 1 or 2 its year
    cover_notice: re.Pattern
    cover_reach: int


_PLAIN_YEAR_KEYS = ("meeting_title", "news_plan", "news_progress", "news_partial", "period_name", "period_end",
                    "short_title_year",
                    "news_since", "news_meeting_after",
                    "news_done", "news_figure", "news_title_after", "news_skip_before", "dateline",
                    "dateline_line")


def _rx(fname: str, where: str, pattern: object, cue: str = "") -> re.Pattern:
    if isinstance(pattern, str):
        pattern = pattern.replace("NUM", NUM).replace("YEAR", _YEAR).replace("CUE", cue)
    return compile_pattern(fname, where, pattern)


def _whole_year(fname: str, words: object, relative: dict[str, int]) -> frozenset[str]:
    """years.whole_year: relative words of offset 0 (a word not in years.relative is a typo)."""
    out = frozenset(word_list(fname, "years.whole_year", words))
    wrong = sorted(w for w in out if relative.get(w) != 0)
    if wrong:
        raise DataFileError(f"years.whole_year: {wrong} are no relative words of the current year", path=fname,
                            hint="list words of years.relative with offset 0")
    return out


@lru_cache(maxsize=1)
def segment_rules() -> SegmentRules:
    """``segment.toml``, read and checked once."""
    return parse_segment_rules(*rule_file("segment.toml"))


def parse_segment_rules(d: dict, fname: str) -> SegmentRules:
    """Check the segmentation cues (a parsed segment.toml)."""

    def n(section: str, key: str) -> int:
        return positive_int(fname, f"{section}.{key}", d[section][key])

    try:
        items, heads, kinds, leads = d["items"], d["headings"], d["kinds"], d["leads"]
        titles, years, starts = d["titles"], d["years"], d["starts"]
        order = tuple(kinds["order"])
        cue = text(fname, "kinds.cue", kinds["cue"])  # a pattern piece, compiled inside kinds.<kind>
        if not set(order) <= {"summary", "plan", "problems"}:
            raise DataFileError(f"kinds.order has unknown kinds {order}", path=fname,
                                hint="use summary, plan, problems")
        relative = {str(k): whole_number(fname, f"years.relative.{k}", v, None) for k, v in years["relative"].items()}
        return SegmentRules(
            item_markers=tuple(_rx(fname, f"items.markers[{i}]", p)
                               for i, p in enumerate(items["markers"])),
            item_max_len=n("items", "max_len"),
            title_cue=_rx(fname, "items.title_cues", items["title_cues"]),
            doubled=_rx(fname, "items.doubled", f"({items['doubled']})\\1"),
            teaser_share=share(fname, "items.teaser_share", items["teaser_share"]),
            repeat_share=share(fname, "items.repeat_share", items["repeat_share"]),
            report_title=_rx(fname, "starts.report_title", starts["report_title"]),
            glued_title=_rx(fname, "starts.glued_title", starts["glued_title"]),
            speech=_rx(fname, "starts.speech", starts["speech"]),
            cover_notice=_rx(fname, "starts.cover_notice", starts["cover_notice"]),
            cover_reach=n("starts", "cover_reach"),
            restart_after=whole_number(fname, "starts.restart_after", starts["restart_after"]),
            min_body_han=whole_number(fname, "starts.min_body_han", starts["min_body_han"]),
            heading_styles=tuple(_rx(fname, f"headings.styles[{i}]", p)
                                 for i, p in enumerate(heads["styles"])),
            heading_max_len=n("headings", "max_len"),
            part_max_len=n("headings", "part_max_len"),
            line_start=_rx(fname, "headings.line_start", heads["line_start"]),
            kind_order=order,
            kind_cues={k: _rx(fname, f"kinds.{k}", kinds[k], cue) for k in order},
            kind_max_len=n("kinds", "max_len"),
            lead_cues={k: _rx(fname, f"leads.{k}", leads[k]) for k in ("plan", "summary")},
            title_kind={k: _rx(fname, f"titles.{k}", titles[k]) for k in ("plan", "summary")},
            title_line_end=_rx(fname, "titles.line_end", titles["line_end"]),
            title_joiner=_rx(fname, "titles.joiner", titles["joiner"]),
            title_open_end=_rx(fname, "titles.open_end", titles["open_end"]),
            title_tail=_rx(fname, "titles.tail", titles["tail"]),
            relative=relative,
            whole_year=_whole_year(fname, years.get("whole_year"), relative),
            redacted=_rx(fname, "years.redacted", years["redacted"]),
            relative_re=re.compile(alternation(relative)),
            comparison_before=_rx(fname, "years.comparison_before", years["comparison_before"]),
            founded_before=_rx(fname, "years.founded_before", years["founded_before"]),
            comparison_after=_rx(fname, "years.comparison_after", years["comparison_after"]),
            agenda_plan=_rx(fname, "years.agenda_plan", years["agenda_plan"]),
            agenda_summary=_rx(fname, "years.agenda_summary", years["agenda_summary"]),
            agenda_reach=n("years", "agenda_reach"),
            lead_chars=n("years", "lead_chars"),
            # the cues of a news item's years (kg.text.years.news_years) and the meeting title, all
            # plain patterns
            **{k: _rx(fname, f"years.{k}", years[k]) for k in _PLAIN_YEAR_KEYS},
        )
    except KeyError as e:
        raise DataFileError(f"missing key {e}", path=fname,
                            hint="compare with the shipped kg/data/segment.toml") from e
    except (TypeError, ValueError, AttributeError) as e:
        raise DataFileError(f"malformed value ({e})", path=fname,
                            hint="compare with the shipped kg/data/segment.toml") from e
