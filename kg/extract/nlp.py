"""The shared Chinese tokenizer: jieba's words, with the token offsets of spaCy's blank ``zh``
pipeline on the jieba segmenter (:func:`token_bounds`), computed without spaCy: building a Doc
would cost as much again as segmenting, and importing spaCy about a second of every build's
start-up (tests/test_nlp.py checks the offsets against spaCy's Docs).

jieba is the global module, so words added here (taxonomy labels, units) affect every use of it
in the process. That is what we want: one dictionary, loaded once per worker.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict..." at INFO on first use


_SPACE = re.compile(r"\s")


def token_bounds(text: str) -> tuple[set[int], set[int]]:
    """Start and end offsets of the tokens of ``text`` in the shared tokenizer's Doc.

    Those tokens are jieba's words (the segmenter calls ``jieba.cut(text, cut_all=False)``),
    aligned to the text as spaCy aligns them (:func:`aligned_words`), so offsets are summed from
    the words instead of building a Doc, which would cost as much again as segmenting, and a
    build never imports spaCy (about a second of its start-up).
    """
    words = [w for w in jieba.cut(text, cut_all=False) if w]
    tokens = aligned_words(words, text) if _SPACE.search(text) else [(w, False) for w in words]
    starts, ends, pos = set(), set(), 0
    for word, space in tokens:
        starts.add(pos)
        pos += len(word)
        ends.add(pos)
        pos += space
    return starts, ends


class TokenBounds:
    """Whether an offset of ``text`` starts or ends a token (as in :func:`token_bounds`), asked
    offset by offset: jieba segments each Han block of a text (a run of its ``re_han_default``)
    on its own and makes every other character a word, so only the blocks asked about are
    segmented (a sentence's matcher asks about one or two of its blocks). Text with whitespace
    is segmented whole, through :func:`token_bounds`."""

    def __init__(self, text: str):
        self.text = text
        self._whole = token_bounds(text) if _SPACE.search(text) else None
        self._blocks = [m.span() for m in jieba.re_han_default.finditer(text)]
        self._starts = [a for a, _ in self._blocks]
        self._cut: dict[int, tuple[set[int], set[int]]] = {}

    def is_start(self, i: int) -> bool:
        if self._whole is not None:
            return i in self._whole[0]
        if not 0 <= i < len(self.text):
            return False
        k = bisect.bisect_right(self._starts, i) - 1
        return i in self._words(k)[0] if k >= 0 and i < self._blocks[k][1] else True

    def is_end(self, i: int) -> bool:
        if self._whole is not None:
            return i in self._whole[1]
        if not 0 < i <= len(self.text):
            return False
        k = bisect.bisect_right(self._starts, i - 1) - 1
        return i in self._words(k)[1] if k >= 0 and i - 1 < self._blocks[k][1] else True

    def _words(self, k: int) -> tuple[set[int], set[int]]:
        """Token starts and ends (offsets in the text) of block ``k``, segmented once."""
        got = self._cut.get(k)
        if got is None:
            a, b = self._blocks[k]
            starts, ends = token_bounds(self.text[a:b])
            got = self._cut[k] = ({a + i for i in starts}, {a + i for i in ends})
        return got


def aligned_words(words: list[str], text: str) -> list[tuple[str, bool]]:
    """The tokens, each with whether one space follows it, that spaCy makes of ``words`` over
    ``text`` (``spacy.util.get_words_and_spaces``, from which its Chinese tokenizer builds the
    Doc): whitespace words dropped, one ASCII space after a word folded into it, any other gap
    its own token."""
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(f"the words do not align with the text {text[:40]!r}")  # spaCy's E194
    out: list[tuple[str, bool]] = []
    pos = 0
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(f"the words do not align with the text {text[:40]!r}")
        if start > pos:
            out.append((text[pos:start], False))
        pos = start + len(word)
        space = pos < len(text) and text[pos] == " "
        out.append((word, space))
        pos += space
    if pos < len(text):
        out.append((text[pos:], False))
    return out


_added: set[str] = set()


def add_words(words: Iterable[str], freq: int | None = None) -> None:
    """Teach jieba whole words (taxonomy labels, units) so tokens align with them."""
    for w in words:
        w = w.strip()
        if w and w not in _added:
            jieba.add_word(w, freq=freq)
            _added.add(w)


def words(text: str) -> list[str]:
    """jieba's words of ``text`` (the tokenizer's segmentation), for modules outside extraction
    that must not import jieba themselves."""
    return jieba.lcut(text)
