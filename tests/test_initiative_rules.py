"""kg.extract.initiative_rules: initiatives.toml read and checked once, and the patterns built from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.core.errors import DataFileError
from kg.extract.initiative_rules import initiative_rules, patterns

GOOD = (Path(__file__).parent.parent / "kg" / "data" / "initiatives.toml").read_text(encoding="utf-8")


def broken(tmp_path, key: str, value: str) -> str:
    """A copy of the shipped file with the list ``key`` set to ``value``."""
    p = tmp_path / "initiatives.toml"
    p.write_text(re.sub(rf"(?m)^{key} = \[[^\]]*\]", f"{key} = {value}", GOOD), encoding="utf-8")
    return str(p)


def test_rules_load():
    r = initiative_rules()
    assert "工程" in r.programme_nouns and r.min_core >= 1


def test_broken_rules_file(tmp_path):
    with pytest.raises(DataFileError, match="triggers"):
        initiative_rules(broken(tmp_path, "triggers", "[]"))
    (tmp_path / "bad.toml").write_text("[discovery\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid TOML"):
        initiative_rules(str(tmp_path / "bad.toml"))


@pytest.mark.parametrize("key,value", [("zone_nouns", '"示范区"'), ("about_verbs", '[""]'),
                                       ("not_modal_yao", '["要"]'), ("not_modal_yao", '["主要求"]')])
def test_every_list_is_checked(tmp_path, key, value):
    with pytest.raises(DataFileError, match=key):
        initiative_rules(broken(tmp_path, key, value))


def test_section_must_be_a_table(tmp_path):
    (tmp_path / "bad.toml").write_text("status = 3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"\[status\]"):
        initiative_rules(str(tmp_path / "bad.toml"))


def test_zone_nouns_are_programme_nouns_and_end_designations():
    r = initiative_rules()
    assert set(r.zone_nouns) <= set(r.programme_nouns)
    assert not set(r.designation_nouns) & set(r.programme_nouns)  # 改革区 ends a designation only
    found = patterns(r)["designation"].search("2022年获批省职业教育创新发展实验区。")
    assert found and found.group(1) == "省职业教育创新发展实验区"
    assert patterns(r)["designation"].search("成功申报市级教育综合改革区")


def test_modal_yao_is_not_a_word_part():
    yao = patterns(initiative_rules())["modal_yao"]
    assert yao.search("下一步要加强管理")
    assert not yao.search("主要做法") and not yao.search("按照要求")
