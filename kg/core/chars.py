"""Characters and scripts every stage shares: Han and white-space patterns, redaction glyphs, quote
marks and the OpenCC converters.

One place for them, so that a stage never builds its own converter or spells its own character set.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Quote marks a report may put around a name (Chinese, ASCII, corner brackets, full-width forms).
QUOTE_CHARS = "“”‘’\"'「」『』〝〞＂"
# The paired marks among them, opening and closing (the straight " is both, so it is in neither):
# a quoted name is read from one of these to the next closing one.
OPEN_QUOTES = "“‘「『"
CLOSE_QUOTES = "”’」』"

# Glyphs a publisher writes in place of a digit or a name (20XX年, 新增X所, *四中).
REDACTION_GLYPHS = "xX×*＊"
# The same without the full-width ＊, for the initiative patterns that read glyphs inside a name, a
# year or a count (20XX年, XX区, 等X所): they were written without ＊ and no report seen so far tells
# whether ＊ belongs there (the dev corpus has none), so they stay narrower rather than change meaning.
REDACTION_GLYPHS_HALF = REDACTION_GLYPHS.replace("＊", "")

# Han characters as a character-class body ("[" + HAN_RANGE + "]"): the basic CJK Unified block,
# what extraction counts as a Chinese character; HAN_WIDE adds Extension A and the compatibility
# ideographs, which cleaning must also keep together (a PDF text layer holds them).
HAN_RANGE = "\u4e00-\u9fff"
HAN_WIDE = "\u3400-\u4dbf" + HAN_RANGE + "\uf900-\ufaff"

HAN_CHAR = re.compile(f"[{HAN_RANGE}]")  # one common (CJK Unified, basic block) Han character
HAN_WIDE_CHAR = re.compile(f"[{HAN_WIDE}]")  # one Han character as cleaning sees it
SPACE_RUN = re.compile(r"\s+")


@lru_cache(maxsize=2)
def converter(config: str = "t2s"):
    """The OpenCC converter for ``config`` (t2s: traditional → simplified; s2t back), built once."""
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)
