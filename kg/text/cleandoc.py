"""The document a cleaning step works on, and offset-mapped edits of it.

Every step takes a :class:`Doc` (text, offset map, removals) and returns a new one; edits are
(start, end, replacement, rule) tuples applied by :func:`apply_edits`, which keeps ``omap[i]`` =
the index in ``source.text`` of clean character ``i``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.core.records import Removal, Source

# the marks after which a line has ended its sentence
TERMINAL = "。!?！？;；:：”\"')）】」』…"


@dataclass(frozen=True)
class Doc:
    """The text being cleaned, its map back to ``source.text`` and what was removed so far."""

    source: Source
    text: str
    omap: tuple[int, ...]  # len(text) + 1 entries
    removed: tuple[Removal, ...] = ()


Edit = tuple[int, int, str, "str | None"]  # start, end, replacement, rule to record (or None)


def apply_edits(doc: Doc, edits: list[Edit]) -> Doc:
    """Apply non-overlapping edits (in current coordinates); recorded ones become Removals."""
    if not edits:
        return doc
    edits = sorted(edits, key=lambda e: (e[0], e[1]))
    parts: list[str] = []
    omap: list[int] = []
    removed = list(doc.removed)
    pos = 0
    for start, end, repl, rule in edits:
        if start < pos:  # overlapping edit: skip, the next pass will see it again
            continue
        parts.append(doc.text[pos:start])
        omap.extend(doc.omap[pos:start])
        omap.extend(doc.omap[j] for j in _align(doc.text, start, end, repl))
        parts.append(repl)
        if rule is not None and end > start:
            o_start, o_end = doc.omap[start], doc.omap[end - 1] + 1
            removed.append(Removal(rule, (o_start, o_end), doc.source.text[o_start:o_end]))
        pos = end
    parts.append(doc.text[pos:])
    omap.extend(doc.omap[pos:])
    text = "".join(parts)
    assert len(omap) == len(text) + 1
    return Doc(doc.source, text, tuple(omap), tuple(removed))


def _align(text: str, start: int, end: int, repl: str) -> list[int]:
    """Position in ``text`` for each character of ``repl`` replacing ``text[start:end]``.

    Characters kept from the old span (a prefix, every other one of a doubled run) map to
    themselves, found greedily in order; new characters map proportionally into the span.
    """
    width = end - start
    out: list[int] = []
    j = start
    for k, ch in enumerate(repl):
        found = text.find(ch, j, end)
        if found >= 0:
            out.append(found)
            j = found + 1
        else:
            out.append(start + (min(k * width // len(repl), width - 1) if width else 0))
    return out


def sub(doc: Doc, pattern: re.Pattern, repl: str | Callable[[re.Match], str],
        rule: str | None = None) -> Doc:
    """Replace every match of ``pattern`` (recorded as a removal of ``rule`` when given)."""
    edits: list[Edit] = []
    for m in pattern.finditer(doc.text):
        r = repl(m) if callable(repl) else m.expand(repl)
        if r != m.group(0):
            edits.append((m.start(), m.end(), r, rule))
    return apply_edits(doc, edits)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, end excluding the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def drop_lines(doc: Doc, idx_rules: dict[int, str]) -> Doc:
    """Drop whole lines (with their newline) by line index."""
    spans = line_spans(doc.text)
    edits: list[Edit] = []
    for i, rule in idx_rules.items():
        s, e = spans[i]
        end = e + 1 if e < len(doc.text) else e
        if end > s:
            edits.append((s, end, "", rule))
    return apply_edits(doc, edits)
