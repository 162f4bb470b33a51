"""Cross-report linking: one identity per bureau, each report once across files.

Shared initiatives need no work here: mentions already carry taxonomy concept ids, and two reports
share an initiative exactly when they carry the same id (the graph turns ids into concept IRIs).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace

from .types import Bureau, ReportFacts


def _body_key(f: ReportFacts) -> str:
    return hashlib.sha1("".join(f.head.split()).encode("utf-8")).hexdigest()


def drop_duplicate_reports(facts: Iterable[ReportFacts]) -> list[ReportFacts]:
    """A report whose cleaned head equals an earlier one (same page scraped twice, or the same report
    in two files) is kept once: the first in (file, index) order."""
    seen: set[str] = set()
    out = []
    for f in sorted(facts, key=lambda f: (f.source.name, f.source.sha256, f.index)):
        key = _body_key(f)
        if len(f.head) >= 50 and key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def unify_bureaus(facts: list[ReportFacts]) -> list[ReportFacts]:
    """Reports naming the same (non-anonymized) bureau share the best-resolved region for it."""
    best: dict[str, Bureau] = {}
    for f in facts:
        b = f.bureau
        if not b.name or b.anonymized or b.region is None:
            continue
        cur = best.get(b.name)
        depth = sum(x is not None for x in (b.region.province, b.region.city, b.region.county))
        if cur is None or depth > sum(x is not None for x in (cur.region.province, cur.region.city,
                                                                cur.region.county)):
            best[b.name] = b
    out = []
    for f in facts:
        b = f.bureau
        ref = best.get(b.name) if b.name and not b.anonymized else None
        if ref is not None and ref.region != b.region:
            f = replace(f, bureau=replace(b, region=ref.region, level=b.level or ref.level))
        out.append(f)
    return out


def link(facts: Iterable[ReportFacts]) -> list[ReportFacts]:
    return unify_bureaus(drop_duplicate_reports(facts))
