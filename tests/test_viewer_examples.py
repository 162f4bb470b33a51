"""The viewer built by `kg build` from the example reports, plus a report carrying an HTML/JS
payload, in headless Chromium with the network blocked; and a screenshot on the dev corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from browser import ARTIFACTS, opened, require_browser, wait_until

from kg.core.config import Config
from kg.pipeline.build import build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOAD_REPORT = """海曙区教育局2022年工作总结
一、2022年工作总结
全面推进“双减”工作<script>window.__kgPwned=1</script>,课后服务实现全覆盖<img src=x onerror="window.__kgPwned=2">,参与率达到96%。
深化平安校园建设,新建校园安全监控点位120个。
二、2023年工作计划
计划新增学位800个,推进集团化办学。
"""

require_browser()


def _visible(page) -> set[str]:
    return set(page.evaluate("""() => {
        const net = window.__kg.network();
        return window.__kg.visibleNodeIds().map(id => net.body.data.nodes.get(id).label);
    }"""))


@pytest.fixture(scope="module")
def built(tmp_path_factory, examples_dir):
    corpus = tmp_path_factory.mktemp("viewer-corpus")
    for p in examples_dir.iterdir():
        if p.is_file():
            shutil.copy(p, corpus / p.name)
    (corpus / "06_payload.txt").write_text(PAYLOAD_REPORT, encoding="utf-8")
    out = tmp_path_factory.mktemp("viewer-out")
    build([corpus], Config(outdir=out, progress=False, cache=False))
    return out / "viewer.html"


def test_example_viewer_in_a_browser(built):
    with opened(built) as (page, requests, errors):
        n = page.evaluate("window.__kg.nodeCount()")
        assert n >= 30 and len(_visible(page)) == n
        assert {"武义县教育局", "扬州市教育局", "海曙区教育局", "课后服务"} <= _visible(page)
        # a filter changes what is visible
        page.select_option("#f-province", "江苏省")
        shown = _visible(page)
        assert "扬州市教育局" in shown and "武义县教育局" not in shown and len(shown) < n
        page.select_option("#f-province", "")
        # a click shows the evidence, in the original script, with its source file
        page.evaluate("(id) => window.__kg.select(id)", page.evaluate("window.__kg.findNode('海曙区教育局')"))
        body = page.locator("#detail-body")
        body.get_by_text("06_payload.txt", exact=False).first.wait_for(timeout=5000)
        text = body.inner_text()
        assert "window.__kgPwned=1</sc" in text  # the markup is shown as text
        assert page.evaluate("typeof window.__kgPwned") == "undefined"
        assert page.locator("#detail-body img, #detail-body script").count() == 0
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        assert errors == []


def test_dev_corpus_screenshot(shared_dir, tmp_path):
    out = tmp_path / "dev"
    build([shared_dir / "corpus"], Config(outdir=out, progress=False, cache=False))
    with opened(out / "viewer.html") as (page, requests, errors):
        assert page.evaluate("window.__kg.nodeCount()") > 50
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "viewer-dev-corpus.png"))
        assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests)
    assert (ARTIFACTS / "viewer-dev-corpus.png").stat().st_size > 10_000


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


def _expected_cells(facts: Path) -> dict[tuple[str, str], str]:
    """(province, shared initiative) → merged status, read from facts.json (not from the viewer)."""
    seen: dict[tuple[str, str], set[str]] = {}
    for r in json.loads(facts.read_text(encoding="utf-8"))["reports"]:
        province = (r.get("region") or {}).get("province") or "(unknown)"
        for i in r["initiatives"]:
            if i["concept"]:
                seen.setdefault((province, i["label"]), set()).add(i["status"])
    return {k: "both" if "both" in s or {"achieved", "planned"} <= s else sorted(s)[0] for k, s in seen.items()}


def test_example_views_labels_matrix_and_hash(built):
    """Every view of the examples: the most-shared initiatives labelled without interaction and no
    labels overlapping; the matrix's province cells are facts.json's; a URL restores a cell."""
    ARTIFACTS.mkdir(exist_ok=True)
    with opened(built) as (page, requests, errors):
        page.evaluate("window.__kg.network().redraw()")
        boxes = page.evaluate("window.__kg.labels()")
        texts = {b["text"] for b in boxes}
        assert {"平安校园", "课后服务"} <= texts  # 6 and 5 regions: the most shared
        assert _overlaps(boxes) == []
        page.screenshot(path=str(ARTIFACTS / "examples-bureaus.png"))
        page.click("#view-region")
        page.evaluate("window.__kg.network().redraw()")
        assert _overlaps(page.evaluate("window.__kg.labels()")) == []
        page.screenshot(path=str(ARTIFACTS / "examples-regions.png"))

        page.click("#view-matrix")
        cells = {(r, c): s for r, c, s, _ in page.evaluate("window.__kg.matrix()")}
        assert cells == _expected_cells(built.parent / "facts.json")
        assert cells[("浙江省", "课后服务")] and cells[("江苏省", "课后服务")]
        page.click('#matrix .tog[aria-label="expand 浙江省"]')
        page.click('#matrix .tog[aria-label="expand 宁波市"]')
        sel = page.evaluate("window.__kg.openCell('浙江省 › 宁波市 › 海曙区', window.__kg.findNode('双减'))")
        assert sel, [c for c in page.evaluate("window.__kg.matrix()") if "海曙" in c[0]]
        text = page.locator("#detail-body").inner_text()
        assert "海曙区教育局" in text and "06_payload.txt" in text and "@" in text  # file and offsets
        assert "window.__kgPwned=1</sc" in text  # the quote's markup shown as text
        assert page.evaluate("typeof window.__kgPwned") == "undefined"
        assert page.locator("#detail-body img, #detail-body script").count() == 0
        page.screenshot(path=str(ARTIFACTS / "examples-matrix.png"))
        url = page.url
        page.goto("about:blank")
        page.goto(url)
        wait_until(page, "window.__kg && window.__kg.ready", 15000)
        assert page.evaluate("window.__kg.view()") == "matrix"
        assert "海曙区 — 双减" in page.locator("#detail-body").inner_text()
        page.go_back()  # back to about:blank, forward again: the same view
        page.go_forward()
        wait_until(page, "window.__kg && window.__kg.ready", 15000)
        assert page.evaluate("window.__kg.view()") == "matrix"
        assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
        assert errors == []


def _drawn(page) -> set[str]:
    return set(page.evaluate("window.__kg.visibleNodeIds()"))


def test_big_build_publishes_the_details_beside_the_viewer(tmp_path, examples_dir, monkeypatch):
    """A build whose graph counts as big writes viewer-data/ next to viewer.html (moved out of the
    build's staging folder with the other outputs), replaces an earlier one, and its panels load."""
    import kg.outputs.viz as viz

    monkeypatch.setattr(viz, "BIG_GRAPH_NODES", 5)
    out = tmp_path / "out"
    (out / viz.DETAILS_DIR).mkdir(parents=True)
    (out / viz.DETAILS_DIR / "stale.js").write_text("x", encoding="utf-8")
    build([examples_dir], Config(outdir=out, progress=False, cache=False))
    names = sorted(p.name for p in (out / viz.DETAILS_DIR).iterdir())
    assert "stale.js" not in names and "regions.js" in names and any(n.startswith("b") for n in names)
    assert not [p for p in out.iterdir() if p.name.startswith(".partial-")]
    with opened(out / "viewer.html") as (page, requests, errors):
        # six bureaus fit: the view opens with every region expanded; collapsing one aggregates it
        assert "open=" in page.url and page.evaluate("window.__kg.findNode('武义县教育局')") in _drawn(page)
        page.evaluate("window.__kg.toggle('浙江省')")
        assert "g:浙江省" in _drawn(page) and page.evaluate("window.__kg.findNode('武义县教育局')") not in _drawn(page)
        page.evaluate("window.__kg.showPanel(window.__kg.findNode('武义县教育局'))")
        page.locator("#detail-body").get_by_text("01_wuyi_county_2023.txt", exact=False).first.wait_for(timeout=5000)
        assert any(f"/{viz.DETAILS_DIR}/" in u for u in requests)
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        assert errors == []
