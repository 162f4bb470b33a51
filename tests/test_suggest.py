"""kg.tools.suggest: local initiatives shared across bureaus under similar names."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError
from kg.tools.suggest import core, parse_suggest_rules, suggest_concepts, suggest_indicators


def _facts(*reports):
    return {"reports": [{"source": "s.txt", "bureau": b,
                         "initiatives": [{"label": lb, "scope": sc} for lb, sc in inis]}
                        for b, inis in reports]}


@pytest.mark.parametrize("label, expected", [("“书香校园”建设工程", "书香校园"), ("阳光午餐行动", "阳光午餐"),
                                             ("红烛先锋", "红烛先锋")])
def test_core_strips_quotes_and_programme_suffixes(label, expected):
    assert core(label) == expected


def test_similar_local_names_of_different_bureaus_are_suggested():
    facts = _facts(
        ("甲县教育局", [("红烛先锋工程", "local"), ("双减", "national")]),
        ("乙区教育局", [("“红烛先锋”行动", "local")]),
        ("丙市教育局", [("红烛先锋", "local"), ("银杏读书会", "local")]),
        ("丁县教育局", [("蓝天护苗计划", "local")]),
    )
    found = suggest_concepts(facts)
    assert len(found) == 1
    s = found[0]
    assert set(s.bureaus) == {"甲县教育局", "乙区教育局", "丙市教育局"}
    assert set(s.members) == {"红烛先锋工程", "“红烛先锋”行动", "红烛先锋"}
    assert "双减" not in s.members  # national initiatives already have a concept


def test_one_bureau_is_not_enough_and_generic_words_do_not_link():
    facts = _facts(("甲县教育局", [("红烛先锋工程", "local"), ("红烛先锋行动", "local")]),
                   ("乙区教育局", [("校园提升工程", "local")]),
                   ("丙市教育局", [("教师提升行动", "local")]))
    assert suggest_concepts(facts) == []


def test_cli(tmp_path):
    facts = _facts(("甲县教育局", [("红烛先锋工程", "local")]), ("乙区教育局", [("红烛先锋行动", "local")]))
    (tmp_path / "facts.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(app, ["suggest-concepts", str(tmp_path)])
    assert res.exit_code == 0 and "2 bureaus" in res.output and "红烛先锋" in res.output
    assert CliRunner().invoke(app, ["suggest-concepts", str(tmp_path / "none")]).exit_code == 2


@pytest.mark.parametrize("table, key, value", [("core", "suffixes", []), ("similar", "generic", ["教育", ""]),
                                               ("similar", "min_ratio", 1.5), ("similar", "long_word", 0),
                                               ("similar", "shared_words", "2")])
def test_broken_rules_name_the_key(table, key, value):
    data, where = rule_file("suggest.toml")
    broken = {**data, table: {**data[table], key: value}}
    with pytest.raises(DataFileError, match=key) as e:
        parse_suggest_rules(broken, where)
    assert "suggest.toml" in str(e.value)


def _metric_facts(*reports):
    return {"reports": [{"source": "s.txt", "bureau": b, "initiatives": [],
                         "metrics": [{"indicator": ind, "base_unit": unit, "indicator_concept": cid, "redacted": False}
                                     for ind, unit, cid in metrics]}
                        for b, metrics in reports]}


def test_unmapped_indicator_wordings_of_several_bureaus_are_suggested_per_unit():
    facts = _metric_facts(
        ("甲县教育局", [("研学旅行参与学生", "人", None), ("新增学位", "个", "new-places")]),
        ("乙区教育局", [("研学旅行参与学生", "人", None), ("研学旅行参与学生", "人次", None)]),
        ("丙市教育局", [("新增学位", "个", "new-places")]),
    )
    found = suggest_indicators(facts)
    assert [(s.label, s.unit, s.bureaus) for s in found] == [
        ("研学旅行参与学生", "人", ("乙区教育局", "甲县教育局"))]  # 人次 is another quantity: one bureau only


def test_cli_indicators(tmp_path):
    facts = _metric_facts(("甲县教育局", [("研学旅行参与学生", "人", None)]),
                          ("乙区教育局", [("研学旅行参与学生", "人", None)]))
    (tmp_path / "facts.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(app, ["suggest-concepts", str(tmp_path), "--indicators"])
    assert res.exit_code == 0 and "研学旅行参与学生 [人]" in res.output and "2 bureaus" in res.output
    res = CliRunner().invoke(app, ["suggest-concepts", str(tmp_path), "--indicators", "--min-bureaus", "3"])
    assert "no unmapped indicator" in res.output
