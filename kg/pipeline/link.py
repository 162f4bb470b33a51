"""Cross-report linking: one identity per bureau, each report once across files, and each target
checked against its outcome (kg.pipeline.targets).

Shared initiatives need no work here: mentions already carry taxonomy concept ids, and two reports
share an initiative exactly when they carry the same id (the graph turns ids into concept IRIs).

Linking needs every report but only a few fields of each, so a build feeds the reports to a
:class:`Linker` as they stream in (keeping a small summary, not the records) and applies the
resulting :class:`LinkPlan` file by file, possibly in other processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kg.core.records import Bureau, ReportFacts, TargetCheck
from kg.pipeline.targets import TargetLinker, target_iris

__all__ = ["Linker", "LinkKeys", "LinkPart", "LinkPlan"]

MIN_DUPLICATE_HEAD = 50  # characters; shorter heads are too generic to call two reports the same


def _body_key(f: ReportFacts) -> str:
    return hashlib.sha1("".join(f.head.split()).encode("utf-8")).hexdigest()


def _order(f: ReportFacts) -> tuple:
    return (f.source.name, f.source.sha256, f.index, f.source.path)


def _id(f: ReportFacts) -> tuple[str, int]:
    """Report identity within a build (the report key is not: two files can hold the same bytes)."""
    return (f.source.path, f.index)


def _depth(b: Bureau) -> int:
    r = b.region
    return sum(x is not None for x in (r.province, r.city, r.county)) if r is not None else -1


@dataclass(frozen=True)
class LinkKeys:
    """What a plan is sliced by for one file: its report identities and bureau names. A build
    keeps these beside each file's pickled records, so it never unpickles them to slice the plan."""

    reports: frozenset[tuple[str, int]]  # (source path, report index)
    bureaus: frozenset[str | None]
    targets: frozenset[str] = frozenset()  # IRIs of the file's metrics a target check may concern

    @classmethod
    def of(cls, facts: Iterable[ReportFacts]) -> LinkKeys:
        facts = list(facts)
        return cls(frozenset(_id(f) for f in facts), frozenset(f.bureau.name for f in facts),
                   frozenset(i for f in facts for i in target_iris(f)))


@dataclass(frozen=True)
class LinkPlan:
    """What linking decided: reports to leave out, and the best-resolved record of each bureau."""

    duplicates: frozenset[tuple[str, int]] = frozenset()  # (source path, report index)
    bureaus: Mapping[str, Bureau] = field(default_factory=dict)  # bureau name -> reference
    targets: Mapping[str, TargetCheck] = field(default_factory=dict)  # planned metric IRI -> check
    # (source path, report index) -> IRIs of the report's metrics that a check names as its
    # outcome: the viewer's parts of the file holding them carry their records
    outcomes: Mapping[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)

    def for_keys(self, keys: LinkKeys) -> LinkPlan:
        """The part of the plan the reports behind ``keys`` need; looks up only their bureau
        names, so slicing the plan for every file of a large build stays linear."""
        return LinkPlan(self.duplicates & keys.reports,
                        {n: self.bureaus[n] for n in sorted(n for n in keys.bureaus if n in self.bureaus)},
                        {i: self.targets[i] for i in sorted(keys.targets) if i in self.targets},
                        {r: self.outcomes[r] for r in sorted(keys.reports) if r in self.outcomes})

    def apply(self, facts: Iterable[ReportFacts]) -> list[ReportFacts]:
        """Reports in (file name, content hash, index) order, duplicates left out, bureaus unified."""
        out = []
        for f in sorted(facts, key=_order):
            if _id(f) in self.duplicates:
                continue
            b = f.bureau
            ref = self.bureaus.get(b.shared_name) if b.shared_name else None
            if ref is not None and ref.region != b.region:
                f = replace(f, bureau=replace(b, region=ref.region, level=b.level or ref.level))
            out.append(f)
        return out


@dataclass(frozen=True)
class LinkPart:
    """What linking keeps of one file's reports, summed up where the file is extracted (and
    cached with it), so that the build's own process neither unpickles nor reads the records."""

    keys: LinkKeys
    reports: tuple[tuple[tuple, str, bool, tuple[str, int]], ...]  # order, body key, long head, id
    bureaus: tuple[tuple[str, tuple[int, tuple, tuple[str, int], Bureau]], ...]  # name, candidate
    targets: TargetLinker  # what it collected of these reports alone; never changed after

    @classmethod
    def of(cls, facts: Iterable[ReportFacts]) -> LinkPart:
        facts = list(facts)
        targets = TargetLinker()
        targets.add(facts)
        reports, bureaus = [], []
        for f in facts:
            order = _order(f)
            reports.append((order, _body_key(f), len(f.head) >= MIN_DUPLICATE_HEAD, _id(f)))
            b = f.bureau
            if b.shared_name and b.region is not None:
                bureaus.append((b.shared_name, (-_depth(b), order, _id(f), b)))
        return cls(LinkKeys.of(facts), tuple(reports), tuple(bureaus), targets)


class Linker:
    """Collects what linking needs from each report; :meth:`plan` decides.

    - A report whose cleaned head equals an earlier one (same page scraped twice, or the same
      report in two files) is kept once: the first in (file name, content hash, index) order.
    - Reports naming the same bureau (neither anonymized nor placeless) share the best-resolved region for it: the
      deepest region path, the first in that order on ties.
    """

    def __init__(self) -> None:
        self._reports: list[tuple[tuple, str, bool, tuple]] = []  # order, body key, long head, id
        self._bureaus: dict[str, list[tuple[int, tuple, tuple, Bureau]]] = {}
        self._targets = TargetLinker()

    def add(self, facts: Iterable[ReportFacts]) -> None:
        self.add_part(LinkPart.of(facts))

    def add_part(self, part: LinkPart) -> None:
        """:meth:`add` of the reports ``part`` sums up."""
        self._targets.merge(part.targets)
        self._reports.extend(part.reports)
        for name, candidate in part.bureaus:
            self._bureaus.setdefault(name, []).append(candidate)

    def plan(self) -> LinkPlan:
        seen: set[str] = set()
        dups: set[tuple] = set()
        for _, body, long_head, key in sorted(self._reports):
            if long_head and body in seen:
                dups.add(key)
                continue
            seen.add(body)
        bureaus = {}
        for name, candidates in self._bureaus.items():
            voters = [c for c in candidates if c[2] not in dups]  # a duplicate does not vote
            if voters:
                bureaus[name] = min(voters, key=lambda c: c[:2])[3]
        targets = self._targets.plan(frozenset(dups))
        return LinkPlan(frozenset(dups), bureaus, targets, self._targets.outcomes_by_report(targets))

