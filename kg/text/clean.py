"""Source → :class:`kg.core.records.CleanText`: small pure steps, each keeping a map back to the original.

Each step (:mod:`kg.text.normalize`, :mod:`kg.text.noise`, :mod:`kg.text.pages`,
:mod:`kg.text.layout`) takes a :class:`kg.text.cleandoc.Doc` and returns a new one, its offset map
kept by the edits of :mod:`kg.text.cleandoc`. The step list runs to a fixed point, so ``clean`` is
idempotent even when one step exposes work for an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.core.records import CleanText, Source
from kg.text.cleandoc import Doc
from kg.text.layout import step_doubled, step_join_broken_lines, step_join_title
from kg.text.noise import step_dedupe, step_inline_noise, step_noise_lines
from kg.text.normalize import (
    step_compat_forms,
    step_controls,
    step_simplify,
    step_spaces,
    step_width,
)
from kg.text.pages import step_page_chain, step_page_marks, step_running_lines

__all__ = ["STEPS", "clean", "clean_text"]

MAX_PASSES = 4

STEPS: tuple[Callable[[Doc], Doc], ...] = (
    step_running_lines,
    step_controls,
    step_compat_forms,
    step_simplify,
    step_width,
    step_inline_noise,
    step_noise_lines,
    step_doubled,
    step_page_chain,
    step_page_marks,
    step_join_broken_lines,
    step_join_title,
    step_spaces,
    step_dedupe,
    step_spaces,
)


def clean_text(source: Source, steps: tuple[Callable[[Doc], Doc], ...] = STEPS) -> CleanText:
    """Run ``steps`` over ``source.text`` until nothing changes (at most MAX_PASSES passes)."""
    doc = Doc(source, source.text, tuple(range(len(source.text) + 1)))
    for _ in range(MAX_PASSES):
        before = doc.text
        for step in steps:
            doc = step(doc)
        if doc.text == before:
            break
    return CleanText(source=source, text=doc.text, offset_map=doc.omap, removed=doc.removed)


def clean(source: Source) -> CleanText:
    """Cleaned, simplified text of ``source`` with its offset map and what was removed."""
    return clean_text(source)
