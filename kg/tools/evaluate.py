"""Score a facts export against gold annotations (``../shared/FACTS_FORMAT.md``).

Matching rules follow the format document:
- reports: a gold report matches a predicted report of the same source file whose ``head`` contains the
  gold ``anchor`` (after width/space normalisation);
- metrics: the same base unit and the same value after scaling (138.075万元 = 1380750元; 名/人/位 count as
  persons; 12所 never matches 12人); a redacted gold metric only a redacted prediction whose quote
  matches it fuzzily (partial ratio >= 0.8);
- initiatives: a label or alias of one equals one of the other, or the shorter (>= 2 characters) is
  contained in the longer and is at least half its length;
- shared links: pairs of gold reports that carry the same national initiative, found when both matched
  predicted reports carry one concept IRI whose labels match the gold label.
Only gold reports that have a ``metrics`` key are scored for metrics.

Beyond the format (README: `kg eval`): a gold metric may carry ``indicator_concept``, the list of the
ids of every indicator concept (ontology/indicators.ttl) that rightly names what it measures (``[]``:
none does), and ``change`` (a change against an earlier figure). Over such metrics the scores add
how indicators map: ``indicator_right`` (matched metrics the tool mapped: its concept is among the
gold's), ``indicator_found`` (matched metrics the gold maps: the tool's concept is among the gold's),
``indicator_coverage`` (the tool's non-redacted metrics of those reports that have a concept) and
``metric_change`` (matched metrics: the same change flag).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from kg.core.chars import QUOTE_CHARS, REDACTION_GLYPHS, SPACE_RUN
from kg.core.errors import GoldFormatError

_REDACTION_RUN = re.compile(f"[{REDACTION_GLYPHS}]+")
_QUOTES = re.compile(f"[{re.escape(QUOTE_CHARS)}《》]")  # quote marks and title brackets
_SCALE = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000), "百": Decimal(100)}
_PERSONS = {"名", "人", "位"}


def norm(text: str | None) -> str:
    """Width-fold, drop spaces: the comparison form of every string in scoring."""
    if not text:
        return ""
    return SPACE_RUN.sub("", unicodedata.normalize("NFKC", text))


def norm_bureau(name: str | None) -> str:
    """X区教育局 = xx区教育局: any run of redaction glyphs is one placeholder (bureaus and the
    quotes of redacted metrics)."""
    return _REDACTION_RUN.sub("X", norm(name))


def scaled_value(value, unit: str | None) -> tuple[Decimal, str] | None:
    """(value in base units, base unit) or None when there is no value."""
    if value is None:
        return None
    try:
        v = Decimal(str(value))
    except InvalidOperation:
        return None
    u = norm(unit)
    while u and u[0] in _SCALE and len(u) > 1:
        v *= _SCALE[u[0]]
        u = u[1:]
    if u in _PERSONS:
        u = "人"
    return v.normalize(), u


def _label_forms(item: dict) -> list[str]:
    forms = [item.get("label")] + list(item.get("aliases") or [])
    out = []
    for f in forms:
        f = _QUOTES.sub("", norm(f))
        if f and f not in out:
            out.append(f)
    return out


def labels_match(a: str, b: str) -> bool:
    """Equal, or the shorter (>= 2 characters) lies inside the longer and is at least half as long."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 2 and short in long_ and 2 * len(short) >= len(long_)


def initiatives_match(pred: dict, gold: dict) -> bool:
    return any(labels_match(p, g) for p in _label_forms(pred) for g in _label_forms(gold))


QUOTE_MATCH = 0.8  # partial ratio a redacted metric's quote needs (FACTS_FORMAT.md)


def partial_ratio(a: str, b: str) -> float:
    """Best similarity (difflib ratio) of the shorter string against any equally long window of
    the longer one: 1.0 when one contains the other."""
    short, long_ = sorted((a, b), key=len)
    if not short:
        return 0.0
    if short in long_:
        return 1.0
    best = 0.0
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(short)
    for start in range(len(long_) - len(short) + 1):
        matcher.set_seq1(long_[start:start + len(short)])
        if matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best


def _quote_match(pred: dict, gold: dict) -> bool:
    p, g = norm_bureau(pred.get("quote")), norm_bureau(gold.get("quote"))  # X = xx = ×
    return bool(p and g) and partial_ratio(p, g) >= QUOTE_MATCH


def metrics_match(pred: dict, gold: dict) -> bool:
    """Same base unit and value after scaling; a redacted gold metric: a redacted one by quote."""
    if gold.get("redacted") or gold.get("value") is None:
        return bool(pred.get("redacted")) and _quote_match(pred, gold)
    gv, pv = scaled_value(gold.get("value"), gold.get("unit")), scaled_value(pred.get("value"), pred.get("unit"))
    return gv is not None and gv == pv


def _greedy(preds: Sequence[dict], golds: Sequence[dict], match, prefer=None) -> list[tuple[int, int]]:
    """One-to-one matching: each gold takes the first free prediction that matches
    (a prediction that also satisfies ``prefer`` wins over one that does not)."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(golds):
        cands = [pi for pi, p in enumerate(preds) if pi not in used and match(p, g)]
        if not cands:
            continue
        if prefer:
            cands.sort(key=lambda pi: not prefer(preds[pi], g))
        used.add(cands[0])
        pairs.append((cands[0], gi))
    return pairs


@dataclass
class Counts:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class Scores:
    reports: Counts = field(default_factory=Counts)
    bureau: Accuracy = field(default_factory=Accuracy)
    anonymized: Accuracy = field(default_factory=Accuracy)
    region: Accuracy = field(default_factory=Accuracy)
    level: Accuracy = field(default_factory=Accuracy)
    summary_year: Accuracy = field(default_factory=Accuracy)
    plan_year: Accuracy = field(default_factory=Accuracy)
    metrics: Counts = field(default_factory=Counts)
    metric_status: Accuracy = field(default_factory=Accuracy)
    metric_year: Accuracy = field(default_factory=Accuracy)
    metric_comparator: Accuracy = field(default_factory=Accuracy)
    indicator_right: Accuracy = field(default_factory=Accuracy)
    indicator_found: Accuracy = field(default_factory=Accuracy)
    indicator_coverage: Accuracy = field(default_factory=Accuracy)
    metric_change: Accuracy = field(default_factory=Accuracy)
    initiatives: Counts = field(default_factory=Counts)
    initiative_status: Accuracy = field(default_factory=Accuracy)
    shared_links: Counts = field(default_factory=Counts)
    extra_reports: int = 0  # predicted minus gold, over the scored sources
    misses: dict[str, list] = field(default_factory=dict)

    def as_dict(self) -> dict:
        out: dict = {}
        for name, val in self.__dict__.items():
            if isinstance(val, Counts):
                out[name] = {"precision": val.precision, "recall": val.recall, "f1": val.f1,
                             "tp": val.tp, "pred": val.pred, "gold": val.gold}
            elif isinstance(val, Accuracy):
                out[name] = {"accuracy": val.value, "right": val.right, "total": val.total}
        out["extra_reports"] = self.extra_reports
        return out


def load_gold(paths: Iterable[str | Path]) -> tuple[list[dict], list[dict]]:
    """Gold report files and shared.json from files or folders → (reports with ``source``, shared)."""
    reports: list[dict] = []
    shared: list[dict] = []
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise GoldFormatError(f"cannot read gold file: {e}", path=str(f),
                                  hint="give JSON files in the format of FACTS_FORMAT.md") from e
        if "shared_initiatives" in data:
            shared.extend(data["shared_initiatives"])
        elif "reports" in data:
            for r in data["reports"]:
                reports.append({**r, "source": r.get("source") or data.get("source")})
        else:
            raise GoldFormatError("neither 'reports' nor 'shared_initiatives' at top level", path=str(f))
    return reports, shared


def _match_reports(pred: list[dict], gold: list[dict]) -> dict[int, int]:
    """gold index -> pred index, by anchor inside head within the same source."""
    out: dict[int, int] = {}
    used: set[int] = set()
    for gi, g in enumerate(gold):
        anchor = norm(g.get("anchor"))
        for pi, p in enumerate(pred):
            if pi in used or p.get("source") != g.get("source"):
                continue
            if anchor and anchor in norm(p.get("head")):
                out[gi] = pi
                used.add(pi)
                break
    return out


def _region(r: dict) -> tuple:
    reg = r.get("region") or {}
    return tuple(norm(reg.get(k)) for k in ("province", "city", "county"))


def evaluate(facts: dict, gold_reports: list[dict], shared: list[dict] | None = None) -> Scores:
    s = Scores()
    golds = [g for g in gold_reports if not g.get("duplicate_of")]
    sources = {g["source"] for g in golds}
    preds = [p for p in facts.get("reports", []) if p.get("source") in sources]
    matched = _match_reports(preds, golds)
    s.reports = Counts(tp=len(matched), pred=len(preds), gold=len(golds))
    s.extra_reports = len(preds) - len(golds)
    s.misses = {"reports": [g.get("key") for gi, g in enumerate(golds) if gi not in matched]}
    key_to_pred: dict[str, dict] = {}
    for gi, pi in matched.items():
        g, p = golds[gi], preds[pi]
        key_to_pred[g.get("key", str(gi))] = p
        s.bureau.add(norm_bureau(p.get("bureau")) == norm_bureau(g.get("bureau")))
        s.anonymized.add(bool(p.get("bureau_anonymized")) == bool(g.get("bureau_anonymized")))
        s.region.add(_region(p) == _region(g))
        s.level.add(p.get("level") == g.get("level"))
        s.summary_year.add(p.get("summary_year") == g.get("summary_year"))
        s.plan_year.add(p.get("plan_year") == g.get("plan_year"))
        if "metrics" in g:
            pm, gm = p.get("metrics") or [], g["metrics"]
            pairs = _greedy(pm, gm, metrics_match, prefer=_quote_match)
            s.metrics.tp += len(pairs)
            s.metrics.pred += len(pm)
            s.metrics.gold += len(gm)
            for pi2, gi2 in pairs:
                s.metric_status.add(pm[pi2].get("status") == gm[gi2].get("status"))
                s.metric_year.add(pm[pi2].get("year") == gm[gi2].get("year"))
                s.metric_comparator.add(pm[pi2].get("comparator") == gm[gi2].get("comparator"))
            if any("indicator_concept" in m for m in gm):
                _score_indicators(s, pm, gm, pairs)
        pi_, gi_ = p.get("initiatives") or [], g.get("initiatives") or []
        pairs = _greedy(pi_, gi_, initiatives_match)
        s.initiatives.tp += len(pairs)
        s.initiatives.pred += len(pi_)
        s.initiatives.gold += len(gi_)
        for a, b in pairs:
            s.initiative_status.add(pi_[a].get("status") == gi_[b].get("status"))
    if shared:
        _score_shared(s, shared, key_to_pred)
    return s


def _concept_id(value: str | None) -> str | None:
    """A concept's id, whether written as the id, a prefixed name or the full IRI."""
    return re.split(r"[/#:]", value)[-1] if value else None


def _score_indicators(s: Scores, pm: list[dict], gm: list[dict], pairs: list[tuple[int, int]]) -> None:
    """Indicator mapping of one report whose gold metrics carry ``indicator_concept``."""
    s.indicator_coverage.right += sum(1 for m in pm if not m.get("redacted") and m.get("indicator_concept"))
    s.indicator_coverage.total += sum(1 for m in pm if not m.get("redacted"))
    for pi, gi in pairs:
        p, g = pm[pi], gm[gi]
        if "indicator_concept" not in g:
            continue
        want = g["indicator_concept"]
        want = {_concept_id(c) for c in ([want] if isinstance(want, str) else want or [])}
        got = _concept_id(p.get("indicator_concept"))
        if got:
            s.indicator_right.add(got in want)
        if want:
            s.indicator_found.add(got in want)
        if got not in want and (got or want):
            s.misses.setdefault("indicators", []).append(
                f"{p.get('quote')}: {got or '-'} (gold: {', '.join(sorted(want)) or '-'})")
        s.metric_change.add(bool(p.get("change")) == bool(g.get("change")))


def _score_shared(s: Scores, shared: list[dict], key_to_pred: dict[str, dict]) -> None:
    gold_pairs: set[tuple[str, str, str]] = set()
    for item in shared:
        for a, b in combinations(sorted(item.get("reports", [])), 2):
            gold_pairs.add((item["label"], a, b))
    found = 0
    for label, a, b in gold_pairs:
        pa, pb = key_to_pred.get(a), key_to_pred.get(b)
        if not pa or not pb:
            continue
        want = {"label": label}
        ca = {i.get("concept") for i in pa.get("initiatives", []) if i.get("concept") and initiatives_match(i, want)}
        cb = {i.get("concept") for i in pb.get("initiatives", []) if i.get("concept") and initiatives_match(i, want)}
        found += bool(ca & cb)
    # predicted links between the matched reports: pairs of reports sharing a concept IRI
    pred_pairs = 0
    keys = sorted(key_to_pred)
    for a, b in combinations(keys, 2):
        ca = {i.get("concept") for i in key_to_pred[a].get("initiatives", []) if i.get("concept") and i.get("scope") == "national"}
        cb = {i.get("concept") for i in key_to_pred[b].get("initiatives", []) if i.get("concept") and i.get("scope") == "national"}
        pred_pairs += len(ca & cb)
    s.shared_links = Counts(tp=found, pred=pred_pairs, gold=len(gold_pairs))


def evaluate_files(facts_path: str | Path, gold_paths: Iterable[str | Path]) -> Scores:
    try:
        facts = json.loads(Path(facts_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise GoldFormatError(f"cannot read facts file: {e}", path=str(facts_path),
                              hint="run `kg build` first; it writes OUTDIR/facts.json") from e
    reports, shared = load_gold(gold_paths)
    return evaluate(facts, reports, shared)


def format_scores(s: Scores, misses: bool = False) -> str:
    """A fixed-width table for the terminal; ``misses`` lists the indicator mappings that differ."""

    def f(x: float | None) -> str:
        return "   -  " if x is None else f"{x:6.3f}"

    lines = [f"{'field':<22}{'P':>7}{'R':>7}{'F1':>7}   n (tp/pred/gold)"]
    for name in ("reports", "metrics", "initiatives", "shared_links"):
        c: Counts = getattr(s, name)
        lines.append(f"{name:<22}{f(c.precision):>7}{f(c.recall):>7}{f(c.f1):>7}   {c.tp}/{c.pred}/{c.gold}")
    lines.append(f"{'field':<22}{'acc':>7}   n (right/total)")
    for name in ("bureau", "anonymized", "region", "level", "summary_year", "plan_year",
                 "metric_status", "metric_year", "metric_comparator", "initiative_status",
                 "indicator_right", "indicator_found", "indicator_coverage", "metric_change"):
        a: Accuracy = getattr(s, name)
        if s.indicator_coverage.total or not name.startswith(("indicator_", "metric_change")):
            lines.append(f"{name:<22}{f(a.value):>7}   {a.right}/{a.total}")
    lines.append(f"extra reports (pred - gold): {s.extra_reports}")
    if s.misses.get("reports"):
        lines.append("gold reports not found: " + ", ".join(map(str, s.misses["reports"])))
    if misses and s.misses.get("indicators"):
        lines.append("indicator mappings that differ from the gold (quote: tool (gold)):")
        lines.extend("  " + m for m in s.misses["indicators"])
    return "\n".join(lines)
