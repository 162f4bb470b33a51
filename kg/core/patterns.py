"""Regexes built from word lists, and a cache for what is built from one rule set.

One way to turn a list of words into a regex, so that no stage sorts, escapes or joins words its
own way: :func:`alternation` for "any of these words", :func:`starts_pattern` and
:class:`LongestWords` for scanning a text for thousands of labels at once, and :func:`by_identity`
for patterns compiled from a rule object (keyed by the object, not by hashing it).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import TypeVar

NOTHING = "(?!)"  # a regex that matches nowhere: the alternation of no words


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """``words`` without duplicates, longest first, ties in code-point order: the one order a
    word list is tried in where a longer word must win over its own prefix (年度 before 年)."""
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def alternation(words: Iterable[str], longest_first: bool = True) -> str:
    """``(?:w1|w2|…)``: any one of ``words``, each matched literally, duplicates dropped.

    Longest first (ties in code-point order), so that where one word is a prefix of another the
    regex takes the longer one (年度 before 年); equal-length words cannot both match at one place,
    so the tie-break only makes the pattern deterministic. ``longest_first=False`` keeps the
    given order, for a caller whose order is a priority. No words give a group that matches
    nowhere (not the empty string, which would match everywhere).
    """
    unique = _longest_first(words) if longest_first else tuple(dict.fromkeys(words))
    if not unique:
        return f"(?:{NOTHING})"
    return "(?:" + "|".join(map(re.escape, unique)) + ")"


def starts_pattern(words: Iterable[str]) -> re.Pattern:
    """A regex matching (zero-width) wherever one of ``words`` may start: the first character
    can begin a word and the next one can continue one. A prefilter, so that Python checks a
    few positions of a text instead of trying thousands of labels at every character."""
    first, second, single = set(), set(), set()
    for w in words:
        if w:
            first.add(w[0])
            if len(w) == 1:
                single.add(w[0])
            else:
                second.add(w[1])
    if not first:
        return re.compile(NOTHING)

    def cls(chars: set[str]) -> str:
        return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"

    pair = f"(?={cls(first)}{cls(second)})" if second else None
    one = f"(?={cls(single)})" if single else None
    return re.compile("|".join(p for p in (pair, one) if p))


class LongestWords:
    """Where one of thousands of words starts in a text, with the longest word starting there:
    every other word written at that position is a prefix of it.

    ``starts_pattern`` finds the few possible starts in C; the words there are then looked up by
    their first two characters. (A regex over a trie of the words did the lookup in C too, but
    its root alternation is tried branch by branch: with a gazetteer's thousand first characters
    that cost ten times the lookup, and compiling it a second of every worker's start.)"""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(w for w in words if w)
        self._starts = starts_pattern(self.words)
        lens: dict[str, set[int]] = {}
        for w in self.words:
            if len(w) > 1:
                lens.setdefault(w[:2], set()).add(len(w))
        self._lens = {k: tuple(sorted(v, reverse=True)) for k, v in lens.items()}  # longest first
        self._single = frozenset(w for w in self.words if len(w) == 1)

    def at(self, text: str, i: int) -> str | None:
        """The longest word written at offset ``i`` of ``text``, or None."""
        words = self.words
        for n in self._lens.get(text[i:i + 2], ()):
            if text[i:i + n] in words:
                return text[i:i + n]
        return text[i] if i < len(text) and text[i] in self._single else None

    def finditer(self, text: str, pos: int = 0) -> Iterator[tuple[int, str]]:
        """(start, longest word there) at every position from ``pos`` where a word starts."""
        words, lens, single = self.words, self._lens, self._single
        for m in self._starts.finditer(text, pos):
            i = m.start()  # self.at(text, i), inlined: this loop runs at every possible start
            for n in lens.get(text[i:i + 2], ()):
                if text[i:i + n] in words:
                    yield i, text[i:i + n]
                    break
            else:
                if text[i] in single:
                    yield i, text[i]


_longest_first = longest_first  # the parameter of alternation() shadows the name

T = TypeVar("T")
R = TypeVar("R")


def by_identity(maxsize: int = 8) -> Callable[[Callable[[T], R]], Callable[[T], R]]:
    """Memoise a one-argument function on the identity of its argument.

    For what is compiled from a rule set or a taxonomy: an ``lru_cache`` would hash the whole
    object (costlier than the matching the result serves, and impossible for one holding dicts).
    The cache holds a weak reference to each argument, so it keeps no rule set alive and a new
    object that reuses a dead one's id() is never served the old result; it keeps the ``maxsize``
    most recently built entries. The argument must accept weak references (a dataclass does).
    """
    def decorate(build: Callable[[T], R]) -> Callable[[T], R]:
        cache: dict[int, tuple[weakref.ref, R]] = {}

        @wraps(build)
        def cached(obj: T) -> R:
            key = id(obj)
            got = cache.get(key)
            if got is not None and got[0]() is obj:
                return got[1]
            value = build(obj)

            def forget(ref: weakref.ref, key: int = key) -> None:
                if cache.get(key, (None,))[0] is ref:  # not a newer entry under a reused id
                    del cache[key]

            cache.pop(key, None)
            while len(cache) >= maxsize:
                del cache[next(iter(cache))]  # the oldest entry
            cache[key] = (weakref.ref(obj, forget), value)
            return value

        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        cached.cache_len = cache.__len__  # type: ignore[attr-defined]
        return cached

    return decorate
