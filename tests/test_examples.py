"""The example reports against the expected facts written in examples/README.md.

The README is the human-readable answer key; this test parses its tables into the gold format and
scores the example build with the same scorer as `kg eval`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.tools.evaluate import evaluate

README = Path(__file__).resolve().parent.parent / "examples" / "README.md"
_NULL = {"null": None, "": None}


def _num(text: str):
    if not text:
        return None
    v = float(text)
    return int(v) if v.is_integer() else v


def parse_readme(text: str) -> list[dict]:
    """Gold-format reports (without anchors), in file order."""
    reports: list[dict] = []
    source = None
    cur: dict | None = None

    def new(src: str) -> dict:
        r = {"source": src, "initiatives": [], "metrics": [], "key": f"{src}#{len(reports)}"}
        reports.append(r)
        return r

    for line in text.splitlines():
        if m := re.match(r"## (\S+\.(?:txt|html))\s*$", line):
            source, cur = m.group(1), None
            continue
        if line.startswith("### ") and source:
            cur = new(source)
            continue
        if line.startswith("- bureau ") and source:
            if cur is None or cur.get("bureau") is not None:
                cur = new(source)
            m = re.match(r"- bureau `([^`]+)`(?:, (not )?anonymized)?; region (\S+) / (\S+) / (\S+); level `(\w+)`", line)
            assert m, line
            cur["bureau"] = m.group(1)
            cur["bureau_anonymized"] = "anonymized" in line and not m.group(2)
            cur["region"] = {k: _NULL.get(v, v) for k, v in zip(("province", "city", "county"), m.group(3, 4, 5), strict=True)}
            cur["level"] = m.group(6)
            continue
        if line.startswith("- summary_year") and cur is not None:
            m = re.match(r"- summary_year (\w+), plan_year (\w+)", line)
            cur["summary_year"], cur["plan_year"] = (None if v == "null" else int(v) for v in m.groups())
            continue
        if cur is None or not line.startswith("| ") or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("initiative", "quote"):
            continue
        if len(cells) == 4:
            cur["initiatives"].append({"label": cells[0], "aliases": [], "scope": cells[1],
                                       "status": cells[2], "quote": cells[3]})
        elif len(cells) == 7:
            value = _num(cells[1])
            cur["metrics"].append({"quote": cells[0], "value": value, "unit": cells[2],
                                   "comparator": cells[3], "year": _num(cells[4]), "status": cells[5],
                                   "redacted": value is None, "initiative": cells[6] or None})
    return reports


@pytest.fixture(scope="module")
def scored(example_build):
    out, _ = example_build
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    gold = parse_readme(README.read_text(encoding="utf-8"))
    # Reports are matched by order within their file (the README has no anchors).
    by_source: dict[str, list[dict]] = {}
    for r in facts["reports"]:
        by_source.setdefault(r["source"], []).append(r)
    seen: dict[str, int] = {}
    for g in gold:
        i = seen.get(g["source"], 0)
        seen[g["source"]] = i + 1
        preds = by_source.get(g["source"], [])
        g["anchor"] = preds[i]["head"][:20] if i < len(preds) else "\x00no report\x00"
    return evaluate(facts, gold, None), gold


def test_readme_parses():
    gold = parse_readme(README.read_text(encoding="utf-8"))
    assert len(gold) == 7
    assert sum(len(g["metrics"]) for g in gold) >= 90
    assert all(g.get("bureau") for g in gold)


def test_every_example_report_is_found_once(scored):
    s, gold = scored
    assert s.reports.recall == 1.0 and s.reports.precision == 1.0


@pytest.mark.parametrize("field", ["bureau", "anonymized", "region", "level", "summary_year", "plan_year"])
def test_report_fields(scored, field):
    s, _ = scored
    assert getattr(s, field).value == 1.0, field


def test_metrics(scored):
    s, _ = scored
    assert s.metrics.recall >= 0.85, (s.metrics.tp, s.metrics.gold)
    assert s.metric_status.value >= 0.9
    assert s.metric_year.value >= 0.9
    assert s.metric_comparator.value >= 0.9


def test_initiatives(scored):
    s, _ = scored
    assert s.initiatives.recall >= 0.8, (s.initiatives.tp, s.initiatives.gold)
