"""Characters and scripts every stage shares: quote marks and the OpenCC converters.

One place for them, so that a stage never builds its own converter or spells its own quote set.
"""

from __future__ import annotations

from functools import lru_cache

# Quote marks a report may put around a name (Chinese, ASCII, corner brackets, full-width forms).
QUOTE_CHARS = "“”‘’\"'「」『』〝〞＂"


@lru_cache(maxsize=2)
def converter(config: str = "t2s"):
    """The OpenCC converter for ``config`` (t2s: traditional → simplified; s2t back), built once."""
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)
