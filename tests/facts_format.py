"""A checker of the facts.json format (../shared/FACTS_FORMAT.md), shared by the tests."""

from __future__ import annotations

REPORT_KEYS = {"source", "id", "head", "bureau", "bureau_anonymized", "region", "level",
               "summary_year", "plan_year", "initiatives", "metrics"}
INITIATIVE_KEYS = {"label", "concept", "aliases", "quote", "status", "scope"}
METRIC_KEYS = {"quote", "indicator", "value", "unit", "comparator", "year", "status", "redacted",
               "initiative"}
# what edu-kg adds to a metric (README, facts.json): the format lets an export gain fields
METRIC_EXTRA_KEYS = {"indicator_concept", "base_value", "base_unit", "change"}


def check_facts(doc: dict) -> list[str]:
    """Every way ``doc`` departs from the format, as readable strings (empty when it conforms)."""
    problems: list[str] = []
    if set(doc) != {"reports"}:
        problems.append(f"top-level keys {sorted(doc)}")
    for i, r in enumerate(doc.get("reports", [])):
        where = f"reports[{i}]"
        if missing := REPORT_KEYS - set(r):
            problems.append(f"{where} lacks {sorted(missing)}")
            continue
        if "/" in r["source"] or "\\" in r["source"]:
            problems.append(f"{where}.source has folders")
        if len(r["head"]) > 300:
            problems.append(f"{where}.head longer than 300")
        if r["level"] not in ("province", "city", "county", None):
            problems.append(f"{where}.level {r['level']!r}")
        if set(r["region"]) != {"province", "city", "county"}:
            problems.append(f"{where}.region keys {sorted(r['region'])}")
        for y in ("summary_year", "plan_year"):
            if r[y] is not None and not isinstance(r[y], int):
                problems.append(f"{where}.{y} not an int")
        for j, ini in enumerate(r["initiatives"]):
            if set(ini) != INITIATIVE_KEYS:
                problems.append(f"{where}.initiatives[{j}] keys {sorted(ini)}")
            elif ini["status"] not in ("achieved", "planned", "both") or ini["scope"] not in ("national", "local"):
                problems.append(f"{where}.initiatives[{j}] status/scope {ini['status']}/{ini['scope']}")
            elif (ini["scope"] == "national") != (ini["concept"] is not None and "/local/" not in ini["concept"]):
                problems.append(f"{where}.initiatives[{j}] scope and concept disagree")
        for j, m in enumerate(r["metrics"]):
            if not METRIC_KEYS <= set(m) <= METRIC_KEYS | METRIC_EXTRA_KEYS:
                problems.append(f"{where}.metrics[{j}] keys {sorted(m)}")
                continue
            if m["comparator"] not in ("=", ">=", ">", "<=", "<", "~"):
                problems.append(f"{where}.metrics[{j}].comparator {m['comparator']!r}")
            if m["status"] not in ("achieved", "planned"):
                problems.append(f"{where}.metrics[{j}].status {m['status']!r}")
            if m["redacted"] != (m["value"] is None):
                problems.append(f"{where}.metrics[{j}] redacted={m['redacted']} but value={m['value']}")
            if m["value"] is not None and not isinstance(m["value"], (int, float)):
                problems.append(f"{where}.metrics[{j}].value not a number")
            if m.get("change") not in (None, "increase", "decrease"):
                problems.append(f"{where}.metrics[{j}].change {m['change']!r}")
    return problems
