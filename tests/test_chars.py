"""kg.core.chars: the shared character sets and how the narrower ones derive from the wider."""

import re

from kg.core.chars import (
    CLOSE_QUOTES,
    HAN_CHAR,
    HAN_RANGE,
    HAN_WIDE,
    HAN_WIDE_CHAR,
    OPEN_QUOTES,
    QUOTE_CHARS,
    REDACTION_GLYPHS,
    REDACTION_GLYPHS_HALF,
)


def test_han_sets():
    assert HAN_CHAR.pattern == f"[{HAN_RANGE}]" and HAN_WIDE_CHAR.pattern == f"[{HAN_WIDE}]"
    for ch in "一鿿教":
        assert HAN_CHAR.match(ch) and HAN_WIDE_CHAR.match(ch)
    for ch in "\u3400\u4dbf\uf900\ufaff":  # Extension A and compatibility ideographs: cleaning only
        assert HAN_WIDE_CHAR.match(ch) and not HAN_CHAR.match(ch)
    for ch in "\u4dc0\ua000a1，":
        assert not HAN_WIDE_CHAR.match(ch)


def test_narrower_sets_derive_from_the_wider():
    assert set(REDACTION_GLYPHS_HALF) == set(REDACTION_GLYPHS) - {"＊"}
    assert set(OPEN_QUOTES) | set(CLOSE_QUOTES) <= set(QUOTE_CHARS)
    assert len(OPEN_QUOTES) == len(CLOSE_QUOTES) and not set(OPEN_QUOTES) & set(CLOSE_QUOTES)
    assert re.fullmatch(f"[{re.escape(REDACTION_GLYPHS)}]+", "xX×*＊")
