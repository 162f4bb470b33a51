"""kg.core.patterns: word lists to regexes, and the identity cache for what is built from a rule set."""

import gc
import random
import re

import pytest

from kg.core.patterns import (
    LongestWords,
    alternation,
    by_identity,
    longest_first,
    starts_pattern,
)


def test_longest_first_drops_duplicates_and_breaks_ties_by_code_point():
    assert longest_first(["年", "年度", "乙", "甲", "年度"]) == ("年度", "乙", "年", "甲")


def test_alternation_prefers_the_longer_word_and_escapes():
    rx = re.compile(alternation(["年", "年度", "a.b"]))
    assert rx.match("年度计划").group(0) == "年度"
    assert rx.fullmatch("a.b") and not rx.fullmatch("axb")
    assert alternation(["b", "a"], longest_first=False) == "(?:b|a)"


def test_alternation_of_no_words_matches_nowhere():
    rx = re.compile(alternation([]))
    assert rx.search("任何文本") is None and rx.search("") is None
    assert re.compile(alternation([]) + "?x").fullmatch("x")  # still a group a quantifier may follow


def test_alternation_is_one_group():
    assert re.compile(alternation(["甲", "乙"]) + "$").search("丙乙").span() == (1, 2)


def test_any_longest_first_order_matches_alike():
    """Equal-length words cannot both match at one place, so the tie-break changes no match."""
    rnd = random.Random(5)
    words = ["学校", "学校建设", "学", "校园", "园", "建设", "设"]
    by_len = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    ours = re.compile(alternation(words))
    for _ in range(2000):
        text = "".join(rnd.choice(words + ["x", "校"]) for _ in range(rnd.randint(0, 8)))
        assert [m.span() for m in by_len.finditer(text)] == [m.span() for m in ours.finditer(text)]


def test_longest_words_gives_the_longest_word_at_each_start():
    words = LongestWords(["双减", "双减政策", "课后服务", ""])
    assert list(words.finditer("落实双减政策和课后服务")) == [(2, "双减政策"), (7, "课后服务")]
    assert list(words.finditer("落实双减政策和课后服务", 3)) == [(7, "课后服务")]
    assert words.at("落实双减", 2) == "双减" and words.at("落实双减", 1) is None and words.at("双", 1) is None
    assert list(LongestWords([]).finditer("双减")) == []


def test_longest_words_finds_what_trying_every_word_at_every_position_finds():
    """Nested, overlapping and one-character words, starts at the text's end: the longest word
    starting at each position, as a scan trying every word there gives it."""
    rnd = random.Random(7)
    vocab = ["学", "学校", "学校建设", "校园", "园", "建设", "设", "中小学", "小学", "x+1", "+"]
    for _ in range(2000):
        words = rnd.sample(vocab, rnd.randint(0, len(vocab)))
        text = "".join(rnd.choice(vocab + ["中", "x", "校"]) for _ in range(rnd.randint(0, 8)))
        expected = [(i, max(found, key=len)) for i in range(len(text))
                    if (found := [w for w in words if text.startswith(w, i)])]
        assert list(LongestWords(words).finditer(text)) == expected


def test_starts_pattern_marks_possible_starts_only():
    rx = starts_pattern(["双减", "乙"])
    assert [m.start() for m in rx.finditer("双减双乙")] == [0, 3]
    assert starts_pattern([""]).search("x") is None


class _Rules:
    def __init__(self, n):
        self.n = n


def test_by_identity_builds_once_per_object():
    built = []

    @by_identity(maxsize=2)
    def compiled(rules):
        built.append(rules.n)
        return rules.n * 10

    a, b = _Rules(1), _Rules(2)
    assert [compiled(a), compiled(a), compiled(b), compiled(a)] == [10, 10, 20, 10]
    assert built == [1, 2]


def test_by_identity_is_bounded_and_keeps_nothing_alive():
    @by_identity(maxsize=2)
    def compiled(rules):
        return rules.n

    keep = [_Rules(i) for i in range(5)]
    for r in keep:
        compiled(r)
    assert compiled.cache_len() == 2
    del keep, r
    gc.collect()
    assert compiled.cache_len() == 0  # a dead argument's entry goes with it


def test_by_identity_never_serves_a_dead_objects_result_to_a_reused_id():
    @by_identity(maxsize=8)
    def compiled(rules):
        return rules.n

    for i in range(50):  # CPython reuses the id() of a freed object at once
        assert compiled(_Rules(i)) == i


def test_by_identity_needs_a_weak_referenceable_argument():
    @by_identity()
    def f(x):
        return x

    with pytest.raises(TypeError):
        f((1, 2))
