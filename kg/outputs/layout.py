"""Positions for the viewer's networks, computed here so the browser draws with physics off.

Physics on, 1k nodes took a minute to settle in headless Chromium (blank until then); with
precomputed positions the first draw takes under a second. Small graphs get a spring layout with a
fixed seed; big ones an O(n) layout of discs (networkx's spring layout of 10k nodes took 211 s).
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

__all__ = ["bureau_layout", "region_layout", "SEED", "SPRING_MAX_NODES"]

SEED = 7  # spring layouts here and the region communities (kg.outputs.network)

SPRING_MAX_NODES = 300  # networkx spring layout above this gets slow (10k nodes: 211 s)


def _phyllotaxis(n: int, spacing: float) -> list[tuple[float, float]]:
    """Evenly filled disc of n points (sunflower pattern): O(n) and deterministic."""
    golden = math.pi * (3 - math.sqrt(5))
    return [(spacing * math.sqrt(k + 0.5) * math.cos(k * golden),
             spacing * math.sqrt(k + 0.5) * math.sin(k * golden)) for k in range(n)]


def _disc_radius(n: int, spacing: float) -> float:
    return spacing * math.sqrt(n + 0.5) + spacing


def _grouped_layout(groups: list[list[str]], centre: list[str], spacing: float,
                    centre_spacing: float | None = None) -> dict[str, tuple[float, float]]:
    """``centre`` nodes in a disc in the middle; each group a disc on a ring around it."""
    centre_spacing = centre_spacing or spacing
    pos: dict[str, tuple[float, float]] = {}
    for node, xy in zip(centre, _phyllotaxis(len(centre), centre_spacing), strict=True):
        pos[node] = xy
    groups = [g for g in groups if g]
    if not groups:
        return pos
    radii = [_disc_radius(len(g), spacing) for g in groups]
    gap = 2 * spacing
    total = sum(2 * r + gap for r in radii)
    ring = total / (2 * math.pi)
    if centre:
        ring = max(ring, _disc_radius(len(centre), centre_spacing) + max(radii) + gap)
    elif len(groups) == 1:
        ring = 0.0
    angle = 0.0
    for members, rad in zip(groups, radii, strict=True):
        share = (2 * rad + gap) / total * 2 * math.pi
        a = angle + share / 2
        cx, cy = ring * math.cos(a), ring * math.sin(a)
        for node, (x, y) in zip(members, _phyllotaxis(len(members), spacing), strict=True):
            pos[node] = (cx + x, cy + y)
        angle += share
    return pos


def bureau_layout(G: nx.Graph) -> dict[str, tuple[float, float]]:
    """Spring layout (fixed seed) for small graphs; for big ones, O(n): shared concepts and themes
    in the middle, one disc per province holding its bureaus and their local initiatives."""
    n = G.number_of_nodes()
    if n == 0:
        return {}
    if n <= SPRING_MAX_NODES:
        raw = nx.spring_layout(G, seed=SEED, iterations=200, k=2.2 / math.sqrt(n))
        scale = 200 + 80 * math.sqrt(n)  # room for Chinese labels (~100 px each)
        return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in raw.items()}
    by_province: dict[str, list[str]] = defaultdict(list)
    shared: list[str] = []
    for node, d in sorted(G.nodes(data=True)):
        if d["kind"] == "bureau":
            by_province[d["province"]].append(node)
        elif d["kind"] == "initiative" and not d["local"]:
            shared.append(node)
        elif d["kind"] == "initiative":
            owners = sorted(b for b in G.neighbors(node) if G.nodes[b]["kind"] == "bureau")
            if owners:
                by_province[G.nodes[owners[0]]["province"]].append(node)
            else:
                shared.append(node)
    themes = sorted(node for node, d in G.nodes(data=True) if d["kind"] == "theme")
    shared.sort(key=lambda c: (G.nodes[c]["themes"][:1], c))
    groups = [by_province[p] for p in sorted(by_province)]
    return _grouped_layout(groups, themes + shared, spacing=28.0, centre_spacing=75.0)


def region_layout(P: nx.Graph) -> dict[str, tuple[float, float]]:
    n = P.number_of_nodes()
    if n == 0:
        return {}
    if n <= SPRING_MAX_NODES:
        raw = nx.spring_layout(P, seed=SEED, iterations=150, weight="weight", k=1.8 / math.sqrt(n))
        scale = 160 + 40 * math.sqrt(n)
        return {k: (float(x) * scale, float(y) * scale) for k, (x, y) in raw.items()}
    groups = [list(c) for c in P.graph.get("communities", [])]
    loners = sorted(k for k, d in P.nodes(data=True) if d["community"] < 0)
    return _grouped_layout(groups + [loners], [], spacing=30.0)
