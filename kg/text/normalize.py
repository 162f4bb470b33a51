"""Script and white-space normalisation: one newline, one space, one script, one width.

Newlines (CR, CRLF, form feed) and odd spaces are unified and control characters dropped;
radicals and compatibility forms a PDF text layer holds become the characters they stand for
(radicals.toml); traditional becomes simplified; full-width ASCII forms (U+FF01–FF5E: ，；：（）！？
０-９Ａ-Ｚ) become half-width, as most report sites already print them, so parsers see one form.
Chinese-only marks with no ASCII twin (。、“”‘’《》【】—…) are kept as they are. The full-width
asterisk ＊ is kept: it is a redaction glyph and must survive unchanged. Spaces inside Chinese
text, at line ends and extra blank lines go.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.core.chars import HAN_WIDE, REDACTION_GLYPHS, converter
from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError
from kg.text.cleandoc import Doc, Edit, apply_edits, sub

_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014"
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b]")
_NEWLINES = re.compile(r"\r\n?|\x0c")


def step_controls(doc: Doc) -> Doc:
    """Unify newlines (CR, CRLF, form feed) and spaces; drop zero-width and control characters
    and U+FFFD (the mark of a character cut in half by the publisher)."""
    doc = sub(doc, _NEWLINES, "\n")
    doc = sub(doc, _ZERO_WIDTH, "")
    return sub(doc, _ODD_SPACE, " ")


@lru_cache(maxsize=1)
def radicals() -> dict[str, str]:
    """The radical → character table (radicals.toml), read and checked once."""
    return parse_radicals(*rule_file("radicals.toml"))


def parse_radicals(data: dict, fname: str) -> dict[str, str]:
    """Check the radical → character table (a parsed radicals.toml)."""
    table = data.get("radicals")
    if not isinstance(table, dict) or set(data) != {"radicals"}:
        raise DataFileError("needs exactly one [radicals] table", path=fname,
                            hint='write [radicals] then "⻓" = "长" lines')
    for k, v in table.items():
        if not (len(k) == 1 and "\u2e80" <= k <= "\u2eff" and isinstance(v, str) and len(v) == 1
                and _is_han(v)):
            raise DataFileError(f"bad entry {k!r} = {v!r}", path=fname,
                                hint="one radical (U+2E80–U+2EFF) = one Chinese character")
    return dict(table)


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


# radicals, squared forms, compatibility ideographs, and the Latin ligatures (ﬁ ﬂ) pdfminer emits
_COMPAT = re.compile("[\u2e80-\u2fdf\u3300-\u33ff\uf900-\ufaff\ufb00-\ufb06]")


@lru_cache(maxsize=1024)
def _compat_char(ch: str) -> str:
    """The character a radical or compatibility form stands for, or ``ch`` itself.

    Squared forms (U+3300–U+33FF) change only when they hold Chinese (㍻ → 平成): ㎡ and ㎏ stay,
    they are units the metric rules know as written.
    """
    out = radicals().get(ch) or unicodedata.normalize("NFKC", ch)
    if "\u3300" <= ch <= "\u33ff" and not any(_is_han(c) for c in out):
        return ch
    return out


def step_compat_forms(doc: Doc) -> Doc:
    """PDF text layers: Kangxi and supplement radicals, compatibility ideographs → characters
    (⼀、2020年⼯作总结 → 一、2020年工作总结), so headings, years and words are seen. Runs before
    simplification, which does not know these code points."""
    if not _COMPAT.search(doc.text):
        return doc
    return sub(doc, _COMPAT, lambda m: _compat_char(m.group(0)))


def step_simplify(doc: Doc) -> Doc:
    """Traditional → simplified (OpenCC t2s), keeping a character-exact map.

    The whole text converts in one call; where a phrase conversion changes a line's length,
    that line is converted character by character instead (losing only the rare
    multi-character phrase conversions, never the alignment).
    """
    cc = converter("t2s")
    text = doc.text
    if text.isascii():
        return doc
    conv = cc.convert(text)
    if len(conv) != len(text):
        lines = []
        for line in text.split("\n"):
            c = cc.convert(line)
            if len(c) != len(line):
                c = "".join(x if len(x := cc.convert(ch)) == 1 else ch for ch in line)
            lines.append(c)
        conv = "\n".join(lines)
    edits: list[Edit] = []
    step = 256
    for base in range(0, len(text), step):  # compare in blocks: most text is already simplified
        a, b = text[base:base + step], conv[base:base + step]
        if a != b:
            edits.extend((base + k, base + k + 1, y, None)
                         for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    return apply_edits(doc, edits)


_FULLWIDTH = re.compile("[\uff01-\uff09\uff0b-\uff5e]")  # all but ＊ (U+FF0A, a redaction glyph)


def step_width(doc: Doc) -> Doc:
    """Full-width ASCII forms → half-width (，→, （→( ０→0 Ａ→A); ＊ is left alone."""
    return sub(doc, _FULLWIDTH, lambda m: chr(ord(m.group(0)) - 0xFEE0))


# spaces between Chinese text and Chinese text, digits or ASCII punctuation: each branch is
# (?<=[before])[ ]+(?=[after]), written to open with the space itself (the lookbehind then checks
# the character before it) so the regex engine jumps from space to space
_SPACE_CJK = re.compile(
    f"[ ](?:(?<=[{HAN_WIDE}{_CJK_PUNCT}][ ])[ ]*(?=[{HAN_WIDE}{_CJK_PUNCT}\\d])|(?<=[\\d][ ])[ ]*(?=[{HAN_WIDE}{_CJK_PUNCT}])"
    f"|(?<=[{HAN_WIDE}{_CJK_PUNCT}][ ])[ ]*(?=[%(),.:;])|(?<=[%(),.:;][ ])[ ]*(?=[{HAN_WIDE}]))"
)
_EDGE_SPACE = re.compile(r"^[ ]+|[ ]+$", re.M)
_MULTI_SPACE = re.compile(r"[ ]{2,}")
_BLANK_RUN = re.compile(r"\n[ ]*\n(?:[ ]*\n)+")


# spaces around a redaction token written inside Chinese text (在校学生 x 人, 投入 xx 万元): a
# run of x/X/×/* that is a word of its own, next to a Chinese character or %
_REDACTION_TOKEN = f"[{REDACTION_GLYPHS}]{{1,4}}(?:\\.[{REDACTION_GLYPHS}]{{1,3}})?"
_SPACE_BEFORE_REDACTION = re.compile(f"(?<=[{HAN_WIDE}])[ ]+(?={_REDACTION_TOKEN}(?![A-Za-z]))")
_SPACE_AFTER_REDACTION = re.compile(f"(?<![A-Za-z])({_REDACTION_TOKEN})[ ]+(?=[{HAN_WIDE}%])")


def step_spaces(doc: Doc) -> Doc:
    """Drop spaces inside Chinese text (2017 年 → 2017年, 学生 x 人 → 学生x人), at line ends, and
    extra blank lines."""
    if " " in doc.text:  # the first four patterns only ever match spaces
        doc = sub(doc, _EDGE_SPACE, "")
        doc = sub(doc, _SPACE_CJK, "")
        doc = sub(doc, _SPACE_BEFORE_REDACTION, "")
        doc = sub(doc, _SPACE_AFTER_REDACTION, r"\1")
        doc = sub(doc, _MULTI_SPACE, " ")
    if "\n" in doc.text:
        doc = sub(doc, _BLANK_RUN, "\n\n")
    return _strip_doc(doc)


def _strip_doc(doc: Doc) -> Doc:
    r"""What sub(doc, re.compile(r"^\s+|\s+$"), "") does (leading and trailing whitespace dropped,
    same edits), without scanning every whitespace run of the text for the end."""
    text = doc.text
    lead = len(text) - len(text.lstrip())  # str.strip and the regex's \s agree (str.isspace)
    edits: list[Edit] = [(0, lead, "", None)] if lead else []
    if lead < len(text):
        tail = len(text.rstrip())
        if tail < len(text):
            edits.append((tail, len(text), "", None))
    return apply_edits(doc, edits)
