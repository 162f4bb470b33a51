"""The one rules loader (kg.core.datafiles): every shipped rule file goes through it."""

from __future__ import annotations

import copy
import importlib
import re
from pathlib import Path

import pytest

import kg
from kg.core.datafiles import (
    compile_pattern,
    positive_int,
    rule_file,
    share,
    text,
    whole_number,
    word_list,
)
from kg.core.errors import DataFileError

KG = Path(kg.__file__).resolve().parent


def test_every_rule_file_is_read_through_rule_file():
    shipped = {p.name for p in (KG / "data").glob("*.toml")}
    source = "\n".join(p.read_text(encoding="utf-8") for p in KG.rglob("*.py"))
    loaded = set(re.findall(r'rule_file\("([\w.]+\.toml)"', source))
    assert shipped and shipped == loaded
    # and nothing reads kg/data behind the loader's back
    assert not re.search(r'"data"\s*/|tomllib\.load', source.replace(
        (KG / "core" / "datafiles.py").read_text(encoding="utf-8"), ""))


@pytest.mark.parametrize("name", sorted(p.name for p in (KG / "data").glob("*.toml")))
def test_shipped_rule_files_parse(name):
    data, where = rule_file(name)
    assert isinstance(data, dict) and data and where.endswith(name)


def test_override_path_and_errors_name_the_file(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text('[a]\nb = 1\n', encoding="utf-8")
    assert rule_file("units.toml", good) == ({"a": {"b": 1}}, str(good))
    with pytest.raises(DataFileError, match="cannot read rule file") as e:
        rule_file("units.toml", tmp_path / "absent.toml")
    assert "absent.toml" in str(e.value)
    bad = tmp_path / "bad.toml"
    bad.write_text("[a\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid TOML"):
        rule_file("units.toml", bad)


@pytest.mark.parametrize("pattern, match", [("(", "bad regular expression"), ("", "non-empty"),
                                            (3, "non-empty")])
def test_compile_pattern_names_the_rule(pattern, match):
    with pytest.raises(DataFileError, match=match) as e:
        compile_pattern("x.toml", "section.key", pattern)
    assert "section.key" in str(e.value)


@pytest.mark.parametrize("words", [[], ["a", ""], ["a", " "], ["a", 3], "ab", None])
def test_word_list_names_the_rule(words):
    with pytest.raises(DataFileError, match="non-empty list") as e:
        word_list("x.toml", "section.key", words)
    assert "section.key" in str(e.value) and "x.toml" in str(e.value)


def test_word_list_keeps_the_file_order():
    assert word_list("x.toml", "k", ["b", "aa", "b"]) == ("b", "aa", "b")


# Each rule file's checker (module, parse function), and two broken copies of the shipped file:
# a required key dropped, and a number made negative (or, where the file has no number, a bad value).
PARSERS = {
    "bureau.toml": ("kg.extract.bureau_rules", "parse_bureau_rules"),
    "comparators.toml": ("kg.extract.metric_rules", "parse_comparators"),
    "indicators.toml": ("kg.extract.indicator_match", "parse_indicator_rules"),
    "initiatives.toml": ("kg.extract.initiative_rules", "parse_initiative_rules"),
    "metric_rules.toml": ("kg.extract.metric_rules", "parse_metric_rules"),
    "noise.toml": ("kg.text.noise", "parse_noise_rules"),
    "radicals.toml": ("kg.text.normalize", "parse_radicals"),
    "segment.toml": ("kg.text.segment_rules", "parse_segment_rules"),
    "suggest.toml": ("kg.tools.suggest", "parse_suggest_rules"),
    "synonyms.toml": ("kg.terms.taxonomy", "parse_synonyms"),
    "units.toml": ("kg.extract.metric_rules", "parse_units"),
}
BROKEN = [  # file, key path, new value (None: drop the key), what the error must name
    ("bureau.toml", "parent.grant_window", None, "grant_window"),
    ("bureau.toml", "region.min_children", -1, "region.min_children"),
    ("bureau.toml", "alias.short_name_max", -3, "alias.short_name_max"),
    ("bureau.toml", "parent.grant_window", 2.9, "parent.grant_window"),
    ("bureau.toml", "redaction.hidden_own", "((", "redaction.hidden_own"),
    ("comparators.toml", "gap.max_len", None, "max_len"),
    ("comparators.toml", "gap.min_cue_len", -2, "gap.min_cue_len"),
    ("indicators.toml", "remap", None, "remap"),
    ("segment.toml", "years.whole_year", ["今年", "明年"], "years.whole_year"),  # 明年 is next year
    ("segment.toml", "years.whole_year", None, "years.whole_year"),
    ("indicators.toml", "words.compounds", None, "words.compounds"),
    ("initiatives.toml", "matching.long_label", None, "long_label"),
    ("initiatives.toml", "discovery.max_len", -22, "discovery.max_len"),
    ("initiatives.toml", "discovery.min_core", True, "discovery.min_core"),
    ("initiatives.toml", "discovery.into_not_after", ["走", "引进"], "into_not_after"),
    ("initiatives.toml", "discovery.into_places", None, "into_places"),
    ("metric_rules.toml", "indicator.verb_len", None, "verb_len"),
    ("metric_rules.toml", "quote.max_len", -28, "quote.max_len"),
    ("metric_rules.toml", "status.outcome_near", -1, "status.outcome_near"),
    ("metric_rules.toml", "not_metric.spelled_objects", None, "spelled_objects"),
    ("metric_rules.toml", "not_metric.after", "((", "not_metric.after"),
    ("noise.toml", "repeated_paragraph.min_len", None, "repeated_paragraph.min_len"),
    ("noise.toml", "page_marker.min_gap", -30, "page_marker.min_gap"),
    ("noise.toml", "page_marker.min_share", 1.5, "page_marker.min_share"),
    ("radicals.toml", "radicals", None, "radicals"),
    ("radicals.toml", "radicals.⻓", 3, "⻓"),
    ("segment.toml", "items.max_len", None, "max_len"),
    ("segment.toml", "years.agenda_reach", -300, "years.agenda_reach"),
    ("segment.toml", "items.teaser_share", 0, "items.teaser_share"),
    ("segment.toml", "years.relative.明年", 1.0, "years.relative.明年"),
    ("suggest.toml", "similar.long_word", None, "similar.long_word"),
    ("suggest.toml", "similar.shared_words", -2, "similar.shared_words"),
    ("synonyms.toml", "stripping.min_stripped", None, "stripping.min_stripped"),
    ("synonyms.toml", "stripping.min_stripped", -3, "stripping.min_stripped"),
    ("units.toml", "weak.counters", None, "counters"),
    ("units.toml", "scales.万", "many", "many"),
]


def parser(name: str):
    module, func = PARSERS[name]
    return getattr(importlib.import_module(module), func)


def test_every_rule_file_has_a_checker():
    assert set(PARSERS) == {p.name for p in (KG / "data").glob("*.toml")}
    assert {name for name, *_ in BROKEN} == set(PARSERS)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_each_shipped_file_passes_its_checker(name):
    assert parser(name)(*rule_file(name))


@pytest.mark.parametrize("name, key, value, named", BROKEN, ids=lambda v: str(v))
def test_a_broken_copy_fails_naming_the_file_and_the_key(name, key, value, named):
    data, where = rule_file(name)
    data = copy.deepcopy(data)
    *path, last = key.split(".")
    table = data
    for part in path:
        table = table[part]
    assert last in table  # the shipped file has the key the test breaks
    if value is None:
        del table[last]
    else:
        table[last] = value
    with pytest.raises(DataFileError) as e:
        parser(name)(data, where)
    assert name in str(e.value) and named in str(e.value)


@pytest.mark.parametrize("check, value", [
    (positive_int, 0), (positive_int, -3), (positive_int, 2.9), (positive_int, True), (positive_int, "2"),
    (whole_number, -1), (whole_number, 1.0), (whole_number, False),
    (share, 0), (share, 1.5), (share, "0.6"), (share, True),
    (text, ""), (text, 3), (text, None),
])
def test_value_checkers_name_the_rule(check, value):
    with pytest.raises(DataFileError) as e:
        check("x.toml", "section.key", value)
    assert "section.key" in str(e.value) and "x.toml" in str(e.value)


def test_value_checkers_keep_good_values():
    assert positive_int("x.toml", "k", 3) == 3 and whole_number("x.toml", "k", 0) == 0
    assert whole_number("x.toml", "k", -2, None) == -2 and share("x.toml", "k", 1) == 1.0
    assert share("x.toml", "k", 0.6) == 0.6 and text("x.toml", "k", "分别") == "分别"
    with pytest.raises(DataFileError, match="k: must be a positive whole number, missing"):
        positive_int("x.toml", "k", None)
