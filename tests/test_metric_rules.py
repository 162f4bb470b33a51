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


@pytest.mark.parametrize("parse, fname, section, key, value, match", [
    ("parse_comparators", "comparators.toml", "gap", "max_len", 0, "gap.max_len: must be a positive whole number"),
    ("parse_comparators", "comparators.toml", "before", "超过", "?", "unknown comparator"),
    ("parse_metric_rules", "metric_rules.toml", "quote", "max_len", "many", "quote.max_len: must be a positive"),
    ("parse_metric_rules", "metric_rules.toml", "not_metric", "window", 2.9, "not_metric.window: must be a positive"),
    ("parse_metric_rules", "metric_rules.toml", "not_metric", "rate_counters", [], "non-empty list"),
    ("parse_metric_rules", "metric_rules.toml", "status", "planned_before", "((",
     "status.planned_before: bad regular expression"),
    ("parse_metric_rules", "metric_rules.toml", "indicator", "respectively", "", "indicator.respectively: must be a non"),
    ("parse_units", "units.toml", "weak", "counters", ["无此量词"], "weak counter missing"),
])
def test_a_bad_table_fails_at_load_naming_the_file(parse, fname, section, key, value, match):
    data, where = rule_file(fname)
    data[section][key] = value
    with pytest.raises(DataFileError, match=match) as e:
        getattr(mr, parse)(data, where)
    assert fname in str(e.value)
