"""The metric rule tables: ``units.toml`` (scales and counters), ``comparators.toml`` (cue words
around a number) and ``metric_rules.toml`` (which quantities are metrics, and how to read them),
each read and checked once; :mod:`kg.extract.metrics` reads every word list, pattern and limit
from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from kg.core.datafiles import rule_file, word_list
from kg.core.errors import DataFileError

COMPARATORS = {"=", ">=", ">", "<=", "<", "~"}


@dataclass(frozen=True)
class Units:
    scales: dict[str, Decimal]
    counters: dict[str, str]  # counter as written → base unit
    weak: frozenset[str]


@lru_cache(maxsize=1)
def units() -> Units:
    """Read and check ``units.toml`` once."""
    raw, where = rule_file("units.toml")
    try:
        scales = {k: Decimal(v) for k, v in raw["scales"].items()}
        counters = {k: str(v) for k, v in raw["counters"].items()}
        weak = frozenset(word_list(where, "weak.counters", raw["weak"]["counters"]))
        if not counters or not scales or not weak <= set(counters):
            raise ValueError("empty tables, or a weak counter missing from [counters]")
    except (KeyError, TypeError, ValueError, InvalidOperation) as e:
        raise DataFileError(f"bad unit table: {e!r}", path=where,
                            hint="[scales] maps a scale word to a number string; [counters] to a base unit") from e
    return Units(scales, counters, weak)


@dataclass(frozen=True)
class Comparators:
    before: dict[str, str]
    between: dict[str, str]
    after: dict[str, str]
    gap_max: int  # Chinese characters a cue may stand before the number
    gap_min_cue: int  # how long a cue must be to stand apart from its number
    gap_stops: frozenset[str]  # characters that may not be in the gap


def _positive(value: object) -> int:
    n = int(value)  # type: ignore[call-overload]
    if n <= 0:
        raise ValueError(f"expected a positive whole number, got {value!r}")
    return n


@lru_cache(maxsize=1)
def comparators() -> Comparators:
    """Read and check ``comparators.toml`` once."""
    raw, where = rule_file("comparators.toml")
    try:
        tables = [dict(raw[k]) for k in ("before", "between", "after")]
        bad = [v for t in tables for v in t.values() if v not in COMPARATORS]
        if bad:
            raise ValueError(f"unknown comparator(s) {bad}; use one of {sorted(COMPARATORS)}")
        gap = raw["gap"]
        return Comparators(*tables, gap_max=_positive(gap["max_len"]), gap_min_cue=_positive(gap["min_cue_len"]),
                           gap_stops=frozenset(str(gap["stops"])))
    except (KeyError, TypeError, ValueError) as e:
        raise DataFileError(f"bad comparator table: {e}", path=where) from e


@dataclass(frozen=True)
class MetricRules:
    planned_before: re.Pattern
    planned_after: re.Pattern
    achieved_reset: re.Pattern
    achieved_in_plan: re.Pattern
    quote_prefix: re.Pattern
    nm_before: re.Pattern
    rank_before: re.Pattern
    rate_before: re.Pattern
    rate_counters: frozenset[str]
    nm_after: re.Pattern
    abstract_nouns: re.Pattern
    glue_before: re.Pattern
    glue_after: re.Pattern
    year_like: re.Pattern
    name_brackets: tuple[tuple[str, str], ...]
    name_max_len: int
    strip_prefix: re.Pattern
    strip_suffix: re.Pattern
    cue_words: re.Pattern
    object_end: re.Pattern
    indicator_max_len: int
    window: int  # characters read around a quantity by the not-a-metric patterns
    year_range: tuple[int, int]
    quote_max: int
    object_max_len: int
    verb_len: int
    respectively: str
    after_respectively: re.Pattern  # the word and the rest of its line
    list_separator: str


@lru_cache(maxsize=1)
def metric_rules() -> MetricRules:
    """Read and check ``metric_rules.toml`` once."""
    raw, where = rule_file("metric_rules.toml")
    try:
        st, nm, ind = raw["status"], raw["not_metric"], raw["indicator"]
        c = re.compile
        first_year, last_year = (int(y) for y in nm["year_range"])
        respectively, separator = str(ind["respectively"]), str(ind["list_separator"])
        if not respectively or not separator:
            raise ValueError("empty [indicator] respectively or list_separator")
        return MetricRules(
            planned_before=c(st["planned_before"]), planned_after=c(st["planned_after"]),
            achieved_reset=c(st["achieved_reset"]), achieved_in_plan=c(st["achieved_in_plan"]),
            quote_prefix=c(nm["quote_prefix"]),
            nm_before=c(nm["before"]), rank_before=c(nm["rank_before"]), rate_before=c(nm["rate_before"]),
            rate_counters=frozenset(word_list(where, "not_metric.rate_counters", nm["rate_counters"])), nm_after=c(nm["after"]),
            abstract_nouns=c(nm["abstract_nouns"]), glue_before=c(nm["glue_before"]),
            glue_after=c(nm["glue_after"]), year_like=c(nm["year_like"]),
            name_brackets=tuple((a, b) for a, b in nm["name_brackets"]), name_max_len=int(nm["name_max_len"]),
            strip_prefix=c(ind["strip_prefix"]), strip_suffix=c(ind["strip_suffix"]),
            cue_words=c(ind["cue_words"]), object_end=c(ind["object_end"]),
            indicator_max_len=int(ind["max_len"]),
            window=_positive(nm["window"]), year_range=(first_year, last_year),
            quote_max=_positive(raw["quote"]["max_len"]),
            object_max_len=_positive(ind["object_max_len"]), verb_len=_positive(ind["verb_len"]),
            respectively=respectively, after_respectively=c(re.escape(respectively) + ".*$"),
            list_separator=separator,
        )
    except (KeyError, TypeError, ValueError, re.error) as e:
        raise DataFileError(f"bad metric rules: {e!r}", path=where,
                            hint="check the key names and regular expressions") from e
