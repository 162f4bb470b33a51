"""The metric rule tables (kg/extract/metric_rules.py): loaded once, checked at first use."""

from __future__ import annotations

import pytest

from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError
from kg.extract import metric_rules as mr


def test_shipped_tables_load_once():
    assert mr.units() is mr.units() and mr.comparators() is mr.comparators()
    r = mr.metric_rules()
    assert r is mr.metric_rules()
    assert r.year_range[0] < r.year_range[1] and r.after_respectively.sub("", "甲乙分别达到") == "甲乙"
    assert "的" in mr.comparators().gap_stops and mr.units().weak <= set(mr.units().counters)


@pytest.mark.parametrize("loader, fname, section, key, value, match", [
    ("comparators", "comparators.toml", "gap", "max_len", 0, "positive"),
    ("comparators", "comparators.toml", "before", "超过", "?", "unknown comparator"),
    ("metric_rules", "metric_rules.toml", "quote", "max_len", "many", "invalid literal"),
    ("metric_rules", "metric_rules.toml", "not_metric", "rate_counters", [], "non-empty list"),
    ("units", "units.toml", "weak", "counters", ["无此量词"], "weak counter missing"),
])
def test_a_bad_table_fails_at_load_naming_the_file(monkeypatch, loader, fname, section, key, value, match):
    data, where = rule_file(fname)
    data[section][key] = value
    monkeypatch.setattr(mr, "rule_file", lambda name, path=None: (data, where))
    load = getattr(mr, loader)
    load.cache_clear()
    try:
        with pytest.raises(DataFileError, match=match) as e:
            load()
        assert fname in str(e.value)
    finally:
        monkeypatch.undo()
        load.cache_clear()
        load()
