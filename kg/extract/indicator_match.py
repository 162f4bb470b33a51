"""Indicator matching: the shared indicator concept (ontology/indicators.ttl) a metric measures.

A metric's indicator as written (学前三年毛入园率, 新建幼儿园, 投入资金) is compared, normalised,
with the labels of the indicators whose quantity kind takes the metric's base unit, so 新增学位 in
个 is the places indicator while 幼儿园 in 所 is a school count. Chinese puts the head noun last, so
the label ending nearest the number wins (幼儿园学位: places), and of those the longest (新建幼儿园
over 幼儿园); when the indicator text names none, the quote is read the same way. No label, no
concept: the indicator stays text only. A build verb before a school's head noun (新改扩建初中,
开办幼儿园) makes the count one of schools built or opened (kg/data/indicators.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from kg.core.datafiles import rule_file, text, word_list
from kg.core.errors import DataFileError
from kg.core.patterns import longest_pattern
from kg.core.records import Metric
from kg.terms.indicators import IndicatorScheme, default_path, load_indicators
from kg.terms.taxonomy import normalize


@dataclass(frozen=True)
class Remap:
    """A build verb before a school count's head: the concept meant instead, by domain."""

    kind: str
    cues: tuple[str, ...]
    to: tuple[tuple[str, str], ...]  # (domain id or "*", indicator id)

    def target(self, domain: str) -> str | None:
        table = dict(self.to)
        return table.get(domain, table.get("*"))


def parse_indicator_rules(data: dict, fname: str) -> tuple[Remap, ...]:
    """Check kg/data/indicators.toml (see its comments)."""
    entries = data.get("remap")
    if not isinstance(entries, list) or not entries:
        raise DataFileError("remap: needs [[remap]] entries", path=fname, hint="see the file's comments")
    out = []
    for i, e in enumerate(entries):
        where = f"remap[{i}]"
        to = e.get("to") if isinstance(e, dict) else None
        if not isinstance(to, dict) or not to:
            raise DataFileError(f"{where}.to: must map domains to indicator ids", path=fname)
        out.append(Remap(text(fname, f"{where}.kind", e.get("kind")),
                         tuple(sorted(word_list(fname, f"{where}.cues", e.get("cues")), key=len, reverse=True)),
                         tuple(sorted((text(fname, f"{where}.to", k), text(fname, f"{where}.to", v))
                                      for k, v in to.items()))))
    return tuple(out)


@lru_cache(maxsize=1)
def indicator_rules() -> tuple[Remap, ...]:
    return parse_indicator_rules(*rule_file("indicators.toml"))


class IndicatorMatcher:
    """Per base unit, one pattern over the labels of every indicator that unit can measure."""

    def __init__(self, scheme: IndicatorScheme, remaps: tuple[Remap, ...] | None = None):
        owner = scheme.labels()
        units = {u for k in scheme.kinds.values() for u in k.units}
        self._scheme = scheme
        self._owner = owner
        self._by_unit = {u: longest_pattern(sorted(lab for lab, iid in owner.items() if scheme.allows(iid, u)))
                         for u in sorted(units)}
        self._remaps = indicator_rules() if remaps is None else remaps
        for r in self._remaps:
            unknown = sorted({iid for _, iid in r.to} - set(scheme.indicators))
            if r.kind not in scheme.kinds or unknown:
                raise DataFileError(f"a remap names what the indicator scheme lacks: {r.kind} {unknown}",
                                    path="indicators.toml", hint="use ids of ontology/indicators.ttl")

    def _best(self, written: str, base_unit: str) -> str | None:
        best: tuple[int, int, str] | None = None
        form = normalize(written)
        for m in self._by_unit[base_unit].finditer(form):
            label = m.group(1)
            key = (m.start() + len(label), len(label), label)
            if best is None or key > best:
                best = key
        if best is None:
            return None
        return self._remapped(self._owner[best[2]], form[: best[0] - best[1]], base_unit)

    def _remapped(self, iid: str, before: str, base_unit: str) -> str:
        ind = self._scheme.indicators[iid]
        for r in self._remaps:
            if ind.kind == r.kind and any(c in before for c in r.cues):
                target = r.target(ind.domain)
                if target and self._scheme.allows(target, base_unit):
                    return target
        return iid

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
