"""The one rules loader (kg.core.datafiles): every shipped rule file goes through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kg
from kg.core.datafiles import compile_pattern, rule_file, word_list
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
