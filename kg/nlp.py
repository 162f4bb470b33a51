"""The shared Chinese tokenizer: spaCy blank ``zh`` with the jieba segmenter, built once per process.

spaCy's jieba segmenter uses the global ``jieba`` module, so words added here (taxonomy labels,
units) affect every tokenizer in the process. That is what we want: one dictionary, loaded once
per worker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict..." at INFO on first use


@lru_cache(maxsize=1)
def get_nlp():
    """Return the process-wide spaCy pipeline (tokenizer only; no model download)."""
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


_added: set[str] = set()


def add_words(words: Iterable[str], freq: int | None = None) -> None:
    """Teach jieba whole words (taxonomy labels, units) so tokens align with them."""
    for w in words:
        w = w.strip()
        if w and w not in _added:
            jieba.add_word(w, freq=freq)
            _added.add(w)
