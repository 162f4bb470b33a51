"""Taxonomy matching: the shared concepts named in one sentence.

Every label, alias and suffix-stripped variant of the shared taxonomy is searched in a quote-free
copy of the sentence (so “县管校聘”工作 and 教师“强师”计划 match). Short forms (<= 3 chars) must
also sit on jieba token boundaries (the taxonomy labels are in the jieba user dictionary, so a real
mention is one token) to keep 双减 out of unrelated words. Labels and sentence are compared through
a synonym key (``kg/data/synonyms.toml``: 平衡 → 均衡), so re-worded copies match; spans and
surfaces stay the text's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.core.chars import QUOTE_CHARS
from kg.core.patterns import LongestWords, by_identity
from kg.extract.initiative_rules import QUOTE_OR_SPACE, REDACTED
from kg.terms.taxonomy import Taxonomy, synonyms


@dataclass(frozen=True, order=True)
class Hit:
    start: int  # clean coordinates
    end: int
    surface: str  # as written, simplified, quotes dropped
    concept: str | None
    label: str


class _Forms:
    """Surface forms found in one pass: at each position the scan gives the longest form
    starting there, and the forms nested in it (its prefixes) come from a table."""

    def __init__(self, forms: list[tuple[str, tuple[str, str]]]):
        self.values: dict[str, list[tuple[str, str]]] = {}
        for key, value in forms:
            self.values.setdefault(key, []).append(value)
        self.words = LongestWords(self.values)
        # every form, shortest first, that is a prefix of the key (the key included)
        self.nested = {key: [key[:n] for n in range(1, len(key) + 1) if key[:n] in self.values]
                       for key in self.values}

    def find(self, text: str) -> Iterator[tuple[int, int, tuple[str, str]]]:
        """(start, end, value) of every occurrence, overlapping ones included; values of one key
        in the order given."""
        values, nested = self.values, self.nested
        for i, longest in self.words.finditer(text):
            for key in nested[longest]:
                for value in values[key]:
                    yield i, i + len(key), value


class _Matcher:
    """All taxonomy surface forms, found in a sentence in one scan (thousands of labels).

    Forms are indexed by their synonym key (kg/data/synonyms.toml) and searched in the sentence's
    key, so a re-worded mention (优质平衡发展) finds its label (优质均衡发展) at the same offsets."""

    def __init__(self, taxonomy: Taxonomy):
        from kg.extract.nlp import add_words

        self.synonyms = synonyms()
        forms = {**taxonomy.variants(), **taxonomy.labels()}
        key = self.synonyms.key
        owners: dict[str, set[str]] = {}
        for form, cid in forms.items():
            owners.setdefault(key(form), set()).add(cid)
        # a key two concepts share matches only as written (see scan_keyed)
        self.shared = frozenset(k for k, cids in owners.items() if len(cids) > 1)
        self.forms = _Forms([(key(form), (form, cid)) for form, cid in forms.items()])
        add_words(forms, freq=None)  # jieba keeps each label whole, so boundaries can be checked

        # labels with digits (体育艺术2+1) also match where a report redacts them (体育艺术x+x)
        masked = [(re.sub(r"\d", "x", form), (form, cid)) for form, cid in forms.items() if re.search(r"\d", form)]
        self.masked = _Forms(masked) if masked else None

    def scan(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, form, concept id) of every form occurrence in ``text`` (quote-free); a form
        found through a synonym swap comes with its swaps inside the match (see ``scan_keyed``)."""
        for s, e, form, cid, _swaps in self.scan_keyed(text):
            yield s, e, form, cid

    def scan_keyed(self, text: str) -> Iterator[tuple[int, int, str, str, tuple[tuple[int, int], ...]]]:
        """As ``scan``, plus the spans of the variant words swapped inside each match: empty when
        the text names the form as written. A match cutting through a swapped word is no match."""
        key, swaps = self.synonyms.substitutions(text)
        for s, e, (form, cid) in self.forms.find(key):
            said = text[s:e]
            if said == form:
                yield s, e, form, cid, ()
                continue
            if key[s:e] in self.shared or any(a < e and s < b and not (s <= a and b <= e) for a, b in swaps):
                continue  # concepts told apart only by a synonym, or a swapped word cut through
            # the words swapped on either side (text or label) where the two differ
            spans = {(a, b) for a, b in swaps if s <= a and b <= e}
            spans |= {(s + a, s + b) for a, b in self.synonyms.substitutions(form)[1]}
            yield s, e, form, cid, tuple(sorted((a, b) for a, b in spans if said[a - s:b - s] != form[a - s:b - s]))
        if self.masked and REDACTED.search(text):
            masked = REDACTED.sub(lambda m: "x" * len(m.group(0)), text)
            for s, e, (form, cid) in self.masked.find(masked):
                yield s, e, form, cid, ()


@by_identity(maxsize=8)
def _matcher(taxonomy: Taxonomy) -> _Matcher:
    """The matcher of ``taxonomy``, built once per taxonomy object (hashing one costs too much)."""
    return _Matcher(taxonomy)


def _dequote(text: str) -> tuple[str, list[int] | range]:
    """Text without quote marks or spaces, and the index of each kept char in ``text``."""
    if not QUOTE_OR_SPACE.search(text):
        return text, range(len(text))  # the common case: nothing to drop
    keep = [i for i, c in enumerate(text) if c not in QUOTE_CHARS and not c.isspace()]
    return "".join(text[i] for i in keep), keep


def match_taxonomy(text: str, taxonomy: Taxonomy, offset: int = 0) -> list[Hit]:
    """Non-overlapping concept hits in ``text`` (longest first), spans shifted by ``offset``.
    A hit found through a synonym swap has the text's own wording as its surface."""
    m = _matcher(taxonomy)
    plain, keep = _dequote(text)
    cands = list(m.scan_keyed(plain))
    if not cands:
        return []
    bounds = None
    cuts: set[int] = set()

    def boundary(i: int, end: bool) -> bool:
        """Is offset ``i`` of ``plain`` a token start (or with ``end``, a token end)?"""
        nonlocal bounds, cuts
        if bounds is None:
            from kg.extract.nlp import (
                TokenBounds,  # here: most sentences never need the tokenizer
            )

            bounds = TokenBounds(plain)
            # where a quote mark was removed the writer drew a boundary (“双减”政策)
            if isinstance(keep, list):
                cuts = {i for i in range(1, len(keep)) if keep[i] - keep[i - 1] > 1}
        return i in cuts or (bounds.is_end(i) if end else bounds.is_start(i))

    accepted = []
    for s, e, form, cid, swaps in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0], c[4])):
        if any(s < ae and as_ < e for as_, ae, *_ in accepted):
            continue
        if swaps and not all(boundary(a, False) and boundary(b, True) for a, b in swaps):
            continue  # a swapped word must be a whole word (中学员工 holds no 学员)
        if len(form) <= 3:
            ok_s, ok_e = boundary(s, False), boundary(e, True)
            if not (ok_s and ok_e) if len(form) <= 2 else not (ok_s or ok_e):
                continue
        accepted.append((s, e, plain[s:e] if swaps else form, cid))
    return sorted(
        Hit(offset + keep[s], offset + keep[e - 1] + 1, surface, cid, taxonomy.concepts[cid].pref_label)
        for s, e, surface, cid in accepted)
