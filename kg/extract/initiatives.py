"""Initiatives in one report: the shared concepts and the local programmes it names.

1. Taxonomy matching (:mod:`kg.extract.taxonomy_match`): every label, alias and variant of the
   shared taxonomy found in each sentence.
2. Discovery (:mod:`kg.extract.discovery`): local programme names from wording and structure.
   A discovered name the taxonomy knows becomes national.
3. Here: one mention per concept (or per local name) per report, with status, year and evidence;
   a concept only ever named in passing is a topic and dropped. Rule data lives in
   ``kg/data/initiatives.toml`` (:mod:`kg.extract.initiative_rules`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.core.chars import QUOTE_CHARS
from kg.core.records import InitiativeMention, Report, Section, Span, Status
from kg.extract.discovery import core_len, discover, reworded
from kg.extract.initiative_rules import CLAUSE_MARK, CLAUSE_MARKS, Rules, initiative_rules, patterns
from kg.extract.taxonomy_match import match_taxonomy
from kg.terms.taxonomy import Taxonomy, load_taxonomy, normalize, strip_suffixes

MAX_QUOTE = 40


# --------------------------------------------------------------------------- status, year, quote

def _cues(sentence: str, kind: str, rules: Rules) -> bool:
    """Does the sentence hold one of the ``kind`` cue words (past, future, future_weak)?"""
    return patterns(rules)["cues_" + kind].search(sentence) is not None


def _sentence_status(sentence: str, rules: Rules) -> str | None:
    """achieved / planned from the sentence's own cue words, None when it has none."""
    past, fut = _cues(sentence, "past", rules), _cues(sentence, "future", rules)
    if fut and not past:
        return "planned"
    if past and not fut:
        return "achieved"
    return None


def report_default_status(report: Report, rules: Rules | None = None) -> str:
    """What an uncued sentence outside summary/plan sections most likely reports."""
    rules = rules or initiative_rules()
    if report.summary_year and not report.plan_year:
        return "achieved"
    if report.plan_year and not report.summary_year:
        return "planned"
    past = fut = 0
    for _sec, _base, text, _h in _units(report):
        p = _cues(text, "past", rules)
        f = _cues(text, "future", rules) or _cues(text, "future_weak", rules)
        past += p and not f
        fut += f and not p
    return "planned" if fut > past else "achieved"


_STRONG_MARK = re.compile(f"[{CLAUSE_MARKS}、]")  # a clause mark or a list comma


def _last_mark(pattern: re.Pattern, text: str, lo: int, hi: int) -> int:
    """Index of the last ``pattern`` character in text[lo:hi], or -1 (one C search, reversed)."""
    m = pattern.search(text[lo:hi][::-1])
    return hi - 1 - m.start() if m else -1


def _clause_quote(sentence: str, s: int, e: int) -> str:
    """The clause around [s, e) of the sentence, at most MAX_QUOTE chars."""
    left = _last_mark(CLAUSE_MARK, sentence, 0, s) + 1
    m = CLAUSE_MARK.search(sentence, e)
    right = m.start() if m else len(sentence)
    if right - left > MAX_QUOTE:
        pad = max(0, (MAX_QUOTE - (e - s)) // 2)
        left = max(left, s - pad)
        right = min(right, max(e, left + MAX_QUOTE))
    return sentence[left:right].strip()


# --------------------------------------------------------------------------- the report

@dataclass
class _Occ:
    key: str
    label: str
    concept: str | None
    surface: str
    span: Span  # clean coordinates of the match
    quote: str
    quote_span: Span
    status: str
    year: int | None
    strong: bool = True  # worded as an initiative (quoted, after a verb, in a heading…), not a topic


def _units(report: Report) -> Iterator[tuple[Section, int, str, bool]]:
    """(section, clean start, sentence text, is heading) over the report."""
    for sec in report.sections:
        if sec.heading:
            hs = report.clean.text.find(sec.heading, sec.span[0], sec.span[1]) if sec.heading else -1
            if hs >= 0:
                yield sec, hs, sec.heading, True
        if sec.sentences:
            for sent in sec.sentences:
                yield sec, sent.span[0], sent.text, False
        else:
            yield sec, sec.span[0], report.clean.text[sec.span[0]: sec.span[1]], False


def _local_key(label: str) -> str:
    """One key for a local name however it is worded (青蓝工程 / 青蓝项目 / 青蓝工程建设)."""
    return strip_suffixes(reworded(normalize(label)))


def extract_initiatives(report: Report, taxonomy: Taxonomy | None = None) -> list[InitiativeMention]:
    """One InitiativeMention per concept or local name in the report, sorted by span."""
    tax = taxonomy if taxonomy is not None else load_taxonomy()
    rules = initiative_rules()
    occs: list[_Occ] = []
    seen_spans: set[tuple[int, int]] = set()
    default = functools.cache(lambda: report_default_status(report, rules))  # only outside summary/plan
    hit_occs: dict[Span, _Occ] = {}
    for sec, base, text, is_heading in _units(report):
        year = sec.year

        hits = match_taxonomy(text, tax, offset=base)
        for h in hits:
            if (h.start, h.end) in seen_spans or h.label in rules.slogans:
                continue  # a taxonomy may keep a slogan (全面从严治党) as a theme marker
            seen_spans.add((h.start, h.end))
            q = _clause_quote(text, h.start - base, h.end - base)
            strong = is_heading or _is_strong(text, h.start - base, h.end - base, h.surface, rules)
            occ = _Occ(h.concept, h.label, h.concept, h.surface, (h.start, h.end), q,
                       _quote_span(text, base, q, h.start), _status_at(sec, text, h.start - base, h.end - base, rules, default),
                       year, strong)
            occs.append(occ)
            hit_occs[(h.start, h.end)] = occ
        for s, e, name in discover(text, rules, heading=is_heading):
            span = (base + s, base + e)
            if span in hit_occs:
                hit_occs[span].strong = True  # a listed programme, not a passing topic
            if span in seen_spans:
                continue
            name = normalize(name)
            concept = tax.lookup(name)
            overlap = [h for h in hits if h.start < span[1] and span[0] < h.end]
            if concept is None and overlap:
                # a local name around a concept label is that concept when the label is most of
                # the name (普惠性幼儿园认定) or the rest is generic (防溺水专项行动)
                h = max(overlap, key=lambda h: h.end - h.start)
                rest = name.replace(h.surface, "")
                if len(h.surface) >= 0.5 * len(name) or core_len(rest, rules) == 0:
                    concept = tax.concepts[h.concept]
            seen_spans.add(span)
            status = _status_at(sec, text, s, e, rules, default)
            q = _clause_quote(text, s, e)
            if concept is not None:
                occs.append(_Occ(concept.id, concept.pref_label, concept.id, name, span, q,
                                 _quote_span(text, base, q, span[0]), status, year))
            else:
                occs.append(_Occ("local:" + _local_key(name), name, None, name, span, q,
                                 _quote_span(text, base, q, span[0]), status, year))
    return _aggregate(report, _merge_locals(_drop_weak(occs, rules)))


def _status_at(sec: Section, text: str, s: int, e: int, rules: Rules, default: Callable[[], str]) -> str:
    """Status of the occurrence at [s, e): the name itself (银杏计划) is not a cue word.
    A summary section's is achieved, a plan's planned; elsewhere the sentence's cue words decide,
    then the report default, computed only when a sentence needs it."""
    if sec.kind == "summary":
        return "achieved"
    if sec.kind == "plan":
        return "planned"
    return _sentence_status(text[:s] + "＿" + text[e:], rules) or default()


def _drop_weak(occs: list[_Occ], rules: Rules) -> list[_Occ]:
    """A concept only ever named in passing, once (in a list, a title, as a modifier), is a topic."""
    by_key: dict[str, list[_Occ]] = {}
    for o in occs:
        by_key.setdefault(o.key, []).append(o)
    keep = {k for k, g in by_key.items() if any(o.strong for o in g) or len(g) >= rules.min_weak_occurrences}
    return [o for o in occs if o.key in keep]


def _is_strong(text: str, s: int, e: int, surface: str, rules: Rules) -> bool:
    """Is the match at [s, e) of the sentence worded as an initiative rather than a passing topic?"""
    opened = text.rfind("《", 0, s)
    if opened >= 0 and text.rfind("》", opened, s) < 0:
        return False  # inside a document title
    after = reworded(text[e:e + 6])
    pats = patterns(rules)
    if pats["modifier_head"].match(after):
        return False  # 社区教育中心: the label qualifies a place or a system
    if (s > 0 and text[s - 1] in QUOTE_CHARS) or (after[:1] and after[0] in QUOTE_CHARS):
        return True
    if len(surface) >= rules.long_label or pats["strong_after"].match(after):
        return True
    if pats["programme_end"].search(surface):
        return True  # the label names itself a programme (营养改善计划, 薄弱学校改造工程)
    # the clause's text before the match, at most 8 characters of it
    lo = max(0, s - 8)
    mark = _last_mark(_STRONG_MARK, text, lo, s)
    before = reworded(text[mark + 1 if mark >= 0 else lo: s])
    if pats["strong_before"].search(before):
        return True
    if pats["list_after"].match(after) is not None:  # 甲、乙等工作: the list names programmes
        return True
    # a figure written right after it reports on it (建设教师周转房90套, 送教上门17人); one a few
    # characters later is as often the sentence's other figure
    return pats["count"].match(text, e) is not None


def _quote_span(text: str, base: int, quote: str, at: int) -> Span:
    i = text.find(quote, max(0, at - base - len(quote)))
    if i < 0:
        i = text.find(quote)
    return (base + i, base + i + len(quote)) if i >= 0 else (at, at + 1)


def _merge_locals(occs: list[_Occ]) -> list[_Occ]:
    """Fold local names that are the same programme written shorter or longer (X工程 / X)."""
    keys = sorted({o.key for o in occs if o.concept is None}, key=len)
    alias: dict[str, str] = {}
    for i, k in enumerate(keys):
        for shorter in keys[:i]:
            a, b = shorter[6:], k[6:]
            if len(a) >= 2 and a in b and len(a) >= 0.6 * len(b):
                alias[k] = alias.get(shorter, shorter)
                break
    for o in occs:
        if o.key in alias:
            o.key = alias[o.key]
    return occs


def _aggregate(report: Report, occs: list[_Occ]) -> list[InitiativeMention]:
    groups: dict[str, list[_Occ]] = {}
    for o in sorted(occs, key=lambda o: o.span):
        groups.setdefault(o.key, []).append(o)
    out = []
    for group in groups.values():
        first = group[0]
        statuses = {o.status for o in group}
        status: Status = statuses.pop() if len(statuses) == 1 else "both"  # type: ignore[assignment]
        if first.concept:
            label = first.label
        else:
            counts = Counter(o.label for o in group)
            label = min(counts, key=lambda n: (-counts[n], len(n), n))
        year = first.year
        if year is None:
            year = report.plan_year if status == "planned" and report.plan_year else report.summary_year
        aliases = tuple(sorted({normalize(o.surface) for o in group} - {label}))
        span = report.clean.original_span(first.quote_span)
        out.append(InitiativeMention(
            label=label, concept=first.concept, scope="national" if first.concept else "local",
            status=status, year=year, span=span, quote=first.quote,
            quote_original=report.clean.original_text(first.quote_span), aliases=aliases))
    return sorted(out, key=lambda m: (m.span, m.label))
