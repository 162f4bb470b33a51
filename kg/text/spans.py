"""Lines and sentences of the clean text, each with its span in it.

Sentences end at 。！？； and newlines; a run longer than MAX_SENTENCE (lost punctuation, spam) is
cut at a clause mark so per-sentence work stays linear in the file size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.core.records import Sentence, Span


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str  # stripped


def line_list(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``text[start:end]``, stripped, with their spans."""
    end = len(text) if end is None else end
    out: list[Line] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        raw = text[pos:stop]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        pos = stop + 1
    return out


def trim(text: str, span: Span) -> Span:
    """``span`` without the white space at its ends."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e)


SENTENCE_END = "。!?！？;；"  # marks that end a sentence; a line break ends one too
_SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]+[{SENTENCE_END}]*")


MAX_SENTENCE = 400  # longer "sentences" are artifacts (lost punctuation, spam): cut them
_CLAUSE_BREAK = re.compile(r"[,，、:：]")


def _bounded(text: str, s: int, e: int) -> list[Span]:
    """Cut an over-long run at its last clause mark before MAX_SENTENCE (else at the limit), so
    per-sentence work stays linear in the file size."""
    out: list[Span] = []
    while e - s > MAX_SENTENCE:
        cut = s + MAX_SENTENCE
        marks = [m.end() for m in _CLAUSE_BREAK.finditer(text, s + MAX_SENTENCE // 2, cut)]
        cut = marks[-1] if marks else cut
        out.append((s, cut))
        s = cut
    out.append((s, e))
    return out


def sentences(text: str, span: Span) -> tuple[Sentence, ...]:
    """Sentences of ``text[span]`` split on 。！？； and newlines, with clean-text spans."""
    out: list[Sentence] = []
    for m in _SENTENCE.finditer(text, span[0], span[1]):
        for piece in _bounded(text, m.start(), m.end()):
            s, e = trim(text, piece)
            if e > s:
                out.append(Sentence(text[s:e], (s, e)))
    return tuple(out)
