"""Indicator matching: the shared indicator concept (ontology/indicators.ttl) a metric measures.

A metric's indicator as written (学前三年毛入园率, 新建幼儿园, 投入资金) is compared, normalised,
with the labels of the indicators whose quantity kind takes the metric's base unit, so 新增学位 in
个 is the places indicator while 幼儿园 in 所 is a school count. Chinese puts the head noun last, so
the label ending nearest the number wins (幼儿园学位: places), and of those the longest (新建幼儿园
over 幼儿园); when the indicator text names none, the quote is read the same way. No label, no
concept: the indicator stays text only.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from kg.core.patterns import longest_pattern
from kg.core.records import Metric
from kg.terms.indicators import IndicatorScheme, default_path, load_indicators
from kg.terms.taxonomy import normalize


class IndicatorMatcher:
    """Per base unit, one pattern over the labels of every indicator that unit can measure."""

    def __init__(self, scheme: IndicatorScheme):
        owner = scheme.labels()
        units = {u for k in scheme.kinds.values() for u in k.units}
        self._owner = owner
        self._by_unit = {u: longest_pattern(sorted(lab for lab, iid in owner.items() if scheme.allows(iid, u)))
                         for u in sorted(units)}

    def _best(self, text: str, base_unit: str) -> str | None:
        best: tuple[int, int, str] | None = None
        for m in self._by_unit[base_unit].finditer(normalize(text)):
            label = m.group(1)
            key = (m.start() + len(label), len(label), label)
            if best is None or key > best:
                best = key
        return self._owner[best[2]] if best else None

    def match(self, metric: Metric) -> str | None:
        """The indicator id ``metric`` measures, or None."""
        if metric.base_unit not in self._by_unit:
            return None
        return self._best(metric.indicator, metric.base_unit) or self._best(metric.quote, metric.base_unit)


@lru_cache(maxsize=1)
def default_matcher() -> IndicatorMatcher | None:
    """The matcher over ontology/indicators.ttl; None when the file is absent (no concepts then)."""
    return IndicatorMatcher(load_indicators()) if default_path().is_file() else None


def map_indicators(metrics: list[Metric], matcher: IndicatorMatcher | None = None) -> list[Metric]:
    """The metrics, each with the indicator concept it measures where one is found."""
    matcher = matcher or default_matcher()
    if matcher is None:
        return metrics
    return [replace(m, indicator_concept=iid) if (iid := matcher.match(m)) else m for m in metrics]
