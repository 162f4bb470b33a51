"""Characters and scripts every stage shares: Han and white-space patterns, redaction glyphs, quote
marks and the OpenCC converters.

One place for them, so that a stage never builds its own converter or spells its own character set.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Quote marks a report may put around a name (Chinese, ASCII, corner brackets, full-width forms).
QUOTE_CHARS = "“”‘’\"'「」『』〝〞＂"

# Glyphs a publisher writes in place of a digit or a name (20XX年, 新增X所, *四中).
REDACTION_GLYPHS = "xX×*＊"

HAN_CHAR = re.compile("[\u4e00-\u9fff]")  # one common (CJK Unified, basic block) Han character
SPACE_RUN = re.compile(r"\s+")


@lru_cache(maxsize=2)
def converter(config: str = "t2s"):
    """The OpenCC converter for ``config`` (t2s: traditional → simplified; s2t back), built once."""
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)
