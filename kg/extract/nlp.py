"""The shared Chinese tokenizer: spaCy blank ``zh`` with the jieba segmenter, built once per process.

spaCy's jieba segmenter uses the global ``jieba`` module, so words added here (taxonomy labels,
units) affect every tokenizer in the process. That is what we want: one dictionary, loaded once
per worker.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict..." at INFO on first use


@lru_cache(maxsize=1)
def get_nlp():
    """Return the process-wide spaCy pipeline (tokenizer only; no model download)."""
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


_SPACE = re.compile(r"\s")


def token_bounds(text: str) -> tuple[set[int], set[int]]:
    """Start and end offsets of the tokens of ``text`` in the shared tokenizer's Doc.

    Without whitespace those tokens are exactly jieba's words (the segmenter calls
    ``jieba.cut(text, cut_all=False)``), so offsets are summed from the words instead of building
    a Doc, which would cost as much again as segmenting. Text with whitespace goes through spaCy,
    which aligns the spaces.
    """
    if _SPACE.search(text):
        doc = get_nlp().make_doc(text)
        return {t.idx for t in doc}, {t.idx + len(t.text) for t in doc}
    starts, ends, pos = set(), set(), 0
    for w in jieba.cut(text, cut_all=False):
        if w:
            starts.add(pos)
            pos += len(w)
            ends.add(pos)
    return starts, ends


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
