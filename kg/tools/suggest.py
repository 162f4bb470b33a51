"""`kg suggest-concepts`: local initiatives that several bureaus run under similar names, as
candidates for a new shared concept in ontology/initiatives.ttl (a curator decides).

Two local labels are grouped when their cores (the label without quotes and programme suffixes
such as 工程/行动/活动) are similar as strings, or share a distinctive key word. Only groups that
span at least ``min_bureaus`` different bureaus are suggested.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from kg.core.chars import QUOTE_CHARS

_QUOTES = re.compile(rf"[{re.escape(QUOTE_CHARS)}《》\s]")  # quote marks, title brackets, spaces
_SUFFIX = re.compile(r"(建设|创建|工程|行动|计划|活动|项目|工作|改革|机制|制度|体系|示范区|品牌)+$")
# words too common in programme names to link two of them on their own
_GENERIC = frozenset("教育 学校 教师 学生 校园 建设 工作 提升 推进 实施 开展 活动 工程 行动 计划 项目 "
                     "管理 发展 质量 能力 服务 示范 优质 特色 全面 深化 加强 创新 中小学 幼儿园 "
                     "整治 治理 专项 试点 培养 评估 机制 改革 安全 现代 名师 校长 民办 农村 城乡".split())


@dataclass(frozen=True)
class Suggestion:
    label: str  # the most frequent member label
    bureaus: tuple[str, ...]
    members: tuple[str, ...]  # the local labels grouped


def core(label: str) -> str:
    return _SUFFIX.sub("", _QUOTES.sub("", label)) or _QUOTES.sub("", label)


def _key_words(text: str) -> set[str]:
    import jieba

    from kg.extract.nlp import add_words  # noqa: F401  (kg.extract.nlp quiets jieba's start-up log)

    return {w for w in jieba.lcut(text) if len(w) >= 2 and w not in _GENERIC}


def _similar(a: str, b: str, ka: set[str], kb: set[str]) -> bool:
    """Close as strings, or sharing one distinctive word of 3+ characters or two shorter ones."""
    shared = ka & kb
    return (SequenceMatcher(None, a, b).ratio() >= 0.75
            or any(len(w) >= 3 for w in shared) or len(shared) >= 2)


def suggest_concepts(facts: dict, min_bureaus: int = 2) -> list[Suggestion]:
    """Groups of local initiatives shared by ``min_bureaus`` or more bureaus, most shared first."""
    owners: dict[str, set[str]] = {}
    for i, r in enumerate(facts.get("reports", [])):
        bureau = r.get("bureau") or f"{r.get('source')}#{i}"
        for ini in r.get("initiatives", []):
            if ini.get("scope") == "local" and ini.get("label"):
                owners.setdefault(ini["label"], set()).add(bureau)
    labels = sorted(owners)
    cores = {lb: core(lb) for lb in labels}
    keys = {lb: _key_words(cores[lb]) for lb in labels}
    parent = {lb: lb for lb in labels}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if _similar(cores[a], cores[b], keys[a], keys[b]):
                parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for lb in labels:
        groups.setdefault(find(lb), []).append(lb)
    out = []
    for members in groups.values():
        bureaus = sorted(set().union(*(owners[m] for m in members)))
        if len(bureaus) < min_bureaus:
            continue
        counts = Counter({m: len(owners[m]) for m in members})
        label = min(counts, key=lambda m: (-counts[m], len(m), m))
        out.append(Suggestion(label, tuple(bureaus), tuple(sorted(members))))
    return sorted(out, key=lambda s: (-len(s.bureaus), s.label))
