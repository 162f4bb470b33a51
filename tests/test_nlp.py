"""The shared tokenizer (kg/extract/nlp.py): token offsets read from jieba's words, aligned as
spaCy aligns them, without building a Doc."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

from kg.extract.nlp import aligned_words, token_bounds

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"


@functools.cache
def spacy_zh():
    """The reference: spaCy's blank Chinese pipeline on the jieba segmenter (same jieba module,
    so the same user words)."""
    spacy = pytest.importorskip("spacy")
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def _doc_bounds(text: str) -> tuple[set[int], set[int]]:
    doc = spacy_zh().make_doc(text)
    return {t.idx for t in doc}, {t.idx + len(t.text) for t in doc}


# whitespace of every kind spaCy aligns differently: one ASCII space (folded into the word
# before it), two, a leading or trailing one, a tab, a newline, CRLF, an ideographic space
SPACED = ["全县 中小学 课后服务", "全县  中小学", " 开头有空格", "结尾有空格 ", "推进\t集团化办学",
          "第一行\n第二行", "第一行\r\n第二行", "全县\u3000中小学", "新增 学位 100 个 。", " ", "\n\n",
          "STEM 课程 与 体育艺术2+1 项目", "a  b\tc \n d"]


@pytest.mark.parametrize("text", SPACED + ["落实双减要求", "成本和能耗双双减少", "推进“县管校聘”工作,新增学位100个。",
                                  "体育艺术2+1项目与STEM课程", "", "。。"])
def test_token_bounds_are_the_spacy_docs(text):
    assert token_bounds(text) == _doc_bounds(text)


def test_token_bounds_match_spacy_on_spaced_report_lines():
    # lines of the example reports with spaces, tabs and newlines dropped in at random places
    rng = random.Random(7)
    lines = [ln for p in sorted(EXAMPLES.glob("*.txt"))
             for ln in p.read_text(encoding="utf-8").splitlines() if len(ln) > 10][:150]
    assert len(lines) > 50
    for line in lines:
        chars = list(line)
        for _ in range(3):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice([" ", "  ", "\t", "\u3000", " \n"]))
        text = "".join(chars)
        assert token_bounds(text) == _doc_bounds(text), text


@pytest.mark.parametrize(("words", "text", "expected"), [
    (["全县", " ", "中小学"], "全县 中小学", [("全县", True), ("中小学", False)]),
    (["全县", " ", " ", "中小学"], "全县  中小学", [("全县", True), (" ", False), ("中小学", False)]),
    ([" ", "开头"], " 开头", [(" ", False), ("开头", False)]),
    (["a", "\t", "b"], "a\tb", [("a", False), ("\t", False), ("b", False)]),
])
def test_aligned_words(words, text, expected):
    assert aligned_words(words, text) == expected


def test_aligned_words_refuses_words_of_another_text():
    with pytest.raises(ValueError, match="do not align"):
        aligned_words(["全县", "小学"], "全县 中小学")


@pytest.mark.parametrize("text", SPACED + ["落实双减要求", "成本和能耗双双减少", "推进“县管校聘”工作,新增学位100个。", "",
                                  "体育艺术2+1项目与STEM课程", "。。", "a", "中", "(一)推进集团化办学;新建幼儿园3所!"])
def test_token_bounds_asked_offset_by_offset_are_the_whole_texts(text):
    _same_bounds(text)


def test_token_bounds_by_block_on_report_lines():
    lines = [ln for p in sorted(EXAMPLES.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines() if ln]
    assert len(lines) > 100
    for line in lines:
        _same_bounds(line)


def _same_bounds(text: str) -> None:
    """Every offset (and one past either end) answers as the whole text's token bounds say."""
    from kg.extract.nlp import TokenBounds

    starts, ends = token_bounds(text)
    asked = TokenBounds(text)
    positions = list(range(-1, len(text) + 2))
    random.Random(len(text)).shuffle(positions)  # in any order: blocks are cut when first asked
    for i in positions:
        assert (asked.is_start(i), asked.is_end(i)) == (i in starts, i in ends), (text, i)
